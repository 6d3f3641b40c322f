"""Thread-count policy: one process default, a context manager, and the BLAS guard.

The kernels run one parallel layer per call: OpenMP tasks, each calling a single-threaded
BLAS.  Two spinning pools fighting over two cores is the classic failure (OpenBLAS #3187),
so while a call runs, the BLAS that the kernels call (scipy's) is held at one thread.
"""
from __future__ import annotations

import contextlib
import operator
import os
import threading

from . import _openmp_helpers

__all__ = ["set_num_threads", "get_num_threads", "threads", "resolve_num_threads"]

_state = threading.local()
_OPENMP = _openmp_helpers.openmp_enabled()
_default_lock = threading.Lock()
_process_default: int | None = None  # None: follow OMP_NUM_THREADS / the core count


_env_default: int | None = None


def _cpu_default() -> int:
    # OpenMP reads OMP_NUM_THREADS once, at start-up; so do we (it is on every call's path).
    global _env_default
    if _env_default is None:
        env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
        if env.isdigit() and int(env) > 0:
            _env_default = int(env)
        else:
            _env_default = max(1, _openmp_helpers.max_threads())
    return _env_default


def _as_count(n, name="num_threads") -> int:
    if isinstance(n, bool):
        raise TypeError(f"{name} must be an int, got {n!r} of type bool")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"{name} must be an int or None, got {n!r} of type "
                        f"{type(n).__name__}") from None
    if n == 0:
        raise ValueError(f"{name} must be non-zero, got {name}=0")
    return n


# More threads than this is a typo, not a plan: clamp rather than ask OpenMP for millions.
_MAX_THREADS = 1024


def _counted_back(n: int) -> int:
    # scikit-learn's convention: -1 means all cores, -2 all but one, ...
    if n < 0:
        n = max(1, _openmp_helpers.max_threads() + 1 + n)
    return min(n, _MAX_THREADS)


def set_num_threads(n) -> None:
    """Set the process-wide default thread count (``None`` restores the automatic default)."""
    global _process_default
    with _default_lock:
        _process_default = None if n is None else _counted_back(_as_count(n))


def get_num_threads() -> int:
    """The thread count a call with ``num_threads=None`` will use in this thread."""
    local = getattr(_state, "override", None)
    if local is not None:
        return local
    base = _process_default if _process_default is not None else _cpu_default()
    return _limit_by_threadpoolctl(base)


def _limit_by_threadpoolctl(n: int) -> int:
    # threadpoolctl.threadpool_limits(k, user_api="openmp") lowers omp_get_max_threads in
    # the calling process; honour it when it is below our default.
    if not _OPENMP:
        return 1
    return max(1, min(n, _openmp_helpers.max_threads()))


@contextlib.contextmanager
def threads(n):
    """``with convt.threads(n):`` -- the thread count for calls made in this Python thread."""
    value = _counted_back(_as_count(n))
    previous = getattr(_state, "override", None)
    _state.override = value
    try:
        yield value
    finally:
        _state.override = previous


def resolve_num_threads(num_threads) -> int:
    """``None`` -> the default; negative counts back from the core count; 0 -> ValueError."""
    if type(num_threads) is int and 0 < num_threads <= _MAX_THREADS:
        return num_threads if _OPENMP else 1
    if num_threads is None:
        n = get_num_threads()
    else:
        n = _counted_back(_as_count(num_threads))
    return n if _OPENMP else 1


class _BlasGuard:
    """Hold scipy's BLAS at one thread while our OpenMP tasks call it.

    The threadpoolctl controller is built once (it scans loaded libraries, ~ms); after that,
    entering the guard is one ctypes call to read and, at most, two to set.
    """

    def __init__(self):
        self._libs = None
        self._lock = threading.Lock()
        self._depth = 0
        self._saved = []

    def _find(self):
        if self._libs is None:
            try:
                import scipy.linalg  # noqa: F401  (loads scipy's BLAS)
                from threadpoolctl import ThreadpoolController

                ctl = ThreadpoolController()
                libs = [lc for lc in ctl.lib_controllers
                        if lc.user_api == "blas" and "scipy" in (lc.filepath or "")
                        and "numpy" not in os.path.basename(os.path.dirname(lc.filepath or ""))]
                self._libs = libs or [lc for lc in ctl.lib_controllers if lc.user_api == "blas"]
            except Exception:  # threadpoolctl is a dependency, but never fail a call over it
                self._libs = []
        return self._libs

    def __enter__(self):
        with self._lock:
            if self._depth == 0:
                self._saved = []
                for lc in self._find():
                    n = lc.get_num_threads()
                    if n is not None and n != 1:
                        self._saved.append((lc, n))
                        lc.set_num_threads(1)
            self._depth += 1
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                for lc, n in self._saved:
                    lc.set_num_threads(n)
                self._saved = []
        return False


blas_single_threaded = _BlasGuard()
