#!/bin/sh
# Schedules, clipping and early stopping through the binary: undo into an
# epoch and training on repeat five epochs straight bit for bit (the lr
# and the scheduler's state in the undo history), the epoch lines show the
# lr, `backward` reports clipping, early stopping says where it stopped and
# which epoch it put back, and each bad value is one line with nothing run.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
common="data moons n=100 seed=5; data split 0.2; model mlp 6 act=tanh; set optimizer adam lr=0.05; set batch 16; set shuffle on; set schedule plateau patience=0 factor=0.5; set clip norm=0.3"
"$bin" --bail -c "$common; train 5; export W1 $dir/a1.csv; hypers" > "$dir/a.txt" || exit 1
"$bin" --bail -c "$common; train 5; undo 12; train 3; export W1 $dir/b1.csv; hypers" > "$dir/b.txt" || exit 1
cmp -s "$dir/a1.csv" "$dir/b1.csv" || { echo "schedule: parameters differ after undo 12; train 3"; exit 1; }
grep "schedule   plateau" "$dir/a.txt" > "$dir/sa"; grep "schedule   plateau" "$dir/b.txt" > "$dir/sb"
[ -s "$dir/sa" ] && cmp -s "$dir/sa" "$dir/sb" || { echo "schedule: lr or schedule differ after undo"; exit 1; }
grep -q "^epoch    2 .* lr 0.05" "$dir/a.txt" || { echo "schedule: no lr in the epoch lines"; cat "$dir/a.txt"; exit 1; }
out=$("$bin" --bail -c "$common; forward; loss; backward") || exit 1
echo "$out" | grep -q "^clip: total gradient norm" || { echo "clip: backward does not report it: $out"; exit 1; }
out=$("$bin" --bail -c "$common; train 60 patience=2 min_delta=0.01") || exit 1
echo "$out" | grep -q "stopped after epoch" && echo "$out" | grep -q "the best epoch was .*are back" ||
    { echo "early stopping: not reported: $out"; exit 1; }
for bad in "set schedule step size=0" "set schedule exp gamma=0" "set schedule cosine tmax=0" \
           "set schedule step size=3 gama=0.5" "set clip norm=0" "set clip value=-1" "train 5 patience=0" \
           "train 5 patience=3 min_delta=-1" "train 5 patience=3 bogus=1"; do
    out=$("$bin" --bail -c "$common; $bad; export W1 $dir/x.csv" 2>&1 >/dev/null) && { echo "'$bad' was accepted"; exit 1; }
    [ "$(echo "$out" | grep -c .)" -eq 1 ] || { echo "'$bad': more than one line: $out"; exit 1; }
    [ -e "$dir/x.csv" ] && { echo "'$bad': the script went on"; exit 1; }
done
out=$("$bin" --bail -c "data moons; model mlp 4; train 5 patience=2" 2>&1) && { echo "patience without a split ran"; exit 1; }
echo "$out" | grep -q "data split" || { echo "patience without a split: wrong refusal: $out"; exit 1; }
echo "schedule.sh: ok"
