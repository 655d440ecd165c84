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
          "  --threads T        threads (default: OMP_NUM_THREADS, else all cores)\n"
          "  --init uniform|zeros   initial weights (default uniform: the\n"
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
          "  --quiet            no convergence table on stderr\n",
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

typedef struct {
    size_t iter;
    double mse, gnorm;
} hist_row;

static void progress(int tty, size_t iter, size_t max, double mse, double gn,
                     int final)
{
    if (tty) {
        fprintf(stderr, "\r  iter %8zu/%zu  mse %-14.8g |grad| %-12.4g%s", iter,
                max, mse, gn, final ? "\n" : "");
    } else {
        fprintf(stderr, "  %8zu  %-22.15g %-14.6g\n", iter, mse, gn);
    }
}

static double dist2(const double *a, const double *b, size_t p)
{
    double s = 0.0;
    for (size_t j = 0; j < p; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return s;
}

double cli_gap(double mse, double mse_opt, double mse_null, const char **basis)
{
    const double floor = CLI_GAP_FLOOR * mse_null;
    if (basis)
        *basis = mse_opt >= floor ? "mse*" : "1e-6 var(y)";
    if (!isfinite(mse_opt) || !(mse_null >= 0) || !(mse_opt >= 0))
        return NAN;
    const double den = mse_opt >= floor ? mse_opt : floor;
    /* den is 0 only for y = 0 and an exact fit: the gap is then 0 or
     * undefined */
    return den > 0 ? (mse - mse_opt) / den : mse == mse_opt ? 0.0 : NAN;
}

int cli_converged(int stop_reason, double gap)
{
    if (stop_reason == LR_STOP_TOL || stop_reason == LR_STOP_TARGET)
        return 1;
    if (!isfinite(gap))
        return -1;
    return fabs(gap) <= CLI_CONVERGED_GAP;
}

void cli_not_converged(const char *cmd, double gap, int require)
{
    if (isfinite(gap))
        fprintf(stderr, "linreg %s: %s: the run ended by --iters with a gap of "
                "%.3g to the exact optimum (above %g): not converged. What "
                "usually helps: --standardize (columns of different scales), "
                "--optimizer nesterov, --lr auto, more --iters.%s\n", cmd,
                require ? "error" : "warning", gap, CLI_CONVERGED_GAP,
                require ? " No model was written." : "");
    else
        fprintf(stderr, "linreg %s: %s: the run ended by --iters and, without "
                "the exact optimum, its convergence is unknown: stop it with "
                "--tol or --stop-gap, or drop --no-exact.%s\n", cmd,
                require ? "error" : "warning",
                require ? " No model was written." : "");
}

/* The limits of cli_check_scales: squares of values up to 1e100 (times n)
 * stay far inside double's range, and residuals 1e-16 of values down to
 * 1e-100 still square to normal numbers. */
#define SCALE_MAX 1e100
#define SCALE_MIN 1e-100

int cli_check_scales(const char *cmd, char *const *names, size_t p,
                     const double *xmax, double ymax, int intercept, int f32)
{
    char nbuf[32];
    int any = 0;
    if (ymax > SCALE_MAX || (ymax > 0 && ymax < SCALE_MIN)) {
        cli_err(cmd, "y has values of magnitude %.3g, %s: the loss (a mean of "
                "squares) and the gradient cannot be represented in double. "
                "Rescale y (e.g. divide it by %.0e)", ymax, ymax > SCALE_MAX
                ? "above 1e100" : "below 1e-100",
                pow(10.0, floor(log10(ymax))));
        return 1;
    }
    for (size_t j = 0; j < p; j++) {
        const double v = xmax[j];
        const char *name = names && names[j] ? names[j] : nbuf;
        if (!names || !names[j])
            snprintf(nbuf, sizeof nbuf, "x%zu", j + 1);
        any |= v > 0;
        if (v > SCALE_MAX || (v > 0 && v < SCALE_MIN)) {
            cli_err(cmd, "column %s (feature %zu) has values of magnitude %.3g, "
                    "%s: the products and squares the iterations form cannot "
                    "be represented in double. Rescale it (e.g. divide it by "
                    "%.0e); --standardize then takes care of columns of "
                    "different scales", name, j + 1, v, v > SCALE_MAX
                    ? "above 1e100" : "below 1e-100", pow(10.0, floor(log10(v))));
            return 1;
        }
        if (f32 && (v > FLT_MAX || (v > 0 && v < FLT_MIN))) {
            cli_err(cmd, "--precision float: column %s (feature %zu) has values "
                    "of magnitude %.3g, %s float's range (%.3g to %.3g): they "
                    "would become %s. Use --precision double, or rescale the "
                    "column", name, j + 1, v, v > FLT_MAX ? "above" : "below",
                    (double)FLT_MIN, (double)FLT_MAX,
                    v > FLT_MAX ? "infinite" : "zero or lose their digits");
            return 1;
        }
    }
    if (!any && !intercept) {
        cli_err(cmd, "X is all zero and --no-intercept fits y = X w: there is "
                "nothing to fit (every weight gives the same predictions, 0)");
        return 1;
    }
    return 0;
}

int cli_train(const char *cmd, const lr_data *d, const cli_train_opts *o,
              cJSON **report)
{
    const size_t n = d->n, p = d->p;
    lr_params pl = o->par;
    const lr_params *par = &pl;
    {
        /* data the iterations cannot represent are refused here, before
         * they turn into an underflowed gradient or a "divergence" */
        double *xmax = malloc(p * sizeof *xmax), ymax;
        if (!xmax) {
            cli_err(cmd, "out of memory");
            return 1;
        }
        lr_max_abs(lr_matrix_of(d->X, o->Xf, n, p), d->y, xmax, &ymax);
        int bad = cli_check_scales(cmd, d->names, p, xmax, ymax, par->intercept,
                                   o->f32 && !o->Xf);
        free(xmax);
        if (bad)
            return 1;
    }
    if (o->lr_auto)
        pl.lr = 1.0; /* replaced by 1/L once L is known (never used before) */
    size_t every = o->log_every ? o->log_every
                   : (par->max_iter >= 10 ? par->max_iter / 10 : 1);
    size_t cap = par->max_iter / every + 3, hbytes;
    if (cap < 3 || __builtin_mul_overflow(cap, sizeof(hist_row), &hbytes)) {
        /* --iters near SIZE_MAX with --log-every 1 */
        cli_err(cmd, "--iters %zu with --log-every %zu: %zu history rows "
                "overflow the size of memory", par->max_iter, every,
                par->max_iter / every);
        return 1;
    }
    hist_row *hist = malloc(hbytes);
    /* --precision float: X stored in single precision for training (sums in
     * double); the double X stays for the metrics and the exact optimum. */
    float *Xf = NULL;
    const float *Xt = o->Xf; /* float X the caller gave */
    if (o->f32 && !Xt) {
        size_t cells = n * p;
        Xf = malloc(cells * sizeof *Xf);
        if (Xf)
            for (size_t k = 0; k < cells; k++)
                Xf[k] = (float)d->X[k];
    }
    if (Xf)
        Xt = Xf;
    lr_gd *gd = NULL;
    int gst = Xt ? lr_gd_alloc(lr_matrix_f32(Xt, n, p), d->y, par, &gd)
              : o->f32 ? LR_ENOMEM
              : lr_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, par, &gd);
    lr_model *m = lr_model_alloc(p);
    double *wopt = malloc(p * sizeof *wopt);
    if (!hist || !gd || !m || !wopt) {
        cli_err(cmd, "%s for %zu x %zu training",
                gst == LR_EINVAL ? "invalid options (the gram solver takes at "
                                   "most 4096 features)" : "out of memory", n, p);
        free(Xf);
        free(hist);
        lr_gd_free(gd);
        lr_model_free(m);
        free(wopt);
        return 1;
    }
    /* The exact optimum first (not timed): the yardstick of the report, and
     * the stopping target of --stop-gap. */
    double bopt = NAN, mse_opt = NAN;
    /* the gap's yardstick for exact fits: var(y), or mean(y^2) without an
     * intercept or when y is constant */
    double mse_null = lr_null_mse(d->y, n, par->intercept);
    if (!(mse_null > 0))
        mse_null = lr_null_mse(d->y, n, 0);
    int have_opt = 0;
    cli_exact xref = {LR_EXACT_AUTO, NAN, NAN, "not asked for (--no-exact)"};
    cli_design_warn(cmd, d, Xt, par);
    if (o->exact || o->stop_gap > 0) {
        have_opt = cli_exact_reference(cmd, d, Xt, par, o->stop_gap > 0, wopt,
                                       &bopt, &mse_opt, &xref);
        if (have_opt < 0) {
            free(Xf);
            free(hist);
            lr_gd_free(gd);
            lr_model_free(m);
            free(wopt);
            return 1;
        }
    }
    size_t pevery = o->print_every ? o->print_every : every;
    int tty = o->table && isatty(2);
    size_t nh = 0;
    if (o->table && !tty)
        fprintf(stderr, "  %8s  %-22s %-14s\n", "iter", "mse", "grad_norm");

    double t0 = lr_now(), L = NAN, t_lip = 0.0;
    int st = lr_gd_init(gd);
    const int started = st == LR_SUCCESS;
    if (st == LR_SUCCESS && o->stop_gap > 0)
        /* the gap's denominator is max(mse*, 1e-6 var(y)) (cli_gap); the
         * gram solver measures the excess from the distance to the optimum,
         * where its loss formula's rounding would hide a gap of 1e-9 */
        st = lr_gd_set_stop_excess(gd, wopt, bopt, mse_opt, o->stop_gap
                                   * fmax(mse_opt, CLI_GAP_FLOOR * mse_null));
    if (st == LR_SUCCESS && o->lr_auto) {
        /* after init, so the gram solver estimates L from its Gram matrix */
        double tl = lr_now();
        st = lr_gd_lipschitz(gd, &L);
        t_lip = lr_now() - tl;
        if (st == LR_SUCCESS) {
            pl.lr = 1.0 / L;
            lr_gd_set_lr(gd, pl.lr);
            fprintf(stderr, "linreg %s: --lr auto: L = %.6g (power iteration, "
                    "%.3g s), lr = 1/L = %.6g; the largest stable step is 2/L = "
                    "%.6g\n", cmd, L, t_lip, pl.lr, 2.0 / L);
        } else {
            cli_err(cmd, "--lr auto: cannot estimate L, the largest eigenvalue "
                    "of [X 1]^T [X 1] / n (%s). No model was written.",
                    lr_strerror(st));
            st = LR_EINVAL;
        }
    }
    double *w0 = malloc(p * sizeof *w0);
    if (!w0) {
        st = LR_ENOMEM;
    } else {
        memcpy(w0, lr_gd_weights(gd), p * sizeof *w0);
    }
    if (st == LR_SUCCESS) {
        hist[nh++] = (hist_row){0, lr_gd_mse(gd), lr_gd_grad_norm(gd)};
        if (o->table)
            progress(tty, 0, par->max_iter, lr_gd_mse(gd), lr_gd_grad_norm(gd), 0);
        while ((st = lr_gd_test(gd)) == LR_CONTINUE) {
            st = lr_gd_iterate(gd, every);
            if (st == LR_EDIVERGE)
                break;
            if (nh < cap)
                hist[nh++] = (hist_row){lr_gd_iter(gd), lr_gd_mse(gd),
                                        lr_gd_grad_norm(gd)};
            if (o->table && (lr_gd_iter(gd) % pevery == 0 || st != LR_CONTINUE))
                progress(tty, lr_gd_iter(gd), par->max_iter, lr_gd_mse(gd),
                         lr_gd_grad_norm(gd), st != LR_CONTINUE);
        }
    }
    double elapsed = lr_now() - t0;
    int rc = 0;
    if (st != LR_SUCCESS && st != LR_EDIVERGE) {
        /* --lr auto's failure is already reported */
        if (st != LR_EINVAL)
            cli_err(cmd, "training: %s", lr_strerror(st));
        rc = 1;
        goto out;
    }
    if (st == LR_EDIVERGE) {
        if (tty)
            fputc('\n', stderr);
        double Ld = L;
        if (!(Ld > 0) && lr_gd_lipschitz(gd, &Ld) != LR_SUCCESS)
            Ld = lr_trace_bound(lr_matrix_of(d->X, Xt, n, p));
        if (!started || !isfinite(lr_gd_mse0(gd)))
            /* before the first step (and, with --lr auto, before the step
             * is known): no step size to blame */
            cli_err(cmd,
                    "the loss of the initial weights is not finite (mse %.6g): "
                    "the data or the initial weights are too large for double. "
                    "Try --init zeros, or rescale the data. No model was "
                    "written.", lr_gd_mse0(gd));
        else if (par->lr > 2.0 / Ld)
            cli_err(cmd,
                    "training diverged at iteration %zu (mse %.6g, first %.6g): "
                    "the learning rate %g exceeds 2/L = %.6g, the largest stable "
                    "step for this data (L = %.6g, the largest eigenvalue of "
                    "[X 1]^T [X 1] / n). Use --lr auto (1/L = %.6g) or a step "
                    "below %.6g. No model was written.", lr_gd_iter(gd),
                    lr_gd_mse(gd), lr_gd_mse0(gd), par->lr, 2.0 / Ld, Ld,
                    1.0 / Ld, 2.0 / Ld);
        else
            cli_err(cmd,
                    "training diverged at iteration %zu (mse %.6g, first %.6g) "
                    "with learning rate %g%s (2/L = %.6g): the data may hold "
                    "extreme values. Try %sa smaller step. No model was "
                    "written.", lr_gd_iter(gd), lr_gd_mse(gd), lr_gd_mse0(gd),
                    par->lr, o->lr_auto ? " (--lr auto: 1/L)" : "", 2.0 / Ld,
                    o->lr_auto ? "--standardize, or " : "--lr auto or ");
        rc = 1;
        goto out;
    }
    lr_gd_model(gd, m);
    const double *w = lr_model_weights(m);
    const double b = lr_model_bias(m);
    size_t iters = lr_gd_iter(gd);
    double mse, r2;
    lr_score(lr_matrix_of(d->X, Xt, n, p), d->y, w, b, &mse, &r2);
    double tpi = elapsed / (double)(iters + 1); /* iters + 1 passes over X */

    double gap = NAN, wdist = NAN;
    const char *gap_basis = NULL;
    if (have_opt) {
        gap = cli_gap(mse, mse_opt, mse_null, &gap_basis);
        wdist = sqrt(dist2(w, wopt, p) + (b - bopt) * (b - bopt));
    }
    const int reason = lr_gd_stop_reason(gd);
    const int converged = cli_converged(reason, gap);
    if (converged == 0 || (converged < 0 && o->require_conv)) {
        cli_not_converged(cmd, gap, o->require_conv);
        if (o->require_conv) {
            rc = 1;
            goto out;
        }
    }
    double coef_err = NAN;
    if (o->true_coef)
        coef_err = sqrt(dist2(w, o->true_coef, p)
                        + (b - o->true_bias) * (b - o->true_bias));

    printf("iterations      %zu\n", iters);
    printf("stop reason     %s\n", lr_stop_name(lr_gd_stop_reason(gd)));
    printf("final mse       %.15g\n", mse);
    printf("r2              %.15g\n", r2);
    printf("grad norm       %.6g (first %.6g)\n", lr_gd_grad_norm(gd),
           lr_gd_grad_norm0(gd));
    if (par->tol > 0)
        printf("tol measure     %.6g   (|g~| / sd(y), standardized; stop at %g)\n",
               lr_gd_grad_rel(gd), par->tol);
    printf("time            %.6g s total, %.6g s per iteration\n", elapsed, tpi);
    printf("threads         %d\n", lr_gd_threads(gd));
    if (o->lr_auto)
        printf("lr              %.6g (auto: 1/L, L = %.6g; stable below 2/L = "
               "%.6g)\n", par->lr, L, 2.0 / L);
    if (p <= 8) {
        printf("weights        ");
        for (size_t j = 0; j < p; j++)
            printf(" %.15g", w[j]);
        printf("\nbias            %.15g\n", b);
    }
    if (have_opt) {
        printf("optimal mse     %.15g   (exact least squares, GSL)\n", mse_opt);
        if (isfinite(gap))
            printf("gap             %.6g   ((mse - mse*) / %s)\n", gap, gap_basis);
        else
            printf("gap             mse - mse* = %.6g (y is constant: no "
                   "relative gap)\n", mse - mse_opt);
        printf("|w - w*|        %.6g   (weights and bias)\n", wdist);
    }
    if (o->true_coef)
        printf("|w - w_true|    %.6g   (against the generating coefficients)\n",
               coef_err);

    cJSON *rep = cJSON_CreateObject();
    cJSON_AddNumberToObject(rep, "n_samples", (double)n);
    cJSON_AddNumberToObject(rep, "n_features", (double)p);
    cJSON_AddNumberToObject(rep, "lr", par->lr);
    cJSON_AddBoolToObject(rep, "lr_auto", o->lr_auto);
    cJSON_AddItemToObject(rep, "lipschitz_L", cli_num(L));
    cJSON_AddItemToObject(rep, "max_stable_lr", cli_num(2.0 / L));
    cJSON_AddNumberToObject(rep, "lipschitz_time_s", t_lip);
    cJSON_AddItemToObject(rep, "stop_gap", cli_num(o->stop_gap > 0 ? o->stop_gap
                                                                   : NAN));
    cJSON_AddNumberToObject(rep, "max_iter", (double)par->max_iter);
    cJSON_AddNumberToObject(rep, "tol", par->tol);
    cJSON_AddBoolToObject(rep, "deterministic", par->deterministic);
    cJSON_AddBoolToObject(rep, "intercept", par->intercept);
    cJSON_AddNumberToObject(rep, "l2", par->l2);
    cJSON_AddBoolToObject(rep, "standardize", par->standardize);
    cJSON_AddStringToObject(rep, "optimizer", par->optimizer == LR_OPT_NESTEROV
                            ? "nesterov" : par->optimizer == LR_OPT_MOMENTUM
                            ? "momentum" : "gd");
    cJSON_AddNumberToObject(rep, "momentum", par->momentum);
    cJSON_AddStringToObject(rep, "solver", par->solver == LR_SOLVER_GRAM ? "gram"
                                                                         : "stream");
    cJSON_AddStringToObject(rep, "precision", Xt ? "float" : "double");
    cJSON_AddStringToObject(rep, "init", par->init == LR_INIT_ZEROS ? "zeros"
                                                                    : "uniform");
    cJSON_AddNumberToObject(rep, "init_seed", (double)par->init_seed);
    cJSON_AddNumberToObject(rep, "iterations", (double)iters);
    cJSON_AddStringToObject(rep, "stop_reason",
                            lr_stop_name(lr_gd_stop_reason(gd)));
    /* the MSE of the final weights by a fresh pass over X (the gram solver's
     * own loss comes from a formula that cancels digits near the optimum) */
    cJSON_AddItemToObject(rep, "final_mse", cli_num(mse));
    cJSON_AddItemToObject(rep, "optimal_mse", cli_num(mse_opt));
    /* how the optimum was computed, or why there is none */
    cJSON_AddItemToObject(rep, "exact_method", have_opt
                          ? cJSON_CreateString(lr_exact_name(xref.method))
                          : cJSON_CreateNull());
    cJSON_AddItemToObject(rep, "exact_note", have_opt ? cJSON_CreateNull()
                          : cJSON_CreateString(xref.note));
    cJSON_AddItemToObject(rep, "gap", cli_num(gap));
    cJSON_AddItemToObject(rep, "gap_basis", gap_basis && have_opt
                          ? cJSON_CreateString(gap_basis) : cJSON_CreateNull());
    cJSON_AddItemToObject(rep, "converged", converged < 0 ? cJSON_CreateNull()
                          : cJSON_CreateBool(converged));
    cJSON_AddItemToObject(rep, "dist_to_optimum", cli_num(wdist));
    cJSON_AddItemToObject(rep, "r2", cli_num(r2));
    cJSON_AddItemToObject(rep, "grad_norm", cli_num(lr_gd_grad_norm(gd)));
    cJSON_AddItemToObject(rep, "grad_norm0", cli_num(lr_gd_grad_norm0(gd)));
    cJSON_AddItemToObject(rep, "grad_rel", cli_num(lr_gd_grad_rel(gd)));
    cJSON_AddNumberToObject(rep, "time_s", elapsed);
    cJSON_AddNumberToObject(rep, "time_per_iter_s", tpi);
    /* everything the solution cost: step-size estimate, Gram pass (if
     * any) and iterations; not the exact solve of the stopping test. null
     * when there was no solution: --stop-gap's target not reached, or a
     * run that did not converge */
    cJSON_AddItemToObject(rep, "time_to_solution_s",
                          (o->stop_gap > 0 ? reason == LR_STOP_TARGET
                                           : converged != 0)
                          ? cJSON_CreateNumber(elapsed) : cJSON_CreateNull());
    cJSON_AddNumberToObject(rep, "threads", lr_gd_threads(gd));
    cJSON_AddItemToObject(rep, "initial_weights", cli_array(w0, p));
    cJSON_AddNumberToObject(rep, "initial_bias", 0.0);
    cJSON_AddItemToObject(rep, "weights", cli_array(w, p));
    cJSON_AddNumberToObject(rep, "bias", b);
    if (have_opt) {
        cJSON_AddItemToObject(rep, "optimal_weights", cli_array(wopt, p));
        cJSON_AddNumberToObject(rep, "optimal_bias", bopt);
    }
    if (o->true_coef) {
        cJSON_AddItemToObject(rep, "true_weights", cli_array(o->true_coef, p));
        cJSON_AddNumberToObject(rep, "true_bias", o->true_bias);
        cJSON_AddItemToObject(rep, "true_coef_error", cli_num(coef_err));
    }
    cJSON *h = cJSON_CreateArray();
    for (size_t k = 0; k < nh; k++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "iter", (double)hist[k].iter);
        cJSON_AddItemToObject(row, "mse", cli_num(hist[k].mse));
        cJSON_AddItemToObject(row, "grad_norm", cli_num(hist[k].gnorm));
        cJSON_AddItemToArray(h, row);
    }
    cJSON_AddItemToObject(rep, "history", h);
    cJSON_AddItemToObject(rep, "machine", cli_env_json());

    if (o->model_out) {
        /* the model file also records the intercept, the scaling, the
         * training options and the final metrics; not the timings or the
         * thread count, so a deterministic fit writes the same bytes
         * whatever the threads */
        cJSON *ex = cJSON_CreateObject();
        cJSON_AddBoolToObject(ex, "intercept", par->intercept);
        cJSON *sc = cJSON_AddObjectToObject(ex, "scaling");
        const double *mu, *sd;
        lr_gd_scaling(gd, &mu, &sd);
        cJSON_AddStringToObject(sc, "method", mu ? "standardize" : "none");
        if (mu) {
            cJSON_AddItemToObject(sc, "mean", cli_array(mu, p));
            cJSON_AddItemToObject(sc, "sd", cli_array(sd, p));
        }
        cJSON *tr = cJSON_AddObjectToObject(ex, "training");
        const char *keys[] = {"lr", "lr_auto", "max_iter", "tol", "deterministic",
                              "solver", "precision", "l2", "standardize",
                              "optimizer", "momentum", "init", "init_seed"};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(rep, keys[k]);
            if (v)
                cJSON_AddItemToObject(tr, keys[k], cJSON_Duplicate(v, 1));
        }
        cJSON *mt = cJSON_AddObjectToObject(ex, "metrics");
        const char *mkeys[] = {"n_samples", "iterations", "stop_reason", "final_mse",
                               "r2", "optimal_mse", "gap", "grad_norm",
                               "converged"};
        for (size_t k = 0; k < sizeof mkeys / sizeof *mkeys; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(rep, mkeys[k]);
            if (v)
                cJSON_AddItemToObject(mt, mkeys[k], cJSON_Duplicate(v, 1));
        }
        char *extra = cJSON_PrintUnformatted(ex);
        cJSON_Delete(ex);
        if (!extra)
            cli_err(cmd, "out of memory");
        if (!extra || cli_out_model(o->outs, o->model_out, m, d->names, extra))
            rc = 1;
        free(extra);
    }
    /* into the caller's output set: renamed into place together, later */
    if (!rc && o->report_out && cli_out_json(o->outs, o->report_out, rep))
        rc = 1;
    FILE *hf;
    if (!rc && o->history_out) {
        if ((hf = cli_out_open(o->outs, o->history_out))) {
            fputs("iter,mse,grad_norm\n", hf);
            for (size_t k = 0; k < nh; k++)
                fprintf(hf, "%zu,%.17g,%.17g\n", hist[k].iter, hist[k].mse,
                        hist[k].gnorm);
        }
        if (!hf || cli_out_close(o->outs, o->history_out, 1))
            rc = 1;
    }
    if (report)
        *report = rep;
    else
        cJSON_Delete(rep);
out:
    free(Xf);
    free(w0);
    free(hist);
    free(wopt);
    lr_model_free(m);
    lr_gd_free(gd);
    return rc;
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
        case OPT_HELP: usage(stdout); return -1;
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
        rc = cli_dataset_load(C, &ds, data, target, target_file, delim, 1,
                              a.na_drop);
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
    rc = cli_out_finish(&os, cli_train(C, data ? &ds.view : d, &o, NULL));
    free(coef);
    lr_data_free(d);
    cli_dataset_free(&ds);
    return rc;
}
