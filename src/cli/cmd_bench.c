/* cmd_bench.c -- `linreg bench`: the speed measurements of `make bench`, at
 * the benchmark sizes (a = 500x1, the tutorial; b = 1e6x16; c = 1e5x256;
 * d = 4e6x8), for each thread count, all in one run so ratios compare like
 * with like: one plain parallel read of X; a training iteration with the
 * reduction clause, with --deterministic, and with X in float; and the fast
 * generator's normal draws per second. Reports; never asserts. */
#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_OUT = 1, OPT_THREADS, OPT_REPEAT, OPT_SIZES, OPT_CSV_MB, OPT_SWEEP,
       OPT_PS, OPT_MB, OPT_CROSSOVER, OPT_HELP };

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cli_cmp_double);
    return v[n / 2];
}

/* The spread of the R ratios num[r] / den[r], each pair timed in the same
 * turn: how far this machine's noise moves one ratio. buf holds R; taken
 * before median() sorts num or den. */
static cli_stats pair_stats(const double *num, const double *den, size_t R,
                            double *buf)
{
    for (size_t r = 0; r < R; r++)
        buf[r] = num[r] / den[r];
    return cli_stats_of(buf, R);
}

static void usage(FILE *f)
{
    fputs("usage: linreg bench [--out FILE.csv] [--threads 1,2] [--repeat R]\n"
          "                    [--sizes abcd]\n"
          "       linreg bench --sweep [--ps 1,2,3,...] [--mb MB] [--threads 1,2]\n"
          "                    [--repeat R] [--out FILE.csv]\n"
          "       linreg bench --crossover P [--threads 2] [--repeat R] [--out FILE.csv]\n"
          "\n"
          "Per size and thread count: a plain parallel read of X, and the time\n"
          "per training iteration (reduction clause, deterministic, float X),\n"
          "each the median of R timed runs, the four taken in turn; the\n"
          "quartiles of the R iterations against the read just before them;\n"
          "the fast generator's draws/s.\n"
          "\n"
          "--sweep: for each p of --ps (default 1,2,3,5,7,13,16,24,32,50,64,100,\n"
          "128,200,512,1000), X of about --mb megabytes of doubles (default 128),\n"
          "stored as double and as float: a plain read of the bytes of X and y,\n"
          "and the time per iteration with the reduction clause and with\n"
          "--deterministic, each the median of R runs, for each thread count.\n"
          "The R runs take the three in turn; the quartiles of the R pairs\n"
          "(an iteration against the read just before it, the deterministic\n"
          "fit against the clause fit) show how far the machine's noise moves\n"
          "each ratio.\n"
          "\n"
          "--crossover P: for n P from 2^13 to 2^23 elements, the time per\n"
          "iteration at 1 thread, at each of --threads and at the default count\n"
          "(one thread per 24576 elements): where threads start to pay.\n", f);
}

typedef struct {
    char name;
    size_t n, p;
} bsize;

/* What every part of one bench run shares: the command name, the CSV
 * stream (the temporary file of --out, written row by row; NULL without
 * --out), the machine, and room for `repeat` timings. */
typedef struct {
    const char *C;
    FILE *csv;
    char cpu[256];
    int cores;
    size_t repeat;
    double *times;
} bench_run;

/* Opens --out's stream (declared and checked before any timing) and the
 * timings; 0, or 1 when out of memory or the file cannot be opened
 * (printed). */
static int run_open(bench_run *b, const char *C, cli_outset *os,
                    const char *out, size_t repeat)
{
    memset(b, 0, sizeof *b);
    b->C = C;
    b->repeat = repeat;
    cli_machine(b->cpu, sizeof b->cpu, &b->cores);
    b->times = malloc(repeat * sizeof *b->times);
    if (!b->times) {
        cli_err(C, "out of memory");
        return 1;
    }
    if (out && !(b->csv = cli_out_open(os, out)))
        return 1;
    return 0;
}

/* One CSV row (nothing without --out). */
static void csv_row(const bench_run *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void csv_row(const bench_run *b, const char *fmt, ...)
{
    if (!b->csv)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(b->csv, fmt, ap);
    va_end(ap);
}

/* Closes the CSV stream and renames it into place when rc is 0 (else
 * removes it), frees the timings; the exit status. */
static int run_close(bench_run *b, int rc, cli_outset *os, const char *out)
{
    if (b->csv && cli_out_close(os, out, !rc))
        rc = rc ? rc : 1;
    rc = cli_out_finish(os, rc);
    if (!rc && out)
        printf("wrote %s\n", out);
    free(b->times);
    return rc;
}

/* Median time per iteration of R fits of `iters` iterations. */
static int time_fit(const lr_data *d, const float *Xf, int threads, int det,
                    size_t iters, size_t repeat, double *times, lr_model *m,
                    double *tpi, int *used)
{
    lr_params par = lr_params_default();
    par.lr = 0.05;
    par.max_iter = iters;
    par.threads = threads;
    par.deterministic = det;
    lr_result res;
    for (size_t r = 0; r < repeat; r++) {
        int st = lr_fit(lr_matrix_of(Xf ? NULL : d->X, Xf, d->n, d->p), d->y,
                        &par, m, &res);
        if (st != LR_SUCCESS)
            return st;
        times[r] = res.time_s / (double)(res.iterations + 1);
    }
    *tpi = median(times, repeat);
    *used = res.threads;
    return 0;
}

/* CSV parsing speed on one core: a file of about `mb` megabytes of %.17g
 * values (what linreg writes: 18-24 bytes a number) read by lr_csv_read. */
static int bench_csv(const char *C, size_t mb, size_t repeat)
{
    const size_t p = 8;
    const size_t n = mb * 1000000 / (9 * 21) + 1;
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.noise = 1.0;
    gp.generator = LR_GEN_FAST;
    lr_data *d = cli_generate(C, &gp, NULL);
    if (!d)
        return 1;
    char path[] = "/tmp/linreg-bench-XXXXXX.csv", err[512];
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        cli_err(C, "cannot make a temporary file");
        lr_data_free(d);
        return 1;
    }
    close(fd);
    cli_scratch(path); /* removed on a signal too */
    int rc = lr_csv_write(path, d, err, sizeof err) != LR_SUCCESS;
    lr_data_free(d);
    struct stat sb;
    if (rc || stat(path, &sb) != 0) {
        cli_err(C, "%s", err);
        unlink(path);
        cli_scratch(NULL);
        return 1;
    }
    double *t = malloc(repeat * sizeof *t);
    /* one core (the data issue's 100 MB/s), then two threads (issue 10's
     * 1 GB/s: lr_csv_opts.threads) */
    for (int th = 1; th <= 2 && t && !rc; th++) {
        lr_csv_opts co = lr_csv_opts_default();
        co.threads = th;
        for (size_t r = 0; r < repeat && !rc; r++) {
            lr_data *e = NULL;
            double t0 = lr_now();
            rc = lr_csv_read_opts(path, &co, &e, err, sizeof err) != LR_SUCCESS;
            t[r] = lr_now() - t0;
            lr_data_free(e);
        }
        if (rc)
            break;
        double med = median(t, repeat);
        printf("csv: %zu x %zu, %.1f MB read in %.4g s: %.1f MB/s (%s, "
               "median of %zu)\n", n, p + 1, (double)sb.st_size / 1e6, med,
               (double)sb.st_size / 1e6 / med,
               th == 1 ? "one core" : "2 threads", repeat);
    }
    free(t);
    unlink(path);
    cli_scratch(NULL);
    return rc || !t;
}

/* n x p data from the fast generator (seed 7, noise 1), and when Xf is
 * given a float copy of X in *Xf; NULL when memory is short. */
static lr_data *bench_data(size_t n, size_t p, float **Xf)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.n_informative = p < 10 ? p : 10;
    gp.noise = 1.0;
    gp.seed = 7;
    gp.generator = LR_GEN_FAST;
    lr_data *d = lr_data_alloc(n, p);
    double *coef = malloc(p * sizeof *coef);
    float *f = Xf ? lr_alloc_rows(n * p * sizeof *f) : NULL;
    if (!d || !coef || (Xf && !f) || lr_generate(&gp, d->X, d->y, coef) != LR_SUCCESS) {
        lr_data_free(d);
        free(coef);
        free(f);
        return NULL;
    }
    free(coef);
    for (size_t i = 0; f && i < n * p; i++)
        f[i] = (float)d->X[i];
    if (Xf)
        *Xf = f;
    return d;
}

/* Median time of R plain reads of the bytes of X (double or float) and y. */
static double time_read(const lr_data *d, const float *Xf, int threads,
                        size_t iters, size_t repeat, double *times)
{
    volatile double sink = 0.0;
    for (size_t r = 0; r < repeat; r++) {
        double t0 = lr_now();
        for (size_t it = 0; it < iters; it++)
            sink += (Xf ? lr_read_sum_f32(Xf, d->n * d->p, threads)
                        : lr_read_sum(d->X, d->n * d->p, threads))
                    + lr_read_sum(d->y, d->n, threads);
        times[r] = (lr_now() - t0) / (double)iters;
    }
    (void)sink;
    return median(times, repeat);
}

/* `linreg bench --sweep`: the time per iteration against one plain read of
 * X and y for every p of a list, X of about `mb` MB of doubles, stored as
 * double and as float, at each thread count; one CSV row per (p, precision,
 * threads). Reports; never asserts. */
static int bench_sweep(bench_run *b, const char *ps, double mb, const int *tl,
                       int nt)
{
    const char *C = b->C;
    char pbuf[256];
    int rc = 0;
    double *tt = malloc(4 * b->repeat * sizeof *tt);
    if (!tt) {
        cli_err(C, "out of memory");
        return 1;
    }
    snprintf(pbuf, sizeof pbuf, "%s", ps);
    printf("linreg bench --sweep on %s (%d cores); %s; kernels: %s; median of %zu\n",
           b->cpu, b->cores, cli_build_flags(), lr_kernel_isa_name(), b->repeat);
    printf("%5s %9s %6s %4s %11s %11s %7s %13s %11s %8s %13s\n", "p", "n", "prec",
           "thr", "read s", "iter s", "/read", "(pairs q1-q3)", "determ. s",
           "/clause", "(pairs q1-q3)");
    csv_row(b, "cpu,cores,compiler,flags,isa,p,n,precision,threads,"
               "threads_used,bytes,read_s,read_gbs,iter_s,iter_gbs,"
               "ratio_to_read,det_s,det_over_clause,repeats,ratio_q1,ratio_q3,"
               "det_q1,det_q3\n");
    for (char *tok = strtok(pbuf, ","); tok && !rc; tok = strtok(NULL, ",")) {
        size_t p;
        if (cli_size(C, "ps", tok, 1, &p)) {
            rc = 2;
            break;
        }
        const size_t n = (size_t)(mb * 1e6 / 8.0 / (double)p);
        float *Xf = NULL;
        lr_data *d = bench_data(n, p, &Xf);
        lr_model *m = lr_model_alloc(p);
        if (!d || !m) {
            cli_err(C, "cannot make %zu x %zu data", n, p);
            rc = 1;
        }
        /* about 0.1 s of passes per timed run at 10 GB/s */
        const size_t iters = (size_t)fmax(3.0, fmin(1000.0, 1e9 / (mb * 1e6)));
        for (int prec = 0; prec < 2 && !rc; prec++) {
            const float *xf = prec ? Xf : NULL;
            const double bytes = (double)n * (double)p * (prec ? 4.0 : 8.0)
                                 + (double)n * 8.0;
            for (int k = 0; k < nt && !rc; k++) {
                /* the read, the clause fit and the deterministic fit in
                 * turn, R times, each the median of its R: a burst of
                 * other load on this shared machine slows all three alike
                 * (timed one after the other, the ratio of one cell moved
                 * by up to 50% between runs) */
                const size_t R = b->repeat;
                double *tr = tt, *tcs = tt + R, *tds = tt + 2 * R, one;
                int used = 0;
                for (size_t r = 0; r < R && !rc; r++) {
                    tr[r] = time_read(d, xf, tl[k], iters, 1, &one);
                    int st = time_fit(d, xf, tl[k], 0, iters, 1, &one, m,
                                      &tcs[r], &used);
                    if (!st)
                        st = time_fit(d, xf, tl[k], 1, iters, 1, &one, m,
                                      &tds[r], &used);
                    if (st) {
                        cli_err(C, "fit failed at p = %zu (%s, %d threads): %s",
                                p, prec ? "float" : "double", tl[k],
                                lr_strerror(st));
                        rc = 1;
                    }
                }
                if (rc)
                    break;
                /* each iteration against the read (and the deterministic
                 * fit against the clause fit) timed just before it */
                const cli_stats sr = pair_stats(tcs, tr, R, tt + 3 * R),
                                sd = pair_stats(tds, tcs, R, tt + 3 * R);
                const double rd = median(tr, R), tc = median(tcs, R),
                             tdet = median(tds, R);
                printf("%5zu %9zu %6s %4d %11.5g %11.5g %7.3f  (%5.3f-%5.3f) %11.5g "
                       "%8.3f  (%5.3f-%5.3f)\n",
                       p, n, prec ? "float" : "double", used, rd, tc, tc / rd, sr.q1,
                       sr.q3, tdet, tdet / tc, sd.q1, sd.q3);
                fflush(stdout);
                csv_row(b, "\"%s\",%d,\"gcc %s\",\"%s\",%s,%zu,%zu,%s,%d,%d,%.6g,"
                           "%.6g,%.4g,%.6g,%.4g,%.4f,%.6g,%.4f,%zu,%.4f,%.4f,%.4f,"
                           "%.4f\n",
                        b->cpu, b->cores, __VERSION__, cli_build_flags(),
                        lr_kernel_isa_name(), p, n, prec ? "float" : "double",
                        tl[k], used, bytes, rd, bytes / rd / 1e9, tc,
                        bytes / tc / 1e9, tc / rd, tdet, tdet / tc, R, sr.q1,
                        sr.q3, sd.q1, sd.q3);
            }
        }
        lr_data_free(d);
        free(Xf);
        lr_model_free(m);
    }
    free(tt);
    return rc;
}

/* `linreg bench --crossover`: where threads start to pay. For n p from
 * 2^13 to 2^23 elements (p given), the time per iteration at 1 thread, at
 * every thread count of the list, and at the default count
 * (lr_threads_default), each the median of R fits of about 0.1 s. */
static int bench_crossover(bench_run *b, size_t p, const int *tl, int nt)
{
    int rc = 0;
    printf("linreg bench --crossover on %s (%d cores); kernels: %s; p = %zu; "
           "median of %zu\n", b->cpu, b->cores, lr_kernel_isa_name(), p, b->repeat);
    printf("%9s %9s %8s %5s %11s %11s %8s\n", "n", "n p", "asked", "used",
           "iter s", "1 thr s", "/1 thr");
    csv_row(b, "cpu,cores,isa,n,p,elems,threads_asked,threads_used,default,"
               "iter_s,one_thread_s,ratio_to_one\n");
    lr_model *m = lr_model_alloc(p);
    for (size_t e = (size_t)1 << 13; e <= (size_t)1 << 23 && !rc && m; e *= 2) {
        const size_t n = e / p < 2 ? 2 : e / p;
        lr_data *d = bench_data(n, p, NULL);
        if (!d) {
            rc = 1;
            break;
        }
        const size_t iters = (size_t)fmax(5.0, fmin(1e5, 1e8 / (double)(n * p)));
        double t1 = 0.0;
        const int def = lr_threads_default(n, p);
        /* 1 thread first (the reference), then the list, then the default */
        for (int k = -1; k <= nt && !rc; k++) {
            int asked = k < 0 ? 1 : k < nt ? tl[k] : def, used;
            double tt;
            const int st = time_fit(d, NULL, asked, 0, iters, b->repeat,
                                    b->times, m, &tt, &used);
            if (st) {
                cli_err(b->C, "fit failed at n = %zu (%d threads): %s", n, asked,
                        lr_strerror(st));
                rc = 1;
                break;
            }
            if (k < 0)
                t1 = tt;
            char a[16];
            snprintf(a, sizeof a, k == nt ? "default" : "%d", asked);
            printf("%9zu %9zu %8s %5d %11.5g %11.5g %8.3f\n", n, n * p, a, used,
                   tt, t1, tt / t1);
            fflush(stdout);
            csv_row(b, "\"%s\",%d,%s,%zu,%zu,%zu,%d,%d,%d,%.6g,%.6g,%.4f\n",
                    b->cpu, b->cores, lr_kernel_isa_name(), n, p, n * p, asked,
                    used, k == nt, tt, t1, tt / t1);
        }
        lr_data_free(d);
    }
    lr_model_free(m);
    return rc;
}

/* One benchmark size at every thread count: the generator's draws, a plain
 * read of X, and the time per iteration (deterministic, float X, clause);
 * one table row and one CSV row per thread count. */
static int bench_size(bench_run *b, const bsize *sz, const int *tl, int nt)
{
    const size_t n = sz->n, p = sz->p, repeat = b->repeat;
    double *times = b->times, *tt = malloc(5 * repeat * sizeof *tt);
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.n_informative = p;
    gp.noise = 1.0;
    gp.seed = 7;
    gp.generator = LR_GEN_FAST;
    lr_data *d = lr_data_alloc(n, p);
    double *coef = malloc(p * sizeof *coef);
    float *Xf = lr_alloc_rows(n * p * sizeof *Xf);
    lr_model *m = lr_model_alloc(p), *mf = lr_model_alloc(p);
    int rc = 0;
    if (!d || !coef || !Xf || !m || !mf || !tt) {
        cli_err(b->C, "out of memory for size %c", sz->name);
        rc = 1;
    }
    /* about 0.3 s of passes per timed fit */
    size_t iters = (size_t)fmax(10.0, fmin(20000.0, 4e7 / (double)(n * p)));
    for (int k = 0; k < nt && !rc; k++) {
        /* the generator: (n p + n) normal draws (X and noise) */
        gp.threads = tl[k];
        for (size_t r = 0; r < repeat && !rc; r++) {
            double t0 = lr_now();
            rc = lr_generate(&gp, d->X, d->y, coef) != LR_SUCCESS;
            times[r] = lr_now() - t0;
        }
        double gen_s = median(times, repeat);
        double draws = (double)n * (double)(p + 1);
        for (size_t i = 0; i < n * p; i++)
            Xf[i] = (float)d->X[i];
        /* the plain read of X, the clause fit, the deterministic fit and
         * the float fit in turn, R times, each the median of its R: a
         * burst of other load on this shared machine slows the four alike.
         * Timed R times each in a row, one after the other, table 1's
         * ratio at b on 1 thread read 1.30x in one run and 1.67x in the
         * next, and at b on 2 threads 0.61x and 1.18x in two runs a
         * minute apart (AMD EPYC VM, 2026-12-03). Each starts just after
         * a pass over its own bytes (the read and the float fit after an
         * untimed read of them), so that each finds as much of them in
         * the cache as its own passes leave there: timed just after the
         * float fit, the clause fit took 1.08x the time of the
         * deterministic fit timed just after the read (b, 1 thread; 1.13x
         * on 2), where in turn after their own bytes the two run within
         * 5% of each other. */
        const size_t R = repeat;
        double *tr = tt, *tcs = tt + R, *tds = tt + 2 * R, *tfs = tt + 3 * R, one;
        int used = 0;
        for (size_t r = 0; r < R && !rc; r++) {
            volatile double sink = lr_read_sum(d->X, n * p, tl[k]);
            double t0 = lr_now();
            for (size_t it = 0; it < iters; it++)
                sink += lr_read_sum(d->X, n * p, tl[k]);
            tr[r] = (lr_now() - t0) / (double)iters;
            const char *what = "double";
            int st = time_fit(d, NULL, tl[k], 0, iters, 1, &one, m, &tcs[r], &used);
            if (!st) {
                what = "double, deterministic";
                st = time_fit(d, NULL, tl[k], 1, iters, 1, &one, m, &tds[r], &used);
            }
            sink += lr_read_sum_f32(Xf, n * p, tl[k]);
            (void)sink;
            if (!st) {
                what = "float";
                st = time_fit(d, Xf, tl[k], 0, iters, 1, &one, mf, &tfs[r], &used);
            }
            if (st) {
                cli_err(b->C, "fit failed at size %c (%s, %d threads): %s",
                        sz->name, what, tl[k], lr_strerror(st));
                rc = 1;
            }
        }
        if (rc)
            break;
        /* each turn's own ratios */
        const cli_stats sr = pair_stats(tcs, tr, R, tt + 4 * R),
                        sd = pair_stats(tds, tcs, R, tt + 4 * R),
                        sf = pair_stats(tcs, tfs, R, tt + 4 * R);
        const double rd = median(tr, R), tc = median(tcs, R),
                     tdet = median(tds, R), tf = median(tfs, R);
        /* the float model against the double one after the same steps */
        double dw = 0.0;
        for (size_t j = 0; j < p; j++) {
            double wf = lr_model_weights(mf)[j], wd = lr_model_weights(m)[j];
            dw = fmax(dw, fabs(wf - wd) / fmax(fabs(wd), 1e-300));
        }
        double bytes = (double)n * (double)p * 8.0;
        printf("%-4c %8zu %4zu %4d %12.5g %12.5g %8.3f  (%5.3f-%5.3f) %12.5g %8.3f "
               "%12.5g %8.3f %9.2g %10.1f\n", sz->name, n, p, used, rd, tc,
               tc / rd, sr.q1, sr.q3, tdet, tdet / tc, tf, tc / tf, dw,
               draws / gen_s / tl[k] / 1e6);
        fflush(stdout);
        csv_row(b, "\"%s\",%d,\"gcc %s\",\"%s\",%c,%zu,%zu,%d,%d,%.6g,%.4g,%.6g,"
                   "%.4g,%.4f,%.6g,%.4f,%.6g,%.4f,%.3g,%.6g,%.2f,%zu,%.4f,%.4f,"
                   "%.4f,%.4f,%.4f,%.4f\n",
                b->cpu, b->cores, __VERSION__, cli_build_flags(), sz->name, n, p,
                tl[k], used, rd, bytes / rd / 1e9, tc, bytes / tc / 1e9, tc / rd,
                tdet, tdet / tc, tf, tc / tf, dw, gen_s,
                draws / gen_s / tl[k] / 1e6, R, sr.q1, sr.q3, sd.q1, sd.q3,
                sf.q1, sf.q3);
    }
    lr_data_free(d);
    free(coef);
    free(Xf);
    lr_model_free(m);
    lr_model_free(mf);
    free(tt);
    return rc;
}

/* The options of `linreg bench`. */
typedef struct {
    const char *out, *sizes, *ps;
    char tbuf[128];
    size_t repeat, csv_mb, mb, cross_p;
    int sweep;
} bench_opts;

/* -1: parsed, go on; otherwise the exit status (help, or a usage error). */
static int bench_parse(int argc, char **argv, const char *C, bench_opts *o)
{
    static const struct option longopts[] = {
        {"out", 1, 0, OPT_OUT}, {"threads", 1, 0, OPT_THREADS},
        {"repeat", 1, 0, OPT_REPEAT}, {"sizes", 1, 0, OPT_SIZES},
        {"csv-mb", 1, 0, OPT_CSV_MB}, {"sweep", 0, 0, OPT_SWEEP},
        {"ps", 1, 0, OPT_PS}, {"mb", 1, 0, OPT_MB},
        {"crossover", 1, 0, OPT_CROSSOVER},
        {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->sizes = "abcd";
    snprintf(o->tbuf, sizeof o->tbuf, "1,2");
    o->ps = "1,2,3,5,7,13,16,24,32,50,64,100,128,200,512,1000";
    o->repeat = 5;
    o->mb = 128;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case OPT_OUT: o->out = optarg; break;
        case OPT_THREADS: snprintf(o->tbuf, sizeof o->tbuf, "%s", optarg); break;
        case OPT_REPEAT:
            bad = cli_size(C, "repeat", optarg, 1, &o->repeat);
            if (!bad && o->repeat > 100) {
                cli_err(C, "--repeat: at most 100");
                bad = 1;
            }
            break;
        case OPT_SIZES: o->sizes = optarg; break;
        case OPT_CSV_MB: bad = cli_size(C, "csv-mb", optarg, 0, &o->csv_mb); break;
        case OPT_SWEEP: o->sweep = 1; break;
        case OPT_CROSSOVER: bad = cli_size(C, "crossover", optarg, 1, &o->cross_p); break;
        case OPT_PS: o->ps = optarg; break;
        case OPT_MB: bad = cli_size(C, "mb", optarg, 1, &o->mb); break;
        case OPT_HELP: usage(stdout); return 0;
        default:
            cli_err(C, "unknown or incomplete option '%s'", argv[optind - 1]);
            return EXIT_USAGE;
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (o->csv_mb > SIZE_MAX / 1000000) {
        cli_err(C, "--csv-mb: '%zu' overflows the size of memory", o->csv_mb);
        return EXIT_USAGE;
    }
    return -1;
}

int cmd_bench(int argc, char **argv)
{
    const char *C = "bench";
    bench_opts o;
    int rc = bench_parse(argc, argv, C, &o);
    if (rc >= 0)
        return rc;
    int tl[32], nt = cli_threads_list(C, "threads", o.tbuf, tl, 32);
    if (nt < 0 || cli_letters(C, "sizes", o.sizes, "abcd"))
        return EXIT_USAGE;
    /* --out checked before any timing; renamed into place at the end */
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "out", o.out, 0);
    if ((rc = cli_out_check(&os)))
        return rc;
    bench_run b;
    if (run_open(&b, C, &os, o.out, o.repeat))
        return run_close(&b, 1, &os, o.out);
    if (o.sweep)
        return run_close(&b, bench_sweep(&b, o.ps, (double)o.mb, tl, nt), &os,
                         o.out);
    if (o.cross_p)
        return run_close(&b, bench_crossover(&b, o.cross_p, tl, nt), &os, o.out);
    static const bsize all[] = {{'a', 500, 1}, {'b', 1000000, 16},
                                {'c', 100000, 256}, {'d', 4000000, 8}};
    printf("linreg bench on %s (%d cores); %s; kernels: %s; median of %zu\n",
           b.cpu, b.cores, cli_build_flags(), lr_kernel_isa_name(), o.repeat);
    printf("%-4s %8s %4s %4s %12s %12s %8s %13s %12s %8s %12s %8s %9s %10s\n",
           "size", "n", "p", "thr", "read s", "clause s", "/read", "(q1-q3)",
           "determ. s", "/clause", "float s", "dbl/flt", "flt |dw|", "Mdraws/s/c");
    csv_row(&b, "cpu,cores,compiler,flags,size,n,p,threads,threads_used,"
                "read_s,read_gbs,clause_s,clause_gbs,ratio_to_read,"
                "det_s,det_over_clause,float_s,double_over_float,"
                "float_max_rel_dw,gen_s,gen_mdraws_per_s_per_thread,repeats,"
                "ratio_q1,ratio_q3,det_q1,det_q3,dbl_flt_q1,dbl_flt_q3\n");
    for (size_t s = 0; s < 4 && !rc; s++)
        if (strchr(o.sizes, all[s].name))
            rc = bench_size(&b, &all[s], tl, nt);
    if (!rc && o.csv_mb > 0)
        rc = bench_csv(C, o.csv_mb, o.repeat);
    return run_close(&b, rc, &os, o.out);
}
