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
          "  --out DIR          where to write the CSV and JSON (default results)\n"
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

int cmd_driver(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", 1, 0, OPT_OUT}, {"samples", 1, 0, OPT_SAMPLES},
        {"features", 1, 0, OPT_FEATURES}, {"iters", 1, 0, OPT_ITERS},
        {"repeat", 1, 0, OPT_REPEAT}, {"max-threads", 1, 0, OPT_MAX_THREADS},
        {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    const char *C = "driver", *dir = "results";
    size_t n = 1000000, p = 16, iters = 100, repeat = 3;
    int maxt = omp_get_num_procs(), opt, bad = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_OUT: dir = optarg; break;
        case OPT_SAMPLES: bad = cli_size(C, "samples", optarg, 1, &n); break;
        case OPT_FEATURES: bad = cli_size(C, "features", optarg, 1, &p); break;
        case OPT_ITERS: bad = cli_size(C, "iters", optarg, 1, &iters); break;
        case OPT_REPEAT: bad = cli_size(C, "repeat", optarg, 1, &repeat); break;
        case OPT_MAX_THREADS: bad = cli_threads(C, "max-threads", optarg, &maxt); break;
        case OPT_HELP: usage(stdout); return 0;
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
    /* every file of the run, declared and checked before any work, and
     * renamed into place together at the end */
    if (cli_out_dir(C, dir))
        return 1;
    char *rep_path = join(dir, "tutorial_report.json");
    char *model_path = join(dir, "tutorial_model.json");
    char *hist_path = join(dir, "tutorial_history.csv");
    char *data_path = join(dir, "tutorial_data.csv");
    char *csv_path = join(dir, "scaling.csv");
    char *json_path = join(dir, "driver.json");
    char *sum_path = join(dir, "scaling_summary.csv");
    cli_sweep sw;
    memset(&sw, 0, sizeof sw);
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "out", rep_path, 0);
    cli_out_add(&os, "out", model_path, 0);
    cli_out_add(&os, "out", hist_path, 0);
    cli_out_add(&os, "out", data_path, 0);
    cli_out_add(&os, "out", csv_path, 0);
    cli_out_add(&os, "out", json_path, 0);
    cli_out_add(&os, "out", sum_path, 0);
    int rc = rep_path && model_path && hist_path && data_path && csv_path
             && json_path && sum_path ? cli_out_check(&os) : 1;
    lr_data *d = NULL;
    lr_model *m1 = NULL, *m = NULL;
    double *times = NULL;
    char *csv = NULL;
    if (rc)
        goto out;
    char cpu[256];
    int cores;
    cli_machine(cpu, sizeof cpu, &cores);
    if ((rc = cli_sweep_begin(C, maxt, &sw)))
        goto out;
    printf("linreg %s driver on %s (%d cores), %s\n", LR_VERSION, cpu, cores,
           cli_build_flags());
    if (isfinite(sw.load[0]))
        printf("load average at the start: %.2f %.2f %.2f\n", sw.load[0],
               sw.load[1], sw.load[2]);
    printf("\n");

    /* 1. The tutorial. */
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
    d = cli_generate(C, &gp, &coef);
    if (!d) {
        rc = 1;
        goto out;
    }
    cli_train_opts o;
    memset(&o, 0, sizeof o);
    o.par = lr_params_default();
    o.par.init_seed = 42;
    o.log_every = 10;
    o.print_every = 100;
    o.table = 1;
    o.exact = 1;
    o.true_coef = coef;
    o.report_out = rep_path;
    o.model_out = model_path;
    o.history_out = hist_path;
    o.outs = &os;
    FILE *f = cli_out_open(&os, data_path);
    if (!f || cli_out_close(&os, data_path, lr_csv_fwrite(f, d) == LR_SUCCESS))
        rc = 1;
    if (!rc)
        rc = cli_train(C, d, &o, NULL);
    free(coef);
    lr_data_free(d);
    d = NULL;
    if (rc)
        goto out;

    /* 2. Thread scaling on a larger problem. */
    printf("\n== 2. Thread scaling: %zu x %zu (fast generator, seed 1, noise 1), "
           "%zu iterations, lr 0.1, median of %zu fits\n", n, p, iters, repeat);
    fflush(stdout);
    gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.noise = 1.0;
    gp.seed = 1;
    gp.generator = LR_GEN_FAST;
    d = cli_generate(C, &gp, NULL);
    if (!d) {
        rc = 1;
        goto out;
    }
    int nt = 0, tlist[64];
    for (int t = 1; t <= maxt && nt < 64; t = t < 8 ? t + 1 : t * 2)
        tlist[nt++] = t;
    if (tlist[nt - 1] != maxt && nt < 64)
        tlist[nt++] = maxt;
    m1 = lr_model_alloc(p);
    m = lr_model_alloc(p);
    size_t csvcap; /* sizes from --repeat: checked */
    int big = __builtin_mul_overflow((size_t)nt * 96, repeat, &csvcap)
              || __builtin_add_overflow(csvcap, 256, &csvcap)
              || repeat > SIZE_MAX / sizeof(double);
    times = big ? NULL : malloc(repeat * sizeof *times);
    csv = big ? NULL : malloc(csvcap);
    if (!m1 || !m || !times || !csv) {
        cli_err(C, "out of memory");
        rc = 1;
        goto out;
    }
    size_t at = (size_t)snprintf(csv, csvcap,
                                 "threads,repeat,n,p,iters,time_per_iter_s\n");
    char summary[64 * 160];
    size_t sat = (size_t)snprintf(summary, sizeof summary,
                                  "threads,time_per_iter_s,speedup,efficiency,"
                                  "gbs_x,iqr_s,iqr_rel,flag_speedup,flag_iqr,"
                                  "flag_oversub\n");
    cJSON *rows = cJSON_CreateArray();
    double t1 = NAN;
    unsigned seen = 0;  /* the flags of all rows */
    printf("  %7s %14s %9s %10s %9s %12s %14s %8s %s\n", "threads", "s/iter",
           "speedup", "efficiency", "GB/s(X)", "final mse", "max|w_T-w_1|",
           "IQR/med", "flags");
    for (int k = 0; k < nt; k++) {
        lr_params par = lr_params_default();
        par.lr = 0.1;
        par.max_iter = iters;
        par.threads = tlist[k];
        par.init_seed = 42;
        lr_result res;
        int st = LR_SUCCESS;
        for (size_t r = 0; r < repeat && st == LR_SUCCESS; r++) {
            st = lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par, m, &res);
            times[r] = cli_sweep_time(&sw, res.time_s / (double)(res.iterations + 1));
            at += (size_t)snprintf(csv + at, csvcap - at, "%d,%zu,%zu,%zu,%zu,%.6g\n",
                                   tlist[k], r, n, p, iters, times[r]);
        }
        if (st != LR_SUCCESS) {
            cli_err(C, "training failed: %s", lr_strerror(st));
            rc = 1;
            cJSON_Delete(rows);
            goto out;
        }
        cli_stats ts = cli_stats_of(times, repeat);
        double med = ts.med;
        if (k == 0) {
            t1 = med;
            memcpy(lr_model_weights_mut(m1), lr_model_weights(m), p * sizeof(double));
            lr_model_set_bias(m1, lr_model_bias(m));
        }
        double dmax = fabs(lr_model_bias(m) - lr_model_bias(m1));
        for (size_t j = 0; j < p; j++)
            dmax = fmax(dmax, fabs(lr_model_weights(m)[j] - lr_model_weights(m1)[j]));
        double gbs = (double)n * (double)p * 8.0 / med / 1e9;
        unsigned fl = cli_flags(t1 / med, res.threads, cores, med, ts.iqr);
        seen |= fl;
        char fw[32];
        printf("  %7d %14.6g %9.3f %10.3f %9.2f %12.8g %14.3g %8.3f %s\n", res.threads,
               med, t1 / med, t1 / med / res.threads, gbs, res.final_mse, dmax,
               ts.iqr / med, cli_flag_words(fl, fw, sizeof fw));
        sat += (size_t)snprintf(summary + sat, sizeof summary - sat,
                                "%d,%.6g,%.4f,%.4f,%.3f,%.4g,%.4f,%d,%d,%d\n",
                                res.threads, med, t1 / med, t1 / med / res.threads,
                                gbs, ts.iqr, ts.iqr / med, !!(fl & CLI_FLAG_SPEEDUP),
                                !!(fl & CLI_FLAG_IQR), !!(fl & CLI_FLAG_OVERSUB));
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "threads", res.threads);
        cJSON_AddNumberToObject(row, "time_per_iter_s", med);
        cJSON_AddNumberToObject(row, "speedup", t1 / med);
        cJSON_AddNumberToObject(row, "efficiency", t1 / med / res.threads);
        cJSON_AddNumberToObject(row, "gbs_x", gbs);
        cJSON_AddItemToObject(row, "final_mse", cli_num(res.final_mse));
        cJSON_AddNumberToObject(row, "max_abs_diff_vs_1_thread", dmax);
        cJSON_AddNumberToObject(row, "iqr_s", ts.iqr);
        cJSON_AddItemToObject(row, "flag_speedup", cJSON_CreateBool(fl & CLI_FLAG_SPEEDUP));
        cJSON_AddItemToObject(row, "flag_iqr", cJSON_CreateBool(fl & CLI_FLAG_IQR));
        cJSON_AddItemToObject(row, "flag_oversub", cJSON_CreateBool(fl & CLI_FLAG_OVERSUB));
        cJSON_AddItemToArray(rows, row);
    }
    if (seen) {
        printf("\n  flags (rows not to be read as scaling):\n");
        cli_flag_notes(stdout, "  ", seen);
    }
    if (cli_out_text(&os, csv_path, csv) || cli_out_text(&os, sum_path, summary))
        rc = 1;
    cJSON *doc = cJSON_CreateObject();
    cJSON *machine = cli_env_json();
    cli_sweep_env(&sw, seen, machine);
    cJSON_AddItemToObject(doc, "machine", machine);
    cJSON_AddNumberToObject(doc, "n_samples", (double)n);
    cJSON_AddNumberToObject(doc, "n_features", (double)p);
    cJSON_AddNumberToObject(doc, "iters", (double)iters);
    cJSON_AddNumberToObject(doc, "repeat", (double)repeat);
    cJSON_AddItemToObject(doc, "scaling", rows);
    if (!rc && cli_out_json(&os, json_path, doc))
        rc = 1;
    cJSON_Delete(doc);
    rc = cli_out_finish(&os, rc);
    if (!rc)
        printf("\nwrote %s/tutorial_{report.json,model.json,history.csv,data.csv}, "
               "%s, %s\n", dir, csv_path, json_path);
out:
    rc = cli_out_finish(&os, rc); /* on failure: every temporary removed */
    free(csv);
    free(times);
    lr_model_free(m1);
    lr_model_free(m);
    lr_data_free(d);
    cli_sweep_end(&sw);
    free(rep_path);
    free(model_path);
    free(hist_path);
    free(data_path);
    free(csv_path);
    free(json_path);
    free(sum_path);
    return rc;
}
