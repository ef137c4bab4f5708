"""Recurrent networks as functions: the RNN, LSTM and GRU cells (torch.lstm_cell, ...) and whole, possibly packed,
sequences over flat weight lists (torch.lstm, torch.gru, torch.rnn_tanh, torch.rnn_relu); nn/rnn.py runs on these.

All composite: linear, sigmoid, tanh and slicing record the tape, so every order of gradient comes free.
"""
import numbers

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from .join import cat, stack
from .linalg import linear
from .regularization import dropout as _dropout
from .unary import relu, sigmoid, tanh

__all__ = ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "lstm", "gru", "rnn_tanh", "rnn_relu"]
METHODS = {}

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ---------------------------------------------------------------------------- one time step
# x_proj is input @ W_ih.T + b_ih (for RNN and LSTM it may carry b_hh too, then b_hh is None here).
def _pre(x_proj, h, w_hh, b_hh):
    """x_proj + h @ w_hh.T (+ b_hh): without b_hh, x_proj rides in linear's bias slot (one node, no extra add)."""
    if b_hh is None:
        return linear(h, w_hh, x_proj)
    return x_proj + linear(h, w_hh, b_hh)


def rnn_step(x_proj, h, w_hh, b_hh, use_relu):
    """h' = tanh (or relu) of x_proj + h @ w_hh.T + b_hh."""
    pre = _pre(x_proj, h, w_hh, b_hh)
    return relu(pre) if use_relu else tanh(pre)


def lstm_step(x_proj, h, c, w_hh, b_hh, w_hr=None):
    """(h', c') of one LSTM step; gates i, f, g, o; h' projected by w_hr when given."""
    gates = _pre(x_proj, h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if w_hr is not None:
        h = linear(h, w_hr)
    return h, c


def gru_step(x_proj, h, w_hh, b_hh):
    """h' of one GRU step; gates r, z, n with n = tanh(x_n + r * (h @ W_hn.T + b_hn))."""
    hidden = h.shape[-1]
    h_proj = linear(h, w_hh, b_hh)
    x_rz, x_n = x_proj.split([2 * hidden, hidden], -1)
    h_rz, h_n = h_proj.split([2 * hidden, hidden], -1)
    r, z = sigmoid(x_rz + h_rz).chunk(2, -1)
    n = tanh(x_n + r * h_n)
    return n + z * (h - n)  # = (1 - z) * n + z * h


def _cell(mode, w_hh, b_hh, w_hr):
    """One time step of a layer's recurrence: (x_proj_t, state tuple) -> new state tuple ((h,) or (h, c))."""
    if mode == "LSTM":
        return lambda x_t, state: lstm_step(x_t, state[0], state[1], w_hh, b_hh, w_hr)
    if mode == "GRU":
        return lambda x_t, state: (gru_step(x_t, state[0], w_hh, b_hh),)
    use_relu = mode == "RNN_RELU"
    return lambda x_t, state: (rnn_step(x_t, state[0], w_hh, b_hh, use_relu),)


# ---------------------------------------------------------------------------- whole sequences
def run_direction(mode, x, state, weights, reverse, batch_sizes=None):
    """One layer, one direction, over the whole sequence: x (L, N, F) gives (outputs (L, N, H), final state);
    packed x (sum of batch_sizes, F) gives packed outputs, each sequence's state frozen after its last step."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    if mode != "GRU" and b_ih is not None:  # fold b_hh into the projection computed once for all steps
        x_proj = linear(x, w_ih, b_ih + b_hh)
        b_hh = None
    else:
        x_proj = linear(x, w_ih, b_ih)
    cell = _cell(mode, w_hh, b_hh, w_hr)
    if batch_sizes is None:
        steps = x_proj.unbind(0)
        outs = [None] * len(steps)
        for t in (range(len(steps) - 1, -1, -1) if reverse else range(len(steps))):
            state = cell(steps[t], state)
            outs[t] = state[0]
        return stack(outs, 0), state
    steps = x_proj.split(batch_sizes, 0)
    outs = [None] * len(steps)
    if reverse:  # sequences join as t falls below their length, from the initial state
        initial, state = state, tuple(s[:batch_sizes[-1]] for s in state)
        for t in range(len(steps) - 1, -1, -1):
            have, need = state[0].shape[0], batch_sizes[t]
            if need > have:
                state = tuple(cat([s, s0[have:need]]) for s, s0 in zip(state, initial))
            state = cell(steps[t], state)
            outs[t] = state[0]
        return cat(outs), state
    finished = []  # the final states of sequences that ended, shortest last
    for t in range(len(steps)):
        if batch_sizes[t] < state[0].shape[0]:
            finished.append(tuple(s[batch_sizes[t]:] for s in state))
            state = tuple(s[:batch_sizes[t]] for s in state)
        state = cell(steps[t], state)
        outs[t] = state[0]
    if finished:
        state = tuple(cat(parts) for parts in zip(state, *reversed(finished)))
    return cat(outs), state


def run_layers(mode, input, states, weights, num_layers, bidirectional, dropout, train, batch_sizes=None):
    """The stacked (bidirectional) recurrence: input (L, N, F) or packed data, states a tuple of (layers *
    directions, N, .) tensors, weights[layer * directions + d] = (w_ih, w_hh, b_ih, b_hh, w_hr); returns (output,
    final states), with dropout between layers when training."""
    per_layer = [s.unbind(0) for s in states]
    directions = 2 if bidirectional else 1
    finals = [[] for _ in states]
    layer_input = input
    for layer in range(num_layers):
        outputs = []
        for d in range(directions):
            k = layer * directions + d
            out, last = run_direction(mode, layer_input, tuple(p[k] for p in per_layer), weights[k], d == 1,
                                      batch_sizes)
            outputs.append(out)
            for collected, s in zip(finals, last):
                collected.append(s)
        layer_input = outputs[0] if directions == 1 else cat(outputs, -1)
        if dropout and train and layer < num_layers - 1:
            layer_input = _dropout(layer_input, dropout, True)
    return layer_input, tuple(stack(collected, 0) for collected in finals)


# ---------------------------------------------------------------------------- checks
def _tensor(x, op, name, position):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")


def _same_kind(op, ref, tensors):
    """Every tensor of `tensors` (name -> tensor or None) has ref's dtype and device."""
    for name, t in tensors.items():
        if t is None:
            continue
        if type(t.array) is not type(ref.array):
            raise RuntimeError(f"{op}: {name} is on {t.device} but the input is on {ref.device}; move them to one "
                               "device with .to(device)")
        if t.dtype != ref.dtype:
            raise RuntimeError(f"{op}: {name} has dtype {t.dtype} but the input has dtype {ref.dtype}; convert "
                               "them to one dtype (e.g. .float())")


def _shape(op, name, t, want):
    if tuple(t.shape) != tuple(want):
        raise RuntimeError(f"{op}: expected {name} of shape {tuple(want)}, got {tuple(t.shape)}")


def _cell_args(op, gates, input, states, w_ih, w_hh, b_ih, b_hh):
    """PyTorch's checks of a cell's arguments (states: the hidden tensors, already unpacked)."""
    _tensor(input, op, "input", 1)
    _tensor(w_ih, op, "w_ih", 3)
    _tensor(w_hh, op, "w_hh", 4)
    for name, pos, b in (("b_ih", 5, b_ih), ("b_hh", 6, b_hh)):
        if b is not None:
            _tensor(b, op, name, pos)
    if input.ndim != 2:
        raise IndexError(f"{op}: expected input of shape (batch, input_size), got a {input.ndim}-D tensor of shape "
                         f"{tuple(input.shape)}; add a batch dim with unsqueeze(0)")
    for name, w in (("w_ih", w_ih), ("w_hh", w_hh)):
        if w.ndim != 2:
            raise RuntimeError(f"{op}: {name} must be a matrix, got shape {tuple(w.shape)}")
    hidden = w_hh.shape[1]
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"{op}: input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}")
    for name, w in (("weight_ih", w_ih), ("weight_hh", w_hh)):
        if w.shape[0] != gates * hidden:
            raise RuntimeError(f"{op}: {name} first dim must be {gates} * hidden_size = {gates * hidden}, but got "
                               f"{w.shape[0]}")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None:
            _shape(op, name, b, (gates * hidden,))
    for i, s in enumerate(states):
        if s.ndim != 2 or s.shape[0] != input.shape[0]:
            raise RuntimeError(f"{op}: Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                               f"{s.shape[0] if s.ndim else 'none'} (hidden{i} has shape {tuple(s.shape)})")
        if s.shape[1] != hidden:
            raise RuntimeError(f"{op}: hidden{i} has inconsistent hidden_size: got {s.shape[1]}, expected {hidden}")
    _same_kind(op, input, {"w_ih": w_ih, "w_hh": w_hh, "b_ih": b_ih, "b_hh": b_hh,
                           **{f"hidden{i}": s for i, s in enumerate(states)}})


# ---------------------------------------------------------------------------- cells
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: input (N, in), hx = (h, c) each (N, H), w_ih (4H, in), w_hh (4H, H); returns (h', c')."""
    if not isinstance(hx, (tuple, list)) or not all(isinstance(s, Tensor) for s in hx):
        raise TypeError(f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not {type(hx).__name__}")
    if len(hx) != 2:
        raise RuntimeError(f"lstm_cell expects two hidden states (h, c), got {len(hx)}")
    _cell_args("lstm_cell", 4, input, hx, w_ih, w_hh, b_ih, b_hh)
    return lstm_step(linear(input, w_ih, b_ih), hx[0], hx[1], w_hh, b_hh)


def _single_state(op, hx):
    if not isinstance(hx, Tensor):
        raise TypeError(f"{op}(): argument 'hx' (position 2) must be Tensor, not {type(hx).__name__}")
    return (hx,)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step: input (N, in), hx (N, H), w_ih (3H, in), w_hh (3H, H); returns h'."""
    _cell_args("gru_cell", 3, input, _single_state("gru_cell", hx), w_ih, w_hh, b_ih, b_hh)
    return gru_step(linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step: tanh(input @ w_ih.T + b_ih + hx @ w_hh.T + b_hh)."""
    _cell_args("rnn_tanh_cell", 1, input, _single_state("rnn_tanh_cell", hx), w_ih, w_hh, b_ih, b_hh)
    return rnn_step(linear(input, w_ih, b_ih), hx, w_hh, b_hh, False)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step with relu: relu(input @ w_ih.T + b_ih + hx @ w_hh.T + b_hh)."""
    _cell_args("rnn_relu_cell", 1, input, _single_state("rnn_relu_cell", hx), w_ih, w_hh, b_ih, b_hh)
    return rnn_step(linear(input, w_ih, b_ih), hx, w_hh, b_hh, True)


# ---------------------------------------------------------------------------- torch.lstm and friends
_INPUT_FORM = ("input", "hx", "params", "has_biases", "num_layers", "dropout", "train", "bidirectional", "batch_first")
_DATA_FORM = ("data", "batch_sizes", "hx", "params", "has_biases", "num_layers", "dropout", "train", "bidirectional")
_FLAGS = ("has_biases", "train", "bidirectional", "batch_first")


def _tensors(v):
    return isinstance(v, (tuple, list)) and all(isinstance(t, Tensor) for t in v)


def _bind(names, args, kwargs, pair):
    """The arguments by name when they fit one of the overloads' names and types, else None."""
    if len(args) > len(names):
        return None
    values = dict(zip(names, args))
    for k, v in kwargs.items():
        if k in values or k not in names:
            return None
        values[k] = v
    if len(values) != len(names):
        return None
    tensors_ok = all(isinstance(values[k], Tensor) for k in ("input", "data", "batch_sizes") if k in values)
    hx_ok = _tensors(values["hx"]) if pair else isinstance(values["hx"], Tensor)
    flags_ok = all(isinstance(values[k], (bool, np.bool_)) for k in _FLAGS if k in values)
    layers_ok = isinstance(values["num_layers"], numbers.Integral) and not isinstance(values["num_layers"], bool)
    p_ok = isinstance(values["dropout"], numbers.Real) and not isinstance(values["dropout"], bool)
    return values if tensors_ok and hx_ok and flags_ok and layers_ok and p_ok and _tensors(values["params"]) else None


def _overloads(op, args, kwargs, pair):
    """(values, packed): the overload PyTorch's parser would pick, or its TypeError listing both."""
    for names, packed in ((_INPUT_FORM, False), (_DATA_FORM, True)):
        values = _bind(names, args, kwargs, pair)
        if values is not None:
            return values, packed
    hx = "tuple of Tensors" if pair else "Tensor"
    got = ", ".join([type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
    raise TypeError(f"{op}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    f" * (Tensor data, Tensor batch_sizes, {hx} hx, tuple of Tensors params, bool has_biases, "
                    "int num_layers, float dropout, bool train, bool bidirectional)\n"
                    f" * (Tensor input, {hx} hx, tuple of Tensors params, bool has_biases, int num_layers, "
                    "float dropout, bool train, bool bidirectional, bool batch_first)")


def _packed_sizes(op, data, batch_sizes):
    if data.ndim != 2:
        raise RuntimeError(f"{op}: expected packed data of shape (sum of batch_sizes, input_size), got shape "
                           f"{tuple(data.shape)}")
    if batch_sizes.ndim != 1 or batch_sizes.dtype != dtypes.int64 or batch_sizes.device.type != "cpu":
        raise RuntimeError(f"{op}: batch_sizes must be a 1-D int64 CPU tensor, got {batch_sizes.dtype} of shape "
                           f"{tuple(batch_sizes.shape)} on {batch_sizes.device}")
    sizes = batch_sizes.tolist()
    if any(s <= 0 for s in sizes) or any(a < b for a, b in zip(sizes, sizes[1:])) or sum(sizes) != data.shape[0]:
        raise RuntimeError(f"{op}: batch_sizes {sizes} must be positive, non-increasing and sum to the "
                           f"{data.shape[0]} rows of the packed data")
    return sizes


def _sequence(op, mode, args, kwargs):
    """torch.lstm / gru / rnn_tanh / rnn_relu: check, run the layers, return (output, h_n[, c_n])."""
    is_lstm = mode == "LSTM"
    v, packed = _overloads(op, args, kwargs, is_lstm)
    x = v["data"] if packed else v["input"]
    states = tuple(v["hx"]) if is_lstm else (v["hx"],)
    params, has_biases, num_layers = list(v["params"]), bool(v["has_biases"]), int(v["num_layers"])
    p, train, bidirectional = float(v["dropout"]), bool(v["train"]), bool(v["bidirectional"])
    batch_first = not packed and bool(v["batch_first"])
    if is_lstm and len(states) != 2:
        raise RuntimeError(f"{op} expects two hidden states (h_0, c_0), got {len(states)}")
    if num_layers < 1:
        raise RuntimeError(f"{op}: num_layers must be at least 1, got {num_layers}")
    if train and num_layers > 1 and p != 0 and not 0 <= p <= 1:
        raise RuntimeError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    batch_sizes = _packed_sizes(op, x, v["batch_sizes"]) if packed else None
    if not packed:
        if x.ndim != 3:
            raise IndexError(f"{op}: expected input of shape (seq_len, batch, input_size) (batch first when "
                             f"batch_first), got a {x.ndim}-D tensor of shape {tuple(x.shape)}")
        if batch_first:
            x = x.transpose(0, 1)
        if x.shape[0] == 0:
            raise RuntimeError(f"{op}: Expected sequence length to be larger than 0 in RNN")
    for i, s in enumerate(states):
        if s.ndim != 3:
            raise RuntimeError(f"{op}: expected hidden state {i} of 3 dims (layers * directions, batch, size), got "
                               f"shape {tuple(s.shape)}")
    directions = 2 if bidirectional else 1
    groups = num_layers * directions
    has_proj = is_lstm and states[0].shape[2] != states[1].shape[2]
    per = 2 + 2 * has_biases + has_proj
    if len(params) != per * groups:
        raise RuntimeError(f"{op}: got an incorrect number of RNN parameters: expected {per * groups} ({per} per "
                           f"layer and direction, num_layers={num_layers}, bidirectional={bidirectional}, "
                           f"has_biases={has_biases}), got {len(params)}")
    gate_size = params[0].shape[0] if params[0].ndim == 2 else -1
    hidden = gate_size // GATES[mode]
    if gate_size <= 0 or gate_size % GATES[mode]:
        raise RuntimeError(f"{op}: params[0] (w_ih) must be a matrix whose first dim is {GATES[mode]} * hidden_size, "
                           f"got shape {tuple(params[0].shape)}")
    out_size = states[0].shape[2]
    weights = []
    for g in range(groups):
        w = params[g * per:(g + 1) * per]
        layer_in = x.shape[-1] if g < directions else out_size * directions
        want = [(gate_size, layer_in), (gate_size, out_size)] + [(gate_size,)] * (2 * has_biases)
        want += [(out_size, hidden)] if has_proj else []
        for j, (t, shape) in enumerate(zip(w, want)):
            _shape(op, f"params[{g * per + j}]", t, shape)
        weights.append((w[0], w[1], w[2] if has_biases else None, w[3] if has_biases else None,
                        w[-1] if has_proj else None))
    batch = batch_sizes[0] if packed else x.shape[1]
    _shape(op, "hx[0]" if is_lstm else "hx", states[0], (groups, batch, out_size if has_proj else hidden))
    if is_lstm:
        _shape(op, "hx[1]", states[1], (groups, batch, hidden))
    _same_kind(op, x, {**{f"params[{i}]": t for i, t in enumerate(params)},
                       **{f"hx[{i}]": s for i, s in enumerate(states)}})
    output, finals = run_layers(mode, x, states, weights, num_layers, bidirectional, p, train, batch_sizes)
    return (output.transpose(0, 1) if batch_first else output,) + finals


def lstm(*args, **kwargs):
    """lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first) or, packed,
    lstm(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional): hx = (h_0, c_0),
    params = [w_ih, w_hh, (b_ih, b_hh,) (w_hr,)] per layer and direction; returns (output, h_n, c_n)."""
    return _sequence("lstm", "LSTM", args, kwargs)


def gru(*args, **kwargs):
    """gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first) or the packed
    form (data, batch_sizes, hx, ...); params = [w_ih, w_hh, (b_ih, b_hh)] per layer and direction; returns
    (output, h_n)."""
    return _sequence("gru", "GRU", args, kwargs)


def rnn_tanh(*args, **kwargs):
    """The Elman RNN (tanh) over a sequence; arguments and packed form as torch.gru; returns (output, h_n)."""
    return _sequence("rnn_tanh", "RNN_TANH", args, kwargs)


def rnn_relu(*args, **kwargs):
    """The Elman RNN (relu) over a sequence; arguments and packed form as torch.gru; returns (output, h_n)."""
    return _sequence("rnn_relu", "RNN_RELU", args, kwargs)
