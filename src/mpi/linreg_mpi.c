/* linreg_mpi.c -- `linreg-mpi`: `linreg train` over Open MPI ranks, with
 * OpenMP threads inside each rank.
 *
 * The rows are split into the fixed blocks of the deterministic reduction
 * (lr_block_rows(p)); rank r owns a contiguous range of blocks and makes or
 * reads only its rows: generated from (seed, block) by the fast generator,
 * or mapped from its rows of a .npy file. Per iteration the p + 2 partial
 * sums go through MPI_Allreduce from the master thread (MPI_THREAD_FUNNELED);
 * with --deterministic every rank's block partials are gathered and summed
 * in global block order, which gives the single-process bits. Every rank
 * takes the same decisions from the same sums; only rank 0 prints and
 * writes. An error on any rank ends all of them with one message. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <mpi.h>
#include <gsl/gsl_errno.h>

#include "cli.h"

typedef struct {
    MPI_Comm comm;
    int rank, size;
    int *counts, *displs;   /* the block-partials gather, in doubles */
    double t_comm;          /* seconds in collectives (master thread) */
    long n_calls;
} mpi_ctx;

static int mpi_sum(double *buf, size_t count, void *ctx)
{
    mpi_ctx *c = ctx;
    double t0 = MPI_Wtime();
    int rc = MPI_Allreduce(MPI_IN_PLACE, buf, (int)count, MPI_DOUBLE, MPI_SUM,
                           c->comm);
    c->t_comm += MPI_Wtime() - t0;
    c->n_calls++;
    return rc != MPI_SUCCESS;
}

static int mpi_gather(const double *local, size_t count, double *all, void *ctx)
{
    mpi_ctx *c = ctx;
    double t0 = MPI_Wtime();
    int rc = MPI_Allgatherv(local, (int)count, MPI_DOUBLE, all, c->counts,
                            c->displs, MPI_DOUBLE, c->comm);
    c->t_comm += MPI_Wtime() - t0;
    c->n_calls++;
    return rc != MPI_SUCCESS;
}

/* Ranks other than 0 print nothing but an error they were chosen to
 * report, on the stderr they started with. */
static FILE *rank_err;

/* The error protocol: every rank says whether it failed; the lowest failing
 * rank prints its message; all return the same status. */
static int agree(mpi_ctx *c, int failed, const char *msg)
{
    int me = failed ? c->rank : c->size, first;
    MPI_Allreduce(&me, &first, 1, MPI_INT, MPI_MIN, c->comm);
    if (first == c->size)
        return 0;
    if (first == c->rank) {
        fprintf(rank_err ? rank_err : stderr, "linreg-mpi: rank %d of %d: %s\n",
                c->rank, c->size, msg);
        fflush(rank_err ? rank_err : stderr);
    }
    return 1;
}

static void usage(FILE *f)
{
    fputs("usage: mpirun -np R [--map-by ...] linreg-mpi train [TRAIN OPTIONS]\n"
          "\n"
          "linreg train over R Open MPI ranks with OpenMP threads in each\n"
          "(--threads, or OMP_NUM_THREADS). Data: generated with --generator fast,\n"
          "--data X.npy --target-file y.npy (each rank maps only its rows), or\n"
          "--data FILE.csv (each rank reads its byte range; one record a line).\n"
          "With --deterministic the model is identical to the bit for any number\n"
          "of ranks and threads, and to single-process linreg train\n"
          "--deterministic. See linreg train --help for the options.\n", f);
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    gsl_set_error_handler_off();
    mpi_ctx c;
    memset(&c, 0, sizeof c);
    c.comm = MPI_COMM_WORLD;
    MPI_Comm_rank(c.comm, &c.rank);
    MPI_Comm_size(c.comm, &c.size);
    int rc = 0;
    char msg[600] = "";
    if (provided < MPI_THREAD_FUNNELED) {
        if (c.rank == 0)
            fprintf(stderr, "linreg-mpi: the MPI library gives thread level %d, "
                    "below MPI_THREAD_FUNNELED\n", provided);
        MPI_Finalize();
        return 1;
    }
    if (argc < 2 || strcmp(argv[1], "train") != 0) {
        if (c.rank == 0) {
            if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                usage(stdout);
                MPI_Finalize();
                return 0;
            }
            usage(stderr);
        }
        MPI_Finalize();
        return EXIT_USAGE;
    }
    /* every rank parses (the same argv); only rank 0 reports usage errors */
    if (c.rank != 0) {
        int fd = dup(2);
        rank_err = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            rc = 1;
    }
    cli_train_args a;
    rc = cli_train_parse("train", argc - 1, argv + 1, &a);
    if (rc) {
        MPI_Finalize();
        return rc < 0 ? 0 : rc;
    }
    cli_train_opts o = a.o;
    lr_gen_params gp = a.gp;
    const lr_params *par = &o.par;
    if (!a.data && gp.generator != LR_GEN_FAST) {
        if (c.rank == 0)
            cli_err("train", "linreg-mpi generates with --generator fast: each "
                    "rank makes only its own rows (sklearn's generator is one "
                    "sequential stream)");
        MPI_Finalize();
        return EXIT_USAGE;
    }
    if (a.na_drop) {
        if (c.rank == 0)
            cli_err("train", "linreg-mpi places rows by counting records: "
                    "--na drop is not supported (drop the rows first, or use "
                    "linreg train)");
        MPI_Finalize();
        return EXIT_USAGE;
    }
    if (a.data && cli_is_npy(a.data) && !a.target_file) {
        if (c.rank == 0)
            cli_err("train", "linreg-mpi reads --data X.npy with --target-file "
                    "y.npy (each rank maps only its rows)");
        MPI_Finalize();
        return EXIT_USAGE;
    }
    /* outputs: rank 0 writes them, so rank 0 checks them; one unit, renamed
     * into place together at the end (static: its temporaries are what the
     * signal handler removes, until the process ends) */
    static cli_outset os;
    cli_out_init(&os, "train");
    cli_out_add(&os, "model-out", o.model_out, 0);
    cli_out_add(&os, "report", o.report_out, 0);
    cli_out_add(&os, "history", o.history_out, 0);
    int bad = c.rank == 0 ? cli_out_check(&os) : 0;
    if (agree(&c, bad, "an output file cannot be written")) {
        MPI_Finalize();
        return bad ? bad : 1;
    }

    /* the global shape */
    size_t n = gp.n_samples, p = gp.n_features;
    lr_npy ax, ay;
    memset(&ax, 0, sizeof ax);
    memset(&ay, 0, sizeof ay);
    int failed = 0;
    if (a.data && cli_is_npy(a.data)) {
        char err[512];
        if (lr_npy_map(a.data, &ax, err, sizeof err) != LR_SUCCESS
            || lr_npy_map(a.target_file, &ay, err, sizeof err) != LR_SUCCESS) {
            snprintf(msg, sizeof msg, "%s", err);
            failed = 1;
        } else if (ax.ndim != 2 || ay.n != ax.n || ay.p != 1 || ax.f32 || ay.f32) {
            snprintf(msg, sizeof msg, "%s and %s: X must be (n, p) and y (n,), "
                     "both float64", a.data, a.target_file);
            failed = 1;
        } else {
            n = ax.n;
            p = ax.p;
            /* a file that shrinks under its mapping: a message, not SIGBUS */
            cli_watch_mapping("train", lr_npy_mapping(&ax), lr_npy_mapping_len(&ax), a.data);
            cli_watch_mapping("train", lr_npy_mapping(&ay), lr_npy_mapping_len(&ay), a.target_file);
        }
    }
    /* CSV: the columns from the header; each rank counts the records in its
     * share of the bytes; the counts place every row */
    const int csv = a.data && !cli_is_npy(a.data);
    lr_csv_opts co = lr_csv_opts_default();
    co.target = a.target;
    co.delimiter = a.delim;
    size_t *starts = NULL, nrec = 0, dstart = 0, fsize = 0;
    unsigned long long *counts = NULL;
    lr_data *hdr = NULL;
    if (csv && !failed) {
        char err[512];
        struct stat sb;
        if (lr_csv_columns(a.data, &co, &hdr, err, sizeof err) != LR_SUCCESS) {
            snprintf(msg, sizeof msg, "%s", err);
            failed = 1;
        } else if (stat(a.data, &sb) != 0) {
            snprintf(msg, sizeof msg, "%s: cannot stat", a.data);
            failed = 1;
        } else {
            p = hdr->p;
            fsize = (size_t)sb.st_size;
            if (lr_csv_scan(a.data, 0, 0, &dstart, &nrec, &starts, err, sizeof err)
                == LR_SUCCESS) {
                free(starts);
                size_t span = fsize - dstart;
                size_t lo = dstart + span * (size_t)c.rank / (size_t)c.size;
                size_t hi = dstart + span * (size_t)(c.rank + 1) / (size_t)c.size;
                if (lr_csv_scan(a.data, lo, hi, &dstart, &nrec, &starts, err,
                                sizeof err) != LR_SUCCESS) {
                    snprintf(msg, sizeof msg, "%s", err);
                    failed = 1;
                }
            } else {
                snprintf(msg, sizeof msg, "%s", err);
                failed = 1;
            }
        }
    }
    if (csv && !agree(&c, failed, msg)) {
        counts = malloc((size_t)c.size * sizeof *counts);
        unsigned long long mine = nrec;
        if (counts) {
            MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, counts, 1,
                          MPI_UNSIGNED_LONG_LONG, c.comm);
            n = 0;
            for (int r = 0; r < c.size; r++)
                n += counts[r];
        }
        failed = !counts || n == 0;
        if (!failed)
            snprintf(msg, sizeof msg, " ");
        else
            snprintf(msg, sizeof msg, "%s: %s", a.data,
                     counts ? "header only, no data rows" : "out of memory");
    } else if (csv) {
        failed = 1; /* already reported */
        lr_data_free(hdr);
        free(starts);
        MPI_Finalize();
        return 1;
    }
    if (agree(&c, failed, msg)) {
        lr_npy_close(&ax);
        lr_npy_close(&ay);
        lr_data_free(hdr);
        free(starts);
        free(counts);
        MPI_Finalize();
        return 1;
    }
    const size_t B = lr_block_rows(p), nb = (n + B - 1) / B;
    if (nb < (size_t)c.size) {
        if (c.rank == 0)
            fprintf(stderr, "linreg-mpi: %zu rows make %zu blocks of %zu: too few "
                    "for %d ranks\n", n, nb, B, c.size);
        MPI_Finalize();
        return 1;
    }
    /* rank r: blocks [r nb / R, (r+1) nb / R) */
    const size_t b_lo = nb * (size_t)c.rank / (size_t)c.size;
    const size_t b_hi = nb * (size_t)(c.rank + 1) / (size_t)c.size;
    const size_t row_lo = b_lo * B, row_hi = b_hi * B < n ? b_hi * B : n;
    const size_t nl = row_hi - row_lo;
    const size_t stride = (p + 2 + 7) / 8 * 8;
    c.counts = malloc((size_t)c.size * sizeof *c.counts);
    c.displs = malloc((size_t)c.size * sizeof *c.displs);
    for (int r = 0; c.counts && c.displs && r < c.size; r++) {
        size_t lo = nb * (size_t)r / (size_t)c.size, hi = nb * (size_t)(r + 1) / (size_t)c.size;
        c.counts[r] = (int)((hi - lo) * stride);
        c.displs[r] = (int)(lo * stride);
    }
    lr_data *d = NULL;
    double *coef = NULL;
    const double *X = NULL, *y = NULL;
    double t_load = MPI_Wtime();
    if (!a.data) {
        gp.threads = par->threads;
        d = lr_data_alloc(nl, p);
        coef = malloc(p * sizeof *coef);
        if (!d || !coef || !c.counts || !c.displs) {
            snprintf(msg, sizeof msg, "out of memory for %zu x %zu rows", nl, p);
            failed = 1;
        } else if (lr_generate_rows(&gp, row_lo, nl, d->X, d->y, coef) != LR_SUCCESS) {
            snprintf(msg, sizeof msg, "cannot generate rows %zu..%zu", row_lo, row_hi);
            failed = 1;
        } else {
            X = d->X;
            y = d->y;
        }
    } else if (csv) {
        /* the byte offsets of every rank's first row: each is known to the
         * rank whose share of the bytes holds it */
        unsigned long long *off = calloc((size_t)c.size + 1, sizeof *off);
        unsigned long long first = 0;
        for (int r = 0; r < c.rank; r++)
            first += counts[r];
        for (int k = 0; off && k < c.size; k++) {
            size_t g = nb * (size_t)k / (size_t)c.size * B;
            if (g >= first && g < first + nrec)
                off[k] = starts[g - first];
        }
        if (off) {
            MPI_Allreduce(MPI_IN_PLACE, off, c.size + 1, MPI_UNSIGNED_LONG_LONG,
                          MPI_MAX, c.comm);
            off[c.size] = fsize;
        }
        char err[512];
        lr_data *part = NULL;
        if (!off || lr_csv_read_part(a.data, &co, (size_t)off[c.rank],
                                     (size_t)off[c.rank + 1], 2 + row_lo, &part,
                                     err, sizeof err) != LR_SUCCESS) {
            snprintf(msg, sizeof msg, "%s", off ? err : "out of memory");
            failed = 1;
        } else if (part->n != nl || part->p != p) {
            snprintf(msg, sizeof msg, "%s: rows %zu..%zu did not parse as %zu "
                     "records of %zu features (linreg-mpi needs one record a "
                     "line: no line breaks inside quoted fields)", a.data, row_lo,
                     row_hi, nl, p);
            failed = 1;
        }
        free(off);
        if (!failed) {
            d = part;
            X = d->X;
            y = d->y;
        } else {
            lr_data_free(part);
        }
    } else {
        /* only this rank's rows are read, and checked */
        char err[512];
        if (lr_npy_check_rows(&ax, a.data, row_lo, row_hi, err, sizeof err)
            || lr_npy_check_rows(&ay, a.target_file, row_lo, row_hi, err, sizeof err)) {
            snprintf(msg, sizeof msg, "%s", err);
            failed = 1;
        }
        X = (const double *)ax.data + row_lo * p;
        y = (const double *)ay.data + row_lo;
    }
    free(starts);
    free(counts);
    starts = NULL;
    counts = NULL;
    failed = agree(&c, failed, msg);
    if (!failed) {
        /* the scales of X and y over all ranks: data the iterations cannot
         * represent are refused as train refuses them (cli_check_scales) */
        double *mx = malloc((p + 1) * sizeof *mx);
        failed = agree(&c, !mx, "out of memory");
        if (!failed) {
            lr_max_abs(lr_matrix_f64(X, nl, p), y, mx, &mx[p]);
            MPI_Allreduce(MPI_IN_PLACE, mx, (int)(p + 1), MPI_DOUBLE, MPI_MAX,
                          c.comm);
            /* every rank decides alike; only rank 0's stderr is open */
            failed = cli_check_scales("train", hdr ? hdr->names : NULL, p, mx,
                                      mx[p], par->intercept, o.f32);
        }
        free(mx);
    }
    if (failed) {
        lr_data_free(d);
        lr_data_free(hdr);
        free(coef);
        lr_npy_close(&ax);
        lr_npy_close(&ay);
        MPI_Finalize();
        return 1;
    }
    t_load = MPI_Wtime() - t_load;

    lr_dist dist = {n, row_lo, mpi_sum, mpi_gather, nb * stride, &c};
    /* --precision float: this rank's rows in single precision */
    float *Xf = o.f32 ? malloc(nl * p * sizeof *Xf) : NULL;
    for (size_t k = 0; Xf && k < nl * p; k++)
        Xf[k] = (float)X[k];
    lr_gd *gd = NULL;
    if (!o.f32 || Xf)
        lr_gd_alloc_dist(lr_matrix_of(Xf ? NULL : X, Xf, nl, p), y, par, &dist,
                         &gd);
    failed = gd == NULL;
    if (agree(&c, failed, "out of memory for the training workspace")) {
        free(Xf);
        lr_data_free(d);
        free(coef);
        MPI_Finalize();
        return 1;
    }
    if (c.rank == 0)
        fprintf(stderr, "linreg-mpi: %zu x %zu on %d ranks x %d threads "
                "(rank 0: rows %zu..%zu)%s\n", n, p, c.size, lr_gd_threads(gd),
                row_lo, row_hi, par->deterministic ? ", deterministic" : "");
    /* the exact optimum of all rows (not timed): the yardstick of the gap,
     * and the target of --stop-gap */
    double *wopt = calloc(p, sizeof *wopt), bopt = NAN, mse_opt = NAN;
    /* skipped (with a note) when it would cost far more than the training:
     * train's cost model, cli_exact_plan */
    cli_exact xref;
    const int plan_ok = cli_exact_plan(n, p, par, o.stop_gap > 0, &xref);
    const int want_opt = o.exact && plan_ok;
    if (o.exact && !want_opt && o.stop_gap <= 0 && c.rank == 0)
        fprintf(stderr, "linreg-mpi: note: no exact optimum: %s\n", xref.note);
    int have_opt = want_opt && wopt
                   && lr_solve_dist(lr_matrix_of(Xf ? NULL : X, Xf, nl, p), y, par,
                                    &dist, wopt, &bopt, &mse_opt) == LR_SUCCESS;
    if (o.stop_gap > 0 && !have_opt) {
        if (c.rank == 0)
            fprintf(stderr, "linreg-mpi: --stop-gap needs the exact optimum, and "
                    "%s\n", plan_ok ? "the least-squares solve failed" : xref.note);
        free(wopt);
        free(Xf);
        lr_gd_free(gd);
        lr_data_free(d);
        MPI_Finalize();
        return 1;
    }
    size_t every = o.log_every ? o.log_every
                   : (par->max_iter >= 10 ? par->max_iter / 10 : 1);
    /* the yardstick of the gap for exact fits (cli_gap): var(y) about the
     * mean of all rows, or mean(y^2) without an intercept or for a constant
     * y, in two passes: [sum y, mean, sum d^2, sum y^2] */
    double ynull[4] = {0.0, 0.0, 0.0, 0.0};
    for (size_t i = 0; par->intercept && i < nl; i++)
        ynull[0] += y[i];
    MPI_Allreduce(MPI_IN_PLACE, ynull, 1, MPI_DOUBLE, MPI_SUM, c.comm);
    ynull[1] = par->intercept ? ynull[0] / (double)n : 0.0;
    for (size_t i = 0; i < nl; i++) {
        ynull[2] += (y[i] - ynull[1]) * (y[i] - ynull[1]);
        ynull[3] += y[i] * y[i];
    }
    MPI_Allreduce(MPI_IN_PLACE, &ynull[2], 2, MPI_DOUBLE, MPI_SUM, c.comm);
    ynull[2] = (ynull[2] > 0 ? ynull[2] : ynull[3]) / (double)n;
    double t0 = MPI_Wtime(), L = NAN;
    int st = lr_gd_init(gd);
    if (st == LR_SUCCESS && o.stop_gap > 0)
        /* as train: the gap relative to max(mse*, 1e-6 var(y)) */
        st = lr_gd_set_stop_excess(gd, wopt, bopt, mse_opt, o.stop_gap
                                   * fmax(mse_opt, CLI_GAP_FLOOR * ynull[2]));
    if (st == LR_SUCCESS && o.lr_auto) {
        st = lr_gd_lipschitz(gd, &L);
        if (st == LR_SUCCESS) {
            lr_gd_set_lr(gd, 1.0 / L);
            if (c.rank == 0)
                fprintf(stderr, "linreg-mpi: --lr auto: L = %.6g, lr = %.6g\n", L,
                        1.0 / L);
        } else {
            if (c.rank == 0)
                fprintf(stderr, "linreg-mpi: --lr auto: cannot estimate L, the "
                        "largest eigenvalue of [X 1]^T [X 1] / n (%s). No model "
                        "was written.\n", lr_strerror(st));
            st = LR_EINVAL;
        }
    }
    cJSON *hist = cJSON_CreateArray();
    if (o.table && c.rank == 0)
        fprintf(stderr, "  %8s  %-22s %-14s\n", "iter", "mse", "grad_norm");
    while (st == LR_SUCCESS) {
        if (c.rank == 0) {
            cJSON *row = cJSON_CreateObject();
            cJSON_AddNumberToObject(row, "iter", (double)lr_gd_iter(gd));
            cJSON_AddItemToObject(row, "mse", cli_num(lr_gd_mse(gd)));
            cJSON_AddItemToObject(row, "grad_norm", cli_num(lr_gd_grad_norm(gd)));
            cJSON_AddItemToArray(hist, row);
            if (o.table)
                fprintf(stderr, "  %8zu  %-22.15g %-14.6g\n", lr_gd_iter(gd),
                        lr_gd_mse(gd), lr_gd_grad_norm(gd));
        }
        if (lr_gd_test(gd) != LR_CONTINUE)
            break;
        int s2 = lr_gd_iterate(gd, every);
        if (s2 == LR_EDIVERGE)
            st = LR_EDIVERGE;
    }
    double elapsed = MPI_Wtime() - t0;
    if (st != LR_SUCCESS && st != LR_EDIVERGE) {
        /* --lr auto's failure is already reported */
        if (c.rank == 0 && st != LR_EINVAL)
            fprintf(stderr, "linreg-mpi: training: %s\n", lr_strerror(st));
        rc = 1;
    } else if (st == LR_EDIVERGE) {
        if (c.rank == 0 && !isfinite(lr_gd_mse0(gd)))
            fprintf(stderr, "linreg-mpi: the loss of the initial weights is not "
                    "finite (mse %.6g): the data or the initial weights are too "
                    "large for double. Try --init zeros, or rescale the data. "
                    "No model was written.\n", lr_gd_mse0(gd));
        else if (c.rank == 0)
            fprintf(stderr, "linreg-mpi: training diverged at iteration %zu (mse "
                    "%.6g, first %.6g) with learning rate %g%s: use %sa smaller "
                    "step. No model was written.\n", lr_gd_iter(gd),
                    lr_gd_mse(gd), lr_gd_mse0(gd), o.lr_auto ? 1.0 / L : par->lr,
                    o.lr_auto ? " (--lr auto: 1/L)" : "",
                    o.lr_auto ? "--standardize or " : "--lr auto or ");
        rc = 1;
    } else {
        /* the final MSE and R^2 over all rows */
        const double *w = lr_gd_weights(gd);
        const double b = lr_gd_bias(gd);
        /* each rank's sums by lr_score (compensated, about the global
         * mean): s = [sum r^2, sum (y - mean)^2], R^2 = 1 - s0 / s1 */
        const double ym = ynull[0] / (double)n;
        double s[2] = {0, 0}, r2l;
        if (nl) {
            lr_score(lr_matrix_f64(X, nl, p), y, w, b, &s[0], &r2l);
            s[0] *= (double)nl;
            s[1] = 0.0;
            for (size_t i = 0; i < nl; i++)
                s[1] += (y[i] - ym) * (y[i] - ym);
        }
        MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, c.comm);
        double mse = s[0] / (double)n;
        double r2 = s[1] > 0 ? 1.0 - s[0] / s[1] : NAN;
        double comm_max;
        MPI_Reduce(&c.t_comm, &comm_max, 1, MPI_DOUBLE, MPI_MAX, 0, c.comm);
        /* every rank judges convergence alike (train's rules) */
        const char *gap_basis = NULL;
        double gap = have_opt ? cli_gap(mse, mse_opt, ynull[2], &gap_basis) : NAN;
        const int reason = lr_gd_stop_reason(gd);
        const int converged = cli_converged(reason, gap);
        if (converged == 0 || (converged < 0 && o.require_conv)) {
            if (c.rank == 0)
                cli_not_converged("train", gap, o.require_conv);
            if (o.require_conv)
                rc = 1;
        }
        if (c.rank == 0 && !rc) {
            size_t it = lr_gd_iter(gd);
            double tpi = elapsed / (double)(it + 1);
            if (have_opt)
                printf("optimal mse     %.15g   (exact least squares, all ranks)\n"
                       "gap             %.6g   ((mse - mse*) / %s)\n", mse_opt,
                       gap, gap_basis);
            printf("iterations      %zu\nstop reason     %s\nfinal mse       %.15g\n"
                   "r2              %.15g\ntime            %.6g s total, %.6g s per "
                   "iteration\ncommunication   %.6g s (max over ranks, %.1f%% of the "
                   "time)\nranks           %d x %d threads\n", it,
                   lr_stop_name(lr_gd_stop_reason(gd)), mse, r2, elapsed, tpi,
                   comm_max, 100.0 * comm_max / elapsed, c.size, lr_gd_threads(gd));
            lr_model *m = lr_model_alloc(p);
            if (m && o.model_out) {
                lr_gd_model(gd, m);
                char **names = calloc(p, sizeof *names);
                for (size_t j = 0; names && j < p; j++) {
                    char nbuf[32];
                    snprintf(nbuf, sizeof nbuf, "x%zu", j + 1);
                    names[j] = strdup(hdr ? hdr->names[j] : nbuf);
                }
                if (!names)
                    fprintf(stderr, "linreg-mpi: out of memory\n");
                if (!names || cli_out_model(&os, o.model_out, m, names, NULL))
                    rc = 1;
                lr_names_free(names, p);
            }
            lr_model_free(m);
            FILE *hf;
            if (!rc && o.history_out) {
                if ((hf = cli_out_open(&os, o.history_out))) {
                    fputs("iter,mse,grad_norm\n", hf);
                    const cJSON *row;
                    cJSON_ArrayForEach(row, hist)
                        fprintf(hf, "%.0f,%.17g,%.17g\n",
                                cJSON_GetNumberValue(cJSON_GetObjectItem(row, "iter")),
                                cJSON_GetNumberValue(cJSON_GetObjectItem(row, "mse")),
                                cJSON_GetNumberValue(cJSON_GetObjectItem(row,
                                                                         "grad_norm")));
                }
                if (!hf || cli_out_close(&os, o.history_out, 1))
                    rc = 1;
            }
            if (!rc && o.report_out) {
                cJSON *rep = cJSON_CreateObject();
                cJSON_AddNumberToObject(rep, "n_samples", (double)n);
                cJSON_AddNumberToObject(rep, "n_features", (double)p);
                cJSON_AddNumberToObject(rep, "ranks", c.size);
                cJSON_AddNumberToObject(rep, "threads", lr_gd_threads(gd));
                cJSON_AddBoolToObject(rep, "deterministic", par->deterministic);
                cJSON_AddNumberToObject(rep, "iterations", (double)it);
                cJSON_AddStringToObject(rep, "stop_reason",
                                        lr_stop_name(lr_gd_stop_reason(gd)));
                cJSON_AddItemToObject(rep, "final_mse", cli_num(mse));
                cJSON_AddItemToObject(rep, "r2", cli_num(r2));
                cJSON_AddItemToObject(rep, "optimal_mse", cli_num(mse_opt));
                cJSON_AddItemToObject(rep, "gap", cli_num(gap));
                cJSON_AddItemToObject(rep, "gap_basis", have_opt
                                      ? cJSON_CreateString(gap_basis)
                                      : cJSON_CreateNull());
                cJSON_AddItemToObject(rep, "converged", converged < 0
                                      ? cJSON_CreateNull()
                                      : cJSON_CreateBool(converged));
                cJSON_AddItemToObject(rep, "time_to_solution_s",
                                      (o.stop_gap > 0 ? reason == LR_STOP_TARGET
                                                      : converged != 0)
                                      ? cJSON_CreateNumber(elapsed)
                                      : cJSON_CreateNull());
                cJSON_AddNumberToObject(rep, "time_s", elapsed);
                cJSON_AddNumberToObject(rep, "time_per_iter_s", tpi);
                cJSON_AddNumberToObject(rep, "comm_time_s", comm_max);
                cJSON_AddNumberToObject(rep, "comm_per_iter_s", comm_max / (double)(it + 1));
                cJSON_AddNumberToObject(rep, "load_time_s", t_load);
                cJSON_AddItemToObject(rep, "weights", cli_array(w, p));
                cJSON_AddNumberToObject(rep, "bias", b);
                cJSON_AddItemToObject(rep, "history", hist);
                hist = NULL;
                cJSON_AddItemToObject(rep, "machine", cli_env_json());
                if (cli_out_json(&os, o.report_out, rep))
                    rc = 1;
                cJSON_Delete(rep);
            }
        }
        if (c.rank == 0)
            rc = cli_out_finish(&os, rc);
        MPI_Bcast(&rc, 1, MPI_INT, 0, c.comm);
    }
    cJSON_Delete(hist);
    lr_gd_free(gd);
    free(Xf);
    free(wopt);
    lr_data_free(d);
    lr_data_free(hdr);
    free(coef);
    free(c.counts);
    free(c.displs);
    lr_npy_close(&ax);
    lr_npy_close(&ay);
    MPI_Finalize();
    return rc;
}
