#!/usr/bin/env bash
# run.sh — builds tests/fuzz/fuzz_decode.c with clang's libFuzzer + ASan/UBSan against the
# library sources and fuzzes for SECONDS (default 60), seeded with the bodies of the
# conformance cases. Usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${2:-$top/build}
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
PY
clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I"$build" -I"$top/lib" \
  "$top/tests/fuzz/fuzz_decode.c" "$top"/lib/{customer,error,fault,fields,marshal,rights,text,utf8,validate}.c \
  $(xmlrpc-c-config --libs) -lm -o "$work/fuzz_decode"
"$work/fuzz_decode" -max_total_time="$secs" -max_len=8192 -timeout=10 "$work/corpus"
