/* outputs.c -- the files one command writes, as one unit.
 *
 * A command declares every output before any work (cli_out_add), checks
 * them all (cli_out_check: two outputs on one path are a usage error, an
 * unwritable one a runtime error), writes each to a temporary file beside
 * it (cli_out_open and cli_out_close, or cli_out_text / cli_out_json), and
 * cli_out_finish renames them all into place only when every one is
 * complete; on any failure it removes every temporary and renames none.
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE remove the temporaries and exit with
 * 128 + the signal; a SIGBUS from a memory-mapped input that shrank while
 * being read removes them and exits 1 with "FILE changed while being read".
 *
 * The handlers run on the main thread only: the main thread blocks the
 * signals while it creates, renames or removes a temporary, and a handler
 * that lands on another (OpenMP) thread sends the signal on to the main
 * thread, which takes it once that step is over. SIGBUS is synchronous
 * (the faulting thread cannot go on) and handled where it lands: no output
 * is being created or renamed while an input is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"

static cli_outset *volatile active;  /* the set whose temporaries to remove */
static pthread_t main_thread;
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define N_STOP (sizeof stop_signals / sizeof *stop_signals)

/* memory-mapped inputs, with the message a SIGBUS inside one prints */
#define N_WATCH 4
static struct {
    const char *lo, *hi;
    char msg[512];
    size_t len;
} watch[N_WATCH];
static volatile sig_atomic_t n_watch;
static char bus_msg[512] = "linreg: a memory-mapped input changed while being read\n";
static size_t bus_len;

/* a scratch file (not an output) to remove on a signal */
static char scratch[4096];
static volatile sig_atomic_t have_scratch;

void cli_scratch(const char *path)
{
    cli_signals_install();
    have_scratch = 0;
    if (path && strlen(path) < sizeof scratch) {
        strcpy(scratch, path);
        have_scratch = 1;
    }
}

/* async-signal-safe: unlink(2) on names that stay put while it can run */
static void remove_temps(void)
{
    if (have_scratch)
        unlink(scratch);
    cli_outset *s = active;
    for (size_t k = 0; s && k < s->n; k++)
        if (s->e[k].o.tmp)
            unlink(s->e[k].o.tmp);
}

static void on_stop(int sig)
{
    if (!pthread_equal(pthread_self(), main_thread)) {
        pthread_kill(main_thread, sig);
        return;
    }
    remove_temps();
    _exit(128 + sig);
}

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    const char *msg = bus_msg;
    size_t len = bus_len ? bus_len : strlen(bus_msg);
    for (int k = 0; k < n_watch; k++) {
        if ((const char *)si->si_addr >= watch[k].lo
            && (const char *)si->si_addr < watch[k].hi) {
            msg = watch[k].msg;
            len = watch[k].len;
        }
    }
    remove_temps();
    if (write(2, msg, len) < 0) {
        /* nothing left to tell */
    }
    _exit(1);
}

/* blocks the stop signals (saving the mask in *old), or restores *old */
static void block_stops(int block, sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t k = 0; k < N_STOP; k++)
        sigaddset(&set, stop_signals[k]);
    if (block)
        pthread_sigmask(SIG_BLOCK, &set, old);
    else
        pthread_sigmask(SIG_SETMASK, old, NULL);
}

void cli_signals_install(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    main_thread = pthread_self();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < N_STOP; k++)
        sigaddset(&sa.sa_mask, stop_signals[k]);
    sa.sa_handler = on_stop;
    for (size_t k = 0; k < N_STOP; k++)
        sigaction(stop_signals[k], &sa, NULL);
    sa.sa_handler = NULL;
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    /* a file-size limit (ulimit -f) fails the write (EFBIG), reported like
     * a full disk, instead of killing the process with temporaries left */
    signal(SIGXFSZ, SIG_IGN);
}

void cli_watch_mapping(const char *cmd, const void *base, size_t len,
                       const char *path)
{
    cli_signals_install();
    if (!base || n_watch >= N_WATCH)
        return;
    int k = n_watch;
    int l = snprintf(watch[k].msg, sizeof watch[k].msg,
                     "linreg %s: %s changed while being read\n", cmd, path);
    watch[k].len = l > 0 && (size_t)l < sizeof watch[k].msg ? (size_t)l
                                                            : sizeof watch[k].msg - 1;
    watch[k].lo = base;
    watch[k].hi = (const char *)base + len;
    if (!bus_len) {
        snprintf(bus_msg, sizeof bus_msg,
                 "linreg %s: a memory-mapped input changed while being read\n", cmd);
        bus_len = strlen(bus_msg);
    }
    n_watch = k + 1;
}

void cli_out_init(cli_outset *s, const char *cmd)
{
    memset(s, 0, sizeof *s);
    s->cmd = cmd;
}

void cli_out_add(cli_outset *s, const char *opt, const char *path, int dash_stdout)
{
    if (!path || s->n >= CLI_OUT_MAX)
        return;
    cli_out_entry *e = &s->e[s->n++];
    memset(e, 0, sizeof *e);
    e->opt = opt;
    e->path = path;
    e->std = dash_stdout && strcmp(path, "-") == 0;
}

/* The entry of path not yet opened (opening) or open (closing): two
 * outputs may share a character device's path. */
static cli_out_entry *find(cli_outset *s, const char *path, int opening)
{
    for (size_t k = 0; path && k < s->n; k++)
        if ((s->e[k].path == path || strcmp(s->e[k].path, path) == 0)
            && (opening ? !s->e[k].opened : s->e[k].o.fp != NULL))
            return &s->e[k];
    return NULL;
}

/* The file path stands for: links followed, its directory made absolute
 * (so a.csv, ./a.csv and a link to it, even dangling, agree). */
char *cli_path_canonical(const char *path)
{
    char *t = lr_path_target(path);
    if (!t)
        return NULL;
    char *slash = strrchr(t, '/'), *real;
    const char *base = slash ? slash + 1 : t;
    if (!slash) {
        real = realpath(".", NULL);
    } else if (slash == t) {
        real = strdup(""); /* in the root directory */
    } else {
        *slash = '\0';
        real = realpath(t, NULL);
    }
    char *r = real ? malloc(strlen(real) + strlen(base) + 2) : NULL;
    if (r)
        sprintf(r, "%s/%s", real, base);
    free(real);
    free(t);
    return r;
}

/* 1 when a and b name one file: the same text after canonical(), or one
 * existing regular file (hard links too). Character devices (/dev/null)
 * lose nothing when written twice and are not compared. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if ((ea && S_ISCHR(sa.st_mode)) || (eb && S_ISCHR(sb.st_mode)))
        return 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char *ca = cli_path_canonical(a), *cb = cli_path_canonical(b);
    int same = ca && cb ? strcmp(ca, cb) == 0 : strcmp(a, b) == 0;
    free(ca);
    free(cb);
    return same;
}

int cli_out_check(cli_outset *s)
{
    cli_signals_install();
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (s->e[i].std != s->e[j].std)
                continue;
            if (s->e[i].std || same_file(s->e[i].path, s->e[j].path)) {
                cli_err(s->cmd, "--%s and --%s name the same file (%s): give "
                        "each output its own path", s->e[j].opt, s->e[i].opt,
                        s->e[i].path);
                return EXIT_USAGE;
            }
        }
    }
    char err[512];
    sigset_t old;
    int rc = 0;
    block_stops(1, &old); /* the probe's temporary is never left behind */
    for (size_t k = 0; k < s->n && !rc; k++) {
        if (!s->e[k].std
            && lr_path_writable(s->e[k].path, err, sizeof err) != LR_SUCCESS) {
            cli_err(s->cmd, "%s", err);
            rc = 1;
        }
    }
    if (!rc)
        active = s;
    block_stops(0, &old);
    return rc;
}

FILE *cli_out_open(cli_outset *s, const char *path)
{
    cli_out_entry *e = find(s, path, 1);
    if (!e) {
        cli_err(s->cmd, "%s: not a declared output", path); /* a bug */
        return NULL;
    }
    e->opened = 1;
    if (e->std) {
        fflush(stdout);
        int fd = dup(1);
        e->o.path = e->path;
        e->o.fp = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!e->o.fp) {
            cli_err(s->cmd, "standard output: %s", strerror(errno));
            if (fd >= 0)
                close(fd);
        }
        return e->o.fp;
    }
    char err[512];
    sigset_t old;
    block_stops(1, &old);
    int st = lr_output_open(&e->o, e->path, err, sizeof err);
    block_stops(0, &old);
    if (st != LR_SUCCESS) {
        cli_err(s->cmd, "%s", err);
        return NULL;
    }
    return e->o.fp;
}

int cli_out_close(cli_outset *s, const char *path, int ok)
{
    cli_out_entry *e = find(s, path, 0);
    char err[512];
    if (e && lr_output_close(&e->o, err, sizeof err) != LR_SUCCESS) {
        cli_err(s->cmd, "%s", err);
        return -1;
    }
    return ok ? 0 : -1;
}

int cli_out_text(cli_outset *s, const char *path, const char *text)
{
    FILE *f = cli_out_open(s, path);
    if (!f)
        return -1;
    fputs(text, f);
    return cli_out_close(s, path, 1);
}

int cli_out_json(cli_outset *s, const char *path, const cJSON *doc)
{
    cJSON *copy = cJSON_Duplicate(doc, 1); /* the caller's doc stays numeric */
    char *text = copy && !lr_json_exact(copy) ? cJSON_Print(copy) : NULL;
    cJSON_Delete(copy);
    if (!text) {
        cli_err(s->cmd, "%s: out of memory", path);
        return -1;
    }
    FILE *f = cli_out_open(s, path);
    if (f) {
        fputs(text, f);
        fputc('\n', f);
    }
    free(text);
    return f ? cli_out_close(s, path, 1) : -1;
}

int cli_out_model(cli_outset *s, const char *path, const lr_model *m,
                  char *const *names, const char *extra_json)
{
    char err[512];
    FILE *f = cli_out_open(s, path);
    if (!f)
        return -1;
    int st = lr_model_fwrite(f, path, m, names, extra_json, err, sizeof err);
    if (st != LR_SUCCESS && st != LR_EIO)
        cli_err(s->cmd, "%s", err); /* refused: not a write error */
    return cli_out_close(s, path, st == LR_SUCCESS);
}

int cli_out_finish(cli_outset *s, int rc)
{
    char err[512];
    sigset_t old;
    block_stops(1, &old);
    /* every stream closed first: a failed flush fails the whole set */
    for (size_t k = 0; k < s->n && !rc; k++)
        if (lr_output_close(&s->e[k].o, err, sizeof err) != LR_SUCCESS) {
            cli_err(s->cmd, "%s", err);
            rc = 1;
        }
    for (size_t k = 0; k < s->n; k++) {
        lr_output *o = &s->e[k].o;
        if (rc) {
            lr_output_discard(o);
        } else if ((o->target || o->fp)
                   && lr_output_commit(o, err, sizeof err) != LR_SUCCESS) {
            cli_err(s->cmd, "%s", err);
            rc = 1;
        }
    }
    if (active == s)
        active = NULL;
    block_stops(0, &old);
    return rc;
}

int cli_out_dir(const char *cmd, const char *dir)
{
    struct stat sb;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cli_err(cmd, "cannot create the output directory %s: %s", dir,
                strerror(errno));
        return 1;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_err(cmd, "--out %s: not a directory", dir);
        return 1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        cli_err(cmd, "--out %s: cannot write in it: %s", dir, strerror(errno));
        return 1;
    }
    return 0;
}
