# tests/cli/cv.sh -- linreg cv: the fold MSEs against the scikit-learn
# fixtures (tests/fixtures/cv, scripts/cv-fixtures.py), the fold
# boundaries, --shuffle against a pre-permuted file, the best penalty and
# the one-standard-error rule, the refit against solve and train, the same
# report for any thread count, the stream solver, the picture, and bad
# input.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

cvfx=$fixtures/cv

# ------------------------------------------------ scikit-learn fixtures

# Every case of expected.json, run through the command line: each fold's
# MSE within 1e-8 relative of scikit-learn's (see check_cv.c for why
# 1e-8), the report's keys, and the table.
pycheck "cv fold MSEs against scikit-learn" '
import json, subprocess, sys
fx, lin = sys.argv[1], sys.argv[2]
cases = json.load(open(fx + "/expected.json"))["cases"]
for name, c in cases.items():
    args = [lin, "cv", "--data", fx + "/" + c["data"], "--folds", str(c["folds"]),
            "--l2", ",".join(repr(v) for v in c["l2"]), "--report", name + ".json"]
    if c["standardize"]:
        args.append("--standardize")
    if not c["intercept"]:
        args.append("--no-intercept")
    if c["shuffle"]:
        args += ["--shuffle", "--seed", str(c["seed"])]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        print(name, "exit", p.returncode, p.stderr)
        continue
    r = json.load(open(name + ".json"))
    for k in ("folds", "results", "best_l2", "best_l2_1se"):
        if k not in r:
            print(name, "report lacks", k)
    if r["folds"] != c["folds"] or [e["l2"] for e in r["results"]] != c["l2"]:
        print(name, "folds or penalties", r["folds"], [e["l2"] for e in r["results"]])
    for e, want in zip(r["results"], c["fold_mse"]):
        for k, (g, w) in enumerate(zip(e["fold_mse"], want)):
            if abs(g - w) > 1e-8 * w:
                print(name, "l2", e["l2"], "fold", k, g, "sklearn", w)
    if len(cases) < 8:
        print("only", len(cases), "cases")
' "$cvfx" "$linreg"
report "cv: fold MSEs equal scikit-learn's (8 cases: raw, standardized, no intercept, shuffled, n mod K != 0, ill-conditioned) to 1e-8"

# ------------------------------------------------------ fold boundaries

run cv --data "$cvfx/plain.csv" --folds 4 --l2 0.5 --report fb.json
expect_rc 0
expect_out "folds 4 (rows 26 26 26 25)" "l2" "mse_mean" "mse_std" "fold1" "fold4" \
    "best l2 (min)" "best l2 (1se)"
need fb.json && pycheck "fold rows" '
import json, sys
r = json.load(open(sys.argv[1]))
if r["fold_rows"] != [26, 26, 26, 25] or r["samples"] != 103:
    print("fold rows", r["fold_rows"], r["samples"])
' fb.json
report "cv: 103 rows in 4 folds are 26 26 26 25 (KFold: the first n mod K one longer)"

run generate --samples 7 --features 2 --noise 1 --seed 3 --out seven.csv
run cv --data seven.csv --folds 7 --l2 0.1 --report fb7.json
expect_rc 0
expect_out "folds 7 (rows 1 1 1 1 1 1 1)"
report "cv: K = n (leave-one-out) is allowed"

run generate --samples 50 --features 2 --noise 1 --seed 3 --out loo.csv
run cv --data loo.csv --folds 24 --l2 0.1,1 --report loo.json
expect_rc 0
expect_out "folds 24 (rows: 2 of 3, 22 of 2)" "each fold's MSE is in --report"
need loo.json && pycheck "24 folds" '
import json, sys
r = json.load(open(sys.argv[1]))
if r["fold_rows"] != [3, 3] + [2] * 22 or len(r["results"][0]["fold_mse"]) != 24:
    print(r["fold_rows"])
' loo.json
report "cv: more than 20 folds print their sizes in short and keep each fold's MSE in the report"

# ------------------------------------- --shuffle against a permuted file

# `--shuffle --seed S` is NumPy's RandomState(S).permutation(n): the same
# run on the file whose rows were permuted by NumPy gives the same bits.
need "$cvfx/plain.csv" && "$python" -c '
import numpy as np, sys
lines = open(sys.argv[1]).read().splitlines()
perm = np.random.RandomState(90210).permutation(len(lines) - 1)
open("permuted.csv", "w").write("\n".join([lines[0]] + [lines[1 + i] for i in perm]) + "\n")
' "$cvfx/plain.csv"
run cv --data permuted.csv --folds 5 --l2 1e-3,0.2,3 --standardize --report perm-file.json
run cv --data "$cvfx/plain.csv" --folds 5 --l2 1e-3,0.2,3 --standardize --shuffle \
    --seed 90210 --report perm-flag.json
expect_rc 0
expect_out "shuffled"
need perm-file.json perm-flag.json && pycheck "shuffle" '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
if a["results"] != b["results"]:
    print("results differ:", a["results"], b["results"])
if b["seed"] != 90210 or not b["shuffle"]:
    print("seed", b.get("seed"))
' perm-file.json perm-flag.json
report "cv --shuffle --seed S equals cv on the rows permuted by NumPy's RandomState(S).permutation"

# ---------------------------------- the best penalty, the 1se rule, std

# Recomputed from the report's fold MSEs: the mean, the sample sd
# (ddof = 1), the smallest mean, and the largest penalty whose mean is at
# most the best plus sd/sqrt(K).
run generate --samples 300 --features 6 --noise 20 --seed 12 --out sel.csv
run cv --data sel.csv --folds 5 --l2-path 12 --l2-min 1e-4 --l2-max 30 --standardize \
    --report sel.json
expect_rc 0
need sel.json && pycheck "selection" '
import json, sys, math
r = json.load(open(sys.argv[1]))
res = r["results"]
K = r["folds"]
if len(res) != 12 or abs(res[0]["l2"] - 1e-4) > 0 or abs(res[-1]["l2"] - 30) > 0:
    print("path", [e["l2"] for e in res])
for a, b in zip(res, res[1:]):
    if abs(math.log(b["l2"] / a["l2"]) - math.log(30 / 1e-4) / 11) > 1e-12:
        print("not log-spaced", a["l2"], b["l2"])
for e in res:
    m = sum(e["fold_mse"]) / K
    sd = math.sqrt(sum((f - m) ** 2 for f in e["fold_mse"]) / (K - 1))
    if abs(m - e["mse_mean"]) > 1e-14 * m or abs(sd - e["mse_std"]) > 1e-12 * sd:
        print("mean/std", e, m, sd)
best = min(res, key=lambda e: (e["mse_mean"], -e["l2"]))
lim = best["mse_mean"] + best["mse_std"] / math.sqrt(K)
one = max((e for e in res if e["mse_mean"] <= lim), key=lambda e: e["l2"])
if r["best_l2"] != best["l2"] or r["best_l2_1se"] != one["l2"]:
    print("best", r["best_l2"], best["l2"], "1se", r["best_l2_1se"], one["l2"])
if one["l2"] == best["l2"]:
    print("this data set should make the 1se choice differ from the min")
' sel.json
report "cv: mean, sample std (ddof=1), best by min and by the one-standard-error rule, log-spaced --l2-path"

# ----------------------------------------------------------- the refit

# --model-out refits on all rows with the chosen penalty: what `solve --l2`
# writes, to the bit; and train --l2 by gradient descent reaches it.
run cv --data sel.csv --folds 5 --l2 0.001,0.02,0.4,8 --report rf.json --model-out rf-min.json
expect_rc 0
l2min=$("$python" -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["best_l2"]))' rf.json 2>/dev/null)
expect_out "refit (min)     l2 $l2min"
run solve --data sel.csv --l2 "$l2min" --model-out rf-solve.json
need rf-min.json rf-solve.json && pycheck "refit = solve" "$same_model_py" rf-min.json rf-solve.json
run train --data sel.csv --l2 "$l2min" --lr auto --optimizer nesterov --iters 100000 \
    --tol 1e-13 --quiet --model-out rf-train.json
need rf-train.json && pycheck "refit ~ train" '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
big = max(abs(v) for v in a["weights"])
err = max(abs(x - y) for x, y in zip(a["weights"], b["weights"]))
if err > 1e-6 * big or abs(a["bias"] - b["bias"]) > 1e-6 * max(big, abs(a["bias"])):
    print("cv refit", a["weights"], a["bias"], "train", b["weights"], b["bias"])
' rf-min.json rf-train.json
report "cv --model-out equals solve --l2 BEST to the bit, and train --l2 BEST to 1e-6"

run cv --data sel.csv --folds 5 --l2-path 12 --l2-min 1e-4 --l2-max 30 --standardize \
    --select 1se --model-out rf-1se.json --report rf1.json
expect_rc 0
l2one=$("$python" -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["best_l2_1se"]))' rf1.json 2>/dev/null)
run solve --data sel.csv --standardize --l2 "$l2one" --model-out rf1-solve.json
need rf-1se.json rf1-solve.json && pycheck "1se refit = solve" "$same_model_py" rf-1se.json rf1-solve.json
report "cv --select 1se --standardize refits with best_l2_1se (= solve --standardize --l2)"

# ------------------------------------------------- threads, data formats

run generate --samples 40000 --features 5 --noise 3 --seed 8 --out thr.csv
run cv --data thr.csv --folds 6 --l2 0,1e-3,0.5 --shuffle --seed 4 --threads 1 --report t1.json
run cv --data thr.csv --folds 6 --l2 0,1e-3,0.5 --shuffle --seed 4 --threads 2 --report t2.json
run cv --data thr.csv --folds 6 --l2 0,1e-3,0.5 --shuffle --seed 4 --threads 3 --report t3.json
expect_rc 0
need t1.json t2.json t3.json && pycheck "threads" '
import json, sys
a, b, c = (json.load(open(f)) for f in sys.argv[1:4])
if not (a["results"] == b["results"] == c["results"]):
    print("the fold MSEs depend on the thread count")
if (a["threads"], b["threads"], c["threads"]) != (1, 2, 3):
    print("threads", a["threads"], b["threads"], c["threads"])
' t1.json t2.json t3.json
report "cv: the same fold MSEs, to the bit, with 1, 2 and 3 threads"

run generate --samples 500 --features 4 --noise 2 --seed 6 --out fmt.csv
run generate --samples 500 --features 4 --noise 2 --seed 6 --out fmt.npy --target-out fmt-y.npy
run cv --data fmt.csv --folds 3 --l2 0.01,1 --report fmt-csv.json
run cv --data fmt.npy --target-file fmt-y.npy --folds 3 --l2 0.01,1 --report fmt-npy.json
expect_rc 0
need fmt-csv.json fmt-npy.json && pycheck "npy" '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for x, y in zip(a["results"], b["results"]):
    for f, g in zip(x["fold_mse"], y["fold_mse"]):
        if abs(f - g) > 1e-12 * f:
            print("csv", f, "npy", g)
' fmt-csv.json fmt-npy.json
report "cv on a .npy with --target-file agrees with the CSV (values to 1e-12: the CSV holds 17 digits)"

# -------------------------------------------------------- stream solver

run cv --data fmt.csv --folds 3 --l2 0.01,1,0.1 --standardize --report ex.json
run cv --data fmt.csv --folds 3 --l2 0.01,1,0.1 --standardize --solver stream \
    --optimizer nesterov --iters 50000 --tol 1e-12 --report st.json
expect_rc 0
expect_out "solver stream"
need ex.json st.json && pycheck "stream" '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
if b["solver"] != "stream":
    print("solver", b["solver"])
for x, y in zip(a["results"], b["results"]):
    for f, g in zip(x["fold_mse"], y["fold_mse"]):
        if abs(f - g) > 1e-7 * f:
            print("exact", f, "stream", g)
' ex.json st.json
report "cv --solver stream (warm-started gradient descent) reaches the exact fold MSEs to 1e-7"

plant st-keep.json
run cv --data fmt.csv --folds 3 --l2 0.01,1 --solver stream --lr 100 --iters 300 \
    --report st-keep.json
expect_rc 1
expect_err "fold 1" "l2 1" "diverged"
expect_kept st-keep.json
report "cv --solver stream: divergence names the fold and penalty, exit 1, the report untouched"

# ------------------------------------------------------------- the plot

if command -v gnuplot >/dev/null 2>&1; then
    run cv --data fmt.csv --folds 3 --l2-path 5 --l2-min 1e-3 --l2-max 10 --plot cv.png
    expect_rc 0
    need cv.png && pycheck "png" '
import sys
if open(sys.argv[1], "rb").read(8) != b"\x89PNG\r\n\x1a\n":
    print("not a PNG")
' cv.png
    report "cv --plot writes a PNG (gnuplot)"
fi
plant nogp.png
plant nogp.json
PATH=/nonexistent "$linreg" cv --data fmt.csv --folds 3 --l2 1 --plot nogp.png \
    --report nogp.json >"$out" 2>"$err"
rc=$?
last_cmd="PATH=/nonexistent linreg cv ... --plot nogp.png --report nogp.json"
expect_rc 1
expect_err "gnuplot"
expect_kept nogp.png
expect_kept nogp.json
report "cv --plot without gnuplot: exit 1 before any work, every output untouched"

# ---------------------------------------------------------- bad input

usage_error "cv --folds 1" cv "--folds" "at least 2" -- --data fmt.csv --folds 1 --l2 1
usage_error "cv --folds above the rows" cv "--folds 104" "103 rows" -- \
    --data "$cvfx/plain.csv" --folds 104 --l2 1
usage_error "cv without penalties" cv "--l2" -- --data fmt.csv
usage_error "cv --l2 and --l2-path" cv "not both" -- --data fmt.csv --l2 1 \
    --l2-path 3 --l2-min 1 --l2-max 2
usage_error "cv --l2 negative" cv "--l2" "at least 0" -- --data fmt.csv --l2 0.1,-2
usage_error "cv --l2 empty item" cv "--l2" "empty item" -- --data fmt.csv --l2 0.1,,2
usage_error "cv --l2 not a number" cv "--l2" "not a number" -- --data fmt.csv --l2 0.1,abc
usage_error "cv --l2-path without ends" cv "--l2-min" -- --data fmt.csv --l2-path 4
usage_error "cv --l2-min above --l2-max" cv "above --l2-max" -- --data fmt.csv \
    --l2-path 4 --l2-min 5 --l2-max 1
usage_error "cv --l2-min 0" cv "--l2-min" "above 0" -- --data fmt.csv \
    --l2-path 4 --l2-min 0 --l2-max 1
usage_error "cv --seed without --shuffle" cv "--seed" "--shuffle" -- --data fmt.csv \
    --l2 1 --seed 3
usage_error "cv --iters with the exact solver" cv "--solver stream" -- --data fmt.csv \
    --l2 1 --iters 10
usage_error "cv --select" cv "--select" "min, 1se" -- --data fmt.csv --l2 1 --select best
usage_error "cv --solver" cv "--solver" "exact, stream" -- --data fmt.csv --l2 1 --solver gram
usage_error "cv without --data" cv "--data" -- --l2 1
usage_error "cv unknown option" cv "--bogus" -- --data fmt.csv --l2 1 --bogus
usage_error "cv --report and --model-out one file" cv "same" -- --data fmt.csv --l2 1 \
    --report same.json --model-out same.json

plant keep-r.json
plant keep-m.json
run cv --data missing.csv --folds 3 --l2 1 --report keep-r.json --model-out keep-m.json
expect_rc 1
expect_err "missing.csv"
expect_kept keep-r.json
expect_kept keep-m.json
report "cv on a missing file: exit 1 naming it, the outputs untouched"

printf 'x1,y\n1,2\n2,NA\n3,5\n4,4\n5,7\n6,1\n' > na.csv
run cv --data na.csv --folds 2 --l2 1
expect_rc 1
expect_err "na.csv"
run cv --data na.csv --folds 2 --l2 1 --na drop --report na.json
expect_rc 0
expect_err "1 row with a missing value dropped"
expect_out "folds 2 (rows 3 2)"
report "cv --na: an error by default, drop skips the row (5 rows: folds of 3 and 2)"

run cv --help
expect_rc 0
expect_out "Ridge(alpha)" "alpha/n" "StandardScaler" "RandomState(S).permutation(n)" \
    "--select min|1se" "ddof = 1" "--plot FILE.png" "copied"
report "cv --help: the scikit-learn mapping, the permutation, the std, the options"
