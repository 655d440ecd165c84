/* linreg_stats.h -- liblinreg's statistics of a least-squares fit: the
 * coefficient table, the goodness of fit and the intervals of a
 * prediction, with the conventions of R's lm, summary.lm, AIC, BIC,
 * kappa and predict.lm, and statsmodels' heteroskedasticity-robust
 * covariances HC0-HC3. Computed from a Householder QR of the model
 * matrix [1 X] (no inverse of X^T X is formed where a triangular solve
 * does); p-values from GSL's Student t and F tails. */
#ifndef LINREG_STATS_H
#define LINREG_STATS_H

#include "linreg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The covariance behind the standard errors: classical sigma^2 (X^T X)^-1,
 * or the sandwich (X^T X)^-1 X^T diag(omega) X (X^T X)^-1 with omega_i =
 * e_i^2 (HC0), e_i^2 n / (n - rank) (HC1), e_i^2 / (1 - h_i) (HC2) or
 * e_i^2 / (1 - h_i)^2 (HC3), h_i the leverage (statsmodels' cov_type). */
enum { LR_SE_CLASSICAL = 0, LR_SE_HC0 = 1, LR_SE_HC1 = 2, LR_SE_HC2 = 3,
       LR_SE_HC3 = 4 };
/* "classical", "hc0" .. "hc3"; "?" for an unknown code. */
LR_API const char *lr_se_name(int se);
/* The code of a name of lr_se_name, or -1. */
LR_API int lr_se_parse(const char *name);

/* What to compute (lr_stats_opts_default: intercept 1, standardize 0,
 * l2 0, classical, level 0.95). */
typedef struct {
    int intercept;    /* 1: the model matrix is [1 X]; 0: X (R's y ~ 0 + x) */
    int standardize;  /* ridge only: the penalty on standardized weights, as
                         lr_params.standardize (no effect on least squares) */
    double l2;        /* > 0: the ridge fit of lr_solve (MSE/2 + l2/2 |w|^2):
                         estimates and edf only, no standard errors */
    int se;           /* LR_SE_* */
    double level;     /* of the confidence intervals, in (0, 1) */
} lr_stats_opts;
LR_API lr_stats_opts lr_stats_opts_default(void);

/* The statistics of one fit. Terms are k = p + intercept: "(Intercept)"
 * first when there is one, then the p columns in order. A number that does
 * not exist is NaN: every number but the estimate of an aliased term (the
 * estimate too), and with l2 > 0 all but the estimates, edf and n. */
typedef struct {
    size_t n, p, k;       /* rows, columns of X, terms */
    int intercept, se;    /* as asked */
    int ridge;            /* 1: l2 > 0 */
    double level;
    size_t rank;          /* of the model matrix (R's dqrdc2 rule, tol 1e-7) */
    double df_residual;   /* n - rank */
    double *estimate, *std_error, *t, *p_value, *ci_low, *ci_high; /* k each */
    int *aliased;         /* k flags: 1 when the column is, to R's tolerance
                             1e-7, in the span of the terms before it */
    double sigma;         /* residual standard error sqrt(SSE / df_residual) */
    double r2, adj_r2;    /* centred with an intercept, else uncentred */
    double f_statistic, f_df1, f_df2, f_p_value;
    double loglik, aic, bic; /* Gaussian at the ML variance; rank + 1 params */
    double condition_number; /* 2-norm, of the non-aliased model matrix */
    double edf;           /* trace of the hat matrix (rank without l2) */
    double *cov_unscaled; /* k x k row-major: (X1^T X1)^-1 of the model matrix
                             X1 without its aliased columns, in term order,
                             0 in the rows and columns of aliased terms;
                             NULL with l2 > 0 */
} lr_stats;

/* The statistics of the fit of y (X.rows) on X (double or float; any
 * stride, but contiguous rows with l2 > 0, which lr_solve needs) under o,
 * into *out (free with lr_stats_free); the standard errors need n > rank
 * (else NaN). LR_SUCCESS, LR_EINVAL (bad view, no rows, a level outside
 * (0, 1), an unknown se, l2 < 0), LR_ENOMEM or LR_ESOLVE (the ridge solve
 * or a decomposition failed). Large problems run on OpenMP's default team
 * (omp_set_num_threads bounds it), with the same bits for any team. */
LR_API int lr_stats_fit(lr_matrix X, const double *y, const lr_stats_opts *o,
                        lr_stats **out);
LR_API void lr_stats_free(lr_stats *s);

/* The table of s for other estimates of the same model (the weights a
 * training reached): estimate[j] = w (and b for the intercept), t,
 * p-value and interval recomputed with the standard errors of s, which
 * are those of the least-squares optimum (they hold for w at the
 * optimum). The terms without a standard error keep NaN but the estimate.
 * w has s->p entries. LR_SUCCESS or LR_EINVAL. */
LR_API int lr_stats_at(lr_stats *s, const double *w, double b);

/* Intervals of predictions, as R's predict.lm: fit = X w + b (b ignored
 * without an intercept), se_i^2 = sigma^2 x_i^T C x_i with x_i = [1 X_i]
 * (or X_i) and C the k x k cov_unscaled of lr_stats (term order); the
 * bound is fit -+ t se (LR_INTERVAL_CONFIDENCE) or fit -+ t sqrt(se^2 +
 * sigma^2) (LR_INTERVAL_PREDICTION), t the (1 + level)/2 quantile of
 * Student t on df. lo and hi receive X.rows values each; fit may be NULL.
 * LR_SUCCESS or LR_EINVAL. */
enum { LR_INTERVAL_CONFIDENCE = 1, LR_INTERVAL_PREDICTION = 2 };
LR_API int lr_predict_interval(lr_matrix X, const double *w, double b,
                               int intercept, const double *cov_unscaled,
                               double sigma, double df, int kind, double level,
                               double *fit, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif /* LINREG_STATS_H */
