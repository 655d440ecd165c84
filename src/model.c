/* model.c -- the linear model y = X w + b (opaque to users). */
#include <stdlib.h>

#include "lr_internal.h"

struct lr_model {
    size_t p;
    double b;
    double w[];
};

lr_model *lr_model_alloc(size_t p)
{
    size_t bytes;
    if (p == 0 || !lr_mul_ok(p, sizeof(double), &bytes)
        || bytes > SIZE_MAX - sizeof(lr_model))
        return NULL;
    lr_model *m = calloc(1, sizeof *m + bytes);
    if (m)
        m->p = p;
    return m;
}

void lr_model_free(lr_model *m) { free(m); }
size_t lr_model_nfeatures(const lr_model *m) { return m->p; }
const double *lr_model_weights(const lr_model *m) { return m->w; }
double *lr_model_weights_mut(lr_model *m) { return m->w; }
double lr_model_bias(const lr_model *m) { return m->b; }
void lr_model_set_bias(lr_model *m, double b) { m->b = b; }
