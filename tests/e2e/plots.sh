#!/bin/sh
# Plots through the real binary and the real gnuplot: the terminal picture
# arrives in paramlab's output in order, with its title and axis labels;
# every kind writes a valid PNG and SVG file; a missing gnuplot gives one
# line on how to install it and scripts and lessons go on.
bin=${1:-build/paramlab}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "plots.sh: $*"; exit 1; }
has() { grep -qF -- "$2" "$1" || { sed 's/^/    /' "$1" | tail -40; fail "no '$2' in $1"; }; }
png() { head -c 8 "$1" | od -An -c | grep -q 'P   N   G' && tail -c 8 "$1" | grep -q IEND || fail "$1 is not a whole PNG"; }

# the terminal: the picture comes between the commands' own output
COLUMNS=100 LINES=30 "$bin" -q --bail -c "data moons n=100 seed=1; model mlp 6; set plot terminal; train 3; plot loss; show b2" \
    > "$dir/term" 2>&1 || { cat "$dir/term"; fail "terminal session failed"; }
has "$dir/term" "Training loss over 12 updates"
has "$dir/term" "update (step)"
has "$dir/term" "bce loss"
tail -3 "$dir/term" | head -1 | grep -q '^b2 ' || { tail -5 "$dir/term"; fail "the picture did not arrive before the next command's output"; }
# after early stopping put an epoch back, the title counts the curve's updates and says where the model is
COLUMNS=120 LINES=30 "$bin" -q --bail -c "data moons n=100; data split 0.3; model mlp 16; set batch 100; set optimizer adam lr=0.5; train 300 patience=3; set plot terminal; plot loss" \
    > "$dir/early" 2>&1 || { cat "$dir/early"; fail "early stopping session failed"; }
has "$dir/early" "Training loss over 13 updates (now back at 10)"
width=$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$dir/term")
[ "$width" -le 100 ] || fail "terminal picture is $width columns wide in a 100-column terminal"

# files: every kind, png and svg
common="data moons n=120 seed=2; data split 0.25; model mlp 6 act=tanh; set lr 0.1; train 4"
for kind in loss boundary grads "hist W1" "surface W1[0,0] W1[1,0]"; do
    stem=$(echo "$kind" | cut -d' ' -f1)
    "$bin" -q --bail -c "$common; set plot png file=$dir/$stem.png; plot $kind; set plot svg file=$dir/$stem.svg; plot $kind" \
        > "$dir/out" 2>&1 || { cat "$dir/out"; fail "plot $kind failed"; }
    png "$dir/$stem.png"
    grep -q '</svg>' "$dir/$stem.svg" || fail "$stem.svg is not a whole SVG"
done
"$bin" -q --bail -c "data sine n=60 seed=1; model mlp 8 act=tanh; train 20; set plot png file=$dir/fit.png; plot fit" \
    > "$dir/out" 2>&1 || { cat "$dir/out"; fail "plot fit failed"; }
png "$dir/fit.png"
( cd "$dir" && "$bin" -q --bail -c "data line; model linear; set plot png; plot loss; compare optimizer sgd adam epochs=2" ) \
    > "$dir/out" 2>&1 || { cat "$dir/out"; fail "default file names failed"; }
png "$dir/loss.png"
png "$dir/compare-sgd-adam-epochs_2.png"

# plot search: its own name and file, the values tried on the axes
( cd "$dir" && mkdir search && cd search && "$bin" -q --bail -c "data moons n=120 seed=1; data split 0.2; model mlp 4; \
    set plot png; search grid lr=0.01,0.1,0.3 batch=8,16 epochs=2; plot search; set plot png file=s.png; plot search; \
    set plot svg file=s.svg; plot search" ) > "$dir/out" 2>&1 || { cat "$dir/out"; fail "plot search failed"; }
has "$dir/out" "plot search: wrote search.png"
has "$dir/out" "plot search: wrote s.png"
has "$dir/out" "plot search: wrote s.svg"
grep -q "compare" "$dir/out" && { cat "$dir/out"; fail "plot search called itself compare"; }
[ -e "$dir/search/compare.png" ] && fail "plot search wrote compare.png"
png "$dir/search/search.png"
png "$dir/search/s.png"
for tick in 0.01 0.1 0.3 8 16 lr batch; do
    grep -q "<text>$tick</text>" "$dir/search/s.svg" || fail "the search heat map has no tick '$tick'"
done

# a file named for one plot is never overwritten by another kind: each kind
# drawn after it goes to its own KIND.png, and says where
( cd "$dir" && mkdir own && cd own && "$bin" -q --bail -c "data moons n=80 seed=1; model mlp 4; train 2; \
    set plot png file=loss.png; plot loss; plot hist W1; plot boundary" ) > "$dir/out" 2>&1 ||
    { cat "$dir/out"; fail "one file per kind failed"; }
cp "$dir/own/loss.png" "$dir/loss-first.png"
( cd "$dir/own" && "$bin" -q --bail -c "data moons n=80 seed=1; model mlp 4; set plot png file=loss.png; plot loss; \
    plot hist W1" ) > "$dir/out" 2>&1 || { cat "$dir/out"; fail "one file per kind failed"; }
png "$dir/own/hist-W1.png"
png "$dir/own/boundary.png"
has "$dir/out" "plot hist: wrote hist-W1.png (loss.png holds the loss picture"
cmp -s "$dir/own/loss.png" "$dir/own/hist-W1.png" && fail "the histogram went into loss.png"

# pictures of one kind that differ by their arguments each get their own
# file, named after them; options of the look stay out of the name; file=
# holds only the first picture, even of the same kind
( cd "$dir" && mkdir args && cd args && "$bin" -q --bail -c "data moons n=80 seed=1; model mlp 4; train 2; set plot png; \
    plot surface W1[0,0] W1[1,0]; plot surface W1[0,1] W1[-1,1] range=2 style=contour; plot hist W1; plot hist b1; \
    plot loss log; set plot png file=mine.png; plot hist W2; plot hist b2" ) > "$dir/out" 2>&1 ||
    { cat "$dir/out"; fail "one file per picture failed"; }
for f in surface-W1_0_0-W1_1_0 surface-W1_0_1-W1_-1_1 hist-W1 hist-b1 loss mine hist-b2; do
    png "$dir/args/$f.png"
    case $f in mine) has "$dir/out" "plot hist: wrote mine.png" ;; *) has "$dir/out" "wrote $f.png" ;; esac
done
[ "$(ls "$dir/args" | wc -l)" -eq 7 ] || { ls "$dir/args"; fail "not one file per picture"; }
cmp -s "$dir/args/hist-W1.png" "$dir/args/hist-b1.png" && fail "plot hist b1 overwrote plot hist W1's file"

# more than two features: two chosen by name, the others at their mean
COLUMNS=100 LINES=30 "$bin" -q -c "data blobs n=90 features=4 classes=3 seed=1; model softmax; train 5; \
    set plot terminal; plot boundary; plot boundary x=x1 y=x3" > "$dir/bound" 2>&1
has "$dir/bound" "choose them, as in \`plot boundary x=x1 y=x2\`"
has "$dir/bound" "(other features at their mean)"
has "$dir/bound" "class 2"

# no gnuplot: one line saying how to get it, and the script and lessons go on
PARAMLAB_GNUPLOT=/nonexistent/gnuplot "$bin" -q -c "data line; model linear; plot loss; step 2; expect steps == 2" \
    > "$dir/none" 2>&1 || { cat "$dir/none"; fail "a missing gnuplot stopped the script"; }
has "$dir/none" "no picture: gnuplot is not installed"
has "$dir/none" "apt-get install gnuplot"
has "$dir/none" "ok: steps = 2"
[ "$(grep -c gnuplot "$dir/none")" -eq 1 ] || { cat "$dir/none"; fail "more than one line about gnuplot"; }
mkdir "$dir/lessons-cwd" && here=$(pwd) # an empty folder: a lesson may write files (lesson 15 saves)
(cd "$dir/lessons-cwd" && PARAMLAB_GNUPLOT=/nonexistent/gnuplot "$bin" --check "$here"/lessons/*.md) > "$dir/none" 2>&1 ||
    { cat "$dir/none"; fail "the lessons need gnuplot to pass --check"; }
echo "plots.sh: ok"
