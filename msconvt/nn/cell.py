"""``mindspore.nn.Cell``: construct/__call__, child cells and parameters with prefixed names."""
from __future__ import annotations

from collections import OrderedDict

from .._tensor import Parameter

__all__ = ["Cell"]


class Cell:
    """The base class of layers: ``cell(*x)`` runs ``construct(*x)``."""

    def __init__(self, auto_prefix=True, flags=None):
        d = self.__dict__
        d["_params"] = OrderedDict()
        d["_cells"] = OrderedDict()
        d["_auto_prefix"] = auto_prefix
        d["training"] = False
        d["requires_grad"] = False
        d["_flags"] = dict(flags or {})

    @property
    def cls_name(self):
        return type(self).__name__

    # ---- attribute registry -----------------------------------------------------------------
    def _registry(self):
        if "_params" not in self.__dict__:
            raise AttributeError(f"For '{type(self).__name__}', call 'super().__init__()' before "
                                 "assigning parameters or cells.")
        return self.__dict__["_params"], self.__dict__["_cells"]

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            params, cells = self._registry()
            if value._auto_name:
                value.name = name
            cells.pop(name, None)
            self.__dict__.pop(name, None)
            params[name] = value
        elif isinstance(value, Cell):
            params, cells = self._registry()
            if self._auto_prefix:
                value.update_parameters_name(name + ".")
            params.pop(name, None)
            self.__dict__.pop(name, None)
            cells[name] = value
        elif value is None and ("_params" in self.__dict__) and (
                name in self._params or name in self._cells):
            if name in self._params:
                self._params[name] = None
            else:
                self._cells[name] = None
        else:
            if "_params" in self.__dict__:
                self._params.pop(name, None)
                self._cells.pop(name, None)
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        if "_params" in d:
            if name in d["_params"]:
                return d["_params"][name]
            if name in d["_cells"]:
                return d["_cells"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'.")

    def __delattr__(self, name):
        d = self.__dict__
        if "_params" in d and name in d["_params"]:
            del d["_params"][name]
        elif "_cells" in d and name in d["_cells"]:
            del d["_cells"][name]
        else:
            object.__delattr__(self, name)

    def insert_child_to_cell(self, child_name, child_cell):
        if not isinstance(child_cell, Cell) and child_cell is not None:
            raise TypeError(f"For 'insert_child_to_cell', the argument 'child_cell' must be Cell, "
                            f"but got {type(child_cell)}.")
        setattr(self, child_name, child_cell)

    def insert_param_to_cell(self, param_name, param, check_name_contain_dot=True):
        if not isinstance(param, Parameter) and param is not None:
            raise TypeError("For 'insert_param_to_cell', the argument 'param' must be "
                            f"'Parameter', but got {type(param)}.")
        setattr(self, param_name, param)

    # ---- running ----------------------------------------------------------------------------
    def construct(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__}.construct is not defined")

    def __call__(self, *args, **kwargs):
        return self.construct(*args, **kwargs)

    def set_train(self, mode=True):
        for _, cell in self.cells_and_names():
            cell.__dict__["training"] = bool(mode)
        return self

    def set_grad(self, requires_grad=True):
        self.__dict__["requires_grad"] = requires_grad
        return self

    # ---- traversal --------------------------------------------------------------------------
    def cells_and_names(self, cells=None, name_prefix=""):
        seen = cells if cells is not None else set()
        if id(self) in seen:
            return
        seen.add(id(self))
        yield name_prefix, self
        for name, cell in self._cells.items():
            if cell is not None:
                prefix = f"{name_prefix}.{name}" if name_prefix else name
                yield from cell.cells_and_names(seen, prefix)

    def cells(self):
        return [c for c in self._cells.values() if c is not None]

    def name_cells(self):
        return OrderedDict((k, c) for k, c in self._cells.items() if c is not None)

    def parameters_and_names(self, name_prefix="", expand=True):
        cells = self.cells_and_names(name_prefix=name_prefix) if expand else [(name_prefix, self)]
        seen = set()
        for cell_name, cell in cells:
            for par_name, par in cell._params.items():
                if par is not None and id(par) not in seen:
                    seen.add(id(par))
                    yield (f"{cell_name}.{par_name}" if cell_name else par_name), par

    def get_parameters(self, expand=True):
        for _, param in self.parameters_and_names(expand=expand):
            yield param

    def trainable_params(self, recurse=True):
        return [p for p in self.get_parameters(expand=recurse) if p.requires_grad]

    def untrainable_params(self, recurse=True):
        return [p for p in self.get_parameters(expand=recurse) if not p.requires_grad]

    def parameters_dict(self, recurse=True):
        return OrderedDict((p.name, p) for p in self.get_parameters(expand=recurse))

    def update_parameters_name(self, prefix="", recurse=True):
        for name, param in self.parameters_and_names(expand=recurse):
            param.name = prefix + name

    # ---- printing ---------------------------------------------------------------------------
    def extend_repr(self):
        return ""

    def __repr__(self):
        extra = self.extend_repr()
        cells = self.name_cells()
        if not cells:
            return f"{self.cls_name}({extra})"
        lines = [f"{self.cls_name}("]
        if extra:
            lines.append(f"  {extra}")
        for key, value in cells.items():
            lines.append(f"  ({key}): " + repr(value).replace("\n", "\n  "))
        lines.append(")")
        return "\n".join(lines)
