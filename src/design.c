/* design.c -- columns that make X rank-deficient for certain (constant or
 * duplicated), found in one pass. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lr_internal.h"

/* The bits of a value, with -0 as +0 (so that equal values hash equally):
 * x + 0.0 is +0 for either zero and x otherwise, without a branch. */
static uint64_t value_bits(const lr_matrix *X, size_t i, size_t j)
{
    const double v = lr_mat_at(X, i, j) + 0.0;
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

typedef struct {
    uint64_t hash;
    size_t col;
} col_hash;

static int cmp_hash(const void *a, const void *b)
{
    const col_hash *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col; /* the first occurrence first */
}

static uint64_t hash_mix(uint64_t h, uint64_t v)
{
    const uint64_t t = (h ^ v) * 0x100000001b3u;
    return t ^ (t >> 29);
}

static const uint64_t hash_seed = 0x9e3779b97f4a7c15u;

/* Rows [lo, hi) folded into each column's hashes and constant flag c[j]
 * (1 while every value equals row 0's): the range's even rows (from lo)
 * into h[j], its odd rows into h[p + j], two chains of multiplies a
 * column instead of one, then folded together. The loop over j has no
 * branch (the zeros as in value_bits) and vectorizes: one loop per element
 * type and instruction set. 1e6 x 16 on the 2-core Intel VM, 2 threads:
 * lr_design_check 14.5 -> 8.5 ms (one chain, a branch for -0, the hashes
 * in memory); 1 thread 28.5 -> 18 ms. */
#define DESIGN_ROWS(T)                                                        \
    do {                                                                      \
        const T *x0 = (const T *)X->data;                                     \
        uint64_t *ha = h, *hb = h + p;                                        \
        size_t i = lo;                                                        \
        for (; i + 1 < hi; i += 2) {                                          \
            const T *xa = x0 + i * X->stride, *xb = xa + X->stride;           \
            /* a page ahead: 1e6 x 16, 2 threads, 8.2 -> 6.2 ms */           \
            __builtin_prefetch((const char *)xa + 4096);                      \
            for (size_t j = 0; j < p; j++) {                                  \
                const double a = (double)xa[j] + 0.0, b = (double)xb[j] + 0.0; \
                const double z = (double)x0[j];                               \
                uint64_t ua, ub;                                              \
                memcpy(&ua, &a, sizeof ua);                                   \
                memcpy(&ub, &b, sizeof ub);                                   \
                c[j] &= (uint64_t)(a == z) & (uint64_t)(b == z);              \
                ha[j] = hash_mix(ha[j], ua);                                  \
                hb[j] = hash_mix(hb[j], ub);                                  \
            }                                                                 \
        }                                                                     \
        if (i < hi) {                                                         \
            const T *xa = x0 + i * X->stride;                                 \
            for (size_t j = 0; j < p; j++) {                                  \
                const double a = (double)xa[j] + 0.0;                         \
                uint64_t ua;                                                  \
                memcpy(&ua, &a, sizeof ua);                                   \
                c[j] &= (uint64_t)(a == (double)x0[j]);                       \
                ha[j] = hash_mix(ha[j], ua);                                  \
            }                                                                 \
        }                                                                     \
        for (size_t j = 0; j < p; j++)                                        \
            ha[j] = hash_mix(ha[j], hb[j]);                                   \
    } while (0)
#define DESIGN_ROWS_FN(NAME, ATTR)                                            \
    static void __attribute__((ATTR)) NAME(const lr_matrix *X, size_t lo,     \
                                           size_t hi, uint64_t *h,            \
                                           uint64_t *c)                       \
    {                                                                         \
        const size_t p = X->cols;                                             \
        if (X->type == LR_F32)                                                \
            DESIGN_ROWS(float);                                               \
        else                                                                  \
            DESIGN_ROWS(double);                                              \
    }
DESIGN_ROWS_FN(design_rows_base, )
#if defined(__x86_64__) && defined(__GNUC__)
DESIGN_ROWS_FN(design_rows_avx2, target("avx2"))
DESIGN_ROWS_FN(design_rows_avx512, target("avx512f,avx512dq,avx512vl"))
#endif

/* The widest the row kernels run on (the hashes differ by nothing but
 * speed: one instruction set for all the threads of a call). */
static void design_rows(const lr_matrix *X, size_t lo, size_t hi, uint64_t *h,
                        uint64_t *c)
{
#if defined(__x86_64__) && defined(__GNUC__)
    const int isa = lr_kernel_isa_level();
    if (isa == LR_ISA_AVX512)
        design_rows_avx512(X, lo, hi, h, c);
    else if (isa == LR_ISA_AVX2)
        design_rows_avx2(X, lo, hi, h, c);
    else
#endif
        design_rows_base(X, lo, hi, h, c);
}

/* Each column's hash of its rows: over ranges of rows, one a thread (each
 * in a partial row of its own, a page apart), the ranges' hashes then
 * folded in order. Equal columns get equal hashes however the rows are
 * split, and only that matters: every match is confirmed value by value,
 * so which columns are flagged does not depend on the thread count.
 * 0, or -1 when memory is short. */
static int design_hash(const lr_matrix *X, int intercept, col_hash *h,
                       unsigned char *cst)
{
    const size_t n = X->rows, p = X->cols;
    const int nt = lr_pass_threads(X);
    const size_t stride = lr_part_stride(3 * p);
    uint64_t *part = lr_alloc_part((size_t)(nt > 1 ? nt : 1), stride);
    if (!part)
        return -1;
    int used = 1;
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        int t, k;
        lr_team(&t, &k);
        uint64_t *ph = part + (size_t)t * stride, *pc = ph + 2 * p;
        for (size_t j = 0; j < p; j++) {
            ph[j] = ph[p + j] = hash_seed;
            pc[j] = intercept || lr_mat_at(X, 0, j) == 0.0;
        }
        design_rows(X, lr_share_lo(n, k, t), lr_share_lo(n, k, t + 1), ph, pc);
#pragma omp single
        used = k;
    }
    for (size_t j = 0; j < p; j++) {
        h[j].hash = hash_seed;
        h[j].col = j;
        cst[j] = 1;
        for (int t = 0; t < used; t++) {
            const uint64_t *ph = part + (size_t)t * stride;
            h[j].hash = hash_mix(h[j].hash, ph[j]);
            cst[j] = cst[j] && ph[2 * p + j];
        }
    }
    free(part);
    return 0;
}

/* Constant columns: compared with row 0. Duplicates: a hash of each column
 * (one pass, row by row), columns sorted by hash, and equal hashes compared
 * value by value. */
long lr_design_check(lr_matrix A, int intercept, long *dep)
{
    const lr_matrix *X = &A;
    const size_t n = A.rows, p = A.cols;
    if (!dep)
        return -1;
    for (size_t j = 0; j < p; j++)
        dep[j] = LR_COL_OK;
    if (!lr_matrix_valid(X))
        return -1;
    if (n == 0 || p == 0)
        return 0;
    col_hash *h = malloc(p * sizeof *h);
    unsigned char *cst = malloc(p);
    if (!h || !cst || design_hash(X, intercept, h, cst) != 0) {
        free(h);
        free(cst);
        return -1;
    }
    long count = 0;
    for (size_t j = 0; j < p; j++)
        if (cst[j]) {
            dep[j] = LR_COL_CONSTANT;
            count++;
        }
    qsort(h, p, sizeof *h, cmp_hash);
    for (size_t a = 0; a < p; a++) {
        const size_t j = h[a].col;
        if (dep[j] != LR_COL_OK)
            continue;
        /* an earlier column with the same hash and values */
        for (size_t c = a; c-- > 0 && h[c].hash == h[a].hash;) {
            const size_t k = h[c].col;
            if (dep[k] == LR_COL_CONSTANT)
                continue;
            size_t i = 0;
            while (i < n && value_bits(X, i, j) == value_bits(X, i, k))
                i++;
            if (i == n) {
                dep[j] = dep[k] >= 0 ? dep[k] : (long)k;
                count++;
                break;
            }
        }
    }
    free(h);
    free(cst);
    return count;
}
