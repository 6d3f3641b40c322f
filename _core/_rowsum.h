/* The depthwise row kernel's one-pass sum of up to four (weight row, input row) products,
 * for `rows` output rows of one phase (the input rows one stride xs further per row):
 *
 *     dst[k*ds + o] = (w[0][o]*x[0][k*xs + o] + ... + w[n-1][o]*x[n-1][k*xs + o]) + b,
 *
 * summed left to right (the order of the accumulator-row form it replaces, so the same
 * rounding).  In C for `restrict`: without it GCC versions the vectorized loop on a run-
 * time overlap test of all nine pointers, and the rows of the suite's depthwise layers are
 * only 64 to 224 outputs long.
 */
#ifndef CONVT_ROWSUM_H
#define CONVT_ROWSUM_H

#include <stddef.h>

#define CONVT_ROWSUM(NAME, T)                                                              \
static inline void NAME(T *restrict dst, ptrdiff_t ds, T *const *w, const T *const *x,     \
                        ptrdiff_t xs, ptrdiff_t n, ptrdiff_t len, ptrdiff_t rows, T b)     \
{                                                                                          \
    const T *restrict w0 = w[0], *restrict x0 = x[0];                                      \
    const T *restrict w1 = w[n > 1 ? 1 : 0], *restrict x1 = x[n > 1 ? 1 : 0];              \
    const T *restrict w2 = w[n > 2 ? 2 : 0], *restrict x2 = x[n > 2 ? 2 : 0];              \
    const T *restrict w3 = w[n > 3 ? 3 : 0], *restrict x3 = x[n > 3 ? 3 : 0];              \
    ptrdiff_t o, k;                                                                        \
    for (k = 0; k < rows; k++, dst += ds, x0 += xs, x1 += xs, x2 += xs, x3 += xs) {       \
        if (n == 4) {                                                                      \
            for (o = 0; o < len; o++) {                                                    \
                T v = w0[o] * x0[o];                                                       \
                v = v + w1[o] * x1[o];                                                     \
                v = v + w2[o] * x2[o];                                                     \
                v = v + w3[o] * x3[o];                                                     \
                dst[o] = v + b;                                                            \
            }                                                                              \
        } else if (n == 3) {                                                               \
            for (o = 0; o < len; o++) {                                                    \
                T v = w0[o] * x0[o];                                                       \
                v = v + w1[o] * x1[o];                                                     \
                v = v + w2[o] * x2[o];                                                     \
                dst[o] = v + b;                                                            \
            }                                                                              \
        } else if (n == 2) {                                                               \
            for (o = 0; o < len; o++) {                                                    \
                T v = w0[o] * x0[o];                                                       \
                v = v + w1[o] * x1[o];                                                     \
                dst[o] = v + b;                                                            \
            }                                                                              \
        } else {                                                                           \
            for (o = 0; o < len; o++)                                                      \
                dst[o] = w0[o] * x0[o] + b;                                                \
        }                                                                                  \
    }                                                                                      \
}

CONVT_ROWSUM(convt_rowsum_f32, float)
CONVT_ROWSUM(convt_rowsum_f64, double)

#endif
