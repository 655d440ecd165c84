/* data_io.c -- data sets in memory and as CSV files, and atomic writes.
 *
 * Every file linreg writes goes to a temporary file in the same directory
 * and is renamed into place once complete, so no reader ever sees a
 * half-written file and a failed write leaves the old file untouched.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lr_internal.h"

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
    d->X = malloc(bytes);
    d->y = malloc(ybytes);
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

static FILE *atomic_open(const char *path, char **tmp, char *err, size_t errlen);
static int atomic_close(FILE *f, char *tmp, const char *path, int ok,
                        char *err, size_t errlen);

int lr_atomic_begin(lr_atomic_file *f, const char *path, char *err,
                    size_t errlen)
{
    f->path = path;
    f->fp = atomic_open(path, &f->tmp, err, errlen);
    return f->fp ? LR_SUCCESS : LR_EIO;
}

int lr_atomic_end(lr_atomic_file *f, int ok, char *err, size_t errlen)
{
    return atomic_close(f->fp, f->tmp, f->path, ok, err, errlen);
}

/* The process's umask, read without changing it (umask(2) would set it):
 * from /proc/self/status, else the usual 022. */
static mode_t process_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    unsigned int m = 022;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &m) == 1)
            break;
    if (f)
        fclose(f);
    return (mode_t)m;
}

/* Opens a temporary file beside path; *tmp receives its name (malloc). */
static FILE *atomic_open(const char *path, char **tmp, char *err, size_t errlen)
{
    size_t len = strlen(path);
    char *t = malloc(len + 16);
    if (!t) {
        lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        return NULL;
    }
    memcpy(t, path, len);
    memcpy(t + len, ".tmp.XXXXXX", 12);
    int fd = mkstemp(t);
    if (fd >= 0)
        fchmod(fd, 0666 & ~process_umask()); /* mkstemp makes it 0600 */
    if (fd < 0) {
        lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", path,
                   strerror(errno));
        free(t);
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", path,
                   strerror(errno));
        close(fd);
        unlink(t);
        free(t);
        return NULL;
    }
    *tmp = t;
    return f;
}

/* Closes f and renames tmp to path when ok and every write succeeded;
 * otherwise removes tmp. */
static int atomic_close(FILE *f, char *tmp, const char *path, int ok,
                        char *err, size_t errlen)
{
    int st = LR_SUCCESS;
    int werr = ferror(f);
    if (fclose(f) != 0 || werr) {
        if (ok)
            st = lr_set_err(LR_EIO, err, errlen, "%s: write failed: %s", path,
                            strerror(errno ? errno : EIO));
        ok = 0;
    }
    if (ok && rename(tmp, path) != 0) {
        st = lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", path,
                        strerror(errno));
        ok = 0;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok ? LR_SUCCESS : (st == LR_SUCCESS ? LR_EIO : st);
}

int lr_path_writable(const char *path, char *err, size_t errlen)
{
    char *tmp;
    FILE *f = atomic_open(path, &tmp, err, errlen);
    if (!f)
        return LR_EIO;
    fclose(f);
    unlink(tmp);
    free(tmp);
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return lr_set_err(LR_EIO, err, errlen, "%s: is a directory", path);
    return LR_SUCCESS;
}

int lr_write_file_atomic(const char *path, const char *text, char *err,
                         size_t errlen)
{
    char *tmp;
    FILE *f = atomic_open(path, &tmp, err, errlen);
    if (!f)
        return LR_EIO;
    fputs(text, f);
    return atomic_close(f, tmp, path, 1, err, errlen);
}

int lr_csv_write(const char *path, const lr_data *d, char *err, size_t errlen)
{
    char *tmp;
    FILE *f = atomic_open(path, &tmp, err, errlen);
    if (!f)
        return LR_EIO;
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
    return atomic_close(f, tmp, path, 1, err, errlen);
}

int lr_csv_write_vector(const char *path, const char *name, const double *v,
                        size_t n, char *err, size_t errlen)
{
    char *tmp;
    FILE *f = atomic_open(path, &tmp, err, errlen);
    if (!f)
        return LR_EIO;
    fprintf(f, "%s\n", name);
    for (size_t i = 0; i < n && !ferror(f); i++)
        fprintf(f, "%.17g\n", v[i]);
    return atomic_close(f, tmp, path, 1, err, errlen);
}
