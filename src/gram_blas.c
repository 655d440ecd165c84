/* gram_blas.c -- the Gram pass: [X 1 y]^T [X 1 y] by blocks of rows, each
 * block's products added by our own rank-k kernel (gram_kernel_t.h) or by
 * the BLAS's dsyrk, at the speed of the machine's FMA units rather than of
 * a vectorised rank-one update (about 6 GFMA/s at 1e5 x 256 here before).
 *
 * Each thread copies a block of rows of [X 1 y] (converting float X to
 * double: ssyrk would sum in single precision) into its buffer, small
 * enough to stay in its L2 cache (packed in panels of 8 columns for our
 * kernel, row-major for dsyrk), and adds the block's products into the
 * partial of its slab. Slabs are contiguous ranges of blocks, each summed
 * serially in block order; the partials are then added entry by entry in
 * slab order. The BLAS runs on one thread inside each of ours (OpenBLAS's
 * OpenMP build runs serially inside an active parallel region, and in a
 * one-thread team by the OpenMP thread count set to 1 around the call), so
 * --threads alone sets the cores used and nothing nests.
 *
 * Determinism: a slab's partial depends only on its rows, the block size
 * (a function of p) and the kernel, never on which thread computes it;
 * with det the slabs are fixed by n and p, so the sums have the same bits
 * for any thread count. Our kernel sums each entry of a slab as one chain
 * of fma() in row order, whatever the block size and the vector width:
 * its scalar, AVX2 and AVX-512 builds give the same bits, so with det the
 * sums are the same on every x86-64 CPU with FMA, for any thread count.
 * dsyrk's bits depend on OpenBLAS's kernel for the CPU.
 *
 * Measured (scripts/bench-gram.sh, results/bench/gram.md): see README. */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gram_blas.h"

/* OpenBLAS's description of itself (its cblas.h declares it; GSL's
 * gsl_cblas.h, used here for the standard CBLAS part, does not). */
char *openblas_get_config(void);

/* Rows per dsyrk call: a block of [X 1 y] of about 512 KB (half of a
 * 1 MB L2), at least 256 rows (dsyrk's packing is then a small part of
 * its work), a multiple of 8. Measured here at p = 64 .. 512: 128 KB
 * blocks ran 10% slower at p = 128, 1 MB and 2 MB blocks no faster. */
static size_t gram_blk_rows(size_t p)
{
    size_t r = ((size_t)1 << 16) / (p + 2);
    r = r < 256 ? 256 : r;
    return (r + 7) / 8 * 8;
}

/* Rows per block of our kernel: the panel of a tile's 8 broadcast columns
 * (64 bytes a row) stays in L1 while the tiles sweep the block, which
 * stays in L2 (LR_GRAM_TILE_BYTES, about a quarter of a 1 MB L2); at least
 * 64 rows, so that loading and storing a tile of the partial is a small
 * part of its work. The same for every instruction set (the slabs of det
 * depend on it). */
#ifndef LR_GRAM_TILE_BYTES
#define LR_GRAM_TILE_BYTES ((size_t)1 << 18)
#endif
static size_t tile_blk_rows(size_t p)
{
    size_t r = LR_GRAM_TILE_BYTES / 8 / lr_gram_ldp(p + 2);
    r = r < 64 ? 64 : r > 512 ? 512 : r;
    return (r + 7) / 8 * 8;
}

static int cpu_fma(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma") != 0;
#else
    return 1; /* fma() is an instruction on the other 64-bit ISAs */
#endif
}

int lr_gram_path(void)
{
    if (!cpu_fma())
        return LR_GRAM_DSYRK;
    const int isa = lr_kernel_isa_level();
    return isa == LR_ISA_AVX512 ? LR_GRAM_AVX512
           : isa == LR_ISA_AVX2 ? LR_GRAM_AVX2 : LR_GRAM_BASE;
}

const char *lr_gram_path_name(int path)
{
    static const char *const names[] = {"auto", "base", "avx2", "avx512",
                                        "dsyrk"};
    return path >= 0 && path <= LR_GRAM_DSYRK ? names[path] : NULL;
}

/* The kernel of a path (NULL: dsyrk); LR_EINVAL when this CPU cannot run
 * it: the vector builds need their instruction set and FMA, and the scalar
 * one is kept from CPUs without FMA, whose fma() is a slow emulation. */
static int path_tiles(int path, lr_gram_tiles_fn *fn)
{
    if (path == LR_GRAM_AUTO)
        path = lr_gram_path();
    *fn = NULL;
    switch (path) {
    case LR_GRAM_DSYRK:
        return LR_SUCCESS;
    case LR_GRAM_BASE:
        *fn = lr_gram_tiles_base;
        return cpu_fma() ? LR_SUCCESS : LR_EINVAL;
    case LR_GRAM_AVX2:
        *fn = lr_gram_tiles_avx2;
        return cpu_fma() && lr_kernel_isa_available("avx2") == 1 ? LR_SUCCESS
                                                                 : LR_EINVAL;
    case LR_GRAM_AVX512:
        *fn = lr_gram_tiles_avx512;
        /* the row kernels' test (AVX-512F, VL and DQ): one answer to
         * whether this CPU runs AVX-512 */
        return lr_kernel_isa_available("avx512") == 1 ? LR_SUCCESS : LR_EINVAL;
    default:
        return LR_EINVAL;
    }
}

/* The slabs' partials on 2 MB pages from LR_GRAM_HUGE bytes (smaller ones
 * from the heap). Every pass allocates them afresh, and with
 * --deterministic there are up to 16: on 4 KB pages each page's first touch
 * was a fault. AMD EPYC family 26 VM, bench-gram best of 3, 1 thread:
 * deterministic at p = 256 (16 partials, 8.9 MB) 25 GFMA/s against the
 * plain pass's 39, and 36 against 36 on 2 MB pages; p = 64 (16 partials,
 * 663 KB) 33 against 38, and 37.6 against 38.9 from 256 KB up. The bits
 * do not change. */
#ifndef LR_GRAM_HUGE
#define LR_GRAM_HUGE ((size_t)1 << 18)
#endif
static double *alloc_partials(size_t bytes)
{
    if (bytes < LR_GRAM_HUGE)
        return aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    return lr_alloc_huge(bytes);
}

int lr_gram_ws_alloc(lr_gram_ws *ws, const lr_kernel_state *ks, int det,
                     int path)
{
    memset(ws, 0, sizeof *ws);
    if (path_tiles(path, &ws->tiles) != LR_SUCCESS)
        return LR_EINVAL;
    const size_t ld = ks->p + 2, ldp = lr_gram_ldp(ld);
    const size_t B = ws->tiles ? tile_blk_rows(ks->p) : gram_blk_rows(ks->p);
    const size_t nb = (ks->n + B - 1) / B;
    const int threads = ks->threads > 1 ? ks->threads : 1;
    size_t slabs, bytes;
    ws->ld = ld;
    ws->ldp = ldp;
    ws->blk_rows = B;
    /* double X read in place (no copy: p = 64 went from 51% to 63% of the
     * FMA peak here), except where its rows are a multiple of 4 KB apart
     * and so fall in the same L1 sets: the AVX2 tiles, with more loads per
     * fma, then ran at 19 GFMA/s against 28 packed (p = 512); AVX-512's
     * still ran faster in place (49 against 46). */
    ws->in_place = !ks->Xf && ((ks->p * sizeof(double)) % 4096 != 0
                               || ws->tiles == lr_gram_tiles_avx512);
    if (!lr_mul_ok(ldp, ldp, &ws->acc_stride) || !lr_mul_ok(B, ldp, &ws->blk_stride))
        return LR_ENOMEM;
    if (det) {
        slabs = LR_GRAM_DET_MAX_DOUBLES / ws->acc_stride;
        slabs = slabs > LR_GRAM_DET_SLABS ? LR_GRAM_DET_SLABS : slabs;
        /* each slab's partial costs about as much to fault in, clear and
         * add as the products of a few hundred rows: at least
         * LR_GRAM_DET_MIN_ROWS rows a slab (16 slabs of 4000 x 1000 spent
         * two thirds of the pass there) */
        const size_t most = (ks->n + LR_GRAM_DET_MIN_ROWS - 1) / LR_GRAM_DET_MIN_ROWS;
        slabs = slabs > most ? most : slabs;
    } else {
        slabs = (size_t)threads;
    }
    slabs = slabs > nb ? nb : slabs;
    ws->slabs = slabs ? slabs : 1;
    if (!lr_mul_ok(ws->slabs * sizeof(double), ws->acc_stride, &bytes)
        || !(ws->acc = alloc_partials(bytes)))
        return LR_ENOMEM;
    if (!lr_mul_ok((size_t)threads * sizeof(double), ws->blk_stride, &bytes)
        || !(ws->blk = aligned_alloc(64, bytes))) {
        lr_gram_ws_free(ws);
        return LR_ENOMEM;
    }
    return LR_SUCCESS;
}

void lr_gram_ws_free(lr_gram_ws *ws)
{
    if (!ws)
        return;
    free(ws->acc);
    free(ws->blk);
    ws->acc = ws->blk = NULL;
}

/* Rows [lo, hi) of [X 1 y] into blk, row-major with ldp doubles a row
 * (for dsyrk). */
static void fill_block(const lr_kernel_state *ks, size_t lo, size_t hi,
                       size_t ldp, double *restrict blk)
{
    const size_t p = ks->p;
    for (size_t i = lo; i < hi; i++) {
        double *row = blk + (i - lo) * ldp;
        if (ks->Xf) {
            const float *x = ks->Xf + i * p;
            for (size_t j = 0; j < p; j++)
                row[j] = (double)x[j];
        } else {
            memcpy(row, ks->X + i * p, p * sizeof *row);
        }
        row[p] = 1.0;
        row[p + 1] = ks->y[i];
    }
}

/* Rows [lo, hi) of [X 1 y] as our kernel's block (gram_kernel_t.h): with
 * ws->in_place X's full panels read in place and only the tail panels
 * (X's last p % 8 columns, 1, y, zeros) packed into blk; else (float X,
 * converted, or rows aliasing in L1) every panel packed. The tail's lanes
 * of 1s and 0s are the same in every block of nr rows: *const_nr says for
 * which nr blk holds them (0: none yet), and only a change writes them
 * again. Writing all 8 lanes a row in every block (a branch per lane)
 * took a tenth of the pass at p = 64 (AMD EPYC VM, 1 thread, 43 against
 * 47 GFMA/s without it). */
static void fill_panels(const lr_kernel_state *ks, const lr_gram_ws *ws,
                        size_t lo, size_t hi, double *restrict blk,
                        size_t *const_nr, lr_gram_block *bk)
{
    const size_t p = ks->p, nr = hi - lo, full = p / 8, rem = p - 8 * full;
    const size_t ldp = ws->ldp, xpanels = ws->in_place ? full : 0;
    const size_t tail = ldp / 8 - full; /* panels past X's full ones: 1 or 2 */
    double *const pk = blk - xpanels * nr * 8; /* panel q at pk + q nr 8 */
    double *const tp = pk + full * nr * 8;     /* the tail panels */
    if (ks->Xf || xpanels == 0)
        for (size_t i = lo; i < hi; i++) {
            double *d = pk + (i - lo) * 8;
            if (ks->Xf) {
                const float *x = ks->Xf + i * p;
                for (size_t q = 0; q < full; q++)
                    for (size_t e = 0; e < 8; e++)
                        d[q * nr * 8 + e] = (double)x[q * 8 + e];
            } else {
                for (size_t q = 0; q < full; q++)
                    memcpy(d + q * nr * 8, ks->X + i * p + q * 8, 8 * sizeof *d);
            }
        }
    /* lane e (0 .. 8 tail - 1) of the tail of row r */
#define TAIL(r, e) tp[(e) / 8 * nr * 8 + (r) * 8 + (e) % 8]
    if (*const_nr != nr) {
        for (size_t e = rem; e < 8 * tail; e++)
            if (e != rem + 1)
                for (size_t r = 0; r < nr; r++)
                    TAIL(r, e) = e == rem ? 1.0 : 0.0;
        *const_nr = nr;
    }
    for (size_t r = 0; r < nr; r++) {
        const size_t at = (lo + r) * p + 8 * full;
        if (ks->Xf)
            for (size_t e = 0; e < rem; e++)
                tp[r * 8 + e] = (double)ks->Xf[at + e];
        else
            for (size_t e = 0; e < rem; e++)
                tp[r * 8 + e] = ks->X[at + e];
        TAIL(r, rem + 1) = ks->y[lo + r];
    }
#undef TAIL
    bk->x = xpanels ? ks->X + lo * p : NULL;
    bk->xs = p;
    bk->xpanels = xpanels;
    bk->pk = blk;
    bk->nr = nr;
    bk->ld = p + 2;
}

/* Where the partial holds entry (j, k), j <= k < ld, of the upper
 * triangle: dsyrk's at (j, k); our kernel's at (k, j) when k lies past the
 * full panels and j before them (gram_kernel_t.h: those columns come from
 * the remainder rows). */
static size_t acc_at(const lr_gram_ws *ws, size_t j, size_t k)
{
    const size_t full = ws->ld / 8 * 8;
    return ws->tiles && j < full && k >= full ? k * ws->ldp + j
                                              : j * ws->ldp + k;
}

/* OpenBLAS's OpenMP build takes its thread count from omp_get_max_threads()
 * at each call (openblas_set_num_threads is overridden by it, and sets the
 * OpenMP count too) and runs serially inside an active parallel region:
 * the calling thread's OpenMP count set to 1, and put back after. */
int lr_blas_serial_begin(void)
{
#ifdef _OPENMP
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    return saved;
#else
    return 1;
#endif
}

void lr_blas_serial_end(int saved)
{
#ifdef _OPENMP
    omp_set_num_threads(saved);
#else
    (void)saved;
#endif
}

void lr_kernel_gram_blas(const lr_kernel_state *ks, const lr_gram_ws *ws,
                         double *buf)
{
    const size_t n = ks->n, p = ks->p, m = p + 1, ld = ws->ld, ldp = ws->ldp;
    const size_t B = ws->blk_rows, nb = (n + B - 1) / B, S = ws->slabs;
    const int nt = (size_t)ks->threads < S ? (ks->threads > 1 ? ks->threads : 1)
                                           : (int)S;
    memset(buf, 0, (m * m + m + 1) * sizeof *buf);
    /* a one-thread team's dsyrk stays on one thread */
    const int saved = lr_blas_serial_begin();
#pragma omp parallel num_threads(nt)
    {
#ifdef _OPENMP
        const size_t t = (size_t)omp_get_thread_num();
#else
        const size_t t = 0;
#endif
        double *blk = ws->blk + t * ws->blk_stride;
        size_t const_nr = 0; /* fill_panels' 1s and 0s in blk: none yet */
#pragma omp for schedule(static)
        for (size_t s = 0; s < S; s++) {
            double *acc = ws->acc + s * ws->acc_stride;
            memset(acc, 0, ws->acc_stride * sizeof *acc);
            const size_t b1 = (s + 1) * nb / S;
            for (size_t b = s * nb / S; b < b1; b++) {
                const size_t lo = b * B, hi = lo + B < n ? lo + B : n;
                if (ws->tiles) {
                    /* the next block's X (this slab's) is prefetched */
                    const size_t nhi = hi + B < n ? hi + B : n;
                    const size_t esz = ks->Xf ? sizeof(float) : sizeof(double);
                    const char *x = ks->Xf ? (const char *)ks->Xf
                                           : (const char *)ks->X;
                    lr_gram_block bk;
                    fill_panels(ks, ws, lo, hi, blk, &const_nr, &bk);
                    bk.next = b + 1 < b1 ? x + hi * p * esz : NULL;
                    bk.next_bytes = (nhi - hi) * p * esz;
                    ws->tiles(&bk, acc);
                    continue;
                }
                fill_block(ks, lo, hi, ldp, blk);
                /* acc += blk^T blk, upper triangle (row-major) */
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)ld,
                            (int)(hi - lo), 1.0, blk, (int)ldp, 1.0, acc,
                            (int)ldp);
            }
        }
        /* entry by entry, slabs in order: G's upper triangle (rows and
         * columns < m), c (column m of rows < m) and yy */
#pragma omp for schedule(static)
        for (size_t j = 0; j < ld; j++)
            for (size_t k = j; k < ld; k++) {
                const size_t at = acc_at(ws, j, k);
                double v = ws->acc[at];
                for (size_t s = 1; s < S; s++)
                    v += ws->acc[s * ws->acc_stride + at];
                if (k < m)
                    buf[j * m + k] = v;
                else if (j < m)
                    buf[m * m + j] = v;
                else
                    buf[m * m + m] = v;
            }
    }
    lr_blas_serial_end(saved);
}

int lr_gram_sums(const lr_kernel_state *ks, int det, double *buf)
{
    return lr_gram_sums_path(ks, det, LR_GRAM_AUTO, buf);
}

int lr_gram_sums_path(const lr_kernel_state *ks, int det, int path,
                      double *buf)
{
    lr_gram_ws ws;
    int st = lr_gram_ws_alloc(&ws, ks, det, path);
    if (st != LR_SUCCESS)
        return st;
    lr_kernel_gram_blas(ks, &ws, buf);
    lr_gram_ws_free(&ws);
    return LR_SUCCESS;
}

const char *lr_blas_name(void)
{
    return openblas_get_config();
}
