"""``python -m msconvt script.py [args]``: run a MindSpore script unchanged on msconvt.

``python -m msconvt -m package.module [args]`` runs a module instead.  The script runs as
``__main__`` with ``sys.argv`` set as Python would set it, under the ``mindspore`` alias.
"""
from __future__ import annotations

import sys

from ._alias import ALIAS

USAGE = ALIAS.usage


def main(argv=None):
    """Run the script or module named in ``argv`` under the mindspore alias."""
    return ALIAS.main(argv)


if __name__ == "__main__":
    sys.exit(main())
