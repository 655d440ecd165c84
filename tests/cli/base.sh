# tests/cli/base.sh -- the original command-line tests: help, usage errors,
# data files, divergence, outputs, round trips, determinism, the tutorial,
# solvers, --lr auto, evaluate, absurd sizes. Sourced by tests/cli.sh.

# ------------------------------------------------------------------ help

run --help
expect_rc 0; expect_out "usage:" "generate" "train" "predict"
report "linreg --help exits 0 and lists the commands"

for c in generate train predict driver bench; do
    run "$c" --help
    expect_rc 0; expect_out "usage: linreg $c"
    report "linreg $c --help exits 0"
done

# ---------------------------------------------------------- usage errors

# usage_error DESCRIPTION CMD PHRASES -- ARGS...: expect exit 2, a
# "linreg CMD:" message with each PHRASE, and no --model-out/--report
# file (train) created, nor a pre-existing one clobbered.
usage_error() {
    local desc=$1 cmd=$2
    shift 2
    local phrases=()
    while [ "$1" != "--" ]; do phrases+=("$1"); shift; done
    shift
    rm -f m.json r.json
    plant kept.json
    case $cmd in
        train) run train --model-out m.json --report r.json "$@" ;;
        generate) run generate --out m.json --coef-out r.json "$@" ;;
        *) run "$cmd" "$@" ;;
    esac
    expect_rc 2
    expect_prefix "$cmd"
    expect_err "${phrases[@]}"
    expect_absent m.json r.json
    report "usage error: $desc"
}

usage_error "unknown option" train "--bogus" -- --samples 10 --bogus
usage_error "--lr abc" train "--lr" "abc" -- --lr abc
usage_error "--lr -1" train "--lr" "-1" -- --lr -1
usage_error "--lr 0" train "--lr" -- --lr 0
usage_error "--lr 1e400 (overflow)" train "--lr" -- --lr 1e400
usage_error "--lr nan" train "--lr" -- --lr nan
usage_error "--iters -5" train "--iters" "-5" -- --iters -5
usage_error "--iters 12x" train "--iters" -- --iters 12x
usage_error "--samples 0" train "--samples" -- --samples 0
usage_error "--features 0" train "--features" -- --features 0
usage_error "--threads 0" train "--threads" -- --threads 0
usage_error "--tol 2" train "--tol" -- --tol 2
usage_error "--seed 4294967296" train "--seed" "4294967296" -- --seed 4294967296
usage_error "--init bogus" train "--init" "bogus" -- --init bogus
usage_error "--generator bogus" train "--generator" "bogus" -- --generator bogus
usage_error "--lr without a value" train "--lr" -- --samples 10 --lr
usage_error "--data together with --samples" train "--data" "--samples" \
    -- --data x.csv --samples 5
usage_error "generate --samples 0" generate "--samples" -- --samples 0
usage_error "generate --features 0" generate "--features" -- --features 0
usage_error "generate --seed 4294967296" generate "--seed" -- --seed 4294967296
usage_error "generate --generator bogus" generate "--generator" "bogus" \
    -- --generator bogus

run nosuch
expect_rc 2; expect_prefix ""; expect_err "nosuch"
report "usage error: unknown command"

run
expect_rc 2; expect_err "usage"
report "usage error: no command"

run generate --samples 5 --features 2
expect_rc 2; expect_prefix generate; expect_err "--out"
report "usage error: generate without --out"

good_csv >g.csv
rm -f p.csv
run predict --data g.csv --out p.csv
expect_rc 2; expect_prefix predict; expect_err "--model"
expect_absent p.csv
report "usage error: predict without --model"

run predict --model m.json --data g.csv --out p.csv --bogus
expect_rc 2; expect_prefix predict; expect_err "--bogus"
expect_absent p.csv
report "usage error: predict with an unknown option"

plant s.csv
run generate --samples 0 --features 2 --out s.csv
expect_rc 2; expect_kept s.csv
report "usage error: generate --samples 0 keeps a pre-existing --out file"

run generate --seed 4294967295 --samples 5 --features 2 --out s.csv
expect_rc 0; expect_exists s.csv
report "generate --seed 4294967295 (the largest seed) is accepted"

# ------------------------------------------------------ data file errors

# data_error DESCRIPTION FILE PHRASES...: train on FILE; expect exit 1,
# a "linreg train:" message with each PHRASE, no output files created,
# and a pre-existing model file kept.
data_error() {
    local desc=$1 file=$2
    shift 2
    rm -f r.json
    plant m.json
    run train --data "$file" --model-out m.json --report r.json --quiet
    expect_rc 1
    expect_prefix train
    expect_err "$@"
    expect_absent r.json
    expect_kept m.json
    report "data error: $desc"
}

data_error "missing file" missing.csv "missing.csv"

: >empty.csv
data_error "empty file" empty.csv "empty.csv"

printf 'x1,x2,y\n' >hdr.csv
data_error "header only" hdr.csv "hdr.csv"

printf 'x1,x2,y\n1,2,3\n4,5\n6,7,8\n' >few.csv
data_error "row with too few fields" few.csv "few.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,5,6,7\n' >many.csv
data_error "row with too many fields" many.csv "many.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,abc,5\n' >nn.csv
data_error "non-numeric cell" nn.csv "nn.csv:3:" "abc"

printf 'x1,x2,y\n1,2,3\n4,5,6\n7,8,9\n1,2,3x\n' >nn5.csv
data_error "non-numeric cell on line 5 (trailing garbage)" nn5.csv "nn5.csv:5:" "3x"

printf 'x1,x2,y\n1,2,3\n4,,5\n' >emptycell.csv
data_error "empty cell" emptycell.csv "emptycell.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,nan,5\n' >nan.csv
data_error "NaN cell" nan.csv "nan.csv:3:" "nan"

printf 'x1,x2,y\n1,2,3\n4,inf,5\n' >inf.csv
data_error "inf cell" inf.csv "inf.csv:3:" "inf"

printf 'x1,x2,y\n1,2,3\n4,5,-Infinity\n' >ninf.csv
data_error "-Infinity cell" ninf.csv "ninf.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,1e400,5\n' >ov.csv
data_error "1e400 (overflow)" ov.csv "ov.csv:3:" "1e400"

printf 'x1,x2,z\n1,2,3\n4,1,5\n' >noy.csv
data_error "no y column" noy.csv "noy.csv" "'y'"

printf 'x1,x1,y\n1,2,3\n4,1,5\n' >dup.csv
data_error "duplicated column names" dup.csv "dup.csv" "x1"

printf 'x1,x2,y\r\n1,2,3\r\n4,abc,5\r\n' >crlferr.csv
data_error "CRLF file with a bad cell names line 3" crlferr.csv "crlferr.csv:3:"

good_csv >g.csv
rm -f r.json
plant m.json
run train --data g.csv --target nosuch --model-out m.json --report r.json --quiet
expect_rc 1; expect_prefix train; expect_err "g.csv" "nosuch"
expect_absent r.json; expect_kept m.json
report "data error: --target nosuch"

# ------------------------------------------------------- accepted inputs

# The reference model, from the plain file; the variants must give the
# same model file, byte for byte (same data, same names).
good_csv >g.csv
run train --data g.csv --threads 1 --deterministic --model-out ref.json --quiet
expect_rc 0; expect_exists ref.json
report "train on a small plain CSV succeeds"

# accepted DESCRIPTION FILE: train on FILE succeeds, same model as g.csv.
accepted() {
    rm -f acc.json
    run train --data "$2" --threads 1 --deterministic --model-out acc.json --quiet
    expect_rc 0
    expect_exists acc.json
    if need acc.json ref.json && ! cmp -s ref.json acc.json; then
        fail "model differs from the one trained on the plain file"
    fi
    report "accepted input: $1"
}

good_csv | sed 's/$/\r/' >crlf.csv
accepted "CRLF line endings" crlf.csv

{ printf '\357\273\277'; good_csv; } >bom.csv
accepted "UTF-8 byte order mark" bom.csv

{ good_csv; echo; } >blank.csv
accepted "trailing blank line" blank.csv

good_csv | head -c -1 >nonl.csv
accepted "no newline at the end of the file" nonl.csv

# ------------------------------------------------------------ divergence

rm -f M R
run train --samples 200 --features 3 --noise 1 --seed 3 --lr 50 \
    --model-out M --report R
expect_rc 1; expect_prefix train; expect_err "learning rate" "50"
expect_absent M R
report "divergence at --lr 50: exit 1, names the learning rate, no outputs"

rm -f R
plant M
run train --samples 200 --features 3 --noise 1 --seed 3 --lr 50 \
    --model-out M --report R --quiet
expect_rc 1; expect_err "learning rate"
expect_kept M; expect_absent R
report "divergence at --lr 50 keeps a pre-existing --model-out file"

# ------------------------------------------------------ unwritable output

rm -f r.json
run train --samples 20 --features 2 --quiet --model-out /nonexistent-dir/m.json
expect_rc 1; expect_prefix train; expect_err "/nonexistent-dir/m.json"
report "unwritable --model-out: exit 1 naming the path"

rm -f r.json
run train --samples 20 --features 2 --quiet --report r.json \
    --model-out /nonexistent-dir/m.json
expect_rc 1; expect_err "/nonexistent-dir/m.json"; expect_absent r.json
report "unwritable --model-out: the --report file is not created"

rm -f m.json
run train --samples 20 --features 2 --quiet --model-out m.json \
    --report /nonexistent-dir/r.json
expect_rc 1; expect_err "/nonexistent-dir/r.json"; expect_absent m.json
report "unwritable --report: the --model-out file is not created"

plant m.json
run train --samples 20 --features 2 --quiet --model-out m.json \
    --report /nonexistent-dir/r.json
expect_rc 1; expect_kept m.json
report "unwritable --report: a pre-existing --model-out file is kept"

rm -f c.csv
run generate --samples 5 --features 2 --out /nonexistent-dir/s.csv --coef-out c.csv
expect_rc 1; expect_prefix generate; expect_err "/nonexistent-dir/s.csv"
expect_absent c.csv
report "unwritable generate --out: exit 1 naming the path, no --coef-out file"

rm -f s.csv
run generate --samples 5 --features 2 --out s.csv --coef-out /nonexistent-dir/c.csv
expect_rc 1; expect_err "/nonexistent-dir/c.csv"; expect_absent s.csv
report "unwritable generate --coef-out: exit 1 naming the path, no --out file"

# ------------------------------------------------------------ round trip

run generate --samples 300 --features 4 --noise 0.5 --seed 11 \
    --out d.csv --coef-out c.csv
expect_rc 0; expect_exists d.csv c.csv
if [ -f d.csv ]; then
    [ "$(head -n 1 d.csv)" = "x1,x2,x3,x4,y" ] ||
        fail "d.csv header is '$(head -n 1 d.csv)', expected x1,x2,x3,x4,y"
    lines=$(wc -l <d.csv)
    [ "$lines" -eq 301 ] || fail "d.csv has $lines lines, expected 301"
fi
if [ -f c.csv ]; then
    [ "$(head -n 1 c.csv)" = "x1,x2,x3,x4,bias" ] ||
        fail "c.csv header is '$(head -n 1 c.csv)', expected x1,x2,x3,x4,bias"
    lines=$(wc -l <c.csv)
    [ "$lines" -eq 2 ] || fail "c.csv has $lines lines, expected 2"
fi
report "round trip: generate writes data and coefficients"

run train --data d.csv --lr 0.1 --iters 2000 --model-out m.json --report r.json
expect_rc 0; expect_exists m.json r.json
report "round trip: train on the generated data"

pycheck "r.json" '
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("iterations", "stop_reason", "final_mse", "optimal_mse", "r2",
          "time_s", "time_per_iter_s", "threads", "history"):
    if k not in r:
        print("no key", k)
h = r.get("history")
if not isinstance(h, list) or not h:
    print("history is not a non-empty list")
else:
    for e in h:
        if not isinstance(e, dict) or not all(k in e for k in ("iter", "mse", "grad_norm")):
            print("history entry lacks iter/mse/grad_norm:", e)
            break
if r.get("iterations") != 2000:
    print("iterations", r.get("iterations"), "expected 2000")
if r.get("stop_reason") != "max_iter":
    print("stop_reason", r.get("stop_reason"), "expected max_iter")
' r.json
report "round trip: the report is JSON with the expected keys"

pycheck "m.json" '
import json, sys
m = json.load(open(sys.argv[1]))
w = m.get("weights")
if not isinstance(w, list) or len(w) != 4:
    print("weights is not a list of 4:", w)
if not isinstance(m.get("bias"), (int, float)):
    print("no numeric bias")
if m.get("n_features") != 4:
    print("n_features", m.get("n_features"), "expected 4")
' m.json
report "round trip: the model is JSON with 4 weights, bias, n_features 4"

pycheck "coefficients" '
import csv, json, sys
m = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2])))
true = [float(v) for v in rows[1]]
w = m["weights"] + [m["bias"]]
for name, a, b in zip(rows[0], w, true):
    if abs(a - b) > 0.5:
        print(name, "fitted", a, "true", b)
' m.json c.csv
report "round trip: the fitted coefficients are close to the true ones"

rm -f p.csv
run predict --model m.json --data d.csv --out p.csv
expect_rc 0; expect_exists p.csv; expect_out "mse" "r2"
if [ -f p.csv ]; then
    lines=$(wc -l <p.csv)
    [ "$lines" -eq 301 ] || fail "p.csv has $lines lines, expected 301"
fi
report "round trip: predict writes 301 lines and prints mse and r2"

pycheck "predict mse vs report" '
import json, re, sys
r = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
m = re.search(r"^\s*mse\s*[:=]?\s*(\S+)", text, re.M)
if not m:
    print("no mse line in the predict output")
else:
    got, want = float(m.group(1)), r["final_mse"]
    if abs(got - want) > 1e-9 * abs(want):
        print("predict mse", got, "report final_mse", want)
' r.json "$out"
report "round trip: predict's MSE equals the report's final_mse (1e-9 rel)"

# --------------------------------------------------- predict: mismatches

{ echo "a,b,c,d,y"; tail -n +2 d.csv; } >abcd.csv
rm -f p.csv
run predict --model m.json --data abcd.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "abcd.csv" "'a'" "x1"
expect_absent p.csv
report "predict: feature names differ from the model's"

cut -d, -f2- d.csv >d3.csv
plant p.csv
run predict --model m.json --data d3.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "d3.csv" "feature"
expect_kept p.csv
report "predict: 3 feature columns for a 4-feature model (p.csv kept)"

rm -f p.csv
run predict --model nosuch.json --data d.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "nosuch.json"
expect_absent p.csv
report "predict: missing model file"

echo '{"format": "linreg-model"' >bad.json
run predict --model bad.json --data d.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "bad.json"
expect_absent p.csv
report "predict: malformed model JSON"

run predict --model m.json --data nan.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "nan.csv:3:"
expect_absent p.csv
report "predict: bad data file names the file and line"

# -------------------------------------------------------- determinism

det_ok=1
for t in 1 2 3 8; do
    rm -f "m$t.json"
    run train --samples 40000 --features 8 --generator fast --seed 5 \
        --iters 50 --lr 0.1 --deterministic --threads "$t" \
        --model-out "m$t.json" --quiet
    if [ "$rc" -ne 0 ] || [ ! -s "m$t.json" ]; then
        fail "--threads $t: exit status $rc, model m$t.json missing"
        det_ok=0
    fi
done
if [ "$det_ok" -eq 1 ]; then
    for t in 2 3 8; do
        cmp -s m1.json "m$t.json" ||
            fail "m$t.json differs from m1.json (--threads $t vs 1)"
    done
fi
report "--deterministic: identical model files for 1, 2, 3 and 8 threads"

# ----------------------------------------------------------- tutorial

# Each row of tests/fixtures/tutorial.csv is a run of the NumPy tutorial
# on make_regression(500, 1, noise=15, random_state=4).
if [ ! -f "$fixtures/tutorial.csv" ]; then
    fail "no fixture $fixtures/tutorial.csv"
    last_cmd="(none)"
    report "tutorial fixture present"
else
    row=0
    while IFS=, read -r init_seed lr iters n_samples w b final_mse; do
        row=$((row + 1))
        rm -f t.json tr.json
        run train --samples "$n_samples" --features 1 --noise 15 --seed 4 \
            --init-seed "$init_seed" --lr "$lr" --iters "$iters" \
            --model-out t.json --report tr.json --quiet
        expect_rc 0; expect_exists t.json tr.json
        if [ -s t.json ] && [ -s tr.json ]; then
            pycheck "against the tutorial" '
import json, sys
m = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
def close(name, got, want):
    if abs(got - want) > 1e-9 * abs(want):
        print(name, got, "expected", want)
close("weight", m["weights"][0], float(sys.argv[3]))
close("bias", m["bias"], float(sys.argv[4]))
close("final_mse", r["final_mse"], float(sys.argv[5]))
' t.json tr.json "$w" "$b" "$final_mse"
        fi
        report "tutorial row $row (init_seed $init_seed, lr $lr, iters $iters): w, b, mse within 1e-9"
    done < <(tail -n +2 "$fixtures/tutorial.csv" | tr -d '\r')
fi

# ---------------------------------------------------------------- --tol

rm -f r.json
run train --samples 200 --features 3 --noise 1 --seed 3 --lr 0.1 \
    --tol 1e-6 --iters 100000 --report r.json --quiet
expect_rc 0; expect_exists r.json
if [ -s r.json ]; then
    pycheck "r.json" '
import json, sys
r = json.load(open(sys.argv[1]))
if r.get("stop_reason") != "tol":
    print("stop_reason", r.get("stop_reason"), "expected tol")
it = r.get("iterations")
if not isinstance(it, int) or not 0 < it < 100000:
    print("iterations", it, "expected between 1 and 99999")
' r.json
fi
report "--tol 1e-6 stops early with stop_reason tol"

# ---------------------------------------------- solvers, precision, scale

usage_error "train --solver bogus" train "--solver" "bogus" -- --solver bogus
usage_error "train --precision half" train "--precision" "half" -- --precision half
usage_error "scale --reduce bogus" scale "--reduce" "bogus" -- --reduce bogus
usage_error "scale --precision half" scale "--precision" -- --precision double,half
usage_error "scale --mode sideways" scale "--mode" -- --mode sideways
usage_error "scale --threads 0" scale "--threads" -- --threads 1,0
usage_error "scale --mode weak with --data" scale "weak" -- --mode weak --data x.csv
usage_error "bandwidth --mb 0" bandwidth "--mb" -- --mb 0

# the gram solver and float storage reach the optimum: gap below 1e-6
for opts in "--solver gram" "--precision float" "--solver gram --precision float"; do
    rm -f r.json
    # shellcheck disable=SC2086 # opts is a list of options
    run train --samples 3000 --features 5 --noise 2 --seed 21 --lr 0.5 \
        --iters 400 --quiet --report r.json $opts
    expect_rc 0
    need r.json && pycheck r.json '
import json, sys
r = json.load(open(sys.argv[1]))
if not (abs(r["gap"]) < 1e-6):
    print("gap", r["gap"], "not below 1e-6")
' r.json
    report "train $opts: gap to the exact optimum below 1e-6"
done

rm -rf sc
run scale --samples 40000 --features 8 --threads 1,2,3 --iters 5 --repeat 3 \
    --reduce clause,deterministic --precision double,float --out sc
expect_rc 0
expect_exists sc/scaling.csv sc/summary.csv sc/env.json sc/loss.csv
need sc/summary.csv && pycheck sc/summary.csv '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
if len(rows) != 12:
    print(len(rows), "summary rows, expected 3 threads x 2 reduce x 2 precision = 12")
for r in rows:
    if r["reduce"] == "deterministic" and float(r["max_abs_dw"]) != 0.0:
        print("deterministic row with max|dw|", r["max_abs_dw"], r)
    if r["threads"] == "1" and float(r["speedup"]) != 1.0:
        print("1-thread speedup", r["speedup"])
' sc/summary.csv
if ! [ -s sc/scaling.csv ] || [ "$(wc -l < sc/scaling.csv)" -ne 37 ]; then
    fail "scaling.csv should have 36 rows (12 configurations x 3 repeats) and a header"
fi
report "scale: strong scaling table, CSVs and env.json; deterministic rows identical"

run bandwidth --threads 1,2 --mb 16
expect_rc 0
expect_out "read GB/s"
report "bandwidth: read probe at 1 and 2 threads"

# --------------------------------------------- --lr auto and --stop-gap

run train --samples 300 --features 3 --noise 1 --seed 3 --lr 5 --quiet
expect_rc 1
expect_err "exceeds 2/L" "--lr auto"
report "divergence names 2/L and suggests --lr auto"

for solver in stream gram; do
    rm -f r.json
    run train --samples 5000 --features 6 --noise 2 --seed 17 --lr auto \
        --stop-gap 1e-9 --iters 100000 --solver "$solver" --quiet --report r.json
    expect_rc 0
    need r.json && pycheck r.json '
import json, sys
r = json.load(open(sys.argv[1]))
if r["stop_reason"] != "target_gap":
    print("stop_reason", r["stop_reason"])
if not (r["gap"] <= 2e-9):
    print("gap", r["gap"], "above the 1e-9 target (+ rounding)")
L = r["lipschitz_L"]
if not (L > 0 and abs(r["max_stable_lr"] - 2 / L) <= 1e-12 * r["max_stable_lr"]):
    print("L", L, "max_stable_lr", r["max_stable_lr"])
if abs(r["lr"] * L - 1) > 1e-12:
    print("lr", r["lr"], "is not 1/L")
if not (r["time_to_solution_s"] > 0):
    print("time_to_solution_s", r["time_to_solution_s"])
' r.json
    report "--lr auto --stop-gap 1e-9 --solver $solver: stops at the gap with lr = 1/L"
done

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

# ------------------------------------------------ absurd sizes, refused

run train --samples 100000000000 --features 1000 --quiet
expect_rc 1
expect_err "needs" "GB" "this machine has"
report "a problem larger than memory is refused before allocating"

run train --samples 100000000000000 --features 100000000000 --quiet
expect_rc 1
expect_err "overflows"
report "sizes whose product overflows are refused"

