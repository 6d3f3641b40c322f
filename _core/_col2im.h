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
