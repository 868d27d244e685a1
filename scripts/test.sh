#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (Debian packages, npm packages), idempotently.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Crdt]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_apt base test
ensure_node
for d in $(npm_projects); do ensure_npm "$d"; done
ensure_client_app

# docker-compose.yml must stay valid: checked whenever a docker client is present. Without the compose plugin
# (Docker's own repository, not Debian's), Debian's docker-compose (1.29) validates the same file.
if command -v docker >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then ensure_apt compose; fi
if docker compose version >/dev/null 2>&1; then
  say "validating docker-compose.yml (docker compose)"; docker compose -f docker-compose.yml config -q
elif command -v docker-compose >/dev/null 2>&1; then
  say "validating docker-compose.yml (docker-compose $(docker-compose version --short))"; docker-compose -f docker-compose.yml config -q
else
  say "no docker client: docker-compose.yml not validated"
fi

say "building (Release)"
dotnet build PeerCode.sln -c Release -nologo -clp:ErrorsOnly

results="$ROOT/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
say "running tests"
set +e
dotnet test PeerCode.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" "$@"
status=$?
set -e

# One closing line with the totals over every test project (read from the TRX files).
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  num() { echo "$c" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(num passed))); failed=$((failed + $(num failed)))
  skipped=$((skipped + $(num total) - $(num executed)))   # xunit's skipped tests are counted but not executed
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
