/* cmd_bench.c -- `linreg bench`: the speed measurements of `make bench`, at
 * the benchmark sizes (a = 500x1, the tutorial; b = 1e6x16; c = 1e5x256;
 * d = 4e6x8), for each thread count, all in one run so ratios compare like
 * with like: one plain parallel read of X; a training iteration with the
 * reduction clause, with --deterministic, and with X in float; and the fast
 * generator's normal draws per second. Reports; never asserts. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_OUT = 1, OPT_THREADS, OPT_REPEAT, OPT_SIZES, OPT_CSV_MB, OPT_HELP };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

static void usage(FILE *f)
{
    fputs("usage: linreg bench [--out FILE.csv] [--threads 1,2] [--repeat R]\n"
          "                    [--sizes abcd]\n"
          "\n"
          "Per size and thread count: a plain parallel read of X, and the time\n"
          "per training iteration (reduction clause, deterministic, float X),\n"
          "each the median of R timed runs; the fast generator's draws/s.\n", f);
}

typedef struct {
    char name;
    size_t n, p;
} bsize;

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
    for (size_t r = 0; t && r < repeat && !rc; r++) {
        lr_data *e = NULL;
        double t0 = lr_now();
        rc = lr_csv_read(path, "y", &e, err, sizeof err) != LR_SUCCESS;
        t[r] = lr_now() - t0;
        lr_data_free(e);
    }
    if (!rc && t) {
        double med = median(t, repeat);
        printf("csv: %zu x %zu, %.1f MB read in %.4g s: %.1f MB/s (one core, "
               "median of %zu)\n", n, p + 1, (double)sb.st_size / 1e6, med,
               (double)sb.st_size / 1e6 / med, repeat);
    }
    free(t);
    unlink(path);
    cli_scratch(NULL);
    return rc || !t;
}

int cmd_bench(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", 1, 0, OPT_OUT}, {"threads", 1, 0, OPT_THREADS},
        {"repeat", 1, 0, OPT_REPEAT}, {"sizes", 1, 0, OPT_SIZES},
        {"csv-mb", 1, 0, OPT_CSV_MB},
        {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    const char *C = "bench", *out = NULL, *sizes = "abcd";
    char tbuf[128] = "1,2";
    size_t repeat = 5, csv_mb = 0;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_OUT: out = optarg; break;
        case OPT_THREADS: snprintf(tbuf, sizeof tbuf, "%s", optarg); break;
        case OPT_REPEAT:
            if (cli_size(C, "repeat", optarg, 1, &repeat))
                return EXIT_USAGE;
            if (repeat > 100) {
                cli_err(C, "--repeat: at most 100");
                return EXIT_USAGE;
            }
            break;
        case OPT_SIZES: sizes = optarg; break;
        case OPT_CSV_MB:
            if (cli_size(C, "csv-mb", optarg, 0, &csv_mb))
                return EXIT_USAGE;
            break;
        case OPT_HELP: usage(stdout); return 0;
        default:
            cli_err(C, "unknown or incomplete option '%s'", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    int tl[32], nt = cli_threads_list(C, "threads", tbuf, tl, 32);
    if (nt < 0 || cli_letters(C, "sizes", sizes, "abcd"))
        return EXIT_USAGE;
    if (csv_mb > SIZE_MAX / 1000000) {
        cli_err(C, "--csv-mb: '%zu' overflows the size of memory", csv_mb);
        return EXIT_USAGE;
    }
    /* --out checked before any timing; written at the end */
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "out", out, 0);
    int rc = cli_out_check(&os);
    if (rc)
        return rc;
    static const bsize all[] = {{'a', 500, 1}, {'b', 1000000, 16},
                                {'c', 100000, 256}, {'d', 4000000, 8}};
    char cpu[256];
    int cores;
    cli_machine(cpu, sizeof cpu, &cores);
    printf("linreg bench on %s (%d cores); %s; median of %zu\n", cpu, cores,
           cli_build_flags(), repeat);
    printf("%-4s %8s %4s %4s %12s %12s %8s %12s %8s %12s %8s %9s %10s\n", "size",
           "n", "p", "thr", "read s", "clause s", "/read", "determ. s", "/clause",
           "float s", "dbl/flt", "flt |dw|", "Mdraws/s/c");
    size_t cap = 1 << 16, at = 0;
    char *csv = malloc(cap);
    double *times = malloc(repeat * sizeof *times);
    if (!csv || !times) {
        free(csv);
        free(times);
        cli_err(C, "out of memory");
        return cli_out_finish(&os, 1);
    }
    at += (size_t)snprintf(csv, cap,
                           "cpu,cores,compiler,flags,size,n,p,threads,threads_used,"
                           "read_s,read_gbs,clause_s,clause_gbs,ratio_to_read,"
                           "det_s,det_over_clause,float_s,double_over_float,"
                           "float_max_rel_dw,gen_s,gen_mdraws_per_s_per_thread\n");
    for (size_t s = 0; s < 4 && !rc; s++) {
        if (!strchr(sizes, all[s].name))
            continue;
        const size_t n = all[s].n, p = all[s].p;
        lr_gen_params gp = lr_gen_params_default();
        gp.n_samples = n;
        gp.n_features = p;
        gp.n_informative = p;
        gp.noise = 1.0;
        gp.seed = 7;
        gp.generator = LR_GEN_FAST;
        lr_data *d = lr_data_alloc(n, p);
        double *coef = malloc(p * sizeof *coef);
        float *Xf = malloc(n * p * sizeof *Xf);
        lr_model *m = lr_model_alloc(p), *mf = lr_model_alloc(p);
        if (!d || !coef || !Xf || !m || !mf) {
            cli_err(C, "out of memory for size %c", all[s].name);
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
            /* the plain read of X */
            volatile double sink = 0.0;
            for (size_t r = 0; r < repeat; r++) {
                double t0 = lr_now();
                for (size_t it = 0; it < iters; it++)
                    sink += lr_read_sum(d->X, n * p, tl[k]);
                times[r] = (lr_now() - t0) / (double)iters;
            }
            (void)sink;
            double rd = median(times, repeat);
            double tc, tdet, tf;
            int used;
            if (rc || time_fit(d, NULL, tl[k], 1, iters, repeat, times, m, &tdet, &used)
                || time_fit(d, Xf, tl[k], 0, iters, repeat, times, mf, &tf, &used)
                || time_fit(d, NULL, tl[k], 0, iters, repeat, times, m, &tc, &used)) {
                cli_err(C, "fit failed");
                rc = 1;
                break;
            }
            /* the float model against the double one after the same steps */
            double dw = 0.0;
            for (size_t j = 0; j < p; j++) {
                double a = lr_model_weights(mf)[j], b = lr_model_weights(m)[j];
                dw = fmax(dw, fabs(a - b) / fmax(fabs(b), 1e-300));
            }
            double bytes = (double)n * (double)p * 8.0;
            printf("%-4c %8zu %4zu %4d %12.5g %12.5g %8.3f %12.5g %8.3f %12.5g %8.3f "
                   "%9.2g %10.1f\n", all[s].name, n, p, used, rd, tc, tc / rd, tdet,
                   tdet / tc, tf, tc / tf, dw, draws / gen_s / tl[k] / 1e6);
            fflush(stdout);
            if (at + 512 < cap)
                at += (size_t)snprintf(csv + at, cap - at,
                                       "\"%s\",%d,\"gcc %s\",\"%s\",%c,%zu,%zu,%d,%d,"
                                       "%.6g,%.4g,%.6g,%.4g,%.4f,%.6g,%.4f,%.6g,%.4f,"
                                       "%.3g,%.6g,%.2f\n",
                                       cpu, cores, __VERSION__, cli_build_flags(),
                                       all[s].name, n, p, tl[k], used, rd, bytes / rd / 1e9,
                                       tc, bytes / tc / 1e9, tc / rd, tdet, tdet / tc,
                                       tf, tc / tf, dw, gen_s,
                                       draws / gen_s / tl[k] / 1e6);
        }
        lr_data_free(d);
        free(coef);
        free(Xf);
        lr_model_free(m);
        lr_model_free(mf);
    }
    if (!rc && csv_mb > 0)
        rc = bench_csv(C, csv_mb, repeat);
    if (!rc && out && cli_out_text(&os, out, csv))
        rc = 1;
    rc = cli_out_finish(&os, rc);
    if (!rc && out)
        printf("wrote %s\n", out);
    free(csv);
    free(times);
    return rc;
}
