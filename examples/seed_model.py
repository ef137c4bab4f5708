"""The design's layered flow on the digits: Net([...]), Model(net, loss, optimizer), forward, backward, apply_grad."""
import argparse
import time

import autograd as ag
import nn
import optim
from autograd.data import load_digits


def evaluate(model, X, Y):
    """Test accuracy of the model's net, in evaluation mode and without recording the tape."""
    model.net.eval()
    with ag.no_grad():
        pred = model.forward(X)
    model.net.train()
    return (pred.argmax(dim=1) == Y).float().mean().item()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--smoke", action="store_true", help="a few seconds' run for the tests")
    args = p.parse_args(argv)
    if args.smoke:
        args.epochs = 2
    ag.manual_seed(args.seed)
    X_train, y_train, X_test, y_test = (t.to(args.device) for t in load_digits())

    net = nn.Net([nn.Dense(64, 200), nn.ReLU(), nn.Dense(200, 10)])
    model = nn.Model(net, nn.CrossEntropyLoss(), optim.Adam(lr=args.lr), device=args.device)

    start = time.perf_counter()
    losses = []
    n = len(X_train)
    for epoch in range(args.epochs):
        order = ag.randperm(n).to(args.device)
        total = 0.0
        for i in range(0, n, args.batch_size):
            idx = order[i:i + args.batch_size]
            X, Y = X_train[idx], y_train[idx]
            pred = model.forward(X)                  # the net's output
            loss, grads = model.backward(pred, Y)    # the loss and every parameter's gradient, from the tape
            model.apply_grad(grads)                  # one optimizer step
            total += loss.item() * len(idx)
        losses.append(total / n)
        print(f"epoch {epoch + 1:2d}  train loss {losses[-1]:.4f}  test accuracy {evaluate(model, X_test, y_test):.4f}")
    seconds = time.perf_counter() - start
    accuracy = evaluate(model, X_test, y_test)
    print(f"test accuracy {accuracy:.4f} after {args.epochs} epochs, trained in {seconds:.1f} s on {args.device}")
    return {"accuracy": accuracy, "first_loss": losses[0], "final_loss": losses[-1], "seconds": seconds}


if __name__ == "__main__":
    main()
