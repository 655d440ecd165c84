#!/bin/sh
# bench-passes.sh BUILD -- the passes over X that every fit makes once
# besides its iterations (lr_max_abs, lr_design_check, lr_null_mse,
# lr_score: the checks and the score that a CSV train run, issue 10's
# target 5, pays after the parse), in ms, best of 5, against one plain
# parallel read of X in the same run (scripts/bench-passes.c). Writes
# results/bench/passes.csv. Timings are reported, never asserted.
set -e
build=${1:-build}
out=results/bench
mkdir -p "$out"
bin=$build/bench-passes
# shellcheck disable=SC2046 # pkg-config's word lists
${CC:-gcc} -std=c11 -D_POSIX_C_SOURCE=200809L -O3 -fopenmp -Iinclude -Isrc \
    $(pkg-config --cflags gsl libcjson openblas) -o "$bin" scripts/bench-passes.c \
    "$build/liblinreg.a" $(pkg-config --libs gsl libcjson openblas | sed 's/-lgslcblas//') -lm
{
    echo "n,p,storage,threads,isa,read_ms,max_abs_ms,design_check_ms,null_mse_ms,score_ms,max_abs_over_read,design_over_read,score_over_read"
    for spec in "1000000 16 double" "1000000 16 float" "100000 256 double"; do
        # shellcheck disable=SC2086 # the spec's words
        set -- $spec
        for t in 1 2; do "$bin" "$1" "$2" $t "$3"; done
    done
} > "$out/passes.csv"
cat "$out/passes.csv"
