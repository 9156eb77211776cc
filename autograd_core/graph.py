"""The backward pass: an iterative topological sort, then the chain rule applied node by node in reverse.

No recursion anywhere, so a chain of a million ops backpropagates. Leaf gradients are written only after the
whole pass succeeded, and saved arrays are freed only then: an exception inside a backward leaves every
`.grad` and the graph as they were.
"""
from heapq import heappop, heappush

import numpy as np

from . import anomaly, grad_mode, version
from .function import Scattered
from .tensor import Tensor

# Callbacks `fn(tensor, grad, input_grads)` called once per tensor when its gradient is complete, with the
# gradients its op sent to its inputs (None for a leaf). Empty unless a tool such as viz.record_gradients() is
# watching, so the backward pass pays one truth test per node for the feature.
grad_recorders = []


def toposort(roots):
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
        "the first backward(); pass retain_graph=True to the first backward() (or ag.grad) to keep them")


def _saved_array_ids(ctx):
    ids = set()
    for v in vars(ctx).values():
        for a in (v if isinstance(v, tuple) else (v,)):
            if isinstance(a, np.ndarray):
                ids.add(id(a))
    return ids


def _check_not_modified(ctx, out):
    """Raise if an array this node saved for backward was changed in place after the node was made."""
    saved = _saved_array_ids(ctx)
    for role, t in [("input", p) for p in ctx.parents] + [("output", out)]:
        if version.modified_since(t, ctx.epoch) and id(t.data) in saved:
            label = f"{t.name!r} " if t.name else ""
            raise RuntimeError(
                f"the {role} tensor {label}of shape {t.shape} that {type(ctx).__name__} saved for its backward was "
                f"modified in place after it was saved (now at version {t._version}), so its gradient would use "
                "the new values: make the in-place change after backward(), or use an out-of-place op "
                "(x = x + y instead of x += y)")


def _backward_recorded(ctx, g, out):
    """Run ctx.backward on Tensors in place of the arrays it saved, so the backward pass is itself recorded."""
    cls = type(ctx)
    proxy = cls.__new__(cls)
    proxy.parents, proxy.needs_input_grad = ctx.parents, ctx.needs_input_grad
    swaps = {id(p.data): p for p in ctx.parents if p.requires_grad}  # constants stay arrays (e.g. a bool mask)
    swaps.setdefault(id(out.data), out)
    if "_forward_out" in vars(ctx):  # the NumPy scalar a 0-d forward returned and maybe saved (Function.apply)
        swaps[id(ctx._forward_out)] = out
    saved = (np.ndarray, np.generic)
    for k, v in vars(ctx).items():
        if isinstance(v, saved):
            v = swaps.get(id(v), v)
        elif isinstance(v, tuple) and any(isinstance(a, saved) for a in v):
            v = tuple(swaps.get(id(a), a) if isinstance(a, saved) else a for a in v)
        setattr(proxy, k, v)
    with grad_mode.enable_grad():
        return cls.backward(proxy, g)


def _run_hooks(t, g, create_graph):
    for hook in list(t._hooks):
        wrapped = g if create_graph else Tensor(g)
        new = hook(wrapped)
        if new is not None:
            if tuple(new.shape) != t.shape:
                raise RuntimeError(f"hook returned a gradient of shape {tuple(new.shape)} for a tensor of shape {t.shape}")
            g = new if create_graph else np.asarray(new.data if isinstance(new, Tensor) else new)
    return g


def run_backward(roots, root_grads, retain_graph, create_graph, inputs=None):
    """Propagate root_grads from roots. Accumulates into leaves' .grad, or, with `inputs`, returns their grads.

    Nodes wait in a heap keyed by their sequence number, so each is processed once its gradient is complete
    (every node that used it was made later, hence processed earlier).
    """
    grads, heap, leaves = {}, [], []
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
    captured, done = {}, []
    epoch = version.epoch
    while heap:
        t = heappop(heap)[1]
        g = grads.pop(id(t))
        if t._hooks:
            g = _run_hooks(t, g, create_graph)
        if wanted is not None and id(t) in wanted:
            captured[id(t)] = g
        ctx = t._ctx
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
            parent_grads = (parent_grads,)
        if anomaly.enabled:
            anomaly.check_backward(ctx, [pg.values if type(pg) is Scattered else pg for pg in parent_grads])
        if len(parent_grads) != len(ctx.parents):
            raise RuntimeError(f"{type(ctx).__name__}.backward returned {len(parent_grads)} gradients "
                               f"for {len(ctx.parents)} inputs")
        for p, pg in zip(ctx.parents, parent_grads):
            if pg is None or not p.requires_grad:
                continue
            if type(pg) is Scattered:
                arrive_scattered(p, pg)
                continue
            if pg.shape != p.data.shape:
                raise RuntimeError(f"{type(ctx).__name__}.backward returned a gradient of shape {pg.shape} "
                                   f"for an input of shape {p.data.shape}")
            if pg.dtype != p.data.dtype:
                pg = pg.astype(p.data.dtype)
            arrive(p, pg)
        if grad_recorders:
            _record(t, g, parent_grads)
        done.append(ctx)
    updates = []
    for t in leaves:
        g = grads.pop(id(t))
        if t._hooks:
            g = _run_hooks(t, g, create_graph)
        if grad_recorders:
            _record(t, g, None)
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


def _record(t, g, input_grads):
    if input_grads is not None:  # recorders see what the op sent, as an array, whichever way it was added
        input_grads = tuple(pg.dense() if type(pg) is Scattered else pg for pg in input_grads)
    for fn in list(grad_recorders):
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
            raise RuntimeError(f"backward() without a gradient needs a scalar output, this one has shape "
                               f"{root.shape}: pass grad= of that shape, or reduce first (e.g. .sum())")
        g = np.ones_like(root.data)
    else:
        g = grad.data if isinstance(grad, Tensor) else np.asarray(grad, dtype=root.data.dtype)
        if g.shape != root.shape:
            raise RuntimeError(f"gradient of shape {g.shape} does not match the output's shape {root.shape}")
    if create_graph:
        return grad if isinstance(grad, Tensor) else Tensor(g)
    return g


def _check_roots(roots):
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"backward needs Tensors, got {type(r).__name__}")
        if not r.requires_grad:
            raise RuntimeError("this tensor does not require grad and has no graph: did any input have "
                               "requires_grad=True, and was it computed outside ag.no_grad()?")


def backward(tensor, grad=None, retain_graph=None, create_graph=False):
    _check_roots([tensor])
    if retain_graph is None:
        retain_graph = create_graph
    run_backward([tensor], [_root_grad(tensor, grad, create_graph)], retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """The gradients of outputs with respect to inputs, as a tuple; `.grad` of leaves is left untouched."""
    if not isinstance(outputs, (Tensor, list, tuple)) or not isinstance(inputs, (Tensor, list, tuple)):
        raise TypeError(f"ag.grad needs a Tensor or a list of Tensors for outputs and inputs, got "
                        f"{type(outputs).__name__} and {type(inputs).__name__}")
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
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(id(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"input {i} (shape {t.shape}) was not used to compute the outputs; "
                                   "pass allow_unused=True to get None for it")
            result.append(None)
        else:
            result.append(g if isinstance(g, Tensor) else Tensor(g))
    return tuple(result)
