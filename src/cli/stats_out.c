/* stats_out.c -- the statistics of a fit (linreg_stats.h) for the command
 * line: the summary(lm)-like table, the report keys, the members of the
 * model file that predict's intervals need, and the options --se and
 * --level shared by solve and train. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_stats_option(const char *cmd, int is_level, const char *arg,
                     lr_stats_opts *o)
{
    if (is_level) {
        char *end;
        double v = strtod(arg, &end);
        if (end == arg || *end || !(v > 0 && v < 1)) {
            cli_err(cmd, "--level: '%s' is not a number strictly between 0 and 1 "
                    "(a confidence level, such as 0.95)", arg);
            return -1;
        }
        o->level = v;
        return 0;
    }
    int se = lr_se_parse(arg);
    if (se < 0) {
        cli_err(cmd, "--se: '%s' is not one of classical, hc0, hc1, hc2, hc3", arg);
        return -1;
    }
    o->se = se;
    return 0;
}

int cli_stats_compute(const lr_data *d, const float *Xf, const lr_params *par,
                      lr_stats_opts *so, lr_stats **out, char *note, size_t len)
{
    /* a QR of [1 X] (4 n k^2 with HC's Q1) and an SVD of R (20 k^3); for
     * the ridge, the SVD or Gram of the centred X */
    const double n = (double)d->n, k = (double)d->p + (par->intercept ? 1 : 0);
    const double mn = n < k ? n : k;
    const double cost = par->l2 > 0 ? n * k * mn + 20 * mn * mn * mn
                                     : 4 * n * k * k + 20 * k * k * k;
    *out = NULL;
    so->intercept = par->intercept;
    so->standardize = par->standardize;
    so->l2 = par->l2;
    if (cost > CLI_STATS_MAX_FLOPS) {
        snprintf(note, len, "no statistics: their decomposition would cost about "
                 "%.3g flops (more than %.3g)", cost, CLI_STATS_MAX_FLOPS);
        return -1;
    }
    /* the library's statistics run on OpenMP's default team (the same
     * bits for any size): --threads T bounds it as it bounds training */
    const int saved = cli_team_bound(par->threads);
    int st = lr_stats_fit(lr_matrix_of(d->X, Xf, d->n, d->p), d->y, so, out);
    cli_team_restore(saved);
    if (st != LR_SUCCESS) {
        snprintf(note, len, "no statistics: %s", lr_strerror(st));
        return -1;
    }
    return 0;
}

static const char *term_name(const lr_stats *s, char *const *names, size_t j,
                             char *buf, size_t len)
{
    if (s->intercept && j == 0)
        return "(Intercept)";
    const size_t c = j - (size_t)s->intercept;
    if (names && names[c])
        return names[c];
    snprintf(buf, len, "x%zu", c + 1);
    return buf;
}

static const char *signif(double p)
{
    return isnan(p) ? "" : p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*"
                         : p < 0.1 ? "." : "";
}

/* A number as R prints it in the table (4-5 significant digits), "NA"
 * when it does not exist. */
static void cell(FILE *f, int width, double v, int digits)
{
    if (isnan(v))
        fprintf(f, " %*s", width, "NA");
    else
        fprintf(f, " %*.*g", width, digits, v);
}

void cli_stats_print(FILE *f, const lr_stats *s, char *const *names,
                     const char *note)
{
    char buf[32];
    int w = 11;
    size_t naliased = 0;
    for (size_t j = 0; j < s->k; j++) {
        const int l = (int)strlen(term_name(s, names, j, buf, sizeof buf));
        if (l > w)
            w = l;
        naliased += (size_t)s->aliased[j];
    }
    if (s->ridge) {
        fprintf(f, "\nCoefficients (ridge):\n%-*s %12s\n", w, "", "Estimate");
        for (size_t j = 0; j < s->k; j++) {
            fprintf(f, "%-*s", w, term_name(s, names, j, buf, sizeof buf));
            cell(f, 12, s->estimate[j], 7);
            fputc('\n', f);
        }
        fprintf(f, "\nEffective degrees of freedom (trace of the hat matrix): %.6g on "
                "%zu observations\nNo standard errors, t values or p-values: the "
                "ridge estimate is biased toward 0, so t = estimate / SE does not "
                "follow Student's t.\n", s->edf, s->n);
        return;
    }
    const double lo = 50.0 * (1.0 - s->level), hi = 100.0 - lo;
    fprintf(f, "\nCoefficients");
    if (naliased)
        fprintf(f, " (%zu not defined because of singularities)", naliased);
    if (s->se != LR_SE_CLASSICAL)
        fprintf(f, " (heteroskedasticity-robust standard errors, %s)",
                lr_se_name(s->se));
    char lab_lo[24], lab_hi[24];
    snprintf(lab_lo, sizeof lab_lo, "%.4g %%", lo);
    snprintf(lab_hi, sizeof lab_hi, "%.4g %%", hi);
    fprintf(f, ":\n%-*s %12s %11s %8s %10s     %12s %12s\n", w, "", "Estimate",
            "Std. Error", "t value", "Pr(>|t|)", lab_lo, lab_hi);
    for (size_t j = 0; j < s->k; j++) {
        fprintf(f, "%-*s", w, term_name(s, names, j, buf, sizeof buf));
        cell(f, 12, s->estimate[j], 7);
        cell(f, 11, s->std_error[j], 5);
        cell(f, 8, s->t[j], 4);
        cell(f, 10, s->p_value[j], 3);
        fprintf(f, " %-3s", signif(s->p_value[j]));
        cell(f, 12, s->ci_low[j], 7);
        cell(f, 12, s->ci_high[j], 7);
        fputc('\n', f);
    }
    fputs("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n", f);
    if (naliased) {
        fputs("Aliased (in the span of the columns before them, R's tolerance "
              "1e-7):", f);
        for (size_t j = 0; j < s->k; j++)
            if (s->aliased[j])
                fprintf(f, " %s", term_name(s, names, j, buf, sizeof buf));
        fputc('\n', f);
    }
    fprintf(f, "\nResidual standard error: %.6g on %.0f degrees of freedom\n",
            s->sigma, s->df_residual);
    fprintf(f, "Multiple R-squared:  %.6g,\tAdjusted R-squared:  %.6g%s\n", s->r2,
            s->adj_r2, s->intercept ? "" : " (uncentred: no intercept)");
    if (!isnan(s->f_statistic))
        fprintf(f, "F-statistic: %.6g on %.0f and %.0f DF,  p-value: %.4g\n",
                s->f_statistic, s->f_df1, s->f_df2, s->f_p_value);
    fprintf(f, "Log-likelihood: %.8g (df=%zu),  AIC: %.8g,  BIC: %.8g\n", s->loglik,
            s->rank + 1, s->aic, s->bic);
    fprintf(f, "Observations: %zu,  rank: %zu,  condition number: %.4g\n", s->n,
            s->rank, s->condition_number);
    if (note)
        fprintf(f, "%s\n", note);
}

int cli_stats_json(cJSON *obj, const lr_stats *s, char *const *names,
                   const char *note)
{
    char buf[32];
    cJSON *co = cJSON_AddArrayToObject(obj, "coefficients");
    cJSON *al = cJSON_CreateArray();
    if (!co || !al) {
        cJSON_Delete(al);
        return -1;
    }
    for (size_t j = 0; j < s->k; j++) {
        cJSON *row = cJSON_CreateObject();
        const char *t = term_name(s, names, j, buf, sizeof buf);
        if (!row)
            return -1;
        cJSON_AddStringToObject(row, "term", t);
        cJSON_AddItemToObject(row, "estimate", cli_num(s->estimate[j]));
        cJSON_AddItemToObject(row, "std_error", cli_num(s->std_error[j]));
        cJSON_AddItemToObject(row, "t", cli_num(s->t[j]));
        cJSON_AddItemToObject(row, "p_value", cli_num(s->p_value[j]));
        cJSON_AddItemToObject(row, "ci_low", cli_num(s->ci_low[j]));
        cJSON_AddItemToObject(row, "ci_high", cli_num(s->ci_high[j]));
        cJSON_AddItemToArray(co, row);
        if (s->aliased[j])
            cJSON_AddItemToArray(al, cJSON_CreateString(t));
    }
    cJSON_AddNumberToObject(obj, "n", (double)s->n);
    cJSON_AddItemToObject(obj, "df_residual", cli_num(s->df_residual));
    cJSON_AddItemToObject(obj, "sigma", cli_num(s->sigma));
    cJSON_AddItemToObject(obj, "r2", cli_num(s->r2));
    cJSON_AddItemToObject(obj, "adj_r2", cli_num(s->adj_r2));
    cJSON_AddItemToObject(obj, "f_statistic", cli_num(s->f_statistic));
    cJSON_AddItemToObject(obj, "f_df1", cli_num(s->f_df1));
    cJSON_AddItemToObject(obj, "f_df2", cli_num(s->f_df2));
    cJSON_AddItemToObject(obj, "f_p_value", cli_num(s->f_p_value));
    cJSON_AddItemToObject(obj, "loglik", cli_num(s->loglik));
    cJSON_AddItemToObject(obj, "aic", cli_num(s->aic));
    cJSON_AddItemToObject(obj, "bic", cli_num(s->bic));
    cJSON_AddItemToObject(obj, "rank", s->ridge ? cJSON_CreateNull()
                                                : cJSON_CreateNumber((double)s->rank));
    cJSON_AddItemToObject(obj, "condition_number", cli_num(s->condition_number));
    cJSON_AddNumberToObject(obj, "level", s->level);
    cJSON_AddStringToObject(obj, "se_type", lr_se_name(s->se));
    cJSON_AddItemToObject(obj, "aliased", al);
    cJSON_AddItemToObject(obj, "edf", cli_num(s->edf));
    cJSON_AddItemToObject(obj, "stats_note", note ? cJSON_CreateString(note)
                                                  : cJSON_CreateNull());
    return 0;
}

int cli_stats_model_json(cJSON *ex, const lr_stats *s)
{
    if (s->ridge || !s->cov_unscaled || !(s->df_residual > 0))
        return 0; /* no intervals from such a fit */
    cJSON *cov = cJSON_CreateArray();
    for (size_t a = 0; cov && a < s->k; a++)
        cJSON_AddItemToArray(cov, cli_array(s->cov_unscaled + a * s->k, s->k));
    if (!cov)
        return -1;
    cJSON_AddItemToObject(ex, "cov_unscaled", cov);
    cJSON_AddItemToObject(ex, "sigma", cli_num(s->sigma));
    cJSON_AddNumberToObject(ex, "df_residual", s->df_residual);
    return 0;
}

char *cli_stats_model_extra(const lr_stats *s, int intercept)
{
    cJSON *ex = cJSON_CreateObject();
    char *text = NULL;
    if (ex && cJSON_AddBoolToObject(ex, "intercept", intercept)
        && (!s || cli_stats_model_json(ex, s) == 0) && !lr_json_exact(ex))
        text = cJSON_PrintUnformatted(ex);
    cJSON_Delete(ex);
    return text;
}

int cli_stats_model_read(const char *cmd, const char *path, size_t p,
                         cli_model_stats *ms)
{
    memset(ms, 0, sizeof *ms);
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long len = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1))
        && fread(text, 1, (size_t)len, f) == (size_t)len)
        text[len] = 0;
    else {
        free(text);
        text = NULL;
    }
    if (f)
        fclose(f);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *cov = cJSON_GetObjectItemCaseSensitive(root, "cov_unscaled");
    const cJSON *sg = cJSON_GetObjectItemCaseSensitive(root, "sigma");
    const cJSON *df = cJSON_GetObjectItemCaseSensitive(root, "df_residual");
    const cJSON *ic = cJSON_GetObjectItemCaseSensitive(root, "intercept");
    if (!cJSON_IsArray(cov) || !cJSON_IsNumber(sg) || !cJSON_IsNumber(df)) {
        cli_err(cmd, "%s: the model has no covariance of its coefficients "
                "(cov_unscaled, sigma, df_residual), which --interval needs: "
                "write it again with `linreg solve --model-out` (or train, with "
                "the exact reference), without --l2", path);
        cJSON_Delete(root);
        return 1;
    }
    ms->intercept = !cJSON_IsFalse(ic);
    ms->k = p + (ms->intercept ? 1 : 0);
    ms->sigma = sg->valuedouble;
    ms->df = df->valuedouble;
    int ok = (size_t)cJSON_GetArraySize(cov) == ms->k && ms->df > 0
             && ms->sigma >= 0 && (ms->cov = malloc(ms->k * ms->k * sizeof(double)));
    for (size_t a = 0; ok && a < ms->k; a++) {
        const cJSON *row = cJSON_GetArrayItem(cov, (int)a);
        ok = cJSON_IsArray(row) && (size_t)cJSON_GetArraySize(row) == ms->k;
        for (size_t b = 0; ok && b < ms->k; b++) {
            const cJSON *v = cJSON_GetArrayItem(row, (int)b);
            ok = cJSON_IsNumber(v) && isfinite(v->valuedouble);
            if (ok)
                ms->cov[a * ms->k + b] = v->valuedouble;
        }
    }
    cJSON_Delete(root);
    if (!ok) {
        cli_err(cmd, "%s: cov_unscaled is not a %zu x %zu matrix of numbers, or "
                "sigma or df_residual is out of range", path, ms->k, ms->k);
        free(ms->cov);
        ms->cov = NULL;
        return 1;
    }
    return 0;
}
