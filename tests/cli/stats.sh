# tests/cli/stats.sh -- the statistics of a fit (issue 11) on the command
# line: solve's table and --report against R's values (the fixtures of
# tests/fixtures/stats, made by scripts/stats-fixtures.py), --se, --level,
# aliased columns, ridge, predict --interval against predict.lm, train's
# table, usage errors and all-or-nothing outputs.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

fx=$fixtures/stats

# every fixture case through the command line: solve --report keys
# (relative 1e-8, p-values 1e-8 or 1e-300 absolute, integers exact, 1e-6
# on the condition number) and predict's columns (1e-8)
cases_py='
import json, math, subprocess, sys
linreg, fx = sys.argv[1], sys.argv[2]
cases = json.load(open(fx + "/cases.json"))["cases"]
bad = []
def near(name, what, got, want, tol, p=False):
    if want is None:
        if got is not None: bad.append("%s %s: %r, expected null" % (name, what, got))
        return
    if got is None or not (abs(got - want) <= tol * abs(want) or (p and abs(got - want) <= 1e-300)):
        bad.append("%s %s: %r, reference %r" % (name, what, got, want))
n = 0
for c in cases:
    name = c["name"]
    if c.get("kind") == "predict":
        subprocess.run([linreg, "solve", "--data", fx + "/" + c["data"], *c["fit_args"],
                        "--model-out", "pm.json"], capture_output=True, check=True)
        r = subprocess.run([linreg, "predict", "--model", "pm.json", "--data",
                            fx + "/" + c["newdata"], *c["args"], "--out", "pp.csv"],
                           capture_output=True)
        if r.returncode: bad.append(name + ": " + r.stderr.decode()); continue
        rows = [l.split(",") for l in open("pp.csv").read().split()]
        if rows[0] != ["y_pred", "lower", "upper"]: bad.append(name + ": header %r" % rows[0])
        for col, key in enumerate(("fit", "lwr", "upr")):
            for i, v in enumerate(c["expect"][key]):
                near(name, key, float(rows[i + 1][col]), v, 1e-8)
        n += 1
        continue
    r = subprocess.run([linreg, "solve", "--data", fx + "/" + c["data"], *c["args"],
                        "--report", "sr.json"], capture_output=True)
    if r.returncode: bad.append(name + ": " + r.stderr.decode()); continue
    got = json.load(open("sr.json"))
    for k, v in c["expect"].items():
        if k == "coefficients":
            if [a["term"] for a in got[k]] != [b["term"] for b in v]:
                bad.append(name + ": terms differ"); continue
            for a, b in zip(got[k], v):
                for kk in b:
                    if kk != "term": near(name, a["term"] + "." + kk, a[kk], b[kk], 1e-8, kk == "p_value")
        elif isinstance(v, list) or k in ("n", "rank", "df_residual", "f_df1", "f_df2"):
            if got[k] != v: bad.append("%s %s: %r, reference %r" % (name, k, got[k], v))
        else:
            near(name, k, got[k], v, 1e-6 if k == "condition_number" else 1e-8, k == "f_p_value")
    n += 1
if n < 48: bad.append("only %d cases" % n)
print("\n".join(bad[:5]))
'
last_cmd="linreg solve --report / predict --interval on each case of $fx/cases.json"
pycheck "fixture cases" "$cases_py" "$linreg" "$fx"
report "solve --report and predict --interval: every case of tests/fixtures/stats (R, statsmodels) to 1e-8"

# ------------------------------------------------------------ the report
run solve --data "$fx/mtcars_alias.csv" --report r.json --model-out m.json
expect_rc 0
expect_out "Coefficients (1 not defined because of singularities):" \
    "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1" \
    "Residual standard error: " " on 27 degrees of freedom" \
    "Multiple R-squared:  " "Adjusted R-squared:  " "F-statistic: " " on 4 and 27 DF,  p-value: " \
    "Log-likelihood: " "AIC: " "BIC: " "condition number: " \
    "Aliased (in the span of the columns before them, R's tolerance 1e-7): hp_plus_am"
grep -q "^hp_plus_am  *NA  *NA  *NA  *NA" "$out" || fail "no NA row for hp_plus_am"
report "solve prints R's summary(lm) layout; an aliased column is an NA row, named"

need r.json && pycheck "report keys" '
import json, math, sys
r = json.load(open(sys.argv[1]))
keys = ["coefficients", "n", "df_residual", "sigma", "r2", "adj_r2", "f_statistic",
        "f_df1", "f_df2", "f_p_value", "loglik", "aic", "bic", "rank",
        "condition_number", "level"]
miss = [k for k in keys if k not in r]
if miss: print("missing", miss)
row = [c for c in r["coefficients"] if c["term"] == "hp_plus_am"][0]
if any(row[k] is not None for k in ("estimate", "std_error", "t", "p_value", "ci_low", "ci_high")):
    print("aliased row not null:", row)
if r["aliased"] != ["hp_plus_am"] or r["rank"] != 5: print(r["aliased"], r["rank"])
if r["coefficients"][0]["term"] != "(Intercept)": print(r["coefficients"][0])
for c in r["coefficients"]:
    if c["estimate"] is not None and abs(c["t"] - c["estimate"] / c["std_error"]) > 1e-12 * abs(c["t"]):
        print("t != estimate / se:", c)
' r.json
report "solve --report: the issue's keys, null for the aliased column, t = estimate / se"

# the text parses as strict JSON (no NaN or Infinity): the exact fit of
# y = 2 x gives sigma 0, t infinite: null
printf 'x,y\n1.5,3\n2.25,4.5\n3.125,6.25\n4,8\n' >exact.csv
run solve --data exact.csv --report e.json
expect_rc 0
need e.json && pycheck "strict JSON" '
import json, sys
def bad(c): raise ValueError("non-JSON constant " + c)
r = json.load(open(sys.argv[1]), parse_constant=bad)
if r["f_statistic"] is not None: print("F of an exact fit:", r["f_statistic"])
' e.json
report "solve --report of an exact fit: strict JSON, null where R has Inf or NaN"

# --level and --se change the intervals and the standard errors
run solve --data "$fx/cars.csv" --report a.json --level 0.5 --se hc3
expect_rc 0
expect_out "heteroskedasticity-robust standard errors, hc3" "25 %" "75 %"
need a.json && pycheck "level and se in the report" '
import json, sys
r = json.load(open(sys.argv[1]))
if r["level"] != 0.5 or r["se_type"] != "hc3": print(r["level"], r["se_type"])
' a.json
report "solve --se hc3 --level 0.5: the table says so, the report too"

# --no-intercept: no (Intercept) term, uncentred R^2
run solve --data "$fx/cars.csv" --no-intercept --report n.json
expect_rc 0
expect_out "(uncentred: no intercept)"
grep -q "(Intercept)" "$out" && fail "an intercept row without an intercept"
report "solve --no-intercept: R's y ~ 0 + x (uncentred R^2, no intercept row)"

# ridge: estimates and edf, one line why there are no p-values
run solve --data "$fx/swiss.csv" --l2 0.5 --report l.json --model-out l-m.json
expect_rc 0
expect_out "Coefficients (ridge):" "Effective degrees of freedom (trace of the hat matrix): " \
    "No standard errors, t values or p-values: the ridge estimate is biased"
need l.json && pycheck "ridge report" '
import json, sys
r = json.load(open(sys.argv[1]))
if any(c["p_value"] is not None or c["std_error"] is not None for c in r["coefficients"]): print("p-values for a ridge fit")
if not (1 < r["edf"] < 6): print("edf", r["edf"])
if "biased" not in r["stats_note"]: print(r["stats_note"])
' l.json
report "solve --l2: estimates and edf, no p-values, and why"

# ----------------------------------------------------------- usage errors
usage_error "solve --se bogus" solve "--se: 'bogus' is not one of classical, hc0, hc1, hc2, hc3" \
    -- --data "$fx/cars.csv" --se bogus --report r.json
usage_error "solve --level 1" solve "--level: '1' is not a number strictly between 0 and 1" \
    -- --data "$fx/cars.csv" --level 1 --report r.json
usage_error "solve --level abc" solve "--level: 'abc'" -- --data "$fx/cars.csv" --level abc
usage_error "solve --l2 with --se" solve "--se: a ridge fit (--l2) has no standard errors" \
    -- --data "$fx/cars.csv" --l2 1 --se hc1 --report r.json
run solve --data "$fx/cars.csv" --model-out cm.json
usage_error "predict --interval bogus" predict "--interval: 'bogus' is not confidence or prediction" \
    -- --model cm.json --data "$fx/cars_new.csv" --out p.csv --interval bogus
usage_error "predict --level without --interval" predict "--level needs --interval" \
    -- --model cm.json --data "$fx/cars_new.csv" --out p.csv --level 0.9
usage_error "predict --level 0" predict "--level: '0'" \
    -- --model cm.json --data "$fx/cars_new.csv" --out p.csv --interval confidence --level 0
usage_error "evaluate --interval" evaluate "--interval and --level are options of predict" \
    -- --model cm.json --data "$fx/cars.csv" --interval confidence

# ------------------------------------------ models without the covariance
run solve --data "$fx/swiss.csv" --l2 0.5 --model-out ridge.json
plant p.csv
run predict --model ridge.json --data "$fx/swiss.csv" --out p.csv --interval prediction
expect_rc 1; expect_prefix predict
expect_err "ridge.json: the model has no covariance of its coefficients" "--interval needs"
expect_kept p.csv
report "predict --interval with a ridge model: a clear error, the output kept"

run train --data "$fx/cars.csv" --lr auto --iters 50 --no-exact --quiet --model-out ne.json
expect_rc 0
run predict --model ne.json --data "$fx/cars_new.csv" --out p.csv --interval confidence
expect_rc 1; expect_err "ne.json: the model has no covariance"
expect_kept p.csv
report "predict --interval with a model of train --no-exact: a clear error"

"$python" -c 'import json; m = json.load(open("cm.json")); m["cov_unscaled"] = [[1]]; json.dump(m, open("bad.json", "w"))'
run predict --model bad.json --data "$fx/cars_new.csv" --out p.csv --interval confidence
expect_rc 1; expect_err "bad.json: cov_unscaled is not a 2 x 2 matrix"
expect_kept p.csv
report "predict --interval with a malformed cov_unscaled: named, the output kept"

# the plain predict of such a model is unchanged: one column y_pred
run predict --model ridge.json --data "$fx/swiss.csv" --out q.csv
expect_rc 0
[ "$(head -n 1 q.csv)" = "y_pred" ] || fail "header $(head -n 1 q.csv)"
report "predict without --interval: the one column y_pred, as before"

# ------------------------------------------------------- all or nothing
plant keep.json
ln -sf /dev/full full.json
run solve --data "$fx/cars.csv" --model-out keep.json --report full.json
expect_rc 1; expect_err "No space left on device"
expect_kept keep.json
report "solve: a failing --report leaves the old --model-out untouched"

plant keep.json
run solve --data "$fx/cars.csv" --model-out keep.json --report keep.json
expect_rc 2; expect_err "same file"
expect_kept keep.json
report "usage error: solve --model-out and --report on one file"

# ---------------------------------------------------------------- train
run train --data "$fx/cars.csv" --lr auto --optimizer nesterov --iters 5000 \
    --tol 1e-12 --quiet --report t.json --model-out tm.json
expect_rc 0
expect_out "Coefficients:" "Residual standard error: " \
    "Standard errors, sigma, R^2 and F are those of the exact least-squares fit"
need t.json tm.json && pycheck "train's statistics" '
import json, sys
r = json.load(open(sys.argv[1]))["statistics"]
m = json.load(open(sys.argv[2]))
ref = [c for c in json.load(open(sys.argv[3]))["cases"] if c["name"] == "cars"][0]["expect"]
for a, b in zip(r["coefficients"], ref["coefficients"]):
    # the trained estimate, within the convergence of --tol 1e-12; the SE
    # is the exact fit'"'"'s
    if abs(a["estimate"] - b["estimate"]) > 1e-6 * abs(b["estimate"]): print("estimate", a, b)
    if abs(a["std_error"] - b["std_error"]) > 1e-8 * b["std_error"]: print("se", a, b)
if abs(r["sigma"] - ref["sigma"]) > 1e-8 * ref["sigma"]: print("sigma", r["sigma"])
if len(m["cov_unscaled"]) != 2 or m["df_residual"] != 48: print("model", m.get("df_residual"))
' t.json tm.json "$fx/cases.json"
report "train: the table of its final weights with the exact fit's standard errors (report and model)"

run train --data "$fx/cars.csv" --lr auto --optimizer nesterov --iters 5000 \
    --tol 1e-12 --quiet --report th.json --se hc3 --level 0.9
expect_rc 0
expect_out "heteroskedasticity-robust standard errors, hc3" "5 %" "95 %"
need th.json && pycheck "train --se hc3 --level 0.9" '
import json, sys
r = json.load(open(sys.argv[1]))["statistics"]
ref = [c for c in json.load(open(sys.argv[2]))["cases"] if c["name"] == "cars_hc3"][0]["expect"]
if r["level"] != 0.9 or r["se_type"] != "hc3": print(r["level"], r["se_type"])
for a, b in zip(r["coefficients"], ref["coefficients"]):
    # statsmodels HC3 standard errors of the exact fit (1e-8 relative)
    if abs(a["std_error"] - b["std_error"]) > 1e-8 * b["std_error"]: print("se", a, b)
' th.json "$fx/cases.json"
report "train --se hc3 --level 0.9: statsmodels' HC3 standard errors, 90% intervals"

usage_error "train --se with --l2" train "--se: a ridge fit (--l2) has no standard errors" \
    -- --data "$fx/cars.csv" --l2 1 --se hc1 --report r.json
usage_error "train --level with --no-exact" train "--level: the statistics table needs the exact reference" \
    -- --data "$fx/cars.csv" --no-exact --level 0.9 --report r.json
usage_error "train --se bogus" train "--se: 'bogus' is not one of classical" \
    -- --data "$fx/cars.csv" --se bogus --report r.json

run train --data "$fx/cars.csv" --lr auto --iters 10 --no-exact --quiet
expect_rc 0
grep -q "Coefficients" "$out" && fail "a table without the exact reference"
report "train --no-exact: no table"
