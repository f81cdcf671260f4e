#!/usr/bin/env bash
# run.sh — builds each libFuzzer target of tests/fuzz (clang, -fsanitize=fuzzer,address,undefined)
# against the library sources and fuzzes each for SECONDS (default 60), seeded with the bodies
# of the conformance cases; prints every target's execution count. A crash, leak or abort()
# of a property fails the run (exit 1) and leaves the input in the working directory.
# Usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR] [TARGET...]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${2:-$top/build}
shift $(( $# < 2 ? $# : 2 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_decode fuzz_xmlrpc_decode)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
python3 - "$top/tests/conformance/cases" "$work/corpus" <<'PY'
import os, re, sys
for f in os.listdir(sys.argv[1]):
    if f.endswith(".xml"):
        body = re.search(r"<!\[CDATA\[(.*?)\]\]>", open(os.path.join(sys.argv[1], f)).read(), re.S)
        if body and "{{repeat" not in body.group(1):
            text = re.sub(r"\{\{[^}]*\}\}", "7", body.group(1))
            open(os.path.join(sys.argv[2], f), "w").write(text)
# Responses too, as xmlrpc-c writes them, for the decoder's methodResponse side.
open(os.path.join(sys.argv[2], "response-ok"), "w").write(
    "<?xml version='1.0'?><methodResponse><params><param><value><struct><member><name>result</name>"
    "<value><string>OK</string></value></member><member><name>i_customer</name><value><i4>2</i4></value>"
    "</member></struct></value></param></params></methodResponse>")
open(os.path.join(sys.argv[2], "response-fault"), "w").write(
    "<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name><value>"
    "<int>1010</int></value></member><member><name>faultString</name><value><string>name: exists</string>"
    "</value></member></struct></value></fault></methodResponse>")
PY
libs=$(ls "$top"/lib/*.c | grep -v '/client\.c$')
status=0
for t in "${targets[@]}"; do
  clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE \
    -I"$build" -I"$top/lib" $(pkg-config --cflags libxml-2.0) "$top/tests/fuzz/$t.c" $libs \
    $(xmlrpc-c-config --libs) $(pkg-config --libs libxml-2.0) -lm -lpthread -o "$work/$t"
  mkdir -p "$work/$t.corpus"
  found=0
  cp "$top"/tests/data/decode/*.xml "$work/corpus/"
  if ! "$work/$t" -max_total_time="$secs" -max_len=8192 -timeout=10 -print_final_stats=1 \
      "$work/$t.corpus" "$work/corpus" >"$work/$t.log" 2>&1; then
    status=1 found=1
    tail -n 40 "$work/$t.log"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  echo "$t: ${runs:-?} runs in ${secs} s, $( [ $found -eq 0 ] && echo 'nothing found' || echo 'FAILED')"
done
exit $status
