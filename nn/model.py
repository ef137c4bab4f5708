"""Model(net, loss, optimizer): the design's forward/backward/apply_grad flow, plus fit, evaluate, predict, summary."""
import contextlib

import numpy as np

import autograd as ag

from .callbacks import Callback, History, ProgressBar
from .metrics import get_metric

__all__ = ["Model"]


_CLASSIFICATION = {"CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss"}


@contextlib.contextmanager
def _eval_mode(net):
    """Evaluation mode for a block; the previous mode comes back afterwards."""
    was = net.training
    net.eval()
    try:
        yield
    finally:
        net.train(was)


def _as_tensor(x, device):
    if isinstance(x, ag.Tensor):
        return x if device is None or x.device == device else x.to(device)
    return ag.as_tensor(np.asarray(x), device=device)


class Model:
    """Ties a net, a loss layer and an optimizer: forward(X), backward(pred, Y) -> (loss, grads), apply_grad."""

    def __init__(self, net, loss, optimizer, device=None):
        self.net = net
        self.loss = loss
        self.optimizer = optimizer
        self.device = ag.device(device) if device is not None else None
        if device is not None:
            net.to(device)
        params = list(net.parameters())
        if getattr(optimizer, "param_groups", None):
            bound = {id(p) for g in optimizer.param_groups for p in g["params"]}
            if not bound <= {id(p) for p in params}:
                raise ValueError("Model: the optimizer holds tensors that are not parameters of the net; create it "
                                 "with net.parameters(), or without parameters (e.g. optim.Adam(lr=1e-3))")
        else:
            optimizer.bind(params)
        self.history = History()
        self.stop_training = False

    # ------------------------------------------------------------------ the design's flow
    def forward(self, X):
        """The net's prediction for X."""
        return self.net(_as_tensor(X, self.device))

    def backward(self, pred, Y):
        """The loss of pred against Y and the gradient of every parameter, computed by the tape."""
        target = _as_tensor(Y, self.device)
        loss = self.loss(pred, target)
        params = list(self.net.parameters())
        grads = ag.grad(loss, params, allow_unused=True)
        return loss.detach(), list(grads)

    def apply_grad(self, grads):
        """Set the parameters' gradients to `grads` (in parameter order) and take one optimizer step."""
        params = list(self.net.parameters())
        if len(grads) != len(params):
            raise ValueError(f"Model.apply_grad: got {len(grads)} gradients for {len(params)} parameters")
        for p, g in zip(params, grads):
            p.grad = g
        self.optimizer.step()

    # ------------------------------------------------------------------ the everyday loop
    def train_step(self, X, Y):
        """One optimisation step on a batch; returns (loss, prediction), both detached."""
        self.net.train()
        self.optimizer.zero_grad()
        pred = self.forward(X)
        loss = self.loss(pred, _as_tensor(Y, self.device))
        loss.backward()
        self.optimizer.step()
        return loss.detach(), pred.detach()

    def _batches(self, X, Y, batch_size, shuffle):
        if Y is None:  # X is a loader yielding (inputs, targets)
            yield from X
            return
        n = len(X)
        order = ag.randperm(n).numpy() if shuffle else np.arange(n)
        X = X if isinstance(X, ag.Tensor) else ag.as_tensor(np.asarray(X))
        Y = Y if isinstance(Y, ag.Tensor) else ag.as_tensor(np.asarray(Y))
        for start in range(0, n, batch_size):
            idx = ag.as_tensor(order[start:start + batch_size]).to(X.device)
            yield X[idx], Y[idx.to(Y.device)]

    def _metrics(self, metrics):
        """{name: function}; by default accuracy for classification losses and nothing for the others."""
        if metrics is None:
            metrics = ("accuracy",) if type(self.loss).__name__ in _CLASSIFICATION else ()
        return {m if isinstance(m, str) else m.__name__: get_metric(m) for m in metrics}

    def fit(self, X, Y=None, epochs=1, batch_size=32, validation_data=None, callbacks=(), verbose=1, shuffle=True,
            metrics=None):
        """Train for `epochs` on (X, Y) arrays/tensors or on a loader of (inputs, targets) batches.

        validation_data is an (X, Y) pair or a loader. Returns a new History (also kept as model.history).
        """
        if Y is not None and len(X) != len(Y):
            raise ValueError(f"Model.fit: X has {len(X)} samples but Y has {len(Y)}")
        metric_fns = self._metrics(metrics)
        self.history = History()
        cbs = list(callbacks) + ([ProgressBar()] if verbose else [])
        for cb in cbs:
            if not isinstance(cb, Callback):
                raise TypeError(f"Model.fit: callbacks must subclass nn.Callback, got {type(cb).__name__}")
            cb.set_model(self)
        self.stop_training = False
        self.steps_per_epoch = (-(-len(X) // batch_size) if Y is not None else
                                (len(X) if hasattr(X, "__len__") else None))
        for cb in cbs:
            cb.on_train_begin()
        for epoch in range(epochs):
            for cb in cbs:
                cb.on_epoch_begin(epoch)
            total, count, sums = None, 0, {k: None for k in metric_fns}
            for step, (xb, yb) in enumerate(self._batches(X, Y, batch_size, shuffle)):
                loss, pred = self.train_step(xb, yb)
                n = len(xb)
                total = loss * n if total is None else total + loss * n
                target = _as_tensor(yb, self.device)
                for k, fn in metric_fns.items():
                    v = fn(pred, target) * n
                    sums[k] = v if sums[k] is None else sums[k] + v
                count += n
                for cb in cbs:
                    cb.on_batch_end(step, {"loss": loss})
            logs = {"loss": (total / count).item()}
            logs.update({k: (v / count).item() for k, v in sums.items() if v is not None})
            if validation_data is not None:
                pair = (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2
                        and not isinstance(validation_data[0], (tuple, list, dict)))
                vx, vy = validation_data if pair else (validation_data, None)  # (X, Y), or a loader of batches
                val = self._evaluate(vx, vy, metric_fns, batch_size)
                logs.update({f"val_{k}": v for k, v in val.items()})
            logs["lr"] = self.optimizer.param_groups[0]["lr"]  # the rate this epoch trained with
            self.history.append(epoch, logs)
            for cb in cbs:
                cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for cb in cbs:
            cb.on_train_end()
        return self.history

    def evaluate(self, X, Y=None, metrics=None, batch_size=256):
        """The mean loss and metrics over (X, Y) or a loader, without recording gradients."""
        return self._evaluate(X, Y, self._metrics(metrics), batch_size)

    def _evaluate(self, X, Y, metric_fns, batch_size):
        total, count, sums = 0.0, 0, {k: 0.0 for k in metric_fns}
        with _eval_mode(self.net), ag.no_grad():
            for xb, yb in self._batches(X, Y, batch_size, shuffle=False):
                pred = self.forward(xb)
                target = _as_tensor(yb, self.device)
                n = len(xb)
                total = total + self.loss(pred, target) * n
                for k, fn in metric_fns.items():
                    sums[k] = sums[k] + fn(pred, target) * n
                count += n
        if count == 0:
            raise ValueError("Model.evaluate: no samples")
        out = {"loss": float(total / count)}
        out.update({k: float(v / count) for k, v in sums.items()})
        return out

    def predict(self, X, batch_size=256):
        """The net's outputs for X, in evaluation mode (restored afterwards) and without gradients."""
        X = _as_tensor(X, self.device)
        with _eval_mode(self.net), ag.no_grad():
            parts = [self.net(X[i:i + batch_size]) for i in range(0, len(X), batch_size)]
            return ag.cat(parts) if parts else self.net(X)

    def summary(self, input_shape=None):
        """A table of layers with output shapes (when input_shape is given) and parameter counts."""
        shapes = {}
        hooks = []
        if input_shape is not None:
            for name, layer in self.net.named_children():
                hooks.append(layer.register_forward_hook(
                    lambda mod, inp, out, name=name: shapes.__setitem__(name, tuple(out.shape))))
            with _eval_mode(self.net), ag.no_grad():
                self.net(ag.zeros(*input_shape, device=self.device))
            for h in hooks:
                h.remove()
        rows = [("Layer", "Output shape", "Params")]
        total = 0
        for name, layer in self.net.named_children():
            count = sum(p.numel() for p in layer.parameters())
            total += count
            rows.append((f"{name} ({type(layer).__name__})", str(shapes.get(name, "-")), f"{count:,}"))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        trainable = sum(p.numel() for p in self.net.parameters() if p.requires_grad)
        lines += ["-" * len(lines[0]), f"Total params: {total:,}", f"Trainable params: {trainable:,}"]
        return "\n".join(lines)

    def state_dict(self):
        """The net's and the optimizer's state."""
        return {"net": self.net.state_dict(), "optimizer": self.optimizer.state_dict()}

    def load_state_dict(self, state):
        """Restore what state_dict() returned."""
        self.net.load_state_dict(state["net"])
        self.optimizer.load_state_dict(state["optimizer"])
