#!/bin/sh
# mpi-scale.sh [BUILD] [N] [P] [ITERS] -- a grid of MPI ranks x OpenMP
# threads for linreg-mpi on generated data (fast generator): time per
# iteration (median of 3 runs), speedup and efficiency against 1 rank x 1
# thread, and the time spent in the collectives (allreduce) shown apart.
# Writes results/mpi/grid.csv and prints a table. On the 2-core development
# machine any grid beyond 2 ranks x 1 thread or 1 x 2 oversubscribes.
set -e
build=${1:-build}
n=${2:-2000000}
p=${3:-16}
iters=${4:-50}
out=results/mpi
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "ranks,threads,n,p,iters,time_per_iter_s,comm_per_iter_s,comm_fraction,speedup,efficiency" > "$out/grid.csv"
t11=""
printf '%6s %8s %14s %14s %10s %9s %7s\n' ranks threads "s/iter" "comm s/iter" "comm %" speedup eff
for ranks in 1 2; do
    for threads in 1 2; do
        for k in 1 2 3; do
            mpirun -np "$ranks" --bind-to none "$build/linreg-mpi" train \
                --samples "$n" --features "$p" --generator fast --seed 3 --noise 1 \
                --iters "$iters" --lr 0.1 --threads "$threads" --quiet \
                --report "$tmp/r$k.json" >/dev/null 2>&1
        done
        line=$(/usr/bin/python3 - "$tmp" <<'EOP'
import json, statistics, sys
rs = [json.load(open("%s/r%d.json" % (sys.argv[1], k))) for k in (1, 2, 3)]
t = statistics.median(r["time_per_iter_s"] for r in rs)
c = statistics.median(r["comm_per_iter_s"] for r in rs)
print("%.6g %.6g" % (t, c))
EOP
)
        t=${line% *}; c=${line#* }
        [ -z "$t11" ] && t11=$t
        row=$(awk -v t="$t" -v c="$c" -v t1="$t11" -v r="$ranks" -v th="$threads" \
            'BEGIN{s=t1/t; printf "%.6g,%.6g,%.4f,%.4f,%.4f", t, c, c/t, s, s/(r*th)}')
        echo "$ranks,$threads,$n,$p,$iters,$row" >> "$out/grid.csv"
        echo "$row" | awk -F, -v r="$ranks" -v th="$threads" \
            '{printf "%6d %8d %14.6g %14.6g %9.1f%% %9.3f %7.3f\n", r, th, $1, $2, 100*$3, $4, $5}'
    done
done
echo "wrote $out/grid.csv"
