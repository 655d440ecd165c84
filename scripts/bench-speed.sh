#!/bin/sh
# bench-speed.sh BUILD [s4] -- the memory-speed measurements of `make bench`
# (part of scripts/bench.sh; about 4 minutes on 2 cores), under results/bench/
# (with s4, only the S4 files: bench-threads.csv, bench-load.csv and
# bench-s4.txt, which names their run):
#   bench-sweep.txt    the sweep's command, CPU, time and commit
#   bench-sweep.csv    time per iteration against one plain read of X and y
#                      for p = 1 .. 1000 (X about 128 MB), double and float,
#                      1 and 2 threads, reduction clause and --deterministic
#   bench-threads.csv  where threads start to pay (linreg bench --crossover)
#   bench-load.csv     three concurrent 20190 x 9 jobs: default threads
#                      (which follow the load: the smallest and largest
#                      team each job ran, and its changes), --threads 1,
#                      and 2 threads with libgomp's own spin
#   bench-sweep-isa.csv the same on the narrower paths (LR_ISA=avx2,
#                      baseline), 1 thread, p = 1 .. 200
#   bench-sweep-off.csv the sweep at widths off the issue's list
#   bench-sweep-llc.csv the sweep with X of four times the L3 cache (and
#                      bench-sweep-llc.txt: the L3's size and the command)
#   bench-sweep-cache.csv the sweep with X of 1 MB, in the cache, 1 thread:
#                      the kernels' own speed, to tell a pass bound by its
#                      arithmetic from one bound by memory
#   bench-sweep.png    the sweep's ratio against p (gnuplot, when present)
# Timings are reported, never asserted; run on a quiet machine.
set -e
. "$(dirname "$0")/run-stamp.sh"
build=${1:-build}
linreg=$build/linreg
mkdir -p results/bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/linreg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
only=${2-}
if [ "$only" != s4 ]; then
tmp_isa=$tmp/sweep-isa.csv
# the sweep's own run (bench.md's S1 and S2 name it: a sweep may be rerun
# alone, after the rest of make bench)
{
    echo "# $linreg bench --sweep --threads 1,2 --out results/bench/bench-sweep.csv"
    run_stamp ", load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > results/bench/bench-sweep.txt
"$linreg" bench --sweep --threads 1,2 --out results/bench/bench-sweep.csv
# The narrower instruction-set paths this CPU also runs (LR_ISA), 1 thread,
# fewer widths: what a machine without the widest unit gets (the AVX2
# path's lanes, kept in memory by GCC at 2-5x a plain read, went unseen
# while only the widest path was measured). A path the CPU lacks fails and
# is skipped.
native=$(/usr/bin/python3 -c 'import csv, sys
print(next(csv.DictReader(open(sys.argv[1])))["isa"])' results/bench/bench-sweep.csv)
rm -f results/bench/bench-sweep-isa.csv
for isa in avx2 baseline; do
    [ "$isa" = "$native" ] && continue
    LR_ISA=$isa "$linreg" bench --sweep --ps 1,3,8,13,16,24,32,64,200 \
        --threads 1 --out "$tmp_isa" >/dev/null 2>&1 || continue
    if [ -f results/bench/bench-sweep-isa.csv ]; then
        tail -n +2 "$tmp_isa" >> results/bench/bench-sweep-isa.csv
    else
        cp "$tmp_isa" results/bench/bench-sweep-isa.csv
    fi
done
# Widths off the issue's list (the list is a sample of every p): between
# its points, on both sides of the kernels' thresholds (16/17, 32/33,
# 128/129, 1024/1025, 1536/1537) and past 1000.
"$linreg" bench --sweep --threads 1,2 \
    --ps 4,6,9,11,17,20,31,33,40,48,65,80,127,129,300,700,1025,1537,2048,3000,5000 \
    --out results/bench/bench-sweep-off.csv
# The same sweep with X past the last-level cache: at the issue's 128 MB a
# large L3 (260 MiB on the Intel VM, 300 MiB on the 16-core device) holds
# much of X, and the plain read then runs at the cache's speed, not
# memory's. X of four times the L3 (at least 512 MB; at most a quarter of
# the memory available, which the double and float copies share); not
# run where the L3 is under 32 MB or unknown (the 128 MB sweep is then
# past it already).
rm -f results/bench/bench-sweep-llc.csv results/bench/bench-sweep-llc.txt
l3=$(getconf LEVEL3_CACHE_SIZE 2>/dev/null || echo 0)
case $l3 in '' | *[!0-9]*) l3=0 ;; esac
avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo 2>/dev/null)
case $avail in '' | *[!0-9]*) avail=0 ;; esac
if [ "$l3" -ge 33554432 ]; then
    mb=$(( (4 * l3 / 1000000 + 127) / 128 * 128 ))
    [ "$mb" -lt 512 ] && mb=512
    cap=$(( avail / 1000 / 4 ))
    if [ "$mb" -le "$cap" ]; then
        # the command as run is the one the report quotes
        llc_args="bench --sweep --mb $mb --threads 1,2 --repeat 5"
        # shellcheck disable=SC2086 # a list of words on purpose
        "$linreg" $llc_args --out results/bench/bench-sweep-llc.csv
        printf 'l3_bytes=%s\nmb=%s\ncommand=linreg %s\n' "$l3" "$mb" "$llc_args" \
            > results/bench/bench-sweep-llc.txt
    else
        echo "bench-speed.sh: X of $mb MB would not fit: no sweep past the L3" >&2
    fi
fi
# The same widths with X of 1 MB (in the L2 or L3 cache), 1 thread: the
# rate of the kernels' arithmetic. A pass as fast from memory as from the
# cache is bound by its arithmetic, not by memory (AMD EPYC family 26 VM:
# float p = 3 to 1000 ran at 0.76-1.06 of its rate in the cache, double at
# 0.44-0.92). Many repeats: an iteration takes about 15 us.
"$linreg" bench --sweep --mb 1 --threads 1 --repeat 21 \
    --out results/bench/bench-sweep-cache.csv
fi
# S4's run, which bench.md names (S4 may be rerun alone: bench-speed.sh BUILD s4)
{
    echo "# $linreg bench --crossover 9 --threads 2 --out results/bench/bench-threads.csv; three concurrent jobs (bench-load.csv)"
    run_stamp ", load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > results/bench/bench-s4.txt
"$linreg" bench --crossover 9 --threads 2 --out results/bench/bench-threads.csv

# Three jobs at once, each 20190 x 9 (a statsmodels-sized problem), per
# iteration: default threads (one per 24576 elements: 2 here, fewer while
# the other jobs keep the cores busy: /proc/loadavg), one thread
# each, and two threads each with libgomp's default wait (GOMP_SPINCOUNT
# 300000 spins, about 7 ms), which linreg replaces unless the user set one.
echo "case,job,threads,threads_min,threads_max,switches,s_per_iter,command" \
    > results/bench/bench-load.csv
# rounds outer, cases inner: a change in the machine's other load between
# rounds falls on every case alike
for rep in 1 2 3; do
    for case in default threads1 gomp-spin; do
        for job in 1 2 3; do
            set -- train --samples 20190 --features 9 --generator fast --iters 5000 \
                --lr 0.01 --no-exact --quiet
            case $case in
                threads1) set -- "$@" --threads 1 ;;
            esac
            if [ "$case" = gomp-spin ]; then
                GOMP_SPINCOUNT=300000 "$linreg" "$@" --threads 2 >"$tmp/$job.out" 2>&1 &
            else
                "$linreg" "$@" >"$tmp/$job.out" 2>&1 &
            fi
        done
        wait
        for job in 1 2 3; do
            spi=$(sed -n 's/.*total, \([^ ]*\) s per iteration.*/\1/p' "$tmp/$job.out")
            # "threads  2" or "threads  2 (following the load: 1 to 2, 3 changes)"
            thr=$(sed -n 's/^threads *\([0-9]*\).*/\1/p' "$tmp/$job.out")
            team=$(sed -n 's/^threads.*following the load: \([0-9]*\) to \([0-9]*\), \([0-9]*\) change.*/\1,\2,\3/p' \
                "$tmp/$job.out")
            [ -n "$team" ] || team="$thr,$thr,0"
            cmd="linreg $*"
            [ "$case" = gomp-spin ] && cmd="GOMP_SPINCOUNT=300000 linreg $* --threads 2"
            echo "$case,$rep.$job,$thr,$team,$spi,$cmd" >> results/bench/bench-load.csv
        done
    done
done
cat results/bench/bench-load.csv
[ "$only" = s4 ] && exit 0

if command -v gnuplot >/dev/null 2>&1; then
    /usr/bin/python3 scripts/bench-report.py --sweep-dat results/bench > "$tmp/sweep.dat"
    gnuplot <<GP
set terminal pngcairo size 900,560
set output 'results/bench/bench-sweep.png'
set logscale x 2
set xlabel 'features p (X about 128 MB)'
set ylabel 'time per iteration / one plain read of X and y'
set key top left
set grid
set yrange [0:*]
plot 1.15 title 'target 1.15' lw 2 dt 2 lc rgb 'black', \
  for [c=2:5] '$tmp/sweep.dat' using 1:c with linespoints title columnheader(c)
GP
    echo "bench-speed.sh: wrote results/bench/bench-sweep.png"
else
    echo "bench-speed.sh: gnuplot missing: no results/bench/bench-sweep.png" >&2
fi
