/* cmd_train.c -- `linreg train`: gradient descent with a convergence
 * report, measured against the exact optimum. */
#include <float.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
    OPT_DATA = OPT_GEN_LAST, OPT_TARGET, OPT_LR, OPT_ITERS, OPT_THREADS,
    OPT_INIT, OPT_INIT_SEED, OPT_TOL, OPT_DET, OPT_LOG_EVERY, OPT_MODEL_OUT,
    OPT_REPORT, OPT_HISTORY, OPT_TARGET_FILE, OPT_STOP_GAP, OPT_NO_ICPT,
    OPT_L2, OPT_STDZ, OPT_OPTIMIZER, OPT_MOMENTUM, OPT_DELIM, OPT_SOLVER, OPT_PRECISION, OPT_NO_EXACT, OPT_QUIET, OPT_HELP,
    OPT_SE, OPT_LEVEL,
    OPT_NA, OPT_REQUIRE_CONV
};

static void usage(FILE *f)
{
    fputs("usage: linreg train [--data FILE.csv | GENERATOR OPTIONS] [OPTIONS]\n"
          "\n"
          "Batch gradient descent on mean squared error:\n"
          "  r = Xw + b - y, w -= lr X^T r / n, b -= lr mean(r).\n"
          "\n"
          "data:\n"
          "  --data FILE.csv    a CSV file with a header row (lines end in LF or\n"
          "                     CRLF, or in CR alone when the first line does)\n"
          "  --data X.npy       a NumPy array (float64 or float32, memory-mapped;\n"
          "                     Fortran order: copied to rows once):\n"
          "                     with --target-file y.npy, or one (n, p+1) array\n"
          "                     whose last column is the target\n"
          "  --target NAME      the target column of a CSV file (default y), or #K\n"
          "                     for the K-th column\n"
          "  --delimiter C      the CSV field separator (default ','; 'tab')\n"
          CLI_NA_HELP
          "  without --data, data are generated in-process:\n"
          CLI_GEN_HELP
          "training:\n"
          "  --lr RATE|auto     step size (default 0.01); auto: 1/L, with L the\n"
          "                     largest eigenvalue of [X 1]^T [X 1] / n (power\n"
          "                     iteration); any step below 2/L is stable\n"
          "  --iters N          iterations (default 1000)\n"
          "  --threads T        threads (default: one per 24576 elements of X,\n"
          "                     up to OMP_NUM_THREADS, else all cores: smaller\n"
          "                     shares gain nothing from another thread)\n"
          "                     Without --threads and OMP_NUM_THREADS the team\n"
          "                     also follows the load (Linux): it shrinks to the\n"
          "                     cores that other processes' runnable tasks leave\n"
          "                     free (/proc/loadavg, sampled each millisecond,\n"
          "                     decided every 8 samples) and grows back when they\n"
          "                     leave; --threads T fixes it. Results: the same\n"
          "                     bits with --deterministic; otherwise the last\n"
          "                     bits follow the team sizes that ran\n",
          f);
    fputs("  --init uniform|zeros   initial weights (default uniform: the\n"
          "                     tutorial's np.random.rand, bias 0)\n"
          "  --init-seed S      seed of the uniform weights (default 0)\n"
          "  --stop-gap G       stop once the gap <= G (see below; the exact optimum\n"
          "                     is computed first, not timed)\n"
          "  --tol T            stop when |g~| <= T sd(y), g~ the gradient of MSE/2\n"
          "                     with respect to the standardized weights (columns\n"
          "                     at mean 0 and sd 1: g~_j = cov(x_j, r)/sd(x_j),\n"
          "                     g~_b = mean(r)); without an intercept, about 0 and\n"
          "                     with rms(y). The same stopping point for any\n"
          "                     initial weights and any scale of y or of a column\n"
          "                     (default 0: run every iteration)\n"
          "  --require-convergence   exit 1, writing nothing, when the run ends by\n"
          "                     --iters with a gap above 1e-6 (or, without the\n"
          "                     exact optimum, not by --tol or --stop-gap)\n"
          "  --deterministic    identical bits for any thread count\n"
          "  --standardize      iterate on columns scaled to mean 0, sd 1 (no copy\n"
          "                     of X); weights are reported in original units\n"
          "  --no-intercept     fit y = X w (no bias)\n"
          "  --l2 ALPHA         ridge: minimise MSE/2 + ALPHA/2 |w|^2 (on the\n"
          "                     standardized weights with --standardize)\n"
          "  --optimizer O      gd (default), momentum or nesterov\n"
          "  --momentum B       momentum's beta (default 0.9); nesterov's constant\n"
          "                     beta (default: adaptive, with restart)\n"
          "  --solver S         stream (a pass over X per iteration, default) or\n"
          "                     gram (one pass for X^T X, then O(p^2) iterations)\n"
          "  --precision P      double (default) or float (X stored in single\n"
          "                     precision, sums in double)\n",
          f);
    fputs("output:\n"
          "  --log-every K      history every K iterations (default iters/10)\n"
          "  --model-out FILE   the model as JSON\n"
          "  --report FILE      the convergence report as JSON\n"
          "  --history FILE     the history as CSV (iter,mse,grad_norm)\n"
          "  --no-exact         skip the exact least-squares reference solve; it\n"
          "                     is also skipped (with a note) when its estimated\n"
          "                     cost is over 10x the training's (4 n p (iters+1)\n"
          "                     flops; gram: n (p+1)^2 + 2 (p+1)^2 iters) and over\n"
          "                     1e9 flops, unless --stop-gap needs it\n"
          "  --quiet            no convergence table on stderr\n"
          "  --se TYPE          the statistics table's standard errors: classical\n"
          "                     (default), hc0, hc1, hc2 or hc3 (as linreg solve)\n"
          "  --level L          its confidence intervals' level (default 0.95)\n",
          f);
    fputs("\n"
          "The gap to the exact optimum mse* (GSL least squares) is\n"
          "  (mse - mse*) / max(mse*, 1e-6 var(y))\n"
          "(mean(y^2) for var(y) without an intercept or for a constant y):\n"
          "relative to mse*, and to a millionth of the variance of y when the\n"
          "fit is (nearly) exact and mse* is only rounding. The tol measure\n"
          "|g~| / sd(y) is in the report as grad_rel. A run that ends by\n"
          "--iters with a gap above 1e-6 is reported as not converged (a\n"
          "warning, \"converged\": false).\n"
          "Divergence (exit 1, no model): a non-finite loss, a loss that keeps\n"
          "rising, or one 10 times its first (1e6 with momentum).\n"
          "Values of X or y beyond 1e100 or below 1e-100 in magnitude are\n"
          "refused (their squares leave double's range): rescale them.\n",
          f);
}

int cli_train_parse(const char *C, int argc, char **argv, cli_train_args *a)
{
    static const struct option longopts[] = {
        CLI_GEN_LONGOPTS,
        {"data", 1, 0, OPT_DATA}, {"target", 1, 0, OPT_TARGET},
        {"target-file", 1, 0, OPT_TARGET_FILE}, {"stop-gap", 1, 0, OPT_STOP_GAP},
        {"no-intercept", 0, 0, OPT_NO_ICPT}, {"l2", 1, 0, OPT_L2},
        {"standardize", 0, 0, OPT_STDZ}, {"optimizer", 1, 0, OPT_OPTIMIZER},
        {"momentum", 1, 0, OPT_MOMENTUM}, {"delimiter", 1, 0, OPT_DELIM},
        {"lr", 1, 0, OPT_LR}, {"iters", 1, 0, OPT_ITERS},
        {"threads", 1, 0, OPT_THREADS}, {"init", 1, 0, OPT_INIT},
        {"init-seed", 1, 0, OPT_INIT_SEED}, {"tol", 1, 0, OPT_TOL},
        {"deterministic", 0, 0, OPT_DET}, {"log-every", 1, 0, OPT_LOG_EVERY},
        {"model-out", 1, 0, OPT_MODEL_OUT}, {"report", 1, 0, OPT_REPORT},
        {"history", 1, 0, OPT_HISTORY}, {"solver", 1, 0, OPT_SOLVER},
        {"precision", 1, 0, OPT_PRECISION}, {"no-exact", 0, 0, OPT_NO_EXACT}, {"quiet", 0, 0, OPT_QUIET},
        {"na", 1, 0, OPT_NA},
        {"require-convergence", 0, 0, OPT_REQUIRE_CONV},
        {"se", 1, 0, OPT_SE}, {"level", 1, 0, OPT_LEVEL},
        {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    /* in the order of the options' enum values */
    static const char *const optimizers[] = {"gd", "momentum", "nesterov", NULL};
    static const char *const inits[] = {"uniform", "zeros", NULL};
    static const char *const solvers[] = {"stream", "gram", NULL};
    static const char *const precisions[] = {"double", "float", NULL};
    memset(a, 0, sizeof *a);
    lr_gen_params gp = lr_gen_params_default();
    cli_train_opts o;
    memset(&o, 0, sizeof o);
    o.par = lr_params_default();
    o.table = 1;
    o.exact = 1;
    const char *data = NULL, *target = "y", *target_file = NULL;
    int gen_given = 0, opt, momentum_given = 0, na_drop = 0;
    const char *se_opt = NULL; /* --se or --level, when given */
    char delim = ',';
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int r = cli_gen_option(C, opt, optarg, &gp);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0) {
            gen_given = 1;
            continue;
        }
        int bad = 0;
        switch (opt) {
        case OPT_DATA: data = optarg; break;
        case OPT_TARGET: target = optarg; break;
        case OPT_TARGET_FILE: target_file = optarg; break;
        case OPT_LR:
            if (strcmp(optarg, "auto") == 0)
                o.lr_auto = 1;
            else {
                o.lr_auto = 0;
                bad = cli_double(C, "lr", optarg, 0.0, 1, &o.par.lr);
            }
            break;
        case OPT_NO_ICPT: o.par.intercept = 0; break;
        case OPT_DELIM: bad = cli_delimiter(C, optarg, &delim); break;
        case OPT_NA: bad = cli_na(C, optarg, &na_drop); break;
        case OPT_L2: bad = cli_double(C, "l2", optarg, 0.0, 0, &o.par.l2); break;
        case OPT_STDZ: o.par.standardize = 1; break;
        case OPT_OPTIMIZER:
            bad = cli_choice(C, "optimizer", optarg, optimizers, &o.par.optimizer);
            break;
        case OPT_MOMENTUM:
            bad = cli_double(C, "momentum", optarg, 0.0, 0, &o.par.momentum);
            if (!bad && o.par.momentum >= 1) {
                cli_err(C, "--momentum: '%s' must be below 1", optarg);
                bad = 1;
            }
            momentum_given = 1;
            break;
        case OPT_STOP_GAP:
            bad = cli_double(C, "stop-gap", optarg, 0.0, 1, &o.stop_gap);
            break;
        case OPT_ITERS: bad = cli_size(C, "iters", optarg, 0, &o.par.max_iter); break;
        case OPT_THREADS: bad = cli_threads(C, "threads", optarg, &o.par.threads); break;
        case OPT_INIT:
            bad = cli_choice(C, "init", optarg, inits, &o.par.init);
            break;
        case OPT_INIT_SEED: bad = cli_u32(C, "init-seed", optarg, &o.par.init_seed); break;
        case OPT_TOL:
            bad = cli_double(C, "tol", optarg, 0.0, 0, &o.par.tol);
            if (!bad && o.par.tol >= 1) {
                cli_err(C, "--tol: '%s' must be below 1 (the gradient in "
                        "standardized units, over sd(y))", optarg);
                bad = 1;
            }
            break;
        case OPT_DET: o.par.deterministic = 1; break;
        case OPT_SOLVER:
            bad = cli_choice(C, "solver", optarg, solvers, &o.par.solver);
            break;
        case OPT_PRECISION:
            bad = cli_choice(C, "precision", optarg, precisions, &o.f32);
            break;
        case OPT_LOG_EVERY: bad = cli_size(C, "log-every", optarg, 1, &o.log_every); break;
        case OPT_MODEL_OUT: o.model_out = optarg; break;
        case OPT_REPORT: o.report_out = optarg; break;
        case OPT_HISTORY: o.history_out = optarg; break;
        case OPT_NO_EXACT: o.exact = 0; break;
        case OPT_QUIET: o.table = 0; break;
        case OPT_REQUIRE_CONV: o.require_conv = 1; break;
        case OPT_SE:
        case OPT_LEVEL:
            if (!o.stats_opts_given)
                o.stats_opts = lr_stats_opts_default();
            o.stats_opts_given = 1;
            bad = cli_stats_option(C, opt == OPT_LEVEL, optarg, &o.stats_opts) != 0;
            se_opt = opt == OPT_SE ? "--se" : se_opt ? se_opt : "--level";
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
    if (o.par.optimizer == LR_OPT_MOMENTUM && !momentum_given)
        o.par.momentum = 0.9;
    if (momentum_given && o.par.optimizer == LR_OPT_GD) {
        cli_err(C, "--momentum goes with --optimizer momentum or nesterov");
        return EXIT_USAGE;
    }
    if (o.stop_gap > 0 && o.par.l2 > 0) {
        cli_err(C, "--stop-gap measures the MSE against its optimum; with --l2 "
                "the objective is not the MSE: use --tol");
        return EXIT_USAGE;
    }
    if (se_opt && o.par.l2 > 0) {
        cli_err(C, "%s: a ridge fit (--l2) has no standard errors or intervals "
                "(the estimate is biased)", se_opt);
        return EXIT_USAGE;
    }
    if (se_opt && !o.exact) {
        cli_err(C, "%s: the statistics table needs the exact reference, which "
                "--no-exact skips", se_opt);
        return EXIT_USAGE;
    }
    if (data && gen_given) {
        cli_err(C, "--data and generator options (--samples, ...) exclude "
                "each other");
        return EXIT_USAGE;
    }
    if (target_file && !data) {
        cli_err(C, "--target-file needs --data X.npy");
        return EXIT_USAGE;
    }
    a->o = o;
    a->gp = gp;
    a->data = data;
    a->target = target;
    a->target_file = target_file;
    a->delim = delim;
    a->gen_given = gen_given;
    a->na_drop = na_drop;
    return 0;
}

int cmd_train(int argc, char **argv)
{
    const char *C = "train";
    cli_train_args a;
    int rc = cli_train_parse(C, argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    cli_train_opts o = a.o;
    lr_gen_params gp = a.gp;
    const char *data = a.data, *target = a.target, *target_file = a.target_file;
    const char delim = a.delim;
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "model-out", o.model_out, 0);
    cli_out_add(&os, "report", o.report_out, 0);
    cli_out_add(&os, "history", o.history_out, 0);
    if ((rc = cli_out_check(&os)))
        return rc;
    o.outs = &os;
    lr_data *d = NULL;
    double *coef = NULL;
    cli_dataset ds;
    memset(&ds, 0, sizeof ds);
    if (data) {
        rc = cli_dataset_load_threads(C, &ds, data, target, target_file,
                                      delim, 1, a.na_drop, o.par.threads);
        if (rc)
            return cli_out_finish(&os, rc);
        o.Xf = ds.Xf;
        fprintf(stderr, "linreg train: %s: %zu samples, %zu features%s\n", data,
                ds.view.n, ds.view.p, ds.how);
    } else {
        gp.threads = o.par.threads;
        d = cli_generate(C, &gp, &coef);
        if (!d)
            return cli_out_finish(&os, 1);
        o.true_coef = coef;
        o.true_bias = gp.bias;
        fprintf(stderr, "linreg train: generated %zu x %zu (%s, seed %llu, "
                "noise %g)\n", d->n, d->p,
                gp.generator == LR_GEN_FAST ? "fast" : "sklearn",
                (unsigned long long)gp.seed, gp.noise);
    }
    if (o.par.threads == 0) { /* the default follows the work */
        o.par.threads = data ? lr_threads_default(ds.view.n, ds.view.p)
                             : lr_threads_default(d->n, d->p);
        /* and the load, unless the user chose a count */
        o.par.adapt_threads = getenv("OMP_NUM_THREADS") == NULL;
    }
    o.stats = 1; /* the statistics table, for train alone (not the driver) */
    rc = cli_out_finish(&os, cli_train(C, data ? &ds.view : d, &o, NULL));
    free(coef);
    lr_data_free(d);
    cli_dataset_free(&ds);
    return rc;
}
