/* batch_jobs.c -- the jobs of `linreg batch`: the lines of JOBS split into
 * words as a shell would (without expanding anything), parsed by train's
 * own parser one after the other with their messages captured, and the
 * output paths two jobs would both write. */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "batch.h"

/* argv[0] of every job (getopt reads it, never writes it) */
static char train_name[] = "train";

void batch_fail(batch_job *j, int rc, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(j->msg);
    j->msg = strdup(buf);
    j->state = JOB_FAILED;
    j->rc = rc;
}

/* A growing word. */
typedef struct {
    char *s;
    size_t len, cap;
} word;

static int word_add(word *w, char c)
{
    if (w->len + 1 >= w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 32;
        char *s = realloc(w->s, cap);
        if (!s)
            return -1;
        w->s = s;
        w->cap = cap;
    }
    w->s[w->len++] = c;
    w->s[w->len] = '\0';
    return 0;
}

static void words_free(char **w, int n)
{
    for (int k = 0; w && k < n; k++)
        free(w[k]);
    free(w);
}

static int push_word(char ***words, int *n, int *cap, word *w)
{
    if (*n + 1 >= *cap) {
        int c = *cap ? 2 * *cap : 16;
        char **nw = realloc(*words, (size_t)c * sizeof *nw);
        if (!nw)
            return -1;
        *words = nw;
        *cap = c;
    }
    if (!w->s && !(w->s = strdup("")))
        return -1;
    (*words)[(*n)++] = w->s;
    (*words)[*n] = NULL;
    memset(w, 0, sizeof *w);
    return 0;
}

int batch_split(const char *line, char ***words, int *n, char *err,
                size_t errlen)
{
    word w = {NULL, 0, 0};
    int cap = 0, in_word = 0, bad = 0;
    *words = NULL;
    *n = 0;
    const char *p = line;
    for (; *p && !bad; p++) {
        const char c = *p;
        if (c == ' ' || c == '\t') {
            if (in_word && push_word(words, n, &cap, &w))
                bad = -1;
            in_word = 0;
            continue;
        }
        if (c == '#' && !in_word)
            break; /* a comment to the end of the line */
        in_word = 1;
        if (c == '\'') {
            const char *q = strchr(p + 1, '\'');
            if (!q) {
                snprintf(err, errlen, "unterminated single quote (') at column "
                         "%zu", (size_t)(p - line) + 1);
                bad = 1;
                break;
            }
            if (q == p + 1 && !w.s && !(w.s = strdup("")))
                bad = -1; /* '' is an empty word */
            for (const char *r = p + 1; r < q && !bad; r++)
                bad = word_add(&w, *r);
            p = q;
        } else if (c == '"') {
            const char *r = p + 1;
            if (!w.s && !(w.s = strdup("")))
                bad = -1;
            for (; *r && *r != '"' && !bad; r++) {
                if (*r == '\\' && r[1] && strchr("\"\\$`", r[1]))
                    r++;
                bad = word_add(&w, *r);
            }
            if (!*r && !bad) {
                snprintf(err, errlen, "unterminated double quote (\") at column "
                         "%zu", (size_t)(p - line) + 1);
                bad = 1;
                break;
            }
            p = r;
        } else if (c == '\\') {
            if (!p[1]) {
                snprintf(err, errlen, "a backslash ends the line (a job is one "
                         "line: lines do not continue)");
                bad = 1;
                break;
            }
            bad = word_add(&w, *++p);
        } else {
            bad = word_add(&w, c);
        }
    }
    if (!bad && in_word && push_word(words, n, &cap, &w))
        bad = -1;
    if (bad < 0)
        snprintf(err, errlen, "out of memory");
    free(w.s);
    if (bad) {
        words_free(*words, *n);
        *words = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The job of one line (its text trimmed), its words split. 0 or -1 (out
 * of memory). */
static int add_job(batch *b, size_t *cap, size_t no, const char *text,
                   int has_nul)
{
    if (b->njob == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        batch_job *nj = realloc(b->job, c * sizeof *nj);
        if (!nj)
            return -1;
        b->job = nj;
        *cap = c;
    }
    batch_job *j = &b->job[b->njob++];
    memset(j, 0, sizeof *j);
    j->line = no;
    j->data = -1;
    j->fd = -1;
    j->state = JOB_PENDING;
    if (!(j->text = strdup(text)))
        return -1;
    if (has_nul) {
        batch_fail(j, EXIT_USAGE, "the line holds a NUL byte");
        return 0;
    }
    char err[256];
    char **w;
    int n;
    if (batch_split(text, &w, &n, err, sizeof err)) {
        batch_fail(j, EXIT_USAGE, "%s", err);
        return 0;
    }
    j->words = w;
    j->argv = malloc(((size_t)n + 2) * sizeof *j->argv);
    if (!j->argv)
        return -1;
    j->argv[0] = train_name;
    for (int k = 0; k < n; k++)
        j->argv[k + 1] = w[k];
    j->argv[n + 1] = NULL;
    j->argc = n + 1;
    return 0;
}

int batch_read_jobs(batch *b)
{
    FILE *f = fopen(b->jobs_path, "r");
    if (!f) {
        cli_err("batch", "%s: %s", b->jobs_path, strerror(errno));
        return 1;
    }
    char *line = NULL;
    size_t lcap = 0, cap = 0, no = 0;
    ssize_t len;
    int rc = 0;
    while (!rc && (len = getline(&line, &lcap, f)) != -1) {
        no++;
        const int has_nul = strlen(line) != (size_t)len;
        char *s = line, *e = line + strlen(line);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '
                         || e[-1] == '\t'))
            *--e = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (add_job(b, &cap, no, s, has_nul)) {
            cli_err("batch", "out of memory");
            rc = 1;
        }
    }
    if (!rc && ferror(f)) {
        cli_err("batch", "%s: %s", b->jobs_path, strerror(errno));
        rc = 1;
    }
    free(line);
    fclose(f);
    return rc;
}

char *batch_read_fd(int fd)
{
    /* the tail of a long text: a job's error comes last */
    const off_t keep = 1 << 18;
    off_t size = lseek(fd, 0, SEEK_END), from = size > keep ? size - keep : 0;
    if (size < 0)
        return NULL;
    char *t = malloc((size_t)(size - from) + 1);
    ssize_t got = t ? pread(fd, t, (size_t)(size - from), from) : -1;
    if (got < 0) {
        free(t);
        return NULL;
    }
    t[got] = '\0';
    return t;
}

int batch_capture_begin(int saved[2])
{
    fflush(stdout);
    fflush(stderr);
    int fd = memfd_create("linreg-batch", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    saved[0] = dup(1);
    saved[1] = dup(2);
    if (saved[0] < 0 || saved[1] < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
        batch_capture_end(fd, saved);
        return -1;
    }
    return fd;
}

char *batch_capture_end(int fd, int saved[2])
{
    if (fd < 0)
        return NULL;
    fflush(stdout);
    fflush(stderr);
    for (int k = 0; k < 2; k++) {
        if (saved[k] >= 0) {
            dup2(saved[k], k + 1);
            close(saved[k]);
        }
    }
    char *t = batch_read_fd(fd);
    close(fd);
    return t;
}

char *batch_message(const char *text)
{
    static const char *const prefixes[] = {"linreg train: ", "linreg: ", NULL};
    size_t cap = text ? strlen(text) + 1 : 1, len = 0;
    char *m = malloc(cap);
    if (!m || !text) {
        free(m);
        return NULL;
    }
    for (const char *p = text; *p;) {
        size_t l = strcspn(p, "\n");
        const char *next = p + l + (p[l] == '\n');
        for (const char *const *pre = prefixes; *pre; pre++) {
            size_t pl = strlen(*pre);
            if (l < pl || strncmp(p, *pre, pl) != 0)
                continue;
            if (strncmp(p + pl, "--lr auto: L =", 14) == 0)
                break; /* the step, not a message */
            if (len) {
                memcpy(m + len, "; ", 2);
                len += 2;
            }
            for (size_t k = pl; k < l; k++) /* no control characters in a row */
                m[len++] = (unsigned char)p[k] < ' ' ? ' ' : p[k];
            break;
        }
        p = next;
    }
    if (!len) {
        free(m);
        return NULL;
    }
    m[len] = '\0';
    return m;
}

/* getopt keeps its place inside a word ("-xy" stops after x): starting
 * again with optind = 0 forgets it, and train's parser then sets optind to
 * 1 and reads the next job from its first word. */
static void getopt_reset(void)
{
    static char name[] = "batch";
    static char *av[] = {name, NULL};
    static const struct option none[] = {{0, 0, 0, 0}};
    optind = 0;
    opterr = 0;
    getopt_long(1, av, "", none, NULL);
}

void batch_parse_jobs(batch *b)
{
    for (size_t k = 0; k < b->njob; k++) {
        batch_job *j = &b->job[k];
        if (j->state != JOB_PENDING)
            continue;
        getopt_reset();
        int saved[2];
        int fd = batch_capture_begin(saved);
        int rc = cli_train_parse("train", j->argc, j->argv, &j->a);
        char *text = batch_capture_end(fd, saved);
        if (rc < 0) {
            batch_fail(j, EXIT_USAGE, "--help is not a job");
        } else if (rc) {
            char *m = batch_message(text);
            batch_fail(j, rc, "%s", m ? m : "bad options");
            free(m);
        }
        free(text);
    }
}

/* One output path of a job, by the file it names. */
typedef struct {
    char *key;
    size_t owner;        /* 0: the results file, else job index + 1 */
    const char *opt, *path;
} out_key;

/* The file a path names: an existing one by device and inode (hard links
 * too), another by its canonical text; NULL for a character device
 * (/dev/null: writing it twice loses nothing). */
static char *path_key(const char *path)
{
    struct stat st;
    char buf[64];
    if (stat(path, &st) == 0) {
        if (S_ISCHR(st.st_mode))
            return NULL;
        snprintf(buf, sizeof buf, "i%ju:%ju", (uintmax_t)st.st_dev,
                 (uintmax_t)st.st_ino);
        return strdup(buf);
    }
    char *c = cli_path_canonical(path);
    char *k = malloc(strlen(c ? c : path) + 2);
    if (k)
        sprintf(k, "p%s", c ? c : path);
    free(c);
    return k;
}

static int cmp_key(const void *a, const void *b)
{
    const out_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->owner > y->owner) - (x->owner < y->owner);
}

static void add_key(out_key *keys, size_t *n, size_t owner, const char *opt,
                    const char *path)
{
    if (!path)
        return;
    char *k = path_key(path);
    if (k)
        keys[(*n)++] = (out_key){k, owner, opt, path};
}

void batch_check_outputs(batch *b)
{
    out_key *keys = malloc((3 * b->njob + 1) * sizeof *keys);
    size_t n = 0;
    if (!keys)
        return; /* each job's own check still refuses a clash inside it */
    add_key(keys, &n, 0, "out", b->out_path);
    for (size_t k = 0; k < b->njob; k++) {
        const batch_job *j = &b->job[k];
        if (j->state != JOB_PENDING && j->state != JOB_SKIPPED)
            continue;
        add_key(keys, &n, k + 1, "model-out", j->a.o.model_out);
        add_key(keys, &n, k + 1, "report", j->a.o.report_out);
        add_key(keys, &n, k + 1, "history", j->a.o.history_out);
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t g = 0; g < n;) {
        size_t e = g + 1;
        while (e < n && strcmp(keys[e].key, keys[g].key) == 0)
            e++;
        /* the first owner keeps the path; a later job naming it fails (two
         * of one job's own options are that job's usage error) */
        for (size_t k = g + 1; k < e; k++) {
            if (keys[k].owner == keys[g].owner)
                continue;
            batch_job *j = &b->job[keys[k].owner - 1];
            if (j->state != JOB_PENDING)
                continue;
            if (keys[g].owner == 0)
                batch_fail(j, EXIT_USAGE, "--%s %s is the results file (--out)",
                           keys[k].opt, keys[k].path);
            else
                batch_fail(j, EXIT_USAGE, "--%s %s: line %zu writes that file "
                           "too (--%s): give each job its own output paths",
                           keys[k].opt, keys[k].path,
                           b->job[keys[g].owner - 1].line, keys[g].opt);
        }
        g = e;
    }
    for (size_t k = 0; k < n; k++)
        free(keys[k].key);
    free(keys);
}
