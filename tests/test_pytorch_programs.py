"""examples/mnist_style.py and examples/word_language_model.py, PyTorch's programs written the PyTorch way, on
small settings: they learn (accuracy well above chance, validation perplexity falls), save what they trained, and
their models compute what the same models compute in PyTorch."""

import importlib.util
import math
import pathlib
import re

import numpy as np
import pytest

import autograd_core as ag

_EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, _EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mnist = _load("mnist_style")
wlm = _load("word_language_model")


@pytest.mark.parametrize("name", ["mnist_style", "word_language_model"])
def test_programs_use_the_engine_by_its_own_names_and_list_their_differences(name):
    source = (_EXAMPLES / f"{name}.py").read_text()
    assert not re.search(r"import \w+ as (torch|optim)\b", source)  # no aliasing the engine as torch
    assert "import torch" not in source
    doc = source.split('"""')[1]
    assert "Every line that still differs from the PyTorch original" in doc and doc.count("\n- ") >= 4


def test_mnist_style_learns_the_digits_and_saves_the_state_dict(tmp_path, monkeypatch, capsys):
    pytest.importorskip("sklearn")
    monkeypatch.chdir(tmp_path)
    loss, accuracy = mnist.main(["--epochs", "2", "--log-interval", "1000", "--save-model"])
    out = capsys.readouterr().out
    assert accuracy > 0.5 and loss < math.log(10)  # chance: 0.1 and log(10)
    assert "Test set: Average loss" in out and "Train Epoch: 2" in out
    saved = ag.load("mnist_cnn.npz")
    fresh = mnist.Net()
    fresh.load_state_dict(saved)
    assert sorted(saved) == sorted(fresh.state_dict())


def test_mnist_dry_run_stops_after_one_batch(capsys):
    pytest.importorskip("sklearn")
    mnist.main(["--epochs", "1", "--dry-run"])
    assert capsys.readouterr().out.count("Train Epoch") == 1


def test_mnist_net_computes_what_pytorchs_net_computes():
    torch = pytest.importorskip("torch")
    tnn, TF = torch.nn, torch.nn.functional

    class TorchNet(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = tnn.Conv2d(1, 32, 3, 1), tnn.Conv2d(32, 64, 3, 1)
            self.dropout1, self.dropout2 = tnn.Dropout(0.25), tnn.Dropout(0.5)
            self.fc1, self.fc2 = tnn.Linear(256, 128), tnn.Linear(128, 10)

        def forward(self, x):
            x = TF.max_pool2d(TF.relu(self.conv2(TF.relu(self.conv1(x)))), 2)
            x = TF.relu(self.fc1(torch.flatten(self.dropout1(x), 1)))
            return TF.log_softmax(self.fc2(self.dropout2(x)), dim=1)

    theirs, ours = TorchNet().double().eval(), mnist.Net().double().eval()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 1, 8, 8))
    np.testing.assert_allclose(ours(ag.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), atol=1e-10)


_SMALL = [
    "--emsize",
    "24",
    "--nhid",
    "24",
    "--nlayers",
    "1",
    "--bptt",
    "12",
    "--batch_size",
    "8",
    "--dropout",
    "0.0",
    "--words",
    "12",
    "--log-interval",
    "1000",
]


@pytest.mark.parametrize("model,extra", [("LSTM", []), ("GRU", ["--tied"]), ("RNN_TANH", [])])
def test_word_language_model_lowers_validation_perplexity(model, extra, tmp_path, capsys):
    val, test_loss, words = wlm.main(
        _SMALL + ["--model", model, "--epochs", "3", "--lr", "20", "--save", str(tmp_path / "m.npz")] + extra
    )
    out = capsys.readouterr().out
    assert min(val[1:]) < val[0] - 0.5, val  # ppl falls well below the untrained model's
    assert math.isfinite(test_loss) and "test ppl" in out and "valid ppl" in out
    assert len(words) == 12 and all(isinstance(w, str) for w in words)
    assert (tmp_path / "m.npz").exists()


def test_the_untrained_model_is_near_uniform_over_the_vocabulary(tmp_path):
    corpus = wlm.Corpus("heapq")
    val, _, _ = wlm.main(_SMALL + ["--epochs", "0", "--save", str(tmp_path / "m.npz")])
    assert abs(val[0] - math.log(len(corpus.dictionary))) < 0.1  # small uniform init: ppl ~ vocabulary size


def test_tied_weights_are_one_parameter_and_bad_model_names_are_refused():
    m = wlm.RNNModel("LSTM", 50, 16, 16, 1, tie_weights=True)
    assert m.decoder.weight is m.encoder.weight
    assert sum(1 for n, _ in m.named_parameters() if n.endswith("weight") and "rnn" not in n) == 1
    with pytest.raises(ValueError, match="nhid must be equal to emsize"):
        wlm.RNNModel("LSTM", 50, 16, 8, 1, tie_weights=True)
    with pytest.raises(ValueError, match="options are"):
        wlm.RNNModel("LSTMX", 50, 16, 16, 1)


def test_corpus_is_tokenized_as_the_original_does():
    corpus = wlm.Corpus("heapq")
    words = corpus.dictionary.idx2word
    assert words.count("<eos>") == 1 and corpus.train.dtype == np.int64
    first = [w for w in open(__import__("heapq").__file__).readline().split()] + ["<eos>"]
    assert [words[i] for i in corpus.train.numpy()[: len(first)]] == first


def test_word_model_computes_what_pytorchs_lstm_lm_computes():
    torch = pytest.importorskip("torch")
    ours = wlm.RNNModel("LSTM", 30, 8, 8, 2, dropout=0.0).double().eval()
    enc, rnn, dec = (
        torch.nn.Embedding(30, 8).double(),
        torch.nn.LSTM(8, 8, 2).double(),
        torch.nn.Linear(8, 30).double(),
    )
    state = ours.state_dict()  # NumPy arrays by name
    enc.weight.data = torch.tensor(state["encoder.weight"])
    rnn.load_state_dict({k[4:]: torch.tensor(v) for k, v in state.items() if k.startswith("rnn.")})
    dec.load_state_dict({k[8:]: torch.tensor(v) for k, v in state.items() if k.startswith("decoder.")})
    tokens = np.random.default_rng(1).integers(0, 30, (5, 3))
    out, (h, c) = ours(ag.tensor(tokens), ours.init_hidden(3))
    tout, (th, tc) = rnn(enc(torch.tensor(tokens)), None)
    expect = torch.log_softmax(dec(tout).view(-1, 30), dim=1)
    np.testing.assert_allclose(out.numpy(), expect.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(c.numpy(), tc.detach().numpy(), atol=1e-10)
