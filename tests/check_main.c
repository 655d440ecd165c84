/* check_main.c -- runs every Check suite. Check forks each test; the parent
 * never enters an OpenMP region (libgomp is not fork-safe after one). */
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "check_common.h"

const char *fixture_path(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("LR_FIXTURES");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests/fixtures", name);
    return buf;
}

const char *nist_path(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("LR_NIST_DIR");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests/data/nist", name);
    return buf;
}

lr_data *load_csv(const char *path, const char *target)
{
    char err[512] = "";
    lr_data *d = NULL;
    int st = lr_csv_read(path, target, &d, err, sizeof err);
    ck_assert_msg(st == LR_SUCCESS, "cannot read %s: %s", path, err);
    return d;
}

lr_data *gen_fast_data(size_t n, size_t p, uint64_t seed, double noise, double bias)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.n_informative = p < 10 ? p : 10;
    gp.noise = noise;
    gp.bias = bias;
    gp.seed = seed;
    gp.generator = LR_GEN_FAST;
    lr_data *d = lr_data_alloc(n, p);
    double *c = malloc(p * sizeof *c);
    ck_assert(d != NULL && c != NULL);
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, c), LR_SUCCESS);
    free(c);
    return d;
}

uint64_t ulp_diff(double a, double b)
{
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0)
        ia = INT64_MIN - ia;
    if (ib < 0)
        ib = INT64_MIN - ib;
    return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}

double rel_err(double a, double b)
{
    double s = fabs(b) > 1e-300 ? fabs(b) : 1e-300;
    return fabs(a - b) / s;
}

double nist_certified(const char *dataset, const char *param)
{
    FILE *f = fopen(nist_path("certified_coefficients.csv"), "r");
    ck_assert_msg(f != NULL, "cannot open %s", nist_path("certified_coefficients.csv"));
    char line[512];
    double v = NAN;
    while (fgets(line, sizeof line, f)) {
        char ds[64], pa[16];
        double est;
        if (sscanf(line, "%63[^,],%15[^,],%*[^,],%lf", ds, pa, &est) == 3
            && strcmp(ds, dataset) == 0 && strcmp(pa, param) == 0) {
            v = est;
            break;
        }
    }
    fclose(f);
    ck_assert_msg(!isnan(v), "no certified %s %s", dataset, param);
    return v;
}

const char *tmp_path(const char *suffix)
{
    static char buf[256];
    static int count;
    snprintf(buf, sizeof buf, "/tmp/linreg-check-%ld-%d%s", (long)getpid(),
             count++, suffix);
    return buf;
}

int main(void)
{
    gsl_set_error_handler_off();
    SRunner *sr = srunner_create(suite_generate());
    srunner_add_suite(sr, suite_gradient());
    srunner_add_suite(sr, suite_train());
    srunner_add_suite(sr, suite_threads());
    srunner_add_suite(sr, suite_io());
    srunner_add_suite(sr, suite_solvers());
    srunner_add_suite(sr, suite_exact());
    srunner_add_suite(sr, suite_input());
    srunner_add_suite(sr, suite_convergence());
    srunner_add_suite(sr, suite_output());
    srunner_add_suite(sr, suite_kernels());
    srunner_add_suite(sr, suite_api());
    srunner_add_suite(sr, suite_csv_speed());
    srunner_add_suite(sr, suite_cv());
    srunner_add_suite(sr, suite_stats());
    srunner_add_suite(sr, suite_dtoa());
    srunner_add_suite(sr, suite_gram());
    srunner_add_suite(sr, suite_load());
    srunner_run_all(sr, CK_NORMAL);
    int run = srunner_ntests_run(sr), failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("check: %d passed, %d failed\n", run - failed, failed);
    return failed == 0 ? 0 : 1;
}
