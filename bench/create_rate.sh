#!/usr/bin/env bash
# create_rate.sh — prints how many customers a second custrpc-server accepts from `custrpc
# import`, for several --jobs values, with the in-memory store and with a file store.
# Usage: bench/create_rate.sh [BUILD_DIR] [ROWS]   (not part of the test suite)
set -euo pipefail
build=${1:-build}
rows=${2:-20000}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
python3 - "$work/rows.csv" "$rows" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "web_password", "i_tariff", "customers_mgmt", "email", "api_password", "web_login"])
    for i in range(int(sys.argv[2])):
        w.writerow(["Bench %d" % i, "pw-%d" % i, "1", "add", "b%d@example.com" % i, "api-%d" % i, "bench%d" % i])
PY
for store in memory file; do
  for jobs in 1 2 4 8; do
    args=(--listen 127.0.0.1:0 --log-level warn)
    [[ $store == file ]] && args+=(--db "$work/bench-$jobs.db")
    "$build/server/custrpc-server" "${args[@]}" >"$work/out" &
    pid=$!
    for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.05; done
    url=$(sed -n 's/^listening on //p' "$work/out")
    start=$(date +%s.%N)
    "$build/client/custrpc" import "$work/rows.csv" --url "$url" --jobs "$jobs" \
      --results "$work/results.csv" 2>/dev/null
    end=$(date +%s.%N)
    kill "$pid"; wait "$pid" || true
    python3 -c "print('store=%-6s jobs=%d rows=%d seconds=%.2f creates/s=%.0f' % ('$store', $jobs, $rows, $end-$start, $rows/($end-$start)))"
  done
done
