#!/bin/sh
# scaling-sweep.sh [BUILD] [THREADS] -- the scaling sweeps results/ shows:
# strong scaling at 1e6 x 16 and 1e5 x 256, weak scaling at 5e5 x 16 rows
# per thread, both reductions and both precisions, with plots.
#   results/scaling/<name>/{scaling.csv,summary.csv,env.json,loss.csv,*.png}
# THREADS defaults to 1, 2, 4, ... up to the cores present.
set -e
build=${1:-build}
threads=${2:-}
topt=""
[ -n "$threads" ] && topt="--threads $threads"
out=results/scaling
mkdir -p "$out"
run() {
    name=$1; shift
    echo "== $name: linreg scale $* $topt"
    # shellcheck disable=SC2086 # $topt is empty or one option and its value
    "$build/linreg" scale "$@" $topt --reduce clause,deterministic \
        --precision double,float --repeat 7 --warmup 2 --out "$out/$name" \
        | tee "$out/$name.txt"
    scripts/plot-scaling.sh "$out/$name"
}
run strong-1e6x16 --samples 1000000 --features 16 --iters 50
run strong-1e5x256 --samples 100000 --features 256 --iters 30
run weak-5e5x16 --mode weak --samples 500000 --features 16 --iters 50
