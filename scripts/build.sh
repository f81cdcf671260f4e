#!/usr/bin/env bash
# build.sh — installs dependencies, bootstraps autotools and builds custrpc out of tree.
# Usage: scripts/build.sh [configure options...]   (build directory: $BUILD_DIR, default build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$top/$build_dir" ;; esac

"$top/scripts/deps.sh"
if [[ ! -x "$top/configure" || "$top/configure.ac" -nt "$top/configure" ]]; then
  (cd "$top" && autoreconf -fi >/dev/null)
fi
mkdir -p "$build_dir"
cd "$build_dir"
# Reconfigure when the options differ from the last run in this directory.
wanted="$*"
if [[ ! -f Makefile || "$(cat .custrpc-configure-args 2>/dev/null)" != "$wanted" ]]; then
  "$top/configure" --quiet "$@"
  printf '%s' "$wanted" > .custrpc-configure-args
fi
make -j"$(nproc)" >/dev/null
