#!/bin/sh
# Every number a lesson's prose quotes is pinned by an `expect` of the same
# lesson. The prose is the text outside the ```paramlab blocks, without its
# headings, the "About N minutes" line, inline `code` (commands the learner
# types) and references to other lessons ("lesson 15"). Each number left is
# found among the values of the lesson's `expect` lines, to its quoted digits:
# 0.4988 is pinned by `expect val_loss ~ 0.498842 tol=1e-6` (it rounds to the
# quoted digits, and the tolerance is no coarser than the last quoted digit);
# 85% by an accuracy of 0.85 within 0.005; 10⁻⁸ (an order of magnitude) by a
# value within a factor of about 3 of it; a bound such as `expect val_loss <
# 0.45` pins "below 0.45". Not counted as quotes: a number the lesson's
# commands or inline code type (lr=0.1 quoted as 0.1, split 0.2 as 20%), a
# term of arithmetic written out (784·512 + 512 = 401,920), a part of a name
# (W1, β2), a list item's number and a citation's year. Any other number that
# is not program output (arithmetic, a constant of the program, a fact about
# the world) is on the allow-list below, one line each: LESSON NUMBER REASON;
# an entry no longer needed fails too. The check knows numbers, not meaning:
# a quote equal to an unrelated expect's value passes.
# Usage: lesson_numbers.sh [BIN] (BIN is unused: the check reads text only)
dir=$(cd "$(dirname "$0")/../.." && pwd)
cd "$dir" || exit 1
allow=$(mktemp "${TMPDIR:-/tmp}/paramlab-numbers.XXXXXX") || exit 1
trap 'rm -f "$allow"' EXIT INT TERM

cat >"$allow" <<'EOF'
01 2.98 arithmetic the ask asks for: 1.97·1 + 1.01 of the pinned W1 and b1
01 2.003 the least-squares line of these 100 points, worked out by hand (numpy.polyfit), not printed
01 1.001 the same least-squares line's intercept
01 25 arithmetic: five times the noise, squared
02 0.13 arithmetic: −1.30978 − (−1.44154) of two pinned values of W1
03 1.45 arithmetic: the ratio of the pinned losses 9.73 / 6.69
03 0.8 arithmetic: 1 − lr·c with lr 0.9 and c = 2
03 1.2 arithmetic: 1 − lr·c with lr 1.1 and c = 2
03 1000 the alarm's threshold, a constant of the program (no expect can change it)
03 23 arithmetic: the step after the pinned 22
03 0.003 learning rates spaced by about 3, an example of what people try
03 0.03 learning rates spaced by about 3, an example of what people try
03 0.7 learning rates the exercise suggests typing
03 0.95 learning rates the exercise suggests typing
03 2.0056 the largest curvature (Hessian eigenvalue) of this loss, worked out from the data, not printed
03 0.997 arithmetic: 2 / 2.0056
04 7 arithmetic: 200 rows in batches of 32, as the pinned 35 steps in 5 epochs
04 256 typical batch sizes in practice, not output
04 512 typical batch sizes in practice, not output
05 40 diagnose's satur. column: no expect name reaches it yet
05 70 diagnose's satur. column: no expect name reaches it yet
05 0.69 ln 2, the loss of a 50/50 guess
05 60 arithmetic: the ratio of the pinned norms 0.16 / 0.0027
05 4 arithmetic: 0.14 / 0.040 of pinned spreads, and the 4 layers between them
05 25 arithmetic: 50 layers, √2 each
05 30 arithmetic: 2^25
05 0.25 the largest slope of the sigmoid, a fact of the function
06 0.003 learning rates the exercise suggests typing
06 0.03 learning rates the exercise suggests typing
07 0.500015 arithmetic: the sigmoid of the boundary's score, from the pinned weights
07 0.96 arithmetic: the sigmoid of the score at x2 = −0.5, from the pinned weights
07 2.6 arithmetic: 2.79 / 1.09 of the pinned weights
07 2.71 arithmetic: −1.798 / 0.663 of the pinned weights
07 2.56 arithmetic: −2.792 / 1.089 of the pinned weights
07 0.459 arithmetic: the hinge 1 − 0.541 of a pinned score
07 1.810 arithmetic: the hinge 1 + 0.810 of a pinned score
08 50 the published size of real models, not output
08 25.6 the published size of real models, not output
08 110 the published size of real models, not output
08 124 the published size of real models, not output
08 175 the published size of real models, not output
08 0.948 arithmetic: 1 − tanh² of the pinned Z1[0,0]
08 0.0014 arithmetic: 1 − tanh² of the pinned Z1[1,0]
08 64 arithmetic: 8×8 pixels
09 7 arithmetic: 9 parameters less the 2 drawn
09 1000 the length of undo's history, a constant of the program
10 0.001 the usual update-to-weight ratio, a rule of thumb diagnose states
10 0.61 diagnose's update ratio |ΔW|/|W|: no expect name reaches it yet
10 11 diagnose's dead units: no expect name reaches them yet
10 9 dead units over all rows: no expect name reaches them yet
10 178 the rows of the wine data, as data load prints them: no expect name for a data set's size
10 13 the features of the wine data, and alcohol's typical value in data show
10 71 a count of the confusion matrix of metrics (its share, 0.399, is pinned as precision[1])
10 1 a made-up example of imbalance
10 10^-6 gradcheck's step h, a constant of the program
10 1e-05 gradcheck's threshold, a constant of the program
10 10^-7 what a correct gradient reaches in double precision, a general fact
10 10^-2 what a wrong derivative usually shows, a general fact
10 1.0986 ln 3, the loss of a uniform guess over three classes
10 1000 the alarm's threshold, a constant of the program
11 40 arithmetic: 80 rows less 30% and 20%
11 21 arithmetic: the pinned best epoch 11 and patience 10
11 24 arithmetic: 30% of 80 rows
11 400 arithmetic: 800 rows less 30% and 20%
11 240 arithmetic: 30% of 800 rows
11 6.25 arithmetic: one row of the 16 test rows is 100/16 percentage points
12 4096 arithmetic: W2 is 64×64
12 0.001 arithmetic: lr·wd = 0.01·0.1
12 40 arithmetic: 80 rows less 30% and 20%
13 180 arithmetic: 300 rows less 20% and 20%
13 60 arithmetic: 20% of 300 rows
13 0.002 an example of a ratio, not output
13 48 arithmetic the ask asks for: 240 rows / 5 folds
13 10 the factor of ten of a log scale
14 10^-5 diagnose's update ratio: no expect name reaches it yet
15 16 arithmetic: a (2, 8) array
16 9 arithmetic: a 3×3 filter
16 36 arithmetic: 6×6 positions
16 1152 arithmetic the ask asks for: 32 images · 36 positions (explain's terms)
16 4 arithmetic: ⌊(8 + 2 − 3) / 2⌋ + 1
16 10000 a made-up sequence length
EOF

# check FILE LESSON: the unpinned numbers of FILE, one line each; fails when there are any
check() {
    awk -v lesson="$2" -v file="$1" -v allowfile="$allow" '
    function absv(x) { return x < 0 ? -x : x }
    function log10(x) { return log(x) / log(10) }
    # one command of a paramlab block: keeps the value of an expect
    function take_expect(cmd,    w, k, i, t) {
        k = split(cmd, w, /[ \t]+/)
        i = 1
        while (i <= k && w[i] == "") i++
        if (w[i] != "expect" || w[i + 1] == "error" || i + 3 > k) return
        t = (w[i + 2] == "~") ? 1e-6 : 0
        for (j = i + 4; j <= k; j++)
            if (w[j] ~ /^tol=/) t = substr(w[j], 5) + 0
        nv++
        val[nv] = absv(w[i + 3] + 0)
        tol[nv] = t
        name[nv] = w[i + 1]
    }
    # is the quoted number x (unit: its last digit; mag: an order of magnitude) pinned?
    function pinned(x, unit, mag, pct,    i, v) {
        for (i = 1; i <= nv; i++) {
            v = val[i]
            if (mag) {
                if (v > 0 && absv(log10(v) - log10(x)) <= 0.5) return 1
                continue
            }
            if (pct) v = v * 100
            if (absv(x - v) <= unit / 2 * (1 + 1e-9) + 1e-15 && (pct ? tol[i] * 100 : tol[i]) <= unit * (1 + 1e-9))
                return 1
        }
        return 0
    }
    # the numbers of a command the learner types: settings, not output
    function take_typed(cmd,    t) {
        while (match(cmd, /[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
            t = substr(cmd, RSTART, RLENGTH)
            typed[t + 0] = 1
            cmd = substr(cmd, RSTART + RLENGTH)
        }
    }
    # is a number between BEFORE and AFTER a term of written-out arithmetic?
    function arith(before, after) {
        sub(/[ \t]+$/, "", before)
        sub(/^[ \t]+/, "", after)
        return before ~ /(·|×|\+|\/|[0-9~²!] =|[0-9~)] −|[0-9~)] -)$/ || after ~ /^(·|×|\+|\/|²|= |− [0-9~(]|- [0-9~(])/
    }
    function note(num, line) {
        nq++
        qnum[nq] = num
        qline[nq] = line
    }
    # the numbers of one line of prose (code spans already blanked)
    function scan(s, lineno,    pre, post, tok, mant, ex, d, unit, x, pct, p) {
        gsub(/[Ll]essons? [0-9]+( (and|or|to) [0-9]+)?/, " ", s)
        gsub(/§[0-9.]+/, " ", s)
        gsub(/β[12]/, "β", s)
        # orders of magnitude written 10⁻⁸
        while (match(s, /10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+/)) {
            tok = substr(s, RSTART, RLENGTH)
            ex = substr(tok, length("10⁻") + 1)
            gsub(/⁰/, "0", ex); gsub(/¹/, "1", ex); gsub(/²/, "2", ex); gsub(/³/, "3", ex)
            gsub(/⁴/, "4", ex); gsub(/⁵/, "5", ex); gsub(/⁶/, "6", ex); gsub(/⁷/, "7", ex)
            gsub(/⁸/, "8", ex); gsub(/⁹/, "9", ex)
            s = substr(s, 1, RSTART - 1) " " substr(s, RSTART + RLENGTH)
            mags[++nm] = "10^-" ex
            if (pinned(10 ^ -ex, 0, 1, 0)) continue
            if (("10^-" ex) in allowed) { used["10^-" ex] = 1; continue }
            note("10^-" ex, lineno)
        }
        while (match(s, /[0-9]+(,[0-9][0-9][0-9])*(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
            tok = substr(s, RSTART, RLENGTH)
            pre = RSTART > 1 ? substr(s, RSTART - 1, 1) : " "
            post = substr(s, RSTART + RLENGTH, 1)
            s = substr(s, 1, RSTART - 1) "~" substr(s, RSTART + RLENGTH)
            # part of a name (W1, dZ2, K1) or a word (2nd): not a quoted number
            if (pre ~ /[A-Za-z_.]/ || post ~ /[A-Za-z_]/) continue
            # a term of arithmetic the prose does (784·512 + 512 = 401,920)
            if (arith(substr(s, 1, RSTART - 1), substr(s, RSTART + 1))) continue
            gsub(/,/, "", tok)
            mant = tok; ex = 0
            if ((p = index(tolower(tok), "e")) > 0) { mant = substr(tok, 1, p - 1); ex = substr(tok, p + 1) + 0 }
            d = (p = index(mant, ".")) > 0 ? length(mant) - p : 0
            unit = 10 ^ (ex - d)
            x = tok + 0
            pct = (post == "%")
            # a year in a citation: (He et al., 2015)
            if (tok ~ /^(19|20)[0-9][0-9]$/ && post ~ /[);]/) continue
            # a setting typed: lr=0.1 quoted as 0.1, data split 0.2 as 20%
            if (pinned(x, unit, 0, pct) || ((pct ? x / 100 : x) in typed)) continue
            if (tok in allowed) { used[tok] = 1; continue }
            note(tok (pct ? "%" : ""), lineno)
        }
    }
    BEGIN {
        while ((getline l < allowfile) > 0) {
            split(l, al, " ")
            if (al[1] == lesson) { allowed[al[2]] = 1; allowline[al[2]] = l }
        }
    }
    { lines[NR] = $0 }
    END {
        # first the expects, the typed settings and the prose without its
        # code, then the numbers of the prose (a number may come before its expect)
        inblock = 0; incode = 0
        for (i = 1; i <= NR; i++) {
            l = lines[i]
            prose[i] = ""
            if (l ~ /^```/) { inblock = !inblock; continue }
            if (inblock) {
                # a quoted question or hint may hold a ; of its own
                gsub(/"[^"]*"/, "\"\"", l)
                k = split(l, cmds, ";")
                for (c = 1; c <= k; c++) {
                    if (cmds[c] ~ /^[ \t]*(expect|ask)[ \t]/) take_expect(cmds[c])
                    else take_typed(cmds[c])
                }
                continue
            }
            if (l ~ /^#/) continue
            gsub(/About [0-9]+ minutes/, " ", l)
            sub(/^[ \t]*[0-9]+\. /, " ", l) # the number of an item of a list
            # blank the inline code, which may run on from the line before
            k = split(l, part, "`")
            out = ""
            for (c = 1; c <= k; c++) {
                if (!incode) out = out " " part[c]
                else take_typed(part[c])
                if (c < k) incode = !incode
            }
            prose[i] = out
        }
        for (i = 1; i <= NR; i++)
            if (prose[i] != "") scan(prose[i], i)
        for (q = 1; q <= nq; q++)
            printf "%s:%d: %s is quoted but no expect pins it\n", file, qline[q], qnum[q]
        for (a in allowed)
            if (!(a in used)) { printf "%s: allow-list entry not needed: %s\n", file, allowline[a]; nq++ }
        exit nq > 0
    }' "$1"
}

fails=0
n=0
for f in lessons/[0-9]*.md; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    check "$f" "$(basename "$f" | cut -c1-2)" || fails=$((fails + 1))
done

# the check itself: a lesson of our own, with one number pinned, one typed,
# one a sum, and one (0.731) that nothing pins
tmp=$(mktemp "${TMPDIR:-/tmp}/paramlab-numbers-md.XXXXXX") || exit 1
cat >"$tmp" <<'EOF'
# 1 · Own

*About 5 minutes.*

```paramlab
set lr 0.25
train 3
expect loss ~ 0.4988 tol=1e-4
```

With lr 0.25 the loss is 0.499 after `train 3`; 2·3 + 1 = 7. Then 0.731.
EOF
out=$(check "$tmp" 99)
rm -f "$tmp"
[ "$out" = "$tmp:11: 0.731 is quoted but no expect pins it" ] ||
    { echo "lesson_numbers: the check itself is wrong: '$out'"; fails=$((fails + 1)); }
[ "$n" -gt 0 ] || { echo "lesson_numbers: no lessons found"; exit 1; }
if [ "$fails" -ne 0 ]; then
    echo "lesson_numbers: $fails problem(s): a number quoted that no expect pins (or an allow-list entry not needed)"
    exit 1
fi
echo "lesson_numbers: ok (every number quoted in $n lessons is pinned or allowed)"
