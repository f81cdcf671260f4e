#!/usr/bin/env bash
# run.sh — builds the libFuzzer targets with clang + ASan/UBSan against the sources they test
# and fuzzes each for SECONDS (default 60): decode (fuzz_decode.c, seeded with the bodies of
# the conformance cases) and digest (fuzz_digest.c, seeded with tests/fuzz/digest-corpus:
# Authorization headers as curl, requests, urllib and PHP send them, and RFC 7616's examples).
# Usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR] [TARGET...]   (TARGET: decode, digest; both)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${2:-$top/build}
targets=("${@:3}")
[[ ${#targets[@]} -gt 0 ]] || targets=(decode digest)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=(clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I"$build" -I"$top/lib")

fuzz_decode() {
  mkdir -p "$work/decode"
  python3 - "$top/tests/conformance/cases" "$work/decode" <<'PY'
import os, re, sys
for f in os.listdir(sys.argv[1]):
    if f.endswith(".xml"):
        body = re.search(r"<!\[CDATA\[(.*?)\]\]>", open(os.path.join(sys.argv[1], f)).read(), re.S)
        if body and "{{repeat" not in body.group(1):
            text = re.sub(r"\{\{[^}]*\}\}", "7", body.group(1))
            open(os.path.join(sys.argv[2], f), "w").write(text)
PY
  "${cc[@]}" "$top/tests/fuzz/fuzz_decode.c" \
    "$top"/lib/{customer,error,fault,fields,marshal,rights,text,utf8,validate}.c \
    $(xmlrpc-c-config --libs) -lm -o "$work/fuzz_decode"
  "$work/fuzz_decode" -max_total_time="$secs" -max_len=8192 -timeout=10 "$work/decode"
}

fuzz_digest() {
  # A copy: libFuzzer adds what it finds to the corpus directory.
  cp -r "$top/tests/fuzz/digest-corpus" "$work/digest"
  "${cc[@]}" "$top/tests/fuzz/fuzz_digest.c" "$top"/server/{digest,digest_parse}.c \
    "$top/lib/error.c" $(pkg-config --cflags --libs gnutls) -lpthread -o "$work/fuzz_digest"
  "$work/fuzz_digest" -max_total_time="$secs" -max_len=4096 -timeout=10 "$work/digest"
}

for t in "${targets[@]}"; do
  case "$t" in
  decode | digest) "fuzz_$t" ;;
  *) echo "run.sh: unknown target $t (decode, digest)" >&2; exit 64 ;;
  esac
done
