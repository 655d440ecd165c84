/* linreg_mpi.c -- `linreg-mpi`: `linreg train` over Open MPI ranks, with
 * OpenMP threads inside each rank. A front end: the options are train's
 * (cli_train_parse), the training, the report and the files are train's
 * session (cli_train, session.c); this file places the rows, loads them,
 * and gives the session its collectives.
 *
 * The rows are split into the fixed blocks of the deterministic reduction
 * (lr_block_rows(p)); rank r owns a contiguous range of blocks and makes or
 * reads only its rows: generated from (seed, block) by the fast generator,
 * mapped from its rows of a .npy file, or parsed from its byte range of a
 * CSV file. Per iteration the p + 2 partial sums go through MPI_Allreduce
 * from the master thread (MPI_THREAD_FUNNELED); with --deterministic every
 * rank's block partials are gathered and summed in global block order,
 * which gives the single-process bits. Every rank takes the same decisions
 * from the same sums; only rank 0 prints and writes. An error on any rank
 * ends all of them with one message. */
#include <math.h>
#include <stdint.h>
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
    double t_load;          /* seconds to place and load the rows */
} mpi_ctx;

/* Ranks other than 0 print nothing but an error they were chosen to
 * report, on the stderr they started with. */
static FILE *rank_err;

/* ---------------------------------------------- the session's collectives */

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

static int mpi_max(double *buf, size_t count, void *ctx)
{
    mpi_ctx *c = ctx;
    return MPI_Allreduce(MPI_IN_PLACE, buf, (int)count, MPI_DOUBLE, MPI_MAX,
                         c->comm) != MPI_SUCCESS;
}

/* The error protocol: every rank says whether it failed; the lowest failing
 * rank prints its message; all return the same status. */
static int agree(void *ctx, int failed, const char *msg)
{
    mpi_ctx *c = ctx;
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

/* After train's summary: the communication time (the maximum over ranks,
 * a collective) and the ranks, on stdout and in the report. */
static void mpi_finish(void *ctx, cJSON *rep, double elapsed, size_t iters)
{
    mpi_ctx *c = ctx;
    double comm_max = 0.0;
    MPI_Reduce(&c->t_comm, &comm_max, 1, MPI_DOUBLE, MPI_MAX, 0, c->comm);
    const int threads = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(rep,
                                                                       "threads"));
    printf("communication   %.6g s (max over ranks, %.1f%% of the time)\n"
           "ranks           %d x %d threads\n", comm_max,
           100.0 * comm_max / elapsed, c->size, threads);
    cJSON_AddNumberToObject(rep, "ranks", c->size);
    cJSON_AddNumberToObject(rep, "comm_time_s", comm_max);
    cJSON_AddNumberToObject(rep, "comm_per_iter_s", comm_max / (double)(iters + 1));
    cJSON_AddNumberToObject(rep, "load_time_s", c->t_load);
}

/* ------------------------------------------------------ this rank's rows */

typedef struct {
    size_t n, p;            /* all rows, features */
    size_t nb, B;           /* blocks of B rows */
    size_t row_lo, row_hi;  /* this rank's rows */
    lr_npy ax, ay;          /* --data X.npy --target-file y.npy */
    lr_data *hdr;           /* a CSV file's header: the feature names */
    lr_data *own;           /* rows generated or parsed by this rank */
    double *coef;           /* generated: the true coefficients */
    /* a CSV file: the byte after its header, its size, and the record
     * starts in this rank's share of the bytes (counts: of every rank) */
    size_t dstart, fsize, nrec, *starts;
    unsigned long long *counts;
    lr_data view;           /* what the session reads */
    char msg[600];          /* this rank's error, for agree() */
} rank_rows;

static void rows_free(rank_rows *r)
{
    lr_npy_close(&r->ax);
    lr_npy_close(&r->ay);
    lr_data_free(r->hdr);
    lr_data_free(r->own);
    free(r->coef);
    free(r->starts);
    free(r->counts);
}

/* --data X.npy --target-file y.npy: the shape. 0, or 1 with r->msg. */
static int npy_shape(const cli_train_args *a, rank_rows *r)
{
    char err[512];
    if (lr_npy_map(a->data, &r->ax, err, sizeof err) != LR_SUCCESS
        || lr_npy_map(a->target_file, &r->ay, err, sizeof err) != LR_SUCCESS) {
        snprintf(r->msg, sizeof r->msg, "%s", err);
        return 1;
    }
    if (r->ax.ndim != 2 || r->ay.n != r->ax.n || r->ay.p != 1 || r->ax.f32
        || r->ay.f32) {
        snprintf(r->msg, sizeof r->msg, "%s and %s: X must be (n, p) and y (n,), "
                 "both float64", a->data, a->target_file);
        return 1;
    }
    r->n = r->ax.n;
    r->p = r->ax.p;
    /* a file that shrinks under its mapping: a message, not SIGBUS */
    cli_watch_mapping("train", lr_npy_mapping(&r->ax), lr_npy_mapping_len(&r->ax),
                      a->data);
    cli_watch_mapping("train", lr_npy_mapping(&r->ay), lr_npy_mapping_len(&r->ay),
                      a->target_file);
    return 0;
}

/* A CSV file: the columns from the header, and the records in this rank's
 * share of the bytes. 0, or 1 with r->msg. */
static int csv_scan(const mpi_ctx *c, const cli_train_args *a,
                    const lr_csv_opts *co, rank_rows *r)
{
    char err[512];
    struct stat sb;
    if (lr_csv_columns(a->data, co, &r->hdr, err, sizeof err) != LR_SUCCESS) {
        snprintf(r->msg, sizeof r->msg, "%s", err);
        return 1;
    }
    if (stat(a->data, &sb) != 0) {
        snprintf(r->msg, sizeof r->msg, "%s: cannot stat", a->data);
        return 1;
    }
    r->p = r->hdr->p;
    r->fsize = (size_t)sb.st_size;
    if (lr_csv_scan(a->data, 0, 0, &r->dstart, &r->nrec, &r->starts, err,
                    sizeof err) != LR_SUCCESS) {
        snprintf(r->msg, sizeof r->msg, "%s", err);
        return 1;
    }
    free(r->starts);
    r->starts = NULL;
    const size_t span = r->fsize - r->dstart;
    const size_t lo = r->dstart + span * (size_t)c->rank / (size_t)c->size;
    const size_t hi = r->dstart + span * (size_t)(c->rank + 1) / (size_t)c->size;
    if (lr_csv_scan(a->data, lo, hi, &r->dstart, &r->nrec, &r->starts, err,
                    sizeof err) != LR_SUCCESS) {
        snprintf(r->msg, sizeof r->msg, "%s", err);
        return 1;
    }
    return 0;
}

/* The number of rows of a CSV file: every rank's count of records. */
static int csv_count(mpi_ctx *c, const cli_train_args *a, rank_rows *r)
{
    r->counts = malloc((size_t)c->size * sizeof *r->counts);
    unsigned long long mine = r->nrec;
    if (agree(c, !r->counts, "out of memory"))
        return 1;
    MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, r->counts, 1,
                  MPI_UNSIGNED_LONG_LONG, c->comm);
    r->n = 0;
    for (int k = 0; k < c->size; k++)
        r->n += r->counts[k];
    snprintf(r->msg, sizeof r->msg, "%s: header only, no data rows", a->data);
    return agree(c, r->n == 0, r->msg);
}

/* The shape of the data (every rank alike). 0 or 1 (reported). */
static int data_shape(mpi_ctx *c, const cli_train_args *a,
                      const lr_csv_opts *co, rank_rows *r)
{
    r->n = a->gp.n_samples;
    r->p = a->gp.n_features;
    if (!a->data)
        return 0;
    if (cli_is_npy(a->data))
        return agree(c, npy_shape(a, r), r->msg);
    if (agree(c, csv_scan(c, a, co, r), r->msg))
        return 1;
    return csv_count(c, a, r);
}

/* Rank r's rows: blocks [r nb / R, (r+1) nb / R); the gather's counts. */
static int place_rows(mpi_ctx *c, rank_rows *r)
{
    r->B = lr_block_rows(r->p);
    r->nb = (r->n + r->B - 1) / r->B;
    if (r->nb < (size_t)c->size) {
        if (c->rank == 0)
            fprintf(stderr, "linreg-mpi: %zu rows make %zu blocks of %zu: too few "
                    "for %d ranks\n", r->n, r->nb, r->B, c->size);
        return 1;
    }
    const size_t R = (size_t)c->size, rk = (size_t)c->rank;
    r->row_lo = r->nb * rk / R * r->B;
    r->row_hi = r->nb * (rk + 1) / R * r->B;
    if (r->row_hi > r->n)
        r->row_hi = r->n;
    const size_t stride = lr_dist_partial_stride(r->p);
    c->counts = malloc(R * sizeof *c->counts);
    c->displs = malloc(R * sizeof *c->displs);
    for (size_t k = 0; c->counts && c->displs && k < R; k++) {
        size_t lo = r->nb * k / R, hi = r->nb * (k + 1) / R;
        c->counts[k] = (int)((hi - lo) * stride);
        c->displs[k] = (int)(lo * stride);
    }
    return agree(c, !c->counts || !c->displs, "out of memory");
}

/* This rank's records of a CSV file: the byte offsets of every rank's
 * first row are known to the rank whose share of the bytes holds it.
 * 0, 1 with r->msg, or -1 when all ranks failed (reported). */
static int csv_rows(mpi_ctx *c, const cli_train_args *a, const lr_csv_opts *co,
                    rank_rows *r)
{
    const size_t nl = r->row_hi - r->row_lo;
    unsigned long long *off = calloc((size_t)c->size + 1, sizeof *off);
    if (agree(c, !off, "out of memory")) {
        free(off);
        return -1;
    }
    unsigned long long first = 0;
    for (int k = 0; k < c->rank; k++)
        first += r->counts[k];
    for (int k = 0; k < c->size; k++) {
        size_t g = r->nb * (size_t)k / (size_t)c->size * r->B;
        if (g >= first && g < first + r->nrec)
            off[k] = r->starts[g - first];
    }
    MPI_Allreduce(MPI_IN_PLACE, off, c->size + 1, MPI_UNSIGNED_LONG_LONG,
                  MPI_MAX, c->comm);
    char err[512];
    int bad = 0;
    off[c->size] = r->fsize;
    if (lr_csv_read_part(a->data, co, (size_t)off[c->rank],
                         (size_t)off[c->rank + 1], 2 + r->row_lo, &r->own, err,
                         sizeof err) != LR_SUCCESS) {
        snprintf(r->msg, sizeof r->msg, "%s", err);
        bad = 1;
    } else if (r->own->n != nl || r->own->p != r->p) {
        snprintf(r->msg, sizeof r->msg, "%s: rows %zu..%zu did not parse as %zu "
                 "records of %zu features (linreg-mpi needs one record a line: "
                 "no line breaks inside quoted fields)", a->data, r->row_lo,
                 r->row_hi, nl, r->p);
        bad = 1;
    }
    free(off);
    return bad;
}

/* This rank's rows: generated, parsed or mapped (and checked). 0, 1 with
 * r->msg, or -1 when all ranks failed (reported). */
static int load_rows(mpi_ctx *c, const cli_train_args *a, const lr_csv_opts *co,
                     rank_rows *r)
{
    const size_t nl = r->row_hi - r->row_lo, p = r->p;
    r->view = (lr_data){nl, p, NULL, NULL, r->hdr ? r->hdr->names : NULL, 0};
    if (!a->data) {
        lr_gen_params gp = a->gp;
        gp.threads = a->o.par.threads;
        r->own = lr_data_alloc(nl, p);
        r->coef = malloc((p ? p : 1) * sizeof *r->coef);
        if (!r->own || !r->coef) {
            snprintf(r->msg, sizeof r->msg, "out of memory for %zu x %zu rows",
                     nl, p);
            return 1;
        }
        if (lr_generate_rows(&gp, r->row_lo, nl, r->own->X, r->own->y, r->coef)
            != LR_SUCCESS) {
            snprintf(r->msg, sizeof r->msg, "cannot generate rows %zu..%zu",
                     r->row_lo, r->row_hi);
            return 1;
        }
    } else if (!cli_is_npy(a->data)) {
        int bad = csv_rows(c, a, co, r);
        if (bad)
            return bad;
    } else {
        /* only this rank's rows are read, and checked */
        char err[512];
        if (lr_npy_check_rows(&r->ax, a->data, r->row_lo, r->row_hi, err,
                              sizeof err)
            || lr_npy_check_rows(&r->ay, a->target_file, r->row_lo, r->row_hi,
                                 err, sizeof err)) {
            snprintf(r->msg, sizeof r->msg, "%s", err);
            return 1;
        }
        r->view.X = (double *)(uintptr_t)r->ax.data + r->row_lo * p; /* read only */
        r->view.y = (double *)(uintptr_t)r->ay.data + r->row_lo;
        return 0;
    }
    r->view.X = r->own->X;
    r->view.y = r->own->y;
    return 0;
}

/* ------------------------------------------------------------- options */

static void usage(FILE *f)
{
    fputs("usage: mpirun -np R [--map-by ...] linreg-mpi train [TRAIN OPTIONS]\n"
          "\n"
          "linreg train over R Open MPI ranks with OpenMP threads in each\n"
          "(--threads, or OMP_NUM_THREADS). Data: generated with --generator fast,\n"
          "--data X.npy --target-file y.npy (each rank maps only its rows), or\n"
          "--data FILE.csv (each rank reads its byte range; one record a line).\n"
          "The options and the files written (--model-out, --report, --history)\n"
          "are train's; the report adds the ranks and the communication time.\n"
          "With --deterministic the model is identical to the bit for any number\n"
          "of ranks and threads, and to single-process linreg train\n"
          "--deterministic. See linreg train --help for the options.\n", f);
}

/* What ranks cannot do that train can: a usage error (rank 0 prints). */
static int refuse(const mpi_ctx *c, const cli_train_args *a)
{
    const char *why = NULL;
    if (!a->data && a->gp.generator != LR_GEN_FAST)
        why = "linreg-mpi generates with --generator fast: each rank makes only "
              "its own rows (sklearn's generator is one sequential stream)";
    else if (a->na_drop)
        why = "linreg-mpi places rows by counting records: --na drop is not "
              "supported (drop the rows first, or use linreg train)";
    else if (a->data && cli_is_npy(a->data) && !a->target_file)
        why = "linreg-mpi reads --data X.npy with --target-file y.npy (each rank "
              "maps only its rows)";
    if (why && c->rank == 0)
        cli_err("train", "%s", why);
    return why ? EXIT_USAGE : 0;
}

/* The command line: `train` and train's options. 0: go on; -1: --help was
 * printed; else an exit status (printed by rank 0). */
static int parse_args(const mpi_ctx *c, int argc, char **argv,
                      cli_train_args *a)
{
    if (argc < 2 || strcmp(argv[1], "train") != 0) {
        int help = argc >= 2 && (strcmp(argv[1], "--help") == 0
                                 || strcmp(argv[1], "-h") == 0);
        if (c->rank == 0)
            usage(help ? stdout : stderr);
        return help ? -1 : EXIT_USAGE;
    }
    /* every rank parses (the same argv); only rank 0 reports usage errors */
    if (c->rank != 0) {
        int fd = dup(2);
        rank_err = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            return 1;
    }
    int rc = cli_train_parse("train", argc - 1, argv + 1, a);
    return rc ? rc : refuse(c, a);
}

/* Places and loads this rank's rows. 0 or 1 (reported). */
static int load(mpi_ctx *c, const cli_train_args *a, rank_rows *r)
{
    lr_csv_opts co = lr_csv_opts_default();
    co.target = a->target;
    co.delimiter = a->delim;
    double t0 = MPI_Wtime();
    if (data_shape(c, a, &co, r) || place_rows(c, r))
        return 1;
    int failed = load_rows(c, a, &co, r);
    free(r->starts);
    r->starts = NULL;
    if (failed < 0 || agree(c, failed, r->msg))
        return 1;
    c->t_load = MPI_Wtime() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    /* idle threads sleep after about CLI_SPIN_US us, as linreg's (ranks
     * and their threads share the machine's cores) */
    cli_wait_policy(argv);
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    gsl_set_error_handler_off();
    mpi_ctx c;
    memset(&c, 0, sizeof c);
    c.comm = MPI_COMM_WORLD;
    MPI_Comm_rank(c.comm, &c.rank);
    MPI_Comm_size(c.comm, &c.size);
    if (provided < MPI_THREAD_FUNNELED) {
        if (c.rank == 0)
            fprintf(stderr, "linreg-mpi: the MPI library gives thread level %d, "
                    "below MPI_THREAD_FUNNELED\n", provided);
        MPI_Finalize();
        return 1;
    }
    cli_train_args a;
    int rc = parse_args(&c, argc, argv, &a);
    if (rc) {
        MPI_Finalize();
        return rc < 0 ? 0 : rc;
    }
    /* outputs: rank 0 writes them, so rank 0 checks them; one unit, renamed
     * into place together at the end (static: its temporaries are what the
     * signal handler removes, until the process ends) */
    static cli_outset os;
    cli_out_init(&os, "train");
    cli_out_add(&os, "model-out", a.o.model_out, 0);
    cli_out_add(&os, "report", a.o.report_out, 0);
    cli_out_add(&os, "history", a.o.history_out, 0);
    int bad = c.rank == 0 ? cli_out_check(&os) : 0;
    if (agree(&c, bad, "an output file cannot be written")) {
        MPI_Finalize();
        return bad ? bad : 1;
    }
    rank_rows r;
    memset(&r, 0, sizeof r);
    if (load(&c, &a, &r)) {
        rows_free(&r);
        free(c.counts);
        free(c.displs);
        MPI_Finalize();
        return 1;
    }
    if (c.rank == 0)
        fprintf(stderr, "linreg-mpi: %zu x %zu on %d ranks (rank 0: rows "
                "%zu..%zu)%s\n", r.n, r.p, c.size, r.row_lo, r.row_hi,
                a.o.par.deterministic ? ", deterministic" : "");
    /* the library's distributed fit and the session's collectives */
    lr_dist dist = {r.n, r.row_lo, mpi_sum, mpi_gather,
                    r.nb * lr_dist_partial_stride(r.p), &c};
    cli_comm comm = {&dist, mpi_max, agree, mpi_finish, c.rank == 0, &c};
    cli_train_opts o = a.o;
    o.comm = &comm;
    o.outs = &os;
    if (r.coef) {
        o.true_coef = r.coef;
        o.true_bias = a.gp.bias;
    }
    rc = cli_train("train", &r.view, &o, NULL);
    if (c.rank == 0)
        rc = cli_out_finish(&os, rc);
    MPI_Bcast(&rc, 1, MPI_INT, 0, c.comm);
    rows_free(&r);
    free(c.counts);
    free(c.displs);
    MPI_Finalize();
    return rc;
}
