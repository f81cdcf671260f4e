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
# Each Check program's closing line ("100%: Checks: N, Failures: 0, Errors: 0"), then the total.
grep -h -E '^[0-9]+%: Checks: ' $(find . -name '*.log' ! -name config.log ! -name test-suite.log) |
  tee /dev/stderr |
  awk -F'[:,] *' '{ n += $3; f += $5 + $7 } END { printf "%d passed, %d failed\n", n - f, f }'
