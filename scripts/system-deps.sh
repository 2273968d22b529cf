#!/usr/bin/env bash
# Make sure the system libraries WeasyPrint needs are present.
# Installs them with apt-get when run as root on Debian/Ubuntu; otherwise says
# exactly what is missing and how to install it.
set -euo pipefail

# library soname -> Debian package
declare -A NEED=(
  [libpango-1.0.so.0]=libpango-1.0-0
  [libpangoft2-1.0.so.0]=libpangoft2-1.0-0
  [libharfbuzz.so.0]=libharfbuzz0b
  [libharfbuzz-subset.so.0]=libharfbuzz-subset0
  [libfontconfig.so.1]=libfontconfig1
)
# Optional extras: LibreOffice lets the Word tests open .docx files.
OPTIONAL_PKGS=(${HANDLE_DOCS_OPTIONAL_PKGS:-})

missing=()
for lib in "${!NEED[@]}"; do
  if ! ldconfig -p 2>/dev/null | grep -q "$lib"; then
    missing+=("${NEED[$lib]}")
  fi
done
for pkg in "${OPTIONAL_PKGS[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

IFS=$'\n' missing=($(printf '%s\n' "${missing[@]}" | sort -u)); unset IFS
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
