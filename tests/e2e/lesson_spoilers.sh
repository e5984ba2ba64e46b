#!/bin/sh
# No lesson heading gives away a number its section asks for: for every
# `## ` heading, the numeric answers of the `ask` lines up to the next
# heading must not appear in it ("## Counting: 160 against 37440" above the
# questions whose answers are 160 and 37440 fails). Words are not checked:
# headings are made of words, answers such as up/no would match by chance.
# Usage: lesson_spoilers.sh [BIN] (BIN is unused: the check reads text only)
dir=$(cd "$(dirname "$0")/../.." && pwd)
cd "$dir" || exit 1
bad=$(awk '
function check(   i, n, a, words, k) {
    if (head == "") return
    n = split(answers, a, " ")
    for (i = 1; i <= n; i++) {
        k = split(head, words, /[^0-9.]+/)
        for (j = 1; j <= k; j++)
            if (words[j] == a[i])
                printf "%s:%d: heading gives away %s, the answer of an ask below it\n", hfile, hline, a[i]
    }
}
FNR == 1 { check(); head = ""; answers = "" }
/^## / { check(); head = $0; hline = FNR; hfile = FILENAME; answers = ""; next }
/^ask "/ {
    rest = $0
    sub(/^ask "/, "", rest)
    # the question ends at the first quote followed by a space
    p = index(rest, "\" ")
    if (p == 0) next
    rest = substr(rest, p + 2)
    split(rest, t, " ")
    m = split(t[1], alt, "|")
    for (q = 1; q <= m; q++)
        if (alt[q] ~ /^-?[0-9]+(\.[0-9]+)?$/) answers = answers " " alt[q]
}
END { check() }
' lessons/*.md)
if [ -n "$bad" ]; then
    printf '%s\n' "$bad"
    echo "lesson_spoilers: a heading quotes an answer its section asks for"
    exit 1
fi
echo "lesson_spoilers: ok (no heading quotes a numeric answer of its section)"
