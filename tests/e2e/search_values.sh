#!/bin/sh
# The values a search lists, through the real binary: a value listed twice
# (or two spellings of one value) is refused in one line naming it, so a
# grid and its `plot search` picture stay one cell a trial; a value out of
# range is refused naming the real bounds; a number with many digits is
# read; a search whose every trial failed says so in its table, its
# closing line and `search use`.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export PARAMLAB_RUNS="$dir/runs"
fail() { echo "search_values: $*"; exit 1; }
setup='data xor; data split 0.2; model mlp 4'

# refused: one line naming the value that repeats, and no trial runs
while IFS='|' read -r grid why; do
    out=$("$bin" -q -c "$setup; search grid $grid epochs=1" 2>&1) && fail "search grid $grid was accepted: $out"
    err=$(echo "$out" | grep '^-c:')
    [ "$(echo "$err" | wc -l)" -eq 1 ] || fail "search grid $grid: not one line: $out"
    echo "$err" | grep -qF "$why" || fail "search grid $grid: $err"
    echo "$out" | grep -q "^trial" && fail "search grid $grid: a trial ran: $out"
done <<'LIST'
lr=0.1,0.1 batch=8,8|lr: 0.1 is listed twice; list each value once
lr=0.1,0.01,0.1|lr: 0.1 is listed twice
lr=0.01 batch=8,16,8|batch: 8 is listed twice
lr=0.1,0.10|lr: 0.1 and 0.10 are the same value
act=relu,tanh,relu|act: relu is listed twice
hidden=8x8,4,08x8|hidden: 8x8 and 08x8 are the same value
lr=1e300|lr=1e300 is out of range: a number above 0 and at most 1000000
momentum=0,2|momentum=2 is out of range: a number from 0 to 1,
dropout=0,1|dropout=1 is out of range: a number from 0 to below 1,
batch=8.5|batch=8.5 is not a whole number
lr=abc|lr: 'abc' is not a number
hidden=4096x4096x4096x4096x4096|is too long: a value takes at most 23 characters
LIST
out=$("$bin" -q -c "$setup; search random 2 lr=0.1..1e300 epochs=1" 2>&1) && fail "a range to 1e300 was accepted"
echo "$out" | grep -q "lr=1e300 is out of range: a number above 0 and at most 1000000" || fail "range: $out"

# every value of a grid is a cell of its picture
out=$("$bin" -q -c "set plot terminal; $setup; search grid lr=0.1,0.3 batch=8,16 epochs=1; plot search lr batch" 2>&1) ||
    fail "a grid of distinct values failed: $out"
echo "$out" | grep -q "failed" && fail "a finished trial is drawn as failed: $out"

# a number with many digits is a number (shown short enough to keep)
out=$("$bin" -q -c "$setup; search grid lr=0.1000000000000000055511,0.3 epochs=1" 2>&1) ||
    fail "a long number was refused: $out"
echo "$out" | grep -q "^trial 1 of 2: lr=0.1 → val loss" || fail "the long number's trial: $out"
out=$("$bin" -q -c "$setup; search grid lr=0.1000000000000000055511,0.1 epochs=1" 2>&1) &&
    fail "a long spelling of 0.1 beside 0.1 was accepted: $out"

# every trial failed: the table, the closing line and `search use` say so
out=$("$bin" -q -c "$setup; search grid lr=1e5,1e6 epochs=2; search use best" 2>&1) &&
    fail "search use of a search whose every trial failed was accepted: $out"
echo "$out" | grep -q "; 2 of 2 trials, every one failed (why is beside it):$" || fail "the table's head: $out"
echo "$out" | grep -q "best first" && fail "a search with no finished trial is ranked best first: $out"
echo "$out" | grep -q "^your own model and settings are as they were; every trial failed" || fail "closing line: $out"
echo "$out" | grep -q "^-c:1:5: every trial of the last search failed, so there is no trial to apply (trial 1: .*lr=100000.*search again" ||
    fail "search use best: $out"
echo "$out" | grep -q "choose another" && fail "search use offers another trial when there is none: $out"
# some failed: `search use` of a failed one names one that finished
out=$("$bin" -q -c "$setup; search grid lr=1e5,0.1 epochs=1; search use 1" 2>&1) && fail "a failed trial was applied"
echo "$out" | grep -q "trial 1 failed (.*); choose one that finished, as \`search use 2\` (the best)$" ||
    fail "search use of a failed trial: $out"
echo "search_values: ok"
