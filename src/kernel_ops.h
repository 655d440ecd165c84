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

#endif
