/* linreg_io.h -- liblinreg's file formats: CSV, NumPy .npy and the model
 * file (JSON). Every reader refuses bad input with a status and a message
 * naming the file (and the line, column or row) in err (errlen bytes). */
#ifndef LINREG_IO_H
#define LINREG_IO_H

#include <stdio.h>

#include "linreg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------------- CSV */

/* Reads a CSV file with a header row. The column named `target` (NULL:
 * "y") is y; every other column is a feature, in file order. On failure
 * returns a status and writes a message naming the file, line and column
 * into err (errlen bytes); *out is set only on success. */
LR_API int lr_csv_read(const char *path, const char *target, lr_data **out,
                char *err, size_t errlen);

/* CSV reading options. */
typedef struct {
    const char *target;   /* the target column's name ("y"), or "#K" for the
                             K-th column (1-based) */
    char delimiter;       /* field separator (','); not a quote or newline */
    int target_required;  /* 1: an error without it; 0: d->y is NULL */
    int na_drop;          /* 1: skip the rows with a missing value (an empty
                             cell, NA or NaN), counted in d->dropped; 0 (the
                             default): such a value is an error */
    int threads;          /* threads that parse the records of a file
                             without quotes (0: the OpenMP default) */
} lr_csv_opts;
LR_API lr_csv_opts lr_csv_opts_default(void);
/* Reads a CSV file (RFC 4180: quoted fields with delimiters, line breaks and
 * "" inside; a UTF-8 byte-order mark; blank lines only at the end). Lines
 * end in LF or CRLF, or in CR alone when the first line does; a CR (or, in
 * a CR file, an LF) outside quotes that breaks that rule is an error. Errors name the file, line and column: LR_EIO, LR_EFORMAT,
 * LR_ERANGE (NaN, Inf, overflow), LR_ENOMEM, LR_EINVAL (bad options). */
LR_API int lr_csv_read_opts(const char *path, const lr_csv_opts *opts, lr_data **out,
                     char *err, size_t errlen);

/* For processes that each read a part of one CSV file (no record may
 * span lines): the byte after the header (*data_start), and the byte
 * offsets of the record starts in [lo, hi) (*starts, malloc'd, *nrec of
 * them; blank lines are not records). Reads only the header and [lo, hi). */
LR_API int lr_csv_scan(const char *path, size_t lo, size_t hi, size_t *data_start,
                size_t *nrec, size_t **starts, char *err, size_t errlen);
/* Reads the records in bytes [lo, hi) of a CSV file (lo a record start
 * after the header, hi a record start or the end), with the header's
 * columns; first_line is the line of the first record, for messages. */
LR_API int lr_csv_read_part(const char *path, const lr_csv_opts *opts, size_t lo,
                     size_t hi, size_t first_line, lr_data **out, char *err,
                     size_t errlen);

/* The header alone: a data set with n = 0, no X or y, p and the feature
 * names, after the same checks as lr_csv_read_opts. */
LR_API int lr_csv_columns(const char *path, const lr_csv_opts *opts, lr_data **out,
                   char *err, size_t errlen);

/* As lr_csv_read, but the target column is optional: without it d->y is
 * NULL (data to predict on). */
LR_API int lr_csv_read_features(const char *path, const char *target, lr_data **out,
                         char *err, size_t errlen);

/* Writes one column (header `name`, values as lr_csv_write writes them)
 * atomically. */
LR_API int lr_csv_write_vector(const char *path, const char *name, const double *v,
                        size_t n, char *err, size_t errlen);

/* Writes X and y as CSV (header names or x1..xp, then "y"; each value the
 * shortest text that reads back to the same double, as Python's repr(float)
 * writes it: "0.1", "0.30000000000000004", "1e-05", "2.0"). The file is
 * written to a temporary file in the same directory and renamed into place.
 * Returns LR_SUCCESS, LR_EIO, or LR_ENOMEM (no room for the text buffers). */
LR_API int lr_csv_write(const char *path, const lr_data *d, char *err, size_t errlen);
/* lr_csv_write and lr_csv_write_vector to an open stream (the caller
 * closes it and checks the close): LR_SUCCESS, LR_EIO on a write error,
 * LR_ENOMEM (lr_csv_fwrite only). */
LR_API int lr_csv_fwrite(FILE *f, const lr_data *d);
LR_API int lr_csv_fwrite_vector(FILE *f, const char *name, const double *v, size_t n);
/* lr_csv_fwrite with T threads formatting blocks of rows (about 1 MiB of
 * text each; T <= 0: OMP_NUM_THREADS or the cores), written in row order:
 * the same text for any T. LR_SUCCESS, LR_EIO, or LR_ENOMEM. */
LR_API int lr_csv_fwrite_threads(FILE *f, const lr_data *d, int threads);

/* ----------------------------------------------------------------- npy */

/* A NumPy .npy array, memory-mapped read-only: float64 or float32,
 * little-endian, 1-D (n,) or 2-D (n, p); a Fortran-order (column-major)
 * 2-D array is transposed into a row-major copy. */
typedef struct {
    size_t n, p;        /* rows and columns (p = 1 for 1-D) */
    int ndim;           /* 1 or 2 */
    int f32;            /* 1: float32 data, 0: float64 */
    int copied;         /* 1: data is a row-major copy of a Fortran-order
                           file (the file is unmapped) */
    const void *data;   /* n*p elements, row-major */
    struct lr_npy_store *store; /* the mapping or the copy (the library's) */
} lr_npy;

/* Maps a .npy file (or copies a Fortran-order one, see a->copy). Refuses
 * bad magic, versions, headers, dtypes, negative or overflowing shapes,
 * sizes that do not match the file (truncated or trailing data) and NaN or
 * infinite values, with a message naming the file (and the row).
 * LR_SUCCESS, LR_EIO, LR_EFORMAT, LR_ERANGE or LR_ENOMEM. */
LR_API int lr_npy_open(const char *path, lr_npy *a, char *err, size_t errlen);
LR_API void lr_npy_close(lr_npy *a);
/* lr_npy_open without the scan for NaN and Inf (which reads every value):
 * for processes that each check only their rows with lr_npy_check_rows.
 * It never copies: a Fortran-order 2-D array is refused. */
LR_API int lr_npy_map(const char *path, lr_npy *a, char *err, size_t errlen);
LR_API int lr_npy_check_rows(const lr_npy *a, const char *path, size_t lo, size_t hi,
                      char *err, size_t errlen);
/* Writes a (n,) (ndim 1) or (n, p) float64 array atomically; np.load reads
 * it back. */
LR_API int lr_npy_write(const char *path, const double *a, size_t n, size_t p,
                 int ndim, char *err, size_t errlen);
/* lr_npy_write to an open stream: LR_SUCCESS or LR_EIO on a write error. */
LR_API int lr_npy_fwrite(FILE *f, const double *a, size_t n, size_t p, int ndim);

/* ---------------------------------------------------------- model file */

/* Writes a model as JSON {"format":"linreg-model","version":1,
 * "n_features", "feature_names", "weights", "bias"}; names may be NULL.
 * Refuses non-finite weights (LR_ERANGE). Written atomically (temporary
 * file then rename). */
LR_API int lr_model_save(const char *path, const lr_model *m, char *const *names,
                  char *err, size_t errlen);
/* lr_model_save with more top-level members: extra_json is a JSON object
 * text (or NULL) whose members (training options, metrics, scaling, ...)
 * are added to the file. LR_EINVAL if it is not a JSON object. */
LR_API int lr_model_save_ex(const char *path, const lr_model *m, char *const *names,
                     const char *extra_json, char *err, size_t errlen);
/* lr_model_save_ex to an open stream; path only names the file in
 * messages. Writes nothing when it refuses the model. */
LR_API int lr_model_fwrite(FILE *f, const char *path, const lr_model *m,
                    char *const *names, const char *extra_json, char *err,
                    size_t errlen);
/* Reads a model written by lr_model_save. *names receives p strings (free
 * with lr_names_free) if names is not NULL. */
LR_API int lr_model_load(const char *path, lr_model **out, char ***names,
                  char *err, size_t errlen);
LR_API void lr_names_free(char **names, size_t p);

#ifdef __cplusplus
}
#endif
#endif /* LINREG_IO_H */
