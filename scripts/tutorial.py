#!/usr/bin/python3
"""Run the NumPy tutorial's gradient-descent linear regression.

Generates data with sklearn.datasets.make_regression, trains with batch
gradient descent (scripts/tutorial_gd.py) and prints a JSON summary.
Floats are printed with repr() precision, so they round-trip exactly.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from sklearn.datasets import make_regression  # noqa: E402

from tutorial_gd import gradient_descent, mse  # noqa: E402


def write_data(path, X, y):
    """Write X and y as CSV: header x1..xp,y, one sample per row."""
    with open(path, "w") as f:
        cols = ["x%d" % (j + 1) for j in range(X.shape[1])] + ["y"]
        f.write(",".join(cols) + "\n")
        for row, target in zip(X, y):
            f.write(",".join(repr(float(v)) for v in row) + ","
                    + repr(float(target)) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--init-seed", type=int, required=True,
                    help="seed for np.random.seed before the initial weights")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--iters", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--features", type=int, default=1)
    ap.add_argument("--noise", type=float, default=15.0)
    ap.add_argument("--seed", type=int, default=4,
                    help="random_state for make_regression")
    ap.add_argument("--history", metavar="FILE.csv",
                    help="write iter,mse for iter 0..iters")
    ap.add_argument("--data-out", metavar="FILE.csv",
                    help="write the generated data as x1..xp,y")
    args = ap.parse_args()

    X, y = make_regression(n_samples=args.samples, n_features=args.features,
                           noise=args.noise, random_state=args.seed)
    if args.data_out:
        write_data(args.data_out, X, y)

    history = [] if args.history else None
    t0 = time.perf_counter()
    initial_w, w, b = gradient_descent(X, y, args.init_seed, args.lr,
                                       args.iters, history)
    elapsed = time.perf_counter() - t0

    if args.history:
        with open(args.history, "w") as f:
            f.write("iter,mse\n")
            for i, loss in enumerate(history):
                f.write("%d,%r\n" % (i, float(loss)))

    # json.dumps formats Python floats with repr(), i.e. exact round-trip.
    print(json.dumps({
        "init_seed": args.init_seed,
        "lr": args.lr,
        "iters": args.iters,
        "initial_weights": [float(v) for v in initial_w],
        "weights": [float(v) for v in w],
        "bias": b,
        "final_mse": float(mse(X, y, w, b)),
        "time_s": elapsed,
        "time_per_iter_s": elapsed / args.iters if args.iters else 0.0,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
