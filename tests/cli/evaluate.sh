# tests/cli/evaluate.sh -- the model file's contents, evaluate, --delimiter and
# .npy input.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# ------------------------------------------ evaluate, delimiter, model file

run generate --samples 400 --features 3 --noise 0.5 --seed 23 --out ev.csv
run train --data ev.csv --lr auto --iters 300 --standardize --quiet --model-out ev.json
expect_rc 0
need ev.json && pycheck ev.json '
import json, sys
m = json.load(open(sys.argv[1]))
for k in ("format", "version", "feature_names", "intercept", "scaling", "training", "metrics"):
    if k not in m:
        print("model file lacks", k)
if m["scaling"]["method"] != "standardize" or len(m["scaling"]["sd"]) != 3:
    print("scaling", m["scaling"])
if m["training"]["optimizer"] != "gd" or "final_mse" not in m["metrics"]:
    print("training/metrics", m["training"], m["metrics"])
' ev.json
report "model file: version, names, intercept, scaling, options, metrics"

run evaluate --model ev.json --data ev.csv
expect_rc 0
expect_out "mse" "rmse" "mae" "r2"
pycheck stdout '
import sys
v = dict(l.split() for l in open(sys.argv[1]) if l.strip())
mse, rmse, mae = float(v["mse"]), float(v["rmse"]), float(v["mae"])
if abs(rmse * rmse - mse) > 1e-12 * mse or not (0 < mae <= rmse):
    print("inconsistent metrics", v)
' "$out"
report "evaluate prints MSE, RMSE, MAE and R2 (RMSE^2 = MSE, MAE <= RMSE)"

tr , ';' < ev.csv > ev-semi.csv
run evaluate --model ev.json --data ev-semi.csv --delimiter ';'
expect_rc 0
expect_out "rmse"
report "evaluate --delimiter ';'"

run evaluate --model ev.json --data ev-semi.csv
expect_rc 1
expect_err "ev-semi.csv"
report "a ';' file read with ',' is refused, naming the file"

usage_error "--delimiter two characters" train "--delimiter" -- --data ev.csv --delimiter ab
usage_error "evaluate --out" evaluate "--out" -- --model ev.json --data ev.csv --out x

printf 'x1,x2,x3\n1,2,3\n' > noy.csv
run evaluate --model ev.json --data noy.csv
expect_rc 1
expect_err "noy.csv" "target"
report "evaluate without a target column names the file"

run generate --samples 300 --features 3 --noise 0.5 --seed 23 --out np.npy --target-out npy-y.npy
run train --data np.npy --target-file npy-y.npy --lr auto --iters 300 --quiet --model-out npm.json
expect_rc 0
run evaluate --model npm.json --data np.npy --target-file npy-y.npy
expect_rc 0
expect_out "r2"
report "train and evaluate on .npy files"
