#!/usr/bin/python3
"""Fit the 11 NIST StRD linear least-squares datasets twice and score them.

1. GSL's least-squares solver: `linreg solve` (SVD with column balancing).
2. Gradient descent: `linreg train --standardize --lr auto --optimizer
   nesterov --init zeros --iters N`.

For each, the digits of agreement (LRE, -log10 of the relative error,
capped at 15; -log10 of the absolute error where the certified value is 0)
of the worst coefficient, next to the `lstsq` column of the data's README
(plain numpy.linalg.lstsq). Prints Markdown (results/nist/nist.md) on stdout.

usage: scripts/nist.py [--build build] [--nist tests/data/nist]
                       [--iters 1000000]
"""

import argparse
import csv
import json
import math
import os
import platform
import subprocess
import tempfile

LSTSQ = {  # the README's `lstsq b` column: numpy.linalg.lstsq, rcond default
    "Norris": 12.2, "Pontius": 6.2, "NoInt1": 14.7, "NoInt2": 15.0,
    "Filip": 0.0, "Longley": 11.0, "Wampler1": 9.0, "Wampler2": 10.2,
    "Wampler3": 9.5, "Wampler4": 8.0, "Wampler5": 6.0,
}


def lre(x, cert):
    err = abs(x - cert) / abs(cert) if cert != 0 else abs(x)
    return 15.0 if err == 0 else min(15.0, -math.log10(err))


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("nist.py: %s failed:\n%s" % (" ".join(cmd), r.stderr))
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--nist", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data",
        "nist"))
    ap.add_argument("--iters", type=int, default=1000000)
    args = ap.parse_args()
    linreg = os.path.join(args.build, "linreg")
    cert = list(csv.DictReader(open(os.path.join(args.nist, "certified.csv"))))
    tmp = tempfile.mkdtemp()
    rows = []
    for c in cert:
        name, data = c["dataset"], os.path.join(args.nist, c["data_file"])
        icpt = c["intercept"] == "1"
        p = int(c["n_x_cols"])
        want = [float(c["b%d" % j]) for j in range(1, p + 1)]
        b0 = float(c["b0"]) if icpt else 0.0
        extra = [] if icpt else ["--no-intercept"]
        model = os.path.join(tmp, name + "-gsl.json")
        run([linreg, "solve", "--data", data, "--model-out", model] + extra)
        m = json.load(open(model))
        got = m["weights"] + ([m["bias"]] if icpt else [])
        ref = want + ([b0] if icpt else [])
        gsl = min(lre(g, r) for g, r in zip(got, ref))
        model = os.path.join(tmp, name + "-gd.json")
        rep = os.path.join(tmp, name + "-gd-report.json")
        cmd = [linreg, "train", "--data", data, "--standardize", "--lr", "auto",
               "--optimizer", "nesterov", "--init", "zeros", "--iters",
               str(args.iters), "--quiet", "--no-exact", "--model-out", model,
               "--report", rep] + extra
        run(cmd)
        m, r = json.load(open(model)), json.load(open(rep))
        got = m["weights"] + ([m["bias"]] if icpt else [])
        gd = min(lre(g, x) for g, x in zip(got, ref))
        rows.append((name, c["difficulty"], int(c["n_obs"]), len(ref),
                     LSTSQ[name], gsl, gd, r["iterations"], r["time_s"]))
    print("# NIST StRD linear regression: certified digits\n")
    print("The 11 datasets of `tests/data/nist` (NIST Statistical Reference")
    print("Datasets, certified to 15 digits), fitted by `scripts/nist.sh`")
    print("(`scripts/nist.py --iters %d`) on %s:\n" % (args.iters, cpu()))
    print("- **GSL**: `linreg solve --data F.csv` (GSL's `gsl_multifit_linear`: SVD")
    print("  with column balancing);")
    print("- **GD**: `linreg train --data F.csv --standardize --lr auto --optimizer")
    print("  nesterov --init zeros --iters %d` (plus `--no-intercept` for NoInt1" % args.iters)
    print("  and NoInt2).\n")
    print("Digits are the LRE of the *worst* coefficient: -log10 of its relative")
    print("error against the certified value, capped at 15. `lstsq` is plain")
    print("`numpy.linalg.lstsq` from the data's README, for comparison. The issue")
    print("asks GSL for at least the `lstsq` digits (at least 7 on Filip) and GD for")
    print("at least 6 on every dataset but Filip.\n")
    print("| dataset | difficulty | n | params | lstsq | GSL | GD | GD iterations | GD time (s) | met |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (name, diff, n, k, ls, gsl, gd, it, t) in rows:
        ok_gsl = gsl >= (7.0 if name == "Filip" else ls) - 0.05
        ok_gd = name == "Filip" or gd >= 6.0
        print("| %s | %s | %d | %d | %.1f | %.1f | %.1f | %d | %.3f | %s |" % (
            name, diff, n, k, ls, gsl, gd, it, t,
            "yes" if ok_gsl and ok_gd else "**no**"))
    print()
    print("Filip (cond2 1.8e15) is beyond gradient descent in double precision:")
    print("its GD digits are reported, not required. Times are the training loop")
    print("alone (`time_s` of the report), one thread (these problems take the")
    print("serial path).")


if __name__ == "__main__":
    main()
