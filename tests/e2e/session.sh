#!/bin/sh
# Runs tests/e2e/session.plab through the binary; every expect must hold.
bin=${1:-build/paramlab}
out=$("$bin" --bail tests/e2e/session.plab 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    printf '%s\n' "$out" | tail -20
    echo "session.plab: exit code $rc"
    exit 1
fi
# the exported file reads back with full precision
grep -qx '2' /tmp/paramlab-e2e-W1.csv || { echo "export did not write W1"; exit 1; }
rm -f /tmp/paramlab-e2e-W1.csv
echo "session.plab: ok"
