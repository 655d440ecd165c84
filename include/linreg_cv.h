/* linreg_cv.h -- K-fold cross-validation of ridge penalties.
 *
 * The folds are contiguous blocks of rows, as scikit-learn's
 * KFold(n_splits=K) without shuffling: fold k holds rows [lo[k], lo[k+1]),
 * the first n mod K folds one row longer. A permutation (perm, n entries)
 * reorders the rows first: row i of the reordered data is row perm[i] of
 * X. The penalty is lr_params.l2 (minimise MSE/2 + l2/2 |w|^2 on the
 * training folds, intercept unpenalised; with standardize, on the
 * standardized weights, population sd of the training folds), so that
 * scikit-learn's Ridge(alpha) on n_train rows is l2 = alpha / n_train.
 * Results are laid out penalty-major: fold_mse[a * folds + k] is the MSE
 * of the fit on every fold but k, with penalty l2[a], on the rows of k.
 */
#ifndef LINREG_CV_H
#define LINREG_CV_H

#include "linreg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* lo[0..folds] (folds + 1 entries): the fold boundaries of n rows.
 * LR_SUCCESS, or LR_EINVAL unless 2 <= folds <= n. */
LR_API int lr_cv_folds(size_t n, size_t folds, size_t *lo);

/* perm (n) = NumPy's np.random.RandomState(seed).permutation(n): the
 * legacy Fisher-Yates shuffle of 0..n-1 driven by MT19937 seeded as NumPy
 * seeds it (GSL's gsl_rng_mt19937), so that the folds of a permuted run
 * are those of KFold(K, shuffle=True, random_state=seed). LR_SUCCESS,
 * LR_EINVAL (seed above 2^32 - 1, NULL perm) or LR_ENOMEM. */
LR_API int lr_cv_permutation(size_t n, uint64_t seed, size_t *perm);

/* Every (fold, penalty) pair fitted exactly, in about two passes over X:
 * one parallel pass accumulates each fold's sums (the Gram matrix of
 * [X y] about a fixed row, and the column sums); a fold's training sums
 * are the others' added in fold order; one symmetric eigendecomposition
 * of the training folds' centred (standardized) Gram matrix per fold
 * serves every penalty (two steps of iterative refinement each); a second
 * pass over the rows scores every penalty on the held-out fold. Uses
 * par->intercept, standardize and threads (0: OpenMP's default); every
 * sum is over fixed blocks added in order, so the result is the same to
 * the bit for any thread count. X in double or float with contiguous
 * rows, p <= LR_GRAM_MAX_P; l2 (nl2 values, each finite and >= 0; a zero
 * penalty takes the minimum-norm solution of a singular system); perm
 * NULL for the file's order. fold_mse receives nl2 * folds values.
 * LR_SUCCESS, LR_EINVAL (bad arguments, perm not a permutation),
 * LR_ENOMEM, or LR_ESOLVE when an eigendecomposition fails. */
LR_API int lr_cv_exact(lr_matrix X, const double *y, const size_t *perm,
                       size_t folds, const double *l2, size_t nl2,
                       const lr_params *par, double *fold_mse);

/* The same scores from gradient descent (lr_gd_* with par's settings:
 * lr, max_iter, tol, optimizer, solver, ...; par->l2 is replaced by each
 * penalty). Per fold the training rows are copied (double), then the
 * penalties are fitted from the largest to the smallest, each fit
 * starting from the previous one's weights (lr_gd_init_from; the first
 * from par->init). The held-out scores come from the same pass as
 * lr_cv_exact's. failed (may be NULL) receives the fold and the index in
 * l2 of a fit that failed. LR_SUCCESS, LR_EINVAL, LR_ENOMEM or
 * LR_EDIVERGE. */
LR_API int lr_cv_stream(lr_matrix X, const double *y, const size_t *perm,
                        size_t folds, const double *l2, size_t nl2,
                        const lr_params *par, double *fold_mse,
                        size_t failed[2]);

/* The table of a cross-validation: for each penalty a, mean[a] (the mean
 * of its fold MSEs) and sd[a], their sample standard deviation (ddof = 1;
 * scikit-learn's GridSearchCV reports the population one,
 * sd sqrt((K - 1) / K)). *best: the smallest mean (ties: the larger
 * penalty). *best_1se, the one-standard-error rule: the largest penalty
 * whose mean is at most mean[best] + sd[best] / sqrt(K) (the standard
 * error of the best mean). Any of mean, sd, best, best_1se may be NULL.
 * LR_SUCCESS, or LR_EINVAL (no penalty, fewer than 2 folds, a NULL
 * input). */
LR_API int lr_cv_summary(const double *fold_mse, const double *l2, size_t nl2,
                         size_t folds, double *mean, double *sd, size_t *best,
                         size_t *best_1se);

/* n values spaced evenly in log10 from lo to hi (lo, hi > 0; n >= 1, and
 * lo alone when n is 1): numpy.logspace(log10(lo), log10(hi), n), with
 * the ends exact. LR_SUCCESS or LR_EINVAL. */
LR_API int lr_cv_logspace(double lo, double hi, size_t n, double *out);

#ifdef __cplusplus
}
#endif
#endif /* LINREG_CV_H */
