#!/usr/bin/env bash
# Starts PeerCode on the embedded default (SQLite event store and read models in ./data, no external
# services). Installs and builds whatever it needs first, idempotently.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_apt base run
ensure_node
for d in $(npm_projects); do case "$d" in "$ROOT"/src/*) ensure_npm "$d";; esac; done
ensure_client_app

say "building (Release)"
dotnet build src/Web/PeerCode.Web.csproj -c Release -nologo -clp:ErrorsOnly

url="${PEERCODE__URL:-http://127.0.0.1:5000}"
say "PeerCode starts on $url  (open it in a browser; Ctrl+C stops it)"
exec dotnet run --project src/Web/PeerCode.Web.csproj -c Release --no-build -- --PeerCode:Url="$url" "$@"
