/* lr_internal.h -- declarations shared inside liblinreg, not public. */
#ifndef LR_INTERNAL_H
#define LR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "lr_util.h"

/* a*b without overflow: 1 and *out on success, 0 on overflow. */
static inline int lr_mul_ok(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* Element (i, j) of a view (any stride). */
static inline double lr_mat_at(const lr_matrix *A, size_t i, size_t j)
{
    const size_t k = i * A->stride + j;
    return A->type == LR_F32 ? (double)((const float *)A->data)[k]
                             : ((const double *)A->data)[k];
}

/* A valid view: data (unless empty), a known type, stride >= cols. */
int lr_matrix_valid(const lr_matrix *A);
/* The kernels' storage of a view with contiguous rows: *X (double) or
 * *Xf (float), the other NULL. LR_EINVAL for an invalid view, no rows or
 * columns, or rows with a stride above cols (not yet taken by the passes
 * over X). */
int lr_matrix_rows(const lr_matrix *A, const double **X, const float **Xf);

/* ---- gsl_guard.c: no GSL error handler on the library's paths ---- */

/* Between enter and leave, GSL's error handler is a silent one (GSL then
 * returns its status, which the library maps), whatever the handler was;
 * nested and concurrent library calls share one count under a lock, and
 * the last leave restores the previous handler. */
void lr_gsl_enter(void);
void lr_gsl_leave(void);

/* X[i*p + j] (k = i*p + j) from whichever storage is given. */
static inline double lr_xat(const double *X, const float *Xf, size_t k)
{
    return X ? X[k] : (double)Xf[k];
}

/* k rounded up to a multiple of 8 doubles: rows of 64 bytes (a cache
 * line) for per-thread and per-block partials. */
static inline size_t lr_pad8(size_t k)
{
    return (k + 7) / 8 * 8;
}

/* snprintf into err if err is not NULL; returns status. */
int lr_set_err(int status, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));


/* A file written to a temporary beside its path and renamed into place by
 * lr_atomic_end when ok and every write succeeded (removed otherwise). */
typedef struct {
    FILE *fp;
    lr_output out;
} lr_atomic_file;
int lr_atomic_begin(lr_atomic_file *f, const char *path, char *err,
                    size_t errlen);
int lr_atomic_end(lr_atomic_file *f, int ok, char *err, size_t errlen);

/* A sum over the processes of a distributed fit: buf[0..count) summed in
 * place; nonzero on failure (lr_dist.sum's shape). */
typedef int (*lr_sum_fn)(double *buf, size_t count, void *ctx);

/* ---- scaling.c: column standardization ---- */

/* Column means (when center, else 0) and population sds about them, of X
 * (double) or Xf (float); an sd of 0 becomes 1. */
void lr_column_stats(const double *X, const float *Xf, size_t n, size_t p,
                     int center, double *mu, double *sd);
/* The same over the n local rows of a fit of n_all rows in all, each of
 * the two passes' sums combined by sum (NULL: none). LR_SUCCESS, or LR_EIO
 * when sum fails. */
int lr_column_stats_sum(const double *X, const float *Xf, size_t n, size_t p,
                        size_t n_all, int center, double *mu, double *sd,
                        lr_sum_fn sum, void *ctx);
/* The same from the Gram matrix G (m x m, m = p + 1, upper triangle, last
 * column the column sums) of n rows: var = G_jj / n - mu_j^2 (one pass
 * fewer, at the price of cancellation; the exact solver refines it away). */
void lr_column_stats_gram(const double *G, size_t p, double n, int center,
                          double *mu, double *sd);
/* Standardized weights (v, c) to raw ones: w_j = v_j / sd_j,
 * b = c - sum w_j mu_j; sd NULL: w = v, b = c. */
void lr_unscale(size_t p, const double *mu, const double *sd, const double *v,
                double c, double *w, double *b);

/* ---- clock.c, threads.c ---- */

/* A monotonic wall clock, in seconds. */
double lr_now(void);

/* ---- the exact solvers (solve.c dispatches by lr_solve_plan) ---- */

/* Above this order the Gram route factors by Cholesky instead of SVD. */
#define LR_GRAM_SVD_MAX_M 512

int lr_solve_svd(const double *X, const float *Xf, const double *y, size_t n,
                 size_t p, const lr_params *par, double *w, double *b,
                 double *mse);
int lr_solve_gram(const double *X, const float *Xf, const double *y,
                  size_t n, size_t p, const lr_params *par,
                  const lr_dist *dist, double *w, double *b, double *mse);
int lr_solve_dual(const double *X, const float *Xf, const double *y,
                  size_t n, size_t p, const lr_params *par, double *w,
                  double *b, double *mse);

/* Threads to use for `requested` (0: OpenMP's default). */
int lr_threads_resolve(int requested);
/* The double nearest the decimal s[0..len) (all of it: [+-]digits[.digits]
 * [e[+-]digits]), as strtod gives it, into *out: 1; or 0 where strtod
 * must decide (anything else, more than 19 significant digits, a result
 * that is subnormal or out of range, the algorithm's rare undecided case).
 * parse_double.c. */
int lr_parse_double(const char *s, size_t len, double *out);
/* The same for the number that starts at s, before end, read as far as
 * its grammar goes: the byte after it, with *out set; or NULL (as 0
 * above: no number there, or strtod must decide). The CSV reader's fast
 * path: the caller checks what follows. parse_double.c. */
const char *lr_parse_number(const char *s, const char *end, double *out);
/* n numbers from s, one delimiter between each two, into out[0..n): the
 * byte after the last, or NULL as above (out partly written). */
const char *lr_parse_row(const char *s, const char *end, char delim,
                         size_t n, double *out);

/* ---- csv.c ---- */

/* The bytes of the pread windows the CSV reader parses a mapped file's
 * records from (2 MB; the tests set smaller ones, to cross many window
 * edges in a small file); 0: through the mapping alone, the reference the
 * windows must equal. */
extern size_t lr_csv_window;

/* ---- NumPy legacy RandomState samplers on top of GSL's MT19937 ---- */
typedef struct lr_nprng lr_nprng;
lr_nprng *lr_nprng_alloc(uint32_t seed);
void lr_nprng_free(lr_nprng *r);
uint32_t lr_nprng_u32(lr_nprng *r);
double lr_nprng_double(lr_nprng *r);
double lr_nprng_gauss(lr_nprng *r);
uint64_t lr_nprng_interval(lr_nprng *r, uint64_t max);
void lr_nprng_shuffle(lr_nprng *r, size_t *a, size_t n);

/* ---- kernels (kernels.c: the only code with #pragma omp) ---- */

/* The state one fused pass reads and writes. */
typedef struct {
    const double *X;         /* X in double, or NULL */
    const float *Xf;         /* X in float (sums still in double), or NULL */
    const double *y;
    size_t n, p;
    const double *w;         /* current weights (p) */
    const double *b;         /* current bias */
    double *acc;             /* p + 2 sums of the current weights:
                                X^T r (p), sum r, sum r^2 (not divided by n) */
    double *part;            /* partial rows: nunits x stride (heap, det) */
    size_t stride;           /* doubles per partial row: p + 2 padded to 8
                                (heap: lr_part_stride, pages a page apart) */
    size_t nunits;           /* rows of part */
    size_t chunk_rows;       /* rows per chunk, or per deterministic block */
    int mode;                /* LR_KMODE_* */
    int precise;             /* double-double sums (small problems) */
    int combine_later;       /* det mode, distributed: leave the block
                                partials for a global combine */
    int threads;             /* threads used (1: serial path) */
    struct lr_load *load;    /* the team follows the load (load.c), or NULL */
} lr_kernel_state;

enum { LR_KMODE_CLAUSE = 0, LR_KMODE_HEAP = 1, LR_KMODE_DET = 2 };

/* Above this many features the reduction clause (whose private copies live
 * on each thread's stack) gives way to per-thread partial rows on the heap. */
#define LR_CLAUSE_MAX_P 512

/* Problems with fewer elements than this take the serial path: a parallel
 * pass costs more in barriers than it saves. */
#define LR_PAR_MIN_ELEMS 32768

/* Threads for one pass over X outside the training kernels (the score,
 * the maxima, the design check): OpenMP's default from LR_PAR_MIN_ELEMS
 * elements on, else 1. */
static inline int lr_pass_threads(const lr_matrix *X)
{
    size_t cells;
    if (!lr_mul_ok(X->rows, X->cols, &cells) || cells < LR_PAR_MIN_ELEMS)
        return 1;
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* This thread's number and its team's size (0 and 1 outside a team). */
static inline void lr_team(int *t, int *k)
{
#ifdef _OPENMP
    *t = omp_get_thread_num();
    *k = omp_get_num_threads();
#else
    *t = 0;
    *k = 1;
#endif
}

/* The first row of thread t's share of n rows among k threads (the
 * first n % k threads take one row more); t = k gives n. */
static inline size_t lr_share_lo(size_t n, int k, int t)
{
    const size_t q = n / (size_t)k, r = n % (size_t)k, u = (size_t)t;
    return q * u + (u < r ? u : r);
}

/* Small problems (below LR_PAR_MIN_ELEMS, on the serial path) with
 * 2 <= p <= LR_LD_MAX_P sum in double-double (kernel_rows_t.h: rows_ld). */
#define LR_LD_MAX_P 64

/* Rows per chunk (and per deterministic block) for p features: a function
 * of p only, never of the thread count. */
size_t lr_chunk_rows(size_t p);

/* Nonzero: float rows of LR_F32_L1_MIN to LR_F32_L1_MAX features widen
 * each element twice and prefetch into the L1 cache (kernel_ops.h). Set
 * at the kernels' first use, on AMD's CPUs (LINREG_F32_L1=0 or 1 sets
 * it, for measurements); read relaxed by the kernels: only their speed
 * depends on it. */
extern int lr_kf32_l1;

/* Nonzero: double rows of more than LR_DBL_BLK4_MIN features take blocks
 * of four rows (rows_pr) instead of one row a block (to 1536) or the
 * pipelined pass (kernel_ops.h). Set like lr_kf32_l1, on AMD's CPUs
 * (LINREG_DBL_BLK4=0 or 1 sets it); the same bits either way. */
extern int lr_kdbl_blk4;

/* The row kernels' instruction set (lr_kernel_isa_name's, as a level):
 * the other passes built for several (the score, the design hash, the CSV
 * scan, the Gram kernels) follow it, so that LR_ISA forces them too. */
enum { LR_ISA_BASELINE = 0, LR_ISA_AVX2 = 1, LR_ISA_AVX512 = 2 };
int lr_kernel_isa_level(void);

/* The iteration driver calls step(ctx, LR_PHASE_EVAL) on one thread after
 * each pass (acc holds the sums of the current weights; nonzero return
 * stops), and step(ctx, LR_PHASE_UPDATE) before each pass to move the
 * weights. */
enum { LR_PHASE_UPDATE = 0, LR_PHASE_EVAL = 1 };
typedef int (*lr_step_fn)(void *ctx, int phase);

/* load.c: the team size of a fit with lr_params.adapt_threads, which
 * follows the runnable tasks of the machine (see load.c for the rule). */
typedef struct lr_load {
    int max, cur;            /* the team the fit started with; the next one */
    int tmin, tmax;          /* the smallest and largest teams run */
    size_t switches;         /* changes of cur */
    int cpus;                /* the system's online cores */
    int fd;                  /* /proc/loadavg, or -1 */
    int on, failed;          /* adapting; a read failed (off at next decide) */
    double next;             /* the clock of the next sample */
    double sum;              /* the others' runnable tasks, summed over */
    int nsamples;            /* the samples of the current window */
    const char *test;        /* LINREG_TEST_LOAD, or NULL */
    size_t test_pos;
} lr_load;
/* Starts at `threads` (adapting only above 1, on Linux); lr_load_close
 * releases it. */
void lr_load_init(lr_load *ld, int threads);
void lr_load_close(lr_load *ld);
/* Whether a sample is due (master only; a clock read). */
int lr_load_due(lr_load *ld);
/* One sample while `own` threads of this fit are runnable. */
void lr_load_sample(lr_load *ld, int own);
/* The team for the next stretch of iterations (a decision once a window of
 * samples is complete, else the current team). */
int lr_load_decide(lr_load *ld);

/* barrier.c: the barrier of lr_kernel_run's team, which makes no system
 * call unless a thread sleeps (libgomp's makes one every time). A waiting
 * thread spins as many pauses as libgomp's own waits would (OMP_WAIT_POLICY,
 * GOMP_SPINCOUNT), then sleeps. Initialised before the parallel region,
 * shared by its team; `threads` is the team's size at every wait. */
typedef struct {
    _Alignas(64) atomic_uint gen;       /* generation: +1 each release */
    atomic_int sleepers;                /* threads asleep or about to be */
    _Alignas(64) atomic_uint count;     /* arrivals at the current one */
    unsigned long long spins;           /* pauses before sleeping */
} lr_barrier;
void lr_barrier_init(lr_barrier *b, int threads);
void lr_barrier_wait(lr_barrier *b, int threads);
/* The spin count libgomp derives from OMP_WAIT_POLICY and GOMP_SPINCOUNT
 * (either may be NULL): ULLONG_MAX for active or "infinite", 0 for
 * passive, else the count with its suffix, else 300000. */
unsigned long long lr_spin_parse(const char *policy, const char *count);

/* Runs up to k rounds of [update, pass, eval] inside one parallel region
 * (or serially when ks->threads == 1); with ks->load, in stretches whose
 * team size follows the load, leaving and re-entering the region. */
void lr_kernel_run(const lr_kernel_state *ks, size_t k, lr_step_fn step,
                   void *ctx);

/* The serial row kernels (fused pass, Gram, X^T X v) are in kernel_rows.h,
 * one table per instruction set (kernel_ops.h). */

/* kernel_state.c: fills ks for a pass over X (or Xf) and y, n x p, on
 * `threads` threads in `mode` (LR_KMODE_*): sizes, the padded stride and
 * the rows per chunk; w, b, acc and part are the caller's to set. */
void lr_kernel_setup(lr_kernel_state *ks, const double *X, const float *Xf,
                     const double *y, size_t n, size_t p, int threads,
                     int mode);
/* One fused pass at ks->w, *ks->b: ks->acc (stride doubles) cleared, then
 * X^T r, sum r and sum r^2 into it. */
void lr_kernel_pass(const lr_kernel_state *ks);


/* buf (m*m + m + 1, m = p + 1) receives, in one parallel pass over the
 * samples, the upper triangle of Xa^T Xa, Xa^T y and y^T y (sums, not
 * divided by n). part: NULL for the reduction clause, or threads rows of
 * `stride` doubles for per-thread partials (large m). */
void lr_kernel_gram(const lr_kernel_state *ks, double *buf, double *part,
                    size_t stride);

/* out[0..p] = Xa^T (Xa [v, vb]) in one parallel pass; part holds
 * ks->threads rows of `stride` >= p + 1 doubles. */
void lr_kernel_xtxv(const lr_kernel_state *ks, const double *v, double vb,
                    double *out, double *part, size_t stride);

/* s = G x for G (m x m) symmetric and stored whole, serial: s_j = sum_k
 * G_jk x_k summed in k order from 0.0, the bits of a loop along row j on
 * every instruction set, vectorised across j (kernel_rows.h). The gram
 * solver's products with G: at m = 257 (AMD EPYC VM) the power iteration
 * of --lr auto, some 2000 of them, took 50 ms a row at a time (one chain
 * of dependent adds a row), and column by column 12.6 ms on the baseline
 * path, 9.2 on AVX2 and 8.9 on AVX-512 (G, 0.5 MB, read from L2 each
 * time). */
void lr_kernel_symv(const double *G, size_t m, const double *x, double *s);

/* Above this many entries in [G, c, yy] the gram pass uses heap partials. */
#define LR_GRAM_CLAUSE_MAX 32768

#endif
