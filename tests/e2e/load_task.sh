#!/bin/sh
# data load works out the task from a numeric target the way an ML
# engineer reads it, and says what it chose and how to have the other:
# whole numbers are classes only when few for the rows (at most 20, each
# seen twice on average); text labels are classes; a regression file of
# whole numbers (a price per row) stays a regression; task= overrides
# both ways.
bin=${1:-build/paramlab}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "load_task: $*"; exit 1; }
printf 'id,petal,sepal,kind\n1,1.4,5.1,setosa\n2,4.7,7.0,versicolor\n3,6.0,6.3,virginica\n4,1.3,4.9,setosa\n5,4.5,6.4,versicolor\n6,5.1,5.8,virginica\n' >"$dir/labels.csv"
printf 'rooms,area,price\n' >"$dir/prices.csv"
i=0
for p in 3 7 12 15 20 23 31 36 40 44 51 58; do
    i=$((i + 1))
    echo "$((i % 4 + 1)),$((i * 7 % 13 + 40)).5,$p" >>"$dir/prices.csv"
done
printf 'x,price\n' >"$dir/many.csv"
for i in $(seq 0 99); do echo "$i.5,$((100 + 3 * (i % 30)))" >>"$dir/many.csv"; done

# text labels: classes, the id column noted, no task note (nothing to choose)
out=$("$bin" --bail -c "data load $dir/labels.csv target=kind" 2>&1) || fail "text labels refused: $out"
echo "$out" | grep -q "task: multi-class classification, 3 classes (0 setosa: 2, 1 versicolor: 2, 2 virginica: 2)" ||
    fail "text labels: $out"
echo "$out" | grep -q "drop=id" || fail "text labels: no id note: $out"
echo "$out" | grep -q "^note: target" && fail "text labels: a task note: $out"

# 12 rows of whole-number prices: a regression, not 12 classes
out=$("$bin" --bail -c "data load $dir/prices.csv" 2>&1) || fail "prices refused: $out"
echo "$out" | grep -q "^task: regression of 1 target (price)" || fail "prices: not a regression: $out"
echo "$out" | grep -q "^note: target 'price' holds a different whole number in each of the 12 rows: a quantity to predict (regression), not class labels$" ||
    fail "prices: no note: $out"
out=$("$bin" --bail -c "data load $dir/prices.csv task=classification" 2>&1) && fail "12 classes of one row accepted: $out"
echo "$out" | grep -q "each of the 12 rows of the target 'price' has a value of its own.*task=regression" ||
    fail "prices task=classification: $out"

# 30 prices in 100 rows: a regression, and task=classification makes 30 classes
out=$("$bin" --bail -c "data load $dir/many.csv" 2>&1) || fail "many refused: $out"
echo "$out" | grep -q "^note: target 'price' holds 30 different whole numbers in 100 rows, more than 20 for class labels: predicted as a number (regression); task=classification makes them 30 classes$" ||
    fail "many: $out"
out=$("$bin" --bail -c "data load $dir/many.csv task=classification" 2>&1) || fail "many task=classification: $out"
echo "$out" | grep -q "^task: multi-class classification, 30 classes (100: 4," || fail "many task=classification: $out"
echo "$out" | grep -q "^note: target" && fail "many task=classification: a task note: $out"

# iris: classes as before, and task=regression predicts the number
out=$("$bin" --bail -c "data load lessons/data/iris.csv" 2>&1) || fail "iris: $out"
echo "$out" | grep -q "^task: multi-class classification, 3 classes (0: 50, 1: 50, 2: 50) in target species" || fail "iris: $out"
echo "$out" | grep -q "^note: target 'species' holds 3 different whole numbers in 150 rows: taken as 3 class labels (classification); task=regression predicts it as a number instead$" ||
    fail "iris: no note: $out"
out=$("$bin" --bail -c "data load lessons/data/iris.csv task=regression" 2>&1) || fail "iris task=regression: $out"
echo "$out" | grep -q "^task: regression of 1 target (species)" || fail "iris task=regression: $out"
for f in wine digits; do
    out=$("$bin" --bail -c "data load lessons/data/$f.csv" 2>&1) || fail "$f: $out"
    echo "$out" | grep -q "^task: multi-class classification, $([ $f = wine ] && echo 3 || echo 10) classes" || fail "$f: $out"
done
echo "load_task: ok"
