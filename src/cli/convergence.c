/* convergence.c -- how a training run is judged, by `train`, the driver
 * and linreg-mpi alike: the gap to the exact optimum, whether a run
 * converged (and the warning when it did not), and the scales of data the
 * iterations can represent. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"

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
