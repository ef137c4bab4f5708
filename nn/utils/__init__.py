"""PyTorch's nn.utils: clipping, flat vectors, packed sequences, parametrizations, weight/spectral norm, fusion."""
from . import clip_grad, convert_parameters, fusion, parametrizations, parametrize, rnn
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = clip_grad.__all__ + convert_parameters.__all__ + fusion.__all__ + [
    "rnn", "parametrize", "parametrizations", "spectral_norm", "remove_spectral_norm", "weight_norm",
    "remove_weight_norm"]
