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
# 0.45` pins "below 0.45". A number that is not program output (arithmetic the
# prose does, a setting the learner types, a year) is on the allow-list below,
# one line each: LESSON NUMBER REASON.
# Usage: lesson_numbers.sh [BIN] (BIN is unused: the check reads text only)
dir=$(cd "$(dirname "$0")/../.." && pwd)
cd "$dir" || exit 1
allow=$(mktemp "${TMPDIR:-/tmp}/paramlab-numbers.XXXXXX") || exit 1
trap 'rm -f "$allow"' EXIT INT TERM

cat >"$allow" <<'EOF'
EOF

fails=0
n=0
for f in lessons/[0-9]*.md; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    lesson=$(basename "$f" | cut -c1-2)
    if ! awk -v lesson="$lesson" -v file="$f" -v allowfile="$allow" '
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
    }' "$f"; then
        fails=$((fails + 1))
    fi
done
[ "$n" -gt 0 ] || { echo "lesson_numbers: no lessons found"; exit 1; }
if [ "$fails" -ne 0 ]; then
    echo "lesson_numbers: $fails of $n lessons quote numbers no expect pins"
    exit 1
fi
echo "lesson_numbers: ok (every number quoted in $n lessons is pinned or allowed)"
