#!/bin/sh
# The run log through the real binary: train, a cv and a search each log
# their runs (one JSON line each, a CSV beside), in PARAMLAB_RUNS, in
# $XDG_DATA_HOME/paramlab/runs or ~/.local/share/paramlab/runs (a fake
# HOME here: the real one is never written); `set tracking off` logs
# nothing; the files are read back with Python's json and csv modules
# (Debian's /usr/bin/python3, skipped when it is missing) and every field
# checked.
bin=${1:-build/paramlab}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "runs: $*"; exit 1; }
mkdir -p "$dir/home" "$dir/log"

cmds='data moons n=120 noise=0.2; data split 0.25; model mlp 4; set lr 0.2; train 3; cv 3 epochs=2; search grid lr=0.1,0.3 epochs=2'
out=$(HOME="$dir/home" PARAMLAB_RUNS="$dir/log" "$bin" -q -c "$cmds" 2>&1) || fail "the commands failed: $out"
[ "$(wc -l < "$dir/log/runs.jsonl")" -eq 6 ] || fail "expected 6 runs (1 train, 3 folds, 2 trials)"
[ "$(ls "$dir/log"/*.csv | wc -l)" -eq 6 ] || fail "expected 6 CSV files"
[ -z "$(ls -A "$dir/home")" ] || fail "PARAMLAB_RUNS set, yet something was written under HOME"

# the XDG default, and ~/.local/share without it; never outside the fake HOME
env -u PARAMLAB_RUNS HOME="$dir/home" XDG_DATA_HOME="$dir/xdg" "$bin" -q -c 'data line n=20; model linear; train 1' \
    >/dev/null 2>&1 || fail "train with XDG_DATA_HOME failed"
[ -s "$dir/xdg/paramlab/runs/runs.jsonl" ] || fail "no run in \$XDG_DATA_HOME/paramlab/runs"
env -u PARAMLAB_RUNS -u XDG_DATA_HOME HOME="$dir/home" "$bin" -q -c 'data line n=20; model linear; train 1' \
    >/dev/null 2>&1 || fail "train with only HOME failed"
[ -s "$dir/home/.local/share/paramlab/runs/runs.jsonl" ] || fail "no run in ~/.local/share/paramlab/runs"
[ "$(stat -c %a "$dir/home/.local/share/paramlab/runs")" = 700 ] || fail "the run folder is not private (0700)"

# tracking off logs nothing; runs dir sends runs elsewhere
HOME="$dir/home" PARAMLAB_RUNS="$dir/off" "$bin" -q -c 'set tracking off; data line n=20; model linear; train 2; cv 2' \
    >/dev/null 2>&1 || fail "tracking off failed"
[ ! -e "$dir/off" ] || fail "set tracking off still logged"
HOME="$dir/home" PARAMLAB_RUNS="$dir/off" "$bin" -q -c "runs dir $dir/other; data line n=20; model linear; train 1" \
    >/dev/null 2>&1 || fail "runs dir failed"
[ -s "$dir/other/runs.jsonl" ] && [ ! -e "$dir/off" ] || fail "runs dir DIR was not where the run went"

# runs dir refuses, in one line, a folder it could not log to, and keeps the one in use
touch "$dir/file.csv"
mkdir "$dir/ro" && chmod 555 "$dir/ro"
bad_dirs="$dir/file.csv|is a file, not a folder
$dir/file.csv/sub|Not a directory
/proc/paramlab-runs|cannot make the run folder"
[ "$(id -u)" = 0 ] || bad_dirs="$bad_dirs
$dir/ro|cannot be written
$dir/ro/new|cannot be written"
printf '%s\n' "$bad_dirs" > "$dir/bad_dirs"
while IFS='|' read -r d why; do
    err=$(PARAMLAB_RUNS="$dir/log2" "$bin" -q --bail -c "runs dir $d" 2>&1 >/dev/null) && fail "runs dir $d was accepted"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "runs dir $d: not one line: $err"
    echo "$err" | grep -q "$why.*; runs still go to $dir/log2$" || fail "runs dir $d: $err"
    out=$(PARAMLAB_RUNS="$dir/log2" "$bin" -q -c "runs dir $d; data line n=20; model linear; train 1; runs dir" 2>/dev/null)
    echo "$out" | grep -q "^runs are logged in $dir/log2 " || fail "runs dir $d changed the run folder: $out"
    echo "$out" | grep -q "not logged" && fail "runs dir $d: a later train was not logged: $out"
done < "$dir/bad_dirs"
chmod 755 "$dir/ro"
[ -s "$dir/log2/runs.jsonl" ] || fail "the runs after a refused runs dir were not logged in the folder in use"
[ -z "$(ls -A "$dir/ro")" ] || fail "runs dir left something in the folder it checked"

# the commands that read it back
id=$(head -n 1 "$dir/log/runs.jsonl" | sed 's/.*"id":"\([^"]*\)".*/\1/')
id2=$(sed -n 2p "$dir/log/runs.jsonl" | sed 's/.*"id":"\([^"]*\)".*/\1/')
out=$(PARAMLAB_RUNS="$dir/log" "$bin" -q -c "runs; runs show $id; runs compare $id $id2" 2>&1) || fail "runs failed: $out"
echo "$out" | grep -q "^6 runs in $dir/log/runs.jsonl" || fail "runs: wrong count line"
echo "$out" | grep -q "data.fingerprint" || fail "runs show: no fingerprint"
echo "$out" | grep -q "hypers.lr  *0.2" || fail "runs show: lr"
# a broken line (a crash of some other writer) is skipped with a note
printf '{"id":"half' >> "$dir/log/runs.jsonl"
out=$(PARAMLAB_RUNS="$dir/log" "$bin" -q -c "runs" 2>&1) || fail "runs with a broken line failed"
echo "$out" | grep -q "1 line of the log is not a run" || fail "a broken line was not reported"

py=/usr/bin/python3
if [ ! -x "$py" ]; then
    echo "runs.sh: ok (no /usr/bin/python3: the json/csv read-back was skipped)"
    exit 0
fi
head -n 6 "$dir/log/runs.jsonl" > "$dir/six.jsonl"
"$py" - "$dir/log" "$dir/six.jsonl" <<'PY' || fail "the Python read-back failed"
import csv, json, math, os, sys
folder, log = sys.argv[1], sys.argv[2]
top = {"version": int, "id": str, "time": str, "kind": str, "group": str, "fold": int, "trial": int,
       "status": str, "data": dict, "model": dict, "hypers": dict, "seed": int, "epochs": int, "best_epoch": int, "steps": int,
       "wall_s": float, "final": dict, "csv": str, "curve": dict}
data = {"name": str, "recipe": str, "fingerprint": str, "task": str, "classes": int, "rows": int,
        "features": int, "targets": int, "train_rows": int, "val_rows": int, "test_rows": int, "standardized": bool}
model = {"kind": str, "widths": list, "hidden": list, "act": str, "dropout": list, "params": int}
hypers = {"optimizer": str, "lr": float, "batch": int, "shuffle": bool, "loss": str, "huber_delta": (int, float),
          "l1": (int, float), "l2": (int, float), "init": str, "schedule": str, "clip": str}
final = ("train_loss", "val_loss", "train_accuracy", "val_accuracy")
kinds = []
for line in open(log):
    r = json.loads(line)
    for part, want in ((r, top), (r["data"], data), (r["model"], model), (r["hypers"], hypers)):
        for k, t in want.items():
            assert k in part, k
            assert isinstance(part[k], t), (k, part[k])
    assert set(r["final"]) == set(final) | {"epoch"}
    assert r["best_epoch"] == 0 and r["final"]["epoch"] == r["curve"]["epoch"][-1]
    assert r["data"]["recipe"] == "moons n=120 noise=0.2 seed=42", r["data"]["recipe"]
    assert len(r["data"]["fingerprint"]) == 16
    assert r["model"]["hidden"] == [4] and r["model"]["params"] == 17
    assert r["model"]["widths"] == [2, 4, 1] and "input" not in r["model"], r["model"]
    assert r["seed"] == 42 and r["status"] == "done"
    n = r["epochs"]
    curve = r["curve"]
    assert set(curve) == {"epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy"}
    assert all(len(v) == n for v in curve.values())
    assert curve["epoch"] == list(range(1, n + 1)) or r["kind"] == "train"
    for k in ("val_loss", "val_accuracy"):
        assert r["final"][k] == curve[k][-1]
    for k in ("train_loss", "train_accuracy"):  # measured after the run, in evaluation mode
        assert isinstance(r["final"][k], float), (k, r["final"][k])
    assert 0 <= r["final"]["val_accuracy"] <= 1
    rows = list(csv.DictReader(open(os.path.join(folder, r["csv"]))))
    assert len(rows) == n
    for i, row in enumerate(rows):
        assert int(row["epoch"]) == curve["epoch"][i]
        for k in ("train_loss", "val_loss", "train_accuracy", "val_accuracy"):
            assert float(row[k]) == curve[k][i], (k, row[k], curve[k][i])
    kinds.append((r["kind"], r["fold"], r["trial"]))
assert kinds == [("train", 0, 0), ("cv", 1, 0), ("cv", 2, 0), ("cv", 3, 0), ("search", 0, 1), ("search", 0, 2)], kinds
PY
# early stopping that puts the best epoch back: the log's final is that
# epoch's (the model kept), epochs the epochs run, best_epoch the best;
# runs, runs show and runs compare say so alike
es='data moons n=200; data split 0.2; model mlp 8 dropout=0.2; set optimizer adam lr=0.01; train 100 patience=3 min_delta=0.001'
out=$(PARAMLAB_RUNS="$dir/es" "$bin" -q -c "$es" 2>&1) || fail "early stopping failed: $out"
best=$(echo "$out" | sed -n 's/^the best epoch was \([0-9]*\), validation loss \([0-9.]*\): its parameters.*/\1 \2/p')
last=$(echo "$out" | sed -n 's/.*stopped after epoch \([0-9]*\)$/\1/p')
[ -n "$best" ] && [ -n "$last" ] && [ "${best% *}" -lt "$last" ] || fail "the early stopping case restored nothing: $out"
echo "$out" | tail -n 1 | grep -q "validation loss ${best#* }," || fail "train's last line is not the best epoch's: $out"
"$py" - "$dir/es/runs.jsonl" "${best% *}" "$last" <<'PY' || fail "the log's final is not the restored epoch's"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
best, last = int(sys.argv[2]), int(sys.argv[3])
c = r["curve"]
i = c["epoch"].index(best)
assert r["epochs"] == len(c["epoch"]) == last and c["epoch"][-1] == last, r["epochs"]
assert r["best_epoch"] == best and r["final"]["epoch"] == best
for k in ("val_loss", "val_accuracy"):
    assert r["final"][k] == c[k][i], (k, r["final"][k], c[k][i])
PY
id=$(sed 's/.*"id":"\([^"]*\)".*/\1/' "$dir/es/runs.jsonl")
out=$(PARAMLAB_RUNS="$dir/es" "$bin" -q -c "set plot terminal; runs; runs show $id; runs compare $id" 2>&1) || fail "runs after early stopping failed: $out"
[ "$(echo "$out" | grep -c " $last (${best% *})  *[0-9.]*  *${best#* } ")" -eq 2 ] ||
    fail "runs and runs compare do not show the epochs run, the epoch kept and its validation loss: $out"
[ "$(echo "$out" | grep -c '^epochs N (B): ')" -eq 2 ] || fail "runs and runs compare do not explain N (B): $out"
echo "$out" | grep -q "^  final.epoch  *${best% *}$" || fail "runs show: final.epoch is not the best epoch: $out"
echo "$out" | grep -q "^  final.val_loss  *${best#* }$" || fail "runs show: final.val_loss is not the best epoch's: $out"
echo "$out" | grep -q "^  ${best% *}  .*${best#* } .*<- kept" || fail "runs show does not mark the kept epoch: $out"
# the log's final training loss and accuracy are the kept model's over the
# training rows in evaluation mode, as train's last line prints them (the
# curve keeps each epoch's means over its batches, which differ); and a cv
# fold's are the ones its table prints
tl_of() { echo "$1" | sed -n 's/^trained .*; training loss \([0-9.e-]*\), accuracy \([0-9.]*\)%.*/\1 \2/p'; }
out=$(PARAMLAB_RUNS="$dir/eval" "$bin" -q -c 'data moons n=200; model mlp 8; set lr 0.1; train 5; runs; runs show -1' 2>&1) ||
    fail "the evaluation-mode case failed: $out"
set -- $(tl_of "$out")
[ -n "$2" ] || fail "no training loss and accuracy in train's last line: $out"
echo "$out" | grep -q "^  final.train_loss  *$1$" || fail "final.train_loss is not train's training loss $1: $out"
echo "$out" | grep -q " $1  *-  *$2% (train)$" || fail "runs does not show train's training loss $1 and accuracy $2%: $out"
out=$(PARAMLAB_RUNS="$dir/eval" "$bin" -q -c 'data moons n=200; data split 0.2; model mlp 8; set lr 0.1; train 5; cv 2 epochs=2' 2>&1) ||
    fail "the evaluation-mode case with a split failed: $out"
set -- $(tl_of "$out")
fold1=$(echo "$out" | sed -n 's/^  1  *[0-9]*  *[0-9]*  *\([0-9.e-]*\) .*/\1/p')
"$py" - "$dir/eval/runs.jsonl" "$1" "$2" "$fold1" <<'PY' || fail "the log's final training numbers are not the evaluation-mode ones: $out"
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
r, fold = runs[1], runs[2]
assert "%.6g" % r["final"]["train_loss"] == sys.argv[2], (r["final"], sys.argv[2])
assert "%.1f" % (100 * r["final"]["train_accuracy"]) == sys.argv[3], (r["final"], sys.argv[3])
assert r["final"]["train_accuracy"] != r["curve"]["train_accuracy"][-1]  # the batches' mean differs here
assert fold["kind"] == "cv" and "%.6g" % fold["final"]["train_loss"] == sys.argv[4], (fold["final"], sys.argv[4])
PY
# the tables size their columns to their widest cell: an lr of 11 or 10
# characters (as a random search draws) shifts no column after it
lrs='data moons n=60; data split 0.2; model mlp 4; set lr 0.000174988; train 1; set lr 0.00017499; train 1; set lr 0.1; train 1'
out=$(PARAMLAB_RUNS="$dir/wide" "$bin" -q -c "set plot terminal; $lrs; runs; runs compare -1 -2 -3" 2>&1) || fail "the lr case failed: $out"
echo "$out" | grep -q ' 0.000174988 ' || fail "the lr is not shown whole: $out"
echo "$out" > "$dir/wide.txt"
"$py" - "$dir/wide.txt" <<'PY' || fail "a table's columns do not line up: $out"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
heads = [("id", "time (UTC)", "kind", "data", "model", "optim", "lr", "batch", "epochs", "train loss", "val loss", "accuracy"),
         ("id", "model", "optim", "lr", "batch", "l1", "l2", "epochs", "train loss", "val loss", "val accuracy")]
tables = 0
for i, line in enumerate(lines):
    if not line.startswith("  id  "):
        continue
    head = next(h for h in heads if all(w in line for w in h))
    starts = [line.index(" " + w + " " if w != head[-1] else " " + w) + 1 for w in head[1:]]
    rows = [l for l in lines[i + 1:i + 4] if l.startswith("  2")]
    assert len(rows) == 3, rows
    for row in rows:
        for s in starts:
            assert row[s - 1] == " " and row[s] != " ", (s, line, row)
    tables += 1
assert tables == 2, tables
PY
# runs compare's picture file is named after the runs' ids, which stay,
# not the -1 -2 typed (the next run moves them), and called what it is
if command -v gnuplot >/dev/null 2>&1; then
    id1=$(sed -n 3p "$dir/wide/runs.jsonl" | sed 's/.*"id":"\([^"]*\)".*/\1/')
    id2=$(sed -n 2p "$dir/wide/runs.jsonl" | sed 's/.*"id":"\([^"]*\)".*/\1/')
    mkdir "$dir/pics"
    out=$(cd "$dir/pics" && PARAMLAB_RUNS="$dir/wide" "$bin" -q -c 'set plot png; runs compare -1 -2' 2>&1) ||
        fail "runs compare to a png failed: $out"
    echo "$out" | grep -q "^plot runs compare: wrote runs-$id1-$id2.png$" || fail "runs compare's file is not named after the ids: $out"
    [ "$(ls "$dir/pics")" = "runs-$id1-$id2.png" ] || fail "runs compare wrote $(ls "$dir/pics"), not runs-$id1-$id2.png"
fi
# a run without a validation share shows "-" for its validation loss, not
# "nan" (which would read as a diverged run), and draws no validation curve
out=$(HOME="$dir/home" PARAMLAB_RUNS="$dir/noval" "$bin" -q -c 'data line n=20; model linear; train 2; runs; runs compare -1' 2>&1) \
    || fail "runs without a validation share failed: $out"
echo "$out" | grep -q 'nan' && fail "a run without a validation share printed nan: $out"
echo "$out" | grep -q '(validation)' && fail "a run without a validation share drew a validation curve: $out"
[ "$(echo "$out" | grep -c ' -  ')" -ge 2 ] || fail "the validation loss of a run without one is not '-': $out"
# the layers as `model` shows them: `runs`, `runs show` and `runs compare`
# draw a run's model in the arrow form from its widths (a cnn's from its
# input image and conv layers too), and tell two cnns apart; `runs show`
# still prints the conv layers as conv= takes them; `search use` names the
# command that rebuilds the model
cnn='data digits; data split 0.2; data standardize; model cnn conv=4:3,4:3 pool=2 hidden=16 pad=same; train 1; model cnn conv=2:3 hidden=8 act=tanh; train 1'
out=$(HOME="$dir/home" PARAMLAB_RUNS="$dir/cnn" "$bin" -q -c "set plot terminal; $cnn; runs; runs show -2; runs compare -1 -2; search grid lr=0.01,0.1 epochs=1; model mlp 3; search use 1" 2>&1) \
    || fail "cnn runs failed: $out"
cnn1='cnn 1×8×8 → conv 4:3 + pool → 4×4×4 → conv 4:3 + pool → 4×2×2 → 16 → 10 relu'
cnn2='cnn 1×8×8 → conv 2:3 → 2×6×6 → 8 → 10 tanh'
[ "$(echo "$out" | grep -c " train  *digits  *$cnn1 sgd ")" -eq 1 ] ||
    fail "runs does not list the first cnn as \`model\` shows it: $out"
[ "$(echo "$out" | grep -c " train  *digits  *$cnn2  *sgd ")" -eq 1 ] ||
    fail "runs does not list the second cnn as \`model\` shows it: $out"
echo "$out" | grep -q '^  model.widths  *1×8×8 → conv 4:3 + pool → 4×4×4 → conv 4:3 + pool → 4×2×2 → 16 → 10 (the layers, as `model` shows them)$' ||
    fail "runs show does not draw the cnn's layers: $out"
echo "$out" | grep -q '^  model.input' && fail "runs show prints the input beside the layers: $out"
echo "$out" | grep -q '^  model.conv  *4:3,4:3 ' || fail "runs show does not print the conv layers: $out"
echo "$out" | grep -q '^  model.pool  *2$' || fail "runs show does not print the pool: $out"
[ "$(echo "$out" | grep -c "^  [0-9a-f-]*  *\($cnn1\|$cnn2 \) *sgd  *0.01 ")" -eq 2 ] ||
    fail "runs compare does not show both cnns as \`model\` shows them: $out"
echo "$out" | grep -q '^  model rebuilt: cnn conv=2:3 hidden=8 act=tanh$' || fail "search use does not name the cnn: $out"
# an mlp: the same words as `model`, in the columns (→ is one column)
out=$(HOME="$dir/home" PARAMLAB_RUNS="$dir/mlp" "$bin" -q -c 'set plot terminal; data moons n=60; data split 0.2; model mlp 16 16; train 1; model linear; train 1; runs; runs show -2; runs compare -2 -1' 2>&1) ||
    fail "mlp runs failed: $out"
echo "$out" | grep -q '^model mlp: 2 → 16 → 16 → 1 ' || fail "model does not show the arrows: $out"
echo "$out" | grep -q '^  model.widths  *2 → 16 → 16 → 1 (the layers, as `model` shows them)$' || fail "runs show: $out"
echo "$out" | grep -q ' train  *moons  *mlp 2 → 16 → 16 → 1 relu  *sgd ' || fail "runs: the mlp: $out"
echo "$out" | grep -q ' train  *moons  *linear 2 → 1  *sgd ' || fail "runs: the linear model: $out"
echo "$out" | grep -q '^  [0-9a-f-]*  mlp 2 → 16 → 16 → 1 relu sgd  ' || fail "runs compare: the mlp's column: $out"
echo "$out" | grep -q '^  [0-9a-f-]*  linear 2 → 1             sgd  ' || fail "runs compare: the linear model's column: $out"
# a log written before the widths were recorded reads as it did: the
# hidden widths, a cnn in its command's words; so do widths that do not fit
mkdir -p "$dir/old"
line=$(head -n 1 "$dir/cnn/runs.jsonl" | sed 's/"input":\[[0-9,]*\],//; s/"widths":\[[0-9,]*\],//')
mlp=$(head -n 1 "$dir/mlp/runs.jsonl" | sed 's/"widths":\[[0-9,]*\],//; s/"id":"[^"]*"/"id":"old-mlp"/')
bad=$(head -n 1 "$dir/mlp/runs.jsonl" | sed 's/"widths":\[[0-9,]*\]/"widths":[2,"x",1]/; s/"id":"[^"]*"/"id":"bad-mlp"/')
printf '%s\n%s\n%s\n' "$line" "$mlp" "$bad" >"$dir/old/runs.jsonl"
echo "$line$mlp" | grep -q widths && fail "the old-format lines still have widths"
out=$(HOME="$dir/home" PARAMLAB_RUNS="$dir/old" "$bin" -q -c 'runs; runs show old-mlp; runs compare old-mlp bad-mlp -3' 2>&1) ||
    fail "an old log failed: $out"
echo "$out" | grep -q '^3 runs in ' || fail "an old log: not 3 runs: $out"
[ "$(echo "$out" | grep -c ' train  *moons  *mlp 16x16 relu  *sgd ')" -eq 2 ] || fail "an old log: runs: $out"
echo "$out" | grep -q ' train  *digits  *cnn conv=4:3,4:3 pool=2 hidden=16 pad=same  *sgd ' || fail "an old log: the cnn: $out"
echo "$out" | grep -q '^  model.hidden  *\[16, 16\]$' || fail "an old log: runs show: $out"
echo "$out" | grep -q '→' && fail "an old log: arrows without widths: $out"
[ "$(echo "$out" | grep -c '^  \(old\|bad\)-mlp  *mlp 16x16 relu  *sgd ')" -eq 2 ] || fail "an old log: runs compare: $out"
echo "$out" | grep -q '^  [0-9a-f-]*  *cnn conv=4:3,4:3 pool=2 hidden=16 pad=same  *sgd ' || fail "an old log: runs compare the cnn: $out"
echo "runs.sh: ok"
