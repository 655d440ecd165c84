/* exact.c -- the exact least-squares reference of a training run and of
 * `solve`: whether it is worth computing (its cost against the
 * training's), and the warning on constant and duplicated columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static double train_flops(size_t n, size_t p, const lr_params *par)
{
    const double dn = (double)n, dp = (double)p, m = dp + 1.0;
    const double it = (double)par->max_iter;
    return par->solver == LR_SOLVER_GRAM ? dn * m * m + 2.0 * m * m * it
                                         : 4.0 * dn * dp * (it + 1.0);
}

int cli_exact_plan(size_t n, size_t p, const lr_params *par, int required,
                   cli_exact *ex)
{
    ex->note[0] = '\0';
    ex->flops = NAN;
    ex->train_flops = train_flops(n, p, par);
    int st = lr_solve_plan(n, p, par, &ex->method, &ex->flops);
    if (st == LR_ESOLVE) {
        snprintf(ex->note, sizeof ex->note,
                 "the least-squares solution is not unique: %zu unknowns (%zu "
                 "features%s) for %zu samples; --l2 ALPHA (ridge) makes it "
                 "unique", p + (par->intercept ? 1 : 0), p,
                 par->intercept ? " and the intercept" : "", n);
        return 0;
    }
    if (st != LR_SUCCESS) {
        snprintf(ex->note, sizeof ex->note, "%s", lr_strerror(st));
        return 0;
    }
    if (!required && ex->flops > CLI_EXACT_FREE
        && ex->flops > CLI_EXACT_RATIO * ex->train_flops) {
        snprintf(ex->note, sizeof ex->note,
                 "skipped: the exact reference (%s method, about %.2g flops) "
                 "would cost over %g times the training asked for (about %.2g "
                 "flops); --stop-gap computes it anyway", lr_exact_name(ex->method),
                 ex->flops, CLI_EXACT_RATIO, ex->train_flops);
        return 0;
    }
    return 1;
}

/* A column's name for messages, in buf when there is none. */
static const char *col_name(const lr_data *d, size_t j, char *buf, size_t len)
{
    if (d->names && d->names[j])
        return d->names[j];
    snprintf(buf, len, "column %zu", j + 1);
    return buf;
}

void cli_design_warn(const char *cmd, const lr_data *d, const float *Xf,
                     const lr_params *par)
{
    long *dep = malloc((d->p ? d->p : 1) * sizeof *dep);
    const int saved = cli_team_bound(par->threads);
    const long flagged = dep ? lr_design_check(lr_matrix_of(d->X, d->X ? NULL : Xf,
                                                            d->n, d->p),
                                               par->intercept, dep)
                             : -1;
    cli_team_restore(saved);
    if (flagged <= 0) {
        free(dep);
        return;
    }
    fprintf(stderr, "linreg %s: warning: X is rank-deficient:", cmd);
    const char *sep = " ";
    char b1[32], b2[32];
    for (size_t j = 0; j < d->p; j++) {
        if (dep[j] == LR_COL_CONSTANT)
            fprintf(stderr, "%s'%s' is constant (%s)", sep,
                    col_name(d, j, b1, sizeof b1),
                    par->intercept ? "collinear with the intercept" : "all zero");
        else if (dep[j] >= 0)
            fprintf(stderr, "%s'%s' duplicates '%s'", sep,
                    col_name(d, j, b1, sizeof b1),
                    col_name(d, (size_t)dep[j], b2, sizeof b2));
        else
            continue;
        sep = "; ";
    }
    fprintf(stderr, ".%s\n", par->l2 > 0
            ? " The ridge term shares the weight between duplicates."
            : " Their least-squares weights are not unique (the optimal MSE "
              "is); drop those columns or add --l2.");
    free(dep);
}
