"""Bad input raises ValueError/TypeError/RuntimeError/IndexError with a message naming what was expected and given."""

import numpy as np
import pytest

import autograd_core as ag

X = ag.tensor(np.ones((2, 3)), requires_grad=True)

BAD = {  # name: (call, exception type, regex the message must match)
    "add shapes": (lambda: X + ag.ones(4), ValueError, r"\(2, 3\) and \(4,\)"),
    "mul shapes": (lambda: X * np.ones((3, 2)), ValueError, r"\(2, 3\) and \(3, 2\)"),
    "sub shapes": (lambda: X - ag.ones(3, 2), ValueError, r"\(2, 3\) and \(3, 2\)"),
    "div shapes": (lambda: X / ag.ones(3, 2), ValueError, r"\(2, 3\) and \(3, 2\)"),
    "pow shapes": (lambda: X ** ag.ones(4), ValueError, r"\(2, 3\) and \(4,\)"),
    "maximum shapes": (lambda: ag.maximum(X, ag.ones(4)), ValueError, r"\(2, 3\) and \(4,\)"),
    "where shapes": (lambda: ag.where(np.ones(5, bool), X, X), ValueError, r"\(5,\) and \(2, 3\)"),
    "sum axis": (lambda: X.sum(2), ValueError, "axis 2 .* 2 dimensions"),
    "max axis": (lambda: X.max(-3), ValueError, "axis -3 .* 2 dimensions"),
    "min axis": (lambda: X.min(3), ValueError, "axis 3 .* 2 dimensions"),
    "mean axis": (lambda: X.mean((0, 5)), ValueError, "axis 5 .* 2 dimensions"),
    "var axis": (lambda: X.var(4), ValueError, "axis 4 .* 2 dimensions"),
    "repeated axis": (lambda: X.sum((0, -2)), ValueError, "repeated axis"),
    "softmax axis": (lambda: X.softmax(3), ValueError, "axis 3 .* 2 dimensions"),
    "log_softmax axis": (lambda: X.log_softmax(-3), ValueError, "axis -3 .* 2 dimensions"),
    "logsumexp axis": (lambda: X.logsumexp(2), ValueError, "axis 2 .* 2 dimensions"),
    "var ddof": (lambda: X.var(0, ddof=2), ValueError, "ddof=2 .* 2"),
    "mean empty": (lambda: ag.zeros(0, 3).mean(0), ValueError, r"\(0, 3\)"),
    "max empty": (lambda: ag.zeros(0).max(), ValueError, "empty"),
    "reshape": (lambda: X.reshape(4, 2), ValueError, r"\(2, 3\).*\(4,\s?2\)"),
    "transpose axes": (lambda: X.transpose(0, 2), ValueError, "axis 2 .* 2 dimensions"),
    "transpose repeated": (lambda: X.permute(1, -1), ValueError, "repeated axis"),
    "transpose too few": (lambda: X.transpose(1), ValueError, r"\(2, 3\)"),
    "swapaxes": (lambda: X.swapaxes(0, 5), ValueError, "axis 5 .* 2 dimensions"),
    "flatten": (lambda: X.flatten(5), ValueError, "axis 5 .* 2 dimensions"),
    "broadcast_to": (lambda: X.broadcast_to((3, 3)), ValueError, r"\(2, 3\) to shape \(3, 3\)"),
    "expand": (lambda: X.expand(4, 3), ValueError, r"\(2, 3\) to shape \(4, 3\)"),
    "squeeze": (lambda: X.squeeze(0), ValueError, r"size 2 \(shape \(2, 3\)\)"),
    "unsqueeze": (lambda: X.unsqueeze(5), ValueError, "axis 5"),
    "matmul inner": (lambda: X @ ag.ones(2, 2), ValueError, r"\(2, 3\) and \(2, 2\).*3 .*!= 2"),
    "matmul 1-d": (lambda: X @ ag.ones(2), ValueError, r"\(2, 3\) and \(2,\)"),
    "matmul batch": (lambda: ag.ones(2, 2, 3) @ ag.ones(3, 3, 2), ValueError, r"\(2, 2, 3\) and \(3, 3, 2\)"),
    "matmul 0-d": (lambda: X @ ag.tensor(1.0), ValueError, r"\(2, 3\) and \(\)"),
    "index int": (lambda: X[5], IndexError, r"\(2, 3\)"),
    "index array": (lambda: X[np.array([5])], IndexError, r"\(2, 3\)"),
    "index mask": (lambda: X[np.ones(4, bool)], IndexError, r"\(2, 3\)"),
    "too many indices": (lambda: X[0, 0, 0], IndexError, r"\(2, 3\)"),
    "concatenate": (lambda: ag.concatenate([X, ag.ones(2, 2)], axis=0), ValueError, r"\(2, 3\), \(2, 2\)"),
    "concatenate axis": (lambda: ag.concatenate([X, X], axis=3), ValueError, "axis 3"),
    "concatenate 0-d": (lambda: ag.concatenate([ag.tensor(1.0)]), ValueError, "0-d"),
    "concatenate none": (lambda: ag.concatenate([]), ValueError, "at least one"),
    "stack": (lambda: ag.stack([X, ag.ones(3, 2)]), ValueError, r"\(2, 3\), \(3, 2\)"),
    "split sections": (lambda: ag.split(X, 2, axis=1), ValueError, "size 3 into 2"),
    "split axis": (lambda: ag.split(X, 2, axis=4), ValueError, "axis 4 .* 2 dimensions"),
    "pad width": (lambda: ag.pad(X, ((1, 1),) * 3), ValueError, r"\(2, 3\)"),
    "pad negative": (lambda: ag.pad(X, -1), ValueError, "non-negative"),
    "window too large": (lambda: ag.sliding_window(X, 4), ValueError, "F=4.*D=1.*N=3.*S=1"),
    "window dilated": (
        lambda: ag.sliding_window(ag.ones(9), 3, stride=2, dilation=5),
        ValueError,
        "F=3.*D=5.*N=9.*S=2",
    ),
    "window axes": (lambda: ag.sliding_window(X, (2, 2, 2)), ValueError, r"\(2, 2, 2\).*\(2, 3\)"),
    "window stride": (lambda: ag.sliding_window(X, 2, stride=0), ValueError, "stride"),
    "backward non-scalar": (lambda: (X * 2).backward(), RuntimeError, r"scalar.*\(2, 3\)"),
    "backward grad shape": (lambda: (X * 2).backward(np.ones(3)), RuntimeError, r"\(3,\).*\(2, 3\)"),
    "int requires grad": (lambda: ag.tensor([1], requires_grad=True), TypeError, "floating.*int"),
    "item": (lambda: X.item(), ValueError, r"\(2, 3\)"),
    "grad of non-tensor": (lambda: ag.grad(1.0, X), TypeError, "Tensor"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_raises_a_clear_error(name):
    call, exc, pattern = BAD[name]
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert str(info.value)


class _WrongShape(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.sum()


class _WrongCount(ag.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y

    @staticmethod
    def backward(ctx, g):
        return g


def test_custom_backward_returning_wrong_shape_or_count_is_named():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"_WrongShape.*shape \(\).*\(2,\)"):
        _WrongShape.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="_WrongCount.backward returned 1 gradients for 2 inputs"):
        _WrongCount.apply(x, x).sum().backward()
