"""``python -m msconvt script.py [args]``: run a MindSpore script unchanged on msconvt.

``python -m msconvt -m package.module [args]`` runs a module instead.  The script runs as
``__main__`` with ``sys.argv`` set as Python would set it, under the ``mindspore`` alias.
"""
from __future__ import annotations

import os
import runpy
import sys

USAGE = "usage: python -m msconvt script.py [args...] | python -m msconvt -m module [args...]"


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    from ._alias import alias

    saved_argv = sys.argv[:]
    try:
        with alias():
            if argv[0] == "-m":
                if len(argv) < 2:
                    print(USAGE, file=sys.stderr)
                    return 2
                sys.argv = [argv[1], *argv[2:]]
                runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
            else:
                script = argv[0]
                sys.argv = [script, *argv[1:]]
                sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
                try:
                    runpy.run_path(script, run_name="__main__")
                finally:
                    sys.path.pop(0)
    finally:
        sys.argv = saved_argv
    return 0


if __name__ == "__main__":
    sys.exit(main())
