"""Datasets that need no download: load_digits (the 8x8 handwritten digits shipped with scikit-learn)."""
import numpy as np

from .creation import tensor


def load_digits(test_fraction=0.2, seed=0, dtype=None):
    """(X_train, y_train, X_test, y_test): 1797 8x8 digits as 64 features scaled to [0, 1], a seeded split."""
    try:
        from sklearn.datasets import load_digits as _sk_digits
    except ImportError:
        raise ImportError("load_digits reads the copy of the digits data inside scikit-learn: "
                          'pip install scikit-learn (or pip install -e ".[examples]")') from None
    if not 0 < test_fraction < 1:
        raise ValueError(f"load_digits: test_fraction must be in (0, 1), got {test_fraction}")
    bunch = _sk_digits()
    X = bunch.data.astype(np.float32) / 16.0
    y = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return (tensor(X[train], dtype=dtype), tensor(y[train]), tensor(X[test], dtype=dtype), tensor(y[test]))
