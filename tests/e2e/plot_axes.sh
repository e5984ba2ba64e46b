#!/bin/sh
# What a picture's axes and title say, through the real binary and the
# real gnuplot's terminal pictures: `plot loss` draws linear after a
# `plot loss log` (the log scale stays only for that picture's live
# redraws); titles name the starting lr and the schedule, not the lr the
# schedule reached; the autoscaled ranges of `plot search` have a margin,
# so no trial hides on the frame; a random search over two names draws
# each trial at its two values, a list of numbers at those values.
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
COLUMNS=80 LINES=22 "$bin" -q --bail -c 'data moons n=200; data split 0.2; model mlp 4; search random 3 lr=1e-3..1:log l2=0,1e-3 epochs=2 seed=7; set plot terminal; plot search lr' \
    > "$dir/search" 2>&1 || { cat "$dir/search"; fail "the search session failed"; }
# the markers inside the frame (the trials o, the best B): the lines from its top border to its bottom one
marks=$(awk '/^ *[-0-9.]* *\+-----/ { n++; next } n == 1 { sub(/^ *[-0-9.]* */, ""); print }' "$dir/search" | tr -cd oB | wc -c)
[ "$marks" -eq 3 ] || { cat "$dir/search"; fail "plot search shows $marks of 3 trials"; }

# a random search over two names: each trial a point at its two values,
# a listed setting at the values tried (batch at 8, 32, 128 on its own
# axis, not at 0, 1, 2), words on an axis of their names; what gnuplot is
# sent is kept by a gnuplot that copies its input
printf '#!/bin/sh\ntee -a "%s/gp.log" | gnuplot "$@"\n' "$dir" > "$dir/gp"
chmod +x "$dir/gp"
PARAMLAB_GNUPLOT="$dir/gp" COLUMNS=80 LINES=24 "$bin" -q --bail -c "data moons n=200; data split 0.2; model mlp 4; \
    search random 6 lr=1e-3..0.3:log batch=8,32,128 epochs=2 seed=7; set plot svg file=$dir/r.svg; plot search lr batch; \
    set plot terminal; plot search lr batch; search random 4 optimizer=sgd,adam lr=0.01..0.1 epochs=1 seed=2; \
    set plot svg file=$dir/o.svg; plot search optimizer lr" > "$dir/random" 2>&1 || { cat "$dir/random"; fail "the random search session failed"; }
# the points sent: x the lr, y the batch tried, then the loss
rows=$(awk '/^\$pts << EOD/ { n++; on = 1; next } /^EOD/ { on = 0 } on && n == 1 { print $2 }' "$dir/gp.log" | sort -n | uniq | tr '\n' ' ')
case "$rows" in ""|*[!0-9\ ]*) fail "the points' second column is not the batch tried: '$rows'";; esac
for b in $rows; do [ "$b" = 8 ] || [ "$b" = 32 ] || [ "$b" = 128 ] || fail "a trial drawn at batch=$b"; done
grep -q "^set ytics ('8' 8, '32' 32, '128' 128) noenhanced$" "$dir/gp.log" || fail "batch is not ticked at 8, 32, 128"
grep -q "^set logscale x$" "$dir/gp.log" || fail "lr=..:log is not on a log axis"
for tick in 8 32 128 'batch (log scale)' 'lr (log scale)' 'validation loss'; do
    grep -q "<text>$tick</text>" "$dir/r.svg" || fail "the random search's picture has no '$tick'"
done
grep -q "<text>best: trial [1-6], validation loss [0-9.]*</text>" "$dir/r.svg" || fail "the best trial is not named"
for tick in sgd adam optimizer; do
    grep -q "<text>$tick</text>" "$dir/o.svg" || fail "the optimizer axis has no '$tick'"
done
# the terminal: batch's values beside the rows, the best as B, the shades named
grep -q "^ *128 |" "$dir/random" && grep -q "^ *32 |" "$dir/random" || { cat "$dir/random"; fail "no batch ticks in the terminal"; }
marks=$(awk '/^ *[-0-9.]* *\+-----/ { n++; next } n == 1 { sub(/^ *[0-9]* *\|/, ""); print }' "$dir/random" | tr -cd '.:=*#%@B' | wc -c)
[ "$marks" -ge 4 ] || { cat "$dir/random"; fail "the terminal picture shows $marks trials"; }
grep -q "^ *best: trial [1-6], validation loss [0-9.]*  B$" "$dir/random" || { cat "$dir/random"; fail "no best trial in the key"; }
grep -q '^shades ".:-=\*#%@" of validation loss: @ [0-9.]* (lowest) .. \. [0-9.]* (highest)$' "$dir/random" ||
    { cat "$dir/random"; fail "no line naming the shades"; }

echo "plot_axes.sh: ok"
