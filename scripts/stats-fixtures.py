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
    iy = names.index("y")
    cols = [i for i in range(len(names)) if i != iy]
    X = m[:, cols]
    terms = [names[i] for i in cols]
    if intercept:
        X = np.column_stack([np.ones(len(X)), X])
        terms = ["(Intercept)"] + terms
    return X, m[:, iy], terms


# ---- robust cases ----

def t_quantile(p, df):
    """Student t quantile to ~30 digits (mpmath), rounded to a double.

    scipy 1.10's t.ppf, which statsmodels' conf_int uses, is off by ~3e-9
    relative (qt(0.975, 41): scipy 2.0195409639828936, R and mpmath
    2.0195409704413754), which an interval bound near 0 turns into 1e-6.
    """
    with mpmath.workdps(40):
        nu = mpmath.mpf(df)
        half = mpmath.mpf(1) / 2

        def cdf(t):
            x = nu / (nu + t * t)
            tail = mpmath.betainc(nu / 2, half, 0, x, regularized=True) / 2
            return 1 - tail if t > 0 else tail
        q = mpmath.findroot(lambda t: cdf(t) - mpmath.mpf(p), scipy.stats.t.ppf(p, df))
        return float(q)


def t_sf(t, df):
    """P(T > t), mpmath."""
    with mpmath.workdps(40):
        nu = mpmath.mpf(df)
        x = nu / (nu + mpmath.mpf(t) ** 2)
        tail = mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, x, regularized=True) / 2
        return float(tail if t > 0 else 1 - tail)


def f_sf(f, d1, d2):
    """P(F > f), mpmath."""
    with mpmath.workdps(40):
        x = mpmath.mpf(d2) / (d2 + d1 * mpmath.mpf(f))
        return float(mpmath.betainc(mpmath.mpf(d2) / 2, mpmath.mpf(d1) / 2, 0, x,
                                    regularized=True))


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
    with open(os.path.join(outdir, "agreement.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("cases: %d fit (R), %d robust (statsmodels), %d ridge (numpy), %d predict (R)"
          % (len(fits), len(robust), len(ridges), len(preds)))
    print("\n".join(lines))
    worst = min(agree.values())
    if worst < 10 or pworst < 13:
        sys.exit("the references disagree: HC %.1f digits, p-values %.1f digits"
                 % (worst, pworst))


if __name__ == "__main__":
    main()
