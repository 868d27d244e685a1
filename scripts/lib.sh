# Shared helpers for scripts/start.sh and scripts/test.sh. Every step is idempotent: it checks first
# and installs only what is missing, so a fresh Debian machine with the .NET SDK and a prepared one
# take the same command.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages listed in scripts/deps/<purpose>.apt (one per line, # comments) for the given purposes.
ensure_apt() {
  local missing=() pkg f
  for f in "$@"; do
    f="$ROOT/scripts/deps/$f.apt"; [ -f "$f" ] || continue
    while read -r pkg; do
      pkg="${pkg%%#*}"; pkg="$(echo "$pkg" | xargs)"; [ -n "$pkg" ] || continue
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done < "$f"
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Node.js and npm: keep the machine's own when present (e.g. a nodesource build), else Debian's.
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  say "installing Node.js and npm from Debian"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
}

# npm ci in a folder that has a package-lock.json, unless node_modules is already in step with it.
ensure_npm() {
  local dir="$1" stamp="$1/node_modules/.peercode-installed"
  [ -f "$dir/package.json" ] || return 0
  # Installed already, and neither package.json nor the lock changed since: nothing to do.
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package.json" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  say "installing npm packages in ${dir#$ROOT/}"
  # npm ci installs exactly the lock file. The registry copy here lacks other platforms' optional packages
  # (e.g. rollup's native builds), so a lock written here can fail npm ci's completeness check: then install
  # the same locked versions with npm install, without rewriting package.json or the lock.
  local log; log="$(mktemp)"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1); then
    if grep -q "in sync" "$log"; then
      (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null) || { rm -f "$log"; return 1; }
    else
      cat "$log" >&2; rm -f "$log"; return 1
    fi
  fi
  rm -f "$log"
  touch "$stamp"
}

# Every npm project of the repository (tests' oracles and load generators, the browser app).
npm_projects() {
  find "$ROOT/src" "$ROOT/tests" -name package.json -not -path '*/node_modules/*' -not -path '*/bin/*' -not -path '*/obj/*' -printf '%h\n' | sort
}

# The browser app (src/Web/ClientApp, Vite) into src/Web/wwwroot/app, when its build is older than any of its sources.
ensure_client_app() {
  local app="$ROOT/src/Web/ClientApp" out="$ROOT/src/Web/wwwroot/app/index.html"
  [ -f "$app/package.json" ] || return 0
  if [ -f "$out" ] && [ -z "$(find "$app" -path "$app/node_modules" -prune -o -type f -newer "$out" -print -quit)" ]; then
    return 0
  fi
  say "building the browser app (src/Web/ClientApp)"
  (cd "$app" && npm run build --silent >/dev/null)
}
