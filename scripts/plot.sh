#!/bin/sh
# plot.sh DIR -- the pictures of `make run`, by gnuplot, from what the
# driver wrote in DIR: the tutorial's data with the line before and after
# training, its loss curve, and time per iteration and speedup against
# threads, with the points the driver flagged (scaling_summary.csv's flag_*
# columns) ringed. Without gnuplot it says which plots it skipped and
# succeeds.
dir=${1:-results/driver}
plots="$dir/tutorial_fit.png $dir/tutorial_loss.png $dir/scaling.png"
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plot.sh: gnuplot is not installed: skipped $plots" >&2
    echo "plot.sh: to get them: apt-get install -y gnuplot-nox" >&2
    exit 0
fi
rep="$dir/tutorial_report.json"
# cJSON writes one key a line: "key":<tab>[v] or "key":<tab>v
get() { sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\\[*\\([^],]*\\)\\]*,*\$/\\1/p" "$rep" | head -n 1; }
w0=$(get initial_weights); b0=$(get initial_bias)
w1=$(get weights); b1=$(get bias)
if [ -z "$w0" ] || [ -z "$w1" ]; then
    echo "plot.sh: cannot read the weights from $rep: skipped $plots" >&2
    exit 0
fi
. "$(dirname "$0")/plot-flags.sh"
# scaling_summary.csv columns: 1 threads, 2 time_per_iter_s, 3 speedup,
# 4 efficiency, 8-10 flag_speedup, flag_iqr, flag_oversub
ss="$dir/scaling_summary.csv"
flags_t=$(flag_plots "$ss" 1 2 8 9 10)
flags_s=$(flag_plots "$ss" 1 3 8 9 10)
flagged=""
[ -n "$flags_t" ] && flagged=", ringed: flagged, see scaling\\\\_summary.csv"
gnuplot <<EOG || { echo "plot.sh: gnuplot failed" >&2; exit 1; }
set terminal pngcairo size 800,560 font ",11"
set datafile separator ","
set key top left
set grid

set output "$dir/tutorial_fit.png"
set title "make\\\\_regression(500, 1, noise=15, random\\\\_state=4): before and after 1000 iterations"
set xlabel "x"; set ylabel "y"
plot "$dir/tutorial_data.csv" every ::1 using 1:2 with points pt 7 ps 0.5 lc rgb "#7f7f7f" title "data", \
     $w0*x + $b0 with lines lw 2 lc rgb "#d62728" title sprintf("before: w = %.4f, b = %.4f", $w0, $b0), \
     $w1*x + $b1 with lines lw 2 lc rgb "#1f77b4" title sprintf("after:  w = %.4f, b = %.4f", $w1, $b1)

set output "$dir/tutorial_loss.png"
set title "Loss of the tutorial run (lr 0.01)"
set xlabel "iteration"; set ylabel "mean squared error"
set logscale y
plot "$dir/tutorial_history.csv" every ::1 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "linreg"
unset logscale y

set output "$dir/scaling.png"
set terminal pngcairo size 1000,560 font ",11"
set multiplot layout 1,2 title "Thread scaling (scaling\\\\_summary.csv$flagged)"
set title "time per iteration"
set xlabel "threads"; set ylabel "seconds"
set logscale xy
stats "$dir/scaling_summary.csv" every ::1::1 using 2 nooutput
t1 = STATS_min
stats "$dir/scaling_summary.csv" using 1 nooutput
tmax = STATS_max > 1 ? STATS_max : 2
set xrange [0.9:tmax*1.1]
set xtics ("1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32, "64" 64)
plot "$dir/scaling_summary.csv" every ::1 using 1:2 with linespoints lw 2 pt 7 title "measured", \
     t1/x with lines dt 2 lc rgb "#555555" title "ideal"$flags_t
unset logscale xy
set xtics autofreq
set title "speedup and efficiency"
set key bottom right Left reverse font ",9"
set ylabel "speedup"; set y2label "efficiency"; set y2tics; set ytics nomirror
stats "$dir/scaling_summary.csv" every ::1 using 3 nooutput
smax = STATS_max > tmax ? STATS_max : tmax
set yrange [0:smax*1.15]; set y2range [0:smax*1.15/tmax]
plot "$dir/scaling_summary.csv" every ::1 using 1:3 with linespoints lw 2 pt 7 title "speedup", \
     x with lines dt 2 lc rgb "#555555" title "ideal", \
     1.1*x with lines dt 3 lc rgb "#d62728" title "1.1 x ideal: above is flagged", \
     "$dir/scaling_summary.csv" every ::1 using 1:4 axes x1y2 with linespoints lw 2 pt 5 title "efficiency"$flags_s
unset multiplot
EOG
echo "plot.sh: wrote $plots"
