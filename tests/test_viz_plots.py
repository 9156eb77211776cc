"""Gradient-flow plots: numbers per parameter, dL/dh_t per time step; matplotlib only when asked for."""

import subprocess
import sys

import numpy as np
import pytest

import autograd_core as ag
import viz
from viz.examples import lstm
from viz.plots import grad_flow


def params():
    rng = np.random.default_rng(0)
    w1 = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w2 = ag.tensor(rng.standard_normal((4, 1)), requires_grad=True)
    unused = ag.tensor(np.ones(2), requires_grad=True)
    x = ag.tensor(rng.standard_normal((5, 3)))
    ((x @ w1).tanh() @ w2).sum().backward()
    return [("fc1.weight", w1), ("fc2.weight", w2), ("unused", unused)], w1, w2


def test_grad_flow_numbers_are_mean_and_max_abs_grad_of_parameters_with_a_gradient():
    named, w1, w2 = params()
    names, means, maxes = grad_flow(named)
    assert names == ["fc1.weight", "fc2.weight"]
    np.testing.assert_allclose(means, [np.abs(w1.grad.data).mean(), np.abs(w2.grad.data).mean()], rtol=1e-6)
    np.testing.assert_allclose(maxes, [np.abs(w1.grad.data).max(), np.abs(w2.grad.data).max()], rtol=1e-6)


def test_plot_grad_flow_draws_two_bars_per_parameter_and_saves(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    named, _, _ = params()
    fig = viz.plot_grad_flow(named, path=tmp_path / "flow.png")
    (ax,) = fig.axes
    assert len(ax.patches) == 4 and ax.get_yscale() == "log"
    assert (tmp_path / "flow.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="backward"):
        viz.plot_grad_flow([("w", ag.tensor(1.0, requires_grad=True))])


def test_plot_grad_over_time_shows_the_norm_of_dl_dh_t(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    loss, hs = lstm(steps=8)
    rec = viz.record._recent[-1]
    grads = [rec.grad(h) for h in hs]
    fig = viz.plot_grad_over_time(grads, path=tmp_path / "time.png")
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(8))  # every one of the 8 steps
    np.testing.assert_allclose(line.get_ydata(), [np.linalg.norm(g) for g in grads])
    assert line.get_ydata()[0] < line.get_ydata()[-1]  # the gradient shrinks going back in time


def test_viz_imports_matplotlib_only_for_a_plot_and_says_what_to_install_when_missing():
    code = (
        "import sys, viz; assert 'matplotlib' not in sys.modules; "
        "sys.modules['matplotlib'] = None; sys.modules['matplotlib.pyplot'] = None\n"
        "try:\n    viz.plot_grad_over_time([[1.0]])\n"
        "except ImportError as e:\n    assert 'pip install matplotlib' in str(e); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_plot_grad_over_time_y_label_can_name_what_the_norm_is_of():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = viz.plot_grad_over_time([[1.0], [2.0]], title="||∂L/∂(h_t, c_t)||", ylabel="||∂L/∂(h_t, c_t)||").axes[0]
    assert ax.get_ylabel() == ax.get_title() == "||∂L/∂(h_t, c_t)||"
    assert viz.plot_grad_over_time([[1.0]]).axes[0].get_ylabel() == "||∂L/∂h_t||"
