/* col2im's inner step: one row of the product added into every s-th element of an output
 * row,
 *
 *     o[i*s] += z[i]        for i < n.
 *
 * Each output element gets one addition, so a vector form rounds exactly as the scalar
 * loop.  At stride 2 (the DCGAN layers) the scalar loop was a tenth of dcgan3_b1: AVX-512
 * spreads eight products (four doubles) over the even lanes with an expanding load and
 * adds them under the same mask, so the odd lanes (the other column phase) are never
 * written.  Stride 1 is a plain vector add; other strides stay scalar.
 */
#ifndef CONVT_COL2IM_H
#define CONVT_COL2IM_H

#include <stddef.h>

/* Output lanes per block of the gather form below (one 512-bit vector). */
#define CONVT_GL_F32 16
#define CONVT_GL_F64 8

/* The gather form of col2im computes each output element of an NCHW row once,
 *
 *     o[ow] = b + sum over the row's taps t with ow = iw*s + kw_t*d - pad:  z_t[iw],
 *
 * in the taps' order, instead of filling the row with the bias and adding every product
 * row into it (a masked load, add and store per tap: a read-modify-write chain through
 * the store queue, and a tenth of dcgan3_b1's time).  The lanes a kernel column kw fills
 * in an L-wide block of the row hold consecutive iw, so one expanding load fetches them.
 *
 * convt_gather_table: for each kw and block, mask[kw*nblk + blk] has bit c set when
 * ow = blk*L + c < Wo receives column iw of that tap for some iw in [0, W), and
 * first[kw*nblk + blk] is the smallest such iw.
 */
static inline void convt_gather_table(ptrdiff_t Wo, ptrdiff_t W, ptrdiff_t KW, ptrdiff_t s,
                                      ptrdiff_t d, ptrdiff_t pad, ptrdiff_t L,
                                      unsigned *mask, ptrdiff_t *first)
{
    ptrdiff_t nblk = (Wo + L - 1) / L;
    for (ptrdiff_t kw = 0; kw < KW; kw++)
        for (ptrdiff_t blk = 0; blk < nblk; blk++) {
            unsigned m = 0;
            ptrdiff_t f = 0;
            for (ptrdiff_t c = 0; c < L && blk * L + c < Wo; c++) {
                ptrdiff_t t = blk * L + c + pad - kw * d;
                if (t < 0 || t % s != 0 || t / s >= W)
                    continue;
                if (m == 0)
                    f = t / s;
                m |= 1u << c;
            }
            mask[kw * nblk + blk] = m;
            first[kw * nblk + blk] = f;
        }
}

/* One output row: ntap product rows z[t] at kernel columns kw[t] (the table above). */
#define CONVT_GATHER_ROW_HEAD(NAME, T)                                                     \
static inline void NAME(T *restrict o, ptrdiff_t Wo, T b, ptrdiff_t ntap,                  \
                        const T *const *z, const ptrdiff_t *kw, const unsigned *mask,      \
                        const ptrdiff_t *first)

#if defined(__AVX512F__)
#include <immintrin.h>

/* T: element type, V: its 512-bit vector, M: a mask of L lanes, S: intrinsic suffix.  A
 * block of m <= L/2 products lands on lanes 0, 2, ..., 2m - 2. */
#define CONVT_ADD_STRIDED(NAME, T, V, M, S, L)                                             \
static inline void NAME(T *restrict o, const T *restrict z, ptrdiff_t n, ptrdiff_t s)      \
{                                                                                          \
    ptrdiff_t i = 0;                                                                       \
    if (s == 2) {                                                                          \
        for (; i < n; i += L / 2) {                                                        \
            int m = n - i < L / 2 ? (int)(n - i) : L / 2;                                  \
            M k = (M)(0x5555u & ((1u << (2 * m - 1)) - 1u));                               \
            V v = _mm512_maskz_expandloadu_##S(k, z + i);                                  \
            V d = _mm512_maskz_loadu_##S(k, o + 2 * i);                                    \
            _mm512_mask_storeu_##S(o + 2 * i, k, _mm512_add_##S(d, v));                    \
        }                                                                                  \
        return;                                                                            \
    }                                                                                      \
    if (s == 1) {                                                                          \
        for (; i + L <= n; i += L)                                                         \
            _mm512_storeu_##S(o + i, _mm512_add_##S(_mm512_loadu_##S(o + i),              \
                                                    _mm512_loadu_##S(z + i)));             \
    }                                                                                      \
    for (o += i * s; i < n; i++, o += s)                                                   \
        *o += z[i];                                                                        \
}
CONVT_ADD_STRIDED(convt_add_strided_f32, float, __m512, __mmask16, ps, 16)
CONVT_ADD_STRIDED(convt_add_strided_f64, double, __m512d, __mmask8, pd, 8)
#undef CONVT_ADD_STRIDED

/* Masked adds, so a lane no tap reaches keeps the bias as is (-0 stays -0). */
#define CONVT_GATHER_ROW(NAME, T, V, M, S, L)                                               \
CONVT_GATHER_ROW_HEAD(NAME, T)                                                             \
{                                                                                          \
    ptrdiff_t nblk = (Wo + L - 1) / L;                                                     \
    for (ptrdiff_t blk = 0; blk < nblk; blk++) {                                           \
        V acc = _mm512_set1_##S(b);                                                        \
        for (ptrdiff_t t = 0; t < ntap; t++) {                                             \
            ptrdiff_t e = kw[t] * nblk + blk;                                              \
            M m = (M)mask[e];                                                              \
            if (m)                                                                         \
                acc = _mm512_mask_add_##S(acc, m, acc,                                     \
                                          _mm512_maskz_expandloadu_##S(m, z[t] + first[e]));\
        }                                                                                  \
        if (Wo - blk * L >= L)                                                             \
            _mm512_storeu_##S(o + blk * L, acc);                                           \
        else                                                                               \
            _mm512_mask_storeu_##S(o + blk * L, (M)((1u << (Wo - blk * L)) - 1u), acc);    \
    }                                                                                      \
}
CONVT_GATHER_ROW(convt_gather_row_f32, float, __m512, __mmask16, ps, CONVT_GL_F32)
CONVT_GATHER_ROW(convt_gather_row_f64, double, __m512d, __mmask8, pd, CONVT_GL_F64)
#undef CONVT_GATHER_ROW

#else

#define CONVT_ADD_STRIDED(NAME, T)                                                         \
static inline void NAME(T *restrict o, const T *restrict z, ptrdiff_t n, ptrdiff_t s)      \
{                                                                                          \
    ptrdiff_t i;                                                                           \
    for (i = 0; i < n; i++, o += s)                                                        \
        *o += z[i];                                                                        \
}
CONVT_ADD_STRIDED(convt_add_strided_f32, float)
CONVT_ADD_STRIDED(convt_add_strided_f64, double)
#undef CONVT_ADD_STRIDED

#define CONVT_GATHER_ROW(NAME, T, L)                                                       \
CONVT_GATHER_ROW_HEAD(NAME, T)                                                             \
{                                                                                          \
    ptrdiff_t nblk = (Wo + L - 1) / L;                                                     \
    for (ptrdiff_t blk = 0; blk < nblk; blk++) {                                           \
        T acc[L];                                                                          \
        ptrdiff_t c, n = Wo - blk * L < L ? Wo - blk * L : L;                              \
        for (c = 0; c < n; c++)                                                            \
            acc[c] = b;                                                                    \
        for (ptrdiff_t t = 0; t < ntap; t++) {                                             \
            ptrdiff_t e = kw[t] * nblk + blk, i = first[e];                                \
            for (c = 0; c < n; c++)                                                        \
                if (mask[e] >> c & 1u)                                                     \
                    acc[c] += z[t][i++];                                                   \
        }                                                                                  \
        for (c = 0; c < n; c++)                                                            \
            o[blk * L + c] = acc[c];                                                       \
    }                                                                                      \
}
CONVT_GATHER_ROW(convt_gather_row_f32, float, CONVT_GL_F32)
CONVT_GATHER_ROW(convt_gather_row_f64, double, CONVT_GL_F64)
#undef CONVT_GATHER_ROW

#endif
#undef CONVT_GATHER_ROW_HEAD
#endif
