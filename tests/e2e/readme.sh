#!/bin/sh
# readme.sh — the README's transcripts are the program's own output, so the
# two cannot drift. Every indented block of README.md holding a prompt line
# ("    paramlab ...> COMMAND") is a transcript: each prompt line's command
# runs, and the lines after it, up to the next prompt, are its output. A
# command followed straight by another prompt (or the block's end) shows no
# output: it only has to run. In expected output a line "..." stands for
# any number of lines and "..." inside a line for any text; timings
# ("in 0.0004 s (52000 steps/s)") are ignored. The transcripts are one
# session, read top to bottom as a reader would type them, run through `run`
# (which echoes each command, so the output splits at the echoes). Prompts
# themselves are not checked. Without gnuplot (the plots' transcript) the
# transcripts are skipped. The lesson table must link every lesson file
# (| N | [title](lessons/FILE) ...) and the intro count them in words.
bin=${1:-build/paramlab}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
readme=${2:-README.md}
lessons=$(pwd)/lessons
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0

# section files: N.cmds (one command a line) and N.exp ("@@ K" then the lines)
awk -v dir="$dir" '
function flush_block() { inblock = 0 }
/^## / { sec = substr($0, 4); flush_block(); next }
/^    / {
    line = substr($0, 5)
    if (!inblock) { inblock = 1; transcript = (line ~ /^paramlab[^>]*> /) }
    if (!transcript) next
    if (line ~ /^paramlab[^>]*> /) {
        cmd = line; sub(/^paramlab[^>]*> /, "", cmd)
        k++
        print cmd > (dir "/all.cmds")
        print "@@ " k > (dir "/all.exp")
        print sec > (dir "/all.secs")
        next
    }
    print line > (dir "/all.exp")
    next
}
/^$/ { next }
{ flush_block() }
' "$readme"

# normalizes timings in a stream
untime() { sed -E -e 's/ in [0-9][0-9.e+-]* s \([^)]*\)/ in TIME/' -e 's/[[:space:]]+$//'; }

[ -e "$dir/all.cmds" ] || { echo "readme: no transcripts found in $readme"; exit 1; }

# the lesson table links every lesson file, and the intro counts them in words
n=0
for f in "$lessons"/[0-9]*.md; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    b=$(basename "$f")
    num=$(echo "${b%%-*}" | sed 's/^0*//')
    grep -q "^| $num | \[.*\](lessons/$b)" "$readme" ||
        { echo "readme: the lesson table has no row | $num | [...](lessons/$b)"; fail=1; }
done
rows=$(grep -c '^| [0-9]* | \[.*\](lessons/' "$readme")
[ "$rows" -eq "$n" ] || { echo "readme: the lesson table has $rows rows for $n lessons"; fail=1; }
word=$(echo "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen \
seventeen eighteen nineteen twenty" | tr ' ' '\n' | sed -n "$((n + 1))p")
grep -qi "\b$word lessons\b" "$readme" || { echo "readme: the intro does not say \"$word lessons\" ($n lesson files)"; fail=1; }
# a `--check` line the README shows is what --check prints for that lesson,
# and a lesson prompt it quotes counts that lesson's blocks
grep -o 'ok lessons/[^ ]*\.md ([0-9]* blocks, [0-9]* expectations)' "$readme" | while read -r _ f rest; do
    got=$(cd "$(dirname "$lessons")" && "$bin" --check "$f" 2>&1 | tail -n 1)
    [ "$got" = "ok $f $rest" ] || { echo "readme: shows 'ok $f $rest', --check prints '$got'"; exit 1; }
done || fail=1
grep -o '\[lesson [0-9]* · [0-9]*/[0-9]*\]' "$readme" | while read -r _ num _ pos; do
    total=${pos#*/}; total=${total%]}
    f=$(ls "$lessons"/$(printf '%02d' "$num")-*.md 2>/dev/null | head -n 1)
    got=$(cd "$(dirname "$lessons")" && "$bin" --check "lessons/$(basename "$f")" 2>&1 | sed -n 's/.*(\([0-9]*\) blocks.*/\1/p')
    [ "$got" = "$total" ] || { echo "readme: the prompt [lesson $num · $pos] counts $total blocks; the lesson has $got"; exit 1; }
done || fail=1
[ "$fail" -eq 0 ] || exit 1
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "readme: skipped: the transcripts draw with gnuplot, which is missing"
    exit 0
fi
for cmds in "$dir/all.cmds"; do
    n=${cmds%.cmds}
    sec=README.md
    cp "$cmds" "$n.plab"
    (cd "$dir" && HOME="$dir" PARAMLAB_LESSONS="$lessons" PARAMLAB_HISTORY="$dir/h" PARAMLAB_RUNS="$dir/runs" NO_COLOR=1 COLUMNS=80 LINES=24 \
        "$bin" -q -c "run $n.plab") >"$n.raw" 2>"$n.err" || {
        echo "readme: a transcript's command failed:"
        sed 's/^/    /' "$n.err" | head -5
        fail=1
        continue
    }
    # split the output at the echoes of the commands: "@@ K" before each
    awk -v cmds="$cmds" '
        BEGIN { while ((getline c < cmds) > 0) echo[++n] = "  > " c; k = 0 }
        k < n && $0 == echo[k + 1] { k++; print "@@ " k; next }
        /^ran .*: [0-9]+ commands?/ && k == n { next }
        k > 0 { print }
    ' "$n.raw" | untime >"$n.got"
    untime <"$n.exp" >"$n.want"
    # compare command by command
    awk -v gotf="$n.got" -v secs="$n.secs" -v cmds="$cmds" '
        function re(s,   r) {
            r = s
            gsub(/[][\\^$.|?*+(){}]/, "\\\\&", r)
            gsub(/\\\.\\\.\\\./, ".*", r)
            return "^" r "$"
        }
        function m(e, a,   j) {
            if (e > ne) return a > na
            if (ex[e] == "...") { for (j = a; j <= na + 1; j++) if (m(e + 1, j)) return 1; return 0 }
            if (a <= na && act[a] ~ rx[e]) return m(e + 1, a + 1)
            return 0
        }
        BEGIN {
            while ((getline c < cmds) > 0) cmd[++nc] = c
            while ((getline c < secs) > 0) sec[++ns] = c
            while ((getline l < gotf) > 0) {
                if (l ~ /^@@ [0-9]+$/) { k = substr(l, 4) + 0; continue }
                got[k, ++ng[k]] = l
            }
        }
        /^@@ [0-9]+$/ { k = substr($0, 4) + 0; next }
        { want[k, ++nw[k]] = $0 }
        END {
            bad = 0
            for (k = 1; k <= nc; k++) {
                if (nw[k] == 0) continue
                ne = nw[k]; na = ng[k]
                for (i = 1; i <= ne; i++) { ex[i] = want[k, i]; rx[i] = re(ex[i]) }
                for (i = 1; i <= na; i++) act[i] = got[k, i]
                if (!m(1, 1)) {
                    bad = 1
                    printf "readme: section \"%s\", command `%s`: the README shows\n", sec[k], cmd[k]
                    for (i = 1; i <= ne; i++) printf "    | %s\n", ex[i]
                    printf "  but the program prints\n"
                    for (i = 1; i <= na && i <= 40; i++) printf "    | %s\n", act[i]
                }
            }
            exit bad
        }
    ' "$n.want" || fail=1
done
[ "$fail" -eq 0 ] && echo "readme: ok (every README transcript is the program's output)"
exit "$fail"
