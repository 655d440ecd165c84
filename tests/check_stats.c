/* check_stats.c -- the statistics of a fit (linreg_stats.h) against R's lm,
 * summary.lm, confint, logLik, AIC, BIC, kappa and predict.lm and
 * statsmodels' HC0-HC3 (tests/fixtures/stats/cases.json, made by
 * scripts/stats-fixtures.py), the NIST certified values of Longley, and
 * identities. */
#include <math.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include <omp.h>

#include "check_common.h"
#include "linreg_io.h"
#include "linreg_stats.h"

/* Issue 11's tolerances: relative 1e-8 on every real number (estimates,
 * standard errors, t, intervals, sigma, R^2, F, loglik, AIC/BIC, edf),
 * 1e-6 on the condition number (an SVD of R against R's SVD of X: both
 * lose cond * eps relative on the smallest singular value), p-values 1e-8
 * relative or 1e-300 absolute; integers exact. Every fixture is met with
 * room: the worst is 10.0 digits (statsmodels' HC2 interval of mtcars,
 * which agrees with R's own to 10.6), Longley 11.9 (scripts/stats-compare.py
 * prints the digits of every case). */
#define TOL 1e-8
#define TOL_KAPPA 1e-6

static cJSON *load_cases(void)
{
    const char *path = fixture_path("stats/cases.json");
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    ck_assert_msg(len > 0 && len < sizeof buf - 1, "%s: empty or too large", path);
    buf[len] = 0;
    cJSON *root = cJSON_Parse(buf);
    ck_assert_msg(root != NULL, "%s is not JSON", path);
    return root;
}

/* Options of a case's args (the solve options the fixtures use). */
static lr_stats_opts case_opts(const cJSON *args)
{
    lr_stats_opts o = lr_stats_opts_default();
    const int n = cJSON_GetArraySize(args);
    for (int i = 0; i < n; i++) {
        const char *a = cJSON_GetArrayItem(args, i)->valuestring;
        const char *v = i + 1 < n ? cJSON_GetArrayItem(args, i + 1)->valuestring : "";
        if (strcmp(a, "--no-intercept") == 0) {
            o.intercept = 0;
        } else if (strcmp(a, "--standardize") == 0) {
            o.standardize = 1;
        } else if (strcmp(a, "--se") == 0) {
            o.se = lr_se_parse(v);
            i++;
        } else if (strcmp(a, "--level") == 0) {
            o.level = strtod(v, NULL);
            i++;
        } else if (strcmp(a, "--l2") == 0) {
            o.l2 = strtod(v, NULL);
            i++;
        } else {
            ck_abort_msg("unknown case option %s", a);
        }
    }
    ck_assert_int_ge(o.se, 0);
    return o;
}

static void near(const char *cs, const char *what, double got, const cJSON *want,
                 double tol, int pvalue)
{
    if (cJSON_IsNull(want)) {
        ck_assert_msg(isnan(got), "%s %s: %.17g, expected null", cs, what, got);
        return;
    }
    ck_assert_msg(cJSON_IsNumber(want), "%s %s: not a number", cs, what);
    const double w = want->valuedouble, e = rel_err(got, w);
    ck_assert_msg(e <= tol || (pvalue && fabs(got - w) <= 1e-300),
                  "%s %s: %.17g, R/statsmodels %.17g (relative %.3g > %g)", cs,
                  what, got, w, e, tol);
}

static void check_fit_case(const cJSON *c)
{
    const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
    char file[128];
    snprintf(file, sizeof file, "stats/%s", cJSON_GetObjectItem(c, "data")->valuestring);
    lr_data *d = load_csv(fixture_path(file), "y");
    lr_stats_opts o = case_opts(cJSON_GetObjectItem(c, "args"));
    lr_stats *s;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &o, &s),
                     LR_SUCCESS);
    const cJSON *ex = cJSON_GetObjectItem(c, "expect"), *it;
    cJSON_ArrayForEach(it, ex) {
        const char *k = it->string;
        if (strcmp(k, "coefficients") == 0) {
            ck_assert_int_eq(cJSON_GetArraySize(it), (int)s->k);
            for (size_t j = 0; j < s->k; j++) {
                const cJSON *row = cJSON_GetArrayItem(it, (int)j);
                const char *term = cJSON_GetObjectItem(row, "term")->valuestring;
                const char *mine = o.intercept && j == 0
                                   ? "(Intercept)" : d->names[j - (size_t)o.intercept];
                ck_assert_str_eq(term, mine);
                const char *keys[] = {"estimate", "std_error", "t", "p_value",
                                      "ci_low", "ci_high"};
                const double *cols[] = {s->estimate, s->std_error, s->t,
                                        s->p_value, s->ci_low, s->ci_high};
                for (int q = 0; q < 6; q++) {
                    const cJSON *w = cJSON_GetObjectItem(row, keys[q]);
                    char what[96];
                    snprintf(what, sizeof what, "%s.%s", term, keys[q]);
                    if (w)
                        near(name, what, cols[q][j], w, TOL, q == 3);
                }
            }
        } else if (strcmp(k, "aliased") == 0) {
            size_t na = 0;
            for (size_t j = 0; j < s->k; j++)
                na += (size_t)s->aliased[j];
            ck_assert_int_eq((int)na, cJSON_GetArraySize(it));
            const cJSON *a;
            cJSON_ArrayForEach(a, it) {
                int found = 0;
                for (size_t j = (size_t)o.intercept; j < s->k; j++)
                    found |= s->aliased[j]
                             && strcmp(d->names[j - (size_t)o.intercept], a->valuestring) == 0;
                ck_assert_msg(found, "%s: %s is not aliased", name, a->valuestring);
            }
        } else if (strcmp(k, "n") == 0 || strcmp(k, "rank") == 0) {
            ck_assert_int_eq((long)(k[0] == 'n' ? s->n : s->rank), (long)it->valuedouble);
        } else if (strcmp(k, "df_residual") == 0 || strcmp(k, "f_df1") == 0
                   || strcmp(k, "f_df2") == 0) {
            const double v = strcmp(k, "df_residual") == 0 ? s->df_residual
                             : strcmp(k, "f_df1") == 0 ? s->f_df1 : s->f_df2;
            ck_assert_msg(v == it->valuedouble, "%s %s: %g, R %g", name, k, v,
                          it->valuedouble);
        } else {
            static const struct { const char *key; size_t off; } reals[] = {
                {"sigma", offsetof(lr_stats, sigma)}, {"r2", offsetof(lr_stats, r2)},
                {"adj_r2", offsetof(lr_stats, adj_r2)},
                {"f_statistic", offsetof(lr_stats, f_statistic)},
                {"f_p_value", offsetof(lr_stats, f_p_value)},
                {"loglik", offsetof(lr_stats, loglik)}, {"aic", offsetof(lr_stats, aic)},
                {"bic", offsetof(lr_stats, bic)}, {"edf", offsetof(lr_stats, edf)},
                {"condition_number", offsetof(lr_stats, condition_number)},
                {"level", offsetof(lr_stats, level)}};
            size_t q = 0;
            while (q < sizeof reals / sizeof reals[0] && strcmp(reals[q].key, k) != 0)
                q++;
            ck_assert_msg(q < sizeof reals / sizeof reals[0], "%s: unknown key %s", name, k);
            const double v = *(const double *)(const void *)((const char *)s + reals[q].off);
            near(name, k, v, it, strcmp(k, "condition_number") == 0 ? TOL_KAPPA : TOL,
                 strcmp(k, "f_p_value") == 0);
        }
    }
    lr_stats_free(s);
    lr_data_free(d);
}

/* A predict case: the fit's estimates (0 for an aliased term) and
 * lr_predict_interval on the new data, against predict.lm. */
static void check_predict_case(const cJSON *c)
{
    const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
    char file[128];
    snprintf(file, sizeof file, "stats/%s", cJSON_GetObjectItem(c, "data")->valuestring);
    lr_data *d = load_csv(fixture_path(file), "y");
    lr_stats_opts o = case_opts(cJSON_GetObjectItem(c, "fit_args"));
    const cJSON *args = cJSON_GetObjectItem(c, "args");
    int kind = 0;
    double level = 0.95;
    for (int i = 0; i + 1 < cJSON_GetArraySize(args); i += 2) {
        const char *a = cJSON_GetArrayItem(args, i)->valuestring;
        const char *v = cJSON_GetArrayItem(args, i + 1)->valuestring;
        if (strcmp(a, "--interval") == 0)
            kind = strcmp(v, "confidence") == 0 ? LR_INTERVAL_CONFIDENCE
                                                : LR_INTERVAL_PREDICTION;
        else
            level = strtod(v, NULL);
    }
    lr_stats *s;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &o, &s),
                     LR_SUCCESS);
    snprintf(file, sizeof file, "stats/%s", cJSON_GetObjectItem(c, "newdata")->valuestring);
    lr_data *nd;
    char err[256];
    ck_assert_int_eq(lr_csv_read_features(fixture_path(file), "y", &nd, err, sizeof err),
                     LR_SUCCESS);
    const size_t icpt = (size_t)o.intercept;
    double *w = malloc(d->p * sizeof *w), *out = malloc(3 * nd->n * sizeof *out);
    for (size_t j = 0; j < d->p; j++)
        w[j] = s->aliased[j + icpt] ? 0.0 : s->estimate[j + icpt];
    ck_assert_int_eq(lr_predict_interval(lr_matrix_f64(nd->X, nd->n, nd->p), w,
                                         icpt ? s->estimate[0] : 0.0, o.intercept,
                                         s->cov_unscaled, s->sigma, s->df_residual,
                                         kind, level, out, out + nd->n,
                                         out + 2 * nd->n),
                     LR_SUCCESS);
    const char *keys[] = {"fit", "lwr", "upr"};
    for (int q = 0; q < 3; q++) {
        const cJSON *col = cJSON_GetObjectItem(cJSON_GetObjectItem(c, "expect"), keys[q]);
        ck_assert_int_eq(cJSON_GetArraySize(col), (int)nd->n);
        for (size_t i = 0; i < nd->n; i++) {
            char what[32];
            snprintf(what, sizeof what, "%s[%zu]", keys[q], i);
            near(name, what, out[q * nd->n + i], cJSON_GetArrayItem(col, (int)i), TOL, 0);
        }
    }
    free(w);
    free(out);
    lr_data_free(nd);
    lr_stats_free(s);
    lr_data_free(d);
}

START_TEST(test_fixtures)
{
    cJSON *root = load_cases();
    const cJSON *c;
    int fits = 0, preds = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "cases")) {
        const cJSON *kind = cJSON_GetObjectItem(c, "kind");
        if (kind && strcmp(kind->valuestring, "predict") == 0) {
            check_predict_case(c);
            preds++;
        } else {
            check_fit_case(c);
            fits++;
        }
    }
    /* the fixture set is the one the README describes: a test over an
     * emptied file would pass */
    ck_assert_int_ge(fits, 40);
    ck_assert_int_ge(preds, 8);
    cJSON_Delete(root);
}
END_TEST

/* A field of the Longley row of certified.csv, by header name. */
static double certified_longley(const char *col)
{
    FILE *f = fopen(nist_path("certified.csv"), "r");
    ck_assert(f != NULL);
    static char head[4096], line[4096];
    ck_assert(fgets(head, sizeof head, f) != NULL);
    while (fgets(line, sizeof line, f) && strncmp(line, "Longley,", 8) != 0)
        ;
    fclose(f);
    /* strsep keeps the empty fields (b7..b10 of Longley) */
    char *hs = head, *ls = line;
    head[strcspn(head, "\n")] = line[strcspn(line, "\n")] = 0;
    char *h = strsep(&hs, ","), *v = strsep(&ls, ",");
    while (h && v && strcmp(h, col) != 0) {
        h = strsep(&hs, ",");
        v = strsep(&ls, ",");
    }
    ck_assert_msg(h && v, "no certified %s", col);
    return strtod(v, NULL);
}

/* NIST StRD Longley (kappa 4.9e9): the certified standard deviations of
 * the 7 estimates, the residual SD and R^2 (500-digit values, 15 shown).
 * Reached here (gcc 12, -O3): 13.0 digits or more on the estimates and
 * their SDs, 14.1 on the residual SD, 15.3 on R^2, 13.8 on F (the README
 * of tests/data/nist puts numpy's lstsq at 11.0 and 11.8-12.5); asserted
 * at 1e-12, a decade of room for other compilers and libms. */
START_TEST(test_longley_certified)
{
    lr_data *d = load_csv(nist_path("Longley.csv"), "y");
    lr_stats_opts o = lr_stats_opts_default();
    lr_stats *s;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &o, &s),
                     LR_SUCCESS);
    for (size_t j = 0; j < 7; j++) {
        char b[8], sd[8];
        snprintf(b, sizeof b, "b%zu", j);
        snprintf(sd, sizeof sd, "sd_b%zu", j);
        const double eb = rel_err(s->estimate[j], certified_longley(b));
        const double es = rel_err(s->std_error[j], certified_longley(sd));
        ck_assert_msg(eb < 1e-12 && es < 1e-12, "b%zu: %.3g %.3g", j, eb, es);
    }
    const double esd = rel_err(s->sigma, certified_longley("resid_sd"));
    const double er2 = rel_err(s->r2, certified_longley("r_squared"));
    const double ef = rel_err(s->f_statistic, certified_longley("f_statistic"));
    ck_assert_msg(esd < 1e-12 && er2 < 1e-12 && ef < 1e-12, "sd %.3g r2 %.3g F %.3g",
                  esd, er2, ef);
    ck_assert_int_eq((int)s->rank, 7);
    ck_assert(s->df_residual == certified_longley("df_residual"));
    lr_stats_free(s);
    lr_data_free(d);
}
END_TEST

/* Identities on mtcars: t = estimate / se, intervals symmetric about the
 * estimate, HC0 = (n - p) / n HC1 in variance, and a negated y negates
 * every estimate, t and bound and keeps every se and p-value. */
START_TEST(test_identities)
{
    lr_data *d = load_csv(fixture_path("stats/mtcars.csv"), "y");
    lr_matrix X = lr_matrix_f64(d->X, d->n, d->p);
    lr_stats_opts o = lr_stats_opts_default();
    lr_stats *s, *h0, *h1, *neg;
    ck_assert_int_eq(lr_stats_fit(X, d->y, &o, &s), LR_SUCCESS);
    o.se = LR_SE_HC0;
    ck_assert_int_eq(lr_stats_fit(X, d->y, &o, &h0), LR_SUCCESS);
    o.se = LR_SE_HC1;
    ck_assert_int_eq(lr_stats_fit(X, d->y, &o, &h1), LR_SUCCESS);
    double *yn = malloc(d->n * sizeof *yn);
    for (size_t i = 0; i < d->n; i++)
        yn[i] = -d->y[i];
    o.se = LR_SE_CLASSICAL;
    ck_assert_int_eq(lr_stats_fit(X, yn, &o, &neg), LR_SUCCESS);
    const double scale = (double)(d->n - s->k) / (double)d->n;
    for (size_t j = 0; j < s->k; j++) {
        /* one division: exact to the bit */
        ck_assert(s->t[j] == s->estimate[j] / s->std_error[j]);
        /* est -+ q se: the midpoint within a few ulps of est's scale */
        ck_assert(fabs((s->ci_low[j] + s->ci_high[j]) / 2 - s->estimate[j])
                  <= 1e-14 * (fabs(s->estimate[j]) + s->ci_high[j] - s->ci_low[j]));
        ck_assert(rel_err(h0->std_error[j] * h0->std_error[j],
                          scale * h1->std_error[j] * h1->std_error[j]) < 1e-13);
        /* Householder reflections are odd in y: exact negation */
        ck_assert(neg->estimate[j] == -s->estimate[j]);
        ck_assert(neg->std_error[j] == s->std_error[j]);
        ck_assert(neg->p_value[j] == s->p_value[j]);
        ck_assert(neg->ci_low[j] == -s->ci_high[j]);
    }
    /* R^2 and F are the same for y and -y */
    ck_assert(rel_err(neg->r2, s->r2) < 1e-14);
    ck_assert(rel_err(neg->f_statistic, s->f_statistic) < 1e-13);
    /* AIC - BIC = (2 - log n)(rank + 1) */
    ck_assert(rel_err(s->aic - s->bic, (2 - log((double)d->n)) * (double)(s->rank + 1))
              < 1e-12);
    free(yn);
    lr_stats_free(s);
    lr_stats_free(h0);
    lr_stats_free(h1);
    lr_stats_free(neg);
    lr_data_free(d);
}
END_TEST

/* Rank deficiency: a column equal to another, a constant (collinear with
 * the intercept), a zero column: aliased, in file order, NaN numbers, and
 * the rest equal to the fit without them (an exact identity up to
 * rounding: the same span). */
START_TEST(test_aliased)
{
    lr_data *d = load_csv(fixture_path("stats/cars.csv"), "y");
    const size_t n = d->n, p = 4;
    double *X = malloc(n * p * sizeof *X);
    for (size_t i = 0; i < n; i++) {
        X[i * p] = 2.375;            /* constant */
        X[i * p + 1] = d->X[i];      /* speed */
        X[i * p + 2] = 0.0;          /* zero */
        X[i * p + 3] = 3.0 * d->X[i]; /* a multiple of speed */
    }
    lr_stats_opts o = lr_stats_opts_default();
    lr_stats *s, *ref;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, n, p), d->y, &o, &s), LR_SUCCESS);
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(d->X, n, 1), d->y, &o, &ref), LR_SUCCESS);
    ck_assert_int_eq((int)s->rank, 2);
    const int want[] = {0, 1, 0, 1, 1};
    for (size_t j = 0; j < 5; j++) {
        ck_assert_int_eq(s->aliased[j], want[j]);
        ck_assert(want[j] ? isnan(s->estimate[j]) && isnan(s->std_error[j])
                          && isnan(s->p_value[j]) : !isnan(s->p_value[j]));
    }
    ck_assert(rel_err(s->estimate[2], ref->estimate[1]) < 1e-12);
    ck_assert(rel_err(s->std_error[2], ref->std_error[1]) < 1e-12);
    ck_assert(rel_err(s->f_statistic, ref->f_statistic) < 1e-12);
    ck_assert(s->f_df1 == 1 && s->df_residual == (double)n - 2);
    ck_assert(s->cov_unscaled[1 * 5 + 1] == 0.0 && s->cov_unscaled[3 * 5 + 3] == 0.0);
    lr_stats_free(s);
    lr_stats_free(ref);
    free(X);
    lr_data_free(d);
}
END_TEST

/* Ridge: no standard errors; edf falls from the rank toward the intercept
 * as l2 grows (trace of the hat matrix), and the estimates are lr_solve's. */
START_TEST(test_ridge)
{
    lr_data *d = load_csv(fixture_path("stats/swiss.csv"), "y");
    lr_matrix X = lr_matrix_f64(d->X, d->n, d->p);
    lr_stats_opts o = lr_stats_opts_default();
    lr_stats *s;
    o.l2 = 1e-12;
    ck_assert_int_eq(lr_stats_fit(X, d->y, &o, &s), LR_SUCCESS);
    ck_assert(s->ridge && s->cov_unscaled == NULL);
    ck_assert(fabs(s->edf - (double)s->k) < 1e-6);
    for (size_t j = 0; j < s->k; j++)
        ck_assert(isnan(s->std_error[j]) && isnan(s->p_value[j]) && !isnan(s->estimate[j]));
    lr_stats_free(s);
    o.l2 = 1e9;
    ck_assert_int_eq(lr_stats_fit(X, d->y, &o, &s), LR_SUCCESS);
    ck_assert(s->edf > 1.0 && s->edf < 1.0 + 1e-3);
    lr_params par = lr_params_default();
    par.l2 = 1e9;
    double w[8], b, mse;
    ck_assert_int_eq(lr_solve(X, d->y, &par, w, &b, &mse), LR_SUCCESS);
    ck_assert(s->estimate[0] == b && s->estimate[1] == w[0]);
    lr_stats_free(s);
    lr_data_free(d);
}
END_TEST

/* Views: rows with a stride above cols give the same bits; a float copy
 * of X the statistics of its own (float-rounded) values, close to the
 * double ones (trees: values with 3 digits, rounding 6e-8 relative). */
START_TEST(test_views)
{
    lr_data *d = load_csv(fixture_path("stats/trees.csv"), "y");
    const size_t n = d->n, p = d->p, st = p + 3;
    double *W = calloc(n * st, sizeof *W);
    float *F = malloc(n * p * sizeof *F);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            W[i * st + j] = d->X[i * p + j];
            F[i * p + j] = (float)d->X[i * p + j];
        }
    lr_matrix Ws = {n, p, LR_F64, W, st};
    lr_stats_opts o = lr_stats_opts_default();
    o.se = LR_SE_HC3;
    lr_stats *a, *b, *f;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(d->X, n, p), d->y, &o, &a), LR_SUCCESS);
    ck_assert_int_eq(lr_stats_fit(Ws, d->y, &o, &b), LR_SUCCESS);
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f32(F, n, p), d->y, &o, &f), LR_SUCCESS);
    for (size_t j = 0; j < a->k; j++) {
        ck_assert(a->estimate[j] == b->estimate[j] && a->std_error[j] == b->std_error[j]);
        ck_assert(rel_err(f->estimate[j], a->estimate[j]) < 1e-5);
    }
    ck_assert(a->sigma == b->sigma && a->condition_number == b->condition_number);
    lr_stats_free(a);
    lr_stats_free(b);
    lr_stats_free(f);
    free(W);
    free(F);
    lr_data_free(d);
}
END_TEST

/* Columns scaled by 2^500 and 2^-500, where the Householder norms take
 * BLAS's scaled sum rather than the plain sum of squares (outside
 * [2^-480, 2^480]): the fit is the unscaled one's with the estimates and
 * standard errors divided by the scale (a power of two: exact but for the
 * rounding of the norms). Much further out the reflections' factors
 * themselves (1 / (|v| (|v| + |x0|))) leave double's range. */
START_TEST(test_scaled_columns)
{
    const size_t n = 40, p = 2;
    double X[80], Xs[80], y[40];
    for (size_t i = 0; i < n; i++) {
        X[i * p] = 1.0 + sin(0.7 * (double)i);
        X[i * p + 1] = cos(1.3 * (double)i) + 0.01 * (double)i;
        y[i] = 2.0 - X[i * p] + 0.5 * X[i * p + 1] + 0.1 * sin(5.1 * (double)i);
    }
    lr_stats_opts o = lr_stats_opts_default();
    o.intercept = 0; /* every column scaled: R is, and its SVD stays sound */
    lr_stats *ref, *s;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, n, p), y, &o, &ref), LR_SUCCESS);
    const double scale[] = {0x1p500, 0x1p-500};
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < n * p; i++)
            Xs[i] = X[i] * scale[t];
        ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(Xs, n, p), y, &o, &s), LR_SUCCESS);
        ck_assert_int_eq((int)s->rank, 2);
        for (size_t j = 0; j < p; j++) {
            ck_assert(rel_err(s->estimate[j] * scale[t], ref->estimate[j]) < 1e-13);
            ck_assert(rel_err(s->std_error[j] * scale[t], ref->std_error[j]) < 1e-12);
        }
        ck_assert(rel_err(s->sigma, ref->sigma) < 1e-13);
        ck_assert(rel_err(s->r2, ref->r2) < 1e-13);
        lr_stats_free(s);
    }
    lr_stats_free(ref);
}
END_TEST

/* Large enough for the parallel paths (the copy, the reflections, Q1 and
 * the HC meat by blocks of rows): the same bits on 1, 2 and 3 threads, for
 * double and float X; estimates equal to GSL's least squares (lr_solve_exact)
 * to 1e-10; HC1 = HC0 n / (n - k) to 1e-13. */
START_TEST(test_threads_bits)
{
    const size_t n = 20011, p = 9;
    lr_data *d = gen_fast_data(n, p, 17, 3.0, 1.5);
    double w[9], b, mse;
    float *F = malloc(n * p * sizeof *F);
    for (size_t i = 0; i < n * p; i++)
        F[i] = (float)d->X[i];
    ck_assert_int_eq(lr_solve_exact(lr_matrix_f64(d->X, n, p), d->y, w, &b, &mse), LR_SUCCESS);
    const int saved = omp_get_max_threads();
    const int ses[] = {LR_SE_CLASSICAL, LR_SE_HC0, LR_SE_HC1, LR_SE_HC3};
    for (int f = 0; f < 2; f++)
        for (int e = 0; e < 4; e++) {
            lr_stats_opts o = lr_stats_opts_default();
            o.se = ses[e];
            lr_matrix X = f ? lr_matrix_f32(F, n, p) : lr_matrix_f64(d->X, n, p);
            lr_stats *s[3];
            for (int t = 0; t < 3; t++) {
                omp_set_num_threads(t + 1);
                ck_assert_int_eq(lr_stats_fit(X, d->y, &o, &s[t]), LR_SUCCESS);
            }
            for (int t = 1; t < 3; t++) {
                for (size_t j = 0; j <= p; j++) {
                    ck_assert(s[t]->estimate[j] == s[0]->estimate[j]);
                    ck_assert(s[t]->std_error[j] == s[0]->std_error[j]);
                }
                ck_assert(s[t]->sigma == s[0]->sigma && s[t]->r2 == s[0]->r2);
            }
            if (!f) {
                ck_assert(rel_err(s[0]->estimate[0], b) < 1e-10);
                for (size_t j = 0; j < p; j++)
                    ck_assert(rel_err(s[0]->estimate[j + 1], w[j]) < 1e-10);
            }
            for (int t = 0; t < 3; t++)
                lr_stats_free(s[t]);
        }
    lr_stats_opts o0 = lr_stats_opts_default(), o1 = o0;
    o0.se = LR_SE_HC0;
    o1.se = LR_SE_HC1;
    lr_stats *h0, *h1;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(d->X, n, p), d->y, &o0, &h0), LR_SUCCESS);
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(d->X, n, p), d->y, &o1, &h1), LR_SUCCESS);
    const double ratio = (double)n / (double)(n - p - 1);
    for (size_t j = 0; j <= p; j++)
        ck_assert(rel_err(h1->std_error[j] * h1->std_error[j],
                          ratio * h0->std_error[j] * h0->std_error[j]) < 1e-13);
    omp_set_num_threads(saved);
    lr_stats_free(h0);
    lr_stats_free(h1);
    free(F);
    lr_data_free(d);
}
END_TEST

START_TEST(test_errors)
{
    double X[6] = {1.5, 2.25, 3.125, 4.0625, 5.5, 6.75}, y[6] = {1, 2, 3, 5, 4, 6};
    lr_stats_opts o = lr_stats_opts_default();
    lr_stats *s = (lr_stats *)1;
    o.level = 1.0;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 6, 1), y, &o, &s), LR_EINVAL);
    ck_assert(s == NULL);
    o.level = 0.95;
    o.se = 7;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 6, 1), y, &o, &s), LR_EINVAL);
    o.se = LR_SE_HC2;
    o.l2 = -1;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 6, 1), y, &o, &s), LR_EINVAL);
    o.l2 = 0;
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 0, 1), y, &o, &s), LR_EINVAL);
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 6, 1), NULL, &o, &s), LR_EINVAL);
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 6, 1), y, NULL, &s), LR_EINVAL);
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 6, 1), y, &o, NULL), LR_EINVAL);
    lr_stats_free(NULL);
    double w = 1, lo[6], hi[6], C[4] = {1, 0, 0, 1};
    ck_assert_int_eq(lr_predict_interval(lr_matrix_f64(X, 6, 1), &w, 0, 1, C, 1, 4, 3,
                                         0.95, NULL, lo, hi), LR_EINVAL);
    ck_assert_int_eq(lr_predict_interval(lr_matrix_f64(X, 6, 1), &w, 0, 1, C, 1, 0,
                                         LR_INTERVAL_CONFIDENCE, 0.95, NULL, lo, hi),
                     LR_EINVAL);
    ck_assert_int_eq(lr_predict_interval(lr_matrix_f64(X, 6, 1), &w, 0, 1, NULL, 1, 4,
                                         LR_INTERVAL_CONFIDENCE, 0.95, NULL, lo, hi),
                     LR_EINVAL);
    ck_assert_str_eq(lr_se_name(LR_SE_HC3), "hc3");
    ck_assert_str_eq(lr_se_name(9), "?");
    ck_assert_int_eq(lr_se_parse("hc1"), LR_SE_HC1);
    ck_assert_int_eq(lr_se_parse("HC1"), -1);
    /* n = rank: no residual degrees of freedom, NaN rather than a crash */
    o = lr_stats_opts_default();
    ck_assert_int_eq(lr_stats_fit(lr_matrix_f64(X, 2, 1), y, &o, &s), LR_SUCCESS);
    ck_assert(s->df_residual == 0 && isnan(s->sigma) && isnan(s->p_value[1]));
    lr_stats_free(s);
}
END_TEST

Suite *suite_stats(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fixtures);
    tcase_add_test(tc, test_longley_certified);
    tcase_add_test(tc, test_identities);
    tcase_add_test(tc, test_aliased);
    tcase_add_test(tc, test_ridge);
    tcase_add_test(tc, test_views);
    tcase_add_test(tc, test_scaled_columns);
    tcase_add_test(tc, test_threads_bits);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}
