/* bench-gram.c -- the Gram pass against the machine's FMA peak (built and
 * run by scripts/bench-gram.sh; not part of the library or the tests).
 *   bench-gram path                 the path the Gram pass takes here
 *   bench-gram fma THREADS          FMA throughput of the vector units,
 *                                   GFMA/s summed over THREADS threads
 *                                   (independent chains, best of 7)
 *   bench-gram gram X.npy y.npy THREADS REPS [f32] [PATH...]
 *                                   the Gram sums of [X 1 y] by each PATH
 *                                   (default: all this CPU runs) of
 *                                   kernel-avx512, kernel-avx2, dsyrk
 *                                   (each also -deterministic, the slabs
 *                                   of --deterministic) and row-kernel,
 *                                   best of REPS, as CSV rows (wall
 *                                   seconds and CPU seconds)
 * GFMA/s count the useful multiply-adds of X^T X, n p (p + 1) / 2. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gram_blas.h"
#include "linreg_io.h"

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void) { return clock_s(CLOCK_MONOTONIC); }

/* 12 independent FMA chains (latency 4 x 2 pipes needs 8), `it` rounds */
__attribute__((target("avx512f"))) static double fma512(long it)
{
    __m512d a[12];
    const __m512d x = _mm512_set1_pd(1.0000001), y = _mm512_set1_pd(-1e-9);
    for (int i = 0; i < 12; i++)
        a[i] = _mm512_set1_pd((double)i);
    for (long k = 0; k < it; k++) {
#pragma GCC unroll 12 /* the chains in registers, not in memory */
        for (int i = 0; i < 12; i++)
            a[i] = _mm512_fmadd_pd(a[i], x, y);
    }
    __m512d s = a[0];
    for (int i = 1; i < 12; i++)
        s = _mm512_add_pd(s, a[i]);
    return _mm512_reduce_add_pd(s);
}

__attribute__((target("avx2,fma"))) static double fma256(long it)
{
    __m256d a[12];
    const __m256d x = _mm256_set1_pd(1.0000001), y = _mm256_set1_pd(-1e-9);
    for (int i = 0; i < 12; i++)
        a[i] = _mm256_set1_pd((double)i);
    for (long k = 0; k < it; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++)
            a[i] = _mm256_fmadd_pd(a[i], x, y);
    }
    __m256d s = a[0];
    for (int i = 1; i < 12; i++)
        s = _mm256_add_pd(s, a[i]);
    double o[4];
    _mm256_storeu_pd(o, s);
    return o[0] + o[1] + o[2] + o[3];
}

static double sink;

/* GFMA/s of `threads` threads each running the loop for `wide` lanes,
 * each thread's count over its own CPU time (what a core does while it
 * runs the loop: robust to other processes on a loaded machine), summed */
static double fma_rate(int threads, int wide)
{
    const long it = 20000000;
    double best = 0.0;
    for (int r = 0; r < 7; r++) {
        double s = 0.0, g = 0.0;
#pragma omp parallel num_threads(threads) reduction(+: s, g)
        {
            const double t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
            s += wide == 8 ? fma512(it) : fma256(it);
            g += 12.0 * wide * (double)it
                 / (clock_s(CLOCK_THREAD_CPUTIME_ID) - t0) / 1e9;
        }
        sink += s;
        best = g > best ? g : best;
    }
    return best;
}

static int cmd_fma(int threads)
{
    __builtin_cpu_init();
    const double a2 = __builtin_cpu_supports("avx2") ? fma_rate(threads, 4) : 0.0;
    const double a5 = __builtin_cpu_supports("avx512f") ? fma_rate(threads, 8) : 0.0;
    printf("threads,avx2_gfma,avx512_gfma,peak_gfma\n%d,%.2f,%.2f,%.2f\n",
           threads, a2, a5, a5 > a2 ? a5 : a2);
    return sink == 12345.0;
}

/* PATH names: our kernel per instruction set, dsyrk, each with or
 * without -deterministic, and the row kernel */
static const struct {
    const char *name;
    int path, det;
} paths[] = {
    {"kernel-avx512", LR_GRAM_AVX512, 0}, {"kernel-avx512-deterministic", LR_GRAM_AVX512, 1},
    {"kernel-avx2", LR_GRAM_AVX2, 0},     {"kernel-avx2-deterministic", LR_GRAM_AVX2, 1},
    {"kernel-base", LR_GRAM_BASE, 0},     {"dsyrk", LR_GRAM_DSYRK, 0},
    {"dsyrk-deterministic", LR_GRAM_DSYRK, 1}, {"row-kernel", -1, 0},
};
enum { NPATHS = sizeof paths / sizeof *paths };

static int cmd_gram(const char *xp, const char *yp, int threads, int reps,
                    int f32, char **names, int nnames)
{
    lr_npy X, Y;
    char err[256];
    if (lr_npy_open(xp, &X, err, sizeof err) != LR_SUCCESS
        || lr_npy_open(yp, &Y, err, sizeof err) != LR_SUCCESS || X.f32
        || Y.f32 || Y.n != X.n) {
        fprintf(stderr, "bench-gram: %s\n", err);
        return 1;
    }
    const size_t n = X.n, p = X.p, m = p + 1;
    const double *Xd = X.data;
    float *Xf = NULL;
    if (f32) {
        Xf = malloc(n * p * sizeof *Xf);
        for (size_t k = 0; k < n * p; k++)
            Xf[k] = (float)Xd[k];
        Xd = NULL;
    }
    double *buf = malloc((m * m + m + 1) * sizeof *buf);
    double *part = malloc((size_t)threads * lr_pad8(m * m + m + 1) * sizeof *part);
    lr_kernel_state ks;
    lr_kernel_setup(&ks, Xd, Xf, Y.data, n, p, threads, LR_KMODE_CLAUSE);
    const double fmas = (double)n * (double)p * (double)(p + 1) / 2.0;
    for (int k = 0; k < NPATHS; k++) {
        int want = nnames == 0 && paths[k].path != LR_GRAM_BASE;
        for (int a = 0; a < nnames; a++)
            want |= strcmp(names[a], paths[k].name) == 0;
        if (!want)
            continue;
        double best = 1e300, best_cpu = 1e300;
        int st = LR_SUCCESS;
        for (int r = 0; r < reps && st == LR_SUCCESS; r++) {
            const double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
            if (paths[k].path >= 0) {
                st = lr_gram_sums_path(&ks, paths[k].det, paths[k].path, buf);
            } else {
                /* as the gram solver ran it before: the reduction
                 * clause, heap partials above LR_GRAM_CLAUSE_MAX */
                lr_kernel_gram(&ks, buf,
                               m * m + m + 1 > LR_GRAM_CLAUSE_MAX ? part : NULL,
                               lr_pad8(m * m + m + 1));
            }
            const double dt = now() - t0;
            const double dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
            best = dt < best ? dt : best;
            best_cpu = dc < best_cpu ? dc : best_cpu;
        }
        if (st == LR_EINVAL)
            continue; /* an instruction set this CPU lacks */
        if (st != LR_SUCCESS)
            return 1;
        printf("%zu,%zu,%s,%d,%s,%.6f,%.2f,%.6f,%.2f\n", p, n,
               f32 ? "float" : "double", threads, paths[k].name, best,
               fmas / best / 1e9, best_cpu, fmas / best_cpu / 1e9);
    }
    free(buf);
    free(part);
    free(Xf);
    lr_npy_close(&X);
    lr_npy_close(&Y);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "fma") == 0)
        return cmd_fma(atoi(argv[2]));
    if (argc >= 6 && strcmp(argv[1], "gram") == 0) {
        const int f32 = argc > 6 && strcmp(argv[6], "f32") == 0;
        return cmd_gram(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), f32,
                        argv + 6 + f32, argc - 6 - f32);
    }
    if (argc == 2 && strcmp(argv[1], "path") == 0) {
        printf("kernel-%s\n", lr_gram_path_name(lr_gram_path()));
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "blas") == 0) {
        printf("%s\n", lr_blas_name());
        return 0;
    }
    fprintf(stderr, "usage: bench-gram fma THREADS | gram X.npy y.npy THREADS REPS [f32] [PATH...] | path | blas\n");
    return 2;
}
