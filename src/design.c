/* design.c -- columns that make X rank-deficient for certain (constant or
 * duplicated), found in one pass. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lr_internal.h"

/* The bits of a value, with -0 as +0 (so that equal values hash equally). */
static uint64_t value_bits(const lr_matrix *X, size_t i, size_t j)
{
    double v = lr_mat_at(X, i, j);
    uint64_t u;
    if (v == 0.0)
        v = 0.0;
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
    if (!h || !cst) {
        free(h);
        free(cst);
        return -1;
    }
    for (size_t j = 0; j < p; j++) {
        h[j].hash = 0x9e3779b97f4a7c15u;
        h[j].col = j;
        cst[j] = intercept || lr_mat_at(X, 0, j) == 0.0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            uint64_t t = (h[j].hash ^ value_bits(X, i, j)) * 0x100000001b3u;
            h[j].hash = t ^ (t >> 29);
            if (cst[j] && lr_mat_at(X, i, j) != lr_mat_at(X, 0, j))
                cst[j] = 0;
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
