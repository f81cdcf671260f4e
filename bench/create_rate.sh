#!/usr/bin/env bash
# create_rate.sh — prints how many customers a second custrpc-server accepts from `custrpc
# import`, for several --jobs values, with the in-memory and with a file store; AUTH=open (the
# default: no root password, loopback acts as root), digest (a root password, the import logs
# in with --user and --password-file) or "open digest" for both.
# Usage: [AUTH=...] bench/create_rate.sh [BUILD_DIR] [ROWS] [JOBS...]   (not part of the tests)
set -euo pipefail
build=${1:-build}
rows=${2:-20000}
jobs_list=("${@:3}")
[[ ${#jobs_list[@]} -gt 0 ]] || jobs_list=(1 2 4 8)
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
echo "bench-root-pw" >"$work/root.pw"
printf '<custrpc-server><root login="ssp-root" password-file="%s"/></custrpc-server>\n' \
  "$work/root.pw" >"$work/server.xml"
for auth in ${AUTH:-open}; do
  for store in memory file; do
    for jobs in "${jobs_list[@]}"; do
      args=(--listen 127.0.0.1:0 --log-level warn)
      login=()
      [[ $store == file ]] && args+=(--db "$work/bench-$auth-$jobs.db")
      if [[ $auth == digest ]]; then
        args+=(--config "$work/server.xml")
        login=(--user ssp-root --password-file "$work/root.pw")
      fi
      "$build/server/custrpc-server" "${args[@]}" >"$work/out" &
      pid=$!
      for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.05; done
      url=$(sed -n 's/^listening on //p' "$work/out")
      start=$(date +%s.%N)
      status=0
      "$build/client/custrpc" import "$work/rows.csv" --url "$url" --jobs "$jobs" "${login[@]}" \
        --results "$work/results.csv" 2>/dev/null || status=$?
      end=$(date +%s.%N)
      kill "$pid"; wait "$pid" || true
      created=$(grep -c ',created,' "$work/results.csv" || true)
      python3 -c "print('auth=%-6s store=%-6s jobs=%d rows=%d created=%s exit=%d seconds=%.2f creates/s=%.0f' % ('$auth', '$store', $jobs, $rows, '$created', $status, $end-$start, $rows/($end-$start)))"
    done
  done
done
