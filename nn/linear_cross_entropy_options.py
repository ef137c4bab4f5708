"""LinearCrossEntropyOptions: how linear_cross_entropy's chunked path splits the batch (PyTorch's fields and rules)."""
import dataclasses

import autograd

__all__ = ["LinearCrossEntropyOptions"]

_POLICIES = ("auto", "accurate", "balanced", "compact")
_ACC_DTYPES = (autograd.float16, autograd.bfloat16, autograd.float32, autograd.float64)
_HALVES = (autograd.float16, autograd.bfloat16)
# what "auto" resolves to, by (device type, input dtype): (acc_policy, chunking_method); others take _FALLBACK
_AUTO = {("cuda", autograd.float16): ("compact", "aspect_ratio:2"), ("cuda", autograd.bfloat16):
         ("compact", "aspect_ratio:2"), ("cpu", autograd.float16): ("accurate", "aspect_ratio"),
         ("cpu", autograd.bfloat16): ("accurate", "aspect_ratio")}
_FALLBACK = ("compact", "aspect_ratio:2")


def _ceil_div(a, b):
    return -(-a // b)


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """Options of the chunked linear_cross_entropy: pass one as options= to opt in (None: the reference path).

    batch_chunk_size: rows per chunk (None: one chunk); chunking_method: "auto", "aspect_ratio[:N]" (chunks whose
    (rows, classes) logits match the (batch, in_features) input in size, divided by N) or None; acc_dtype: the
    accumulation dtype (None: float32 for float16/bfloat16 input under acc_policy "auto", else the input's);
    allow_retain_graph: keep the gradients computed in the forward for a second backward. acc_policy is accepted
    and validated as PyTorch's; here every policy computes the same way (in acc_dtype).
    """

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in _POLICIES:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r} (expected one of {_POLICIES})")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = self.chunking_method.partition(":")
            factor = factor if sep else "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r} (expected 'auto', "
                                 "'aspect_ratio', 'aspect_ratio:N' with N >= 1, or None)")
        size = self.batch_chunk_size
        if not (size is None or (isinstance(size, int) and not isinstance(size, bool) and size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {size!r}")
        if self.acc_dtype is not None and self.acc_dtype not in _ACC_DTYPES:
            raise ValueError(f"acc_dtype must be one of {{None, float16, bfloat16, float32, float64}}, got "
                             f"{self.acc_dtype!r}. Pass acc_dtype=None to let the op pick automatically.")

    def _chunk_size(self, num_batches, in_features, num_classes, method):
        """The rows per chunk that chunking_method `method` gives for these shapes."""
        factor = int(method.split(":", 1)[1]) if ":" in method else 1
        target = _ceil_div(num_batches, _ceil_div(num_classes, in_features))
        return min((1 << (target - 1).bit_length()) // factor, num_batches)

    def _adjust(self, num_batches, in_features, num_classes, dtype, device=None):
        """These options made concrete for one call: "auto" and None resolved for the input's dtype and device."""
        policy, method = self.acc_policy, self.chunking_method
        if method == "auto" and self.batch_chunk_size is not None:  # an explicit size turns the heuristic off
            method = None
        if policy == "auto" or method == "auto":
            auto = _AUTO.get((device.type, dtype), _FALLBACK) if device is not None else _FALLBACK
            policy = auto[0] if policy == "auto" else policy
            method = auto[1] if method == "auto" else method
        size = num_batches if self.batch_chunk_size is None else min(self.batch_chunk_size, num_batches)
        if method is not None:
            size = self._chunk_size(num_batches, in_features, num_classes, method)
            if self.batch_chunk_size is not None and self.batch_chunk_size != size:
                raise ValueError(f"batch_chunk_size (={self.batch_chunk_size}) and chunking_method ('{method}') give "
                                 f"different chunk sizes ({self.batch_chunk_size} vs {size}); pass only one.")
        acc = self.acc_dtype
        if acc is None:
            acc = autograd.float32 if (self.acc_policy == "auto" and device is not None and dtype in _HALVES) else dtype
        return dataclasses.replace(self, acc_policy=policy, chunking_method=method, batch_chunk_size=max(1, size),
                                   acc_dtype=acc)
