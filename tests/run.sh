#!/bin/sh
# Runs every test against the build in $1: the cmocka suites of each layer
# (build/tests/LAYER/test_*), then the end-to-end scripts and lesson checks
# through the real binary. One line per suite; a failing suite's whole
# output follows its line. Exits non-zero when anything fails and ends with
# "N passed, N failed".
build=${1:-build}
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
pass=0; fail=0
log=$(mktemp "${TMPDIR:-/tmp}/paramlab-test.XXXXXX") || exit 1
# every run the tests, scripts and lesson checks log goes to a folder of
# their own, never into the real ~/.local/share/paramlab/runs
PARAMLAB_RUNS=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-runs.XXXXXX") || exit 1
export PARAMLAB_RUNS
trap 'rm -f "$log"; rm -rf "$PARAMLAB_RUNS"' EXIT INT TERM

# suite NAME CMD...: runs CMD quietly and reports one line
suite() {
    name=$1
    shift
    start=$(date +%s)
    if "$@" >"$log" 2>&1; then
        pass=$((pass + 1))
        # the last line of a suite's output is its own summary
        printf 'ok     %-28s %3ss  %s\n' "$name" $(($(date +%s) - start)) "$(tail -n 1 "$log" | cut -c1-60)"
    else
        fail=$((fail + 1))
        printf 'FAILED %-28s\n' "$name"
        sed 's/^/    /' "$log"
    fi
}

for t in "$build"/tests/*/test_*; do
    [ -x "$t" ] || continue
    suite "${t#"$build"/tests/}" "$t"
done
for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    suite "$t" sh "$t" "$build/paramlab"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
