/* batch.h -- the pieces of `linreg batch` (cmd_batch.c, batch_jobs.c,
 * batch_data.c, batch_results.c, batch_run.c).
 *
 * The batch process reads the job lines, splits and parses every one
 * (serially: getopt is not reentrant), loads each distinct data set once
 * with one thread and no OpenMP region that starts threads, then forks one
 * child per job, J at a time: the child shares the data copy-on-write,
 * runs train's session (cli_train) with T threads, writes its outputs
 * through its own output set, and reports through a shared slot and a
 * memory file holding its stderr. libgomp does not survive a fork after
 * its worker threads started; the batch process never starts them. */
#ifndef LR_CLI_BATCH_H
#define LR_CLI_BATCH_H

#include <signal.h>
#include <sys/types.h>

#include "cli.h"

/* What became of a job. */
enum {
    JOB_PENDING,    /* to run */
    JOB_SKIPPED,    /* --resume: already ok in the results file */
    JOB_FAILED,     /* failed before it could run (row written) */
    JOB_RUNNING,
    JOB_DONE,       /* ran; its row is written */
    JOB_ABANDONED   /* stopped by a signal of the batch: no row */
};

typedef struct {
    size_t line;          /* line number in JOBS, from 1 */
    char *text;           /* the line, blanks trimmed at both ends */
    int argc;
    char **argv;          /* "train" and the words; the parse points into them */
    char **words;         /* the words, to free (getopt permutes argv) */
    cli_train_args a;     /* the parsed options */
    int state, rc;        /* JOB_*, exit status */
    char *msg;            /* the message of its row (malloc'd, may be NULL) */
    int data;             /* index of its data set, or -1 */
    int threads;
    size_t xslot;         /* byte offset of its shared exact reference in
                             batch.xmem, or SIZE_MAX for none */
    pid_t pid;
    int fd;               /* the child's stderr (a memory file), or -1 */
    double t0, secs;
} batch_job;

/* What a child reports besides its exit status (in memory shared with the
 * batch process). */
typedef struct {
    int have;
    size_t iters;
    char stop[32];
    double mse, r2, gap;
} batch_result;

/* One data set, shared by every job that names it. */
typedef struct {
    int generated;
    /* a file: its key (real paths, target, delimiter, --na) */
    const char *path, *target, *target_file;
    char *real, *treal;
    char delim;
    int na_drop;
    lr_gen_params gp;     /* generated: the generator's options */
    size_t jobs;          /* jobs to run on it */
    int rc;               /* the load's exit status */
    char *msg;            /* its error */
    cli_dataset ds;
    lr_data *gen;
    double *coef;
    const lr_data *view;  /* what training reads */
} batch_data;

typedef struct {
    const char *jobs_path, *out_path;
    int jobs, threads;    /* J and T (0 until chosen) */
    int jobs_given, threads_given, resume, progress, cores;
    batch_job *job;
    size_t njob;
    batch_data *data;
    size_t ndata, nloaded;
    FILE *out;            /* the results file, or NULL */
    int out_err;          /* a row could not be written */
    batch_result *res;    /* njob slots, shared with the children */
    unsigned char *xmem;  /* the shared exact references (cli_xslot) */
    size_t xbytes, nxslot;
    size_t ok, failed, skipped, abandoned;
    double t0;
    sigset_t oldmask;     /* the mask the children get back */
} batch;

/* batch_jobs.c: reads JOBS into b->job (each line split; a quoting error
 * is that job's). 0, or 1 (printed) when the file cannot be read. */
int batch_read_jobs(batch *b);
/* Splits one line as a shell would split its words, without expanding
 * anything: '...' literal, "..." with \" and \\ (and \$, \`), a backslash
 * quoting the next character, and an unquoted # starting a word beginning
 * a comment. *words (malloc'd, each word malloc'd) and *n; 0, or -1 with
 * a message in err. */
int batch_split(const char *line, char ***words, int *n, char *err,
                size_t errlen);
/* Parses every job's options (train's parser), serially, each one's
 * messages captured into its row. */
void batch_parse_jobs(batch *b);
/* A job's failure before it runs: its state, exit status and message. */
void batch_fail(batch_job *j, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Each output path named by two jobs (or by a job and the results file)
 * fails every job but the first that names it. */
void batch_check_outputs(batch *b);
/* Capturing a step's stdout and stderr (batch_parse_jobs, the loads) into
 * a memory file: begin returns its descriptor (or -1: not captured), end
 * restores the streams and returns the text (malloc'd, may be NULL). */
int batch_capture_begin(int saved[2]);
char *batch_capture_end(int fd, int saved[2]);
/* The text of a memory file (malloc'd), or NULL. */
char *batch_read_fd(int fd);
/* The message of a row from a job's captured stderr: the lines
 * "linreg train: ..." but train's step-size note, without that prefix,
 * joined by "; " (malloc'd; NULL when none). */
char *batch_message(const char *text);

/* batch_data.c: groups the jobs by data set (file and options, or
 * generator options), then loads each set some pending job needs, with
 * one thread. A failed load fails its jobs. */
void batch_plan_data(batch *b);
void batch_load_data(batch *b);
void batch_data_free(batch *b);

/* batch_results.c: the results file. Opens it (with --resume: reads it,
 * marks the jobs it records as ok JOB_SKIPPED, and appends; else
 * truncates) and writes the header when it is new. 0, or 1 (printed). */
int batch_results_open(batch *b);
/* The row of a finished job, written and flushed. r may be NULL. */
void batch_results_row(batch *b, const batch_job *j, const batch_result *r);
/* Splits one CSV record (RFC 4180) at *s: fields into f[0..max) (malloc'd
 * each), their count returned; *s moves past the record's line end; -1 at
 * the end of the text or on an unterminated quote. */
int batch_csv_record(const char **s, const char *end, char **f, int max);

/* batch_run.c: runs the pending jobs J at a time; returns 0, or the
 * signal that stopped the batch. */
int batch_run(batch *b);

#endif
