/* kernels.c -- the fused gradient pass and the parallel iteration loop.
 *
 * One pass over X computes, for the current (w, b), the residuals
 * r_i = x_i.w + b - y_i and the sums X^T r, sum r and sum r^2 together:
 * gradient, bias gradient and loss in one read of X (design.md).
 * The only code with OpenMP pragmas for training. No I/O, no allocation,
 * no error paths: inputs were checked by the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "lr_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernel_ops.h"

size_t lr_chunk_rows(size_t p)
{
    /* about 128 KiB of X per chunk, at least 128 rows. Each chunk of the
     * deterministic pass writes and reads back a partial row of p + 2
     * doubles: with 32 rows that was 12% more traffic than float X itself
     * at p >= 512 (1 thread, float p = 1000: --deterministic 1.08-1.11x the
     * clause path's time, 2 threads 1.19-1.23x); with 128, 1.02-1.06x */
    size_t r = 16384 / (p ? p : 1);
    return r < 128 ? 128 : r;
}

/* ---- which instruction set the row kernels run on ---- */

/* The tables, widest first; lr_kops_base runs anywhere. */
static const lr_kernel_ops *const isa_all[] = {&lr_kops_avx512, &lr_kops_avx2,
                                               &lr_kops_base};
enum { ISA_COUNT = 3 };

/* Whether this CPU (and its operating system, which must save the wider
 * registers: __builtin_cpu_supports checks that too) runs table k. */
static int isa_runs(int k)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    switch (k) {
    case 0:
        return __builtin_cpu_supports("avx512f")
               && __builtin_cpu_supports("avx512vl")
               && __builtin_cpu_supports("avx512dq");
    case 1: /* a nonzero mask, not 1 */
        return __builtin_cpu_supports("avx2") != 0;
    default:
        return 1;
    }
#else
    return k == ISA_COUNT - 1;
#endif
}

/* kernel_ops.h: set on AMD's CPUs, by pf_init */
int lr_kf32_l1, lr_kdbl_blk4;

/* A flag by the CPU's vendor (amd), or by the environment variable env (0
 * or 1) where set: a hook for measuring either way on one binary. */
static int vendor_flag(int amd, const char *env)
{
    const char *e = getenv(env);
    if (e && (strcmp(e, "0") == 0 || strcmp(e, "1") == 0))
        return e[0] == '1';
    return amd;
}

/* lr_kf32_l1 (LINREG_F32_L1) and lr_kdbl_blk4 (LINREG_DBL_BLK4) */
static void pf_init(void)
{
    int amd = 0;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    amd = __builtin_cpu_is("amd") != 0;
#endif
    __atomic_store_n(&lr_kf32_l1, vendor_flag(amd, "LINREG_F32_L1"),
                     __ATOMIC_RELAXED);
    __atomic_store_n(&lr_kdbl_blk4, vendor_flag(amd, "LINREG_DBL_BLK4"),
                     __ATOMIC_RELAXED);
}

/* The table in use: set by lr_kernel_isa_set, else the widest at first use.
 * Read and written atomically: fits may start on several threads. */
static const lr_kernel_ops *isa_cur;

static const lr_kernel_ops *kops(void)
{
    const lr_kernel_ops *o = __atomic_load_n(&isa_cur, __ATOMIC_ACQUIRE);
    if (o)
        return o;
    pf_init();
    for (int k = 0; k < ISA_COUNT && !o; k++)
        if (isa_runs(k))
            o = isa_all[k];
    __atomic_store_n(&isa_cur, o, __ATOMIC_RELEASE);
    return o;
}

static int isa_index(const char *name)
{
    for (int k = 0; name && k < ISA_COUNT; k++)
        if (strcmp(name, isa_all[k]->name) == 0)
            return k;
    return -1;
}

int lr_kernel_isa_available(const char *name)
{
    int k = isa_index(name);
    return k < 0 ? -1 : isa_runs(k);
}

int lr_kernel_isa_set(const char *name)
{
    if (name == NULL || name[0] == '\0') {
        __atomic_store_n(&isa_cur, NULL, __ATOMIC_RELEASE);
        return LR_SUCCESS;
    }
    int k = isa_index(name);
    if (k < 0 || !isa_runs(k))
        return LR_EINVAL;
    pf_init();
    __atomic_store_n(&isa_cur, isa_all[k], __ATOMIC_RELEASE);
    return LR_SUCCESS;
}

const char *lr_kernel_isa_name(void)
{
    return kops()->name;
}

int lr_kernel_isa_level(void)
{
    const lr_kernel_ops *o = kops();
    return o == &lr_kops_avx512 ? LR_ISA_AVX512
           : o == &lr_kops_avx2 ? LR_ISA_AVX2 : LR_ISA_BASELINE;
}

/* Elements of X (n p) per thread below which the default thread count
 * takes fewer threads: each iteration pays two barriers, about a
 * microsecond each on the 2-core VMs, whatever the size, which a pass over
 * fewer elements than this does not win back. `linreg bench --crossover 9`
 * and timed `train` runs (p = 9), time on 2 threads against 1:
 *   2-core Intel Xeon VM: 1.16x at 33300 elements, 0.92x at 40500,
 *     0.74-0.91x at 49500, 0.81x at 65529;
 *   2-core AMD EPYC VM: 0.80x at 65529, 0.66x at 131067 in one session,
 *     1.13-1.25x at 65529 and 0.81-1.02x at 131067 in another, with
 *     libgomp's barriers and chunks of 1820 rows (three of five on one
 *     thread); with barrier.c's and equal units, 0.57-0.61x at 65529,
 *     0.50x at 131067 and 0.82-1.09x at 32769;
 *   16-core Intel Xeon (results/scaling-16core/load): 0.82x at 65529,
 *     4 threads 0.62x there; 4 threads 0.44x and 8 0.34x at 131067.
 * At 32768 a thread (the earlier rule) 65529 elements ran on 1 thread and
 * 131067 on 3, at 1.00x and 0.61x where 2 and 8 threads gave 0.82x and
 * 0.34x. Below 32768 elements every fit is serial (LR_PAR_MIN_ELEMS). */
#ifndef LR_THREAD_MIN_ELEMS
#define LR_THREAD_MIN_ELEMS 24576
#endif

int lr_threads_default(size_t n, size_t p)
{
    int t = lr_threads_resolve(0);
    size_t elems = n * p, by_work = elems / LR_THREAD_MIN_ELEMS;
    if (p != 0 && elems / p != n)
        by_work = SIZE_MAX; /* overflow: as large as it gets */
    if (by_work < 1)
        by_work = 1;
    return (size_t)t > by_work ? (int)by_work : t;
}

/* out[k] = sum over r < rows of part[r*stride + k], k < m, rows in order;
 * shared by the team (an orphaned `omp for` without its barrier: the
 * caller ends it with lr_barrier_wait, or with the end of its region).
 * Combines per-thread or per-block partial rows. Columns go in groups of
 * SUM_COLS, each group's sums running down the rows together: the order
 * of one column at a time, vectorised across the group (one column at a
 * time waited one add latency per row and column: 0.4 ms for 500 blocks
 * of p = 1000, a fifth of a float pass). */
enum { SUM_COLS = 32 };
static inline void sum_group(const double *part, size_t rows, size_t stride,
                             size_t m, int onto, double *out, size_t g)
{
    const size_t k0 = g * SUM_COLS, nk = m - k0 < SUM_COLS ? m - k0 : SUM_COLS;
    double s[SUM_COLS] = {0};
    if (onto)
        memcpy(s, out + k0, nk * sizeof *s);
    if (nk == SUM_COLS) {
        for (size_t r = 0; r < rows; r++)
            for (size_t k = 0; k < SUM_COLS; k++)
                s[k] += part[r * stride + k0 + k];
    } else {
        for (size_t r = 0; r < rows; r++)
            for (size_t k = 0; k < nk; k++)
                s[k] += part[r * stride + k0 + k];
    }
    memcpy(out + k0, s, nk * sizeof *s);
}

/* team 0: the calling thread alone, with no worksharing construct (which
 * would bind to a caller's own parallel region, if any). */
static void sum_rows_from(const double *part, size_t rows, size_t stride,
                          size_t m, int onto, double *out, int team)
{
    const size_t ng = (m + SUM_COLS - 1) / SUM_COLS;
    if (!team) {
        for (size_t g = 0; g < ng; g++)
            sum_group(part, rows, stride, m, onto, out, g);
        return;
    }
#pragma omp for schedule(static) nowait
    for (size_t g = 0; g < ng; g++)
        sum_group(part, rows, stride, m, onto, out, g);
}

static void sum_rows(const double *part, size_t rows, size_t stride, size_t m,
                     double *out, int team)
{
    sum_rows_from(part, rows, stride, m, 0, out, team);
}

/* The serial pass over rows [lo, hi) for X's storage type. */
static inline void rows(const lr_kernel_state *ks, const lr_kernel_ops *o,
                        size_t lo, size_t hi, double *acc)
{
    if (ks->precise && ks->Xf)
        o->rows_ld_f32(ks->Xf, ks->y, ks->p, ks->w, *ks->b, lo, hi, acc);
    else if (ks->precise)
        o->rows_ld(ks->X, ks->y, ks->p, ks->w, *ks->b, lo, hi, acc);
    else if (ks->Xf)
        o->rows_f32(ks->Xf, ks->y, ks->p, ks->w, *ks->b, lo, hi, ks->n, acc);
    else
        o->rows(ks->X, ks->y, ks->p, ks->w, *ks->b, lo, hi, ks->n, acc);
}

/* The first row of unit c of n rows cut into nu near-equal units of whole
 * blocks of 8 rows (the first take a block more; the last ends at n);
 * c = nu gives n. Whole blocks: the row kernels take rows 8 (or 4) at a
 * time, and a unit ending mid-block would leave each a short tail. */
static inline size_t unit_lo(size_t n, size_t nu, size_t c)
{
    const size_t nb = (n + 7) / 8, q = nb / nu, r = nb % nu;
    const size_t lo = (q * c + (c < r ? c : r)) * 8;
    return lo < n ? lo : n;
}

/* One unit of the clause path: its sums into a 64-byte aligned local row,
 * added to acc (the thread's private copy, in the team) once: the
 * runtime's private array is only 16-byte aligned, and vector updates of
 * it straddling cache lines made the whole pass 40% slower (measured,
 * 1e6 x 16). */
static inline void clause_unit(const lr_kernel_state *ks,
                               const lr_kernel_ops *o, size_t lo, size_t hi,
                               double *acc)
{
    const size_t m = ks->p + 2;
    double loc[LR_CLAUSE_MAX_P + 2] __attribute__((aligned(64)));
    memset(loc, 0, m * sizeof *loc);
    rows(ks, o, lo, hi, loc);
    for (size_t j = 0; j < m; j++)
        acc[j] += loc[j];
}

/* One pass by the team, ended by a barrier of `bar`: every thread may then
 * read acc. bar NULL: by the calling thread alone, with no worksharing
 * construct and no barrier (lr_kernel_run's serial path). A construct
 * there would bind to the innermost enclosing parallel region: to the
 * caller's own team, when a program fits from its threads, whose fits
 * then hung (each thread waiting at a barrier of its own for the team).
 * The same sums in the same order as a team of one. The clause and heap
 * modes split the rows in units of near-equal size, as many on each
 * thread, when the team has more than one thread: chunks of cr rows left
 * one thread three of five chunks at 7281 x 9 (cr = 1820). There, on the
 * AMD EPYC VM (train --threads 2 against 1, three runs each): chunks and
 * libgomp's barriers 1.25-1.32x; equal units 0.99-1.14x; chunks and
 * barrier.c 0.89-1.03x; both 0.65-0.80x. On one thread the units are the
 * chunks, whose bits the serial and deterministic paths share. */
static void pass_team(const lr_kernel_state *ks, lr_barrier *bar)
{
    const size_t n = ks->n, p = ks->p, cr = ks->chunk_rows;
    const size_t nchunks = (n + cr - 1) / cr;
    const size_t m = p + 2;
    double *acc = ks->acc;
    const lr_kernel_ops *o = kops();
    const int team = bar != NULL;
    int t = 0, nt = 1;
    if (team)
        lr_team(&t, &nt);
    /* units: nchunks on one thread, else a multiple of the team of about
     * as many rows as a chunk */
    const size_t nu = nt > 1 ? (nchunks + (size_t)nt - 1) / (size_t)nt * (size_t)nt
                             : nchunks;
#define UNIT_LO(c) (nt > 1 ? unit_lo(n, nu, (c)) : (c) * cr)
#define UNIT_HI(c) (nt > 1 ? unit_lo(n, nu, (c) + 1) \
                           : ((c) + 1) * cr < n ? ((c) + 1) * cr : n)

    switch (ks->mode) {
    case LR_KMODE_CLAUSE:
        /* The sum over samples as a reduction clause on an array section;
         * the order of the partial sums is up to the runtime. `nowait`,
         * and bar's barrier after it: the runtime combines each thread's
         * copy into acc as the thread leaves the loop (libgomp, under its
         * atomic lock; libomp's nowait reduction likewise, on the master
         * for its tree method), so all of acc is summed once every thread
         * has passed the barrier. libgomp's own barrier here made a system
         * call every pass (barrier.c). */
        if (!team) {
            for (size_t c = 0; c < nchunks; c++)
                clause_unit(ks, o, UNIT_LO(c), UNIT_HI(c), acc);
            break;
        }
#pragma omp for schedule(static) reduction(+: acc[:m]) nowait
        for (size_t c = 0; c < nu; c++)
            clause_unit(ks, o, UNIT_LO(c), UNIT_HI(c), acc);
        lr_barrier_wait(bar, nt);
        break;
    case LR_KMODE_HEAP: {
        /* Large p: per-thread partial rows on the heap, summed by column. */
        double *mine = ks->part + (size_t)t * ks->stride;
        memset(mine, 0, m * sizeof *mine);
        if (!team) {
            for (size_t c = 0; c < nchunks; c++)
                rows(ks, o, UNIT_LO(c), UNIT_HI(c), mine);
            sum_rows(ks->part, 1, ks->stride, m, acc, 0);
            break;
        }
#pragma omp for schedule(static) nowait
        for (size_t c = 0; c < nu; c++)
            rows(ks, o, UNIT_LO(c), UNIT_HI(c), mine);
        lr_barrier_wait(bar, nt);
        sum_rows(ks->part, (size_t)nt, ks->stride, m, acc, 1);
        lr_barrier_wait(bar, nt);
        break;
    }
    default: { /* LR_KMODE_DET */
        /* Fixed blocks whose size depends on p only, each summed serially,
         * then combined in block order: acc = ((0 + s_0) + s_1) + ..., the
         * same bits for any thread count. Thread t takes the blocks
         * [t B / T, (t + 1) B / T) in order. Thread 0's run starts the
         * order, so it adds each of its blocks into acc as it goes, in one
         * row that stays in the cache; the others write theirs out, and
         * the team adds those after a barrier. Each block's row written
         * and read back was 3% of float X's bytes at p >= 128: X of 1 GB
         * (bench --sweep --mb 1024, Intel Xeon VM, two rounds, the builds
         * in turn), --deterministic over the clause path at 1 thread went
         * from 1.023-1.067x to 0.998-1.013x at p = 128 and 1000, double
         * and float; at 2 threads, where half the rows are still written,
         * from 0.990-1.060x to 1.022-1.050x. The same bits as before. */
        const size_t head = ks->combine_later ? 0 : nchunks / (size_t)nt;
        const size_t c0 = (size_t)t * nchunks / (size_t)nt;
        const size_t c1 = ((size_t)t + 1) * nchunks / (size_t)nt;
        for (size_t c = c0; c < c1; c++) {
            double *pc = ks->part + (c < head ? 0 : c) * ks->stride;
            size_t hi = (c + 1) * cr < n ? (c + 1) * cr : n;
            memset(pc, 0, m * sizeof *pc);
            rows(ks, o, c * cr, hi, pc);
            if (c < head)
                for (size_t j = 0; j < m; j++)
                    acc[j] = acc[j] + pc[j];
        }
        lr_barrier_wait(bar, nt);
        if (ks->combine_later)
            break; /* distributed: combined with the other processes' blocks */
        sum_rows_from(ks->part + head * ks->stride, nchunks - head, ks->stride,
                      m, 1, acc, team);
        lr_barrier_wait(bar, nt);
        break;
    }
    }
#undef UNIT_LO
#undef UNIT_HI
}

void lr_kernel_run(const lr_kernel_state *ks, size_t k, lr_step_fn step,
                   void *ctx)
{
    const size_t m = ks->p + 2;
    lr_load *ld = ks->load;
    size_t i = 0; /* passes done and evaluated */
    int stop = 0;
    lr_barrier bar; /* the team's: set up at each stretch's start */

    /* Stretches of iterations at one team size each: with ks->load the
     * size may change between two iterations (the master decides after an
     * evaluation, before the next update), and the loop leaves the region
     * and enters a new one of the new size; the iterations stay the same
     * [update, pass, eval] rounds. */
    while (!stop && i < k) {
        const int nt = ld ? ld->cur : ks->threads;
        if (nt <= 1) {
            while (i < k) {
                step(ctx, LR_PHASE_UPDATE);
                memset(ks->acc, 0, m * sizeof *ks->acc);
                if (ld && lr_load_due(ld))
                    lr_load_sample(ld, 1);
                pass_team(ks, NULL); /* alone */
                i++;
                stop = step(ctx, LR_PHASE_EVAL);
                /* decided after every pass, the last of a call too: the
                 * windows do not depend on how the caller splits the run */
                if ((ld && lr_load_decide(ld) != nt) || stop)
                    break;
            }
            continue;
        }
        int leave = 0;
        lr_barrier_init(&bar, nt);
        /* One parallel region around the stretch; the update and the
         * stopping test run on the master thread between passes (two
         * barriers an iteration, bar's: barrier.c): with MPI (funneled)
         * only it may communicate. */
#pragma omp parallel num_threads(nt)
        for (size_t it = 0;; it++) {
#pragma omp master
            {
                if (it > 0) {
                    i++;
                    stop = step(ctx, LR_PHASE_EVAL);
                    leave = ld && lr_load_decide(ld) != nt;
                }
                if (i == k)
                    stop = 1;
                if (!stop && !leave) {
                    step(ctx, LR_PHASE_UPDATE);
                    memset(ks->acc, 0, m * sizeof *ks->acc);
                }
            }
            int t, size;
            lr_team(&t, &size); /* nt, or fewer if the runtime gave fewer */
            lr_barrier_wait(&bar, size);
            if (stop || leave)
                break;
            /* just released: every thread of the team is runnable now */
#pragma omp master
            if (ld && lr_load_due(ld))
                lr_load_sample(ld, size);
            pass_team(ks, &bar);
        }
    }
}

/* Eight independent partial sums per thread: a single running sum would be
 * bound by the latency of one add per element (about 8 GB/s), not by the
 * memory system. */
__attribute__((target_clones("avx2", "default")))
double lr_read_sum(const double *a, size_t len, int threads)
{
    double s = 0.0;
    threads = lr_threads_resolve(threads);
#pragma omp parallel num_threads(threads) reduction(+: s)
    {
        double t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        size_t nb = len / 8;
#pragma omp for schedule(static)
        for (size_t k = 0; k < nb; k++)
            for (int u = 0; u < 8; u++)
                t[u] += a[k * 8 + (size_t)u];
        for (int u = 0; u < 8; u++)
            s += t[u];
    }
    for (size_t i = len / 8 * 8; i < len; i++)
        s += a[i];
    return s;
}

__attribute__((target_clones("avx2", "default")))
double lr_read_sum_f32(const float *a, size_t len, int threads)
{
    double s = 0.0;
    threads = lr_threads_resolve(threads);
#pragma omp parallel num_threads(threads) reduction(+: s)
    {
        float t[16] = {0};
        size_t nb = len / 16;
#pragma omp for schedule(static)
        for (size_t k = 0; k < nb; k++)
            for (int u = 0; u < 16; u++)
                t[u] += a[k * 16 + (size_t)u];
        for (int u = 0; u < 16; u++)
            s += (double)t[u];
    }
    for (size_t i = len / 16 * 16; i < len; i++)
        s += (double)a[i];
    return s;
}

/* The serial Gram accumulation over rows [lo, hi) into buf = [G, c, yy]. */
static inline void gram_rows(const lr_kernel_state *ks, size_t lo, size_t hi,
                             double *buf)
{
    const size_t m = ks->p + 1;
    const lr_kernel_ops *o = kops();
    if (ks->Xf)
        o->gram_f32(ks->Xf, ks->y, ks->p, lo, hi, buf, buf + m * m,
                    buf + m * m + m);
    else
        o->gram(ks->X, ks->y, ks->p, lo, hi, buf, buf + m * m,
                buf + m * m + m);
}

void lr_kernel_gram(const lr_kernel_state *ks, double *buf, double *part,
                    size_t stride)
{
    const size_t n = ks->n, m = ks->p + 1, len = m * m + m + 1;
    const size_t cr = ks->chunk_rows, nchunks = (n + cr - 1) / cr;
    memset(buf, 0, len * sizeof *buf);
    if (ks->threads <= 1) {
        gram_rows(ks, 0, n, buf);
        return;
    }
    if (!part) {
        /* The sum over samples as an array-section reduction clause, like
         * the gradient (private copies on each thread's stack: small m). */
#pragma omp parallel for num_threads(ks->threads) schedule(static) \
    reduction(+: buf[:len])
        for (size_t c = 0; c < nchunks; c++)
            gram_rows(ks, c * cr, (c + 1) * cr < n ? (c + 1) * cr : n, buf);
        return;
    }
    /* Large m: per-thread partials on the heap, summed by entry. */
#pragma omp parallel num_threads(ks->threads)
    {
        int t, nt;
        lr_team(&t, &nt);
        double *mine = part + (size_t)t * stride;
        memset(mine, 0, len * sizeof *mine);
#pragma omp for schedule(static)
        for (size_t c = 0; c < nchunks; c++)
            gram_rows(ks, c * cr, (c + 1) * cr < n ? (c + 1) * cr : n, mine);
        sum_rows(part, (size_t)nt, stride, len, buf, 1);
    }
}

/* s = G x on the table in use (lr_internal.h). */
void lr_kernel_symv(const double *G, size_t m, const double *x, double *s)
{
    kops()->symv(G, m, x, s);
}

/* out[0..p] = Xa^T (Xa [v, vb]) (sums, not divided by n), by per-thread
 * partial rows `part` (threads x stride) summed by entry. */
void lr_kernel_xtxv(const lr_kernel_state *ks, const double *v, double vb,
                    double *out, double *part, size_t stride)
{
    const size_t n = ks->n, p = ks->p, cr = ks->chunk_rows;
    const size_t nchunks = (n + cr - 1) / cr;
    const lr_kernel_ops *o = kops();
#pragma omp parallel num_threads(ks->threads)
    {
        int t, nt;
        lr_team(&t, &nt);
        double *mine = part + (size_t)t * stride;
        memset(mine, 0, (p + 1) * sizeof *mine);
#pragma omp for schedule(static)
        for (size_t c = 0; c < nchunks; c++) {
            size_t hi = (c + 1) * cr < n ? (c + 1) * cr : n;
            if (ks->Xf)
                o->xtxv_f32(ks->Xf, p, v, vb, c * cr, hi, n, mine);
            else
                o->xtxv(ks->X, p, v, vb, c * cr, hi, n, mine);
        }
        sum_rows(part, (size_t)nt, stride, p + 1, out, 1);
    }
}
