#!/bin/sh
# plot-scaling.sh DIR -- the plots of a `linreg scale --out DIR` run, by
# gnuplot: time per iteration against threads (log-log, with the ideal
# line), speedup and efficiency, and the loss against iteration and against
# seconds. One curve per (reduce, precision) configuration; the time plot
# shows min and max as error bars. Points flagged by `linreg scale`
# (summary.csv's flag_* columns) are ringed: speedup above 1.1 x threads,
# IQR above 10% of the median, more threads than cores.
dir=${1:?usage: plot-scaling.sh DIR}
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plot-scaling.sh: gnuplot is not installed: skipped the plots of $dir" >&2
    exit 0
fi
sum="$dir/summary.csv"
[ -s "$sum" ] || { echo "plot-scaling.sh: no $sum" >&2; exit 1; }
. "$(dirname "$0")/plot-flags.sh"
# summary.csv columns: 4 threads, 7 median_s, 11 speedup, 12 efficiency,
# 19-21 flag_speedup, flag_iqr, flag_oversub
flags_t=$(flag_plots "$sum" 4 7 19 20 21)
flags_s=$(flag_plots "$sum" 4 11 19 20 21)
flags_e=$(flag_plots "$sum" 4 12 19 20 21)
flagged=""
[ -n "$flags_t" ] && flagged=" (ringed: flagged, see summary.csv)"
# one data file per configuration, for gnuplot
confs=$(tail -n +2 "$sum" | cut -d, -f2,3 | sort -u)
plots_t=""; plots_s=""; plots_e=""
for c in $confs; do
    f="$dir/.plot-$(echo "$c" | tr , -).csv"
    grep ",$c," "$sum" > "$f"
    t="$(echo "$c" | tr , ' ')"
    plots_t="$plots_t \"$f\" using 4:7:8:9 with yerrorlines lw 2 pt 7 title \"$t\","
    plots_s="$plots_s \"$f\" using 4:11 with linespoints lw 2 pt 7 title \"$t\","
    plots_e="$plots_e \"$f\" using 4:12 with linespoints lw 2 pt 7 title \"$t\","
done
mode=$(tail -n +2 "$sum" | head -n 1 | cut -d, -f1)
n=$(tail -n +2 "$sum" | head -n 1 | cut -d, -f5)
p=$(tail -n +2 "$sum" | head -n 1 | cut -d, -f6)
gnuplot <<EOG || { echo "plot-scaling.sh: gnuplot failed" >&2; exit 1; }
set terminal pngcairo size 800,560 font ",11"
set datafile separator ","
set grid
set key top right
stats "$sum" using 4 nooutput
tmax = STATS_max > 1 ? STATS_max : 2
stats "$sum" every ::1::1 using 7 nooutput
t1 = STATS_min

set output "$dir/time.png"
set title "$mode scaling, n = $n, p = $p: time per iteration (median; bars: min, max)"
set xlabel "threads"; set ylabel "seconds per iteration"
set logscale xy
set xrange [0.9:tmax*1.1]
set xtics ("1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32)
plot $plots_t t1/x with lines dt 2 lc rgb "#555555" title "ideal (strong)"$flags_t
unset logscale xy

set output "$dir/speedup.png"
set multiplot layout 1,2 title "$mode scaling, n = $n, p = $p$flagged"
set title "speedup"; set ylabel "speedup"
set yrange [0:*]
set key bottom right
plot $plots_s x with lines dt 2 lc rgb "#555555" title "ideal", \
     1.1*x with lines dt 3 lc rgb "#d62728" title "1.1 x ideal: above is flagged"$flags_s
set title "parallel efficiency"; set ylabel "efficiency"
set yrange [0:*]
plot $plots_e 1 with lines dt 2 lc rgb "#555555" title "ideal", \
     1.1 with lines dt 3 lc rgb "#d62728" title "1.1: above is flagged"$flags_e
unset multiplot
set autoscale y

set autoscale x
set output "$dir/loss.png"
set multiplot layout 1,2 title "loss (lr from the run; 1 thread and the most threads)"
set logscale y
set key top right
set title "against iteration"; set xlabel "iteration"; set ylabel "MSE"
plot "$dir/loss.csv" every ::1 using (\$1==1?\$2:1/0):4 with lines lw 2 title "1 thread", \
     "$dir/loss.csv" every ::1 using (\$1>1?\$2:1/0):4 with lines lw 2 dt 2 title "most threads"
set title "against seconds"; set xlabel "seconds"
plot "$dir/loss.csv" every ::1 using (\$1==1?\$3:1/0):4 with lines lw 2 title "1 thread", \
     "$dir/loss.csv" every ::1 using (\$1>1?\$3:1/0):4 with lines lw 2 dt 2 title "most threads"
unset multiplot
EOG
rm -f "$dir"/.plot-*.csv
echo "plot-scaling.sh: wrote $dir/time.png $dir/speedup.png $dir/loss.png"
