#!/bin/sh
# cv and search through the real binary: the tables, Ctrl-C (SIGINT)
# stopping a search and a cv at the next step of the trial running (thrown
# away) with the table so far, `plot search` in the terminal, batch progress lines,
# refusals before any trial runs, and the reason a trial failed.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export PARAMLAB_RUNS="$dir/runs"
fail() { echo "search: $*"; exit 1; }

out=$("$bin" -q -c 'set plot terminal; data moons n=150; data split 0.2; model mlp 4; search grid lr=0.05,0.5 batch=16,32 epochs=3; plot search; plot search lr; search use BEST' 2>&1) ||
    fail "the grid failed: $out"
[ "$(echo "$out" | grep -c '^trial [1-4] of 4: lr=')" -eq 4 ] || fail "no progress line per trial in batch"
echo "$out" | grep -q "grid search on moons, 3 epochs a trial, scored by validation loss; 4 of 4 trials, best first" ||
    fail "no table"
echo "$out" | grep -q "Search: validation loss over lr and batch" || command -v gnuplot >/dev/null 2>&1 ||
    echo "$out" | grep -q "no picture" || fail "plot search drew nothing"
echo "$out" | grep -q "^trial [0-9] (lr=" || fail "search use said nothing"

# the search ends naming the trial `search use` applies, by its number
echo "$out" | grep -q "^your own model and settings are as they were; \`search use [1-4]\` applies the best trial's settings (lr=[0-9.]* batch=[0-9]*)$" ||
    fail "the closing line does not name the best trial: $(echo "$out" | grep 'your own')"
# plot search in the terminal: a table whose heads are the values tried
echo "$out" | grep -q "^batch *0.05 *0.5$" || fail "the terminal heat map is not headed by the lr values: $out"
echo "$out" | grep -q "^16 .*[-.:=+*#%@][-.:=+*#%@] [0-9.]* .*[0-9]$" || fail "no row for batch=16: $out"

# plot search of a name not varied lists every name the search varied
out=$("$bin" -q -c 'set plot terminal; data moons n=100; data split 0.2; model mlp 4; search random 2 lr=0.01..1:log l2=0..0.01 hidden=4,8 epochs=1; plot search momentum' 2>&1) &&
    fail "plot search of a name not varied was accepted: $out"
echo "$out" | grep -q "the last search did not vary 'momentum'; it varied lr, l2 and hidden$" ||
    fail "the refusal does not list every name varied: $out"

# settings that do not apply to an optimizer tried, and dropout in a cnn:
# refused in one line before any trial runs
out=$("$bin" -q -c 'data moons; data split 0.2; model mlp 4; search grid optimizer=adam momentum=0.5,0.9 epochs=1' 2>&1) &&
    fail "momentum with adam was accepted: $out"
echo "$out" | grep -q "adam has no momentum, so its trials would differ only in a value it ignores" ||
    fail "no refusal naming momentum and adam: $out"
echo "$out" | grep -q "^trial" && fail "a trial ran: $out"
out=$("$bin" -q -c 'data moons; data split 0.2; model mlp 4; search grid optimizer=sgd,adam momentum=0.5,0.9 epochs=1' 2>&1) &&
    fail "a mixed grid of momentum with sgd and adam was accepted: $out"
echo "$out" | grep -q "search momentum with optimizer=sgd alone, and adam in a search of its own" ||
    fail "the mixed grid's refusal says not what to do: $out"
out=$("$bin" -q -c 'data digits; data split 0.2; model cnn conv=2:3 pool=2 hidden=4; search grid dropout=0.1,0.5 epochs=1' 2>&1) &&
    fail "dropout in a cnn was accepted: $out"
echo "$out" | grep -q "a cnn takes no dropout" || fail "no refusal of a cnn's dropout: $out"
echo "$out" | grep -q "^trial" && fail "a trial ran: $out"
# a trial that fails says why, in the engine's words
out=$("$bin" -q -c 'data moons; data split 0.2; model mlp 4; search grid lr=0.1,1e5 epochs=2; search use 1' 2>&1) ||
    fail "a search with a diverging trial failed: $out"
echo "$out" | grep -q "^trial 2 of 2: lr=1e5 → failed: training diverged: the loss is" ||
    fail "the diverging trial does not say why: $out"
echo "$out" | grep -q "diverged or refused" && fail "a failure without its reason: $out"
# a cv whose every fold diverged says so, with the first fold's reason and
# what to change; its folds stay logged, and `runs` marks them failed
# instead of listing a last loss as a result (prices, standardized inputs)
awk 'BEGIN { print "sqft,rooms,age,price"; for (i = 0; i < 100; i++) { s = 50 + i * 37 % 200; r = 1 + i * 7 % 6;
    a = i * 13 % 80; printf "%d.5,%d,%d.5,%d\n", s, r, a, int(20000 + 600 * s + 8000 * r - 300 * a + 15000 * sin(i * 1.7)) } }' \
    > "$dir/houses.csv"
rm -rf "$dir/cvfail"
out=$(PARAMLAB_RUNS="$dir/cvfail" "$bin" -q -c "data load $dir/houses.csv; data standardize; model linear; set lr 1.5; cv 3 epochs=5" 2>&1) &&
    fail "a cv whose every fold diverged succeeded: $out"
echo "$out" | grep -q "^-c:1:5: every fold failed, so there is no validation loss; fold 1: training diverged: the loss is .*probably too high; \`set lr 0.15\` then \`cv 3 epochs=5\` tries again$" ||
    fail "the failed cv does not say why and what to do: $out"
echo "$out" | grep -q "nan" && fail "the failed cv shows a mean of nan: $out"
out=$(PARAMLAB_RUNS="$dir/cvfail" "$bin" -q -c 'runs' 2>&1) || fail "runs failed: $out"
[ "$(echo "$out" | grep -c "^  [0-9a-f-]* .* cv [1-3] .* failed *- *$")" -eq 3 ] || fail "runs does not mark the failed folds: $out"
echo "$out" | grep -q "e+[0-9]" && fail "runs lists a failed fold's loss as a result: $out"
echo "$out" | grep -q "^failed: training diverged or its loss became NaN, so the run has no result" ||
    fail "runs does not say what failed means: $out"
out=$("$bin" -q -c 'data moons n=100; model mlp 4; set lr 1e5; cv 3' 2>&1) && fail "a diverging cv on moons succeeded: $out"
echo "$out" | grep -q "or the inputs need \`data standardize\`; \`set lr 10000\` then \`cv 3\` tries again$" ||
    fail "the failed cv of raw inputs does not advise standardizing: $out"

# another optimizer: its own settings, not changes from settings sgd never had
out=$("$bin" -q -c 'data moons; data split 0.2; model mlp 4; search grid optimizer=sgd,adam epochs=1; search use 2' 2>&1) ||
    fail "search use of an adam trial failed: $out"
echo "$out" | grep -q "^  optimizer sgd → adam lr=0.001 beta1=0.9 beta2=0.999 eps=1e-08" ||
    fail "search use does not list adam's settings: $out"
echo "$out" | grep -q "beta1 0 →" && fail "search use shows sgd with a beta1: $out"
# search use N; train EPOCHS reproduces trial N's validation loss to the
# last digit: the model (rebuilt or kept) starts from the trial's initial
# parameters and seed, whatever was trained or seeded since
for n in 1 2 3 4 BEST; do
    out=$("$bin" -q -c "data moons n=200; data split 0.2; data standardize; model mlp 8; train 2; search grid lr=0.01,0.1 hidden=8,4x4 epochs=5; set seed 9; init; train 1; search use $n; train 5" 2>&1) ||
        fail "search use $n; train 5 failed: $out"
    [ "$n" = BEST ] && n=$(echo "$out" | sed -n 's/^  1  *\([0-9]\) .*/\1/p')
    want=$(echo "$out" | sed -n "s/^trial $n of 4: .* → val loss \([^;]*\);.*/\1/p")
    got=$(echo "$out" | sed -n 's/^trained 5 epochs: .* validation loss \([^,]*\),.*/\1/p')
    [ -n "$want" ] && [ "$want" = "$got" ] || fail "search use $n; train 5 gave validation loss '$got', the trial '$want': $out"
    echo "$out" | grep -q "^  seed 9 → 42 " || fail "search use $n did not say the seed changed: $out"
    echo "$out" | grep -q "with the trial's initial parameters (seed 42): \`train 5\` reproduces its validation loss $want$" ||
        fail "search use $n does not say train 5 reproduces the trial: $out"
done

# waits (at most 60 s) until the file $1 holds a line matching $2, so a
# signal sent next arrives while the command runs, however slow the machine
wait_for() {
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null && [ "$i" -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

# SIGINT: the search stops after the trial running and prints its table
printf 'data moons n=300; data split 0.2; model mlp 16\nsearch random 1000 lr=1e-3..1:log epochs=40\n' |
    "$bin" -q --batch > "$dir/out" 2>&1 &
pid=$!
wait_for "$dir/out" "^trial 1 of 1000"
kill -INT "$pid"
wait "$pid"
grep -q "^interrupted after [0-9]* of 1000 trials: the table holds the trials finished" "$dir/out" ||
    fail "Ctrl-C did not stop the search with its table: $(tail -n 3 "$dir/out")"
grep -q "of 1000 trials, best first" "$dir/out" || fail "no table after Ctrl-C"

# SIGINT during one long trial: it stops at its next step, is thrown away
# (logged as interrupted) and the search ends at once with a line saying so
rm -rf "$PARAMLAB_RUNS"
printf 'data moons n=2000; data split 0.2; model mlp 32 32\nsearch grid lr=0.001,0.01 batch=1 epochs=100000\n' |
    "$bin" -q --batch > "$dir/out" 2>&1 &
pid=$!
wait_for "$dir/out" "^model mlp"
sleep 0.5
kill -INT "$pid"
t=0
while kill -0 "$pid" 2>/dev/null && [ "$t" -lt 100 ]; do
    sleep 0.1
    t=$((t + 1))
done
kill -0 "$pid" 2>/dev/null && { kill "$pid"; fail "Ctrl-C did not stop a long trial within 10 s"; }
wait "$pid"
grep -q "^Ctrl-C: stopping the search; trial 1 of 2 was interrupted and thrown away$" "$dir/out" ||
    fail "no line saying the search stops: $(tail -n 3 "$dir/out")"
grep -q "0 of 2 trials, best first" "$dir/out" || fail "the interrupted trial is in the table: $(cat "$dir/out")"
grep -q '"status": *"interrupted"' "$PARAMLAB_RUNS/runs.jsonl" ||
    fail "the interrupted trial is not logged as interrupted: $(cat "$PARAMLAB_RUNS/runs.jsonl")"

printf 'data moons n=3000; model mlp 32 32\ncv 50 epochs=30\n' | "$bin" -q --batch > "$dir/out" 2>&1 &
pid=$!
wait_for "$dir/out" "^model mlp"
sleep 0.3
kill -INT "$pid"
wait "$pid"
grep -q "^interrupted after fold [0-9]* of 50: the table holds the folds finished" "$dir/out" ||
    fail "Ctrl-C did not stop the cv between folds: $(tail -n 3 "$dir/out")"
echo "search.sh: ok"
