/* batch_data.c -- the data sets of `linreg batch`: each distinct file (by
 * its real path and the options that change what is read from it) and
 * each distinct set of generator options is loaded once, by the batch
 * process, with one thread, and shared by the jobs that name it. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Everything the generator reads but the thread count (the fast
 * generator gives the same data for any). */
static int same_gen(const lr_gen_params *a, const lr_gen_params *b)
{
    return a->n_samples == b->n_samples && a->n_features == b->n_features
           && a->n_informative == b->n_informative && a->bias == b->bias
           && a->noise == b->noise && a->shuffle == b->shuffle
           && a->seed == b->seed && a->generator == b->generator;
}

/* The real path of a file, or the path as given when it has none (the
 * load then fails with train's message). NULL for NULL. */
static char *real_or_given(const char *path)
{
    if (!path)
        return NULL;
    char *r = realpath(path, NULL);
    return r ? r : strdup(path);
}

/* The index of job j's data set, a new one if no earlier job named it;
 * -1 without memory. */
static int data_of(batch *b, size_t *cap, const cli_train_args *a)
{
    char *real = a->data ? real_or_given(a->data) : NULL;
    char *treal = real_or_given(a->target_file);
    for (size_t k = 0; k < b->ndata; k++) {
        const batch_data *d = &b->data[k];
        int same = a->data
                   ? !d->generated && same_str(d->real, real)
                     && same_str(d->target, a->target)
                     && same_str(d->treal, treal) && d->delim == a->delim
                     && d->na_drop == a->na_drop
                   : d->generated && same_gen(&d->gp, &a->gp);
        if (same) {
            free(real);
            free(treal);
            return (int)k;
        }
    }
    if (b->ndata == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        batch_data *nd = realloc(b->data, c * sizeof *nd);
        if (!nd) {
            free(real);
            free(treal);
            return -1;
        }
        b->data = nd;
        *cap = c;
    }
    batch_data *d = &b->data[b->ndata];
    memset(d, 0, sizeof *d);
    d->generated = !a->data;
    d->path = a->data;
    d->target = a->target;
    d->target_file = a->target_file;
    d->real = real;
    d->treal = treal;
    d->delim = a->delim;
    d->na_drop = a->na_drop;
    d->gp = a->gp;
    d->gp.threads = 1; /* no OpenMP threads in the batch process */
    return (int)b->ndata++;
}

void batch_plan_data(batch *b)
{
    size_t cap = 0;
    for (size_t k = 0; k < b->njob; k++) {
        batch_job *j = &b->job[k];
        if (j->state != JOB_PENDING)
            continue;
        j->data = data_of(b, &cap, &j->a);
        if (j->data < 0)
            batch_fail(j, 1, "out of memory");
        else
            b->data[j->data].jobs++;
    }
}

void batch_load_data(batch *b)
{
    for (size_t k = 0; k < b->ndata; k++) {
        batch_data *d = &b->data[k];
        int saved[2];
        int fd = batch_capture_begin(saved);
        if (d->generated) {
            d->gen = cli_generate("train", &d->gp, &d->coef);
            d->rc = d->gen ? 0 : 1;
            d->view = d->gen;
        } else {
            /* one thread: the batch process must not start OpenMP's */
            d->rc = cli_dataset_load_threads("train", &d->ds, d->path, d->target,
                                             d->target_file, d->delim, 1,
                                             d->na_drop, 1);
            d->view = &d->ds.view;
        }
        char *text = batch_capture_end(fd, saved);
        if (d->rc) {
            d->msg = batch_message(text);
            d->view = NULL;
            for (size_t i = 0; i < b->njob; i++)
                if (b->job[i].state == JOB_PENDING && b->job[i].data == (int)k)
                    batch_fail(&b->job[i], d->rc, "%s",
                               d->msg ? d->msg : "cannot load the data");
        } else {
            b->nloaded++;
            if (text)
                fputs(text, stderr); /* --na drop's count */
        }
        free(text);
    }
}

void batch_data_free(batch *b)
{
    for (size_t k = 0; k < b->ndata; k++) {
        batch_data *d = &b->data[k];
        free(d->real);
        free(d->treal);
        free(d->msg);
        free(d->coef);
        lr_data_free(d->gen);
        cli_dataset_free(&d->ds);
    }
    free(b->data);
    b->data = NULL;
    b->ndata = 0;
}
