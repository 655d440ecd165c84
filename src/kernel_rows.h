/* kernel_rows.h -- the body of one instruction set's row kernels: the
 * templates of kernel_rows_t.h for double and for float X, and the table
 * that kernels.c dispatches through. Included once by each kernels_*.c with
 * LR_KOPS (the table's name) and LR_KOPS_NAME defined; the Makefile
 * compiles each of those for its instruction set, always with
 * -ffp-contract=off, so every table gives the same bits. */
#include <string.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "kernel_ops.h"
#include "lr_internal.h"

/* The vector code stays inside these static, always-inlined helpers: no
 * call passes a vector, so GCC's note that AVX changes the calling
 * convention does not apply. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

/* Prefetch distance, in bytes ahead of the block being summed. 8192 (about
 * 200 ns of one core's read on the AVX-512 development machine, 42 GB/s)
 * against 4096: 1 thread, double p = 3 to 24, 1.12-1.32x a plain read down
 * to 0.92-1.10x; float p = 3 to 7, 1.21-1.43x down to 1.01-1.15x; 12288
 * and 16384 were no better (bench --sweep, medians of 5, two rounds). */
#ifndef LR_PF
#define LR_PF 8192
#endif

/* Rows of at least LR_DOT_PF_MIN elements prefetch LR_DOT_PF bytes ahead
 * inside the dot product, as they are read (a burst of prefetches a block
 * ahead was slower at every width from 64 to 512, float and double). */
#ifndef LR_DOT_PF_MIN
#define LR_DOT_PF_MIN 32
#endif
#ifndef LR_DOT_PF
#define LR_DOT_PF 8192
#endif
/* Float rows fetch twice as far ahead: with X on huge pages, 1 thread,
 * bench --sweep on the AMD EPYC VM, two rounds, 8192 against 16384 bytes:
 * float p = 200 1.85-1.86 against 1.60-1.64 ms an iteration, p = 512
 * 1.74-1.77 against 1.56-1.60, p = 1000 1.81-1.85 against 1.67-1.76,
 * p = 64 1.78 against 1.70, p = 24 to 100 the same. Double was no faster
 * at 16384 (p = 64 5-13% slower). */
#ifndef LR_DOT_PF_F32
#define LR_DOT_PF_F32 16384
#endif
/* Float rows fetch that far ahead into the L2 cache, not the L1
 * (prefetcht1): with a float block's rows widened once into the L1 cache
 * (blk_prs), lines fetched 16 KiB ahead into it crowded them out. Intel
 * Xeon VM (family 6 model 207), 1 thread, bench --sweep, three rounds:
 * float p = 512 1.24-1.52x a plain read to 1.03-1.07x, p = 1000
 * 1.24-1.38x to 1.03-1.04x; 8192 bytes ahead into the L1 cache was
 * between the two. On the AMD EPYC VM (family 26 model 2), where the
 * 16384 bytes were tuned with prefetcht0, with the rows widened once
 * neither hint nor 8192 bytes into the L1 cache gained beyond the noise
 * (one binary, the choice by an environment variable, alternating runs,
 * six rounds, 1 and 2 threads, p = 32 to 2048: each ahead at some p by up
 * to 12% and behind at others by as much; 2026-12-03); widening each
 * element twice, 8192 bytes into the L1 cache pays there from p = 257
 * (kernel_ops.h: lr_kf32_l1). */
#ifndef LR_DOT_PF_LOC_F32
#define LR_DOT_PF_LOC_F32 2
#endif
/* the distance and locality hint for the storage type LR_T of the
 * including kernel */
#define LR_DOT_PF_T (sizeof(LR_T) == sizeof(double) ? LR_DOT_PF : LR_DOT_PF_F32)
#define LR_DOT_PF_LOC (sizeof(LR_T) == sizeof(double) ? 3 : LR_DOT_PF_LOC_F32)

#define LR_T double
#define LR_T_IS_DOUBLE
#define LR_FN(name) name
#include "kernel_rows_t.h"
#undef LR_T
#undef LR_T_IS_DOUBLE
#undef LR_FN

#define LR_T float
#define LR_FN(name) name##_f32
#include "kernel_rows_t.h"
#undef LR_T
#undef LR_FN

/* s = G x (lr_kernel_symv): column by column (G_kj = G_jk), four columns
 * a sweep across j, each s_j adding its four terms in k order: the sums
 * of a loop along row j to the bit, as independent sums across j that
 * vectorise, s loaded and stored once for four terms. */
static void symv(const double *restrict G, size_t m, const double *restrict x,
                 double *restrict s)
{
    size_t k = 0;
    for (size_t j = 0; j < m; j++)
        s[j] = 0.0;
    for (; k + 4 <= m; k += 4) {
        const double *G0 = G + k * m, *G1 = G0 + m, *G2 = G1 + m, *G3 = G2 + m;
        const double x0 = x[k], x1 = x[k + 1], x2 = x[k + 2], x3 = x[k + 3];
        for (size_t j = 0; j < m; j++)
            s[j] = (((s[j] + G0[j] * x0) + G1[j] * x1) + G2[j] * x2) + G3[j] * x3;
    }
    for (; k < m; k++) {
        const double *Gk = G + k * m, xk = x[k];
        for (size_t j = 0; j < m; j++)
            s[j] = s[j] + Gk[j] * xk;
    }
}

const lr_kernel_ops LR_KOPS = {
    LR_KOPS_NAME, rows, rows_f32, rows_ld, rows_ld_f32,
    gram_rows, gram_rows_f32, xtxv_rows, xtxv_rows_f32, symv,
};
