/* Register-blocked micro-kernel of the direct (implicit-GEMM) stride-phase algorithm.
 *
 * Why our own kernel rather than BLAS: a phase tile is a GEMM whose A operand is a set of
 * shifted windows of the input.  Through BLAS it must first be gathered into a matrix, and
 * BLAS then copies both operands again into its own panels on every call (measured: 15-30%
 * of the time on the suite's matrix-bound layers).  Here the weight is packed into panels
 * once per call and the input pixels are broadcast straight from a zero-padded staging
 * copy, so nothing is copied per tile.
 *
 * c[r][0:NB] = sum_t sum_k  w[woff[t] + k*NB + 0:NB] * px[r][k - delta[t]]     r < CONVT_R
 *
 * Both the pixels (px[r]) and their result rows (c[r]) are given one pointer per row, so a
 * micro-tile can be any set of pixels: run_phase_ukr groups the pixels that share a set of
 * taps (those that do not reach the zero border) and passes only those taps.
 *
 * NB = CONVT_NV vectors of output channels, CONVT_R pixels: 4x6 zmm accumulators on
 * AVX-512 (32 registers), 2x6 on AVX/SSE (16 registers), so nothing spills; the narrow
 * variant is half the vectors by twice the pixels.  GCC vector
 * extensions keep this portable: without AVX-512 the same source compiles to narrower
 * registers.  Multiply-adds contract to FMA, as in BLAS; no reassociation, so NaN and Inf
 * propagate as in the definition.
 */
#ifndef CONVT_MICROKERNEL_H
#define CONVT_MICROKERNEL_H

#include <stddef.h>

#if defined(__AVX512F__)
#define CONVT_VBYTES 64
#define CONVT_NV 4
#elif defined(__AVX__)
#define CONVT_VBYTES 32
#define CONVT_NV 2
#else
#define CONVT_VBYTES 16
#define CONVT_NV 2
#endif
#define CONVT_R 6
#define CONVT_NB_F32 (CONVT_NV * CONVT_VBYTES / 4)
#define CONVT_NB_F64 (CONVT_NV * CONVT_VBYTES / 8)

/* aligned(4/8): panel rows are only element-aligned in general. */
typedef float convt_vf __attribute__((vector_size(CONVT_VBYTES), aligned(4)));
typedef double convt_vd __attribute__((vector_size(CONVT_VBYTES), aligned(8)));

/* NAME(ntap, woff, delta, kc, w, px, c, accumulate) for NV_ vectors x R_ pixels.  With
 * ntap = 0 it writes zeros (or leaves c as it is when accumulating).
 * Each pixel's broadcast is consumed at once by every weight vector, so only one
 * broadcast is live and the weight vectors stay in registers. */
#define CONVT_UKR(NAME, T, V, NV_, R_)                                                     \
static inline void NAME(ptrdiff_t ntap, const ptrdiff_t *woff, const ptrdiff_t *delta,    \
                        ptrdiff_t kc, const T *w, const T *const *px, T *const *c,        \
                        int accumulate)                                                    \
{                                                                                          \
    enum { L = CONVT_VBYTES / (int)sizeof(T) };                                            \
    V acc[R_][NV_];                                                                        \
    int r, v;                                                                              \
    for (r = 0; r < R_; r++)                                                               \
        for (v = 0; v < NV_; v++)                                                          \
            acc[r][v] = accumulate ? *(const V *)(c[r] + v * L) : (V){0};                  \
    for (ptrdiff_t t = 0; t < ntap; t++) {                                                 \
        const T *wp = w + woff[t];                                                         \
        const T *a[R_];                                                                    \
        for (r = 0; r < R_; r++)                                                           \
            a[r] = px[r] - delta[t];                                                       \
        for (ptrdiff_t k = 0; k < kc; k++) {                                               \
            V wv[NV_];                                                                     \
            for (v = 0; v < NV_; v++)                                                      \
                wv[v] = *(const V *)(wp + v * L);                                          \
            for (r = 0; r < R_; r++) {                                                     \
                const T b = a[r][k];                                                       \
                for (v = 0; v < NV_; v++)                                                  \
                    acc[r][v] += wv[v] * b;                                                \
            }                                                                              \
            wp += NV_ * L;                                                                 \
        }                                                                                  \
    }                                                                                      \
    for (r = 0; r < R_; r++)                                                               \
        for (v = 0; v < NV_; v++)                                                          \
            *(V *)(c[r] + v * L) = acc[r][v];                                              \
}

/* Wide panels (NV vectors of output channels, CONVT_R pixels) and narrow ones (half the
 * vectors, twice the pixels) for groups with few output channels. */
CONVT_UKR(convt_ukr_f32, float, convt_vf, CONVT_NV, CONVT_R)
CONVT_UKR(convt_ukr_f64, double, convt_vd, CONVT_NV, CONVT_R)
CONVT_UKR(convt_ukr_narrow_f32, float, convt_vf, CONVT_NV / 2, 2 * CONVT_R)
CONVT_UKR(convt_ukr_narrow_f64, double, convt_vd, CONVT_NV / 2, 2 * CONVT_R)

/* Products whose vector operand already lies in rows, so nothing is packed:
 * - the 1x1-input layer (DCGAN's first): out[n][co][kh][kw] = X (images x channels) .
 *   W (channels x (co, kh, kw)), W's stored rows in vectors, images broadcast;
 * - GEMM + col2im in NCHW: Z[(co, kh, kw)][pixel], input rows (one per channel) in
 *   vectors, weights broadcast.
 * Each vector block (K block x NB) is read once and reused from L1 by every micro-tile.
 *
 * c[r][0:NB] = (accumulate ? c[r][0:NB] : 0) + sum_k w[k*ldw + 0:NB] * a[r*lda + k*ldak]
 *              (+ bias[0:NB] when bias != NULL), for the rows r < nr <= R_ only.
 * Loops over rows have the constant bound R_ so that the accumulators stay registers. */
#define CONVT_UKR_ROWS(NAME, T, V, NV_, R_)                                                \
static inline void NAME(ptrdiff_t kc, const T *w, ptrdiff_t ldw, const T *a, ptrdiff_t lda,\
                        ptrdiff_t ldak, ptrdiff_t nr, T *c, ptrdiff_t ldc, int accumulate, \
                        const T *bias)                                                     \
{                                                                                          \
    enum { L = CONVT_VBYTES / (int)sizeof(T) };                                            \
    V acc[R_][NV_];                                                                        \
    const T *ar[R_];                                                                       \
    int r, v;                                                                              \
    for (r = 0; r < R_; r++) {                                                             \
        ar[r] = a + (r < nr ? r : nr - 1) * lda;                                           \
        for (v = 0; v < NV_; v++)                                                          \
            acc[r][v] = accumulate && r < nr ? *(const V *)(c + r * ldc + v * L) : (V){0}; \
    }                                                                                      \
    for (ptrdiff_t k = 0; k < kc; k++) {                                                   \
        V wv[NV_];                                                                         \
        for (v = 0; v < NV_; v++)                                                          \
            wv[v] = *(const V *)(w + k * ldw + v * L);                                     \
        for (r = 0; r < R_; r++) {                                                         \
            const T b = ar[r][k * ldak];                                                   \
            for (v = 0; v < NV_; v++)                                                      \
                acc[r][v] += wv[v] * b;                                                    \
        }                                                                                  \
    }                                                                                      \
    for (r = 0; r < R_; r++) {                                                             \
        if (r >= nr)                                                                       \
            continue;                                                                      \
        for (v = 0; v < NV_; v++)                                                          \
            *(V *)(c + r * ldc + v * L) =                                                  \
                bias ? acc[r][v] + *(const V *)(bias + v * L) : acc[r][v];                 \
    }                                                                                      \
}

CONVT_UKR_ROWS(convt_ukr_rows_f32, float, convt_vf, CONVT_NV, CONVT_R)
CONVT_UKR_ROWS(convt_ukr_rows_f64, double, convt_vd, CONVT_NV, CONVT_R)

/* A prefetch stream over nruns runs of run bytes, stride bytes apart, issued a few lines
 * at a time between micro-kernel calls so that the memory reads overlap the arithmetic
 * rather than queueing up in one burst. */
typedef struct {
    const char *base;
    ptrdiff_t run, stride, nruns, pos, per_step;
} convt_pf;

static inline void convt_pf_step(convt_pf *s)
{
    for (ptrdiff_t i = 0; i < s->per_step && s->pos < s->run * s->nruns; i++) {
        __builtin_prefetch(s->base + s->pos / s->run * s->stride + s->pos % s->run, 0, 2);
        s->pos += 64;
    }
}

/* Ask for [p, p + nbytes) in L2 ahead of use.  The weight slices a selfpack task packs
 * are 4 KB runs 16 KB apart, each a new page the hardware prefetchers start cold on. */
static inline void convt_prefetch_l2(const void *p, ptrdiff_t nbytes)
{
    const char *c = (const char *)p;
    for (ptrdiff_t i = 0; i < nbytes; i += 64)
        __builtin_prefetch(c + i, 0, 2);
}

#undef CONVT_UKR
#undef CONVT_UKR_ROWS

#endif
