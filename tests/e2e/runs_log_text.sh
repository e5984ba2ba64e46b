#!/bin/sh
# The run log read back as a person sees it, through the real binary:
# `runs show` prints a null (no validation share, no accuracy for a
# regression, a run that did not get there) as "-", never "nan" (which
# in paramlab means divergence), and whole numbers in full; `runs compare`
# of runs with no epoch finished says there is nothing to draw; a
# hand-edited or shared runs.jsonl whose strings hold escape sequences or
# newlines reaches the terminal cleaned, in `runs`, `runs show` and
# `runs compare`.
bin=${1:-build/paramlab}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export PARAMLAB_RUNS="$dir/log"
fail() { echo "runs_log_text: $*"; exit 1; }
esc=$(printf '\033')
cd "$dir" || exit 1

# nulls are "-" (with why), never nan; a whole number in full
"$bin" -q -c 'data xor; model mlp 4; train 2; data line n=30; model linear; train 1' >/dev/null 2>&1 ||
    fail "the trainings failed"
out=$("$bin" -q -c 'runs show -2' 2>&1) || fail "runs show failed: $out"
echo "$out" | grep -qi "nan" && fail "runs show prints nan for a run without a split: $out"
echo "$out" | grep -q "^  final.val_loss  *- (no validation share)$" || fail "final.val_loss: $out"
echo "$out" | grep -q "^  final.val_accuracy  *- (no validation share)$" || fail "final.val_accuracy: $out"
echo "$out" | grep -q "^  2  *[0-9.]*  *-  *[0-9.]*  *-$" || fail "the curve's null columns: $out"
out=$("$bin" -q -c 'runs show -1' 2>&1) || fail "runs show of the regression failed: $out"
echo "$out" | grep -qi "nan" && fail "runs show prints nan for a regression: $out"
echo "$out" | grep -q "^  final.train_accuracy  *- (a regression has no accuracy)$" || fail "regression accuracy: $out"
sed -n 1p log/runs.jsonl | sed 's/"params":17/"params":4349962/; s/"seed":42/"seed":12345678901234567/; s/"id":"[^"]*"/"id":"big-1"/' \
    >> log/runs.jsonl
out=$("$bin" -q -c 'runs show big' 2>&1) || fail "runs show big failed: $out"
echo "$out" | grep -q "^  model.params  *4349962$" || fail "model.params not in full: $(echo "$out" | grep params)"
echo "$out" | grep -q "^  seed  *12345678901234567$" || fail "the seed not in full: $(echo "$out" | grep seed)"

# runs with no epoch finished: the table, then one line saying why no chart
"$bin" -q -c 'data xor; model mlp 4; set lr 1e6; train 2; train 2' >/dev/null 2>&1
out=$("$bin" -q -c 'set plot png; runs compare -1 -2' 2>&1) || fail "runs compare of failed runs failed: $out"
echo "$out" | grep -q "^no chart: none of these runs finished an epoch, so there is no curve to draw$" ||
    fail "runs compare of runs without a curve says nothing: $out"
ls ./*.png >/dev/null 2>&1 && fail "a picture was written for runs without a curve"

# a hand-edited log: escape sequences and a newline in its strings and a key
sed -n 1p log/runs.jsonl | sed 's/"id":"[^"]*"/"id":"evil\\u001b[31m-1"/; s/"name":"xor"/"name":"x\\u001b]0;pwned\\u0007or"/;
    s/"optimizer":"sgd"/"optimizer":"s\\u001b[2Jgd"/; s/"kind":"mlp"/"kind":"m\\u001b[1mlp"/; s/"time":"[^"]*"/"time":"2026\\u001b[0m-01-01T00:00:00Z"/;
    s/"version":1/"version":1,"k\\u001bey":"v\\u001b[5mal"/' >> log/runs.jsonl
sed -n 1p log/runs.jsonl | sed 's/"id":"[^"]*"/"id":"new\\nline-2"/' >> log/runs.jsonl
grep -q 'u001b' log/runs.jsonl || fail "the hand edit did not happen"
for cmd in 'runs' 'runs all' 'runs show evil' 'runs compare evil new' 'runs show new'; do
    out=$("$bin" -q -c "$cmd" 2>&1) || fail "$cmd failed: $out"
    case $out in *"$esc"*) fail "$cmd printed an escape sequence from the log";; esac
done
out=$("$bin" -q -c 'runs' 2>&1)
echo "$out" | grep -q "^  new?line-2 " || fail "an id with a newline broke the table of runs: $out"
echo "$out" | grep -q "^line-2" && fail "an id's newline started a line of its own: $out"
out=$("$bin" -q -c 'runs show evil' 2>&1)
echo "$out" | grep -q "^  k?ey  *v?\[5mal$" || fail "a key or string with ESC was not cleaned: $out"
echo "runs_log_text: ok"
