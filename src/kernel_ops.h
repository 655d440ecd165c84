/* kernel_ops.h -- the serial row kernels as one table per instruction set.
 *
 * kernel_rows.h is compiled once for each instruction set the build knows
 * (kernels_base.c: the x86-64 baseline, SSE2; kernels_avx2.c: AVX2;
 * kernels_avx512.c: AVX-512F/VL/DQ; flags in the Makefile), each giving one
 * table of these functions. kernels.c picks a table at run time (the widest
 * the CPU has, or the one lr_kernel_isa_set pinned) and calls through it.
 * Every table sums in the same fixed order with no FMA contraction
 * (-ffp-contract=off), so all give the same bits; only the speed differs. */
#ifndef LR_KERNEL_OPS_H
#define LR_KERNEL_OPS_H

#include <stddef.h>

typedef struct {
    const char *name; /* "baseline", "avx2", "avx512" */
    /* X^T r, sum r, sum r^2 over rows [lo, hi), added to acc[0..p+1]; X
     * and y have end rows (hi <= end), past which nothing is prefetched */
    void (*rows)(const double *X, const double *y, size_t p, const double *w,
                 double b, size_t lo, size_t hi, size_t end, double *acc);
    void (*rows_f32)(const float *X, const double *y, size_t p,
                     const double *w, double b, size_t lo, size_t hi,
                     size_t end, double *acc);
    /* the same in double-double (small problems) */
    void (*rows_ld)(const double *X, const double *y, size_t p,
                    const double *w, double b, size_t lo, size_t hi,
                    double *acc);
    void (*rows_ld_f32)(const float *X, const double *y, size_t p,
                        const double *w, double b, size_t lo, size_t hi,
                        double *acc);
    /* Gram accumulation: G (upper triangle of Xa^T Xa), c = Xa^T y, yy */
    void (*gram)(const double *X, const double *y, size_t p, size_t lo,
                 size_t hi, double *G, double *c, double *yy);
    void (*gram_f32)(const float *X, const double *y, size_t p, size_t lo,
                     size_t hi, double *G, double *c, double *yy);
    /* acc[0..p] += Xa^T (Xa [v, vb]) over rows [lo, hi) of end */
    void (*xtxv)(const double *X, size_t p, const double *v, double vb,
                 size_t lo, size_t hi, size_t end, double *acc);
    void (*xtxv_f32)(const float *X, size_t p, const double *v, double vb,
                     size_t lo, size_t hi, size_t end, double *acc);
    /* s = G x, G m x m symmetric and stored whole (lr_kernel_symv) */
    void (*symv)(const double *G, size_t m, const double *x, double *s);
} lr_kernel_ops;

extern const lr_kernel_ops lr_kops_base, lr_kops_avx2, lr_kops_avx512;

/* Float rows of LR_F32_L1_MIN to LR_F32_L1_MAX features on AVX-512 (the
 * rows_pr pass of kernel_rows_t.h; LR_F32_L1_MAX is where the pipelined
 * pass takes over, LR_PIPE_MIN_F32) where lr_kf32_l1 is set, as it is on
 * AMD's CPUs (kernels.c): each element widened twice, by its dot product
 * and by the rank update, rather than once into a block's rows of doubles
 * (xs), and the stream prefetched LR_PF_F32_L1 bytes ahead into the L1
 * cache rather than LR_DOT_PF_F32 into the L2. The same bits. AMD EPYC VM
 * (family 26 model 2), X of 128 MB as double, bench --sweep, two builds in
 * turn, five or six rounds, ms an iteration, 1 thread: p = 384 1.89 ->
 * 1.77, 512 2.29 -> 1.78, 700 2.07 -> 1.70, 1000 2.29 -> 1.84; 2 threads:
 * 512 1.08 -> 0.91, 700 1.05 -> 0.91, 1000 1.16 -> 1.02; p = 128 to 256
 * the same; p = 32 to 100 4-9% slower (their blocks of eight rows gain
 * from xs); p = 2048 (pipelined) no faster with this prefetch. On the
 * Intel Xeon VM xs and the L2 prefetch were the faster (kernel_rows.h). */
#define LR_F32_L1_MIN 257
#define LR_F32_L1_MAX 1024
#define LR_PF_F32_L1 8192

/* Double rows of more than LR_DBL_BLK4_MIN features where lr_kdbl_blk4 is
 * set, as it is on AMD's CPUs (kernels.c): blocks of four rows, each
 * row's dot product then the block's rank update (rows_pr), rather than
 * one row a block up to 1536 features and the pipelined pass (rows_pipe)
 * past it. The same bits. AMD EPYC VM (family 26 model 2), bench --sweep,
 * X of 128 MB, 1 and 2 threads, two builds in turn, three rounds, median
 * iteration / a plain read of X and y, before -> after (2026-12-03):
 * p = 1300 1.49 -> 1.26 (1 thread), 1.51 -> 1.37 (2); 1537 1.82 -> 1.47,
 * 1.86 -> 1.40; 2048 1.83 -> 1.50, 2.06 -> 1.51; 5000 1.70 -> 1.54, 1.71
 * -> 1.57; p = 1025 the same (1.40 -> 1.37, 1.47 -> 1.44), p = 700 and 900
 * slower with four rows (1.09 -> 1.26, 1.20 -> 1.25): there two rows and
 * one stay. On the Intel Xeon VM the pipelined pass was the faster
 * (kernel_rows_t.h: LR_PIPE_MIN_F64). Still above the read: in a
 * harness of the two phases alone on the AMD VM (1 thread, X of 128 MB,
 * p = 1024 to 5000), the rows' dot products alone ran at 0.99-1.20x a
 * plain read, and dot products then rank update at 1.15-1.84x one row a
 * block and 1.20-1.73x four rows a block; prefetching the next block
 * during the update, or sweeping the block's rows in column tiles, was
 * slower. */
#define LR_DBL_BLK4_MIN 1024

#endif
