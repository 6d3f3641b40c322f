/* Small-block transposes for the micro-kernel path's two copies: staging NCHW input pixel-
 * major, and packing the weight into panels.  Both are transposes of up to 16 x 16 floats:
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

#if defined(__AVX512F__)
#include <immintrin.h>

static inline void convt_tr16_f32(const float *src, ptrdiff_t lds, int ni, int nj,
                                  float *const *dst)
{
    __m512 r[16], t[16];
    const __mmask16 lm = (__mmask16)((1u << nj) - 1u);
    const __mmask16 sm = (__mmask16)((1u << ni) - 1u);
    int i;
    for (i = 0; i < 16; i++)
        r[i] = i < ni ? _mm512_maskz_loadu_ps(lm, src + i * lds) : _mm512_setzero_ps();
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
    for (i = 0; i < nj; i++)
        _mm512_mask_storeu_ps(dst[i], sm, r[i]);
}
#define CONVT_HAVE_TR16 1

#else

static inline void convt_tr16_f32(const float *src, ptrdiff_t lds, int ni, int nj,
                                  float *const *dst)
{
    int i, j;
    for (i = 0; i < ni; i++)
        for (j = 0; j < nj; j++)
            dst[j][i] = src[i * lds + j];
}
#define CONVT_HAVE_TR16 0

#endif

static inline void convt_tr16_f64(const double *src, ptrdiff_t lds, int ni, int nj,
                                  double *const *dst)
{
    int i, j;
    for (i = 0; i < ni; i++)
        for (j = 0; j < nj; j++)
            dst[j][i] = src[i * lds + j];
}

#endif
