/* metrics.c -- predictions, MSE, R^2, a serial reference gradient, and the
 * trace bound on the step size. Plain serial loops: the yardsticks the
 * parallel kernels are checked against. lr_score and lr_max_abs, which
 * every fit runs once over X, share their passes over rows among threads
 * and give the same bits for any thread count. */
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

/* ksum_add in each lane of vectors of type VD (VI: integers of its width;
 * am: the lanes' sign-clearing mask), the error term chosen by a mask: the
 * same operations in the same order as ksum_add, so the same bits. */
#define KSUM_VADD(VD, VI, s, c, v, am)                                        \
    do {                                                                      \
        const VD sum_ = (s) + (v);                                            \
        const VD e1_ = ((s) - sum_) + (v), e2_ = ((v) - sum_) + (s);          \
        const VI m_ = (VD)((VI)(s) & (am)) >= (VD)((VI)(v) & (am));           \
        (c) += (VD)((m_ & (VI)e1_) | (~m_ & (VI)e2_));                        \
        (s) = sum_;                                                           \
    } while (0)

/* Neumaier's sum of G(i) over i in [0, n) in four lanes (lane l takes
 * i = l mod 4), each its own compensated sum, the lanes then added in
 * order: four chains of dependent additions side by side instead of one
 * (lr_null_mse, three passes over 1e6 values: 3.85 -> 2.4 ms on the
 * 2-core Intel VM), in the same order whatever the thread count.
 * KSUM_LANES(out, n, G) sets the ksum out; G is a macro of the index. */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2i __attribute__((vector_size(16)));
/* two lanes a step: 16-byte vectors, SSE2's own width, whose comparisons
 * the baseline build has (wider ones it splits into scalars) */
#define KSUM_LANES(out, n, G)                                                 \
    do {                                                                      \
        const v2i am_ = (v2i){0} + 0x7fffffffffffffffLL;                      \
        v2d s0_ = {0}, c0_ = {0}, s1_ = {0}, c1_ = {0};                       \
        size_t i_ = 0;                                                        \
        for (; i_ + 4 <= (n); i_ += 4) {                                      \
            const v2d v0_ = {G(i_), G(i_ + 1)}, v1_ = {G(i_ + 2), G(i_ + 3)}; \
            KSUM_VADD(v2d, v2i, s0_, c0_, v0_, am_);                          \
            KSUM_VADD(v2d, v2i, s1_, c1_, v1_, am_);                          \
        }                                                                     \
        const double sl_[4] = {s0_[0], s0_[1], s1_[0], s1_[1]};               \
        const double cl_[4] = {c0_[0], c0_[1], c1_[0], c1_[1]};               \
        ksum k_ = {0, 0};                                                     \
        for (int l_ = 0; l_ < 4; l_++) {                                      \
            ksum_add(&k_, sl_[l_]);                                           \
            k_.c += cl_[l_];                                                  \
        }                                                                     \
        for (; i_ < (n); i_++)                                                \
            ksum_add(&k_, G(i_));                                             \
        (out) = k_;                                                           \
    } while (0)

/* The mean of y in two passes: the compensated sum over n, then the mean
 * of the deviations from it added back (which removes the rounding of the
 * first division). */
static double mean_of(const double *y, size_t n)
{
    ksum a, d;
#define Y_AT(k) y[k]
    KSUM_LANES(a, n, Y_AT);
    const double m = ksum_get(&a) / (double)n;
#define Y_DEV(k) (y[k] - m)
    KSUM_LANES(d, n, Y_DEV);
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

/* resid_at for 16 rows at once, two groups of 8: column j of each group
 * is gathered into a vector of 8 lanes (GCC's generic vectors: one
 * AVX-512 register, two AVX2 ones, four SSE ones), lane u doing row u's
 * operations in resid_at's order, so the same bits. The two groups' sums
 * are independent chains side by side, where resid_at waits an add
 * latency per element. FMA8(r, a, b, c) sets r to the lanes' fma(a, b, c),
 * one rounding each, however built. */
typedef double v8d __attribute__((vector_size(64)));
typedef long long v8i __attribute__((vector_size(64)));
#define RESID_GATHER(T, xj, ld)                                               \
    {(double)(xj)[0],        (double)(xj)[(ld)],                              \
     (double)(xj)[2 * (ld)], (double)(xj)[3 * (ld)],                          \
     (double)(xj)[4 * (ld)], (double)(xj)[5 * (ld)],                          \
     (double)(xj)[6 * (ld)], (double)(xj)[7 * (ld)]}
#define RESID_STEP(s, c, x, wj, FMA8)                                         \
    do {                                                                      \
        const v8d t_ = (x) * (wj);                                            \
        KSUM_VADD(v8d, v8i, s, c, t_, absm);                                  \
        v8d err_;                                                             \
        FMA8(err_, x, wj, -t_);                                               \
        (c) += err_;                                                          \
    } while (0)
#define RESID16(NAME, T, ATTR, FMA8)                                          \
    static inline __attribute__((always_inline)) __attribute__((ATTR)) void   \
    NAME(const lr_matrix *X, size_t i, const double *w, double b,             \
         const double *y, double *r)                                          \
    {                                                                         \
        const size_t ld = X->stride, p = X->cols;                             \
        const T *x0 = (const T *)X->data + i * ld, *x8 = x0 + 8 * ld;         \
        const v8i absm = (v8i){0} + 0x7fffffffffffffffLL;                     \
        v8d s0 = {0}, c0 = {0}, s1 = {0}, c1 = {0};                           \
        /* the rows 32 on, line by line: the column-wise loads leave the  \
         * hardware's prefetchers behind (1e6 x 16, 1 thread: 31 -> 20 ms   \
         * a pass; 16 rows ahead the same, 64 rows 21) */                     \
        const char *pf = (const char *)(x0 + 32 * ld);                        \
        for (size_t o = 0; o < 16 * ld * sizeof(T); o += 64)                  \
            __builtin_prefetch(pf + o);                                       \
        for (size_t j = 0; j < p; j++) {                                      \
            const double wv = w[j];                                           \
            const v8d wj = {wv, wv, wv, wv, wv, wv, wv, wv};                  \
            const v8d xa = RESID_GATHER(T, x0 + j, ld);                       \
            const v8d xb = RESID_GATHER(T, x8 + j, ld);                       \
            RESID_STEP(s0, c0, xa, wj, FMA8);                                 \
            RESID_STEP(s1, c1, xb, wj, FMA8);                                 \
        }                                                                     \
        for (size_t u = 0; u < 16; u++) {                                     \
            ksum rs = {u < 8 ? s0[u] : s1[u - 8], u < 8 ? c0[u] : c1[u - 8]}; \
            ksum_add(&rs, b);                                                 \
            ksum_add(&rs, -y[i + u]);                                         \
            r[u] = ksum_get(&rs);                                             \
        }                                                                     \
    }

/* The lanes' fma: the library call (correctly rounded anywhere), or the
 * instruction, 8 lanes at once where there is one that wide. */
#define FMA8_LANES(r, a, b, c)                                                \
    do {                                                                      \
        for (int u_ = 0; u_ < 8; u_++)                                        \
            (r)[u_] = fma((a)[u_], (b)[u_], (c)[u_]);                         \
    } while (0)
RESID16(resid16_f64, double, , FMA8_LANES)
RESID16(resid16_f32, float, , FMA8_LANES)

/* r[i - lo] for rows [lo, hi): groups of 16 rows, the rest one at a time. */
#define SCORE_ROWS_BODY(R64, R32)                                             \
    const size_t m = hi - lo, g = m / 16;                                     \
    for (size_t q = 0; q < g; q++) {                                          \
        if (X->type == LR_F32)                                                \
            R32(X, lo + 16 * q, w, b, y, r + 16 * q);                         \
        else                                                                  \
            R64(X, lo + 16 * q, w, b, y, r + 16 * q);                         \
    }                                                                         \
    for (size_t i = lo + 16 * g; i < hi; i++)                                 \
        r[i - lo] = resid_at(X, i, w, b, y[i]);

typedef void (*score_rows_fn)(const lr_matrix *, const double *,
                              const double *, double, size_t, size_t,
                              double *);

static void score_rows(const lr_matrix *X, const double *y, const double *w,
                       double b, size_t lo, size_t hi, double *r)
{
    SCORE_ROWS_BODY(resid16_f64, resid16_f32)
}

/* The same for wider units: the FMA instruction for fma(), the 8 lanes in
 * one AVX-512 register or two AVX2 ones. The same IEEE operations in the
 * same order in every lane of every build: the same bits. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
typedef union {
    v8d v;
    __m256d h[2];
    __m512d z;
} v8u;
#define FMA8_512(r, a, b, c)                                                  \
    do {                                                                      \
        const v8u a_ = {a}, b_ = {b}, c_ = {c};                               \
        v8u r_;                                                               \
        r_.z = _mm512_fmadd_pd(a_.z, b_.z, c_.z);                             \
        (r) = r_.v;                                                           \
    } while (0)
#define FMA8_256(r, a, b, c)                                                  \
    do {                                                                      \
        const v8u a_ = {a}, b_ = {b}, c_ = {c};                               \
        v8u r_;                                                               \
        r_.h[0] = _mm256_fmadd_pd(a_.h[0], b_.h[0], c_.h[0]);                 \
        r_.h[1] = _mm256_fmadd_pd(a_.h[1], b_.h[1], c_.h[1]);                 \
        (r) = r_.v;                                                           \
    } while (0)
#define SCORE_ROWS_FOR(NAME, ISA, FMA8)                                       \
    RESID16(NAME##_f64, double, target(ISA), FMA8)                            \
    RESID16(NAME##_f32, float, target(ISA), FMA8)                             \
    __attribute__((target(ISA))) static void NAME(                            \
        const lr_matrix *X, const double *y, const double *w, double b,       \
        size_t lo, size_t hi, double *r)                                      \
    {                                                                         \
        SCORE_ROWS_BODY(NAME##_f64, NAME##_f32)                               \
    }
SCORE_ROWS_FOR(score_rows_fma, "fma", FMA8_LANES)
SCORE_ROWS_FOR(score_rows_avx2, "avx2,fma", FMA8_256)
SCORE_ROWS_FOR(score_rows_avx512, "avx512f,fma", FMA8_512)

/* The widest the row kernels run on (lr_kernel_isa_set, LR_ISA), so that
 * a forced narrower path is taken here too. */
static score_rows_fn score_rows_pick(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("fma"))
        return score_rows;
    const int isa = lr_kernel_isa_level();
    return isa == LR_ISA_AVX512 ? score_rows_avx512
           : isa == LR_ISA_AVX2 ? score_rows_avx2 : score_rows_fma;
}
#else
static score_rows_fn score_rows_pick(void) { return score_rows; }
#endif

/* Rows a chunk of lr_score (at most), and chunks a round: each chunk's
 * residuals (computed by one thread, 16 KB on its stack) are summed with
 * compensation into the chunk's own sums; after each round one thread adds
 * the round's chunk sums in chunk order. A chunk is about 32768 elements
 * (64 to 2048 rows, a multiple of 16), fixed by n and p alone, so the bits
 * do not depend on the thread count. 1e6 x 16 on the 2-core Intel VM, 2
 * threads: 27.6 ms with residuals 4 rows at a time in scalar code and one
 * thread summing each 2048 rows while the other waited; 11.5-12 ms so. */
enum { SCORE_ROWS = 2048, SCORE_ROUND = 64 };

static size_t score_chunk_rows(size_t p)
{
    const size_t r = 32768 / (p ? p : 1);
    return r < 64 ? 64 : r > SCORE_ROWS ? SCORE_ROWS : r / 16 * 16;
}

/* MSE and R^2 of (w, b) on (X, y) without storing the predictions: no
 * allocation, so a fit's peak memory stays that of X and y. */
int lr_score(lr_matrix X, const double *y, const double *w, double b,
             double *mse, double *r2)
{
    if (!lr_matrix_valid(&X) || (X.rows && !y) || (X.cols && !w))
        return LR_EINVAL;
    const size_t n = X.rows, cr = score_chunk_rows(X.cols);
    const size_t nch = (n + cr - 1) / cr;
    const double mean = mean_of(y, n);
    const score_rows_fn rows_of = score_rows_pick();
    ksum sse = {0, 0}, sst = {0, 0};
    ksum part[SCORE_ROUND][2];
#pragma omp parallel if (lr_pass_threads(&X) > 1)
    for (size_t c0 = 0; c0 < nch; c0 += SCORE_ROUND) {
        const size_t c1 = nch - c0 < SCORE_ROUND ? nch : c0 + SCORE_ROUND;
#pragma omp for schedule(static)
        for (size_t c = c0; c < c1; c++) {
            const size_t lo = c * cr, hi = n - lo < cr ? n : lo + cr;
            double r[SCORE_ROWS];
            rows_of(&X, y, w, b, lo, hi, r);
            ksum e = {0, 0}, d = {0, 0};
            for (size_t i = lo; i < hi; i++) {
                const double ri = r[i - lo], dy = y[i] - mean;
                ksum_add(&e, ri * ri);
                ksum_add(&d, dy * dy);
            }
            part[c - c0][0] = e;
            part[c - c0][1] = d;
        }
#pragma omp single
        for (size_t c = c0; c < c1; c++) {
            ksum_add(&sse, part[c - c0][0].s);
            sse.c += part[c - c0][0].c;
            ksum_add(&sst, part[c - c0][1].s);
            sst.c += part[c - c0][1].c;
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
            /* a page ahead: 1e6 x 16, 2 threads, 8.4 -> 5.9 ms */           \
            __builtin_prefetch((const char *)xr + 4096);                      \
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
    ksum s;
#define Y_DEV2(k) ((y[k] - m) * (y[k] - m))
    KSUM_LANES(s, n, Y_DEV2);
    return ksum_get(&s) / (double)n;
}
