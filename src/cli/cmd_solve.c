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
          "  --model-out FILE   the model as JSON (with the covariance of the\n"
          "                     coefficients, sigma and df_residual that\n"
          "                     predict --interval needs)\n"
          "  --report FILE      the statistics as JSON: \"coefficients\" (term,\n"
          "                     estimate, std_error, t, p_value, ci_low,\n"
          "                     ci_high; null for an aliased column), n,\n"
          "                     df_residual, sigma, r2, adj_r2, f_statistic,\n"
          "                     f_df1, f_df2, f_p_value, loglik, aic, bic, rank,\n"
          "                     condition_number, level, aliased, edf\n"
          "  --se TYPE          standard errors: classical (default), or\n"
          "                     hc0, hc1, hc2, hc3 (heteroskedasticity-robust,\n"
          "                     as statsmodels' cov_type), for t, p and intervals\n"
          "  --level L          confidence level of the intervals (default 0.95)\n"
          "\n"
          "After the fit, a table as R's summary(lm) prints it (Householder QR\n"
          "of [1 X]; a column in the span of those before it, to R's tolerance\n"
          "1e-7, is aliased: NA, and named), with the residual standard error,\n"
          "R^2 (uncentred with --no-intercept, as R's y ~ 0 + x), F, the\n"
          "log-likelihood, AIC and BIC (as R's AIC(lm)) and the condition\n"
          "number. With --l2: the estimates and the effective degrees of\n"
          "freedom (trace of the hat matrix), no p-values.\n",
          f);
}

/* The statistics of the fit (printed after the solve's lines), the
 * report and the model file: 0 or 1. Skipped, with a note, when their
 * decomposition would cost far more than the solve (a QR of [1 X]). */
static int solve_stats(cli_outset *os, const lr_data *d, const float *Xf,
                       const lr_params *par, lr_stats_opts *so, const lr_model *m,
                       const char *model_out, const char *report, double mse,
                       int method)
{
    const char *C = "solve";
    lr_stats *st = NULL;
    char note[256] = "";
    cli_stats_compute(d, Xf, par, so, &st, note, sizeof note);
    size_t naliased = 0;
    for (size_t j = 0; st && j < st->k; j++)
        naliased += (size_t)st->aliased[j];
    if (st)
        cli_stats_print(stdout, st, d->names,
                        naliased ? "The weights above (and the model) are the exact "
                                   "least-squares solution (of minimum norm where it "
                                   "is not unique); the table gives the aliased "
                                   "columns NA, as R does."
                                 : NULL);
    else
        printf("\n%s\n", note);
    char *extra = cli_stats_model_extra(st, par->intercept);
    cJSON *rep = report ? cJSON_CreateObject() : NULL;
    int rc = 0;
    if (rep) {
        cJSON_AddStringToObject(rep, "command", "solve");
        cJSON_AddStringToObject(rep, "method", lr_exact_name(method));
        cJSON_AddItemToObject(rep, "weights", cli_array(lr_model_weights(m), d->p));
        cJSON_AddNumberToObject(rep, "bias", lr_model_bias(m));
        cJSON_AddItemToObject(rep, "mse", cli_num(mse));
        cJSON_AddBoolToObject(rep, "intercept", par->intercept);
        cJSON_AddNumberToObject(rep, "l2", par->l2);
        if (st)
            rc = cli_stats_json(rep, st, d->names,
                                st->ridge ? "ridge: no standard errors or "
                                            "p-values (the estimate is biased)"
                                          : NULL);
        else
            cJSON_AddStringToObject(rep, "stats_note", note);
    }
    if (!extra || (report && (!rep || rc))) {
        cli_err(C, "out of memory");
        rc = 1;
    } else {
        if (model_out && cli_out_model(os, model_out, m, d->names, extra))
            rc = 1;
        if (report && cli_out_json(os, report, rep))
            rc = 1;
    }
    cJSON_Delete(rep);
    free(extra);
    lr_stats_free(st);
    return rc;
}

int cmd_solve(int argc, char **argv)
{
    enum { O_DATA = 1, O_TARGET, O_TFILE, O_NOI, O_STD, O_L2, O_MODEL, O_DELIM,
           O_HELP, O_NA, O_REPORT, O_SE, O_LEVEL };
    static const struct option longopts[] = {
        {"data", 1, 0, O_DATA}, {"target", 1, 0, O_TARGET},
        {"target-file", 1, 0, O_TFILE}, {"no-intercept", 0, 0, O_NOI},
        {"standardize", 0, 0, O_STD}, {"l2", 1, 0, O_L2},
        {"model-out", 1, 0, O_MODEL}, {"delimiter", 1, 0, O_DELIM},
        {"na", 1, 0, O_NA}, {"report", 1, 0, O_REPORT}, {"se", 1, 0, O_SE},
        {"level", 1, 0, O_LEVEL},
        {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};
    const char *C = "solve", *data = NULL, *target = "y", *tfile = NULL;
    const char *model_out = NULL, *report = NULL;
    lr_params par = lr_params_default();
    lr_stats_opts so = lr_stats_opts_default();
    int se_given = 0, level_given = 0;
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
        case O_REPORT: report = optarg; break;
        case O_SE:
        case O_LEVEL:
            if (cli_stats_option(C, opt == O_LEVEL, optarg, &so))
                return EXIT_USAGE;
            se_given |= opt == O_SE;
            level_given |= opt == O_LEVEL;
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
    if (par.l2 > 0 && (se_given || level_given)) {
        cli_err(C, "%s: a ridge fit (--l2) has no standard errors or intervals "
                "(the estimate is biased)", se_given ? "--se" : "--level");
        return EXIT_USAGE;
    }
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "model-out", model_out, 0);
    cli_out_add(&os, "report", report, 0);
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
        const int saved = cli_team_bound(par.threads);
        lr_score(lr_matrix_of(d->X, ds.Xf, d->n, d->p), d->y, lr_model_weights(m),
                 b, &mse, &r2);
        cli_team_restore(saved);
        printf("samples         %zu\nfeatures        %zu\n", d->n, d->p);
        printf("weights        ");
        for (size_t j = 0; j < d->p; j++)
            printf(" %.17g", lr_model_weights(m)[j]);
        printf("\nbias            %.17g\nmse             %.17g\nr2              %.17g\n"
               "time            %.6g s\n", b, mse, r2, el);
        printf("method          %s (about %.3g flops)\n", lr_exact_name(ex.method),
               ex.flops);
        rc = solve_stats(&os, d, ds.Xf, &par, &so, m, model_out, report, mse,
                         ex.method);
    }
    lr_model_free(m);
    cli_dataset_free(&ds);
    return cli_out_finish(&os, rc);
}
