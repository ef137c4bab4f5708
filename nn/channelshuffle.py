"""ChannelShuffle: the channels of `groups` groups interleaved, as torch.nn.ChannelShuffle."""
from autograd.ops.shuffle import channel_shuffle

from .module import Layer

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Layer):
    """(N, C, *) -> (N, C, *) with channel groups interleaved (ShuffleNet)."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        """input with its channels shuffled."""
        return channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
