/* metrics.c -- predictions, MSE, R^2, a serial reference gradient, and the
 * trace bound on the step size. Plain serial loops: the yardsticks the
 * parallel kernels are checked against. */
#include <math.h>

#include "lr_internal.h"

void lr_predict(const double *X, size_t n, size_t p, const double *w,
                double b, double *pred)
{
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += X[i * p + j] * w[j];
        pred[i] = s + b;
    }
}

void lr_metrics(const double *pred, const double *y, size_t n, double *mse,
                double *r2)
{
    double mean = 0.0, sse = 0.0, sst = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double r = pred[i] - y[i], d = y[i] - mean;
        sse += r * r;
        sst += d * d;
    }
    if (mse)
        *mse = sse / (double)n;
    if (r2)
        *r2 = sst > 0 ? 1.0 - sse / sst : NAN;
}

void lr_gradient(const double *X, const double *y, size_t n, size_t p,
                 const double *w, double b, double *g, double *gb,
                 double *mse)
{
    double sb = 0.0, sse = 0.0;
    for (size_t j = 0; j < p; j++)
        g[j] = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += X[i * p + j] * w[j];
        double r = s + b - y[i];
        for (size_t j = 0; j < p; j++)
            g[j] += r * X[i * p + j];
        sb += r;
        sse += r * r;
    }
    for (size_t j = 0; j < p; j++)
        g[j] /= (double)n;
    if (gb)
        *gb = sb / (double)n;
    if (mse)
        *mse = sse / (double)n;
}

double lr_trace_bound(const double *X, size_t n, size_t p)
{
    /* lambda_max(Xa^T Xa / n) <= trace(Xa^T Xa / n) = 1 + sum_ij x_ij^2 / n */
    double s = 0.0;
    for (size_t i = 0; i < n * p; i++)
        s += X[i] * X[i];
    return 1.0 + s / (double)n;
}

void lr_predict_f32(const float *X, size_t n, size_t p, const double *w,
                    double b, double *pred)
{
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += (double)X[i * p + j] * w[j];
        pred[i] = s + b;
    }
}

double lr_trace_bound_f32(const float *X, size_t n, size_t p)
{
    double s = 0.0;
    for (size_t i = 0; i < n * p; i++)
        s += (double)X[i] * (double)X[i];
    return 1.0 + s / (double)n;
}

/* MSE and R^2 of (w, b) on (X, y) without storing the predictions: no
 * allocation, so a fit's peak memory stays that of X and y. */
static void score(const double *X, const float *Xf, const double *y, size_t n,
                  size_t p, const double *w, double b, double *mse, double *r2)
{
    double mean = 0.0, sse = 0.0, sst = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += (X ? X[i * p + j] : (double)Xf[i * p + j]) * w[j];
        double r = s + b - y[i], dy = y[i] - mean;
        sse += r * r;
        sst += dy * dy;
    }
    if (mse)
        *mse = sse / (double)n;
    if (r2)
        *r2 = sst > 0 ? 1.0 - sse / sst : NAN;
}

void lr_score(const double *X, const double *y, size_t n, size_t p,
              const double *w, double b, double *mse, double *r2)
{
    score(X, NULL, y, n, p, w, b, mse, r2);
}

void lr_score_f32(const float *X, const double *y, size_t n, size_t p,
                  const double *w, double b, double *mse, double *r2)
{
    score(NULL, X, y, n, p, w, b, mse, r2);
}
