/* csv_write.c -- data sets and vectors as CSV, to a stream or atomically to
 * a file. Data values are written by lr_dtoa (shortest text that reads back
 * to the same double, as Python's repr); vectors as %.17g. */
#include <stdio.h>
#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "dtoa.h"
#include "lr_internal.h"

/* A field's text and its separator: lr_dtoa writes at most 24 characters. */
#define FIELD_MAX 25
/* Rows are formatted in blocks of about this many bytes of text, each into
 * a buffer of the thread that formats it, and written in order. */
#define BLOCK_BYTES ((size_t)1 << 20)

/* Rows [lo, hi) of d as CSV lines into buf; returns the bytes written. */
static size_t format_rows(char *buf, const lr_data *d, size_t lo, size_t hi)
{
    char *o = buf;
    const size_t p = d->p;
    for (size_t i = lo; i < hi; i++) {
        const double *xi = d->X + i * p;
        for (size_t j = 0; j < p; j++) {
            o += lr_dtoa(xi[j], o);
            *o++ = ',';
        }
        o += lr_dtoa(d->y[i], o);
        *o++ = '\n';
    }
    return (size_t)(o - buf);
}

static int thread_num(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

int lr_csv_fwrite_threads(FILE *f, const lr_data *d, int threads)
{
    for (size_t j = 0; j < d->p; j++) {
        if (d->names)
            fprintf(f, "%s,", d->names[j]);
        else
            fprintf(f, "x%zu,", j + 1);
    }
    fputs("y\n", f);
    if (ferror(f))
        return LR_EIO;
    if (d->n == 0)
        return LR_SUCCESS;

    size_t per_row, cap, all;
    if (!lr_mul_ok(d->p + 1, FIELD_MAX, &per_row))
        return LR_ENOMEM;
    const size_t rows = per_row < BLOCK_BYTES ? BLOCK_BYTES / per_row : 1;
    const size_t nblocks = (d->n - 1) / rows + 1;
    int t = lr_threads_resolve(threads);
    if ((size_t)t > nblocks)
        t = (int)nblocks;
    if (!lr_mul_ok(rows, per_row, &cap) || cap > SIZE_MAX - LR_DTOA_MAX
        || !lr_mul_ok(cap + LR_DTOA_MAX, (size_t)t, &all))
        return LR_ENOMEM;
    cap += LR_DTOA_MAX; /* lr_dtoa's NUL after the last field */
    char *bufs = malloc(all);
    if (!bufs)
        return LR_ENOMEM;

    /* Block b goes to thread b mod t (schedule(static, 1)); the ordered
     * region writes the blocks in row order, so the text is the same for
     * any t, and a thread formats its next block while another writes.
     * After a failed write the remaining blocks are skipped. */
    int failed = 0;
#pragma omp parallel num_threads(t) if (t > 1)
    {
        char *buf = bufs + (size_t)thread_num() * cap;
#pragma omp for ordered schedule(static, 1)
        for (size_t b = 0; b < nblocks; b++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            const size_t lo = b * rows, hi = d->n - lo > rows ? lo + rows : d->n;
            const size_t len = stop ? 0 : format_rows(buf, d, lo, hi);
#pragma omp ordered
            {
                if (!stop && fwrite(buf, 1, len, f) != len) {
#pragma omp atomic write
                    failed = 1;
                }
            }
        }
    }
    free(bufs);
    return failed || ferror(f) ? LR_EIO : LR_SUCCESS;
}

int lr_csv_fwrite(FILE *f, const lr_data *d)
{
    return lr_csv_fwrite_threads(f, d, 0);
}

int lr_csv_fwrite_columns(FILE *f, const char *header, const double *v,
                          size_t n, size_t ncol)
{
    /* One row's text: ncol fields of at most 24 characters and their
     * separators, plus lr_dtoa's overrun room. */
    char line[8 * 25 + LR_DTOA_MAX];
    if (ncol == 0 || ncol > 8)
        return LR_EINVAL;
    fprintf(f, "%s\n", header);
    for (size_t i = 0; i < n && !ferror(f); i++) {
        size_t o = 0;
        for (size_t c = 0; c < ncol; c++) {
            o += lr_dtoa(v[c * n + i], line + o);
            line[o++] = c + 1 < ncol ? ',' : '\n';
        }
        fwrite(line, 1, o, f);
    }
    return ferror(f) ? LR_EIO : LR_SUCCESS;
}

int lr_csv_fwrite_vector(FILE *f, const char *name, const double *v, size_t n)
{
    return lr_csv_fwrite_columns(f, name, v, n, 1);
}

int lr_csv_write(const char *path, const lr_data *d, char *err, size_t errlen)
{
    lr_atomic_file f;
    int st = lr_atomic_begin(&f, path, err, errlen);
    if (st != LR_SUCCESS)
        return st;
    st = lr_csv_fwrite(f.fp, d);
    if (st == LR_ENOMEM) {
        lr_atomic_end(&f, 0, NULL, 0);
        return lr_set_err(st, err, errlen, "%s: out of memory", path);
    }
    return lr_atomic_end(&f, 1, err, errlen);
}

int lr_csv_write_vector(const char *path, const char *name, const double *v,
                        size_t n, char *err, size_t errlen)
{
    lr_atomic_file f;
    int st = lr_atomic_begin(&f, path, err, errlen);
    if (st != LR_SUCCESS)
        return st;
    lr_csv_fwrite_vector(f.fp, name, v, n);
    return lr_atomic_end(&f, 1, err, errlen);
}
