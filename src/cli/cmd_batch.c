/* cmd_batch.c -- `linreg batch JOBS`: many `train` runs from a file of
 * option lines, J at once with T threads each, every data set loaded once
 * and shared, one results row per job. The pieces: batch_jobs.c (lines,
 * words, options, output paths), batch_data.c (the shared data sets),
 * batch_results.c (the results file and --resume), batch_run.c (the
 * children and the signals). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <omp.h>

#include "batch.h"

enum { OPT_B_JOBS = 1, OPT_B_THREADS, OPT_B_OUT, OPT_B_RESUME, OPT_B_PROGRESS,
       OPT_B_HELP };

static void usage(FILE *f)
{
    fputs("usage: linreg batch JOBS [--jobs J] [--threads T] [--out FILE.csv "
          "[--resume]]\n"
          "\n"
          "Runs one `linreg train` per line of JOBS, several at once. Each line\n"
          "holds the options of one train run (--data FILE or generator options,\n"
          "--model-out, --report, ...); blank lines and lines whose first word\n"
          "starts with # are skipped, and a # starting a word ends the line.\n"
          "Words are split as a shell splits them, with no shell: 'single\n"
          "quotes' keep everything, \"double quotes\" take \\\" and \\\\, and a\n"
          "backslash keeps the next character; nothing is expanded and a line\n"
          "does not continue. A quoting error fails its line only.\n"
          "\n"
          "options:\n"
          "  --jobs J           jobs run at once\n"
          "  --threads T        threads of each job (a line's own --threads is\n"
          "                     kept)\n"
          "  --out FILE.csv     one row per job, written and flushed as the job\n"
          "                     ends (see below)\n"
          "  --resume           with --out: skip the lines FILE already records as\n"
          "                     ok (same line number and text), append the rest\n"
          "  --progress         the progress line on stderr (done/total, failures,\n"
          "                     elapsed, time left) even when stderr is not a\n"
          "                     terminal (then one line per finished job)\n"
          "\n",
          f);
    fputs("Default J and T: J = the jobs to run, at most the cores C (the CPUs\n"
          "of the affinity mask, omp_get_num_procs), and T = C / J, at most the\n"
          "threads train would give the largest problem alone (one per 24576\n"
          "elements of X, lr_threads_default): J x T never exceeds C, and small\n"
          "problems run side by side on one thread each rather than one after\n"
          "another on many. Given --jobs J, T = C / J (at least 1); given\n"
          "--threads T, J = C / T (at least 1). A job on a smaller problem than\n"
          "T pays for gets the threads train would give it.\n"
          "\n"
          "Data: each distinct --data file (by its real path, --target,\n"
          "--target-file, --delimiter and --na) is read or mapped once, and each\n"
          "distinct set of generator options generated once, by one thread,\n"
          "before the first job; each job is then a child process (fork) that\n"
          "shares them read-only and runs train's session with its threads.\n"
          "Jobs on the same data with the same solve options (--no-intercept,\n"
          "--standardize, --l2, --deterministic, --precision, threads) share\n"
          "one exact optimum: the first to finish solving it publishes it in\n"
          "shared memory, later jobs copy it (the same bits).\n"
          "Paths are relative to the current directory. The summary says how\n"
          "many data sets were loaded for how many jobs, how many exact optima\n"
          "they share, and J and T.\n"
          "\n"
          "Outputs: each job's --model-out, --report and --history are written\n"
          "as train writes them, all or nothing per job. A path two jobs name\n"
          "(or a job and --out) fails the later job before any runs.\n"
          "The results file is NOT all or nothing: its rows are appended as the\n"
          "jobs end, so an interrupted batch keeps every finished row. Columns:\n"
          "line,options,status,exit,message,iterations,stop_reason,final_mse,r2,\n"
          "gap,seconds,model (status ok or error; message: the job's errors,\n"
          "warnings and notes; seconds: the job's wall time; model: its\n"
          "--model-out). A failed job (bad options, an unreadable file,\n"
          "divergence) gets its row and the others go on. With --resume a\n"
          "failed line runs again and gets a new row: a line's last row is its\n"
          "result.\n"
          "\n"
          "SIGINT, SIGTERM, SIGHUP: no job starts after it; the running jobs are\n"
          "stopped (each removes its temporary files) and get no row; the\n"
          "finished rows stay; exit 128 + the signal (130 for SIGINT). Run again\n"
          "with --resume to finish.\n"
          "\n"
          "Exit status: 0 when every job succeeded (or was skipped by --resume),\n"
          "1 when one failed, 2 for a usage error of batch itself.\n"
          "\n"
          "environment:\n"
          "  LINREG_TEST_CORES=C   (a test hook) the core count of the default\n"
          "                     rule, instead of omp_get_num_procs()\n",
          f);
}

/* The cores of the default rule: LINREG_TEST_CORES, else the CPUs this
 * process may run on (libgomp counts the affinity mask). 0 (printed) on a
 * bad hook value. */
static int core_count(void)
{
    const char *e = getenv("LINREG_TEST_CORES");
    if (!e || !*e)
        return omp_get_num_procs();
    char *end;
    long v = strtol(e, &end, 10);
    if (*end || v < 1 || v > 4096) {
        cli_err("batch", "LINREG_TEST_CORES: '%s' is not a core count (1..4096)",
                e);
        return 0;
    }
    return (int)v;
}

static int parse(int argc, char **argv, batch *b)
{
    static const struct option longopts[] = {
        {"jobs", 1, 0, OPT_B_JOBS}, {"threads", 1, 0, OPT_B_THREADS},
        {"out", 1, 0, OPT_B_OUT}, {"resume", 0, 0, OPT_B_RESUME},
        {"progress", 0, 0, OPT_B_PROGRESS}, {"help", 0, 0, OPT_B_HELP},
        {0, 0, 0, 0}};
    const char *C = "batch";
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case OPT_B_JOBS:
            bad = cli_threads(C, "jobs", optarg, &b->jobs);
            b->jobs_given = 1;
            break;
        case OPT_B_THREADS:
            bad = cli_threads(C, "threads", optarg, &b->threads);
            b->threads_given = 1;
            break;
        case OPT_B_OUT: b->out_path = optarg; break;
        case OPT_B_RESUME: b->resume = 1; break;
        case OPT_B_PROGRESS: b->progress = 2; break;
        case OPT_B_HELP: usage(stdout); return -1;
        default:
            return cli_bad_option(C, argv, usage);
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_err(C, "no JOBS file (a file of train option lines)");
        usage(stderr);
        return EXIT_USAGE;
    }
    b->jobs_path = argv[optind++];
    if (cli_operands(C, argc, argv))
        return EXIT_USAGE;
    struct stat so, sj;
    if (b->out_path && stat(b->out_path, &so) == 0
        && stat(b->jobs_path, &sj) == 0 && so.st_dev == sj.st_dev
        && so.st_ino == sj.st_ino) {
        cli_err(C, "--out %s is the JOBS file: the results would replace the "
                "jobs", b->out_path);
        return EXIT_USAGE;
    }
    if (b->resume && !b->out_path) {
        cli_err(C, "--resume reads the results file: give --out FILE.csv");
        return EXIT_USAGE;
    }
    return 0;
}

/* J, T and each job's threads (the rule in usage). */
static void choose_threads(batch *b)
{
    size_t torun = 0;
    int want = 1;
    for (size_t k = 0; k < b->njob; k++) {
        const batch_job *j = &b->job[k];
        if (j->state != JOB_PENDING)
            continue;
        torun++;
        const lr_data *d = b->data[j->data].view;
        int t = lr_threads_default(d->n, d->p);
        if (!j->a.o.par.threads && t > want)
            want = t;
    }
    const int C = b->cores;
    if (!b->jobs_given) {
        b->jobs = b->threads_given ? C / b->threads : C;
        if ((size_t)b->jobs > torun)
            b->jobs = (int)torun;
        if (b->jobs < 1)
            b->jobs = 1;
    }
    if (!b->threads_given) {
        b->threads = C / b->jobs < want ? C / b->jobs : want;
        if (b->threads < 1)
            b->threads = 1;
    }
    for (size_t k = 0; k < b->njob; k++) {
        batch_job *j = &b->job[k];
        if (j->state != JOB_PENDING)
            continue;
        const lr_data *d = b->data[j->data].view;
        int t = lr_threads_default(d->n, d->p);
        j->threads = j->a.o.par.threads ? j->a.o.par.threads
                     : b->threads_given || t > b->threads ? b->threads : t;
    }
}

static void summary(const batch *b, int stop)
{
    size_t used = 0;
    for (size_t k = 0; k < b->ndata; k++)
        if (!b->data[k].rc)
            used += b->data[k].jobs;
    printf("linreg batch: %zu job%s: %zu ok, %zu failed", b->njob,
           b->njob == 1 ? "" : "s", b->ok, b->failed);
    if (b->resume)
        printf(", %zu skipped (already ok in %s)", b->skipped, b->out_path);
    printf("%s\n", stop ? ", interrupted" : "");
    printf("linreg batch: %zu data set%s loaded for %zu job%s\n", b->nloaded,
           b->nloaded == 1 ? "" : "s", used, used == 1 ? "" : "s");
    if (b->nxslot)
        printf("linreg batch: %zu exact optim%s solved for the jobs that share "
               "data and solve options\n", b->nxslot, b->nxslot == 1 ? "um" : "a");
    printf("linreg batch: %d job%s at once x %d thread%s each (%d core%s)\n",
           b->jobs, b->jobs == 1 ? "" : "s", b->threads,
           b->threads == 1 ? "" : "s", b->cores, b->cores == 1 ? "" : "s");
    printf("linreg batch: %.3f s\n", lr_now() - b->t0);
}

static void batch_free(batch *b)
{
    for (size_t k = 0; k < b->njob; k++) {
        batch_job *j = &b->job[k];
        free(j->text);
        free(j->msg);
        for (int w = 0; w + 1 < j->argc; w++)
            free(j->words[w]);
        free(j->words);
        free(j->argv);
    }
    free(b->job);
    batch_data_free(b);
    if (b->out)
        fclose(b->out);
}

int cmd_batch(int argc, char **argv)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.t0 = lr_now();
    int rc = parse(argc, argv, &b);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!(b.cores = core_count()))
        return EXIT_USAGE;
    if (!b.progress)
        b.progress = isatty(2);
    else if (isatty(2))
        b.progress = 1;
    if (batch_read_jobs(&b)) {
        batch_free(&b);
        return 1;
    }
    batch_parse_jobs(&b);
    if (batch_results_open(&b)) {
        batch_free(&b);
        return 1;
    }
    batch_check_outputs(&b);
    batch_plan_data(&b);
    batch_load_data(&b);
    choose_threads(&b);
    fprintf(stderr, "linreg batch: %zu job%s to run, %d at once x %d thread%s "
            "(%d core%s)\n", b.njob - b.skipped, b.njob - b.skipped == 1 ? "" : "s",
            b.jobs, b.threads, b.threads == 1 ? "" : "s", b.cores,
            b.cores == 1 ? "" : "s");
    int stop = batch_run(&b);
    if (stop < 0) {
        batch_free(&b);
        return 1;
    }
    if (stop)
        fprintf(stderr, "linreg batch: stopped by %s: %zu running job%s "
                "abandoned; %zu rows kept; run again with --resume to finish\n",
                strsignal(stop), b.abandoned, b.abandoned == 1 ? "" : "s",
                b.ok + b.failed);
    summary(&b, stop);
    rc = stop ? 128 + stop : b.failed || b.out_err ? 1 : 0;
    batch_free(&b);
    return rc;
}
