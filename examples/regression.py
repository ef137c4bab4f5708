"""Regression on scikit-learn's diabetes data: a linear model by L-BFGS (checked against least squares) and an MLP."""
import argparse
import time

import numpy as np

import autograd as ag
import nn
import optim


def load_diabetes(seed=0, test_fraction=0.2):
    """(X_train, y_train, X_test, y_test) as float32 arrays: 442 patients, 10 features, a disease-progression score."""
    try:
        from sklearn.datasets import load_diabetes as _sk_diabetes
    except ImportError:
        raise SystemExit('this example reads the diabetes data inside scikit-learn: pip install -e ".[examples]"')
    data = _sk_diabetes()
    X, y = data.data.astype(np.float32), data.target.astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def r2(pred, target):
    """The coefficient of determination, 1 - SS_res / SS_tot."""
    return 1.0 - float(((pred - target) ** 2).sum() / ((target - target.mean()) ** 2).sum())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=60, help="epochs of the MLP")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.3)
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--smoke", action="store_true", help="a few seconds' run for the tests")
    args = p.parse_args(argv)
    if args.smoke:
        args.epochs = 5
    ag.manual_seed(args.seed)
    X_train, y_train, X_test, y_test = load_diabetes(args.seed)
    mean, std = X_train.mean(0), X_train.std(0)   # standardize with the training statistics only
    y_mean, y_std = y_train.mean(), y_train.std()
    Xtr = ag.tensor((X_train - mean) / std, device=args.device)
    Xte = ag.tensor((X_test - mean) / std, device=args.device)
    ytr = ag.tensor(((y_train - y_mean) / y_std)[:, None], device=args.device)
    start = time.perf_counter()

    # 1. a linear model by L-BFGS: it should land on the least-squares solution
    linear = nn.Linear(10, 1).to(args.device)
    lbfgs = optim.LBFGS(linear.parameters(), lr=1, max_iter=100, line_search_fn="strong_wolfe")

    def closure():
        lbfgs.zero_grad()
        loss = nn.functional.mse_loss(linear(Xtr), ytr)
        loss.backward()
        return loss

    lbfgs.step(closure)
    with ag.no_grad():
        pred_linear = linear(Xte).cpu().numpy()[:, 0] * y_std + y_mean
    A = np.hstack([(X_train - mean) / std, np.ones((len(X_train), 1), np.float32)]).astype(np.float64)
    coef = np.linalg.lstsq(A, (y_train - y_mean) / y_std, rcond=None)[0]
    fitted = np.concatenate([linear.weight.detach().cpu().numpy()[0], linear.bias.detach().cpu().numpy()])
    coef_gap = float(np.abs(fitted - coef).max())
    print(f"linear (L-BFGS): test R2 {r2(pred_linear, y_test):.4f}, largest gap to the least-squares "
          f"coefficients {coef_gap:.2e}")

    # 2. an MLP with minibatches, AdamW and a cosine schedule
    mlp = nn.Sequential(nn.Linear(10, 64), nn.SiLU(), nn.Dropout(0.1), nn.Linear(64, 64), nn.SiLU(),
                        nn.Linear(64, 1)).to(args.device)
    opt = optim.AdamW(mlp.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    losses = []
    n = len(Xtr)
    for epoch in range(args.epochs):
        mlp.train()
        order = ag.randperm(n).to(args.device)
        total = 0.0
        for i in range(0, n, args.batch_size):
            idx = order[i:i + args.batch_size]
            loss = nn.functional.mse_loss(mlp(Xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        losses.append(total / n)
        if (epoch + 1) % max(1, args.epochs // 10) == 0:
            print(f"epoch {epoch + 1:3d}  train mse (standardized) {losses[-1]:.4f}")
    mlp.eval()
    with ag.no_grad():
        pred_mlp = mlp(Xte).cpu().numpy()[:, 0] * y_std + y_mean
    seconds = time.perf_counter() - start
    result = {"linear_r2": r2(pred_linear, y_test), "linear_coef_gap": coef_gap, "mlp_r2": r2(pred_mlp, y_test),
              "mlp_rmse": float(np.sqrt(((pred_mlp - y_test) ** 2).mean())),
              "linear_rmse": float(np.sqrt(((pred_linear - y_test) ** 2).mean())),
              "first_loss": losses[0], "final_loss": losses[-1], "seconds": seconds}
    print(f"test R2: linear {result['linear_r2']:.4f}, MLP {result['mlp_r2']:.4f}; test RMSE: linear "
          f"{result['linear_rmse']:.1f}, MLP {result['mlp_rmse']:.1f}; {seconds:.1f} s on {args.device}")
    return result


if __name__ == "__main__":
    main()
