"""`ag.save(obj, path)` / `ag.load(path)`: tensors, arrays and numbers in nested dicts, lists and tuples, as one
.npz file. Never pickle: the structure is stored as JSON text beside the arrays, and loading refuses object arrays."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from .tensor import Tensor

if TYPE_CHECKING:
    import os

    from .types import Array

__all__ = ["save", "load"]

_STRUCTURE = "__structure__"


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write obj (Tensors, arrays, numbers, strings, None, in dicts with str keys, lists and tuples) to path."""
    arrays: dict[str, Array] = {}

    def encode(o, where):
        if isinstance(o, Tensor):
            arrays[f"a{len(arrays)}"] = o.data
            return {"tensor": f"a{len(arrays) - 1}", "requires_grad": bool(o.requires_grad)}
        if isinstance(o, np.ndarray):
            if o.dtype.kind not in "biufc":
                raise TypeError(f"ag.save: {where} is an array of dtype {o.dtype}; only numbers are saved")
            arrays[f"a{len(arrays)}"] = o
            return {"array": f"a{len(arrays) - 1}"}
        if isinstance(o, dict):
            bad = [k for k in o if not isinstance(k, str)]
            if bad:
                raise TypeError(f"ag.save: {where} has a key {bad[0]!r} that is not a str")
            return {"dict": {k: encode(v, f"{where}[{k!r}]") for k, v in o.items()}}
        if isinstance(o, (list, tuple)):
            return {"list" if isinstance(o, list) else "tuple": [encode(v, f"{where}[{i}]") for i, v in enumerate(o)]}
        if o is None or isinstance(o, (bool, str)) or isinstance(o, numbers.Number) and not isinstance(o, complex):
            return {"value": o.item() if isinstance(o, np.generic) else o}
        raise TypeError(
            f"ag.save: {where} is a {type(o).__name__}; only tensors, arrays, numbers, strings, None "
            "and dicts, lists and tuples of them are saved (no pickle)"
        )

    import json  # here, not at import: `import autograd_core` stays quick

    structure = encode(obj, "the object")
    with open(path, "wb") as f:
        np.savez(f, **arrays, **{_STRUCTURE: np.array(json.dumps(structure))})  # type: ignore[arg-type]  # numpy's stub: a **dict might set allow_pickle


def load(path: str | os.PathLike[str]) -> Any:
    """What save(obj, path) wrote, with Tensors as Tensors (requires_grad as saved)."""
    import json
    import zipfile

    try:
        with np.load(path, allow_pickle=False) as z:
            if _STRUCTURE not in z.files:
                raise ValueError(f"ag.load: {path!r} is an .npz file but was not written by ag.save")
            structure = json.loads(str(z[_STRUCTURE]))
            arrays = {k: z[k] for k in z.files if k != _STRUCTURE}
    except FileNotFoundError:
        raise FileNotFoundError(f"ag.load: no file {path!r}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ValueError(f"ag.load: {path!r} is not a file written by ag.save ({e})") from None
    except ValueError as e:
        if "pickle" in str(e):
            raise ValueError(f"ag.load: {path!r} holds pickled objects, which are never loaded") from None
        raise

    def decode(s):
        ((kind, v),) = ((k, v) for k, v in s.items() if k != "requires_grad")
        if kind == "tensor":
            return Tensor(arrays[v], requires_grad=s["requires_grad"])
        if kind == "array":
            return arrays[v]
        if kind == "dict":
            return {k: decode(x) for k, x in v.items()}
        if kind in ("list", "tuple"):
            items = [decode(x) for x in v]
            return items if kind == "list" else tuple(items)
        return v

    return decode(structure)
