"""A small CNN on the 8x8 digits, PyTorch style: Conv2d/MaxPool2d, a DataLoader, Adam with a cosine schedule."""
import argparse
import time

import numpy as np

import autograd as ag
import nn
import optim
from autograd.data import DataLoader, TensorDataset, load_digits


def make_net():
    """Two conv blocks (8x8 -> 4x4 -> 2x2) and a small classifier head."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 2 * 2, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))


def shift(images, rng, max_shift=1):
    """Each image moved by up to max_shift pixels in each direction (zeros come in): cheap augmentation."""
    n = len(images)
    padded = np.pad(images, ((0, 0), (0, 0), (max_shift, max_shift), (max_shift, max_shift)))
    dy, dx = rng.integers(0, 2 * max_shift + 1, size=(2, n))
    rows = np.arange(8)[None, :] + dy[:, None]
    cols = np.arange(8)[None, :] + dx[:, None]
    return padded[np.arange(n)[:, None, None], 0, rows[:, :, None], cols[:, None, :]][:, None]


def evaluate(net, loader):
    """Accuracy and mean loss over a loader, in evaluation mode."""
    net.eval()
    correct, total, loss = 0, 0, 0.0
    with ag.no_grad():
        for x, y in loader:
            out = net(x)
            loss += nn.functional.cross_entropy(out, y, reduction="sum").item()
            correct += (out.argmax(dim=1) == y).sum().item()
            total += len(y)
    net.train()
    return correct / total, loss / total


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--no-augment", action="store_true", help="train on the images as they are")
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--smoke", action="store_true", help="a few seconds' run for the tests")
    args = p.parse_args(argv)
    ag.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    X_train, y_train, X_test, y_test = load_digits()
    X_train, X_test = X_train.reshape(-1, 1, 8, 8), X_test.reshape(-1, 1, 8, 8)
    if args.smoke:  # two short epochs: one (a cosine schedule decaying within ~90 steps) is too few for most seeds
        args.epochs, args.batch_size = 2, 16
    test_loader = DataLoader(TensorDataset(X_test, y_test), batch_size=256, device=args.device)

    net = make_net().to(args.device)
    opt = optim.Adam(net.parameters(), lr=args.lr)
    steps = args.epochs * -(-len(X_train) // args.batch_size)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    print(net)
    print(f"{sum(p.numel() for p in net.parameters()):,} parameters; {len(X_train)} training images, "
          f"{len(X_test)} test images; device {args.device}")

    start = time.perf_counter()
    first_loss = None
    train_images = X_train.numpy()
    for epoch in range(args.epochs):
        images = train_images if args.no_augment else shift(train_images, rng)
        loader = DataLoader(TensorDataset(ag.tensor(images), y_train), batch_size=args.batch_size, shuffle=True,
                            device=args.device)
        total, count = 0.0, 0
        for x, y in loader:
            loss = nn.functional.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(y)
            count += len(y)
        if first_loss is None:
            first_loss = total / count
        acc, test_loss = evaluate(net, test_loader)
        print(f"epoch {epoch + 1:2d}  train loss {total / count:.4f}  test loss {test_loss:.4f}  "
              f"test accuracy {acc:.4f}")
    seconds = time.perf_counter() - start
    accuracy, test_loss = evaluate(net, test_loader)
    print(f"test accuracy {accuracy:.4f}, test loss {test_loss:.4f}, trained in {seconds:.1f} s on {args.device}")
    return {"accuracy": accuracy, "test_loss": test_loss, "first_loss": first_loss, "final_loss": total / count,
            "seconds": seconds}


if __name__ == "__main__":
    main()
