/* check_common.h -- helpers shared by the Check suites. */
#ifndef CHECK_COMMON_H
#define CHECK_COMMON_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linreg.h"
#include "lr_util.h"

Suite *suite_generate(void);
Suite *suite_gradient(void);
Suite *suite_train(void);
Suite *suite_threads(void);
Suite *suite_io(void);
Suite *suite_solvers(void);
Suite *suite_exact(void);
Suite *suite_input(void);
Suite *suite_convergence(void);
Suite *suite_output(void);
Suite *suite_kernels(void);
Suite *suite_api(void);
Suite *suite_csv_speed(void);
Suite *suite_cv(void);
Suite *suite_stats(void);
Suite *suite_dtoa(void);
Suite *suite_gram(void);
Suite *suite_load(void);

/* Path of a fixture file (tests/fixtures, or $LR_FIXTURES) in a static
 * buffer. */
const char *fixture_path(const char *name);
/* Path of a NIST StRD file (tests/data/nist, or $LR_NIST_DIR). */
const char *nist_path(const char *name);
/* Reads a CSV through lr_csv_read; fails the test if it cannot. */
lr_data *load_csv(const char *path, const char *target);
/* n x p data from the fast generator (every feature informative up to
 * 10), with the given seed, noise and bias; fails the test if it cannot. */
lr_data *gen_fast_data(size_t n, size_t p, uint64_t seed, double noise, double bias);
/* Units in the last place between a and b (0 when equal). */
uint64_t ulp_diff(double a, double b);
/* |a - b| / max(|b|, tiny). */
double rel_err(double a, double b);
/* A certified NIST coefficient: dataset, param ("b0".."b10"). */
double nist_certified(const char *dataset, const char *param);
/* lr_gd_alloc's workspace, or NULL (its status is tested in check_api.c). */
static inline lr_gd *ck_gd_alloc(lr_matrix X, const double *y,
                                 const lr_params *par)
{
    lr_gd *gd;
    return lr_gd_alloc(X, y, par, &gd) == LR_SUCCESS ? gd : NULL;
}
/* The row kernels' instruction sets, narrowest first: the tests that
 * compare the paths loop k over [0, CK_NISA) and skip the ones this CPU
 * cannot run (ck_isa_use); lr_kernel_isa_set(NULL) restores the default. */
enum { CK_NISA = 3 };
static inline const char *ck_isa(int k)
{
    static const char *const name[CK_NISA] = {"baseline", "avx2", "avx512"};
    return name[k];
}
/* Runs the kernels on ck_isa(k): 1, or 0 where this CPU lacks it (the
 * baseline, which every x86-64 CPU runs, is never skipped: a loop that
 * skipped every path would compare nothing). */
static inline int ck_isa_use(int k)
{
    const int ok = lr_kernel_isa_set(ck_isa(k)) == LR_SUCCESS;
    ck_assert_msg(ok || k > 0, "the baseline kernels were refused");
    return ok;
}
/* A temporary file name (static buffer, unique per call). */
const char *tmp_path(const char *suffix);

#endif
