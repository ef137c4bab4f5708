"""The main job: an MLP learns the handwritten digits (8x8, from scikit-learn) with a progress bar."""
import argparse
import time

import autograd as ag
import nn
import optim
from autograd.data import load_digits


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--smoke", action="store_true", help="a few seconds' run for the tests")
    args = p.parse_args(argv)
    ag.manual_seed(args.seed)
    X_train, y_train, X_test, y_test = load_digits()
    if args.smoke:
        args.epochs = 2
    net = nn.Net([nn.Dense(64, 256), nn.ReLU(), nn.Dropout(0.1), nn.Dense(256, 128), nn.ReLU(), nn.Dense(128, 10)])
    model = nn.Model(net, nn.CrossEntropyLoss(), optim.Adam(lr=args.lr), device=args.device)
    print(model.summary(input_shape=(1, 64)))
    start = time.perf_counter()
    model.fit(X_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
              validation_data=(X_test, y_test), verbose=1)
    result = model.evaluate(X_test, y_test)
    print(f"test accuracy {result['accuracy']:.4f}, test loss {result['loss']:.4f}, "
          f"trained in {time.perf_counter() - start:.1f} s on {args.device}")
    return result


if __name__ == "__main__":
    main()
