#!/bin/sh
# The file policy: a lesson or script (`run`, `lesson`, a file on the
# command line, --check) may create files only under the current folder
# and never replaces a file paramlab did not write (one that already holds
# exactly the bytes it would write is left as it is); each refusal is one
# line and the file is untouched (export, save, record, set plot, plot). People typing commands (-c, the REPL)
# keep full freedom. Hostile lessons: one that records into itself and
# runs it, one writing over existing files and through symlinks, one
# planting a .tmp link. Usage: file_policy.sh BIN
bin=${1:-build/paramlab}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-policy.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/work" "$tmp/outside"
cd "$tmp/work" || exit 1
fails=0
checks=0
bad() {
    echo "file_policy: $*"
    fails=$((fails + 1))
}
setup="data line n=10
model linear
step"

# refused_in HOW LINE: a script (HOW: run, arg, check, lesson) whose last
# line is LINE must stop there with one line naming it
refused_in() {
    how=$1 line=$2
    printf '%s\n%s\n' "$setup" "$line" >s.plab
    printf '# t\n\n```paramlab\n%s\n%s\n```\n' "$setup" "$line" >l.md
    case $how in
    run) timeout 20 "$bin" -q -c "run s.plab" >out 2>err ;;
    arg) timeout 20 "$bin" -q s.plab >out 2>err ;;
    check) timeout 20 "$bin" --check s.plab >out 2>err ;;
    lesson) timeout 20 "$bin" --check l.md >out 2>err ;;
    esac
    rc=$?
    checks=$((checks + 1))
    [ "$rc" -eq 1 ] || { bad "$how '$line': exit $rc, expected a refusal"; cat out err; return; }
    [ "$(wc -l <err)" -eq 1 ] || { bad "$how '$line': not one line:"; cat err; }
}

echo mine >mine.csv
echo far >../outside/far.csv
echo victim >../outside/victim
ln -s ../outside/victim link.csv
ln -s ../outside outlink
for how in run arg check lesson; do
    refused_in $how "export W1 mine.csv"
    refused_in $how "export W1 ../outside/new.csv"
    refused_in $how "export W1 $tmp/outside/far.csv"
    refused_in $how "export W1 outlink/new.csv"
    refused_in $how "export W1 link.csv"
    refused_in $how "record mine.csv"
    refused_in $how "record ../outside/rec.plab"
    refused_in $how "set plot svg file=mine.csv"
    refused_in $how "set plot svg file=../outside/p.svg"
    refused_in $how "save mine.csv"
    refused_in $how "save ../outside/s.plsession"
done
[ "$(cat mine.csv)" = mine ] || bad "mine.csv was replaced"
[ "$(cat ../outside/far.csv)" = far ] || bad "far.csv was replaced"
[ "$(cat ../outside/victim)" = victim ] || bad "the link's target was replaced"
[ -L link.csv ] || bad "link.csv is no longer a link"
[ "$(ls ../outside)" = "far.csv
victim" ] || bad "files appeared outside: $(ls ../outside)"

# an existing picture under the default name is not replaced either
echo old >loss.png
refused_in arg "set plot png
plot loss"
[ "$(cat loss.png)" = old ] || bad "loss.png was replaced"
rm -f loss.png

# a lesson that records into itself and runs it stops at once
printf '# t\n\n```paramlab\n%s\nrecord self.plab\nstep\nrun self.plab\n```\n' "$setup" >self.md
timeout 20 "$bin" --check self.md >out 2>err
rc=$?
checks=$((checks + 1))
[ "$rc" -eq 1 ] || bad "a lesson recording into the file it runs: exit $rc"
[ "$(wc -c <self.plab)" -lt 2000 ] || bad "self.plab grew to $(wc -c <self.plab) bytes"

# what a script creates it may write again, and new files here are fine
printf '%s\nexport W1 new.csv\nstep\nexport W1 new.csv\nexport W1 sub-new.csv\nrecord r.plab\nrecord stop\nrecord r.plab\nrecord stop\nset plot svg file=p.svg\nplot loss\nplot loss\n' "$setup" >ok.plab
for how in "run ok.plab" "--check ok.plab"; do
    rm -f new.csv sub-new.csv r.plab p.svg
    if [ "${how%% *}" = run ]; then
        timeout 20 "$bin" -q -c "$how" >out 2>err
    else
        timeout 20 "$bin" $how >out 2>err
    fi
    rc=$?
    checks=$((checks + 1))
    [ "$rc" -eq 0 ] || { bad "'$how': exit $rc"; cat err; }
    [ -s new.csv ] && [ -s r.plab ] && [ -s p.svg ] || bad "'$how': a file is missing"
done

# a file that already holds exactly what a script would write counts as its
# own (the lesson that saves and exports runs again in the same folder); one
# byte different, and it is refused and untouched
printf '%s\nexport W1 same.npy\nexport W1 same.csv\nsave same.plsave\n' "$setup" >same.plab
rm -f same.npy same.csv same.plsave
for i in 1 2; do
    timeout 20 "$bin" --check same.plab >out 2>err
    rc=$?
    checks=$((checks + 1))
    [ "$rc" -eq 0 ] || { bad "run $i of a script writing the same bytes again: exit $rc"; cat err; }
done
cp same.plsave was.plsave
printf '%s\nstep\nsave same.plsave\n' "$setup" >differ.plab
timeout 20 "$bin" --check differ.plab >out 2>err
rc=$?
checks=$((checks + 1))
[ "$rc" -eq 1 ] && grep -q "same.plsave exists and paramlab did not write it" err ||
    { bad "a save with other bytes over an existing file: exit $rc"; cat err; }
cmp -s same.plsave was.plsave || bad "same.plsave was replaced"
printf '%s\nstep\nexport W1 same.npy\n' "$setup" >differ.plab
timeout 20 "$bin" --check differ.plab >out 2>err
rc=$?
checks=$((checks + 1))
[ "$rc" -eq 1 ] || { bad "an export with other bytes over an existing file: exit $rc"; cat err; }

# a person typing keeps full freedom
timeout 20 "$bin" -q -c "data line n=10; model linear; export W1 mine.csv; export W1 ../outside/typed.csv" >out 2>err
rc=$?
checks=$((checks + 1))
[ "$rc" -eq 0 ] || { bad "typed commands were refused: exit $rc"; cat err; }
[ -s ../outside/typed.csv ] || bad "typed export outside did not write"
grep -q mine mine.csv && bad "typed export over mine.csv did not write"

if [ "$fails" -gt 0 ]; then
    echo "$fails of $checks checks failed"
    exit 1
fi
echo "$checks checks passed"
