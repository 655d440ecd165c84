/* cmd_solve.c -- `linreg solve`: the exact least-squares fit (the
 * yardstick gradient descent is measured against), for the same problems
 * `train` solves (exact.c: the cost model and the design warning). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: linreg solve --data FILE [OPTIONS]\n"
          "\n"
          "The exact least-squares (or ridge) solution of the problem train would\n"
          "solve, by a method whose cost fits the shape: GSL's SVD of the design\n"
          "(gsl_multifit_linear, column balancing) for small problems; for p > n\n"
          "with --l2, the n x n dual system (Zc Zc^T + n l2 I) a = yc by Cholesky;\n"
          "else the Gram matrix of [X 1] with the ridge on its diagonal (SVD up\n"
          "to p + 1 = 512, Cholesky above), refined by passes over X. With\n"
          "p >= n and no --l2 the solution is not unique: an error.\n"
          "  --data FILE        CSV, or .npy (with --target-file y.npy, or one\n"
          "                     (n, p+1) array, the target last)\n"
          "  --target NAME      target column of a CSV file (default y)\n"
          CLI_NA_HELP
          "  --no-intercept     fit y = X w\n"
          "  --standardize      solve on standardized columns (better conditioned)\n"
          "  --l2 ALPHA         ridge term, as in train\n"
          "  --model-out FILE   the model as JSON\n",
          f);
}

int cmd_solve(int argc, char **argv)
{
    enum { O_DATA = 1, O_TARGET, O_TFILE, O_NOI, O_STD, O_L2, O_MODEL, O_DELIM,
           O_HELP, O_NA };
    static const struct option longopts[] = {
        {"data", 1, 0, O_DATA}, {"target", 1, 0, O_TARGET},
        {"target-file", 1, 0, O_TFILE}, {"no-intercept", 0, 0, O_NOI},
        {"standardize", 0, 0, O_STD}, {"l2", 1, 0, O_L2},
        {"model-out", 1, 0, O_MODEL}, {"delimiter", 1, 0, O_DELIM},
        {"na", 1, 0, O_NA},
        {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};
    const char *C = "solve", *data = NULL, *target = "y", *tfile = NULL;
    const char *model_out = NULL;
    lr_params par = lr_params_default();
    char delim = ',';
    int opt, na_drop = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case O_DATA: data = optarg; break;
        case O_TARGET: target = optarg; break;
        case O_TFILE: tfile = optarg; break;
        case O_NOI: par.intercept = 0; break;
        case O_STD: par.standardize = 1; break;
        case O_L2:
            if (cli_double(C, "l2", optarg, 0.0, 0, &par.l2))
                return EXIT_USAGE;
            break;
        case O_MODEL: model_out = optarg; break;
        case O_DELIM:
            if (cli_delimiter(C, optarg, &delim))
                return EXIT_USAGE;
            break;
        case O_NA:
            if (cli_na(C, optarg, &na_drop))
                return EXIT_USAGE;
            break;
        case O_HELP: usage(stdout); return 0;
        default:
            return cli_bad_option(C, argv, usage);
        }
    }
    if (optind < argc || !data) {
        cli_err(C, optind < argc ? "unexpected argument" : "--data is required");
        return EXIT_USAGE;
    }
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "model-out", model_out, 0);
    int rc = cli_out_check(&os);
    if (rc)
        return rc;
    cli_dataset ds;
    if ((rc = cli_dataset_load(C, &ds, data, target, tfile, delim, 1, na_drop)))
        return cli_out_finish(&os, rc);
    const lr_data *d = &ds.view;
    lr_model *m = lr_model_alloc(d->p);
    if (!m) {
        cli_err(C, "out of memory");
        cli_dataset_free(&ds);
        return cli_out_finish(&os, 1);
    }
    cli_design_warn(C, d, ds.Xf, &par);
    cli_exact ex;
    double b, mse, r2, t0 = lr_now();
    int st = cli_exact_plan(d->n, d->p, &par, 1, &ex)
             ? lr_solve(lr_matrix_of(d->X, ds.Xf, d->n, d->p), d->y, &par,
                        lr_model_weights_mut(m), &b, &mse)
             : LR_ESOLVE;
    double el = lr_now() - t0;
    if (st != LR_SUCCESS) {
        if (ex.note[0])
            cli_err(C, "%s: %s", data, ex.note);
        else
            cli_err(C, "%s: the %s solve failed (%s)", data,
                    lr_exact_name(ex.method), lr_strerror(st));
        rc = 1;
    } else {
        lr_model_set_bias(m, b);
        lr_score(lr_matrix_of(d->X, ds.Xf, d->n, d->p), d->y, lr_model_weights(m),
                 b, &mse, &r2);
        printf("samples         %zu\nfeatures        %zu\n", d->n, d->p);
        printf("weights        ");
        for (size_t j = 0; j < d->p; j++)
            printf(" %.17g", lr_model_weights(m)[j]);
        printf("\nbias            %.17g\nmse             %.17g\nr2              %.17g\n"
               "time            %.6g s\n", b, mse, r2, el);
        printf("method          %s (about %.3g flops)\n", lr_exact_name(ex.method),
               ex.flops);
        if (model_out && cli_out_model(&os, model_out, m, d->names, NULL))
            rc = 1;
    }
    lr_model_free(m);
    cli_dataset_free(&ds);
    return cli_out_finish(&os, rc);
}
