"""The functional API under PyTorch's names; the ops themselves live in autograd.ops."""
from autograd.ops.activation import *  # noqa: F401,F403
from autograd.ops.attention import *  # noqa: F401,F403
from autograd.ops.conv import *  # noqa: F401,F403
from autograd.ops.conv_3d import conv3d, conv_transpose3d  # noqa: F401
from autograd.ops.ctc import *  # noqa: F401,F403
from autograd.ops.grid_sample import affine_grid, grid_sample  # noqa: F401
from autograd.ops.padding import pad  # noqa: F401
from autograd.ops.shuffle import channel_shuffle  # noqa: F401
from autograd.ops.linalg import bilinear, linear  # noqa: F401
from autograd.ops.distance import pdist  # noqa: F401
from autograd.ops.embedding_bag import embedding_bag  # noqa: F401
from autograd.ops.multi_head_attention import multi_head_attention_forward  # noqa: F401
from autograd.ops.loss import *  # noqa: F401,F403
from autograd.ops.lrn import local_response_norm  # noqa: F401
from autograd.ops.margin_losses import (linear_cross_entropy, multi_margin_loss, multilabel_margin_loss,  # noqa: F401
                                        triplet_margin_with_distance_loss)
from autograd.ops.random_activations import gumbel_softmax, rrelu, rrelu_  # noqa: F401
from autograd.ops.normalization import *  # noqa: F401,F403
from autograd.ops.pooling import *  # noqa: F401,F403
from autograd.ops.pooling_3d import (adaptive_avg_pool3d, adaptive_max_pool1d_with_indices,  # noqa: F401
                                     adaptive_max_pool2d_with_indices, adaptive_max_pool3d,
                                     adaptive_max_pool3d_with_indices, avg_pool3d, max_pool1d_with_indices,
                                     max_pool2d_with_indices, max_pool3d, max_pool3d_with_indices)
from autograd.ops.fractional_pool import (fractional_max_pool2d, fractional_max_pool2d_with_indices,  # noqa: F401
                                         fractional_max_pool3d, fractional_max_pool3d_with_indices)
from autograd.ops.lp_pool import lp_pool1d, lp_pool2d, lp_pool3d  # noqa: F401
from autograd.ops.unpool import max_unpool1d, max_unpool2d, max_unpool3d  # noqa: F401
from autograd.ops.regularization import *  # noqa: F401,F403
from autograd.ops.sparse import *  # noqa: F401,F403
from autograd.ops.unary import logsigmoid, sigmoid, tanh  # noqa: F401
