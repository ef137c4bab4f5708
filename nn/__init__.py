"""Neural-network layers, losses, initialisers and the Net/Model pipeline, on top of autograd."""
from . import (activation, callbacks, container, conv, dropout, functional, init, linear, loss, metrics, model, module,
               net, normalization, parallel, pooling, rnn, sparse, transformer, utils)
from . import channelshuffle, distance, padding
from . import embedding_bag  # EmbeddingBag
from . import lazy, parameter  # the Lazy* layers; torch.nn.parameter
from . import adaptive_softmax  # AdaptiveLogSoftmaxWithLoss
from . import pooling_3d  # MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d
from . import pooling_extra  # MaxUnpool1d/2d/3d, LPPool1d/2d/3d, FractionalMaxPool2d/3d
from . import activation_random, linear_cross_entropy_options, loss_margin, lrn  # RReLU; margin losses; LRN

_FAMILIES = [module, container, linear, activation, conv, pooling, normalization, dropout, sparse, rnn, transformer,
             loss, net, model, metrics, callbacks, parallel, padding, distance, channelshuffle, pooling_3d,
             pooling_extra, activation_random, loss_margin, lrn, linear_cross_entropy_options, embedding_bag, lazy,
             adaptive_softmax]

__all__ = ["functional", "init", "utils"]
for _family in _FAMILIES:
    for _n in _family.__all__:
        globals()[_n] = getattr(_family, _n)
    __all__ += _family.__all__
