#!/bin/sh
# undo then step reproduces training bit for bit (parameters and optimizer
# state), across an epoch boundary with shuffling on; the history's limit
# and the divergence alarm are reported as errors.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
common="data moons n=100 seed=5; model mlp 6 4 act=tanh; set optimizer adam lr=0.05 amsgrad=on; set batch 16; set shuffle on"
"$bin" --bail -c "$common; step 20; export W1 $dir/a1.csv; export b2 $dir/a2.csv; state W1" > "$dir/a.txt" || exit 1
"$bin" --bail -c "$common; step 20; undo 9; step 9; export W1 $dir/b1.csv; export b2 $dir/b2.csv; state W1" > "$dir/b.txt" || exit 1
cmp -s "$dir/a1.csv" "$dir/b1.csv" && cmp -s "$dir/a2.csv" "$dir/b2.csv" || { echo "undo: parameters differ after undo 9; step 9"; exit 1; }
sed -n '/^adam state/,$p' "$dir/a.txt" > "$dir/sa"; sed -n '/^adam state/,$p' "$dir/b.txt" > "$dir/sb"
cmp -s "$dir/sa" "$dir/sb" || { echo "undo: optimizer state differs after undo 9; step 9"; exit 1; }
grep -q "after 20 steps" "$dir/sa" || { echo "undo: state does not report 20 steps"; exit 1; }
# asking for more than is kept is refused and changes nothing
out=$("$bin" --bail -c "$common; step 3; undo 4" 2>&1) && { echo "undo 4 after 3 steps succeeded"; exit 1; }
echo "$out" | grep -q "only the last 3 updates can be undone" || { echo "undo: wrong refusal: $out"; exit 1; }
# divergence is caught at the first bad step and names the learning rate
out=$("$bin" --bail -c "data line; model linear; set lr 100; train 5" 2>&1) && { echo "divergence not caught"; exit 1; }
echo "$out" | grep -q "at step 2.*lr=100" || { echo "divergence: wrong message: $out"; exit 1; }
# `set undo off`: no snapshot, the same numbers, undo refused with the way back
"$bin" --bail -c "set undo off; $common; step 20; export W1 $dir/c1.csv; export b2 $dir/c2.csv" > "$dir/c.txt" || exit 1
cmp -s "$dir/a1.csv" "$dir/c1.csv" && cmp -s "$dir/a2.csv" "$dir/c2.csv" || { echo "undo: set undo off changed the numbers"; exit 1; }
out=$("$bin" --bail -c "$common; set undo off; step 2; undo" 2>&1) && { echo "undo succeeded with undo off"; exit 1; }
echo "$out" | grep -q "undo is off.*set undo 1000" || { echo "undo off: wrong refusal: $out"; exit 1; }
out=$("$bin" --bail -c "$common; set undo 2; step 5; undo 3" 2>&1) && { echo "undo 3 with set undo 2 succeeded"; exit 1; }
echo "$out" | grep -q "only the last 2 updates can be undone (as many as the history keeps)" || { echo "set undo 2: wrong refusal: $out"; exit 1; }
out=$("$bin" --bail -c "data blobs n=200 features=784 classes=10; model mlp 256; hypers; set undo off; hypers" 2>&1) || { echo "set undo: $out"; exit 1; }
echo "$out" | grep -qF "undo       up to the last 1000 updates (1.6 MB a copy of this model's parameters and optimizer state, 164 fit in 256 MB: \`train\` and \`step N\` copy one update in 32 and \`undo\` remakes the others; updates made one at a time copy each)" || { echo "hypers: undo line: $out"; exit 1; }
echo "$out" | grep -q "undo       off" || { echo "hypers: undo off line: $out"; exit 1; }
out=$("$bin" --bail -c "$common; set undo off; set undo on; step 2; undo 2" 2>&1) || { echo "set undo on: $out"; exit 1; }
echo "$out" | grep -q "undo: the last 1000 updates" || { echo "set undo on: $out"; exit 1; }
# `set undo 1` keeps one update (a number is a count, not the switch on)
out=$("$bin" --bail -c "$common; set undo 1; step 3; undo 2" 2>&1) && { echo "set undo 1: undo 2 succeeded"; exit 1; }
echo "$out" | grep -q "undo: the last 1 update" || { echo "set undo 1: $out"; exit 1; }
echo "$out" | grep -q "only the last 1 update can be undone" || { echo "set undo 1: wrong refusal: $out"; exit 1; }
out=$("$bin" --bail -c "$common; set undo yes" 2>&1) && { echo "set undo yes accepted"; exit 1; }
echo "$out" | grep -q "set undo takes a number of updates (0 to 1000), on or off, not 'yes'" || { echo "set undo yes: $out"; exit 1; }
# an empty history says what starts it afresh (here `init`)
out=$("$bin" --bail -c "$common; step 2; init; undo" 2>&1) && { echo "undo after init succeeded"; exit 1; }
echo "$out" | grep -q "nothing to undo: no update since the history last started afresh (it does with a new model, optimizer, batch size, data or split, \`init\`" || { echo "undo after init: $out"; exit 1; }
# a split under a trained model says what starts over
out=$("$bin" --bail -c "$common; step 5; data split 0.2" 2>&1) || { echo "split after steps: $out"; exit 1; }
echo "$out" | grep -q "the model keeps its parameters; training starts over at epoch 1: the step count, the optimizer's state and the undo history begin afresh" || { echo "split after steps: $out"; exit 1; }
out=$("$bin" --bail -c "$common; data split 0.2" 2>&1) || { echo "split before steps: $out"; exit 1; }
echo "$out" | grep -q "training starts over" && { echo "split before any step claims a restart: $out"; exit 1; }
echo "undo.sh: ok"
