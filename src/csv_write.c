/* csv_write.c -- data sets and vectors as CSV (%.17g values, which
 * round-trip), to a stream or atomically to a file. */
#include <stdio.h>

#include "lr_internal.h"


int lr_csv_fwrite(FILE *f, const lr_data *d)
{
    for (size_t j = 0; j < d->p; j++) {
        if (d->names)
            fprintf(f, "%s,", d->names[j]);
        else
            fprintf(f, "x%zu,", j + 1);
    }
    fputs("y\n", f);
    for (size_t i = 0; i < d->n && !ferror(f); i++) {
        const double *xi = d->X + i * d->p;
        for (size_t j = 0; j < d->p; j++)
            fprintf(f, "%.17g,", xi[j]);
        fprintf(f, "%.17g\n", d->y[i]);
    }
    return ferror(f) ? LR_EIO : LR_SUCCESS;
}

int lr_csv_fwrite_vector(FILE *f, const char *name, const double *v, size_t n)
{
    fprintf(f, "%s\n", name);
    for (size_t i = 0; i < n && !ferror(f); i++)
        fprintf(f, "%.17g\n", v[i]);
    return ferror(f) ? LR_EIO : LR_SUCCESS;
}

int lr_csv_write(const char *path, const lr_data *d, char *err, size_t errlen)
{
    lr_atomic_file f;
    int st = lr_atomic_begin(&f, path, err, errlen);
    if (st != LR_SUCCESS)
        return st;
    lr_csv_fwrite(f.fp, d);
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
