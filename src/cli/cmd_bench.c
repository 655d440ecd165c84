/* cmd_bench.c -- `linreg bench`: time per iteration at the benchmark sizes
 * (a = 500x1, the tutorial; b = 1e6x16; c = 1e5x256; d = 4e6x8), double,
 * 1 and 2 threads, with the GB/s of X achieved and, in the same run, the
 * time of one plain parallel read of X. Reports; never asserts. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "cli.h"

enum { OPT_OUT = 1, OPT_THREADS, OPT_REPEAT, OPT_SIZES, OPT_HELP };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void usage(FILE *f)
{
    fputs("usage: linreg bench [--out FILE.csv] [--threads 1,2] [--repeat R]\n"
          "                    [--sizes abcd]\n", f);
}

typedef struct {
    char name;
    size_t n, p;
} bsize;

int cmd_bench(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", 1, 0, OPT_OUT}, {"threads", 1, 0, OPT_THREADS},
        {"repeat", 1, 0, OPT_REPEAT}, {"sizes", 1, 0, OPT_SIZES},
        {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    const char *C = "bench", *out = NULL, *sizes = "abcd";
    char tbuf[128] = "1,2";
    size_t repeat = 5;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_OUT: out = optarg; break;
        case OPT_THREADS: snprintf(tbuf, sizeof tbuf, "%s", optarg); break;
        case OPT_REPEAT:
            if (cli_size(C, "repeat", optarg, 1, &repeat))
                return EXIT_USAGE;
            break;
        case OPT_SIZES: sizes = optarg; break;
        case OPT_HELP: usage(stdout); return 0;
        default:
            cli_err(C, "unknown or incomplete option '%s'", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    int tl[32], nt = 0;
    for (char *tok = strtok(tbuf, ","); tok && nt < 32; tok = strtok(NULL, ","))
        if (cli_threads(C, "threads", tok, &tl[nt++]))
            return EXIT_USAGE;
    static const bsize all[] = {{'a', 500, 1}, {'b', 1000000, 16},
                                {'c', 100000, 256}, {'d', 4000000, 8}};
    char cpu[256];
    int cores;
    cli_machine(cpu, sizeof cpu, &cores);
    printf("linreg bench on %s (%d cores); %s; median of %zu\n", cpu, cores,
           cli_build_flags(), repeat);
    printf("%-4s %9s %5s %7s %4s %13s %9s %13s %9s %9s\n", "size", "n", "p",
           "threads", "used", "s/iter", "GB/s(X)", "read s", "read GB/s",
           "iter/read");
    size_t cap = 1 << 16, at = 0;
    char *csv = malloc(cap);
    double *times = malloc(repeat * sizeof *times);
    if (!csv || !times) {
        free(csv);
        free(times);
        cli_err(C, "out of memory");
        return 1;
    }
    at += (size_t)snprintf(csv, cap,
                           "cpu,cores,compiler,flags,size,n,p,threads,threads_used,precision,"
                           "time_per_iter_s,gbs_x,read_s,read_gbs,ratio_to_read\n");
    int rc = 0;
    for (size_t s = 0; s < 4 && !rc; s++) {
        if (!strchr(sizes, all[s].name))
            continue;
        const size_t n = all[s].n, p = all[s].p;
        lr_gen_params gp = lr_gen_params_default();
        gp.n_samples = n;
        gp.n_features = p;
        gp.noise = 1.0;
        gp.seed = 7;
        gp.generator = LR_GEN_FAST;
        lr_data *d = cli_generate(C, &gp, NULL);
        if (!d) {
            rc = 1;
            break;
        }
        /* about 0.3 s of passes per timed fit */
        size_t iters = (size_t)fmax(10.0, fmin(20000.0, 4e7 / (double)(n * p)));
        for (int k = 0; k < nt; k++) {
            lr_params par = lr_params_default();
            par.lr = 0.05;
            par.max_iter = iters;
            par.threads = tl[k];
            lr_model *m = lr_model_alloc(p);
            lr_result res;
            memset(&res, 0, sizeof res);
            for (size_t r = 0; r < repeat && m; r++) {
                if (lr_fit(d->X, d->y, n, p, &par, m, &res) != LR_SUCCESS) {
                    rc = 1;
                    break;
                }
                times[r] = res.time_s / (double)(res.iterations + 1);
            }
            lr_model_free(m);
            if (rc || !m) {
                cli_err(C, "fit failed");
                rc = 1;
                break;
            }
            qsort(times, repeat, sizeof *times, cmp_double);
            double tpi = times[repeat / 2];
            /* the plain read of X at the same thread count */
            volatile double sink = 0.0;
            for (size_t r = 0; r < repeat; r++) {
                double t0 = lr_now();
                for (size_t it = 0; it < iters; it++)
                    sink += lr_read_sum(d->X, n * p, res.threads);
                times[r] = (lr_now() - t0) / (double)iters;
            }
            (void)sink;
            qsort(times, repeat, sizeof *times, cmp_double);
            double rd = times[repeat / 2];
            double bytes = (double)n * (double)p * 8.0;
            printf("%-4c %9zu %5zu %7d %4d %13.6g %9.2f %13.6g %9.2f %9.3f\n",
                   all[s].name, n, p, tl[k], res.threads, tpi, bytes / tpi / 1e9, rd,
                   bytes / rd / 1e9, tpi / rd);
            fflush(stdout);
            if (at + 512 < cap)
                at += (size_t)snprintf(csv + at, cap - at,
                                       "\"%s\",%d,\"gcc %s\",\"%s\",%c,%zu,%zu,%d,%d,"
                                       "double,%.6g,%.4g,%.6g,%.4g,%.4g\n",
                                       cpu, cores, __VERSION__, cli_build_flags(),
                                       all[s].name, n, p, tl[k], res.threads, tpi,
                                       bytes / tpi / 1e9, rd, bytes / rd / 1e9,
                                       tpi / rd);
        }
        lr_data_free(d);
    }
    if (!rc && out) {
        char err[512];
        if (lr_write_file_atomic(out, csv, err, sizeof err) != LR_SUCCESS) {
            cli_err(C, "%s", err);
            rc = 1;
        } else {
            printf("wrote %s\n", out);
        }
    }
    free(csv);
    free(times);
    return rc;
}
