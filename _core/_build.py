"""What this installation was built with, and what it runs on."""
from __future__ import annotations

import platform

from . import _openmp_helpers


def build_info() -> dict:
    """OpenMP on/off, thread counts, Cython version, the BLAS the kernels call.

    Importing the kernel module loads scipy's BLAS, so this costs a first call's import.
    """
    from . import _conv_transpose  # (also loads scipy.linalg.cython_blas)
    from ._threads import blas_single_threaded, get_num_threads

    info = {
        "openmp": _openmp_helpers.openmp_enabled(),
        "max_threads": _openmp_helpers.max_threads(),
        "default_threads": get_num_threads(),
        "cython_version": _cython_version(),
        "scratch_cache": _conv_transpose.SCRATCH_CACHE,
        "blas": "unknown",
        "blas_info": {},
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    libs = blas_single_threaded._find()
    if libs:
        lc = libs[0]
        info["blas"] = f"{lc.internal_api} {lc.version} ({lc.architecture}), scipy.linalg.cython_blas"
        info["blas_info"] = lc.info()
    import numpy
    info["numpy_version"] = numpy.__version__
    return info


def _cython_version() -> str:
    from . import _conv_transpose
    return getattr(_conv_transpose, "__cython_version__", "unknown")
