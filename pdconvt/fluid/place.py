"""Places: only the CPU exists here."""
from __future__ import annotations

__all__ = ["CPUPlace", "CUDAPlace", "CUDAPinnedPlace"]


class CPUPlace:
    """The CPU."""

    def __eq__(self, other):
        return isinstance(other, CPUPlace)

    def __hash__(self):
        return hash("CPUPlace")

    def __repr__(self):
        return "CPUPlace"


class CUDAPlace:
    """Refused: pdconvt runs on the CPU (legacy's CPU build ended the process here)."""

    def __init__(self, dev_id=0):
        from .core import UnavailableError

        raise UnavailableError(
            f"Cannot use CUDAPlace({dev_id}) in CPU only version: pdconvt runs on the CPU; "
            "use fluid.CPUPlace()")


class CUDAPinnedPlace(CUDAPlace):
    """Refused, as ``CUDAPlace``."""

    def __init__(self):
        super().__init__(0)
