/* Small-block transposes for the micro-kernel path's copies: staging NCHW input pixel-
 * major, packing the weight into panels, and (tr16_store) writing a pixel-major result
 * tile to NCHW output.  All are transposes of up to 16 x 16 floats:
 *
 *     dst[j][i] = src[i * lds + j]      i < ni, j < nj   (ni, nj <= 16)
 *
 * with each destination row j at its own address.  Element by element they cost a load and
 * a store per value, strided on one side (measured: 8-13% of the NCHW layers, 12-23% of
 * the weight-heavy ones); on AVX-512 a 16 x 16 block is 16 masked loads, 64 shuffles and
 * 16 masked stores.  Other builds and float64 keep the element loop.
 */
#ifndef CONVT_TRANSPOSE_H
#define CONVT_TRANSPOSE_H

#include <stddef.h>

/* The element loops (builds without AVX-512, and float64): STORE is tr16_store,
 * PLAIN the transpose (no bias, step 1).  Rows of the source are read contiguously. */
#define CONVT_TR16_ELEMENTS(STORE, PLAIN, T)                                               \
static inline void STORE(const T *src, ptrdiff_t lds, int ni, int nj, const T *bias,       \
                         T *const *dst, ptrdiff_t step)                                    \
{                                                                                          \
    int i, j;                                                                              \
    for (i = 0; i < ni; i++) {                                                             \
        const T *s = src + i * lds;                                                        \
        for (j = 0; j < nj; j++)                                                           \
            dst[j][i * step] = bias != NULL ? s[j] + bias[j] : s[j];                       \
    }                                                                                      \
}                                                                                          \
static inline void PLAIN(const T *src, ptrdiff_t lds, int ni, int nj, T *const *dst)       \
{                                                                                          \
    STORE(src, lds, ni, nj, NULL, dst, 1);                                                 \
}

#if defined(__AVX512F__)
#include <immintrin.h>

/* r[j] = column j of the 16 x 16 block held in r[i] (row i): an in-register transpose. */
static inline void convt_tr16_regs_f32(__m512 *r)
{
    __m512 t[16];
    int i;
    /* rows pairwise interleaved: t[2k], t[2k+1] hold (r2k, r2k+1) element pairs */
    for (i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    /* groups of four rows: in each 128-bit lane L, r[4k + m] holds column 4L + m of rows
     * 4k .. 4k + 3 */
    for (i = 0; i < 4; i++) {
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 2]);
        __m512d c = _mm512_castps_pd(t[4 * i + 1]), d = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(c, d));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(c, d));
    }
    /* 128-bit lanes: gather lane L of the four row groups into one register */
    for (i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);        /* lanes 0,2 of g0; 0,2 of g1 */
        t[4 + i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xdd);    /* lanes 1,3 */
        t[8 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88);
        t[12 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xdd);
    }
    for (i = 0; i < 4; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0x88);         /* lane 0 */
        r[8 + i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0xdd);     /* lane 2 */
        r[4 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0x88); /* lane 1 */
        r[12 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0xdd); /* lane 3 */
    }
}

/* dst[j][i * step] = src[i * lds + j] + bias[j]   (i < ni pixels, j < nj channels, <= 16;
 * bias NULL: no bias).  The NCHW epilogue of a pixel-major result tile: a transpose whose
 * rows go straight from registers to strided output runs.  Through a buffer (tr16, then a
 * scalar loop) every element was a store and a reload that the masked 64-byte stores
 * could not forward (measured: the epilogue was 39% of grp4 on one thread).  step 2, the
 * stride-2 layers, stores the even lanes of two lane-doubling permutes, masked so that the
 * other column phase's elements are never touched. */
static inline void convt_tr16_store_f32(const float *src, ptrdiff_t lds, int ni, int nj,
                                        const float *bias, float *const *dst,
                                        ptrdiff_t step)
{
    __m512 r[16];
    const __mmask16 lm = (__mmask16)((1u << nj) - 1u);
    const __mmask16 sm = (__mmask16)((1u << ni) - 1u);
    int i, j;
    for (i = 0; i < 16; i++)
        r[i] = i < ni ? _mm512_maskz_loadu_ps(lm, src + i * lds) : _mm512_setzero_ps();
    convt_tr16_regs_f32(r);
    if (bias != NULL)
        for (j = 0; j < nj; j++)
            r[j] = _mm512_add_ps(r[j], _mm512_set1_ps(bias[j]));
    if (step == 1) {
        for (j = 0; j < nj; j++)
            _mm512_mask_storeu_ps(dst[j], sm, r[j]);
    } else if (step == 2) {
        const __m512i lo = _mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
        const __m512i hi = _mm512_set_epi32(15, 15, 14, 14, 13, 13, 12, 12, 11, 11, 10, 10,
                                            9, 9, 8, 8);
        /* pixel i lands in lane 2i of the first store (i < 8), 2(i - 8) of the second */
        const int nlo = ni < 8 ? ni : 8, nhi = ni - nlo;
        const __mmask16 mlo = (__mmask16)(((1u << (2 * nlo)) - 1u) & 0x5555u);
        const __mmask16 mhi = (__mmask16)(((1u << (2 * nhi)) - 1u) & 0x5555u);
        for (j = 0; j < nj; j++) {
            _mm512_mask_storeu_ps(dst[j], mlo, _mm512_permutexvar_ps(lo, r[j]));
            if (nhi > 0)
                _mm512_mask_storeu_ps(dst[j] + 16, mhi, _mm512_permutexvar_ps(hi, r[j]));
        }
    } else {
        float tmp[16];
        for (j = 0; j < nj; j++) {
            _mm512_storeu_ps(tmp, r[j]);
            for (i = 0; i < ni; i++)
                dst[j][i * step] = tmp[i];
        }
    }
}

static inline void convt_tr16_f32(const float *src, ptrdiff_t lds, int ni, int nj,
                                  float *const *dst)
{
    convt_tr16_store_f32(src, lds, ni, nj, NULL, dst, 1);
}
#define CONVT_HAVE_TR16 1

#else

CONVT_TR16_ELEMENTS(convt_tr16_store_f32, convt_tr16_f32, float)
#define CONVT_HAVE_TR16 0

#endif

CONVT_TR16_ELEMENTS(convt_tr16_store_f64, convt_tr16_f64, double)

#endif
