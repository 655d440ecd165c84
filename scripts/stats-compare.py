#!/usr/bin/python3
"""Compare linreg's statistics (issue 11) with the references in
tests/fixtures/stats/cases.json and write results/statistics.md.

    /usr/bin/python3 scripts/stats-compare.py BUILD [--out FILE]
    /usr/bin/python3 scripts/stats-compare.py --candidate statsmodels [--out FILE]
    /usr/bin/python3 scripts/stats-compare.py --self-check

(run from the repository root). With BUILD, every fit case runs
`BUILD/linreg solve --data DATA ARGS --report R.json` and every predict case
`BUILD/linreg solve --data DATA FIT_ARGS --model-out M.json`, then
`BUILD/linreg predict --model M.json --data NEWDATA ARGS --out P.csv`; the
keys of each case's `expect` are compared with the report (the predictions:
the first column, and the columns named lwr/lower and upr/upper).

--candidate statsmodels puts statsmodels' OLS results in linreg's place (the
cases statsmodels has an answer for; AIC/BIC shifted to R's convention, which
counts the variance), to exercise the comparison before linreg has --report;
its output defaults to build/statistics-statsmodels.md, not to results/.

--self-check shows that the comparison can fail: the fixtures compared with
themselves pass, and each kind of value perturbed by 1e-6 relative (or an
integer by 1, a null, a missing key) fails; and the BUILD path run end to end
with a stand-in linreg (answering from the fixtures) passes every case, and
fails the one whose standard error it perturbs by 1e-6. Needs only numpy.

Tolerances (issue 11): relative 1e-8 on estimates, standard errors, t,
intervals, sigma, R2, F, AIC/BIC, loglik, edf; 1e-6 on the condition number;
p-values 1e-8 relative or 1e-300 absolute; integers exact. On ill-conditioned
data (condition number above 1e8: Longley) the issue asks what is reached, so
the verdict is given but marked as informative.
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile

import numpy as np

FIX = os.path.join("tests", "fixtures", "stats")
REL = 1e-8
REL_KAPPA = 1e-6
P_ABS = 1e-300
ILL = 1e8
INTS = ("n", "df_residual", "f_df1", "f_df2", "rank")
ROW_KEYS = ("estimate", "std_error", "t", "p_value", "ci_low", "ci_high")
SIDE_BY_SIDE = ("cars", "trees", "mtcars", "swiss_noint", "longley")


# ---- comparison ----

def rel_err(got, exp):
    if got == exp:
        return 0.0
    return abs(got - exp) / abs(exp) if exp != 0 else math.inf


def digits_of(err):
    """-log10 of a relative error, capped at 17 (equal doubles)."""
    return 17.0 if err <= 1e-17 else max(0.0, -math.log10(err))


class Check:
    """The comparisons of one case: each value's digits, and what failed."""

    def __init__(self):
        self.fails = []
        self.digits = []          # (where, digits)

    def num(self, where, got, exp, tol=REL, pvalue=False):
        if exp is None:
            if got is not None:
                self.fails.append("%s: %r where the reference has null" % (where, got))
            return
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            self.fails.append("%s: %r, expected %.17g" % (where, got, exp))
            return
        err = rel_err(float(got), exp)
        self.digits.append((where, digits_of(err)))
        if err <= tol or (pvalue and abs(got - exp) <= P_ABS):
            return
        self.fails.append("%s: %.17g, expected %.17g (relative error %.2g)"
                          % (where, got, exp, err))

    def exact(self, where, got, exp):
        if got != exp:
            self.fails.append("%s: %r, expected %r" % (where, got, exp))

    def worst(self):
        return min(self.digits, key=lambda w: w[1]) if self.digits else None


def compare_fit(expect, report):
    c = Check()
    for key, exp in expect.items():
        if key not in report:
            c.fails.append("%s: missing from the report" % key)
            continue
        got = report[key]
        if key == "coefficients":
            if [r.get("term") for r in got] != [r["term"] for r in exp]:
                c.fails.append("coefficients: terms %s, expected %s"
                               % ([r.get("term") for r in got], [r["term"] for r in exp]))
                continue
            for g, e in zip(got, exp):
                for k in ROW_KEYS:
                    if k in e:
                        c.num("%s %s" % (e["term"], k), g.get(k), e[k], pvalue=(k == "p_value"))
        elif key in INTS or key == "aliased":
            c.exact(key, got, exp)
        elif key == "condition_number":
            c.num(key, got, exp, tol=REL_KAPPA)
        else:
            c.num(key, got, exp, pvalue=key.endswith("p_value"))
    return c


def compare_pred(expect, got):
    c = Check()
    for key in ("fit", "lwr", "upr"):
        if key not in expect:
            continue
        if key not in got or len(got[key]) != len(expect[key]):
            c.fails.append("%s: %s values, expected %d" % (key, len(got.get(key, [])),
                                                            len(expect[key])))
            continue
        for i, (g, e) in enumerate(zip(got[key], expect[key])):
            c.num("%s[%d]" % (key, i), g, e)
    return c


def ill_conditioned(case):
    return case["expect"].get("condition_number", 0) > ILL or case["data"].startswith("longley")


# ---- candidates: linreg ----

def find_report(obj):
    """The object holding "coefficients": the report itself, or one level in."""
    if isinstance(obj, dict):
        if "coefficients" in obj:
            return obj
        for v in obj.values():
            if isinstance(v, dict) and "coefficients" in v:
                return v
    return obj


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        first = [ln.strip() for ln in p.stderr.splitlines() if ln.strip()][:2]
        raise RuntimeError("%s %s: exit %d: %s" % (os.path.basename(cmd[0]), cmd[1],
                                                   p.returncode, " / ".join(first)))
    return p.stdout


def read_predictions(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head = [h.strip().lower() for h in rows[0]]

    def col(parts):
        for i, h in enumerate(head):
            if any(p in h for p in parts):
                return i
        return None
    cols = {"fit": 0, "lwr": col(("lwr", "low")), "upr": col(("upr", "upp", "high"))}
    return {k: [float(r[i]) for r in rows[1:]] for k, i in cols.items() if i is not None}


class Linreg:
    name = "linreg"

    def __init__(self, build, tmp):
        self.exe = os.path.join(build, "linreg")
        self.tmp = tmp
        if not os.access(self.exe, os.X_OK):
            sys.exit("%s: not an executable (make first)" % self.exe)

    def command(self, case):
        if case.get("kind") == "predict":
            return ("linreg solve --data %s %s--model-out M.json; linreg predict --model M.json "
                    "--data %s %s--out P.csv"
                    % (case["data"], "".join(a + " " for a in case["fit_args"]),
                       case["newdata"], "".join(a + " " for a in case["args"])))
        return "linreg solve --data %s %s--report R.json" % (
            case["data"], "".join(a + " " for a in case["args"]))

    def fit(self, case):
        out = os.path.join(self.tmp, case["name"] + ".json")
        run([self.exe, "solve", "--data", os.path.join(FIX, case["data"])]
            + case["args"] + ["--report", out])
        with open(out) as f:
            return find_report(json.load(f))

    def predict(self, case):
        model = os.path.join(self.tmp, case["name"] + ".model.json")
        pred = os.path.join(self.tmp, case["name"] + ".pred.csv")
        run([self.exe, "solve", "--data", os.path.join(FIX, case["data"])]
            + case["fit_args"] + ["--model-out", model])
        run([self.exe, "predict", "--model", model, "--data", os.path.join(FIX, case["newdata"])]
            + case["args"] + ["--out", pred])
        return read_predictions(pred)


# ---- candidates: statsmodels (to exercise the comparison) ----

def read_xy(path, intercept):
    with open(path) as f:
        names = f.readline().strip().split(",")
    m = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    cols = [i for i, n in enumerate(names) if n != "y"]
    X, terms = m[:, cols], [names[i] for i in cols]
    if intercept:
        X, terms = np.column_stack([np.ones(len(X)), X]), ["(Intercept)"] + terms
    y = m[:, names.index("y")] if "y" in names else None
    return X, y, terms


def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


class Statsmodels:
    name = "statsmodels"

    def __init__(self):
        import statsmodels
        import statsmodels.api as sm
        self.sm = sm
        self.name = "statsmodels %s" % statsmodels.__version__

    def command(self, case):
        if case.get("kind") == "predict":
            return "OLS(y, X).fit().get_prediction(Xnew).summary_frame(alpha)"
        se = opt(case["args"], "--se", "classical")
        return "OLS(y, X).fit(%s)" % ("" if se == "classical" else
                                      "cov_type='%s', use_t=True" % se.upper())

    def fit(self, case):
        args = case["args"]
        if "--l2" in args or "aliased" in case["expect"]:
            raise NotImplementedError("no statsmodels counterpart (%s)" % (
                "ridge edf" if "--l2" in args else "pinv, not R's aliasing"))
        X, y, terms = read_xy(os.path.join(FIX, case["data"]), "--no-intercept" not in args)
        level = float(opt(args, "--level", "0.95"))
        se = opt(args, "--se", "classical")
        res = (self.sm.OLS(y, X).fit() if se == "classical" else
               self.sm.OLS(y, X).fit(cov_type=se.upper(), use_t=True))
        ci = res.conf_int(alpha=1 - level)
        n = len(y)
        rows = [{"term": t, "estimate": res.params[i], "std_error": res.bse[i],
                 "t": res.tvalues[i], "p_value": res.pvalues[i],
                 "ci_low": ci[i, 0], "ci_high": ci[i, 1]} for i, t in enumerate(terms)]
        rep = {"coefficients": [{k: (float(v) if k != "term" else v) for k, v in r.items()}
                                for r in rows],
               "n": n, "df_residual": int(res.df_resid), "sigma": math.sqrt(res.scale),
               "r2": res.rsquared, "adj_r2": res.rsquared_adj,
               "f_statistic": res.fvalue, "f_df1": int(res.df_model),
               "f_df2": int(res.df_resid), "f_p_value": res.f_pvalue, "loglik": res.llf,
               # statsmodels leaves the variance out of the parameters; R counts it
               "aic": res.aic + 2, "bic": res.bic + math.log(n),
               "rank": int(np.linalg.matrix_rank(X)), "condition_number": np.linalg.cond(X),
               "level": level}
        return {k: (float(v) if isinstance(v, np.floating) else v) for k, v in rep.items()}

    def predict(self, case):
        intercept = "--no-intercept" not in case["fit_args"]
        X, y, _ = read_xy(os.path.join(FIX, case["data"]), intercept)
        Xn, _, _ = read_xy(os.path.join(FIX, case["newdata"]), intercept)
        level = float(opt(case["args"], "--level", "0.95"))
        kind = "mean_ci" if opt(case["args"], "--interval") == "confidence" else "obs_ci"
        fr = self.sm.OLS(y, X).fit().get_prediction(Xn).summary_frame(alpha=1 - level)
        return {"fit": list(map(float, fr["mean"])), "lwr": list(map(float, fr[kind + "_lower"])),
                "upr": list(map(float, fr[kind + "_upper"]))}


# ---- the report ----

def fmt(v):
    if v is None:
        return "NA"
    if isinstance(v, int):
        return "%d" % v
    return "%.15g" % v


def dig(exp, got):
    if exp is None or got is None or not isinstance(got, (int, float)):
        return "-" if exp is None and got is None else "differ"
    if isinstance(exp, int):
        return "exact" if got == exp else "differ"
    return "%.1f" % digits_of(rel_err(float(got), exp))


def side_by_side(case, report, who):
    e = case["expect"]
    m = re.search(r"lm\(.*?, data = \w+\)", case["reference"])
    out = ["### %s: R's `%s`%s" % (case["name"], m.group(0) if m else case["reference"],
                                  "" if case["expect"].get("level", 0.95) == 0.95 else
                                  ", level %g" % case["expect"]["level"]), ""]
    out += ["| term | | R | %s | digits |" % who, "|---|---|---|---|---|"]
    got_rows = {r.get("term"): r for r in report.get("coefficients", [])}
    for r in e["coefficients"]:
        g = got_rows.get(r["term"], {})
        for k, label in (("estimate", "estimate"), ("std_error", "SE"), ("t", "t"),
                         ("p_value", "p")):
            out.append("| %s | %s | %s | %s | %s |" % (r["term"] if k == "estimate" else "",
                                                     label, fmt(r[k]), fmt(g.get(k)),
                                                     dig(r[k], g.get(k))))
    out += ["", "| | R | %s | digits |" % who, "|---|---|---|---|"]
    for k, label in (("sigma", "sigma"), ("df_residual", "residual df"), ("r2", "R²"),
                     ("adj_r2", "adjusted R²"), ("f_statistic", "F"),
                     ("f_p_value", "p of F"), ("loglik", "log-likelihood"), ("aic", "AIC"),
                     ("bic", "BIC"), ("condition_number", "condition number")):
        if k in e:
            out.append("| %s | %s | %s | %s |" % (label, fmt(e[k]), fmt(report.get(k)),
                                                  dig(e[k], report.get(k))))
    return out + [""]


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d CPUs, %s %s" % (cpu, os.cpu_count() or 0, platform.system(),
                                   platform.release())


def git_head():
    try:
        return run(["git", "rev-parse", "--short", "HEAD"]).strip()
    except (RuntimeError, OSError):
        return "unknown"


def compare_all(cand, cases):
    """[(case, Check or None, report or None, note)]"""
    results = []
    for case in cases:
        try:
            if case.get("kind") == "predict":
                got = cand.predict(case)
                results.append((case, compare_pred(case["expect"], got), got, ""))
            else:
                got = cand.fit(case)
                results.append((case, compare_fit(case["expect"], got), got, ""))
        except NotImplementedError as e:
            results.append((case, None, None, "skipped: %s" % e))
        except (RuntimeError, OSError, ValueError, KeyError) as e:
            c = Check()
            c.fails.append(str(e))
            results.append((case, c, None, ""))
    return results


def verdict(case, c, note):
    if c is None:
        return "SKIP", note
    w = c.worst()
    reach = "min %.1f digits (%s)" % (w[1], w[0]) if w else "no values"
    if c.fails:
        state = "FAIL"
        reach += "; " + "; ".join(c.fails[:3]) + (" ..." if len(c.fails) > 3 else "")
    else:
        state = "PASS"
    if ill_conditioned(case):
        state += " (informative: ill-conditioned, kappa %.2g)" % case["expect"].get(
            "condition_number", float("nan")) if "condition_number" in case["expect"] \
            else " (informative: ill-conditioned)"
    return state, reach


def write_md(path, cand, argv, fixtures, results):
    lines = ["# Statistics of a fit against R and statsmodels (issue 11)", "",
             "Made by `%s` (commit %s) on %s, %s UTC."
             % (" ".join(map(shlex.quote, ["scripts/stats-compare.py"] + argv)), git_head(),
                machine(), datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")),
             "Candidate: %s. References: `tests/fixtures/stats/cases.json` (%s; see its"
             " README.md)." % (cand.name, fixtures["generated_by"].split(" with ", 1)[-1]),
             "", "Digits of agreement: the minimum over the values of -log10 of the relative "
             "error (17: the same double). Tolerances (issue 11): relative 1e-8 (condition "
             "number 1e-6; p-values also absolute 1e-300), integers exact. Cases with a "
             "condition number above 1e8 (Longley) are informative: the tolerance is for "
             "well-conditioned data and what is reached is reported.", ""]
    by_name = {r[0]["name"]: r for r in results}
    for name in SIDE_BY_SIDE:
        if name in by_name and by_name[name][2] is not None:
            case, _, rep, _ = by_name[name]
            lines += side_by_side(case, rep, cand.name.split()[0])
    lines += ["## Every case", "", "| case | command | verdict | agreement |", "|---|---|---|---|"]
    npass = nfail = 0
    for case, c, _, note in results:
        state, reach = verdict(case, c, note)
        informative = "informative" in state
        if state.startswith("PASS"):
            npass += 1
        elif state.startswith("FAIL") and not informative:
            nfail += 1
        lines.append("| %s | `%s` | %s | %s |" % (case["name"], cand.command(case), state,
                                                 reach.replace("|", "\\|")))
    lines += ["", "%d cases pass, %d fail (informative cases not counted as failures), "
              "%d skipped." % (npass, nfail, sum(1 for r in results if r[1] is None)), ""]
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return npass, nfail


# ---- self-check ----

def self_check(cases):
    """The fixtures against themselves pass; perturbed ones fail."""
    import copy
    problems = []

    def expect_result(label, case, report, should_pass):
        c = (compare_pred(case["expect"], report) if case.get("kind") == "predict"
             else compare_fit(case["expect"], report))
        if (not c.fails) != should_pass:
            problems.append("%s: %s" % (label, "failed: %s" % c.fails if should_pass
                                        else "passed but should fail"))

    for case in cases:
        expect_result(case["name"] + " unchanged", case, copy.deepcopy(case["expect"]), True)
    fit = next(c for c in cases if c["name"] == "trees")
    pred = next(c for c in cases if c.get("kind") == "predict")
    alias = next(c for c in cases if "aliased" in c["expect"])
    ridge = next(c for c in cases if "edf" in c["expect"])

    def perturbed(case, change):
        rep = copy.deepcopy(case["expect"])
        change(rep)
        return rep

    def scale(d, k, f=1 + 1e-6):
        d[k] = d[k] * f

    for k in ROW_KEYS:
        expect_result("trees Girth %s * (1 + 1e-6)" % k, fit,
                      perturbed(fit, lambda r, k=k: scale(r["coefficients"][1], k)), False)
    for k in ("sigma", "r2", "adj_r2", "f_statistic", "f_p_value", "loglik", "aic", "bic"):
        expect_result("trees %s * (1 + 1e-6)" % k, fit,
                      perturbed(fit, lambda r, k=k: scale(r, k)), False)
    expect_result("trees condition_number * (1 + 1e-5)", fit,
                  perturbed(fit, lambda r: scale(r, "condition_number", 1 + 1e-5)), False)
    expect_result("trees condition_number * (1 + 1e-7) (within 1e-6)", fit,
                  perturbed(fit, lambda r: scale(r, "condition_number", 1 + 1e-7)), True)
    expect_result("trees estimate * (1 + 1e-9) (within 1e-8)", fit,
                  perturbed(fit, lambda r: scale(r["coefficients"][1], "estimate", 1 + 1e-9)),
                  True)
    for k in INTS:
        expect_result("trees %s + 1" % k, fit,
                      perturbed(fit, lambda r, k=k: r.__setitem__(k, r[k] + 1)), False)
    expect_result("trees sigma missing", fit, perturbed(fit, lambda r: r.pop("sigma")), False)
    expect_result("trees terms reordered", fit,
                  perturbed(fit, lambda r: r["coefficients"].reverse()), False)
    expect_result("trees Girth p_value null", fit,
                  perturbed(fit, lambda r: r["coefficients"][1].__setitem__("p_value", None)),
                  False)
    # the absolute 1e-300 floor on p-values
    tiny = copy.deepcopy(fit)
    tiny["expect"]["coefficients"][1]["p_value"] = 1e-310
    expect_result("p 1e-310 against 0 (within 1e-300 absolute)", tiny,
                  perturbed(tiny, lambda r: r["coefficients"][1].__setitem__("p_value", 0.0)),
                  True)
    expect_result("p 1e-310 against 0 for a non-p value fails", tiny,
                  perturbed(tiny, lambda r: r["coefficients"][1].__setitem__("t", 0.0)), False)
    expect_result("aliased column given a number", alias,
                  perturbed(alias, lambda r: r["coefficients"][-1].__setitem__("estimate", 0.0)),
                  False)
    expect_result("aliased list empty", alias,
                  perturbed(alias, lambda r: r.__setitem__("aliased", [])), False)
    expect_result("ridge edf * (1 + 1e-6)", ridge,
                  perturbed(ridge, lambda r: scale(r, "edf")), False)
    for k in ("fit", "lwr", "upr"):
        expect_result("predict %s[2] * (1 + 1e-6)" % k, pred,
                      perturbed(pred, lambda r, k=k: r[k].__setitem__(2, r[k][2] * (1 + 1e-6))),
                      False)
    expect_result("predict upr one value short", pred,
                  perturbed(pred, lambda r: r["upr"].pop()), False)
    # the predictions CSV reader: a y_pred,lwr,upr file
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.csv")
        with open(path, "w") as f:
            f.write("y_pred,lwr,upr\n")
            for row in zip(*(pred["expect"][k] for k in ("fit", "lwr", "upr"))):
                f.write(",".join("%.17g" % v for v in row) + "\n")
        expect_result("predictions read back from CSV", pred, read_predictions(path), True)
    problems += fake_build_check(cases)
    return problems


FAKE_LINREG = r"""#!/usr/bin/python3
# a stand-in for linreg that answers from the fixtures (stats-compare --self-check)
import json, os, sys
a = sys.argv[1:]
cases = json.load(open(os.path.join(%(fix)r, "cases.json")))["cases"]
opt = lambda n: a[a.index(n) + 1]
if a[0] == "solve":
    data = os.path.basename(opt("--data"))
    rest = a[a.index("--data") + 2:-2]
    if a[-2] == "--report":
        c = next(c for c in cases if c.get("kind") != "predict" and c["data"] == data
                 and c["args"] == rest)
        e = c["expect"]
        if %(perturb)r and c["name"] == "swiss":
            e["coefficients"][2]["std_error"] *= 1 + 1e-6
        json.dump({"report": "fake", "statistics": e}, open(opt("--report"), "w"))
    else:
        json.dump({"data": data, "fit_args": rest}, open(opt("--model-out"), "w"))
else:
    m = json.load(open(opt("--model")))
    new, rest = os.path.basename(opt("--data")), a[a.index("--data") + 2:-2]
    c = next(c for c in cases if c.get("kind") == "predict" and c["data"] == m["data"]
             and c["fit_args"] == m["fit_args"] and c["newdata"] == new and c["args"] == rest)
    with open(opt("--out"), "w") as f:
        f.write("y_pred,y_lower,y_upper\n")
        for r in zip(*(c["expect"][k] for k in ("fit", "lwr", "upr"))):
            f.write(",".join("%%.17g" %% v for v in r) + "\n")
"""


def fake_build_check(cases):
    """The BUILD path end to end, with a stand-in linreg: all pass, and a
    standard error perturbed by 1e-6 fails."""
    problems = []
    for perturb in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            exe = os.path.join(tmp, "linreg")
            with open(exe, "w") as f:
                f.write(FAKE_LINREG % {"fix": os.path.abspath(FIX), "perturb": perturb})
            os.chmod(exe, 0o755)
            res = compare_all(Linreg(tmp, tmp), cases)
            failed = [r[0]["name"] for r in res if r[1] is None or r[1].fails]
            if failed != (["swiss"] if perturb else []):
                problems.append("stand-in linreg%s: failed cases %s" % (
                    " with swiss' SE perturbed" if perturb else "", failed))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build", nargs="?", help="the build folder holding linreg")
    ap.add_argument("--candidate", choices=("statsmodels",),
                    help="compare statsmodels instead of linreg")
    ap.add_argument("--out", help="the markdown written (default results/statistics.md; "
                    "with --candidate, build/statistics-statsmodels.md)")
    ap.add_argument("--self-check", action="store_true",
                    help="show that the comparison fails on perturbed values")
    a = ap.parse_args()
    with open(os.path.join(FIX, "cases.json")) as f:
        fixtures = json.load(f)
    cases = fixtures["cases"]
    if a.self_check:
        problems = self_check(cases)
        for p in problems:
            print("self-check: " + p)
        print("self-check: %s" % ("FAILED" if problems else "ok"))
        sys.exit(1 if problems else 0)
    if (a.build is None) == (a.candidate is None):
        ap.error("give BUILD or --candidate statsmodels")
    with tempfile.TemporaryDirectory() as tmp:
        if a.candidate:
            cand = Statsmodels()
            out = a.out or os.path.join("build", "statistics-statsmodels.md")
        else:
            cand = Linreg(a.build, tmp)
            out = a.out or os.path.join("results", "statistics.md")
        results = compare_all(cand, cases)
        npass, nfail = write_md(out, cand, sys.argv[1:], fixtures, results)
    print("%s: %d pass, %d fail; written %s" % (cand.name, npass, nfail, out))
    sys.exit(1 if nfail else 0)


if __name__ == "__main__":
    main()
