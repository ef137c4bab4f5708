"""Metrics for Model.fit/evaluate: accuracy, top-k accuracy, mse, mae (each returns a 0-d tensor)."""
from autograd import no_grad

__all__ = ["accuracy", "top_k_accuracy", "mse", "mae", "get_metric"]


def accuracy(pred, target):
    """Share of rows whose arg-max matches the class index (or the arg-max of one-hot/probability targets)."""
    with no_grad():
        if target.ndim == pred.ndim and target.is_floating_point():
            target = target.argmax(dim=-1)
        if pred.ndim == target.ndim and pred.is_floating_point():  # binary: one probability or logit per row
            return ((pred > 0.5).long() == target.long()).float().mean()
        return (pred.argmax(dim=-1) == target).float().mean()


def top_k_accuracy(pred, target, k=5):
    """Share of rows whose class index is among the k highest scores."""
    with no_grad():
        top = pred.topk(k, dim=-1).indices
        return (top == target.unsqueeze(-1)).any(dim=-1).float().mean()


def mse(pred, target):
    """Mean squared error."""
    with no_grad():
        return ((pred - target) ** 2).mean()


def mae(pred, target):
    """Mean absolute error."""
    with no_grad():
        return (pred - target).abs().mean()


_BY_NAME = {"accuracy": accuracy, "acc": accuracy, "top_k_accuracy": top_k_accuracy, "top5": top_k_accuracy,
            "mse": mse, "mae": mae}


def get_metric(metric):
    """A metric function from its name (accuracy, top_k_accuracy, mse, mae) or the function itself."""
    if callable(metric):
        return metric
    if metric not in _BY_NAME:
        raise ValueError(f"unknown metric {metric!r}; known: {sorted(_BY_NAME)} or pass a function(pred, target)")
    return _BY_NAME[metric]
