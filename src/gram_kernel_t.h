/* gram_kernel_t.h -- the symmetric rank-k update of the Gram pass, written
 * once and compiled per instruction set: gram_kernel.c (scalar fma()),
 * gram_kernel_avx2.c (AVX2 + FMA) and gram_kernel_avx512.c (AVX-512F),
 * each defining LR_GRAM_TILES (the function's name) and including this.
 *
 * The block (nr rows of [X 1 y], ld = p + 2 columns) comes in panels of 8
 * columns (columns past ld are zeros): the first xpanels straight from
 * the rows of X (double storage: no copy), the others packed, panel after
 * panel, 64 bytes a row (lr_gram_block), so that a vector of up to 8
 * columns of one row is one contiguous load.
 *
 * acc (ldp x ldp, ldp = ld rounded up to 8) gains sum_r a_rj a_ri at
 * acc[j ldp + i] for the entries gram_blas.c's acc_at() reads:
 *   - main part: rows j < 8F (F = ld / 8 full panels), columns i >= j
 *     of the full panels (tiles of NB rows x up to 3 vectors, which also
 *     fill a few entries below the diagonal: unread);
 *   - remainder: the R = ld - 8F rows 8F .. ld-1 against every column
 *     (tiles of R rows x as many vectors as the registers hold), so
 *     the R last columns of the upper triangle are read transposed, and no
 *     vector lane of the main part is spent on the padded last panel.
 * A tile of C stays in registers over the block's rows: the vector loads
 * of the row's columns i, a broadcast of each of its NB columns j, and
 * c_ji = fma(a_ri, a_rj, c_ji) for r in order.
 *
 * Meanwhile the tiles prefetch the next block's rows of X into L2, a few
 * lines a row of the tile, so that reading X from memory overlaps the
 * arithmetic (without it, p = 64 ran at 35% of the FMA peak from memory
 * against 61% in cache).
 *
 * Every entry is thus one chain of correctly rounded fma() in row order
 * (the block's tile loaded from acc and stored back, so the chain goes on
 * across blocks): the vector width only sets how many chains run side by
 * side, and every instruction set gives the same bits. */
#include <stddef.h>

#include "gram_blas.h"

#if defined(__AVX512F__)
#include <immintrin.h>
typedef __m512d vec;
#define VLEN 8
#define NB 8
#define NREGS 32
#define VLOAD(p) _mm512_load_pd(p)
#define VLOADU(p) _mm512_loadu_pd(p)
#define VSTORE(p, v) _mm512_store_pd(p, v)
#define VBCAST(x) _mm512_set1_pd(x)
#define VFMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
typedef __m256d vec;
#define VLEN 4
#define NB 4
#define VLOAD(p) _mm256_load_pd(p)
#define VLOADU(p) _mm256_loadu_pd(p)
#define VSTORE(p, v) _mm256_store_pd(p, v)
#define VBCAST(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#else
#include <math.h>
typedef double vec;
#define VLEN 1
#define NB 4
#define VLOAD(p) (*(p))
#define VLOADU(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VBCAST(x) (x)
#define VFMA(a, b, c) fma(a, b, c)
#endif
#ifndef NREGS
#define NREGS 16
#endif
#define NWMAX (NREGS == 32 ? 9 : 7)

/* Vectors of columns per tile of nb rows: the most whose sums, the row's
 * vectors and a broadcast fit in the NREGS vector registers, at most
 * NWMAX: 3 for NB rows. The remainder's tiles of 1 to 7 rows are wider:
 * at p = 64 its 2 rows took three tiles of 6 sums each, too few chains of
 * dependent FMAs to keep the FMA units busy, and now take one of 18 (AMD
 * EPYC VM, 1 thread, X from memory: 41-42 to 42-44 GFMA/s). */
static inline int nw_of(int nb)
{
    const int w = (NREGS - 1) / (nb + 1);
    return w < NWMAX ? w : NWMAX;
}

/* Column i of the block's first row, and the step from a row to the next:
 * the first panels straight from X (double storage), the others packed. */
static inline const double *col(const lr_gram_block *bk, size_t i, size_t *step)
{
    const size_t q = i / 8;
    if (q < bk->xpanels) {
        *step = bk->xs;
        return bk->x + i;
    }
    *step = 8;
    return bk->pk + ((q - bk->xpanels) * bk->nr) * 8 + i % 8;
}

/* The lines still to prefetch and how many each tile takes. */
typedef struct {
    const char *p;
    size_t left, per_tile;
} prefetch;

/* acc rows j0 .. j0+nb-1 x columns i0 .. i0 + w VLEN - 1 (nb, w constants
 * after inlining: the tile lives in registers) += over the block's rows;
 * the npf lines at pf prefetched, spread evenly over the rows. */
static inline __attribute__((always_inline)) void
tile(const lr_gram_block *bk, double *restrict acc, size_t ldp, size_t j0,
     int nb, size_t i0, int w, const char *pf, size_t npf)
{
    vec c[NB][NWMAX];
    const double *a[NWMAX];
    size_t as[NWMAX], bs;
    const double *b = col(bk, j0, &bs);
    for (int jj = 0; jj < nb; jj++)
        for (int k = 0; k < w; k++)
            c[jj][k] = VLOAD(acc + (j0 + (size_t)jj) * ldp + i0 + (size_t)k * VLEN);
    for (int k = 0; k < w; k++)
        a[k] = col(bk, i0 + (size_t)k * VLEN, &as[k]);
    const size_t every = npf ? bk->nr / npf : 0;
    size_t at = 0, left = npf;
    for (size_t r = 0; r < bk->nr; r++) {
        if (r == at && left) {
            __builtin_prefetch(pf, 0, 2);
            pf += 64;
            left--;
            at += every;
        }
        vec x[NWMAX];
        for (int k = 0; k < w; k++) {
            x[k] = VLOADU(a[k]);
            a[k] += as[k];
        }
        for (int jj = 0; jj < nb; jj++) {
            const vec s = VBCAST(b[jj]);
            for (int k = 0; k < w; k++)
                c[jj][k] = VFMA(x[k], s, c[jj][k]);
        }
        b += bs;
    }
    for (int jj = 0; jj < nb; jj++)
        for (int k = 0; k < w; k++)
            VSTORE(acc + (j0 + (size_t)jj) * ldp + i0 + (size_t)k * VLEN, c[jj][k]);
}

/* The tile for run-time nb (1 .. NB) and w (1 .. nw_of(nb)), each pair
 * its own compiled copy. */
static void tile_any(const lr_gram_block *bk, double *restrict acc,
                     size_t ldp, size_t j0, int nb, size_t i0, int w,
                     prefetch *pf)
{
    size_t npf = pf->left < pf->per_tile ? pf->left : pf->per_tile;
    npf = npf < bk->nr ? npf : bk->nr;
    const char *at = pf->p;
    pf->p += npf * 64;
    pf->left -= npf;
#define T(B, W) case B * 16 + W: tile(bk, acc, ldp, j0, B, i0, W, at, npf); break;
#define T3(B) T(B, 1) T(B, 2) T(B, 3)
#define T5(B) T3(B) T(B, 4) T(B, 5)
#define T7(B) T5(B) T(B, 6) T(B, 7)
    switch (nb * 16 + w) {
#if NREGS == 32
    T7(1) T(1, 8) T(1, 9) T7(2) T(2, 8) T(2, 9) T7(3) T5(4) T(4, 6) T5(5)
    T3(6) T(6, 4) T3(7) T3(8)
#else
    T7(1) T5(2) T3(3) T3(4)
#endif
    default: break;
    }
#undef T7
#undef T5
#undef T3
#undef T
}

/* Rows [j0, j0 + nb) against columns [i0, i1) (multiples of VLEN), in
 * tiles of nw_of(nb) vectors (with pf NULL: only count the tiles). */
static size_t sweep(const lr_gram_block *bk, double *restrict acc,
                    size_t ldp, size_t j0, int nb, size_t i0, size_t i1,
                    prefetch *pf)
{
    const int nw = nw_of(nb);
    const size_t step = (size_t)nw * VLEN, tiles = (i1 - i0 + step - 1) / step;
    for (; pf && i0 + step <= i1; i0 += step)
        tile_any(bk, acc, ldp, j0, nb, i0, nw, pf);
    if (pf && i0 < i1)
        tile_any(bk, acc, ldp, j0, nb, i0, (int)((i1 - i0) / VLEN), pf);
    return tiles;
}

/* The main part and the remainder (see the top), or with pf NULL the
 * number of tiles they take. */
static size_t tiles(const lr_gram_block *bk, double *restrict acc,
                    prefetch *pf)
{
    const size_t ld = bk->ld, ldp = lr_gram_ldp(ld), full = ld / 8 * 8;
    size_t t = 0;
    /* main part: row chunks of NB (NB divides 8), columns from the vector
     * holding the diagonal to the end of the full panels */
    for (size_t j0 = 0; j0 < full; j0 += NB)
        t += sweep(bk, acc, ldp, j0, NB, j0 / VLEN * VLEN, full, pf);
    /* remainder rows against every column */
    for (size_t j0 = full; j0 < ld; j0 += NB) {
        const size_t nb = ld - j0 < NB ? ld - j0 : NB;
        t += sweep(bk, acc, ldp, j0, (int)nb, 0, ldp, pf);
    }
    return t;
}

void LR_GRAM_TILES(const lr_gram_block *bk, double *restrict acc)
{
    const size_t lines = bk->next ? (bk->next_bytes + 63) / 64 : 0;
    const size_t t = tiles(bk, acc, NULL);
    prefetch pf = {bk->next, lines, (lines + t - 1) / t};
    tiles(bk, acc, &pf);
}
