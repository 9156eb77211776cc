"""Gradient-flow figures tell the story: every step drawn, labels that agree, lost steps named, theory on the plot.

Assertions are on matplotlib's objects (titles, labels, lines, texts), not on pixels.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import autograd_core as ag
import nn
import viz

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vanishing_gradients.py"
FLOAT32_TINY = 2.0**-126  # the smallest normal float32


def example():
    spec = importlib.util.spec_from_file_location("example_vanishing_gradients", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def close_figures():
    yield
    matplotlib.pyplot.close("all")  # pyplot keeps every figure until closed; the objects stay readable


def notes(ax):
    return [t.get_text() for t in ax.texts]


def legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def decaying(steps, dtype=np.float32):
    """dL/dh_t = 0.5^(T-1-t) * (1, 1, 1, 1)/2: a norm of 0.5^(T-1-t)."""
    return [np.full(4, 0.5 * 0.5 ** (steps - 1 - t), dtype) for t in range(steps)]


def test_every_time_step_is_drawn_and_the_labels_say_what_is_drawn():
    grads = decaying(50)
    fig = viz.plot_grad_over_time(grads, title="my RNN", label="RNN")
    (ax,) = fig.axes
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(50))  # t = 0..49: all 50 steps
    np.testing.assert_allclose(line.get_ydata(), 0.5 ** (49 - np.arange(50)), rtol=1e-6)
    assert ax.get_xlim()[0] < 0 and ax.get_xlim()[1] > 49
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("my RNN", "time step t", "||∂L/∂h_t||")
    assert ax.get_yscale() == "log" and legend(ax) == ["RNN"]
    assert notes(ax) == []  # nothing lost, nothing to say


def test_a_curve_that_underflows_to_zero_says_so_and_keeps_all_its_steps():
    grads = [np.zeros(4, np.float32)] * 12 + decaying(38)  # t = 0..11 underflowed to exactly 0
    fig = viz.plot_grad_over_time(grads, label="RNN")
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(50))
    assert np.isnan(line.get_ydata()[:12]).all() and (line.get_ydata()[12:] > 0).all()
    assert notes(ax) == ["RNN: underflows to 0 for t ≤ 11"]


def test_below_the_dtypes_smallest_normal_is_an_underflow_too():
    subnormal = np.full(4, FLOAT32_TINY / 100, np.float32)
    ax = viz.plot_grad_over_time([subnormal] * 3 + decaying(5), label="LSTM").axes[0]
    assert notes(ax) == ["LSTM: underflows (< 1.2e-38, float32's smallest normal) for t ≤ 2"]
    # the same number in float64 is a normal number, drawn as it is
    ax = viz.plot_grad_over_time([subnormal.astype(np.float64)] * 3 + decaying(5), label="LSTM").axes[0]
    assert notes(ax) == [] and not np.isnan(ax.get_lines()[0].get_ydata()).any()


def test_lost_steps_in_the_middle_and_overflow_are_named_too():
    grads = decaying(10, np.float64)
    grads[4] = grads[5] = np.zeros(4)
    grads[0] = np.full(4, np.inf)
    ax = viz.plot_grad_over_time(grads, label="GRU").axes[0]
    assert notes(ax) == ["GRU: underflows to 0 at t = 4..5", "GRU: overflows to inf/nan for t ≤ 0"]


def test_curves_sharing_an_axes_each_get_their_own_note_and_legend_entry():
    ax = viz.plot_grad_over_time([np.zeros(2)] * 3 + decaying(7), label="a").axes[0]
    viz.plot_grad_over_time([np.zeros(2)] * 5 + decaying(5), label="b", ax=ax)
    assert notes(ax) == ["a: underflows to 0 for t ≤ 2", "b: underflows to 0 for t ≤ 4"]
    assert legend(ax) == ["a", "b"]
    y = [t.get_position()[1] for t in ax.texts]
    assert y[0] != y[1]  # one line each, not on top of each other


@pytest.fixture(scope="module")
def figure():
    """The example's figure at T = 160: long enough for the plain RNN to underflow float32."""
    vg = example()
    panels = vg.panels(160)
    return vg, panels, vg.figure(panels, 160)


def test_the_example_draws_three_titled_panels_in_the_order_of_the_story(figure):
    _, _, fig = figure
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 3
    assert "RNN vs LSTM vs GRU" in titles[0] and "PyTorch's default initialisation" in titles[0]
    assert "forget-gate" in titles[1] and "update-gate" in titles[1] and "+3" in titles[1]
    assert "0.9" in titles[2] and "1.1" in titles[2] and "ρ^(T-1-t)" in titles[2]
    assert "T = 160" in fig._suptitle.get_text()


def test_every_panel_draws_every_step_of_every_curve_with_the_same_axis_labels(figure):
    _, panels, fig = figure
    for ax, (_, curves) in zip(fig.axes, panels):
        assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == ("time step t", "||∂L/∂h_t||", "log")
        assert len(ax.get_lines()) == len(curves)
        assert legend(ax) == [label for label, _, _ in curves] == [ln.get_label() for ln in ax.get_lines()]
        for line in ax.get_lines():
            np.testing.assert_array_equal(line.get_xdata(), np.arange(160))
    assert [len(ax.get_lines()) for ax in fig.axes] == [3, 2, 4]
    assert legend(fig.axes[0]) == ["RNN", "LSTM", "GRU"]


def test_each_underflowing_curve_of_the_example_says_so(figure):
    _, panels, fig = figure
    underflowed = []
    for ax, (_, curves) in zip(fig.axes, panels):
        for label, grads, _ in curves:
            norms = np.array([np.linalg.norm(np.asarray(g, np.float64)) for g in grads])
            lost = np.flatnonzero(norms < FLOAT32_TINY)
            said = [n for n in notes(ax) if n.startswith(f"{label}: underflows")]
            if len(lost):
                np.testing.assert_array_equal(lost, np.arange(len(lost)))  # the first steps, going back in time
                assert len(said) == 1 and said[0].endswith(f"for t ≤ {lost[-1]}"), (label, said)
                underflowed.append(label)
            else:
                assert said == [], label
    assert "RNN" in underflowed  # at T = 160 the plain RNN does


def test_the_predicted_curves_are_rho_to_the_power_t_minus_1_minus_t_and_the_measurements_follow(figure):
    _, _, fig = figure
    lines = {ln.get_label(): ln.get_ydata() for ln in fig.axes[2].get_lines()}
    to_end = 159 - np.arange(160)
    np.testing.assert_allclose(lines["predicted 0.9^(T-1-t)"], 0.9**to_end, rtol=1e-12)
    np.testing.assert_allclose(lines["predicted 1.1^(T-1-t)"], 1.1**to_end, rtol=1e-12)
    np.testing.assert_allclose(lines["measured, ρ(W_hh) = 0.90"], 0.9**to_end, rtol=1e-3)
    np.testing.assert_allclose(lines["measured, ρ(W_hh) = 1.10"], 1.1**to_end, rtol=1e-3)


def test_biasing_the_keep_gates_keeps_the_gradient_alive(figure):
    _, _, fig = figure
    default = {ln.get_label(): ln.get_ydata() for ln in fig.axes[0].get_lines()}
    gated = {ln.get_label().split(",")[0]: ln.get_ydata() for ln in fig.axes[1].get_lines()}
    for cell in ("LSTM", "GRU"):
        assert gated[cell][0] > 1e10 * default[cell][0], cell
        assert gated[cell][0] > 1e-4  # still alive 159 steps back


@pytest.mark.parametrize("Cell", [nn.LSTMCell, nn.GRUCell])
def test_keep_gate_sets_the_second_gate_block_and_only_it(Cell):
    cell = Cell(3, 5)
    before = cell.bias_ih.numpy().copy() + cell.bias_hh.numpy()
    example().keep_gate(cell, 2.0)
    total = cell.bias_ih.numpy() + cell.bias_hh.numpy()
    np.testing.assert_array_equal(total[5:10], 2.0)  # LSTM i,[f],g,o; GRU r,[z],n
    np.testing.assert_array_equal(np.delete(total, np.s_[5:10]), np.delete(before, np.s_[5:10]))


def test_scope_grads_gives_every_time_step_of_an_lstm():
    rng = np.random.default_rng(0)
    out, _ = nn.LSTM(3, 4)(ag.tensor(rng.standard_normal((12, 1, 3)), dtype="float32"))
    loss = (out[-1] ** 2).sum()
    with viz.record_gradients():
        loss.backward()
    assert [path for path, _ in viz.scope_grads(loss)] == [f"LSTM/l0/t={t}" for t in range(12)]
