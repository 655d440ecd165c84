/* model_io.c -- model files as JSON, through cJSON (Debian libcjson-dev).
 *
 * {"format": "linreg-model", "version": 1, "n_features": p,
 *  "feature_names": [...], "weights": [...], "bias": b}
 * cJSON prints numbers with up to 17 significant digits, so weights
 * round-trip exactly.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "lr_internal.h"

#define LR_MODEL_FORMAT "linreg-model"
#define LR_MODEL_VERSION 1

int lr_json_exact(struct cJSON *node)
{
    int rc = 0;
    for (cJSON *it = node; it; it = it->next) {
        if (it->child && lr_json_exact(it->child))
            rc = -1;
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
            continue;
        char buf[32];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, it->valuedouble);
            if (strtod(buf, NULL) == it->valuedouble)
                break;
        }
        char *text = malloc(strlen(buf) + 1);
        if (!text) {
            rc = -1;
            continue;
        }
        strcpy(text, buf);
        it->type = cJSON_Raw; /* printed as is; freed with the tree */
        it->valuestring = text;
    }
    return rc;
}

int lr_model_save(const char *path, const lr_model *m, char *const *names,
                  char *err, size_t errlen)
{
    return lr_model_save_ex(path, m, names, NULL, err, errlen);
}

int lr_model_save_ex(const char *path, const lr_model *m, char *const *names,
                     const char *extra_json, char *err, size_t errlen)
{
    lr_atomic_file f;
    int st = lr_atomic_begin(&f, path, err, errlen);
    if (st != LR_SUCCESS)
        return st;
    st = lr_model_fwrite(f.fp, path, m, names, extra_json, err, errlen);
    int est = lr_atomic_end(&f, st == LR_SUCCESS, err, errlen);
    return st != LR_SUCCESS ? st : est;
}

int lr_model_fwrite(FILE *f, const char *path, const lr_model *m,
                    char *const *names, const char *extra_json, char *err,
                    size_t errlen)
{
    const size_t p = lr_model_nfeatures(m);
    const double *w = lr_model_weights(m);
    for (size_t j = 0; j < p; j++)
        if (!isfinite(w[j]))
            return lr_set_err(LR_ERANGE, err, errlen,
                              "%s: not written: weight %zu is not finite",
                              path, j + 1);
    if (!isfinite(lr_model_bias(m)))
        return lr_set_err(LR_ERANGE, err, errlen,
                          "%s: not written: the bias is not finite", path);
    cJSON *root = cJSON_CreateObject();
    cJSON *jn = cJSON_CreateArray(), *jw = cJSON_CreateArray();
    int ok = root && jn && jw;
    for (size_t j = 0; ok && j < p; j++) {
        char def[32];
        snprintf(def, sizeof def, "x%zu", j + 1);
        cJSON *s = cJSON_CreateString(names ? names[j] : def);
        cJSON *v = cJSON_CreateNumber(w[j]);
        ok = s && v && cJSON_AddItemToArray(jn, s) && cJSON_AddItemToArray(jw, v);
    }
    ok = ok && cJSON_AddStringToObject(root, "format", LR_MODEL_FORMAT)
         && cJSON_AddNumberToObject(root, "version", LR_MODEL_VERSION)
         && cJSON_AddNumberToObject(root, "n_features", (double)p)
         && cJSON_AddItemToObject(root, "feature_names", jn)
         && (jn = NULL, cJSON_AddItemToObject(root, "weights", jw))
         && (jw = NULL, cJSON_AddNumberToObject(root, "bias", lr_model_bias(m)));
    if (ok && extra_json) {
        cJSON *extra = cJSON_Parse(extra_json);
        if (!cJSON_IsObject(extra)) {
            cJSON_Delete(extra);
            cJSON_Delete(root);
            return lr_set_err(LR_EINVAL, err, errlen,
                              "%s: not written: extra members are not a JSON "
                              "object", path);
        }
        while (extra->child) {
            cJSON *item = cJSON_DetachItemViaPointer(extra, extra->child);
            if (cJSON_GetObjectItemCaseSensitive(root, item->string)) {
                cJSON_Delete(item); /* the model's own members win */
                continue;
            }
            cJSON_AddItemToObject(root, item->string, item);
        }
        cJSON_Delete(extra);
    }
    char *text = ok && !lr_json_exact(root) ? cJSON_Print(root) : NULL;
    cJSON_Delete(jn);
    cJSON_Delete(jw);
    cJSON_Delete(root);
    if (!text)
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    size_t l = strlen(text);
    char *withnl = realloc(text, l + 2);
    if (!withnl) {
        free(text);
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    }
    withnl[l] = '\n';
    withnl[l + 1] = '\0';
    fputs(withnl, f);
    free(withnl);
    return ferror(f) ? lr_set_err(LR_EIO, err, errlen, "%s: write failed", path)
                     : LR_SUCCESS;
}

static char *slurp(const char *path, char *err, size_t errlen, int *st)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *st = lr_set_err(LR_EIO, err, errlen, "%s: cannot open: %s", path,
                         strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, f);
        if (n < cap - 1)
            break;
        if (cap > (64u << 20)) { /* a model is never this big */
            free(buf);
            fclose(f);
            *st = lr_set_err(LR_EFORMAT, err, errlen,
                             "%s: too large for a model file", path);
            return NULL;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int rerr = ferror(f);
    fclose(f);
    if (!buf || rerr) {
        free(buf);
        *st = lr_set_err(buf ? LR_EIO : LR_ENOMEM, err, errlen,
                         "%s: cannot read", path);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first key that appears twice in one object, anywhere in the tree
 * (cJSON keeps both and finds the first; JSON leaves it undefined), or
 * NULL; *st is LR_ENOMEM when memory ran short. Keys are sorted, so an
 * object of k keys costs k log k. */
static const char *duplicate_key(const cJSON *node, int *st)
{
    for (const cJSON *c = node ? node->child : NULL; c; c = c->next) {
        const char *d = duplicate_key(c, st);
        if (d || *st)
            return d;
    }
    if (!cJSON_IsObject(node))
        return NULL;
    size_t k = 0, i = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        k++;
    if (k < 2)
        return NULL;
    const char **keys = malloc(k * sizeof *keys);
    if (!keys) {
        *st = LR_ENOMEM;
        return NULL;
    }
    for (const cJSON *c = node->child; c; c = c->next)
        keys[i++] = c->string;
    qsort(keys, k, sizeof *keys, cmp_str);
    const char *d = NULL;
    for (i = 1; i < k && !d; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0)
            d = keys[i];
    free(keys);
    return d;
}

int lr_model_load(const char *path, lr_model **out, char ***names,
                  char *err, size_t errlen)
{
    int st = LR_SUCCESS;
    char *text = slurp(path, err, errlen, &st);
    if (!text)
        return st;
    const char *tail = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &tail, 0);
    lr_model *m = NULL;
    char **nm = NULL;
    size_t p = 0;
    const char *dup;
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: not valid JSON (at byte %ld)", path,
                        at ? (long)(at - text) : -1L);
        goto done;
    }
    tail += strspn(tail, " \t\r\n");
    if (*tail) {
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: text after the JSON object (at byte %ld)", path,
                        (long)(tail - text));
        goto done;
    }
    if ((dup = duplicate_key(root, &st))) {
        st = st ? lr_set_err(st, err, errlen, "%s: out of memory", path)
                : lr_set_err(LR_EFORMAT, err, errlen,
                             "%s: key \"%.60s\" appears twice in one object",
                             path, dup);
        goto done;
    }
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(root, "n_features");
    const cJSON *jw = cJSON_GetObjectItemCaseSensitive(root, "weights");
    const cJSON *jb = cJSON_GetObjectItemCaseSensitive(root, "bias");
    const cJSON *jn = cJSON_GetObjectItemCaseSensitive(root, "feature_names");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, LR_MODEL_FORMAT) != 0) {
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: not a linreg model (\"format\" is not \"%s\")",
                        path, LR_MODEL_FORMAT);
        goto done;
    }
    if (!cJSON_IsNumber(ver) || ver->valuedouble != LR_MODEL_VERSION) {
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: unsupported model version (expected %d)", path,
                        LR_MODEL_VERSION);
        goto done;
    }
    if (!cJSON_IsNumber(jp) || jp->valuedouble < 1 || jp->valuedouble > 1e9
        || jp->valuedouble != floor(jp->valuedouble)) {
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: \"n_features\" is not a positive integer", path);
        goto done;
    }
    p = (size_t)jp->valuedouble;
    if (!cJSON_IsArray(jw) || (size_t)cJSON_GetArraySize(jw) != p) {
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: \"weights\" is not an array of %zu numbers", path, p);
        goto done;
    }
    if (!cJSON_IsNumber(jb) || !isfinite(jb->valuedouble)) {
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: \"bias\" is not a finite number", path);
        goto done;
    }
    if (jn && (!cJSON_IsArray(jn) || (size_t)cJSON_GetArraySize(jn) != p)) {
        st = lr_set_err(LR_EFORMAT, err, errlen,
                        "%s: \"feature_names\" is not an array of %zu strings",
                        path, p);
        goto done;
    }
    m = lr_model_alloc(p);
    if (!m) {
        st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        goto done;
    }
    double *w = lr_model_weights_mut(m);
    size_t j = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, jw) {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble)) {
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s: weight %zu is not a finite number", path, j + 1);
            goto done;
        }
        w[j++] = it->valuedouble;
    }
    lr_model_set_bias(m, jb->valuedouble);
    if (names) {
        nm = calloc(p, sizeof *nm);
        if (!nm) {
            st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
            goto done;
        }
        j = 0;
        if (jn) {
            cJSON_ArrayForEach(it, jn) {
                if (!cJSON_IsString(it)) {
                    st = lr_set_err(LR_EFORMAT, err, errlen,
                                    "%s: feature name %zu is not a string",
                                    path, j + 1);
                    goto done;
                }
                nm[j] = strdup(it->valuestring);
                if (!nm[j++]) {
                    st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory",
                                    path);
                    goto done;
                }
            }
        } else {
            for (j = 0; j < p; j++) {
                char def[32];
                snprintf(def, sizeof def, "x%zu", j + 1);
                if (!(nm[j] = strdup(def))) {
                    st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory",
                                    path);
                    goto done;
                }
            }
        }
    }
done:
    cJSON_Delete(root);
    free(text);
    if (st) {
        lr_model_free(m);
        lr_names_free(nm, p);
        return st;
    }
    *out = m;
    if (names)
        *names = nm;
    return LR_SUCCESS;
}
