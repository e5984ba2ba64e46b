#!/bin/sh
# Malformed input must be refused line by line: one line on stderr
# ("<stdin>:LINE: what is wrong and what to do"), exit 1 (0 when nothing
# failed), no crash, no hang, and no change of state. Usage: bad_input.sh BIN
#
# Each tests/bad/*.plab file holds its own session: `#setup:` lines are run
# first, `#fingerprint:` lines print the state afterwards (`@` is a scratch
# directory for `export`). The state after setup + corpus must equal the
# state after setup alone. In silent*.plab no line may fail; in the others
# every line that does not start with '#' must fail on its own.
bin=${1:-build/paramlab}
dir=$(cd "$(dirname "$0")/../.." && pwd)
cd "$dir" || exit 1
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
# a sanitizer report must not pass for an ordinary refusal (exit 1)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86:halt_on_error=1"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-bad.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
checks=0

bad() {
    echo "bad_input: $*"
    fails=$((fails + 1))
}

# run NAME TIMEOUT ARGS... < input: runs the binary, stdout and stderr to
# $tmp/NAME.out / .err, exit code to $rc; a crash or a hang is reported.
run() {
    name=$1 limit=$2
    shift 2
    timeout "$limit" "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    checks=$((checks + 1))
    if [ "$rc" -eq 124 ]; then
        bad "$name: still running after ${limit}s (a hang)"
    elif [ "$rc" -gt 2 ]; then
        bad "$name: exit code $rc (a crash or a sanitizer report)"
        head -c 2000 "$tmp/$name.err"
    fi
}

# Every stderr line must be "<stdin>:N: message", one line per error.
well_formed() {
    name=$1
    if grep -v -E '^<stdin>:[0-9]+: .' "$tmp/$name.err" >"$tmp/$name.odd"; then
        bad "$name: stderr lines not of the form '<stdin>:LINE: message':"
        head -5 "$tmp/$name.odd" | cut -c1-200
    fi
}

# The lines of one kind ("setup" or "fingerprint") in a corpus file.
header() {
    sed -n "s/^#$2: *//p" "$1" | tr ';' '\n' | sed -e 's/^ *//' -e '/^$/d' -e "s|@|$tmp/fp|g"
}

for file in tests/bad/*.plab; do
    base=$(basename "$file" .plab)
    header "$file" setup >"$tmp/setup"
    header "$file" fingerprint >"$tmp/fingerprint"
    case $base in
    silent*) grep -v -E '^#(setup|fingerprint):' "$file" >"$tmp/body" ;;
    *) grep -v '^#' "$file" >"$tmp/body" ;;
    esac
    nsetup=$(wc -l <"$tmp/setup")
    nbody=$(wc -l <"$tmp/body")

    # the state after setup alone ...
    mkdir -p "$tmp/fp" && rm -f "$tmp/fp"/*
    cat "$tmp/setup" "$tmp/fingerprint" >"$tmp/in"
    run "$base.ref" 20 --batch <"$tmp/in"
    if [ "$rc" -ne 0 ] || [ -s "$tmp/$base.ref.err" ]; then
        bad "$base: setup or fingerprint failed (exit $rc):"
        head -5 "$tmp/$base.ref.err"
        continue
    fi
    rm -rf "$tmp/fp.ref" && mv "$tmp/fp" "$tmp/fp.ref"
    run "$base.setup" 20 --batch <"$tmp/setup"
    nfp=$(($(wc -l <"$tmp/$base.ref.out") - $(wc -l <"$tmp/$base.setup.out")))

    # ... equals the state after setup and every malformed line
    mkdir -p "$tmp/fp"
    cat "$tmp/setup" "$tmp/body" "$tmp/fingerprint" >"$tmp/in"
    run "$base" 20 --batch <"$tmp/in"
    well_formed "$base"
    case $base in
    silent*)
        [ "$rc" -eq 0 ] || bad "$base: exit code $rc, expected 0"
        if [ -s "$tmp/$base.err" ]; then
            bad "$base: a line that is no command printed an error:"
            head -5 "$tmp/$base.err"
        fi
        ;;
    *)
        [ "$rc" -eq 1 ] || bad "$base: exit code $rc, expected 1"
        # exactly one error line per corpus line, in order
        i=$((nsetup + 1))
        last=$((nsetup + nbody))
        seq "$i" "$last" | sed 's/.*/<stdin>:&:/' >"$tmp/$base.want"
        sed 's/^\(<stdin>:[0-9]*:\).*/\1/' "$tmp/$base.err" >"$tmp/$base.got"
        if ! cmp -s "$tmp/$base.want" "$tmp/$base.got"; then
            bad "$base: not exactly one error line per corpus line; first difference (want / got):"
            diff "$tmp/$base.want" "$tmp/$base.got" | grep '^[<>]' | head -6 |
                while read -r side at; do
                    n=${at#<stdin>:}
                    n=${n%:}
                    [ -n "$n" ] && [ "$n" -gt "$nsetup" ] 2>/dev/null &&
                        printf '%s line %s: %s\n' "$side" "$((n - nsetup))" "$(sed -n "$((n - nsetup))p" "$tmp/body" | cut -c1-120)"
                done
        fi
        ;;
    esac
    tail -n "$nfp" "$tmp/$base.out" >"$tmp/$base.fp"
    tail -n "$nfp" "$tmp/$base.ref.out" >"$tmp/$base.ref.fp"
    if ! cmp -s "$tmp/$base.ref.fp" "$tmp/$base.fp" || ! diff -r "$tmp/fp.ref" "$tmp/fp" >/dev/null; then
        bad "$base: the malformed lines changed the session:"
        diff "$tmp/$base.ref.fp" "$tmp/$base.fp" | head -10
        diff -r "$tmp/fp.ref" "$tmp/fp" | head -4
    fi
    rm -rf "$tmp/fp"
done

# --bail stops at the first bad line: exit 1, one error, nothing after it
printf 'data line n=20\nmodel linear\nnope\ndata moons\n' >"$tmp/in"
run bail 10 --batch --bail <"$tmp/in"
[ "$rc" -eq 1 ] || bad "bail: exit code $rc, expected 1"
[ "$(cat "$tmp/bail.err")" = "<stdin>:3: $(sed 's/^<stdin>:3: //' "$tmp/bail.err")" ] &&
    [ "$(wc -l <"$tmp/bail.err")" -eq 1 ] || bad "bail: expected one error for line 3, got: $(cat "$tmp/bail.err")"
grep -q '^moons:' "$tmp/bail.out" && bad "bail: ran the line after the first error"
printf 'data line n=20\nset lr nan\nmodel linear\n' >"$tmp/bail.plab"
run bail-file 10 --bail "$tmp/bail.plab" </dev/null
[ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/bail-file.err")" -eq 1 ] &&
    grep -q "bail.plab:2: " "$tmp/bail-file.err" || bad "bail with a file: exit $rc, stderr: $(cat "$tmp/bail-file.err")"
grep -q '^model linear' "$tmp/bail-file.out" && bad "bail with a file: ran the line after the first error"
run bail-c 10 --bail -c 'data line n=20; nope; model linear' </dev/null
[ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/bail-c.err")" -eq 1 ] || bad "bail with -c: exit $rc, stderr: $(cat "$tmp/bail-c.err")"
grep -q "^-c:1:2: unknown command 'nope'" "$tmp/bail-c.err" || bad "bail with -c: the error does not name command 2: $(cat "$tmp/bail-c.err")"
grep -q '^model linear' "$tmp/bail-c.out" && bad "bail with -c: ran the command after the first error"
# without --bail, -c goes on as --batch does, naming each failing command
run goes-on-c 10 -c 'data line n=20; nope; model linear; zzz' </dev/null
[ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/goes-on-c.err")" -eq 2 ] &&
    grep -q '^-c:1:2: ' "$tmp/goes-on-c.err" && grep -q '^-c:1:4: ' "$tmp/goes-on-c.err" &&
    grep -q '^model linear' "$tmp/goes-on-c.out" || bad "-c without --bail: exit $rc, stderr: $(cat "$tmp/goes-on-c.err")"

# random bytes (a fixed file) and 5 MB lines: no crash, no hang, no change
big() { # N CHAR: N copies of CHAR
    head -c "$1" /dev/zero | tr '\0' "$2"
}
{
    echo 'data moons n=50 seed=1'
    echo 'model mlp 3'
    echo 'step 2'
} >"$tmp/setup"
printf 'hypers\nparams\nnames\nset precision 17\nexpect steps >= 0\nX\nW1\nb1\nW2\nb2\n' >"$tmp/fingerprint"
cat "$tmp/setup" "$tmp/fingerprint" >"$tmp/in"
run big.ref 20 --batch <"$tmp/in"
run big.setup 20 --batch <"$tmp/setup"
nfp=$(($(wc -l <"$tmp/big.ref.out") - $(wc -l <"$tmp/big.setup.out")))
{
    cat "$tmp/setup"
    big 5000000 a; echo
    printf 'W1 = ['; big 5000000 '1' | sed 's/1/1,/g'; echo ']'
    big 5000000 '['; echo
    big 5000000 ';'; echo
    printf 'nope'; big 5000000 ' '; echo
    printf 'W1['; big 5000000 0; echo '] = 1'
    printf 'set lr '; big 5000000 1; echo
    printf 'data moons n='; big 5000000 9; echo
    printf 'show'; big 5000000 ' ' | sed 's/ / W1/g'; echo
    big 5000000 '"'; echo
    big 5000000 '#'; echo
    big 5000000 '='; echo
    printf 'W1 = [[1,2,3],'; big 5000000 ']'; echo
    cat tests/bad/random.bin; echo
    cat "$tmp/fingerprint"
} >"$tmp/big.in"
run big 20 --batch <"$tmp/big.in"
[ "$rc" -le 1 ] || bad "5 MB lines and random bytes: exit code $rc"
well_formed big
# at most one line per input line, each short
lines=$(wc -l <"$tmp/big.in")
if [ "$(cut -d: -f2 "$tmp/big.err" | sort -u | wc -l)" -ne "$(wc -l <"$tmp/big.err")" ]; then
    bad "5 MB lines and random bytes: more than one error for a line"
fi
[ "$(wc -l <"$tmp/big.err")" -le "$lines" ] || bad "5 MB lines and random bytes: more errors than lines"
awk 'length($0) > 1000 { exit 1 }' "$tmp/big.err" || bad "5 MB lines: an error line longer than 1000 bytes"
tail -n "$nfp" "$tmp/big.out" >"$tmp/big.fp"
tail -n "$nfp" "$tmp/big.ref.out" >"$tmp/big.ref.fp"
cmp -s "$tmp/big.ref.fp" "$tmp/big.fp" || {
    bad "5 MB lines and random bytes changed the session:"
    diff "$tmp/big.ref.fp" "$tmp/big.fp" | head -10
}
# the same bytes as a script file and as -c
run big-file 20 "$tmp/big.in" </dev/null
[ "$rc" -le 1 ] || bad "5 MB lines as a file: exit code $rc"
run big-c 20 -c "$(head -c 100000 tests/bad/random.bin | tr -d '\0')" </dev/null
[ "$rc" -le 1 ] || bad "random bytes with -c: exit code $rc"

# usage errors: exit 2, one line on stderr, nothing on stdout
for args in '--nope' '--seed x' '--seed' '--seed -1' '--seed 1.5' '--seed 99999999999999999999' \
    '-c' '-x' '--batch --nope' '-c help tests/bad/fresh.plab'; do
    # shellcheck disable=SC2086
    run usage 10 $args </dev/null
    if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/usage.err")" -ne 1 ] || [ -s "$tmp/usage.out" ]; then
        bad "paramlab $args: exit $rc (expected 2), stderr: $(head -c 300 "$tmp/usage.err")"
    fi
done
# a script that cannot be read: exit 1 with one line, not silence
for f in /nonexistent/x.plab tests/bad; do
    run unreadable 10 "$f" </dev/null
    if [ "$rc" -ne 1 ] || [ "$(wc -l <"$tmp/unreadable.err")" -ne 1 ]; then
        bad "paramlab $f: exit $rc (expected 1), stderr: $(head -c 300 "$tmp/unreadable.err")"
    fi
done

rm -f /tmp/paramlab-bad-*.csv tests/data.tmp
# a line stops at its first failure, and says what it did not run: in a
# script, with --bail, and in the REPL alike (the REPL runs lines as scripts do)
checks=$((checks + 1))
out=$(printf 'foo; data moons n=10\nhypers\n' | "$bin" -q 2>&1)
echo "$out" | grep -q "^<stdin>:1: unknown command 'foo'.* (the rest of the line did not run: data moons n=10)$" ||
    { echo "bad_input: a script's failed line does not say what it skipped: $out"; fails=$((fails + 1)); }
echo "$out" | grep -q "^moons" && { echo "bad_input: the rest of a failed line ran: $out"; fails=$((fails + 1)); }
checks=$((checks + 1))
out=$("$bin" -q --bail -c "data moons n=50; modle mlp 4; model mlp 4; W1[0,0]" 2>&1)
echo "$out" | grep -q "^-c:1:2: .* (the rest of the line did not run: model mlp 4; W1\[0,0\])$" ||
    { echo "bad_input: --bail -c does not say what it skipped: $out"; fails=$((fails + 1)); }
# an error in a file run from a file carries one FILE:LINE, the innermost:
# a file that runs itself says so once, not once for each file it opened
printf 'run %s/self.plab\n' "$tmp" >"$tmp/self.plab"
run self 10 "$tmp/self.plab" </dev/null
[ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/self.err")" -eq 1 ] &&
    grep -q "^$tmp/self.plab:1: running $tmp/self.plab would put files more than 8 deep .*does a file run itself?\$" "$tmp/self.err" &&
    [ "$(grep -o 'self.plab:1:' "$tmp/self.err" | wc -l)" -eq 1 ] ||
    bad "a file that runs itself: exit $rc, stderr: $(head -c 600 "$tmp/self.err")"
printf 'run inner.plab\n' >"$tmp/outer.plab"
printf 'data line n=10\n\nnope\n' >"$tmp/inner.plab"
printf 'run %s/outer.plab\nzzz\n' "$tmp" >"$tmp/in"
run nested 10 --batch <"$tmp/in"
[ "$rc" -eq 1 ] && [ "$(sed -n 1p "$tmp/nested.err")" = "$tmp/inner.plab:3: unknown command 'nope'; \`help\` lists every command, \`names\` every name" ] &&
    grep -q "^<stdin>:2: unknown command 'zzz'" "$tmp/nested.err" ||
    bad "an error in a file run from a file: exit $rc, stderr: $(cat "$tmp/nested.err")"
# text from a CSV file in a message is cleaned: a right-to-left override
# in a cell shows as '?', not as itself
printf 'a,b,c\n1,2,0\n1,x\342\200\256y,1\n' >"$tmp/bidi.csv"
run bidi 10 -q -c "data load $tmp/bidi.csv" </dev/null
[ "$rc" -eq 1 ] && grep -q "bidi.csv:3: column 'b' (index 1) holds 'x?y', text, not a number" "$tmp/bidi.err" ||
    bad "a control character in a CSV cell: exit $rc, stderr: $(cat -v "$tmp/bidi.err")"
# a quoted cell closed on the next line: the message says the quote must
# close on its own line, which is true however the file goes on
printf 'a,b,c\n"w\nv",7,1\n' >"$tmp/span.csv"
run span 10 -q -c "data load $tmp/span.csv" </dev/null
[ "$rc" -eq 1 ] && grep -q "span.csv:2: the cell at index 0 has an opening quote but no closing one on this line; .*remove the line break" "$tmp/span.err" ||
    bad "a quoted CSV cell over two lines: exit $rc, stderr: $(cat "$tmp/span.err")"
if [ "$fails" -ne 0 ]; then
    echo "bad_input: $fails of $checks runs failed"
    exit 1
fi
n=$(for f in tests/bad/*.plab; do case $f in */silent*) ;; *) grep -v '^#' "$f" ;; esac; done | wc -l)
echo "bad_input: ok ($n malformed lines refused, $checks runs)"
