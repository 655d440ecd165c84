/* fit.c -- liblinreg in a few calls: generate data as scikit-learn's
 * make_regression would, fit it by gradient descent with the automatic
 * step size, print the weights next to the true coefficients, and predict.
 * X is handed to the library as an lr_matrix view (lr_matrix_f64 for
 * doubles, lr_matrix_f32 for floats); the library never copies it.
 *
 * Build against the installed library (make examples does this):
 *     cc -std=c11 fit.c $(pkg-config --cflags --libs linreg) -o fit
 */
#include <stdio.h>
#include <stdlib.h>

#include <linreg.h>

int main(void)
{
    /* 1000 rows, 3 features, noise 1.0, seed 7: the data and the true
     * coefficients of make_regression(1000, 3, noise=1.0, random_state=7). */
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = 1000;
    gp.n_features = 3;
    gp.noise = 1.0;
    gp.seed = 7;
    lr_data *d = lr_data_alloc(gp.n_samples, gp.n_features);
    double coef[3];
    if (!d || lr_generate(&gp, d->X, d->y, coef) != LR_SUCCESS) {
        fprintf(stderr, "fit: cannot generate the data\n");
        return 1;
    }

    /* Gradient descent with the tutorial's defaults but more iterations
     * and the step 1/L, L the largest eigenvalue of [X 1]^T [X 1] / n,
     * estimated by the library (LR_LR_AUTO): stable for any data. */
    lr_params par = lr_params_default();
    par.lr = LR_LR_AUTO;
    par.max_iter = 2000;
    lr_matrix X = lr_matrix_f64(d->X, d->n, d->p);
    lr_model *m = lr_model_alloc(d->p);
    lr_result res;
    int st = m ? lr_fit(X, d->y, &par, m, &res) : LR_ENOMEM;
    if (st != LR_SUCCESS) {
        fprintf(stderr, "fit: %s\n", lr_strerror(st));
        return 1;
    }
    printf("%zu iterations (%s), MSE %.6g\n", res.iterations,
           lr_stop_name(res.stop_reason), res.final_mse);
    const double *w = lr_model_weights(m);
    for (size_t j = 0; j < d->p; j++)
        printf("w[%zu] = %10.6f   true %10.6f\n", j, w[j], coef[j]);
    printf("b    = %10.6f   true %10.6f\n", lr_model_bias(m), 0.0);

    /* Predict the first three rows: a view of them alone. */
    double pred[3];
    lr_predict(lr_matrix_f64(d->X, 3, d->p), w, lr_model_bias(m), pred);
    for (int i = 0; i < 3; i++)
        printf("row %d: predicted %10.4f, observed %10.4f\n", i, pred[i], d->y[i]);

    lr_model_free(m);
    lr_data_free(d);
    return 0;
}
