/* metrics.c -- predictions, MSE, R^2, a serial reference gradient, and the
 * trace bound on the step size. Plain serial loops: the yardsticks the
 * parallel kernels are checked against. */
#include <math.h>

#include "lr_internal.h"

int lr_predict(lr_matrix X, const double *w, double b, double *pred)
{
    if (!lr_matrix_valid(&X) || (X.cols && !w) || (X.rows && !pred))
        return LR_EINVAL;
    const size_t n = X.rows, p = X.cols;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += lr_mat_at(&X, i, j) * w[j];
        pred[i] = s + b;
    }
    return LR_SUCCESS;
}

/* A sum that keeps its digits: Neumaier's compensated summation (the
 * rounding error of each addition is carried in c). */
typedef struct {
    double s, c;
} ksum;

static void ksum_add(ksum *k, double v)
{
    double t = k->s + v;
    k->c += fabs(k->s) >= fabs(v) ? (k->s - t) + v : (v - t) + k->s;
    k->s = t;
}

static double ksum_get(const ksum *k) { return k->s + k->c; }

/* The mean of y in two passes: the compensated sum over n, then the mean
 * of the deviations from it added back (which removes the rounding of the
 * first division). */
static double mean_of(const double *y, size_t n)
{
    ksum a = {0, 0}, d = {0, 0};
    for (size_t i = 0; i < n; i++)
        ksum_add(&a, y[i]);
    const double m = ksum_get(&a) / (double)n;
    for (size_t i = 0; i < n; i++)
        ksum_add(&d, y[i] - m);
    return m + ksum_get(&d) / (double)n;
}

/* MSE and R^2 from the residual sum of squares and the centred total sum
 * of squares, both summed with compensation (statsmodels' definitions:
 * two passes, sums about the mean). */
static void mse_r2(double sse, double sst, size_t n, double *mse, double *r2)
{
    if (mse)
        *mse = sse / (double)n;
    if (r2)
        *r2 = sst > 0 ? 1.0 - sse / sst : NAN;
}

void lr_metrics(const double *pred, const double *y, size_t n, double *mse,
                double *r2)
{
    const double mean = mean_of(y, n);
    ksum sse = {0, 0}, sst = {0, 0};
    for (size_t i = 0; i < n; i++) {
        double r = pred[i] - y[i], d = y[i] - mean;
        ksum_add(&sse, r * r);
        ksum_add(&sst, d * d);
    }
    mse_r2(ksum_get(&sse), ksum_get(&sst), n, mse, r2);
}

int lr_gradient(lr_matrix X, const double *y, const double *w, double b,
                double *g, double *gb, double *mse)
{
    const size_t n = X.rows, p = X.cols;
    if (!lr_matrix_valid(&X) || n == 0 || !y || (p && (!w || !g)))
        return LR_EINVAL;
    double sb = 0.0, sse = 0.0;
    for (size_t j = 0; j < p; j++)
        g[j] = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += lr_mat_at(&X, i, j) * w[j];
        double r = s + b - y[i];
        for (size_t j = 0; j < p; j++)
            g[j] += r * lr_mat_at(&X, i, j);
        sb += r;
        sse += r * r;
    }
    for (size_t j = 0; j < p; j++)
        g[j] /= (double)n;
    if (gb)
        *gb = sb / (double)n;
    if (mse)
        *mse = sse / (double)n;
    return LR_SUCCESS;
}

double lr_trace_bound(lr_matrix X)
{
    /* lambda_max(Xa^T Xa / n) <= trace(Xa^T Xa / n) = 1 + sum_ij x_ij^2 / n */
    if (!lr_matrix_valid(&X))
        return NAN;
    double s = 0.0;
    for (size_t i = 0; i < X.rows; i++)
        for (size_t j = 0; j < X.cols; j++) {
            const double v = lr_mat_at(&X, i, j);
            s += v * v;
        }
    return 1.0 + s / (double)X.rows;
}

/* MSE and R^2 of (w, b) on (X, y) without storing the predictions: no
 * allocation, so a fit's peak memory stays that of X and y. */
int lr_score(lr_matrix X, const double *y, const double *w, double b,
             double *mse, double *r2)
{
    if (!lr_matrix_valid(&X) || (X.rows && !y) || (X.cols && !w))
        return LR_EINVAL;
    const size_t n = X.rows, p = X.cols;
    const double mean = mean_of(y, n);
    ksum sse = {0, 0}, sst = {0, 0};
    for (size_t i = 0; i < n; i++) {
        /* the residual x_i.w + b - y_i as a compensated dot product (each
         * product's rounding error recovered by fma): exact to about an
         * ulp of r even when x_i.w and y_i cancel to a few digits */
        ksum rs = {0, 0};
        for (size_t j = 0; j < p; j++) {
            const double x = lr_mat_at(&X, i, j);
            const double t = x * w[j];
            ksum_add(&rs, t);
            rs.c += fma(x, w[j], -t);
        }
        ksum_add(&rs, b);
        ksum_add(&rs, -y[i]);
        double r = ksum_get(&rs), dy = y[i] - mean;
        ksum_add(&sse, r * r);
        ksum_add(&sst, dy * dy);
    }
    mse_r2(ksum_get(&sse), ksum_get(&sst), n, mse, r2);
    return LR_SUCCESS;
}

int lr_max_abs(lr_matrix X, const double *y, double *xmax, double *ymax)
{
    if (!lr_matrix_valid(&X) || (X.cols && !xmax))
        return LR_EINVAL;
    const size_t n = X.rows, p = X.cols;
    for (size_t j = 0; j < p; j++)
        xmax[j] = 0.0;
    double ym = 0.0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++) {
            double v = fabs(lr_mat_at(&X, i, j));
            if (v > xmax[j])
                xmax[j] = v;
        }
        if (y && fabs(y[i]) > ym)
            ym = fabs(y[i]);
    }
    if (ymax)
        *ymax = ym;
    return LR_SUCCESS;
}

double lr_null_mse(const double *y, size_t n, int center)
{
    const double m = center ? mean_of(y, n) : 0.0;
    ksum s = {0, 0};
    for (size_t i = 0; i < n; i++)
        ksum_add(&s, (y[i] - m) * (y[i] - m));
    return ksum_get(&s) / (double)n;
}
