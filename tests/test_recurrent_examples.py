"""The recurrent examples run, on small settings, and show what they claim."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_char_rnn_learns_hello(cell, capsys):
    guess, loss = load("char_rnn_hello").main(["--cell", cell, "--hidden", "3", "--steps", "200"])
    assert guess == "ello"
    assert loss < 0.1
    assert "sample 0: h" in capsys.readouterr().out


def test_sequence_digits_lstm_and_gru_reach_95_percent():
    pytest.importorskip("sklearn")
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    # BLAS threads on these small matmuls only contend for the cores (6x slower on a busy 2-core machine)
    with threadpool_limits(limits=1, user_api="blas"):
        results = load("sequence_digits").main(["--no-progress"])
    assert set(results) == {"lstm", "gru"}
    for cell, acc in results.items():
        assert acc >= 0.95, f"{cell}: test accuracy {acc:.3f}"


def test_vanishing_and_exploding_gradients(capsys):
    vg = load("vanishing_gradients")
    panels, runs, fig = vg.main(["--steps", "100", "--train-steps", "12"])
    norms = {label: vg.norms(grads) for _, curves in panels for label, grads, _ in curves}
    to_end = 99 - np.arange(100)  # T-1-t
    np.testing.assert_allclose(norms["measured, ρ(W_hh) = 0.90"], 0.9**to_end, rtol=1e-3)
    np.testing.assert_allclose(norms["measured, ρ(W_hh) = 1.10"], 1.1**to_end, rtol=1e-3)
    assert norms["RNN"][0] < 1e-10 * norms["RNN"][-1]
    assert norms["LSTM, forget-gate bias +3 (f ≈ 0.95)"][0] > 1e6 * norms["LSTM"][0]
    assert norms["GRU, update-gate bias +3 (z ≈ 0.95)"][0] > 1e6 * norms["GRU"][0]
    unclipped = [loss for loss, _ in runs[False]]
    clipped = [loss for loss, _ in runs[True]]
    assert not all(math.isfinite(v) and v < 1e6 for v in unclipped)  # explodes
    assert all(math.isfinite(v) and v < 10 for v in clipped)  # tamed
    assert "clip_grad_norm_(1.0)" in capsys.readouterr().out
    assert fig is None  # no --out, no figure


@pytest.mark.parametrize("flag, name", [("--out", "figure.png"), ("--out", ""), ("--plot", "norms.png")])
def test_vanishing_gradients_figure_goes_to_out(tmp_path, flag, name):
    pytest.importorskip("matplotlib")
    _, _, fig = load("vanishing_gradients").main(["--steps", "20", "--train-steps", "2", flag, str(tmp_path / name)])
    path = tmp_path / (name or "vanishing_gradients.png")  # a folder gets the default file name
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert len(fig.axes) == 3


def test_sine_forecast_beats_repeating_the_last_value():
    scores = load("sine_forecast").main(["--epochs", "3", "--chunk", "25"])
    assert scores["gru"] < 0.5 * scores["repeat last value"]
    assert scores["gru"] > scores["noise floor (clean x_{t+1})"] * 0.5  # sanity: the floor is a floor
