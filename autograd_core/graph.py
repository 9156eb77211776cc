"""The backward pass: an iterative topological sort, then the chain rule applied node by node in reverse.

No recursion anywhere, so a chain of a million ops backpropagates. Leaf gradients are written only after the
whole pass succeeded, and saved arrays are freed only then: an exception inside a backward leaves every
`.grad` and the graph as they were.
"""

from __future__ import annotations

import contextlib
from heapq import heappop, heappush
from typing import TYPE_CHECKING

import numpy as np

from . import anomaly, state, version
from .function import Scattered
from .tensor import Tensor, _to_array

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from .function import Function
    from .types import Array, Grads, Operand, Recorder, TensorLike

__all__ = ["recording", "toposort", "run_backward", "backward", "grad"]


@contextlib.contextmanager
def recording(fn: Recorder) -> Iterator[Recorder]:
    """Inside, in this thread: `fn(tensor, grad, input_grads)` is called once per tensor when its gradient is
    complete, with the gradients its op sent to its inputs (None for a leaf). viz.record_gradients() uses it;
    with no recorder the backward pass pays one truth test per node for the feature."""
    with state.setting(state.recorders, state.recorders.get() + (fn,)):
        yield fn


def toposort(roots: Iterable[Tensor]) -> list[Tensor]:
    """Tensors that require grad reachable from roots, each listed before the tensors it was computed from."""
    found, stack = {}, [r for r in roots if r.requires_grad]
    while stack:
        t = stack.pop()
        if id(t) in found:
            continue
        found[id(t)] = t
        if t._ctx is not None:
            stack.extend(p for p in t._ctx.parents if p.requires_grad)
    return sorted(found.values(), key=lambda t: -1 if t._ctx is None else t._ctx.seq, reverse=True)


def _freed_error(ctx):
    return RuntimeError(
        f"trying to backward through {type(ctx).__name__} a second time, but its saved arrays were freed by "
        "the first backward(); pass retain_graph=True to the first backward() (or ag.grad) to keep them"
    )


def _saved_sources(ctx, out):
    """(role, tensor) for each input and output whose values the node saved for its backward (Function.saves)."""
    found, saved = [], vars(ctx)
    for name, role in type(ctx).saves.items():
        if name not in saved:
            continue
        if role == "output":
            found.append(("output", out))
        elif role == "recomputed":  # computed again from every input when the backward is recorded
            found += [("input", p) for p in ctx.parents]
        elif role == "constant":  # a mask or a copy; when it is an input's own array, that input counts
            found += [("input", p) for p in ctx.parents if p.data is saved[name]]
        else:
            found.append(("input", ctx.parents[role]))
    for _a, role in zip(saved.get("saved_tensors", ()), saved.get("saved_roles", ())):
        found.append(("output", out) if role is None else ("input", ctx.parents[role]))
    return found


def _check_not_modified(ctx, out):
    """Raise if an input or output this node saved for backward was changed in place after the node was made."""
    for role, t in _saved_sources(ctx, out):
        if version.modified_since(t, ctx.epoch):
            label = version.describe(t)
            raise RuntimeError(
                f"the {role} tensor {label + ' ' if label else ''}of shape {t.shape} that {type(ctx).__name__} saved for its backward was "
                f"modified in place after it was saved (by an in-place operation: now at version {t.version}), so its "
                "gradient would use the new values: run backward() before changing it (an optimizer step, "
                "+=, t[i] = v, or a change through a view of it), or use out-of-place ops (x = x + y)"
            )


def _recorded_value(ctx, name, value, out):
    """What `backward` is handed for ctx.<name> when the backward pass is recorded: the Tensor of its role."""
    cls = type(ctx)
    if name == "saved_tensors":
        return tuple(_saved_tensor(ctx, a, role, out) for a, role in zip(value, ctx.saved_roles))
    role = cls.saves.get(name)
    if role is None:
        if _holds_float_array(value):
            raise RuntimeError(
                f"{cls.__name__} saved ctx.{name}, a floating array of no declared role, so a recorded backward "
                "(create_graph=True) would treat it as a constant and its second derivative would be silently "
                f"wrong: declare it in {cls.__name__}.saves (an input's index, 'output', 'constant' or "
                "'recomputed'), or save inputs and the output with ctx.save_for_backward"
            )
        return value
    if role == "output":
        return out
    if role in ("constant", "recomputed"):
        return value
    parent = ctx.parents[role]
    if value is not parent.data:
        raise RuntimeError(
            f"{cls.__name__}.saves declares ctx.{name} as input {role}, but it is another array "
            f"(shape {getattr(value, 'shape', None)}): save the input itself, or declare its role"
        )
    return parent


def _saved_tensor(ctx, a, role, out):
    if role is not None:
        return ctx.parents[role]
    if a is out.data:
        return out
    raise RuntimeError(
        f"{type(ctx).__name__} passed to save_for_backward an array that is neither one of its "
        f"inputs nor the array its forward returned (shape {getattr(a, 'shape', None)}), so a "
        "recorded backward (create_graph=True) cannot differentiate through it: save the inputs and "
        "compute the rest in backward"
    )


def _holds_float_array(v):
    if isinstance(v, (np.ndarray, np.generic)):
        return v.dtype.kind in "fc"
    return isinstance(v, (tuple, list)) and any(_holds_float_array(a) for a in v)


def _backward_recorded(ctx: Function, g: Operand, out: Tensor) -> Grads:
    """Run ctx.backward with the Tensors of the saved inputs and output, so the backward pass is itself recorded."""
    cls = type(ctx)
    proxy = cls.__new__(cls)
    proxy.parents, proxy.needs_input_grad = ctx.parents, ctx.needs_input_grad
    for name, value in vars(ctx).items():
        if cls.saves.get(name) != "recomputed":  # backward must compute it again: leaving it out makes sure
            setattr(proxy, name, _recorded_value(ctx, name, value, out))
    with state.setting(state.grad_enabled, True):
        return cls.backward(proxy, g)


def _run_hooks(t, g, create_graph):
    for hook in list(t._hooks):
        wrapped = g if create_graph else Tensor(g)
        new = hook(wrapped)
        if new is not None:
            if not isinstance(new, (Tensor, np.ndarray)):
                raise TypeError(
                    f"hook {getattr(hook, '__name__', hook)!r} returned a {type(new).__name__}; a hook "
                    f"returns None or a Tensor of the gradient's shape {t.shape}"
                )
            if tuple(new.shape) != t.shape:
                raise RuntimeError(
                    f"hook returned a gradient of shape {tuple(new.shape)} for a tensor of shape {t.shape}"
                )
            g = new if create_graph else np.asarray(new.data if isinstance(new, Tensor) else new)
    return g


def run_backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[Operand],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
) -> dict[int, Operand]:
    """Propagate root_grads from roots. Accumulates into leaves' .grad, or, with `inputs`, returns their grads.

    Nodes wait in a heap keyed by their sequence number, so each is processed once its gradient is complete
    (every node that used it was made later, hence processed earlier).
    """
    grads: dict[int, Operand] = {}
    heap: list[tuple[int, Tensor]] = []
    leaves: list[Tensor] = []
    owned = set()  # ids of tensors whose gradient buffer this pass allocated, so it may add into it in place

    def arrive(t, g):
        key = id(t)
        prev = grads.get(key)
        if prev is not None:
            if key in owned:
                prev += g  # a buffer this pass made: add in place, no new array per contribution
            else:
                total = grads[key] = prev + g  # prev may be shared with another node's gradient: never write into it
                if type(total) is np.ndarray:  # not a Tensor (create_graph) nor the NumPy scalar 0-d arrays give
                    owned.add(key)
            return
        grads[key] = g
        if t._ctx is None:
            leaves.append(t)
        else:
            heappush(heap, (-t._ctx.seq, t))

    def arrive_scattered(t, s):
        key = id(t)
        if key not in owned:  # first slice, or a buffer another node may share: start a buffer of our own
            prev = grads.get(key)
            if isinstance(prev, Tensor):  # a second-order pass can mix in Tensors: add densely, as they do
                arrive(t, s.dense())
                return
            buf = np.zeros(t.data.shape, t.data.dtype)
            if prev is None:
                arrive(t, buf)
            else:
                buf += prev
                grads[key] = buf
            owned.add(key)
        grads[key][s.index] += s.values

    for r, g in zip(roots, root_grads):
        arrive(r, g)
    wanted = None if inputs is None else {id(t) for t in inputs}
    captured, done, updates = {}, [], []
    epoch, recorders, checking = version.epoch, state.recorders.get(), state.anomaly.get()
    while heap:
        t = heappop(heap)[1]
        g = grads.pop(id(t))
        if t._hooks:
            g = _run_hooks(t, g, create_graph)
        if wanted is not None and id(t) in wanted:
            captured[id(t)] = g
        elif t._retains_grad and wanted is None:
            updates.append((t, g))  # written with the leaves' gradients, once the whole pass has succeeded
        ctx: Function = t._ctx  # type: ignore[assignment]  # in the heap: a tensor an op made
        if ctx.freed:
            raise _freed_error(ctx)
        if ctx.epoch != epoch:
            _check_not_modified(ctx, t)
        cls = type(ctx)
        if create_graph:
            parent_grads = _backward_recorded(ctx, g, t)
        elif cls.sparse_backward is not None:
            parent_grads = cls.sparse_backward(ctx, g)
        else:
            parent_grads = cls.backward(ctx, g)
        if type(parent_grads) is not tuple:
            parent_grads = _as_tuple(ctx, parent_grads)
        if checking:
            anomaly.check_backward(ctx, [pg.values if type(pg) is Scattered else pg for pg in parent_grads])  # type: ignore[misc]  # `type(pg) is` narrows only one way
        if len(parent_grads) != len(ctx.parents):
            raise RuntimeError(
                f"{type(ctx).__name__}.backward returned {len(parent_grads)} gradients for {len(ctx.parents)} inputs"
            )
        for p, pg in zip(ctx.parents, parent_grads):
            if pg is None or not p.requires_grad:
                continue
            if type(pg) is Scattered:
                arrive_scattered(p, pg)
                continue
            if getattr(pg, "shape", None) != p.data.shape:
                if not hasattr(pg, "shape"):
                    raise TypeError(
                        f"{type(ctx).__name__}.backward returned a {type(pg).__name__} as the gradient "
                        "of an input; return an array (or None) per input"
                    )
                raise RuntimeError(
                    f"{type(ctx).__name__}.backward returned a gradient of shape {pg.shape} "
                    f"for an input of shape {p.data.shape}"
                )
            if pg.dtype != p.data.dtype:
                pg = pg.astype(p.data.dtype)
            arrive(p, pg)
        if recorders:
            _record(recorders, t, g, parent_grads)
        done.append(ctx)
    for t in leaves:
        g = grads.pop(id(t))
        if t._hooks:
            g = _run_hooks(t, g, create_graph)
        if recorders:
            _record(recorders, t, g, None)
        if wanted is None:
            updates.append((t, g))
        elif id(t) in wanted:
            captured[id(t)] = g
    for t, g in updates:
        _accumulate(t, g, create_graph)
    if not retain_graph:
        for ctx in done:
            ctx.__dict__.clear()
            ctx.freed = True
    return captured


def _as_tuple(ctx, grads):
    """A backward's result as a tuple: one gradient is allowed bare; a list is a mistake worth naming."""
    if isinstance(grads, list):
        raise TypeError(
            f"{type(ctx).__name__}.backward returned a list; return one array per input as a tuple "
            f"({len(ctx.parents)} inputs), with None where an input needs no gradient"
        )
    return (grads,)


def _record(recorders, t, g, input_grads):
    if input_grads is not None:  # recorders see what the op sent, as an array, whichever way it was added
        input_grads = tuple(pg.dense() if type(pg) is Scattered else pg for pg in input_grads)
    for fn in recorders:
        fn(t, g, input_grads)


def _accumulate(t, g, create_graph):
    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
    elif t.grad is None:
        t.grad = Tensor(np.array(g, dtype=t.data.dtype))  # own copy: g may be shared with other leaves
    else:
        t.grad.data = t.grad.data + g


def _root_grad(root, grad, create_graph):
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward() without a gradient needs a scalar output, this one has shape "
                f"{root.shape}: pass grad= of that shape, or reduce first (e.g. .sum())"
            )
        g = np.ones_like(root.data)
    else:
        raw = grad.data if isinstance(grad, Tensor) else _to_array(grad)  # refuses None, strings, objects
        if raw.dtype.kind == "c":
            raise TypeError(f"the gradient passed to backward must be real, got dtype {raw.dtype}")
        if raw.shape != root.shape:
            raise RuntimeError(f"gradient of shape {raw.shape} does not match the output's shape {root.shape}")
        g = raw.astype(root.dtype, copy=False)
        if isinstance(grad, Tensor) and grad.dtype != root.dtype:
            grad = grad.astype(root.dtype)
    if create_graph:
        return grad if isinstance(grad, Tensor) else Tensor(g)
    return g


def _check_roots(roots):
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"backward needs Tensors, got {type(r).__name__}")
        if not r.requires_grad:
            raise RuntimeError(
                "this tensor does not require grad and has no graph: did any input have "
                "requires_grad=True, and was it computed outside ag.no_grad()?"
            )


def backward(
    tensor: Tensor, grad: TensorLike | None = None, retain_graph: bool | None = None, create_graph: bool = False
) -> None:
    _check_roots([tensor])
    if retain_graph is None:
        retain_graph = create_graph
    run_backward([tensor], [_root_grad(tensor, grad, create_graph)], retain_graph, create_graph)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Array | Sequence[Tensor | Array | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of outputs with respect to inputs, as a tuple; `.grad` of leaves is left untouched."""
    if not isinstance(outputs, (Tensor, list, tuple)) or not isinstance(inputs, (Tensor, list, tuple)):
        raise TypeError(
            f"ag.grad needs a Tensor or a list of Tensors for outputs and inputs, got "
            f"{type(outputs).__name__} and {type(inputs).__name__}"
        )
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    _check_roots(outputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"input {i} of ag.grad does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    root_grads = [_root_grad(o, g, create_graph) for o, g in zip(outputs, grad_outputs)]
    captured = run_backward(outputs, root_grads, retain_graph, create_graph, inputs=inputs)
    result: list[Tensor | None] = []
    for i, t in enumerate(inputs):
        g = captured.get(id(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"input {i} (shape {t.shape}) was not used to compute the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            result.append(None)
        else:
            result.append(g if isinstance(g, Tensor) else Tensor(g))
    return tuple(result)
