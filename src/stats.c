/* stats.c -- the statistics of a least-squares fit, as R's lm and
 * summary.lm give them (and statsmodels' HC0-HC3), from a Householder QR
 * of the model matrix M = [1 X] (or X).
 *
 * Rank: R's dqrdc2 rule. The columns are taken in order; a column whose
 * norm, once the reflections of the columns accepted before it are
 * applied, is below tol = 1e-7 times its original norm lies (to that
 * tolerance) in their span: it is aliased and gets no coefficient. With
 * the r accepted columns M1 = Q1 R1 (R1 r x r upper triangular):
 *   coefficients  R1 b = (Q^T y)[0:r]            (back substitution)
 *   SSE           |(Q^T y)[r:n]|^2, residuals e = Q (0, (Q^T y)[r:n])
 *   (M1^T M1)^-1 = R1^-1 R1^-T                  (R1^-1 by triangular solves)
 *   leverages     h_i = |row i of Q1|^2
 *   HC covariance R1^-1 (Q1^T diag(omega) Q1) R1^-T
 * Summary values follow summary.lm: R^2 = mss / (mss + rss) with mss about
 * the mean of the fitted values (with an intercept) or about 0 (without),
 * F = (mss / (rank - intercept)) / sigma^2; logLik.lm: ll = -n/2 (log(2 pi)
 * + 1 - log(n) + log(rss)), rank + 1 parameters for AIC and BIC.
 *
 * Ridge (l2 > 0): lr_solve's estimates; edf = intercept + sum_j d_j^2 /
 * (d_j^2 + n l2), d_j the singular values of the centred (with an
 * intercept) and, with standardize, scaled columns Z: the trace of the hat
 * matrix of MSE/2 + l2/2 |w|^2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_gamma.h>

#include "linreg_stats.h"
#include "gram_blas.h"
#include "lr_internal.h"

#define LR_RANK_TOL 1e-7 /* R's lm.fit default */

static const char *const se_names[] = {"classical", "hc0", "hc1", "hc2", "hc3"};

const char *lr_se_name(int se)
{
    return se >= 0 && se <= LR_SE_HC3 ? se_names[se] : "?";
}

int lr_se_parse(const char *name)
{
    for (int i = 0; name && i <= LR_SE_HC3; i++)
        if (strcmp(name, se_names[i]) == 0)
            return i;
    return -1;
}

lr_stats_opts lr_stats_opts_default(void)
{
    lr_stats_opts o = {1, 0, 0.0, LR_SE_CLASSICAL, 0.95};
    return o;
}

void lr_stats_free(lr_stats *s)
{
    if (!s)
        return;
    free(s->estimate); /* one block holds the six columns */
    free(s->aliased);
    free(s->cov_unscaled);
    free(s);
}

static lr_stats *stats_alloc(size_t n, size_t p, const lr_stats_opts *o)
{
    lr_stats *s = calloc(1, sizeof *s);
    const size_t k = p + (o->intercept ? 1 : 0);
    size_t cells;
    if (!s || !lr_mul_ok(k, k, &cells) || !lr_mul_ok(cells, sizeof(double), &cells)) {
        free(s);
        return NULL;
    }
    s->n = n;
    s->p = p;
    s->k = k;
    s->intercept = o->intercept ? 1 : 0;
    s->se = o->se;
    s->ridge = o->l2 > 0;
    s->level = o->level;
    s->estimate = malloc(6 * k * sizeof(double));
    s->aliased = calloc(k, sizeof(int));
    if (!s->ridge)
        s->cov_unscaled = calloc(k * k, sizeof(double));
    if (!s->estimate || !s->aliased || (!s->ridge && !s->cov_unscaled)) {
        lr_stats_free(s);
        return NULL;
    }
    s->std_error = s->estimate + k;
    s->t = s->estimate + 2 * k;
    s->p_value = s->estimate + 3 * k;
    s->ci_low = s->estimate + 4 * k;
    s->ci_high = s->estimate + 5 * k;
    for (size_t j = 0; j < 6 * k; j++)
        s->estimate[j] = NAN;
    s->df_residual = s->sigma = s->r2 = s->adj_r2 = NAN;
    s->f_statistic = s->f_df1 = s->f_df2 = s->f_p_value = NAN;
    s->loglik = s->aic = s->bic = s->condition_number = s->edf = NAN;
    return s;
}

/* Whether a loop of `parts` independent parts over `work` elements (or
 * products) is worth a team: two parts at least, and `min` of work (2^17
 * elements for the copies and reflections, 2^20 products for the HC
 * meat's r^2 a row). The bits never depend on the answer. */
#define LR_STATS_PAR_WORK 131072.0
static int team_pays(size_t parts, double work, double min)
{
    return parts > 1 && work >= min;
}

/* Element (i, j) of the model matrix: the ones first, then X. */
static double model_at(const lr_matrix *X, int icpt, size_t i, size_t j)
{
    if (icpt)
        return j == 0 ? 1.0 : lr_mat_at(X, i, j - 1);
    return lr_mat_at(X, i, j);
}

/* The model matrix (the ones first, then X) into A, n x k column-major.
 * By blocks of rows, in parallel: a block of X stays in the cache while
 * its columns are written out (column by column over all of X read a line
 * for each element: 88 of the 185 ms of the statistics at 1e6 x 16). */
#define LR_STATS_COPY_ROWS 256
static void model_columns(const lr_matrix *X, int icpt, size_t k, double *A)
{
    const size_t n = X->rows, blocks = (n + LR_STATS_COPY_ROWS - 1) / LR_STATS_COPY_ROWS;
    const int par = team_pays(blocks, (double)n * (double)k, LR_STATS_PAR_WORK);
    #pragma omp parallel for schedule(static) if (par)
    for (size_t bl = 0; bl < blocks; bl++) {
        const size_t i0 = bl * LR_STATS_COPY_ROWS;
        const size_t i1 = i0 + LR_STATS_COPY_ROWS < n ? i0 + LR_STATS_COPY_ROWS : n;
        for (size_t j = 0; j < k; j++) {
            double *a = A + j * n;
            if (icpt && j == 0) {
                for (size_t i = i0; i < i1; i++)
                    a[i] = 1.0;
                continue;
            }
            const size_t c = j - (size_t)icpt;
            if (X->type == LR_F32) {
                const float *x = X->data;
                for (size_t i = i0; i < i1; i++)
                    a[i] = x[i * X->stride + c];
            } else {
                const double *x = X->data;
                for (size_t i = i0; i < i1; i++)
                    a[i] = x[i * X->stride + c];
            }
        }
    }
}

/* Eight running sums, lane l taking the elements at l mod 8, combined as
 * ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)): a fixed order, so
 * the same bits on every machine and thread count, and one the compiler
 * turns into vector adds (a single running sum waits on one add's latency
 * per element: at 1e6 x 16 the QR took 0.27 s, most of it such chains). */
#define LR_LANES8(s) (((s)[0] + (s)[4]) + ((s)[2] + (s)[6])) + \
                     (((s)[1] + (s)[5]) + ((s)[3] + (s)[7]))

static double dot8(const double *x, const double *y, size_t len)
{
    double s[8] = {0};
    size_t a = 0;
    for (; a + 8 <= len; a += 8)
        for (size_t l = 0; l < 8; l++)
            s[l] += x[a + l] * y[a + l];
    for (size_t l = 0; a < len; a++, l++)
        s[l] += x[a] * y[a];
    return LR_LANES8(s);
}

/* The scaled sum of BLAS dnrm2: no overflow or underflow of the squares,
 * two divisions an element. */
static double norm2_scaled(const double *v, size_t len)
{
    double scale = 0.0, ssq = 1.0;
    for (size_t i = 0; i < len; i++) {
        const double a = fabs(v[i]);
        if (a == 0.0)
            continue;
        if (scale < a) {
            ssq = 1.0 + ssq * (scale / a) * (scale / a);
            scale = a;
        } else {
            ssq += (a / scale) * (a / scale);
        }
    }
    return scale * sqrt(ssq);
}

/* |v|: the plain sum of squares in dot8's lanes where the largest element
 * lies in [2^-480, 2^480] (no square overflows; one that underflows is
 * below 2^-960 of the largest square, with len < 2^50 elements a relative
 * error under 2^-910), else the scaled sum. */
static double norm2(const double *v, size_t len)
{
    double s[8] = {0}, m[8] = {0};
    size_t a = 0;
    for (; a + 8 <= len; a += 8)
        for (size_t l = 0; l < 8; l++) {
            const double x = v[a + l], ax = fabs(x);
            s[l] += x * x;
            m[l] = ax > m[l] ? ax : m[l];
        }
    for (size_t l = 0; a < len; a++, l++) {
        const double x = v[a], ax = fabs(x);
        s[l] += x * x;
        m[l] = ax > m[l] ? ax : m[l];
    }
    double amax = 0.0;
    for (size_t l = 0; l < 8; l++)
        amax = m[l] > amax ? m[l] : amax;
    if (amax == 0.0)
        return 0.0;
    if (amax >= 0x1p-480 && amax <= 0x1p480 && len < ((size_t)1 << 50))
        return sqrt(LR_LANES8(s));
    return norm2_scaled(v, len);
}

/* The Householder QR with R's rank rule (see the top). A is n x k,
 * column-major; on return the accepted columns col[0..r) hold R1 above the
 * diagonal (rdiag the diagonal) and the reflection vectors from the
 * diagonal down, with tau their factors. */
typedef struct {
    size_t n, k, r;
    double *A, *rdiag, *tau;
    size_t *col;
} lr_qr;

static void qr_reflect(const lr_qr *q, size_t i, double *z)
{
    const double *v = q->A + q->col[i] * q->n;
    const double d = dot8(v + i, z + i, q->n - i) * q->tau[i];
    for (size_t a = i; a < q->n; a++)
        z[a] -= d * v[a];
}

/* z = Q^T z (transpose 1) or Q z (0). */
static void qr_apply(const lr_qr *q, int transpose, double *z)
{
    for (size_t i = 0; i < q->r; i++)
        qr_reflect(q, transpose ? i : q->r - 1 - i, z);
}

/* Applies reflection i to columns [from, q->k) of A, in parallel: each
 * column is one thread's, its arithmetic that of a serial pass, so the bits
 * do not depend on the team. Teams only where a share is worth a thread. */
static void qr_reflect_cols(const lr_qr *q, size_t i, size_t from)
{
    const size_t cols = q->k - from;
    const int par = team_pays(cols, (double)cols * (double)(q->n - i),
                              LR_STATS_PAR_WORK);
    #pragma omp parallel for schedule(static, 1) if (par)
    for (size_t c = from; c < q->k; c++)
        qr_reflect(q, i, q->A + c * q->n);
}

/* Right-looking: each accepted column's reflection is applied to all the
 * columns after it at once (the columns in parallel). Every column gets the
 * same reflections in the same order as in dqrdc2's left-looking loop, the
 * reflections of the columns accepted before it, so the same values.
 * orig: k doubles of scratch. */
static void qr_factor(lr_qr *q, int *aliased, double *orig)
{
    const size_t n = q->n, k = q->k;
    const int par = team_pays(k, (double)n * (double)k, LR_STATS_PAR_WORK);
    #pragma omp parallel for schedule(static, 1) if (par)
    for (size_t j = 0; j < k; j++) {
        orig[j] = norm2(q->A + j * n, n);
        if (orig[j] == 0.0)
            orig[j] = 1.0; /* dqrdc2: a zero column is aliased */
    }
    q->r = 0;
    for (size_t j = 0; j < k; j++) {
        double *a = q->A + j * n;
        /* a holds the reflections of the columns accepted so far */
        const double nrm = q->r < n ? norm2(a + q->r, n - q->r) : 0.0;
        if (nrm < LR_RANK_TOL * orig[j]) {
            aliased[j] = 1;
            continue;
        }
        const size_t r = q->r;
        const double x0 = a[r], alpha = x0 >= 0 ? -nrm : nrm;
        a[r] = x0 - alpha;
        /* v^T v = 2 nrm (nrm + |x0|); H = I - tau v v^T */
        q->tau[r] = 1.0 / (nrm * (nrm + fabs(x0)));
        q->rdiag[r] = alpha;
        q->col[r] = j;
        q->r++;
        qr_reflect_cols(q, r, j + 1);
    }
}

/* R1 element (a, b), a <= b < r. */
static double qr_R(const lr_qr *q, size_t a, size_t b)
{
    return a == b ? q->rdiag[a] : q->A[q->col[b] * q->n + a];
}

/* Rinv (r x r, row-major, upper) = R1^-1, column by column by back
 * substitution of R1 x = e_c. */
static void qr_rinv(const lr_qr *q, double *Rinv)
{
    const size_t r = q->r;
    memset(Rinv, 0, r * r * sizeof *Rinv);
    for (size_t c = 0; c < r; c++)
        for (size_t a = c + 1; a-- > 0;) {
            double s = a == c ? 1.0 : 0.0;
            for (size_t b = a + 1; b <= c; b++)
                s -= qr_R(q, a, b) * Rinv[b * r + c];
            Rinv[a * r + c] = s / qr_R(q, a, a);
        }
}

/* The 2-norm condition number of R1 (that of M1): the ratio of its
 * extreme singular values, by GSL's SVD. */
static int cond_number(const lr_qr *q, double *kappa)
{
    const size_t r = q->r;
    if (r == 0) {
        *kappa = NAN;
        return LR_SUCCESS;
    }
    gsl_matrix *R = gsl_matrix_calloc(r, r), *V = gsl_matrix_alloc(r, r);
    gsl_vector *S = gsl_vector_alloc(r), *work = gsl_vector_alloc(r);
    int st = LR_ENOMEM;
    if (R && V && S && work) {
        for (size_t a = 0; a < r; a++)
            for (size_t b = a; b < r; b++)
                gsl_matrix_set(R, a, b, qr_R(q, a, b));
        const int blas = lr_blas_serial_begin(); /* bits for any thread count */
        st = gsl_linalg_SV_decomp(R, V, S, work) == GSL_SUCCESS ? LR_SUCCESS
                                                                : LR_ESOLVE;
        lr_blas_serial_end(blas);
        if (st == LR_SUCCESS) {
            const double lo = gsl_vector_get(S, r - 1), hi = gsl_vector_get(S, 0);
            *kappa = lo > 0 ? hi / lo : INFINITY;
        }
    }
    gsl_matrix_free(R);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    return st;
}

/* Tail probabilities by GSL's regularized incomplete beta function, on
 * which its gsl_cdf_tdist_Q and gsl_cdf_fdist_Q rest: called directly,
 * because gsl_cdf_tdist_Q takes another route for large t and keeps only
 * about 6 digits there (t = 20.58 on 49 df: 9.22781267e-26 against R's
 * and mpmath's 9.22781703e-26), and gsl_cdf_fdist_Q loses as many.
 *   P(|T| > t) = I_x(df/2, 1/2), x = df / (df + t^2)
 *   P(F > f)   = I_x(d2/2, d1/2), x = d2 / (d2 + d1 f)
 * Each keeps its relative digits in the tail (x small); near 1 the
 * absolute error is what matters. */
static double t_two_sided(double t, double df)
{
    if (isnan(t))
        return NAN;
    if (isinf(t))
        return 0.0;
    return gsl_sf_beta_inc(df / 2.0, 0.5, df / (df + t * t));
}

static double f_upper(double f, double d1, double d2)
{
    if (isnan(f))
        return NAN;
    if (isinf(f))
        return 0.0;
    return gsl_sf_beta_inc(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f));
}

/* The two-sided p-value of t on df, the interval est -+ qt se. */
static void coef_test(lr_stats *s, size_t j, double qt)
{
    const double est = s->estimate[j], se = s->std_error[j];
    s->t[j] = est / se;
    s->p_value[j] = t_two_sided(s->t[j], s->df_residual);
    s->ci_low[j] = est - qt * se;
    s->ci_high[j] = est + qt * se;
}

/* The HC meat Q1^T diag(omega) Q1 (r x r) from Q1 (n x r, column-major)
 * and the residuals: each block of LR_STATS_HC_ROWS rows summed row after
 * row into its own partial (blocks in parallel), the partials then added
 * in block order: the same bits for any thread count. part: r (r + 1)
 * doubles for each block (room for a row of Q1 after each partial). */
#define LR_STATS_HC_ROWS 4096
static void hc_meat(const lr_stats *s, size_t r, const double *Q1,
                    const double *e, double *meat, double *part)
{
    const size_t n = s->n, blocks = (n + LR_STATS_HC_ROWS - 1) / LR_STATS_HC_ROWS;
    const size_t stride = r * (r + 1);
    const int par = team_pays(blocks, (double)n * (double)r * (double)r,
                              8 * LR_STATS_PAR_WORK);
    #pragma omp parallel for schedule(dynamic, 1) if (par)
    for (size_t bl = 0; bl < blocks; bl++) {
        double *m = part + bl * stride, *u = m + r * r;
        const size_t i1 = (bl + 1) * LR_STATS_HC_ROWS < n ? (bl + 1) * LR_STATS_HC_ROWS : n;
        memset(m, 0, r * r * sizeof *m);
        for (size_t i = bl * LR_STATS_HC_ROWS; i < i1; i++) {
            double h = 0.0;
            for (size_t c = 0; c < r; c++) {
                u[c] = Q1[c * n + i];
                h += u[c] * u[c];
            }
            double om = e[i] * e[i];
            switch (s->se) {
            case LR_SE_HC1: om *= (double)n / ((double)n - (double)r); break;
            case LR_SE_HC2: om /= 1.0 - h; break;
            case LR_SE_HC3: om /= (1.0 - h) * (1.0 - h); break;
            default: break;
            }
            for (size_t a = 0; a < r; a++)
                for (size_t b = 0; b <= a; b++)
                    m[a * r + b] += om * u[a] * u[b];
        }
    }
    memset(meat, 0, r * r * sizeof *meat);
    for (size_t bl = 0; bl < blocks; bl++)
        for (size_t a = 0; a < r; a++)
            for (size_t b = 0; b <= a; b++)
                meat[a * r + b] += part[bl * stride + a * r + b];
    for (size_t a = 0; a < r; a++)
        for (size_t b = a + 1; b < r; b++)
            meat[a * r + b] = meat[b * r + a];
}

static int stats_ols(lr_matrix X, const double *y, lr_stats *s)
{
    const size_t n = s->n, k = s->k;
    size_t cells;
    if (!lr_mul_ok(n, k, &cells) || !lr_mul_ok(cells, sizeof(double), &cells))
        return LR_ENOMEM;
    lr_qr q = {n, k, 0, lr_alloc_rows(cells), malloc(k * sizeof(double)),
               malloc(k * sizeof(double)), malloc(k * sizeof(size_t))};
    double *z = malloc(n * sizeof *z), *e = malloc(n * sizeof *e);
    double *Rinv = malloc(k * k * sizeof *Rinv), *C = malloc(k * k * sizeof *C);
    double *Q1 = NULL, *meat = NULL, *part = NULL;
    int st = LR_ENOMEM;
    if (!q.A || !q.rdiag || !q.tau || !q.col || !z || !e || !Rinv || !C)
        goto done;
    model_columns(&X, s->intercept, k, q.A);
    qr_factor(&q, s->aliased, C); /* C: scratch (k x k >= k) until its use */
    const size_t r = q.r;
    s->rank = r;
    s->edf = (double)r;
    s->df_residual = (double)n - (double)r;
    memcpy(z, y, n * sizeof *z);
    qr_apply(&q, 1, z); /* z = Q^T y */
    /* coefficients by back substitution of R1 b = (Q^T y)[0:r] */
    for (size_t a = r; a-- > 0;) {
        double v = z[a];
        for (size_t b = a + 1; b < r; b++)
            v -= qr_R(&q, a, b) * s->estimate[q.col[b]];
        s->estimate[q.col[a]] = v / qr_R(&q, a, a);
    }
    /* residuals e = Q (0, (Q^T y)[r:n]) */
    for (size_t i = 0; i < n; i++)
        e[i] = i < r ? 0.0 : z[i];
    qr_apply(&q, 0, e);
    double rss = 0.0, fmean = 0.0, mss = 0.0;
    for (size_t i = r; i < n; i++)
        rss += z[i] * z[i];
    for (size_t i = 0; i < n && s->intercept; i++)
        fmean += y[i] - e[i];
    fmean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        const double f = y[i] - e[i] - fmean;
        mss += f * f;
    }
    qr_rinv(&q, Rinv);
    /* C = R1^-1 R1^-T, the unscaled covariance of the accepted terms */
    for (size_t a = 0; a < r; a++)
        for (size_t b = a; b < r; b++) {
            double v = 0.0;
            for (size_t c = b; c < r; c++)
                v += Rinv[a * r + c] * Rinv[b * r + c];
            C[a * r + b] = C[b * r + a] = v;
        }
    for (size_t a = 0; a < r; a++)
        for (size_t b = 0; b < r; b++)
            s->cov_unscaled[q.col[a] * k + q.col[b]] = C[a * r + b];
    const double rdf = s->df_residual, df_int = s->intercept ? 1.0 : 0.0;
    const double resvar = rdf > 0 ? rss / rdf : NAN;
    s->sigma = sqrt(resvar);
    if (s->se != LR_SE_CLASSICAL && r > 0) {
        /* Q1 = Q [I_r; 0], column-major n x r: its columns in parallel */
        Q1 = lr_alloc_rows(cells);
        meat = malloc(r * r * sizeof *meat);
        const size_t blocks = (n + LR_STATS_HC_ROWS - 1) / LR_STATS_HC_ROWS;
        size_t pcells;
        if (!lr_mul_ok(blocks, r * (r + 1), &pcells) ||
            !lr_mul_ok(pcells, sizeof(double), &pcells) || !(part = malloc(pcells)))
            goto done;
        if (!Q1 || !meat)
            goto done;
        const int par = team_pays(r, (double)n * (double)r, LR_STATS_PAR_WORK);
        #pragma omp parallel for schedule(dynamic, 1) if (par)
        for (size_t cc = 0; cc < r; cc++) {
            /* Q e_c = H_0 .. H_c e_c: a reflection i > c touches rows from
             * i on, where e_c is zero, and adds d v with d = 0 to zeros
             * (+0.0, never -0.0): skipped, the same values for half the
             * work. The longest columns first. */
            const size_t c = r - 1 - cc;
            double *u = Q1 + c * n;
            memset(u, 0, n * sizeof *u);
            u[c] = 1.0;
            for (size_t i = c + 1; i-- > 0;)
                qr_reflect(&q, i, u);
        }
        hc_meat(s, r, Q1, e, meat, part);
        /* C = R1^-1 meat R1^-T; Q1 reused for meat R1^-T (r x r) */
        for (size_t a = 0; a < r; a++)
            for (size_t b = 0; b < r; b++) {
                double v = 0.0;
                for (size_t c = b; c < r; c++)
                    v += meat[a * r + c] * Rinv[b * r + c];
                Q1[a * r + b] = v;
            }
        for (size_t a = 0; a < r; a++)
            for (size_t b = 0; b < r; b++) {
                double v = 0.0;
                for (size_t c = a; c < r; c++)
                    v += Rinv[a * r + c] * Q1[c * r + b];
                C[a * r + b] = v;
            }
    } else {
        for (size_t a = 0; a < r * r; a++)
            C[a] *= resvar;
    }
    lr_gsl_enter();
    const double qt = rdf > 0 ? gsl_cdf_tdist_Qinv((1.0 - s->level) / 2.0, rdf) : NAN;
    for (size_t a = 0; a < r; a++) {
        const size_t j = q.col[a];
        s->std_error[j] = sqrt(C[a * r + a]);
        coef_test(s, j, qt);
    }
    s->r2 = mss / (mss + rss);
    s->adj_r2 = 1.0 - (1.0 - s->r2) * (((double)n - df_int) / rdf);
    s->f_df1 = (double)r - df_int;
    s->f_df2 = rdf;
    if (s->f_df1 > 0 && rdf > 0) {
        s->f_statistic = (mss / s->f_df1) / resvar;
        s->f_p_value = f_upper(s->f_statistic, s->f_df1, rdf);
    }
    lr_gsl_leave();
    const double nn = (double)n;
    s->loglik = -0.5 * nn * (log(2.0 * M_PI) + 1.0 - log(nn) + log(rss));
    s->aic = -2.0 * s->loglik + 2.0 * ((double)r + 1.0);
    s->bic = -2.0 * s->loglik + log(nn) * ((double)r + 1.0);
    lr_gsl_enter();
    st = cond_number(&q, &s->condition_number);
    lr_gsl_leave();
done:
    free(q.A);
    free(q.rdiag);
    free(q.tau);
    free(q.col);
    free(z);
    free(e);
    free(Rinv);
    free(C);
    free(Q1);
    free(meat);
    free(part);
    return st;
}

/* The singular values squared (eigenvalues of Z^T Z) of the m x c matrix
 * Z (row-major), into lam (min(m, c) values): by SVD for small problems,
 * else from the smaller Gram matrix by GSL's symmetric eigensolver. */
static int sq_singular(const double *Z, size_t m, size_t c, double *lam)
{
    const int tr = c > m; /* decompose Z^T when wider than tall */
    const size_t rows = tr ? c : m, cols = tr ? m : c;
    int st = LR_ENOMEM;
    if ((double)rows * (double)cols * (double)cols <= 1e8) {
        gsl_matrix *A = gsl_matrix_alloc(rows, cols), *V = gsl_matrix_alloc(cols, cols);
        gsl_vector *S = gsl_vector_alloc(cols), *w = gsl_vector_alloc(cols);
        if (A && V && S && w) {
            for (size_t i = 0; i < m; i++)
                for (size_t j = 0; j < c; j++)
                    gsl_matrix_set(A, tr ? j : i, tr ? i : j, Z[i * c + j]);
            const int blas = lr_blas_serial_begin(); /* as solve.c's SVD */
            st = gsl_linalg_SV_decomp(A, V, S, w) == GSL_SUCCESS ? LR_SUCCESS : LR_ESOLVE;
            lr_blas_serial_end(blas);
            for (size_t j = 0; j < cols && st == LR_SUCCESS; j++)
                lam[j] = gsl_vector_get(S, j) * gsl_vector_get(S, j);
        }
        gsl_matrix_free(A);
        gsl_matrix_free(V);
        gsl_vector_free(S);
        gsl_vector_free(w);
        return st;
    }
    gsl_matrix *G = gsl_matrix_calloc(cols, cols);
    gsl_vector *ev = gsl_vector_alloc(cols);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(cols);
    if (G && ev && ws) {
        for (size_t a = 0; a < cols; a++)
            for (size_t b = 0; b <= a; b++) {
                double v = 0.0;
                if (tr) /* Z Z^T */
                    for (size_t j = 0; j < c; j++)
                        v += Z[a * c + j] * Z[b * c + j];
                else
                    for (size_t i = 0; i < m; i++)
                        v += Z[i * c + a] * Z[i * c + b];
                gsl_matrix_set(G, a, b, v);
                gsl_matrix_set(G, b, a, v);
            }
        st = gsl_eigen_symm(G, ev, ws) == GSL_SUCCESS ? LR_SUCCESS : LR_ESOLVE;
        for (size_t j = 0; j < cols && st == LR_SUCCESS; j++)
            lam[j] = fmax(gsl_vector_get(ev, j), 0.0);
    }
    gsl_matrix_free(G);
    gsl_vector_free(ev);
    gsl_eigen_symm_free(ws);
    return st;
}

static int stats_ridge(lr_matrix X, const double *y, const lr_stats_opts *o,
                       lr_stats *s)
{
    const size_t n = s->n, p = s->p;
    const double *Xd;
    const float *Xf;
    int st = lr_matrix_rows(&X, &Xd, &Xf);
    if (st)
        return st;
    lr_params par = lr_params_default();
    par.intercept = s->intercept;
    par.standardize = o->standardize;
    par.l2 = o->l2;
    double b, mse;
    double *w = malloc(p * sizeof *w), *mu = malloc(p * sizeof *mu);
    double *sd = malloc(p * sizeof *sd), *Z = NULL, *lam = NULL;
    size_t cells;
    if (!w || !mu || !sd || !lr_mul_ok(n, p, &cells)
        || !lr_mul_ok(cells, sizeof(double), &cells)
        || !(Z = malloc(cells)) || !(lam = malloc((n < p ? n : p) * sizeof *lam))) {
        st = LR_ENOMEM;
        goto done;
    }
    if ((st = lr_solve(X, y, &par, w, &b, &mse)) != LR_SUCCESS)
        goto done;
    for (size_t j = 0; j < p; j++)
        s->estimate[j + (size_t)s->intercept] = w[j];
    if (s->intercept)
        s->estimate[0] = b;
    if (o->standardize) {
        lr_column_stats(Xd, Xf, n, p, s->intercept, mu, sd);
    } else {
        lr_column_stats(Xd, Xf, n, p, s->intercept, mu, sd);
        for (size_t j = 0; j < p; j++)
            sd[j] = 1.0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            Z[i * p + j] = (lr_xat(Xd, Xf, i * p + j) - mu[j]) / sd[j];
    lr_gsl_enter();
    st = sq_singular(Z, n, p, lam);
    lr_gsl_leave();
    if (st == LR_SUCCESS) {
        double edf = s->intercept ? 1.0 : 0.0;
        for (size_t j = 0; j < (n < p ? n : p); j++)
            edf += lam[j] / (lam[j] + (double)n * o->l2);
        s->edf = edf;
    }
done:
    free(w);
    free(mu);
    free(sd);
    free(Z);
    free(lam);
    return st;
}

int lr_stats_fit(lr_matrix X, const double *y, const lr_stats_opts *o,
                 lr_stats **out)
{
    if (!out)
        return LR_EINVAL;
    *out = NULL;
    if (!o || !y || !lr_matrix_valid(&X) || X.rows == 0 || X.cols == 0
        || !(o->level > 0 && o->level < 1) || o->se < 0 || o->se > LR_SE_HC3
        || !(o->l2 >= 0) || !isfinite(o->l2))
        return LR_EINVAL;
    lr_stats *s = stats_alloc(X.rows, X.cols, o);
    if (!s)
        return LR_ENOMEM;
    const int st = s->ridge ? stats_ridge(X, y, o, s) : stats_ols(X, y, s);
    if (st != LR_SUCCESS) {
        lr_stats_free(s);
        return st;
    }
    *out = s;
    return LR_SUCCESS;
}

int lr_stats_at(lr_stats *s, const double *w, double b)
{
    if (!s || !w)
        return LR_EINVAL;
    const size_t ic = (size_t)s->intercept;
    double qt = NAN;
    lr_gsl_enter();
    if (s->df_residual > 0)
        qt = gsl_cdf_tdist_Qinv((1.0 - s->level) / 2.0, s->df_residual);
    for (size_t j = 0; j < s->k; j++) {
        s->estimate[j] = ic && j == 0 ? b : w[j - ic];
        if (!isnan(s->std_error[j]))
            coef_test(s, j, qt);
    }
    lr_gsl_leave();
    return LR_SUCCESS;
}

int lr_predict_interval(lr_matrix X, const double *w, double b, int intercept,
                        const double *cov_unscaled, double sigma, double df,
                        int kind, double level, double *fit, double *lo,
                        double *hi)
{
    const size_t p = X.cols, k = p + (intercept ? 1 : 0);
    if (!lr_matrix_valid(&X) || !w || !cov_unscaled || !lo || !hi
        || !(level > 0 && level < 1) || !(df > 0) || !(sigma >= 0)
        || (kind != LR_INTERVAL_CONFIDENCE && kind != LR_INTERVAL_PREDICTION))
        return LR_EINVAL;
    double *x = malloc((k ? k : 1) * sizeof *x);
    if (!x)
        return LR_ENOMEM;
    lr_gsl_enter();
    const double qt = gsl_cdf_tdist_Qinv((1.0 - level) / 2.0, df);
    lr_gsl_leave();
    for (size_t i = 0; i < X.rows; i++) {
        double f = intercept ? b : 0.0, q = 0.0;
        for (size_t j = 0; j < k; j++)
            x[j] = model_at(&X, intercept, i, j);
        for (size_t j = 0; j < p; j++)
            f += w[j] * lr_mat_at(&X, i, j);
        for (size_t a = 0; a < k; a++) {
            double v = 0.0;
            for (size_t c = 0; c < k; c++)
                v += cov_unscaled[a * k + c] * x[c];
            q += x[a] * v;
        }
        double se2 = sigma * sigma * fmax(q, 0.0);
        if (kind == LR_INTERVAL_PREDICTION)
            se2 += sigma * sigma;
        const double half = qt * sqrt(se2);
        if (fit)
            fit[i] = f;
        lo[i] = f - half;
        hi[i] = f + half;
    }
    free(x);
    return LR_SUCCESS;
}
