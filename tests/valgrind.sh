#!/bin/sh
# Runs an end-to-end session under valgrind and fails on any leak or
# memory error. Installs valgrind when it is missing (Debian).
build=${1:-build}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "paramlab: installing valgrind for the leak check"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >/dev/null || {
        echo "valgrind is not available"; exit 1; }
fi
export OPENBLAS_NUM_THREADS=1
# runs are logged into a folder of the check's own, never into ~
PARAMLAB_RUNS=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-runs.XXXXXX") || exit 1
export PARAMLAB_RUNS
trap 'rm -rf "$PARAMLAB_RUNS"' EXIT INT TERM
script=tests/e2e/session.plab
log=$(mktemp)
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$build/paramlab" --batch < "$script" > /dev/null 2> "$log"
rc=$?
# the session script ends with an expected failure, so 1 is the normal code
if [ "$rc" -eq 99 ] || grep -q "==[0-9]*==" "$log"; then
    cat "$log"
    echo "valgrind: errors or leaks (see above)"
    rm -f "$log"
    exit 1
fi
# a lesson checked straight through, and the plot, race and record commands
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$build/paramlab" --check lessons/07-logistic-regression.md > /dev/null 2>> "$log" || rc=99
rec=$(mktemp)
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$build/paramlab" -q -c "data moons n=100; data split 0.2; model mlp 4; set plot terminal; plot loss; plot grads
train 3; plot boundary; plot hist W1; plot surface W1[0,0] b1[0] grid=9
compare optimizer sgd adam epochs=2; record $rec; step 2; record stop" > /dev/null 2>> "$log" || rc=99
rm -f "$rec"
if [ "$rc" -eq 99 ] || grep -q "==[0-9]*==" "$log"; then
    cat "$log"
    echo "valgrind: errors or leaks in a lesson check or the plot commands (see above)"
    rm -f "$log"
    exit 1
fi
rm -f "$log"
echo "valgrind: no leaks, no memory errors (a session, a lesson, plots, a race, a recording)"

# The training step allocates nothing: 10 steps and one epoch make as many
# heap allocations as 1000 steps and 3 epochs (the same commands, so the
# command log `record` keeps grows the same way in both).
allocs() {
    valgrind "$build/paramlab" -q -c "data moons; model mlp 16 8; set optimizer adam; $1" 2>&1 >/dev/null |
        sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
}
a=$(allocs "step 10; train 1")
b=$(allocs "step 1000; train 3")
if [ -z "$a" ] || [ "$a" != "$b" ]; then
    echo "valgrind: the training step allocates: $a allocations for 10 steps and 1 epoch, $b for 1000 steps and 3 epochs"
    exit 1
fi
echo "valgrind: 10 steps + 1 epoch and 1000 steps + 3 epochs both make $a heap allocations (none inside the step)"
