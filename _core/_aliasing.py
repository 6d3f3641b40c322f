"""Make ``import <framework>`` resolve to a shim package: the machinery the shims share.

A shim configures one :class:`Alias` with the framework's top-level name, its own package
name, an explicit table of module names and its wording; the alias then provides

* a ``sys.meta_path`` finder that resolves exactly the table's names to the shim's modules
  and raises ``ModuleNotFoundError`` for any other module of the framework,
* counted installs (:meth:`Alias.acquire`, :meth:`Alias.release`, :meth:`Alias.context`),
  an idempotent switch (:meth:`Alias.enable`, :meth:`Alias.disable`) and single-use holds
  (:meth:`Alias.hold`, for pytest sessions), all thread-safe,
* a refusal to install while the real framework is imported,
* the ``AttributeError`` for names the shim does not provide (:meth:`Alias.missing`), and
* the ``python -m <shim>`` runner (:meth:`Alias.main`).

Pure Python and cheap to import, so that importing a shim stays cheap.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import threading

__all__ = ["Alias"]


class _Loader(importlib.abc.Loader):
    """Hands back an already-imported shim module under the framework's name."""

    def __init__(self, module):
        self._module = module
        self._spec = module.__spec__
        self._loader = getattr(module, "__loader__", None)

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        # The import system stamped the alias spec on the shared module object; put the
        # shim's back, so the module keeps reloading, pickling and reporting as the shim's.
        module.__spec__ = self._spec
        module.__loader__ = self._loader


class Alias(importlib.abc.MetaPathFinder):
    """An opt-in, reversible ``import <framework>`` -> shim alias.

    The alias is installed while it is held at least once: by :meth:`acquire` calls not yet
    released, by the :meth:`enable` switch, by :meth:`hold` handles and by :meth:`context`
    blocks.  When the last hold goes, the finder leaves ``sys.meta_path`` and the
    framework's names leave ``sys.modules``.

    Parameters
    ----------
    framework : str
        The framework's top-level module name, e.g. ``"numpy"``.
    shim : str
        The shim package's name.
    aliases : dict of str to str
        Framework module name -> shim module name: the only names the alias resolves.
    display : str
        The framework's name as people write it, for messages.
    provider : str
        How messages name the shim, as the subject of "<provider> does not provide ..."
        (so an appositive ends with its comma: ``"myshim, the Foo shim,"``).
    hint : str, optional
        Appended to the "does not provide" ``AttributeError`` message, e.g. where to look
        for the supported names.
    """

    def __init__(self, framework, shim, aliases, *, display, provider, hint=""):
        self.framework = framework
        self.shim = shim
        self.aliases = dict(aliases)
        self.display = display
        self.provider = provider
        self.hint = hint
        self._reverse = {v: k for k, v in self.aliases.items()}
        # Reentrant: enable() and hold() acquire while already holding the lock.
        self._lock = threading.RLock()
        self._count = 0
        self._switch = None

    def __repr__(self):
        return f"<{type(self).__name__} {self.framework!r} -> {self.shim!r}>"

    # -- the finder ------------------------------------------------------------------------

    def _is_framework_name(self, name):
        return name == self.framework or name.startswith(self.framework + ".")

    def find_spec(self, fullname, path=None, target=None):
        """Resolve a name of the alias table; refuse the framework's other names."""
        if not self._is_framework_name(fullname):
            return None
        real = self.aliases.get(fullname)
        if real is None:
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: {self.provider} does not provide it (the "
                f"{self.framework} alias provides: {', '.join(sorted(self.aliases))})",
                name=fullname)
        module = importlib.import_module(real)
        return importlib.util.spec_from_loader(fullname, _Loader(module),
                                               is_package=hasattr(module, "__path__"))

    # -- installing ------------------------------------------------------------------------

    def is_installed(self):
        """True while ``import <framework>`` resolves to the shim."""
        return self in sys.meta_path

    def _refuse_real_framework(self):
        current = sys.modules.get(self.framework)
        if current is not None and not getattr(current, "__name__", "").startswith(self.shim):
            raise RuntimeError(
                f"the real {self.display} is already imported (sys.modules"
                f"[{self.framework!r}] is {current!r}, not {self.shim}); {self.shim} will not "
                f"alias over it. Install the alias before anything imports {self.framework}, "
                f"or use the real {self.display}.")

    def acquire(self):
        """Install the alias, or count one more install of it.

        Raises
        ------
        RuntimeError
            If the real framework is already in ``sys.modules``.
        """
        with self._lock:
            self._refuse_real_framework()
            if self._count == 0:
                sys.meta_path.insert(0, self)
            self._count += 1

    def release(self):
        """Undo one :meth:`acquire`; the last one removes the alias.  Extra calls do nothing."""
        with self._lock:
            if self._count == 0:
                return
            self._count -= 1
            if self._count:
                return
            while self in sys.meta_path:
                sys.meta_path.remove(self)
            for name in [n for n in sys.modules if self._is_framework_name(n)]:
                if getattr(sys.modules[name], "__name__", "").startswith(self.shim):
                    del sys.modules[name]

    def hold(self):
        """Acquire the alias; return a function that releases it, the first time it is called.

        Returns
        -------
        callable
            Call it (any number of times) to give back this hold, and only this one.
        """
        held = True

        def release():
            nonlocal held
            with self._lock:
                if held:
                    held = False
                    self.release()

        self.acquire()
        return release

    def enable(self):
        """Switch the alias on; idempotent.  Blocks and other holds count separately."""
        with self._lock:
            if self._switch is None:
                self._switch = self.hold()

    def disable(self):
        """Switch off what :meth:`enable` switched on; other holds keep the alias."""
        with self._lock:
            if self._switch is not None:
                release, self._switch = self._switch, None
                release()

    @contextlib.contextmanager
    def context(self):
        """Hold the alias for a ``with`` block, which gets the shim's top-level module."""
        self.acquire()
        try:
            yield importlib.import_module(self.shim)
        finally:
            self.release()

    # -- messages --------------------------------------------------------------------------

    def missing(self, module, name):
        """The ``AttributeError`` a shim module's ``__getattr__`` raises for ``name``.

        Parameters
        ----------
        module : str
            The module's name, the framework's or the shim's (reported as the framework's).
        name : str
            The attribute asked for.

        Returns
        -------
        AttributeError
        """
        owner = self._reverse.get(module, module)
        # Dunder probes (hasattr(m, "__wrapped__") and the like) are routine, not a user
        # reaching for a missing feature: answer them as any module would.
        if name.startswith("__") and name.endswith("__"):
            return AttributeError(f"module {owner!r} has no attribute {name!r}")
        return AttributeError(f"module {owner!r} has no attribute {name!r}: {self.provider} "
                              f"does not provide {owner}.{name}{self.hint}")

    def header(self):
        """One line saying the alias is active, for a pytest report header."""
        return (f"{self.shim}: 'import {self.framework}' resolves to {self.shim} "
                f"({self.display} shim on convt)")

    # -- the runner ------------------------------------------------------------------------

    @property
    def usage(self):
        """The ``python -m <shim>`` usage text."""
        return (f"usage: python -m {self.shim} script.py [args ...]\n"
                f"       python -m {self.shim} -m module [args ...]")

    def main(self, argv=None):
        """Run a script, or ``-m module``, as ``__main__`` under the alias.

        ``sys.argv`` is set as Python would set it; it and ``sys.path`` are restored
        afterwards.  The script's ``SystemExit`` and exceptions propagate.

        Parameters
        ----------
        argv : list of str, optional
            ``script.py [args ...]`` or ``-m module [args ...]``; default ``sys.argv[1:]``.

        Returns
        -------
        int
            The exit status: 0 after the script ran, 2 for a usage error.
        """
        argv = list(sys.argv[1:] if argv is None else argv)
        if argv[:1] in (["-h"], ["--help"]):
            print(self.usage)
            return 0
        if not argv or argv == ["-m"]:
            print(self.usage, file=sys.stderr)
            return 2
        if argv[0] != "-m" and not os.path.exists(argv[0]):
            print(f"{self.shim}: can't open file {argv[0]!r}", file=sys.stderr)
            return 2
        saved_argv = sys.argv[:]
        try:
            with self.context():
                if argv[0] == "-m":
                    sys.argv = argv[1:]
                    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
                else:
                    sys.argv = argv
                    self._run_script(argv[0])
        finally:
            sys.argv = saved_argv
        return 0

    @staticmethod
    def _run_script(script):
        # As ``python script.py`` does, so that the script's sibling modules import.
        entry = os.path.dirname(os.path.abspath(script))
        sys.path.insert(0, entry)
        try:
            runpy.run_path(script, run_name="__main__")
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)
