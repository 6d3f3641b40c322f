"""Tensor, Parameter, dtypes, Cell and the small ops around the convolutions."""
from __future__ import annotations

import numpy as np
import pytest

import msconvt as ms
from msconvt import Parameter, Tensor, mint, nn, ops


def test_tensor_construction_and_dtypes():
    assert Tensor(np.ones(3)).dtype == ms.float64
    assert Tensor([1.0, 2.0]).dtype == ms.float32
    assert Tensor([1, 2]).dtype == ms.int64
    assert Tensor(1.5).dtype == ms.float32 and Tensor(1).dtype == ms.int64
    assert Tensor(True).dtype == ms.bool_
    assert Tensor(np.int32(3)).dtype == ms.int32
    assert Tensor([1, 2], ms.float16).dtype == ms.float16
    assert Tensor(Tensor([1.0]), ms.float64).dtype == ms.float64
    assert repr(ms.float32) == "mindspore.float32" and str(ms.float32) == "Float32"
    assert ms.common.dtype.float32 is ms.float32 and ms.dtype.float16 is ms.float16
    assert ms.dtype.dtype_to_nptype(ms.float16) is np.float16
    with pytest.raises(TypeError):
        Tensor("abc")
    with pytest.raises(TypeError):
        Tensor([1.0], np.float32)
    with pytest.raises(NotImplementedError, match="bfloat16"):
        Tensor([1.0], ms.bfloat16)
    with pytest.raises(NotImplementedError, match="device"):
        Tensor([1.0], device="Ascend")


def test_tensor_copies_caller_data():
    a = np.ones(3, np.float32)
    t = Tensor(a)
    t[0] = 5
    assert a[0] == 1 and t.asnumpy()[0] == 5


def test_tensor_protocol():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = Tensor(a)
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert np.array_equal(np.asarray(t), a) and np.array_equal(t.asnumpy(), a)
    assert t[1].shape == (3,) and t[1, 2].shape == () and float(t[1, 2]) == 5.0
    assert t.reshape(3, 2).shape == (3, 2) and t.reshape((6,)).shape == (6,)
    assert t.astype(ms.float16).dtype == ms.float16
    assert [x.shape for x in t] == [(3,), (3,)]
    b = Tensor(np.ones(3, np.float32))
    np.testing.assert_array_equal((t + b).asnumpy(), a + 1)
    np.testing.assert_array_equal((2 - t).asnumpy(), 2 - a)
    np.testing.assert_array_equal((t * t).asnumpy(), a * a)
    np.testing.assert_array_equal((t / 2).asnumpy(), a / 2)
    np.testing.assert_array_equal((-t).asnumpy(), -a)
    assert (t + 1).dtype == ms.float32 and (Tensor([1, 2]) / 2).dtype == ms.float32
    assert (t == 1).dtype == ms.bool_ and (t > 2).asnumpy().sum() == 3
    assert repr(t) == ("Tensor(shape=[2, 3], dtype=Float32, value=\n"
                       "[[ 0.00000000e+00,  1.00000000e+00,  2.00000000e+00],\n"
                       " [ 3.00000000e+00,  4.00000000e+00,  5.00000000e+00]])")
    assert repr(Tensor([1.0, 2.0])) == ("Tensor(shape=[2], dtype=Float32, value= "
                                        "[ 1.00000000e+00,  2.00000000e+00])")
    assert repr(Tensor(1)) == "Tensor(shape=[], dtype=Int64, value= 1)"
    assert repr(Tensor(2.5)) == "Tensor(shape=[], dtype=Float32, value= 2.5)"
    assert str(t) == str(a)
    assert hash(t) != hash(Tensor(a))


def test_parameter():
    p = Parameter(Tensor(np.ones(3, np.float32)), name="w")
    assert repr(p) == "Parameter (name=w, shape=(3,), dtype=Float32, requires_grad=True)"
    assert isinstance(p, Tensor) and p.data is p
    p.set_data(Tensor(np.zeros(3, np.float32)))
    assert not p.asnumpy().any()
    with pytest.raises(ValueError, match="Can not change the shape"):
        p.set_data(Tensor(np.zeros(4, np.float32)))
    q = Parameter(Tensor(np.ones(2, np.float32)))
    assert q.name.startswith("Parameter#")


def test_cell_tree_and_names():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.up = nn.Conv2dTranspose(2, 2, 2, has_bias=True)
            self.up2 = mint.nn.ConvTranspose2d(2, 2, 2)
            self.w = Parameter(Tensor(np.ones(2, np.float32)))

        def construct(self, x):
            return self.up2(self.up(x))

    net = Net()
    names = [(k, p.name) for k, p in net.parameters_and_names()]
    assert names == [("w", "w"), ("up.weight", "up.weight"), ("up.bias", "up.bias"),
                     ("up2.weight", "up2.weight"), ("up2.bias", "up2.bias")]
    assert len(net.trainable_params()) == 5 and len(list(net.get_parameters())) == 5
    net.up.weight.requires_grad = False
    assert len(net.trainable_params()) == 4 and len(net.untrainable_params()) == 1
    assert not net.training and net.set_train() is net and net.up.training and net.up2.training
    net.set_train(False)
    assert not net.up.training
    assert net(Tensor(np.ones((1, 2, 3, 3), np.float32))).shape == (1, 2, 4, 4)
    assert repr(net).startswith("Net(\n  (up): Conv2dTranspose(input_channels=2")
    assert list(net.name_cells()) == ["up", "up2"]
    with pytest.raises(AttributeError):
        net.nothing  # noqa: B018

    class Outer(nn.Cell):
        def __init__(self):
            super().__init__()
            self.net = Net()

    assert Outer().net.up.weight.name == "net.up.weight"


def test_small_ops():
    t = Tensor(np.ones((2, 3), np.float32))
    assert ops.shape(t) == (2, 3) and ops.Shape()(t) == (2, 3)
    assert ops.ones((2, 2), ms.float32).asnumpy().sum() == 4
    assert ops.zeros(3, ms.int32).dtype == ms.int32
    assert ops.ones((2,)).dtype == ms.float32


def test_set_context_refuses_what_it_cannot_honour():
    with pytest.raises(NotImplementedError, match="save_graphs"):
        ms.set_context(save_graphs=True)
    ms.set_context(mode=ms.GRAPH_MODE)
    try:
        assert ms.get_context("mode") == ms.GRAPH_MODE
        y = ops.Conv2DTranspose(1, 3)(Tensor(np.ones((1, 1, 3, 3), np.float32)),
                                      Tensor(np.ones((1, 1, 3, 3), np.float32)), (1, 1, 5, 5))
        assert y.shape == (1, 1, 5, 5)
    finally:
        ms.set_context(mode=ms.PYNATIVE_MODE)
