#!/bin/sh
# Lessons through the real binary. Every lessons/*.md passes --check (one
# "ok FILE (N blocks, M expectations)" line each), run in an empty folder of
# its own (a lesson may write files there: lesson 15 saves and exports); a lesson with one
# expectation broken fails with exit 1 and FILE:LINE of that expectation;
# every malformed lesson in tests/bad/lessons/ (its first line says
# `<!-- refused: LINE message -->`) is refused with FILE:LINE: message
# before any of its commands ran; a lesson runs straight through without a
# terminal; `record` writes a script that `run` replays to the same state.
# Usage: lessons.sh BIN
bin=${1:-build/paramlab}
dir=$(cd "$(dirname "$0")/../.." && pwd)
cd "$dir" || exit 1
case $bin in /*) ;; *) bin=$dir/$bin ;; esac
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86:halt_on_error=1"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-lessons.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

bad() {
    echo "lessons: $*"
    fails=$((fails + 1))
}

# run NAME ARGS... < input: stdout/stderr to $tmp/NAME.out/.err, exit code to $rc
run() {
    name=$1
    shift
    timeout 120 "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    [ "$rc" -eq 124 ] && bad "$name: still running after 120 s (a hang)"
    [ "$rc" -gt 2 ] && [ "$rc" -ne 124 ] && bad "$name: exit code $rc (a crash or a sanitizer report)" &&
        head -c 2000 "$tmp/$name.err"
}

# ---- every lesson passes --check ----
n=0
for f in lessons/*.md; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    mkdir "$tmp/cwd$n" && cd "$tmp/cwd$n" || exit 1
    run check </dev/null --check "$dir/$f"
    cd "$dir" || exit 1
    if [ "$rc" -ne 0 ] || [ "$(cat "$tmp/check.out")" != "ok $dir/$f ($(sed -n 's/^ok [^ ]* (//p' "$tmp/check.out")" ]; then
        bad "--check $f: exit $rc"
        head -5 "$tmp/check.err" "$tmp/check.out"
    fi
done
echo "lessons: $n lesson(s) checked"

# ---- a lesson to break: the first real one, else a small one of our own ----
mkdir -p "$tmp/copy"
src=$(ls lessons/*.md 2>/dev/null | head -1)
if [ -z "$src" ]; then
    src=$tmp/own.md
    printf '# Own\n\nProse.\n\n```paramlab\ndata line n=20 seed=1\nmodel linear\nexpect params == 2\nstep 2\nexpect steps == 2\n```\n' >"$src"
fi
ln -s "$dir/lessons/data" "$tmp/copy/data" 2>/dev/null
lname=$(basename "$src")
line=$(grep -n '^ *expect ' "$src" | head -1 | cut -d: -f1)
if [ -z "$line" ]; then
    bad "$src has no expect to break"
else
    # the same lesson, with that expectation made impossible
    awk -v n="$line" 'NR == n { sub(/expect .*/, "expect steps == 123456789") } { print }' "$src" >"$tmp/copy/$lname"
    run broken </dev/null --check "$tmp/copy/$lname"
    [ "$rc" -eq 1 ] || bad "a broken expectation: exit $rc, expected 1"
    grep -q "^$tmp/copy/$lname:$line: expectation failed: steps is [0-9]*, expected == 123456789\$" "$tmp/broken.err" ||
        bad "a broken expectation: expected $tmp/copy/$lname:$line: ..., got: $(cat "$tmp/broken.err")"
    [ "$(wc -l <"$tmp/broken.err")" -eq 1 ] || bad "a broken expectation: more than one line on stderr"
    [ -s "$tmp/broken.out" ] && bad "a broken expectation: printed ok: $(cat "$tmp/broken.out")"
    # --check goes on to the other files, and fails when one failed
    run broken2 </dev/null --check "$tmp/copy/$lname" "$src"
    [ "$rc" -eq 1 ] && grep -q "^ok $src " "$tmp/broken2.out" && grep -q '^1 of 2 files failed$' "$tmp/broken2.err" ||
        bad "--check with a failing file first: exit $rc, $(cat "$tmp/broken2.out" "$tmp/broken2.err")"
fi

# ---- malformed lessons: refused with FILE:LINE before anything runs ----
m=0
for f in tests/bad/lessons/*.md; do
    [ -f "$f" ] || continue
    m=$((m + 1))
    want_line=$(sed -n '1s/^<!-- refused: \([0-9]*\) .*/\1/p' "$f")
    want_msg=$(sed -n '1s/^<!-- refused: [0-9]* \(.*\) -->$/\1/p' "$f")
    [ -n "$want_line" ] || { bad "$f: no '<!-- refused: LINE message -->' first line"; continue; }
    for mode in --check straight; do
        if [ "$mode" = --check ]; then run bad </dev/null --check "$f"; else run bad </dev/null "$f"; fi
        [ "$rc" -eq 1 ] || bad "$f ($mode): exit $rc, expected 1"
        case $(cat "$tmp/bad.err") in
        "$f:$want_line: $want_msg"*) ;;
        *) bad "$f ($mode): expected '$f:$want_line: $want_msg...', got: $(cat "$tmp/bad.err")" ;;
        esac
        [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] || bad "$f ($mode): more than one line on stderr"
        # nothing ran and nothing was shown: no prose, no command, no output
        [ -s "$tmp/bad.out" ] && bad "$f ($mode): printed before refusing: $(head -3 "$tmp/bad.out")"
    done
done
[ "$m" -gt 0 ] || bad "no malformed lessons in tests/bad/lessons"

# ---- a lesson without a terminal runs straight through, prose and all ----
cat >"$tmp/walk.md" <<'EOF'
# Walk **through**

Some *prose* before the commands.

```paramlab
data line n=30 seed=2
model linear
pause
ask "How many parameters?" 2
step 3
expect steps == 3
```

The end.
EOF
run walk </dev/null "$tmp/walk.md"
[ "$rc" -eq 0 ] || bad "straight through: exit $rc: $(cat "$tmp/walk.err")"
for want in 'Walk through' '============' 'Some prose before the commands.' '  > data line n=30 seed=2' \
    '? How many parameters?' 'answer: 2' 'ok: steps = 3 == 3' 'The end.'; do
    grep -qxF -- "$want" "$tmp/walk.out" || bad "straight through: no line '$want' in the output"
done
grep -q '\*\*' "$tmp/walk.out" && bad "straight through: raw ** in the output"
grep -q "$(printf '\033')" "$tmp/walk.out" && bad "straight through: colour with NO_COLOR set"

# ---- --check of scripts, and usage ----
printf 'data line n=20 seed=1\nmodel linear\n\n# a comment\nstep 2; expect steps == 2\n' >"$tmp/s.plab"
run script </dev/null --check "$tmp/s.plab"
[ "$rc" -eq 0 ] && grep -qx "ok $tmp/s.plab (3 commands, 1 expectation)" "$tmp/script.out" ||
    bad "--check of a script: exit $rc, out: $(cat "$tmp/script.out") err: $(cat "$tmp/script.err")"
printf 'data line\nmodel nope\nstep\n' >"$tmp/s2.plab"
run script2 </dev/null --check "$tmp/s2.plab"
[ "$rc" -eq 1 ] && grep -q "^$tmp/s2.plab:2: no model kind 'nope'" "$tmp/script2.err" ||
    bad "--check of a failing script: exit $rc, err: $(cat "$tmp/script2.err")"
run usage </dev/null --check
[ "$rc" -eq 2 ] && [ ! -s "$tmp/usage.out" ] || bad "--check without files: exit $rc, expected 2"
run missing </dev/null --check "$tmp/none.md"
[ "$rc" -eq 1 ] && grep -q "^$tmp/none.md:1: cannot open" "$tmp/missing.err" || bad "--check of a missing file: exit $rc"

# ---- record, then run in a fresh session: the same numbers ----
fp='set precision 17; W1; b1; state W1; expect steps >= 0; hypers'
cat >"$tmp/typed" <<EOF
data moons n=80 seed=4; set batch 16; model mlp 6 act=tanh
set optimizer adam lr=0.03
record $tmp/rec.plab
step 4
W1[0,0] = 0.25
nope
train 2
undo 1
record stop
$fp
EOF
run typed --batch <"$tmp/typed"
grep -q 'stopped recording: 8 commands in' "$tmp/typed.out" || bad "record: $(grep -i record "$tmp/typed.out")"
run replay -c "run $tmp/rec.plab; $fp" </dev/null
[ "$rc" -eq 0 ] || bad "replay: exit $rc: $(cat "$tmp/replay.err")"
sed -n '/^W1  (2/,$p' "$tmp/typed.out" >"$tmp/typed.fp"
sed -n '/^W1  (2/,$p' "$tmp/replay.out" >"$tmp/replay.fp"
if [ ! -s "$tmp/typed.fp" ] || ! cmp -s "$tmp/typed.fp" "$tmp/replay.fp"; then
    bad "the replayed session differs from the recorded one:"
    diff "$tmp/typed.fp" "$tmp/replay.fp" | head -10
fi

if [ "$fails" -ne 0 ]; then
    echo "lessons: $fails problem(s)"
    exit 1
fi
echo "lessons: ok ($n lessons checked, $m malformed lessons refused)"
