"""examples/cnn_digits.py on a small setting: it learns (well above the 10% of chance), and every variant runs."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("sklearn")

_PATH = pathlib.Path(__file__).resolve().parents[1] / "examples" / "cnn_digits.py"
_spec = importlib.util.spec_from_file_location("cnn_digits", _PATH)
cnn_digits = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cnn_digits)


def test_cnn_learns_the_digits_on_a_subset():
    result = cnn_digits.train("cnn", epochs=4, batch_size=32, lr=3e-3, train_size=400, progress=False)
    assert result["n_train"] == 400 and result["n_test"] == 450
    assert result["losses"][-1] < 0.5 * result["losses"][0]
    assert result["test_accuracy"] > 0.7  # chance is 0.1


@pytest.mark.parametrize("model", ["resnet", "inception"])
def test_block_variants_train(model):
    result = cnn_digits.train(model, epochs=4, batch_size=32, lr=1e-2, train_size=320, progress=False)
    assert result["losses"][-1] < 0.8 * result["losses"][0]
    assert result["test_accuracy"] > 0.4  # chance is 0.1


def test_main_prints_accuracy_and_time_per_epoch(capsys):
    cnn_digits.main(["--epochs", "1", "--train-size", "64", "--no-progress"])
    out = capsys.readouterr().out
    assert "test accuracy" in out and "s per epoch" in out


def test_unknown_model_is_rejected():
    with pytest.raises(ValueError, match="unknown model 'lenet'"):
        cnn_digits.make_model("lenet")
