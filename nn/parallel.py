"""DistributedDataParallel: one model replica per process, gradients averaged across processes in backward."""
import contextlib

import autograd
from autograd import distributed as dist
from autograd.distributed.reducer import Reducer, broadcast_tensors, verify_same_params

from .module import Layer

__all__ = ["DistributedDataParallel"]


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
