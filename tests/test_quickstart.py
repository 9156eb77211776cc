"""The README's demo: the neuron's chain-rule numbers and an MLP whose loss falls."""

import importlib.util
import pathlib

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "quickstart.py"


@pytest.fixture(scope="module")
def quickstart():
    spec = importlib.util.spec_from_file_location("quickstart", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_neuron_gradients_are_the_lectures(quickstart, tmp_path, capsys):
    o = quickstart.neuron_demo(str(tmp_path))
    assert o.item() == pytest.approx(0.7071, abs=1e-4)
    printed = capsys.readouterr().out
    assert "do/dw1 = 1.0000" in printed and "do/dw2 = 0.0000" in printed
    assert "parameter  'w1'" in printed  # the graph was printed with names


def test_mlp_loss_falls(quickstart):
    first = quickstart.train_mlp(steps=0, verbose=False)
    last = quickstart.train_mlp(steps=300, verbose=False)
    assert last < first / 10
