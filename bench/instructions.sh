#!/usr/bin/env bash
# instructions.sh — instructions custrpc-server executes per createCustomer, counted by
# valgrind's callgrind: a figure that, unlike req/s, does not move with other load on a shared
# machine. It runs the server under callgrind twice, with a short and a long load of
# bench/loadgen (c=8, the body bench/run uses), and divides the difference in instructions by
# the difference in requests, so startup and shutdown cancel out. Kernel time (syscalls, the
# network stack) is not counted: compare builds with it, not with req/s.
#
# Usage: bench/instructions.sh [BUILD_DIR] [SERVER OPTION...]     (valgrind needed)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 69; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/create.xml" <<'PY'
import sys, xmlrpc.client
m = {"name": "Bench Customer @N@", "web_password": "s3cret-Pw", "i_tariff": 1,
     "web_login": "bench-@N@", "balance": 10.5, "credit_limit": 100.0, "customers_mgmt": 1,
     "company_name": "Acme Ltd", "first_name": "Jane", "last_name": "Doe",
     "email": "jane@example.com", "city": "Paris", "country": "FR", "max_sessions": None,
     "callshop_enabled": True}
open(sys.argv[1], "w").write(xmlrpc.client.dumps((m,), "createCustomer", allow_none=True))
PY

run() { # seconds of load -> "instructions requests"
  rm -f "$work"/cg.*
  "$build/libtool" --mode=execute valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" \
    "$build/server/custrpc-server" --listen 127.0.0.1:0 "$@" >"$work/out" 2>"$work/log" &
  local pid=$! url=""
  for _ in $(seq 300); do
    url=$(sed -n 's/^listening on //p' "$work/out")
    [[ -n $url ]] && break
    sleep 0.2
  done
  [[ -n $url ]] || { echo "instructions.sh: the server did not start" >&2; cat "$work/log" >&2; exit 69; }
  local n
  n=$("$build/bench/loadgen" --url "$url" --body "$work/create.xml" -c 8 -d "$SECS" |
      sed 's/.*requests=\([0-9]*\).*/\1/')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(awk '/^summary:/ {s += $2} END {print s}' "$work"/cg.*) $n"
}
read -r ir1 n1 < <(SECS=1 run "$@")
read -r ir2 n2 < <(SECS=6 run "$@")
python3 -c "print('createCustomer: %d requests measured, %d instructions a request' % ($n2 - $n1, round(($ir2 - $ir1) / ($n2 - $n1))))"
