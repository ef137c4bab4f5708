"""Metrics for Model.fit/evaluate: accuracy, top-k accuracy, mse, mae (each returns a 0-d tensor)."""
from autograd import no_grad

__all__ = ["accuracy", "top_k_accuracy", "mse", "mae", "get_metric"]


def accuracy(pred, target):
    """Share of correct predictions.

    Class scores (..., C) with C > 1: the arg-max is compared with class indices, or with the arg-max of one-hot /
    probability targets. One score per sample ((N,) or (N, 1)): a binary prediction, positive above 0.5 when every
    score lies in [0, 1] (probabilities) and above 0 otherwise (logits); targets are 0/1.
    """
    with no_grad():
        if pred.ndim and pred.shape[-1] > 1 and pred.ndim == target.ndim + 1:
            return (pred.argmax(dim=-1) == target).float().mean()
        if pred.ndim and pred.shape[-1] > 1 and pred.shape == target.shape:
            return (pred.argmax(dim=-1) == target.argmax(dim=-1)).float().mean()
        scores = pred.reshape(-1)
        labels = target.reshape(-1)
        if scores.shape != labels.shape:
            raise ValueError(f"accuracy: predictions of shape {tuple(pred.shape)} do not match targets of shape "
                             f"{tuple(target.shape)}")
        probabilities = bool(((scores >= 0) & (scores <= 1)).all())
        positive = scores > (0.5 if probabilities else 0.0)
        return (positive == (labels > 0.5)).float().mean()


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
