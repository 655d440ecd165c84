/* matrix.c -- the lr_matrix view at the library's boundary: checked, and
 * turned into the X (double) or Xf (float) pointer of the kernels. */
#include "lr_internal.h"

int lr_matrix_valid(const lr_matrix *A)
{
    return (A->data || A->rows == 0 || A->cols == 0) && (A->type == LR_F64 || A->type == LR_F32)
           && A->stride >= A->cols;
}

int lr_matrix_rows(const lr_matrix *A, const double **X, const float **Xf)
{
    *X = NULL;
    *Xf = NULL;
    if (!lr_matrix_valid(A) || A->rows == 0 || A->cols == 0
        || (A->stride != A->cols && A->rows > 1))
        return LR_EINVAL;
    if (A->type == LR_F32)
        *Xf = A->data;
    else
        *X = A->data;
    return LR_SUCCESS;
}
