"""Build the Cython kernels of ``convt``.

OpenMP is probed by compiling and linking a tiny program with ``-fopenmp``; without it the
build still succeeds (serial kernels) with a warning.  Environment switches:

``CONVT_DISABLE_OPENMP=1``  force a serial build.
``CONVT_CYTHON_DEBUG=1``    bounds checking and wraparound checks on, ``-O0 -g``.
``CONVT_PORTABLE=1``        no ``-march=native`` (for wheels that run on other machines).
``CONVT_SANITIZE=address``  AddressSanitizer build (CI runs the core tests on it; load it with
                           ``LD_PRELOAD=$(gcc -print-file-name=libasan.so)``).

By default the kernels are compiled for the building machine (``-march=native``, when the
compiler accepts it): ``pip install .`` compiles where it runs, and AVX2/AVX-512 matter
for the loops that are not BLAS (depthwise, gathers, epilogues).
"""
import os
import shutil
import sys
import tempfile
import textwrap
import warnings

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext


def _flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _probe_flag(compiler, flag):
    """Return True when ``compiler`` compiles a trivial file with ``flag``."""
    tmp = tempfile.mkdtemp(prefix="convt_flag_probe_")
    src = os.path.join(tmp, "probe.c")
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    try:
        compiler.compile([src], output_dir=tmp, extra_postargs=[flag])
        return True
    except Exception:
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _probe_openmp(compiler):
    """Return True when ``compiler`` can compile *and link* an OpenMP program."""
    tmp = tempfile.mkdtemp(prefix="convt_omp_probe_")
    src = os.path.join(tmp, "probe.c")
    with open(src, "w") as f:
        f.write(textwrap.dedent("""
            #include <omp.h>
            int main(void) {
                int n = 0;
                #pragma omp parallel reduction(+:n)
                n += 1;
                return n > 0 ? 0 : 1;
            }
        """))
    try:
        objs = compiler.compile([src], output_dir=tmp, extra_postargs=["-fopenmp"])
        compiler.link_executable(objs, os.path.join(tmp, "probe"), extra_postargs=["-fopenmp"])
        return True
    except Exception:
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cython_version():
    import Cython

    return Cython.__version__


class BuildExt(build_ext):
    def build_extensions(self):
        debug = _flag("CONVT_CYTHON_DEBUG")
        use_omp = not _flag("CONVT_DISABLE_OPENMP") and self.compiler.compiler_type != "msvc"
        if use_omp and not _probe_openmp(self.compiler):
            warnings.warn("convt: the C compiler cannot build OpenMP programs; "
                          "building serial kernels (set CC to an OpenMP-capable compiler).")
            use_omp = False
        # -O3 but never -ffast-math: NaN and Inf must propagate exactly as in the reference.
        cflags = ["-O0", "-g"] if debug else ["-O3", "-fno-math-errno"]
        cflags += ["-fno-strict-aliasing"]
        if not debug and not _flag("CONVT_PORTABLE") and _probe_flag(self.compiler, "-march=native"):
            cflags.append("-march=native")
        omp = ["-fopenmp"] if use_omp else []
        # The kernels index scratch through raw pointers, which Cython's bounds checks do
        # not see; AddressSanitizer does.
        san = os.environ.get("CONVT_SANITIZE", "").strip()
        san_flags = [f"-fsanitize={san}", "-fno-omit-frame-pointer", "-g"] if san else []
        for ext in self.extensions:
            ext.extra_compile_args = cflags + omp + san_flags
            ext.extra_link_args = omp + san_flags
            ext.define_macros = [("CONVT_CYTHON_VERSION", '"%s"' % _cython_version())]
            # (see _core/_scratch_cache.h) every scratch block with its own redzone under a
            # sanitizer; kept blocks filled with NaN in the debug build
            if san:
                ext.define_macros.append(("CONVT_NO_SCRATCH_CACHE", "1"))
            if debug:
                ext.define_macros.append(("CONVT_POISON_SCRATCH", "1"))
        super().build_extensions()


def _extensions():
    from Cython.Build import cythonize

    debug = _flag("CONVT_CYTHON_DEBUG")
    directives = {
        "language_level": 3,
        "boundscheck": debug,
        "wraparound": debug,
        "initializedcheck": debug,
        "cdivision": True,
        "embedsignature": True,
    }
    exts = [
        Extension("convt._conv_transpose", ["_core/_conv_transpose.pyx"],
                  include_dirs=["_core"], depends=["_core/_microkernel.h", "_core/_transpose.h",
                                              "_core/_rowsum.h", "_core/_col2im.h",
                                              "_core/_scratch_cache.h"]),
        Extension("convt._openmp_helpers", ["_core/_openmp_helpers.pyx"]),
    ]
    return cythonize(exts, compiler_directives=directives, include_path=["_core"],
                     compile_time_env={}, quiet=True)


packages = ["convt"] + find_packages(include=["msconvt", "msconvt.*", "pdconvt", "pdconvt.*"])

setup(
    packages=packages,
    package_dir={"convt": "_core"},
    ext_modules=_extensions(),
    cmdclass={"build_ext": BuildExt},
)
