# Included by path (include_path=["_core"]): the package directory is _core, installed as convt.
# OpenMP entry points with serial fallbacks, so kernels compile with or without -fopenmp.
# Never call omp_* from a kernel without going through this file.
cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define CONVT_HAVE_OPENMP 1
    #else
    #define CONVT_HAVE_OPENMP 0
    static int omp_get_max_threads(void) { return 1; }
    static int omp_get_thread_num(void) { return 0; }
    #endif
    """
    bint CONVT_HAVE_OPENMP
    int omp_get_max_threads() noexcept nogil
    int omp_get_thread_num() noexcept nogil
