"""``python -m pdconvt script.py [args]``: run legacy Paddle code unchanged on pdconvt.

Also ``python -m pdconvt -m package.module [args]``.  The script runs as ``__main__`` with
``sys.argv`` set to what follows, and ``import paddle`` resolving to pdconvt.
"""
from __future__ import annotations

import sys

from ._alias import ALIAS

USAGE = ALIAS.usage


def main(argv=None):
    """Run the script or module named in ``argv`` under the paddle alias."""
    return ALIAS.main(argv)


if __name__ == "__main__":
    sys.exit(main())
