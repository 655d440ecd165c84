/* cmd_scale.c -- `linreg scale` and `linreg bandwidth`: thread-scaling
 * experiments measured honestly (repeats, warm-up, spread), against the
 * machine's own read bandwidth. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <omp.h>
#include <gsl/gsl_version.h>

#include "cli.h"

#ifndef LR_GIT_COMMIT
#define LR_GIT_COMMIT "unknown"
#endif

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* "1,2,4" -> list in increasing order (so the 1-thread rows, the base of
 * every speedup and its flag, come first); "" or NULL -> 1, 2, 4, ... up
 * to the cores, and the core count itself. */
static int parse_threads(const char *cmd, const char *s, int *t, int max)
{
    int n = 0;
    if (!s || !*s) {
        int cores = omp_get_num_procs();
        for (int k = 1; k <= cores && n < max; k *= 2)
            t[n++] = k;
        if (t[n - 1] != cores && n < max)
            t[n++] = cores;
        return n;
    }
    int m = cli_threads_list(cmd, "threads", s, t, max);
    if (m > 0)
        qsort(t, (size_t)m, sizeof *t, cmp_int);
    return m;
}

/* Median read bandwidth (GB/s) of a over `reps` reads at `threads`. */
static double read_gbs(const double *a, size_t len, int threads, int reps)
{
    double best[16];
    volatile double sink = 0.0;
    if (reps > 16)
        reps = 16;
    sink += lr_read_sum(a, len, threads); /* warm-up, first touch done */
    for (int r = 0; r < reps; r++) {
        double t0 = lr_now();
        sink += lr_read_sum(a, len, threads);
        best[r] = lr_now() - t0;
    }
    (void)sink;
    qsort(best, (size_t)reps, sizeof *best, cli_cmp_double);
    return (double)len * 8.0 / best[reps / 2] / 1e9;
}

int cmd_bandwidth(int argc, char **argv)
{
    enum { O_THREADS = 1, O_MB, O_HELP };
    static const struct option longopts[] = {
        {"threads", 1, 0, O_THREADS}, {"mb", 1, 0, O_MB},
        {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};
    const char *C = "bandwidth", *tl = NULL;
    size_t mb = 512;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case O_THREADS: tl = optarg; break;
        case O_MB:
            if (cli_size(C, "mb", optarg, 1, &mb))
                return EXIT_USAGE;
            break;
        case O_HELP:
            puts("usage: linreg bandwidth [--threads 1,2,...] [--mb 512]\n\n"
                 "A STREAM-like read probe: the GB/s at which T threads read an\n"
                 "array of MB megabytes (eight partial sums per thread), median\n"
                 "of 7 reads after a warm-up.");
            return 0;
        default:
            cli_err(C, "unknown or incomplete option '%s'", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    int t[64];
    int nt = parse_threads(C, tl, t, 64);
    if (nt < 0)
        return EXIT_USAGE;
    size_t len = mb * 1000000 / 8;
    double *a = malloc(len * sizeof *a);
    if (!a) {
        cli_err(C, "out of memory for %zu MB", mb);
        return 1;
    }
    int maxt = 1;
    for (int k = 0; k < nt; k++)
        maxt = t[k] > maxt ? t[k] : maxt;
#pragma omp parallel for num_threads(maxt) schedule(static)
    for (size_t i = 0; i < len; i++)
        a[i] = (double)(i % 7) * 0.25;
    printf("%7s %10s\n", "threads", "read GB/s");
    for (int k = 0; k < nt; k++)
        printf("%7d %10.2f\n", t[k], read_gbs(a, len, t[k], 7));
    free(a);
    return 0;
}

typedef struct {
    int threads, det, f32;
    unsigned flags;  /* CLI_FLAG_ bits */
    double med, min, max, iqr, speedup, gbs, frac_bw, maxdiff, final_mse;
} scale_row;

static void cache_sizes(char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < 8; i++) {
        char path[128], lvl[16] = "", typ[32] = "", size[32] = "";
        FILE *f;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if (!(f = fopen(path, "r")))
            break;
        if (!fgets(lvl, sizeof lvl, f))
            lvl[0] = '\0';
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        if ((f = fopen(path, "r"))) {
            if (!fgets(typ, sizeof typ, f))
                typ[0] = '\0';
            fclose(f);
        }
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if ((f = fopen(path, "r"))) {
            if (!fgets(size, sizeof size, f))
                size[0] = '\0';
            fclose(f);
        }
        lvl[strcspn(lvl, "\n")] = typ[strcspn(typ, "\n")] = size[strcspn(size, "\n")] = '\0';
        at += (size_t)snprintf(buf + at, len > at ? len - at : 0, "%sL%s %s %s",
                               at ? ", " : "", lvl, typ, size);
        if (at >= len)
            break;
    }
}

static cJSON *env_json(void)
{
    extern char **environ;
    cJSON *e = cli_env_json();
    char caches[512];
    cache_sizes(caches, sizeof caches);
    cJSON_AddStringToObject(e, "caches", caches);
    cJSON_AddStringToObject(e, "gsl", GSL_VERSION);
    cJSON_AddStringToObject(e, "git_commit", LR_GIT_COMMIT);
    char date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    cJSON_AddStringToObject(e, "date", date);
    cJSON *omp = cJSON_CreateObject();
    for (char **v = environ; *v; v++) {
        if (strncmp(*v, "OMP_", 4) == 0 || strncmp(*v, "GOMP_", 5) == 0) {
            char name[128];
            const char *eq = strchr(*v, '=');
            size_t l = eq ? (size_t)(eq - *v) : strlen(*v);
            if (l >= sizeof name)
                l = sizeof name - 1;
            memcpy(name, *v, l);
            name[l] = '\0';
            cJSON_AddStringToObject(omp, name, eq ? eq + 1 : "");
        }
    }
    cJSON_AddItemToObject(e, "omp_env", omp);
    return e;
}

static void usage(FILE *f)
{
    fputs("usage: linreg scale [OPTIONS]\n"
          "\n"
          "Times training at each thread count and reports median, min, max and\n"
          "interquartile range of the time per iteration, speedup and efficiency\n"
          "against 1 thread of the same configuration, the Karp-Flatt serial\n"
          "fraction, GB/s of X and its fraction of the read bandwidth measured\n"
          "by the built-in probe at the same thread count, and the largest weight\n"
          "difference from the 1-thread model.\n"
          "\n"
          "  --threads 1,2,4    thread counts (default 1, 2, 4, ... up to the cores)\n"
          "  --data FILE.csv    data from a file, or generated:\n"
          "  --samples N        rows (default 1000000; per thread with --mode weak)\n"
          "  --features P       features (default 16)\n"
          "  --generator G      fast (default) or sklearn\n"
          "  --seed S           generator seed (default 1)\n"
          "  --mode M           strong (fixed problem, default) or weak\n"
          "  --iters N          iterations per timed fit (default 50)\n"
          "  --repeat R         timed fits per configuration (default 5)\n"
          "  --warmup W         untimed fits first (default 1)\n"
          "  --lr RATE          step size (default 0.1)\n"
          "  --reduce LIST      clause,deterministic (default clause)\n"
          "  --precision LIST   double,float (default double)\n"
          "  --out DIR          scaling.csv, summary.csv, env.json, loss.csv\n"
          "                     (plots: scripts/plot-scaling.sh DIR)\n"
          "\n"
          "Rows that must not be read as scaling are flagged (the flags column,\n"
          "flag_* in summary.csv, with a note on the likely cause): speedup above\n"
          "1.1 x threads, IQR above 10% of the median, more threads than cores.\n"
          "Warns when threads exceed the cores and when the load average at the\n"
          "start leaves fewer free cores than threads. For the tests only:\n"
          "LINREG_TEST_TIMES=T1,T2,... replaces the measured seconds per iteration\n"
          "of the timed fits in order; LINREG_TEST_LOADAVG=FILE replaces\n"
          "/proc/loadavg.\n",
          f);
}

static int in_list(const char *list, const char *word)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
        if (strcmp(tok, word) == 0)
            return 1;
    return 0;
}

static int check_list(const char *cmd, const char *opt, const char *list,
                      const char *a, const char *b)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    int n = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","), n++)
        if (strcmp(tok, a) != 0 && strcmp(tok, b) != 0) {
            cli_err(cmd, "--%s: '%s' is not one of: %s, %s", opt, tok, a, b);
            return -1;
        }
    if (n == 0) {
        cli_err(cmd, "--%s: empty list", opt);
        return -1;
    }
    return 0;
}

/* Fit on (X or Xf); returns 0 and the time per iteration. */
static int timed_fit(const lr_data *d, const float *Xf, const lr_params *par,
                     lr_model *m, double *tpi, double *mse)
{
    lr_result res;
    int st = lr_fit(lr_matrix_of(Xf ? NULL : d->X, Xf, d->n, d->p), d->y, par,
                    m, &res);
    if (st != LR_SUCCESS)
        return st;
    *tpi = res.time_s / (double)(res.iterations + 1);
    *mse = res.final_mse;
    return 0;
}

/* The loss against iteration and against seconds at `threads`. */
static int loss_curve(FILE *f, const lr_data *d, const lr_params *base,
                      int threads, size_t iters)
{
    lr_params par = *base;
    par.threads = threads;
    par.max_iter = iters;
    lr_gd *gd;
    int ast = lr_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, &gd);
    if (ast != LR_SUCCESS)
        return ast;
    double t0 = lr_now();
    int st = lr_gd_init(gd);
    fprintf(f, "%d,%zu,%.6g,%.17g\n", threads, (size_t)0, lr_now() - t0,
            lr_gd_mse(gd));
    while (st == LR_SUCCESS && lr_gd_test(gd) == LR_CONTINUE) {
        if (lr_gd_iterate(gd, 1) == LR_EDIVERGE)
            st = LR_EDIVERGE;
        fprintf(f, "%d,%zu,%.6g,%.17g\n", threads, lr_gd_iter(gd), lr_now() - t0,
                lr_gd_mse(gd));
    }
    lr_gd_free(gd);
    return st;
}

int cmd_scale(int argc, char **argv)
{
    enum {
        O_THREADS = OPT_GEN_LAST, O_DATA, O_MODE, O_ITERS, O_REPEAT, O_WARMUP,
        O_LR, O_REDUCE, O_PRECISION, O_OUT, O_HELP
    };
    static const struct option longopts[] = {
        CLI_GEN_LONGOPTS,
        {"threads", 1, 0, O_THREADS}, {"data", 1, 0, O_DATA},
        {"mode", 1, 0, O_MODE}, {"iters", 1, 0, O_ITERS},
        {"repeat", 1, 0, O_REPEAT}, {"warmup", 1, 0, O_WARMUP},
        {"lr", 1, 0, O_LR}, {"reduce", 1, 0, O_REDUCE},
        {"precision", 1, 0, O_PRECISION}, {"out", 1, 0, O_OUT},
        {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};
    static const char *const scalings[] = {"strong", "weak", NULL};
    const char *C = "scale", *tl = NULL, *data = NULL, *out = NULL;
    const char *reduce = "clause", *precision = "double";
    int weak = 0, opt, bad = 0;
    size_t iters = 50, repeat = 5, warmup = 1;
    double lr = 0.1;
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = 1000000;
    gp.n_features = 16;
    gp.n_informative = 16;
    gp.noise = 1.0;
    gp.seed = 1;
    gp.generator = LR_GEN_FAST;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int r = cli_gen_option(C, opt, optarg, &gp);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        switch (opt) {
        case O_THREADS: tl = optarg; break;
        case O_DATA: data = optarg; break;
        case O_MODE:
            bad = cli_choice(C, "mode", optarg, scalings, &weak); /* strong 0, weak 1 */
            break;
        case O_ITERS: bad = cli_size(C, "iters", optarg, 1, &iters); break;
        case O_REPEAT: bad = cli_size(C, "repeat", optarg, 1, &repeat); break;
        case O_WARMUP: bad = cli_size(C, "warmup", optarg, 0, &warmup); break;
        case O_LR: bad = cli_double(C, "lr", optarg, 0.0, 1, &lr); break;
        case O_REDUCE:
            reduce = optarg;
            bad = check_list(C, "reduce", reduce, "clause", "deterministic");
            break;
        case O_PRECISION:
            precision = optarg;
            bad = check_list(C, "precision", precision, "double", "float");
            break;
        case O_OUT: out = optarg; break;
        case O_HELP: usage(stdout); return 0;
        default:
            cli_err(C, "unknown or incomplete option '%s'", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (optind < argc) {
        cli_err(C, "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (data && weak) {
        cli_err(C, "--mode weak needs generated data (its size grows with the "
                "threads), not --data");
        return EXIT_USAGE;
    }
    if (repeat > 1000) {
        cli_err(C, "--repeat: at most 1000");
        return EXIT_USAGE;
    }
    int t[64];
    int nt = parse_threads(C, tl, t, 64);
    if (nt < 0)
        return EXIT_USAGE;
    for (int k = 0; weak && k < nt; k++) {
        if (gp.n_samples > SIZE_MAX / (size_t)t[k]) { /* weak: n grows with t */
            cli_err(C, "--samples %zu x %d threads (--mode weak) overflows the "
                    "size of memory", gp.n_samples, t[k]);
            return EXIT_USAGE;
        }
    }
    /* the four files, declared and checked before any timing, and renamed
     * into place together at the end */
    char p_csv[4096], p_sum[4096], p_env[4096], p_loss[4096];
    cli_outset os;
    cli_out_init(&os, C);
    if (out) {
        if (cli_out_dir(C, out))
            return 1;
        snprintf(p_csv, sizeof p_csv, "%s/scaling.csv", out);
        snprintf(p_sum, sizeof p_sum, "%s/summary.csv", out);
        snprintf(p_env, sizeof p_env, "%s/env.json", out);
        snprintf(p_loss, sizeof p_loss, "%s/loss.csv", out);
        cli_out_add(&os, "out", p_csv, 0);
        cli_out_add(&os, "out", p_sum, 0);
        cli_out_add(&os, "out", p_env, 0);
        cli_out_add(&os, "out", p_loss, 0);
        int crc = cli_out_check(&os);
        if (crc)
            return crc;
    }
    int cores = omp_get_num_procs(), maxt = 1;
    for (int k = 0; k < nt; k++)
        maxt = t[k] > maxt ? t[k] : maxt;
    char cpu[256];
    cli_machine(cpu, sizeof cpu, &cores);
    cli_sweep sw;
    int brc = cli_sweep_begin(C, maxt, &sw);
    if (brc) {
        cli_sweep_end(&sw);
        return cli_out_finish(&os, brc);
    }
    printf("linreg scale on %s (%d cores), %s\n", cpu, cores, cli_build_flags());
    if (isfinite(sw.load[0]))
        printf("load average at the start: %.2f %.2f %.2f\n", sw.load[0],
               sw.load[1], sw.load[2]);

    int modes[2], nmodes = 0, precs[2], nprecs = 0;
    if (in_list(reduce, "clause"))
        modes[nmodes++] = 0;
    if (in_list(reduce, "deterministic"))
        modes[nmodes++] = 1;
    if (in_list(precision, "double"))
        precs[nprecs++] = 0;
    if (in_list(precision, "float"))
        precs[nprecs++] = 1;

    /* rows of the per-repeat CSV and the summary */
    size_t cap = 256 + (size_t)nt * nmodes * nprecs * (repeat + 1) * 160;
    char *csv = malloc(cap);
    scale_row *rows = calloc((size_t)nt * nmodes * nprecs, sizeof *rows);
    double *times = malloc(repeat * sizeof *times);
    double *bw = calloc((size_t)nt, sizeof *bw);
    if (!csv || !rows || !times || !bw) {
        cli_err(C, "out of memory");
        free(csv);
        free(rows);
        free(times);
        free(bw);
        cli_sweep_end(&sw);
        return cli_out_finish(&os, 1);
    }
    size_t at = (size_t)snprintf(csv, cap, "mode,reduce,precision,threads,n,p,"
                                 "repeat,iters,time_per_iter_s\n");
    int rc = 0, nrows = 0;
    unsigned seen = 0;  /* the flags of all rows */
    lr_data *d = NULL;
    float *Xf = NULL;
    lr_model *m = NULL;
    double *w1s = NULL;
    size_t base_n = gp.n_samples;

    printf("\n%-6s %-13s %-6s %7s %10s %11s %11s %11s %11s %8s %6s %8s %7s %6s %10s "
           "%s\n", "mode", "reduce", "prec", "threads", "n", "median s", "min s",
           "max s", "IQR s", "speedup", "eff", "Karp-Fl", "GB/s", "of bw", "max|dw|",
           "flags");
    for (int ti = 0; ti < nt && !rc; ti++) {
        /* (re)build the data: once for strong scaling, per thread count for
         * weak scaling */
        if (!d || weak) {
            lr_data_free(d);
            free(Xf);
            Xf = NULL;
            d = NULL;
            if (data) {
                char err[512];
                if (lr_csv_read(data, "y", &d, err, sizeof err) != LR_SUCCESS) {
                    cli_err(C, "%s", err);
                    rc = 1;
                    break;
                }
            } else {
                gp.n_samples = weak ? base_n * (size_t)t[ti] : base_n;
                gp.threads = maxt;
                d = cli_generate(C, &gp, NULL);
                if (!d) {
                    rc = 1;
                    break;
                }
            }
            if (nprecs > 1 || precs[0] == 1) {
                Xf = malloc(d->n * d->p * sizeof *Xf);
                if (!Xf) {
                    cli_err(C, "out of memory");
                    rc = 1;
                    break;
                }
                for (size_t k = 0; k < d->n * d->p; k++)
                    Xf[k] = (float)d->X[k];
            }
            if (!m) {
                m = lr_model_alloc(d->p);
                /* the 1-thread weights of each (reduce, precision) */
                w1s = calloc(4 * d->p, sizeof *w1s);
                if (!m || !w1s) {
                    cli_err(C, "out of memory");
                    rc = 1;
                    break;
                }
            }
        }
        bw[ti] = read_gbs(d->X, d->n * d->p, t[ti], 5);
        for (int mi = 0; mi < nmodes && !rc; mi++) {
            for (int pi = 0; pi < nprecs && !rc; pi++) {
                lr_params par = lr_params_default();
                par.lr = lr;
                par.max_iter = iters;
                par.threads = t[ti];
                par.deterministic = modes[mi];
                par.init_seed = 42;
                const float *xf = precs[pi] ? Xf : NULL;
                double tpi = 0, mse = 0;
                int st = 0;
                for (size_t w = 0; w < warmup && !st; w++)
                    st = timed_fit(d, xf, &par, m, &tpi, &mse);
                for (size_t r = 0; r < repeat && !st; r++) {
                    st = timed_fit(d, xf, &par, m, &times[r], &mse);
                    times[r] = cli_sweep_time(&sw, times[r]);
                    at += (size_t)snprintf(csv + at, cap - at,
                                           "%s,%s,%s,%d,%zu,%zu,%zu,%zu,%.6g\n",
                                           weak ? "weak" : "strong",
                                           modes[mi] ? "deterministic" : "clause",
                                           precs[pi] ? "float" : "double", t[ti],
                                           d->n, d->p, r, iters, times[r]);
                }
                if (st) {
                    cli_err(C, "training failed: %s", lr_strerror(st));
                    rc = 1;
                    break;
                }
                cli_stats ts = cli_stats_of(times, repeat);
                scale_row *row = &rows[nrows];
                row->threads = t[ti];
                row->det = modes[mi];
                row->f32 = precs[pi];
                row->med = ts.med;
                row->min = ts.min;
                row->max = ts.max;
                row->iqr = ts.iqr;
                double bytes = (double)d->n * (double)d->p * (precs[pi] ? 4.0 : 8.0);
                row->gbs = bytes / row->med / 1e9;
                row->frac_bw = row->gbs / bw[ti];
                row->final_mse = mse;
                /* the 1-thread row of the same configuration */
                const scale_row *one = NULL;
                double *w1 = w1s + (size_t)(mi * 2 + pi) * d->p;
                for (int k = 0; k < nrows; k++)
                    if (rows[k].threads == 1 && rows[k].det == row->det
                        && rows[k].f32 == row->f32)
                        one = &rows[k];
                if (weak) {
                    row->maxdiff = NAN; /* a different problem per thread count */
                } else if (t[ti] == 1 || !one) {
                    memcpy(w1, lr_model_weights(m), d->p * sizeof *w1);
                    row->maxdiff = 0.0;
                } else {
                    double dm = 0.0;
                    for (size_t j = 0; j < d->p; j++)
                        dm = fmax(dm, fabs(lr_model_weights(m)[j] - w1[j]));
                    row->maxdiff = dm;
                }
                /* speedup against the 1-thread row of the same configuration
                 * (weak scaling: scaled speedup, T times the work) */
                double T = (double)t[ti];
                if (t[ti] == 1)
                    one = row;
                double S = one ? one->med / row->med * (weak ? T : 1.0) : NAN;
                double eff = S / T;
                double kf = T > 1 ? (1.0 / S - 1.0 / T) / (1.0 - 1.0 / T) : NAN;
                row->speedup = S;
                row->flags = cli_flags(S, t[ti], cores, row->med, row->iqr);
                seen |= row->flags;
                char fw[32];
                printf("%-6s %-13s %-6s %7d %10zu %11.4g %11.4g %11.4g %11.3g %8.3f "
                       "%6.3f %8.3f %7.2f %6.2f %10.3g %s\n", weak ? "weak" : "strong",
                       modes[mi] ? "deterministic" : "clause",
                       precs[pi] ? "float" : "double", t[ti], d->n, row->med,
                       row->min, row->max, row->iqr, S, eff, kf, row->gbs,
                       row->frac_bw, row->maxdiff,
                       cli_flag_words(row->flags, fw, sizeof fw));
                fflush(stdout);
                nrows++;
            }
        }
    }
    if (!rc && seen) {
        printf("\nflags (rows not to be read as scaling):\n");
        cli_flag_notes(stdout, "", seen);
    }
    if (!rc && out) {
        size_t scap = 256 + (size_t)nrows * 260, sat = 0;
        char *sum = malloc(scap);
        if (!sum) {
            cli_err(C, "out of memory");
            rc = 1;
        } else {
            sat += (size_t)snprintf(sum, scap, "mode,reduce,precision,threads,n,p,"
                                    "median_s,min_s,max_s,iqr_s,speedup,efficiency,"
                                    "karp_flatt,gbs,read_gbs,frac_bw,max_abs_dw,"
                                    "iqr_rel,flag_speedup,flag_iqr,flag_oversub\n");
            for (int k = 0; k < nrows; k++) {
                const scale_row *r = &rows[k];
                double T = r->threads;
                double S = r->speedup;
                double kf = T > 1 ? (1.0 / S - 1.0 / T) / (1.0 - 1.0 / T) : 0.0;
                int ti = 0;
                while (ti < nt && t[ti] != r->threads)
                    ti++;
                sat += (size_t)snprintf(sum + sat, scap - sat,
                                        "%s,%s,%s,%d,%zu,%zu,%.6g,%.6g,%.6g,%.4g,%.4f,"
                                        "%.4f,%.4f,%.3f,%.3f,%.4f,%.3g,%.4f,%d,%d,%d\n",
                                        weak ? "weak" : "strong",
                                        r->det ? "deterministic" : "clause",
                                        r->f32 ? "float" : "double", r->threads,
                                        weak ? base_n * (size_t)r->threads : d->n,
                                        d->p, r->med, r->min, r->max, r->iqr, S,
                                        S / T, kf, r->gbs, ti < nt ? bw[ti] : NAN,
                                        r->frac_bw, r->maxdiff, r->iqr / r->med,
                                        !!(r->flags & CLI_FLAG_SPEEDUP),
                                        !!(r->flags & CLI_FLAG_IQR),
                                        !!(r->flags & CLI_FLAG_OVERSUB));
            }
            if (cli_out_text(&os, p_csv, csv) || cli_out_text(&os, p_sum, sum))
                rc = 1;
            free(sum);
        }
        if (!rc) {
            cJSON *env = env_json();
            cli_sweep_env(&sw, seen, env);
            cJSON_AddStringToObject(env, "mode", weak ? "weak" : "strong");
            cJSON_AddNumberToObject(env, "n_samples", (double)(weak ? base_n : d->n));
            cJSON_AddNumberToObject(env, "n_features", (double)d->p);
            cJSON_AddNumberToObject(env, "iters", (double)iters);
            cJSON_AddNumberToObject(env, "repeat", (double)repeat);
            cJSON_AddNumberToObject(env, "warmup", (double)warmup);
            cJSON_AddNumberToObject(env, "lr", lr);
            cJSON_AddStringToObject(env, "data", data ? data : "generated");
            cJSON *bwj = cJSON_CreateArray();
            for (int k = 0; k < nt; k++) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "threads", t[k]);
                cJSON_AddNumberToObject(o, "read_gbs", bw[k]);
                cJSON_AddItemToArray(bwj, o);
            }
            cJSON_AddItemToObject(env, "read_bandwidth", bwj);
            if (cli_out_json(&os, p_env, env))
                rc = 1;
            cJSON_Delete(env);
        }
        if (!rc) {
            /* loss against iteration and seconds, at 1 and at the most
             * threads, on the last data set */
            FILE *f = cli_out_open(&os, p_loss);
            if (!f) {
                rc = 1;
            } else {
                lr_params par = lr_params_default();
                par.lr = lr;
                par.init_seed = 42;
                fprintf(f, "threads,iter,seconds,mse\n");
                if (loss_curve(f, d, &par, 1, iters) != LR_SUCCESS
                    || (maxt > 1 && loss_curve(f, d, &par, maxt, iters) != LR_SUCCESS))
                    rc = 1;
                if (cli_out_close(&os, p_loss, !rc))
                    rc = 1;
            }
        }
        rc = cli_out_finish(&os, rc);
        if (!rc)
            printf("\nwrote %s/scaling.csv, %s/summary.csv, %s/env.json, %s/loss.csv\n",
                   out, out, out, out);
    }
    free(csv);
    free(rows);
    free(times);
    free(bw);
    free(Xf);
    lr_model_free(m);
    free(w1s);
    lr_data_free(d);
    cli_sweep_end(&sw);
    return cli_out_finish(&os, rc); /* on failure: every temporary removed */
}
