#!/bin/sh
# Writing files when the target is hostile or broken, through the real
# binary: `export`, `record`, `set plot svg file=` + `plot` and the
# history file (PARAMLAB_HISTORY) aimed at /dev/full, a path under a
# regular file, /proc and /sys paths (which refuse writes even to root), a
# FIFO nobody reads, a symlink, a dangling symlink, a planted temporary
# name and a 0600 file. Each failure is reported at once (exit 1, no hang),
# nothing outside the named file is touched, an existing file is replaced
# whole with its mode kept. Usage: io_faults.sh BIN
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-io.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 1
fails=0
checks=0
bad() {
    echo "io_faults: $*"
    fails=$((fails + 1))
}
setup="data line n=10; model linear; step"

# writes WHAT TARGET: the command line that writes TARGET with WHAT
writes() {
    case $1 in
    export) echo "$setup; export W1 $2" ;;
    record) echo "$setup; record $2" ;;
    plot) echo "$setup; set plot svg file=$2; plot loss" ;;
    save) echo "$setup; save $2" ;;
    predict) echo "$setup; predict x1.csv out=$2" ;;
    esac
}

# refused WHAT TARGET: must fail within 10 s with one line on stderr
refused() {
    timeout 10 "$bin" -q -c "$(writes "$1" "$2")" >out 2>err
    rc=$?
    checks=$((checks + 1))
    if [ "$rc" -eq 124 ]; then
        bad "$1 $2: still running after 10s (blocked)"
    elif [ "$rc" -ne 1 ]; then
        bad "$1 $2: exit $rc, expected a refusal (1)"; cat out err
    elif [ "$(wc -l <err)" -ne 1 ]; then
        bad "$1 $2: not one line on stderr:"; cat err
    fi
}

# accepted WHAT TARGET: must succeed
accepted() {
    timeout 20 "$bin" -q -c "$(writes "$1" "$2")" >out 2>err
    rc=$?
    checks=$((checks + 1))
    [ "$rc" -eq 0 ] || { bad "$1 $2: exit $rc"; cat err; }
}

echo notes >plain
mkfifo fifo
for w in export record plot; do
    refused $w /dev/full
    refused $w plain/under
    refused $w /sys/kernel/notes
    refused $w fifo
    [ "$w" = plot ] || refused $w /proc/version
    [ "$(cat plain)" = notes ] || bad "$w: plain was changed"
done
[ -p fifo ] || bad "the FIFO was replaced"

for w in export record plot; do
    # a symlink named on purpose: the link's name gets the file (a picture is
    # refused: gnuplot would write through it), its target is untouched
    echo victim >victim
    ln -sf victim link
    if [ $w = plot ]; then refused $w link; else accepted $w link; fi
    [ "$(cat victim)" = victim ] || bad "$w link: wrote through the symlink into its target"
    rm -f link
    # a symlink to nothing: the target it names must not be created
    ln -s nowhere dangling
    "$bin" -q -c "$(writes $w dangling)" >/dev/null 2>&1
    [ -e nowhere ] && bad "$w dangling: created the file the dangling link names"
    rm -f dangling nowhere
    # a 0600 file keeps its mode and gets the whole new text
    echo old >secret
    chmod 600 secret
    accepted $w secret
    [ "$(stat -c %a secret)" = 600 ] || bad "$w secret: mode became $(stat -c %a secret)"
    grep -q old secret && bad "$w secret: the old text is still there"
    rm -f secret
done

# a planted link under the old fixed temporary name is never written through
echo victim >victim
ln -s victim W1.csv.tmp
accepted export W1.csv
[ "$(cat victim)" = victim ] || bad "export wrote through a planted W1.csv.tmp"
ls -a | grep -q '^\.W1\.csv\.' && bad "export left its temporary file"

# history: a FIFO, a device, a path under a file: one line, the REPL goes on
if command -v script >/dev/null 2>&1; then
    for h in fifo /dev/full plain/history; do
        echo 'data line n=5; model linear; state W1' |
            PARAMLAB_HISTORY=$h timeout 10 script -qec "$bin -q" /dev/null >out 2>&1
        rc=$?
        checks=$((checks + 1))
        [ "$rc" -eq 124 ] && bad "history $h: blocked"
        grep -q 'history not kept' out || { bad "history $h: no message"; cat out; }
        grep -q 'W1' out || bad "history $h: the REPL did not go on"
    done
    [ "$(cat plain)" = notes ] || bad "history: plain was changed"
fi

# a full disk says what to do about it
printf 'x1\n0.5\n' >x1.csv
for w in export record save predict; do
    refused $w /dev/full
    grep -q 'free some space or write somewhere else$' err || { bad "$w /dev/full: does not say what to do:"; cat err; }
done
# an empty file name is refused in one line that asks for one
for cmd in 'save ""' 'load ""' 'run ""' 'record ""' 'export W1 ""' 'predict x1.csv out=""'; do
    timeout 10 "$bin" -q -c "$setup; $cmd" >out 2>err
    rc=$?
    checks=$((checks + 1))
    [ "$rc" -eq 1 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q 'file name' err ||
        { bad "$cmd: exit $rc, stderr:"; cat err; }
done

if [ "$fails" -gt 0 ]; then
    echo "$fails of $checks checks failed"
    exit 1
fi
echo "$checks checks passed"
