/* check_common.h -- helpers shared by the Check suites. */
#ifndef CHECK_COMMON_H
#define CHECK_COMMON_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linreg.h"

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
/* A temporary file name (static buffer, unique per call). */
const char *tmp_path(const char *suffix);

#endif
