/* lr_util.h -- utilities of liblinreg that are not its public API: the
 * clock, output files written atomically, NumPy's uniform generator, the
 * bandwidth yardstick. Hidden in the shared library; the command line and
 * the tests, which link liblinreg.a, include this header. */
#ifndef LR_UTIL_H
#define LR_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "linreg.h"
#include "linreg_io.h"
#include "linreg_dist.h"

/* The view of X (double) if not NULL, else of Xf (float); n x p, contiguous rows. */
static inline lr_matrix lr_matrix_of(const double *X, const float *Xf,
                                     size_t n, size_t p)
{
    return X ? lr_matrix_f64(X, n, p) : lr_matrix_f32(Xf, n, p);
}

/* A monotonic wall clock, in seconds (for timings). */
double lr_now(void);

/* numpy.random.RandomState(seed).rand(p), to the bit, into out.
 * seed must be below 2^32. LR_SUCCESS, LR_EINVAL or LR_ENOMEM. */
int lr_numpy_rand(uint64_t seed, size_t p, double *out);

/* Room for rows of X (or y): bytes rounded up to a whole number of 64-byte
 * lines, the first line-aligned (NULL when out of memory); free() releases
 * it. malloc's large blocks start 16 bytes into a page, and every row of
 * 8 doubles then straddled two lines: on the AMD EPYC development machine
 * (1 thread, the kernel alone, 128 MB of double X streamed), p = 512 took
 * 1.30x the time of aligned rows and p = 1000 1.45x.
 * From LR_HUGE_ROWS bytes on, the block is whole 2 MB pages, 2 MB aligned
 * and marked for transparent huge pages (madvise: a hint, which does
 * nothing where they are off): a pass then streams X through one TLB
 * entry for 2 MB where it took 512. Same machine, bench --sweep, 1 thread,
 * double p = 16: 1.30-1.34x the read on small pages, 1.14-1.18x on huge
 * ones (the read itself unchanged). */
#define LR_HUGE_ROWS ((size_t)8 << 20)
void *lr_alloc_rows(size_t bytes);

/* bytes rounded up to whole 2 MB pages, 2 MB aligned and marked for
 * transparent huge pages (NULL when out of memory); free() releases it.
 * lr_alloc_rows' large blocks, and the CSV reader's pread buffers: a
 * buffer filled again and again faults once for each 2 MB, not each 4 KB
 * (see csv.c's scan_file). */
void *lr_alloc_huge(size_t bytes);

/* Partial rows that threads each sum into through a whole pass (one row
 * a thread): m doubles padded to whole 4 KB pages plus one page between
 * rows, the block 4 KB aligned (lr_alloc_part). Where two threads' rows
 * lay side by side, one core's hardware prefetcher pulled in the lines of
 * the next thread's row while that thread wrote them, even with each row
 * on pages of its own. bench --sweep, double p = 1000 (per-thread rows),
 * 2 threads, AMD EPYC VM, rounds where the read ran at full speed:
 * rows 64-byte padded and adjacent 1.34-1.60x a plain read of X, on
 * adjacent pages 1.18-1.44x, a page apart 0.96-1.02x (the reduction
 * clause, a row on each thread's stack: 0.85-1.05x). */
#define LR_PART_ALIGN 4096
static inline size_t lr_part_stride(size_t m)
{
    return (m + 511) / 512 * 512 + 512;
}
/* rows x stride doubles, LR_PART_ALIGN aligned (NULL on overflow or when
 * memory is short); free() releases it */
void *lr_alloc_part(size_t rows, size_t stride);

/* The sum of a[0..len) by a plain parallel read (threads: 0 = OpenMP
 * default): the yardstick for the memory bandwidth one pass over X can
 * reach. */
double lr_read_sum(const double *a, size_t len, int threads);
/* The same read of float data (sums in double). */
double lr_read_sum_f32(const float *a, size_t len, int threads);

/* Checks, before any work, that path can be written (by creating and
 * removing a temporary file beside it), so a run does not fail after
 * writing some of its outputs. LR_SUCCESS or LR_EIO with a message. */
int lr_path_writable(const char *path, char *err, size_t errlen);

/* Makes every finite number of a cJSON tree print with the fewest digits
 * (15, 16 or 17) that read back as the same double: cJSON's own printer
 * stops at 15 digits whenever they come within one DBL_EPSILON of the
 * value, so a weight could come back one unit in the last place off.
 * Non-finite numbers are left to cJSON (null). 0, or -1 when memory ran
 * short (the tree is then partly converted, still valid). */
struct cJSON;
int lr_json_exact(struct cJSON *node);

/* Writes the header line, then n rows of ncol (1..8) columns stored one
 * after the other in v (column c of row i at v[c n + i]), each value the
 * shortest text that reads back to it (lr_dtoa), as data CSVs are
 * written. LR_SUCCESS, LR_EIO on a write error, LR_EINVAL for ncol. */
int lr_csv_fwrite_columns(FILE *f, const char *header, const double *v,
                          size_t n, size_t ncol);

/* One output file, written to a temporary beside it and renamed into place
 * by lr_output_commit; lr_output_discard removes the temporary. Symbolic
 * links are followed (the link stays a link; target is the file replaced),
 * an existing file's owner and permission bits are kept, and a FIFO, a
 * character device or a /proc link is written in place (tmp NULL); a
 * link to one of this process's descriptors (/dev/stdout, /dev/fd/N)
 * through a dup of it. lr_output_open: LR_SUCCESS, LR_EIO or LR_ENOMEM, with a
 * message naming path; lr_output_close flushes and closes the stream (LR_EIO
 * on a write error) and leaves the temporary to commit or discard; commit
 * closes too, and frees in every case. */
typedef struct {
    const char *path;   /* as given (borrowed) */
    char *target;       /* the file written: path with links followed */
    char *tmp;          /* the temporary, or NULL when written in place */
    FILE *fp;           /* open from lr_output_open to close or commit */
    int direct;         /* written in place */
    int fd;             /* >= 0: through a dup of this descriptor */
} lr_output;
int lr_output_open(lr_output *o, const char *path, char *err, size_t errlen);
/* The file lr_output_open would write for path: its symbolic links
 * followed (malloc'd; NULL without memory). */
char *lr_path_target(const char *path);
int lr_output_close(lr_output *o, char *err, size_t errlen);
int lr_output_commit(lr_output *o, char *err, size_t errlen);
void lr_output_discard(lr_output *o);

/* Writes text to path atomically: a temporary file in the same directory,
 * then rename. LR_SUCCESS or LR_EIO. */
int lr_write_file_atomic(const char *path, const char *text, char *err,
                         size_t errlen);

/* The mapping of an open lr_npy (NULL when it holds a copy, or none) and
 * its length: for a SIGBUS handler that tells a file truncated under its
 * mapping. */
const void *lr_npy_mapping(const lr_npy *a);
size_t lr_npy_mapping_len(const lr_npy *a);

#endif /* LR_UTIL_H */
