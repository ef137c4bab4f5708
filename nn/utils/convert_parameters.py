"""Parameters to one flat vector and back (PyTorch's nn.utils.convert_parameters)."""
import autograd
from autograd.ops.inplace import bump

from .clip_grad import _as_list

__all__ = ["parameters_to_vector", "vector_to_parameters"]

Tensor = autograd.Tensor


def parameters_to_vector(parameters):
    """One 1-D tensor: the parameters flattened and concatenated (differentiable)."""
    params = _as_list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    dev = params[0].device
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensor, but got: {type(p).__name__}")
        if p.device != dev:
            raise TypeError("Found two parameters on different devices, this is currently not supported "
                            f"({dev} and {p.device}).")
    return autograd.cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D tensor vec into the parameters, in place."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected Tensor, but got: {type(vec).__name__}")
    params = _as_list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise ValueError(f"vector_to_parameters: vec of shape {tuple(vec.shape)} does not fit the parameters, "
                         f"which hold {total} numbers; expected shape ({total},)")
    for p in params:
        if p.device != vec.device:
            raise TypeError("Found two parameters on different devices, this is currently not supported "
                            f"({vec.device} and {p.device}).")
    src = vec.array
    pointer = 0
    for p in params:
        n = p.numel()
        p.array[...] = src[pointer:pointer + n].reshape(p.shape).astype(p.dtype, copy=False)
        bump(p)
        pointer += n
