/* gram_blas.h -- the Gram sums of [X 1 y] on blocks of rows, by our own
 * rank-k kernel (gram_kernel_t.h, one build per instruction set) or the
 * BLAS's dsyrk, shared by the gram solver (gram.c) and the exact
 * reference's Gram route (solve_gram.c); not public. */
#ifndef LR_GRAM_BLAS_H
#define LR_GRAM_BLAS_H

#include "lr_internal.h"

/* The ways to add one block's products: our kernel in scalar fma(), AVX2
 * + FMA or AVX-512F (the same bits on all three), or the BLAS's dsyrk.
 * LR_GRAM_AUTO: the kernel for the instruction set of the row kernels
 * (lr_kernel_isa_name: the widest the CPU runs, or LR_ISA's), dsyrk on a
 * CPU without FMA (where fma() would be emulated). */
enum { LR_GRAM_AUTO, LR_GRAM_BASE, LR_GRAM_AVX2, LR_GRAM_AVX512, LR_GRAM_DSYRK };

/* The row stride of the kernel's partials: ld rounded up to 8. */
static inline size_t lr_gram_ldp(size_t ld) { return (ld + 7) / 8 * 8; }

/* A block of nr rows of [X 1 y] (ld = p + 2 columns) in panels of 8
 * columns: panel q < xpanels is columns 8q .. 8q+7 of the rows at x (row
 * stride xs), panel q >= xpanels lies at pk + (q - xpanels) nr 8, 8
 * doubles a row, zeros past column ld - 1. next: the next block's X, to
 * prefetch (NULL: none). */
typedef struct {
    const double *x;
    size_t xs, xpanels;
    const double *pk;
    size_t nr, ld;
    const void *next;
    size_t next_bytes;
} lr_gram_block;

/* acc (ldp x ldp) += the block's products (which entries:
 * gram_kernel_t.h). */
typedef void (*lr_gram_tiles_fn)(const lr_gram_block *bk,
                                 double *restrict acc);
void lr_gram_tiles_base(const lr_gram_block *bk, double *restrict acc);
void lr_gram_tiles_avx2(const lr_gram_block *bk, double *restrict acc);
void lr_gram_tiles_avx512(const lr_gram_block *bk, double *restrict acc);

/* The workspace of one Gram pass: partial sums per slab (a contiguous range
 * of row blocks, summed serially in block order) and one block buffer per
 * thread. Sizes from lr_gram_ws_alloc; the caller owns both arrays. */
typedef struct {
    size_t slabs;       /* partials, added in slab order */
    size_t blk_rows;    /* rows per block: a function of p and the path */
    size_t ld;          /* p + 2: the columns of [X 1 y] */
    size_t ldp;         /* ld rounded up to 8: the partials' row stride */
    size_t acc_stride;  /* doubles per slab partial (ldp^2) */
    size_t blk_stride;  /* doubles per thread's block of [X 1 y] */
    double *acc;        /* slabs x acc_stride */
    double *blk;        /* threads x blk_stride */
    lr_gram_tiles_fn tiles; /* our kernel, or NULL: dsyrk */
    int in_place;       /* our kernel reads double X's rows in place */
} lr_gram_ws;

/* Slabs with deterministic (bits independent of the thread count): at most
 * this many, no more partials than LR_GRAM_DET_MAX_DOUBLES in all, and at
 * least LR_GRAM_DET_MIN_ROWS rows a slab. */
#define LR_GRAM_DET_SLABS 16
#define LR_GRAM_DET_MAX_DOUBLES ((size_t)1 << 25)
#define LR_GRAM_DET_MIN_ROWS 4096

/* Sizes and allocates ws for a Gram pass over ks (its X or Xf, y, n, p and
 * thread count) by path (LR_GRAM_*): with det the slabs are fixed by n, p
 * and the path alone, else one per thread. LR_SUCCESS, LR_EINVAL (a path
 * this CPU cannot run) or LR_ENOMEM (ws then holds nothing). */
int lr_gram_ws_alloc(lr_gram_ws *ws, const lr_kernel_state *ks, int det,
                     int path);
void lr_gram_ws_free(lr_gram_ws *ws);

/* buf (m*m + m + 1, m = p + 1) receives the upper triangle of Xa^T Xa,
 * Xa^T y and y^T y of Xa = [X 1] (sums, not divided by n), as
 * lr_kernel_gram gives them: blocks of rows of [X 1 y] converted to double
 * and handed to ws's kernel or the BLAS's dsyrk (one BLAS thread per
 * OpenMP thread), on ks->threads threads, the slab partials added in slab
 * order. */
void lr_kernel_gram_blas(const lr_kernel_state *ks, const lr_gram_ws *ws,
                         double *buf);

/* The same with its own workspace, by LR_GRAM_AUTO's path: LR_SUCCESS or
 * LR_ENOMEM. */
int lr_gram_sums(const lr_kernel_state *ks, int det, double *buf);

/* The same by path (LR_GRAM_*; for tests and benchmarks): LR_SUCCESS,
 * LR_EINVAL (this CPU cannot run it) or LR_ENOMEM. */
int lr_gram_sums_path(const lr_kernel_state *ks, int det, int path,
                      double *buf);

/* The path LR_GRAM_AUTO takes now (never LR_GRAM_AUTO), and a path's name
 * ("base", "avx2", "avx512", "dsyrk"; NULL for an unknown one). */
int lr_gram_path(void);
const char *lr_gram_path_name(int path);

/* OpenBLAS on one thread for the BLAS calls the calling thread makes until
 * lr_blas_serial_end(the value returned): around GSL's factorizations and
 * solves, whose bits (and, for a rank-deficient SVD, whose rank decision)
 * would otherwise depend on the OpenMP thread count. Sets the calling
 * thread's OpenMP thread count to 1 meanwhile (OpenBLAS's OpenMP build
 * takes its count from it); _end puts it back. */
int lr_blas_serial_begin(void);
void lr_blas_serial_end(int saved);

/* The BLAS in use, in words ("OpenBLAS 0.3.21 ... Haswell", or "a CBLAS"
 * when it is not OpenBLAS): for benchmarks and reports. */
const char *lr_blas_name(void);

#endif
