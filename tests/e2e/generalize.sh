#!/bin/sh
# Held-out data through the real binary: a split with a test share, the
# metrics of each share, the test share's looks counted, the scalar names in
# a lesson-style script with `expect`, and the refusals (one line, exit 1).
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/g.plab" <<'PLAB'
data moons n=300 noise=0.15
data split 0.2 0.1
data standardize
model mlp 16 act=tanh
set optimizer adam lr=0.02
train 40
expect val_accuracy > 0.9
expect accuracy > 0.9
expect val_loss < 0.3
metrics
metrics train
evaluate test
evaluate test
PLAB
out=$("$bin" --bail --batch < "$dir/g.plab" 2>&1) || { echo "generalize: the script failed: $out"; exit 1; }
echo "$out" | grep -q "split: 210 training rows, 60 validation rows, 30 test rows (stratified by class" ||
    { echo "generalize: wrong split line"; exit 1; }
# share sizes as scikit-learn's train_test_split: ceil(0.05 * 100) = 5, not a row per class rounded up
out2=$("$bin" -q -c 'data moons n=100; data split 0.05' 2>&1)
echo "$out2" | grep -q "^split: 95 training rows, 5 validation rows (stratified" ||
    { echo "generalize: data split 0.05 of 100 rows: $out2"; exit 1; }
echo "$out" | grep -q "^validation share, 60 rows" || { echo "generalize: metrics did not default to val"; exit 1; }
echo "$out" | grep -q "^training share, 210 rows" || { echo "generalize: metrics train"; exit 1; }
echo "$out" | grep -q "looked at 2 times" || { echo "generalize: looks not counted"; exit 1; }
echo "$out" | grep -q "epoch   40  loss .*  val .*  val accuracy [0-9.]*%" || { echo "generalize: epoch line"; exit 1; }
for bad in "data moons; data split 0.7 0.5" "data moons; model mlp 4; evaluate test" \
           "data moons; model mlp 4; expect val_loss < 1" "data line; model linear; expect accuracy > 0.5"; do
    err=$("$bin" --bail -c "$bad" 2>&1 >/dev/null) && { echo "generalize: '$bad' succeeded"; exit 1; }
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || { echo "generalize: '$bad' gave more than one line: $err"; exit 1; }
    echo "$err" | grep -q '`' || { echo "generalize: '$bad' names no fix: $err"; exit 1; }
done
echo "generalize.sh: ok"
