#!/usr/bin/env bash
# Make sure the Debian packages named as arguments are installed (the Makefile
# names what WeasyPrint needs, including libharfbuzz-subset0, without which
# WeasyPrint subsets fonts with fontTools, about 3x slower per document).
# Installs them with apt-get when run as root; otherwise says exactly what is
# missing and how to install it.
set -euo pipefail

if ! command -v dpkg >/dev/null 2>&1; then
  echo "not a Debian-like system: make sure these (or your system's equivalents) are installed: $*" >&2
  exit 0
fi

missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "handle-docs needs these system packages, which are missing: ${missing[*]}" >&2
echo "install them with:  sudo apt-get install ${missing[*]}" >&2
exit 1
