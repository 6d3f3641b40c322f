"""``import mindspore`` resolving to msconvt: alias, runner, pytest plugin, docs examples."""
from __future__ import annotations

import os
import sys
import textwrap
import types

import pytest

import msconvt
from msconvt._alias import ALIASES

from _msconvt_testutil import REPO, run_python

SEED_002 = textwrap.dedent("""\
    import numpy as np
    import mindspore
    from mindspore import Tensor, ops
    dout = Tensor(np.ones([10, 32, 30, 30]), mindspore.float32)
    weight = Tensor(np.ones([32, 32, 3, 3]), mindspore.float32)
    x = Tensor(np.ones([10, 32, 32, 32]))
    conv2d_transpose_input = ops.Conv2DTranspose(out_channel=32, kernel_size=3)
    output = conv2d_transpose_input(dout, weight, ops.shape(x))
    print(output.shape)
""")


def test_context_manager_installs_and_removes():
    assert "mindspore" not in sys.modules
    with msconvt.alias():
        import mindspore
        import mindspore.common.initializer as init
        import mindspore.mint.nn.functional as F
        from mindspore import nn, ops
        assert mindspore is msconvt and ops is msconvt.ops and nn is msconvt.nn
        assert F is msconvt.mint.nn.functional and init is msconvt.common.initializer
        assert mindspore.ops.conv_transpose2d is F.conv_transpose2d
    assert "mindspore" not in sys.modules and not msconvt._alias.is_installed()
    with pytest.raises(ImportError):
        import mindspore  # noqa: F401


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_every_alias_imports(name):
    import importlib
    with msconvt.alias():
        mod = importlib.import_module(name)
        assert mod is importlib.import_module(ALIASES[name])
        assert mod.__spec__.name == ALIASES[name]   # msconvt's own spec is kept


def test_install_uninstall_are_counted():
    msconvt.install_alias()
    msconvt.install_alias()
    msconvt.uninstall_alias()
    import mindspore  # still installed
    assert mindspore is msconvt
    msconvt.uninstall_alias()
    assert "mindspore" not in sys.modules
    msconvt.uninstall_alias()  # extra uninstall is harmless


def test_refuses_when_real_mindspore_is_imported():
    fake = types.ModuleType("mindspore")
    sys.modules["mindspore"] = fake
    try:
        with pytest.raises(RuntimeError, match="real MindSpore is already imported"):
            msconvt.install_alias()
    finally:
        del sys.modules["mindspore"]
    assert not msconvt._alias.is_installed()


def test_unprovided_names_say_so():
    with msconvt.alias():
        with pytest.raises(ModuleNotFoundError, match="msconvt, the MindSpore shim, does not "
                                                      "provide it"):
            import mindspore.dataset  # noqa: F401
        # CPython writes this message itself: it names msconvt.nn, the shim's module
        with pytest.raises(ImportError, match="cannot import name 'Conv2d' from 'msconvt.nn'"):
            from mindspore.nn import Conv2d  # noqa: F401
        import mindspore
        with pytest.raises(AttributeError, match="does not provide mindspore.ops.Conv2D"):
            mindspore.ops.Conv2D  # noqa: B018
        with pytest.raises(AttributeError, match="does not provide mindspore.Model"):
            mindspore.Model  # noqa: B018


def test_import_is_light():
    # convt itself is allowed (the alias machinery is convt._aliasing); its kernels are not.
    r = run_python(["-c", "import sys, msconvt; print(sorted(m for m in ("
                          "'convt._conv_transpose', 'scipy', 'pytest', 'threadpoolctl', "
                          "'mindspore') if m in sys.modules)); "
                          "print(msconvt._alias.is_installed())"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["[]", "False"]


def test_runner_runs_seed_002_unchanged(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(SEED_002)
    r = run_python(["-m", "msconvt", str(script)])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "(10, 32, 32, 32)"


def test_runner_sets_argv_and_exit_code(tmp_path):
    script = tmp_path / "args.py"
    script.write_text("import sys, mindspore\nprint(sys.argv[1:], __name__)\n"
                      "sys.exit(int(sys.argv[1]))\n")
    r = run_python(["-m", "msconvt", str(script), "3", "--flag"])
    assert r.returncode == 3 and r.stdout.strip() == "['3', '--flag'] __main__"
    helper = tmp_path / "helper_mod.py"
    helper.write_text("X = 5\n")
    script.write_text("import helper_mod, mindspore\nprint(helper_mod.X)\n")
    r = run_python(["-m", "msconvt", str(script)])
    assert r.returncode == 0 and r.stdout.strip() == "5", r.stderr


def test_runner_module_mode(tmp_path):
    (tmp_path / "pkgmod.py").write_text("import mindspore, sys\nprint(mindspore.__name__, sys.argv[1:])\n")
    r = run_python(["-m", "msconvt", "-m", "pkgmod", "a"], cwd=str(tmp_path),
                   env_extra={"PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "msconvt ['a']"


def test_pytest_plugin_runs_a_mindspore_suite(tmp_path):
    (tmp_path / "conftest.py").write_text("import mindspore\nMS = mindspore\n")
    (tmp_path / "test_ms_suite.py").write_text(textwrap.dedent("""\
        import numpy as np
        import mindspore as ms
        from mindspore import Tensor, nn, ops

        def test_layer():
            net = nn.Conv2dTranspose(3, 64, 4, has_bias=False, weight_init='normal', pad_mode='pad')
            assert net(Tensor(np.ones([1, 3, 16, 50]), ms.float32)).shape == (1, 64, 19, 53)

        def test_is_shim():
            assert ms.__name__ == "msconvt"
    """))
    r = run_python(["-m", "pytest", "-p", "msconvt.pytest_plugin", "-q", "-p", "no:cacheprovider",
                    str(tmp_path)], cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p msconvt.pytest_plugin\n")
    r = run_python(["-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)], cwd=str(tmp_path))
    assert r.returncode == 0 and "2 passed" in r.stdout, r.stdout + r.stderr


DOC_EXAMPLES = {
    "ops.Conv2DTranspose": SEED_002,
    "nn.Conv2dTranspose": """\
        import mindspore
        from mindspore import Tensor, nn
        import numpy as np
        net = nn.Conv2dTranspose(3, 64, 4, has_bias=False, weight_init='normal', pad_mode='pad')
        x = Tensor(np.ones([1, 3, 16, 50]), mindspore.float32)
        output = net(x).shape
        print(output)
    """,
    "mint.nn.ConvTranspose2d": """\
        import mindspore
        import numpy as np
        m = mindspore.mint.nn.ConvTranspose2d(16, 33, 3, stride=2)
        m = mindspore.mint.nn.ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
        input = mindspore.Tensor(np.random.randn(20, 16, 50, 100).astype(np.float32))
        output = m(input)
        print(output.shape)
        upsample = mindspore.mint.nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1)
        h = mindspore.Tensor(np.zeros((1, 16, 6, 6), np.float32))
        output = upsample(h, output_size=(1, 16, 12, 12))
        print(output.shape)
    """,
    "initializer": """\
        import numpy as np
        import mindspore
        from mindspore import Tensor
        from mindspore.common.initializer import initializer, One, Normal
        data = Tensor(np.zeros([1, 2, 3]), mindspore.float32)
        tensor1 = initializer(data, [1, 2, 3], mindspore.float32)
        tensor2 = initializer('ones', [1, 2, 3], mindspore.float32)
        tensor3 = initializer(One(), [1, 2, 3], mindspore.float32)
        tensor4 = initializer(0, [1, 2, 3], mindspore.float32)
        tensor5 = initializer(Normal(), [1, 2, 3], mindspore.float32)
        print(tensor2.shape, tensor4.asnumpy().sum())
    """,
    "set_seed and context": """\
        import mindspore as ms
        from mindspore import context
        context.set_context(mode=context.GRAPH_MODE, device_target="CPU")
        ms.set_seed(1234)
        print(ms.get_context("mode"))
    """,
}
DOC_OUTPUT = {"ops.Conv2DTranspose": "(10, 32, 32, 32)", "nn.Conv2dTranspose": "(1, 64, 19, 53)",
              "mint.nn.ConvTranspose2d": "(20, 33, 93, 100)\n(1, 16, 12, 12)",
              "initializer": "(1, 2, 3) 0.0", "set_seed and context": "0"}


@pytest.mark.parametrize("name", sorted(DOC_EXAMPLES))
def test_docs_examples_through_alias(name, tmp_path):
    script = tmp_path / "doc.py"
    script.write_text(textwrap.dedent(DOC_EXAMPLES[name]))
    r = run_python(["-m", "msconvt", str(script)])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == DOC_OUTPUT[name]


def test_set_context_other_device_warns_then_cpu(ms):
    with pytest.warns(RuntimeWarning, match="CPU only"):
        ms.set_context(device_target="GPU")
    assert ms.get_context("device_target") == "CPU"
    with pytest.raises(ValueError, match="not recognized"):
        ms.set_context(foo=1)
