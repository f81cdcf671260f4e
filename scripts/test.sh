#!/usr/bin/env bash
# test.sh — the README's test command: installs dependencies, builds, and runs `make check`.
# Usage: scripts/test.sh [configure options...]   (build directory: $BUILD_DIR, default build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$top/$build_dir" ;; esac

"$top/scripts/build.sh" "$@"
cd "$build_dir"
if ! make -j"$(nproc)" check; then
  # Show why: automake keeps each test's output in its .log file.
  for log in $(find . -name '*.log' ! -name config.log ! -name test-suite.log); do
    echo "===== $log"
    grep -v ':P:' "$log" | tail -n 60
  done
  exit 1
fi
# The closing line of every test program (Check's "100%: Checks: N, Failures: F, Errors: E",
# the integration tests' "N passed, F failed"), then the total over all of them.
logs=$(find . -name '*.log' ! -name config.log ! -name test-suite.log)
closing=$(grep -h -E '^[0-9]+%: Checks: |^[0-9]+ passed, [0-9]+ failed' $logs)
printf '%s\n' "$closing"
printf '%s\n' "$closing" |
  awk '/Checks:/ { gsub(/[,:]/, " "); n += $3; f += $5 + $7; next }
       { gsub(/,/, " "); n += $1 + $3; f += $3; s += $5 }
       END { printf "%d passed, %d failed%s\n", n - f, f, s ? sprintf(", %d skipped", s) : "" }'
