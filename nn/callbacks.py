"""Callbacks for Model.fit (EarlyStopping, ModelCheckpoint, LearningRateScheduler, CSVLogger) and History."""
import copy
import csv
import math
import os

from autograd import save

__all__ = ["Callback", "History", "ProgressBar", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler",
           "CSVLogger"]


class Callback:
    """Base class: override the hooks you need; `self.model` is the Model being trained."""

    model = None

    def set_model(self, model):
        """Called by fit before training."""
        self.model = model

    def on_train_begin(self):
        """Before the first epoch."""

    def on_epoch_begin(self, epoch):
        """Before each epoch."""

    def on_batch_end(self, step, logs):
        """After each training step; logs holds the batch loss (a tensor: no host sync unless you read it)."""

    def on_epoch_end(self, epoch, logs):
        """After each epoch; logs holds the epoch's mean loss and metrics (and val_* ones)."""

    def on_train_end(self):
        """After the last epoch."""


class History:
    """Per-epoch metrics recorded by fit: history.history["loss"] is a list, one value per epoch."""

    def __init__(self):
        self.epoch = []
        self.history = {}

    def append(self, epoch, logs):
        """Record one epoch's logs."""
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)

    def __getitem__(self, key):
        return self.history[key]

    def __repr__(self):
        last = {k: round(v[-1], 4) for k, v in self.history.items()}
        return f"History(epochs={len(self.epoch)}, last={last})"

    def plot(self, keys=None, ax=None):
        """Plot the training curves with matplotlib (optional dependency); returns the axes."""
        try:
            import matplotlib.pyplot as plt  # optional dependency
        except ImportError:
            raise ImportError("History.plot needs matplotlib: pip install matplotlib") from None
        if ax is None:
            _, ax = plt.subplots()
        for k in keys or self.history:
            ax.plot([e + 1 for e in self.epoch], self.history[k], marker="o", label=k)
        ax.set_xlabel("epoch")
        ax.legend()
        return ax


class ProgressBar(Callback):
    """A tqdm progress bar per epoch (the notebook widget in Jupyter with ipywidgets); plain lines without tqdm."""

    bar = None
    _open = []  # bars of a fit that stopped mid-epoch (Ctrl-C, an error): closed when the next fit starts

    def on_train_begin(self):
        while ProgressBar._open:  # a bar left open would push the next ones down a line in a terminal
            ProgressBar._open.pop().close()

    def on_epoch_begin(self, epoch):
        try:
            from tqdm.auto import tqdm  # optional dependency
        except ImportError:
            self.bar = None
            return
        self.bar = tqdm(desc=f"epoch {epoch + 1}", total=getattr(self.model, "steps_per_epoch", None),
                        unit="batch", leave=True)
        ProgressBar._open.append(self.bar)
        self._step = 0

    def on_batch_end(self, step, logs):
        if self.bar is not None:
            self.bar.update(1)
            self._step += 1

    def on_epoch_end(self, epoch, logs):
        text = " ".join(f"{k}={v:.4f}" for k, v in logs.items())
        if self.bar is None:
            print(f"epoch {epoch + 1}: {text}")
            return
        self.bar.set_postfix_str(text)
        self.bar.close()
        ProgressBar._open[:] = [b for b in ProgressBar._open if b is not self.bar]  # tqdm's == compares positions


def _better(mode, value, best, min_delta):
    if best is None:
        return True
    return value < best - min_delta if mode == "min" else value > best + min_delta


def _mode(mode, monitor):
    if mode == "auto":
        return "max" if "acc" in monitor else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min', 'max' or 'auto', got {mode!r}")
    return mode


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by min_delta for `patience` epochs."""

    def __init__(self, monitor="val_loss", patience=0, min_delta=0.0, mode="auto", restore_best_weights=False):
        self.monitor, self.patience, self.min_delta = monitor, patience, abs(min_delta)
        self.mode = _mode(mode, monitor)
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self):
        self.best, self.wait, self.best_state, self.stopped_epoch = None, 0, None, None

    def on_epoch_end(self, epoch, logs):
        if self.monitor not in logs:
            raise KeyError(f"EarlyStopping: '{self.monitor}' is not among the logged values {sorted(logs)}")
        value = logs[self.monitor]
        if _better(self.mode, value, self.best, self.min_delta):
            self.best, self.wait = value, 0
            if self.restore_best_weights:
                self.best_state = copy.deepcopy(self.model.net.state_dict())
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.best_state is not None:
                self.model.net.load_state_dict(self.best_state)


class ModelCheckpoint(Callback):
    """Save the net's state_dict after each epoch (or only on improvement) with autograd.save."""

    def __init__(self, filepath, monitor="val_loss", save_best_only=False, mode="auto"):
        self.filepath, self.monitor, self.save_best_only = filepath, monitor, save_best_only
        self.mode = _mode(mode, monitor)
        self.best = None

    def on_epoch_end(self, epoch, logs):
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None:
                raise KeyError(f"ModelCheckpoint: '{self.monitor}' is not among the logged values {sorted(logs)}")
            if not _better(self.mode, value, self.best, 0.0):
                return
            self.best = value
        path = self.filepath.format(epoch=epoch + 1, **logs)
        save(self.model.net.state_dict(), path)


class LearningRateScheduler(Callback):
    """Step an optim.lr_scheduler object after every epoch, or set lr = schedule(epoch, lr) before each epoch."""

    def __init__(self, schedule):
        self.schedule = schedule

    def on_epoch_begin(self, epoch):
        if callable(self.schedule) and not hasattr(self.schedule, "step"):
            for group in self.model.optimizer.param_groups:
                group["lr"] = float(self.schedule(epoch, group["lr"]))

    def on_epoch_end(self, epoch, logs):
        if hasattr(self.schedule, "step"):
            if type(self.schedule).__name__ == "ReduceLROnPlateau":
                self.schedule.step(logs.get("val_loss", logs["loss"]))
            else:
                self.schedule.step()


class CSVLogger(Callback):
    """Append each epoch's logs as a row of a CSV file."""

    def __init__(self, filename, append=False):
        self.filename, self.append = filename, append

    def on_train_begin(self):
        self._keys = None
        if not self.append and os.path.exists(self.filename):
            os.remove(self.filename)

    def on_epoch_end(self, epoch, logs):
        keys = ["epoch"] + sorted(logs)
        new = not os.path.exists(self.filename)
        with open(self.filename, "a", newline="") as f:
            writer = csv.writer(f)
            if new:
                writer.writerow(keys)
            writer.writerow([epoch + 1] + [logs[k] if not isinstance(logs[k], float) or math.isfinite(logs[k])
                                           else repr(logs[k]) for k in keys[1:]])
