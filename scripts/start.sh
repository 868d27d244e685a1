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
for arg in "$@"; do case "$arg" in --PeerCode:Url=*) url="${arg#*=}";; esac; done
data="${PEERCODE__DATADIRECTORY:-${PeerCode__DataDirectory:-$ROOT/data}}"
say "PeerCode starts on $url  (open it in a browser; data in $data; Ctrl+C stops it)"
# dotnet run starts in src/Web, so the data directory is made absolute here (the repository's ./data by default).
exec dotnet run --project src/Web/PeerCode.Web.csproj -c Release --no-build -- --PeerCode:Url="$url" --PeerCode:DataDirectory="$data" "$@"
