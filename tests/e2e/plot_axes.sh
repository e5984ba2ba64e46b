#!/bin/sh
# What a picture's axes and title say, through the real binary and the
# real gnuplot's terminal pictures: `plot loss` draws linear after a
# `plot loss log` (the log scale stays only for that picture's live
# redraws); titles name the starting lr and the schedule, not the lr the
# schedule reached; the autoscaled ranges of `plot search` have a margin,
# so no trial hides on the frame.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "plot_axes.sh: $*"; exit 1; }
command -v gnuplot >/dev/null 2>&1 || { echo "plot_axes.sh: ok (no gnuplot: skipped)"; exit 0; }

# the scale: log only when asked, linear again on a bare `plot loss`
COLUMNS=100 LINES=30 "$bin" -q --bail -c 'data moons; model mlp 4; set plot terminal; plot loss log; plot loss; plot train_loss; plot loss log; train 1; plot loss linear' \
    > "$dir/scale" 2>&1 || { cat "$dir/scale"; fail "the scale session failed"; }
scales=$(sed -n 's/^ *bce loss\( (log scale)\)*$/\1/p' "$dir/scale" | sed 's/^$/linear/; s/ (log scale)/log/' | tr '\n' ' ')
[ "$scales" = "log linear linear log log linear " ] ||
    { cat "$dir/scale"; fail "the loss pictures' scales were '$scales', not 'log linear linear log log linear'"; }

# the titles after a schedule: the lr it started from and the schedule
COLUMNS=120 LINES=30 "$bin" -q --bail -c 'data moons n=200; data split 0.2; model mlp 4; set optimizer adam lr=0.02; set schedule cosine tmax=20; set plot terminal; train 20; plot loss; plot val_accuracy' \
    > "$dir/sched" 2>&1 || { cat "$dir/sched"; fail "the schedule session failed"; }
grep -q 'Training loss over 100 updates — adam lr=0.02, cosine tmax=20 min=0, batch 32' "$dir/sched" ||
    { cat "$dir/sched"; fail "plot loss's title does not name the starting lr and the schedule"; }
grep -q 'Validation accuracy per epoch — adam lr=0.02, cosine tmax=20 min=0, batch 32' "$dir/sched" ||
    { cat "$dir/sched"; fail "plot val_accuracy's title does not name the starting lr and the schedule"; }
grep -q 'lr=0,' "$dir/sched" && { cat "$dir/sched"; fail "a title shows the lr the schedule reached"; }

# every trial of a random search shows: none hides on the frame (trial 1
# is at lr=0.126395, where the range ended before it had a margin)
COLUMNS=80 LINES=22 "$bin" -q --bail -c 'data moons n=200; data split 0.2; model mlp 4; search random 3 lr=1e-3..1:log l2=0,1e-3 epochs=2 seed=7; set plot terminal; plot search' \
    > "$dir/search" 2>&1 || { cat "$dir/search"; fail "the search session failed"; }
# the markers inside the frame: the lines from its top border to its bottom one
marks=$(awk '/^ *[-0-9.]* *\+-----/ { n++; next } n == 1 { sub(/^ *[-0-9.]* */, ""); print }' "$dir/search" | tr -cd o | wc -c)
[ "$marks" -eq 3 ] || { cat "$dir/search"; fail "plot search shows $marks of 3 trials"; }

echo "plot_axes.sh: ok"
