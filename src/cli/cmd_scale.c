/* cmd_scale.c -- `linreg scale`: thread-scaling experiments measured
 * honestly (repeats, warm-up, spread), against the machine's own read
 * bandwidth (cmd_bandwidth.c). */
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

typedef struct {
    int threads, det, f32;
    unsigned flags;  /* CLI_FLAG_ bits */
    double med, min, max, iqr, speedup, gbs, frac_bw, maxdiff, final_mse;
} scale_row;

/* The CPU's caches, "L1 Data 48K, L1 Instruction 32K, ..." (malloc'd), or
 * NULL when memory is short. */
static char *cache_sizes(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
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
        fprintf(out, "%sL%s %s %s", i ? ", " : "", lvl, typ, size);
    }
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static cJSON *env_json(void)
{
    extern char **environ;
    cJSON *e = cli_env_json();
    char *caches = cache_sizes();
    cJSON_AddStringToObject(e, "caches", caches ? caches : "");
    free(caches);
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

/* The loss against iteration and against seconds at `threads`. */
static int loss_curve(FILE *f, const lr_data *d, const lr_params *base,
                      int threads, size_t iters)
{
    lr_params par = *base;
    par.threads = threads;
    par.max_iter = iters;
    lr_gd *gd = NULL;
    int st = lr_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, &gd);
    if (st != LR_SUCCESS)
        return st;
    double t0 = lr_now();
    st = lr_gd_init(gd);
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

/* The options of a scaling run. */
typedef struct {
    const char *data, *out;
    int weak;
    size_t iters, repeat, warmup;
    double lr;
    lr_gen_params gp;
    int t[64], nt;                /* thread counts, increasing */
    int modes[2], nmodes;         /* reductions: 0 clause, 1 deterministic */
    int precs[2], nprecs;         /* 0 double, 1 float */
} scale_args;

/* 0: parsed; -1: --help was printed; else an exit status (printed). */
static int scale_parse(const char *C, int argc, char **argv, scale_args *a)
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
    const char *tl = NULL, *reduce = "clause", *precision = "double";
    int opt, bad = 0;
    memset(a, 0, sizeof *a);
    a->iters = 50;
    a->repeat = 5;
    a->warmup = 1;
    a->lr = 0.1;
    a->gp = lr_gen_params_default();
    a->gp.n_samples = 1000000;
    a->gp.n_features = 16;
    a->gp.n_informative = 16;
    a->gp.noise = 1.0;
    a->gp.seed = 1;
    a->gp.generator = LR_GEN_FAST;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int r = cli_gen_option(C, opt, optarg, &a->gp);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        switch (opt) {
        case O_THREADS: tl = optarg; break;
        case O_DATA: a->data = optarg; break;
        case O_MODE: /* strong 0, weak 1 */
            bad = cli_choice(C, "mode", optarg, scalings, &a->weak);
            break;
        case O_ITERS: bad = cli_size(C, "iters", optarg, 1, &a->iters); break;
        case O_REPEAT: bad = cli_size(C, "repeat", optarg, 1, &a->repeat); break;
        case O_WARMUP: bad = cli_size(C, "warmup", optarg, 0, &a->warmup); break;
        case O_LR: bad = cli_double(C, "lr", optarg, 0.0, 1, &a->lr); break;
        case O_REDUCE:
            reduce = optarg;
            bad = check_list(C, "reduce", reduce, "clause", "deterministic");
            break;
        case O_PRECISION:
            precision = optarg;
            bad = check_list(C, "precision", precision, "double", "float");
            break;
        case O_OUT: a->out = optarg; break;
        case O_HELP: usage(stdout); return -1;
        default:
            return cli_bad_option(C, argv, usage);
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (cli_operands(C, argc, argv))
        return EXIT_USAGE;
    if (a->data && a->weak) {
        cli_err(C, "--mode weak needs generated data (its size grows with the "
                "threads), not --data");
        return EXIT_USAGE;
    }
    if (a->repeat > 1000) {
        cli_err(C, "--repeat: at most 1000");
        return EXIT_USAGE;
    }
    if ((a->nt = cli_threads_sweep(C, tl, a->t, 64)) < 0)
        return EXIT_USAGE;
    for (int k = 0; a->weak && k < a->nt; k++) {
        if (a->gp.n_samples > SIZE_MAX / (size_t)a->t[k]) { /* weak: n grows with t */
            cli_err(C, "--samples %zu x %d threads (--mode weak) overflows the "
                    "size of memory", a->gp.n_samples, a->t[k]);
            return EXIT_USAGE;
        }
    }
    if (in_list(reduce, "clause"))
        a->modes[a->nmodes++] = 0;
    if (in_list(reduce, "deterministic"))
        a->modes[a->nmodes++] = 1;
    if (in_list(precision, "double"))
        a->precs[a->nprecs++] = 0;
    if (in_list(precision, "float"))
        a->precs[a->nprecs++] = 1;
    return 0;
}

/* A scaling run: its outputs, its data and its rows. */
typedef struct {
    const char *C;
    const scale_args *a;
    cli_outset os;
    char p_csv[4096], p_sum[4096], p_env[4096], p_loss[4096];
    FILE *csv;          /* the per-repeat rows, or NULL without --out */
    cli_sweep sw;
    int cores, maxt;
    scale_row *rows;
    int nrows;
    unsigned seen;      /* the flags of all rows */
    double *times, *bw; /* of one configuration; per thread count */
    lr_data *d;
    float *Xf;          /* X in single precision, for --precision float */
    lr_model *m;
    double *w1s;        /* the 1-thread weights of each (reduce, precision) */
    size_t base_n;
} scale_run;

/* The four files, declared and checked before any timing, and renamed
 * into place together at the end; the per-repeat rows are written as they
 * come. 0 or an exit status (printed). */
static int scale_outputs(scale_run *r)
{
    const char *out = r->a->out;
    cli_out_init(&r->os, r->C);
    if (!out)
        return 0;
    if (cli_out_dir(r->C, out))
        return 1;
    snprintf(r->p_csv, sizeof r->p_csv, "%s/scaling.csv", out);
    snprintf(r->p_sum, sizeof r->p_sum, "%s/summary.csv", out);
    snprintf(r->p_env, sizeof r->p_env, "%s/env.json", out);
    snprintf(r->p_loss, sizeof r->p_loss, "%s/loss.csv", out);
    cli_out_add(&r->os, "out", r->p_csv, 0);
    cli_out_add(&r->os, "out", r->p_sum, 0);
    cli_out_add(&r->os, "out", r->p_env, 0);
    cli_out_add(&r->os, "out", r->p_loss, 0);
    return cli_out_check(&r->os);
}

/* The data (once for strong scaling, per thread count for weak scaling)
 * and its float copy. 0 or 1 (printed). */
static int scale_data(scale_run *r, int threads)
{
    const scale_args *a = r->a;
    lr_data_free(r->d);
    free(r->Xf);
    r->Xf = NULL;
    r->d = NULL;
    if (a->data) {
        char err[512];
        if (lr_csv_read(a->data, "y", &r->d, err, sizeof err) != LR_SUCCESS) {
            cli_err(r->C, "%s", err);
            return 1;
        }
    } else {
        lr_gen_params gp = a->gp;
        gp.n_samples = a->weak ? r->base_n * (size_t)threads : r->base_n;
        gp.threads = r->maxt;
        if (!(r->d = cli_generate(r->C, &gp, NULL)))
            return 1;
    }
    const lr_data *d = r->d;
    if (a->nprecs > 1 || a->precs[0] == 1) {
        r->Xf = lr_alloc_rows(d->n * d->p * sizeof *r->Xf);
        if (!r->Xf) {
            cli_err(r->C, "out of memory");
            return 1;
        }
        for (size_t k = 0; k < d->n * d->p; k++)
            r->Xf[k] = (float)d->X[k];
    }
    if (!r->m) {
        r->m = lr_model_alloc(d->p);
        r->w1s = calloc(4 * d->p, sizeof *r->w1s);
        if (!r->m || !r->w1s) {
            cli_err(r->C, "out of memory");
            return 1;
        }
    }
    return 0;
}

static void print_row(const scale_run *r, const scale_row *row, double eff,
                      double kf)
{
    char fw[32];
    printf("%-6s %-13s %-6s %7d %10zu %11.4g %11.4g %11.4g %11.3g %8.3f "
           "%6.3f %8.3f %7.2f %6.2f %10.3g %s\n", r->a->weak ? "weak" : "strong",
           row->det ? "deterministic" : "clause", row->f32 ? "float" : "double",
           row->threads, r->d->n, row->med, row->min, row->max, row->iqr,
           row->speedup, eff, kf, row->gbs, row->frac_bw, row->maxdiff,
           cli_flag_words(row->flags, fw, sizeof fw));
    fflush(stdout);
}

/* One configuration at thread count t[ti]: the timed fits, their row, and
 * its comparison with the 1-thread row. 0 or 1 (printed). */
static int scale_config(scale_run *r, int ti, int mi, int pi)
{
    const scale_args *a = r->a;
    const lr_data *d = r->d;
    const int threads = a->t[ti];
    lr_params par = lr_params_default();
    par.lr = a->lr;
    par.max_iter = a->iters;
    par.threads = threads;
    par.deterministic = a->modes[mi];
    par.init_seed = 42;
    const int f32 = a->precs[pi];
    lr_result res;
    int st = cli_sweep_fits(&r->sw, d, f32 ? r->Xf : NULL, &par, a->warmup,
                            a->repeat, r->times, r->m, &res);
    if (st) {
        cli_err(r->C, "training failed: %s", lr_strerror(st));
        return 1;
    }
    for (size_t k = 0; r->csv && k < a->repeat; k++)
        fprintf(r->csv, "%s,%s,%s,%d,%zu,%zu,%zu,%zu,%.6g\n",
                a->weak ? "weak" : "strong", par.deterministic ? "deterministic"
                : "clause", f32 ? "float" : "double", threads, d->n, d->p, k,
                a->iters, r->times[k]);
    cli_stats ts = cli_stats_of(r->times, a->repeat);
    scale_row *row = &r->rows[r->nrows];
    *row = (scale_row){threads, par.deterministic, f32, 0, ts.med, ts.min, ts.max,
                       ts.iqr, NAN, NAN, NAN, NAN, res.final_mse};
    double bytes = (double)d->n * (double)d->p * (f32 ? 4.0 : 8.0);
    row->gbs = bytes / row->med / 1e9;
    row->frac_bw = row->gbs / r->bw[ti];
    /* the 1-thread row of the same configuration */
    const scale_row *one = NULL;
    double *w1 = r->w1s + (size_t)(mi * 2 + pi) * d->p;
    for (int k = 0; k < r->nrows; k++)
        if (r->rows[k].threads == 1 && r->rows[k].det == row->det
            && r->rows[k].f32 == row->f32)
            one = &r->rows[k];
    const double *w = lr_model_weights(r->m);
    if (a->weak) {
        row->maxdiff = NAN; /* a different problem per thread count */
    } else if (threads == 1 || !one) {
        memcpy(w1, w, d->p * sizeof *w1);
        row->maxdiff = 0.0;
    } else {
        row->maxdiff = cli_max_abs_diff(w, w1, d->p);
    }
    /* speedup against the 1-thread row of the same configuration (weak
     * scaling: scaled speedup, T times the work) */
    double T = (double)threads;
    if (threads == 1)
        one = row;
    double S = one ? one->med / row->med * (a->weak ? T : 1.0) : NAN;
    row->speedup = S;
    row->flags = cli_flags(S, threads, r->cores, row->med, row->iqr);
    r->seen |= row->flags;
    print_row(r, row, S / T, T > 1 ? (1.0 / S - 1.0 / T) / (1.0 - 1.0 / T) : NAN);
    r->nrows++;
    return 0;
}

/* Every thread count and configuration, with the header and the notes on
 * flags. 0 or 1 (printed). */
static int scale_sweep(scale_run *r)
{
    const scale_args *a = r->a;
    printf("\n%-6s %-13s %-6s %7s %10s %11s %11s %11s %11s %8s %6s %8s %7s %6s %10s "
           "%s\n", "mode", "reduce", "prec", "threads", "n", "median s", "min s",
           "max s", "IQR s", "speedup", "eff", "Karp-Fl", "GB/s", "of bw", "max|dw|",
           "flags");
    for (int ti = 0; ti < a->nt; ti++) {
        if ((!r->d || a->weak) && scale_data(r, a->t[ti]))
            return 1;
        r->bw[ti] = cli_read_gbs(r->d->X, r->d->n * r->d->p, a->t[ti], 5);
        for (int mi = 0; mi < a->nmodes; mi++)
            for (int pi = 0; pi < a->nprecs; pi++)
                if (scale_config(r, ti, mi, pi))
                    return 1;
    }
    if (r->seen) {
        printf("\nflags (rows not to be read as scaling):\n");
        cli_flag_notes(stdout, "", r->seen);
    }
    return 0;
}

/* summary.csv: one line per row. 0 or 1. */
static int write_summary(scale_run *r)
{
    const scale_args *a = r->a;
    FILE *f = cli_out_open(&r->os, r->p_sum);
    if (!f)
        return 1;
    fputs("mode,reduce,precision,threads,n,p,median_s,min_s,max_s,iqr_s,speedup,"
          "efficiency,karp_flatt,gbs,read_gbs,frac_bw,max_abs_dw,iqr_rel,"
          "flag_speedup,flag_iqr,flag_oversub\n", f);
    for (int k = 0; k < r->nrows; k++) {
        const scale_row *row = &r->rows[k];
        double T = row->threads, S = row->speedup;
        double kf = T > 1 ? (1.0 / S - 1.0 / T) / (1.0 - 1.0 / T) : 0.0;
        int ti = 0;
        while (ti < a->nt && a->t[ti] != row->threads)
            ti++;
        fprintf(f, "%s,%s,%s,%d,%zu,%zu,%.6g,%.6g,%.6g,%.4g,%.4f,%.4f,%.4f,%.3f,"
                "%.3f,%.4f,%.3g,%.4f,%d,%d,%d\n", a->weak ? "weak" : "strong",
                row->det ? "deterministic" : "clause", row->f32 ? "float" : "double",
                row->threads, a->weak ? r->base_n * (size_t)row->threads : r->d->n,
                r->d->p, row->med, row->min, row->max, row->iqr, S, S / T, kf,
                row->gbs, ti < a->nt ? r->bw[ti] : NAN, row->frac_bw, row->maxdiff,
                row->iqr / row->med, !!(row->flags & CLI_FLAG_SPEEDUP),
                !!(row->flags & CLI_FLAG_IQR), !!(row->flags & CLI_FLAG_OVERSUB));
    }
    return cli_out_close(&r->os, r->p_sum, 1) ? 1 : 0;
}

/* env.json: the machine, the run's settings and the read bandwidth. */
static int write_env(scale_run *r)
{
    const scale_args *a = r->a;
    cJSON *env = env_json();
    cli_sweep_env(&r->sw, r->seen, env);
    cJSON_AddStringToObject(env, "mode", a->weak ? "weak" : "strong");
    cJSON_AddNumberToObject(env, "n_samples", (double)(a->weak ? r->base_n
                                                               : r->d->n));
    cJSON_AddNumberToObject(env, "n_features", (double)r->d->p);
    cJSON_AddNumberToObject(env, "iters", (double)a->iters);
    cJSON_AddNumberToObject(env, "repeat", (double)a->repeat);
    cJSON_AddNumberToObject(env, "warmup", (double)a->warmup);
    cJSON_AddNumberToObject(env, "lr", a->lr);
    cJSON_AddStringToObject(env, "data", a->data ? a->data : "generated");
    cJSON *bwj = cJSON_CreateArray();
    for (int k = 0; k < a->nt; k++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "threads", a->t[k]);
        cJSON_AddNumberToObject(o, "read_gbs", r->bw[k]);
        cJSON_AddItemToArray(bwj, o);
    }
    cJSON_AddItemToObject(env, "read_bandwidth", bwj);
    int rc = cli_out_json(&r->os, r->p_env, env) ? 1 : 0;
    cJSON_Delete(env);
    return rc;
}

/* loss.csv: the loss against iteration and seconds, at 1 and at the most
 * threads, on the last data set. */
static int write_loss(scale_run *r)
{
    FILE *f = cli_out_open(&r->os, r->p_loss);
    if (!f)
        return 1;
    lr_params par = lr_params_default();
    par.lr = r->a->lr;
    par.init_seed = 42;
    fprintf(f, "threads,iter,seconds,mse\n");
    int rc = loss_curve(f, r->d, &par, 1, r->a->iters) != LR_SUCCESS
             || (r->maxt > 1 && loss_curve(f, r->d, &par, r->maxt, r->a->iters)
                 != LR_SUCCESS);
    return cli_out_close(&r->os, r->p_loss, !rc) || rc;
}

/* The files of --out, renamed into place together. An exit status. */
static int scale_report(scale_run *r)
{
    int rc = cli_out_close(&r->os, r->p_csv, 1) ? 1 : 0;
    r->csv = NULL;
    if (!rc)
        rc = write_summary(r);
    if (!rc)
        rc = write_env(r);
    if (!rc)
        rc = write_loss(r);
    rc = cli_out_finish(&r->os, rc);
    if (!rc)
        printf("\nwrote %s/scaling.csv, %s/summary.csv, %s/env.json, %s/loss.csv\n",
               r->a->out, r->a->out, r->a->out, r->a->out);
    return rc;
}

/* The machine, the sweep's state and the buffers. 0 or an exit status. */
static int scale_begin(scale_run *r)
{
    const scale_args *a = r->a;
    r->maxt = 1;
    for (int k = 0; k < a->nt; k++)
        r->maxt = a->t[k] > r->maxt ? a->t[k] : r->maxt;
    char cpu[256];
    cli_machine(cpu, sizeof cpu, &r->cores);
    int brc = cli_sweep_begin(r->C, r->maxt, &r->sw);
    if (brc)
        return brc;
    printf("linreg scale on %s (%d cores), %s\n", cpu, r->cores, cli_build_flags());
    if (isfinite(r->sw.load[0]))
        printf("load average at the start: %.2f %.2f %.2f\n", r->sw.load[0],
               r->sw.load[1], r->sw.load[2]);
    r->rows = calloc((size_t)a->nt * a->nmodes * a->nprecs, sizeof *r->rows);
    r->times = malloc(a->repeat * sizeof *r->times);
    r->bw = calloc((size_t)a->nt, sizeof *r->bw);
    if (a->out && !(r->csv = cli_out_open(&r->os, r->p_csv)))
        return 1;
    if (!r->rows || !r->times || !r->bw) {
        cli_err(r->C, "out of memory");
        return 1;
    }
    if (r->csv)
        fputs("mode,reduce,precision,threads,n,p,repeat,iters,time_per_iter_s\n",
              r->csv);
    return 0;
}

int cmd_scale(int argc, char **argv)
{
    scale_args a;
    scale_run r;
    memset(&r, 0, sizeof r);
    r.C = "scale";
    r.a = &a;
    int rc = scale_parse(r.C, argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    r.base_n = a.gp.n_samples;
    if ((rc = scale_outputs(&r)))
        return rc;
    rc = scale_begin(&r);
    if (!rc)
        rc = scale_sweep(&r);
    if (!rc && a.out)
        rc = scale_report(&r);
    free(r.rows);
    free(r.times);
    free(r.bw);
    free(r.Xf);
    lr_model_free(r.m);
    free(r.w1s);
    lr_data_free(r.d);
    cli_sweep_end(&r.sw);
    return cli_out_finish(&r.os, rc); /* on failure: every temporary removed */
}
