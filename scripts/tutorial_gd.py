"""Batch gradient descent from the NumPy linear-regression tutorial.

Shared by scripts/tutorial.py and scripts/make-fixtures.py so that the
fixtures and the command-line tool run exactly the same arithmetic.
"""

import numpy as np


def mse(X, y, w, b):
    """Mean squared error of the model (w, b) on (X, y)."""
    return np.mean((X @ w + b - y) ** 2)


def gradient_descent(X, y, init_seed, lr, iters, history=None):
    """Run the tutorial's vectorised batch gradient descent.

    Weights start at np.random.rand(n_features) after
    np.random.seed(init_seed); the bias starts at 0.0.  If `history` is a
    list, the MSE after each number of updates (0..iters) is appended to it;
    this only reads the weights and does not change the result.

    Returns (initial_w, w, b).
    """
    n, n_features = X.shape
    np.random.seed(init_seed)
    w = np.random.rand(n_features)
    b = 0.0
    initial_w = w.copy()
    if history is not None:
        history.append(mse(X, y, w, b))
    for _ in range(iters):
        y_pred = np.dot(X, w) + b
        dw = (1 / n) * np.dot(X.T, (y_pred - y))
        db = (1 / n) * np.sum(y_pred - y)
        w -= lr * dw
        b -= lr * db
        if history is not None:
            history.append(mse(X, y, w, b))
    return initial_w, w, float(b)
