#!/usr/bin/python3
"""Time per iteration: the NumPy tutorial's gradient descent against linreg.

What it measures.  For each size (a = 500x1, b = 1e6x16, c = 1e5x256,
d = 4e6x8) the data are generated once with `linreg generate --generator fast
--noise 1 --seed 7` as X.npy (n, p) and y.npy (n,) float64 in a temporary
directory.  Then, for each thread count T:

  numpy   the tutorial's loop body on np.load()ed arrays, lr 0.05:
              y_pred = np.dot(X, w) + b
              dw = (1/n) * np.dot(X.T, (y_pred - y))
              db = (1/n) * np.sum(y_pred - y)
              w -= lr*dw;  b -= lr*db
          run in a child /usr/bin/python3 with OMP_NUM_THREADS and
          OPENBLAS_NUM_THREADS (and MKL/BLIS) set to T before NumPy is
          imported; K iterations, K chosen for about 0.3 s; the median over
          the repeats of (time of K iterations)/K.  The BLAS NumPy loaded is
          reported (threadpoolctl if importable, else the BLAS/LAPACK
          libraries mapped into the child from /proc/self/maps).  If Debian's
          OpenBLAS (/usr/lib/x86_64-linux-gnu/openblas-pthread) is installed,
          the NumPy side runs a second time with LD_LIBRARY_PATH pointing at
          it (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from that child's
          environment only) and is reported as a separate BLAS row.
  linreg  `linreg train --data X.npy --target-file y.npy --iters K --threads T
          --lr 0.05 --quiet --no-exact --report r.json` (X memory-mapped); the
          median of the report's time_per_iter_s over the repeats, K again
          chosen for about 0.3 s.

speedup = numpy s/iter / linreg s/iter, printed next to the issue's targets
(at least 9x at a, 2x at b, 3.5x at c, 3x at d) with met/missed per row.
Runs with more threads than cores oversubscribe the machine (the development
machine has 2 cores) and say nothing about scaling.

How to run (after `make`):

    scripts/compare-numpy.py [--build build] [--sizes abcd] [--threads 1,2]
                             [--repeat 5] [--out results/bench/compare-numpy.csv]

The table goes to stdout and the same rows, with the CPU model and the NumPy
version, to the CSV.  Only the Python standard library is needed in this
process; NumPy (and optionally threadpoolctl) in the children.  Uses about
3x the size of X in memory at d (256 MB of X).
"""

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_common import (PYTHON, SIZES, THREAD_VARS, blas_description,  # noqa: E402
                            cpu_model, generate_npy, n_cores, parse_sizes,
                            parse_threads)

OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
TARGETS = {"a": 9.0, "b": 2.0, "c": 3.5, "d": 3.0}
LR = 0.05
TARGET_SECONDS = 0.3


def numpy_child(x_path, y_path, repeat, target_seconds):
    """Child mode: time the tutorial's iteration and print one JSON line."""
    import numpy as np

    X = np.load(x_path)
    y = np.load(y_path)
    n, p = X.shape
    lr = LR
    np.random.seed(0)
    w = np.random.rand(p)
    b = 0.0

    def run(iters):
        nonlocal w, b
        t0 = time.perf_counter()
        for _ in range(iters):
            y_pred = np.dot(X, w) + b
            dw = (1 / n) * np.dot(X.T, (y_pred - y))
            db = (1 / n) * np.sum(y_pred - y)
            w -= lr * dw
            b -= lr * db
        return time.perf_counter() - t0

    # Warm up, then calibrate K for about target_seconds per timed run.
    run(1)
    k = 1
    while True:
        t = run(k)
        if t >= 0.05 or k >= 1 << 24:
            break
        k *= 4
    iters = max(3, int(math.ceil(target_seconds * k / max(t, 1e-9))))
    per_iter = [run(iters) / iters for _ in range(repeat)]
    print(json.dumps({
        "s_per_iter": statistics.median(per_iter),
        "all": per_iter,
        "iters": iters,
        "blas": blas_description(),
        "numpy": np.__version__,
        "final_mse": float(np.mean((X @ w + b - y) ** 2)),
    }))


def child_env(threads, openblas):
    """The environment of a NumPy child for T threads."""
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = str(threads)
    if openblas:
        old = env.get("LD_LIBRARY_PATH")
        env["LD_LIBRARY_PATH"] = OPENBLAS_DIR + (":" + old if old else "")
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    return env


def time_numpy(x_path, y_path, threads, repeat, openblas):
    """Run the NumPy child; returns its JSON result."""
    cmd = [PYTHON, os.path.abspath(__file__), "--numpy-child", x_path,
           y_path, "--repeat", str(repeat),
           "--target-seconds", str(TARGET_SECONDS)]
    out = subprocess.run(cmd, env=child_env(threads, openblas), check=True,
                         stdout=subprocess.PIPE, universal_newlines=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def linreg_train(linreg, x_path, y_path, iters, threads, report):
    """One linreg train run; returns its JSON report."""
    cmd = [linreg, "train", "--data", x_path, "--target-file", y_path,
           "--iters", str(iters), "--threads", str(threads),
           "--lr", str(LR), "--quiet", "--no-exact", "--report", report]
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(report) as f:
        return json.load(f)


def time_linreg(linreg, x_path, y_path, threads, repeat, tmp):
    """Median time_per_iter_s of linreg train, K iterations for ~0.3 s."""
    report = os.path.join(tmp, "report.json")
    # Calibration runs (they also warm the page cache and the mapping).
    k = 10
    while True:
        r = linreg_train(linreg, x_path, y_path, k, threads, report)
        if r["time_s"] >= 0.05 or k >= 1 << 24:
            break
        k *= 4
    tpi = max(r["time_per_iter_s"], 1e-12)
    iters = max(10, int(math.ceil(TARGET_SECONDS / tpi)))
    per_iter = []
    for _ in range(repeat):
        r = linreg_train(linreg, x_path, y_path, iters, threads, report)
        per_iter.append(r["time_per_iter_s"])
    return {"s_per_iter": statistics.median(per_iter), "all": per_iter,
            "iters": iters, "final_mse": r.get("final_mse"),
            "threads_used": r.get("threads")}


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Sizes: " + ", ".join("%s = %dx%d" % (k, n, p)
                                     for k, (n, p) in SIZES.items()))
    ap.add_argument("--build", default="build",
                    help="build directory holding linreg (default build)")
    ap.add_argument("--sizes", type=parse_sizes, default="abcd",
                    help="which sizes (default abcd)")
    ap.add_argument("--threads", type=parse_threads, default="1,2",
                    help="thread counts (default 1,2)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="timed repeats, the median is reported (default 5)")
    ap.add_argument("--out", default="results/bench/compare-numpy.csv",
                    help="CSV output (default results/bench/compare-numpy.csv)")
    ap.add_argument("--scale", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--numpy-child", nargs=2, metavar=("X", "Y"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--target-seconds", type=float, default=TARGET_SECONDS,
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.repeat < 1 or args.scale < 1:
        ap.error("--repeat and --scale must be at least 1")

    if args.numpy_child:
        numpy_child(args.numpy_child[0], args.numpy_child[1], args.repeat,
                    args.target_seconds)
        return 0

    linreg = os.path.join(args.build, "linreg")
    if not os.access(linreg, os.X_OK):
        sys.exit("compare-numpy: %s not found; run make first" % linreg)
    linreg = os.path.abspath(linreg)
    cpu = cpu_model()
    cores = n_cores()
    variants = [False]
    if os.path.exists(os.path.join(OPENBLAS_DIR, "libblas.so.3")):
        variants.append(True)

    print("cpu: %s, %d cores; more than %d threads oversubscribes the "
          "machine" % (cpu, cores, cores))
    if max(args.threads) > cores:
        print("note: threads %s exceed the %d cores: those rows are "
              "oversubscribed" % (",".join(str(t) for t in args.threads
                                           if t > cores), cores))
    if not variants[-1]:
        print("Debian OpenBLAS (%s) not installed: NumPy's default BLAS only"
              % OPENBLAS_DIR)
    if args.scale > 1:
        print("scale: n divided by %d (quick test; the targets are for the "
              "full sizes)" % args.scale)
    print("timings: median of %d repeats, each about %.1f s of iterations"
          % (args.repeat, TARGET_SECONDS))
    print()

    header = ["size", "n", "p", "threads", "blas", "numpy_s_per_iter",
              "linreg_s_per_iter", "speedup", "target", "status",
              "numpy_iters", "linreg_iters", "linreg_threads_used", "cpu",
              "numpy_version"]
    rows = []
    fmt = "%-4s %8s %4s %7s  %-14s %13s %13s %8s %7s  %s"
    print(fmt % ("size", "n", "p", "threads", "blas", "numpy s/iter",
                 "linreg s/iter", "speedup", "target", "status"))
    blas_lines = []
    for size in args.sizes:
        n, p = SIZES[size]
        n = max(1, n // args.scale)
        with tempfile.TemporaryDirectory(prefix="compare-numpy-") as tmp:
            x_path, y_path = generate_npy(linreg, tmp, n, p)
            for threads in args.threads:
                lr_res = time_linreg(linreg, x_path, y_path, threads,
                                     args.repeat, tmp)
                for openblas in variants:
                    np_res = time_numpy(x_path, y_path, threads, args.repeat,
                                        openblas)
                    blas = np_res["blas"]
                    short = blas.split()[0] if blas else "?"
                    if openblas:
                        short += "(LD)"
                    if blas not in blas_lines:
                        blas_lines.append(blas)
                    speedup = np_res["s_per_iter"] / lr_res["s_per_iter"]
                    target = TARGETS[size]
                    status = "met" if speedup >= target else "missed"
                    note = ""
                    if lr_res["threads_used"] != threads:
                        note += "  (linreg ran %s thread(s))" % \
                            lr_res["threads_used"]
                    if threads > cores:
                        note += "  (oversubscribed)"
                    print(fmt % (size, n, p, threads, short,
                                 "%.4g" % np_res["s_per_iter"],
                                 "%.4g" % lr_res["s_per_iter"],
                                 "%.2fx" % speedup, ">=%gx" % target,
                                 status + note))
                    sys.stdout.flush()
                    rows.append([size, n, p, threads, blas,
                                 repr(np_res["s_per_iter"]),
                                 repr(lr_res["s_per_iter"]),
                                 "%.4f" % speedup, target, status,
                                 np_res["iters"], lr_res["iters"],
                                 lr_res["threads_used"], cpu,
                                 np_res["numpy"]])
    print()
    print("BLAS used by NumPy:")
    for line in blas_lines:
        print("  " + line)
    if args.out:
        d = os.path.dirname(args.out)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(args.out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
        print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
