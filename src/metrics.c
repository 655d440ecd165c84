/* metrics.c -- predictions, MSE, R^2, a serial reference gradient, and the
 * trace bound on the step size. Plain serial loops: the yardsticks the
 * parallel kernels are checked against. lr_score and lr_max_abs, which
 * every fit runs once over X, share their passes over rows among threads
 * and give the serial loops' bits for any thread count. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static inline void ksum_add(ksum *k, double v)
{
    /* both error terms, then a choice: a select, not a branch that the
     * signs of the terms make unpredictable */
    const double s = k->s, t = s + v, e1 = (s - t) + v, e2 = (v - t) + s;
    k->c += fabs(s) >= fabs(v) ? e1 : e2;
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

/* The residual x_i.w + b - y_i as a compensated dot product (each
 * product's rounding error recovered by fma): exact to about an ulp of r
 * even when x_i.w and y_i cancel to a few digits. fma() is correctly
 * rounded wherever it runs, so the FMA instruction (score_rows_fma) and
 * the library call give the same bits; the call cost 5 ns an element. */
static inline __attribute__((always_inline)) double
resid_at(const lr_matrix *X, size_t i, const double *w, double b, double yi)
{
    ksum rs = {0, 0};
    for (size_t j = 0; j < X->cols; j++) {
        const double x = lr_mat_at(X, i, j);
        const double t = x * w[j];
        ksum_add(&rs, t);
        rs.c += fma(x, w[j], -t);
    }
    ksum_add(&rs, b);
    ksum_add(&rs, -yi);
    return ksum_get(&rs);
}

/* ksum_add without a branch: the error term chosen by a mask (the signs
 * of the terms make a branch unpredictable). The same bits as ksum_add. */
static inline __attribute__((always_inline)) void ksum_add_sel(ksum *k, double v)
{
    const double s = k->s, t = s + v, e1 = (s - t) + v, e2 = (v - t) + s;
    uint64_t b1, b2, m = (uint64_t)0 - (uint64_t)(fabs(s) >= fabs(v));
    memcpy(&b1, &e1, sizeof b1);
    memcpy(&b2, &e2, sizeof b2);
    b1 = (b1 & m) | (b2 & ~m);
    double e;
    memcpy(&e, &b1, sizeof e);
    k->c += e;
    k->s = t;
}

/* resid_at for 4 rows at once, X of element type T, each row with its own
 * sums and the same operations in the same order (so the same bits): four
 * chains of dependent additions side by side. */
#define RESID4(NAME, T)                                                       \
    static inline __attribute__((always_inline)) void NAME(                   \
        const lr_matrix *X, size_t i, const double *w, double b,              \
        const double *y, double *r)                                           \
    {                                                                         \
        const size_t ld = X->stride, p = X->cols;                             \
        const T *x0 = (const T *)X->data + i * ld;                            \
        ksum rs[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};                        \
        for (size_t j = 0; j < p; j++) {                                      \
            const double wj = w[j];                                           \
            for (int u = 0; u < 4; u++) {                                     \
                const double x = (double)x0[(size_t)u * ld + j], t = x * wj;  \
                ksum_add_sel(&rs[u], t);                                      \
                rs[u].c += fma(x, wj, -t);                                    \
            }                                                                 \
        }                                                                     \
        for (int u = 0; u < 4; u++) {                                         \
            ksum_add(&rs[u], b);                                              \
            ksum_add(&rs[u], -y[i + (size_t)u]);                              \
            r[u] = ksum_get(&rs[u]);                                          \
        }                                                                     \
    }
RESID4(resid4_f64, double)
RESID4(resid4_f32, float)

/* r[i - lo] for rows [lo, hi) of a team's share (an orphaned omp for over
 * groups of 4 rows). */
#define SCORE_ROWS_BODY                                                       \
    const size_t m = hi - lo, g = m / 4;                                      \
    _Pragma("omp for schedule(static)")                                       \
    for (size_t q = 0; q < g; q++) {                                          \
        if (X->type == LR_F32)                                                \
            resid4_f32(X, lo + 4 * q, w, b, y, r + 4 * q);                    \
        else                                                                  \
            resid4_f64(X, lo + 4 * q, w, b, y, r + 4 * q);                    \
    }                                                                         \
    _Pragma("omp single nowait")                                              \
    for (size_t i = lo + 4 * g; i < hi; i++)                                  \
        r[i - lo] = resid_at(X, i, w, b, y[i]);                               \
    _Pragma("omp barrier")

static void score_rows(const lr_matrix *X, const double *y, const double *w,
                       double b, size_t lo, size_t hi, double *r)
{
    SCORE_ROWS_BODY
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("fma"))) static void
score_rows_fma(const lr_matrix *X, const double *y, const double *w, double b,
               size_t lo, size_t hi, double *r)
{
    SCORE_ROWS_BODY
}
#define SCORE_HAVE_FMA() __builtin_cpu_supports("fma")
#else
#define score_rows_fma score_rows
#define SCORE_HAVE_FMA() 0
#endif

/* Rows a chunk of lr_score: the team computes a chunk's residuals, then one
 * thread adds them to the sums in row order (16 KB on the stack). */
enum { SCORE_ROWS = 2048 };

/* MSE and R^2 of (w, b) on (X, y) without storing the predictions: no
 * allocation, so a fit's peak memory stays that of X and y. The residuals
 * (the work: p products with their errors) are shared among threads by
 * chunks; the compensated sums run over the rows in order, as the serial
 * loop does, so the bits do not depend on the thread count. */
int lr_score(lr_matrix X, const double *y, const double *w, double b,
             double *mse, double *r2)
{
    if (!lr_matrix_valid(&X) || (X.rows && !y) || (X.cols && !w))
        return LR_EINVAL;
    const size_t n = X.rows;
    const double mean = mean_of(y, n);
    const int fast = SCORE_HAVE_FMA();
    ksum sse = {0, 0}, sst = {0, 0};
    double r[SCORE_ROWS];
#pragma omp parallel if (lr_pass_threads(&X) > 1)
    for (size_t lo = 0; lo < n; lo += SCORE_ROWS) {
        const size_t hi = n - lo < SCORE_ROWS ? n : lo + SCORE_ROWS;
        if (fast)
            score_rows_fma(&X, y, w, b, lo, hi, r);
        else
            score_rows(&X, y, w, b, lo, hi, r);
#pragma omp single
        for (size_t i = lo; i < hi; i++) {
            const double ri = r[i - lo], dy = y[i] - mean;
            ksum_add(&sse, ri * ri);
            ksum_add(&sst, dy * dy);
        }
    }
    mse_r2(ksum_get(&sse), ksum_get(&sst), n, mse, r2);
    return LR_SUCCESS;
}

/* The serial maxima of rows [lo, hi): xmax (p entries) and *ym; one loop
 * per element type (the type's test out of the inner loop). */
#define MAX_ROWS(T)                                                           \
    do {                                                                      \
        for (size_t i = lo; i < hi; i++) {                                    \
            const T *xr = (const T *)X->data + i * X->stride;                 \
            for (size_t j = 0; j < p; j++) {                                  \
                double v = fabs((double)xr[j]);                               \
                xmax[j] = v > xmax[j] ? v : xmax[j];                          \
            }                                                                 \
            if (y && fabs(y[i]) > *ym)                                        \
                *ym = fabs(y[i]);                                             \
        }                                                                     \
    } while (0)
static void max_rows(const lr_matrix *X, const double *y, size_t lo, size_t hi,
                     double *xmax, double *ym)
{
    const size_t p = X->cols;
    if (X->type == LR_F32)
        MAX_ROWS(float);
    else
        MAX_ROWS(double);
}

/* A maximum is the same whichever order its values come in (NaN never
 * wins a comparison, in either), so each thread takes a range of rows
 * into a partial row of its own, a page apart from the others', and the
 * partials are merged. Serial below LR_PAR_MIN_ELEMS or when the partial
 * rows cannot be had. */
int lr_max_abs(lr_matrix X, const double *y, double *xmax, double *ymax)
{
    if (!lr_matrix_valid(&X) || (X.cols && !xmax))
        return LR_EINVAL;
    const size_t n = X.rows, p = X.cols;
    for (size_t j = 0; j < p; j++)
        xmax[j] = 0.0;
    double ym = 0.0;
    const int nt = lr_pass_threads(&X);
    const size_t stride = lr_part_stride(p + 1);
    double *part = nt > 1 ? lr_alloc_part((size_t)nt, stride) : NULL;
    if (!part) {
        max_rows(&X, y, 0, n, xmax, &ym);
    } else {
        int used = 1;
#pragma omp parallel num_threads(nt)
        {
            int t, k;
            lr_team(&t, &k);
            double *m = part + (size_t)t * stride;
            for (size_t j = 0; j <= p; j++)
                m[j] = 0.0;
            max_rows(&X, y, lr_share_lo(n, k, t), lr_share_lo(n, k, t + 1), m, &m[p]);
#pragma omp single
            used = k;
        }
        for (int t = 0; t < used; t++) {
            const double *m = part + (size_t)t * stride;
            for (size_t j = 0; j < p; j++)
                if (m[j] > xmax[j])
                    xmax[j] = m[j];
            if (m[p] > ym)
                ym = m[p];
        }
        free(part);
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
