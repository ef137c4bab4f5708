"""The functional API under PyTorch's names; the ops themselves live in autograd.ops."""
from autograd.ops.unary import relu, logsigmoid, sigmoid, tanh  # noqa: F401
from autograd.ops.activation import *  # noqa: F401,F403
from autograd.ops.attention import *  # noqa: F401,F403
from autograd.ops.conv import *  # noqa: F401,F403
from autograd.ops.loss import *  # noqa: F401,F403
from autograd.ops.norm import *  # noqa: F401,F403
from autograd.ops.pool import *  # noqa: F401,F403
from autograd.ops.embedding import *  # noqa: F401,F403
from autograd.ops.dropout import *  # noqa: F401,F403
