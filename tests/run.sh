#!/bin/sh
# Runs every test against the build in $1: the cmocka suites, then the
# end-to-end scripts and lesson checks through the real binary. Exits
# non-zero when anything fails and ends with "N passed, N failed".
build=${1:-build}
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
pass=0; fail=0
for t in "$build"/test_*; do
    [ -x "$t" ] || continue
    if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    if sh "$t" "$build/paramlab"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
