"""A two-layer graph convolution network (Kipf & Welling) on a sparse kNN graph of the digits, 20 labels a class."""
import argparse
import time

import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.data import load_digits


def knn_graph(X, k):
    """The normalized adjacency D^-1/2 (A + I) D^-1/2 of the symmetric k-nearest-neighbour graph of the rows of X,
    as (indices, values, n) of a sparse COO matrix."""
    n = X.shape[0]
    sq = (X * X).sum(1)
    dist = sq[:, None] + sq[None, :] - 2 * X @ X.T
    np.fill_diagonal(dist, np.inf)
    nbrs = np.argpartition(dist, k, axis=1)[:, :k]
    rows = np.repeat(np.arange(n), k)
    edges = np.unique(np.concatenate([np.stack([rows, nbrs.ravel()]), np.stack([nbrs.ravel(), rows]),
                                      np.stack([np.arange(n), np.arange(n)])], axis=1), axis=1)
    degree = np.bincount(edges[0], minlength=n).astype(np.float64)
    values = 1.0 / np.sqrt(degree[edges[0]] * degree[edges[1]])
    return edges, values.astype(np.float32), n


class GCN(nn.Module):
    """H = relu(A X W1), logits = A H W2, with A the sparse normalized adjacency."""

    def __init__(self, n_in, n_hidden, n_out, dropout):
        super().__init__()
        self.lin1 = nn.Linear(n_in, n_hidden)
        self.lin2 = nn.Linear(n_hidden, n_out)
        self.dropout = dropout

    def forward(self, adj, x):
        h = F.relu(ag.sparse.mm(adj, self.lin1(F.dropout(x, self.dropout, self.training))))
        return ag.sparse.mm(adj, self.lin2(F.dropout(h, self.dropout, self.training)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--labels-per-class", type=int, default=20)
    p.add_argument("--k", type=int, default=10, help="neighbours per node in the graph")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--smoke", action="store_true", help="a few seconds' run for the tests")
    args = p.parse_args(argv)
    if args.smoke:
        args.epochs = 40
    ag.manual_seed(args.seed)
    X_train, y_train, X_test, y_test = load_digits()
    X = np.concatenate([X_train.numpy(), X_test.numpy()])
    y = np.concatenate([y_train.numpy(), y_test.numpy()])
    test = np.arange(len(X_train), len(X))
    rng = np.random.default_rng(args.seed)
    labelled = np.concatenate([rng.choice(np.flatnonzero(y[:len(X_train)] == c), args.labels_per_class,
                                          replace=False) for c in range(10)])
    start = time.perf_counter()
    edges, values, n = knn_graph(X.astype(np.float64), args.k)
    adj = ag.sparse_coo_tensor(edges, values, (n, n), device=args.device).coalesce()
    x, target = ag.tensor(X, device=args.device), ag.tensor(y, device=args.device)
    model = GCN(64, 32, 10, dropout=0.5).to(args.device)
    opt = optim.Adam(model.parameters(), lr=args.lr, weight_decay=5e-4)
    train_idx, test_idx = ag.tensor(labelled, device=args.device), ag.tensor(test, device=args.device)
    first_loss = None
    for epoch in range(args.epochs):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(adj, x)[train_idx], target[train_idx])
        loss.backward()
        opt.step()
        first_loss = loss.item() if first_loss is None else first_loss
        if (epoch + 1) % 50 == 0 or epoch + 1 == args.epochs:
            print(f"epoch {epoch + 1:4d}  train loss {loss.item():.4f}")
    model.eval()
    with ag.no_grad():
        pred = model(adj, x).argmax(1)
    accuracy = (pred[test_idx] == target[test_idx]).float().mean().item()
    print(f"graph: {n} nodes, {adj._nnz()} stored entries; {len(labelled)} labelled nodes; test accuracy "
          f"{accuracy:.4f} on {len(test)} nodes, in {time.perf_counter() - start:.1f} s on {args.device}")
    return {"accuracy": accuracy, "first_loss": first_loss, "final_loss": loss.item()}


if __name__ == "__main__":
    main()
