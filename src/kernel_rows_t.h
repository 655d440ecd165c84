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
/* (v0 + v2) + (v1 + v3), the last two levels of dot16's tree: the two
 * 128-bit halves added, then their two lanes (GCC's own sequence from the
 * scalar expression took more shuffles) */
static inline __attribute__((always_inline)) double lr_sum02(lr_v4d v)
{
#ifdef __AVX__
    const __m128d u = _mm_add_pd(_mm256_castpd256_pd128((__m256d)v),
                                 _mm256_extractf128_pd((__m256d)v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(u, _mm_unpackhi_pd(u, u)));
#else
    return (v[0] + v[2]) + (v[1] + v[3]);
#endif
}
/* (t0 + t1) + (t2 + t3): t plus t with its pairs swapped (a shuffle
 * within 128-bit lanes), then the two lanes' first elements (GCC's own
 * sequence took four shuffles, three across lanes, and three adds) */
static inline __attribute__((always_inline)) double lr_hsum4(lr_v4d t)
{
#ifdef __AVX__
    const __m256d u = _mm256_add_pd((__m256d)t, _mm256_permute_pd((__m256d)t, 0x5));
    return _mm_cvtsd_f64(_mm_add_sd(_mm256_castpd256_pd128(u), _mm256_extractf128_pd(u, 1)));
#else
    return (t[0] + t[1]) + (t[2] + t[3]);
#endif
}
#endif
typedef LR_T LR_FN(lr_v4t) __attribute__((vector_size(4 * sizeof(LR_T))));

/* Four elements widened to doubles. GCC 12 splits __builtin_convertvector
 * of floats into halves and inserts (three instructions where one does):
 * on AVX the conversion's own instruction, which loads as it widens. */
static inline __attribute__((always_inline)) lr_v4d LR_FN(v4_cvt)(const LR_T *p)
{
#if !defined(LR_T_IS_DOUBLE) && defined(__AVX__)
    return (lr_v4d)_mm256_cvtps_pd(_mm_loadu_ps(p));
#else
    LR_FN(lr_v4t) v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, lr_v4d);
#endif
}

#ifndef LR_WTAIL_DEFINED
#define LR_WTAIL_DEFINED
/* The last p mod 16 weights, then zeros: dot16's tail reads them whole.
 * Masked loads of w's tail would touch the memory after w, and where that
 * is an unmapped page each takes a fault-suppression assist (the kernel
 * alone, 1 thread, float 200 x 50 with w at the end of the heap: 300 ns
 * a row, against 20 with these). */
static inline void lr_wtail(const double *w, size_t p, double *wt)
{
    const size_t j = p / 16 * 16;
    for (size_t q = 0; q < 16; q++)
        wt[q] = j + q < p ? w[j + q] : 0.0;
}
#endif

#ifndef LR_PF_AT_DEFINED
#define LR_PF_AT_DEFINED
/* The address dist bytes past p, or lim if that is lower: prefetches stop
 * at the last line of the array (its first end rows: the kernels' end).
 * Past it the memory may be unmapped (the end of a memory-mapped .npy
 * file), and a prefetch of an unmapped page costs a page walk that is
 * never cached: the kernel alone, float 200 x 50, 20 ns a row against 8
 * with no prefetches. Clamped with a compare and a move, not skipped with
 * a branch: a branch around rows_lanes' prefetches made float p = 8 3.5x
 * slower (its loop no longer kept the transposes in registers), and
 * stopping at a chunk's end instead of the array's lost the prefetch of
 * the next chunk's first rows (float p = 64, 1 thread: 1.35x a plain read
 * to 1.6x). */
static inline __attribute__((always_inline)) const char *
lr_pf_at(const void *p, size_t dist, const void *lim)
{
    const uintptr_t a = (uintptr_t)p + dist, l = (uintptr_t)lim;
    return (const char *)(a < l ? a : l);
}
#endif

/* Rows fetch ahead as they stream (see rows_pr): the 64 bytes (double:
 * 128) that the sixteen elements at x will be so many bytes on (double:
 * LR_DOT_PF; float: as stream says, dot_pf_ok). */
static inline __attribute__((always_inline)) void
LR_FN(dot_pf)(const LR_T *x, size_t p, size_t stream)
{
#if LR_PF > 0
    if (stream && p >= LR_DOT_PF_MIN) {
#ifdef LR_T_IS_DOUBLE
        __builtin_prefetch((const char *)x + LR_DOT_PF, 0, LR_DOT_PF_LOC);
        __builtin_prefetch((const char *)x + LR_DOT_PF + 64, 0, LR_DOT_PF_LOC);
#else
        /* stream: the bytes ahead, plus 1 for the L1 cache (dot_pf_ok) */
        if (stream & 1)
            __builtin_prefetch((const char *)x + (stream - 1), 0, 3);
        else
            __builtin_prefetch((const char *)x + stream, 0, LR_DOT_PF_LOC);
#endif
    }
#else
    (void)x, (void)p, (void)stream;
#endif
}

/* Whether the row of p elements at x prefetches within lim (NULL: no
 * prefetch): one test a row, where a clamp of each prefetch (dot16 takes
 * one every sixteen elements) made float p = 64 7% slower. The array's
 * last LR_DOT_PF_T bytes of rows fetch nothing ahead. */
#if !defined(LR_T_IS_DOUBLE) && !defined(LR_F32_PF_DEFINED)
#define LR_F32_PF_DEFINED
/* Whether float rows of p features widen twice and prefetch into the L1
 * cache (kernel_ops.h: lr_kf32_l1; AVX-512 only) */
static inline __attribute__((always_inline)) int lr_f32_l1(size_t p)
{
#if defined(__AVX512F__) && defined(__AVX512VL__)
    return p >= LR_F32_L1_MIN && p <= LR_F32_L1_MAX
           && __atomic_load_n(&lr_kf32_l1, __ATOMIC_RELAXED);
#else
    (void)p;
    return 0;
#endif
}
#endif

/* Nonzero where the row prefetches within lim (NULL: none): for float,
 * how far ahead, plus 1 for the L1 cache (dot_pf). */
static inline __attribute__((always_inline)) size_t
LR_FN(dot_pf_ok)(const LR_T *x, size_t p, const void *lim)
{
#ifdef LR_T_IS_DOUBLE
    return lim && (uintptr_t)(x + p) + LR_DOT_PF_T + 64 <= (uintptr_t)lim;
#else
    const size_t how = lr_f32_l1(p) ? LR_PF_F32_L1 + 1
                                    : LR_DOT_PF_F32 + (LR_DOT_PF_LOC_F32 == 3);
    return lim && (uintptr_t)(x + p) + (how & ~(size_t)1) + 64 <= (uintptr_t)lim
               ? how : 0;
#endif
}

/* The last element of rows [0, end) of X, p wide: the prefetch limit. */
#define LR_PF_LIM(X, p, end) ((const void *)((X) + (end) * (p) - 1))

/* The products of the last part < 4 elements of a row at x with w, in
 * lanes 0, 1, ...; the unused lanes hold -0.0, the exact identity of
 * addition (dot16's tail, which adds them to one of its four vectors) */
static inline __attribute__((always_inline)) lr_v4d
LR_FN(dot_part)(const LR_T *x, const double *w, size_t part)
{
    lr_v4d u = {-0.0, -0.0, -0.0, -0.0};
    u[0] = (double)x[0] * w[0];
    if (part > 1)
        u[1] = (double)x[1] * w[1];
    if (part > 2)
        u[2] = (double)x[2] * w[2];
    return u;
}

#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
/* Float dot16 in two vectors of eight (lanes 0-7 and 8-15 of the
 * sixteen), the same adds lane by lane: half the instructions of four
 * vectors of four, each element widened by one 512-bit conversion (1
 * thread, float p = 50 to 1000: 1.4-2.0x a plain read down to 0.95-1.6x,
 * bench --sweep, two rounds). Double keeps the four vectors of four: with
 * eight-wide loads it went from 1.0x to 1.2-1.8x at p = 50 to 200. The
 * tail's lanes past the row keep their sums (a masked add: x + nothing,
 * where dot16 adds -0.0, the identity), the masked loads read nothing
 * past the row, and the tail's weights come from wt (lr_wtail).
 * dot16s also keeps the row as widened at xs unless xs is NULL (the lanes
 * past the row 0), for the rank update to read back (upd_pr) instead of
 * widening every element a second time: a 512-bit conversion takes two
 * of Intel's FP port slots (p0 and p5), as many as the element's multiply
 * and add, and with two conversions an element the float pass at p > 32
 * was bound by them, not by memory (see blk_pr). */
static inline __attribute__((always_inline)) double
LR_FN(dot16s)(const LR_T *x, const double *w, const double *wt, size_t p,
              const void *pfl, double *restrict xs)
{
    __m512d A = _mm512_setzero_pd(), B = _mm512_setzero_pd();
    const size_t stream = LR_FN(dot_pf_ok)(x, p, pfl);
    size_t j = 0;
    for (; j + 16 <= p; j += 16) {
        LR_FN(dot_pf)(x + j, p, stream);
        const __m512d x0 = _mm512_cvtps_pd(_mm256_loadu_ps(x + j));
        const __m512d x1 = _mm512_cvtps_pd(_mm256_loadu_ps(x + j + 8));
        if (xs) {
            _mm512_store_pd(xs + j, x0);
            _mm512_store_pd(xs + j + 8, x1);
        }
        A = _mm512_add_pd(A, _mm512_mul_pd(x0, _mm512_loadu_pd(w + j)));
        B = _mm512_add_pd(B, _mm512_mul_pd(x1, _mm512_loadu_pd(w + j + 8)));
    }
    const size_t rd = p - j;
    if (rd) {
        const __mmask8 m0 = (__mmask8)(rd >= 8 ? 0xffu : (1u << rd) - 1u);
        const __m512d x0 = _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m0, x + j));
        if (xs)
            _mm512_store_pd(xs + j, x0);
        A = _mm512_mask_add_pd(A, m0, A, _mm512_mul_pd(x0, _mm512_loadu_pd(wt)));
        if (rd > 8) { /* else B's masked add would add nothing */
            const __mmask8 m1 = (__mmask8)((1u << (rd - 8)) - 1u);
            const __m512d x1 = _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m1, x + j + 8));
            if (xs)
                _mm512_store_pd(xs + j + 8, x1);
            B = _mm512_mask_add_pd(B, m1, B, _mm512_mul_pd(x1, _mm512_loadu_pd(wt + 8)));
        }
    }
    /* the tree of dot16: (t0 + t2) + (t1 + t3), then (v0 + v2) + (v1 + v3) */
    const __m512d s = _mm512_add_pd(A, B);
    return lr_sum02((lr_v4d)_mm256_add_pd(_mm512_castpd512_pd256(s),
                                          _mm512_extractf64x4_pd(s, 1)));
}

static inline __attribute__((always_inline)) double
LR_FN(dot16)(const LR_T *x, const double *w, const double *wt, size_t p,
             const void *pfl)
{
    return LR_FN(dot16s)(x, w, wt, p, pfl, NULL);
}
#else
static inline __attribute__((always_inline)) double
LR_FN(dot16)(const LR_T *x, const double *w, const double *wt, size_t p,
             const void *pfl)
{
    (void)wt;
    const size_t stream = LR_FN(dot_pf_ok)(x, p, pfl);
    lr_v4d t0 = {0, 0, 0, 0}, t1 = t0, t2 = t0, t3 = t0, wv;
    size_t j = 0;
    for (; j + 16 <= p; j += 16) {
        LR_FN(dot_pf)(x + j, p, stream);
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
        const lr_v4d u = LR_FN(dot_part)(x + j, w + j, part);
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
    return lr_sum02((t0 + t2) + (t1 + t3));
}
#endif

/* The dot product of one row: its lane count depends on p only. */
static inline __attribute__((always_inline)) double
LR_FN(dotp)(const LR_T *x, const double *w, const double *wt, size_t p,
            const void *pfl)
{
    return p >= 32 ? LR_FN(dot16)(x, w, wt, p, pfl) : LR_FN(dot4)(x, w, p);
}

/* ---- The blocked pass for the compile-time widths 17 to 32 ----
 *
 * Rows are taken R at a time (a block that stays in the L1 cache): first
 * the R residuals, their dot products interleaved (R independent chains of
 * vector adds, not one), then for each group of eight features one running
 * sum through the R rows, acc[j] = acc[j] + r_k x_kj in row order (a chain
 * R deep that vectorises across j; acc is read and written once a block).
 * Float X is widened in registers as it is loaded (no copy: the block is
 * read from the cache twice, never written), so a float pass gives the
 * bits of the double pass over (double)X.
 *
 * The sums, and so the bits, are those of one row at a time in order:
 * r_i = (x_i.w + b) - y_i with the dot product in dot4's lanes (p < 32) or
 * dot16's (p >= 32); acc[j] += r_i x_ij, gb += r_i and sse += r_i^2 row
 * after row. R, the prefetch and the vector width of the instruction set
 * change only the speed. The last (p mod 16, or p mod 4) elements of a row
 * are loaded as one whole vector, the lanes past the row masked (they hold
 * the next row); the last row of a range, whose next row may not exist,
 * is copied into a zeroed vector instead. */
#ifndef LR_V8D_DEFINED
#define LR_V8D_DEFINED
typedef double lr_v8d __attribute__((vector_size(64)));
typedef long long lr_v8l __attribute__((vector_size(64)));
typedef long long lr_v4l __attribute__((vector_size(32)));
static inline __attribute__((always_inline)) lr_v8d lr_ld8d(const double *p)
{
    lr_v8d v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline __attribute__((always_inline)) lr_v4d lr_ld4d(const double *p)
{
    lr_v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}
/* lanes of m set: v; the others: -0.0, the exact identity of addition */
static inline __attribute__((always_inline)) lr_v4d lr_sel4(lr_v4l m, lr_v4d v)
{
    const lr_v4l neg0 = (lr_v4l){0, 0, 0, 0} + (long long)0x8000000000000000ULL;
    return (lr_v4d)(((lr_v4l)v & m) | (neg0 & ~m));
}
/* dot16's lane tree on A + B (lanes l and l + 8 of the sixteen):
 * v = lanes 0-3 + lanes 4-7, then (v0 + v2) + (v1 + v3) */
static inline __attribute__((always_inline)) double lr_red16(lr_v8d s)
{
    return lr_sum02(__builtin_shufflevector(s, s, 0, 1, 2, 3)
                    + __builtin_shufflevector(s, s, 4, 5, 6, 7));
}
#endif

/* Eight lanes of doubles (the row lanes of p = 1 to 16) as the widest
 * vectors of the instruction set: one of eight on AVX-512, two of four on
 * AVX2, four of two on the baseline. GCC 12 keeps a 64-byte vector
 * extension type in memory where the registers are narrower, moving it
 * through general registers at every operation (1 thread, LR_ISA=avx2:
 * p = 1 took 2.5x a plain read, p = 8 2.2x double and 4.1x float, slower
 * than the baseline path); a struct of native vectors stays in registers.
 * Each lane's operations are the same on every path. */
#ifndef LR_D8_DEFINED
#define LR_D8_DEFINED
#if defined(__AVX512F__)
#define LR_D8N 8
#elif defined(__AVX__)
#define LR_D8N 4
#else
#define LR_D8N 2
#endif
typedef double lr_dn __attribute__((vector_size(LR_D8N * sizeof(double))));
typedef float lr_fn __attribute__((vector_size(LR_D8N * sizeof(float))));
typedef struct {
    lr_dn v[8 / LR_D8N];
} lr_d8;
#define LR_D8_EACH(h) for (size_t h = 0; h < 8 / LR_D8N; h++)
#define LR_D8_OP(name, op) \
    static inline __attribute__((always_inline)) lr_d8 name(lr_d8 a, lr_d8 b) \
    { \
        LR_D8_EACH(h) a.v[h] = a.v[h] op b.v[h]; \
        return a; \
    }
LR_D8_OP(d8_add, +)
LR_D8_OP(d8_sub, -)
LR_D8_OP(d8_mul, *)
#undef LR_D8_OP
static inline __attribute__((always_inline)) lr_d8 d8_splat(double x)
{
    lr_d8 a;
    LR_D8_EACH(h) a.v[h] = (lr_dn){0} + x;
    return a;
}
static inline __attribute__((always_inline)) lr_d8 d8_ld(const double *p)
{
    lr_d8 a;
    LR_D8_EACH(h) memcpy(&a.v[h], p + h * LR_D8N, sizeof a.v[h]);
    return a;
}
static inline __attribute__((always_inline)) lr_d8 d8_ldf(const float *p)
{
    lr_d8 a;
    LR_D8_EACH(h) {
#if defined(__AVX512F__)
        a.v[h] = (lr_dn)_mm512_cvtps_pd(_mm256_loadu_ps(p + h * LR_D8N));
#elif defined(__AVX__)
        a.v[h] = (lr_dn)_mm256_cvtps_pd(_mm_loadu_ps(p + h * LR_D8N));
#else
        lr_fn f;
        memcpy(&f, p + h * LR_D8N, sizeof f);
        a.v[h] = __builtin_convertvector(f, lr_dn);
#endif
    }
    return a;
}
static inline __attribute__((always_inline)) void d8_st(double *p, lr_d8 a)
{
    LR_D8_EACH(h) memcpy(p + h * LR_D8N, &a.v[h], sizeof a.v[h]);
}
/* lane masks of the eight (all ones: the lane is in) */
typedef long long lr_ln __attribute__((vector_size(LR_D8N * sizeof(long long))));
typedef struct {
    lr_ln v[8 / LR_D8N];
} lr_l8;
/* lanes of m set: v; the others -0.0, the exact identity of addition */
static inline __attribute__((always_inline)) lr_d8 d8_sel(lr_l8 m, lr_d8 a)
{
    const lr_ln neg0 = (lr_ln){0} + (long long)0x8000000000000000ULL;
    LR_D8_EACH(h) a.v[h] = (lr_dn)(((lr_ln)a.v[h] & m.v[h]) | (neg0 & ~m.v[h]));
    return a;
}
/* lanes of m set: v; the others 0 */
static inline __attribute__((always_inline)) lr_d8 d8_and(lr_l8 m, lr_d8 a)
{
    LR_D8_EACH(h) a.v[h] = (lr_dn)((lr_ln)a.v[h] & m.v[h]);
    return a;
}
/* dot16's lane tree on the sixteen lanes' pairwise sums s (lanes l and
 * l + 8): lanes 0-3 plus lanes 4-7, then (v0 + v2) + (v1 + v3) */
static inline __attribute__((always_inline)) double d8_red16(lr_d8 s)
{
#if LR_D8N == 8
    return lr_red16(s.v[0]);
#elif LR_D8N == 4
    return lr_sum02(s.v[0] + s.v[1]);
#else
    const lr_dn lo = s.v[0] + s.v[2], hi = s.v[1] + s.v[3];
    return lr_sum02((lr_v4d){lo[0], lo[1], hi[0], hi[1]});
#endif
}
/* lanes 0-3 */
#if LR_D8N == 8
#define LR_LO4(V4, a) __builtin_shufflevector((a).v[0], (a).v[0], 0, 1, 2, 3)
#elif LR_D8N == 4
#define LR_LO4(V4, a) ((a).v[0])
#else
#define LR_LO4(V4, a) ((V4){(a).v[0][0], (a).v[0][1], (a).v[1][0], (a).v[1][1]})
#endif
static inline __attribute__((always_inline)) lr_v4d d8_lo4(lr_d8 a)
{
    return LR_LO4(lr_v4d, a);
}
static inline __attribute__((always_inline)) lr_v4l l8_lo4(lr_l8 a)
{
    return LR_LO4(lr_v4l, a);
}
#endif

/* Eight elements at p (consecutive, or stride apart) as lr_d8 */
static inline __attribute__((always_inline)) lr_d8 LR_FN(d8_ldx)(const LR_T *p)
{
#ifdef LR_T_IS_DOUBLE
    return d8_ld(p);
#else
    return d8_ldf(p);
#endif
}
/* lane l of the eight: p[l * stride] */
static inline __attribute__((always_inline)) lr_d8
LR_FN(d8_gatherx)(const LR_T *p, size_t stride)
{
    lr_d8 a;
    const size_t s = stride;
#if LR_D8N == 8 /* a vector literal: 8% faster than through e[] at p = 13, 16 */
    a.v[0] = (lr_dn){p[0], p[s], p[2 * s], p[3 * s], p[4 * s], p[5 * s], p[6 * s], p[7 * s]};
#else
    LR_D8_EACH(h) {
        double e[LR_D8N];
        for (size_t l = 0; l < LR_D8N; l++)
            e[l] = (double)p[(h * LR_D8N + l) * s];
        memcpy(&a.v[h], e, sizeof e);
    }
#endif
    return a;
}

/* Rows the blocked pass interleaves at most: a block's dot products keep
 * 2 R vectors of eight doubles in registers (32 on AVX-512, 16 on AVX2). */
#ifndef LR_VROWS
#ifdef __AVX512F__
#define LR_VROWS 8
#else
#define LR_VROWS 4
#endif
#endif

typedef LR_T LR_FN(lr_v8t) __attribute__((vector_size(8 * sizeof(LR_T))));

static inline __attribute__((always_inline)) lr_v8d LR_FN(ld8)(const LR_T *p)
{
#if !defined(LR_T_IS_DOUBLE) && defined(__AVX512F__)
    return (lr_v8d)_mm512_cvtps_pd(_mm256_loadu_ps(p));
#elif !defined(LR_T_IS_DOUBLE) && defined(__AVX__)
    const lr_v4d lo = LR_FN(v4_cvt)(p), hi = LR_FN(v4_cvt)(p + 4);
    return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7);
#else
    LR_FN(lr_v8t) v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, lr_v8d);
#endif
}

/* n < 8 elements of p as a vector, zeros after: reads nothing past p + n */
static inline __attribute__((always_inline)) lr_v8d
LR_FN(ld8_part)(const LR_T *p, size_t n)
{
    LR_T t[8] = {0};
    memcpy(t, p, n * sizeof *t);
    return LR_FN(ld8)(t);
}

static inline __attribute__((always_inline)) lr_v4d
LR_FN(ld4_part)(const LR_T *p, size_t n)
{
    LR_T t[4] = {0};
    memcpy(t, p, n * sizeof *t);
    return LR_FN(v4_cvt)(t);
}

/* n < 8 elements of p as lr_d8, zeros after: reads nothing past p + n */
static inline __attribute__((always_inline)) lr_d8
LR_FN(d8_part)(const LR_T *p, size_t n)
{
    LR_T t[8] = {0};
    memcpy(t, p, n * sizeof *t);
    return LR_FN(d8_ldx)(t);
}

/* What the blocks of one range share: w's tails padded with zeros and
 * the masks of the lanes inside a row. */
typedef struct {
    lr_d8 wt0, wt1;      /* w at the dot's tail (16 lanes, zeros after) */
    lr_l8 md0, md1;      /* lanes of the dot's tail inside the row */
    lr_l8 mu;            /* lanes of the update's tail inside the row */
} LR_FN(lr_vtail);

/* One block of R rows at x (R x P) and their targets yb. `safe`: the last
 * row's tails are copied, not over-read. aT: the running sums of the
 * update's tail (features P / 8 * 8 ..). */
static inline __attribute__((always_inline)) void
LR_FN(blk_v)(const LR_T *restrict x, const double *restrict yb, size_t P,
             size_t R, int safe, const void *pfl, const double *restrict w,
             const LR_FN(lr_vtail) *tl, double b, double *restrict acc,
             lr_d8 *aT, double *gb, double *sse)
{
    const int wide = P >= 32;
    const size_t jd = wide ? P / 16 * 16 : P / 4 * 4, rd = P - jd;
    const size_t ju = P / 8 * 8, ru = P - ju;
    double r[LR_VROWS];
    if (wide) {
        lr_d8 A[LR_VROWS], B[LR_VROWS];
#pragma GCC unroll 8
        for (size_t k = 0; k < R; k++)
            A[k] = B[k] = d8_splat(0.0);
        /* row after row: one stream through memory, prefetched a line
         * at a time as it is read (the hardware prefetcher alone leaves
         * the loop waiting; a burst of prefetches a block fills the miss
         * buffers) */
        for (size_t k = 0; k < R; k++) {
            for (size_t j = 0; j < jd; j += 16) {
#if LR_DOT_PF > 0
                __builtin_prefetch(lr_pf_at(x + k * P + j, LR_DOT_PF_T, pfl));
                if (sizeof(LR_T) == sizeof(double))
                    __builtin_prefetch(lr_pf_at(x + k * P + j, LR_DOT_PF_T + 64, pfl));
#else
                (void)pfl;
#endif
                A[k] = d8_add(A[k], d8_mul(LR_FN(d8_ldx)(x + k * P + j), d8_ld(w + j)));
                B[k] = d8_add(B[k], d8_mul(LR_FN(d8_ldx)(x + k * P + j + 8),
                                           d8_ld(w + j + 8)));
            }
        }
        if (rd) {
#pragma GCC unroll 8
            for (size_t k = 0; k < R; k++) {
                const LR_T *xt = x + k * P + jd;
                lr_d8 x0, x1;
                if (safe && k + 1 == R) {
                    x0 = LR_FN(d8_part)(xt, rd < 8 ? rd : 8);
                    x1 = rd > 8 ? LR_FN(d8_part)(xt + 8, rd - 8) : d8_splat(0.0);
                } else {
                    x0 = LR_FN(d8_ldx)(xt);
                    x1 = LR_FN(d8_ldx)(xt + 8);
                }
                A[k] = d8_add(A[k], d8_sel(tl->md0, d8_mul(x0, tl->wt0)));
                B[k] = d8_add(B[k], d8_sel(tl->md1, d8_mul(x1, tl->wt1)));
            }
        }
#pragma GCC unroll 8
        for (size_t k = 0; k < R; k++)
            r[k] = (d8_red16(d8_add(A[k], B[k])) + b) - yb[k];
    } else {
        lr_v4d T[LR_VROWS];
        const lr_v4d wt = d8_lo4(tl->wt0);
        const lr_v4l mt = l8_lo4(tl->md0);
#pragma GCC unroll 8
        for (size_t k = 0; k < R; k++)
            T[k] = (lr_v4d){0, 0, 0, 0};
        for (size_t j = 0; j < jd; j += 4) {
            const lr_v4d w4 = lr_ld4d(w + j);
#pragma GCC unroll 8
            for (size_t k = 0; k < R; k++)
                T[k] += LR_FN(v4_cvt)(x + k * P + j) * w4;
        }
        if (rd) {
#pragma GCC unroll 8
            for (size_t k = 0; k < R; k++) {
                const LR_T *xt = x + k * P + jd;
                const lr_v4d xv = safe && k + 1 == R ? LR_FN(ld4_part)(xt, rd)
                                                     : LR_FN(v4_cvt)(xt);
                T[k] += lr_sel4(mt, xv * wt);
            }
        }
#pragma GCC unroll 8
        for (size_t k = 0; k < R; k++)
            r[k] = (lr_hsum4(T[k]) + b) - yb[k];
    }
    for (size_t j = 0; j < ju; j += 8) {
        lr_d8 a = d8_ld(acc + j);
#pragma GCC unroll 8
        for (size_t k = 0; k < R; k++)
            a = d8_add(a, d8_mul(d8_splat(r[k]), LR_FN(d8_ldx)(x + k * P + j)));
        d8_st(acc + j, a);
    }
    if (ru) {
        lr_d8 a = *aT;
#pragma GCC unroll 8
        for (size_t k = 0; k < R; k++) {
            const LR_T *xt = x + k * P + ju;
            const lr_d8 xv = safe && k + 1 == R ? LR_FN(d8_part)(xt, ru)
                                                : d8_and(tl->mu, LR_FN(d8_ldx)(xt));
            a = d8_add(a, d8_mul(d8_splat(r[k]), xv));
        }
        *aT = a;
    }
    double g = *gb, s = *sse;
#pragma GCC unroll 8
    for (size_t k = 0; k < R; k++) {
        g = g + r[k];
        s = s + r[k] * r[k];
    }
    *gb = g;
    *sse = s;
}

/* Float rows of 17 to 31 on AVX-512: each element widened once. The
 * block's rows are loaded as vectors of eight doubles (nz a row; the last
 * one's lanes past the row zero) and kept in registers for both phases:
 * the dot product's groups of four are the halves of those vectors, in
 * dot4's order, and the update takes them as they are. The products and
 * sums of blk_v, in its order (the weights past the row are -1: a lane
 * past the row gives 0 * -1 = -0.0, blk_v's identity), so the same bits;
 * blk_v widened every element twice, and the conversions, with the adds,
 * were what bound a float row at 1 thread (1.5-1.8x a plain read at
 * p = 13 to 24). */
#undef LR_NARROW_ONCE
#if !defined(LR_T_IS_DOUBLE) && defined(__AVX512F__)
#define LR_NARROW_ONCE 1
static inline __attribute__((always_inline)) void
LR_FN(blk_n_res)(const LR_T *restrict x, const double *restrict yb, size_t P,
                 size_t R, int safe, const lr_v8d *wn, lr_v8l mu, double b,
                 lr_v8d xr[][4], double *r)
{
    const size_t nz = (P + 7) / 8, ng = (P + 3) / 4;
    const size_t ru = P - P / 8 * 8;
#pragma GCC unroll 8
    for (size_t k = 0; k < R; k++) {
#pragma GCC unroll 4
        for (size_t z = 0; z < nz; z++) {
            const LR_T *xt = x + k * P + 8 * z;
            if (8 * z + 8 <= P)
                xr[k][z] = LR_FN(ld8)(xt);
            else if (safe && k + 1 == R)
                xr[k][z] = LR_FN(ld8_part)(xt, ru);
            else
                xr[k][z] = (lr_v8d)((lr_v8l)LR_FN(ld8)(xt) & mu);
        }
        lr_v4d t = {0, 0, 0, 0};
#pragma GCC unroll 4
        for (size_t z = 0; z < nz; z++) {
            const lr_v8d q = xr[k][z] * wn[z];
            t += __builtin_shufflevector(q, q, 0, 1, 2, 3);
            if (2 * z + 1 < ng)
                t += __builtin_shufflevector(q, q, 4, 5, 6, 7);
        }
        r[k] = (lr_hsum4(t) + b) - yb[k];
    }
}

static inline __attribute__((always_inline)) void
LR_FN(blk_n_upd)(size_t P, size_t R, lr_v8d xr[][4], const double *r,
                 double *restrict acc, lr_v8d *aT, double *gb, double *sse)
{
    const size_t nz = (P + 7) / 8;
#pragma GCC unroll 4
    for (size_t z = 0; z < nz; z++) {
        lr_v8d a = 8 * z + 8 <= P ? lr_ld8d(acc + 8 * z) : *aT;
#pragma GCC unroll 8
        for (size_t k = 0; k < R; k++)
            a = a + r[k] * xr[k][z];
        if (8 * z + 8 <= P)
            memcpy(acc + 8 * z, &a, sizeof a);
        else
            *aT = a;
    }
    double g = *gb, s = *sse;
#pragma GCC unroll 8
    for (size_t k = 0; k < R; k++) {
        g = g + r[k];
        s = s + r[k] * r[k];
    }
    *gb = g;
    *sse = s;
}

static inline __attribute__((always_inline)) void
LR_FN(blk_n)(const LR_T *restrict x, const double *restrict yb, size_t P,
             size_t R, int safe, const lr_v8d *wn, lr_v8l mu, double b,
             double *restrict acc, lr_v8d *aT, double *gb, double *sse)
{
    lr_v8d xr[LR_VROWS][4];
    double r[LR_VROWS];
    LR_FN(blk_n_res)(x, yb, P, R, safe, wn, mu, b, xr, r);
    LR_FN(blk_n_upd)(P, R, xr, r, acc, aT, gb, sse);
}
#else
#define LR_NARROW_ONCE 0
#endif

/* The prefetches of the block of R rows at row i, LR_PF bytes ahead: its
 * targets, and with x_too its rows (wide rows fetch their own, dot16) */
static inline __attribute__((always_inline)) void
LR_FN(rows_pf)(const LR_T *X, const double *y, size_t P, size_t R, size_t i,
               size_t end, int x_too)
{
#if LR_PF > 0
    if (x_too) {
        /* the block's lines, each no further than the last row's end */
        const char *pf = (const char *)(X + i * P) + LR_PF;
        for (size_t q = 0; q < R * P * sizeof(LR_T); q += 64)
            __builtin_prefetch(lr_pf_at(pf, q, LR_PF_LIM(X, P, end)));
    }
    __builtin_prefetch(lr_pf_at(y + i, LR_PF / 4, y + end - 1));
#else
    (void)X, (void)y, (void)P, (void)R, (void)i, (void)end, (void)x_too;
#endif
}

/* The blocked pass over rows [lo, hi), R rows a block, for p >= 8 (P a
 * compile-time constant: rows_vc; any P works). */
static inline __attribute__((always_inline)) void
LR_FN(rows_v)(const LR_T *restrict X, const double *restrict y, size_t P,
              size_t R, const double *restrict w, double b, size_t lo,
              size_t hi, size_t end, double *restrict acc)
{
    if (lo >= hi)
        return;
    const int wide = P >= 32;
    const size_t jd = wide ? P / 16 * 16 : P / 4 * 4, rd = P - jd;
    const size_t ju = P / 8 * 8, ru = P - ju;
    LR_FN(lr_vtail) tl;
    double t[16] = {0};
    long long m[16];
    memcpy(t, w + jd, rd * sizeof *t);
    tl.wt0 = d8_ld(t);
    tl.wt1 = d8_ld(t + 8);
    for (size_t q = 0; q < 16; q++)
        m[q] = q < rd ? -1 : 0;
    memcpy(&tl.md0, m, sizeof tl.md0);
    memcpy(&tl.md1, m + 8, sizeof tl.md1);
    for (size_t q = 0; q < 8; q++)
        m[q] = q < ru ? -1 : 0;
    memcpy(&tl.mu, m, sizeof tl.mu);
    memset(t, 0, sizeof t);
    memcpy(t, acc + ju, ru * sizeof *t);
    lr_d8 aT = d8_ld(t);
    double gb = 0.0, sse = 0.0;
    size_t i = lo;
#if LR_NARROW_ONCE
    lr_v8d wn[4];
    double wp[32];
    for (size_t q = 0; q < 32; q++)
        wp[q] = q < P ? w[q] : -1.0;
    memcpy(wn, wp, sizeof wn);
#endif
#if LR_NARROW_ONCE
    /* float, P 17 to 31: a block's residuals are formed while the block
     * before it is summed (1 thread, 1.4-1.8x a plain read down to
     * 1.2-1.5x; at P <= 16 no gain) */
    if (!wide && P > 16 && i + R < hi) {
        lr_v8d x0[LR_VROWS][4], x1[LR_VROWS][4];
        double r0[LR_VROWS], r1[LR_VROWS];
        LR_FN(rows_pf)(X, y, P, R, i, end, 1);
        LR_FN(blk_n_res)(X + i * P, y + i, P, R, 0, wn, tl.mu.v[0], b, x0, r0);
        i += R;
        /* sum the block in (xp, rp), after forming the next one's residuals
         * into (xn, rn) when a whole block starts before the last row (two
         * steps a turn: the arrays stay in registers) */
#define LR_NSTEP(xp, rp, xn, rn) \
        if (!(i + R < hi)) { \
            LR_FN(blk_n_upd)(P, R, xp, rp, acc, &aT.v[0], &gb, &sse); \
            break; \
        } \
        LR_FN(rows_pf)(X, y, P, R, i, end, 1); \
        LR_FN(blk_n_res)(X + i * P, y + i, P, R, 0, wn, tl.mu.v[0], b, xn, rn); \
        LR_FN(blk_n_upd)(P, R, xp, rp, acc, &aT.v[0], &gb, &sse); \
        i += R;
        for (;;) {
            LR_NSTEP(x0, r0, x1, r1)
            LR_NSTEP(x1, r1, x0, r0)
        }
#undef LR_NSTEP
    }
#endif
    /* whole blocks; the last row of the range always in the loop below */
    for (; i + R < hi; i += R) {
        LR_FN(rows_pf)(X, y, P, R, i, end, !wide || LR_DOT_PF == 0);
#if LR_NARROW_ONCE
        if (!wide) {
            LR_FN(blk_n)(X + i * P, y + i, P, R, 0, wn, tl.mu.v[0], b, acc,
                         &aT.v[0], &gb, &sse);
            continue;
        }
#endif
        LR_FN(blk_v)(X + i * P, y + i, P, R, 0, LR_PF_LIM(X, P, end), w, &tl,
                     b, acc, &aT, &gb, &sse);
    }
    for (; i < hi; i++) {
#if LR_NARROW_ONCE
        if (!wide) {
            LR_FN(blk_n)(X + i * P, y + i, P, 1, i + 1 == hi, wn, tl.mu.v[0],
                         b, acc, &aT.v[0], &gb, &sse);
            continue;
        }
#endif
        LR_FN(blk_v)(X + i * P, y + i, P, 1, i + 1 == hi, LR_PF_LIM(X, P, end),
                     w, &tl, b, acc, &aT, &gb, &sse);
    }
    memcpy(t, &aT, sizeof aT);
    memcpy(acc + ju, t, ru * sizeof *t);
    acc[P] += gb;
    acc[P + 1] += sse;
}

#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
/* Eight floats at p widened to doubles */
static inline __attribute__((always_inline)) __m512d LR_FN(ld8x)(const LR_T *p)
{
    return _mm512_cvtps_pd(_mm256_loadu_ps(p));
}
/* The lanes of m only (the others 0, nothing read for them) */
static inline __attribute__((always_inline)) __m512d
LR_FN(ld8m)(const LR_T *p, __mmask8 m)
{
    return _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, p));
}

/* The rank update of n rows at xb: acc[j] = acc[j] + r_k x_kj in row
 * order, eight features a vector, two vectors a step, the last p mod 8
 * features masked (nothing read or written past the row). GCC's own
 * vectorisation of the scalar loop loaded sixteen floats whole and
 * extracted the upper eight (a shuffle for every conversion's half), and
 * left the last p mod 16 features scalar. With dot16's tail skipping B
 * where no lane of it is in the row, float on 1 thread (bench --sweep, X
 * of 128 MB, two rounds, AMD EPYC VM, ms an iteration): p = 50 2.39-2.43
 * to 2.05-2.07, p = 100 2.00 to 1.76-1.79, p = 200 1.68-1.69 to
 * 1.54-1.58, p = 1000 1.73-1.80 to 1.66-1.71. Double's own loop was as
 * fast as this one. */
static inline __attribute__((always_inline)) void
LR_FN(upd_pr)(const LR_T *restrict xb, const double *restrict xs, size_t S,
              size_t P, size_t n, const double *restrict r,
              double *restrict acc)
{
    __m512d rv[8];
    for (size_t k = 0; k < n; k++)
        rv[k] = _mm512_set1_pd(r[k]);
    size_t j = 0;
    for (; j + 16 <= P; j += 16) {
        __m512d a0 = _mm512_loadu_pd(acc + j), a1 = _mm512_loadu_pd(acc + j + 8);
        for (size_t k = 0; k < n; k++) {
            const __m512d x0 = xs ? _mm512_load_pd(xs + k * S + j)
                                  : LR_FN(ld8x)(xb + k * P + j);
            const __m512d x1 = xs ? _mm512_load_pd(xs + k * S + j + 8)
                                  : LR_FN(ld8x)(xb + k * P + j + 8);
            a0 = _mm512_add_pd(a0, _mm512_mul_pd(rv[k], x0));
            a1 = _mm512_add_pd(a1, _mm512_mul_pd(rv[k], x1));
        }
        _mm512_storeu_pd(acc + j, a0);
        _mm512_storeu_pd(acc + j + 8, a1);
    }
    for (; j < P; j += 8) {
        const __mmask8 m = (__mmask8)(P - j >= 8 ? 0xffu : (1u << (P - j)) - 1u);
        __m512d a0 = _mm512_maskz_loadu_pd(m, acc + j);
        for (size_t k = 0; k < n; k++) {
            const __m512d x0 = xs ? _mm512_load_pd(xs + k * S + j)
                                  : LR_FN(ld8m)(xb + k * P + j, m);
            a0 = _mm512_add_pd(a0, _mm512_mul_pd(rv[k], x0));
        }
        _mm512_mask_storeu_pd(acc + j, m, a0);
    }
}
#endif

/* Rows of a width known only at run time (p > 32): R rows a block, each
 * row's dot product in turn (dot16, which prefetches LR_DOT_PF_T bytes ahead
 * a line at a time as it reads: one stream through memory), then the
 * block's rank update, float widened as it is loaded. The sums of rows_v.
 * Measured on the AVX-512 development machine (1 thread, X of 128 MB,
 * CPU time, best of 20), this loop came within 1.0-1.15x of a plain read
 * for double at p = 64 to 1000 and 1.3-1.5x for float, where rows_v's
 * interleaved rows (with any block size or prefetch tried) took 1.2-1.8x
 * and 1.3-1.9x; rows_v is the faster one for the compile-time widths.
 *
 * Where float's time goes on the AMD EPYC VM (family 26 model 2), the
 * kernel alone with X of 1 MB (in the cache), p = 33 to 200, builds
 * alternating, 3-5 rounds (2026-12-03): the blocks' dot products alone
 * took 0.75-0.97 of the pass's time and the rank updates alone 0.26-0.28;
 * the dot products without their stores to xs 0.73-0.82 of it (a 512-bit
 * store issues once a cycle there, a widening about every 0.8 cycles, and
 * a widening beside an add 1.1 cycles the pair). Tried there, the same
 * sums, not kept: two rows' dot products at once, one load of w for both
 * (1.03-1.12x the time); the last levels of eight rows' trees at once, in
 * 7 adds and 15 shuffles of vectors instead of 32 adds and 24 shuffles
 * (1.13-1.22x: the rank update then waits for all eight sums); the first
 * products not added to zero (0.98-1.07x); rows_pipe's pass (1.02-1.13x at
 * p = 64 to 200; at 300 to 1000 0.82-0.96x in the cache, but from memory,
 * bench --sweep, three rounds, 1.95-2.16x a plain read at p = 700 and 1000
 * against 1.31-2.00x). FMA contraction, which the bits rule out, took
 * 0.81-0.93 of the time at p = 5 to 64 and the same at 200: the adds are
 * not what bounds it. */
#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
/* Float blocks widen their rows once, into xs (S doubles a row), where
 * LR_XS_FITS: the doubles of the rows within LR_XS_MAX (16 KiB), and w,
 * acc and the rows together within LR_XS_WS (24 KiB, half a 48 KiB L1
 * cache: the float rows stream through it too). Intel Xeon VM (family 6
 * model 207), 1 thread, X in the L2 cache, ns an element: widening every
 * element twice, 0.24-0.29 at p = 32 to 100 and 0.21 at p = 200 to 1000;
 * once, 0.19-0.23 and 0.165-0.195. At p = 1000 one row a block (24 KiB)
 * took 0.192, two (32 KiB) 0.22-0.23; at p = 2000 one row (48 KiB) 0.43
 * against 0.25 widening twice. On AMD's CPUs, from p = 257, each element
 * is widened twice instead (kernel_ops.h: lr_kf32_l1). */
#define LR_XS_MAX 2048
#define LR_XS_WS 3072
#define LR_XS_FITS(P, S, R) ((R) * (S) <= LR_XS_MAX && 2 * (P) + (R) * (S) <= LR_XS_WS)
#endif

/* One block of n rows (a compile-time constant where inlined); float on
 * AVX-512 keeps the rows widened at xs (S a row) unless xs is NULL. */
static inline __attribute__((always_inline)) void
LR_FN(blk_pr)(const LR_T *restrict xb, const double *restrict yb, size_t P,
       size_t n, const void *pfl, const double *restrict w,
       const double *wt, double b, double *restrict acc, double *gb,
       double *sse, size_t S, double *restrict xs)
{
    double r[8];
#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
    for (size_t k = 0; k < n; k++)
        r[k] = (LR_FN(dot16s)(xb + k * P, w, wt, P, pfl, xs ? xs + k * S : NULL)
                + b) - yb[k];
    LR_FN(upd_pr)(xb, xs, S, P, n, r, acc);
#else
    (void)S, (void)xs;
    for (size_t k = 0; k < n; k++)
        r[k] = (LR_FN(dot16)(xb + k * P, w, wt, P, pfl) + b) - yb[k];
    for (size_t j = 0; j < P; j++) {
        double a = acc[j];
        for (size_t k = 0; k < n; k++)
            a = a + r[k] * (double)xb[k * P + j];
        acc[j] = a;
    }
#endif
    for (size_t k = 0; k < n; k++) {
        *gb = *gb + r[k];
        *sse = *sse + r[k] * r[k];
    }
}

/* Rows [lo, hi) in blocks of R, then one at a time. */
static inline __attribute__((always_inline)) void
LR_FN(rows_pr_run)(const LR_T *restrict X, const double *restrict y,
        size_t P, size_t R, const double *restrict w, const double *wt,
        double b, size_t lo, size_t hi, size_t end, double *restrict acc,
        size_t S, double *restrict xs)
{
    double gb = 0.0, sse = 0.0;
    const void *pfl = LR_PF_LIM(X, P, end);
    size_t i = lo;
    for (; i + R <= hi; i += R) {
#if LR_PF > 0
        __builtin_prefetch(lr_pf_at(y + i, LR_PF / 4, y + end - 1));
#endif
        LR_FN(blk_pr)(X + i * P, y + i, P, R, pfl, w, wt, b, acc, &gb, &sse,
                      S, xs);
    }
    for (; i < hi; i++)
        LR_FN(blk_pr)(X + i * P, y + i, P, 1, pfl, w, wt, b, acc, &gb, &sse,
                      S, xs);
    acc[P] += gb;
    acc[P + 1] += sse;
}

static inline __attribute__((always_inline)) void
LR_FN(rows_pr)(const LR_T *restrict X, const double *restrict y, size_t P, size_t R,
        const double *restrict w, double b, size_t lo, size_t hi,
        size_t end, double *restrict acc)
{
    double wt[16];
    lr_wtail(w, P, wt);
#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
    const size_t S = lr_pad8(P);
    if (!lr_f32_l1(P) && LR_XS_FITS(P, S, R)) {
        double xs[LR_XS_MAX] __attribute__((aligned(64)));
        LR_FN(rows_pr_run)(X, y, P, R, w, wt, b, lo, hi, end, acc, S, xs);
        return;
    }
#endif
    LR_FN(rows_pr_run)(X, y, P, R, w, wt, b, lo, hi, end, acc, 0, NULL);
}

/* ---- Wide rows, pipelined: a block's dot products alongside the
 * previous block's rank update ----
 *
 * A row wider than the L1 cache was read twice, by its dot product (from
 * memory, prefetching LR_DOT_PF_T bytes ahead as it goes) and then by its
 * rank update (from the L2 cache), each pass with all of w or acc from
 * the L2 cache too. While the update ran the stream from memory issued
 * nothing, and w and acc moved 24 bytes an element through the L2 cache
 * for the 8 (double) or 4 (float) that came from memory: 1.2-1.4x a plain
 * read at double p = 2048 to 5000, 1.4-1.7x for float. Here R rows make a
 * block, and one sweep over the columns, sixteen a step, does both: the
 * dot products of block s (each row's own lanes, tail and tree as dot16:
 * the same bits), one load of w serving the R rows, and the rank update of
 * block s - 1 (acc_j + r_k x_kj for its rows in order, as blk_pr: the
 * same bits), one load and store of acc serving R rows. nd and nu (0 or
 * R, constants where inlined) say which of the two a sweep does. */
#ifndef LR_PIPE_R
#if defined(__AVX512F__)
#define LR_PIPE_R 4
#else
#define LR_PIPE_R 2
#endif
#endif
/* Widths past which rows take the pipelined pass: float rows past
 * LR_XS_FITS's one row (1024), double past 1536, where one row, w and acc
 * (24 p bytes) outgrow the L1 cache. Intel Xeon VM (family 6 model 207),
 * 1 thread, X of 128 MB, bench --sweep, iteration / a plain read, blocks
 * of rows as before -> pipelined (two or three rounds): double p = 1100
 * to 1400 1.00-1.03 -> 1.05-1.10 (so not there), p = 1700 1.18 -> 1.09-1.12,
 * p = 2048 to 5000 1.24-1.38 -> 1.00-1.12; float p = 1100 to 1400
 * 1.37-1.47 -> 1.19-1.26, p = 1500 to 5000 1.08-1.79 -> 1.09-1.45. The
 * AVX2 path (LR_ISA=avx2) gained alike: double p = 3000, 5000 1.43-1.47
 * -> 1.10-1.26, float 1.80-1.94 -> 1.45-1.73. */
#ifndef LR_PIPE_MIN_F64
#define LR_PIPE_MIN_F64 1536
#endif
#ifndef LR_PIPE_MIN_F32
#define LR_PIPE_MIN_F32 1024
#endif
static inline __attribute__((always_inline)) void
LR_FN(sweep_du)(const LR_T *restrict x, size_t nd, const double *restrict w,
                const double *wt, size_t p, size_t stream,
                const LR_T *restrict xp, size_t nu, const double *restrict rp,
                double *restrict acc, double *restrict dots)
{
#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
    /* float: dot16s's two vectors of eight a row (lanes 0-7 and 8-15 of
     * the sixteen: the same adds lane by lane), each element widened by
     * one 512-bit conversion, where four of four took three FP port slots
     * an element more than the loads gave time for (1 thread, p = 1500 to
     * 5000: 1.35-1.45x a plain read) */
    __m512d A[LR_PIPE_R], B[LR_PIPE_R], rv[LR_PIPE_R];
    for (size_t k = 0; k < LR_PIPE_R; k++) {
        A[k] = B[k] = _mm512_setzero_pd();
        rv[k] = _mm512_set1_pd(k < nu ? rp[k] : 0.0);
    }
    size_t j = 0;
    for (; j + 16 <= p; j += 16) {
        if (nd) {
            const __m512d w0 = _mm512_loadu_pd(w + j), w1 = _mm512_loadu_pd(w + j + 8);
            for (size_t k = 0; k < nd; k++) {
                LR_FN(dot_pf)(x + k * p + j, p, stream);
                A[k] = _mm512_add_pd(A[k], _mm512_mul_pd(LR_FN(ld8x)(x + k * p + j), w0));
                B[k] = _mm512_add_pd(B[k], _mm512_mul_pd(LR_FN(ld8x)(x + k * p + j + 8), w1));
            }
        }
        if (nu) {
            __m512d a0 = _mm512_loadu_pd(acc + j), a1 = _mm512_loadu_pd(acc + j + 8);
            for (size_t k = 0; k < nu; k++) {
                a0 = _mm512_add_pd(a0, _mm512_mul_pd(rv[k], LR_FN(ld8x)(xp + k * p + j)));
                a1 = _mm512_add_pd(a1, _mm512_mul_pd(rv[k], LR_FN(ld8x)(xp + k * p + j + 8)));
            }
            _mm512_storeu_pd(acc + j, a0);
            _mm512_storeu_pd(acc + j + 8, a1);
        }
    }
    const size_t rd = p - j;
    if (rd) {
        /* dot16s's tail (masked: nothing read past a row or w, whose
         * last weights come from wt), then upd_pr's */
        const __mmask8 m0 = (__mmask8)(rd >= 8 ? 0xffu : (1u << rd) - 1u);
        const __mmask8 m1 = (__mmask8)(rd > 8 ? (1u << (rd - 8)) - 1u : 0u);
        for (size_t k = 0; k < nd; k++) {
            A[k] = _mm512_mask_add_pd(A[k], m0, A[k],
                                      _mm512_mul_pd(LR_FN(ld8m)(x + k * p + j, m0),
                                                    _mm512_loadu_pd(wt)));
            if (rd > 8)
                B[k] = _mm512_mask_add_pd(B[k], m1, B[k],
                                          _mm512_mul_pd(LR_FN(ld8m)(x + k * p + j + 8, m1),
                                                        _mm512_loadu_pd(wt + 8)));
        }
        if (nu) {
            __m512d a0 = _mm512_maskz_loadu_pd(m0, acc + j);
            for (size_t k = 0; k < nu; k++)
                a0 = _mm512_add_pd(a0, _mm512_mul_pd(rv[k], LR_FN(ld8m)(xp + k * p + j, m0)));
            _mm512_mask_storeu_pd(acc + j, m0, a0);
            if (rd > 8) {
                __m512d a1 = _mm512_maskz_loadu_pd(m1, acc + j + 8);
                for (size_t k = 0; k < nu; k++)
                    a1 = _mm512_add_pd(a1, _mm512_mul_pd(rv[k], LR_FN(ld8m)(xp + k * p + j + 8, m1)));
                _mm512_mask_storeu_pd(acc + j + 8, m1, a1);
            }
        }
    }
    for (size_t k = 0; k < nd; k++) {
        const __m512d s = _mm512_add_pd(A[k], B[k]);
        dots[k] = lr_sum02((lr_v4d)_mm256_add_pd(_mm512_castpd512_pd256(s),
                                                 _mm512_extractf64x4_pd(s, 1)));
    }
#else
    (void)wt;
    lr_v4d t[LR_PIPE_R][4], rv[LR_PIPE_R], wv, a;
    for (size_t k = 0; k < LR_PIPE_R; k++) {
        t[k][0] = t[k][1] = t[k][2] = t[k][3] = (lr_v4d){0, 0, 0, 0};
        rv[k] = (lr_v4d){0, 0, 0, 0} + (k < nu ? rp[k] : 0.0);
    }
    size_t j = 0;
#define LR_DU_STEP(q)                                                          \
    do {                                                                       \
        if (nd) {                                                              \
            memcpy(&wv, w + j + 4 * (q), sizeof wv);                           \
            for (size_t k = 0; k < nd; k++)                                    \
                t[k][q] += LR_FN(v4_cvt)(x + k * p + j + 4 * (q)) * wv;        \
        }                                                                      \
        if (nu) {                                                              \
            memcpy(&a, acc + j + 4 * (q), sizeof a);                           \
            for (size_t k = 0; k < nu; k++)                                    \
                a = a + rv[k] * LR_FN(v4_cvt)(xp + k * p + j + 4 * (q));       \
            memcpy(acc + j + 4 * (q), &a, sizeof a);                           \
        }                                                                      \
    } while (0)
    for (; j + 16 <= p; j += 16) {
        for (size_t k = 0; k < nd; k++)
            LR_FN(dot_pf)(x + k * p + j, p, stream);
        LR_DU_STEP(0);
        LR_DU_STEP(1);
        LR_DU_STEP(2);
        LR_DU_STEP(3);
    }
    /* dot16's tail: whole groups of four, then a part with -0.0 lanes */
    const size_t full = (p - j) / 4, part = (p - j) % 4;
    if (full > 0)
        LR_DU_STEP(0);
    if (full > 1)
        LR_DU_STEP(1);
    if (full > 2)
        LR_DU_STEP(2);
#undef LR_DU_STEP
    j += 4 * full;
    if (part) {
        for (size_t k = 0; k < nd; k++) {
            const lr_v4d u = LR_FN(dot_part)(x + k * p + j, w + j, part);
            if (full == 0)
                t[k][0] += u;
            else if (full == 1)
                t[k][1] += u;
            else if (full == 2)
                t[k][2] += u;
            else
                t[k][3] += u;
        }
        for (size_t q = j; q < p; q++) {
            double aq = acc[q];
            for (size_t k = 0; k < nu; k++)
                aq = aq + rp[k] * (double)xp[k * p + q];
            acc[q] = aq;
        }
    }
    for (size_t k = 0; k < nd; k++)
        dots[k] = lr_sum02((t[k][0] + t[k][2]) + (t[k][1] + t[k][3]));
#endif
}

/* Rows [lo, hi) of width P, LR_PIPE_R a block, pipelined (sweep_du); the
 * rows after the last whole block one at a time (blk_pr: the same bits). */
static inline __attribute__((always_inline)) void
LR_FN(rows_pipe)(const LR_T *restrict X, const double *restrict y, size_t P,
                 const double *restrict w, double b, size_t lo, size_t hi,
                 size_t end, double *restrict acc)
{
    enum { R = LR_PIPE_R };
    double wt[16], d[R] = {0}, r[R] = {0}, gb = 0.0, sse = 0.0;
    lr_wtail(w, P, wt);
    const void *pfl = LR_PF_LIM(X, P, end);
    const size_t nb = (hi - lo) / R;
    for (size_t s = 0; s <= nb; s++) {
        const LR_T *xd = X + (lo + s * R) * P, *xu = xd - R * P;
        const size_t stream = s < nb ? LR_FN(dot_pf_ok)(xd + (R - 1) * P, P, pfl) : 0;
        if (s == 0 && nb > 0)
            LR_FN(sweep_du)(xd, R, w, wt, P, stream, NULL, 0, NULL, acc, d);
        else if (s < nb)
            LR_FN(sweep_du)(xd, R, w, wt, P, stream, xu, R, r, acc, d);
        else if (nb > 0)
            LR_FN(sweep_du)(NULL, 0, w, wt, P, 0, xu, R, r, acc, d);
        if (s < nb)
            for (size_t k = 0; k < R; k++) {
                r[k] = (d[k] + b) - y[lo + s * R + k];
                gb = gb + r[k];
                sse = sse + r[k] * r[k];
            }
    }
    for (size_t i = lo + nb * R; i < hi; i++)
        LR_FN(blk_pr)(X + i * P, y + i, P, 1, pfl, w, wt, b, acc, &gb, &sse, 0, NULL);
    acc[P] += gb;
    acc[P + 1] += sse;
}

/* Rows a block for width P: the block stays within 32 KiB (in the L1
 * cache between its two phases), at most LR_VROWS. */
#ifndef LR_VBLK
#define LR_VBLK 32768
#endif
#define LR_VR(P, T) ((P) * sizeof(T) * 8 <= LR_VBLK && LR_VROWS >= 8 ? 8 \
                     : (P) * sizeof(T) * 4 <= LR_VBLK ? 4 \
                     : (P) * sizeof(T) * 2 <= LR_VBLK ? 2 : 1)

/* Double rows a block at the compile-time widths: four, not eight (1
 * thread, p = 16 to 32: 1.10-1.35x a plain read down to 1.00-1.12x; p = 8
 * and 13 the same; float keeps eight, its p = 8 and 13 were 1.1x slower
 * with four). */
#ifndef LR_VR_DBL
#define LR_VR_DBL 4
#endif

/* Compile-time widths 17 to 32 (8 to 16 take rows_lanes). */
static inline __attribute__((always_inline)) void
LR_FN(rows_vc)(const LR_T *restrict X, const double *restrict y, size_t P,
               const double *restrict w, double b, size_t lo, size_t hi,
               size_t end, double *restrict acc)
{
#ifndef LR_NR_WIDE
#define LR_NR_WIDE 4
#endif
    /* blk_n keeps R rows of (P + 7) / 8 vectors in registers */
    const size_t R = LR_NARROW_ONCE && P > 16 && P < 32 ? LR_NR_WIDE
                     : sizeof(LR_T) == sizeof(double) && LR_VR(P, LR_T) > LR_VR_DBL
                         ? LR_VR_DBL
                         : LR_VR(P, LR_T);
    LR_FN(rows_v)(X, y, P, R, w, b, lo, hi, end, acc);
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
                           size_t hi, size_t end, double *restrict acc)
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
    /* the eight lanes as lr_d8 (each lane's operations the same on every
     * path) */
    const lr_d8 wv = d8_splat(w0), bv = d8_splat(b);
    lr_d8 gv = d8_splat(0.0), gbv = gv, ssev = gv;
    size_t i = lo;
    /* rows that prefetch LR_PF bytes ahead within the array's end rows,
     * then the rest at distance 0 (the line being read). The limit costs
     * double 4-7% in the harness (0.35 to 0.37 ns a row, 1 thread, 36 MB;
     * a clamp of each prefetch or a second loop cost the same) */
    const size_t ahead = LR_PF / sizeof(LR_T) + 8;
    const size_t ipf = end > ahead ? end - ahead : 0;
    for (int seg = 0; seg < 2; seg++) {
        const size_t h = seg || hi < ipf ? hi : ipf, d = seg ? 0 : LR_PF;
        for (; i + 8 <= h; i += 8) {
            __builtin_prefetch((const char *)(X + i) + d);
            __builtin_prefetch((const char *)(y + i) + d);
            const lr_d8 x = LR_FN(d8_ldx)(X + i);
            const lr_d8 r = d8_sub(d8_add(d8_mul(x, wv), bv), d8_ld(y + i));
            gv = d8_add(gv, d8_mul(r, x));
            gbv = d8_add(gbv, r);
            ssev = d8_add(ssev, d8_mul(r, r));
        }
    }
    double g[8], gb[8], sse[8];
    d8_st(g, gv);
    d8_st(gb, gbv);
    d8_st(sse, ssev);
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

/* Widths 2 to 16 (compile-time P): eight row lanes, as for p = 1 (row
 * lo + 8m + l in lane l; each lane a running sum of its rows in order, the
 * lanes combined at the end as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) +
 * (l6 + l7))). With one running sum per feature, a row costs at least one
 * add latency (8p + 8 bytes in about 3 cycles: 1.6-2x a plain read here at
 * p = 2 to 7); in lanes it does not. Eight rows are transposed into P
 * column vectors and the eight residuals formed as one vector in dot4's
 * order (lane l = j mod 4 from 0, then (t0 + t1) + (t2 + t3)): the same
 * residuals as rows_v, the sums in another fixed order (the last bits of
 * large problems at these widths changed with this kernel; small problems
 * took the long-double path, now double-double, and were unchanged).
 *
 * p = 8 to 16 came here from rows_v (the row-order sums), changing their
 * last bits: rows_v reduced each row's dot product across its lanes and
 * broadcast the residual back (five shuffles a row, with float's
 * conversions the limit: float 1.5-1.8x a plain read at p = 8 to 16, 1
 * thread); in lanes a row costs 3 shuffles (float) and no reduction.
 * Measured in a harness of the kernel alone (1 thread, X of 72 MB, ns a
 * row, float): p = 8 1.47 -> 1.01, 9 2.14 -> 1.10, 11 2.08 -> 1.33,
 * 13 2.34 -> 1.65, 16 2.23 -> 1.86. */
/* the first step of an 8-row transposition: rows 2q and 2q + 1
 * interleaved, low and high elements of each pair of lanes */
#define LR_PAIRS(t, r, lo, hi) \
    do { \
        for (size_t q_ = 0; q_ < 4; q_++) { \
            (t)[2 * q_] = lo((r)[2 * q_], (r)[2 * q_ + 1]); \
            (t)[2 * q_ + 1] = hi((r)[2 * q_], (r)[2 * q_ + 1]); \
        } \
    } while (0)
#ifndef LR_LANES_P
#define LR_LANES_P 16 /* the widest */
#endif
/* Widths above LR_LANES_REG keep their sums in memory, not registers: the
 * P sums and the P columns did not both fit the 32 vector registers, and
 * GCC's spills of them made float p = 13 1.2-1.5x slower streamed. */
#ifndef LR_LANES_REG
#define LR_LANES_REG 8
#endif
/* Double rows of at most LR_DTR_MAX, and of 16, transposed by shuffles
 * (AVX-512), the others loaded element by element: at p = 10 to 15 the
 * shuffled transposition ran 1.4-2x slower streamed than the element loads
 * (1.05x in the cache, where it was 1.2-1.8x faster). At p = 16 (each row
 * two whole lines) it is the faster one since X lies on huge pages
 * (lr_alloc_rows): bench --sweep, 1 thread, three rounds, 3.44-3.70 ms
 * an iteration by elements against 3.20-3.33 by shuffles (AMD EPYC VM);
 * before, 4.2-4.7 against 4.2-4.5. */
#ifndef LR_DTR_MAX
#define LR_DTR_MAX 9
#endif
/* Float rows of LR_LC_MIN to 7 features take lanes_cols on AVX-512
 * (the fewest: a build-time setting for measurements) */
#ifndef LR_LC_MIN
#define LR_LC_MIN 3
#endif
#if !defined(LR_T_IS_DOUBLE) && defined(__AVX512F__)
/* Columns j < P of eight float rows at x0 (8 P contiguous floats, P <= 7)
 * as vectors of doubles: c[j] lane k = x0[k P + j]. */
static inline __attribute__((always_inline)) void
LR_FN(lanes_cols)(const float *x0, size_t P, lr_v8d *c)
{
    const size_t nf = 8 * P, nv = (nf + 15) / 16;
    __m512 v[4];
#pragma GCC unroll 4
    for (size_t q = 0; q < nv; q++)
        v[q] = 16 * q + 16 <= nf
                   ? _mm512_loadu_ps(x0 + 16 * q)
                   : _mm512_maskz_loadu_ps((__mmask16)((1u << (nf - 16 * q)) - 1u),
                                           x0 + 16 * q);
#pragma GCC unroll 7
    for (size_t j = 0; j < P; j++) {
        /* constants once unrolled (a vector built in memory here waited
         * on its stores every block) */
        const int jj = (int)j, pp = (int)P;
        const __m512i idx = _mm512_setr_epi32(
            jj & 31, (jj + pp) & 31, (jj + 2 * pp) & 31, (jj + 3 * pp) & 31,
            (jj + 4 * pp) & 31, (jj + 5 * pp) & 31, (jj + 6 * pp) & 31,
            (jj + 7 * pp) & 31, 0, 0, 0, 0, 0, 0, 0, 0);
        unsigned hi = 0;
        for (unsigned k = 0; k < 8; k++)
            hi |= (unsigned)(j + P * k >= 32) << k;
        __m512 s = _mm512_permutex2var_ps(v[0], idx, nv > 1 ? v[1] : v[0]);
        if (nv > 2)
            s = _mm512_mask_blend_ps((__mmask16)hi, s,
                                     _mm512_permutex2var_ps(v[2], idx, nv > 3 ? v[3] : v[2]));
        c[j] = (lr_v8d)_mm512_cvtps_pd(_mm512_castps512_ps256(s));
    }
}
#endif

#if !defined(LR_T_IS_DOUBLE) && defined(__AVX512F__)
/* Columns j < P of eight float rows at x0 (P 8 to 16): each row one
 * vector (the last one's masked: nothing read past the block; a masked
 * load of all 16 at p = 16 made it 1.5x slower streamed, so rows 0-6 load
 * whole, their lanes past the row unused), transposed in three steps of
 * two-source shuffles (pairs of floats, pairs of pairs, then the 128-bit
 * lanes of rows 0-3 and 4-7 side by side), each column widened once. */
static inline __attribute__((always_inline)) void
LR_FN(lanes_cols16)(const float *x0, size_t P, lr_v8d *c)
{
    const __mmask16 m = (__mmask16)((1u << P) - 1u);
    __m512 r[8], t[8], u[8];
#pragma GCC unroll 8
    for (size_t k = 0; k < 8; k++)
        r[k] = k < 7 || P == 16 ? _mm512_loadu_ps(x0 + k * P)
                                : _mm512_maskz_loadu_ps(m, x0 + k * P);
    LR_PAIRS(t, r, _mm512_unpacklo_ps, _mm512_unpackhi_ps);
#pragma GCC unroll 2
    for (size_t h = 0; h < 2; h++) { /* rows 0-3, then 4-7 */
        const __m512d a = (__m512d)t[4 * h], b = (__m512d)t[4 * h + 1];
        const __m512d e = (__m512d)t[4 * h + 2], f = (__m512d)t[4 * h + 3];
        u[4 * h] = (__m512)_mm512_unpacklo_pd(a, e);
        u[4 * h + 1] = (__m512)_mm512_unpackhi_pd(a, e);
        u[4 * h + 2] = (__m512)_mm512_unpacklo_pd(b, f);
        u[4 * h + 3] = (__m512)_mm512_unpackhi_pd(b, f);
    }
    const __m512i ilo = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19,
                                          4, 5, 6, 7, 20, 21, 22, 23);
    const __m512i ihi = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27,
                                          12, 13, 14, 15, 28, 29, 30, 31);
#pragma GCC unroll 4
    for (size_t q = 0; q < 4; q++) {
        /* u[q] lane L: column 4 L + q, rows 0-3; u[4 + q]: rows 4-7 */
        const __m512 lo = _mm512_permutex2var_ps(u[q], ilo, u[4 + q]);
        c[q] = (lr_v8d)_mm512_cvtps_pd(_mm512_castps512_ps256(lo));
        if (4 + q < P)
            c[4 + q] = (lr_v8d)_mm512_cvtps_pd(_mm512_extractf32x8_ps(lo, 1));
        if (8 + q < P) {
            const __m512 hi = _mm512_permutex2var_ps(u[q], ihi, u[4 + q]);
            c[8 + q] = (lr_v8d)_mm512_cvtps_pd(_mm512_castps512_ps256(hi));
            if (12 + q < P)
                c[12 + q] = (lr_v8d)_mm512_cvtps_pd(_mm512_extractf32x8_ps(hi, 1));
        }
    }
}
#endif

#if defined(LR_T_IS_DOUBLE) && defined(__AVX512F__)
/* The eight doubles of rows v[0..7] as columns: c[q] lane k = v[k] lane q,
 * for q < nq (pairs, pairs of 128-bit lanes, then halves: 24 shuffles) */
static inline __attribute__((always_inline)) void
lr_tr8d(const __m512d *v, size_t nq, lr_v8d *c)
{
    __m512d t[8], s[8];
    LR_PAIRS(t, v, _mm512_unpacklo_pd, _mm512_unpackhi_pd);
    /* t[2q] lane L: column 2 L, rows 2q and 2q + 1; t[2q + 1]: column 2 L + 1 */
#pragma GCC unroll 2
    for (size_t h = 0; h < 2; h++) { /* rows 0-3, then 4-7 */
        s[4 * h] = _mm512_shuffle_f64x2(t[4 * h], t[4 * h + 2], 0x88);     /* 0, 4 */
        s[4 * h + 1] = _mm512_shuffle_f64x2(t[4 * h], t[4 * h + 2], 0xdd); /* 2, 6 */
        s[4 * h + 2] = _mm512_shuffle_f64x2(t[4 * h + 1], t[4 * h + 3], 0x88); /* 1, 5 */
        s[4 * h + 3] = _mm512_shuffle_f64x2(t[4 * h + 1], t[4 * h + 3], 0xdd); /* 3, 7 */
    }
    static const unsigned char col[4][2] = {{0, 4}, {2, 6}, {1, 5}, {3, 7}};
#pragma GCC unroll 4
    for (size_t q = 0; q < 4; q++) {
        if (col[q][0] < nq)
            c[col[q][0]] = (lr_v8d)_mm512_shuffle_f64x2(s[q], s[4 + q], 0x88);
        if (col[q][1] < nq)
            c[col[q][1]] = (lr_v8d)_mm512_shuffle_f64x2(s[q], s[4 + q], 0xdd);
    }
}

/* Columns j < P of eight double rows at x0 (P 8 to 16): the first eight
 * and the rest (the last row's masked: nothing read past the block) */
static inline __attribute__((always_inline)) void
LR_FN(lanes_cols16)(const double *x0, size_t P, lr_v8d *c)
{
    __m512d v[8];
#pragma GCC unroll 8
    for (size_t k = 0; k < 8; k++)
        v[k] = _mm512_loadu_pd(x0 + k * P);
    lr_tr8d(v, 8, c);
    if (P > 8) {
        const __mmask8 m = (__mmask8)((1u << (P - 8)) - 1u);
#pragma GCC unroll 8
        for (size_t k = 0; k < 8; k++)
            v[k] = k < 7 || P == 16 ? _mm512_loadu_pd(x0 + k * P + 8)
                                    : _mm512_maskz_loadu_pd(m, x0 + k * P + 8);
        lr_tr8d(v, P - 8, c + 8);
    }
}
#endif

#if defined(__AVX2__) && !defined(__AVX512F__)
/* AVX2: the columns j < P (8 to 16) of eight rows at x0, by 8 x 8 (float)
 * or 4 x 4 (double) transposes of unpacks and 128-bit permutes; the last
 * row's load past its end masked (nothing read past the block). */
#ifndef LR_MASK8_DEFINED
#define LR_MASK8_DEFINED
/* the first n of eight 32-bit lanes set */
static inline __attribute__((always_inline)) __m256i lr_mask8(size_t n)
{
    const __m256i ix = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), ix);
}
#endif
#ifdef LR_T_IS_DOUBLE
static inline __attribute__((always_inline)) void
LR_FN(lanes_cols16a)(const double *x0, size_t P, lr_d8 *c)
{
    for (size_t g = 0; 4 * g < P; g++) { /* columns 4 g .. 4 g + 3 */
#pragma GCC unroll 2
        for (size_t q = 0; q < 2; q++) { /* rows 0-3, then 4-7 */
            __m256d a[4];
#pragma GCC unroll 4
            for (size_t k = 0; k < 4; k++) {
                const double *xk = x0 + (4 * q + k) * P + 4 * g;
                a[k] = 4 * q + k == 7 && 4 * g + 4 > P
                           ? _mm256_maskload_pd(xk, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(
                                                        lr_mask8(P - 4 * g))))
                           : _mm256_loadu_pd(xk);
            }
            const __m256d t0 = _mm256_unpacklo_pd(a[0], a[1]);
            const __m256d t1 = _mm256_unpackhi_pd(a[0], a[1]);
            const __m256d t2 = _mm256_unpacklo_pd(a[2], a[3]);
            const __m256d t3 = _mm256_unpackhi_pd(a[2], a[3]);
            const __m256d h[4] = {_mm256_permute2f128_pd(t0, t2, 0x20),
                                  _mm256_permute2f128_pd(t1, t3, 0x20),
                                  _mm256_permute2f128_pd(t0, t2, 0x31),
                                  _mm256_permute2f128_pd(t1, t3, 0x31)};
#pragma GCC unroll 4
            for (size_t j = 0; j < 4; j++)
                if (4 * g + j < P)
                    c[4 * g + j].v[q] = (lr_dn)h[j];
        }
    }
}
#else
static inline __attribute__((always_inline)) void
LR_FN(lanes_cols16a)(const float *x0, size_t P, lr_d8 *c)
{
    for (size_t g = 0; 8 * g < P; g++) { /* columns 8 g .. 8 g + 7 */
        __m256 r[8], t[8], u[8];
#pragma GCC unroll 8
        for (size_t k = 0; k < 8; k++) {
            const float *xk = x0 + k * P + 8 * g;
            r[k] = k == 7 && 8 * g + 8 > P ? _mm256_maskload_ps(xk, lr_mask8(P - 8 * g))
                                           : _mm256_loadu_ps(xk);
        }
        LR_PAIRS(t, r, _mm256_unpacklo_ps, _mm256_unpackhi_ps);
#pragma GCC unroll 2
        for (size_t q = 0; q < 2; q++) { /* rows 0-3, then 4-7 */
            u[4 * q] = _mm256_shuffle_ps(t[4 * q], t[4 * q + 2], 0x44);
            u[4 * q + 1] = _mm256_shuffle_ps(t[4 * q], t[4 * q + 2], 0xee);
            u[4 * q + 2] = _mm256_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0x44);
            u[4 * q + 3] = _mm256_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0xee);
        }
        /* u[m] (m < 4): columns m (low half) and 4 + m (high half) of
         * rows 0-3; u[4 + m]: of rows 4-7 */
#pragma GCC unroll 8
        for (size_t j = 0; j < 8; j++) {
            if (8 * g + j < P) {
                const __m256 lo = u[j % 4], hi = u[4 + j % 4];
                const __m128 a = j < 4 ? _mm256_castps256_ps128(lo) : _mm256_extractf128_ps(lo, 1);
                const __m128 b = j < 4 ? _mm256_castps256_ps128(hi) : _mm256_extractf128_ps(hi, 1);
                c[8 * g + j].v[0] = (lr_dn)_mm256_cvtps_pd(a);
                c[8 * g + j].v[1] = (lr_dn)_mm256_cvtps_pd(b);
            }
        }
    }
}
#endif
#endif

static inline __attribute__((always_inline)) void
LR_FN(rows_lanes)(const LR_T *restrict X, const double *restrict y, size_t P,
                  const double *restrict w, double b, size_t lo, size_t hi,
                  size_t end, double *restrict acc)
{
    const lr_d8 zero = d8_splat(0.0), bv = d8_splat(b);
    /* prefetches no further than the array's last block of eight rows */
    const LR_T *xpl = end >= 8 ? X + (end - 8) * P : X;
    lr_d8 A[LR_LANES_P], Wv[LR_LANES_P], G = zero, S = zero;
    double am[LR_LANES_P][8] __attribute__((aligned(64)));
    /* The loops that set and read A unrolled where A is used: GCC's
     * scalar replacement runs before its loop unrolling, so a loop over
     * A left it on the stack, each block's sums stored and loaded again
     * (X in the cache, p = 5 to 8: 2-5% slower, float p = 4 3% faster;
     * unrolled past LR_LANES_REG, where am holds the sums, float p = 16
     * ran 5-9% slower) */
    if (P <= LR_LANES_REG) {
#pragma GCC unroll 16
        for (size_t j = 0; j < P; j++) {
            A[j] = zero;
            Wv[j] = d8_splat(w[j]);
        }
    } else {
        for (size_t j = 0; j < P; j++) {
            memset(am[j], 0, sizeof am[j]);
            Wv[j] = d8_splat(w[j]);
        }
    }
    size_t i = lo;
    for (; i + 8 <= hi; i += 8) {
        const LR_T *x0 = X + i * P;
#if LR_PF > 0
        {
            const char *pf = lr_pf_at(x0, LR_PF, xpl);
            for (size_t q = 0; q < 8 * P * sizeof(LR_T); q += 64)
                __builtin_prefetch(pf + q);
            __builtin_prefetch(lr_pf_at(y + i, LR_PF, y + end - 1));
        }
#endif
        lr_d8 c[LR_LANES_P];
#if defined(__AVX512F__)
        lr_v8d cv[LR_LANES_P];
        int shuffled = 0;
#if !defined(LR_T_IS_DOUBLE)
        /* float: the block's 8 P floats as whole vectors (the last masked:
         * nothing read past the block), each column picked out by
         * two-source permutes and widened once (element by element took
         * a load and an insert each: 1.2-1.3x a plain read at p = 5, 7;
         * at p = 3, 1.38x (1 thread) and 1.52x (2), now 1.03x and 0.95x,
         * 0.68x the time with X in the cache; p = 2 keeps the loads: the
         * permute was 4% slower there) */
        if (P >= 8)
            LR_FN(lanes_cols16)(x0, P, cv), shuffled = 1;
        else if (P >= LR_LC_MIN)
            LR_FN(lanes_cols)(x0, P, cv), shuffled = 1;
#else
        if (P >= 8 && (P <= LR_DTR_MAX || P == 16))
            LR_FN(lanes_cols16)(x0, P, cv), shuffled = 1;
#endif
        if (shuffled)
            for (size_t j = 0; j < P; j++)
                c[j].v[0] = cv[j];
        else
#elif defined(__AVX2__)
        if (P >= 8)
            LR_FN(lanes_cols16a)(x0, P, c);
        else
#endif
        for (size_t j = 0; j < P; j++)
            c[j] = LR_FN(d8_gatherx)(x0 + j, P);
        /* dot4's sums without its adds of zero: 0 + x is x but for the
         * sign of a zero, and so is r below: r is -0 for +0 only where
         * b = -0, y = +0 and every product is zero, and the sums r goes
         * into start at +0, where -0 and +0 add alike. The adds of zero
         * took the floating-point adders the widening shares (float
         * p = 3 to 7, X in the cache: 4 of 12 to 20 adds a block). */
        lr_d8 t[4] = {zero, zero, zero, zero};
        for (size_t j = 0; j < P && j < 4; j++)
            t[j] = d8_mul(c[j], Wv[j]);
        /* in two loops: one with a choice in it made the baseline's p = 6
         * to 8 1.35-1.42x slower (X in the cache) */
        for (size_t j = 4; j < P; j++)
            t[j % 4] = d8_add(t[j % 4], d8_mul(c[j], Wv[j]));
        lr_d8 s = P > 1 ? d8_add(t[0], t[1]) : t[0];
        if (P > 2)
            s = d8_add(s, P > 3 ? d8_add(t[2], t[3]) : t[2]);
        const lr_d8 r = d8_sub(d8_add(s, bv), d8_ld(y + i));
        if (P > LR_LANES_REG)
            for (size_t j = 0; j < P; j++)
                d8_st(am[j], d8_add(d8_ld(am[j]), d8_mul(r, c[j])));
        else
            for (size_t j = 0; j < P; j++)
                A[j] = d8_add(A[j], d8_mul(r, c[j]));
        G = d8_add(G, r);
        S = d8_add(S, d8_mul(r, r));
    }
    double a[LR_LANES_P + 2][8];
    if (P <= LR_LANES_REG) {
#pragma GCC unroll 16
        for (size_t j = 0; j < P; j++)
            d8_st(a[j], A[j]);
    } else {
        for (size_t j = 0; j < P; j++)
            memcpy(a[j], am[j], sizeof a[j]);
    }
    d8_st(a[P], G);
    d8_st(a[P + 1], S);
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

/* Rows a block past p = 512 (not double past 768): two, but for float on
 * AVX-512 one where only one row widened once fits (LR_XS_FITS). */
static inline size_t LR_FN(wide_rows)(size_t p)
{
#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
    const size_t S = lr_pad8(p);
    if (!LR_XS_FITS(p, S, 2) && LR_XS_FITS(p, S, 1))
        return 1;
#endif
    (void)p;
    return 2;
}

#define LR_CASE(P) \
    case P: LR_FN(rows_vc)(X, y, P, w, b, lo, hi, end, acc); break;
#define LR_CASE_LANES(P) \
    case P: LR_FN(rows_lanes)(X, y, P, w, b, lo, hi, end, acc); break;

/* The fused pass: compile-time widths up to 32 (p = 1, 2-16 in row lanes,
 * 17-32 in blocks of rows), then wider rows with their width at run time
 * (rows_pr). */
static void LR_FN(rows)(const LR_T *restrict X, const double *restrict y,
                        size_t p, const double *restrict w, double b,
                        size_t lo, size_t hi, size_t end,
                        double *restrict acc)
{
    switch (p) {
    case 1: LR_FN(rows_p1)(X, y, w, b, lo, hi, end, acc); break;
    LR_CASE_LANES(2) LR_CASE_LANES(3) LR_CASE_LANES(4) LR_CASE_LANES(5)
    LR_CASE_LANES(6) LR_CASE_LANES(7)
    LR_CASE_LANES(8) LR_CASE_LANES(9) LR_CASE_LANES(10) LR_CASE_LANES(11)
    LR_CASE_LANES(12) LR_CASE_LANES(13) LR_CASE_LANES(14) LR_CASE_LANES(15)
    LR_CASE_LANES(16) LR_CASE(17) LR_CASE(18) LR_CASE(19)
    LR_CASE(20) LR_CASE(21) LR_CASE(22) LR_CASE(23) LR_CASE(24) LR_CASE(25)
    LR_CASE(26) LR_CASE(27) LR_CASE(28) LR_CASE(29) LR_CASE(30) LR_CASE(31)
#if defined(__AVX512F__) && defined(__AVX512VL__) && !defined(LR_T_IS_DOUBLE)
    case 32:
        /* float on AVX-512: two of dot16's steps and upd_pr's, eight rows
         * a block, where rows_v's interleaved rows kept their partial sums
         * on the stack (kernel alone, 1 thread, ns a row: 4.2 to 3.7 in
         * the cache and streamed; double stays: 5.3 to 5.6 streamed) */
        LR_FN(rows_pr)(X, y, 32, 8, w, b, lo, hi, end, acc);
        break;
#else
    LR_CASE(32)
#endif
    default:
        if (p <= 128)
            LR_FN(rows_pr)(X, y, p, 8, w, b, lo, hi, end, acc);
        else if (p <= 512) /* four from 129: double p = 200 went from
                            * 1.11-1.18x a plain read to 1.06-1.08x */
            LR_FN(rows_pr)(X, y, p, 4, w, b, lo, hi, end, acc);
        else if (sizeof(LR_T) == sizeof(double) && p > LR_DBL_BLK4_MIN
                 && __atomic_load_n(&lr_kdbl_blk4, __ATOMIC_RELAXED))
            LR_FN(rows_pr)(X, y, p, 4, w, b, lo, hi, end, acc);
        else if (p > (sizeof(LR_T) == sizeof(double) ? LR_PIPE_MIN_F64 : LR_PIPE_MIN_F32))
            LR_FN(rows_pipe)(X, y, p, w, b, lo, hi, end, acc);
        else if (sizeof(LR_T) == sizeof(double) && p > 768)
            /* two double rows, w and acc (32 p bytes) overflowed the L1
             * cache: 1.1-1.35x a read at p = 800, 1000 (median 1.3), one
             * row 0.9-1.15x (median 1.1); float rows one at a time were
             * 1.5x slower than two */
            LR_FN(rows_pr)(X, y, p, 1, w, b, lo, hi, end, acc);
        else
            LR_FN(rows_pr)(X, y, p, LR_FN(wide_rows)(p), w, b, lo, hi, end, acc);
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
                             size_t hi, size_t end, double *restrict acc)
{
    double sb = 0.0, vt[16];
    lr_wtail(v, p, vt);
    const void *pfl = LR_PF_LIM(X, p, end);
    for (size_t i = lo; i < hi; i++) {
        const LR_T *xi = X + i * p;
        double s = LR_FN(dotp)(xi, v, vt, p, pfl) + vb;
        for (size_t j = 0; j < p; j++)
            acc[j] += s * (double)xi[j];
        sb += s;
    }
    acc[p] += sb;
}

#ifndef LR_DD_DEFINED
#define LR_DD_DEFINED
/* Double-double arithmetic (Dekker, Knuth; Ogita, Rump and Oishi's Dot2)
 * in plain double operations on the eight lanes of lr_d8 (the widest
 * vectors of the instruction set: one, two or four of them). The
 * transformations are exact: a * b = p + e and a + b = s + e with p, s
 * the rounded results, without FMA (the build contracts nothing), and
 * every operation is lane by lane: every instruction set gives the same
 * bits. */
#define LR_DD_EACH LR_D8_EACH(h)
#define LR_DD_L(a) ((a).v[h])
/* a = hi + lo, hi with the upper 26 bits of a's significand */
static inline __attribute__((always_inline)) void
lr_dd_split(lr_d8 a, lr_d8 *hi, lr_d8 *lo)
{
    LR_DD_EACH {
        const lr_dn c = LR_DD_L(a) * 134217729.0; /* 2^27 + 1 */
        hi->v[h] = c - (c - LR_DD_L(a));
        lo->v[h] = LR_DD_L(a) - hi->v[h];
    }
}
/* the rounding error of q = a * b, from the splits of a and b */
static inline __attribute__((always_inline)) lr_d8
lr_dd_prod_err(lr_d8 q, lr_d8 ah, lr_d8 al, lr_d8 bh, lr_d8 bl)
{
    lr_d8 e;
    LR_DD_EACH e.v[h] = ((LR_DD_L(ah) * LR_DD_L(bh) - LR_DD_L(q)) + LR_DD_L(ah) * LR_DD_L(bl)
                         + LR_DD_L(al) * LR_DD_L(bh)) + LR_DD_L(al) * LR_DD_L(bl);
    return e;
}
/* Knuth's TwoSum in each lane: a + b = s + *e exactly, s rounded */
static inline __attribute__((always_inline)) lr_dn lr_two_sum(lr_dn a, lr_dn b, lr_dn *e)
{
    const lr_dn s = a + b, bb = s - a;
    *e = (a - (s - bb)) + (b - bb);
    return s;
}
/* *s = *s + q, its rounding error added to *c with e */
static inline __attribute__((always_inline)) void
lr_dd_acc(lr_d8 *s, lr_d8 *c, lr_d8 q, lr_d8 e)
{
    LR_DD_EACH {
        lr_dn err;
        s->v[h] = lr_two_sum(s->v[h], LR_DD_L(q), &err);
        c->v[h] = c->v[h] + (err + LR_DD_L(e));
    }
}
/* (h, l) = h + l exactly, l below half an ulp of h */
static inline __attribute__((always_inline)) void lr_dd_norm(lr_d8 *hi, lr_d8 *lo)
{
    LR_DD_EACH hi->v[h] = lr_two_sum(hi->v[h], lo->v[h], &lo->v[h]);
}
/* (h, l) + d, normalised */
static inline __attribute__((always_inline)) void lr_dd_add1(lr_d8 *hi, lr_d8 *lo, lr_d8 d)
{
    LR_DD_EACH {
        lr_dn err;
        hi->v[h] = lr_two_sum(hi->v[h], LR_DD_L(d), &err);
        lo->v[h] = lo->v[h] + err;
    }
    lr_dd_norm(hi, lo);
}
#undef LR_DD_L
#undef LR_DD_EACH
/* (h, l) + (bh, bl), normalised: l below half an ulp of h */
static inline __attribute__((always_inline)) void
lr_dd_add(double *h, double *l, double bh, double bl)
{
    const double t = *h + bh, bb = t - *h;
    const double e = ((*h - (t - bb)) + (bh - bb)) + (*l + bl);
    *h = t + e;
    *l = e - (*h - t);
}
#endif

/* The same pass in double-double (about 106 bits), eight rows at a time,
 * one a lane (lane k takes rows lo + k mod 8): each residual by Dot2 along
 * its row (j in order; the sum and the error terms of the products and
 * adds kept apart), r = (x.w + b) - y normalised, then the sums of r x_ij,
 * r and r^2 in each lane, compensated the same way; the eight lanes are
 * combined in lane order at the end. The last rows are copied into a block
 * of zeros; the rows past hi take r = 0. Used for small problems on the
 * serial path (n p < LR_PAR_MIN_ELEMS, 2 <= p <= LR_LD_MAX_P), where
 * ill-conditioned data (NIST Wampler5: residuals of 2e7 against x^5 of
 * 3e6) need the gradient's cancellation to lose fewer digits: GD's digits
 * on Wampler1, 3, 4 and 5 went from 8.0-8.7 to 9.8 (results/nist). It
 * replaced long double (x87, 64-bit significands), one row at a time, one
 * chain of adds, its accumulators in memory. 1 thread, AMD EPYC VM, train
 * --no-exact --tol 0 --iters 20000, us an iteration, long double against
 * this on AVX-512: 3640 x 9 122 and 29 (the fused pass at 3641 rows: 6),
 * 200 x 50 43.5 and 7.5, 1000 x 5 21.8 and 5.7. Four rows a block (one
 * vector of four) took 54, 12.7 and 10.5, and 4.5x the time on the
 * baseline (SSE2) path; eight lanes as one vector type that AVX2 lacks,
 * 5x on AVX2. */
static void LR_FN(rows_ld)(const LR_T *restrict X, const double *restrict y,
                           size_t p, const double *restrict w, double b,
                           size_t lo, size_t hi, double *restrict acc)
{
    const lr_d8 zero = d8_splat(0.0), bv = d8_splat(b);
    lr_d8 A[LR_LD_MAX_P], Ac[LR_LD_MAX_P];
    lr_d8 wv[LR_LD_MAX_P], wh[LR_LD_MAX_P], wl[LR_LD_MAX_P];
    for (size_t j = 0; j < p; j++) {
        wv[j] = d8_splat(w[j]);
        lr_dd_split(wv[j], &wh[j], &wl[j]);
        A[j] = Ac[j] = zero;
    }
    lr_d8 G = zero, Gc = zero, Q = zero, Qc = zero;
    LR_T tail[8 * LR_LD_MAX_P];
    double ytail[8];
    for (size_t i = lo; i < hi; i += 8) {
        const size_t nr = hi - i < 8 ? hi - i : 8;
        const LR_T *xb = X + i * p;
        const double *yb = y + i;
        if (nr < 8) {
            memset(tail, 0, 8 * p * sizeof *tail);
            memcpy(tail, xb, nr * p * sizeof *tail);
            memset(ytail, 0, sizeof ytail);
            memcpy(ytail, yb, nr * sizeof *ytail);
            xb = tail;
            yb = ytail;
        }
        /* column j of the eight rows, and its halves */
        lr_d8 xv[LR_LD_MAX_P], xh[LR_LD_MAX_P], xl[LR_LD_MAX_P];
        lr_d8 S = zero, C = zero;
        for (size_t j = 0; j < p; j++) {
            xv[j] = LR_FN(d8_gatherx)(xb + j, p);
            lr_dd_split(xv[j], &xh[j], &xl[j]);
            const lr_d8 q = d8_mul(xv[j], wv[j]);
            lr_dd_acc(&S, &C, q, lr_dd_prod_err(q, xh[j], xl[j], wh[j], wl[j]));
        }
        /* r = ((S + C) + b) - y, each step normalised; 0 past hi */
        lr_d8 rh = S, rl = C;
        lr_dd_norm(&rh, &rl);
        lr_dd_add1(&rh, &rl, bv);
        lr_dd_add1(&rh, &rl, d8_sub(zero, d8_ld(yb)));
        if (nr < 8) {
            double keep[8];
            for (size_t k = 0; k < 8; k++)
                keep[k] = k < nr ? 1.0 : 0.0;
            rh = d8_mul(rh, d8_ld(keep));
            rl = d8_mul(rl, d8_ld(keep));
        }
        lr_d8 rhh, rhl;
        lr_dd_split(rh, &rhh, &rhl);
        for (size_t j = 0; j < p; j++) {
            const lr_d8 q = d8_mul(rh, xv[j]);
            lr_dd_acc(&A[j], &Ac[j], q,
                      d8_add(lr_dd_prod_err(q, rhh, rhl, xh[j], xl[j]), d8_mul(rl, xv[j])));
        }
        lr_dd_acc(&G, &Gc, rh, rl);
        const lr_d8 r2 = d8_mul(rh, rh);
        lr_dd_acc(&Q, &Qc, r2, d8_add(lr_dd_prod_err(r2, rhh, rhl, rhh, rhl),
                                      d8_mul(d8_mul(d8_splat(2.0), rh), rl)));
    }
    /* each sum's lanes, in lane order */
    for (size_t j = 0; j < p + 2; j++) {
        double s[8], c[8];
        d8_st(s, j < p ? A[j] : j == p ? G : Q);
        d8_st(c, j < p ? Ac[j] : j == p ? Gc : Qc);
        double h = s[0], l = c[0];
        for (size_t k = 1; k < 8; k++)
            lr_dd_add(&h, &l, s[k], c[k]);
        acc[j] += h + l;
    }
}
