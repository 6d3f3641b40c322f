"""``import paddle`` through pdconvt: alias, runner, pytest plugin, and the docs example."""
import sys
import textwrap
import types

import pytest

import pdconvt
from pd_support import run_python

# The example of the Conv2DTranspose doc page (shared/seeds/003), verbatim, plus a print.
DOCS_EXAMPLE = textwrap.dedent("""\
    import paddle.fluid as fluid
    import numpy as np

    with fluid.dygraph.guard():
        data = np.random.random((3, 32, 32, 5)).astype('float32')
        conv2DTranspose = fluid.dygraph.nn.Conv2DTranspose(
              num_channels=32, num_filters=2, filter_size=3)
        ret = conv2DTranspose(fluid.dygraph.base.to_variable(data))
    print(ret.shape)
    """)


@pytest.fixture
def no_paddle():
    assert "paddle" not in sys.modules
    yield
    pdconvt.uninstall_alias()
    assert not pdconvt.is_alias_installed()
    assert "paddle" not in sys.modules


def test_docs_example_through_the_alias(no_paddle, capsys):
    with pdconvt.alias():
        exec(compile(DOCS_EXAMPLE, "docs_example", "exec"), {"__name__": "docs"})
    assert capsys.readouterr().out.strip() == "[3, 2, 34, 7]"


def test_alias_names_resolve_to_the_shim(no_paddle):
    pdconvt.install_alias()
    import paddle
    import paddle.fluid as fluid
    import paddle.fluid.core
    import paddle.fluid.dygraph.base
    import paddle.fluid.dygraph.nn
    import paddle.fluid.initializer
    import paddle.fluid.param_attr
    from paddle.fluid.dygraph import Conv2DTranspose

    assert paddle is pdconvt and fluid is pdconvt.fluid
    assert paddle.fluid.dygraph.nn is pdconvt.fluid.dygraph.nn
    assert Conv2DTranspose is pdconvt.fluid.Conv2DTranspose
    assert paddle.fluid.core.EnforceNotMet is pdconvt.fluid.core.EnforceNotMet
    assert pdconvt.__spec__.name == "pdconvt"        # the shared module keeps its own spec
    with pytest.raises(ModuleNotFoundError, match="pdconvt does not provide it"):
        import paddle.fluid.layers  # noqa: F401
    with pytest.raises(AttributeError, match="pdconvt does not provide paddle.fluid.optimizer"):
        paddle.fluid.optimizer  # noqa: B018
    pdconvt.uninstall_alias()
    assert "paddle" not in sys.modules and "paddle.fluid" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        import paddle  # noqa: F401,F811


def test_install_refuses_when_real_paddle_is_imported(no_paddle):
    sys.modules["paddle"] = types.ModuleType("paddle")
    try:
        with pytest.raises(RuntimeError, match="real Paddle is already imported"):
            pdconvt.install_alias()
        assert not pdconvt.is_alias_installed()
    finally:
        del sys.modules["paddle"]


def test_nested_and_explicit_installs_are_counted(no_paddle):
    with pdconvt.alias():
        pdconvt.install_alias()
        with pdconvt.alias():
            pass
        assert pdconvt.is_alias_installed()
        pdconvt.uninstall_alias()
        assert pdconvt.is_alias_installed()
    assert not pdconvt.is_alias_installed()


def test_runner_runs_a_script_unchanged(tmp_path):
    script = tmp_path / "legacy.py"
    script.write_text(DOCS_EXAMPLE + "import sys\nprint(sys.argv)\nprint(__name__)\n")
    proc = run_python(["-m", "pdconvt", str(script), "a", "--b"])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "[3, 2, 34, 7]"
    assert lines[1] == repr([str(script), "a", "--b"])
    assert lines[2] == "__main__"


def test_runner_usage_and_exit_codes(tmp_path):
    assert run_python(["-m", "pdconvt"]).returncode == 2
    failing = tmp_path / "fail.py"
    failing.write_text("import sys\nsys.exit(3)\n")
    assert run_python(["-m", "pdconvt", str(failing)]).returncode == 3


def test_pytest_plugin_session_option_and_fixture(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_legacy.py").write_text(textwrap.dedent("""\
        import numpy as np

        def test_session_alias():
            import paddle.fluid as fluid
            with fluid.dygraph.guard():
                y = fluid.dygraph.Conv2DTranspose(2, 3, 3)(
                    fluid.dygraph.to_variable(np.ones((1, 2, 4, 4), np.float32)))
            assert y.shape == [1, 3, 6, 6]
        """))
    base = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pdconvt.pytest_plugin"]
    proc = run_python(base + ["--pdconvt-alias", "test_legacy.py"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
    proc = run_python(base + ["test_legacy.py"], cwd=tmp_path)
    assert proc.returncode == 1 and "No module named 'paddle'" in proc.stdout
    (tmp_path / "pytest.ini").write_text("[pytest]\npdconvt_alias = true\n")
    proc = run_python(base + ["test_legacy.py"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_fixture.py").write_text(textwrap.dedent("""\
        import sys

        def test_fixture(paddle_alias):
            import paddle.fluid as fluid
            assert fluid is paddle_alias.fluid

        def test_after():
            assert "paddle" not in sys.modules
        """))
    proc = run_python(base + ["test_fixture.py"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_import_is_light():
    # convt itself is allowed (the alias machinery is convt._aliasing); its kernels are not.
    proc = run_python(["-c", "import sys, pdconvt; print(sorted(m for m in ("
                             "'convt._conv_transpose', 'scipy', 'pytest', 'threadpoolctl', "
                             "'hypothesis', 'paddle') if m in sys.modules)); "
                             "print(pdconvt.is_alias_installed())"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["[]", "False"]
