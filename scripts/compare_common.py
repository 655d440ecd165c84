"""Helpers shared by scripts/compare-numpy.py and scripts/compare-sklearn.py:
the machine, the BLAS NumPy loaded, the benchmark sizes, option parsing."""

import argparse
import os
import subprocess

PYTHON = "/usr/bin/python3"
SIZES = {"a": (500, 1), "b": (1000000, 16), "c": (100000, 256),
         "d": (4000000, 8)}
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS")


def cpu_model():
    """The first 'model name' of /proc/cpuinfo ('unknown' if none)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def n_cores():
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def blas_description():
    """Which BLAS NumPy loaded, as one line.  Call after importing NumPy."""
    try:
        from threadpoolctl import threadpool_info
        info = [d for d in threadpool_info() if d.get("user_api") == "blas"]
    except ImportError:
        info = []
    if info:
        parts = []
        for d in info:
            s = "%s %s" % (d.get("internal_api"), d.get("version") or "")
            extra = [str(d[k]) for k in ("threading_layer", "architecture")
                     if d.get(k)]
            extra.append("%s threads" % d.get("num_threads"))
            parts.append("%s (%s) %s" % (s.strip(), ", ".join(extra),
                                         d.get("filepath")))
        return "; ".join(parts)
    # threadpoolctl does not know the reference BLAS: look at the mappings.
    libs = []
    with open("/proc/self/maps") as f:
        for line in f:
            fields = line.split()
            if len(fields) < 6:
                continue
            path = fields[-1]
            base = os.path.basename(path).lower()
            # Shared libraries only (not e.g. sklearn's _cython_blas module).
            if base.startswith("lib") and ".so" in base and any(
                    k in base for k in ("blas", "lapack", "mkl", "blis",
                                        "atlas")) and path not in libs:
                libs.append(path)
    if not libs:
        return "unknown (no BLAS library mapped)"
    blas = [p for p in libs if "blas" in os.path.basename(p).lower()
            or "mkl" in p or "blis" in p] or libs
    path = os.path.realpath(blas[0])
    low = path.lower()
    if "openblas" in low:
        kind = "openblas"
    elif "mkl" in low:
        kind = "mkl"
    elif "blis" in low:
        kind = "blis"
    elif "atlas" in low:
        kind = "atlas"
    elif "/blas/libblas" in low:
        kind = "reference BLAS (netlib, single-threaded)"
    else:
        kind = "unknown BLAS"
    return "%s %s" % (kind, path)


def parse_threads(text):
    """'1,2' -> [1, 2]."""
    try:
        ts = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        ts = []
    if not ts or min(ts) < 1:
        raise argparse.ArgumentTypeError("want a list like 1,2")
    return ts


def parse_sizes(text):
    """'abcd' (or 'a,b') -> ['a', 'b', 'c', 'd']."""
    sizes = [s for s in text.replace(",", "") if not s.isspace()]
    bad = [s for s in sizes if s not in SIZES]
    if not sizes or bad:
        raise argparse.ArgumentTypeError("sizes are letters of %s"
                                         % "".join(SIZES))
    return sizes


def generate_npy(linreg, tmp, n, p):
    """X.npy (n, p) and y.npy (n,) in tmp from linreg's fast generator (seed
    7, noise 1); returns their paths."""
    x_path = os.path.join(tmp, "X.npy")
    y_path = os.path.join(tmp, "y.npy")
    subprocess.run([linreg, "generate", "--generator", "fast",
                    "--samples", str(n), "--features", str(p),
                    "--noise", "1", "--seed", "7", "--out", x_path,
                    "--target-out", y_path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return x_path, y_path
