"""nogil kernels of the 2-D transposed convolution.

Design
------
Stride-phase ("sub-pixel") decomposition.  Output row ``oh`` belongs to the row phase
``r = (oh + top) mod sh`` and to the phase row ``q = (oh + top) div sh``; it receives exactly
the kernel rows ``kh`` with ``kh*dh = r (mod sh)``, from input row ``ih = q - off(kh)``,
``off(kh) = (kh*dh - r) / sh``.  Columns likewise.  So each (row phase, column phase) pair is
an ordinary stride-1 correlation of the input with a sub-kernel, computed as a GEMM:

    Ct[co, m] = sum_k  Wp[co, k] * A[m, k]        k = (tap, ci),  m = (image, q, p)

* What is parallel: tasks = (row phase, column phase, group, output-channel chunk,
  image block, q band, p band).  Every output element belongs to exactly one task, so tasks
  write disjoint outputs, need no synchronisation, and the result is bit-identical for any
  thread count (the tiling never depends on the thread count).
* What is contiguous: ``A`` is pixel-major (each row one output pixel, its taps' channels
  side by side), gathered with ``memcpy`` runs of channels from a pixel-major source: the
  input itself for NHWC, a per-task transposed copy of the input tile for NCHW.  ``Wp`` is
  the weight repacked once per call, per phase: ``[group][phase][co][tap][ci]``.
* Fast path: a phase tile with a single tap whose input rows are all in bounds and whose
  columns are the whole input row (kernel == stride, as in U-Net) multiplies straight from
  the input: no gather at all.
* Scratch per thread is bounded (tile sizes capped by element budgets) and never grows
  with the batch size or the kernel area.  BLAS runs single-threaded inside the tasks (the
  Python caller holds scipy's BLAS at one thread).
* The epilogue adds the bias and applies the activation while scattering the tile to its
  strided output positions: no second pass.
* Algorithm 3 runs the same tasks on our own micro-kernel (``_microkernel.h``) instead of
  BLAS: the weight packed once per call into panels of NB output channels
  ``[group][phase][panel][tap][ci][NB]``, the task's input window staged once with a zero
  border, and each micro-tile of pixels computed over all of K in registers, reading its
  pixels straight from the staged window (``run_phase_ukr``).  When a tile is big enough,
  one task runs every phase of it on one staged window (``run_tile_ukr``, ``allph``), so
  the input is staged once rather than once per phase.  A large weight met by a small
  batch is packed by the tasks themselves instead (``selfpack``, ``run_panel_ukr``: one
  task per panel, all phases, the whole batch, in blocks of input channels that stay in
  L2 while the next block's weight is prefetched), with no shared packed copy and no
  barrier.  Both copies (staging, packing) are 16 x 16 transposes; the packing also
  checks the weight for NaN/Inf.  Algorithm 2 is
  GEMM + col2im over outputs a task owns (``scatter_*``).
* Algorithm 4 (``run_direct``) is the definition itself, output by output, for problems
  too small to pay for any of the above's set-up.
"""
from cython cimport floating
from cython.parallel cimport prange
from libc.stdlib cimport malloc, calloc, free, qsort
from libc.string cimport memcpy, memset
from libc.math cimport exp, tanh, expf, tanhf
from scipy.linalg.cython_blas cimport sgemm, dgemm

from _openmp cimport omp_get_thread_num

cdef extern from "_transpose.h" nogil:
    # dst[j][i] = src[i*lds + j] for i < ni, j < nj <= 16 (AVX-512 shuffles when built for it)
    void convt_tr16_f32(const float *src, Py_ssize_t lds, int ni, int nj, float *const *dst)
    void convt_tr16_f64(const double *src, Py_ssize_t lds, int ni, int nj, double *const *dst)
    # dst[j][i*step] = src[i*lds + j] + bias[j] (no bias when NULL), i < ni, j < nj <= 16
    void convt_tr16_store_f32(const float *src, Py_ssize_t lds, int ni, int nj,
                              const float *bias, float *const *dst, Py_ssize_t step)
    void convt_tr16_store_f64(const double *src, Py_ssize_t lds, int ni, int nj,
                              const double *bias, double *const *dst, Py_ssize_t step)

cdef extern from "_rowsum.h" nogil:
    # row k: dst[k*ds + o] = sum_{i<n} w[i][o]*x[i][k*xs + o] (left to right) + b, n <= 4
    void convt_rowsum_f32(float *dst, Py_ssize_t dst_stride, float **w, const float **x,
                          Py_ssize_t x_stride, Py_ssize_t n, Py_ssize_t len, Py_ssize_t rows,
                          float b)
    void convt_rowsum_f64(double *dst, Py_ssize_t dst_stride, double **w, const double **x,
                          Py_ssize_t x_stride, Py_ssize_t n, Py_ssize_t len, Py_ssize_t rows,
                          double b)

cdef extern from "_col2im.h" nogil:
    # o[i*s] += z[i] for i < n (AVX-512 expanding loads at s == 2, vectors at s == 1)
    void convt_add_strided_f32(float *o, const float *z, Py_ssize_t n, Py_ssize_t s)
    void convt_add_strided_f64(double *o, const double *z, Py_ssize_t n, Py_ssize_t s)
    # the gather form: every element of an NCHW output row once (see _col2im.h)
    enum:
        CONVT_GL_F32
        CONVT_GL_F64
    void convt_gather_table(Py_ssize_t Wo, Py_ssize_t W, Py_ssize_t KW, Py_ssize_t s,
                            Py_ssize_t d, Py_ssize_t pad, Py_ssize_t L, unsigned *mask,
                            Py_ssize_t *first)
    void convt_gather_row_f32(float *o, Py_ssize_t Wo, float b, Py_ssize_t ntap,
                              const float *const *z, const Py_ssize_t *kw,
                              const unsigned *mask, const Py_ssize_t *first)
    void convt_gather_row_f64(double *o, Py_ssize_t Wo, double b, Py_ssize_t ntap,
                              const double *const *z, const Py_ssize_t *kw,
                              const unsigned *mask, const Py_ssize_t *first)

cdef extern from "_microkernel.h" nogil:
    # See _microkernel.h: pixels per micro-tile, output channels per weight panel.
    enum:
        CONVT_R
        CONVT_NB_F32
        CONVT_NB_F64
    void convt_ukr_f32(Py_ssize_t ntap, const Py_ssize_t *woff, const Py_ssize_t *delta,
                       Py_ssize_t kc, const float *w, const float *const *px,
                       float *const *c, int accumulate)
    void convt_ukr_f64(Py_ssize_t ntap, const Py_ssize_t *woff, const Py_ssize_t *delta,
                       Py_ssize_t kc, const double *w, const double *const *px,
                       double *const *c, int accumulate)
    # half the output channels, twice the pixels
    void convt_ukr_narrow_f32(Py_ssize_t ntap, const Py_ssize_t *woff,
                              const Py_ssize_t *delta, Py_ssize_t kc, const float *w,
                              const float *const *px, float *const *c, int accumulate)
    void convt_ukr_narrow_f64(Py_ssize_t ntap, const Py_ssize_t *woff,
                              const Py_ssize_t *delta, Py_ssize_t kc, const double *w,
                              const double *const *px, double *const *c, int accumulate)
    void convt_prefetch_l2(const void *p, Py_ssize_t nbytes)
    ctypedef struct convt_pf:
        const char *base
        Py_ssize_t run, stride, nruns, pos, per_step
    void convt_pf_step(convt_pf *s)
    # the 1x1-input product, straight from the weight's rows
    void convt_ukr_rows_f32(Py_ssize_t kc, const float *w, Py_ssize_t ldw, const float *a,
                            Py_ssize_t lda, Py_ssize_t ldak, Py_ssize_t nr, float *c,
                            Py_ssize_t ldc, int accumulate, const float *bias)
    void convt_ukr_rows_f64(Py_ssize_t kc, const double *w, Py_ssize_t ldw, const double *a,
                            Py_ssize_t lda, Py_ssize_t ldak, Py_ssize_t nr, double *c,
                            Py_ssize_t ldc, int accumulate, const double *bias)

cdef extern from "_scratch_cache.h" nogil:
    # Cache-line aligned scratch, kept from one call for the next (see the header),
    # except in builds that define CONVT_NO_SCRATCH_CACHE.
    const int CONVT_SCRATCH_CACHE
    void *convt_scratch_get(size_t nbytes)
    void convt_scratch_put(void *p, size_t nbytes)
    size_t convt_scratch_release()
    size_t convt_scratch_kept()

cdef extern from *:
    # Defined by setup.py: the Cython that generated this module.
    const char *CONVT_CYTHON_VERSION

__cython_version__ = CONVT_CYTHON_VERSION.decode()

# Element budgets of the per-thread scratch buffers (elements, not bytes), tile limits,
# and the work below which a call runs on one thread (no pool start-up at all).
cdef enum:
    BUDGET_A = 1 << 18
    BUDGET_T = 1 << 18
    KT_MAX = 512
    NC_MAX = 1024
    M_MAX = 2048
    M_MIN = 64
    MIN_TASKS = 8
    UKR_KB = 128
    DW_PAIRS = 4                    # depthwise rows: row pairs summed in one pass
    SELFPACK_MIN = 1 << 20          # packed weight elements from which tasks pack their own
    SELFPACK_TASKS = 4
    PF_DIST = 3                     # selfpack: channels ahead the first block prefetches
    SELFPACK_KB = 64                # input channels per block a selfpack task packs and runs
    PRESTAGE_MAX = 1 << 21          # staged-once input elements, at most
    SERIAL_FLOPS = 1 << 21
    DIRECT_WORK = 2048              # multiply-adds + tap tests up to which the direct loops run
    GATHER_MAX = 512                # gather-form col2im: kernel columns x output blocks
    TAP_CLASSES = 4                 # micro-kernel: distinct tap sets per axis a tile is sorted by

ctypedef unsigned long long u64

cdef enum Act:
    ACT_NONE = 0
    ACT_RELU = 1
    ACT_LEAKY = 2
    ACT_SIGMOID = 3
    ACT_TANH = 4


ctypedef struct Axis:
    # One spatial axis of the problem, with its phase tables.
    Py_ssize_t n_in, n_out, k, s, d, pad   # input size, output size, kernel, stride, dilation, leading pad
    Py_ssize_t nph                         # phases that own at least one tap
    Py_ssize_t lo, hi                      # union of the phases' q ranges, [lo, hi)
    Py_ssize_t max_off                     # largest tap offset
    Py_ssize_t *ph_r                       # [nph] residue of the phase
    Py_ssize_t *ph_tap0                    # [nph] first tap of the phase in tap_k/tap_off
    Py_ssize_t *ph_ntap                    # [nph] taps of the phase
    Py_ssize_t *ph_qlo                     # [nph] q range of the phase, [qlo, qhi)
    Py_ssize_t *ph_qhi
    Py_ssize_t *tap_k                      # [k] kernel index, grouped by phase, offset increasing
    Py_ssize_t *tap_off                    # [k] input offset of the tap


ctypedef struct Plan:
    Axis ah, aw
    Py_ssize_t N, Cin, Cout, G, Cig, Cog
    bint nhwc
    int act
    double slope
    # tiling
    Py_ssize_t nco, n_co            # output channels per task, chunks
    Py_ssize_t nb, bq, bp           # images, q rows, p cols per tile
    Py_ssize_t n_ib, n_qb, n_pb     # tile counts
    Py_ssize_t kc                   # input channels per K chunk
    Py_ssize_t tpc                  # taps per K chunk (kc == Cig) or 1
    Py_ssize_t ntasks
    Py_ssize_t size_a, size_t, size_c   # per-thread scratch, elements
    bint prefill                    # some phases own no taps: write bias everywhere first
    bint depthwise                  # NCHW, one input and one output channel per group
    bint dw_rows                    # ... with column dilation 1 and small weight tables
    Py_ssize_t dw_band              # depthwise: output rows per task
    int algorithm                   # 1: stride phases, 2: GEMM + col2im over owned bands
    Py_ssize_t zpix, zj             # col2im path: pixels and (co, kh, kw) columns per GEMM
    Py_ssize_t band, n_band         # col2im path: output rows per task, bands per image
    Py_ssize_t cc, n_cc             # col2im path: output channels per task, chunks per group
    bint batched                    # col2im path: whole small images stacked along M
    Py_ssize_t znb, zn_ib           # col2im path (1x1 or batched): images per task, blocks
    Py_ssize_t size_s               # col2im batched NCHW: staging elements per thread
    bint one_by_one                 # col2im path on a 1x1 input: images batched into M
    bint dense                      # ... whose output is exactly the product (NCHW, no crop)
    Py_ssize_t dn_cols, dn_ncc      # dense: product columns per task, chunks per group
    Py_ssize_t dn_nb, dn_nib        # dense: images per task, image blocks
    Py_ssize_t nbw                  # micro-kernel path: output channels per weight panel
    Py_ssize_t ncop                 # ... output channels of a task, padded to panels
    Py_ssize_t cogp                 # ... output channels of a group, padded to panels
    Py_ssize_t ldk                  # ... channel rows per tap in a panel (Cig; selfpack:
                                    #     its block of channels, made odd)
    bint narrow                     # ... half-width panels (few output channels per group)
    Py_ssize_t mr                   # ... pixels per micro-tile
    bint allph                      # ... a task runs every phase of its tile (one staging)
    bint selfpack                   # ... and packs its own panel (one task per panel)
    bint prestage                   # ... NCHW input staged once per call, shared by tasks
    Py_ssize_t lds                  # ... prestage: elements per staged pixel (>= Cig)
    Py_ssize_t win                  # ... prestage: elements per pixel tile's window
    Py_ssize_t npt                  # ... prestage: pixel tiles (group, images, rows, cols)
    Py_ssize_t ntiles               # tiles per phase (tasks = phases x ntiles unless allph)
    Py_ssize_t mt_cap               # pixels per tile before the split for parallelism


cdef inline Py_ssize_t floor_div(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    # Python's a // b for b > 0 (C division truncates toward zero).
    if a >= 0:
        return a / b
    return -((-a + b - 1) / b)


cdef inline Py_ssize_t ceil_div(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return -floor_div(-a, b)


cdef inline Py_ssize_t imin(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a < b else b


cdef inline Py_ssize_t imax(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a > b else b


ctypedef struct TapKey:
    Py_ssize_t r, k


cdef int _cmp_tap(const void *a, const void *b) noexcept nogil:
    cdef const TapKey *x = <const TapKey *> a
    cdef const TapKey *y = <const TapKey *> b
    if x.r != y.r:
        return -1 if x.r < y.r else 1
    if x.k != y.k:
        return -1 if x.k < y.k else 1
    return 0


cdef int axis_init(Axis *ax, Py_ssize_t n_in, Py_ssize_t n_out, Py_ssize_t k,
                   Py_ssize_t s, Py_ssize_t d, Py_ssize_t pad) noexcept nogil:
    """Build the phase tables of one axis.  Returns -1 when malloc fails.

    Kernel index a lands on residue r = (a*d) mod s with offset (a*d) div s; a phase r
    covers q in [ceil((pad - r)/s), floor((n_out - 1 - r + pad)/s) + 1).
    """
    cdef Py_ssize_t a, i, r, j
    cdef TapKey *keys
    ax.n_in = n_in; ax.n_out = n_out; ax.k = k; ax.s = s; ax.d = d; ax.pad = pad
    ax.ph_r = <Py_ssize_t *> malloc(5 * k * sizeof(Py_ssize_t))
    ax.tap_k = <Py_ssize_t *> malloc(2 * k * sizeof(Py_ssize_t))
    keys = <TapKey *> malloc(k * sizeof(TapKey))
    if ax.ph_r == NULL or ax.tap_k == NULL or keys == NULL:
        free(ax.ph_r); free(ax.tap_k); free(keys)
        ax.ph_r = NULL; ax.tap_k = NULL
        return -1
    ax.ph_tap0 = ax.ph_r + k
    ax.ph_ntap = ax.ph_r + 2 * k
    ax.ph_qlo = ax.ph_r + 3 * k
    ax.ph_qhi = ax.ph_r + 4 * k
    ax.tap_off = ax.tap_k + k
    for a in range(k):
        keys[a].r = (a * d) % s
        keys[a].k = a
    qsort(keys, k, sizeof(TapKey), _cmp_tap)
    ax.nph = 0
    ax.max_off = 0
    ax.lo = 0
    ax.hi = 0
    for i in range(k):
        r = keys[i].r
        ax.tap_k[i] = keys[i].k
        ax.tap_off[i] = (keys[i].k * d) / s
        ax.max_off = imax(ax.max_off, ax.tap_off[i])
        if ax.nph == 0 or ax.ph_r[ax.nph - 1] != r:
            j = ax.nph
            ax.ph_r[j] = r
            ax.ph_tap0[j] = i
            ax.ph_ntap[j] = 0
            ax.ph_qlo[j] = ceil_div(pad - r, s)
            ax.ph_qhi[j] = imax(ax.ph_qlo[j], floor_div(n_out - 1 - r + pad, s) + 1)
            if j == 0:
                ax.lo = ax.ph_qlo[j]
                ax.hi = ax.ph_qhi[j]
            else:
                ax.lo = imin(ax.lo, ax.ph_qlo[j])
                ax.hi = imax(ax.hi, ax.ph_qhi[j])
            ax.nph += 1
        ax.ph_ntap[ax.nph - 1] += 1
    free(keys)
    return 0


cdef void axis_free(Axis *ax) noexcept nogil:
    free(ax.ph_r)
    free(ax.tap_k)
    ax.ph_r = NULL
    ax.tap_k = NULL


cdef inline void prune(const Axis *ax, Py_ssize_t ph, Py_ssize_t q0, Py_ssize_t q1,
                       Py_ssize_t *j0, Py_ssize_t *j1) noexcept nogil:
    """Taps [j0, j1) of phase ``ph`` that reach an input row for some q in [q0, q1).

    Tap offsets increase with j, and a tap helps iff q - off lands in [0, n_in) for some q,
    i.e. off in [q0 - n_in + 1, q1 - 1].
    """
    cdef Py_ssize_t t0 = ax.ph_tap0[ph]
    cdef Py_ssize_t n = ax.ph_ntap[ph]
    cdef Py_ssize_t a = 0, b = n
    while a < n and ax.tap_off[t0 + a] < q0 - ax.n_in + 1:
        a += 1
    while b > a and ax.tap_off[t0 + b - 1] > q1 - 1:
        b -= 1
    j0[0] = a
    j1[0] = b


cdef inline floating activate(floating v, int act, floating slope) noexcept nogil:
    if act == ACT_RELU:
        # v < 0 -> 0, NaN stays NaN (a comparison with NaN is false)
        return 0 if v < 0 else v
    if act == ACT_LEAKY:
        return v * slope if v < 0 else v
    if act == ACT_SIGMOID:
        if floating is float:
            return 1.0 / (1.0 + expf(-v))
        else:
            return 1.0 / (1.0 + exp(-v))
    if act == ACT_TANH:
        if floating is float:
            return tanhf(v)
        else:
            return tanh(v)
    return v


cdef inline void gemm(char *ta, char *tb, int m, int n, int k, floating alpha,
                      const floating *a, int lda, const floating *b, int ldb,
                      floating beta, floating *c, int ldc) noexcept nogil:
    # Column-major BLAS through scipy's nogil facade; one fused entry point.
    if floating is float:
        sgemm(ta, tb, &m, &n, &k, &alpha, <float *> a, &lda, <float *> b, &ldb,
              &beta, c, &ldc)
    else:
        dgemm(ta, tb, &m, &n, &k, &alpha, <double *> a, &lda, <double *> b, &ldb,
              &beta, c, &ldc)


cdef inline Py_ssize_t dw1_rows_in(const Plan *p, Py_ssize_t band) noexcept nogil:
    # Input rows a band of `band` output rows names (upper bound; past the input too).
    return band / p.ah.s + ceil_div((p.ah.k - 1) * p.ah.d, p.ah.s) + 2


cdef inline void dw1_parts(const Plan *p, Py_ssize_t *parts) noexcept nogil:
    # The depthwise row kernel's buffers: wtab (KH*J*Wo), upsampled input rows
    # (rows_in * (Wo + (J-1)*sw)), accumulator row (Wo); J = ceil(KW/sw).
    cdef Py_ssize_t J = ceil_div(p.aw.k, p.aw.s)
    parts[0] = p.ah.k * J * p.aw.n_out
    parts[1] = dw1_rows_in(p, p.dw_band) * (p.aw.n_out + (J - 1) * p.aw.s)
    parts[2] = p.aw.n_out


cdef inline Py_ssize_t dw1_scratch(const Plan *p) noexcept nogil:
    cdef Py_ssize_t parts[3]
    dw1_parts(p, parts)
    return parts[0] + parts[1] + parts[2]


cdef inline Py_ssize_t max_ntap(const Axis *ax) noexcept nogil:
    """Most taps of any phase of the axis."""
    cdef Py_ssize_t i, m = 0
    for i in range(ax.nph):
        m = imax(m, ax.ph_ntap[i])
    return m


cdef void make_plan(Plan *p) noexcept nogil:
    """Choose the tiling.  Depends on the problem only, never on the thread count."""
    cdef Py_ssize_t kt, rows_t, cols_t
    cdef Py_ssize_t maxtaps = max_ntap(&p.aw), maxtaps_h = max_ntap(&p.ah)

    p.nco = imin(p.Cog, NC_MAX)
    p.n_co = ceil_div(p.Cog, p.nco) if p.Cog > 0 else 0
    # K chunking: whole channel groups over runs of taps, or channel chunks of one tap.
    if p.Cig <= KT_MAX:
        p.kc = p.Cig
        p.tpc = imax(1, KT_MAX / imax(1, p.Cig))
    else:
        p.kc = KT_MAX
        p.tpc = 1
    # A K chunk holds up to tpc taps of one phase, which may span its tap rows.
    kt = imax(1, imin(p.tpc, maxtaps * maxtaps_h) * p.kc)
    # Pixels per tile: within the A budget, then split further until there are enough tiles.
    p.mt_cap = imax(M_MIN, imin(M_MAX, BUDGET_A / kt))
    tile_pixels(p, p.ah.nph * p.aw.nph * p.G * p.n_co)
    p.ntiles = p.G * p.n_co * p.n_ib * p.n_qb * p.n_pb
    p.ntasks = p.ah.nph * p.aw.nph * p.ntiles
    p.allph = False
    p.selfpack = False
    p.prestage = False
    # NCHW stages a pixel-major copy of the input tile; cap it by narrowing the channel chunk,
    # to half the budget: every weight panel sweeps the staged chunk, which should then stay
    # in L2 beside the panel's result tile (unet_up1's 1 MB chunk came back from L3 for
    # each of its 8 panels; 512 KB chunks measured 2.6-5.9% faster).
    if not p.nhwc:
        rows_t = imin(p.ah.n_in, p.bq + p.ah.max_off)
        cols_t = imin(p.aw.n_in, p.bp + p.aw.max_off)
        if p.nb * rows_t * cols_t * p.kc > BUDGET_T / 2 and p.kc > 1:
            p.kc = imax(1, BUDGET_T / 2 / imax(1, p.nb * rows_t * cols_t))
            if p.kc < p.Cig:
                p.tpc = 1
        p.size_t = imax(1, p.nb * rows_t * cols_t * p.kc)
    else:
        p.size_t = 0
    kt = imax(1, imin(p.tpc, maxtaps * maxtaps_h) * p.kc)
    p.size_a = imax(1, p.nb * p.bq * p.bp * kt)
    p.size_c = imax(1, p.nb * p.bq * p.bp * p.nco)
    p.prefill = p.ah.nph < p.ah.s or p.aw.nph < p.aw.s
    p.depthwise = (not p.nhwc) and p.Cig == 1 and p.Cog == 1 and p.G > 1
    p.dw_band = imax(1, imin(p.ah.n_out, (1 << 16) / imax(1, p.aw.n_out)))
    p.dw_rows = p.depthwise and p.aw.d == 1 and dw1_scratch(p) <= BUDGET_A


cdef void tile_pixels(Plan *p, Py_ssize_t base_tasks) noexcept nogil:
    """Tile shape (images x q rows x p cols) of at most ``mt_cap`` pixels, split further
    until ``base_tasks`` x tiles reaches MIN_TASKS."""
    cdef Py_ssize_t qtot = imax(0, p.ah.hi - p.ah.lo)
    cdef Py_ssize_t ptot = imax(0, p.aw.hi - p.aw.lo)
    cdef Py_ssize_t per_img = qtot * ptot, want_tiles
    cdef Py_ssize_t total = p.N * per_img, mt = p.mt_cap
    cdef Py_ssize_t maxtaps = max_ntap(&p.aw), maxtaps_h = max_ntap(&p.ah)
    if base_tasks > 0 and total > 0:
        want_tiles = ceil_div(MIN_TASKS, base_tasks)
        if total / mt < want_tiles:
            mt = imax(M_MIN, total / want_tiles)
    if per_img == 0:
        p.bq = 1; p.bp = 1; p.nb = 1
    elif p.ah.n_in < maxtaps_h or p.aw.n_in < maxtaps:
        # An input smaller than the phase kernel: a band of b rows would reach
        # min(taps, b + H - 1) taps while each row uses at most H of them, so a band wider
        # than one row multiplies zeros.  One row (column) per tile, images fill M.
        p.bq = 1 if p.ah.n_in < maxtaps_h else imax(1, imin(qtot, mt / ptot))
        p.bp = 1 if p.aw.n_in < maxtaps else imax(1, imin(ptot, mt / p.bq))
        p.nb = imax(1, imin(p.N, mt / (p.bq * p.bp)))
    elif per_img <= mt:
        p.bq = qtot; p.bp = ptot; p.nb = imax(1, imin(p.N, mt / per_img))
    elif ptot <= mt:
        p.bp = ptot; p.bq = imax(1, mt / ptot); p.nb = 1
    else:
        p.bp = mt; p.bq = 1; p.nb = 1
    p.n_ib = ceil_div(p.N, p.nb) if p.N > 0 else 0
    p.n_qb = ceil_div(qtot, p.bq) if qtot > 0 else 0
    p.n_pb = ceil_div(ptot, p.bp) if ptot > 0 else 0


cdef inline Py_ssize_t whole_taps(Py_ssize_t zj, Py_ssize_t KK) noexcept nogil:
    """Product rows per col2im chunk: ``zj`` rounded down to whole output channels (KK
    rows each) when it holds one, so that the gather form applies (gather_init)."""
    if zj >= KK > 0:
        return zj - zj % KK
    return imax(1, zj)


cdef inline Py_ssize_t ukr_tile_size(const Plan *p) noexcept nogil:
    """Elements of one micro-kernel result tile: a row of ``ncop`` channels per pixel of
    the tile (micro-tiles write only real pixels' rows, a partial one repeating its last)."""
    return imax(1, p.nb * p.bq * p.bp * p.ncop)


cdef void choose_algorithm(Plan *p, const floating *w, int forced) noexcept nogil:
    """Pick the algorithm and size the col2im path's tiles.

    Phase GEMMs gather about flops/(2*Cog) elements; GEMM + col2im scatters about
    flops/(2*Cig) and needs no weight repacking.  So col2im wins when output channels per
    group are few compared with input channels, or when the input is smaller than the
    kernel (the phase tiles then reach taps that mostly miss).
    """
    cdef Py_ssize_t KK = p.ah.k * p.aw.k, J = p.Cog * KK
    cdef bint sizes_ok = (p.Cig < 2147483647 and J < 2147483647 and p.Cin < 2147483647
                          and p.ah.n_in * p.aw.n_in < 2147483647)
    # Parallel split.  Bands of output rows recompute the input rows that feed two bands
    # (about ceil((KH-1)*dh/sh) per band edge); chunks of output channels recompute
    # nothing but each re-reads the input.  Bands when their overlap is small (always when
    # the kernel does not exceed the stride, as in U-Net), channel chunks otherwise.
    cdef Py_ssize_t outer = imax(1, p.N * p.G)
    cdef Py_ssize_t need = ceil_div(MIN_TASKS, outer)
    cdef Py_ssize_t halo = ceil_div((p.ah.k - 1) * p.ah.d, p.ah.s)
    p.n_cc = 1
    p.n_band = 1
    if need > 1:
        if p.ah.n_in >= need * imax(1, 8 * halo):
            p.n_band = need
        else:
            p.n_cc = imax(1, imin(p.Cog, need))
            p.n_band = imax(1, imin(ceil_div(need, p.n_cc), p.ah.n_in / imax(1, 8 * halo)))
    p.cc = ceil_div(imax(1, p.Cog), p.n_cc)
    p.n_cc = ceil_div(imax(1, p.Cog), p.cc)
    p.band = ceil_div(p.ah.n_out, p.n_band)
    p.n_band = ceil_div(p.ah.n_out, p.band)
    p.zj = whole_taps(imin(p.cc * KK, BUDGET_A / 64), KK)
    p.zpix = imax(1, BUDGET_A / p.zj)
    p.one_by_one = p.ah.n_in == 1 and p.aw.n_in == 1 and p.Cin < 2147483647
    # Small images: stack whole images along M (see scatter_batch), as many as make
    # M about 512, with the NCHW staging copy kept within its budget.
    cdef Py_ssize_t hw = p.ah.n_in * p.aw.n_in
    p.batched = False
    p.size_s = 0
    if not p.one_by_one and 0 < hw <= 256 and p.N >= 2:
        p.znb = imin(p.N, imax(1, 512 / hw))
        if not p.nhwc:
            p.znb = imin(p.znb, imax(1, (1 << 19) / imax(1, p.Cig * hw)))
        if p.znb >= 2:
            p.batched = True
            p.zn_ib = ceil_div(p.N, p.znb)
            p.n_band = 1
            p.band = p.ah.n_out
            p.n_cc = imax(1, imin(p.Cog, ceil_div(MIN_TASKS, imax(1, p.zn_ib * p.G))))
            p.cc = ceil_div(imax(1, p.Cog), p.n_cc)
            p.n_cc = ceil_div(imax(1, p.Cog), p.cc)
            p.zpix = p.znb * hw
            p.zj = whole_taps(imin(p.cc * KK, BUDGET_A / p.zpix), KK)
            p.size_s = 0 if p.nhwc else p.Cig * p.zpix
    if p.one_by_one:
        # All images in one GEMM (M), parallel over channel chunks only.
        p.znb = imax(1, imin(p.N, p.zpix))
        p.zn_ib = ceil_div(p.N, p.znb)
        p.n_cc = imax(1, imin(p.Cog, ceil_div(MIN_TASKS, imax(1, p.zn_ib * p.G))))
        p.cc = ceil_div(imax(1, p.Cog), p.n_cc)
        p.n_cc = ceil_div(imax(1, p.Cog), p.cc)
        p.zj = imax(1, imin(p.cc * KK, BUDGET_A / p.znb))
    # NCHW with no crop, dilation or extension: the product's columns (co, kh, kw) are the
    # output's own layout, so the row kernel computes it in place (see dense_1x1).
    p.dense = (p.one_by_one and not p.nhwc and p.ah.pad == 0 and p.aw.pad == 0
               and p.ah.d == 1 and p.aw.d == 1 and p.ah.n_out == p.ah.k
               and p.aw.n_out == p.aw.k)
    cdef Py_ssize_t nbd = CONVT_NB_F32 if floating is float else CONVT_NB_F64, ncb
    if p.dense:
        # Tasks = (image block, group, column chunk).  Whole batches per task, so that each
        # weight row is read from memory once; images are split only when the columns
        # cannot make MIN_TASKS.
        ncb = ceil_div(imax(1, J), nbd)
        p.dn_ncc = imin(ncb, ceil_div(MIN_TASKS, p.G))
        p.dn_cols = ceil_div(ncb, p.dn_ncc) * nbd
        p.dn_ncc = ceil_div(imax(1, J), p.dn_cols)
        p.dn_nib = imax(1, imin(ceil_div(p.N, CONVT_R), ceil_div(MIN_TASKS, p.G * p.dn_ncc)))
        p.dn_nb = imax(1, ceil_div(ceil_div(p.N, p.dn_nib), CONVT_R)) * CONVT_R   # N may be 0
        p.dn_nib = ceil_div(p.N, p.dn_nb)
    # Micro-kernel panels: NB output channels per panel, the task's chunk padded to panels.
    p.nbw = CONVT_NB_F32 if floating is float else CONVT_NB_F64
    p.narrow = 2 * p.Cog <= p.nbw
    p.mr = CONVT_R
    if p.narrow:
        p.nbw = p.nbw / 2
        p.mr = 2 * CONVT_R
    p.ncop = ceil_div(imax(1, p.nco), p.nbw) * p.nbw
    p.cogp = ceil_div(imax(1, p.Cog), p.nbw) * p.nbw
    p.ldk = p.Cig
    cdef Py_ssize_t stage3 = p.nb * (p.bq + p.ah.max_off) * (p.bp + p.aw.max_off) * p.kc
    # Measured on the benchmark suite (both threads, every algorithm on every layer).
    if forced == 1 or forced == 2 or forced == 3:
        p.algorithm = forced
    elif p.one_by_one and KK > 1:
        p.algorithm = 2                 # a 1x1 input: one GEMM over the batch, then place
    elif p.dw_rows:
        p.algorithm = 1                 # depthwise: the row kernel
    elif (not p.nhwc and not p.batched and px_blocks(hw, p.Cig, nbd)
          and p.Cig * J >= 8192 * p.N * hw):
        # A weight far larger than the pixels it meets (batch 1, small images): repacking
        # it for the micro-kernel would cost more than its arithmetic; GEMM + col2im reads
        # it once as stored, the input rows in whole vectors (gemm_px).  Measured 0.3-0.7x
        # the micro-kernel's time at 8192+ weight elements per input pixel, at par below.
        p.algorithm = 2
    elif p.Cog * 4 > p.nbw * 3 and stage3 <= 2 * BUDGET_T:
        p.algorithm = 3                 # full weight panels: the micro-kernel
    elif p.Cog * 4 <= p.Cig:
        p.algorithm = 2                 # few outputs per input: the gather would dominate
    elif p.ah.s * p.aw.s == 1 or p.nhwc:
        p.algorithm = 1                 # dense overlap / no staging needed
    elif p.Cig >= p.Cog:
        p.algorithm = 2                 # strided upsampling, no more outputs than inputs
    else:
        p.algorithm = 1
    # (The micro-kernel path checks while it packs the weight, in parallel: run_impl.)
    if w != NULL and p.algorithm == 1 and has_nonfinite(w, p.G * p.Cig * J):
        p.algorithm = 2
    if not sizes_ok and p.algorithm == 2:
        p.algorithm = 1                 # BLAS sizes are 32-bit; the phase tiles are bounded
    if p.algorithm != 1:
        p.depthwise = False
    if p.algorithm == 2 and p.dense:
        p.ntasks = p.dn_nib * p.G * p.dn_ncc
    if p.algorithm == 3:
        choose_selfpack(p)
        if not p.selfpack:
            choose_allph(p)
        if not p.allph:
            choose_cosplit(p)
        choose_prestage(p, sizeof(floating))
        stage3 = p.nb * (p.bq + p.ah.max_off) * (p.bp + p.aw.max_off) * p.kc
        # padded staging window (none when the input is staged once for every task)
        p.size_t = 1 if p.prestage else imax(1, stage3)
        p.size_c = ukr_tile_size(p)
        if p.selfpack:
            p.size_c *= p.ah.nph * p.aw.nph      # every phase's tile, kept across blocks
        # pixel offsets, then the pixels sorted by tap class, each class padded to whole
        # micro-tiles (Py_ssize_t, counted in elements of at least 4 bytes)
        p.size_a = (2 * p.nb * p.bq * p.bp + TAP_CLASSES * TAP_CLASSES * p.mr) * 2


cdef void choose_cosplit(Plan *p) noexcept nogil:
    """Micro-kernel path, one phase per task: when the tiles were cut for parallelism,
    reach MIN_TASKS by splitting the output channels into panel-aligned chunks instead.

    A pixel split makes every tile stream all of its phase's weight panels for fewer
    pixels (dcgan3 at batch 1: 32-pixel tiles, each re-reading a 512 KB phase weight, and
    a 6-pixel micro-tile wasting 11% on the partial last one); a channel split reads each
    panel once per phase and keeps whole-phase tiles.  The input window is staged once
    per chunk instead, which is the cheaper copy whenever the weight is the larger operand.
    """
    cdef Plan pixel_split = p[0]
    cdef Py_ssize_t base = p.ah.nph * p.aw.nph * p.G
    cdef Py_ssize_t tiles = p.n_ib * p.n_qb * p.n_pb, chunks
    cdef Py_ssize_t window
    if tiles <= 1 or p.n_co != 1 or p.Cog < 2 * p.nbw:
        return
    chunks = imin(p.Cog / p.nbw, ceil_div(MIN_TASKS, imax(1, base)))
    if chunks < 2:
        return
    p.nco = ceil_div(ceil_div(p.Cog, chunks), p.nbw) * p.nbw
    p.n_co = ceil_div(p.Cog, p.nco)
    p.ncop = p.nco
    tile_pixels(p, base * p.n_co)
    if p.n_ib * p.n_qb * p.n_pb >= tiles:
        p[0] = pixel_split
        return
    p.ntiles = p.G * p.n_co * p.n_ib * p.n_qb * p.n_pb
    p.ntasks = p.ah.nph * p.aw.nph * p.ntiles
    # the larger tile's staging window stays within the budget: fewer channels per chunk
    window = p.nb * (p.bq + p.ah.max_off) * (p.bp + p.aw.max_off)
    if window * p.kc > 2 * BUDGET_T:
        p.kc = imax(1, 2 * BUDGET_T / imax(1, window))


cdef void choose_selfpack(Plan *p) noexcept nogil:
    """Micro-kernel path: one task per weight panel (NB output channels of a group) running
    every phase of the whole batch, packing its own panel block by block, when the packed
    weight is too large to stay in the caches (>= SELFPACK_MIN elements) and the batch
    small enough for the whole result tile of every phase to stay in L2.

    The shared packing pass writes the whole packed weight out to L3 or memory, waits at a
    barrier, and the tasks read it back: DCGAN's 512->256 layer (8 MB) spent 11% of its time
    there, and packing a whole panel per task (2 MB) did no better.  Here a task packs
    SELFPACK_KB input channels of its panel (every tap: each weight line is read once),
    stages the same channels of the input, and runs every phase on them, accumulating into
    per-phase result tiles; the packed block, the staged block and the tiles (together
    under 1 MB) stay in the thread's L2.
    """
    cdef Py_ssize_t qtot = p.ah.hi - p.ah.lo, ptot = p.aw.hi - p.aw.lo
    cdef Py_ssize_t panels = ceil_div(imax(1, p.Cog), p.nbw)
    cdef Py_ssize_t kb = imin(p.Cig, SELFPACK_KB)
    if (p.N < 1 or qtot < 1 or ptot < 1 or p.Cig < 1
            or p.G * panels < SELFPACK_TASKS
            or p.G * p.cogp * p.Cig * p.ah.k * p.aw.k < SELFPACK_MIN
            or p.N * (qtot + p.ah.max_off) * (ptot + p.aw.max_off) * kb > BUDGET_T
            or p.ah.nph * p.aw.nph * (p.N * qtot * ptot + p.mr) * p.nbw > BUDGET_T / 2
            or p.N * qtot * ptot < 2 * M_MIN):
        return
    p.selfpack = True
    p.allph = True
    p.kc = kb
    # An odd row count per tap block: 64 rows would put the 16 taps' rows, which the
    # packing writes together, 16 KB apart and so into the same cache sets (measured +1.0%,
    # within noise; a standalone packing loop ran 25% faster).
    p.ldk = kb | 1
    p.nco = p.nbw
    p.ncop = p.nbw
    p.n_co = panels
    p.nb = p.N; p.bq = qtot; p.bp = ptot
    p.n_ib = 1; p.n_qb = 1; p.n_pb = 1
    p.ntiles = p.G * p.n_co
    p.ntasks = p.ntiles


cdef void choose_prestage(Plan *p, size_t itemsize) noexcept nogil:
    """Micro-kernel path, NCHW, one phase per task: stage the input once per call, before
    the tasks, when several tasks read the same pixels (the phases of a tile, or its
    output-channel chunks) and the staged copy is small (PRESTAGE_MAX elements).

    Each task otherwise stages its window itself, chunk by chunk: unet_up1 (1024 channels,
    so too many for ``allph``) staged its 4 MB input four times, once per phase, and that
    transpose was 6% of its time.  Staged once, each pixel tile's window holds every
    channel of its group, ``lds`` apart: the channel count rounded up to an odd number of
    cache lines, so that the pixels of a K chunk (1024 channels: 4 KB apart) do not all
    fall into the same few cache sets.
    """
    cdef Py_ssize_t lines
    p.prestage = False
    if (p.nhwc or p.allph or p.selfpack or p.Cig < 1
            or p.ah.nph * p.aw.nph * p.n_co < 2):
        return
    lines = ceil_div(p.Cig * <Py_ssize_t> itemsize, 64) | 1
    p.lds = lines * 64 / <Py_ssize_t> itemsize
    p.win = p.nb * (p.bq + p.ah.max_off) * (p.bp + p.aw.max_off) * p.lds
    p.npt = p.G * p.n_ib * p.n_qb * p.n_pb
    if p.npt * p.win > PRESTAGE_MAX:
        return
    p.prestage = True


cdef void choose_allph(Plan *p) noexcept nogil:
    """Micro-kernel path: run every stride phase of a tile in one task when that keeps
    MIN_TASKS tasks.  The phases then share one staged input window (one staging instead
    of one per phase) and the tiles are retiled with the phases out of the task count."""
    cdef Plan per_phase = p[0]
    cdef Py_ssize_t ntiles
    if p.ah.nph * p.aw.nph < 2 or p.Cig > KT_MAX:
        return
    tile_pixels(p, p.G * p.n_co)
    ntiles = p.G * p.n_co * p.n_ib * p.n_qb * p.n_pb
    # Smaller tiles would stream each phase's weight panels for too few pixels.
    if (ntiles >= MIN_TASKS and p.nb * p.bq * p.bp >= 2 * M_MIN
            and p.nb * (p.bq + p.ah.max_off) * (p.bp + p.aw.max_off) * p.Cig <= 2 * BUDGET_T):
        p.allph = True
        p.kc = p.Cig
        p.ntiles = ntiles
        p.ntasks = ntiles
        return
    p[0] = per_phase


cdef void pack_weight(const floating *w, floating *wp, const Plan *p,
                      Py_ssize_t g, Py_ssize_t cib) noexcept nogil:
    """Wp[g][phase_h][phase_w][co][jh][jw][ci] = w[g*Cig + ci][co][kh(jh)][kw(jw)].

    Phase block (ih, iw) of group g starts at
    (g*Cog*KH*KW + tap0_h[ih]*KW*Cog + nth[ih]*tap0_w[iw]*Cog) * Cig.
    One call per block of 16 input channels: a transpose of (ci, co) per tap, blocked so
    that each destination run of 16 channels is completed while its line is in L1.
    """
    cdef Py_ssize_t ih, iw, jh, jw, co, ci, base, kph, nth, ntw, kh, kw, j
    cdef Py_ssize_t KH = p.ah.k, KW = p.aw.k, Cig = p.Cig, Cog = p.Cog
    cdef Py_ssize_t ci0 = cib * 16, ci1 = imin(Cig, cib * 16 + 16)
    cdef Py_ssize_t wstride = Cog * KH * KW
    cdef const floating *src
    cdef floating *dst
    for ih in range(p.ah.nph):
        nth = p.ah.ph_ntap[ih]
        for iw in range(p.aw.nph):
            ntw = p.aw.ph_ntap[iw]
            kph = nth * ntw * Cig
            base = (g * Cog * KH * KW + p.ah.ph_tap0[ih] * KW * Cog
                    + nth * p.aw.ph_tap0[iw] * Cog) * Cig
            for co in range(Cog):
                for jh in range(nth):
                    kh = p.ah.tap_k[p.ah.ph_tap0[ih] + jh]
                    for jw in range(ntw):
                        kw = p.aw.tap_k[p.aw.ph_tap0[iw] + jw]
                        dst = wp + base + co * kph + (jh * ntw + jw) * Cig
                        src = w + ((g * Cig) * Cog + co) * KH * KW + kh * KW + kw
                        for ci in range(ci0, ci1):
                            dst[ci] = src[ci * wstride]


cdef void fill_bias(floating *out, const floating *bias, const Plan *p,
                    Py_ssize_t n, Py_ssize_t row) noexcept nogil:
    """Output row ``row`` of image ``n`` (all channels) = act(bias)."""
    cdef Py_ssize_t c, j, Ho = p.ah.n_out, Wo = p.aw.n_out, Cout = p.Cout
    cdef floating v, slope = <floating> p.slope
    cdef floating *o
    if p.nhwc:
        o = out + (n * Ho + row) * Wo * Cout
        for c in range(Cout):
            v = activate(<floating> (bias[c] if bias != NULL else 0), p.act, slope)
            for j in range(Wo):
                o[j * Cout + c] = v
    else:
        for c in range(Cout):
            v = activate(<floating> (bias[c] if bias != NULL else 0), p.act, slope)
            o = out + ((n * Cout + c) * Ho + row) * Wo
            for j in range(Wo):
                o[j] = v


cdef void stage_nchw(const floating *x, floating *t, const Plan *p, Py_ssize_t n0,
                     Py_ssize_t nimg, Py_ssize_t cbase, Py_ssize_t kc,
                     Py_ssize_t r0, Py_ssize_t r1, Py_ssize_t c0, Py_ssize_t c1) noexcept nogil:
    """t[img][r - r0][c - c0][ci] = x[n0 + img][cbase + ci][r][c]  (pixel-major tile).

    A transpose, blocked by 16 pixels: the 16 destination lines of a block fill up across
    consecutive channels while they are still in L1, instead of one line per store.
    """
    cdef Py_ssize_t img, ci, r, c, cb, ce, H = p.ah.n_in, W = p.aw.n_in
    cdef Py_ssize_t nr = r1 - r0, nc = c1 - c0
    cdef const floating *src
    cdef floating *dst
    for img in range(nimg):
        for r in range(nr):
            dst = t + ((img * nr + r) * nc) * kc
            for cb in range(0, nc, 16):
                ce = imin(nc, cb + 16)
                for ci in range(kc):
                    src = x + (((n0 + img) * p.Cin + cbase + ci) * H + r0 + r) * W + c0
                    for c in range(cb, ce):
                        dst[c * kc + ci] = src[c]


cdef inline void act_store_vec(floating *dst, const floating *src, const floating *b,
                               Py_ssize_t n, int act, floating slope) noexcept nogil:
    """dst[i] = act(src[i] + b[i]); src or b may be NULL (zeros).

    Each case is its own loop, and src = b = NULL a fill with act(0) computed once.  With
    one loop over every case, GCC 12.2 -O3 miscompiled that case for float64 in some
    inlining contexts: its vectorized body stored the folded sigmoid(0) = 0.5 whatever the
    activation, only the scalar tail checked it (seen in the disassembly of
    store_tile_nhwc; it came and went with unrelated changes elsewhere in the module).
    """
    cdef Py_ssize_t i
    cdef floating v, zero = 0
    if src == NULL and b == NULL:
        v = activate(zero, act, slope)
        for i in range(n):
            dst[i] = v
        return
    if act == ACT_NONE:
        if src != NULL and b != NULL:
            for i in range(n):
                dst[i] = src[i] + b[i]
        elif src != NULL:
            for i in range(n):
                dst[i] = src[i] + zero      # -0 + 0 = +0, as in the definition's sum
        else:
            for i in range(n):
                dst[i] = zero + b[i]
        return
    for i in range(n):
        v = (src[i] if src != NULL else 0) + (b[i] if b != NULL else 0)
        dst[i] = activate(v, act, slope)


ctypedef struct Tile:
    # What one task of the stride-phase algorithms (1 and 3) computes.
    Py_ssize_t iph, ipw, g          # row phase, column phase, group
    Py_ssize_t n0, nimg             # images
    Py_ssize_t co0, nco             # output channels of the group
    Py_ssize_t qa, qb, pa, pb       # the phase's q rows and p columns inside the tile
    Py_ssize_t jh0, jh1, jw0, jw1   # the phase's taps that reach the input (prune)


cdef inline bint tile_of(const Plan *p, Py_ssize_t task, Tile *tl) noexcept nogil:
    """Decode task number ``task``; False when its tile holds no output of its phase."""
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Py_ssize_t t = task, ico, ib, iqb, ipb
    ipb = t % p.n_pb; t = t / p.n_pb
    iqb = t % p.n_qb; t = t / p.n_qb
    ib = t % p.n_ib; t = t / p.n_ib
    ico = t % p.n_co; t = t / p.n_co
    tl.g = t % p.G; t = t / p.G
    tl.ipw = t % aw.nph; t = t / aw.nph
    tl.iph = t
    tl.n0 = ib * p.nb
    tl.nimg = imin(p.nb, p.N - tl.n0)
    tl.co0 = ico * p.nco
    tl.nco = imin(p.nco, p.Cog - tl.co0)
    tl.qa = imax(ah.lo + iqb * p.bq, ah.ph_qlo[tl.iph])
    tl.qb = imin(imin(ah.lo + (iqb + 1) * p.bq, ah.hi), ah.ph_qhi[tl.iph])
    tl.pa = imax(aw.lo + ipb * p.bp, aw.ph_qlo[tl.ipw])
    tl.pb = imin(imin(aw.lo + (ipb + 1) * p.bp, aw.hi), aw.ph_qhi[tl.ipw])
    if tl.qa >= tl.qb or tl.pa >= tl.pb or tl.nimg <= 0 or tl.nco <= 0:
        return False
    prune(ah, tl.iph, tl.qa, tl.qb, &tl.jh0, &tl.jh1)
    prune(aw, tl.ipw, tl.pa, tl.pb, &tl.jw0, &tl.jw1)
    return True


cdef void store_tile_nhwc(floating *out, const floating *tile, Py_ssize_t ld,
                          const floating *bias, const Plan *p, const Tile *tl) noexcept nogil:
    """Epilogue of a stride-phase tile, NHWC: act(tile + bias) to the phase's strided output
    pixels, each pixel's channels one contiguous run.  ``tile`` is pixel-major (pixel m's
    channels at tile + m*ld); NULL when no tap reached the tile (zeros)."""
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Py_ssize_t rh = ah.ph_r[tl.iph], rw = aw.ph_r[tl.ipw], c0 = tl.g * p.Cog + tl.co0
    cdef Py_ssize_t Ho = ah.n_out, Wo = aw.n_out, Cout = p.Cout, img, q, pp, oh, m = 0
    cdef const floating *b = bias + c0 if bias != NULL else NULL
    cdef floating slope = <floating> p.slope
    for img in range(tl.nimg):
        for q in range(tl.qa, tl.qb):
            oh = q * ah.s + rh - ah.pad
            for pp in range(tl.pa, tl.pb):
                act_store_vec(out + (((tl.n0 + img) * Ho + oh) * Wo + pp * aw.s + rw - aw.pad)
                              * Cout + c0, tile + m * ld if tile != NULL else NULL, b,
                              tl.nco, p.act, slope)
                m += 1


cdef void run_task(const floating *x, const floating *wp, const floating *bias,
                   floating *out, const Plan *p, Py_ssize_t task,
                   floating *sa, floating *st, floating *sc) noexcept nogil:
    """Compute every output element of one task (see the module Design)."""
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Tile tl
    if not tile_of(p, task, &tl):
        return
    cdef Py_ssize_t iph = tl.iph, ipw = tl.ipw, g = tl.g, t
    cdef Py_ssize_t n0 = tl.n0, nimg = tl.nimg, co0 = tl.co0, nco = tl.nco
    cdef Py_ssize_t qa = tl.qa, qb = tl.qb, pa = tl.pa, pb = tl.pb
    cdef Py_ssize_t jh0 = tl.jh0, jh1 = tl.jh1, jw0 = tl.jw0, jw1 = tl.jw1

    cdef Py_ssize_t H = ah.n_in, W = aw.n_in, Ho = ah.n_out, Wo = aw.n_out
    cdef Py_ssize_t Cin = p.Cin, Cout = p.Cout, Cig = p.Cig, Cog = p.Cog
    cdef Py_ssize_t nq = qb - qa, npx = pb - pa
    cdef Py_ssize_t M = nimg * nq * npx

    cdef Py_ssize_t nth = ah.ph_ntap[iph], ntw = aw.ph_ntap[ipw]
    cdef Py_ssize_t kph = nth * ntw * Cig
    cdef const floating *wblk = wp + (g * Cog * ah.k * aw.k + ah.ph_tap0[iph] * aw.k * Cog
                                      + nth * aw.ph_tap0[ipw] * Cog) * Cig + co0 * kph
    cdef Py_ssize_t offh, offw, jh, jw, jwa, jwb, c0, kc, kt, ci
    cdef Py_ssize_t img, q, pp, m, ih, iw, co, oh
    cdef Py_ssize_t r0 = 0, r1 = 0, cc0 = 0, cc1 = 0, nr = 0, ncol = 0
    cdef floating zero = 0, one = 1, beta = 0, slope = <floating> p.slope, v, b
    cdef bint direct, span, any_k = False
    cdef Py_ssize_t ta, tb, nt, step
    # Offsets of the taps of one K chunk (a chunk holds at most KT_MAX taps).
    cdef Py_ssize_t roffh[KT_MAX]
    cdef Py_ssize_t roffw[KT_MAX]
    cdef const floating *src
    cdef const floating *amat
    cdef floating *dst
    cdef floating *o
    cdef int lda

    # ---- fast path: one tap, whole input rows, all in bounds: multiply from the input ----
    direct = False
    if jh1 - jh0 == 1 and jw1 - jw0 == 1:
        offh = ah.tap_off[ah.ph_tap0[iph] + jh0]
        offw = aw.tap_off[aw.ph_tap0[ipw] + jw0]
        if (pa - offw == 0 and pb - offw == W and qa - offh >= 0 and qb - offh <= H):
            if p.nhwc:
                direct = (nimg == 1 or nq == H) and Cin < 2147483647
            else:
                direct = nimg == 1 and H * W < 2147483647
    if direct:
        c0 = 0
        while c0 < Cig:
            kc = imin(KT_MAX, Cig - c0)
            if p.nhwc:
                amat = x + ((n0 * H + qa - offh) * W) * Cin + g * Cig + c0
                # pixel-major tile for NHWC: sc[m*nco + co]
                gemm("T", "N", <int> nco, <int> M, <int> kc, one,
                     wblk + (jh0 * ntw + jw0) * Cig + c0, <int> kph, amat, <int> Cin,
                     beta, sc, <int> nco)
            else:
                amat = x + ((n0 * Cin + g * Cig + c0) * H + qa - offh) * W
                gemm("N", "N", <int> M, <int> nco, <int> kc, one, amat, <int> (H * W),
                     wblk + (jh0 * ntw + jw0) * Cig + c0, <int> kph, beta, sc, <int> M)
            beta = one
            any_k = True
            c0 += kc
    else:
        c0 = 0
        while c0 < Cig and jh0 < jh1 and jw0 < jw1:
            kc = imin(p.kc, Cig - c0)
            if not p.nhwc:
                # Rows/cols of the input this tile can touch, staged pixel-major.
                r0 = imax(0, qa - ah.tap_off[ah.ph_tap0[iph] + jh1 - 1])
                r1 = imin(H, qb - ah.tap_off[ah.ph_tap0[iph] + jh0])
                cc0 = imax(0, pa - aw.tap_off[aw.ph_tap0[ipw] + jw1 - 1])
                cc1 = imin(W, pb - aw.tap_off[aw.ph_tap0[ipw] + jw0])
                if r1 <= r0 or cc1 <= cc0:
                    break
                nr = r1 - r0
                ncol = cc1 - cc0
                stage_nchw(x, st, p, n0, nimg, g * Cig + c0, kc, r0, r1, cc0, cc1)
            # K chunks are runs of taps, flat index t = jh*ntw + jw, whose weight columns
            # are contiguous: across tap rows when no column tap was pruned and the whole
            # channel group is in the chunk, else within one tap row.
            span = (jw0 == 0 and jw1 == ntw and kc == Cig)
            # balanced chunks: 9 taps in chunks of at most 8 go as 5 + 4, not 8 + 1
            step = p.tpc if kc == Cig else 1
            if span:
                step = ceil_div((jh1 - jh0) * ntw, ceil_div((jh1 - jh0) * ntw, step))
            elif step > 1:
                step = ceil_div(jw1 - jw0, ceil_div(jw1 - jw0, step))
            ta = jh0 * ntw + jw0
            while ta < (jh1 - 1) * ntw + jw1:
                jh = ta / ntw
                if span:
                    tb = imin(jh1 * ntw, ta + step)
                else:
                    tb = imin(jh * ntw + jw1, ta + step)
                nt = tb - ta
                kt = nt * kc
                for t in range(nt):
                    roffh[t] = ah.tap_off[ah.ph_tap0[iph] + (ta + t) / ntw]
                    roffw[t] = aw.tap_off[aw.ph_tap0[ipw] + (ta + t) % ntw]
                # Gather A[m][t*kc + ci] for m = (img, q, p).
                m = 0
                for img in range(nimg):
                    for q in range(qa, qb):
                        for pp in range(pa, pb):
                            dst = sa + m * kt
                            for t in range(nt):
                                ih = q - roffh[t]
                                iw = pp - roffw[t]
                                if ih < 0 or ih >= H or iw < 0 or iw >= W:
                                    memset(dst, 0, kc * sizeof(floating))
                                else:
                                    if p.nhwc:
                                        src = x + (((n0 + img) * H + ih) * W + iw) * Cin + g * Cig + c0
                                    else:
                                        src = st + ((img * nr + ih - r0) * ncol + iw - cc0) * kc
                                    memcpy(dst, src, kc * sizeof(floating))
                                dst += kc
                            m += 1
                if p.nhwc:   # pixel-major tile: sc[m*nco + co]
                    gemm("T", "N", <int> nco, <int> M, <int> kt, one, wblk + ta * Cig + c0,
                         <int> kph, sa, <int> kt, beta, sc, <int> nco)
                else:        # channel-major tile: sc[co*M + m]
                    gemm("T", "N", <int> M, <int> nco, <int> kt, one, sa, <int> kt,
                         wblk + ta * Cig + c0, <int> kph, beta, sc, <int> M)
                beta = one
                any_k = True
                ta = tb
                if not span and tb == jh * ntw + jw1:
                    ta = (jh + 1) * ntw + jw0
            c0 += kc

    # ---- epilogue: bias + activation, scattered to the strided output positions ----
    if p.nhwc:
        store_tile_nhwc(out, sc if any_k else NULL, nco, bias, p, &tl)
        return
    cdef Py_ssize_t rh = ah.ph_r[iph], rw = aw.ph_r[ipw]
    for co in range(nco):
        b = bias[g * Cog + co0 + co] if bias != NULL else zero
        m = 0
        for img in range(nimg):
            for q in range(qa, qb):
                oh = q * ah.s + rh - ah.pad
                o = out + (((n0 + img) * Cout + g * Cog + co0 + co) * Ho + oh) * Wo
                if any_k and aw.s == 1:
                    # stride-1 columns: a contiguous run, stored with a vectorised loop
                    act_store(o + pa + rw - aw.pad, sc + co * M + m, npx, b, p.act, slope)
                    m += npx
                    continue
                if not any_k:
                    # no tap reached the tile: act(bias), computed once (see act_store_vec)
                    v = activate(zero + b, p.act, slope)
                    for pp in range(pa, pb):
                        o[pp * aw.s + rw - aw.pad] = v
                    m += npx
                    continue
                for pp in range(pa, pb):
                    v = sc[co * M + m] + b
                    o[pp * aw.s + rw - aw.pad] = activate(v, p.act, slope)
                    m += 1


cdef inline Py_ssize_t ukr_phase_base(const Plan *p, Py_ssize_t g, Py_ssize_t iph,
                                      Py_ssize_t ipw) noexcept nogil:
    """Offset of phase (iph, ipw) of group g in the micro-kernel weight panels: of the
    packed weight, or of a ``selfpack`` task's own panel (one panel, g = 0)."""
    cdef Py_ssize_t cogp = p.nbw if p.selfpack else p.cogp
    return (g * cogp * p.ah.k * p.aw.k
            + (p.ah.ph_tap0[iph] * p.aw.k + p.ah.ph_ntap[iph] * p.aw.ph_tap0[ipw]) * cogp
            ) * p.ldk


cdef inline void tr16(const floating *src, Py_ssize_t lds, Py_ssize_t ni, Py_ssize_t nj,
                      floating **dst) noexcept nogil:
    if floating is float:
        convt_tr16_f32(src, lds, <int> ni, <int> nj, dst)
    else:
        convt_tr16_f64(src, lds, <int> ni, <int> nj, dst)


cdef inline void ukr(bint narrow, Py_ssize_t ntap, const Py_ssize_t *woff,
                     const Py_ssize_t *delta, Py_ssize_t kc, const floating *w,
                     const floating **px, floating **c, int accumulate) noexcept nogil:
    if floating is float:
        if narrow:
            convt_ukr_narrow_f32(ntap, woff, delta, kc, w, px, c, accumulate)
        else:
            convt_ukr_f32(ntap, woff, delta, kc, w, px, c, accumulate)
    else:
        if narrow:
            convt_ukr_narrow_f64(ntap, woff, delta, kc, w, px, c, accumulate)
        else:
            convt_ukr_f64(ntap, woff, delta, kc, w, px, c, accumulate)


cdef inline void ukr_rows(Py_ssize_t kc, const floating *w, Py_ssize_t ldw, const floating *a,
                          Py_ssize_t lda, Py_ssize_t ldak, Py_ssize_t nr, floating *c,
                          Py_ssize_t ldc, bint accumulate, const floating *bias) noexcept nogil:
    if floating is float:
        convt_ukr_rows_f32(kc, w, ldw, a, lda, ldak, nr, c, ldc, accumulate, bias)
    else:
        convt_ukr_rows_f64(kc, w, ldw, a, lda, ldak, nr, c, ldc, accumulate, bias)


cdef inline void tr16_store(const floating *src, Py_ssize_t lds, Py_ssize_t ni, Py_ssize_t nj,
                            const floating *bias, floating **dst, Py_ssize_t step) noexcept nogil:
    if floating is float:
        convt_tr16_store_f32(src, lds, <int> ni, <int> nj, bias, dst, step)
    else:
        convt_tr16_store_f64(src, lds, <int> ni, <int> nj, bias, dst, step)


cdef void ukr_tap_offsets(const Plan *p, Py_ssize_t *koff) noexcept nogil:
    """koff[kh*KW + kw]: offset of the tap's first panel in its group's packed weight (ci 0,
    lane 0); koff[KK + kh*KW + kw]: the distance between consecutive panels of that tap."""
    cdef Py_ssize_t ih, iw, jh, jw, kk, nth, ntw, KK = p.ah.k * p.aw.k, NB = p.nbw
    for ih in range(p.ah.nph):
        nth = p.ah.ph_ntap[ih]
        for iw in range(p.aw.nph):
            ntw = p.aw.ph_ntap[iw]
            for jh in range(nth):
                for jw in range(ntw):
                    kk = p.ah.tap_k[p.ah.ph_tap0[ih] + jh] * p.aw.k \
                        + p.aw.tap_k[p.aw.ph_tap0[iw] + jw]
                    koff[kk] = ukr_phase_base(p, 0, ih, iw) + (jh * ntw + jw) * p.ldk * NB
                    koff[KK + kk] = nth * ntw * p.ldk * NB


cdef int pack_weight_ukr(const floating *w, floating *wk, const Plan *p, Py_ssize_t g,
                         Py_ssize_t ci, const Py_ssize_t *koff, Py_ssize_t cb0,
                         Py_ssize_t cb1, Py_ssize_t row) noexcept nogil:
    """Panels cb0 .. cb1 - 1 of input channel ``ci`` of group ``g``, written to row ``row``
    of ``wk`` (the group's first panel, or a ``selfpack`` task's buffer):

    wk[phase][cb - cb0][tap][row][lane] = w[g*Cig + ci][cb*NB + lane][kh(tap)][kw(tap)]

    zero in the lanes past Cog.  The channel's weight slice is a Cog x KK matrix (rows
    contiguous, L1-resident) and each tap's run of lanes a piece of one of its columns, so
    it is packed by 16 x 16 transposes (``koff``: see ``ukr_tap_offsets``).  Returns 1 if
    the panels' part of the slice holds a NaN or Inf (checked while it is in L1, in
    parallel), else 0.
    """
    cdef Py_ssize_t KK = p.ah.k * p.aw.k, NB = p.nbw, Cig = p.Cig, Cog = p.Cog
    cdef Py_ssize_t cb, c, k0, nk, j, lz, kk, c1 = imin(Cog, cb1 * NB)
    cdef const floating *src = w + (g * Cig + ci) * Cog * KK
    cdef floating *rows[16]
    for cb in range(cb0, cb1):
        for c in range(cb * NB, imin(Cog, (cb + 1) * NB), 16):
            for k0 in range(0, KK, 16):
                nk = imin(16, KK - k0)
                for j in range(nk):
                    rows[j] = wk + koff[k0 + j] + (cb - cb0) * koff[KK + k0 + j] + row * NB \
                        + c - cb * NB
                # (panels are 16 lanes or fewer in SSE builds)
                tr16(src + c * KK + k0, KK, imin(imin(16, Cog - c), (cb + 1) * NB - c), nk,
                     rows)
    lz = Cog - (cb1 - 1) * NB
    if lz < NB:
        for kk in range(KK):
            memset(wk + koff[kk] + (cb1 - 1 - cb0) * koff[KK + kk] + row * NB + lz, 0,
                   (NB - lz) * sizeof(floating))
    return 1 if has_nonfinite(src + cb0 * NB * KK, (c1 - cb0 * NB) * KK) else 0


cdef void stage_padded(const floating *x, floating *t, const Plan *p, Py_ssize_t n0,
                       Py_ssize_t nimg, Py_ssize_t cbase, Py_ssize_t kc, Py_ssize_t r0,
                       Py_ssize_t nr, Py_ssize_t c0, Py_ssize_t ncol,
                       Py_ssize_t ld) noexcept nogil:
    """t[((img*nr + r)*ncol + c)*ld + ci] = x[n0 + img][r0 + r][c0 + c][cbase + ci] for
    ci < kc <= ld, zero outside the input.

    The zero border lets the micro-kernel read every tap of every pixel without a bounds
    check.  NCHW input is transposed in blocks of 16 channels x 16 pixels (``_transpose.h``).
    """
    cdef Py_ssize_t img, r, c, cb, row, H = p.ah.n_in, W = p.aw.n_in, ci0, nj
    cdef floating *rows[16]
    cdef Py_ssize_t ca = imin(ncol, imax(0, -c0)), cz = imax(ca, imin(ncol, W - c0))
    cdef const floating *src
    cdef floating *dst
    for img in range(nimg):
        for r in range(nr):
            row = r0 + r
            dst = t + ((img * nr + r) * ncol) * ld
            if row < 0 or row >= H or cz <= ca:
                zero_pixels(dst, 0, ncol, kc, ld)
                continue
            zero_pixels(dst, 0, ca, kc, ld)
            zero_pixels(dst, cz, ncol, kc, ld)
            if p.nhwc:
                src = x + (((n0 + img) * H + row) * W + c0) * p.Cin + cbase
                if kc == p.Cin and ld == kc:
                    memcpy(dst + ca * kc, src + ca * kc, (cz - ca) * kc * sizeof(floating))
                else:
                    for c in range(ca, cz):
                        memcpy(dst + c * ld, src + c * p.Cin, kc * sizeof(floating))
                continue
            # NCHW: 16 channels x 16 pixels per transpose
            for ci0 in range(0, kc, 16):
                src = x + (((n0 + img) * p.Cin + cbase + ci0) * H + row) * W + c0
                for cb in range(ca, cz, 16):
                    nj = imin(16, cz - cb)
                    for c in range(nj):
                        rows[c] = dst + (cb + c) * ld + ci0
                    tr16(src + cb, H * W, imin(16, kc - ci0), nj, rows)


cdef inline void zero_pixels(floating *dst, Py_ssize_t c0, Py_ssize_t c1, Py_ssize_t kc,
                             Py_ssize_t ld) noexcept nogil:
    """Staged pixels [c0, c1) of a row := 0 (their first kc elements, ld apart)."""
    cdef Py_ssize_t c
    if c1 <= c0:
        return
    if ld == kc:
        memset(dst + c0 * kc, 0, (c1 - c0) * kc * sizeof(floating))
        return
    for c in range(c0, c1):
        memset(dst + c * ld, 0, kc * sizeof(floating))


cdef inline void phase_window(const Plan *p, const Tile *tl, Py_ssize_t *r0, Py_ssize_t *r1,
                              Py_ssize_t *c0, Py_ssize_t *c1) noexcept nogil:
    """Input rows [r0, r1) and columns [c0, c1) the taps of a tile's phase read."""
    cdef Py_ssize_t th = p.ah.ph_tap0[tl.iph], tw = p.aw.ph_tap0[tl.ipw]
    r0[0] = tl.qa - p.ah.tap_off[th + tl.jh1 - 1]
    r1[0] = tl.qb - p.ah.tap_off[th + tl.jh0]
    c0[0] = tl.pa - p.aw.tap_off[tw + tl.jw1 - 1]
    c1[0] = tl.pb - p.aw.tap_off[tw + tl.jw0]


cdef bint tile_window(const Plan *p, Py_ssize_t tile, Tile *tl, Py_ssize_t *r0,
                      Py_ssize_t *r1, Py_ssize_t *c0, Py_ssize_t *c1) noexcept nogil:
    """The union of the input windows of every phase of a tile (``p.allph``): rows
    [r0, r1), columns [c0, c1); ``tl``: one of those phases' tiles (every phase of a tile
    has the same images and group).  False when no phase of the tile has a tap."""
    cdef Py_ssize_t ph, a0, a1, b0, b1
    cdef bint found = False
    for ph in range(p.ah.nph * p.aw.nph):
        if tile_of(p, ph * p.ntiles + tile, tl) and tl.jh0 < tl.jh1 and tl.jw0 < tl.jw1:
            phase_window(p, tl, &a0, &a1, &b0, &b1)
            if found:
                r0[0] = imin(r0[0], a0); r1[0] = imax(r1[0], a1)
                c0[0] = imin(c0[0], b0); c1[0] = imax(c1[0], b1)
            else:
                r0[0] = a0; r1[0] = a1; c0[0] = b0; c1[0] = b1
                found = True
    return found


cdef void run_tile_ukr(const floating *x, const floating *wk, const floating *bias,
                       floating *out, const Plan *p, Py_ssize_t tile,
                       floating *st, floating *sc, Py_ssize_t *poff) noexcept nogil:
    """Every phase of one tile (``p.allph``): stage the union of the phases' input windows
    once (all input channels of the group), then run the phases on it in turn."""
    cdef Tile tl
    cdef Py_ssize_t ph, nph = p.ah.nph * p.aw.nph
    cdef Py_ssize_t r0 = 0, r1 = 0, c0 = 0, c1 = 0
    cdef bint staged = tile_window(p, tile, &tl, &r0, &r1, &c0, &c1)
    if staged:
        stage_padded(x, st, p, tl.n0, tl.nimg, tl.g * p.Cig, p.Cig, r0, r1 - r0, c0, c1 - c0,
                     p.Cig)
    for ph in range(nph):
        if tile_of(p, ph * p.ntiles + tile, &tl):
            run_phase_ukr(x, wk, bias, out, p, &tl, st, sc, poff, r0, r1 - r0, c0, c1 - c0,
                          0, p.Cig, p.Cig, NULL)


cdef int run_panel_ukr(const floating *x, const floating *w, const floating *bias,
                       floating *out, const Plan *p, Py_ssize_t tile, floating *wt,
                       floating *st, floating *sc, Py_ssize_t *poff,
                       const Py_ssize_t *koff) noexcept nogil:
    """A ``selfpack`` task: for each block of p.kc input channels, pack the task's panel
    (every tap) into ``wt``, stage the block's input window once, and add it to every
    phase's tile (one tile per phase in ``sc``); the last block runs the epilogues.
    Returns 1 if the panel's weights hold a NaN or Inf, else 0."""
    cdef Tile tl
    cdef Py_ssize_t ph, nph = p.ah.nph * p.aw.nph, ci, cib, nci, KK = p.ah.k * p.aw.k
    cdef Py_ssize_t r0 = 0, r1 = 0, c0 = 0, c1 = 0
    cdef Py_ssize_t g = tile / p.n_co, cb = tile % p.n_co
    cdef Py_ssize_t tsize = ukr_tile_size(p)
    # the panel's slice of input channel ci: slice_bytes at wpanel + ci * Cog * KK
    cdef const floating *wpanel = w + (g * p.Cig * p.Cog + cb * p.nbw) * KK
    cdef Py_ssize_t slice_bytes = imin(p.nbw, p.Cog - cb * p.nbw) * KK * sizeof(floating)
    cdef bint staged
    cdef int nonfinite = 0
    cdef convt_pf pf
    # micro-kernel calls per block, about: phases x micro-tiles x K pieces
    cdef Py_ssize_t calls = imax(1, nph * ceil_div(p.nb * p.bq * p.bp, p.mr) * ceil_div(
        max_ntap(&p.ah) * max_ntap(&p.aw) * p.kc, UKR_KB))
    staged = tile_window(p, tile, &tl, &r0, &r1, &c0, &c1)
    cib = 0
    while cib < p.Cig:
        nci = imin(p.kc, p.Cig - cib)
        for ci in range(nci):
            if cib == 0 and ci + PF_DIST < p.Cig:
                convt_prefetch_l2(wpanel + (ci + PF_DIST) * p.Cog * KK, slice_bytes)
            nonfinite |= pack_weight_ukr(w, wt, p, g, cib + ci, koff, cb, cb + 1, ci)
        # the next block's weight slices, a few lines after each micro-kernel call
        pf.nruns = imin(p.kc, p.Cig - cib - nci)
        pf.base = <const char *> (wpanel + (cib + nci) * p.Cog * KK if pf.nruns > 0
                                  else wpanel)
        pf.run = slice_bytes
        pf.stride = p.Cog * KK * sizeof(floating)
        pf.pos = 0
        pf.per_step = ceil_div(ceil_div(pf.run, 64) * pf.nruns, calls) + 1
        if staged:
            stage_padded(x, st, p, 0, p.N, g * p.Cig + cib, nci, r0, r1 - r0, c0, c1 - c0,
                         nci)
        for ph in range(nph):
            if tile_of(p, ph * p.ntiles + tile, &tl):
                run_phase_ukr(x, wt, bias, out, p, &tl, st, sc + ph * tsize, poff, r0,
                              r1 - r0, c0, c1 - c0, cib, nci, nci, &pf)
        pf.per_step = ceil_div(pf.run, 64) * pf.nruns      # whatever the calls left
        convt_pf_step(&pf)
        cib += nci
    return nonfinite


cdef void run_task_ukr(const floating *x, const floating *wk, const floating *bias,
                       floating *out, const Plan *p, Py_ssize_t task,
                       floating *st, floating *sc, Py_ssize_t *poff,
                       floating *staged) noexcept nogil:
    """One task (one phase of one tile) of the micro-kernel path, staging its own window
    in ``st``, or reading its pixel tile's window in ``staged`` (``p.prestage``)."""
    cdef Tile tl, any_phase
    cdef Py_ssize_t tile = task % p.ntiles, r0 = 0, r1 = 0, c0 = 0, c1 = 0
    if not tile_of(p, task, &tl):
        return
    if not p.prestage:
        run_phase_ukr(x, wk, bias, out, p, &tl, st, sc, poff, 0, 0, 0, 0, 0, p.Cig, 0, NULL)
        return
    # the window every phase of the tile shares, staged by stage_tiles
    tile_window(p, tile, &any_phase, &r0, &r1, &c0, &c1)
    run_phase_ukr(x, wk, bias, out, p, &tl, staged + pixel_tile(p, tile) * p.win, sc, poff,
                  r0, r1 - r0, c0, c1 - c0, 0, p.Cig, p.lds, NULL)


cdef inline Py_ssize_t pixel_tile(const Plan *p, Py_ssize_t tile) noexcept nogil:
    """The pixel tile (group, images, q rows, p columns) of a tile number: the tile without
    its output-channel chunk."""
    cdef Py_ssize_t pix = tile % (p.n_ib * p.n_qb * p.n_pb)
    return tile / (p.n_co * p.n_ib * p.n_qb * p.n_pb) * (p.n_ib * p.n_qb * p.n_pb) + pix


cdef void stage_tiles(const floating *x, floating *staged, const Plan *p,
                      Py_ssize_t item) noexcept nogil:
    """``p.prestage``: work item ``item`` of staging every pixel tile's window (the union of
    its phases' windows, as ``tile_window``), 16 channels of one pixel tile per item."""
    cdef Tile tl
    cdef Py_ssize_t nblk = ceil_div(p.Cig, 16), r0 = 0, r1 = 0, c0 = 0, c1 = 0
    cdef Py_ssize_t pt = item / nblk, cb = item % nblk * 16
    cdef Py_ssize_t pix = pt % (p.n_ib * p.n_qb * p.n_pb), g = pt / (p.n_ib * p.n_qb * p.n_pb)
    # its tile of output-channel chunk 0
    cdef Py_ssize_t tile = g * p.n_co * (p.n_ib * p.n_qb * p.n_pb) + pix
    if tile_window(p, tile, &tl, &r0, &r1, &c0, &c1):
        stage_padded(x, staged + pt * p.win + cb, p, tl.n0, tl.nimg, g * p.Cig + cb,
                     imin(16, p.Cig - cb), r0, r1 - r0, c0, c1 - c0, p.lds)



cdef inline u64 reach_mask(const Axis *ax, Py_ssize_t iph, Py_ssize_t j0, Py_ssize_t j1,
                           Py_ssize_t q) noexcept nogil:
    """Bit j - j0 for each tap j of the phase whose input row (column) for phase row q is
    inside the input, not in the staged window's zero border."""
    cdef u64 mk = 0
    cdef Py_ssize_t j, i
    for j in range(j0, j1):
        i = q - ax.tap_off[ax.ph_tap0[iph] + j]
        if 0 <= i < ax.n_in:
            mk |= (<u64> 1) << (j - j0)
    return mk


cdef inline Py_ssize_t mask_class(u64 *masks, Py_ssize_t *n, u64 mk) noexcept nogil:
    """Index of mk in masks[:n], appended if new; -1 when TAP_CLASSES are taken."""
    cdef Py_ssize_t i
    for i in range(n[0]):
        if masks[i] == mk:
            return i
    if n[0] == TAP_CLASSES:
        return -1
    masks[n[0]] = mk
    n[0] += 1
    return n[0] - 1


cdef bint axis_classes(const Axis *ax, Py_ssize_t iph, Py_ssize_t j0, Py_ssize_t j1,
                       Py_ssize_t q0, Py_ssize_t q1, u64 *masks, Py_ssize_t *count,
                       Py_ssize_t *n) noexcept nogil:
    """The distinct reach masks of phase rows (columns) q0 .. q1 - 1 in masks[:n], and how
    many rows have each in count; False when there are more than TAP_CLASSES."""
    cdef Py_ssize_t q, i
    for q in range(q0, q1):
        i = mask_class(masks, n, reach_mask(ax, iph, j0, j1, q))
        if i < 0:
            return False
        count[i] += 1
    return True


cdef inline int popcount(u64 v) noexcept nogil:
    cdef int c = 0
    while v:
        v &= v - 1
        c += 1
    return c


cdef Py_ssize_t tap_classes(const Plan *p, const Tile *tl, Py_ssize_t mr, Py_ssize_t *order,
                            Py_ssize_t *seg, u64 *rmk, u64 *cmk) noexcept nogil:
    """Sort the tile's pixels by the taps that reach real input (the others read the zero
    border and add exact zeros: up to 23% of the arithmetic of a 4x4 image under a 4x4
    kernel).  Class c is order[seg[c]:seg[c+1]], natural pixel numbers padded to a multiple
    of mr with its last one, its taps the bits of rmk[c] (rows) x cmk[c] (columns).
    One class of every tap when sorting would not save micro-kernel work.  Returns the
    number of classes."""
    cdef Py_ssize_t njh = tl.jh1 - tl.jh0, njw = tl.jw1 - tl.jw0
    cdef Py_ssize_t nq = tl.qb - tl.qa, npx = tl.pb - tl.pa, M = tl.nimg * nq * npx
    cdef u64 rms[TAP_CLASSES]
    cdef u64 cms[TAP_CLASSES]
    cdef Py_ssize_t nrow[TAP_CLASSES]
    cdef Py_ssize_t ncol[TAP_CLASSES]
    cdef Py_ssize_t pos[TAP_CLASSES * TAP_CLASSES]     # next free place, per (row, column) set
    cdef Py_ssize_t key[TAP_CLASSES * TAP_CLASSES]     # the (row, column) set of each class
    cdef Py_ssize_t nr = 0, nc = 0, q, pp, i, j, c, m, img, ncls, cost, size
    cdef bint sort = njh <= 32 and njw <= 32
    for i in range(TAP_CLASSES):
        nrow[i] = 0
        ncol[i] = 0
    sort = (sort and axis_classes(&p.ah, tl.iph, tl.jh0, tl.jh1, tl.qa, tl.qb, rms, nrow, &nr)
            and axis_classes(&p.aw, tl.ipw, tl.jw0, tl.jw1, tl.pa, tl.pb, cms, ncol, &nc))
    if sort:
        # micro-kernel tap passes: sorted, against one class of every tap
        cost = 0
        for i in range(nr):
            for j in range(nc):
                size = tl.nimg * nrow[i] * ncol[j]
                cost += ceil_div(size, mr) * popcount(rms[i]) * popcount(cms[j])
        sort = cost < ceil_div(M, mr) * njh * njw
    if not sort:
        rmk[0] = ((<u64> 1) << njh) - 1 if njh < 64 else ~(<u64> 0)
        cmk[0] = ((<u64> 1) << njw) - 1 if njw < 64 else ~(<u64> 0)
        for m in range(M):
            order[m] = m
        seg[0] = 0
        seg[1] = ceil_div(M, mr) * mr
        for m in range(M, seg[1]):
            order[m] = M - 1
        return 1
    ncls = 0
    seg[0] = 0
    for i in range(nr):
        for j in range(nc):
            size = tl.nimg * nrow[i] * ncol[j]
            if size == 0:
                continue
            rmk[ncls] = rms[i]
            cmk[ncls] = cms[j]
            key[ncls] = i * TAP_CLASSES + j
            pos[key[ncls]] = seg[ncls]
            seg[ncls + 1] = seg[ncls] + ceil_div(size, mr) * mr
            ncls += 1
    m = 0
    for img in range(tl.nimg):
        for q in range(tl.qa, tl.qb):
            i = mask_class(rms, &nr, reach_mask(&p.ah, tl.iph, tl.jh0, tl.jh1, q))
            for pp in range(tl.pa, tl.pb):
                j = mask_class(cms, &nc, reach_mask(&p.aw, tl.ipw, tl.jw0, tl.jw1, pp))
                order[pos[i * TAP_CLASSES + j]] = m
                pos[i * TAP_CLASSES + j] += 1
                m += 1
    # pad each class's last micro-tile with its last pixel
    for c in range(ncls):
        for m in range(pos[key[c]], seg[c + 1]):
            order[m] = order[m - 1]
    return ncls


cdef void run_phase_ukr(const floating *x, const floating *wk, const floating *bias,
                        floating *out, const Plan *p, const Tile *tp,
                        floating *st, floating *sc, Py_ssize_t *poff, Py_ssize_t wr0,
                        Py_ssize_t wnr, Py_ssize_t wc0, Py_ssize_t wncol, Py_ssize_t ci_a,
                        Py_ssize_t nci, Py_ssize_t lds, convt_pf *pf) noexcept nogil:
    """One phase of one tile of the stride-phase algorithm on the micro-kernel (algorithm 3).

    The call adds input channels [ci_a, ci_a + nci) of the group to the tile ``sc``
    (``wk``'s rows start at ci_a); the epilogue runs once the last channel is in.  ``pf``
    (or NULL) is a prefetch stream advanced after each micro-kernel call.

    Per input-channel chunk the tile's input window is staged once with a zero border
    (or, when ``wnr > 0``, the caller staged rows [wr0, wr0 + wnr) x columns
    [wc0, wc0 + wncol) of channels [ci_a, ci_a + nci) already, ``lds`` elements per
    pixel); then for each weight panel
    (NB output channels) and each CONVT_R output pixels, one micro-kernel call runs the
    whole K = taps x channels with its accumulators in registers.  The pixel-major result
    tile goes through the same bias/activation epilogue as the BLAS path.
    """
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Tile tl = tp[0]
    cdef Py_ssize_t iph = tl.iph, ipw = tl.ipw, g = tl.g, t
    cdef Py_ssize_t n0 = tl.n0, nimg = tl.nimg, co0 = tl.co0, nco = tl.nco
    cdef Py_ssize_t qa = tl.qa, qb = tl.qb, pa = tl.pa, pb = tl.pb
    cdef Py_ssize_t jh0 = tl.jh0, jh1 = tl.jh1, jw0 = tl.jw0, jw1 = tl.jw1

    cdef Py_ssize_t Ho = ah.n_out, Wo = aw.n_out, Cout = p.Cout, Cig = p.Cig
    cdef Py_ssize_t nq = qb - qa, npx = pb - pa
    cdef Py_ssize_t M = nimg * nq * npx

    cdef Py_ssize_t NB = p.nbw, ldc = p.ncop
    cdef Py_ssize_t nth = ah.ph_ntap[iph], ntw = aw.ph_ntap[ipw]
    cdef Py_ssize_t tap0h = ah.ph_tap0[iph], tap0w = aw.ph_tap0[ipw]
    # (a selfpack task's wk is its own panel: co0 is where that panel's channels start)
    cdef const floating *wph = (wk + ukr_phase_base(p, 0, iph, ipw) if p.selfpack else
                                wk + ukr_phase_base(p, g, iph, ipw) + co0 * nth * ntw * p.ldk)
    cdef Py_ssize_t panel = nth * ntw * p.ldk * NB   # elements of one weight panel
    cdef Py_ssize_t offh0, offw0, r0 = 0, c0 = 0, nr = 0, ncol = 0
    cdef Py_ssize_t ci0, kc, cb, m0, r, m, img, q, pp, jh, jw, ta, nt, ntaps, co, oh
    cdef Py_ssize_t kcb, ntb, cs, kk, ld, stoff
    cdef int accumulate
    # C_in = 0 is legal (the output is the bias): no tap then, and the tile is zeros.
    cdef bint any_k = jh0 < jh1 and jw0 < jw1 and nci > 0
    cdef floating slope = <floating> p.slope, zero = 0, b, v
    cdef Py_ssize_t woff[KT_MAX]
    cdef Py_ssize_t delta[KT_MAX]
    cdef Py_ssize_t cwoff[KT_MAX]
    cdef Py_ssize_t cdelta[KT_MAX]
    cdef const floating *px[2 * CONVT_R]
    cdef floating *crow[2 * CONVT_R]
    cdef const floating *wcb
    cdef Py_ssize_t mr = p.mr
    # pixels sorted by the taps that reach them (tap_classes), after the offsets in poff
    cdef Py_ssize_t *order = poff + M
    cdef Py_ssize_t seg[TAP_CLASSES * TAP_CLASSES + 1]
    cdef u64 rmk[TAP_CLASSES * TAP_CLASSES]
    cdef u64 cmk[TAP_CLASSES * TAP_CLASSES]
    cdef Py_ssize_t ncls, cl, nv, mm
    cdef floating *o

    if any_k:
        offh0 = ah.tap_off[tap0h + jh0]
        offw0 = aw.tap_off[tap0w + jw0]
        if wnr > 0:
            r0 = wr0; nr = wnr; c0 = wc0; ncol = wncol
        else:
            phase_window(p, &tl, &r0, &nr, &c0, &ncol)
            nr -= r0
            ncol -= c0
        ntaps = (jh1 - jh0) * (jw1 - jw0)
        # Pixel m's staged window for the phase's first tap; tap t lies delta[t] before it.
        m = 0
        for img in range(nimg):
            for q in range(qa, qb):
                for pp in range(pa, pb):
                    poff[m] = (img * nr + q - offh0 - r0) * ncol + pp - offw0 - c0
                    m += 1
        ncls = tap_classes(p, &tl, mr, order, seg, rmk, cmk)
        ci0 = 0
        while ci0 < nci:
            kc = imin(p.kc, nci - ci0)
            # the chunk in the staged window: pixels ld apart, from channel stoff
            ld = lds if wnr > 0 else kc
            stoff = ci0 if wnr > 0 else 0
            if wnr == 0:
                stage_padded(x, st, p, n0, nimg, g * Cig + ci_a + ci0, kc, r0, nr, c0, ncol,
                             kc)
            # K blocks of about UKR_KB elements (taps x channels), so that the weight panel
            # block a sweep over the tile's pixels re-reads stays in L1.
            kcb = imin(kc, UKR_KB)
            ntb = imax(1, imin(KT_MAX, UKR_KB / kcb))
            # the task's own panels: a group's last chunk may hold fewer than ldc channels
            for cb in range(ceil_div(nco, NB)):
                ta = 0
                while ta < ntaps:
                    nt = imin(ntb, ntaps - ta)
                    cs = 0
                    while cs < kc:
                        kk = imin(kcb, kc - cs)
                        for t in range(nt):
                            jh = jh0 + (ta + t) / (jw1 - jw0)
                            jw = jw0 + (ta + t) % (jw1 - jw0)
                            woff[t] = ((jh * ntw + jw) * p.ldk + ci0 + cs) * NB
                            delta[t] = ((ah.tap_off[tap0h + jh] - offh0) * ncol
                                        + aw.tap_off[tap0w + jw] - offw0) * ld
                        accumulate = ci_a > 0 or ci0 > 0 or ta > 0 or cs > 0
                        wcb = wph + cb * panel
                        for cl in range(ncls):
                            # the block's taps that reach this class's pixels (none: the
                            # first block still writes the tile's zeros)
                            nv = 0
                            for t in range(nt):
                                jh = (ta + t) / (jw1 - jw0)
                                jw = (ta + t) % (jw1 - jw0)
                                if (rmk[cl] >> jh) & 1 and (cmk[cl] >> jw) & 1:
                                    cwoff[nv] = woff[t]
                                    cdelta[nv] = delta[t]
                                    nv += 1
                            if nv == 0 and accumulate:
                                continue
                            m0 = seg[cl]
                            while m0 < seg[cl + 1]:
                                for r in range(mr):
                                    mm = order[m0 + r]
                                    px[r] = st + poff[mm] * ld + stoff + cs
                                    crow[r] = sc + mm * ldc + cb * NB
                                ukr(p.narrow, nv, cwoff, cdelta, kk, wcb, px, crow,
                                    accumulate)
                                if pf != NULL:
                                    convt_pf_step(pf)
                                m0 += mr
                        cs += kk
                    ta += nt
            ci0 += kc

    else:
        # No tap reaches these pixels: a zero tile, so the epilogue has one form.  (A form
        # with a NULL tile wrote act(0) = 0.5 for float64 NHWC in the -O3 build: GCC's
        # miscompiled fill described at act_store_vec, since avoided there too.)
        memset(sc, 0, M * ldc * sizeof(floating))
    if ci_a + nci < Cig:
        return

    # ---- epilogue: bias + activation, scattered to the strided output positions ----
    if p.nhwc:
        store_tile_nhwc(out, sc, ldc, bias, p, &tl)
        return
    cdef Py_ssize_t rh = ah.ph_r[iph], rw = aw.ph_r[ipw]
    # NCHW: one phase row of pixels at a time, in blocks of 16 pixels x 16 channels
    # transposed channel-major, so that each channel's run is read contiguously rather than
    # one element per pixel row of the tile (measured: unet_up3 +7%, grp4 +4%).  Without an
    # activation the transposed rows go from registers straight to the output with the
    # bias added (tr16_store; grp4 +5% over transposing through tbuf).
    cdef Py_ssize_t step = aw.s, j, cb0, ncb, pj, npj, c
    cdef floating tbuf[256]
    cdef floating *trows[16]
    cdef const floating *tr
    cdef const floating *bb
    m = 0
    if p.act == ACT_NONE:
        for img in range(nimg):
            for q in range(qa, qb):
                oh = q * ah.s + rh - ah.pad
                for cb0 in range(0, nco, 16):
                    ncb = imin(16, nco - cb0)
                    bb = bias + g * p.Cog + co0 + cb0 if bias != NULL else NULL
                    for c in range(ncb):
                        trows[c] = out + (((n0 + img) * Cout + g * p.Cog + co0 + cb0 + c) * Ho
                                          + oh) * Wo + rw - aw.pad + pa * step
                    for pj in range(0, npx, 16):
                        tr16_store(sc + (m + pj) * ldc + cb0, ldc, imin(16, npx - pj), ncb, bb,
                                   trows, step)
                        for c in range(ncb):
                            trows[c] += 16 * step
                m += npx
        return
    # with an activation: through tbuf
    for c in range(16):
        trows[c] = tbuf + c * 16
    for img in range(nimg):
        for q in range(qa, qb):
            oh = q * ah.s + rh - ah.pad
            for cb0 in range(0, nco, 16):
                ncb = imin(16, nco - cb0)
                for pj in range(0, npx, 16):
                    npj = imin(16, npx - pj)
                    tr16(sc + (m + pj) * ldc + cb0, ldc, npj, ncb, trows)
                    for c in range(ncb):
                        co = cb0 + c
                        b = bias[g * p.Cog + co0 + co] if bias != NULL else zero
                        o = out + (((n0 + img) * Cout + g * p.Cog + co0 + co) * Ho + oh) * Wo \
                            + rw - aw.pad + (pa + pj) * step
                        tr = tbuf + c * 16
                        for j in range(npj):
                            o[j * step] = activate(tr[j] + b, p.act, slope)
            m += npx


cdef inline Py_ssize_t find_phase(const Axis *ax, Py_ssize_t r) noexcept nogil:
    """Index of the phase with residue r, or -1 if that residue owns no tap."""
    cdef Py_ssize_t i
    for i in range(ax.nph):
        if ax.ph_r[i] == r:
            return i
    return -1


cdef void depthwise_rows(const floating *x, const floating *w, const floating *bias,
                         floating *out, const Plan *p, Py_ssize_t plane,
                         Py_ssize_t o0, Py_ssize_t o1, floating *acc) noexcept nogil:
    """NCHW depthwise (one input and one output channel per group): output rows [o0, o1)
    of one (image, channel) plane.

    GEMM would degenerate to K = taps, N = 1, so this runs the phase decomposition
    directly: per output row and column phase, each tap is an axpy over a contiguous input
    row into a contiguous accumulator run (vectorised by the compiler).  ``acc`` holds one
    output row, grouped by column phase.  Preconditions: p.Cig == p.Cog == 1; rows of
    tap-less phases were prefilled.
    """
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Py_ssize_t c = plane % p.Cin
    cdef Py_ssize_t H = ah.n_in, W = aw.n_in, Wo = aw.n_out, KW = aw.k
    cdef const floating *xp = x + plane * H * W
    cdef const floating *wc = w + c * ah.k * KW
    cdef floating *orow
    cdef floating b = bias[c] if bias != NULL else 0
    cdef floating slope = <floating> p.slope, wv
    cdef floating *accp
    cdef const floating *xrow
    cdef Py_ssize_t oh, iph, q, j, ih, kh, ipw, jw, off, lo, hi, pa, pb, pp, base, n_acc, rw
    for oh in range(o0, o1):
        iph = find_phase(ah, (oh + ah.pad) % ah.s)
        if iph < 0:
            continue
        q = (oh + ah.pad) / ah.s
        n_acc = 0
        for ipw in range(aw.nph):
            n_acc += aw.ph_qhi[ipw] - aw.ph_qlo[ipw]
        memset(acc, 0, n_acc * sizeof(floating))
        for j in range(ah.ph_ntap[iph]):
            ih = q - ah.tap_off[ah.ph_tap0[iph] + j]
            if ih < 0 or ih >= H:
                continue
            kh = ah.tap_k[ah.ph_tap0[iph] + j]
            xrow = xp + ih * W
            base = 0
            for ipw in range(aw.nph):
                lo = aw.ph_qlo[ipw]
                hi = aw.ph_qhi[ipw]
                accp = acc + base - lo
                for jw in range(aw.ph_ntap[ipw]):
                    off = aw.tap_off[aw.ph_tap0[ipw] + jw]
                    wv = wc[kh * KW + aw.tap_k[aw.ph_tap0[ipw] + jw]]
                    pa = imax(lo, off)
                    pb = imin(hi, W + off)
                    for pp in range(pa, pb):
                        accp[pp] += wv * xrow[pp - off]
                base += hi - lo
        orow = out + (plane * ah.n_out + oh) * Wo
        base = 0
        for ipw in range(aw.nph):
            lo = aw.ph_qlo[ipw]
            hi = aw.ph_qhi[ipw]
            rw = aw.ph_r[ipw]
            for pp in range(lo, hi):
                orow[pp * aw.s + rw - aw.pad] = activate(acc[base + pp - lo] + b, p.act, slope)
            base += hi - lo


cdef inline void act_store(floating *dst, const floating *acc, Py_ssize_t n, floating b,
                           int act, floating slope) noexcept nogil:
    """dst[i] = act(acc[i] + b); the activation switch is hoisted out of the loops so the
    plain and ReLU cases vectorise."""
    cdef Py_ssize_t i
    cdef floating v
    if act == ACT_NONE:
        for i in range(n):
            dst[i] = acc[i] + b
    elif act == ACT_RELU:
        for i in range(n):
            v = acc[i] + b
            dst[i] = 0 if v < 0 else v
    else:
        for i in range(n):
            dst[i] = activate(acc[i] + b, act, slope)


cdef void depthwise_rows_dw1(const floating *x, const floating *w, const floating *bias,
                             floating *out, const Plan *p, Py_ssize_t plane,
                             Py_ssize_t o0, Py_ssize_t o1, floating *wtab, floating *xu,
                             floating *acc, Py_ssize_t *wtab_chan) noexcept nogil:
    """Depthwise rows [o0, o1) of one plane when the column dilation is 1.

    Upsample-by-repetition form: with J = ceil(KW/sw), output column ow (residue
    rw = (ow + pl) mod sw) receives kernel columns rw + j*sw from input column
    (ow - j*sw + pl) div sw, j < J.  So, per kernel row kh,

        out_row[ow] += sum_j  wtab[kh][j][ow] * xu[ih][ow - j*sw]

    with ``xu[ih][o] = x[ih][(o + pl) div sw]`` (0 outside the row) and ``wtab[kh][j][ow] =
    w[kh][rw + j*sw]`` (0 past the kernel): long contiguous loops over the whole output
    row, no zero multiplies beyond the short-phase padding.  Each upsampled input row is
    built once per task; ``wtab`` only when ``wtab_chan[0]`` (the channel it holds, -1 for
    none) is another channel.  Scratch (see dw1_scratch): ``wtab`` (KH*J*Wo), ``xu``
    (rows_in * (Wo + halo)), ``acc`` (Wo).
    """
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Py_ssize_t c = plane % p.Cin
    cdef Py_ssize_t H = ah.n_in, W = aw.n_in, Wo = aw.n_out, KW = aw.k, KH = ah.k
    cdef Py_ssize_t sw = aw.s, pl = aw.pad, J = ceil_div(KW, sw)
    cdef Py_ssize_t halo = (J - 1) * sw, pitch = Wo + halo
    cdef const floating *xp = x + plane * H * W
    cdef const floating *wc = w + c * KH * KW
    cdef floating b = bias[c] if bias != NULL else 0
    cdef floating slope = <floating> p.slope
    cdef floating *wt
    cdef floating *xr
    cdef const floating *xs
    cdef const floating *xrow
    cdef Py_ssize_t oh, iph, q, t, ih, kh, j, ow, o, iw, kw, r, rr, iwa, iwb
    cdef Py_ssize_t r0 = pl % sw, npair, rph
    cdef floating *wts[DW_PAIRS]
    cdef const floating *xss[DW_PAIRS]
    # Every input row the band's taps name, including those past the input: those are
    # zero rows (the weight is finite on this path, so they add exact zeros), and every
    # output row of a phase then has the same pairs, at a fixed stride (dw_rows_phase).
    cdef Py_ssize_t ih_lo = ceil_div(o0 + ah.pad - (KH - 1) * ah.d, ah.s)
    cdef Py_ssize_t ih_hi = imax(ih_lo, floor_div(o1 - 1 + ah.pad, ah.s) + 1)
    cdef Py_ssize_t qa, qb
    for kh in range(KH if wtab_chan[0] != c else 0):
        for j in range(J):
            wt = wtab + (kh * J + j) * Wo
            r = r0                      # (ow + pl) mod sw, stepped without dividing
            for ow in range(Wo):
                kw = r + j * sw
                wt[ow] = wc[kh * KW + kw] if kw < KW else 0
                r += 1
                if r == sw:
                    r = 0
    wtab_chan[0] = c
    # xu rows for the input rows this band reads: xu[o + halo] = x[(o + pl) div sw]
    for ih in range(ih_lo, ih_hi):
        xr = xu + (ih - ih_lo) * pitch
        xrow = xp + ih * W
        memset(xr, 0, pitch * sizeof(floating))
        if ih < 0 or ih >= H:
            continue
        # input column iw covers o = iw*sw - pl + rr, rr < sw, clipped to [-halo, Wo):
        # at most pitch writes in all, whatever the stride or padding.  Columns [iwa, iwb)
        # land wholly inside the row and take an unclipped loop (with per-column clipping
        # this copy was a third of dw_up2's time).
        iwa = imin(W, imax(0, ceil_div(pl - halo, sw)))
        iwb = imin(W, imax(iwa, floor_div(pitch - sw + pl - halo, sw) + 1))
        for iw in range(iwa):
            o = iw * sw - pl + halo
            for rr in range(imax(0, -o), imin(sw, pitch - o)):
                xr[o + rr] = xrow[iw]
        if sw == 2:
            for iw in range(iwa, iwb):
                o = 2 * iw - pl + halo
                xr[o] = xrow[iw]
                xr[o + 1] = xrow[iw]
        else:
            for iw in range(iwa, iwb):
                o = iw * sw - pl + halo
                for rr in range(sw):
                    xr[o + rr] = xrow[iw]
        for iw in range(iwb, W):
            o = iw * sw - pl + halo
            if o >= pitch:
                break
            for rr in range(imax(0, -o), imin(sw, pitch - o)):
                xr[o + rr] = xrow[iw]
    if p.act == ACT_NONE and max_ntap(ah) * J <= DW_PAIRS:
        # phase by phase: a phase's rows in the band share their (weight row, input row)
        # pairs, the input rows one pitch further per output row (one call per phase; per
        # row, finding the pairs cost more than the row's 64 outputs on dw_up2)
        for iph in range(ah.nph):
            qa = ceil_div(o0 + ah.pad - ah.ph_r[iph], ah.s)
            qb = floor_div(o1 - 1 + ah.pad - ah.ph_r[iph], ah.s) + 1
            if qa >= qb:
                continue
            npair = 0
            for t in range(ah.ph_ntap[iph]):
                kh = ah.tap_k[ah.ph_tap0[iph] + t]
                xr = xu + (qa - ah.tap_off[ah.ph_tap0[iph] + t] - ih_lo) * pitch + halo
                for j in range(J):
                    wts[npair] = wtab + (kh * J + j) * Wo
                    xss[npair] = xr - j * sw
                    npair += 1
            dw_rows_phase(out + (plane * ah.n_out + qa * ah.s + ah.ph_r[iph] - ah.pad) * Wo,
                          ah.s * Wo, wts, xss, pitch, npair, Wo, qb - qa, b)
        return
    # (oh + pad) = q*s + rph, stepped row by row without dividing
    rph = (o0 + ah.pad) % ah.s
    q = (o0 + ah.pad) / ah.s
    for oh in range(o0, o1):
        if oh > o0:
            rph += 1
            if rph == ah.s:
                rph = 0
                q += 1
        iph = find_phase(ah, rph)
        if iph < 0:
            continue
        for ow in range(Wo):
            acc[ow] = 0
        for t in range(ah.ph_ntap[iph]):
            ih = q - ah.tap_off[ah.ph_tap0[iph] + t]
            kh = ah.tap_k[ah.ph_tap0[iph] + t]
            xr = xu + (ih - ih_lo) * pitch + halo
            for j in range(J):
                wt = wtab + (kh * J + j) * Wo
                xs = xr - j * sw
                for ow in range(Wo):
                    acc[ow] += wt[ow] * xs[ow]
        act_store(out + (plane * ah.n_out + oh) * Wo, acc, Wo, b, p.act, slope)


cdef inline void dw_rows_phase(floating *dst, Py_ssize_t dst_stride, floating **w,
                               const floating **x, Py_ssize_t x_stride, Py_ssize_t n,
                               Py_ssize_t Wo, Py_ssize_t rows, floating b) noexcept nogil:
    """Row k < rows: dst[k*dst_stride + o] = (sum over pairs i < n, in order, of
    w[i][o] * x[i][k*x_stride + o]) + b, 1 <= n <= 4."""
    if floating is float:
        convt_rowsum_f32(dst, dst_stride, w, x, x_stride, n, Wo, rows, b)
    else:
        convt_rowsum_f64(dst, dst_stride, w, x, x_stride, n, Wo, rows, b)


cdef inline bint has_nonfinite(const floating *w, Py_ssize_t n) noexcept nogil:
    """Any NaN or Inf?  (x - x is NaN exactly for NaN and +-Inf; no branch per element.)"""
    cdef Py_ssize_t i, j, n64 = n - n % 64
    cdef floating acc[64]
    cdef floating tot = 0
    # 64 independent sums, several vector registers: one chain would cost an add latency
    # per vector (16 sums became one zmm chain, 3% of dcgan3_b1).
    for j in range(64):
        acc[j] = 0
    for i in range(0, n64, 64):
        for j in range(64):
            acc[j] += w[i + j] - w[i + j]
    for i in range(n64, n):
        tot += w[i] - w[i]
    for j in range(64):
        tot += acc[j]
    return tot != tot


cdef inline floating *rows_run(floating *out, const Plan *p, Py_ssize_t n, Py_ssize_t c,
                               Py_ssize_t o0, Py_ssize_t *stride) noexcept nogil:
    """Output rows o0.. of channel c of image n as one strided run (NCHW: stride 1,
    NHWC: stride C_out); (o1 - o0) * W_out elements long."""
    cdef Py_ssize_t Ho = p.ah.n_out, Wo = p.aw.n_out
    if p.nhwc:
        stride[0] = p.Cout
        return out + ((n * Ho + o0) * Wo) * p.Cout + c
    stride[0] = 1
    return out + ((n * p.Cout + c) * Ho + o0) * Wo


cdef void rows_fill(floating *out, const Plan *p, Py_ssize_t n, Py_ssize_t c,
                    Py_ssize_t o0, Py_ssize_t o1, floating v) noexcept nogil:
    """Rows [o0, o1) of output channel c of image n := v."""
    cdef Py_ssize_t i, st
    cdef floating *o = rows_run(out, p, n, c, o0, &st)
    for i in range((o1 - o0) * p.aw.n_out):
        o[i * st] = v


cdef void rows_activate(floating *out, const Plan *p, Py_ssize_t n, Py_ssize_t c,
                        Py_ssize_t o0, Py_ssize_t o1) noexcept nogil:
    """The activation, in place, over rows [o0, o1) of output channel c of image n."""
    cdef Py_ssize_t i, st
    cdef floating *o = rows_run(out, p, n, c, o0, &st)
    cdef floating slope = <floating> p.slope
    for i in range((o1 - o0) * p.aw.n_out):
        o[i * st] = activate(o[i * st], p.act, slope)


cdef inline void add_strided(floating *o, const floating *z, Py_ssize_t n,
                             Py_ssize_t s) noexcept nogil:
    if floating is float:
        convt_add_strided_f32(o, z, n, s)
    else:
        convt_add_strided_f64(o, z, n, s)


ctypedef struct Gather:
    # The gather form of col2im (NCHW): per kernel column and output block, the lanes it
    # fills and the first input column (convt_gather_table).
    Py_ssize_t nblk
    unsigned mask[GATHER_MAX]
    Py_ssize_t first[GATHER_MAX]


cdef bint gather_init(Gather *gt, const Plan *p, Py_ssize_t L) noexcept nogil:
    """Fill ``gt``; False when the gather form does not apply (NHWC output, an empty
    input, whose product chunks never run to write the output, a product chunk that
    splits an output channel's taps, or tables beyond GATHER_MAX).  ``L``: lanes per
    block, CONVT_GL_F32 or CONVT_GL_F64."""
    cdef Py_ssize_t KK = p.ah.k * p.aw.k
    gt.nblk = ceil_div(p.aw.n_out, L)
    if (p.nhwc or p.ah.n_in * p.aw.n_in < 1 or KK > KT_MAX or p.zj % KK != 0
            or p.aw.k * gt.nblk > GATHER_MAX or gt.nblk == 0):
        return False
    convt_gather_table(p.aw.n_out, p.aw.n_in, p.aw.k, p.aw.s, p.aw.d, p.aw.pad, L,
                       gt.mask, gt.first)
    return True


cdef void gather_rows(floating *out, const floating *z, Py_ssize_t ldz, const Plan *p,
                      const Gather *gt, Py_ssize_t n, Py_ssize_t c, Py_ssize_t ia,
                      Py_ssize_t ib, Py_ssize_t o0, Py_ssize_t o1, floating b) noexcept nogil:
    """col2im in the gather form: rows [o0, o1) of NCHW output channel c of image n, every
    element written once as b + its taps' products (kh, then kw, increasing: the order in
    which the scatter form adds them).  ``z``: the channel's KH*KW product rows, ``ldz``
    apart, each holding input rows [ia, ib) of W pixels; taps from rows outside are not
    added, so [ia, ib) must hold every input row that reaches [o0, o1)."""
    cdef const Axis *ah = &p.ah
    cdef Py_ssize_t KH = ah.k, KW = p.aw.k, W = p.aw.n_in, Wo = p.aw.n_out
    cdef Py_ssize_t oh, kh, kw, t, ih, nt
    cdef const floating *zt[KT_MAX]
    cdef Py_ssize_t kwt[KT_MAX]
    cdef floating *orow = out + ((n * p.Cout + c) * ah.n_out + o0) * Wo
    for oh in range(o0, o1):
        nt = 0
        for kh in range(KH):
            t = oh + ah.pad - kh * ah.d
            if t < 0 or t % ah.s != 0:
                continue
            ih = t / ah.s
            if ih < ia or ih >= ib:
                continue
            for kw in range(KW):
                zt[nt] = z + (kh * KW + kw) * ldz + (ih - ia) * W
                kwt[nt] = kw
                nt += 1
        if floating is float:
            convt_gather_row_f32(orow, Wo, b, nt, zt, kwt, gt.mask, gt.first)
        else:
            convt_gather_row_f64(orow, Wo, b, nt, zt, kwt, gt.mask, gt.first)
        orow += Wo


cdef void gemm_px(const floating *xa, Py_ssize_t ldx, const floating *wa, Py_ssize_t ldw,
                  floating *z, Py_ssize_t npix, Py_ssize_t jn, Py_ssize_t K) noexcept nogil:
    """z[j*npix + pix] = sum_k wa[k*ldw + j] * xa[k*ldx + pix] for j < jn, pix < npix.

    NCHW's GEMM of GEMM + col2im, with the input's own rows (one per channel, ldx apart)
    as the vector operand and the weights broadcast: BLAS would first copy the input
    operand into its panels (a fifth of dcgan5's time).  Only whole vector blocks of
    pixels go through our kernel; BLAS takes the rest (``px_blocks`` decides that our
    part is worth it).
    """
    cdef Py_ssize_t NB = CONVT_NB_F32 if floating is float else CONVT_NB_F64
    cdef Py_ssize_t pb = 0, jr, nr, k0, kc, full = npix - npix % NB
    cdef floating one = 1, zero = 0
    while pb < full:
        k0 = 0
        while k0 < K:
            kc = imin(UKR_KB, K - k0)
            jr = 0
            while jr < jn:
                nr = imin(CONVT_R, jn - jr)
                ukr_rows(kc, xa + k0 * ldx + pb, ldx, wa + k0 * ldw + jr, 1, ldw, nr,
                         z + jr * npix + pb, npix, k0 > 0, NULL)
                jr += nr
            k0 += kc
        pb += NB
    if full < npix:
        gemm("N", "T", <int> (npix - full), <int> jn, <int> K, one, xa + full, <int> ldx,
             wa, <int> ldw, zero, z + full, <int> npix)


cdef inline bint px_blocks(Py_ssize_t npix, Py_ssize_t K, Py_ssize_t NB) noexcept nogil:
    """Whether gemm_px beats BLAS on npix pixels x K channels: its kernel must cover
    whole vector blocks, leaving BLAS a remainder under an eighth (a 7x7 or 9x9 image,
    mostly remainder, ran 3-6x slower through a plain loop than through BLAS), and K must
    amortise the accumulators' stores (K = 8 and 16 ran 12-19% slower than BLAS)."""
    return K >= 32 and npix >= NB and (npix % NB == 0 or npix >= 8 * NB)


cdef void scatter_band(const floating *x, const floating *w, const floating *bias,
                       floating *out, const Plan *p, Py_ssize_t n, Py_ssize_t g,
                       Py_ssize_t coa, Py_ssize_t cob, Py_ssize_t o0, Py_ssize_t o1,
                       floating *z) noexcept nogil:
    """Output channels [coa, cob) of group g, rows [o0, o1), of image n: GEMM over the
    real input, then col2im.

        Z[j, pix] = sum_ci W[ci, j] * X[ci, pix]      j = (co, kh, kw),  pix = (ih, iw)
        out[co, ih*sh + kh*dh - top, iw*sw + kw*dw - left] += Z[j, pix]

    Only real input pixels and real taps are multiplied, so a NaN/Inf weight reaches
    exactly the outputs its tap lands on.  Input rows that feed two bands are computed
    by both (the price of owning the band).  The weight is used in its natural layout:
    row ci of the (C_in, C_out/g * KH * KW) matrix.  ``z`` holds p.size_z elements.
    """
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Py_ssize_t H = ah.n_in, W = aw.n_in, Ho = ah.n_out, Wo = aw.n_out
    cdef Py_ssize_t KH = ah.k, KW = aw.k, KK = KH * KW
    cdef Py_ssize_t Cin = p.Cin, Cout = p.Cout, Cig = p.Cig, Cog = p.Cog
    cdef Py_ssize_t J = Cog * KK
    cdef Py_ssize_t sh = ah.s, sw = aw.s, dh = ah.d, dw = aw.d, pt = ah.pad, pl = aw.pad
    cdef floating one = 1, zero = 0
    cdef Py_ssize_t co, oh, i0, i1, ih, iw, ia, ib, iwa, iwb, cw0, cw1, npix, rows
    cdef Py_ssize_t j, j0, j1, jn, kh, kw, c, cstride, pix
    cdef floating *orow
    cdef floating *zj
    cdef const floating *xa
    cdef Gather gt
    # input rows that reach the band: ih*sh + kh*dh - pt in [o0, o1) for some kh
    i0 = imax(0, ceil_div(o0 + pt - (KH - 1) * dh, sh))
    i1 = imin(H, floor_div(o1 - 1 + pt, sh) + 1)
    # The gather form writes every element of the band once, when one product chunk
    # holds all of those input rows; otherwise the band starts as the bias (or zero).
    cdef bint gather = (Cig > 0 and i0 < i1 and (i1 - i0) * W <= p.zpix
                        and gather_init(&gt, p, CONVT_GL_F32 if floating is float
                                        else CONVT_GL_F64))
    if not gather:
        for co in range(coa, cob):
            c = g * Cog + co
            rows_fill(out, p, n, c, o0, o1, bias[c] if bias != NULL else zero)
    if Cig > 0 and i0 < i1:
        ia = i0
        while ia < i1:
            # chunk = whole rows (pixels contiguous in both layouts) or part of one row
            rows = imax(1, imin(i1 - ia, p.zpix / imax(1, W)))
            ib = ia + rows
            cw0 = 0
            while cw0 < W:
                cw1 = W if rows > 1 else imin(W, cw0 + p.zpix)
                npix = (ib - ia) * (cw1 - cw0) if rows > 1 else cw1 - cw0
                j0 = coa * KK
                while j0 < cob * KK:
                    j1 = imin(cob * KK, j0 + p.zj)
                    jn = j1 - j0
                    if p.nhwc:
                        xa = x + ((n * H + ia) * W + cw0) * Cin + g * Cig
                        gemm("T", "T", <int> npix, <int> jn, <int> Cig, one, xa, <int> Cin,
                             w + (g * Cig) * J + j0, <int> J, zero, z, <int> npix)
                    else:
                        xa = x + ((n * Cin + g * Cig) * H + ia) * W + cw0
                        if px_blocks(npix, Cig, CONVT_NB_F32 if floating is float
                                     else CONVT_NB_F64):
                            gemm_px(xa, H * W, w + (g * Cig) * J + j0, J, z, npix, jn, Cig)
                        else:
                            gemm("N", "T", <int> npix, <int> jn, <int> Cig, one, xa,
                                 <int> (H * W), w + (g * Cig) * J + j0, <int> J, zero, z,
                                 <int> npix)
                    # col2im, restricted to the band
                    if gather:
                        for co in range(j0 / KK, j1 / KK):
                            c = g * Cog + co
                            gather_rows(out, z + (co * KK - j0) * npix, npix, p, &gt, n, c,
                                        ia, ib, o0, o1, bias[c] if bias != NULL else zero)
                        j0 = j1
                        continue
                    for j in range(j0, j1):
                        co = j / KK
                        kh = (j / KW) % KH
                        kw = j % KW
                        c = g * Cog + co
                        zj = z + (j - j0) * npix
                        # columns with 0 <= iw*sw + kw*dw - pl < Wo
                        iwa = imax(cw0, ceil_div(pl - kw * dw, sw))
                        iwb = imin(cw1, floor_div(Wo - 1 + pl - kw * dw, sw) + 1)
                        if iwa >= iwb:
                            continue
                        for ih in range(ia, ib):
                            oh = ih * sh + kh * dh - pt
                            if oh < o0 or oh >= o1:
                                continue
                            pix = (ih - ia) * (cw1 - cw0) - cw0
                            if p.nhwc:
                                orow = out + ((n * Ho + oh) * Wo) * Cout + c
                                cstride = sw * Cout
                                orow += (iwa * sw + kw * dw - pl) * Cout
                            else:
                                orow = out + ((n * Cout + c) * Ho + oh) * Wo
                                cstride = sw
                                orow += iwa * sw + kw * dw - pl
                            add_strided(orow, zj + pix + iwa, iwb - iwa, cstride)
                    j0 = j1
                cw0 = cw1
            ia = ib
    # activation over the finished band
    if p.act != ACT_NONE:
        for co in range(coa, cob):
            rows_activate(out, p, n, g * Cog + co, o0, o1)


cdef void scatter_1x1(const floating *x, const floating *w, const floating *bias,
                      floating *out, const Plan *p, Py_ssize_t n0, Py_ssize_t nimg,
                      Py_ssize_t g, Py_ssize_t coa, Py_ssize_t cob, floating *z) noexcept nogil:
    """GEMM + placement for a 1x1 input (DCGAN's first layer): images n0..n0+nimg of group
    g, output channels [coa, cob).

    With H = W = 1 every output pixel gets at most one tap, so the layer is one GEMM
    Z[img, (co, kh, kw)] = x[img, :] . W[:, (co, kh, kw)] over a block of images, then one
    pass that writes act(bias + Z) where a tap lands and act(bias) elsewhere.  NCHW and
    NHWC inputs coincide here: image n's channels sit at n*C_in.
    """
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Py_ssize_t Ho = ah.n_out, Wo = aw.n_out, KH = ah.k, KW = aw.k, KK = KH * KW
    cdef Py_ssize_t Cin = p.Cin, Cout = p.Cout, Cig = p.Cig, Cog = p.Cog, J = Cog * KK
    cdef floating slope = <floating> p.slope, one = 1, zero = 0, b, ab
    cdef Py_ssize_t co, c, oh, ow, img, j0, j1, jn, kh, kw, n, cs, px, ca, cbnd
    cdef floating *o
    cdef const floating *zr
    # channel sub-chunks so that Z (nimg x chunk*KK) stays within p.zj columns
    cdef Py_ssize_t step = imax(1, p.zj / imax(1, KK))
    cs = coa
    while cs < cob:
        ca = cs
        cbnd = imin(cob, cs + step)
        j0 = ca * KK
        j1 = cbnd * KK
        jn = j1 - j0
        if Cig > 0:
            gemm("N", "N", <int> jn, <int> nimg, <int> Cig, one, w + (g * Cig) * J + j0,
                 <int> J, x + n0 * Cin + g * Cig, <int> Cin, zero, z, <int> jn)
        for img in range(nimg):
            n = n0 + img
            for co in range(ca, cbnd):
                c = g * Cog + co
                b = bias[c] if bias != NULL else zero
                ab = activate(b, p.act, slope)
                if p.nhwc:
                    o = out + n * Ho * Wo * Cout + c
                    px = Cout
                else:
                    o = out + (n * Cout + c) * Ho * Wo
                    px = 1
                for ow in range(Ho * Wo):
                    o[ow * px] = ab
                if Cig == 0:
                    continue
                zr = z + img * jn + (co - ca) * KK
                for kh in range(KH):
                    oh = kh * ah.d - ah.pad
                    if oh < 0 or oh >= Ho:
                        continue
                    for kw in range(KW):
                        ow = kw * aw.d - aw.pad
                        if ow < 0 or ow >= Wo:
                            continue
                        o[(oh * Wo + ow) * px] = activate(b + zr[kh * KW + kw], p.act, slope)
        cs = cbnd


cdef void dense_1x1(const floating *x, const floating *w, const floating *bias,
                    floating *out, const Plan *p, Py_ssize_t task) noexcept nogil:
    """One task of the dense 1x1 path (``p.dense``): images [n0, n1) x product columns
    [j0, j1) of group g, where column j = (co*KH + kh)*KW + kw of the group is also the
    output's:  out[n][g*Cog*KK + j] = act(bias + sum_ci x[n][g*Cig + ci] w[g*Cig + ci][j]).

    Per block of NB columns and K block, the weight block (UKR_KB rows of NB) is read once
    and every micro-tile of images reuses it from L1.  The partial sums of earlier K blocks
    wait in the output itself; the bias comes with the last.
    """
    cdef Py_ssize_t KK = p.ah.k * p.aw.k, Cin = p.Cin, Cig = p.Cig, Cog = p.Cog
    cdef Py_ssize_t J = Cog * KK, ldo = p.Cout * KK
    cdef Py_ssize_t cc = task % p.dn_ncc, g = (task / p.dn_ncc) % p.G
    cdef Py_ssize_t n0 = task / (p.dn_ncc * p.G) * p.dn_nb, n1 = imin(p.N, n0 + p.dn_nb)
    cdef Py_ssize_t j0 = cc * p.dn_cols, j1 = imin(J, j0 + p.dn_cols)
    cdef Py_ssize_t NB = CONVT_NB_F32 if floating is float else CONVT_NB_F64
    cdef Py_ssize_t jb, nj, k0, kc, n, j, k, nr
    cdef floating slope = <floating> p.slope, xv
    cdef floating brow[CONVT_NB_F32]
    cdef const floating *wg = w + g * Cig * J
    cdef const floating *xg = x + g * Cig if Cig > 0 else NULL
    cdef const floating *bb
    cdef const floating *wr
    cdef floating *og = out + g * Cog * KK
    cdef floating *o
    jb = j0
    while jb < j1:
        nj = imin(NB, j1 - jb)
        for j in range(nj):
            brow[j] = bias[g * Cog + (jb + j) / KK] if bias != NULL else 0
        if nj == NB and Cig > 0:
            k0 = 0
            while k0 < Cig:
                kc = imin(UKR_KB, Cig - k0)
                bb = brow if k0 + kc == Cig and bias != NULL else NULL
                n = n0
                while n < n1:
                    nr = imin(CONVT_R, n1 - n)
                    ukr_rows(kc, wg + k0 * J + jb, J, xg + n * Cin + k0, Cin, 1, nr,
                             og + n * ldo + jb, ldo, k0 > 0, bb)
                    n += nr
                k0 += kc
        else:
            # a group's last, partial block (or no input channel): one image at a time,
            # vectorised over the columns, in the same order of additions
            for n in range(n0, n1):
                o = og + n * ldo + jb
                for j in range(nj):
                    o[j] = 0
                for k in range(Cig):
                    xv = xg[n * Cin + k]
                    wr = wg + k * J + jb
                    for j in range(nj):
                        o[j] += wr[j] * xv
                for j in range(nj):
                    o[j] = o[j] + brow[j]
        if p.act != ACT_NONE:
            for n in range(n0, n1):
                o = og + n * ldo + jb
                for j in range(nj):
                    o[j] = activate(o[j], p.act, slope)
        jb += nj


cdef void scatter_batch(const floating *x, const floating *w, const floating *bias,
                        floating *out, const Plan *p, Py_ssize_t n0, Py_ssize_t nimg,
                        Py_ssize_t g, Py_ssize_t coa, Py_ssize_t cob, floating *z,
                        floating *s) noexcept nogil:
    """GEMM + col2im (as ``scatter_band``) for a block of whole small images at once.

    One image of 8x8 pixels makes a GEMM with M = 64, and BLAS repacks the whole weight
    chunk for every such call; stacking ``nimg`` images along M amortises that.  NHWC
    images are already one pixel-major matrix; NCHW planes are staged channel-major into
    ``s`` (C_in/g rows of nimg*H*W): one copy of the input block.
    """
    cdef const Axis *ah = &p.ah
    cdef const Axis *aw = &p.aw
    cdef Py_ssize_t H = ah.n_in, W = aw.n_in, HW = H * W, Ho = ah.n_out, Wo = aw.n_out
    cdef Py_ssize_t KH = ah.k, KW = aw.k, KK = KH * KW, M = nimg * HW
    cdef Py_ssize_t Cin = p.Cin, Cout = p.Cout, Cig = p.Cig, Cog = p.Cog, J = Cog * KK
    cdef Py_ssize_t sh = ah.s, sw = aw.s, dh = ah.d, dw = aw.d, pt = ah.pad, pl = aw.pad
    cdef floating one = 1, zero = 0
    cdef Py_ssize_t co, c, oh, ih, iw, iwa, iwb, img, n, ci, j, j0, j1, jn, kh, kw
    cdef Py_ssize_t cstride
    cdef floating *orow
    cdef const floating *zr
    cdef Gather gt
    # the gather form writes every output element once; otherwise start from the bias
    cdef bint gather = Cig > 0 and gather_init(&gt, p, CONVT_GL_F32 if floating is float
                                                else CONVT_GL_F64)
    if not gather:
        for img in range(nimg):
            for co in range(coa, cob):
                c = g * Cog + co
                rows_fill(out, p, n0 + img, c, 0, Ho, bias[c] if bias != NULL else zero)
    if Cig > 0:
        if not p.nhwc:
            for ci in range(Cig):
                for img in range(nimg):
                    memcpy(s + ci * M + img * HW, x + ((n0 + img) * Cin + g * Cig + ci) * HW,
                           HW * sizeof(floating))
        j0 = coa * KK
        while j0 < cob * KK:
            j1 = imin(cob * KK, j0 + p.zj)
            jn = j1 - j0
            if p.nhwc:
                gemm("T", "T", <int> M, <int> jn, <int> Cig, one, x + n0 * HW * Cin + g * Cig,
                     <int> Cin, w + (g * Cig) * J + j0, <int> J, zero, z, <int> M)
            else:
                gemm("N", "T", <int> M, <int> jn, <int> Cig, one, s, <int> M,
                     w + (g * Cig) * J + j0, <int> J, zero, z, <int> M)
            # col2im: row j of Z into its output positions, image by image
            if gather:
                for co in range(j0 / KK, j1 / KK):
                    c = g * Cog + co
                    for img in range(nimg):
                        gather_rows(out, z + (co * KK - j0) * M + img * HW, M, p, &gt,
                                    n0 + img, c, 0, H, 0, Ho, bias[c] if bias != NULL else zero)
                j0 = j1
                continue
            for j in range(j0, j1):
                co = j / KK
                kh = (j / KW) % KH
                kw = j % KW
                c = g * Cog + co
                iwa = imax(0, ceil_div(pl - kw * dw, sw))
                iwb = imin(W, floor_div(Wo - 1 + pl - kw * dw, sw) + 1)
                if iwa >= iwb:
                    continue
                for img in range(nimg):
                    n = n0 + img
                    for ih in range(H):
                        oh = ih * sh + kh * dh - pt
                        if oh < 0 or oh >= Ho:
                            continue
                        zr = z + (j - j0) * M + img * HW + ih * W
                        if p.nhwc:
                            orow = out + ((n * Ho + oh) * Wo + iwa * sw + kw * dw - pl) * Cout + c
                            cstride = sw * Cout
                        else:
                            orow = out + ((n * Cout + c) * Ho + oh) * Wo + iwa * sw + kw * dw - pl
                            cstride = sw
                        add_strided(orow, zr + iwa, iwb - iwa, cstride)
            j0 = j1
    # activation
    if p.act != ACT_NONE:
        for img in range(nimg):
            n = n0 + img
            for co in range(coa, cob):
                rows_activate(out, p, n, g * Cog + co, 0, Ho)


cdef int scratch_parts(const Plan *p, Py_ssize_t *parts) noexcept nogil:
    """Elements of each per-thread buffer ``run_impl`` allocates; returns how many (<= 4)."""
    parts[1] = 0
    parts[2] = 0
    parts[3] = 0
    if p.algorithm == 2:
        parts[0] = 1 if p.dense else p.zpix * p.zj
        if p.batched:
            parts[1] = p.size_s
            return 2
        return 1
    if p.depthwise:
        if p.dw_rows:
            dw1_parts(p, parts)
            return 3
        parts[0] = p.aw.n_out
        return 1
    if p.algorithm == 3:
        parts[0] = p.size_t
        parts[1] = p.size_c
        parts[2] = p.size_a
        if p.selfpack:
            parts[3] = p.ah.k * p.aw.k * p.ldk * p.nbw    # the task's own panel
            return 4
        return 3
    parts[0] = p.size_a
    parts[1] = p.size_t
    parts[2] = p.size_c
    return 3


cdef inline Py_ssize_t ukr_weight_size(const Plan *p) noexcept nogil:
    """Elements of the micro-kernel's shared packed weight (every group's panels)."""
    return p.G * p.cogp * p.ldk * p.ah.k * p.aw.k


cdef inline Py_ssize_t staged_at(const Plan *p) noexcept nogil:
    """Where the input staged once (``p.prestage``) starts in the once-allocated buffer:
    after the packed weight, on a cache line."""
    return ceil_div(ukr_weight_size(p), 16) * 16


cdef void alloc_sizes(const Plan *p, Py_ssize_t *per_thread, Py_ssize_t *packed) noexcept nogil:
    """Elements ``run_impl`` allocates: per thread, and once (the repacked weight, and the
    input staged once)."""
    cdef Py_ssize_t parts[4]
    scratch_parts(p, parts)
    per_thread[0] = imax(1, parts[0] + parts[1] + parts[2] + parts[3])
    packed[0] = 0
    if p.algorithm == 3:
        if p.prestage:
            packed[0] = staged_at(p) + p.npt * p.win
        elif not p.selfpack:
            packed[0] = imax(1, ukr_weight_size(p))
    elif p.algorithm != 2 and not p.depthwise:
        packed[0] = imax(1, p.G * p.Cog * p.Cig * p.ah.k * p.aw.k)


ctypedef struct Scratch:
    # One allocation per thread and per buffer: an overrun of any buffer lands in
    # AddressSanitizer's redzone instead of silently in a neighbouring buffer.
    void **buf          # [nthreads * nparts]
    size_t nbytes[4]    # of each part
    int nthreads, nparts
    void *once          # allocated once per call (alloc_sizes' ``packed``), or NULL
    size_t once_nbytes


cdef int scratch_alloc(Scratch *s, const Plan *p, int nthreads,
                       size_t itemsize) noexcept nogil:
    """Allocate the once-per-call buffer of ``alloc_sizes`` and the buffers of
    ``scratch_parts`` for each thread.  0 or -1 (malloc; nothing is left allocated)."""
    cdef Py_ssize_t sizes[4]
    cdef Py_ssize_t per_thread, packed
    cdef int i, j
    cdef int nparts = scratch_parts(p, sizes)
    alloc_sizes(p, &per_thread, &packed)
    s.nthreads = nthreads
    s.nparts = nparts
    for j in range(nparts):
        s.nbytes[j] = imax(1, sizes[j]) * itemsize
    s.buf = NULL
    s.once = NULL
    s.once_nbytes = packed * itemsize
    if packed > 0:
        s.once = convt_scratch_get(s.once_nbytes)
        if s.once == NULL:
            return -1
    s.buf = <void **> calloc(nthreads * nparts, sizeof(void *))
    if s.buf == NULL:
        scratch_free(s)
        return -1
    for i in range(nthreads):
        for j in range(nparts):
            s.buf[i * nparts + j] = convt_scratch_get(s.nbytes[j])
            if s.buf[i * nparts + j] == NULL:
                scratch_free(s)
                return -1
    return 0


cdef void scratch_free(Scratch *s) noexcept nogil:
    cdef int i
    convt_scratch_put(s.once, s.once_nbytes)
    s.once = NULL
    if s.buf != NULL:
        for i in range(s.nthreads * s.nparts):
            convt_scratch_put(s.buf[i], s.nbytes[i % s.nparts])
        free(s.buf)
        s.buf = NULL


cdef int run_impl(const floating *x, const floating *w, const floating *bias,
                  floating *out, Plan *p, int nthreads, int forced) noexcept nogil:
    """Pack the weight, optionally prefill, then run every task.  0 or -1 (malloc)."""
    cdef Py_ssize_t i, t, tid, nblk, band, nbands, cb
    cdef Py_ssize_t *koff
    cdef Py_ssize_t *dw_chan
    cdef int nonfinite = 0
    cdef Scratch s
    if p.prefill:
        for i in prange(p.N * p.ah.n_out, schedule="static", num_threads=nthreads):
            fill_bias(out, bias, p, i / p.ah.n_out, i % p.ah.n_out)
    if scratch_alloc(&s, p, nthreads, sizeof(floating)) != 0:
        return -1
    # the repacked weight (and the input staged once), when the algorithm has them
    cdef floating *wp = <floating *> s.once
    if p.algorithm == 2:
        if p.batched:
            # tasks = (block of whole images, group, channel chunk)
            for t in prange(p.zn_ib * p.G * p.n_cc, schedule="dynamic", num_threads=nthreads):
                tid = omp_get_thread_num()
                cb = t % p.n_cc
                i = t / (p.G * p.n_cc)
                scatter_batch(x, w, bias, out, p, i * p.znb, imin(p.znb, p.N - i * p.znb),
                              (t / p.n_cc) % p.G, cb * p.cc, imin(p.Cog, (cb + 1) * p.cc),
                              <floating *> s.buf[tid * 2], <floating *> s.buf[tid * 2 + 1])
            scratch_free(&s)
            return 0
        if p.dense:
            # (not p.ntasks: a NaN weight can send a micro-kernel plan here)
            for t in prange(p.dn_nib * p.G * p.dn_ncc, schedule="dynamic", num_threads=nthreads):
                dense_1x1(x, w, bias, out, p, t)
            scratch_free(&s)
            return 0
        if p.one_by_one:
            # tasks = (block of images, group, channel chunk)
            for t in prange(p.zn_ib * p.G * p.n_cc, schedule="dynamic", num_threads=nthreads):
                tid = omp_get_thread_num()
                cb = t % p.n_cc
                i = t / (p.G * p.n_cc)
                scatter_1x1(x, w, bias, out, p, i * p.znb, imin(p.znb, p.N - i * p.znb),
                            (t / p.n_cc) % p.G, cb * p.cc, imin(p.Cog, (cb + 1) * p.cc),
                            <floating *> s.buf[tid])
        else:
            # tasks = (image, group, channel chunk, band of output rows)
            for t in prange(p.N * p.G * p.n_cc * p.n_band, schedule="dynamic",
                            num_threads=nthreads):
                tid = omp_get_thread_num()
                i = t % p.n_band
                cb = (t / p.n_band) % p.n_cc
                scatter_band(x, w, bias, out, p, t / (p.G * p.n_cc * p.n_band),
                             (t / (p.n_cc * p.n_band)) % p.G,
                             cb * p.cc, imin(p.Cog, (cb + 1) * p.cc),
                             i * p.band, imin(p.ah.n_out, (i + 1) * p.band),
                             <floating *> s.buf[tid])
        scratch_free(&s)
        return 0
    if p.depthwise:
        # Tasks = (channel, image, band of output rows), the channel slowest: a thread's
        # consecutive tasks mostly share a channel, and the row kernel then keeps its
        # weight table (dw_chan[tid]: the channel the thread's table holds).
        band = p.dw_band
        nbands = ceil_div(p.ah.n_out, band)
        dw_chan = <Py_ssize_t *> malloc(nthreads * sizeof(Py_ssize_t))
        if dw_chan == NULL:
            scratch_free(&s)
            return -1
        for i in range(nthreads):
            dw_chan[i] = -1
        for t in prange(p.N * p.Cin * nbands, schedule="dynamic", num_threads=nthreads):
            tid = omp_get_thread_num()
            # plane = image * Cin + channel
            i = (t / nbands) % p.N * p.Cin + t / (nbands * p.N)
            if p.dw_rows:
                depthwise_rows_dw1(x, w, bias, out, p, i, (t % nbands) * band,
                                   imin(p.ah.n_out, (t % nbands + 1) * band),
                                   <floating *> s.buf[tid * 3], <floating *> s.buf[tid * 3 + 1],
                                   <floating *> s.buf[tid * 3 + 2], &dw_chan[tid])
            else:
                depthwise_rows(x, w, bias, out, p, i, (t % nbands) * band,
                               imin(p.ah.n_out, (t % nbands + 1) * band),
                               <floating *> s.buf[tid])
        free(dw_chan)
        scratch_free(&s)
        return 0
    if p.algorithm == 3:
        koff = <Py_ssize_t *> malloc(2 * p.ah.k * p.aw.k * sizeof(Py_ssize_t))
        if koff == NULL:
            scratch_free(&s)
            return -1
        ukr_tap_offsets(p, koff)
        if p.selfpack:
            # tasks = (group, panel); each packs its panel, then runs every phase on it
            for t in prange(p.ntasks, schedule="dynamic", num_threads=nthreads):
                tid = omp_get_thread_num()
                nonfinite += run_panel_ukr(x, w, bias, out, p, t,
                                           <floating *> s.buf[tid * 4 + 3],
                                           <floating *> s.buf[tid * 4],
                                           <floating *> s.buf[tid * 4 + 1],
                                           <Py_ssize_t *> s.buf[tid * 4 + 2], koff)
            free(koff)
            scratch_free(&s)
            if nonfinite:
                # (as below, after the fact: the fallback rewrites every output element)
                p.algorithm = 2
                return run_impl(x, w, bias, out, p, nthreads, 2)
            return 0
        for i in prange(p.G * p.Cig, schedule="static", num_threads=nthreads):
            nonfinite += pack_weight_ukr(w, wp + i / p.Cig * p.cogp * p.ah.k * p.aw.k * p.ldk,
                                         p, i / p.Cig, i % p.Cig, koff, 0, p.cogp / p.nbw,
                                         i % p.Cig)
        free(koff)
        if nonfinite:
            # NaN/Inf in the weight: GEMM + col2im, which never multiplies a padding zero
            # by a tap (0 * Inf would put NaN where the definition has none).
            scratch_free(&s)
            p.algorithm = 2
            return run_impl(x, w, bias, out, p, nthreads, 2)
        if p.prestage:
            for i in prange(p.npt * ceil_div(p.Cig, 16), schedule="static",
                            num_threads=nthreads):
                stage_tiles(x, wp + staged_at(p), p, i)
        for t in prange(p.ntasks, schedule="dynamic", num_threads=nthreads):
            tid = omp_get_thread_num()
            if p.allph:
                run_tile_ukr(x, wp, bias, out, p, t, <floating *> s.buf[tid * 3],
                             <floating *> s.buf[tid * 3 + 1], <Py_ssize_t *> s.buf[tid * 3 + 2])
            else:
                run_task_ukr(x, wp, bias, out, p, t, <floating *> s.buf[tid * 3],
                             <floating *> s.buf[tid * 3 + 1], <Py_ssize_t *> s.buf[tid * 3 + 2],
                             wp + staged_at(p))
        scratch_free(&s)
        return 0
    nblk = ceil_div(p.Cig, 16)
    for i in prange(p.G * nblk, schedule="static", num_threads=nthreads):
        pack_weight(w, wp, p, i / nblk, i % nblk)
    for t in prange(p.ntasks, schedule="dynamic", num_threads=nthreads):
        tid = omp_get_thread_num()
        run_task(x, wp, bias, out, p, t, <floating *> s.buf[tid * 3],
                 <floating *> s.buf[tid * 3 + 1], <floating *> s.buf[tid * 3 + 2])
    scratch_free(&s)
    return 0

cdef inline bint use_direct(double macs, double outputs, Py_ssize_t taps,
                            int algorithm) noexcept nogil:
    # Below a couple of thousand multiply-adds every planned path costs more in set-up
    # (tap tables, scratch, weight packing, an OpenMP team, BLAS calls) than the
    # arithmetic: two microseconds or more against about one.  The direct loops also test
    # every tap of every output, which counts when there is little else (no input channels).
    return algorithm == 4 or (algorithm == 0 and macs + outputs * taps <= DIRECT_WORK)


cdef void run_direct(const floating *x, const floating *w, const floating *bias,
                     floating *out, bint nhwc, Py_ssize_t N, Py_ssize_t Cin, Py_ssize_t H,
                     Py_ssize_t W, Py_ssize_t Cout, Py_ssize_t Ho, Py_ssize_t Wo,
                     Py_ssize_t G, Py_ssize_t Cog, Py_ssize_t KH, Py_ssize_t KW,
                     Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t pt, Py_ssize_t pl,
                     Py_ssize_t dh, Py_ssize_t dw, int act, floating slope) noexcept nogil:
    """The definition, output by output, on one thread (algorithm 4): each output element
    sums exactly the taps that reach it, so no padding zero meets a NaN/Inf weight and
    nothing is allocated."""
    cdef Py_ssize_t Cig = Cin // G
    cdef Py_ssize_t n, co, oh, ow, kh, kw, ci, th, tw, ih, iw, g, c, xo, xs
    cdef floating acc
    # x offset of (image, channel, row, column) = n*Cin*H*W + ci*xs + (ih*W + iw)*xp
    cdef Py_ssize_t xp = Cin if nhwc else 1
    xs = 1 if nhwc else H * W
    for n in range(N):
        for co in range(Cout):
            g = co // Cog
            c = co - g * Cog
            for oh in range(Ho):
                for ow in range(Wo):
                    acc = bias[co] if bias != NULL else 0
                    for kh in range(KH):
                        th = oh + pt - kh * dh
                        if th < 0 or th % sh != 0 or th // sh >= H:
                            continue
                        ih = th // sh
                        for kw in range(KW):
                            tw = ow + pl - kw * dw
                            if tw < 0 or tw % sw != 0 or tw // sw >= W:
                                continue
                            iw = tw // sw
                            xo = n * Cin * H * W + g * Cig * xs + (ih * W + iw) * xp
                            for ci in range(Cig):
                                acc = acc + x[xo + ci * xs] * w[
                                    (((g * Cig + ci) * Cog + c) * KH + kh) * KW + kw]
                    if nhwc:
                        out[((n * Ho + oh) * Wo + ow) * Cout + co] = activate(acc, act, slope)
                    else:
                        out[((n * Cout + co) * Ho + oh) * Wo + ow] = activate(acc, act, slope)


cdef int run(const floating[:, :, :, ::1] x,      # IN  NCHW or NHWC
             const floating[:, :, :, ::1] w,      # IN  (C_in, C_out/g, KH, KW)
             const floating[::1] bias,            # IN  (C_out,) or None
             floating[:, :, :, ::1] out,          # OUT NCHW or NHWC
             bint nhwc, Py_ssize_t groups,
             Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t pt, Py_ssize_t pl,
             Py_ssize_t dh, Py_ssize_t dw, int act, double slope,
             int nthreads, int algorithm):
    """Run the kernel on validated, contiguous arrays.  Returns 0, or -1 if malloc failed.

    Preconditions (checked by ``convt.conv_transpose2d``): shapes consistent, geometry
    positive, ``out`` not overlapping the inputs, every size below 2**31 where BLAS sees it.
    ``algorithm``: 0 chooses; 1 forces stride phases, 2 GEMM + col2im, 3 stride phases on
    the micro-kernel, 4 the direct loops (tests use these to cover all).  A weight holding
    NaN/Inf sends 1 and 3 to 2: they would multiply padding zeros by its taps.
    """
    cdef Plan p
    cdef int status = 0
    cdef double flops
    p.nhwc = nhwc
    p.N = x.shape[0]
    p.Cin = x.shape[3] if nhwc else x.shape[1]
    p.Cout = out.shape[3] if nhwc else out.shape[1]
    p.G = groups
    p.Cig = p.Cin // groups
    p.Cog = w.shape[1]
    p.act = act
    p.slope = slope
    cdef Py_ssize_t H = x.shape[1] if nhwc else x.shape[2]
    cdef Py_ssize_t W = x.shape[2] if nhwc else x.shape[3]
    cdef Py_ssize_t Ho = out.shape[1] if nhwc else out.shape[2]
    cdef Py_ssize_t Wo = out.shape[2] if nhwc else out.shape[3]
    cdef const floating *bptr = NULL
    if bias is not None:
        bptr = &bias[0] if bias.shape[0] > 0 else NULL
    if out.shape[0] == 0 or p.Cout == 0:
        return 0
    # Empty inputs (C_in == 0 or H*W == 0) are legal: the output is then the bias alone.
    cdef const floating *xptr = NULL
    cdef const floating *wptr = NULL
    if x.shape[0] * x.shape[1] * x.shape[2] * x.shape[3] > 0:
        xptr = &x[0, 0, 0, 0]
    if w.shape[0] * w.shape[1] * w.shape[2] * w.shape[3] > 0:
        wptr = &w[0, 0, 0, 0]
    # (in double: the product of the sizes can pass 2**63)
    if use_direct(<double> p.N * p.Cin * p.Cog * w.shape[2] * w.shape[3] * H * W,
                  <double> p.N * p.Cout * Ho * Wo, w.shape[2] * w.shape[3], algorithm):
        with nogil:
            run_direct(xptr, wptr, bptr, &out[0, 0, 0, 0], nhwc, p.N, p.Cin, H, W, p.Cout, Ho,
                       Wo, groups, p.Cog, w.shape[2], w.shape[3], sh, sw, pt, pl, dh, dw, act,
                       <floating> slope)
        return 0
    with nogil:
        if axis_init(&p.ah, H, Ho, w.shape[2], sh, dh, pt) != 0:
            status = -1
        elif axis_init(&p.aw, W, Wo, w.shape[3], sw, dw, pl) != 0:
            axis_free(&p.ah)
            status = -1
    if status != 0:
        return status
    with nogil:
        make_plan(&p)
        choose_algorithm(&p, wptr, algorithm)
        flops = 2.0 * p.N * p.Cin * p.Cog * w.shape[2] * w.shape[3] * H * W
        if flops < SERIAL_FLOPS:
            nthreads = 1
        status = run_impl(xptr, wptr, bptr, &out[0, 0, 0, 0], &p, nthreads, algorithm)
        axis_free(&p.ah)
        axis_free(&p.aw)
    return status


def run_f32(const float[:, :, :, ::1] x not None, const float[:, :, :, ::1] w not None,
            const float[::1] bias, float[:, :, :, ::1] out not None, bint nhwc,
            Py_ssize_t groups, Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t pt, Py_ssize_t pl,
            Py_ssize_t dh, Py_ssize_t dw, int act, double slope, int nthreads,
            int algorithm=0):
    """float32 entry point (typed, so no fused-type dispatch on the call path)."""
    return run(x, w, bias, out, nhwc, groups, sh, sw, pt, pl, dh, dw, act, slope,
               nthreads, algorithm)


def run_f64(const double[:, :, :, ::1] x not None, const double[:, :, :, ::1] w not None,
            const double[::1] bias, double[:, :, :, ::1] out not None, bint nhwc,
            Py_ssize_t groups, Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t pt, Py_ssize_t pl,
            Py_ssize_t dh, Py_ssize_t dw, int act, double slope, int nthreads,
            int algorithm=0):
    """float64 entry point; see ``run`` for the contract."""
    return run(x, w, bias, out, nhwc, groups, sh, sw, pt, pl, dh, dw, act, slope,
               nthreads, algorithm)


def plan_info(Py_ssize_t N, Py_ssize_t Cin, Py_ssize_t H, Py_ssize_t W, Py_ssize_t Cog,
              Py_ssize_t KH, Py_ssize_t KW, Py_ssize_t Ho, Py_ssize_t Wo, Py_ssize_t groups,
              Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t pt, Py_ssize_t pl, Py_ssize_t dh,
              Py_ssize_t dw, bint nhwc, int algorithm=0, bint f64=False):
    """The plan a call with these shapes would run (finite weights assumed): algorithm,
    task count, and the elements it allocates per thread and once (repacked weight)."""
    cdef Plan p
    cdef Py_ssize_t per_thread, packed
    if use_direct(<double> N * Cin * Cog * KH * KW * H * W, <double> N * Cog * groups * Ho * Wo,
                  KH * KW, algorithm):
        return {"algorithm": "direct", "per_thread_elements": 0, "packed_weight_elements": 0,
                "tasks": 1, "phases_per_task": 1, "tile_pixels": None,
                "channels_per_task": None, "tasks_pack_weight": False,
                "input_staged_once": False}
    p.nhwc = nhwc
    p.N = N; p.Cin = Cin; p.G = groups; p.Cig = Cin // groups; p.Cog = Cog
    p.Cout = Cog * groups
    p.act = 0; p.slope = 0
    if axis_init(&p.ah, H, Ho, KH, sh, dh, pt) != 0:
        raise MemoryError()
    if axis_init(&p.aw, W, Wo, KW, sw, dw, pl) != 0:
        axis_free(&p.ah)
        raise MemoryError()
    make_plan(&p)
    if f64:
        choose_algorithm[double](&p, <const double *> NULL, algorithm)
    else:
        choose_algorithm[float](&p, <const float *> NULL, algorithm)
    alloc_sizes(&p, &per_thread, &packed)
    axis_free(&p.ah)
    axis_free(&p.aw)
    name = {1: "depthwise rows" if p.depthwise else "stride phases",
            3: "stride phases (micro-kernel)",
            2: ("1x1 input: weight rows" if p.dense else "gemm + col2im (1x1 input)")
               if p.one_by_one else
               "gemm + col2im (image batches)" if p.batched else "gemm + col2im"}[p.algorithm]
    return {"algorithm": name, "per_thread_elements": per_thread,
            "packed_weight_elements": packed, "tasks": p.ntasks,
            "phases_per_task": p.ah.nph * p.aw.nph if p.allph and p.algorithm == 3 else 1,
            "tile_pixels": p.nb * p.bq * p.bp if p.algorithm != 2 and not p.depthwise
            else None,
            "channels_per_task": p.nco if p.algorithm != 2 and not p.depthwise else None,
            "tasks_pack_weight": p.algorithm == 3 and p.selfpack,
            "input_staged_once": p.algorithm == 3 and p.prestage}


# Whether this build keeps scratch between calls (not under AddressSanitizer).
SCRATCH_CACHE = bool(CONVT_SCRATCH_CACHE)


def scratch_release():
    """Free the scratch blocks kept for later calls; returns the bytes freed."""
    return convt_scratch_release()


def scratch_kept():
    """Bytes of scratch kept for later calls (at most 32 MiB, in at most 32 blocks)."""
    return convt_scratch_kept()
