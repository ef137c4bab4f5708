"""Recurrent layers: RNN, LSTM, GRU (multi-layer, bidirectional) and their single-step cells."""
import math
import numbers
import warnings

import autograd
from autograd.ops.linalg import linear
from autograd.ops.rnn_functional import GATES, gru_step, lstm_step, rnn_step, run_layers

from . import init
from .module import Layer, Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

Tensor = autograd.Tensor


def _check_size(value, name, layer, minimum=1):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{layer}: {name} should be of type int, got: {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{layer}: {name} must be greater than zero, got {value}")


def _check_dtype(layer, input, weight):
    if not isinstance(input, Tensor):
        raise TypeError(f"{layer._get_name()}: expected a tensor input, got {type(input).__name__} "
                        "(packed sequences are not supported)")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"{layer._get_name()}: input has dtype {input.dtype} but the parameters have dtype "
                           f"{weight.dtype}; convert the input (e.g. input.float()) or the layer (e.g. "
                           "layer.double())")
    if input.device != weight.device:
        raise RuntimeError(f"{layer._get_name()}: input is on {input.device} but the parameters are on "
                           f"{weight.device}; move one with .to(device)")


# ---------------------------------------------------------------------------- full-sequence layers
class RNNBase(Layer):
    """Shared body of RNN, LSTM and GRU: parameters weight_ih_l{k}[_reverse] etc., and the time loop."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(mode, mode)
        if mode not in GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        _check_size(input_size, "input_size", name, 0)
        _check_size(hidden_size, "hidden_size", name)
        _check_size(num_layers, "num_layers", name)
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=3)
        if isinstance(proj_size, bool) or not isinstance(proj_size, int) or proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        gate_size = GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih", (gate_size, layer_input)), ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr", (proj_size, hidden_size))]
                names = []
                for kind, shape in shapes:
                    pname = f"{kind}_l{layer}{suffix}"
                    setattr(self, pname, Parameter(autograd.empty(*shape, device=device, dtype=dtype)))
                    names.append(pname)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        """A no-op (cuDNN weight packing does not apply here); kept for PyTorch compatibility."""

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters, one list per layer and direction."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def _weights(self, layer, direction):
        # through attribute access, not _parameters: a parametrized or weight-normed weight is computed there
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        return tuple(getattr(self, n + suffix, None) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                                                "weight_hr"))

    def _expected_hidden(self, batch):
        real = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * (2 if self.bidirectional else 1), batch, real)

    def _check_hidden(self, hx, expected, what="hidden"):
        if tuple(hx.shape) != tuple(expected):
            raise RuntimeError(f"{self._get_name()}: Expected {what} size {tuple(expected)}, got {tuple(hx.shape)}")

    def forward(self, input, hx=None):
        """input (L, N, H_in), (N, L, H_in) when batch_first, unbatched (L, H_in), or a PackedSequence; returns
        (output, h_n), output packed like the input when it is packed."""
        name = self._get_name()
        is_lstm = self.mode == "LSTM"
        first = getattr(self, self._flat_weights_names[0])
        packed = input if isinstance(input, PackedSequence) else None
        batch_sizes = None
        if packed is not None:
            input, batch_sizes = packed.data, packed.batch_sizes.tolist()
            if input.ndim != 2:
                raise ValueError(f"{name}: Expected packed data to be 2D, got {input.ndim}D instead")
        _check_dtype(self, input, first)
        if packed is None and input.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D instead")
        batched = packed is not None or input.ndim == 3
        states = (hx if isinstance(hx, (tuple, list)) else (hx,)) if hx is not None else ()
        if is_lstm and hx is not None and len(states) != 2:
            raise RuntimeError(f"{name}: hx must be a tuple (h_0, c_0)")
        for s in states:
            if not isinstance(s, Tensor):
                raise TypeError(f"{name}: expected the initial states to be tensors, got {type(s).__name__}")
            if s.ndim != (3 if batched else 2):
                raise RuntimeError(f"{name}: For {'batched 3-D' if batched else 'unbatched 2-D'} input, hx should "
                                   f"also be {3 if batched else 2}-D but got {s.ndim}-D tensor")
        if packed is not None:
            seq_len, batch, features = len(batch_sizes), batch_sizes[0], input.shape[-1]
        else:
            if not batched:
                input = input.unsqueeze(1)
                states = tuple(s.unsqueeze(1) for s in states)
            elif self.batch_first:
                input = input.transpose(0, 1)
            seq_len, batch, features = input.shape
        if features != self.input_size:
            raise RuntimeError(f"{name}: input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {features}")
        if seq_len == 0:
            raise RuntimeError(f"{name}: Expected sequence length to be larger than 0")
        expected = self._expected_hidden(batch)
        if not states:
            h0 = autograd.zeros(*expected, dtype=input.dtype, device=input.device)
            states = (h0, autograd.zeros(expected[0], batch, self.hidden_size, dtype=input.dtype,
                                         device=input.device)) if is_lstm else (h0,)
        else:
            self._check_hidden(states[0], expected)
            if is_lstm:
                self._check_hidden(states[1], (expected[0], batch, self.hidden_size), "hidden[1]")
            for s in states:
                _check_dtype(self, s, first)
            if packed is not None and packed.sorted_indices is not None:  # states in the batch's order, data sorted
                states = tuple(s.index_select(1, packed.sorted_indices) for s in states)
        directions = 2 if self.bidirectional else 1
        weights = [self._weights(layer, d) for layer in range(self.num_layers) for d in range(directions)]
        output, hidden = run_layers(self.mode, input, states, weights, self.num_layers, self.bidirectional,
                                    self.dropout, self.training, batch_sizes)
        if packed is not None:
            if packed.unsorted_indices is not None:
                hidden = tuple(h.index_select(1, packed.unsorted_indices) for h in hidden)
            output = packed._with_data(output)
        elif not batched:
            output = output.squeeze(1)
            hidden = tuple(h.squeeze(1) for h in hidden)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, (hidden if is_lstm else hidden[0])

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory; gates i, f, g, o; returns (output, (h_n, c_n)); optional projection (proj_size)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)


class GRU(RNNBase):
    """Gated recurrent unit; gates r, z, n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn))."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)


# ---------------------------------------------------------------------------- cells
class RNNCellBase(Layer):
    """Shared body of the cells: weight_ih (G*H, in), weight_hh (G*H, H), bias_ih, bias_hh (G*H,)."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        _check_size(input_size, "input_size", name, 0)
        _check_size(hidden_size, "hidden_size", name)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = {"device": device, "dtype": dtype}
        self.weight_ih = Parameter(autograd.empty(num_chunks * hidden_size, input_size, **kw))
        self.weight_hh = Parameter(autograd.empty(num_chunks * hidden_size, hidden_size, **kw))
        if bias:
            self.bias_ih = Parameter(autograd.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(autograd.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, states):
        """Check shapes; return (batched input, batched states, was_batched)."""
        name = self._get_name()
        _check_dtype(self, input, self.weight_ih)
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got {input.shape[1]}, expected "
                               f"{self.input_size}")
        out = []
        for s in states:
            if s is None:
                s = autograd.zeros(input.shape[0], self.hidden_size, dtype=input.dtype, device=input.device)
            else:
                _check_dtype(self, s, self.weight_ih)
                if s.ndim != input.ndim - (0 if batched else 1):
                    raise RuntimeError(f"{name}: hidden state should be {2 if batched else 1}-D for "
                                       f"{'batched' if batched else 'unbatched'} input, got {s.ndim}-D")
                if not batched:
                    s = s.unsqueeze(0)
                if tuple(s.shape) != (input.shape[0], self.hidden_size):
                    raise RuntimeError(f"{name}: expected hidden state of shape {(input.shape[0], self.hidden_size)}"
                                       f", got {tuple(s.shape)}")
            out.append(s)
        return input, out, batched

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """One Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        """input (N, in) or (in,), hx (N, H) or (H,) (zeros when None); returns h'."""
        x, (h,), batched = self._prepare(input, [hx])
        h = rnn_step(linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh,
                      self.nonlinearity == "relu")
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step; hx = (h, c); returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        """input (N, in) or (in,), hx (h, c) each (N, H) or (H,) (zeros when None); returns (h', c')."""
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise RuntimeError(f"{self._get_name()}: hx must be a tuple (h_0, c_0)")
        x, (h, c), batched = self._prepare(input, list(hx) if hx is not None else [None, None])
        h, c = lstm_step(linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: r, z, n gates; returns h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        """input (N, in) or (in,), hx (N, H) or (H,) (zeros when None); returns h'."""
        x, (h,), batched = self._prepare(input, [hx])
        h = gru_step(linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
