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

#if defined(__AVX512F__)
#include <immintrin.h>

static inline void convt_add_strided_f32(float *restrict o, const float *restrict z,
                                         ptrdiff_t n, ptrdiff_t s)
{
    ptrdiff_t i = 0;
    if (s == 2) {
        for (; i < n; i += 8) {
            int m = n - i < 8 ? (int)(n - i) : 8;
            __mmask16 k = (__mmask16)(0x5555u & ((1u << (2 * m - 1)) - 1u));
            __m512 v = _mm512_maskz_expandloadu_ps(k, z + i);
            __m512 d = _mm512_maskz_loadu_ps(k, o + 2 * i);
            _mm512_mask_storeu_ps(o + 2 * i, k, _mm512_add_ps(d, v));
        }
        return;
    }
    if (s == 1) {
        for (; i + 16 <= n; i += 16)
            _mm512_storeu_ps(o + i, _mm512_add_ps(_mm512_loadu_ps(o + i),
                                                  _mm512_loadu_ps(z + i)));
    }
    for (o += i * s; i < n; i++, o += s)
        *o += z[i];
}

static inline void convt_add_strided_f64(double *restrict o, const double *restrict z,
                                         ptrdiff_t n, ptrdiff_t s)
{
    ptrdiff_t i = 0;
    if (s == 2) {
        for (; i < n; i += 4) {
            int m = n - i < 4 ? (int)(n - i) : 4;
            __mmask8 k = (__mmask8)(0x55u & ((1u << (2 * m - 1)) - 1u));
            __m512d v = _mm512_maskz_expandloadu_pd(k, z + i);
            __m512d d = _mm512_maskz_loadu_pd(k, o + 2 * i);
            _mm512_mask_storeu_pd(o + 2 * i, k, _mm512_add_pd(d, v));
        }
        return;
    }
    if (s == 1) {
        for (; i + 8 <= n; i += 8)
            _mm512_storeu_pd(o + i, _mm512_add_pd(_mm512_loadu_pd(o + i),
                                                  _mm512_loadu_pd(z + i)));
    }
    for (o += i * s; i < n; i++, o += s)
        *o += z[i];
}

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

#endif
#endif
