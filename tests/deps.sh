#!/bin/sh
# Installs the Debian packages paramlab needs to build, test and plot, and
# only those that are missing. Says what it installs; uses sudo when not root.
set -e
need="build-essential pkg-config libreadline-dev libopenblas-dev libcmocka-dev"
if [ -n "${DISPLAY}${WAYLAND_DISPLAY}" ]; then gp=gnuplot-qt; else gp=gnuplot-nox; fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "paramlab: not a Debian system; make sure these are installed: $need gnuplot"
    exit 0
fi
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=""
for p in $need; do installed "$p" || missing="$missing $p"; done
if ! command -v gnuplot >/dev/null 2>&1; then missing="$missing $gp"; fi
[ -z "$missing" ] && exit 0

echo "paramlab: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || echo "paramlab: apt-get update failed; trying the install anyway"
$sudo apt-get install -y -qq --no-install-recommends $missing
echo "paramlab: packages installed"
