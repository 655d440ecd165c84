/* npy.c -- NumPy .npy files: float64 and float32, little-endian, 1-D or
 * 2-D. Reading maps the file (C-order data are not copied; Fortran-order
 * data, what np.save writes for pandas' df.values, are transposed once into
 * a row-major copy); writing goes through a temporary file renamed into
 * place. Format:
 * numpy.org/doc/stable/reference/generated/numpy.lib.format.html */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lr_internal.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error ".npy I/O assumes a little-endian host"
#endif

/* Finds 'key': in the header dict and returns a pointer past the colon. */
static const char *dict_value(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *k = strstr(h, pat);
    if (!k)
        return NULL;
    k += strlen(pat);
    while (*k == ' ')
        k++;
    if (*k != ':')
        return NULL;
    k++;
    while (*k == ' ')
        k++;
    return k;
}

/* One dimension of a shape at *v: 0 and *out, or a message for err. */
static const char *shape_dim(const char **v, unsigned long long *out)
{
    const char *s = *v;
    char *end;
    while (*s == ' ')
        s++;
    if (*s == '-')
        return "a negative dimension";
    if (*s < '0' || *s > '9')
        return "an unreadable value";
    errno = 0;
    *out = strtoull(s, &end, 10);
    if (errno == ERANGE || *out > SIZE_MAX)
        return "a dimension that overflows";
    *v = end;
    return NULL;
}

/* The row-major copy of a column-major n x p array of `size`-byte
 * elements, by 64 x 64 tiles (both sides stay in cache). */
static void *transpose(const void *src, size_t n, size_t p, size_t size)
{
    const size_t T = 64;
    char *dst = lr_alloc_rows(n * p * size);
    const char *in = src;
    for (size_t i0 = 0; dst && i0 < n; i0 += T)
        for (size_t j0 = 0; j0 < p; j0 += T)
            for (size_t j = j0; j < j0 + T && j < p; j++)
                for (size_t i = i0; i < i0 + T && i < n; i++)
                    memcpy(dst + (i * p + j) * size, in + (j * n + i) * size, size);
    return dst;
}

/* The magic string, the version and the header's length and offset. */
static int npy_preamble(const char *path, int fd, size_t flen, size_t *hlen,
                        size_t *hoff, char *err, size_t errlen)
{
    unsigned char pre[12];
    if (flen < 10 || pread(fd, pre, flen < 12 ? flen : 12, 0) < 10)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: too short for a .npy file (%zu bytes)", path, flen);
    if (memcmp(pre, "PK\x03\x04", 4) == 0)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: a zip archive (an .npz from np.savez?), not a .npy "
                          "file: save each array with np.save", path);
    if (memcmp(pre, "\x93NUMPY", 6) != 0)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: not a .npy file (bad magic string)", path);
    int major = pre[6];
    if (major == 1) {
        *hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
        *hoff = 10;
    } else if (major == 2 || major == 3) {
        if (flen < 12)
            return lr_set_err(LR_EFORMAT, err, errlen, "%s: truncated header",
                              path);
        *hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16
                | (size_t)pre[11] << 24;
        *hoff = 12;
    } else {
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: unsupported .npy version %d", path, major);
    }
    if (*hlen > 1u << 20 || *hoff + *hlen > flen)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: header length %zu runs past the end of the file",
                          path, *hlen);
    return LR_SUCCESS;
}

/* The header's dictionary h: the dtype (a->f32), *fortran, and the shape
 * (a->ndim, a->n, a->p). */
static int npy_dict(const char *path, const char *h, lr_npy *a, int *fortran,
                    char *err, size_t errlen)
{
    int st = LR_SUCCESS;
    const char *v;
    if (!(v = dict_value(h, "descr")))
        st = lr_set_err(LR_EFORMAT, err, errlen, "%s: header has no 'descr'", path);
    else if (strncmp(v, "'<f8'", 5) == 0)
        a->f32 = 0;
    else if (strncmp(v, "'<f4'", 5) == 0)
        a->f32 = 1;
    else {
        int l = 0; /* the quoted dtype string */
        while (l < 12 && v[l] && (l == 0 || v[l] != '\''))
            l++;
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: dtype %.*s' is not supported (float64 or float32, "
                        "little-endian: '<f8' or '<f4')", path, l, v);
    }
    if (!st) {
        v = dict_value(h, "fortran_order");
        if (v && strncmp(v, "True", 4) == 0)
            *fortran = 1;
        else if (!v || strncmp(v, "False", 5) != 0)
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s: header has no 'fortran_order' True or False", path);
    }
    if (!st) {
        /* (n,) or (n, p), a trailing comma allowed */
        v = dict_value(h, "shape");
        unsigned long long d[2] = {0, 1};
        int nd = 0;
        const char *why = v && *v == '(' ? NULL : "an unreadable value";
        if (!why)
            v++;
        while (!why && nd < 2) {
            while (*v == ' ')
                v++;
            if (*v == ')')
                break;
            if (!(why = shape_dim(&v, &d[nd++]))) {
                while (*v == ' ')
                    v++;
                if (*v == ',')
                    v++;
                else if (*v != ')')
                    why = "an unreadable value";
            }
        }
        while (!why && *v == ' ')
            v++;
        if (!why && (nd == 0 || *v != ')'))
            why = nd == 0 ? "no dimensions" : "more than 2 dimensions";
        if (why)
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s: shape has %s: it must be (n,) or (n, p)", path,
                            why);
        else {
            a->ndim = nd;
            a->n = (size_t)d[0];
            a->p = (size_t)d[1];
        }
    }
    return st;
}

/* check: scan for NaN and Inf; copy_ok: a Fortran-order 2-D array may be
 * transposed into a copy (else it is refused). */
/* What an open lr_npy owns: the file's mapping, or the row-major copy of a
 * Fortran-order file. */
struct lr_npy_store {
    void *map;
    size_t maplen;
    void *copy;
};

/* npy_map's work: the mapping (or the copy) into ms. */
static int npy_map_file(const char *path, lr_npy *a, struct lr_npy_store *ms,
                        int check, int copy_ok, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return lr_set_err(LR_EIO, err, errlen, "%s: cannot open: %s", path,
                          strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return lr_set_err(LR_EIO, err, errlen, "%s: not a regular file", path);
    }
    size_t flen = (size_t)sb.st_size, hlen = 0, hoff = 0;
    int pst = npy_preamble(path, fd, flen, &hlen, &hoff, err, errlen);
    if (pst) {
        close(fd);
        return pst;
    }
    char *h = malloc(hlen + 1);
    if (!h) {
        close(fd);
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    }
    if (pread(fd, h, hlen, (off_t)hoff) != (ssize_t)hlen) {
        free(h);
        close(fd);
        return lr_set_err(LR_EIO, err, errlen, "%s: read error", path);
    }
    h[hlen] = '\0';
    int fortran = 0;
    int st = npy_dict(path, h, a, &fortran, err, errlen);
    free(h);
    size_t cells = 0, bytes = 0, doff = hoff + hlen;
    (void)cells;
    if (!st && (!lr_mul_ok(a->n, a->p, &cells)
                || !lr_mul_ok(cells, a->f32 ? 4 : 8, &bytes)))
        st = lr_set_err(LR_EFORMAT, err, errlen, "%s: shape %zu x %zu overflows",
                        path, a->n, a->p);
    if (!st && (a->n == 0 || a->p == 0))
        st = lr_set_err(LR_EFORMAT, err, errlen, "%s: empty array (%zu x %zu)",
                        path, a->n, a->p);
    if (!st && flen - doff != bytes)
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: %s: the shape needs %zu data bytes, the file has %zu",
                        path, flen - doff < bytes ? "truncated" : "trailing data",
                        bytes, flen - doff);
    if (!st && doff % (a->f32 ? 4 : 8) != 0)
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: data offset %zu is not aligned", path, doff);
    fortran = fortran && a->ndim == 2 && a->n > 1 && a->p > 1; /* else the
                                                  same bytes as C order */
    if (!st && fortran && !copy_ok)
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: a Fortran-order (column-major) array cannot be read "
                        "by rows here: save it with np.ascontiguousarray", path);
    if (!st) {
        void *map = mmap(NULL, flen, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED)
            st = lr_set_err(LR_EIO, err, errlen, "%s: cannot map: %s", path,
                            strerror(errno));
        else {
            ms->map = map;
            ms->maplen = flen;
            a->data = (const char *)map + doff;
        }
    }
    close(fd);
    if (!st && fortran) {
        /* column-major: one transposed copy, then the file is let go */
        ms->copy = transpose(a->data, a->n, a->p, a->f32 ? 4 : 8);
        munmap(ms->map, ms->maplen);
        ms->map = NULL;
        ms->maplen = 0;
        a->data = ms->copy;
        a->copied = ms->copy != NULL;
        if (!ms->copy)
            st = lr_set_err(LR_ENOMEM, err, errlen,
                            "%s: out of memory for a row-major copy of the "
                            "Fortran-order %zu x %zu array", path, a->n, a->p);
    }
    if (!st && check)
        st = lr_npy_check_rows(a, path, 0, a->n, err, errlen);
    return st;
}

static int npy_map(const char *path, lr_npy *a, int check, int copy_ok,
                   char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    if (!(a->store = calloc(1, sizeof *a->store)))
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    int st = npy_map_file(path, a, a->store, check, copy_ok, err, errlen);
    if (st)
        lr_npy_close(a);
    return st;
}

int lr_npy_check_rows(const lr_npy *a, const char *path, size_t lo, size_t hi,
                      char *err, size_t errlen)
{
    /* NaN and Inf are refused at the boundary, like in CSV files */
    if (hi > a->n)
        hi = a->n;
    for (size_t k = lo * a->p; k < hi * a->p; k++) {
        double v = a->f32 ? (double)((const float *)a->data)[k]
                          : ((const double *)a->data)[k];
        if (v - v != 0.0)
            return lr_set_err(LR_ERANGE, err, errlen,
                              "%s: row %zu, column %zu is %s", path,
                              k / a->p + 1, k % a->p + 1,
                              v != v ? "NaN" : "infinite");
    }
    return LR_SUCCESS;
}

int lr_npy_open(const char *path, lr_npy *a, char *err, size_t errlen)
{
    return npy_map(path, a, 1, 1, err, errlen);
}

int lr_npy_map(const char *path, lr_npy *a, char *err, size_t errlen)
{
    return npy_map(path, a, 0, 0, err, errlen);
}

void lr_npy_close(lr_npy *a)
{
    if (!a)
        return;
    if (a->store) {
        if (a->store->map)
            munmap(a->store->map, a->store->maplen);
        free(a->store->copy);
        free(a->store);
    }
    memset(a, 0, sizeof *a);
}

const void *lr_npy_mapping(const lr_npy *a)
{
    return a && a->store ? a->store->map : NULL;
}

size_t lr_npy_mapping_len(const lr_npy *a)
{
    return a && a->store ? a->store->maplen : 0;
}

int lr_npy_fwrite(FILE *f, const double *a, size_t n, size_t p, int ndim)
{
    char hdr[256];
    int hl = ndim == 1
             ? snprintf(hdr, sizeof hdr, "{'descr': '<f8', 'fortran_order': False, "
                        "'shape': (%zu,), }", n)
             : snprintf(hdr, sizeof hdr, "{'descr': '<f8', 'fortran_order': False, "
                        "'shape': (%zu, %zu), }", n, p);
    /* pad with spaces and a newline so the data start on a 64-byte boundary */
    size_t total = 10 + (size_t)hl + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t len = (size_t)hl + pad + 1;
    memset(hdr + hl, ' ', pad);
    hdr[len - 1] = '\n';
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                             (unsigned char)(len & 0xff),
                             (unsigned char)(len >> 8)};
    size_t cells = n * (ndim == 1 ? 1 : p);
    fwrite(pre, 1, sizeof pre, f);
    fwrite(hdr, 1, len, f);
    fwrite(a, sizeof *a, cells, f);
    return ferror(f) ? LR_EIO : LR_SUCCESS;
}

int lr_npy_write(const char *path, const double *a, size_t n, size_t p,
                 int ndim, char *err, size_t errlen)
{
    lr_atomic_file f;
    int st = lr_atomic_begin(&f, path, err, errlen);
    if (st)
        return st;
    lr_npy_fwrite(f.fp, a, n, p, ndim);
    return lr_atomic_end(&f, 1, err, errlen);
}
