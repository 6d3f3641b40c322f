# Hand-written stub of the compiled kernel module (_conv_transpose.pyx); C types in comments.
import numpy as np
import numpy.typing as npt

__cython_version__: str

def run_f32(
    x: npt.NDArray[np.float32],       # const float[:, :, :, ::1]  NCHW or NHWC, C-contiguous
    w: npt.NDArray[np.float32],       # const float[:, :, :, ::1]  (C_in, C_out/groups, KH, KW)
    bias: npt.NDArray[np.float32] | None,  # const float[::1]      (C_out,)
    out: npt.NDArray[np.float32],     # float[:, :, :, ::1]        result, written in full
    nhwc: bool,                       # bint
    groups: int,                      # Py_ssize_t
    sh: int, sw: int,                 # Py_ssize_t  stride
    pt: int, pl: int,                 # Py_ssize_t  top / left padding (bottom/right implied by out)
    dh: int, dw: int,                 # Py_ssize_t  dilation
    act: int,                         # int  0 none, 1 relu, 2 leaky_relu, 3 sigmoid, 4 tanh
    slope: float,                     # double  leaky_relu negative slope
    nthreads: int,                    # int  >= 1
    algorithm: int = ...,             # int  0 choose, 1 stride phases, 2 GEMM + col2im
) -> int: ...                         # 0, or -1 when malloc failed

def run_f64(
    x: npt.NDArray[np.float64], w: npt.NDArray[np.float64],
    bias: npt.NDArray[np.float64] | None, out: npt.NDArray[np.float64], nhwc: bool,
    groups: int, sh: int, sw: int, pt: int, pl: int, dh: int, dw: int, act: int,
    slope: float, nthreads: int, algorithm: int = ...,
) -> int: ...                         # same contract as run_f32, double precision

def plan_info(
    N: int, Cin: int, H: int, W: int, Cog: int, KH: int, KW: int, Ho: int, Wo: int,
    groups: int, sh: int, sw: int, pt: int, pl: int, dh: int, dw: int, nhwc: bool,
    algorithm: int = ..., f64: bool = ...,
) -> dict: ...   # {"algorithm": str, "per_thread_elements": int, "packed_weight_elements": int}

SCRATCH_CACHE: bool                  # this build keeps scratch between calls (not under ASan)
def scratch_release() -> int: ...    # frees the scratch kept for later calls; bytes freed
def scratch_kept() -> int: ...       # bytes of scratch kept for later calls (<= 32 MiB)
