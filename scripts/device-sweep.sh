#!/bin/sh
# device-sweep.sh OUTDIR [BUILD] [THREADS] -- the one run made on a lent
# many-core machine (the device tool's 16-core host), which has neither a
# compiler nor GSL nor gnuplot: BUILD/linreg is built here and carried with
# the shared libraries it needs (LD_LIBRARY_PATH is the caller's).
#   1. OUTDIR/machine.txt: the CPU, caches, memory and NUMA layout.
#   2. scaling-sweep.sh (MAKE=0 PLOTS=0) into OUTDIR/results: strong and
#      weak scaling and the driver's table, at THREADS (default
#      1,2,4,8,12,16). Its settle waits are cut to SETTLE_MAX (default
#      10 s): the load average left by a 16-thread run takes minutes to
#      decay, and the lease is 15 minutes; the tables say "busy" then.
#   3. OUTDIR/sweep.csv and sweep.txt: `linreg bench --sweep` (iteration
#      against a plain read, at every p of issue #10) with X of SWEEP_MB
#      (default 512) MB, so that X is larger than a server's L3 cache.
# `device-sweep.sh --bundle DIR [BUILD]` makes that carried folder here:
# DIR/build holds linreg and bench-gram, stripped, and DIR/lib the shared
# libraries ldd names outside glibc (GSL, OpenBLAS, cJSON, libgomp, ...),
# about 45 MB. The device call then was, with .dev in .git/info/exclude:
#   run(carry [".dev"]): export LD_LIBRARY_PATH=$PWD/.dev/lib;
#       sh scripts/device-sweep.sh /tmp/dv .dev/build; tar czf $OUT/... /tmp/dv
# `device-sweep.sh --load OUTDIR [BUILD]` is issue #10's S4 on the many
# cores: OUTDIR/crossover.csv (`linreg bench --crossover 9 --threads
# 2,4,8,16`: the default count against 1 thread at 8e3 to 8e6 elements)
# and OUTDIR/load.csv (J = 3, 8 and 16 concurrent 20190 x 9 jobs, default
# threads against --threads 1 each, two rounds, cases interleaved).
# `device-sweep.sh --csv OUTDIR [BUILD]` is issue #10's S5 on the many
# cores: OUTDIR/csv.txt, at THREADS (default 1,2,4,8,16), `linreg
# generate` writing the 1e6 x 16 CSV (MB/s as it reports them: formatting
# and writing, not the generation) and the wall time of `linreg train
# --data FILE --iters 1 --no-exact` reading it, best of 3 each, as
# scripts/bench-write.sh and bench-read.sh measure on 2 cores.
# Each step has a time limit (STEP1_S, STEP2_S, in seconds) so that the
# whole run ends inside the lease with what it finished. The plots are made
# afterwards, here, by plot-scaling.sh and plot.sh.
set -u
if [ "${1:-}" = --bundle ]; then
    dir=${2:?usage: device-sweep.sh --bundle DIR [BUILD]}
    build=${3:-build}
    rm -rf "$dir" && mkdir -p "$dir/build" "$dir/lib" || exit 1
    for b in linreg bench-gram; do
        [ -x "$build/$b" ] || { echo "device-sweep.sh: no $build/$b" >&2; exit 1; }
        cp "$build/$b" "$dir/build/" && strip "$dir/build/$b" || exit 1
    done
    ldd "$build/linreg" "$build/bench-gram" | awk '$2 == "=>" { print $1, $3 }' |
        sort -u | while read -r name path; do
        case $name in
            libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*) ;;
            *) cp -L "$path" "$dir/lib/$name" || exit 1 ;;
        esac
    done
    du -sh "$dir"
    exit 0
fi
if [ "${1:-}" = --csv ]; then
    out=${2:?usage: device-sweep.sh --csv OUTDIR [BUILD]}
    build=${3:-build}
    mkdir -p "$out"
    f=$out/big.csv
    now() { date +%s.%N; }
    best() { # best of 3 wall seconds of "$@"
        b=
        for _ in 1 2 3; do
            t0=$(now); "$@" >/dev/null 2>&1 || return 1; t1=$(now)
            b=$(awk -v a="$t0" -v z="$t1" -v b="$b" \
                'BEGIN { d = z - a; print (b == "" || d < b) ? d : b }')
        done
        echo "$b"
    }
    {
        echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores"
        echo "threads write_MB/s read_s read_MB/s"
        for t in $(echo "${THREADS:-1,2,4,8,16}" | tr , ' '); do
            w=
            for _ in 1 2 3; do
                "$build/linreg" generate --samples 1000000 --features 16 \
                    --threads "$t" --out "$f" >/dev/null 2>"$out/gen.err" || exit 1
                m=$(sed -n 's/.*bytes of CSV.*(\([0-9.]*\) MB\/s).*/\1/p' "$out/gen.err")
                w=$(awk -v m="$m" -v w="$w" 'BEGIN { print (w == "" || m > w) ? m : w }')
            done
            size=$(stat -c %s "$f")
            r=$(best "$build/linreg" train --data "$f" --iters 1 --no-exact \
                --quiet --threads "$t") || exit 1
            awk -v t="$t" -v w="$w" -v r="$r" -v b="$size" 'BEGIN {
                printf "%d %.0f %.3f %.0f\n", t, w, r, b / r / 1e6 }'
        done
        rm -f "$out/gen.err"
        echo "# file: $(stat -c %s "$f") bytes"
    } | tee "$out/csv.txt"
    rm -f "$f"
    exit 0
fi
if [ "${1:-}" = --load ]; then
    out=${2:?usage: device-sweep.sh --load OUTDIR [BUILD]}
    build=${3:-build}
    mkdir -p "$out"
    timeout 150 "$build/linreg" bench --crossover 9 --threads 2,4,8,16 \
        --out "$out/crossover.csv" 2>&1 | tee "$out/crossover.txt"
    echo "jobs,round,case,job,threads,s_per_iter" >"$out/load.csv"
    for jobs in 3 8 16; do
        for round in 1 2; do
            for case in default threads1; do
                j=1
                while [ "$j" -le "$jobs" ]; do
                    set -- train --samples 20190 --features 9 --generator fast \
                        --iters 5000 --lr 0.01 --no-exact --quiet
                    [ "$case" = threads1 ] && set -- "$@" --threads 1
                    "$build/linreg" "$@" >"$out/job$j.out" 2>&1 &
                    j=$((j + 1))
                done
                wait
                j=1
                while [ "$j" -le "$jobs" ]; do
                    spi=$(sed -n 's/.*total, \([^ ]*\) s per iteration.*/\1/p' "$out/job$j.out")
                    thr=$(sed -n 's/^threads *\([0-9]*\).*/\1/p' "$out/job$j.out")
                    echo "$jobs,$round,$case,$j,$thr,$spi" >>"$out/load.csv"
                    j=$((j + 1))
                done
            done
        done
    done
    rm -f "$out"/job*.out
    awk -F, 'NR > 1 { s[$1 "," $3] += $6; n[$1 "," $3]++ }
        END { for (k in s) printf "%s mean s/iter %.3g\n", k, s[k] / n[k] }' \
        "$out/load.csv" | sort -n
    exit 0
fi
out=${1:?usage: device-sweep.sh OUTDIR [BUILD] [THREADS]}
build=${2:-build}
threads=${3:-1,2,4,8,12,16}
here=$(dirname "$0")
mkdir -p "$out"
start=$(date +%s)
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "uname: $(uname -srm)"
    echo "nproc: $(nproc)"
    command -v lscpu >/dev/null 2>&1 && lscpu
    grep -m1 'model name' /proc/cpuinfo
    grep -m1 'flags' /proc/cpuinfo
    grep -E 'MemTotal|MemAvailable|Hugepagesize' /proc/meminfo
    ls -d /sys/devices/system/node/node* 2>/dev/null
    cat /sys/devices/system/cpu/cpu0/cache/index*/size 2>/dev/null | tr '\n' ' '
    echo
    echo "loadavg: $(cat /proc/loadavg)"
    "$build/linreg" --version 2>&1
} >"$out/machine.txt" 2>&1
cat "$out/machine.txt"

echo "== scaling-sweep.sh at threads $threads"
RESULTS="$out/results" MAKE=0 PLOTS=0 SETTLE_MAX=${SETTLE_MAX:-10} \
    timeout "${STEP1_S:-300}" sh "$here/scaling-sweep.sh" "$build" "$threads" \
    >"$out/scaling.log" 2>&1
echo "scaling-sweep.sh: exit $? after $(( $(date +%s) - start )) s"
tail -n 8 "$out/scaling.log"

echo "== linreg bench --sweep at threads 1,2,4,8,16"
timeout "${STEP2_S:-200}" "$build/linreg" bench --sweep --mb "${SWEEP_MB:-512}" \
    --threads 1,2,4,8,16 --repeat 7 --out "$out/sweep.csv" >"$out/sweep.txt" 2>&1
echo "bench --sweep: exit $? after $(( $(date +%s) - start )) s"
cat "$out/sweep.txt"
