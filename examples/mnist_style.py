"""The classic PyTorch MNIST example (pytorch/examples, mnist/main.py), line for line, on scikit-learn's bundled
8x8 digits (no download): Net with two convs, max pooling, dropout, two linears and log_softmax; Adadelta with
StepLR; DataLoader; train() and test() with argmax(dim=1, keepdim=True), eq and view_as; the state dict saved.

    python examples/mnist_style.py                      # 14 epochs, as the original
    python examples/mnist_style.py --epochs 2 --save-model

Every line that still differs from the PyTorch original, and why:

- imports: `import autograd_core as ag`, `import nn`, `import nn.functional as F`, `from nn.optim.lr_scheduler
  import StepLR`, `from nn.data import DataLoader, TensorDataset, random_split` instead of torch, torch.nn,
  torch.optim and torchvision; `torch.` is written `ag.` and `optim.` `nn.optim.`.
- `load_digits()` and a TensorDataset split 80/20 by `random_split` stand in for `datasets.MNIST(...,
  transform=...)`: sklearn's digits are 8x8 (0..16) instead of 28x28, so the transform is one line (scale to
  [0, 1], then normalise by the digits' mean and std, as `Normalize((0.1307,), (0.3081,))` does with MNIST's).
- `fc1 = nn.Linear(256, 128)` instead of `nn.Linear(9216, 128)`: 8x8 -> conv 6x6 -> conv 4x4 -> pool 2x2,
  64 * 2 * 2 = 256 (MNIST: 64 * 12 * 12 = 9216). Nothing else in Net changes.
- no --no-cuda / --no-mps flags and `device = "cpu"`: the engine runs on the CPU only (`.to(device)` is kept and
  works); the training loader takes `shuffle=True` (the original shuffles only in its CUDA kwargs).
- `ag.save(model.state_dict(), "mnist_cnn.npz")` instead of `torch.save(..., "mnist_cnn.pt")`: an .npz file,
  never a pickle.
- the epoch loop also prints each epoch's seconds (`start = time.time()` and one print), `test()` returns its
  loss and accuracy, and `main(argv=None)` returns the last of them (the original returns nothing), so a test
  can run it.
"""

import argparse
import time

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F
from nn.data import DataLoader, TensorDataset, random_split
from nn.optim.lr_scheduler import StepLR


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(256, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = ag.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(
                f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)} ({100.0 * batch_idx / len(train_loader):.0f}%)]\tLoss: {loss.item():.6f}"
            )
            if args.dry_run:
                break


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with ag.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # get the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()

    test_loss /= len(test_loader.dataset)

    print(
        f"\nTest set: Average loss: {test_loss:.4f}, Accuracy: {correct}/{len(test_loader.dataset)} ({100.0 * correct / len(test_loader.dataset):.0f}%)\n"
    )
    return test_loss, correct / len(test_loader.dataset)


def digits(seed):
    """sklearn's 8x8 digits as a train and a test dataset of (1, 8, 8) float32 images and int64 labels."""
    from sklearn.datasets import load_digits

    d = load_digits()
    images = (d.images / 16.0).astype(np.float32)[:, None]
    images = (images - images.mean()) / images.std()  # transforms.Normalize's role, with the digits' mean and std
    dataset = TensorDataset(ag.from_numpy(images), ag.from_numpy(d.target.astype(np.int64)))
    return random_split(dataset, [0.8, 0.2], generator=np.random.default_rng(seed))


def main(argv=None):
    # Training settings
    parser = argparse.ArgumentParser(description="PyTorch-style MNIST Example on 8x8 digits")
    parser.add_argument(
        "--batch-size", type=int, default=64, metavar="N", help="input batch size for training (default: 64)"
    )
    parser.add_argument(
        "--test-batch-size", type=int, default=1000, metavar="N", help="input batch size for testing (default: 1000)"
    )
    parser.add_argument("--epochs", type=int, default=14, metavar="N", help="number of epochs to train (default: 14)")
    parser.add_argument("--lr", type=float, default=1.0, metavar="LR", help="learning rate (default: 1.0)")
    parser.add_argument("--gamma", type=float, default=0.7, metavar="M", help="Learning rate step gamma (default: 0.7)")
    parser.add_argument("--dry-run", action="store_true", default=False, help="quickly check a single pass")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default: 1)")
    parser.add_argument(
        "--log-interval",
        type=int,
        default=10,
        metavar="N",
        help="how many batches to wait before logging training status",
    )
    parser.add_argument("--save-model", action="store_true", default=False, help="For Saving the current Model")
    args = parser.parse_args(argv)

    ag.manual_seed(args.seed)

    device = "cpu"

    train_kwargs = {"batch_size": args.batch_size, "shuffle": True}
    test_kwargs = {"batch_size": args.test_batch_size}

    dataset1, dataset2 = digits(args.seed)
    train_loader = DataLoader(dataset1, **train_kwargs)
    test_loader = DataLoader(dataset2, **test_kwargs)

    model = Net().to(device)
    optimizer = nn.optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        start = time.time()
        train(args, model, device, train_loader, optimizer, epoch)
        result = test(model, device, test_loader)
        print(f"epoch {epoch} took {time.time() - start:.2f}s")
        scheduler.step()

    if args.save_model:
        ag.save(model.state_dict(), "mnist_cnn.npz")
    return result


if __name__ == "__main__":
    main()
