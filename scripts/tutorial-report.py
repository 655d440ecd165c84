#!/usr/bin/python3
"""Write results/tutorial/tutorial.md: linreg next to the NumPy tutorial.

Reads DIR/linreg_report_K.json (linreg train --report) and DIR/numpy_K.json
(scripts/tutorial.py) for K = 1..5 as left by scripts/tutorial.sh, and
prints Markdown on stdout.
"""

import glob
import json
import os
import sys


def load(pattern):
    return [json.load(open(p)) for p in sorted(glob.glob(pattern))]


def main():
    d = sys.argv[1]
    lin = load(os.path.join(d, "linreg_report_*.json"))
    npy = load(os.path.join(d, "numpy_*.json"))
    L, N = lin[0], npy[0]
    m = L["machine"]
    tl = min(r["time_per_iter_s"] for r in lin)
    tn = min(r["time_per_iter_s"] for r in npy)
    wl, wn = L["weights"][0], N["weights"][0]
    bl, bn = L["bias"], N["bias"]

    def rel(a, b):
        return abs(a - b) / abs(b)

    print("# The tutorial, reproduced\n")
    print("The NumPy tutorial's linear regression (batch gradient descent on")
    print("MSE, lr 0.01, 1000 iterations, `np.random.seed(42)` then")
    print("`np.random.rand(1)` for the weight, bias 0) on")
    print("`make_regression(n_samples=500, n_features=1, noise=15,")
    print("random_state=4)`, run by NumPy (`scripts/tutorial.py`) and by linreg")
    print("on data linreg generated itself (bit-identical X; see `make check`).\n")
    print("Produced by `make tutorial` (`scripts/tutorial.sh`), which runs:\n")
    print("```sh")
    print("build/linreg train --samples 500 --features 1 --noise 15 --seed 4 "
          "--init-seed 42 --report R.json")
    print("/usr/bin/python3 scripts/tutorial.py --init-seed 42")
    print("```\n")
    print("Machine: %s, %d cores (`%s`), linreg built with `%s` (%s); "
          "NumPy %s." % (m["cpu"], m["cores"], m["host"], m["flags"],
                         m["compiler"], N.get("numpy", "1.24 (Debian)")))
    print("Times are the best of 5 runs of the whole training loop, divided "
          "by the iterations.\n")
    print("| | NumPy tutorial | linreg | relative difference |")
    print("|---|---|---|---|")
    print("| initial weight | %.17g | %.17g | %.1e |" % (
        N["initial_weights"][0], L["initial_weights"][0],
        rel(L["initial_weights"][0], N["initial_weights"][0])))
    print("| final weight w | %.17g | %.17g | %.1e |" % (wn, wl, rel(wl, wn)))
    print("| final bias b | %.17g | %.17g | %.1e |" % (bn, bl, rel(bl, bn)))
    print("| final MSE | %.17g | %.17g | %.1e |" % (
        N["final_mse"], L["final_mse"], rel(L["final_mse"], N["final_mse"])))
    print("| time per iteration | %.3g us | %.3g us | linreg %.0fx faster |" % (
        tn * 1e6, tl * 1e6, tn / tl))
    print("| threads | 1 (NumPy's reference BLAS) | %d (serial path: 500 x 1 is "
          "too small to gain from threads) | |" % L["threads"])
    print()
    print("The weights agree to well within the 1e-9 the tests demand "
          "(`tests/check_train.c`, `tests/cli.sh`); the last bits differ "
          "because NumPy sums `np.sum` pairwise and linreg in one pass.\n")
    print("linreg also measures the run against the exact least-squares "
          "optimum (GSL):\n")
    print("| optimal MSE | gap (mse - mse*)/mse* | \\|w - w*\\| | "
          "\\|w - w_true\\| | R² |")
    print("|---|---|---|---|---|")
    print("| %.15g | %.3g | %.3g | %.3g | %.6f |" % (
        L["optimal_mse"], L["gap"], L["dist_to_optimum"],
        L["true_coef_error"], L["r2"]))
    print()
    print("![data and fitted lines](fit.png)\n")
    print("![loss curves](loss.png)")


if __name__ == "__main__":
    main()
