#!/bin/sh
# explain through the real binary: after backward it writes the gradient out
# and ends at the value `show` prints; the update it predicts is the one
# `update` makes; after update it ends at the parameter's value now; the
# phases before backward and input data are refused with a message.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "explain.sh: $*"; exit 1; }
has() { grep -qF -- "$2" "$1" || { sed 's/^/    /' "$1" | tail -40; fail "no '$2' in $1"; }; }
common="data moons n=100 seed=4; model mlp 4; set optimizer adam; set batch 16"

# before update: the gradient as a sum over the batch, then the step adam will take
"$bin" -q --bail -c "$common; step 2; forward; loss; backward; show dW1[0,1]; explain W1[0,1]; update; show W1[0,1]" \
    > "$dir/before" 2>&1 || { cat "$dir/before"; fail "session failed"; }
grad=$(grep -m1 '^dW1\[0,1\] = ' "$dir/before") || fail "show dW1[0,1] printed nothing"
has "$dir/before" "dW1[i,j] = Σ_b X[b,i]·dZ1[b,j]"
has "$dir/before" "(4 of 16 terms shown; the 12 left out add up to"
has "$dir/before" "g = $grad"
has "$dir/before" "relu'(z) = 1 if z > 0, else 0"
has "$dir/before" "m ← beta1·m + (1 - beta1)·g"
has "$dir/before" "m_hat = m / (1 - beta1^t)"
has "$dir/before" "(1 - 0.9^3)"
now=$(grep '^W1\[0,1\] = ' "$dir/before" | tail -1 | sed 's/^W1\[0,1\] = //')
has "$dir/before" "\`update\` will move W1[0,1] from"
has "$dir/before" "to $now (by"

# after update: the step that was taken, ending at the value it has now
"$bin" -q --bail -c "$common; step 3; explain W1[0,1]; show W1[0,1]" > "$dir/after" 2>&1 ||
    { cat "$dir/after"; fail "session failed"; }
now=$(tail -1 "$dir/after" | sed 's/^W1\[0,1\] = //')
has "$dir/after" "What \`update\` did to W1[0,1]: adam's step t = 3"
grep '^`update` moved W1\[0,1\]' "$dir/after" | grep -qF "to $now (by" ||
    fail "after update explain does not end at W1[0,1] = $now"

# the loss of one sample and the mean over the batch
"$bin" -q --bail -c "$common; forward; loss; explain loss[2]" > "$dir/loss" 2>&1 || { cat "$dir/loss"; fail "loss failed"; }
has "$dir/loss" "loss[b] = -(y·log(p) + (1 - y)·log(1 - p))"
has "$dir/loss" "mean over its 16 samples"

# refusals: what to run first, input data, a layer that does not exist
out=$("$bin" -q --bail -c "$common; forward; explain W1[0,1]" 2>&1) && fail "explain before backward succeeded"
echo "$out" | grep -qF 'run `loss`, then `backward` first' || fail "wrong refusal before backward: $out"
out=$("$bin" -q --bail -c "$common; explain X[0,0]" 2>&1) && fail "explain X[0,0] succeeded"
echo "$out" | grep -qF "is input data" || fail "wrong refusal for X: $out"
out=$("$bin" -q --bail -c "$common; step; explain W9[0,0]" 2>&1) && fail "explain W9[0,0] succeeded"
echo "$out" | grep -qF "layer numbers go from 1 to 2" || fail "wrong refusal for W9: $out"
"$bin" -q -c "help explain" | grep -qF "explain NAME[i,j]" || fail "help explain"

# every line explain printed fits a 100-column terminal (continuation bytes
# of UTF-8 removed, so one character counts one)
{ sed -n '/^W1\[0,1\] weighs/,/^`update`/p' "$dir/before" "$dir/after"; sed -n '/^loss\[2\]:/,$p' "$dir/loss"; } |
    LC_ALL=C tr -d '\200-\277' > "$dir/explained"
[ "$(wc -l < "$dir/explained")" -gt 30 ] || fail "explain printed too little"
awk '{ if (length($0) > 100) { print; bad = 1 } } END { exit bad }' "$dir/explained" || fail "lines wider than 100 columns"
echo "explain.sh: ok"
