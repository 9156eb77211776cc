"""`Module`: the base of every layer. Attributes that are Parameters or Modules are registered in order."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast, overload

import numpy as np

from autograd_core import Tensor, name_scope

from .parameter import Parameter

if TYPE_CHECKING:
    import zipfile
    from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, ValuesView
    from typing import IO, Any, TypeAlias, TypeVar

    from autograd_core.types import DTypeLike, TensorLike

    _PathLike = str | os.PathLike[str]
    _FileLike = _PathLike | IO[bytes]  # a path, or a file open in binary mode
    _Hook = Callable[..., Any]
    _Hooks = OrderedDict[int, tuple[_Hook, bool]]
    # what a registered name holds: a parameter, a submodule or a buffer (each may be None)
    _Member: TypeAlias = "Parameter | Module | np.ndarray | None"
    _M = TypeVar("_M", bound="Module")

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict"]


class Module:
    # set in __init__ through object.__setattr__ (declared here for the type checker only)
    training: bool
    _parameters: OrderedDict[str, Parameter | None]
    _modules: OrderedDict[str, Module]
    _buffers: OrderedDict[str, np.ndarray | None]
    _scope_name: str | None
    _non_persistent: set[str]
    _forward_hooks: _Hooks
    _forward_pre_hooks: _Hooks

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_scope_name", None)
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call Module.__init__() in {type(self).__name__}.__init__ before assigning {name!r}")
        params, buffers = self._parameters, self._buffers
        if name in params and not isinstance(value, Parameter):
            if value is not None:  # a plain tensor would silently stop being trained: refuse, as PyTorch does
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} (nn.Parameter or None expected)"
                )
            params[name] = None
            return
        is_array = value is None or (isinstance(value, (np.ndarray, Tensor)) and not isinstance(value, Parameter))
        if name in buffers and is_array:
            buffers[name] = None if value is None else np.asarray(value)  # stays a buffer (e.g. `self.count += 1`)
            return
        for d in (params, self._modules, buffers):
            d.pop(name, None)
        self._non_persistent.discard(name)
        if isinstance(value, Parameter):
            params[name] = value
            if value.name is None:
                value.name = name
        elif isinstance(value, Module):
            value._scope_name = name
            self._modules[name] = value
            for path, p in value.named_parameters():  # models are built bottom-up, so this ends as the full path
                p.name = f"{name}.{path}"
        else:
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> _Member:
        d = self.__dict__
        for store in ("_parameters", "_modules", "_buffers"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for d in (self._parameters, self._modules, self._buffers):
            if name in d:
                del d[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor: Tensor | np.ndarray | None, persistent: bool = True) -> None:
        """A state array that is not a parameter (e.g. running statistics): saved in state_dict when persistent.

        Kept as an np.ndarray (a Tensor's data is taken), so in-place updates (`self.count += 1`) stay buffers.
        """
        _check_name(name, self)
        if not isinstance(persistent, (bool, np.bool_)):
            raise TypeError(f"register_buffer: persistent must be True or False, got {persistent!r}")
        if tensor is not None and not isinstance(tensor, (np.ndarray, Tensor)):
            raise TypeError(
                f"register_buffer: cannot assign {type(tensor).__name__} as buffer {name!r} "
                "(a Tensor, an np.ndarray or None expected)"
            )
        if isinstance(tensor, Parameter):
            raise TypeError(f"register_buffer: {name!r} is given an nn.Parameter; use register_parameter")
        for d in (self._parameters, self._modules):
            d.pop(name, None)
        self.__dict__.pop(name, None)
        self._buffers[name] = (
            None if tensor is None else np.asarray(tensor.data if isinstance(tensor, Tensor) else tensor)
        )
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        _check_name(name, self)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot register {type(param).__name__} as parameter {name!r} (nn.Parameter or None expected)"
            )
        if param is None:
            self._modules.pop(name, None)
            self._buffers.pop(name, None)
            self.__dict__.pop(name, None)
            self._parameters[name] = None
        else:
            setattr(self, name, param)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with name_scope(self._scope_name or type(self).__name__):
            for hook, with_kwargs in list(self._forward_pre_hooks.values()):
                if with_kwargs:
                    new = hook(self, args, kwargs)
                    if new is not None:
                        if not (isinstance(new, tuple) and len(new) == 2 and isinstance(new[1], dict)):
                            raise TypeError(
                                f"a forward pre-hook registered with with_kwargs=True must return "
                                f"None or a tuple (args, kwargs), got {type(new).__name__}"
                            )
                        args, kwargs = new
                        args = args if isinstance(args, tuple) else (args,)
                else:
                    new = hook(self, args)
                    if new is not None:  # PyTorch: a single value stands for a one-element tuple
                        args = new if isinstance(new, tuple) else (new,)
            out = self.forward(*args, **kwargs)
            for hook, with_kwargs in list(self._forward_hooks.values()):
                new = hook(self, args, kwargs, out) if with_kwargs else hook(self, args, out)
                if new is not None:
                    out = new
            return out

    # ---- hooks -------------------------------------------------------------------------------
    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> _HookHandle:
        """hook(module, args) runs before forward; returning a value (a tuple, or one input) replaces args.

        with_kwargs=True: hook(module, args, kwargs), returning None or (args, kwargs). prepend=True runs it before
        the hooks already registered. Returns a handle whose remove() takes the hook away."""
        return _HookHandle(self._forward_pre_hooks, _callable(hook, "register_forward_pre_hook"), prepend, with_kwargs)

    def register_forward_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> _HookHandle:
        """hook(module, args, output) runs after forward (with_kwargs=True: hook(module, args, kwargs, output));
        returning a value replaces the output. prepend=True runs it first. Returns a handle."""
        return _HookHandle(self._forward_hooks, _callable(hook, "register_forward_hook"), prepend, with_kwargs)

    # ---- traversal ---------------------------------------------------------------------------
    def named_modules(
        self, memo: set[Module] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(path, module) pairs, this module first, depth first in registration order; a shared module once
        (unless remove_duplicate=False). memo: a set of modules to skip, filled as they are visited (PyTorch's)."""
        seen = set() if memo is None else memo
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if remove_duplicate:
                if m in seen:
                    continue
                seen.add(m)
            yield name, m
            children = [(f"{name}.{n}" if name else n, c) for n, c in m._modules.items() if c is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[Module] = set()
        for n, m in self._modules.items():
            if m is not None and m not in seen:  # a module registered under two names is listed once
                seen.add(m)
                yield n, m

    def children(self) -> Iterator[Module]:
        return (m for _, m in self.named_children())

    def _named_members(
        self, store: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        modules: Iterable[tuple[str, Module]] = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        )
        for mname, m in modules:
            for n, v in getattr(m, store).items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield (f"{mname}.{n}" if mname else n), v

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(path, parameter) pairs: each module's own, then its children's, in registration order; shared ones once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, np.ndarray]]:
        """(path, array) pairs of every buffer, persistent or not."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[np.ndarray]:
        return (b for _, b in self.named_buffers(recurse=recurse))

    def apply(self: _M, fn: Callable[[Module], object]) -> _M:
        """Call fn on every submodule, children before their parent as in PyTorch (e.g. to initialise weights)."""
        for c in self.children():
            c.apply(fn)  # recursion as deep as the nesting of modules, which is shallow
        fn(self)
        return self

    # ---- modes and gradients -----------------------------------------------------------------
    def train(self: _M, mode: bool = True) -> _M:
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self: _M) -> _M:
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad = Tensor(np.zeros_like(p.data))

    def requires_grad_(self: _M, requires_grad: bool = True) -> _M:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self: _M, *args: Tensor | DTypeLike, dtype: DTypeLike | None = None, device: object = None) -> _M:
        """Cast floating parameters and buffers to dtype, in place (e.g. float64 for gradcheck); returns self.

        As PyTorch's: `to(dtype)`, `to("cpu")`, `to("cpu", dtype)`, `to(tensor)` (its dtype), `to(device=...,
        dtype=...)`; the one device is the CPU, so a device is only checked."""
        if len(args) > 2:
            raise TypeError(f"Module.to takes a device and/or a dtype, got {len(args)} arguments")
        for a in args:
            if isinstance(a, Tensor):  # to(other): other's dtype
                a = a.dtype
            if _is_device(a):
                device = a
            elif dtype is None:
                dtype = a
            else:
                raise TypeError(f"Module.to: got two dtypes, {dtype!r} and {a!r}")
        if device is not None and not _is_cpu(device):
            raise ValueError(f"Module.to: device must be 'cpu' (the only device here), got {device!r}")
        if dtype is None:
            return self
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"Module.to: expected a floating dtype or 'cpu', got {dtype!r}") from None
        if dtype.kind != "f":
            raise TypeError(f"Module.to needs a floating dtype, got {dtype}")
        for m in self.modules():
            for p in m._parameters.values():
                if p is not None:
                    p.data = p.data.astype(dtype)
                    if p.grad is not None:  # as PyTorch: the gradient follows its parameter's dtype
                        p.grad = Tensor(p.grad.data.astype(dtype))
            for n, b in m._buffers.items():
                if b is not None and b.dtype.kind == "f":
                    m._buffers[n] = b.astype(dtype)
        return self

    def double(self: _M) -> _M:
        return self.to(np.float64)

    def float(self: _M) -> _M:
        return self.to(np.float32)

    def name_parameters(self: _M) -> _M:
        """Name every parameter by its path from this model (`conv1.weight`); done on assignment already, this
        renames from a different root."""
        for name, p in self.named_parameters():
            p.name = name
        return self

    # ---- state -------------------------------------------------------------------------------
    def _state_entries(self) -> Iterator[tuple[str, Module, str, str]]:
        """(key, owning module, store, name) for every parameter and buffer, module by module like PyTorch.

        Unlike named_parameters, a shared parameter appears under every path (PyTorch's state_dict does the same).
        """
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:
            prefix, m = stack.pop()
            for store in ("_parameters", "_buffers"):
                for n, v in getattr(m, store).items():
                    if v is not None and not (store == "_buffers" and n in m._non_persistent):
                        yield prefix + n, m, store, n
            stack.extend(reversed([(f"{prefix}{n}.", c) for n, c in m._modules.items() if c is not None]))

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Parameter and buffer arrays by path (`layer.0.weight`), copied."""
        state: OrderedDict[str, np.ndarray] = OrderedDict()
        for key, m, store, n in self._state_entries():
            v = getattr(m, store)[n]
            state[key] = (v.data if store == "_parameters" else v).copy()
        return state

    def load_state_dict(self, state_dict: Mapping[str, TensorLike], strict: bool = True) -> tuple[list[str], list[str]]:
        """Copy arrays into parameters and buffers; checks everything first, so a bad dict loads nothing.

        Returns (missing_keys, unexpected_keys); with strict=True either being non-empty raises ValueError.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict for {type(self).__name__}: expected a dict of arrays by name (from "
                f"state_dict()), got {type(state_dict).__name__}; nothing loaded"
            )
        targets = OrderedDict((key, (m, store, n)) for key, m, store, n in self._state_entries())
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        if strict and (missing or unexpected):
            raise ValueError(
                f"load_state_dict for {type(self).__name__}: missing keys {missing}, unexpected keys "
                f"{unexpected}; nothing loaded"
            )
        arrays: dict[str, np.ndarray] = {}
        for k, (m, store, n) in targets.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            a = np.asarray(v.data if isinstance(v, Tensor) else v)
            old = getattr(m, store)[n]
            if a.shape != old.shape:
                raise ValueError(
                    f"load_state_dict: {k!r} has shape {a.shape} in the state dict but {old.shape} in "
                    "the model; nothing loaded"
                )
            if a.dtype.kind not in "biuf":  # cast here, not while writing: a failed cast must leave the model whole
                raise TypeError(
                    f"load_state_dict: {k!r} must hold real numbers (bool, int or float), got an "
                    f"array of dtype {a.dtype}; nothing loaded"
                )
            arrays[k] = a.astype(old.dtype, copy=True)
        for k, a in arrays.items():
            m, store, n = targets[k]
            if store == "_parameters":
                cast(Parameter, m._parameters[n]).data = a  # an entry of _state_entries: never None
            else:
                m._buffers[n] = a
        return missing, unexpected

    def save(self, path: _FileLike) -> None:
        """Save the state dict to a .npz file."""
        arrays: dict[str, Any] = self.state_dict()  # Any: savez's stubs mistake the names for its own keywords
        np.savez(path, **arrays)

    def load(self, path: _FileLike, strict: bool = True) -> tuple[list[str], list[str]]:
        """Load a state dict saved by save(); a file that cannot be read, or does not fit, changes nothing."""
        arrays = _read_npz(path)
        try:
            return self.load_state_dict(arrays, strict=strict)
        except (ValueError, TypeError) as e:  # the file is fine but does not fit this model: say which file
            raise type(e)(f"Module.load: {_file_name(path)!r}: {e}") from None

    # ---- repr --------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        """Like PyTorch: `Name(extra)` on one line, or the extra lines and `(child): repr` lines indented."""
        extra = self.extra_repr()
        lines = (extra.split("\n") if extra else []) + [
            f"({n}): " + repr(m).replace("\n", "\n  ") for n, m in self._modules.items()
        ]
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({lines[0]})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class _HookHandle:
    """What register_*_hook returns: remove() takes the hook away (twice is harmless); also a context manager."""

    _next_id = 0

    def __init__(self, hooks: _Hooks, hook: _Hook, prepend: bool = False, with_kwargs: bool = False) -> None:
        for name, v in (("prepend", prepend), ("with_kwargs", with_kwargs)):
            if not isinstance(v, (bool, np.bool_)):
                raise TypeError(f"register hook: {name} must be True or False, got {v!r}")
        self._hooks, self.id = hooks, _HookHandle._next_id
        _HookHandle._next_id += 1
        hooks[self.id] = (hook, bool(with_kwargs))
        if prepend:
            hooks.move_to_end(self.id, last=False)

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> _HookHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _callable(hook: _Hook, where: str) -> _Hook:
    if not callable(hook):
        raise TypeError(f"{where}: hook must be callable, got {type(hook).__name__}")
    return hook


def _is_device(a: object) -> bool:
    return isinstance(a, str) and not _is_dtype_name(a) or type(a).__name__ == "device"


def _is_dtype_name(a: str) -> bool:
    try:
        np.dtype(a)
        return True
    except TypeError:
        return False


def _is_cpu(device: object) -> bool:
    return str(device) == "cpu" or str(device).startswith("cpu:")


_PICKLED = "this file holds pickled objects, which are never loaded"


def _read_npz(path: _FileLike) -> dict[str, np.ndarray]:
    """The arrays of an .npz file (a path or an open binary file) by name, or an error naming the file and the problem."""
    where = f"Module.load: {_file_name(path)!r}"
    if hasattr(path, "read"):
        file = cast("IO[bytes]", path)
        head = file.read(8)
        if isinstance(head, str):
            raise TypeError(f"{where} is open in text mode: open it with open(path, 'rb'); nothing loaded")
        file.seek(-len(head), 1)
    else:
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
        except FileNotFoundError:
            wrote = os.fspath(path) + ".npz"  # np.savez adds the suffix when it is missing
            hint = f" (save() wrote {wrote!r})" if os.path.isfile(wrote) else ""
            raise FileNotFoundError(f"{where}: no such file{hint}; nothing loaded") from None
        except IsADirectoryError:
            raise IsADirectoryError(f"{where} is a directory, not an .npz file; nothing loaded") from None
        except OSError as e:  # permissions, a broken link...
            raise type(e)(f"{where}: cannot be read ({e.strerror or e}); nothing loaded") from None
    if head.startswith(b"\x80"):  # a pickle's first opcode (protocol 2 and later)
        raise ValueError(f"{where}: {_PICKLED}; nothing loaded")
    if head.startswith(b"\x93NUMPY"):
        raise ValueError(
            f"{where} holds a single array (.npy), not the named arrays of an .npz file written by "
            "Module.save; nothing loaded"
        )
    if not head.startswith(b"PK"):
        raise ValueError(
            f"{where} is not an .npz file written by Module.save (it starts with {head!r}); nothing loaded"
        )
    import zipfile  # here, not at import: `import nn` stays quick
    import zlib

    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(path, allow_pickle=False) as f:
            for k in f.files:
                if _holds_objects(f.zip, k):
                    raise ValueError(f"{where}: {_PICKLED} (entry {k!r}); nothing loaded")
                arrays[k] = f[k]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
        if _PICKLED in str(e):
            raise
        raise ValueError(f"{where} is not a readable .npz file (truncated or damaged?): {e}; nothing loaded") from None
    for k, a in arrays.items():
        if not isinstance(a, np.ndarray):  # a member that is no .npy: NpzFile hands back its raw bytes
            raise ValueError(f"{where}: entry {k!r} is not an array; nothing loaded")
    return arrays


def _file_name(path: _FileLike) -> str:
    return getattr(path, "name", "the file object") if hasattr(path, "read") else os.fspath(path)


def _holds_objects(zf: zipfile.ZipFile, key: str) -> bool:
    """Whether the .npy member for key stores an object dtype, read from its header (nothing is unpickled)."""
    with zf.open(key + ".npy" if key + ".npy" in zf.namelist() else key) as fh:
        try:
            major, _ = np.lib.format.read_magic(fh)
        except ValueError:  # not an .npy member
            return False
        header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        return header(fh)[2].hasobject


def _check_name(name: object, module: Module) -> None:
    if not isinstance(name, str):
        raise TypeError(f"a parameter or buffer name must be a str, got {type(name).__name__}")
    if "." in name or not name:
        raise ValueError(f"a parameter or buffer name must be non-empty and contain no '.', got {name!r}")
    if hasattr(type(module), name):
        raise ValueError(f"attribute {name!r} already exists on {type(module).__name__}")


def _index(i: int, n: int, what: str) -> int:
    """A list index for position i of n items, with an error that names the length."""
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of range for a {what} of length {n}")
    return i % n


def _module(m: object, where: str) -> Module:
    """m itself, if it is a Module instance; a class or a function would otherwise be skipped silently."""
    if not isinstance(m, Module):
        hint = " (a class: did you forget the parentheses?)" if isinstance(m, type) else ""
        raise TypeError(f"{where} takes Module instances, got {m!r}{hint}")
    return m


class Sequential(Module):
    """Calls its modules in order, each on the previous one's output. Built from modules or one (Ordered)dict."""

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            for n, m in modules[0].items():
                setattr(self, n, _module(m, "Sequential"))
        else:
            for i, m in enumerate(modules):
                setattr(self, str(i), _module(m, "Sequential"))

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x

    @overload
    def __getitem__(self, i: int) -> Module: ...
    @overload
    def __getitem__(self, i: slice) -> Sequential: ...
    def __getitem__(self, i: int | slice) -> Module | Sequential:
        items = list(self._modules.items())
        if isinstance(i, slice):
            return Sequential(OrderedDict(items[i]))
        return items[_index(i, len(items), "Sequential")][1]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        setattr(self, str(len(self)), _module(module, "Sequential.append"))
        return self


class ModuleList(Module):
    """A list of modules whose parameters the owner registers (a plain list would hide them)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module: Module) -> ModuleList:
        setattr(self, str(len(self._modules)), _module(module, "ModuleList"))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for m in modules:
            self.append(m)
        return self

    @overload
    def __getitem__(self, i: int) -> Module: ...
    @overload
    def __getitem__(self, i: slice) -> ModuleList: ...
    def __getitem__(self, i: int | slice) -> Module | ModuleList:
        mods = list(self._modules.values())
        if isinstance(i, slice):
            return ModuleList(mods[i])
        return mods[_index(i, len(mods), "ModuleList")]

    def __repr__(self) -> str:
        """Like PyTorch's: runs of identical modules are folded, `(0-2): 3 x Linear(...)`."""
        runs: list[list[Any]] = []  # [first index, last index, repr]
        for i, m in enumerate(self._modules.values()):
            r = repr(m)
            if runs and runs[-1][2] == r:
                runs[-1][1] = i
            else:
                runs.append([i, i, r])
        if not runs:
            return "ModuleList()"
        lines = [(f"({a}): " if a == b else f"({a}-{b}): {b - a + 1} x ") + r.replace("\n", "\n  ") for a, b, r in runs]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"

    def __setitem__(self, i: int, module: Module) -> None:
        i = _index(i, len(self), "ModuleList")
        setattr(self, str(i), _module(module, "ModuleList"))

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class ModuleDict(Module):
    """A dict of modules by name, registered in insertion order."""

    def __init__(self, modules: dict[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        self.update(modules or {})

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"no module named {key!r} in this ModuleDict; it has {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        _check_name(key, self)
        setattr(self, key, _module(module, "ModuleDict"))

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def update(self, modules: dict[str, Module] | Iterable[tuple[str, Module]]) -> None:
        for n, m in modules.items() if isinstance(modules, dict) else modules:
            self[n] = m

    def pop(self, key: str) -> Module:
        m = self[key]
        del self[key]
        return m

    def keys(self) -> KeysView[str]:
        return self._modules.keys()

    def values(self) -> ValuesView[Module]:
        return self._modules.values()

    def items(self) -> ItemsView[str, Module]:
        return self._modules.items()
