"""Registry cases: activation checkpointing (checkpoint-*) and layers with full backward hooks (backward-hook-*)."""
import numpy as np

import nn
from autograd.grad_checkpoint import checkpoint
from tests.ops.registry import Arg, OpCase

# Both put extra nodes on the tape (a recomputing node; identity nodes that call the hooks) that must leave the
# gradients, and the gradients of gradients, those of the plain computation.

CASES = []


def _block(x, w):
    return (x @ w).tanh() * x.sum()


def _ref_block(x, w):
    return np.tanh(x @ w) * x.sum()


CASES.append(OpCase("checkpoint-nonreentrant", lambda x, w: checkpoint(_block, x, w, use_reentrant=False),
                    [Arg((2, 3)), Arg((3, 2))], _ref_block))
CASES.append(OpCase("checkpoint-nonreentrant-kwarg",
                    lambda x, w: checkpoint(lambda a, b=None: _block(a, b), x, use_reentrant=False, b=w),
                    [Arg((2, 2)), Arg((2, 2))], _ref_block))
# the reentrant checkpoint refuses autograd.grad, as PyTorch's does, so gradcheck cannot run through it: its
# gradients are checked with .backward() against the plain run in tests/test_checkpoint_util.py


class _Block(nn.Module):
    def forward(self, x, w):
        return _block(x, w)


def _hooked(x, w):
    m = _Block()
    m.register_full_backward_pre_hook(lambda mod, go: None)
    m.register_full_backward_hook(lambda mod, gi, go: None)
    return m(x, w)


CASES.append(OpCase("backward-hook-identity", _hooked, [Arg((2, 3)), Arg((3, 2))], _ref_block))
CASES.append(OpCase("backward-hook-input-only", _hooked, [Arg((2, 3)), Arg((3, 2), requires_grad=False)], _ref_block))
