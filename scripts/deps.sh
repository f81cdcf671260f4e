#!/usr/bin/env bash
# deps.sh — installs the Debian 12 packages custrpc builds and tests with, when any is missing.
# Needs root to install (apt-get); otherwise prints the command to run and exits 69.
set -euo pipefail

packages=(
  gcc make autoconf automake libtool pkg-config
  libxmlrpc-core-c3-dev libcurl4-openssl-dev libxml2-dev check
  libmicrohttpd-dev libsqlite3-dev libgnutls28-dev libcsv-dev libjansson-dev python3 curl openssl
  clang libclang-rt-14-dev
  python3-requests php-cli php-curl
  man-db
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "custrpc: installing missing packages: ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  echo "custrpc: not root; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 69
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
