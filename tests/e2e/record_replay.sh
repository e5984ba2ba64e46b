#!/bin/sh
# Record/replay as a property: random sessions (seeded, so a failure
# repeats) of data, models, settings, phases, training, undo, edits,
# divergence and failing commands are recorded with `record`, replayed by
# `run` in a fresh process, and every parameter (exported with 17
# significant digits) plus the hyperparameters and the loop position must
# come out bit for bit the same. KEEP=1 keeps the scratch folder.
# Usage: record_replay.sh BIN [SESSIONS] [SEED]
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
sessions=${2:-${RECORD_REPLAY_SESSIONS:-40}}
seed=${3:-2026}
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-replay.XXXXXX") || exit 1
[ -n "$KEEP" ] || trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 1
fails=0
compared=0 # sessions that ended with a model to compare

# the commands a session draws from (some fail, some diverge on purpose)
# D: new data (a model follows), M: a model, the rest: anything else
cat >pool <<'POOL'
D data moons n=40
D data blobs n=60 classes=3
D data line n=30
D data xor n=40
D data circles n=50 noise=0.1
D data sine n=36
M model mlp 4
M model mlp 5 3 act=tanh
M model linear
M model mlp 6 dropout=0.3
M model softmax
M model logistic
data split 0.25
data split 0.2 0.2
data standardize
set optimizer adam
set optimizer sgd momentum=0.9 nesterov=on
set optimizer rmsprop centered=on
set optimizer adamw amsgrad=on
set optimizer rprop
set optimizer nadam
set lr 0.05
set lr 80
set batch 7
set shuffle on
set seed 3
set l2 0.01
set l1 0.001
set clip norm=1
set clip value=0.1
set schedule step size=2 gamma=0.5
set schedule plateau patience=1
set init xavier_normal
set loss mse
set loss auto
set defaults
forward
loss
backward
update
forward; loss; backward; update
step
step 3
train 2
train 3 patience=1 restore=on
undo
undo 2
init
init W1 normal std=0.1
W1[0,0] = 0.5
b1 = 0
expect error forward
expect error step
expect error frobnicate
evaluate test
POOL

i=0
while [ "$i" -lt "$sessions" ]; do
    i=$((i + 1))
    # a session: data and a model first, then 10 to 30 random commands
    awk -v seed=$((seed + i)) 'BEGIN { srand(seed) }
        /^D / { d[++nd] = substr($0, 3); next }
        /^M / { m[++nm] = substr($0, 3); next }
        { o[++no] = $0 }
        END {
            print "data moons n=40"; print "model mlp 4"
            n = 10 + int(rand() * 21)
            for (k = 0; k < n; k++) {
                r = rand()
                if (r < 0.08) { print d[1 + int(rand() * nd)]; print m[1 + int(rand() * nm)] }
                else if (r < 0.16) print m[1 + int(rand() * nm)]
                else print o[1 + int(rand() * no)]
            }
        }' pool >"s$i.cmds"
    {
        echo "record r$i.plab"
        cat "s$i.cmds"
        echo "record stop"
        for p in W1 b1 W2 b2 W3 b3; do echo "export $p a$i.$p.csv"; done
        echo "hypers"
        echo "state W1"
    } >"s$i.in"
    "$bin" -q --batch <"s$i.in" >"s$i.out" 2>"s$i.err"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "record_replay: session $i: exit $rc"; head -c 2000 "s$i.err"; fails=$((fails + 1)); continue
    fi
    grep -q '^stopped recording' "s$i.out" || { echo "record_replay: session $i: not recorded"; fails=$((fails + 1)); continue; }
    {
        echo "run r$i.plab"
        for p in W1 b1 W2 b2 W3 b3; do echo "export $p b$i.$p.csv"; done
        echo "hypers"
        echo "state W1"
    } >"r$i.in"
    "$bin" -q --batch <"r$i.in" >"r$i.out" 2>"r$i.err"
    [ -f "a$i.W1.csv" ] && compared=$((compared + 1))
    for p in W1 b1 W2 b2 W3 b3; do
        if [ -f "a$i.$p.csv" ] && ! cmp -s "a$i.$p.csv" "b$i.$p.csv"; then
            echo "record_replay: session $i (seed $((seed + i))): $p differs after the replay"
            echo "  commands:"; sed 's/^/    /' "s$i.cmds"
            echo "  replay's errors:"; sed 's/^/    /' "r$i.err" | head -5
            fails=$((fails + 1))
            break
        fi
    done
    # the hyperparameters and the optimizer's state of W1 too
    sed -n '/^hyperparameters/,$p' "s$i.out" >"s$i.tail"
    sed -n '/^hyperparameters/,$p' "r$i.out" >"r$i.tail"
    if ! cmp -s "s$i.tail" "r$i.tail"; then
        echo "record_replay: session $i (seed $((seed + i))): hypers or state differ after the replay"
        diff "s$i.tail" "r$i.tail" | head -10
        fails=$((fails + 1))
    fi
done
if [ "$fails" -gt 0 ]; then
    echo "$fails of $sessions sessions did not replay"
    exit 1
fi
# a lesson taken and left on the way keeps what was typed before it: the
# record holds the learner's own commands, and they replay to the same W1
lesson=$(cd "$OLDPWD" && pwd)/lessons/01-parameters.md
printf 'data moons\nmodel mlp 3\nstep 3\nlesson %s\nquit\nmodel mlp 8\nstep 2\nrecord l.plab\nset precision 17\nW1\n' "$lesson" |
    "$bin" >l.out 2>&1
grep -q "^step 3$" l.plab || { echo "record_replay: the commands before a lesson were lost from the record:"; cat l.plab; exit 1; }
"$bin" -q -c "run l.plab" >l2.out 2>&1
[ "$(grep '^ *[01]  ' l.out | tail -4)" = "$(grep '^ *[01]  ' l2.out | tail -4)" ] ||
    { echo "record_replay: a session with a lesson in it did not replay"; exit 1; }
# most sessions must end with a model, or the property says little
[ $((compared * 4)) -ge $((sessions * 3)) ] || { echo "record_replay: only $compared of $sessions sessions ended with a model"; exit 1; }
echo "$sessions random sessions replayed bit for bit ($compared with a model to compare)"
