"""``fluid.regularizer``: weight-decay records (stored on parameters; pdconvt has no optimiser)."""
from __future__ import annotations

__all__ = ["L1Decay", "L2Decay", "L1DecayRegularizer", "L2DecayRegularizer",
           "WeightDecayRegularizer"]


class WeightDecayRegularizer:
    """Base class of the weight-decay regularisers."""

    def __init__(self):
        pass

    def __str__(self):
        raise NotImplementedError()


class L2DecayRegularizer(WeightDecayRegularizer):
    """L2 weight decay, ``regularization_coeff * sum(w ** 2) / 2``."""

    def __init__(self, regularization_coeff=0.0):
        assert regularization_coeff is not None
        super().__init__()
        self._regularization_coeff = regularization_coeff

    def __str__(self):
        return "L2Decay, regularization_coeff=%f" % self._regularization_coeff


class L1DecayRegularizer(WeightDecayRegularizer):
    """L1 weight decay, ``regularization_coeff * sum(|w|)``."""

    def __init__(self, regularization_coeff=0.0):
        assert regularization_coeff is not None
        super().__init__()
        self._regularization_coeff = regularization_coeff

    def __str__(self):
        return "L1Decay, regularization_coeff=%f" % self._regularization_coeff


L1Decay = L1DecayRegularizer
L2Decay = L2DecayRegularizer
