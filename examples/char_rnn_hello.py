"""The lectures' character-level RNN: learn to predict the next character of "hello" (vocabulary h, e, l, o).

    python examples/char_rnn_hello.py [--cell rnn|lstm|gru] [--hidden 8] [--steps 300]

The input "hell" is fed one one-hot character per time step; the target at each step is the next character
("ello"). The two l's need different answers (l -> l, then l -> o), so the hidden state has to remember how
far into the word it is: a feed-forward net on the current character alone could not do it.
"""

import argparse

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F

VOCAB = "helo"
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def one_hot(text):
    """(T, 1, V): one time step per character, a batch of one sequence."""
    x = np.zeros((len(text), 1, len(VOCAB)), np.float32)
    x[np.arange(len(text)), 0, [VOCAB.index(c) for c in text]] = 1
    return ag.tensor(x)


class CharRNN(nn.Module):
    """Recurrent layer, then a linear read-out of the hidden state at every step into V scores."""

    def __init__(self, cell="rnn", hidden=8):
        super().__init__()
        self.rnn = CELLS[cell](len(VOCAB), hidden)
        self.head = nn.Linear(hidden, len(VOCAB))

    def forward(self, x, state=None):
        out, state = self.rnn(x, state)  # (T, 1, H)
        return self.head(out), state  # (T, 1, V) scores


def train(cell="rnn", hidden=8, steps=300, lr=0.05, seed=0, verbose=True):
    """Fit "hell" -> "ello"; returns the model and its final loss."""
    nn.init.manual_seed(seed)
    model = CharRNN(cell, hidden)
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    x, target = one_hot("hell"), np.array([VOCAB.index(c) for c in "ello"])
    for step in range(steps + 1):
        scores, _ = model(x)
        loss = F.cross_entropy(scores.reshape(-1, len(VOCAB)), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if verbose and step % max(1, steps // 5) == 0:
            print(f"step {step:4d}  loss {loss.item():.4f}")
    return model, loss.item()


def predict(model, text="hell"):
    """The most likely next character after each prefix of text."""
    with ag.no_grad():
        scores, _ = model(one_hot(text))
    return "".join(VOCAB[i] for i in scores.numpy()[:, 0].argmax(-1))


def sample(model, start="h", length=4, temperature=1.0, seed=0):
    """Generate characters one step at a time, feeding each sample back in and carrying the hidden state."""
    rng = np.random.default_rng(seed)
    text, state = start, None
    with ag.no_grad():
        for _ in range(length):
            scores, state = model(one_hot(text[-1]), state)
            p = (scores[-1, 0] / temperature).softmax().numpy().astype(np.float64)
            text += VOCAB[rng.choice(len(VOCAB), p=p / p.sum())]
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", choices=sorted(CELLS), default="rnn")
    parser.add_argument("--hidden", type=int, default=8)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    model, loss = train(args.cell, args.hidden, args.steps, seed=args.seed)
    guess = predict(model)
    print(f"{args.cell}: after 'h', 'he', 'hel', 'hell' it predicts {guess!r} (target 'ello')")
    for s in range(3):
        print(f"sample {s}: {sample(model, seed=s)}")
    return guess, loss


if __name__ == "__main__":
    main()
