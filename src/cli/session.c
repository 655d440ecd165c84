/* session.c -- one training session with its convergence report, used by
 * `train`, the driver and linreg-mpi alike: checks the data's scales,
 * computes the exact optimum (the yardstick of the gap and the target of
 * --stop-gap), iterates with the history and the table, judges
 * convergence, prints the summary, builds the report and writes the
 * model, the report and the history.
 *
 * One process holds every row, or (cli_train_opts.comm, linreg-mpi) each
 * process holds its rows and the session's sums and maxima go through the
 * front end's collectives: every process then takes the same decisions
 * from the same numbers, and only the writer writes files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct {
    size_t iter;
    double mse, gnorm;
} hist_row;

typedef struct {
    const char *cmd;
    const lr_data *d;        /* this process's rows */
    const cli_train_opts *o;
    const cli_comm *comm;    /* NULL: one process */
    const lr_dist *dist;     /* comm->dist, or NULL */
    size_t n, p;             /* rows of all processes, features */
    lr_params par;           /* o->par, with the step of --lr auto */
    const float *Xt;         /* X in single precision, or NULL */
    float *Xf;               /* Xt when the session made it */
    lr_gd *gd;
    lr_model *m;
    hist_row *hist;
    size_t nh, cap, every;
    double *w0, *wopt, bopt, mse_opt, mse_null;
    int have_opt;
    lr_stats *stats;         /* the exact fit's statistics (issue 11), or NULL */
    char stats_note[256];
    cli_exact xref;
    double L, t_lip, elapsed;
    int started;
    /* the results */
    size_t iters;
    int reason, converged;
    double mse, r2, tpi, gap, wdist, coef_err;
    const char *gap_basis;
} session;

/* An error on this process (printed), or on any (linreg-mpi: the lowest
 * failing process prints msg). 1 when the session must stop. */
static int failed_any(const session *s, int failed, const char *msg)
{
    if (s->comm)
        return s->comm->agree(s->comm->ctx, failed, msg);
    if (failed)
        cli_err(s->cmd, "%s", msg);
    return failed;
}

static int sum_all(const session *s, double *buf, size_t count)
{
    return s->dist ? s->dist->sum(buf, count, s->dist->ctx) : 0;
}

static double dist2(const double *a, const double *b, size_t p)
{
    double v = 0.0;
    for (size_t j = 0; j < p; j++)
        v += (a[j] - b[j]) * (a[j] - b[j]);
    return v;
}

/* Data the iterations cannot represent are refused here, before they turn
 * into an underflowed gradient or a "divergence". 0 or 1. */
static int check_scales(session *s)
{
    const size_t p = s->p;
    double *mx = malloc((p + 1) * sizeof *mx);
    if (failed_any(s, !mx, "out of memory")) {
        free(mx);
        return 1;
    }
    lr_max_abs(lr_matrix_of(s->d->X, s->d->X ? NULL : s->o->Xf, s->d->n, p),
               s->d->y, mx, &mx[p]);
    if (s->comm && s->comm->max(mx, p + 1, s->comm->ctx))
        failed_any(s, 1, "the maxima of the columns could not be combined");
    int bad = cli_check_scales(s->cmd, s->d->names, p, mx, mx[p],
                               s->par.intercept, s->o->f32 && !s->o->Xf);
    free(mx);
    return bad;
}

/* The history, the float copy of X, the workspace and the model. 0 or 1. */
static int alloc_session(session *s)
{
    const lr_data *d = s->d;
    const size_t n = d->n, p = s->p;
    const lr_params *par = &s->par;
    s->every = s->o->log_every ? s->o->log_every
               : (par->max_iter >= 10 ? par->max_iter / 10 : 1);
    size_t hbytes;
    s->cap = par->max_iter / s->every + 3;
    if (s->cap < 3 || __builtin_mul_overflow(s->cap, sizeof(hist_row), &hbytes)) {
        /* --iters near SIZE_MAX with --log-every 1 */
        cli_err(s->cmd, "--iters %zu with --log-every %zu: %zu history rows "
                "overflow the size of memory", par->max_iter, s->every,
                par->max_iter / s->every);
        return 1;
    }
    s->hist = malloc(hbytes);
    /* --precision float: X stored in single precision for training (sums in
     * double); the double X stays for the metrics and the exact optimum. */
    s->Xt = s->o->Xf; /* float X the caller gave */
    if (s->o->f32 && !s->Xt) {
        size_t cells = n * p;
        s->Xf = lr_alloc_rows((cells ? cells : 1) * sizeof *s->Xf);
        if (s->Xf)
            for (size_t k = 0; k < cells; k++)
                s->Xf[k] = (float)d->X[k];
        s->Xt = s->Xf;
    }
    const lr_matrix Xm = lr_matrix_of(s->Xt ? NULL : d->X, s->Xt, n, p);
    int gst = s->o->f32 && !s->Xt ? LR_ENOMEM
              : s->dist ? lr_gd_alloc_dist(Xm, d->y, par, s->dist, &s->gd)
                        : lr_gd_alloc(Xm, d->y, par, &s->gd);
    s->m = lr_model_alloc(p);
    s->wopt = calloc(p ? p : 1, sizeof *s->wopt);
    s->w0 = malloc((p ? p : 1) * sizeof *s->w0);
    char msg[128];
    snprintf(msg, sizeof msg, "%s for %zu x %zu training",
             gst == LR_EINVAL ? "invalid options (the gram solver takes at most "
                                "4096 features)" : "out of memory", s->n, p);
    return failed_any(s, !s->hist || !s->gd || !s->m || !s->wopt || !s->w0, msg);
}

/* The gap's yardstick for exact fits: var(y), or mean(y^2) without an
 * intercept or when y is constant; over all processes, in two passes. */
static double null_mse(const session *s)
{
    const double *y = s->d->y;
    const size_t nl = s->d->n;
    if (!s->dist) {
        double v = lr_null_mse(y, nl, s->par.intercept);
        return v > 0 ? v : lr_null_mse(y, nl, 0);
    }
    /* [sum y], then [sum (y - mean)^2, sum y^2] */
    double sy = 0.0, q[2] = {0.0, 0.0};
    for (size_t i = 0; s->par.intercept && i < nl; i++)
        sy += y[i];
    sum_all(s, &sy, 1);
    const double mean = s->par.intercept ? sy / (double)s->n : 0.0;
    for (size_t i = 0; i < nl; i++) {
        q[0] += (y[i] - mean) * (y[i] - mean);
        q[1] += y[i] * y[i];
    }
    sum_all(s, q, 2);
    return (q[0] > 0 ? q[0] : q[1]) / (double)s->n;
}

/* The exact optimum first (not timed): the yardstick of the report, and
 * the stopping target of --stop-gap. cli_exact_plan, then the solve: 1
 * with the optimum, 0 with xref.note (printed as a note), or -1 when
 * --stop-gap needs it and there is none (printed as an error). */
static int exact_reference(session *s)
{
    const lr_data *d = s->d;
    const int required = s->o->stop_gap > 0;
    cli_exact *ex = &s->xref;
    if (cli_exact_plan(s->n, s->p, &s->par, required, ex)) {
        const double *X = d->X ? d->X : NULL;
        const float *Xf = d->X ? NULL : s->Xt;
        if (s->dist) { /* the rows the training reads */
            X = s->Xt ? NULL : d->X;
            Xf = s->Xt;
        }
        const lr_matrix Xm = lr_matrix_of(X, Xf, d->n, s->p);
        cli_xslot *xs = s->dist ? NULL : s->o->xslot;
        if (xs && __atomic_load_n(&xs->state, __ATOMIC_ACQUIRE) == 2) {
            memcpy(s->wopt, xs->w, s->p * sizeof *s->wopt); /* solved before */
            s->bopt = xs->b;
            s->mse_opt = xs->mse;
            return 1;
        }
        int st = s->dist ? lr_solve_dist(Xm, d->y, &s->par, s->dist, s->wopt,
                                         &s->bopt, &s->mse_opt)
                         : lr_solve(Xm, d->y, &s->par, s->wopt, &s->bopt,
                                    &s->mse_opt);
        int empty = 0;
        if (st == LR_SUCCESS && xs
            && __atomic_compare_exchange_n(&xs->state, &empty, 1, 0,
                                           __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            memcpy(xs->w, s->wopt, s->p * sizeof *s->wopt); /* publish */
            xs->b = s->bopt;
            xs->mse = s->mse_opt;
            __atomic_store_n(&xs->state, 2, __ATOMIC_RELEASE);
        }
        if (st == LR_SUCCESS)
            return 1;
        snprintf(ex->note, sizeof ex->note, "the %s solve failed (%s)",
                 lr_exact_name(ex->method), lr_strerror(st));
    }
    if (required) {
        cli_err(s->cmd, "--stop-gap needs the exact optimum: %s", ex->note);
        return -1;
    }
    fprintf(stderr, "linreg %s: note: no exact optimum: %s\n", s->cmd, ex->note);
    return 0;
}

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

/* lr_gd_init, the target of --stop-gap and the step of --lr auto. */
static int start(session *s)
{
    lr_gd *gd = s->gd;
    int st = lr_gd_init(gd);
    s->started = st == LR_SUCCESS;
    if (st == LR_SUCCESS && s->o->stop_gap > 0)
        /* the gap's denominator is max(mse*, 1e-6 var(y)) (cli_gap); the
         * gram solver measures the excess from the distance to the optimum,
         * where its loss formula's rounding would hide a gap of 1e-9 */
        st = lr_gd_set_stop_excess(gd, s->wopt, s->bopt, s->mse_opt,
                                   s->o->stop_gap * fmax(s->mse_opt, CLI_GAP_FLOOR
                                                         * s->mse_null));
    if (st == LR_SUCCESS && s->o->lr_auto) {
        /* after init, so the gram solver estimates L from its Gram matrix */
        double tl = lr_now();
        st = lr_gd_lipschitz(gd, &s->L);
        s->t_lip = lr_now() - tl;
        if (st == LR_SUCCESS) {
            s->par.lr = 1.0 / s->L;
            lr_gd_set_lr(gd, s->par.lr);
            fprintf(stderr, "linreg %s: --lr auto: L = %.6g (power iteration, "
                    "%.3g s), lr = 1/L = %.6g; the largest stable step is 2/L = "
                    "%.6g\n", s->cmd, s->L, s->t_lip, s->par.lr, 2.0 / s->L);
        } else {
            cli_err(s->cmd, "--lr auto: cannot estimate L, the largest "
                    "eigenvalue of [X 1]^T [X 1] / n (%s). No model was "
                    "written.", lr_strerror(st));
            st = LR_EINVAL;
        }
    }
    return st;
}

/* The iterations, with the history every `every` and the table. */
static int iterate(session *s, int st)
{
    lr_gd *gd = s->gd;
    const cli_train_opts *o = s->o;
    const size_t max = s->par.max_iter;
    size_t pevery = o->print_every ? o->print_every : s->every;
    int tty = o->table && isatty(2);
    memcpy(s->w0, lr_gd_weights(gd), s->p * sizeof *s->w0);
    if (st != LR_SUCCESS)
        return st;
    s->hist[s->nh++] = (hist_row){0, lr_gd_mse(gd), lr_gd_grad_norm(gd)};
    if (o->table)
        progress(tty, 0, max, lr_gd_mse(gd), lr_gd_grad_norm(gd), 0);
    while ((st = lr_gd_test(gd)) == LR_CONTINUE) {
        st = lr_gd_iterate(gd, s->every);
        if (st == LR_EDIVERGE)
            break;
        if (s->nh < s->cap)
            s->hist[s->nh++] = (hist_row){lr_gd_iter(gd), lr_gd_mse(gd),
                                          lr_gd_grad_norm(gd)};
        if (o->table && (lr_gd_iter(gd) % pevery == 0 || st != LR_CONTINUE))
            progress(tty, lr_gd_iter(gd), max, lr_gd_mse(gd),
                     lr_gd_grad_norm(gd), st != LR_CONTINUE);
    }
    return st;
}

/* The message of a diverged run: the step against 2/L when it is known. */
static void diverged(const session *s)
{
    const lr_gd *gd = s->gd;
    const lr_params *par = &s->par;
    if (s->o->table && isatty(2))
        fputc('\n', stderr);
    double Ld = s->L;
    if (!(Ld > 0) && lr_gd_lipschitz(s->gd, &Ld) != LR_SUCCESS)
        Ld = s->dist ? NAN
             : lr_trace_bound(lr_matrix_of(s->d->X, s->d->X ? NULL : s->Xt,
                                           s->n, s->p));
    if (!s->started || !isfinite(lr_gd_mse0(gd)))
        /* before the first step (and, with --lr auto, before the step is
         * known): no step size to blame */
        cli_err(s->cmd,
                "the loss of the initial weights is not finite (mse %.6g): "
                "the data or the initial weights are too large for double. "
                "Try --init zeros, or rescale the data. No model was "
                "written.", lr_gd_mse0(gd));
    else if (par->lr > 2.0 / Ld)
        cli_err(s->cmd,
                "training diverged at iteration %zu (mse %.6g, first %.6g): "
                "the learning rate %g exceeds 2/L = %.6g, the largest stable "
                "step for this data (L = %.6g, the largest eigenvalue of "
                "[X 1]^T [X 1] / n). Use --lr auto (1/L = %.6g) or a step "
                "below %.6g. No model was written.", lr_gd_iter(gd),
                lr_gd_mse(gd), lr_gd_mse0(gd), par->lr, 2.0 / Ld, Ld,
                1.0 / Ld, 2.0 / Ld);
    else
        cli_err(s->cmd,
                "training diverged at iteration %zu (mse %.6g, first %.6g) "
                "with learning rate %g%s (2/L = %.6g): the data may hold "
                "extreme values. Try %sa smaller step. No model was "
                "written.", lr_gd_iter(gd), lr_gd_mse(gd), lr_gd_mse0(gd),
                par->lr, s->o->lr_auto ? " (--lr auto: 1/L)" : "", 2.0 / Ld,
                s->o->lr_auto ? "--standardize, or " : "--lr auto or ");
}

/* MSE and R^2 of the model by a fresh pass over X (the gram solver's own
 * loss comes from a formula that cancels digits near the optimum); over
 * all processes: each one's sums by lr_score (compensated), R^2 about the
 * mean of all rows. */
static void score(session *s, const double *w, double b)
{
    const lr_data *d = s->d;
    const size_t nl = d->n, p = s->p;
    if (!s->dist) {
        lr_score(lr_matrix_of(d->X, d->X ? NULL : s->Xt, nl, p), d->y, w, b,
                 &s->mse, &s->r2);
        return;
    }
    double ys = 0.0, r2l, q[2] = {0.0, 0.0}; /* [sum r^2, sum (y - mean)^2] */
    for (size_t i = 0; i < nl; i++)
        ys += d->y[i];
    sum_all(s, &ys, 1);
    const double ym = ys / (double)s->n;
    if (nl) {
        lr_score(lr_matrix_of(d->X, d->X ? NULL : s->Xt, nl, p), d->y, w, b,
                 &q[0], &r2l);
        q[0] *= (double)nl;
        for (size_t i = 0; i < nl; i++)
            q[1] += (d->y[i] - ym) * (d->y[i] - ym);
    }
    sum_all(s, q, 2);
    s->mse = q[0] / (double)s->n;
    s->r2 = q[1] > 0 ? 1.0 - q[0] / q[1] : NAN;
}

/* The results of a finished run: score, gap, distance, convergence. */
static void judge(session *s)
{
    lr_gd_model(s->gd, s->m);
    const double *w = lr_model_weights(s->m);
    const double b = lr_model_bias(s->m);
    const size_t p = s->p;
    s->iters = lr_gd_iter(s->gd);
    score(s, w, b);
    s->tpi = s->elapsed / (double)(s->iters + 1); /* iters + 1 passes over X */
    s->gap = s->wdist = s->coef_err = NAN;
    s->gap_basis = NULL;
    if (s->have_opt) {
        s->gap = cli_gap(s->mse, s->mse_opt, s->mse_null, &s->gap_basis);
        s->wdist = sqrt(dist2(w, s->wopt, p) + (b - s->bopt) * (b - s->bopt));
    }
    s->reason = lr_gd_stop_reason(s->gd);
    s->converged = cli_converged(s->reason, s->gap);
    if (s->o->true_coef)
        s->coef_err = sqrt(dist2(w, s->o->true_coef, p) + (b - s->o->true_bias)
                           * (b - s->o->true_bias));
}

/* The summary on stdout. */
static void summary(const session *s)
{
    const lr_gd *gd = s->gd;
    const lr_params *par = &s->par;
    const double *w = lr_model_weights(s->m);
    const double b = lr_model_bias(s->m);
    printf("iterations      %zu\n", s->iters);
    printf("stop reason     %s\n", lr_stop_name(s->reason));
    printf("final mse       %.15g\n", s->mse);
    printf("r2              %.15g\n", s->r2);
    printf("grad norm       %.6g (first %.6g)\n", lr_gd_grad_norm(gd),
           lr_gd_grad_norm0(gd));
    if (par->tol > 0)
        printf("tol measure     %.6g   (|g~| / sd(y), standardized; stop at %g)\n",
               lr_gd_grad_rel(gd), par->tol);
    printf("time            %.6g s total, %.6g s per iteration\n", s->elapsed,
           s->tpi);
    if (par->adapt_threads) {
        int tmin, tmax;
        size_t sw;
        lr_gd_thread_range(gd, &tmin, &tmax, &sw);
        printf("threads         %d (following the load: %d to %d, %zu "
               "change%s)\n", lr_gd_threads(gd), tmin, tmax, sw,
               sw == 1 ? "" : "s");
    } else {
        printf("threads         %d\n", lr_gd_threads(gd));
    }
    if (s->o->lr_auto)
        printf("lr              %.6g (auto: 1/L, L = %.6g; stable below 2/L = "
               "%.6g)\n", par->lr, s->L, 2.0 / s->L);
    if (s->p <= 8) {
        printf("weights        ");
        for (size_t j = 0; j < s->p; j++)
            printf(" %.15g", w[j]);
        printf("\nbias            %.15g\n", b);
    }
    if (s->have_opt) {
        printf("optimal mse     %.15g   (exact least squares, GSL)\n", s->mse_opt);
        if (isfinite(s->gap))
            printf("gap             %.6g   ((mse - mse*) / %s)\n", s->gap,
                   s->gap_basis);
        else
            printf("gap             mse - mse* = %.6g (y is constant: no "
                   "relative gap)\n", s->mse - s->mse_opt);
        printf("|w - w*|        %.6g   (weights and bias)\n", s->wdist);
    }
    if (s->o->true_coef)
        printf("|w - w_true|    %.6g   (against the generating coefficients)\n",
               s->coef_err);
}

/* The options of the run, in the report (and, a subset, in the model). */
static void report_options(const session *s, cJSON *rep)
{
    const lr_params *par = &s->par;
    const cli_train_opts *o = s->o;
    cJSON_AddNumberToObject(rep, "n_samples", (double)s->n);
    cJSON_AddNumberToObject(rep, "n_features", (double)s->p);
    cJSON_AddNumberToObject(rep, "lr", par->lr);
    cJSON_AddBoolToObject(rep, "lr_auto", o->lr_auto);
    cJSON_AddItemToObject(rep, "lipschitz_L", cli_num(s->L));
    cJSON_AddItemToObject(rep, "max_stable_lr", cli_num(2.0 / s->L));
    cJSON_AddNumberToObject(rep, "lipschitz_time_s", s->t_lip);
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
    cJSON_AddStringToObject(rep, "precision", s->Xt ? "float" : "double");
    cJSON_AddStringToObject(rep, "init", par->init == LR_INIT_ZEROS ? "zeros"
                                                                    : "uniform");
    cJSON_AddNumberToObject(rep, "init_seed", (double)par->init_seed);
}

/* The report as JSON. */
static cJSON *report(const session *s)
{
    const lr_gd *gd = s->gd;
    const size_t p = s->p;
    const cli_train_opts *o = s->o;
    cJSON *rep = cJSON_CreateObject();
    report_options(s, rep);
    cJSON_AddNumberToObject(rep, "iterations", (double)s->iters);
    cJSON_AddStringToObject(rep, "stop_reason", lr_stop_name(s->reason));
    cJSON_AddItemToObject(rep, "final_mse", cli_num(s->mse));
    cJSON_AddItemToObject(rep, "optimal_mse", cli_num(s->mse_opt));
    /* how the optimum was computed, or why there is none */
    cJSON_AddItemToObject(rep, "exact_method", s->have_opt
                          ? cJSON_CreateString(lr_exact_name(s->xref.method))
                          : cJSON_CreateNull());
    cJSON_AddItemToObject(rep, "exact_note", s->have_opt ? cJSON_CreateNull()
                          : cJSON_CreateString(s->xref.note));
    cJSON_AddItemToObject(rep, "gap", cli_num(s->gap));
    cJSON_AddItemToObject(rep, "gap_basis", s->gap_basis && s->have_opt
                          ? cJSON_CreateString(s->gap_basis) : cJSON_CreateNull());
    cJSON_AddItemToObject(rep, "converged", s->converged < 0 ? cJSON_CreateNull()
                          : cJSON_CreateBool(s->converged));
    cJSON_AddItemToObject(rep, "dist_to_optimum", cli_num(s->wdist));
    cJSON_AddItemToObject(rep, "r2", cli_num(s->r2));
    cJSON_AddItemToObject(rep, "grad_norm", cli_num(lr_gd_grad_norm(gd)));
    cJSON_AddItemToObject(rep, "grad_norm0", cli_num(lr_gd_grad_norm0(gd)));
    cJSON_AddItemToObject(rep, "grad_rel", cli_num(lr_gd_grad_rel(gd)));
    cJSON_AddNumberToObject(rep, "time_s", s->elapsed);
    cJSON_AddNumberToObject(rep, "time_per_iter_s", s->tpi);
    /* everything the solution cost: step-size estimate, Gram pass (if
     * any) and iterations; not the exact solve of the stopping test. null
     * when there was no solution: --stop-gap's target not reached, or a
     * run that did not converge */
    cJSON_AddItemToObject(rep, "time_to_solution_s",
                          (o->stop_gap > 0 ? s->reason == LR_STOP_TARGET
                                           : s->converged != 0)
                          ? cJSON_CreateNumber(s->elapsed) : cJSON_CreateNull());
    cJSON_AddNumberToObject(rep, "threads", lr_gd_threads(gd));
    {
        /* the team the fit started with, and what the load made of it */
        int tmin, tmax;
        size_t sw;
        lr_gd_thread_range(gd, &tmin, &tmax, &sw);
        cJSON_AddBoolToObject(rep, "threads_adaptive", s->par.adapt_threads);
        cJSON_AddNumberToObject(rep, "threads_min", tmin);
        cJSON_AddNumberToObject(rep, "threads_max", tmax);
        cJSON_AddNumberToObject(rep, "thread_switches", (double)sw);
    }
    cJSON_AddItemToObject(rep, "initial_weights", cli_array(s->w0, p));
    cJSON_AddNumberToObject(rep, "initial_bias", 0.0);
    cJSON_AddItemToObject(rep, "weights", cli_array(lr_model_weights(s->m), p));
    cJSON_AddNumberToObject(rep, "bias", lr_model_bias(s->m));
    if (s->have_opt) {
        cJSON_AddItemToObject(rep, "optimal_weights", cli_array(s->wopt, p));
        cJSON_AddNumberToObject(rep, "optimal_bias", s->bopt);
    }
    if (o->true_coef) {
        cJSON_AddItemToObject(rep, "true_weights", cli_array(o->true_coef, p));
        cJSON_AddNumberToObject(rep, "true_bias", o->true_bias);
        cJSON_AddItemToObject(rep, "true_coef_error", cli_num(s->coef_err));
    }
    cJSON *h = cJSON_CreateArray();
    for (size_t k = 0; k < s->nh; k++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "iter", (double)s->hist[k].iter);
        cJSON_AddItemToObject(row, "mse", cli_num(s->hist[k].mse));
        cJSON_AddItemToObject(row, "grad_norm", cli_num(s->hist[k].gnorm));
        cJSON_AddItemToArray(h, row);
    }
    cJSON_AddItemToObject(rep, "history", h);
    cJSON_AddItemToObject(rep, "machine", cli_env_json());
    return rep;
}

/* The model file's metadata: the intercept, the scaling, the training
 * options and the final metrics; not the timings or the thread count, so a
 * deterministic fit writes the same bytes whatever the threads. A string
 * (caller frees), or NULL when memory is short. */
static char *model_extra(const session *s, const cJSON *rep)
{
    cJSON *ex = cJSON_CreateObject();
    cJSON_AddBoolToObject(ex, "intercept", s->par.intercept);
    if (s->stats)
        cli_stats_model_json(ex, s->stats);
    cJSON *sc = cJSON_AddObjectToObject(ex, "scaling");
    const double *mu, *sd;
    lr_gd_scaling(s->gd, &mu, &sd);
    cJSON_AddStringToObject(sc, "method", mu ? "standardize" : "none");
    if (mu) {
        cJSON_AddItemToObject(sc, "mean", cli_array(mu, s->p));
        cJSON_AddItemToObject(sc, "sd", cli_array(sd, s->p));
    }
    static const char *const keys[] = {
        "lr", "lr_auto", "max_iter", "tol", "deterministic", "solver",
        "precision", "l2", "standardize", "optimizer", "momentum", "init",
        "init_seed", NULL};
    static const char *const mkeys[] = {
        "n_samples", "iterations", "stop_reason", "final_mse", "r2",
        "optimal_mse", "gap", "grad_norm", "converged", NULL};
    const char *const *lists[2] = {keys, mkeys};
    const char *names[2] = {"training", "metrics"};
    for (int l = 0; l < 2; l++) {
        cJSON *obj = cJSON_AddObjectToObject(ex, names[l]);
        for (const char *const *k = lists[l]; *k; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(rep, *k);
            if (v)
                cJSON_AddItemToObject(obj, *k, cJSON_Duplicate(v, 1));
        }
    }
    char *extra = lr_json_exact(ex) ? NULL : cJSON_PrintUnformatted(ex);
    cJSON_Delete(ex);
    return extra;
}

/* The model, the report and the history into the caller's output set
 * (renamed into place together, later). 0 or 1. */
static int write_outputs(const session *s, const cJSON *rep)
{
    const cli_train_opts *o = s->o;
    if (o->model_out) {
        char *extra = model_extra(s, rep);
        int bad = !extra;
        if (bad)
            cli_err(s->cmd, "out of memory");
        if (bad || cli_out_model(o->outs, o->model_out, s->m, s->d->names, extra))
            bad = 1;
        free(extra);
        if (bad)
            return 1;
    }
    if (o->report_out && cli_out_json(o->outs, o->report_out, rep))
        return 1;
    if (o->history_out) {
        FILE *hf = cli_out_open(o->outs, o->history_out);
        if (hf) {
            fputs("iter,mse,grad_norm\n", hf);
            for (size_t k = 0; k < s->nh; k++)
                fprintf(hf, "%zu,%.17g,%.17g\n", s->hist[k].iter, s->hist[k].mse,
                        s->hist[k].gnorm);
        }
        if (!hf || cli_out_close(o->outs, o->history_out, 1))
            return 1;
    }
    return 0;
}

static void session_free(session *s)
{
    free(s->Xf);
    free(s->w0);
    free(s->hist);
    free(s->wopt);
    lr_model_free(s->m);
    lr_gd_free(s->gd);
    lr_stats_free(s->stats);
}

/* Everything up to the first iteration: scales, workspace, optimum. 0 or 1. */
static int prepare(session *s)
{
    if (check_scales(s))
        return 1;
    if (s->o->lr_auto)
        s->par.lr = 1.0; /* replaced by 1/L once L is known (never used before) */
    if (alloc_session(s))
        return 1;
    s->mse_null = null_mse(s);
    s->xref = (cli_exact){LR_EXACT_AUTO, NAN, NAN, "not asked for (--no-exact)"};
    if (!s->dist)
        cli_design_warn(s->cmd, s->d, s->Xt, &s->par);
    if (s->o->exact || s->o->stop_gap > 0) {
        s->have_opt = exact_reference(s);
        if (s->have_opt < 0)
            return 1;
        lr_stats_opts so = s->o->stats_opts_given ? s->o->stats_opts
                                                  : lr_stats_opts_default();
        if (s->have_opt && s->o->stats && !s->dist)
            cli_stats_compute(s->d, s->Xt, &s->par, &so, &s->stats, s->stats_note,
                              sizeof s->stats_note);
    }
    return 0;
}

static int train_run(const char *cmd, const lr_data *d, const cli_train_opts *o,
                     cJSON **rep_out)
{
    session s;
    memset(&s, 0, sizeof s);
    s.cmd = cmd;
    s.d = d;
    s.o = o;
    s.comm = o->comm;
    s.dist = o->comm ? o->comm->dist : NULL;
    s.n = s.dist ? s.dist->n_global : d->n;
    s.p = d->p;
    s.par = o->par;
    s.L = s.bopt = s.mse_opt = NAN;
    if (prepare(&s)) {
        session_free(&s);
        return 1;
    }
    if (o->table && !isatty(2))
        fprintf(stderr, "  %8s  %-22s %-14s\n", "iter", "mse", "grad_norm");
    double t0 = lr_now();
    int st = iterate(&s, start(&s));
    s.elapsed = lr_now() - t0;
    int rc = 0;
    if (st != LR_SUCCESS) {
        if (st == LR_EDIVERGE)
            diverged(&s);
        else if (st != LR_EINVAL) /* --lr auto's failure is already reported */
            cli_err(cmd, "training: %s", lr_strerror(st));
        session_free(&s);
        return 1;
    }
    judge(&s);
    if (s.converged == 0 || (s.converged < 0 && o->require_conv)) {
        cli_not_converged(cmd, s.gap, o->require_conv);
        if (o->require_conv) {
            session_free(&s);
            return 1;
        }
    }
    summary(&s);
    cJSON *rep = report(&s);
    if (s.stats) { /* the table of the final weights, with the optimum's SEs */
        const char *note = "Standard errors, sigma, R^2 and F are those of the "
                           "exact least-squares fit: they hold for these weights "
                           "at the optimum.";
        lr_stats_at(s.stats, lr_model_weights(s.m), lr_model_bias(s.m));
        cli_stats_print(stdout, s.stats, d->names, note);
        cli_stats_json(cJSON_AddObjectToObject(rep, "statistics"), s.stats,
                       d->names, note);
    }
    if (s.comm && s.comm->finish)
        s.comm->finish(s.comm->ctx, rep, s.elapsed, s.iters);
    if (!s.comm || s.comm->writer)
        rc = write_outputs(&s, rep);
    if (rep_out)
        *rep_out = rep;
    else
        cJSON_Delete(rep);
    session_free(&s);
    return rc;
}

int cli_train(const char *cmd, const lr_data *d, const cli_train_opts *o,
              cJSON **rep_out)
{
    const int saved = cli_team_bound(o->par.threads);
    const int rc = train_run(cmd, d, o, rep_out);
    cli_team_restore(saved);
    return rc;
}
