"""Legacy ``act`` names: the one-input ops ``Conv2DTranspose(act=...)`` looks up at forward.

Each function takes the float array ``x`` (conv output + bias, float32 or float64, owned by
the caller, so it may be overwritten) and returns the activated array in the same dtype.
Legacy ran them as C++ ops whose attributes are C ``float``s: every constant here is
rounded to float32 first, even for float64 layers (leaky_relu's alpha is
0.019999999552965164).  NumPy 2 keeps a Python-float constant from widening a float32 array.
"""
from __future__ import annotations

import numpy as np

__all__ = ["ACTS", "MULTI_INPUT_OPS", "apply", "FUSABLE"]


def _f32(v):
    return float(np.float32(v))


LEAKY_ALPHA = _f32(0.02)
_HS_SLOPE, _HS_OFFSET = _f32(0.2), _f32(0.5)
_STANH_A, _STANH_B = _f32(0.67), _f32(1.7159)
_SELU_SCALE, _SELU_ALPHA = _f32(1.0507009873554805), _f32(1.6732632423543772)
_SHRINK = _f32(0.5)


def _erf(x):
    from scipy.special import erf  # lazily: scipy stays out of `import pdconvt`

    return erf(x).astype(x.dtype, copy=False)


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    # 1.8's SoftplusFunctor: max(x,0) + log(exp(-max(x,0)) + exp(x - max(x,0))), overflow-free.
    t = np.maximum(x, 0)
    return t + np.log(np.exp(-t) + np.exp(x - t))


def _logsigmoid(x):
    t = np.maximum(-x, 0)
    return -t - np.log(np.exp(-t) + np.exp(-x - t))


def _round(x):
    # C round(): halves away from zero (np.rint would round them to even).
    t = np.trunc(x)
    return np.where(np.abs(x - t) >= 0.5, t + np.sign(x), t).astype(x.dtype, copy=False)


def _softmax(x):
    # Legacy's softmax op default axis=-1: the LAST axis (W of NCHW), not the channels.
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _elu(x):
    with np.errstate(over="ignore"):
        return np.where(x > 0, x, 1.0 * (np.exp(x) - 1.0)).astype(x.dtype, copy=False)


def _selu(x):
    with np.errstate(over="ignore"):
        neg = _SELU_ALPHA * np.exp(x) - _SELU_ALPHA
    return (_SELU_SCALE * np.where(x > 0, x, neg)).astype(x.dtype, copy=False)


def _mish(x):
    # softplus with threshold 20, as the mish op.
    with np.errstate(over="ignore"):
        sp = np.where(x > 20, x, np.log1p(np.exp(x)))
    return x * np.tanh(sp).astype(x.dtype, copy=False)


def _where(cond, a, b, x):
    return np.where(cond, a, b).astype(x.dtype, copy=False)


def _errstate(fn):
    def wrapped(x):
        with np.errstate(all="ignore"):
            return fn(x)

    wrapped.__name__ = fn.__name__
    return wrapped


ACTS = {name: _errstate(fn) for name, fn in {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.minimum(np.maximum(x, 0), 6.0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "exp": np.exp,
    "abs": np.abs,
    "square": np.square,
    "sqrt": np.sqrt,
    "rsqrt": lambda x: 1.0 / np.sqrt(x),
    "log": np.log,
    "reciprocal": lambda x: 1.0 / x,
    "sin": np.sin,
    "cos": np.cos,
    "ceil": np.ceil,
    "floor": np.floor,
    "sign": np.sign,
    "erf": _erf,
    "round": _round,
    "softmax": _softmax,
    "leaky_relu": lambda x: _where(x > 0, x, LEAKY_ALPHA * x, x),
    "elu": _elu,
    "gelu": lambda x: 0.5 * x * (1.0 + _erf(x / np.sqrt(x.dtype.type(2)))),
    "swish": lambda x: x * _sigmoid(1.0 * x),
    "hard_sigmoid": lambda x: np.clip(_HS_SLOPE * x + _HS_OFFSET, 0.0, 1.0),
    "softplus": _softplus,
    "softsign": lambda x: x / (1.0 + np.abs(x)),
    "brelu": lambda x: np.clip(x, 0.0, 24.0),
    "soft_relu": lambda x: np.log(1.0 + np.exp(np.clip(x, -40.0, 40.0))),
    "stanh": lambda x: _STANH_B * np.tanh(_STANH_A * x),
    "thresholded_relu": lambda x: _where(x > 1.0, x, 0.0, x),
    "hard_swish": lambda x: np.minimum(np.maximum(x + 3.0, 0.0), 6.0) * x / 6.0,
    "selu": _selu,
    "logsigmoid": _logsigmoid,
    "tanh_shrink": lambda x: x - np.tanh(x),
    "softshrink": lambda x: _where(x > _SHRINK, x - _SHRINK,
                                   np.where(x < -_SHRINK, x + _SHRINK, 0.0), x),
    "hard_shrink": lambda x: _where(np.abs(x) > _SHRINK, x, 0.0, x),
    "mish": _mish,
    # Accepted by legacy although they are not activations (see the spec, 5.4).
    "mean": lambda x: np.mean(x, dtype=x.dtype).reshape(1),
    "sum": lambda x: np.sum(x, axis=0, dtype=x.dtype),   # the list-input sum op: over dim 0
    "cumsum": lambda x: np.cumsum(x, axis=-1, dtype=x.dtype),
    "scale": lambda x: x * 1.0 + 0.0,
}.items()}

# Ops that exist in legacy's core.ops but need a second input: a pybind TypeError there.
MULTI_INPUT_OPS = frozenset({
    "prelu", "elementwise_add", "elementwise_sub", "elementwise_mul", "elementwise_div",
    "matmul", "mul", "concat", "conv2d", "conv2d_transpose",
})

# Activations the core can fuse bit-identically (pure comparisons and one multiply).
FUSABLE = {"relu": 0.01, "leaky_relu": LEAKY_ALPHA}


def multi_input_op(name):
    """A stand-in for a legacy op that takes more than one tensor."""

    def op(*args, **kwargs):
        raise TypeError(f"{name}(): incompatible function arguments. pdconvt's act only runs "
                        f"one-input ops; '{name}' needs more inputs.")

    op.__name__ = name
    return op


def apply(name, x):
    """Apply legacy act ``name`` to ``x`` (None: nothing), via ``core.ops`` lookup rules."""
    if name is None:
        return x
    from .fluid import core

    fn = getattr(core.ops, name)  # AttributeError / TypeError exactly as legacy
    out = fn(x)
    return np.asarray(out, dtype=x.dtype)
