#!/bin/sh
# bench.sh BUILD -- `make bench`: time per iteration at the benchmark sizes,
# 1 and 2 threads, written to results/bench.csv with the machine, compiler
# and flags. Timings are reported, never asserted.
set -e
build=${1:-build}
mkdir -p results
exec "$build/linreg" bench --threads 1,2 --out results/bench.csv
