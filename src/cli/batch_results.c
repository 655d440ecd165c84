/* batch_results.c -- the results file of `linreg batch`: one CSV row
 * (RFC 4180 quoting) per job as it ends, written and flushed at once, so
 * that an interrupted batch keeps every finished row; --resume reads it
 * back and skips the lines it records as ok. Deliberately not written
 * through the all-or-nothing output set. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "batch.h"

static const char *const columns[] = {
    "line", "options", "status", "exit", "message", "iterations",
    "stop_reason", "final_mse", "r2", "gap", "seconds", "model", NULL};
#define N_COLUMNS 12

/* A field, quoted when it holds a comma, a quote, a line break or blanks
 * at an end; quotes doubled. */
static void put_field(FILE *f, const char *s, int last)
{
    size_t l = s ? strlen(s) : 0;
    if (l && (strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[l - 1] == ' ')) {
        fputc('"', f);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else if (l) {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void put_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g,", v);
    else
        fputc(',', f);
}

void batch_results_row(batch *b, const batch_job *j, const batch_result *r)
{
    FILE *f = b->out;
    if (!f)
        return;
    const int ok = j->rc == 0;
    fprintf(f, "%zu,", j->line);
    put_field(f, j->text, 0);
    fprintf(f, "%s,%d,", ok ? "ok" : "error", j->rc);
    put_field(f, j->msg, 0);
    if (r && r->have)
        fprintf(f, "%zu,%s,", r->iters, r->stop);
    else
        fputs(",,", f);
    put_num(f, r && r->have ? r->mse : NAN);
    put_num(f, r && r->have ? r->r2 : NAN);
    put_num(f, r && r->have ? r->gap : NAN);
    fprintf(f, "%.3f,", j->secs);
    put_field(f, ok ? j->a.o.model_out : NULL, 1);
    if (fflush(f) != 0 || ferror(f)) {
        if (!b->out_err)
            cli_err("batch", "%s: cannot write a row: %s", b->out_path,
                    strerror(errno));
        b->out_err = 1;
    }
}

int batch_csv_record(const char **s, const char *end, char **f, int max)
{
    const char *p = *s;
    if (p >= end)
        return -1;
    int n = 0;
    for (;;) {
        size_t cap = 16, len = 0;
        char *v = malloc(cap);
        int quoted = p < end && *p == '"';
        if (quoted)
            p++;
        while (v && p < end) {
            char c = *p;
            if (quoted && c == '"') {
                if (p + 1 < end && p[1] == '"') {
                    p++;
                } else {
                    p++;
                    quoted = 2; /* closed */
                    break;
                }
            } else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
                break;
            }
            if (len + 1 >= cap) {
                char *nv = realloc(v, cap *= 2);
                if (!nv) {
                    free(v);
                    v = NULL;
                    break;
                }
                v = nv;
            }
            v[len++] = *p++;
        }
        if (!v || quoted == 1) { /* out of memory, or an unterminated quote */
            free(v);
            for (int k = 0; k < n && k < max; k++)
                free(f[k]);
            *s = end;
            return -1;
        }
        v[len] = '\0';
        if (n < max)
            f[n] = v;
        else
            free(v);
        n++;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        while (p < end && *p != '\n') /* "\r\n", or text after a quote */
            p++;
        if (p < end)
            p++;
        *s = p;
        return n;
    }
}

static void fields_free(char **f, int n)
{
    for (int k = 0; k < n && k < N_COLUMNS; k++)
        free(f[k]);
}

/* The job of a line (jobs are in line order), or NULL. */
static batch_job *job_at(batch *b, size_t line)
{
    size_t lo = 0, hi = b->njob;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->job[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->njob && b->job[lo].line == line ? &b->job[lo] : NULL;
}

/* --resume: the rows already there. A last row without its line end (the
 * batch was killed while writing it) is cut off. 0, or 1 (printed). */
static int resume_read(batch *b, int *fresh)
{
    FILE *f = fopen(b->out_path, "r");
    if (!f && errno == ENOENT) {
        *fresh = 1;
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        long l = ftell(f);
        rewind(f);
        text = l >= 0 ? malloc((size_t)l + 1) : NULL;
        len = text ? fread(text, 1, (size_t)l, f) : 0;
        if (text)
            text[len] = '\0';
        if (!text || ferror(f)) {
            free(text);
            text = NULL;
        }
        fclose(f);
    }
    if (!text) {
        cli_err("batch", "--resume: %s: %s", b->out_path, strerror(errno));
        return 1;
    }
    const char *p = text, *end = text + len, *complete = text;
    char *fv[N_COLUMNS];
    int n = batch_csv_record(&p, end, fv, N_COLUMNS), rc = 0;
    *fresh = n < 0;
    if (n >= 0) {
        int same = n == N_COLUMNS && p[-1] == '\n';
        for (int k = 0; same && k < N_COLUMNS; k++)
            same = strcmp(fv[k], columns[k]) == 0;
        fields_free(fv, n);
        if (!same) {
            cli_err("batch", "--resume: %s is not a results file of linreg "
                    "batch (its first line is not the header %s,...)",
                    b->out_path, columns[0]);
            free(text);
            return 1;
        }
        complete = p;
    }
    while (n >= 0 && (n = batch_csv_record(&p, end, fv, N_COLUMNS)) >= 0) {
        const int whole = p[-1] == '\n'; /* else cut short */
        char *e = NULL;
        size_t line = whole && n >= 3 ? strtoul(fv[0], &e, 10) : 0;
        batch_job *j = line && *e == '\0' ? job_at(b, line) : NULL;
        if (j && strcmp(fv[2], "ok") == 0 && strcmp(fv[1], j->text) == 0
            && j->state == JOB_PENDING) {
            j->state = JOB_SKIPPED;
            b->skipped++;
        }
        fields_free(fv, n);
        if (!whole)
            break;
        complete = p;
    }
    if (complete < end && truncate(b->out_path, (off_t)(complete - text)) != 0) {
        cli_err("batch", "--resume: %s: cannot cut its unfinished last row: %s",
                b->out_path, strerror(errno));
        rc = 1;
    }
    free(text);
    return rc;
}

int batch_results_open(batch *b)
{
    if (!b->out_path)
        return 0;
    int fresh = 1;
    if (b->resume && resume_read(b, &fresh))
        return 1;
    b->out = fopen(b->out_path, b->resume ? "a" : "w");
    if (!b->out) {
        cli_err("batch", "--out %s: %s", b->out_path, strerror(errno));
        return 1;
    }
    if (fresh) {
        for (int k = 0; columns[k]; k++)
            fprintf(b->out, "%s%c", columns[k], columns[k + 1] ? ',' : '\n');
        if (fflush(b->out) != 0) {
            cli_err("batch", "--out %s: %s", b->out_path, strerror(errno));
            return 1;
        }
    }
    return 0;
}
