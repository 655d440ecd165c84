/* batch_run.c -- runs the jobs of `linreg batch`, J at a time, each in a
 * child process forked from the batch process after the data are loaded:
 * the child shares the data copy-on-write, runs train's session with its
 * T threads and its own output set (all or nothing, temporaries removed on
 * a signal), writes its stderr into a memory file and its figures into a
 * shared slot, and exits with train's status.
 *
 * The batch process blocks SIGCHLD and the stop signals and takes them
 * with sigtimedwait, so no signal is lost between a check and a wait. A
 * stop signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE) starts no more jobs and
 * is passed on to the running ones, which remove their temporaries and
 * exit; their rows are not written (--resume runs them again). */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "batch.h"

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define N_STOP (sizeof stop_signals / sizeof *stop_signals)

static void on_child(int sig)
{
    (void)sig; /* taken by sigtimedwait; a handler so it is never discarded */
}

static double num(const cJSON *rep, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rep, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* The job in the child process: train's session on the shared data, as
 * `linreg train` runs it after loading. Never returns. */
__attribute__((noreturn))
static void child(const batch *b, const batch_job *j, batch_result *r)
{
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, &b->oldmask, NULL);
    int nul = open("/dev/null", O_WRONLY);
    if (nul < 0 || dup2(nul, 1) < 0 || dup2(j->fd, 2) < 0)
        _exit(1);
    const batch_data *d = &b->data[j->data];
    cli_train_opts o = j->a.o;
    o.table = 0;
    o.par.threads = j->threads;
    o.Xf = d->ds.Xf;
    o.xslot = j->xslot == SIZE_MAX ? NULL : (cli_xslot *)(void *)(b->xmem + j->xslot);
    if (d->generated) {
        o.true_coef = d->coef;
        o.true_bias = d->gp.bias;
    }
    cli_outset os;
    cli_out_init(&os, "train");
    cli_out_add(&os, "model-out", o.model_out, 0);
    cli_out_add(&os, "report", o.report_out, 0);
    cli_out_add(&os, "history", o.history_out, 0);
    int rc = cli_out_check(&os);
    if (!rc) {
        cJSON *rep = NULL;
        o.outs = &os;
        o.stats = 1; /* as train alone: its model carries the covariance */
        rc = cli_out_finish(&os, cli_train("train", d->view, &o, &rep));
        if (rep) {
            const cJSON *stop = cJSON_GetObjectItemCaseSensitive(rep, "stop_reason");
            r->iters = (size_t)num(rep, "iterations");
            snprintf(r->stop, sizeof r->stop, "%s",
                     cJSON_IsString(stop) ? stop->valuestring : "");
            r->mse = num(rep, "final_mse");
            r->r2 = num(rep, "r2");
            r->gap = num(rep, "gap");
            r->have = 1;
            cJSON_Delete(rep);
        }
    }
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
}

/* The running jobs and the progress display. */
typedef struct {
    batch *b;
    size_t *run;      /* indices of the running jobs */
    size_t nrun, total, shown;
    int stop;         /* the stop signal taken, or 0 */
} sched;

static void fmt_time(char *buf, size_t len, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Clears the progress line of a terminal before another line. */
static void clear_progress(sched *s)
{
    if (s->b->progress == 1 && s->shown) {
        fprintf(stderr, "\r%*s\r", (int)s->shown, "");
        s->shown = 0;
    }
}

/* done / total, failures, elapsed and the time left at the mean pace so
 * far: one line rewritten on a terminal (mode 1), a line per finished job
 * otherwise (mode 2, --progress). */
static void progress(sched *s, int final)
{
    const batch *b = s->b;
    if (!b->progress)
        return;
    const size_t done = b->ok + b->failed;
    const double el = lr_now() - b->t0;
    char e[32], left[32] = "?";
    fmt_time(e, sizeof e, el);
    if (done)
        fmt_time(left, sizeof left, el / (double)done * (double)(s->total - done));
    char line[160];
    int l = snprintf(line, sizeof line, "linreg batch: %zu/%zu done, %zu failed, "
                     "%s elapsed, %s left", done, s->total, b->failed, e, left);
    if (l < 0)
        return;
    if (b->progress == 1) {
        clear_progress(s);
        fprintf(stderr, "%s%s", line, final ? "\n" : "");
        s->shown = final ? 0 : (size_t)l;
    } else {
        fprintf(stderr, "%s\n", line);
    }
}

/* A finished job: its row, its count, its failure on stderr. */
static void record(sched *s, batch_job *j, const batch_result *r)
{
    batch *b = s->b;
    batch_results_row(b, j, r);
    if (j->rc == 0) {
        b->ok++;
    } else {
        b->failed++;
        clear_progress(s);
        fprintf(stderr, "linreg batch: line %zu: %s (exit %d)\n", j->line,
                j->msg ? j->msg : "failed", j->rc);
    }
    progress(s, 0);
}

static int start(sched *s, size_t k)
{
    batch *b = s->b;
    batch_job *j = &b->job[k];
    memset(&b->res[k], 0, sizeof b->res[k]);
    j->fd = memfd_create("linreg-batch-job", MFD_CLOEXEC);
    if (j->fd < 0) {
        batch_fail(j, 1, "cannot start the job: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    if (b->out)
        fflush(b->out);
    j->t0 = lr_now();
    pid_t pid = fork();
    if (pid == 0)
        child(b, j, &b->res[k]);
    if (pid < 0) {
        batch_fail(j, 1, "cannot start the job: fork: %s", strerror(errno));
        close(j->fd);
        j->fd = -1;
        return -1;
    }
    j->pid = pid;
    j->state = JOB_RUNNING;
    s->run[s->nrun++] = k;
    return 0;
}

/* A child has ended with status: its row, unless the batch stopped it. */
static void finish(sched *s, size_t slot, int status)
{
    batch *b = s->b;
    const size_t k = s->run[slot];
    batch_job *j = &b->job[k];
    s->run[slot] = s->run[--s->nrun];
    j->secs = lr_now() - j->t0;
    char *text = batch_read_fd(j->fd);
    close(j->fd);
    j->fd = -1;
    const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    j->rc = sig ? 128 + sig : WEXITSTATUS(status);
    if (s->stop && (sig || j->rc == 128 + s->stop)) {
        j->state = JOB_ABANDONED;
        b->abandoned++;
        free(text);
        return;
    }
    j->state = JOB_DONE;
    j->msg = batch_message(text);
    free(text);
    if (sig || (j->rc && !j->msg)) {
        char m[1024];
        if (sig)
            snprintf(m, sizeof m, "killed by signal %d (%s)%s%s", sig,
                     strsignal(sig), j->msg ? "; " : "", j->msg ? j->msg : "");
        else
            snprintf(m, sizeof m, "exit status %d", j->rc);
        free(j->msg);
        j->msg = strdup(m);
    }
    record(s, j, &b->res[k]);
}

/* Reaps every child that has ended: how many. */
static size_t reap(sched *s)
{
    size_t n = 0;
    int status;
    pid_t pid;
    while (s->nrun && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < s->nrun; i++) {
            if (s->b->job[s->run[i]].pid == pid) {
                finish(s, i, status);
                n++;
                break;
            }
        }
    }
    return n;
}

/* Starts jobs in line order while fewer than J run; a job that failed
 * before it could run gets its row on the way. */
static void start_more(sched *s, size_t *next)
{
    batch *b = s->b;
    while (!s->stop && s->nrun < (size_t)b->jobs && *next < b->njob) {
        const size_t k = (*next)++;
        batch_job *j = &b->job[k];
        if (j->state == JOB_PENDING && start(s, k) == 0)
            continue;
        if (j->state == JOB_FAILED)
            record(s, j, NULL);
    }
}

/* Whether two jobs' exact references are the same solve: the same data,
 * the same solve options (lr_solve reads intercept, standardize, l2 and
 * deterministic), precision and thread count (its bits may follow it). */
static int same_solve(const batch_job *a, const batch_job *c)
{
    const lr_params *p = &a->a.o.par, *q = &c->a.o.par;
    return a->data == c->data && a->threads == c->threads
           && a->a.o.f32 == c->a.o.f32 && p->intercept == q->intercept
           && p->standardize == q->standardize && p->deterministic == q->deterministic
           && memcmp(&p->l2, &q->l2, sizeof p->l2) == 0;
}

/* One shared slot per distinct exact reference, in memory the children
 * share: the first job of each solves it, later ones copy it (about a
 * fifth of a 20190 x 9 x 2000 fit is its SVD). Without the memory every
 * job solves its own. */
static void share_exact(batch *b)
{
    size_t bytes = 0;
    b->nxslot = 0;
    for (size_t k = 0; k < b->njob; k++) {
        batch_job *j = &b->job[k];
        j->xslot = SIZE_MAX;
        if (j->state != JOB_PENDING || j->data < 0 || !j->a.o.exact)
            continue;
        for (size_t i = 0; i < k && j->xslot == SIZE_MAX; i++)
            if (b->job[i].xslot != SIZE_MAX && same_solve(&b->job[i], j))
                j->xslot = b->job[i].xslot;
        if (j->xslot == SIZE_MAX) {
            const size_t p = b->data[j->data].view->p;
            j->xslot = bytes;
            bytes += (sizeof(cli_xslot) + p * sizeof(double) + 63) / 64 * 64;
            b->nxslot++;
        }
    }
    void *m = bytes ? mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0)
                    : MAP_FAILED;
    if (m == MAP_FAILED) { /* each job solves its own */
        for (size_t k = 0; k < b->njob; k++)
            b->job[k].xslot = SIZE_MAX;
        b->nxslot = 0;
        return;
    }
    b->xmem = m; /* zero-filled: every slot empty */
    b->xbytes = bytes;
}

int batch_run(batch *b)
{
    sched s;
    memset(&s, 0, sizeof s);
    s.b = b;
    s.total = b->njob - b->skipped;
    s.run = malloc((size_t)b->jobs * sizeof *s.run);
    size_t bytes = (b->njob ? b->njob : 1) * sizeof *b->res;
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!s.run || m == MAP_FAILED) {
        cli_err("batch", "out of memory");
        free(s.run);
        return -1;
    }
    b->res = m;
    share_exact(b);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (size_t k = 0; k < N_STOP; k++)
        sigaddset(&set, stop_signals[k]);
    struct sigaction sa, old_chld;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_child;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, &old_chld);
    sigprocmask(SIG_BLOCK, &set, &b->oldmask);
    size_t next = 0;
    for (;;) {
        start_more(&s, &next);
        if (!s.nrun)
            break;
        if (reap(&s))
            continue;
        if (b->progress == 1) /* the clock moves on */
            progress(&s, 0);
        struct timespec ts = {b->progress == 1 ? 0 : 5, b->progress == 1 ? 500000000 : 0};
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig > 0 && sig != SIGCHLD && !s.stop) {
            s.stop = sig;
            for (size_t i = 0; i < s.nrun; i++)
                kill(b->job[s.run[i]].pid, sig);
        }
    }
    if (s.total && b->progress == 1)
        progress(&s, 1); /* the last state stays on the terminal */
    sigprocmask(SIG_SETMASK, &b->oldmask, NULL);
    sigaction(SIGCHLD, &old_chld, NULL);
    munmap(b->res, bytes);
    b->res = NULL;
    if (b->xmem)
        munmap(b->xmem, b->xbytes);
    b->xmem = NULL;
    free(s.run);
    return s.stop;
}
