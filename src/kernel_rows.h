/* kernel_rows.h -- the serial fused pass over a range of rows, written
 * once for X stored as double and as float (sums always in double).
 * Included by kernels.c with LR_T (the element type) and LR_FN (the name
 * mangling) defined, the way GSL instantiates its templates. */

/* The dot product x_i.w is summed in four lanes (lane l takes j = l mod 4),
 * combined as (l0 + l1) + (l2 + l3): a fixed order, so results do not
 * depend on the thread count, and one the compiler turns into vector
 * instructions (a single running sum would be bound by the latency of one
 * add per feature). No FMA contraction (-std=c11), so the AVX2 and the
 * baseline clones give identical bits. */
static inline double LR_FN(dot4)(const LR_T *x, const double *w, size_t p)
{
    double t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
    size_t j = 0;
    for (; j + 4 <= p; j += 4) {
        t0 += x[j] * w[j];
        t1 += x[j + 1] * w[j + 1];
        t2 += x[j + 2] * w[j + 2];
        t3 += x[j + 3] * w[j + 3];
    }
    if (j < p)
        t0 += x[j] * w[j];
    if (j + 1 < p)
        t1 += x[j + 1] * w[j + 1];
    if (j + 2 < p)
        t2 += x[j + 2] * w[j + 2];
    return (t0 + t1) + (t2 + t3);
}


/* For wide rows four lanes are still one chain of dependent vector adds
 * (p/4 deep); sixteen lanes (four vectors) keep the adder busy. Lane l takes
 * j = l mod 16; the lanes are combined pairwise in a fixed tree. */
static inline double LR_FN(dot16)(const LR_T *x, const double *w, size_t p)
{
    double t[16] = {0};
    size_t j = 0;
    for (; j + 16 <= p; j += 16)
        for (int l = 0; l < 16; l++)
            t[l] += x[j + (size_t)l] * w[j + (size_t)l];
    for (int l = 0; j + (size_t)l < p; l++)
        t[l] += x[j + (size_t)l] * w[j + (size_t)l];
    for (int h = 8; h >= 1; h /= 2)
        for (int l = 0; l < h; l++)
            t[l] = t[l] + t[l + h];
    return t[0];
}

/* The dot product of one row: its lane count depends on p only. */
static inline __attribute__((always_inline)) double
LR_FN(dotp)(const LR_T *x, const double *w, size_t p)
{
    return p >= 32 ? LR_FN(dot16)(x, w, p) : LR_FN(dot4)(x, w, p);
}

/* Two rows a step: their gradient contributions are added to acc[j] in
 * row order in one sweep over j. Inlined with a constant p for common
 * small widths, so the compiler unrolls the loops over features. */
static inline __attribute__((always_inline)) void
LR_FN(rows_fixed)(const LR_T *restrict X, const double *restrict y, size_t p,
             const double *restrict w, double b, size_t lo, size_t hi,
             double *restrict acc)
{
    double gb = 0.0, sse = 0.0;
    size_t i = lo;
    for (; i + 2 <= hi; i += 2) {
        const LR_T *x0 = X + i * p, *x1 = x0 + p;
        /* The hardware prefetcher alone leaves this loop waiting on memory
         * (measured: 1.5x a plain read at 1e6 x 16); fetch the lines of the
         * rows LR_PF doubles ahead. Prefetching past the end is harmless. */
        for (size_t q = 0; q < 2 * p; q += 64 / sizeof(LR_T))
            __builtin_prefetch(x0 + LR_PF + q);
        double r0 = LR_FN(dotp)(x0, w, p) + b - y[i];
        double r1 = LR_FN(dotp)(x1, w, p) + b - y[i + 1];
        for (size_t j = 0; j < p; j++)
            acc[j] = (acc[j] + r0 * x0[j]) + r1 * x1[j];
        gb = (gb + r0) + r1;
        sse = (sse + r0 * r0) + r1 * r1;
    }
    for (; i < hi; i++) {
        const LR_T *xi = X + i * p;
        double r = LR_FN(dotp)(xi, w, p) + b - y[i];
        for (size_t j = 0; j < p; j++)
            acc[j] += r * xi[j];
        gb += r;
        sse += r * r;
    }
    acc[p] += gb;
    acc[p + 1] += sse;
}

#ifdef LR_T_IS_DOUBLE
/* Four rows a step for p = 4, 8, 16, with GCC vector types (AVX2 in one
 * clone, SSE2 pairs in the other): the four dot products run as four
 * vector chains and their horizontal sums as two shuffle-and-add rounds,
 * where rows_fixed pays a scalar tail per row. Every sum is formed in the
 * same order as rows_fixed (lanes l = j mod 4 from 0, then
 * (l0 + l1) + (l2 + l3); gradient, bias and loss sums row after row), so
 * the bits are the same; only the speed differs. */
typedef double lr_v4d __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) lr_v4d v4_load(const double *p)
{
    lr_v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void
rows4_vec(const double *restrict X, const double *restrict y, size_t p,
          const double *restrict w, double b, size_t lo, size_t hi,
          double *restrict acc)
{
    const size_t q = p / 4;
    lr_v4d a[4], wv[4];
    for (size_t k = 0; k < q; k++) {
        a[k] = v4_load(acc + 4 * k);
        wv[k] = v4_load(w + 4 * k);
    }
    const lr_v4d bv = {b, b, b, b};
    double gb = 0.0, sse = 0.0;
    size_t i = lo;
    for (; i + 4 <= hi; i += 4) {
        const double *x0 = X + i * p;
        for (size_t o = 0; o < 4 * p; o += 8)
            __builtin_prefetch(x0 + LR_PF + o);
        lr_v4d t0 = {0, 0, 0, 0}, t1 = t0, t2 = t0, t3 = t0;
        for (size_t k = 0; k < q; k++) {
            t0 += v4_load(x0 + 4 * k) * wv[k];
            t1 += v4_load(x0 + p + 4 * k) * wv[k];
            t2 += v4_load(x0 + 2 * p + 4 * k) * wv[k];
            t3 += v4_load(x0 + 3 * p + 4 * k) * wv[k];
        }
        /* [(t0_0 + t0_1) + (t0_2 + t0_3), ... t3] */
        lr_v4d h01 = __builtin_shufflevector(t0, t1, 0, 4, 2, 6)
                     + __builtin_shufflevector(t0, t1, 1, 5, 3, 7);
        lr_v4d h23 = __builtin_shufflevector(t2, t3, 0, 4, 2, 6)
                     + __builtin_shufflevector(t2, t3, 1, 5, 3, 7);
        lr_v4d s = __builtin_shufflevector(h01, h23, 0, 1, 4, 5)
                   + __builtin_shufflevector(h01, h23, 2, 3, 6, 7);
        lr_v4d r = (s + bv) - v4_load(y + i);
        gb = (((gb + r[0]) + r[1]) + r[2]) + r[3];
        sse = (((sse + r[0] * r[0]) + r[1] * r[1]) + r[2] * r[2]) + r[3] * r[3];
        const lr_v4d r0 = {r[0], r[0], r[0], r[0]}, r1 = {r[1], r[1], r[1], r[1]};
        const lr_v4d r2 = {r[2], r[2], r[2], r[2]}, r3 = {r[3], r[3], r[3], r[3]};
        for (size_t k = 0; k < q; k++)
            a[k] = (((a[k] + r0 * v4_load(x0 + 4 * k))
                     + r1 * v4_load(x0 + p + 4 * k))
                    + r2 * v4_load(x0 + 2 * p + 4 * k))
                   + r3 * v4_load(x0 + 3 * p + 4 * k);
    }
    for (size_t k = 0; k < q; k++)
        memcpy(acc + 4 * k, &a[k], sizeof a[k]);
    acc[p] += gb;
    acc[p + 1] += sse;
    if (i < hi) /* the last rows, in the same order */
        rows_fixed(X, y, p, w, b, i, hi, acc);
}
#endif

__attribute__((target_clones("avx2", "default")))
void LR_FN(lr_kernel_rows)(const LR_T *restrict X, const double *restrict y,
                    size_t p, const double *restrict w, double b, size_t lo,
                    size_t hi, double *restrict acc)
{
    if (p == 1) {
        const double w0 = w[0];
        double g0 = 0.0, gb = 0.0, sse = 0.0;
        for (size_t i = lo; i < hi; i++) {
            double r = X[i] * w0 + b - y[i];
            g0 += r * X[i];
            gb += r;
            sse += r * r;
        }
        acc[0] += g0;
        acc[1] += gb;
        acc[2] += sse;
        return;
    }
    switch (p) {
    case 2: LR_FN(rows_fixed)(X, y, 2, w, b, lo, hi, acc); break;
#ifdef LR_T_IS_DOUBLE
    case 4: rows4_vec(X, y, 4, w, b, lo, hi, acc); break;
    case 8: rows4_vec(X, y, 8, w, b, lo, hi, acc); break;
    case 16: rows4_vec(X, y, 16, w, b, lo, hi, acc); break;
#else
    case 4: LR_FN(rows_fixed)(X, y, 4, w, b, lo, hi, acc); break;
    case 8: LR_FN(rows_fixed)(X, y, 8, w, b, lo, hi, acc); break;
    case 16: LR_FN(rows_fixed)(X, y, 16, w, b, lo, hi, acc); break;
#endif
    case 32: LR_FN(rows_fixed)(X, y, 32, w, b, lo, hi, acc); break;
    default: LR_FN(rows_fixed)(X, y, p, w, b, lo, hi, acc); break;
    }
}


/* Gram accumulation over rows [lo, hi): with xa = [x, 1] (m = p + 1),
 * G[j*m + k] += xa_j xa_k for k >= j (upper triangle), c[j] += xa_j y,
 * *yy += y^2. Eight rows a step: for each j the eight rank-one updates run
 * in row order, each vectorised over k. */
__attribute__((target_clones("avx2", "default")))
void LR_FN(lr_gram_rows)(const LR_T *restrict X, const double *restrict y,
                         size_t p, size_t lo, size_t hi, double *restrict G,
                         double *restrict c, double *restrict yy)
{
    const size_t m = p + 1;
    size_t i = lo;
    while (i < hi) {
        const size_t R = hi - i < 8 ? hi - i : 8;
        const LR_T *x0 = X + i * p;
        for (size_t j = 0; j < p; j++) {
            double *Gj = G + j * m;
            for (size_t r = 0; r < R; r++) {
                const LR_T *xr = x0 + r * p;
                const double a = (double)xr[j];
                for (size_t k = j; k < p; k++)
                    Gj[k] += a * (double)xr[k];
                Gj[p] += a;
            }
        }
        for (size_t r = 0; r < R; r++) {
            const LR_T *xr = x0 + r * p;
            const double yr = y[i + r];
            for (size_t j = 0; j < p; j++)
                c[j] += (double)xr[j] * yr;
            c[p] += yr;
            G[p * m + p] += 1.0;
            *yy += yr * yr;
        }
        i += R;
    }
}

/* Power-iteration product over rows [lo, hi): with s_i = x_i.v + vb,
 * acc[j] += s_i x_ij (j < p) and acc[p] += s_i, i.e. Xa^T (Xa [v, vb]). */
void LR_FN(lr_xtxv_rows)(const LR_T *restrict X, size_t p,
                         const double *restrict v, double vb, size_t lo,
                         size_t hi, double *restrict acc)
{
    double sb = 0.0;
    for (size_t i = lo; i < hi; i++) {
        const LR_T *xi = X + i * p;
        double s = LR_FN(dotp)(xi, v, p) + vb;
        for (size_t j = 0; j < p; j++)
            acc[j] += s * (double)xi[j];
        sb += s;
    }
    acc[p] += sb;
}

/* The same pass with residuals, products and sums in long double (x87
 * extended precision on x86-64: 64-bit significands). Used for small
 * problems on the serial path, where the cost is nothing and ill-conditioned
 * data (NIST Wampler5: residuals of 2e7 against x^5 of 3e6) need the
 * gradient's cancellation to lose fewer digits. */
void LR_FN(lr_kernel_rows_ld)(const LR_T *restrict X, const double *restrict y,
                              size_t p, const double *restrict w, double b,
                              size_t lo, size_t hi, double *restrict acc)
{
    long double a[LR_LD_MAX_P + 2];
    for (size_t j = 0; j < p + 2; j++)
        a[j] = 0.0L;
    for (size_t i = lo; i < hi; i++) {
        const LR_T *xi = X + i * p;
        long double s = 0.0L;
        for (size_t j = 0; j < p; j++)
            s += (long double)xi[j] * (long double)w[j];
        long double r = s + (long double)b - (long double)y[i];
        for (size_t j = 0; j < p; j++)
            a[j] += r * (long double)xi[j];
        a[p] += r;
        a[p + 1] += r * r;
    }
    for (size_t j = 0; j < p + 2; j++)
        acc[j] += (double)a[j];
}
