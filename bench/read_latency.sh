#!/usr/bin/env bash
# read_latency.sh — how long a getCustomerInfo takes while `custrpc import` creates customers
# with 4 jobs on a file store (Digest logins): prints the create rate and the read latency
# (p50, p99, max) of one more client reading all the while. Reads should not queue behind the
# writes (the store's readers have connections of their own under WAL).
# Usage: bench/read_latency.sh [BUILD_DIR] [ROWS] [ROUNDS]   (not part of the tests)
set -euo pipefail
build=${1:-build}
rows=${2:-4000}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
python3 - "$work/rows.csv" "$rows" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "web_password", "i_tariff", "customers_mgmt", "email", "api_password", "web_login"])
    for i in range(int(sys.argv[2])):
        w.writerow(["Bench %d" % i, "pw-%d" % i, "1", "add", "b%d@example.com" % i, "api-%d" % i, "bench%d" % i])
PY
echo "bench-root-pw" >"$work/root.pw"
printf '<custrpc-server><root login="ssp-root" password-file="%s"/></custrpc-server>\n' \
  "$work/root.pw" >"$work/server.xml"
for round in $(seq "$rounds"); do
  rm -f "$work"/b.db*
  "$build/server/custrpc-server" --listen 127.0.0.1:0 --log-level warn --db "$work/b.db" \
    --config "$work/server.xml" >"$work/out" &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.05; done
  url=$(sed -n 's/^listening on //p' "$work/out")
  PYTHONPATH="$here/../tests/server" python3 - "$url" >"$work/lat" <<'PY' &
import sys, time
from harness import Digest, call_body
d = Digest("ssp-root", "bench-root-pw")
body = call_body("getCustomerInfo", {"i_customer": 1})
lat, end = [], time.monotonic() + 1.5
time.sleep(0.2)
while time.monotonic() < end:
    s = time.monotonic()
    assert d.post(sys.argv[1], body).status == 200
    lat.append(time.monotonic() - s)
lat.sort()
print("reads=%d p50=%.1fms p99=%.1fms max=%.1fms" % (len(lat), 1000 * lat[len(lat) // 2],
      1000 * lat[int(len(lat) * 0.99)], 1000 * lat[-1]))
PY
  reader=$!
  start=$(date +%s.%N)
  status=0
  "$build/client/custrpc" import "$work/rows.csv" --url "$url" --jobs 4 --user ssp-root \
    --password-file "$work/root.pw" --results "$work/results.csv" 2>/dev/null || status=$?
  end=$(date +%s.%N)
  wait "$reader"
  kill "$pid"; wait "$pid" || true
  pid=
  python3 -c "print('round=%d rows=%d exit=%d creates/s=%.0f getCustomerInfo meanwhile: %s' % ($round, $rows, $status, $rows/($end-$start), open('$work/lat').read().strip()))"
done
