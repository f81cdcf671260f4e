#!/usr/bin/env bash
# run.sh — builds each libFuzzer target of tests/fuzz with clang (-fsanitize=fuzzer,address,
# undefined) against the sources it tests and fuzzes each for SECONDS (default 60); prints every
# target's execution count. A crash, leak or abort() of a property fails the run (exit 1).
#   fuzz_decode          the server's decoding path (request body to validated customer)
#   fuzz_xmlrpc_decode   the XML-RPC document decoder alone (methodCall and methodResponse)
#   fuzz_decode_direct   decoding straight into the struct against the value-tree path
#   fuzz_digest          the Digest Authorization header parser
#   fuzz_jsonrpc         the partner API's JSON-RPC request, params messages and answers
#   fuzz_visa            the partner API's visa check
#   fuzz_import          custrpc import's reader: BOM, delimiter and format guessing, CSV and
#                        JSON rows of customers and partners
#   fuzz_inject          the test double's POST /admin/inject rule parser and its table
# XML targets are seeded with the conformance cases' bodies and tests/data/decode; the Digest
# target with tests/fuzz/digest-corpus (headers as curl, requests, urllib and PHP send them);
# fuzz_jsonrpc with the vendor's samples in tests/conformance/api-text-partner.txt (as printed
# there, broken ones too) and tests/fuzz/jsonrpc-corpus; fuzz_import with tests/fuzz/import-corpus
# (the first byte of each picks the reading: format, delimiter, customers or partners, extra
# columns); fuzz_inject with tests/fuzz/inject-corpus (the first byte of each picks the
# namespace).
# Usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR] [TARGET...]   (default: all eight)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${2:-$top/build}
targets=("${@:3}")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_decode fuzz_xmlrpc_decode fuzz_decode_direct fuzz_digest fuzz_jsonrpc fuzz_visa fuzz_import fuzz_inject)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=(clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE
    -I"$build" -I"$top/lib")

xml_corpus() {
  mkdir -p "$1"
  python3 - "$top/tests/conformance/cases" "$1" <<'PY'
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
  cp "$top"/tests/data/decode/*.xml "$1/"
}

jsonrpc_corpus() {
  cp -r "$top/tests/fuzz/jsonrpc-corpus" "$1" # a copy: libFuzzer adds to it
  python3 - "$top/tests/conformance/api-text-partner.txt" "$1" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
# Each sample runs from "Sample request"/"Sample response" to the next blank line or heading.
for n, m in enumerate(re.finditer(r"Sample (request|response)\n(.*?)(?=\n\n|\n#|Sample |$)", text, re.S)):
    body = re.sub(r"\{\{[^}]*\}\}", "1-1-1-1800000000-00000000000000000000000000000000", m.group(2))
    open(os.path.join(sys.argv[2], "vendor-%s-%d" % (m.group(1), n)), "w").write(body)
PY
}

build_target() { # name: compiles $work/name with the sources it tests
  local libs
  libs=$(ls "$top"/lib/*.c | grep -Ev '/(client[a-z_]*|partner_client|admin|transport)\.c$')
  case "$1" in
  fuzz_decode | fuzz_xmlrpc_decode | fuzz_decode_direct)
    "${cc[@]}" $(pkg-config --cflags libxml-2.0) "$top/tests/fuzz/$1.c" $libs \
      $(xmlrpc-c-config --libs) $(pkg-config --libs libxml-2.0 jansson) -lm -lpthread -o "$work/$1"
    xml_corpus "$work/$1.corpus" ;;
  fuzz_digest)
    "${cc[@]}" "$top/tests/fuzz/fuzz_digest.c" "$top"/server/{digest,digest_parse,secrets}.c \
      "$top/lib/error.c" $(pkg-config --cflags --libs gnutls) -lpthread -o "$work/$1"
    cp -r "$top/tests/fuzz/digest-corpus" "$work/$1.corpus" ;; # a copy: libFuzzer adds to it
  fuzz_jsonrpc)
    "${cc[@]}" $(pkg-config --cflags libxml-2.0 jansson) "$top/tests/fuzz/$1.c" $libs \
      $(xmlrpc-c-config --libs) $(pkg-config --libs libxml-2.0 jansson) -lm -lpthread -o "$work/$1"
    jsonrpc_corpus "$work/$1.corpus" ;;
  fuzz_visa)
    "${cc[@]}" "$top/tests/fuzz/fuzz_visa.c" "$top"/server/{visa,secrets}.c "$top/lib/error.c" \
      $(pkg-config --cflags --libs gnutls) -lpthread -o "$work/$1"
    mkdir -p "$work/$1.corpus"
    printf '%s' 1-1-1-1800000000-C724C13A45143E73091F532B824C6F31 >"$work/$1.corpus/layout" ;;
  fuzz_import)
    "${cc[@]}" -I"$top" $(pkg-config --cflags libxml-2.0 jansson) "$top/tests/fuzz/$1.c" \
      "$top/common/import_read.c" "$top/common/read_file.c" $libs \
      $(xmlrpc-c-config --libs) $(pkg-config --libs libxml-2.0 jansson) -lcsv -lm -lpthread -o "$work/$1"
    cp -r "$top/tests/fuzz/import-corpus" "$work/$1.corpus" ;; # a copy: libFuzzer adds to it
  fuzz_inject)
    "${cc[@]}" $(pkg-config --cflags jansson) "$top/tests/fuzz/$1.c" "$top/server/inject.c" \
      $(pkg-config --libs jansson) -lpthread -o "$work/$1"
    cp -r "$top/tests/fuzz/inject-corpus" "$work/$1.corpus" ;; # a copy: libFuzzer adds to it
  *) echo "run.sh: unknown target $1 (fuzz_decode, fuzz_xmlrpc_decode, fuzz_decode_direct, fuzz_digest, fuzz_jsonrpc, fuzz_visa, fuzz_import, fuzz_inject)" >&2; exit 64 ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  build_target "$t"
  found=0
  # A fixed seed (FUZZ_SEED, default 1): a CI run repeats what a local run of the same length
  # explored, so a failure reproduces; set FUZZ_SEED=0 for a fresh random one.
  if ! "$work/$t" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -max_len=8192 -timeout=10 -print_final_stats=1 \
      "$work/$t.corpus" >"$work/$t.log" 2>&1; then
    status=1 found=1
    tail -n 40 "$work/$t.log"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  echo "$t: ${runs:-?} runs in ${secs} s, $([ $found -eq 0 ] && echo 'nothing found' || echo 'FAILED')"
done
exit $status
