/* data.c -- data sets in memory (lr_data) and feature names. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "lr_internal.h"

void *lr_alloc_huge(size_t bytes)
{
    const size_t h = (size_t)1 << 21, rh = (bytes + h - 1) & ~(h - 1);
    void *m = rh < bytes ? NULL : aligned_alloc(h, rh ? rh : h);
#ifdef MADV_HUGEPAGE
    if (m)
        (void)madvise(m, rh ? rh : h, MADV_HUGEPAGE);
#endif
    return m;
}

void *lr_alloc_rows(size_t bytes)
{
    const size_t r = (bytes + 63) & ~(size_t)63;
    if (r < bytes)
        return NULL;
    if (r < LR_HUGE_ROWS)
        return aligned_alloc(64, r ? r : 64);
    return lr_alloc_huge(r);
}

void *lr_alloc_part(size_t rows, size_t stride)
{
    size_t bytes;
    if (!lr_mul_ok(rows, stride, &bytes) || !lr_mul_ok(bytes, sizeof(double), &bytes)
        || bytes > SIZE_MAX - LR_PART_ALIGN)
        return NULL;
    bytes = (bytes + LR_PART_ALIGN - 1) / LR_PART_ALIGN * LR_PART_ALIGN;
    return aligned_alloc(LR_PART_ALIGN, bytes ? bytes : LR_PART_ALIGN);
}

lr_data *lr_data_alloc(size_t n, size_t p)
{
    size_t cells, bytes, ybytes;
    if (n == 0 || p == 0 || !lr_mul_ok(n, p, &cells)
        || !lr_mul_ok(cells, sizeof(double), &bytes)
        || !lr_mul_ok(n, sizeof(double), &ybytes))
        return NULL;
    lr_data *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->n = n;
    d->p = p;
    d->X = lr_alloc_rows(bytes);
    d->y = lr_alloc_rows(ybytes);
    if (!d->X || !d->y) {
        lr_data_free(d);
        return NULL;
    }
    return d;
}

void lr_names_free(char **names, size_t p)
{
    if (!names)
        return;
    for (size_t j = 0; j < p; j++)
        free(names[j]);
    free(names);
}

void lr_data_free(lr_data *d)
{
    if (!d)
        return;
    free(d->X);
    free(d->y);
    lr_names_free(d->names, d->p);
    free(d);
}

/* ---------------------------------------------------------- atomic write */
