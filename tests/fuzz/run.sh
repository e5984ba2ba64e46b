#!/bin/sh
# Runs each libFuzzer harness of build $1 for $2 seconds, starting from the
# committed seeds (tests/fuzz/corpus/NAME/) plus what earlier runs kept in
# $1/corpus/NAME/. A crash, leak, sanitizer report or timeout fails the
# run; the input is left in $1/findings/ — once fixed, commit it under
# tests/fuzz/corpus/NAME/ so `make test` replays it forever.
build=$1
secs=$2
shift 2
export OPENBLAS_NUM_THREADS=1 NO_COLOR=1
failed=0
mkdir -p "$build/findings"
for name in "$@"; do
    mkdir -p "$build/corpus/$name"
    log="$build/findings/$name.log"
    printf 'fuzz   %-16s %ss ... ' "$name" "$secs"
    if "$build/fuzzers/$name" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 -max_len=4096 \
        -print_final_stats=1 -artifact_prefix="$build/findings/$name-" \
        "$build/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
        echo "ok, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs"
    else
        failed=1
        echo "FINDING"
        grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -n 20 | sed 's/^/    /'
        echo "    whole log: $log"
    fi
done
[ "$failed" -eq 0 ]
