#!/bin/sh
# Lessons pin their own settings: each starts with `set defaults`, so it
# passes whatever the session held before (another optimizer, lr, batch,
# seed, initializer, loss, penalties, schedule, clipping, shuffling), and
# a recording of such a session replays to the same state.
# Usage: lesson_settings.sh BIN
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
fail() { echo "lesson_settings.sh: $*"; exit 1; }
messy="set optimizer adam lr=0.3; set batch 3; set seed 7; set l2 0.5; set l1 0.01; set clip value=0.01; \
set schedule exp gamma=0.5; set init zeros; set loss mse; set shuffle on; set precision 3"

out=$("$bin" -q -c "set optimizer adam; run lessons/09-loss-landscapes.md" 2>&1) ||
    fail "after set optimizer adam, lesson 09 fails: $(printf '%s\n' "$out" | tail -1)"
here=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-settings.XXXXXX") || exit 1
for f in lessons/*.md; do # each in an empty folder: a lesson may write files (lesson 15 saves)
    rm -rf "$scratch" && mkdir "$scratch" || exit 1
    out=$(cd "$scratch" && "$bin" -q -c "data moons n=30; model mlp 3; $messy; run $here/$f" 2>&1) ||
        fail "$f fails after other settings: $(printf '%s\n' "$out" | tail -1)"
done
rm -rf "$scratch"

# set defaults by itself: one line, every setting back
out=$("$bin" -q -c "data moons n=30; model mlp 3; $messy; set defaults; hypers" 2>&1) || fail "set defaults: $out"
printf '%s\n' "$out" | grep -q '^  optimizer  sgd lr=0.01 ' || fail "the optimizer is not back: $out"
printf '%s\n' "$out" | grep -q '^  batch      32 ' || fail "the batch is not back: $out"
printf '%s\n' "$out" | grep -q '^  seed       42' || fail "the seed is not back: $out"
"$bin" -q -c "set defaults now" >/dev/null 2>&1 && fail "set defaults took a word"
# the line a lesson starts with is wrapped to the terminal's width (COLUMNS
# without a terminal), as the lesson's prose is
out=$(COLUMNS=60 "$bin" -q -c "lesson 1" 2>&1 </dev/null) || fail "lesson 1 with COLUMNS=60: $out"
start=$(printf '%s\n' "$out" | sed -n '/^settings back to their defaults:/,/precision [0-9]/p')
[ "$(printf '%s\n' "$start" | wc -l)" -ge 3 ] || fail "the settings line is not wrapped at 60 columns: $start"
printf '%s\n' "$start" | awk 'length($0) > 60 { exit 1 }' || fail "a line of the settings passes 60 columns: $start"
printf '%s ' $start | grep -q "shuffle off, loss mse (follows the task), init auto, no l1/l2, no schedule" ||
    fail "the wrapped settings line lost words: $start"
printf '%s ' $start | grep -q "seed 42, undo 1000, precision 6" || fail "the settings line leaves out undo or precision: $start"

# a recording of a session that ran a lesson over other settings replays to the same state
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-pin.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
"$bin" -q -c "record $tmp/r.plab; $messy; run lessons/02-training-loop.md; record stop; export W1 $tmp/a.csv" \
    >/dev/null 2>&1 || fail "recording a lesson run"
(cd "$tmp" && "$bin" -q -c "run r.plab; export W1 b.csv" >/dev/null 2>&1) || fail "replaying the recording"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "the replay ends elsewhere"
echo "lesson_settings.sh: ok"
