#!/bin/sh
# The penalties and dropout through the real binary: `loss` shows the data
# term and the penalty, `hypers` the penalties beside weight_decay, explain
# and gradcheck include them; dropout's masks are names, repeat after undo
# and through a recorded script, and every bad value is refused with one
# line while the session stays as it was.
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "regularize.sh: $*"; exit 1; }
common="data moons n=100 seed=5; set batch 16; set shuffle on; model mlp 6 4 act=tanh dropout=0.5,0.25"

out=$("$bin" --bail -c "$common; set l2 0.01; set l1 0.001; forward; loss; backward; explain W2[1,2]; gradcheck; hypers; names" 2>&1) || fail "$out"
echo "$out" | grep -q "(data term, bce) + .* (l1 penalty, 0.001·Σ|w|) + .* (l2 penalty, 0.01/2·Σw²)" || fail "loss lacks its parts: $out"
echo "$out" | grep -q "dW2\[i,j\] = (the data term) + l2·W2\[i,j\] + l1·sign(W2\[i,j\])" || fail "explain lacks the penalty"
echo "$out" | grep -q "^loss = .* (bce over the 16 rows of batch 1, plus the penalty)" || fail "the loss line does not say it holds the penalty: $out"
echo "$out" | grep -q "biases have none; sign(0) = 0, as torch.sign" || fail "explain with l1 lacks sign(0)"
echo "$out" | grep -q "Z2 = (A1⊙M1)·W2 + b2\|(A1⊙M1)\[b,i\]" || fail "explain lacks the dropout input"
echo "$out" | grep -q "^ok: all" || fail "gradcheck with penalties and dropout: $out"
echo "$out" | grep -q "coupled, weight_decay·p added to the gradient" || fail "hypers lacks weight_decay's kind"
echo "$out" | grep -q "names:.* M1 M2 yhat" || fail "names lack the masks"
out=$("$bin" --bail -c "$common; set l2 0.01; forward; loss; backward; explain W2[1,2]" 2>&1) || fail "$out"
echo "$out" | grep -q "The penalty adds its own part (biases have none):" || fail "explain with l2 alone: $out"
echo "$out" | grep -q "sign(0)" && fail "explain with l2 alone speaks of sign(0): $out"

# undo repeats the masks: the same parameters as training straight through
"$bin" --bail -c "$common; set l1 0.001; step 25; export W1 $dir/a.csv" > "$dir/a.txt" || fail "straight run"
"$bin" --bail -c "$common; set l1 0.001; step 25; undo 12; step 12; export W1 $dir/b.csv" > "$dir/b.txt" || fail "undo run"
cmp -s "$dir/a.csv" "$dir/b.csv" || fail "undo with dropout does not repeat the steps"
# a recorded script run in a fresh session gives the same numbers
printf '%s\n' "data moons n=100 seed=5" "set batch 16" "set shuffle on" "model mlp 6 4 act=tanh dropout=0.5,0.25" \
    "set l1 0.001" "step 25" "export W1 c.csv" > "$dir/s.plab"
(cd "$dir" && "$bin" --bail s.plab > /dev/null) || fail "script run"
cmp -s "$dir/a.csv" "$dir/c.csv" || fail "a script with dropout does not repeat the session"

# refusals: one line each, naming the fix; the session unchanged
for bad in "set l2 -1" "set l1 -0.5" "set l2 nan" "set l1 1 2" "model mlp 6 4 dropout=1" "model mlp 6 4 dropout=-0.1" \
           "model mlp 6 4 dropout=0.1,0.2,0.3" "model linear dropout=0.2" "model mlp 6 4 dropout=0.2,x"; do
    out=$(printf '%s\n' "$common" "set l2 0.01" "step 3" "export W1 $dir/before.csv" "$bad" "export W1 $dir/after.csv" \
          "hypers" | "$bin" -q 2>&1)
    err=$(echo "$out" | grep -c "^<stdin>:")
    [ "$err" = 1 ] || fail "'$bad' gave $err error lines: $out"
    cmp -s "$dir/before.csv" "$dir/after.csv" || fail "'$bad' changed the model"
    echo "$out" | grep -q "^  l2  *0.01" || fail "'$bad' changed l2: $out"
    echo "$out" | grep -q "model      mlp 6 4 act=tanh" || fail "'$bad' changed the model: $out"
done
out=$("$bin" -c "data moons; model mlp 4; forward; M1" 2>&1) && fail "M1 without dropout was shown"
echo "$out" | grep -q "dropout=" || fail "M1 without dropout does not name the fix: $out"
# with a penalty, step shows the loss minimized split into its terms, and
# train's epoch lines say they hold the data term (as the curves do)
out=$("$bin" -q -c "data moons n=64; model mlp 4; set l2 0.5; step 2; train 1" 2>&1) || fail "l2 training: $out"
echo "$out" | grep -Eq "^step 2  epoch 1 batch 2  loss [0-9.]+ = data [0-9.]+ \+ penalty [0-9.]+$" || fail "step with l2 does not split its loss: $out"
echo "$out" | grep -Eq "^epoch    2  data loss [0-9.]+$" || fail "train with l2 does not say its epoch loss is the data term: $out"
out=$("$bin" -q -c "data moons n=64; model mlp 4; step 1; train 1" 2>&1)
echo "$out" | grep -q "data\|penalty" && fail "without a penalty, step or train speak of data terms: $out"
echo "regularize.sh: ok"
