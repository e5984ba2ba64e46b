#!/bin/sh
# Runs tests/e2e/session.plab through the binary; every expect must hold.
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
plab=$(pwd)/tests/e2e/session.plab
# run in a folder of its own: a script writes files only under the current folder
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-session.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
ln -s "$(pwd)/lessons" "$tmp/lessons" # the script loads lessons/data/iris.csv
out=$(cd "$tmp" && "$bin" --bail "$plab" 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    printf '%s\n' "$out" | tail -20
    echo "session.plab: exit code $rc"
    exit 1
fi
# the exported file reads back with full precision
grep -qx '2' "$tmp/W1.csv" || { echo "export did not write W1"; exit 1; }
echo "session.plab: ok"
