"""What the OpenMP runtime offers this process (see ``_openmp.pxd``)."""
from _openmp cimport CONVT_HAVE_OPENMP, omp_get_max_threads


def openmp_enabled():
    """True when the kernels were compiled with OpenMP."""
    return bool(CONVT_HAVE_OPENMP)


def max_threads():
    """``omp_get_max_threads()``: honours OMP_NUM_THREADS and threadpoolctl limits."""
    return omp_get_max_threads()
