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

/* -------------------------------------------------------------- CSV read */

static char *read_all(const char *path, size_t *len, char *err, size_t errlen,
                      int *st)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *st = lr_set_err(LR_EIO, err, errlen, "%s: cannot open: %s", path,
                         strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *nb = cap > SIZE_MAX / 2 - 1 ? NULL : realloc(buf, cap * 2 + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    if (!buf) {
        fclose(f);
        *st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (ferror(f)) {
        fclose(f);
        free(buf);
        *st = lr_set_err(LR_EIO, err, errlen, "%s: read error: %s", path,
                         strerror(errno ? errno : EIO));
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Splits s (one line, NUL-terminated, no newline) at commas in place;
 * returns the field count, and the fields in f[0..max) when f is not NULL. */
static size_t split(char *s, char **f, size_t max)
{
    size_t k = 0;
    char *start = s;
    for (char *c = s;; c++) {
        if (*c == ',' || *c == '\0') {
            int end = *c == '\0';
            if (f && k < max) {
                *c = '\0';
                f[k] = start;
            }
            k++;
            start = c + 1;
            if (end)
                break;
        }
    }
    return k;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t l = strlen(s);
    while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
        s[--l] = '\0';
    return s;
}

/* Next line of buf starting at *pos: NUL-terminates it (dropping \r\n),
 * advances *pos; NULL at the end. */
static char *next_line(char *buf, size_t len, size_t *pos)
{
    if (*pos >= len)
        return NULL;
    char *s = buf + *pos;
    char *nl = memchr(s, '\n', len - *pos);
    size_t l = nl ? (size_t)(nl - s) : len - *pos;
    *pos += l + (nl ? 1 : 0);
    s[l] = '\0';
    if (l && s[l - 1] == '\r')
        s[l - 1] = '\0';
    return s;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

static int csv_read(const char *path, const char *target, int need_target,
                    lr_data **out, char *err, size_t errlen)
{
    int st = LR_SUCCESS;
    size_t len, pos = 0;
    if (!path || !out)
        return lr_set_err(LR_EINVAL, err, errlen, "no file given");
    if (!target)
        target = "y";
    char *buf = read_all(path, &len, err, errlen, &st);
    if (!buf)
        return st;
    if (memchr(buf, '\0', len))
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: binary data (a NUL byte) in a CSV file", path);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* UTF-8 byte-order mark */

    char *header = st ? NULL : next_line(buf, len, &pos);
    if (!st && (!header || blank(header)))
        st = lr_set_err(LR_EFORMAT, err, errlen, "%s: empty file (no header row)",
                        path);
    size_t ncol = st ? 0 : split(header, NULL, 0);
    char **cols = st ? NULL : calloc(ncol, sizeof *cols);
    if (!st && !cols)
        st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    size_t tcol = SIZE_MAX;
    if (!st) {
        split(header, cols, ncol);
        for (size_t j = 0; j < ncol && !st; j++) {
            cols[j] = trim(cols[j]);
            if (cols[j][0] == '\0')
                st = lr_set_err(LR_EFORMAT, err, errlen,
                                "%s:1: column %zu has an empty name", path, j + 1);
            for (size_t k = 0; k < j && !st; k++)
                if (strcmp(cols[j], cols[k]) == 0)
                    st = lr_set_err(LR_EFORMAT, err, errlen,
                                    "%s:1: column name '%s' appears twice "
                                    "(columns %zu and %zu)", path, cols[j],
                                    k + 1, j + 1);
            if (!st && strcmp(cols[j], target) == 0)
                tcol = j;
        }
        if (!st && tcol == SIZE_MAX && need_target)
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s:1: no target column '%s' in the header", path,
                            target);
        if (!st && ncol < (tcol == SIZE_MAX ? 1u : 2u))
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s:1: no feature columns besides the target '%s'",
                            path, target);
    }
    /* Count the data rows first, so X is allocated once at its size. */
    size_t nrows = 0;
    if (!st) {
        size_t body = pos;
        for (size_t q = body; q < len; q++)
            if (buf[q] == '\n')
                nrows++;
        if (len > body && buf[len - 1] != '\n')
            nrows++;
    }
    lr_data *d = NULL;
    char **fields = NULL;
    if (!st) {
        fields = malloc(ncol * sizeof *fields);
        if (!fields)
            st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    }
    size_t n = 0, line = 1;
    const size_t p = tcol == SIZE_MAX ? ncol : ncol - 1;
    if (!st && nrows > 0) {
        d = lr_data_alloc(nrows, p);
        if (d && tcol == SIZE_MAX) {
            free(d->y);
            d->y = NULL;
        }
        if (!d)
            st = lr_set_err(LR_ENOMEM, err, errlen,
                            "%s: out of memory for %zu x %zu values", path,
                            nrows, ncol);
    }
    char *s;
    while (!st && (s = next_line(buf, len, &pos)) != NULL) {
        line++;
        if (blank(s)) {
            /* blank lines are allowed only at the end of the file */
            size_t q = pos;
            while (q < len && (buf[q] == '\n' || buf[q] == '\r'
                               || buf[q] == ' ' || buf[q] == '\t'))
                q++;
            if (q < len)
                st = lr_set_err(LR_EFORMAT, err, errlen,
                                "%s:%zu: blank line inside the data", path, line);
            break;
        }
        size_t k = split(s, fields, ncol);
        if (k != ncol) {
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s:%zu: %zu fields, but the header has %zu", path,
                            line, k, ncol);
            break;
        }
        double *xi = d->X + n * p;
        for (size_t j = 0, c = 0; j < ncol; j++) {
            char *f = trim(fields[j]), *end;
            errno = 0;
            double v = strtod(f, &end);
            if (f[0] == '\0' || *end != '\0') {
                st = lr_set_err(LR_EFORMAT, err, errlen,
                                "%s:%zu: column %zu ('%s'): '%.40s' is not a "
                                "number", path, line, j + 1, cols[j], f);
                break;
            }
            if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) {
                st = lr_set_err(LR_ERANGE, err, errlen,
                                "%s:%zu: column %zu ('%s'): '%.40s' is %s",
                                path, line, j + 1, cols[j], f,
                                isnan(v) ? "NaN" : errno == ERANGE
                                ? "too large for a double" : "infinite");
                break;
            }
            if (j == tcol)
                d->y[n] = v;
            else
                xi[c++] = v;
        }
        n++;
    }
    if (!st && n == 0)
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: header only, no data rows", path);
    if (!st) {
        d->n = n;
        d->names = calloc(p, sizeof *d->names);
        if (!d->names)
            st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        for (size_t j = 0, c = 0; !st && j < ncol; j++) {
            if (j == tcol)
                continue;
            d->names[c] = strdup(cols[j]);
            if (!d->names[c++])
                st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory",
                                path);
        }
    }
    free(fields);
    free(cols);
    free(buf);
    if (st) {
        lr_data_free(d);
        return st;
    }
    *out = d;
    return LR_SUCCESS;
}

int lr_csv_read(const char *path, const char *target, lr_data **out,
                char *err, size_t errlen)
{
    return csv_read(path, target, 1, out, err, errlen);
}

int lr_csv_read_features(const char *path, const char *target, lr_data **out,
                         char *err, size_t errlen)
{
    return csv_read(path, target, 0, out, err, errlen);
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
