#!/bin/sh
# .npy exchange through the real binary, against files numpy and PyTorch
# wrote (tests/gen_npy_golden.py): numpy's files import exactly and export
# back byte for byte; CSV round-trips; a torch-trained weight gives torch's
# output; optimizer state exports by the names `state` prints; every file
# the reader refuses is one line and changes nothing.
bin=${1:-build/paramlab}
g=tests/golden/npy
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "npy.sh: $*"; exit 1; }

shape="data plane n=20 features=3; model mlp 4 12"
"$bin" --bail -c "$shape; import W1 $g/w.npy; import b1 $g/b.npy; import W3 $g/col.npy;
  export W1 $dir/w.npy; export b1 $dir/b.npy; export W3 $dir/col.npy; export W1 $dir/w.csv; export b1 $dir/b.csv" \
  > "$dir/out" 2>&1 || fail "import/export failed: $(cat "$dir/out")"
for f in w b col; do
  cmp -s "$g/$f.npy" "$dir/$f.npy" || fail "$f.npy written by paramlab differs from numpy.save's"
done
grep -q "wrote W1 (3×4) to $dir/w.npy as NumPy float64, C order" "$dir/out" || fail "export line: $(cat "$dir/out")"
# CSV (%.17g) reads back exactly: through CSV and out as .npy gives numpy's bytes again
"$bin" --bail -c "$shape; import W1 $dir/w.csv; import b1 $dir/b.csv; export W1 $dir/w2.npy; export b1 $dir/b2.npy" \
  > "$dir/out" 2>&1 || fail "CSV import failed: $(cat "$dir/out")"
cmp -s "$g/w.npy" "$dir/w2.npy" && cmp -s "$g/b.npy" "$dir/b2.npy" || fail "CSV round trip is not exact"

# a weight trained by PyTorch gives PyTorch's output
torch="data plane n=20 features=2; model mlp 3 act=tanh; import W1 $g/torch_W1.npy; import b1 $g/torch_b1.npy;
  import W2 $g/torch_W2.npy; import b2 $g/torch_b2.npy; set precision 17"
while read -r x1 x2 want; do
  got=$("$bin" --bail -c "$torch; predict $x1 $x2" 2>&1 | sed -n 's/^yhat = \([^ ]*\).*/\1/p')
  [ -n "$got" ] || fail "predict $x1 $x2 gave nothing"
  awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-12 * (b < 0 ? -b : b) + 1e-15) }' \
    || fail "predict $x1 $x2 = $got, PyTorch gives $want"
done < "$g/torch_out.txt"

# optimizer state: `state` prints the names export takes
adam="data plane n=20 features=3; model mlp 4 12; set optimizer adam; step 3"
out=$("$bin" --bail -c "$adam; state W1; export exp_avg_sq:W1 $dir/v.npy; export m_hat:b2 $dir/m.csv" 2>&1) \
  || fail "state export failed: $out"
echo "$out" | grep -q "^exp_avg_sq:W1  (3×4)" || fail "state does not print exp_avg_sq:W1: $out"
echo "$out" | grep -q "wrote exp_avg_sq:W1 (3×4)" || fail "export exp_avg_sq:W1: $out"
out=$("$bin" --bail -c "$adam; export momentum_buffer:W1 $dir/x.npy" 2>&1) && fail "a slot adam lacks was exported"
echo "$out" | grep -q "adam keeps no 'momentum_buffer' state; its state for W1 is exp_avg:W1, exp_avg_sq:W1" \
  || fail "wrong refusal: $out"

# refusals: one line each, W1 unchanged
"$bin" --bail -c "$shape; export W1 $dir/before.npy" > /dev/null 2>&1 || fail "setup failed"
check_refused() { # FILE WORDS-EXPECTED
  out=$(printf '%s\nimport W1 %s\nexport W1 %s\n' "$shape" "$1" "$dir/after.npy" | "$bin" --batch 2>&1 >/dev/null)
  [ "$(echo "$out" | wc -l)" = 1 ] || fail "import $1: not one line: $out"
  echo "$out" | grep -q "$2" || fail "import $1: '$out' lacks '$2'"
  cmp -s "$dir/before.npy" "$dir/after.npy" || fail "import $1 changed W1"
}
check_refused "$g/bad_fortran.npy" "Fortran order"
check_refused "$g/bad_f4.npy" "dtype '<f4': only float64"
check_refused "$g/bad_be.npy" "dtype '>f8'"
check_refused "$g/bad_3d.npy" "3 dimensions"
check_refused "$g/bad_cut.npy" "shorter than its shape"
check_refused "$g/bad_header.npy" "shape is damaged"
check_refused "$g/b.npy" "W1 has shape (3, 4), but .* holds (4,)"
check_refused "$g/col.npy" "W1 has shape (3, 4), but .* holds (12, 1)"
check_refused "$dir/missing.npy" "cannot open"
printf 'not numpy' > "$dir/junk.npy"
check_refused "$dir/junk.npy" "not a .npy file"
printf '1,2,3\n4,5\n' > "$dir/ragged.csv"
check_refused "$dir/ragged.csv" "2 values where the first row has 3"
# values that are not finite are named as they are (W1 is 3×4: 12 values of 8 bytes end the file)
nan8='\0\0\0\0\0\0\370\177' ninf8='\0\0\0\0\0\0\360\377' one8='\0\0\0\0\0\0\360\077'
head -c $(($(wc -c < "$g/w.npy") - 96)) "$g/w.npy" > "$dir/nan.npy"
cp "$dir/nan.npy" "$dir/ninf.npy"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
  printf "$nan8" >> "$dir/nan.npy"
  if [ "$i" = 6 ]; then printf "$ninf8"; else printf "$one8"; fi >> "$dir/ninf.npy"
done
check_refused "$dir/nan.npy" "not finite (NaN at index 0"
check_refused "$dir/ninf.npy" "not finite (-Inf at index 5"
# a CSV with a header row: said so, with what to do
printf 'a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n' > "$dir/header.csv"
check_refused "$dir/header.csv" "seems to be a header row of names; .* delete that line"
# optimizer state is exported, not imported: said so, and why
"$bin" --bail -c "$adam; export exp_avg:W1 $dir/m.npy" > /dev/null 2>&1 || fail "export exp_avg:W1 failed"
out=$("$bin" --bail -c "$adam; import exp_avg:W1 $dir/m.npy" 2>&1 >/dev/null) && fail "optimizer state was imported"
echo "$out" | grep -q "exp_avg:W1 is optimizer state, which import does not replace: .*\`load\`" ||
  fail "import exp_avg:W1: $out"

# a bias is (n,), as the help says: a .npy of (n, 1) or (1, n) and a CSV
# column are refused in one line naming both shapes and how to fix it, b
# unchanged; a CSV of one line (what export writes) imports
one="data plane n=20 features=1; model mlp 4 12"
"$bin" --bail -c "$one; export W1 $dir/row.npy; export W1 $dir/row.csv; export W3 $dir/col.csv; export b1 $dir/b1.npy; export b2 $dir/b2.npy" \
  > /dev/null 2>&1 || fail "bias setup failed"
bias_refused() { # PARAM FILE WORDS-EXPECTED
  out=$(printf '%s\nimport %s %s\nexport %s %s\n' "$one" "$1" "$2" "$1" "$dir/after.npy" | "$bin" --batch 2>&1 >/dev/null)
  [ "$(echo "$out" | wc -l)" = 1 ] || fail "import $1 $2: not one line: $out"
  echo "$out" | grep -q "$3" || fail "import $1 $2: '$out' lacks '$3'"
  cmp -s "$dir/$1.npy" "$dir/after.npy" || fail "import $1 $2 changed $1"
}
bias_refused b2 "$g/col.npy" "b2 has shape (12,), but .* holds (12, 1); give a .npy of shape (12,) (in NumPy: a.reshape(12))"
bias_refused b1 "$dir/row.npy" "b1 has shape (4,), but .* holds (1, 4); give a .npy of shape (4,)"
bias_refused b2 "$dir/col.csv" "b2 has shape (12,), but .* holds (12, 1); a CSV holds a bias as one line of 12 values, as \`export b2 FILE.csv\` writes it"
out=$("$bin" --bail -c "$one; import b1 $dir/row.csv; export b1 $dir/b1r.csv" 2>&1) || fail "a one-line CSV bias was refused: $out"
cmp -s "$dir/row.csv" "$dir/b1r.csv" || fail "export b1 FILE.csv does not write one line of its values"

# an import is an edit: the loop goes back to before forward
out=$(printf '%s\nforward\nloss\nimport W1 %s\nbackward\n' "$shape" "$g/w.npy" | "$bin" --batch 2>&1 >/dev/null)
echo "$out" | grep -q "backward needs the loss" || fail "import did not move the phase back: $out"
echo "npy.sh: ok"
