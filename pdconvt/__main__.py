"""``python -m pdconvt script.py [args]``: run legacy Paddle code unchanged on pdconvt.

Also ``python -m pdconvt -m package.module [args]``.  The script runs as ``__main__`` with
``sys.argv`` set to what follows, and ``import paddle`` resolving to pdconvt.
"""
from __future__ import annotations

import os
import runpy
import sys

USAGE = ("usage: python -m pdconvt script.py [args ...]\n"
         "       python -m pdconvt -m module [args ...]")


def main(argv=None):
    """Run the script or module named in ``argv`` under the paddle alias."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    from ._alias import install_alias, uninstall_alias

    install_alias()
    try:
        if argv[0] == "-m":
            if len(argv) < 2:
                print(USAGE, file=sys.stderr)
                return 2
            sys.argv = argv[1:]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            script = argv[0]
            if not os.path.exists(script):
                print(f"pdconvt: can't open file {script!r}", file=sys.stderr)
                return 2
            sys.argv = argv
            sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
            runpy.run_path(script, run_name="__main__")
    finally:
        uninstall_alias()
    return 0


if __name__ == "__main__":
    sys.exit(main())
