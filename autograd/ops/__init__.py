"""The differentiable ops, by family; this is the one place where Tensor's methods and operators are attached."""
from .. import autograd_api
from .._tensor import Tensor
from . import (activation, arith, attention, compare, conv, convert, ctc, factory, index, inplace, join, linalg, loss,
               normalization, pooling, reduce, regularization, sampling, shape, sorting, sparse, unary)
from . import decomposition, matrix_functions, solvers  # torch.linalg (autograd/linalg.py)
from . import elementwise_extra, polynomials, special  # torch.special (autograd/special.py) and more elementwise math
from . import padding, shuffle  # F.pad's PyTorch rules, constant_pad_nd; channel_shuffle
from . import distance, linalg_legacy, statistics  # statistics, distances, the old top-level linalg
from . import copies, scatters, shape_extra, strided_views  # more shape ops, strided views, scatters of views, *_copy
from . import conv_3d  # conv3d, conv_transpose3d, torch.convolution
from . import bitshift, inplace_extra, tensor_info  # bit shifts, more in-place variants, tensor attributes
from . import numeric_gradient  # torch.gradient
from . import complex_math  # complex numbers: real/imag, conj, angle, polar, view_as_real, ...
from . import spectral, windows  # stft, istft; hann_window, hamming_window, ...
from . import grid_sample  # affine_grid, grid_sample, torch.grid_sampler
from . import rnn_functional  # torch.lstm_cell, torch.lstm, ... (nn/rnn.py's layers run on them)
from . import pooling_3d  # max_pool3d, avg_pool3d, adaptive 3-d pools, the *_with_indices names
from . import lrn, margin_losses, random_activations  # LRN; multi-class margin losses; rrelu, gumbel_softmax
from . import coo_tensor  # sparse COO tensors: sparse_coo_tensor, to_dense/to_sparse, coalesce, sparse @ dense
from . import fractional_pool, lp_pool, unpool  # max_unpool*, lp_pool*, fractional_max_pool* (F only)
from .operators import bind_operators

FAMILIES = [convert, arith, unary, compare, reduce, shape, join, index, sorting, linalg, inplace, activation,
            normalization, loss, ctc, attention, conv, pooling, sparse, regularization, factory, sampling,
            solvers, decomposition, matrix_functions, special, elementwise_extra, statistics, distance, linalg_legacy,
            padding, shuffle, polynomials, shape_extra, strided_views, scatters, copies, bitshift, inplace_extra,
            tensor_info, conv_3d, numeric_gradient, complex_math, spectral, windows, grid_sample, rnn_functional,
            pooling_3d, unpool, lp_pool, fractional_pool, lrn, margin_losses, random_activations, coo_tensor]

__all__ = []
for _family in FAMILIES:  # each family lists its public functions and its Tensor methods
    for _fn in _family.__all__:
        globals()[_fn] = getattr(_family, _fn)
    __all__ += _family.__all__
    for _meth, _fn in _family.METHODS.items():
        setattr(Tensor, _meth, _fn)
for _meth, _fn in autograd_api.METHODS.items():  # backward(), from the engine's entry points
    setattr(Tensor, _meth, _fn)
bind_operators(Tensor)
