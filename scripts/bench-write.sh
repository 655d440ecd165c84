#!/bin/sh
# bench-write.sh BUILD -- CSV writing speed (issue 10, target 5: at least
# 500 MB/s at 2 threads), part of `make bench` (scripts/bench.sh): `linreg
# generate --samples 1000000 --features 16 --out FILE.csv` at 1 and 2
# threads, best of 3, as generate reports it (bytes of CSV over the time of
# formatting and writing them; the generation before is not counted). The
# file goes under BUILD and is removed. Writes results/bench/bench-write.txt.
# Timings are reported, never asserted; run on a quiet machine.
set -e
build=${1:-build}
linreg=$build/linreg
out=results/bench/bench-write.txt
mkdir -p results/bench
file=$build/bench-write.csv
trap 'rm -f "$file" "$file.err"' EXIT
{
    echo "# linreg generate --samples 1000000 --features 16 --out FILE.csv --threads T"
    echo "# $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'),"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$out"
for t in 1 2; do
    best=
    for rep in 1 2 3; do
        "$linreg" generate --samples 1000000 --features 16 --threads "$t" --out "$file" \
            2>"$file.err" >/dev/null
        line=$(grep 'bytes of CSV' "$file.err")
        mbs=$(echo "$line" | sed 's/.*(\([0-9.]*\) MB\/s).*/\1/')
        if [ -z "$best" ] || [ "$(awk "BEGIN{print ($mbs > $best)}")" = 1 ]; then
            best=$mbs
            bestline=$line
        fi
    done
    echo "write: $t thread(s): ${bestline#linreg generate: } (best of 3)" | tee -a "$out"
done
