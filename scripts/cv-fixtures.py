#!/usr/bin/python3
"""cv-fixtures.py -- the scikit-learn fixtures of `linreg cv` (tests/fixtures/cv).

usage: /usr/bin/python3 scripts/cv-fixtures.py [OUT_DIR]  (default tests/fixtures/cv)

Writes data sets as CSV (17 significant digits: read back to the same
doubles) and expected.json: for each case its data file, options and the
held-out MSE of every (penalty, fold) from scikit-learn:

- n divisible by K (every training set has n_train rows): the fold MSEs are
  -cross_val_score(Ridge(alpha = n_train l2), X, y, cv=KFold(K),
  scoring='neg_mean_squared_error'), with make_pipeline(StandardScaler(),
  Ridge(...)) for --standardize;
- otherwise (n_train differs between folds, so no single alpha fits every
  fold), the same estimator fitted fold by fold with alpha = n_train_k l2
  on KFold(K)'s split;
- shuffled cases use KFold(K, shuffle=True, random_state=S) and record
  np.random.RandomState(S).permutation(n), the row order `cv --shuffle
  --seed S` states.

Every value is checked against an independent, stable computation (the
ridge problem as an augmented least-squares problem by SVD, numpy.linalg.
lstsq, in centred coordinates): the fixture is written only if the two
agree to 1e-10 relative, so that the 1e-8 test tolerance measures linreg,
not scikit-learn's own rounding.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def write_csv(path, X, y):
    p = X.shape[1]
    with open(path, "w") as f:
        f.write(",".join([f"x{j + 1}" for j in range(p)] + ["y"]) + "\n")
        for i in range(X.shape[0]):
            f.write(",".join("%.17g" % v for v in list(X[i]) + [y[i]]) + "\n")


def estimator(alpha, standardize, intercept):
    r = Ridge(alpha=alpha, fit_intercept=intercept, solver="auto")
    return make_pipeline(StandardScaler(), r) if standardize else r


def stable_mse(Xtr, ytr, Xte, yte, l2, standardize, intercept):
    """The held-out MSE of train's --l2 problem, solved as least squares
    min |Zc v - yc|^2 + n l2 |v|^2 by SVD of the augmented matrix."""
    n, p = Xtr.shape
    mu = Xtr.mean(axis=0) if intercept else np.zeros(p)
    my = ytr.mean() if intercept else 0.0
    sd = Xtr.std(axis=0) if standardize else np.ones(p)
    sd[sd == 0] = 1.0
    Z = (Xtr - mu) / sd
    A = np.vstack([Z, np.sqrt(n * l2) * np.eye(p)])
    b = np.concatenate([ytr - my, np.zeros(p)])
    v = np.linalg.lstsq(A, b, rcond=None)[0]
    r = ((Xte - mu) / sd) @ v + my - yte
    return float(np.mean(r * r))


def case(name, X, y, folds, l2s, standardize=False, intercept=True,
         shuffle=False, seed=0):
    n = X.shape[0]
    kf = KFold(folds, shuffle=True, random_state=seed) if shuffle else KFold(folds)
    splits = list(kf.split(X))
    table = []
    for l2 in l2s:
        if n % folds == 0:
            ntr = n - n // folds
            est = estimator(ntr * l2, standardize, intercept)
            mse = -cross_val_score(est, X, y, cv=kf,
                                   scoring="neg_mean_squared_error")
        else:
            mse = []
            for tr, te in splits:
                est = estimator(len(tr) * l2, standardize, intercept)
                est.fit(X[tr], y[tr])
                r = est.predict(X[te]) - y[te]
                mse.append(np.mean(r * r))
        ref = [stable_mse(X[tr], y[tr], X[te], y[te], l2, standardize, intercept)
               for tr, te in splits]
        rel = np.max(np.abs(np.array(mse) - ref) / np.array(ref))
        if rel > 1e-10:
            sys.exit(f"cv-fixtures: {name}, l2 {l2}: scikit-learn and the SVD "
                     f"reference differ by {rel:.3g} relative")
        table.append([float(v) for v in mse])
    out = {"data": name + ".csv", "folds": folds, "l2": l2s,
           "standardize": standardize, "intercept": intercept,
           "shuffle": shuffle, "fold_mse": table}
    if shuffle:
        out["seed"] = seed
        out["permutation"] = [int(i) for i in np.random.RandomState(seed).permutation(n)]
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/cv"
    os.makedirs(out, exist_ok=True)
    rs = np.random.RandomState(2385)
    cases = {}

    # well-conditioned, n = 103 not divisible by K = 4 (folds 26 26 26 25)
    X = rs.normal(size=(103, 5)) * [1.0, 3.0, 0.5, 10.0, 2.0] + [0.0, 5.0, -2.0, 40.0, 1.0]
    y = X @ [1.5, -0.7, 2.2, 0.05, 0.9] + 3.25 + rs.normal(scale=0.8, size=103)
    write_csv(f"{out}/plain.csv", X, y)
    l2 = [1e-4, 1e-2, 0.3, 4.0]
    cases["plain"] = case("plain", X, y, 4, l2)
    cases["plain_std"] = case("plain", X, y, 4, l2, standardize=True)
    cases["plain_noint"] = case("plain", X, y, 4, l2, intercept=False)
    cases["plain_shuffle"] = case("plain", X, y, 5, l2, shuffle=True, seed=2385)

    # n = 120 divisible by K = 6: cross_val_score itself
    X2 = rs.normal(size=(120, 3)) * [2.0, 0.3, 7.0] + [1.0, -4.0, 0.5]
    y2 = X2 @ [0.4, 3.1, -0.25] - 1.75 + rs.normal(scale=1.3, size=120)
    write_csv(f"{out}/even.csv", X2, y2)
    cases["even"] = case("even", X2, y2, 6, [1e-3, 0.1, 2.0])
    cases["even_std"] = case("even", X2, y2, 6, [1e-3, 0.1, 2.0], standardize=True)

    # ill-conditioned: two nearly collinear columns (correlation 1 - 5e-9),
    # a column with mean 1e4 and sd 1, noise 1e-5 of the y scale; K = 5, n = 157
    t = rs.normal(size=157)
    X3 = np.column_stack([t + 1e-4 * rs.normal(size=157),
                          t + 1e-4 * rs.normal(size=157),
                          1e4 + rs.normal(size=157),
                          rs.normal(size=157)])
    y3 = X3 @ [2.0, 1.0, 0.5, -1.0] - 5e3 + 0.05 * rs.normal(size=157)
    write_csv(f"{out}/illcond.csv", X3, y3)
    l2i = [1e-7, 1e-5, 1e-3, 0.1]
    cases["illcond"] = case("illcond", X3, y3, 5, l2i)
    cases["illcond_std"] = case("illcond", X3, y3, 5, l2i, standardize=True)

    meta = {"generator": "scripts/cv-fixtures.py", "sklearn": sklearn.__version__,
            "numpy": np.__version__, "cases": cases}
    with open(f"{out}/expected.json", "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
