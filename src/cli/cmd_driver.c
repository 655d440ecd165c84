/* cmd_driver.c -- `linreg driver`, the main job (`make run`): the tutorial
 * experiment with its convergence report, then one larger generated problem
 * trained at 1, 2, ... threads up to the cores present, with time per
 * iteration, speedup and efficiency for each thread count. */
#include <errno.h>
#include <stdint.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <omp.h>

#include "cli.h"

enum {
    OPT_OUT = OPT_GEN_LAST, OPT_ITERS, OPT_REPEAT,
    OPT_MAX_THREADS, OPT_HELP
};

static void usage(FILE *f)
{
    fputs("usage: linreg driver [--out DIR] [OPTIONS]\n"
          "\n"
          "1. The tutorial: make_regression(500, 1, noise=15, random_state=4),\n"
          "   lr 0.01, 1000 iterations, weights from np.random.seed(42).\n"
          "2. A larger problem (fast generator) trained at 1, 2, ... threads.\n"
          "  --out DIR          where to write the CSV and JSON (default results/driver)\n"
          "  --samples N        rows of the larger problem (default 1000000)\n"
          "  --features P       its features (default 16)\n"
          "  --iters N          iterations per timed fit (default 100)\n"
          "  --repeat R         timed fits per thread count (default 3)\n"
          "  --max-threads T    up to T threads (default: the cores present)\n"
          "\n"
          "Thread counts whose results must not be read as scaling are flagged,\n"
          "with a note on the likely cause: speedup above 1.1 x threads, IQR above\n"
          "10% of the median, more threads than cores; a busy machine at the start\n"
          "is warned of. Test hooks as in `linreg scale --help`.\n",
          f);
}

static char *join(const char *dir, const char *name)
{
    size_t l = strlen(dir) + strlen(name) + 2;
    char *s = malloc(l);
    if (s)
        snprintf(s, l, "%s/%s", dir, name);
    return s;
}

/* The options of the driver. */
typedef struct {
    const char *dir;
    size_t n, p, iters, repeat;
    int maxt;
} driver_args;

/* 0: parsed; -1: --help was printed; else an exit status (printed). */
static int driver_parse(const char *C, int argc, char **argv, driver_args *a)
{
    static const struct option longopts[] = {
        {"out", 1, 0, OPT_OUT}, {"samples", 1, 0, OPT_SAMPLES},
        {"features", 1, 0, OPT_FEATURES}, {"iters", 1, 0, OPT_ITERS},
        {"repeat", 1, 0, OPT_REPEAT}, {"max-threads", 1, 0, OPT_MAX_THREADS},
        {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    *a = (driver_args){"results/driver", 1000000, 16, 100, 3, omp_get_num_procs()};
    int opt, bad = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_OUT: a->dir = optarg; break;
        case OPT_SAMPLES: bad = cli_size(C, "samples", optarg, 1, &a->n); break;
        case OPT_FEATURES: bad = cli_size(C, "features", optarg, 1, &a->p); break;
        case OPT_ITERS: bad = cli_size(C, "iters", optarg, 1, &a->iters); break;
        case OPT_REPEAT: bad = cli_size(C, "repeat", optarg, 1, &a->repeat); break;
        case OPT_MAX_THREADS:
            bad = cli_threads(C, "max-threads", optarg, &a->maxt);
            break;
        case OPT_HELP: usage(stdout); return -1;
        default:
            return cli_bad_option(C, argv, usage);
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (cli_operands(C, argc, argv))
        return EXIT_USAGE;
    return 0;
}

/* The files of the run, in --out. */
enum { F_REPORT, F_MODEL, F_HISTORY, F_DATA, F_CSV, F_JSON, F_SUMMARY, N_FILES };
static const char *const file_names[N_FILES] = {
    "tutorial_report.json", "tutorial_model.json", "tutorial_history.csv",
    "tutorial_data.csv", "scaling.csv", "driver.json", "scaling_summary.csv"};

typedef struct {
    const char *C;
    const driver_args *a;
    char *path[N_FILES];
    cli_outset os;
    cli_sweep sw;
    int cores;
} driver_run;

/* Every file of the run, declared and checked before any work, and
 * renamed into place together at the end. 0 or an exit status. */
static int driver_outputs(driver_run *r)
{
    cli_out_init(&r->os, r->C);
    if (cli_out_dir(r->C, r->a->dir))
        return 1;
    int ok = 1;
    for (int k = 0; k < N_FILES; k++) {
        ok = ok && (r->path[k] = join(r->a->dir, file_names[k]));
        cli_out_add(&r->os, "out", r->path[k], 0);
    }
    return ok ? cli_out_check(&r->os) : 1;
}

/* 1. The tutorial: train's session on make_regression(500, 1, noise 15,
 * random_state 4), and its data. An exit status. */
static int driver_tutorial(driver_run *r)
{
    printf("== 1. The tutorial: make_regression(n_samples=500, n_features=1, "
           "noise=15, random_state=4)\n"
           "      lr 0.01, 1000 iterations, w0 = np.random.seed(42); rand(1), b0 = 0\n");
    fflush(stdout);
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = 500;
    gp.n_features = 1;
    gp.noise = 15;
    gp.seed = 4;
    double *coef = NULL;
    lr_data *d = cli_generate(r->C, &gp, &coef);
    if (!d)
        return 1;
    cli_train_opts o;
    memset(&o, 0, sizeof o);
    o.par = lr_params_default();
    o.par.init_seed = 42;
    o.log_every = 10;
    o.print_every = 100;
    o.table = 1;
    o.exact = 1;
    o.true_coef = coef;
    o.report_out = r->path[F_REPORT];
    o.model_out = r->path[F_MODEL];
    o.history_out = r->path[F_HISTORY];
    o.outs = &r->os;
    int rc = 0;
    FILE *f = cli_out_open(&r->os, r->path[F_DATA]);
    if (!f || cli_out_close(&r->os, r->path[F_DATA],
                            lr_csv_fwrite(f, d) == LR_SUCCESS))
        rc = 1;
    if (!rc)
        rc = cli_train(r->C, d, &o, NULL);
    free(coef);
    lr_data_free(d);
    return rc;
}

/* One thread count of step 2: scale's timed fits (cli_sweep_fits), a line
 * of the table, of each CSV and of driver.json. m1 holds the 1-thread
 * model, *t1 its median. 0 or 1 (printed). */
static int driver_threads(driver_run *r, const lr_data *d, int threads,
                          lr_model *m1, lr_model *m, double *times, double *t1,
                          FILE *csv, FILE *sum, cJSON *rows, unsigned *seen)
{
    const driver_args *a = r->a;
    const size_t n = d->n, p = d->p;
    lr_params par = lr_params_default();
    par.lr = 0.1;
    par.max_iter = a->iters;
    par.threads = threads;
    par.init_seed = 42;
    lr_result res;
    int st = cli_sweep_fits(&r->sw, d, NULL, &par, 0, a->repeat, times, m, &res);
    if (st != LR_SUCCESS) {
        cli_err(r->C, "training failed: %s", lr_strerror(st));
        return 1;
    }
    for (size_t k = 0; k < a->repeat; k++)
        fprintf(csv, "%d,%zu,%zu,%zu,%zu,%.6g\n", threads, k, n, p, a->iters,
                times[k]);
    cli_stats ts = cli_stats_of(times, a->repeat);
    double med = ts.med;
    if (threads == 1) {
        *t1 = med;
        memcpy(lr_model_weights_mut(m1), lr_model_weights(m), p * sizeof(double));
        lr_model_set_bias(m1, lr_model_bias(m));
    }
    double dmax = fmax(fabs(lr_model_bias(m) - lr_model_bias(m1)),
                       cli_max_abs_diff(lr_model_weights(m), lr_model_weights(m1), p));
    double gbs = (double)n * (double)p * 8.0 / med / 1e9, S = *t1 / med;
    unsigned fl = cli_flags(S, res.threads, r->cores, med, ts.iqr);
    *seen |= fl;
    char fw[32];
    printf("  %7d %14.6g %9.3f %10.3f %9.2f %12.8g %14.3g %8.3f %s\n", res.threads,
           med, S, S / res.threads, gbs, res.final_mse, dmax, ts.iqr / med,
           cli_flag_words(fl, fw, sizeof fw));
    fprintf(sum, "%d,%.6g,%.4f,%.4f,%.3f,%.4g,%.4f,%d,%d,%d\n", res.threads, med,
            S, S / res.threads, gbs, ts.iqr, ts.iqr / med,
            !!(fl & CLI_FLAG_SPEEDUP), !!(fl & CLI_FLAG_IQR),
            !!(fl & CLI_FLAG_OVERSUB));
    cJSON *row = cJSON_CreateObject();
    cJSON_AddNumberToObject(row, "threads", res.threads);
    cJSON_AddNumberToObject(row, "time_per_iter_s", med);
    cJSON_AddNumberToObject(row, "speedup", S);
    cJSON_AddNumberToObject(row, "efficiency", S / res.threads);
    cJSON_AddNumberToObject(row, "gbs_x", gbs);
    cJSON_AddItemToObject(row, "final_mse", cli_num(res.final_mse));
    cJSON_AddNumberToObject(row, "max_abs_diff_vs_1_thread", dmax);
    cJSON_AddNumberToObject(row, "iqr_s", ts.iqr);
    cJSON_AddItemToObject(row, "flag_speedup", cJSON_CreateBool(fl & CLI_FLAG_SPEEDUP));
    cJSON_AddItemToObject(row, "flag_iqr", cJSON_CreateBool(fl & CLI_FLAG_IQR));
    cJSON_AddItemToObject(row, "flag_oversub", cJSON_CreateBool(fl & CLI_FLAG_OVERSUB));
    cJSON_AddItemToArray(rows, row);
    return 0;
}

/* driver.json: the machine and the scaling rows (taken). 0 or 1. */
static int write_json(driver_run *r, cJSON *rows, unsigned seen)
{
    const driver_args *a = r->a;
    cJSON *doc = cJSON_CreateObject();
    cJSON *machine = cli_env_json();
    cli_sweep_env(&r->sw, seen, machine);
    cJSON_AddItemToObject(doc, "machine", machine);
    cJSON_AddNumberToObject(doc, "n_samples", (double)a->n);
    cJSON_AddNumberToObject(doc, "n_features", (double)a->p);
    cJSON_AddNumberToObject(doc, "iters", (double)a->iters);
    cJSON_AddNumberToObject(doc, "repeat", (double)a->repeat);
    cJSON_AddItemToObject(doc, "scaling", rows);
    int rc = cli_out_json(&r->os, r->path[F_JSON], doc) ? 1 : 0;
    cJSON_Delete(doc);
    return rc;
}

/* 2. Thread scaling on a larger problem, at 1, 2, ... 8, 16, ... threads
 * up to --max-threads. An exit status. */
static int driver_scaling(driver_run *r)
{
    const driver_args *a = r->a;
    printf("\n== 2. Thread scaling: %zu x %zu (fast generator, seed 1, noise 1), "
           "%zu iterations, lr 0.1, median of %zu fits\n", a->n, a->p, a->iters,
           a->repeat);
    fflush(stdout);
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = a->n;
    gp.n_features = a->p;
    gp.noise = 1.0;
    gp.seed = 1;
    gp.generator = LR_GEN_FAST;
    lr_data *d = cli_generate(r->C, &gp, NULL);
    if (!d)
        return 1;
    int nt = 0, tlist[64];
    for (int t = 1; t <= a->maxt && nt < 64; t = t < 8 ? t + 1 : t * 2)
        tlist[nt++] = t;
    if (tlist[nt - 1] != a->maxt && nt < 64)
        tlist[nt++] = a->maxt;
    lr_model *m1 = lr_model_alloc(a->p), *m = lr_model_alloc(a->p);
    double *times = a->repeat > SIZE_MAX / sizeof *times ? NULL /* --repeat */
                    : malloc(a->repeat * sizeof *times), t1 = NAN;
    FILE *csv = cli_out_open(&r->os, r->path[F_CSV]);
    FILE *sum = csv ? cli_out_open(&r->os, r->path[F_SUMMARY]) : NULL;
    cJSON *rows = cJSON_CreateArray();
    unsigned seen = 0;  /* the flags of all rows */
    int rc = 0;
    if (!m1 || !m || !times || !rows) {
        cli_err(r->C, "out of memory");
        rc = 1;
    }
    if (!csv || !sum)
        rc = 1;
    if (!rc) {
        fputs("threads,repeat,n,p,iters,time_per_iter_s\n", csv);
        fputs("threads,time_per_iter_s,speedup,efficiency,gbs_x,iqr_s,iqr_rel,"
              "flag_speedup,flag_iqr,flag_oversub\n", sum);
        printf("  %7s %14s %9s %10s %9s %12s %14s %8s %s\n", "threads", "s/iter",
               "speedup", "efficiency", "GB/s(X)", "final mse", "max|w_T-w_1|",
               "IQR/med", "flags");
    }
    for (int k = 0; k < nt && !rc; k++)
        rc = driver_threads(r, d, tlist[k], m1, m, times, &t1, csv, sum, rows,
                            &seen);
    if (!rc && seen) {
        printf("\n  flags (rows not to be read as scaling):\n");
        cli_flag_notes(stdout, "  ", seen);
    }
    if ((csv && cli_out_close(&r->os, r->path[F_CSV], !rc))
        || (sum && cli_out_close(&r->os, r->path[F_SUMMARY], !rc)))
        rc = 1;
    if (!rc)
        rc = write_json(r, rows, seen);
    else
        cJSON_Delete(rows);
    free(times);
    lr_model_free(m1);
    lr_model_free(m);
    lr_data_free(d);
    return rc;
}

int cmd_driver(int argc, char **argv)
{
    driver_args a;
    driver_run r;
    memset(&r, 0, sizeof r);
    r.C = "driver";
    r.a = &a;
    int rc = driver_parse(r.C, argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if ((rc = driver_outputs(&r)))
        goto out;
    char cpu[256];
    cli_machine(cpu, sizeof cpu, &r.cores);
    if ((rc = cli_sweep_begin(r.C, a.maxt, &r.sw)))
        goto out;
    printf("linreg %s driver on %s (%d cores), %s\n", LR_VERSION, cpu, r.cores,
           cli_build_flags());
    if (isfinite(r.sw.load[0]))
        printf("load average at the start: %.2f %.2f %.2f\n", r.sw.load[0],
               r.sw.load[1], r.sw.load[2]);
    printf("\n");
    rc = driver_tutorial(&r);
    if (!rc)
        rc = driver_scaling(&r);
out:
    /* renamed into place together, or on failure every temporary removed */
    rc = cli_out_finish(&r.os, rc);
    if (!rc)
        printf("\nwrote %s/tutorial_{report.json,model.json,history.csv,data.csv}, "
               "%s, %s\n", a.dir, r.path[F_CSV], r.path[F_JSON]);
    cli_sweep_end(&r.sw);
    for (int k = 0; k < N_FILES; k++)
        free(r.path[k]);
    return rc;
}
