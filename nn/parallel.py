"""Data parallelism: DistributedDataParallel (one replica per process), DataParallel (one device), SyncBatchNorm."""
import contextlib
import warnings

import autograd
from autograd import distributed as dist
from autograd.distributed.reducer import Reducer, broadcast_tensors, verify_same_params

from .module import Layer
from .normalization import _BatchNorm

__all__ = ["DistributedDataParallel", "DataParallel", "SyncBatchNorm"]


class DistributedDataParallel(Layer):
    """Wraps `module` so that backward() leaves on every rank the average of all ranks' gradients.

    At construction rank 0's parameters and buffers are copied to every rank. Each forward (with grad enabled and
    outside no_sync()) arms the reducer; backward() then fills gradient buckets through parameter hooks and
    all-reduces each bucket as soon as it is full. Works with any optimizer (it only reads .grad) and Model.fit
    (give each rank its own shard, e.g. through DistributedSampler). One device per process: device_ids, if given,
    must name the module's device; output_device and dim are accepted for PyTorch compatibility.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False):
        super().__init__()
        if not isinstance(module, Layer):
            raise TypeError(f"DistributedDataParallel: module must be an nn.Layer, got {type(module).__name__}")
        if process_group is not None:
            raise ValueError("DistributedDataParallel: only the default process group (process_group=None) is "
                             "supported")
        group = dist.group.current("DistributedDataParallel")
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        state = list(module.named_parameters()) + list(module.named_buffers())  # frozen parameters too
        for n, t in state:
            if t.device.type != group.device_type:
                raise RuntimeError(f"DistributedDataParallel: the {group.name} backend needs the module on "
                                   f"{group.device_type}, but {n} is on '{t.device}'; call module.to(...) first")
        want = device_ids[0] if device_ids else None
        want = autograd.device(f"cuda:{want}" if isinstance(want, int) else want) if want is not None else None
        if want is not None and any(p.device != want for _, p in named):
            raise ValueError(f"DistributedDataParallel: device_ids={device_ids} but the module's parameters are on "
                             f"{sorted({str(p.device) for _, p in named})}; move the module there first")
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        params, names = [p for _, p in named], [n for n, _ in named]
        verify_same_params([t for _, t in state], [n for n, _ in state])
        with autograd.no_grad():
            broadcast_tensors([t for _, t in state], 0)
        self._desc, self._device_type = f"world_size={group.size}, backend={group.name}", group.device_type
        self.reducer = Reducer(params, names, 25.0 if bucket_cap_mb is None else bucket_cap_mb)

    def forward(self, *inputs, **kwargs):
        """Run the wrapped module; with grad enabled, arm the reducer for the next backward."""
        pending = self.reducer.unfinished()
        if pending:
            raise RuntimeError("DistributedDataParallel: the previous backward produced no gradient for "
                               f"{pending}, so the gradients were not averaged; if the forward does not use every "
                               "parameter, construct DDP with find_unused_parameters=True")
        if self.broadcast_buffers and self.training:
            bufs = list(self.module.buffers())
            if bufs:
                with autograd.no_grad():
                    broadcast_tensors(bufs, 0)
        out = self.module(*inputs, **kwargs)
        if autograd.is_grad_enabled() and self.require_backward_grad_sync:
            self.reducer.prepare(out if self.find_unused_parameters else None)
        else:
            self.reducer.active = False
        return out

    def _convert_all(self, device=None, dtype=None, floats_only=True):
        if device is not None and autograd.device(device).type != self._device_type:
            raise RuntimeError(f"DistributedDataParallel.to: this process group communicates {self._device_type} "
                               f"tensors; cannot move the model to '{device}'")
        super()._convert_all(device, dtype, floats_only)
        self.reducer.rebuild()  # the gradient buckets follow the parameters' new dtype/device
        return self

    @contextlib.contextmanager
    def no_sync(self):
        """Forwards run inside accumulate gradients locally; the first forward+backward after it averages them all."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def extra_repr(self):
        return self._desc


# ---------------------------------------------------------------------------- DataParallel
def _to(obj, device):
    """obj with every tensor in it (through tuples, lists and dicts) on `device`: DataParallel's scatter."""
    if isinstance(obj, autograd.Tensor):
        return obj if obj.device == device else obj.to(device)
    if isinstance(obj, (tuple, list)):
        moved = [_to(o, device) for o in obj]
        return type(obj)(*moved) if hasattr(obj, "_fields") else type(obj)(moved)
    if isinstance(obj, dict):
        return type(obj)((k, _to(v, device)) for k, v in obj.items())
    return obj


class DataParallel(Layer):
    """Wraps `module` (reachable as .module, state_dict keys 'module.*' as in PyTorch) and runs it on one device.

    tapegrad drives one device per process: on a CPU-only module device_ids is [] and forward just calls the module;
    on a GPU it is [the module's device], and tensor inputs are copied there first (PyTorch's scatter to one
    device). Several device_ids run on the first one only, with a warning: use DistributedDataParallel to train on
    several GPUs.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not isinstance(module, Layer):
            raise TypeError(f"DataParallel: module must be an nn.Layer, got {type(module).__name__}")
        devices = {t.device for t in list(module.parameters()) + list(module.buffers())}
        on_gpu = [d for d in devices if d.type == "cuda"]
        if device_ids is None:
            device_ids = [on_gpu[0].index or 0] if on_gpu else []
        device_ids = [d.index or 0 if isinstance(d, autograd.device) else int(d) for d in device_ids]
        if len(device_ids) > 1:
            warnings.warn(f"DataParallel: device_ids={device_ids}, but tapegrad runs one device per process: the "
                          f"module runs on cuda:{device_ids[0]} alone; use DistributedDataParallel (one process "
                          "per GPU) to train on several", stacklevel=2)
        self.module = module
        self.device_ids = device_ids
        self.dim = dim
        if output_device is None:
            output_device = device_ids[0] if device_ids else None
        self.output_device = output_device.index if isinstance(output_device, autograd.device) else output_device
        self.src_device_obj = autograd.device(f"cuda:{device_ids[0]}") if device_ids else autograd.device("cpu")

    def forward(self, *inputs, **kwargs):
        """The wrapped module on the inputs (moved to device_ids[0] first when that is a GPU)."""
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        want = self.src_device_obj
        for name, t in list(self.module.named_parameters()) + list(self.module.named_buffers()):
            if t.device != want:
                raise RuntimeError(f"DataParallel: module must have its parameters and buffers on device {want} "
                                   f"(device_ids[0]) but found {name} on device {t.device}; call "
                                   f"module.to('{want}') first")
        out = self.module(*_to(inputs, want), **_to(kwargs, want))
        if self.output_device is not None and self.output_device != self.device_ids[0]:
            out = _to(out, autograd.device(f"cuda:{self.output_device}"))
        return out


# ---------------------------------------------------------------------------- SyncBatchNorm
class _AllReduceSum(autograd.Function):
    """The sum over ranks of a tensor; its gradient is the sum over ranks of the gradients."""

    @staticmethod
    def forward(ctx, x):
        y = x.detach().clone()
        dist.all_reduce(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        g = gy.detach().clone()
        dist.all_reduce(g)
        return g


class SyncBatchNorm(_BatchNorm):
    """BatchNorm whose training statistics are taken over the whole batch of every process in the group.

    In one process (no process group, or a group of one) it is BatchNorm of any (N, C, *) input. In a group of
    several it all-reduces the per-channel counts, sums and squared deviations (and their gradients in backward), so
    every rank normalizes by the statistics of the global batch; only the default group (process_group=None) exists.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None, *, bias=True):
        if process_group is not None:
            raise ValueError("SyncBatchNorm: only the default process group (process_group=None) is supported")
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input(self, input):
        if not isinstance(input, autograd.Tensor):
            raise TypeError(f"SyncBatchNorm: expected a tensor input, got {type(input).__name__}")
        if input.ndim < 2:
            raise ValueError(f"SyncBatchNorm({self.num_features}): expected at least 2D input (got {input.ndim}D "
                             f"input of shape {tuple(input.shape)})")

    def forward(self, input):
        """BatchNorm's, with the statistics of the global batch while training in a group of several processes."""
        if not (self.training and dist.is_initialized() and dist.get_world_size() > 1):
            return super().forward(input)
        self._check_input(input)
        if input.shape[1] != self.num_features:
            raise ValueError(f"SyncBatchNorm({self.num_features}): expected input with {self.num_features} channels "
                             f"(dim 1), got shape {tuple(input.shape)}")
        dims = (0,) + tuple(range(2, input.ndim))
        shape = (1, -1) + (1,) * (input.ndim - 2)
        count = autograd.full((1,), input.numel() // input.shape[1], dtype=input.dtype, device=input.device)
        totals = _AllReduceSum.apply(autograd.cat([count, input.sum(dims)]))
        n = totals[0]
        mean = totals[1:] / n
        centred = input - mean.reshape(shape)
        var = _AllReduceSum.apply((centred * centred).sum(dims)) / n
        if self.track_running_stats and self.num_batches_tracked is not None:
            with autograd.no_grad():
                self.num_batches_tracked.add_(1)
                factor = 1.0 / float(self.num_batches_tracked.item()) if self.momentum is None else self.momentum
                size = float(n.item())
                self.running_mean.mul_(1 - factor).add_(mean.detach() * factor)
                self.running_var.mul_(1 - factor).add_(var.detach() * (factor * size / max(size - 1, 1)))
        out = centred / (var.reshape(shape) + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight.reshape(shape)
        if self.bias is not None:
            out = out + self.bias.reshape(shape)
        return out

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """module with every BatchNorm*D in it replaced by a SyncBatchNorm sharing its parameters and running
        statistics: containers are changed in place and returned, a BatchNorm given alone returns its replacement."""
        out = module
        if isinstance(module, _BatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
                      process_group, bias=module.bias is not None or not module.affine)
            for name in ("weight", "bias"):
                if getattr(module, name) is not None:
                    setattr(out, name, getattr(module, name))
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                setattr(out, name, getattr(module, name))
            out.train(module.training)
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
