#!/bin/sh
# A learner's whole cnn session through the real binary: the digits split,
# standardized, a conv model trained with adam for 30 epochs reaches at
# least 97 % validation accuracy well under a minute; then its filters and
# one input's maps drawn in the terminal, explain of a kernel element after
# forward, loss and backward, save and load to the same model, and a
# prediction for a validation row.
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin="$(pwd)/$bin" ;; esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "cnn: $*"; exit 1; }
cd "$dir" || exit 1
export PARAMLAB_RUNS="$dir/runs" COLUMNS=100

t0=$(date +%s.%N)
out=$("$bin" -q -c 'data digits; data split 0.2; data standardize; set optimizer adam
model cnn conv=8:3 pool=2 hidden=32; train 30; show val_accuracy
plot filters K1; plot maps A1 row=3
forward; loss; backward; explain K1[0,0,1,1]
save cnn.plab' 2>&1) || fail "the session failed: $out"
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
awk -v s="$secs" 'BEGIN { exit !(s < 30) }' || fail "the session took $secs s (limit 30 s)"
acc=$(echo "$out" | sed -n 's/^val_accuracy = \([0-9.]*\)%.*/\1/p')
[ -n "$acc" ] || fail "no validation accuracy: $out"
awk -v a="$acc" 'BEGIN { exit !(a >= 97) }' || fail "validation accuracy $acc% after 30 epochs (want >= 97%)"
echo "$out" | grep -q '^trained 30 epochs: 1350 steps in ' || fail "not 30 epochs of 45 batches: $out"

# the pictures, in the terminal
echo "$out" | grep -q '^K1: the 8 filters of conv layer 1 (1 input channel, 3×3), after 1350 updates$' ||
    fail "plot filters K1 drew no title: $out"
echo "$out" | grep -q '^f0 c0   f1 c0   f2 c0   f3 c0   f4 c0   f5 c0   f6 c0   f7 c0$' ||
    fail "plot filters K1 drew no row of 8 kernels: $out"
echo "$out" | grep -q '^A1 of conv layer 1 for training row 3, class 9: 8 maps of 6×6$' ||
    fail "plot maps A1 row=3 drew no title: $out"
echo "$out" | grep -q '^input             channel 0         channel 1         channel 2         channel 3' ||
    fail "plot maps drew no input beside the channels: $out"

# explain sums over every position the filter visited
echo "$out" | grep -q 'The same number is used at all 6×6 = 36 positions' || fail "explain K1: $out"
echo "$out" | grep -q '1152 terms (32 rows × 36 positions)' || fail "explain K1 terms: $out"
sum=$(echo "$out" | sed -n 's/^  \.\.\. summing all 1152: //p')
bwd=$(echo "$out" | sed -n "s/^  backward's dK1\[0,0,1,1\] = //p")
[ -n "$sum" ] && [ "$sum" = "$bwd" ] || fail "explain's sum ($sum) is not backward's dK1 ($bwd)"

# save and load rebuild the same model on the same images; predict a validation row
out2=$("$bin" -q -c 'load cnn.plab; data; params; predict row 5 val; show val_accuracy' 2>&1) ||
    fail "load failed: $out2"
echo "$out2" | grep -q 'images: 1 channel of 8×8 pixels' || fail "the loaded data lost their image shape: $out2"
echo "$out2" | grep -q '^K1     8×1×3×3              72' || fail "the loaded model has no K1 8×1×3×3: $out2"
echo "$out2" | grep -q '^total                     2746$' || fail "the loaded model is not the same size: $out2"
echo "$out2" | grep -q "^val_accuracy = $acc%" || fail "the loaded model does not score $acc%: $out2"
echo "$out2" | grep -q '^row 5 of val (data row 1442): yhat = .* → class [0-9]; true class [0-9]' ||
    fail "predict row 5 val: $out2"

# a cnn is described in the words of `model` everywhere, names hints its own
# gradients, and a race's validation curves have their own marks in the terminal
out3=$("$bin" -q -c 'data digits; data split 0.2; model cnn conv=4:3 pool=2 hidden=16; names
compare optimizer sgd adam epochs=1' 2>&1) || fail "the race failed: $out3"
shape='1×8×8 → conv 4:3 + pool → 4×3×3 → 16 → 10'
echo "$out3" | grep -q "^model cnn: $shape  (" || fail "model does not say $shape: $out3"
echo "$out3" | grep -q "^race from the same parameters over the same batches: cnn $shape relu on digits" ||
    fail "compare describes the cnn in other words: $out3"
echo "$out3" | grep -q 'Optimizers racing from one start — cnn 1×8×8 → conv' || fail "the race's title: $out3"
echo "$out3" | grep -q '^(`forward` brings Z1 A1 ... yhat; `loss` the loss; `backward` dK1 dc1 dZ1 dA1 ...)$' ||
    fail "names does not hint the cnn's gradients dK1 dc1: $out3"
echo "$out3" | grep -Eq '^ +sgd  o +sgd \(validation\)  : +adam  x +adam \(validation\)  =$' ||
    fail "the validation curves have no marks of their own in the terminal: $out3"
exit 0
