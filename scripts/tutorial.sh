#!/bin/sh
# tutorial.sh BUILD -- `make tutorial`: the NumPy tutorial and linreg side by
# side on the same data (make_regression(500, 1, noise=15, random_state=4))
# and the same initial weights (np.random.seed(42)), written to
# results/tutorial/tutorial.md with gnuplot pictures beside it. The data
# goes to a temporary file (it is `make run`'s
# results/driver/tutorial_data.csv, byte for byte).
# Needs python3-numpy and python3-sklearn (scripts/deps.sh all).
set -e
build=${1:-build}
out=results/tutorial
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=$tmp/data.csv
seed=42
lr="$build/linreg"
py=/usr/bin/python3

"$lr" generate --samples 500 --features 1 --noise 15 --seed 4 --out "$data"
# history at every iteration, for the loss curves
"$lr" train --data "$data" --init-seed $seed --log-every 1 --quiet \
    --history "$out/linreg_history.csv" --report "$out/linreg_history_report.json" >/dev/null
$py scripts/tutorial.py --init-seed $seed --history "$out/numpy_history.csv" >/dev/null
# timed runs without per-iteration logging (best of 5 for both)
for k in 1 2 3 4 5; do
    "$lr" train --samples 500 --features 1 --noise 15 --seed 4 --init-seed $seed \
        --quiet --report "$out/linreg_report_$k.json" --model-out "$out/linreg_model.json" >/dev/null
    $py scripts/tutorial.py --init-seed $seed > "$out/numpy_$k.json"
done
$py scripts/tutorial-report.py "$out" > "$out/tutorial.md"
rm -f "$out"/linreg_report_[2-5].json "$out"/numpy_[2-5].json "$out/linreg_history_report.json"

if command -v gnuplot >/dev/null 2>&1; then
    w0=$($py -c "import json;print(json.load(open('$out/linreg_report_1.json'))['initial_weights'][0])")
    w1=$($py -c "import json;print(json.load(open('$out/linreg_report_1.json'))['weights'][0])")
    b1=$($py -c "import json;print(json.load(open('$out/linreg_report_1.json'))['bias'])")
    wn=$($py -c "import json;print(json.load(open('$out/numpy_1.json'))['weights'][0])")
    bn=$($py -c "import json;print(json.load(open('$out/numpy_1.json'))['bias'])")
    gnuplot <<EOG
set terminal pngcairo size 800,560 font ",11"
set datafile separator ","
set grid
set key top left
set output "$out/fit.png"
set title "The tutorial's data, the line before and after 1000 iterations"
set xlabel "x"; set ylabel "y"
plot "$data" every ::1 using 1:2 with points pt 7 ps 0.5 lc rgb "#7f7f7f" title "make\\\\_regression(500, 1, noise=15, random\\\\_state=4)", \
     $w0*x with lines lw 2 lc rgb "#d62728" title sprintf("before (both): w = %.6f, b = 0", $w0), \
     $w1*x + $b1 with lines lw 4 lc rgb "#1f77b4" title sprintf("after, linreg: w = %.10f, b = %.10f", $w1, $b1), \
     $wn*x + $bn with lines lw 1.5 dt 2 lc rgb "#ff7f0e" title sprintf("after, NumPy:  w = %.10f, b = %.10f", $wn, $bn)
set output "$out/loss.png"
set title "Loss against iteration (lr 0.01)"
set xlabel "iteration"; set ylabel "mean squared error"
set logscale y
set key top right
plot "$out/linreg_history.csv" every ::1 using 1:2 with lines lw 4 lc rgb "#1f77b4" title "linreg", \
     "$out/numpy_history.csv" every ::1 using 1:2 with lines lw 1.5 dt 2 lc rgb "#ff7f0e" title "NumPy tutorial"
EOG
    echo "tutorial.sh: wrote $out/tutorial.md, $out/fit.png, $out/loss.png"
else
    echo "tutorial.sh: gnuplot is not installed: skipped $out/fit.png and $out/loss.png" >&2
fi
