#!/usr/bin/env bash
# demo.sh — the README's first command: installs what is missing, builds, starts the reference
# server on a free loopback port with its in-memory store, creates one customer, prints the new
# i_customer, and stops the server.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/build.sh"
build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$top/$build_dir" ;; esac

work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$build_dir/server/custrpc-server" --listen 127.0.0.1:0 >"$work/out" 2>"$work/log" &
server_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$work/out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/out")
[[ -n "$url" ]] || { echo "custrpc: the server did not start:" >&2; cat "$work/log" >&2; exit 69; }
echo "custrpc-server is listening on $url"

name="Demo Customer $(date +%s)"
i_customer=$(CUSTRPC_WEB_PASSWORD=demo-password "$build_dir/client/custrpc" create --url "$url" \
  --name "$name" --i-tariff own --customers-mgmt add,edit --max-sessions unlimited)
echo "created \"$name\": i_customer $i_customer"
"$build_dir/client/custrpc" get --url "$url" --i-customer "$i_customer"
