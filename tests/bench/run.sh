#!/bin/sh
# `make bench`: paramlab against the machine's dgemm bound, scikit-learn and
# PyTorch (float64 and float32), in one run on this machine (dense networks
# and a small cnn on the digits), and one table of
# milliseconds per training step and ratios. $1 is the build folder (with
# paramlab and bench/dgemm_bound built). A comparator that is missing is
# skipped and said so. Timings cover the training steps only: data is made
# before any clock starts.
#
# paramlab runs as a user runs it, the binary with a script; its `train`
# and `step` report the time of the steps alone ("N steps in T s").
build=${1:-build}
pl="$build/paramlab"
bound="$build/bench/dgemm_bound"
py=/usr/bin/python3
here=$(dirname "$0")
export NO_COLOR=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-bench.XXXXXX") || exit 1
export PARAMLAB_RUNS="$tmp/runs" # the runs of the bench do not go into the run log at home
trap 'rm -rf "$tmp"' EXIT INT TERM

say() { printf '%s\n' "$*" >&2; }

# Comparators: Debian's python3-numpy, python3-sklearn and python3-torch.
have_torch=0 have_sk=0
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for p in python3-numpy python3-sklearn python3-torch; do installed "$p" || missing="$missing $p"; done
    if [ -n "$missing" ]; then
        say "bench: installing missing Debian packages:$missing"
        if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2 ||
            say "bench: could not install$missing"
    fi
fi
# (e) draws a live window on a virtual display: Debian's xvfb and a gnuplot
# with a window terminal (gnuplot-x11; gnuplot-qt does as well).
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    installed xvfb || missing="$missing xvfb"
    installed gnuplot-x11 || installed gnuplot-qt || missing="$missing gnuplot-x11"
    if [ -n "$missing" ]; then
        say "bench: installing missing Debian packages for the live-window case (e):$missing"
        if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2 ||
            say "bench: could not install$missing"
    fi
fi
[ -x "$py" ] && "$py" -c 'import torch' 2>/dev/null && have_torch=1
[ -x "$py" ] && "$py" -c 'import sklearn' 2>/dev/null && have_sk=1
[ "$have_torch" = 1 ] || say "bench: skipping PyTorch: $py cannot import torch (Debian python3-torch)"
[ "$have_sk" = 1 ] || say "bench: skipping scikit-learn: $py cannot import sklearn (Debian python3-sklearn)"

# plms SCRIPT: ms per step of the last "N steps in T s" paramlab prints.
plms() {
    "$pl" -q -c "$1" >"$tmp/out" 2>&1 || { sed 's/^/    /' "$tmp/out" >&2; echo "-"; return; }
    sed -n 's/.* \([0-9][0-9]*\) steps in \([0-9.e+-]*\) s.*/\1 \2/p' "$tmp/out" | tail -n 1 |
        awk '{ printf "%.4g\n", 1000 * $2 / $1 }'
}
# pyms ARGS...: ms per step of one comparator run, or "-".
pyms() {
    case $1 in
    torch) [ "$have_torch" = 1 ] || { echo "-"; return; } ;;
    sklearn) [ "$have_sk" = 1 ] || { echo "-"; return; } ;;
    esac
    "$py" "$here/compare.py" "$@" 2>"$tmp/err" | awk '{ printf "%.4g\n", $1 }' | grep . ||
        { sed 's/^/    /' "$tmp/err" >&2; echo "-"; }
}
# ratio A B: A / B to two decimals, "-" when either is missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'; }

# min A B: the smaller, "-" only when both are missing.
min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-") print b; else if (b == "-" || a + 0 < b + 0) print a; else print b }'; }

# Every comparator of a workload runs once per round, in turn, and keeps
# its fastest round: the machine may be shared, and a burst of someone
# else's work then hurts one round, not the comparison. BENCH_ROUNDS sets
# the rounds (2).
rounds=${BENCH_ROUNDS:-2}
sgd="data standardize; set batch 128; set optimizer sgd lr=0.01 momentum=0.9; set shuffle off"
a_fl=- b_fl=- a_pl=- a_nu=- a_bd=- a_sk=- a_t64=- a_t32=- b_pl=- b_bd=- b_sk=- b_t64=- b_t32=- c_pl=- c_bd=- c_t64=- c_t32=-
f_pl=- f_t64=- f_t32=-
r=1
while [ "$r" -le "$rounds" ]; do
    say "bench: round $r of $rounds: (a) 784-256-10 ..."
    a_pl=$(min "$a_pl" "$(plms "data blobs n=60000 features=784 classes=10; model mlp 256; $sgd; train 1")")
    # the same with no undo history: what its snapshot costs per step
    a_nu=$(min "$a_nu" "$(plms "set undo off; data blobs n=60000 features=784 classes=10; model mlp 256; $sgd; train 1")")
    "$bound" 128 200 60000 784 256 10 >"$tmp/bd"
    a_bd=$(min "$a_bd" "$(awk '{ printf "%.4g\n", $1 }' "$tmp/bd")")
    a_fl=$(min "$a_fl" "$(awk '{ printf "%.4g\n", $3 }' "$tmp/bd")")
    a_sk=$(min "$a_sk" "$(pyms sklearn float64 784,256,10 relu sgd 128 60000 1)")
    a_t64=$(min "$a_t64" "$(pyms torch float64 784,256,10 relu sgd 128 60000 1)")
    a_t32=$(min "$a_t32" "$(pyms torch float32 784,256,10 relu sgd 128 60000 1)")

    say "bench: round $r of $rounds: (b) 784-512-512-512-10 ..."
    b_pl=$(min "$b_pl" "$(plms "data blobs n=25600 features=784 classes=10; model mlp 512 512 512; $sgd; train 1")")
    "$bound" 128 50 25600 784 512 512 512 10 >"$tmp/bd"
    b_bd=$(min "$b_bd" "$(awk '{ printf "%.4g\n", $1 }' "$tmp/bd")")
    b_fl=$(min "$b_fl" "$(awk '{ printf "%.4g\n", $3 }' "$tmp/bd")")
    b_sk=$(min "$b_sk" "$(pyms sklearn float64 784,512,512,512,10 relu sgd 128 25600 1)")
    b_t64=$(min "$b_t64" "$(pyms torch float64 784,512,512,512,10 relu sgd 128 25600 1)")
    b_t32=$(min "$b_t32" "$(pyms torch float32 784,512,512,512,10 relu sgd 128 25600 1)")

    say "bench: round $r of $rounds: (c) 2-8-8-1 tanh adam ..."
    c_pl=$(min "$c_pl" "$(plms "data moons n=3200; model mlp 8 8 act=tanh; set batch 32; set optimizer adam; train 200")")
    c_bd=$(min "$c_bd" "$("$bound" 32 20000 3200 2 8 8 1 | awk '{ printf "%.4g\n", $1 }')")
    c_t64=$(min "$c_t64" "$(pyms torch float64 2,8,8,1 tanh adam 32 3200 20)")
    c_t32=$(min "$c_t32" "$(pyms torch float32 2,8,8,1 tanh adam 32 3200 20)")

    say "bench: round $r of $rounds: (f) cnn on the digits ..."
    # Conv2d(1,8,3) ReLU MaxPool2d(2) Flatten Linear(72,32) ReLU Linear(32,10) on 1797 8×8 images
    f_pl=$(min "$f_pl" "$(plms "data digits; model cnn conv=8:3 pool=2 hidden=32; set batch 64; set optimizer adam; set shuffle off; train 20")")
    f_t64=$(min "$f_t64" "$(pyms torch float64 cnn relu adam 64 1797 20)")
    f_t32=$(min "$f_t32" "$(pyms torch float32 cnn relu adam 64 1797 20)")
    r=$((r + 1))
done

say "bench: memory of (a) ..."
# Peak resident memory of one run of (a) (GNU time's %M, in KiB) against
# what it has to hold: the data (60000 rows of 784 features and a label),
# the model's parameters and gradients and its evaluation copy's, the sgd
# momentum buffer, the activations of a batch and of an evaluation block,
# and the undo history in use after 469 updates: its copies of parameters
# and momentum (within 256 MiB, a run copies one update in 32, its first
# and each epoch's last; see session.c's hist_alloc).
a_mem=- a_acc=-
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$tmp/mem" "$pl" -q -c "data blobs n=60000 features=784 classes=10; model mlp 256; $sgd; train 1" \
        >/dev/null 2>&1 && a_mem=$(awk '{ printf "%.0f\n", $1 / 1024 }' "$tmp/mem")
    a_acc=$(awk 'BEGIN {
        n = 60000; d = 784; P = 784 * 256 + 256 + 256 * 10 + 10; units = 784 + 256 + 10
        data = 8 * n * (d + 1)
        model = 8 * P * 5 + 8 * 4 * units * (128 + 256)
        snap = 8 * P * 2; copies = int(256 * 1048576 / (snap + 512)); if (copies > 1000) copies = 1000
        every = copies < 1000 ? 32 : 1
        used = 1 + int(468 / every) + (468 % every ? 1 : 0); if (used > copies) used = copies
        printf "%.0f\n", (data + model + used * snap) / 1048576 }')
else
    say "bench: skipping the memory row: no /usr/bin/time (Debian package time)"
fi

say "bench: (d) plot surface on 20000 rows ..."
# the surface's time: the same script with and without `plot surface`
surf_setup="data moons n=20000; model mlp 16 16; step 20"
t0=$(date +%s.%N); "$pl" -q -c "$surf_setup" >/dev/null 2>&1; t1=$(date +%s.%N)
"$pl" -q -c "$surf_setup; set plot terminal; plot surface W1[0,0] W1[1,0]" >"$tmp/surf" 2>&1; t2=$(date +%s.%N)
d_ms=$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.1f\n", 1000 * ((c - b) - (b - a)) }')

say "bench: (e) train with plot loss on the terminal ..."
# Only a window is redrawn during training; a terminal (or file) gets its
# picture when `plot loss` is given and when the run ends, so on a terminal
# the plot costs a fixed time per command, nothing per step. Measured as the
# whole run's extra wall time (the smallest of three runs each, alternating).
live="data moons n=2000; model mlp 16 16; set batch 16"
wall() { s0=$(date +%s.%N); "$pl" -q -c "$1" >"$tmp/out" 2>&1; s1=$(date +%s.%N); awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }'; }
e_off=$(plms "$live; train 400")
w_off=9999 w_on=9999
for i in 1 2 3; do
    w=$(wall "$live; train 400")
    w_off=$(awk -v a="$w" -v b="$w_off" 'BEGIN { print (a < b ? a : b) }')
    w=$(wall "$live; set plot terminal; plot loss; train 400")
    grep -q "steps in" "$tmp/out" || { sed 's/^/    /' "$tmp/out" >&2; w="-"; }
    [ "$w" = "-" ] && { w_on="-"; break; }
    w_on=$(awk -v a="$w" -v b="$w_on" 'BEGIN { print (a < b ? a : b) }')
done
e_ms=$(awk -v on="$w_on" -v off="$w_off" 'BEGIN { if (on == "-") print "-"; else printf "%.0f\n", 1000 * (on - off) }')
e_pct=$(awk -v x="$e_ms" -v ms="$e_off" 'BEGIN {
    if (x == "-" || ms == "-") print "-"; else printf "%+.1f%%\n", 100 * x / (ms * 50000) }') # 125 steps x 400 epochs

say "bench: (e) train with plot loss in a window (Xvfb) ..."
# The same training with no plot and with `plot loss` live in a window on
# a virtual display, alternating, three runs each: the median of the time
# `train` reports for its steps (live frames are drawn between steps) and
# of the whole run's wall time (which also holds starting gnuplot and the
# whole picture at the end, once per command).
med3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
win_steps=- win_wall=- off_steps=- off_wall=- win_note="no Xvfb or no gnuplot window terminal"
xpid=""
if command -v Xvfb >/dev/null 2>&1 && gnuplot -e 'set term' 2>&1 | grep -Eq '^ *(qt|wxt|x11) '; then
    n=91
    while [ -e "/tmp/.X$n-lock" ] && [ "$n" -lt 120 ]; do n=$((n + 1)); done
    Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    xpid=$!
    trap 'kill "$xpid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
    sleep 1
    long="data moons n=2000; model mlp 16 16; set batch 16"
    wallx() { # DISPLAY SCRIPT: wall() with that display
        s0=$(date +%s.%N); DISPLAY="$1" "$pl" -q -c "$2" >"$tmp/out" 2>&1; s1=$(date +%s.%N)
        awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }'
    }
    steps_of() { sed -n 's/.* \([0-9][0-9]*\) steps in \([0-9.e+-]*\) s.*/\2/p' "$tmp/out" | tail -n 1; }
    so="" wo="" sw="" ww=""
    for i in 1 2 3; do
        w=$(wall "$long; train 3000"); so="$so $(steps_of)"; wo="$wo $w"
        w=$(wallx ":$n" "$long; set plot window; plot loss; train 3000")
        grep -q "window" "$tmp/out" || { sed 's/^/    /' "$tmp/out" >&2; break; }
        sw="$sw $(steps_of)"; ww="$ww $w"
    done
    if [ -n "$ww" ]; then
        off_steps=$(med3 $so) win_steps=$(med3 $sw)
        off_wall=$(awk -v x="$(med3 $wo)" 'BEGIN { printf "%.2f\n", x }') win_wall=$(awk -v x="$(med3 $ww)" 'BEGIN { printf "%.2f\n", x }')
        win_note=""
    fi
    kill "$xpid" 2>/dev/null
fi
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%+.1f%%\n", 100 * (a - b) / b }'; }

row() { # NAME PL BOUND SK T64 T32
    printf '%-34s %9s %9s %9s %9s %9s | %7s %7s %7s %7s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
        "$(ratio "$2" "$3")" "$(ratio "$4" "$2")" "$(ratio "$5" "$2")" "$(ratio "$6" "$2")"
}
ncpu=$(nproc 2>/dev/null || echo "?")
blas=$(dpkg-query -W -f='${Version}' libopenblas0 2>/dev/null || echo "?")
vers=$("$py" -c '
try:
    import torch; t = torch.__version__
except ImportError: t = "-"
try:
    import sklearn; k = sklearn.__version__
except ImportError: k = "-"
print("torch %s, scikit-learn %s" % (t, k))' 2>/dev/null || echo "no Python")
echo
echo "paramlab bench: ms per training step, the fastest of $rounds rounds, $ncpu cores ($(date -u +%Y-%m-%d)); OpenBLAS $blas, $vers"
printf '%-34s %9s %9s %9s %9s %9s | %7s %7s %7s %7s\n' "workload" "paramlab" "dgemm" "sklearn" "torch64" "torch32" \
    "xbound" "sk/pl" "t64/pl" "t32/pl"
row "(a) 784-256-10 relu sgd b128" "$a_pl" "$a_bd" "$a_sk" "$a_t64" "$a_t32"
row "(a) the same, set undo off" "$a_nu" "$a_bd" "$a_sk" "$a_t64" "$a_t32"
row "(b) 784-512x3-10 relu sgd b128" "$b_pl" "$b_bd" "$b_sk" "$b_t64" "$b_t32"
row "(c) 2-8-8-1 tanh adam b32" "$c_pl" "$c_bd" "-" "$c_t64" "$c_t32"
row "(f) digits cnn 8:3 pool h32 adam b64" "$f_pl" "-" "-" "$f_t64" "$f_t32"
printf '%-34s %9s ms: the products and one sgd-momentum pass over the weights; paramlab %sx it (undo off: %sx)\n' \
    "(a) floor: dgemm + update pass" "$a_fl" "$(ratio "$a_pl" "$a_fl")" "$(ratio "$a_nu" "$a_fl")"
printf '%-34s %9s ms: the same for (b); paramlab %sx it\n' "(b) floor: dgemm + update pass" "$b_fl" "$(ratio "$b_pl" "$b_fl")"
printf '%-34s %9s ms for the whole surface (15x15 grid, points batched: one product per layer for a block of points)\n' "(d) plot surface, 20000 rows" "$d_ms"
printf '%-34s %9s ms/step; plot loss on the terminal adds %s ms per run (%s of 50000 steps), 0 per step\n' \
    "(e) train 2-16-16-1, plot loss" "$e_off" "$e_ms" "$e_pct"
if [ -n "$win_note" ]; then
    printf '%-34s live window not measured: %s\n' "(e) train 2-16-16-1, window" "$win_note"
else
    printf '%-34s %9s s for 375000 steps without a plot, %s s with plot loss live in a window: steps %s; whole run %s s vs %s s (%s)\n' \
        "(e) train 2-16-16-1, window" "$off_steps" "$win_steps" "$(pct "$win_steps" "$off_steps")" \
        "$win_wall" "$off_wall" "$(pct "$win_wall" "$off_wall")"
fi
printf '%-34s %9s MB peak resident; data + model + optimizer state + undo in use: %s MB (%s)\n' \
    "memory of (a)" "$a_mem" "$a_acc" "$(ratio "$a_mem" "$a_acc")x"
echo "xbound = paramlab / dgemm bound (target <= 1.25 for a, b); sk/pl, t64/pl, t32/pl = how many times"
echo "faster paramlab is (targets: a, b sk/pl >= 1.5, t64/pl >= 4; c t64/pl >= 50; f t64/pl >= 4; e <= +5%;"
echo "memory <= 1.2x). (f): the digits as 1x8x8 images, conv=8:3 pool=2 hidden=32, float64 (torch: the same"
echo "layers, float64 and float32)."
