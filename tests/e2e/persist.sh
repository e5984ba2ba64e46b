#!/bin/sh
# save and load through the real binary, the load in a new process: for
# every optimizer, with shuffling, dropout, a schedule, clipping and a
# penalty on, `step 25` and `step 10; save` + (new process) `load; step 15`
# end with the same parameters and optimizer state, bit for bit. A
# truncated, corrupt, foreign or newer file is refused with one line and
# the session goes on unchanged; a save onto /dev/full, into a missing
# folder or under a file is refused with one line and leaves an earlier
# file as it was.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "persist.sh: $*"; exit 1; }

common="data moons n=150 seed=4; data split 0.2 0.1; data standardize; set batch 16; set shuffle on;
  model mlp 6 4 act=tanh dropout=0.2,0.1; set schedule step size=2 gamma=0.5; set clip norm=0.5; set l2 0.001"
dump="set precision 17; export W1 $dir/W1.csv; export b1 $dir/b1.csv; export W2 $dir/W2.csv; export b2 $dir/b2.csv;
  export W3 $dir/W3.csv; export b3 $dir/b3.csv; state W1; state b3; show lr; hypers"
for opt in sgd "sgd momentum=0.9 nesterov=on" adagrad "rmsprop centered=on momentum=0.5" adadelta \
           adam "adam amsgrad=on" adamw adamax nadam radam rprop; do
  rm -f "$dir"/*.csv "$dir"/s.plsave
  "$bin" --bail -c "$common; set optimizer $opt; step 25; $dump" > "$dir/a.txt" 2>&1 || fail "$opt: $(cat "$dir/a.txt")"
  cat "$dir"/*.csv > "$dir/a.all"
  rm -f "$dir"/*.csv
  "$bin" --bail -c "$common; set optimizer $opt; step 10; forward; save $dir/s.plsave" > "$dir/b0.txt" 2>&1 \
    || fail "$opt: save: $(cat "$dir/b0.txt")"
  "$bin" --bail -c "load $dir/s.plsave; step 15; $dump" > "$dir/b.txt" 2>&1 || fail "$opt: load: $(cat "$dir/b.txt")"
  cat "$dir"/*.csv > "$dir/b.all"
  cmp -s "$dir/a.all" "$dir/b.all" || fail "$opt: parameters differ after save, load and the rest of the steps"
  sed -n '/ state for W1/,$p' "$dir/a.txt" > "$dir/sa"
  sed -n '/ state for W1/,$p' "$dir/b.txt" > "$dir/sb"
  cmp -s "$dir/sa" "$dir/sb" || fail "$opt: state, lr or settings differ after the load: $(diff "$dir/sa" "$dir/sb" | head -5)"
done
grep -q "after 25 steps" "$dir/sb" || fail "the state does not count 25 steps"

# refusals leave the session as it was: one line on stderr, and training
# goes on exactly as without the failed load
"$bin" --bail -c "data line n=40 seed=2; model linear; set optimizer nadam; step 3; save $dir/good.plsave" > /dev/null \
  || fail "saving the small session failed"
size=$(wc -c < "$dir/good.plsave")
head -c $((size - 1)) "$dir/good.plsave" > "$dir/cut.plsave"
head -c 20 "$dir/good.plsave" > "$dir/cut20.plsave"
cp "$dir/good.plsave" "$dir/flip.plsave"
printf 'X' | dd of="$dir/flip.plsave" bs=1 seek=100 conv=notrunc 2>/dev/null
printf 'x,y\n1,2\n' > "$dir/foreign.plsave"
cp "$dir/good.plsave" "$dir/newer.plsave"
printf '\011' | dd of="$dir/newer.plsave" bs=1 seek=8 conv=notrunc 2>/dev/null
base="data moons n=50; model mlp 3; step 2"
printf '%s\nexport W1 %s\n' "$base" "$dir/before.csv" | "$bin" --batch > /dev/null 2>&1
for f in cut:truncated cut20:truncated flip:"checksum does not match" foreign:"not a paramlab save file" \
         newer:"saved by a newer paramlab (format version 9; this one reads version 3)" missing:"cannot open"; do
  name=${f%%:*} why=${f#*:}
  err=$(printf '%s\nload %s\nexport W1 %s\n' "$base" "$dir/$name.plsave" "$dir/after.csv" | "$bin" --batch 2>&1 >/dev/null)
  [ "$(echo "$err" | wc -l)" = 1 ] || fail "load $name: not one line: $err"
  echo "$err" | grep -q "$why" || fail "load $name: '$err' lacks '$why'"
  cmp -s "$dir/before.csv" "$dir/after.csv" || fail "load $name changed the session"
done

# a save that cannot be written: one line, and an earlier file intact
cp "$dir/good.plsave" "$dir/keep.plsave"
touch "$dir/afile"
for target in /dev/full "$dir/no/such/folder/s.plsave" "$dir/afile/s.plsave" "$dir"; do
  [ "$target" = /dev/full ] && ! [ -w /dev/full ] && continue
  err=$("$bin" -c "$base; save $target" 2>&1 >/dev/null) && fail "save $target succeeded"
  [ "$(echo "$err" | wc -l)" = 1 ] || fail "save $target: not one line: $err"
done
cmp -s "$dir/good.plsave" "$dir/keep.plsave" || fail "the earlier file changed"
[ "$(ls "$dir" | grep -c '^\.\|tmp')" = 0 ] || fail "a temporary file was left behind: $(ls -a "$dir")"
echo "persist.sh: ok"
