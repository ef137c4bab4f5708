"""torch.nn.parameter's names: Parameter, Buffer, and the uninitialized placeholders of the lazy layers."""
from .lazy import UninitializedBuffer, UninitializedParameter, UninitializedTensorMixin, is_lazy
from .module import Buffer, Parameter

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "UninitializedTensorMixin",
           "is_lazy"]
