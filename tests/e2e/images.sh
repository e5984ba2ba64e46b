#!/bin/sh
# Image data and `count` through the real binary, run from a folder that
# holds nothing of the project (the digits are inside the binary): data
# digits trains, its recipe is in the run log and survives save/load,
# data show and plot images draw in the terminal, data load image= refuses
# a shape that is not the columns, and count prints formula, numbers and
# total.
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin="$(pwd)/$bin" ;; esac
csv="$(pwd)/lessons/data/digits.csv"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "images: $*"; exit 1; }
cd "$dir" || exit 1
export PARAMLAB_RUNS="$dir/runs" COLUMNS=80

out=$("$bin" -q -c 'data digits; data split 0.2; data standardize; model softmax; set optimizer adam lr=0.01; train 3; save s.plab' 2>&1) ||
    fail "data digits did not train: $out"
echo "$out" | grep -q 'validation loss' || fail "no validation loss after training: $out"
grep -q '"recipe":"digits"' runs/runs.jsonl || fail "the run log has no recipe digits"
out=$("$bin" -q -c 'load s.plab; data; data show row=0' 2>&1) || fail "load failed: $out"
echo "$out" | grep -q 'images: 1 channel of 8×8 pixels' || fail "the loaded data lost its image shape: $out"
echo "$out" | grep -q '^each shade is one of these 64 numbers' || fail "data show row=0 drew no image: $out"

out=$("$bin" -q -c 'data digits; plot images 4' 2>&1) || fail "plot images failed: $out"
echo "$out" | grep -q '^row 0: 0          row 1: 1          row 2: 2          row 3: 3$' ||
    fail "plot images did not draw four titled images: $out"
echo "$out" | grep -q '^shades " .:-=+\*#%@" from 0 to 16 (pixel)$' || fail "no scale line: $out"
if command -v gnuplot >/dev/null 2>&1; then
    out=$("$bin" -q -c 'data digits; set plot png file=d.png; plot images 10' 2>&1) || fail "plot images png: $out"
    [ "$(head -c 4 d.png | tail -c 3)" = PNG ] || fail "d.png is not a PNG: $out"
    # maps, filters and images with other arguments: a file each, never the same one
    mkdir grids && out=$(cd grids && "$bin" -q -c 'data digits; data standardize; model cnn conv=4:3 pool=2 hidden=16
set plot png; plot maps P1 row=2; plot maps A1; plot filters K1; plot images; plot images 4' 2>&1) ||
        fail "plot maps png: $out"
    for f in maps-P1-row_2 maps-A1 filters-K1 images images-4; do
        echo "$out" | grep -q "wrote $f.png$" || fail "no $f.png: $out"
        [ "$(head -c 4 "grids/$f.png" | tail -c 3)" = PNG ] || fail "grids/$f.png is not a PNG: $out"
    done
    [ "$(ls grids | wc -l)" -eq 5 ] || fail "not one file per picture: $(ls grids)"
fi

out=$("$bin" -q -c "data load $csv image=8x7" 2>&1) && fail "image=8x7 was accepted"
[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "the refusal is not one line: $out"
echo "$out" | grep -q 'image=8x7 is 56 pixels but the file has 64 feature columns' || fail "refusal: $out"

out=$("$bin" -q -c 'count dense 10 5; count conv 1 16 3; count lstm 10 20' 2>&1) || fail "count failed: $out"
echo "$out" | grep -q '^IN·OUT + OUT = 10·5 + 5 = 55$' || fail "count dense: $out"
echo "$out" | grep -q '^COUT·CIN·K·K + COUT = 16·1·3·3 + 16 = 160$' || fail "count conv: $out"
echo "$out" | grep -q '= 2560$' || fail "count lstm: $out"
out=$("$bin" -q -c 'count embedding 4000000000 4000000000' 2>&1) && fail "an overflowing count was accepted: $out"
echo "$out" | grep -q 'past what a 64-bit count holds' || fail "overflow refusal: $out"
exit 0
