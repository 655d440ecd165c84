#!/usr/bin/python3
"""Generate the reference fixtures in tests/fixtures/ for the C tests.

The C tests compare against these files bit for bit, so every float is
written with repr() (shortest round-trip form), which strtod() reads back
as the exact same double.

Files written:
  manifest.csv            make_regression arguments, one row per case
  gen_<name>.csv          x1..xp,y  samples of each case
  gen_<name>_coef.csv     x1..xp    true coefficients of each case
  rand.csv                seed,index,value  RandomState(seed).rand(5)
  tutorial.csv            tutorial gradient-descent results
"""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from sklearn.datasets import make_regression  # noqa: E402

from tutorial_gd import gradient_descent, mse  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures")

# name, n_samples, n_features, n_informative, bias, noise, shuffle, seed
CASES = [
    ("small", 20, 3, 10, 0.0, 0.0, True, 1),
    ("noisy", 50, 5, 2, 0.0, 7.5, True, 123),
    ("noshuf", 30, 4, 3, 0.0, 0.0, False, 7),
    ("noshuf_noise", 25, 6, 4, -3.25, 2.0, False, 99),
    ("wide", 17, 12, 10, 2.5, 1.3, True, 2024),
    ("seed0", 40, 2, 10, 0.0, 0.5, True, 0),
    ("bigseed", 33, 3, 1, 1.0, 0.0, True, 4294967295),
    ("tutorial", 500, 1, 10, 0.0, 15.0, True, 4),
]

RAND_SEEDS = [0, 1, 42, 4294967295]

# init_seed, lr, iters
TUTORIAL_RUNS = [(42, 0.01, 1000), (7, 0.01, 1000), (42, 0.05, 300)]

written = []


def fmt(v):
    """Exact round-trip text for a float."""
    return repr(float(v))


def write_csv(name, header, rows):
    """Write a CSV file under tests/fixtures/ and remember it."""
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(row) + "\n")
    written.append(path)


def generate(case):
    """Call make_regression for one case; coef is always 1-D."""
    _, n, p, n_inf, bias, noise, shuffle, seed = case
    X, y, coef = make_regression(n_samples=n, n_features=p,
                                 n_informative=n_inf, bias=bias, noise=noise,
                                 shuffle=shuffle, coef=True,
                                 random_state=seed)
    return X, np.atleast_1d(y), np.atleast_1d(coef)


def check_legacy_gauss():
    """Check RandomState.standard_normal against a pure-Python model.

    The model: uniforms are random_sample() doubles (53 bits from two
    32-bit MT19937 outputs, (a >> 5) * 2**26 + (b >> 6), scaled by 2**-53),
    and normals come from the Marsaglia polar method, which makes two
    normals per accepted pair: f*x2 is returned and f*x1 cached for the
    next call.  normal(scale=s) is s * standard_normal().
    """
    for seed in RAND_SEEDS:
        raw = np.random.RandomState(seed).randint(
            0, 2**32, size=20, dtype=np.uint32)
        uni = np.random.RandomState(seed).random_sample(10)
        for i in range(10):
            a, b = int(raw[2 * i]) >> 5, int(raw[2 * i + 1]) >> 6
            assert (a * 67108864.0 + b) / 9007199254740992.0 == uni[i], \
                "random_sample model mismatch (seed %d)" % seed

        src = np.random.RandomState(seed)
        cached = None
        model = []
        for _ in range(101):
            if cached is not None:
                model.append(cached)
                cached = None
                continue
            while True:
                x1 = 2.0 * src.random_sample() - 1.0
                x2 = 2.0 * src.random_sample() - 1.0
                r2 = x1 * x1 + x2 * x2
                if 0.0 < r2 < 1.0:
                    break
            f = math.sqrt(-2.0 * math.log(r2) / r2)
            cached = f * x1
            model.append(f * x2)
        got = np.random.RandomState(seed).standard_normal(101)
        assert list(got) == model, "polar-method model mismatch (seed %d)" % seed
        got = np.random.RandomState(seed).normal(scale=7.5, size=101)
        assert list(got) == [7.5 * v for v in model], \
            "normal(scale) model mismatch (seed %d)" % seed
    print("check: RandomState legacy Gaussian = polar method on "
          "53-bit random_sample doubles (seeds %s)" % RAND_SEEDS)


def main():
    os.makedirs(OUT, exist_ok=True)
    check_legacy_gauss()

    write_csv("manifest.csv",
              ["name", "n_samples", "n_features", "n_informative", "bias",
               "noise", "shuffle", "seed"],
              [[name, str(n), str(p), str(n_inf), fmt(bias), fmt(noise),
                "1" if shuffle else "0", str(seed)]
               for name, n, p, n_inf, bias, noise, shuffle, seed in CASES])

    data = {}
    for case in CASES:
        name, p = case[0], case[2]
        X, y, coef = generate(case)
        data[name] = (X, y)
        cols = ["x%d" % (j + 1) for j in range(p)]
        write_csv("gen_%s.csv" % name, cols + ["y"],
                  [[fmt(v) for v in row] + [fmt(t)] for row, t in zip(X, y)])
        write_csv("gen_%s_coef.csv" % name, cols, [[fmt(v) for v in coef]])
        print("case %-13s X %3dx%-2d  coef %s" % (
            name, X.shape[0], X.shape[1], " ".join(fmt(v) for v in coef)))

    write_csv("rand.csv", ["seed", "index", "value"],
              [[str(s), str(i), fmt(v)] for s in RAND_SEEDS
               for i, v in enumerate(np.random.RandomState(s).rand(5))])

    X, y = data["tutorial"]
    rows = []
    for init_seed, lr, iters in TUTORIAL_RUNS:
        _, w, b = gradient_descent(X, y, init_seed, lr, iters)
        final = mse(X, y, w, b)
        # For a single feature w is written as one number.
        wtxt = fmt(w[0]) if w.size == 1 else " ".join(fmt(v) for v in w)
        rows.append([str(init_seed), fmt(lr), str(iters), str(X.shape[0]),
                     wtxt, fmt(b), fmt(final)])
        print("tutorial init_seed=%d lr=%r iters=%d: w=%s b=%r mse=%r" % (
            init_seed, lr, iters, wtxt, b, float(final)))
    write_csv("tutorial.csv", ["init_seed", "lr", "iters", "n_samples", "w",
                               "b", "final_mse"], rows)

    print("wrote %d files to %s:" % (len(written), os.path.relpath(OUT)))
    for path in written:
        print("  %-28s %7d bytes" % (os.path.basename(path),
                                     os.path.getsize(path)))


if __name__ == "__main__":
    main()
