/* scaling.c -- column standardization: the statistics (means and sds of
 * the columns) and the map from weights on standardized columns back to
 * raw weights. Written once here for the trainer (gd.c) and the three
 * exact solvers (solve_svd.c, solve_gram.c, solve_dual.c).
 *
 * With x'_j = (x_j - mu_j) / s_j, a model c + sum v_j x'_j is the raw model
 * w_j = v_j / s_j, b = c - sum w_j mu_j (design.md). */
#include <math.h>
#include <string.h>

#include "lr_internal.h"

int lr_column_stats_sum(const double *X, const float *Xf, size_t n, size_t p,
                        size_t n_all, int center, double *mu, double *sd,
                        lr_sum_fn sum, void *ctx)
{
    for (size_t j = 0; j < p; j++)
        mu[j] = sd[j] = 0.0;
    if (center) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < p; j++)
                mu[j] += X ? X[i * p + j] : (double)Xf[i * p + j];
        if (sum && sum(mu, p, ctx) != 0)
            return LR_EIO;
        for (size_t j = 0; j < p; j++)
            mu[j] /= (double)n_all;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            double d = (X ? X[i * p + j] : (double)Xf[i * p + j]) - mu[j];
            sd[j] += d * d;
        }
    if (sum && sum(sd, p, ctx) != 0)
        return LR_EIO;
    for (size_t j = 0; j < p; j++) {
        sd[j] = sqrt(sd[j] / (double)n_all);
        if (!(sd[j] > 0) || !isfinite(sd[j]))
            sd[j] = 1.0;
    }
    return LR_SUCCESS;
}

void lr_column_stats(const double *X, const float *Xf, size_t n, size_t p,
                     int center, double *mu, double *sd)
{
    (void)lr_column_stats_sum(X, Xf, n, p, n, center, mu, sd, NULL, NULL);
}

void lr_column_stats_gram(const double *G, size_t p, double n, int center,
                          double *mu, double *sd)
{
    const size_t m = p + 1;
    for (size_t j = 0; j < p; j++) {
        mu[j] = center ? G[j * m + p] / n : 0.0;
        double v = G[j * m + j] / n - mu[j] * mu[j];
        sd[j] = v > 0 && isfinite(v) ? sqrt(v) : 1.0;
    }
}

void lr_unscale(size_t p, const double *mu, const double *sd, const double *v,
                double c, double *w, double *b)
{
    if (sd) {
        for (size_t j = 0; j < p; j++) {
            w[j] = v[j] / sd[j];
            c -= w[j] * mu[j];
        }
    } else {
        memcpy(w, v, p * sizeof *w);
    }
    *b = c;
}
