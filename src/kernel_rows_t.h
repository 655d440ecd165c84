/* kernel_rows_t.h -- the serial passes over a range of rows, written once
 * for X stored as double and as float (sums always in double). Included
 * twice by kernel_rows.h with LR_T (the element type) and LR_FN (the name
 * mangling) defined, the way GSL instantiates its templates. */

/* The dot product x_i.w is summed in four lanes (lane l takes j = l mod 4),
 * combined as (l0 + l1) + (l2 + l3): a fixed order, so results do not
 * depend on the thread count, and one the compiler turns into vector
 * instructions (a single running sum would be bound by the latency of one
 * add per feature). No FMA contraction (-std=c11), so the AVX2 and the
 * baseline clones give identical bits. */
static inline __attribute__((always_inline)) double
LR_FN(dot4)(const LR_T *x, const double *w, size_t p)
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
 * j = l mod 16, lane l of the sixteen being element l mod 4 of vector
 * l / 4, kept in registers (a plain array indexed by a variable in the tail
 * lived in memory, one store-to-load wait per sixteen elements); the lanes
 * are combined pairwise in a fixed tree: t[l] + t[l + h] for h = 8, 4, 2,
 * 1. */
#ifndef LR_V4D_DEFINED
#define LR_V4D_DEFINED
typedef double lr_v4d __attribute__((vector_size(32)));
#endif
typedef LR_T LR_FN(lr_v4t) __attribute__((vector_size(4 * sizeof(LR_T))));

static inline __attribute__((always_inline)) lr_v4d LR_FN(v4_cvt)(const LR_T *p)
{
    LR_FN(lr_v4t) v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, lr_v4d);
}

static inline __attribute__((always_inline)) double
LR_FN(dot16)(const LR_T *x, const double *w, size_t p, int stream)
{
    lr_v4d t0 = {0, 0, 0, 0}, t1 = t0, t2 = t0, t3 = t0, wv;
    size_t j = 0;
    for (; j + 16 <= p; j += 16) {
#if LR_PF > 0
        /* wide rows fetch ahead as they stream (see rows_pr) */
        if (stream && p >= LR_DOT_PF_MIN) {
            __builtin_prefetch((const char *)(x + j) + LR_DOT_PF);
            if (sizeof(LR_T) == sizeof(double))
                __builtin_prefetch((const char *)(x + j) + LR_DOT_PF + 64);
        }
#endif
        memcpy(&wv, w + j, sizeof wv);
        t0 += LR_FN(v4_cvt)(x + j) * wv;
        memcpy(&wv, w + j + 4, sizeof wv);
        t1 += LR_FN(v4_cvt)(x + j + 4) * wv;
        memcpy(&wv, w + j + 8, sizeof wv);
        t2 += LR_FN(v4_cvt)(x + j + 8) * wv;
        memcpy(&wv, w + j + 12, sizeof wv);
        t3 += LR_FN(v4_cvt)(x + j + 12) * wv;
    }
    /* the last p mod 16 elements, lanes 0, 1, ... in order: whole groups
     * of four straight from the row, the rest in a vector whose unused
     * lanes hold -0.0, the exact identity of addition (constant lane
     * indices only: the accumulators stay in registers) */
    const size_t full = (p - j) / 4, part = (p - j) % 4;
#define LR_DOT_GROUP(t, k) \
    do { \
        memcpy(&wv, w + j + 4 * (k), sizeof wv); \
        t += LR_FN(v4_cvt)(x + j + 4 * (k)) * wv; \
    } while (0)
    if (full > 0)
        LR_DOT_GROUP(t0, 0);
    if (full > 1)
        LR_DOT_GROUP(t1, 1);
    if (full > 2)
        LR_DOT_GROUP(t2, 2);
#undef LR_DOT_GROUP
    j += 4 * full;
    if (part) {
        lr_v4d u = {-0.0, -0.0, -0.0, -0.0};
        u[0] = (double)x[j] * w[j];
        if (part > 1)
            u[1] = (double)x[j + 1] * w[j + 1];
        if (part > 2)
            u[2] = (double)x[j + 2] * w[j + 2];
        if (full == 0)
            t0 += u;
        else if (full == 1)
            t1 += u;
        else if (full == 2)
            t2 += u;
        else
            t3 += u;
    }
    /* the tree t[l] + t[l + h], h = 8, 4, 2, 1, in registers */
    const lr_v4d v = (t0 + t2) + (t1 + t3);
    return (v[0] + v[2]) + (v[1] + v[3]);
}

/* The dot product of one row: its lane count depends on p only. */
static inline __attribute__((always_inline)) double
LR_FN(dotp)(const LR_T *x, const double *w, size_t p, int stream)
{
    return p >= 32 ? LR_FN(dot16)(x, w, p, stream) : LR_FN(dot4)(x, w, p);
}

#ifdef LR_T_IS_DOUBLE
/* Four rows a step for p = 4, 8, 16, with GCC vector types (AVX2 or
 * AVX-512 registers, or SSE2 pairs in the baseline table): the four dot
 * products run as four vector chains and their horizontal sums as two
 * shuffle-and-add rounds. Every sum is formed in the order of blk_rows
 * (lanes l = j mod 4 from 0, then (l0 + l1) + (l2 + l3); gradient, bias and
 * loss sums row after row), so the bits are the same. R is a multiple of 4. */
static inline __attribute__((always_inline)) lr_v4d v4_load(const double *p)
{
    lr_v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void
blk4_vec(const double *restrict X, const double *restrict y, size_t p,
         size_t R, const double *restrict w, double b, double *restrict acc,
         double *restrict gbp, double *restrict ssep)
{
    const size_t q = p / 4;
    lr_v4d a[4], wv[4];
    for (size_t k = 0; k < q; k++) {
        a[k] = v4_load(acc + 4 * k);
        wv[k] = v4_load(w + 4 * k);
    }
    const lr_v4d bv = {b, b, b, b};
    double gb = *gbp, sse = *ssep;
    for (size_t i = 0; i < R; i += 4) {
        const double *x0 = X + i * p;
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
    *gbp = gb;
    *ssep = sse;
}
#endif

#ifdef LR_T_IS_DOUBLE
/* One block of R rows of doubles xb (R x P, row-major) and their targets
 * yb: the R residuals, then acc[j] += r_k x_kj through the rows in order,
 * then the bias and loss sums (see rows_pr). */
static inline __attribute__((always_inline)) void
blk_rows(const double *restrict xb, const double *restrict yb, size_t P,
         int stream,
         size_t R, const double *restrict w, double b, double *restrict acc,
         double *restrict gb, double *restrict sse)
{
    if ((P == 4 || P == 8 || P == 16) && R % 4 == 0) {
        blk4_vec(xb, yb, P, R, w, b, acc, gb, sse);
        return;
    }
    double r[8];
    for (size_t k = 0; k < R; k++)
        r[k] = (dotp(xb + k * P, w, P, stream) + b) - yb[k];
    for (size_t j = 0; j < P; j++) {
        double a = acc[j];
        for (size_t k = 0; k < R; k++)
            a = a + r[k] * xb[k * P + j];
        acc[j] = a;
    }
    double g = *gb, s = *sse;
    for (size_t k = 0; k < R; k++) {
        g = g + r[k];
        s = s + r[k] * r[k];
    }
    *gb = g;
    *sse = s;
}
#endif

/* The fused pass over rows [lo, hi) for a width P known at compile time
 * (inlined with a constant) or not, R rows a block (a constant).
 *
 * The sums, and so the bits, are those the kernel always had: for each row
 * r_i = (x_i.w + b) - y_i with the dot product of dotp; acc[j] += r_i x_ij,
 * gb += r_i and sse += r_i^2 in row order. What changed is only how the
 * work is laid out: all R residuals of a block first (R independent dot
 * products), then for each feature j one running sum through the R rows
 * (a chain of R adds that vectorises across j; acc is read and written once
 * a block, not once a row). Float X is widened a block at a time into a
 * small double buffer (exact), so a float pass gives the bits of the double
 * pass over (double)X; every width keeps that.
 *
 * For p = 8 and 16 the bias and loss sums of the last (hi - lo) mod 4 rows
 * start afresh and are added at the end: the order of the earlier four-row
 * kernel for those widths, kept so their bits do not change (p = 4 now
 * takes rows_lanes). Widths 1 to 7 take the row lanes of rows_p1 and
 * rows_lanes instead. */
static inline __attribute__((always_inline)) void
LR_FN(rows_pr)(const LR_T *restrict X, const double *restrict y, size_t P,
               size_t R, const double *restrict w, double b, size_t lo,
               size_t hi, double *restrict acc)
{
    const size_t split = (P == 4 || P == 8 || P == 16)
                         ? lo + (hi - lo) / 4 * 4 : hi;
    double gb = 0.0, sse = 0.0;
    size_t i = lo;
#ifdef LR_T_IS_DOUBLE
#define LR_BLOCK(at, rows) blk_rows(X + (at) * P, y + (at), P, 1, (rows), w, b, \
                                    acc, &gb, &sse)
#else
    double buf[LR_BLK_ELEMS];
#define LR_BLOCK(at, rows) do { \
        const float *src_ = X + (at) * P; \
        for (size_t q_ = 0; q_ < (rows) * P; q_++) \
            buf[q_] = (double)src_[q_]; \
        blk_rows(buf, y + (at), P, 0, (rows), w, b, acc, &gb, &sse); \
    } while (0)
#endif
#ifndef LR_T_IS_DOUBLE
    /* Float blocks are widened one block ahead, into the other half of
     * buf2: read back at once, the just-stored doubles wait on failed
     * store-to-load forwarding wherever a load spans two stores. */
    double buf2[2][LR_BLK_ELEMS];
    int cur = 0;
    if (i + R <= split)
        for (size_t q = 0; q < R * P; q++)
            buf2[0][q] = (double)X[i * P + q];
#endif
    for (; i + R <= split; i += R) {
        /* the lines LR_PF bytes ahead: the hardware prefetcher alone
         * leaves the loop waiting on memory. Past the end is harmless. */
#if LR_PF > 0
        /* (double rows of LR_DOT_PF_MIN or more prefetch in dot16, a
         * line at a time: a burst of hundreds of prefetches a block
         * filled the miss buffers) */
        const char *pf = (const char *)(X + i * P) + LR_PF;
        if (!(P >= LR_DOT_PF_MIN && sizeof(LR_T) == sizeof(double)))
            for (size_t q = 0; q < R * P * sizeof(LR_T); q += 64)
                __builtin_prefetch(pf + q);
        __builtin_prefetch((const char *)(y + i) + LR_PF / 4);
#endif
#ifdef LR_T_IS_DOUBLE
        LR_BLOCK(i, R);
#else
        if (i + 2 * R <= split)
            for (size_t q = 0; q < R * P; q++)
                buf2[cur ^ 1][q] = (double)X[(i + R) * P + q];
        blk_rows(buf2[cur], y + i, P, 0, R, w, b, acc, &gb, &sse);
        cur ^= 1;
#endif
    }
    for (; i < split; i++)
        LR_BLOCK(i, 1);
    acc[P] += gb;
    acc[P + 1] += sse;
    if (split < hi) {
        gb = 0.0;
        sse = 0.0;
        for (; i < hi; i++)
            LR_BLOCK(i, 1);
        acc[P] += gb;
        acc[P + 1] += sse;
    }
#undef LR_BLOCK
}

/* p = 1: one multiply for the dot product, r_i = (x_i w + b) - y_i.
 *
 * A range of at least LR_P1_LANES rows is summed in eight row lanes (row
 * lo + 8k + l in lane l), each a running sum of its rows in order, combined
 * at the end as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)). One
 * running sum through every row waits one add latency per row (about 3
 * cycles: 16 bytes of X and y, under half of what one core reads here);
 * eight do not, and they vectorise across rows. The lanes depend on the
 * range only, which depends on p and n only (chunks, deterministic
 * blocks): the same bits for any thread count, rank count and instruction
 * set. Shorter ranges keep the single running sum of the earlier kernel:
 * the tutorial's 500 x 1 gives NumPy's weight to the bit, as before. */
#ifndef LR_P1_LANES
#define LR_P1_LANES 4096
#endif
static void LR_FN(rows_p1)(const LR_T *restrict X, const double *restrict y,
                           const double *restrict w, double b, size_t lo,
                           size_t hi, double *restrict acc)
{
    const double w0 = w[0];
    if (hi - lo < LR_P1_LANES) {
        double g0 = 0.0, gb = 0.0, sse = 0.0;
        for (size_t i = lo; i < hi; i++) {
            const double x = (double)X[i];
            double r = x * w0 + b - y[i];
            g0 += r * x;
            gb += r;
            sse += r * r;
        }
        acc[0] += g0;
        acc[1] += gb;
        acc[2] += sse;
        return;
    }
    /* the eight lanes as one vector (GCC splits it where registers are
     * narrower; each lane's operations are the same on every path) */
    typedef double v8d __attribute__((vector_size(64)));
    typedef LR_T v8t __attribute__((vector_size(8 * sizeof(LR_T))));
    const v8d wv = {w0, w0, w0, w0, w0, w0, w0, w0}, bv = {b, b, b, b, b, b, b, b};
    v8d gv = {0, 0, 0, 0, 0, 0, 0, 0}, gbv = gv, ssev = gv;
    size_t i = lo;
    for (; i + 8 <= hi; i += 8) {
        __builtin_prefetch((const char *)(X + i) + LR_PF);
        __builtin_prefetch((const char *)(y + i) + LR_PF);
        v8t xt;
        v8d yv;
        memcpy(&xt, X + i, sizeof xt);
        memcpy(&yv, y + i, sizeof yv);
        const v8d x = __builtin_convertvector(xt, v8d);
        const v8d r = (x * wv + bv) - yv;
        gv += r * x;
        gbv += r;
        ssev += r * r;
    }
    double g[8], gb[8], sse[8];
    memcpy(g, &gv, sizeof g);
    memcpy(gb, &gbv, sizeof gb);
    memcpy(sse, &ssev, sizeof sse);
    for (size_t l = 0; i < hi; i++, l++) {
        const double x = (double)X[i];
        const double r = x * w0 + b - y[i];
        g[l] += r * x;
        gb[l] += r;
        sse[l] += r * r;
    }
    double *const lanes[3] = {g, gb, sse};
    for (int k = 0; k < 3; k++) {
        const double *t = lanes[k];
        acc[k] += ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
    }
}

/* Widths 2 to 7 (compile-time P): eight row lanes, as for p = 1 (row
 * lo + 8m + l in lane l; each lane a running sum of its rows in order, the
 * lanes combined at the end as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) +
 * (l6 + l7))). With one running sum per feature, a row costs at least one
 * add latency (8p + 8 bytes in about 3 cycles: 1.6-2x a plain read here at
 * p = 2 to 7); in lanes it does not. Eight rows are transposed into P
 * column vectors and the eight residuals formed as one vector in dot4's
 * order (lane l = j mod 4 from 0, then (t0 + t1) + (t2 + t3)): the same
 * residuals as rows_pr, the sums in another fixed order (the last bits of
 * large problems at these widths changed with this kernel; small problems
 * take the long-double path and are unchanged). */
static inline __attribute__((always_inline)) void
LR_FN(rows_lanes)(const LR_T *restrict X, const double *restrict y, size_t P,
                  const double *restrict w, double b, size_t lo, size_t hi,
                  double *restrict acc)
{
    typedef double v8d __attribute__((vector_size(64)));
    const v8d zero = {0, 0, 0, 0, 0, 0, 0, 0};
    const v8d bv = zero + b;
    v8d A[7], Wv[7], G = zero, S = zero;
    for (size_t j = 0; j < P; j++) {
        A[j] = zero;
        Wv[j] = zero + w[j];
    }
    size_t i = lo;
    for (; i + 8 <= hi; i += 8) {
        const LR_T *x0 = X + i * P;
#if LR_PF > 0
        for (size_t q = 0; q < 8 * P * sizeof(LR_T); q += 64)
            __builtin_prefetch((const char *)x0 + LR_PF + q);
        __builtin_prefetch((const char *)(y + i) + LR_PF);
#endif
        v8d c[7], yv;
        for (size_t j = 0; j < P; j++)
            c[j] = (v8d){x0[j], x0[P + j], x0[2 * P + j], x0[3 * P + j],
                         x0[4 * P + j], x0[5 * P + j], x0[6 * P + j],
                         x0[7 * P + j]};
        memcpy(&yv, y + i, sizeof yv);
        v8d t[4] = {zero, zero, zero, zero};
        for (size_t j = 0; j < P; j++)
            t[j % 4] += c[j] * Wv[j];
        const v8d r = (((t[0] + t[1]) + (t[2] + t[3])) + bv) - yv;
        for (size_t j = 0; j < P; j++)
            A[j] += r * c[j];
        G += r;
        S += r * r;
    }
    double a[9][8];
    for (size_t j = 0; j < P; j++)
        memcpy(a[j], &A[j], sizeof a[j]);
    memcpy(a[P], &G, sizeof a[P]);
    memcpy(a[P + 1], &S, sizeof a[P + 1]);
    for (size_t l = 0; i < hi; i++, l++) { /* the last rows, lanes 0, 1, ... */
        const LR_T *xi = X + i * P;
        const double r = (LR_FN(dot4)(xi, w, P) + b) - y[i];
        for (size_t j = 0; j < P; j++)
            a[j][l] += r * (double)xi[j];
        a[P][l] += r;
        a[P + 1][l] += r * r;
    }
    for (size_t j = 0; j < P + 2; j++) {
        const double *u = a[j];
        acc[j] += ((u[0] + u[1]) + (u[2] + u[3])) + ((u[4] + u[5]) + (u[6] + u[7]));
    }
}

/* Rows wider than a block (float X only: its blocks go through a buffer of
 * LR_BLK_ELEMS doubles): one row at a time, widened as loaded; the sums of
 * blk_rows with R = 1. */
static void LR_FN(rows_wide)(const LR_T *restrict X, const double *restrict y,
                             size_t p, const double *restrict w, double b,
                             size_t lo, size_t hi, double *restrict acc)
{
    double gb = 0.0, sse = 0.0;
    for (size_t i = lo; i < hi; i++) {
        const LR_T *xi = X + i * p;
        const double r = (LR_FN(dotp)(xi, w, p, 1) + b) - y[i];
        for (size_t j = 0; j < p; j++)
            acc[j] = acc[j] + r * (double)xi[j];
        gb = gb + r;
        sse = sse + r * r;
    }
    acc[p] += gb;
    acc[p + 1] += sse;
}

#define LR_CASE(P) \
    case P: LR_FN(rows_pr)(X, y, P, LR_BLK_R(P), w, b, lo, hi, acc); break;
#define LR_CASE_LANES(P) \
    case P: LR_FN(rows_lanes)(X, y, P, w, b, lo, hi, acc); break;

/* The fused pass: compile-time widths up to 32, then blocks of rows that
 * fit the L1 cache with the width at run time. */
static void LR_FN(rows)(const LR_T *restrict X, const double *restrict y,
                        size_t p, const double *restrict w, double b,
                        size_t lo, size_t hi, double *restrict acc)
{
    const size_t E = sizeof(LR_T) == sizeof(double) ? LR_BLK_ELEMS
                                                    : LR_BLK_ELEMS / 2;
    switch (p) {
    case 1: LR_FN(rows_p1)(X, y, w, b, lo, hi, acc); break;
    LR_CASE_LANES(2) LR_CASE_LANES(3) LR_CASE_LANES(4) LR_CASE_LANES(5)
    LR_CASE_LANES(6) LR_CASE_LANES(7)
    LR_CASE(8) LR_CASE(9) LR_CASE(10) LR_CASE(11) LR_CASE(12) LR_CASE(13)
    LR_CASE(14) LR_CASE(15) LR_CASE(16) LR_CASE(17) LR_CASE(18) LR_CASE(19)
    LR_CASE(20) LR_CASE(21) LR_CASE(22) LR_CASE(23) LR_CASE(24) LR_CASE(25)
    LR_CASE(26) LR_CASE(27) LR_CASE(28) LR_CASE(29) LR_CASE(30) LR_CASE(31)
    LR_CASE(32)
    default:
        /* float blocks are widened into two buffers that share the L1 */
        if (p * 8 <= E)
            LR_FN(rows_pr)(X, y, p, 8, w, b, lo, hi, acc);
        else if (p * 4 <= E)
            LR_FN(rows_pr)(X, y, p, 4, w, b, lo, hi, acc);
        else if (p * 2 <= E)
            LR_FN(rows_pr)(X, y, p, 2, w, b, lo, hi, acc);
        else if (p <= LR_BLK_ELEMS || sizeof(LR_T) == sizeof(double))
            LR_FN(rows_pr)(X, y, p, 1, w, b, lo, hi, acc);
        else
            LR_FN(rows_wide)(X, y, p, w, b, lo, hi, acc);
        break;
    }
}
#undef LR_CASE
#undef LR_CASE_LANES

/* Gram accumulation over rows [lo, hi): with xa = [x, 1] (m = p + 1),
 * G[j*m + k] += xa_j xa_k for k >= j (upper triangle), c[j] += xa_j y,
 * *yy += y^2. Eight rows a step: for each j the eight rank-one updates run
 * in row order, each vectorised over k. */
static void LR_FN(gram_rows)(const LR_T *restrict X, const double *restrict y,
                             size_t p, size_t lo, size_t hi,
                             double *restrict G, double *restrict c,
                             double *restrict yy)
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
static void LR_FN(xtxv_rows)(const LR_T *restrict X, size_t p,
                             const double *restrict v, double vb, size_t lo,
                             size_t hi, double *restrict acc)
{
    double sb = 0.0;
    for (size_t i = lo; i < hi; i++) {
        const LR_T *xi = X + i * p;
        double s = LR_FN(dotp)(xi, v, p, 1) + vb;
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
static void LR_FN(rows_ld)(const LR_T *restrict X, const double *restrict y,
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
