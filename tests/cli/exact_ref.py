"""The ridge optimum of train's objective, min MSE/2 + l2/2 |v|^2 (v the
weights, on standardized columns with --standardize; the intercept not
penalized), by scikit-learn's Ridge(alpha=n*l2) when it is installed, else by
the formula of its 'svd' solver in NumPy; compared with a model file.

usage: exact_ref.py DATA MODEL.json L2 "OPTIONS" TOL
DATA: FILE.csv (the target last) or X.npy,y.npy. Prints the relative errors
of the weights and the bias when one exceeds TOL (nothing otherwise).
"""
import json
import sys

import numpy as np

path, model, l2, opts, tol = (sys.argv[1], sys.argv[2], float(sys.argv[3]),
                              sys.argv[4], float(sys.argv[5]))
if path.endswith('.csv'):
    A = np.loadtxt(path, delimiter=',', skiprows=1)
    X, y = A[:, :-1], A[:, -1]
else:
    xp, yp = path.split(',')
    X, y = np.load(xp), np.load(yp)
n = len(y)
icpt = 'no-intercept' not in opts
std = 'standardize' in opts
mu = X.mean(0) if icpt else np.zeros(X.shape[1])
sd = np.sqrt(((X - mu) ** 2).mean(0)) if std else np.ones(X.shape[1])
sd[sd == 0] = 1
Z = (X - mu) / sd
ym = y.mean() if icpt else 0.0
try:
    from sklearn.linear_model import Ridge
    r = Ridge(alpha=n * l2, fit_intercept=icpt, solver='svd').fit(Z, y)
    v, c = r.coef_, (r.intercept_ if icpt else 0.0)
except ImportError:
    # scikit-learn's Ridge(solver='svd') on centred data:
    # v = V diag(s / (s^2 + alpha)) U^T yc
    U, s, Vt = np.linalg.svd(Z - Z.mean(0) if icpt else Z, full_matrices=False)
    v = Vt.T @ (s / (s ** 2 + n * l2) * (U.T @ (y - ym)))
    c = ym - (Z.mean(0) @ v if icpt else 0.0)
w = v / sd
b = c - w @ mu
m = json.load(open(model))
W = np.array(m['weights'])
ew = np.abs(W - w).max() / np.abs(w).max()
eb = abs(m['bias'] - b) / max(abs(b), np.abs(w).max())
if not (ew <= tol and eb <= tol):
    print('relative error: weights %.3g, bias %.3g (tolerance %g)' % (ew, eb, tol))
