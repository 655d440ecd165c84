/* bench-passes.c -- the passes every fit makes once over X besides its
 * iterations (scripts/bench-passes.sh): lr_max_abs, lr_design_check,
 * lr_null_mse and lr_score, each the best of R calls, against one plain
 * parallel read of X in the same run. X is n x p uniform in [-0.5, 0.5)
 * (double, or float with "float"), y likewise. Timings are reported,
 * never asserted.
 *   bench-passes N P THREADS [float] */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linreg.h"
#include "lr_internal.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

enum { REPS = 5 };

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench-passes N P THREADS [float]\n");
        return 2;
    }
    const size_t n = strtoul(argv[1], NULL, 10), p = strtoul(argv[2], NULL, 10);
    const int t = atoi(argv[3]), f32 = argc > 4 && strcmp(argv[4], "float") == 0;
    const size_t cells = n * p, esz = f32 ? sizeof(float) : sizeof(double);
    void *X = lr_alloc_rows(cells * esz);
    double *y = malloc(n * sizeof *y), *w = malloc(p * sizeof *w);
    double *xm = malloc(p * sizeof *xm);
    long *dep = malloc(p * sizeof *dep);
    if (!X || !y || !w || !xm || !dep) {
        fprintf(stderr, "bench-passes: out of memory\n");
        return 1;
    }
    omp_set_num_threads(t);
    uint64_t s = 0x9e3779b97f4a7c15ULL;
#pragma omp parallel for schedule(static) /* first touch by the threads */
    for (size_t k = 0; k < cells; k++) {
        if (f32)
            ((float *)X)[k] = 0.0f;
        else
            ((double *)X)[k] = 0.0;
    }
    for (size_t k = 0; k < cells; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const double v = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        if (f32)
            ((float *)X)[k] = (float)v;
        else
            ((double *)X)[k] = v;
    }
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        y[i] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
    }
    for (size_t j = 0; j < p; j++)
        w[j] = 0.1 * (double)(j % 7) - 0.3;
    const lr_matrix M = f32 ? lr_matrix_f32(X, n, p) : lr_matrix_f64(X, n, p);
    double best[5] = {1e30, 1e30, 1e30, 1e30, 1e30}, sink = 0, mse, r2, ym;
    for (int r = 0; r < REPS; r++) {
        /* the plain read: every byte once, by the same threads, as 64-bit
         * words XORed together (a reduction the compiler vectorizes) */
        const uint64_t *xw = X;
        const size_t words = cells * esz / 8;
        uint64_t acc = 0;
        double t0 = now();
#pragma omp parallel for schedule(static) reduction(^ : acc)
        for (size_t k = 0; k < words; k++)
            acc ^= xw[k];
        double t1 = now();
        sink += (double)(acc & 1);
        best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
        lr_max_abs(M, y, xm, &ym);
        double t2 = now();
        best[1] = t2 - t1 < best[1] ? t2 - t1 : best[1];
        sink += (double)lr_design_check(M, 1, dep);
        double t3 = now();
        best[2] = t3 - t2 < best[2] ? t3 - t2 : best[2];
        sink += lr_null_mse(y, n, 1);
        double t4 = now();
        best[3] = t4 - t3 < best[3] ? t4 - t3 : best[3];
        lr_score(M, y, w, 0.25, &mse, &r2);
        double t5 = now();
        best[4] = t5 - t4 < best[4] ? t5 - t4 : best[4];
        sink += mse + r2 + ym + xm[0];
    }
    printf("%zu,%zu,%s,%d,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f,%.3f\n", n, p,
           f32 ? "float" : "double", t, lr_kernel_isa_name(), best[0] * 1e3,
           best[1] * 1e3, best[2] * 1e3, best[3] * 1e3, best[4] * 1e3,
           best[1] / best[0], best[2] / best[0], best[4] / best[0]);
    if (sink == 42.0) /* keeps the sums */
        fprintf(stderr, "\n");
    free(X);
    free(y);
    free(w);
    free(xm);
    free(dep);
    return 0;
}
