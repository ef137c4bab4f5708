"""Variable-length sequences for the recurrent layers (PyTorch's nn.utils.rnn): padding and packing."""
from collections import namedtuple

import numpy as np

import autograd

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence", "unpad_sequence",
           "pack_sequence", "unpack_sequence", "invert_permutation"]

Tensor = autograd.Tensor


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """A batch of sequences packed time-major: `data` holds step t of the batch_sizes[t] longest sequences, in order
    of decreasing length; sorted_indices maps that order to the batch's own (None when it was sorted already)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if batch_sizes is None:
            raise TypeError("PackedSequence: build it with pack_padded_sequence or pack_sequence, or pass batch_sizes")
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data):
        indices = [None if i is None else i.to(device=data.device) for i in (self.sorted_indices,
                                                                             self.unsorted_indices)]
        return type(self)(data, self.batch_sizes, *indices)

    def to(self, *args, **kwargs):
        """The same sequences with `data` converted as Tensor.to does (batch_sizes stay on the CPU)."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._with_data(data)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else device)

    def float(self):
        return self.to(dtype=autograd.float32)

    def double(self):
        return self.to(dtype=autograd.float64)

    def half(self):
        return self.to(dtype=autograd.float16)

    @property
    def is_cuda(self):
        return self.data.is_cuda


def invert_permutation(permutation):
    """The inverse of a permutation given as a 1-D int64 tensor (None stays None)."""
    if permutation is None:
        return None
    order = permutation.cpu().numpy()
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size, dtype=order.dtype)
    return autograd.tensor(inverse, dtype=autograd.int64, device=permutation.device)


def _lengths_array(lengths, who):
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1:
            raise RuntimeError(f"{who}: 'lengths' must be a 1-D tensor, got shape {tuple(lengths.shape)}")
        values = lengths.cpu().numpy()
    else:
        values = np.asarray(list(lengths))
    if values.dtype.kind not in "iu" and values.size:
        if values.dtype.kind == "f" and np.all(values == np.round(values)):
            values = values.astype(np.int64)
        else:
            raise TypeError(f"{who}: 'lengths' must hold integers, got {values.dtype}")
    return values.astype(np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) ((B, T, *) when batch_first) of sequences of the given lengths."""
    who = "pack_padded_sequence"
    lengths = _lengths_array(lengths, who)
    batch_dim = 0 if batch_first else 1
    if input.ndim < 2:
        raise ValueError(f"{who}: input must have at least 2 dimensions (time and batch), got shape "
                         f"{tuple(input.shape)}")
    if lengths.shape != (input.shape[batch_dim],):
        raise RuntimeError(f"{who}: Expected `len(lengths)` to be equal to batch_size, but got {lengths.size} "
                           f"(batch_size={input.shape[batch_dim]})")
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError(f"{who}: Length of all samples has to be greater than 0, but found an element in "
                           "'lengths' that is <= 0")
    sorted_indices = None
    if enforce_sorted:
        if np.any(lengths[1:] > lengths[:-1]):
            raise RuntimeError(f"{who}: `lengths` array must be sorted in decreasing order when `enforce_sorted` "
                               "is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                               "pack_sequence to sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = autograd.tensor(order, dtype=autograd.int64, device=input.device)
        lengths = lengths[order]
        input = input.index_select(batch_dim, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if lengths.size and lengths[0] > steps:
        raise RuntimeError(f"{who}: a sequence of length {lengths[0]} does not fit an input of {steps} time steps")
    batch_sizes = (lengths[None, :] > np.arange(int(lengths[0]) if lengths.size else 0)[:, None]).sum(1)
    rows = np.flatnonzero(np.arange(batch)[None, :] < batch_sizes[:, None])  # (t, b) for b < batch_sizes[t]
    data = input.reshape(steps * batch, *input.shape[2:])[autograd.tensor(rows, dtype=autograd.int64,
                                                                           device=input.device)]
    return PackedSequence(data, autograd.tensor(batch_sizes, dtype=autograd.int64), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of pack_padded_sequence: (padded (T, B, *) or (B, T, *), lengths as a CPU int64 tensor)."""
    data, batch_sizes = sequence.data, sequence.batch_sizes.cpu().numpy().astype(np.int64)
    steps = batch_sizes.size
    batch = int(batch_sizes[0]) if steps else 0
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps = int(total_length)
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1)
    # position of (t, b) in data, or the padding row appended after it
    where = np.full((steps, batch), data.shape[0], dtype=np.int64)
    where[:batch_sizes.size][np.arange(batch)[None, :] < batch_sizes[:, None]] = np.arange(data.shape[0])
    pad = autograd.full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    padded = autograd.cat([data, pad])[autograd.tensor(where.reshape(-1), dtype=autograd.int64,
                                                       device=data.device)]
    padded = padded.reshape(steps, batch, *data.shape[1:])
    lengths = autograd.tensor(lengths, dtype=autograd.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return (padded.transpose(0, 1) if batch_first else padded), lengths


def _check_sequences(sequences, who):
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError(f"{who}: received an empty list of sequences")
    for s in sequences:
        if not isinstance(s, Tensor):
            raise TypeError(f"{who}: expected a list of tensors, got {type(s).__name__}")
        if s.ndim < 1 or s.shape[1:] != sequences[0].shape[1:]:
            raise RuntimeError(f"{who}: the sequences must agree in every dimension after the first; got shapes "
                               f"{tuple(sequences[0].shape)} and {tuple(s.shape)}")
    return sequences


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shape (L_i, *) into (L_max, B, *) ((B, L_max, *) when batch_first), padding the short."""
    who = "pad_sequence"
    if padding_side not in ("left", "right"):
        raise ValueError(f"{who}: Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = _check_sequences(sequences, who)
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        gap = longest - s.shape[0]
        if gap:
            fill = autograd.full((gap, *s.shape[1:]), padding_value, dtype=s.dtype, device=s.device)
            s = autograd.cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s)
    return autograd.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The sequences of a padded batch, each cut to its length: a list of (L_i, *) tensors."""
    lengths = _lengths_array(lengths, "unpad_sequence")
    batch = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [batch[i, :n] for i, n in enumerate(lengths.tolist())]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences of shape (L_i, *) (longest first unless enforce_sorted=False)."""
    sequences = _check_sequences(sequences, "pack_sequence")
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences in a PackedSequence, in the batch's own order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
