#!/usr/bin/python3
"""Make the issue-11 statistics fixtures, tests/fixtures/stats/.

    /usr/bin/python3 scripts/stats-fixtures.py [OUTDIR]

(default OUTDIR tests/fixtures/stats; run from the repository root). Runs
scripts/stats-fixtures.R (R's lm, summary, confint, logLik, AIC, BIC, kappa,
predict.lm) which writes the data sets, then adds:
  - robust cases (--se hc0..hc3) from statsmodels OLS(...).fit(cov_type='HCk',
    use_t=True), cross-checked against R's tables computed by hand from the
    hat values (the agreement is printed and written into README.md);
  - ridge cases (--l2 A, with and without --standardize): estimates and edf by
    numpy from the project's definition, minimise mean((y - b - Xw)^2)/2 +
    l2/2 |w|^2 with b unpenalised; with --standardize the penalty is on the
    weights of the columns scaled by their population sd, the estimates are
    reported in raw units. edf = trace of the hat matrix (1 for the
    intercept + trace of Z (Z^T Z + n l2 I)^-1 Z^T, Z the centred [scaled]
    columns).
and writes OUTDIR/cases.json with every number printed with 17 significant
digits. Needs R (r-base-core), python3-statsmodels and numpy; the build and the
tests never do.
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

import mpmath
import numpy as np
import scipy
import statsmodels
import scipy.stats
import statsmodels.api as sm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_csv(path):
    """Header + numbers -> (names, matrix)."""
    with open(path) as f:
        names = f.readline().strip().split(",")
    return names, np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)


def xy(path, intercept):
    names, m = read_csv(path)
    cols = [i for i, name in enumerate(names) if name != "y"]
    X = m[:, cols]
    terms = [names[i] for i in cols]
    if intercept:
        X = np.column_stack([np.ones(len(X)), X])
        terms = ["(Intercept)"] + terms
    return X, (m[:, names.index("y")] if "y" in names else None), terms


# ---- Student t and F in high precision (mpmath) ----

def mp_t_sf(t, nu):
    """P(T > t) at mpmath's working precision."""
    t, nu = mpmath.mpf(t), mpmath.mpf(nu)
    tail = mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True) / 2
    return tail if t > 0 else 1 - tail


def mp_t_quantile(p, nu):
    """The t quantile at mpmath's working precision (Newton from scipy's)."""
    p = mpmath.mpf(p)
    return mpmath.findroot(lambda t: 1 - mp_t_sf(t, nu) - p,
                           mpmath.mpf(scipy.stats.t.ppf(float(p), float(nu))))


def mp_f_sf(f, d1, d2):
    """P(F > f) at mpmath's working precision."""
    d1, d2 = mpmath.mpf(d1), mpmath.mpf(d2)
    return mpmath.betainc(d2 / 2, d1 / 2, 0, d2 / (d2 + d1 * mpmath.mpf(f)), regularized=True)


def t_quantile(p, df):
    """Student t quantile to ~30 digits (mpmath), rounded to a double.

    scipy 1.10's t.ppf, which statsmodels' conf_int uses, is off by ~3e-9
    relative (qt(0.975, 41): scipy 2.0195409639828936, R and mpmath
    2.0195409704413754), which an interval bound near 0 turns into 1e-6.
    """
    with mpmath.workdps(40):
        return float(mp_t_quantile(p, df))


def t_sf(t, df):
    with mpmath.workdps(40):
        return float(mp_t_sf(t, df))


def f_sf(f, d1, d2):
    with mpmath.workdps(40):
        return float(mp_f_sf(f, d1, d2))


# ---- the whole summary in 60 digits, to measure R's and statsmodels' ----

def mp_summary(X, y, intercept, level, hc=None, Xnew=None):
    """What summary.lm, confint, logLik, AIC, BIC, kappa (and the sandwich
    HCk, and predict.lm's intervals for Xnew) give, computed in 60-digit
    arithmetic from the same doubles, by the normal equations (exact enough
    at this precision). X holds the column of ones when intercept."""
    with mpmath.workdps(60):
        n, p = X.shape
        Xm = mpmath.matrix(X.tolist())
        ym = mpmath.matrix(y.tolist())
        G = (Xm.T * Xm) ** -1
        b = G * (Xm.T * ym)
        res = ym - Xm * b
        rss = mpmath.fsum(r * r for r in res)
        df = n - p
        s2 = rss / df
        if hc is None:
            V = G * s2
        else:
            h = [(Xm[i, :] * G * Xm[i, :].T)[0] for i in range(n)]
            w = [res[i] ** 2 * {"hc0": 1, "hc1": mpmath.mpf(n) / df, "hc2": 1 / (1 - h[i]),
                                "hc3": 1 / (1 - h[i]) ** 2}[hc] for i in range(n)]
            meat = Xm.T * mpmath.diag(w) * Xm
            V = G * meat * G
        q = mp_t_quantile((1 + mpmath.mpf(level)) / 2, df)
        rows = []
        for j in range(p):
            se = mpmath.sqrt(V[j, j])
            t = b[j] / se
            rows.append({"estimate": b[j], "std_error": se, "t": t,
                         "p_value": 2 * mp_t_sf(abs(t), df),
                         "ci_low": b[j] - q * se, "ci_high": b[j] + q * se})
        ybar = mpmath.fsum(ym) / n if intercept else 0
        tss = mpmath.fsum((v - ybar) ** 2 for v in ym)
        df1 = p - 1 if intercept else p
        fstat = (tss - rss) / df1 / s2
        ll = -mpmath.mpf(n) / 2 * (mpmath.log(2 * mpmath.pi) + 1 + mpmath.log(rss / n))
        sv = mpmath.svd_r(Xm, compute_uv=False)
        out = {"coefficients": rows, "sigma": mpmath.sqrt(s2), "r2": 1 - rss / tss,
               "adj_r2": 1 - (rss / df) / (tss / (n - int(intercept))),
               "f_statistic": fstat, "f_p_value": mp_f_sf(fstat, df1, df),
               "loglik": ll, "aic": -2 * ll + 2 * (p + 1),
               "bic": -2 * ll + mpmath.log(n) * (p + 1),
               "condition_number": max(sv) / min(sv)}
        if Xnew is not None:
            fit, lwr, upr = [], [], []
            for i in range(Xnew.shape[0]):
                x0 = mpmath.matrix([Xnew[i].tolist()])
                f = (x0 * b)[0]
                v = (x0 * G * x0.T)[0] * s2
                fit.append(f)
                lwr.append({"confidence": f - q * mpmath.sqrt(v),
                            "prediction": f - q * mpmath.sqrt(v + s2)})
                upr.append({"confidence": f + q * mpmath.sqrt(v),
                            "prediction": f + q * mpmath.sqrt(v + s2)})
            out["pred"] = (fit, lwr, upr)
        return out


def min_digits(ref, hi, where=""):
    """min digits of the numbers in ref (a case's expect, or part of it)
    against the 60-digit values hi with the same keys; (digits, where)."""
    worst = (17.0, where)
    if isinstance(ref, dict):
        for k, v in ref.items():
            if k in hi:
                worst = min(worst, min_digits(v, hi[k], where + " " + k), key=lambda w: w[0])
    elif isinstance(ref, list):
        for i, (u, v) in enumerate(zip(ref, hi)):
            worst = min(worst, min_digits(u, v, "%s[%d]" % (where, i)), key=lambda w: w[0])
    elif isinstance(ref, float):
        worst = (digits(ref, float(hi)), where.strip())
    return worst


def mp_agreement(outdir, fits, robust, preds):
    """R's fit and predict values and statsmodels' robust ones against
    mp_summary: {case name: (digits, where)}."""
    out = {}
    for c in fits + robust:
        e = c["expect"]
        intercept = "--no-intercept" not in c["args"]
        X, y, terms = xy(os.path.join(outdir, c["data"]), intercept)
        keep = [i for i, t in enumerate(terms) if t not in e.get("aliased", [])]
        hi = mp_summary(X[:, keep], y, intercept, float(c["args"][c["args"].index("--level") + 1])
                        if "--level" in c["args"] else 0.95,
                        hc=c["args"][c["args"].index("--se") + 1] if "--se" in c["args"] else None)
        rows = [r for r in e["coefficients"] if r["estimate"] is not None]
        hi["coefficients"] = [dict(r) for r in hi["coefficients"]]
        ref = dict(e)
        ref["coefficients"] = rows
        ref.pop("level", None)
        out[c["name"]] = min_digits(ref, hi)
    for c in preds:
        intercept = "--no-intercept" not in c["fit_args"]
        X, y, _ = xy(os.path.join(outdir, c["data"]), intercept)
        Xn, _, _ = xy(os.path.join(outdir, c["newdata"]), intercept)
        a = c["args"]
        level = float(a[a.index("--level") + 1]) if "--level" in a else 0.95
        kind = a[a.index("--interval") + 1]
        fit, lwr, upr = mp_summary(X, y, intercept, level, Xnew=Xn)["pred"]
        out[c["name"]] = min_digits(c["expect"], {"fit": fit, "lwr": [v[kind] for v in lwr],
                                                  "upr": [v[kind] for v in upr]})
    return out


def nist_agreement(outdir, case):
    """R's Longley against NIST's certified values: (digits, where)."""
    with open(os.path.join("tests", "data", "nist", "certified.csv"), newline="") as f:
        cert = next(r for r in csv.DictReader(f) if r["dataset"] == "Longley")
    e = case["expect"]
    pairs = [("sigma", e["sigma"], cert["resid_sd"]), ("r2", e["r2"], cert["r_squared"]),
             ("f_statistic", e["f_statistic"], cert["f_statistic"])]
    for i, r in enumerate(e["coefficients"]):
        pairs += [("%s estimate" % r["term"], r["estimate"], cert["b%d" % i]),
                  ("%s std_error" % r["term"], r["std_error"], cert["sd_b%d" % i])]
    return min(((digits(v, float(c)), k) for k, v, c in pairs), key=lambda w: w[0])


# ---- robust cases ----

def p_agreement(cases):
    """R's p-values against mpmath's from R's own t and F: min digits, and
    the smallest p-value checked."""
    worst, smallest = 17.0, 1.0
    for c in cases:
        e = c["expect"]
        for row in e["coefficients"]:
            if row.get("p_value") is not None:
                p = 2 * t_sf(abs(row["t"]), e["df_residual"])
                worst = min(worst, digits(row["p_value"], p))
                smallest = min(smallest, row["p_value"])
        worst = min(worst, digits(e["f_p_value"], f_sf(e["f_statistic"], e["f_df1"], e["f_df2"])))
        smallest = min(smallest, e["f_p_value"])
    return worst, smallest


def hc_case(outdir, data, cov, level=0.95, intercept=True):
    X, y, terms = xy(os.path.join(outdir, data + ".csv"), intercept)
    res = sm.OLS(y, X).fit(cov_type=cov.upper(), use_t=True)
    # res.conf_int(alpha=1 - level) but with an accurate quantile (t_quantile)
    q = t_quantile(1 - (1 - level) / 2, res.df_resid)
    ci = np.column_stack([res.params - q * res.bse, res.params + q * res.bse])
    rows = [{"term": t, "estimate": res.params[i], "std_error": res.bse[i],
             "t": res.tvalues[i], "p_value": res.pvalues[i],
             "ci_low": ci[i, 0], "ci_high": ci[i, 1]}
            for i, t in enumerate(terms)]
    args = [] if intercept else ["--no-intercept"]
    args += ["--se", cov]
    if level != 0.95:
        args += ["--level", "%g" % level]
    name = "%s%s_%s%s" % (data, "" if intercept else "_noint", cov,
                          "" if level == 0.95 else "_level%d" % round(100 * level))
    return {"name": name, "data": data + ".csv", "args": args,
            "reference": "statsmodels %s OLS(y, X%s).fit(cov_type='%s', use_t=True)%s"
                         % (statsmodels.__version__,
                            " with a column of ones" if intercept else "",
                            cov.upper(),
                            "; interval estimate -/+ q std_error, q the t quantile (level %g) "
                            "by mpmath (scipy's t.ppf is off by 3e-9)" % level),
            "expect": {"coefficients": rows, "n": int(len(y))}}


def digits(a, b):
    """-log10 of the relative difference (17 when equal)."""
    if a == b:
        return 17.0
    return -math.log10(abs(a - b) / max(abs(a), abs(b)))


def hc_agreement(cases, by_hand):
    """min over all numbers of a robust case of the digits R vs statsmodels."""
    worst = {}
    for c in cases:
        r = by_hand[c["name"]]
        d = 17.0
        for rs, rr in zip(c["expect"]["coefficients"], r):
            assert rs["term"] == rr["term"], (rs["term"], rr["term"])
            for k in ("estimate", "std_error", "t", "p_value", "ci_low", "ci_high"):
                d = min(d, digits(rs[k], rr[k]))
        worst[c["name"]] = d
    return worst


# ---- ridge cases ----

def ridge(X, y, l2, standardize, intercept=True):
    """The project's ridge, the intercept unpenalised: (b, w, edf), numpy."""
    n = len(y)
    xm, ym = (X.mean(axis=0), y.mean()) if intercept else (np.zeros(X.shape[1]), 0.0)
    sd = X.std(axis=0) if standardize else np.ones(X.shape[1])
    Z = (X - xm) / sd
    A = Z.T @ Z + n * l2 * np.eye(X.shape[1])
    wz = np.linalg.solve(A, Z.T @ (y - ym))
    w = wz / sd
    b = ym - xm @ w
    edf = float(intercept) + np.trace(np.linalg.solve(A, Z.T @ Z))
    return b, w, edf


def ridge_mp(X, y, l2, standardize, intercept=True, dps=60):
    """ridge() in 60-digit arithmetic from the same doubles (Longley's
    Z^T Z + n l2 I is too ill-conditioned for a double solve to keep 1e-8)."""
    with mpmath.workdps(dps):
        n, p = X.shape
        Xm = [[mpmath.mpf(float(v)) for v in row] for row in X]
        ym = [mpmath.mpf(float(v)) for v in y]
        zero = mpmath.mpf(0)
        xbar = [mpmath.fsum(Xm[i][j] for i in range(n)) / n if intercept else zero
                for j in range(p)]
        ybar = mpmath.fsum(ym) / n if intercept else zero
        if standardize:
            # the population sd, about the mean (the data's, whatever the model)
            sd = [mpmath.sqrt(mpmath.fsum((Xm[i][j] - mpmath.fsum(Xm[k][j] for k in range(n)) / n)
                                          ** 2 for i in range(n)) / n) for j in range(p)]
        else:
            sd = [mpmath.mpf(1)] * p
        Z = mpmath.matrix([[(Xm[i][j] - xbar[j]) / sd[j] for j in range(p)] for i in range(n)])
        ZtZ = Z.T * Z
        A = ZtZ + n * mpmath.mpf(l2) * mpmath.eye(p)
        wz = mpmath.lu_solve(A, Z.T * mpmath.matrix([v - ybar for v in ym]))
        w = [wz[j] / sd[j] for j in range(p)]
        b = ybar - mpmath.fsum(xbar[j] * w[j] for j in range(p))
        edf = int(intercept) + sum((mpmath.lu_solve(A, ZtZ[:, j]))[j] for j in range(p))
        return float(b), np.array([float(v) for v in w]), float(edf)


def ridge_case(outdir, data, l2, standardize, intercept=True):
    X, y, terms = xy(os.path.join(outdir, data + ".csv"), False)
    b, w, edf = ridge_mp(X, y, l2, standardize, intercept)
    nb, nw, nedf = ridge(X, y, l2, standardize, intercept)
    agree = min([digits(b, nb), digits(edf, nedf)] + [digits(u, v) for u, v in zip(w, nw)])
    rows = [{"term": "(Intercept)", "estimate": b}] if intercept else []
    rows += [{"term": t, "estimate": w[i]} for i, t in enumerate(terms)]
    args = (([] if intercept else ["--no-intercept"]) + ["--l2", "%g" % l2]
            + (["--standardize"] if standardize else []))
    if intercept:
        how = ("w = (Z^T Z + n l2 I)^-1 Z^T (y - mean y), Z = X centred%s, "
               "intercept = mean y - mean X w; edf = 1 + trace((Z^T Z + n l2 I)^-1 Z^T Z)"
               % (" and scaled by the population sd (weights in raw units)"
                  if standardize else ""))
    else:
        assert not standardize
        how = "w = (X^T X + n l2 I)^-1 X^T y; edf = trace((X^T X + n l2 I)^-1 X^T X)"
    return {"name": "%s%s_l2_%g%s" % (data, "" if intercept else "_noint", l2,
                                      "_std" if standardize else ""),
            "data": data + ".csv", "args": args,
            "reference": "mpmath %s (60 digits; numpy %s agrees to %.1f digits): %s"
                         % (mpmath.__version__, np.__version__, agree, how),
            "expect": {"coefficients": rows, "n": int(len(y)), "edf": edf}}, agree


# ---- output: JSON with 17 significant digits ----

def dump(x, ind=0):
    sp = "  " * ind
    if isinstance(x, dict):
        if not x:
            return "{}"
        # one line for a coefficient row or a flat dict of scalars
        if all(not isinstance(v, (dict, list)) for v in x.values()):
            return "{" + ", ".join("%s: %s" % (json.dumps(k), dump(v)) for k, v in x.items()) + "}"
        return "{\n" + ",\n".join("%s  %s: %s" % (sp, json.dumps(k), dump(v, ind + 1))
                                  for k, v in x.items()) + "\n" + sp + "}"
    if isinstance(x, list):
        if all(not isinstance(v, (dict, list)) for v in x):
            return "[" + ", ".join(dump(v) for v in x) + "]"
        return "[\n" + ",\n".join(sp + "  " + dump(v, ind + 1) for v in x) + "\n" + sp + "]"
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, np.integer)):
        return "%d" % x
    if isinstance(x, (float, np.floating)):
        x = float(x)
        assert math.isfinite(x), x
        return "%.17g" % x
    if isinstance(x, str):
        return json.dumps(x)
    raise TypeError(type(x))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join("tests", "fixtures", "stats")
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        rjson = os.path.join(tmp, "r.json")
        subprocess.run(["Rscript", os.path.join("scripts", "stats-fixtures.R"), outdir, rjson],
                       check=True)
        with open(rjson) as f:
            r = json.load(f)

    robust = []
    for data in ("cars", "trees", "mtcars", "stackloss", "swiss", "lifecycle"):
        for cov in ("hc0", "hc1", "hc2", "hc3"):
            robust.append(hc_case(outdir, data, cov))
    robust.append(hc_case(outdir, "mtcars", "hc3", level=0.9))
    robust.append(hc_case(outdir, "trees", "hc1", intercept=False))
    agree = hc_agreement(robust, r["hc_by_hand"])

    ridge_agree = {}
    ridges = []
    for d, l2, s, i in [(d, l2, s, True) for d, l2 in (("mtcars", 0.1), ("swiss", 0.5),
                                                       ("longley", 1e-3))
                        for s in (False, True)] + [("swiss", 0.5, False, False)]:
        c, ridge_agree[len(ridges)] = ridge_case(outdir, d, l2, s, i)
        ridges.append(c)
    ridge_agree = {ridges[i]["name"]: v for i, v in ridge_agree.items()}

    fits = [c for c in r["cases"] if c.get("kind") != "predict"]
    preds = [c for c in r["cases"] if c.get("kind") == "predict"]
    versions = "%s; statsmodels %s; numpy %s; scipy %s; mpmath %s; Python %s" % (
        r["r_version"], statsmodels.__version__, np.__version__, scipy.__version__,
        mpmath.__version__, sys.version.split()[0])
    out = {"generated_by": "/usr/bin/python3 scripts/stats-fixtures.py (runs Rscript "
                           "scripts/stats-fixtures.R) with " + versions,
           "cases": fits + robust + ridges + preds}
    with open(os.path.join(outdir, "cases.json"), "w") as f:
        f.write(dump(out) + "\n")

    pworst, psmall = p_agreement(fits)
    lines = ["# Written by scripts/stats-fixtures.py: how far the references agree.",
             "# digits = min over the numbers of -log10(relative difference); 17 = identical.",
             "# R's p-values (2 pt(|t|, df, lower = FALSE), pf(F, ...)) against mpmath's from",
             "# the same t and F, over the %d R fit cases (smallest p-value checked %.3g):"
             % (len(fits), psmall),
             "r_pvalues_vs_mpmath %.1f" % pworst,
             "# HC0-HC3: statsmodels OLS(...).fit(cov_type, use_t=True) (intervals with",
             "# mpmath's t quantile) against R by hand from the hat values",
             "# (scripts/stats-fixtures.R hc_table), min over estimate, se, t, p, interval",
             "# (an interval bound near 0 loses digits to cancellation in b -/+ q se):"]
    lines += ["%s %.1f" % (k, v) for k, v in agree.items()]
    lines += ["# ridge: numpy (double) against mpmath (60 digits, the fixture), min over",
              "# the estimates and edf:"]
    lines += ["%s %.1f" % (k, v) for k, v in ridge_agree.items()]
    hi = mp_agreement(outdir, fits, robust, preds)
    lines += ["# every number of every R fit and predict case, and of every statsmodels",
              "# robust case, against the same computed in 60 digits from the same doubles",
              "# (mp_summary: normal equations, mpmath's t and F); the worst value named:"]
    lines += ["%s %.1f %s" % (k, v[0], v[1].replace(" ", "")) for k, v in hi.items()]
    ln, lw = nist_agreement(outdir, [c for c in fits if c["name"] == "longley"][0])
    lines += ["# longley: R against NIST's certified values (15 digits; tests/data/nist/",
              "# certified.csv): estimates, their SEs, residual sd, R2, F; the worst named:",
              "longley_vs_nist %.1f %s" % (ln, lw)]
    with open(os.path.join(outdir, "agreement.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("cases: %d fit (R), %d robust (statsmodels), %d ridge (numpy), %d predict (R)"
          % (len(fits), len(robust), len(ridges), len(preds)))
    print("\n".join(lines))
    worst = min(agree.values())
    r_worst = min(v[0] for k, v in hi.items() if "_hc" not in k)
    sm_worst = min(v[0] for k, v in hi.items() if "_hc" in k)
    if worst < 10 or pworst < 13 or r_worst < 12 or sm_worst < 9.5 or ln < 12:
        sys.exit("the references disagree: HC %.1f digits, p-values %.1f, R against 60 digits"
                 " %.1f, statsmodels %.1f, Longley against NIST %.1f"
                 % (worst, pworst, r_worst, sm_worst, ln))


if __name__ == "__main__":
    main()
