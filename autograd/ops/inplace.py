"""In-place ops (add_, mul_, zero_, copy_, clamp_, exp_, ...): they bump the version counter and rebind the tape."""
import numpy as np

from .. import backend, dtypes, gradmath, random
from .._tensor import Tensor
from ..creation import tensor
from ..function import FREED, Op, edge, root
from ..grad_mode import state
from . import aliases, arith, compare, distance, reduce, shape, unary


def bump(t):
    """Record that t's memory changed (the counter is shared by a tensor and its views)."""
    root(t)._version += 1


def check_inplace(x, op):
    """Raise before anything changes when an in-place op on x would corrupt the tape."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor to modify in place, got {type(x).__name__}")
    if not state.enabled:
        return
    if x.grad_fn is None and x.requires_grad:
        raise RuntimeError(f"{op}: a leaf tensor that requires grad (shape {tuple(x.shape)}) is being used in an "
                           "in-place operation; do it inside `with autograd.no_grad():`, or on a clone()")
    if x.__dict__.get("_custom_alias") and x.grad_fn is not None and x.grad_fn.custom:
        raise RuntimeError(f"{op}: Output {x._output_nr} of {type(x.grad_fn).__name__} is a view and is being modified "
                           "inplace. This view was created inside a custom Function (or because an input was returned "
                           "as-is), and an in-place change would bypass the custom backward, leading to incorrect "
                           "gradients. This behavior is forbidden; clone() the output of the custom Function first.")
    base = x._base
    if base is not None and base.requires_grad and base.grad_fn is None:
        raise RuntimeError(f"{op}: a view (shape {tuple(x.shape)}) of a leaf tensor that requires grad is being "
                           "used in an in-place operation; do it inside `with autograd.no_grad():`, or on a clone()")


def _snapshot(node, x):
    """Give `node` a private copy of x's current values wherever it saved x (x is about to change)."""
    meta = getattr(node, "_meta", None)
    if not meta or meta is FREED:
        return
    for i, (kind, ref, version, data) in enumerate(meta):
        if kind == 1 and ref is x:
            old = Tensor._make(data.copy(), x.grad_fn, x._output_nr)
            old.requires_grad = x.requires_grad
            meta[i] = (1, old, 0, old.array)


def commit(x, r, op):
    """Write result r into x's memory and let x take r's place on the tape."""
    if r.shape != x.shape:
        raise RuntimeError(f"{op}: the result has shape {tuple(r.shape)} but the tensor modified in place has "
                           f"shape {tuple(x.shape)}; an in-place op cannot change the shape of its target")
    if r.dtype != x.dtype and not np.can_cast(r.dtype, x.dtype, "same_kind"):
        raise RuntimeError(f"{op}: result type {r.dtype} can't be cast to the dtype {x.dtype} of the tensor "
                           "modified in place; convert the tensor first (e.g. x = x.float())")
    if r.grad_fn is not None:
        _snapshot(r.grad_fn, x)
    if not backend.is_writeable(x.array):
        raise RuntimeError(f"{op}: the tensor's memory is read-only (an expanded view); clone() it first")
    if x._base is not None and state.enabled and (r.requires_grad or x._base.requires_grad):
        return _commit_to_view(x, r)
    x.array[...] = r.array
    if r.grad_fn is not None:
        x.grad_fn, x._output_nr, x.requires_grad = r.grad_fn, r._output_nr, True
        x._rebased = refresh_view  # views of x made earlier re-derive their grad_fn when next used
    elif state.enabled and x.grad_fn is not None:
        x.grad_fn, x.requires_grad = None, False
    bump(x)
    return x


# ---------------------------------------------------------------------------- in place on a view
class CopySlices(Op):
    """base after an in-place change of one of its views: the view's region of base now holds `r`."""

    def backward(ctx, gy):
        g_base = gradmath.mask(gy, ctx.keep) if ctx.needs_input_grad[0] else None
        g_r = gradmath.reshape(gradmath.reshape(gy, (-1,))[ctx.idx], ctx.rshape)
        return g_base, g_r


class ViewOf(Op):
    """A view re-read from its (rebased) base: the gradient lands in the view's region of the base."""

    def backward(ctx, gv):
        flat = gradmath.scatter_into((ctx.size,), ctx.idx, gradmath.reshape(gv, (-1,)), gv)
        return gradmath.reshape(flat, ctx.shape)


def _region(view, base):
    """For each element of `view`, the flat (C-order) index of the element of `base` it aliases."""
    b, v = base.array, view.array
    if not (b.flags.c_contiguous or b.flags.f_contiguous):
        raise RuntimeError(f"in-place change of a view (shape {tuple(view.shape)}) whose base has a strided layout "
                           "is not supported; make the base contiguous() first")
    xp = gradmath.xp(b)
    size = b.itemsize
    logical = xp.empty_like(b, dtype=np.int64)  # same memory layout as the base
    logical[...] = xp.arange(b.size).reshape(b.shape)
    offset = (backend.data_ptr(v) - backend.data_ptr(b)) // size
    strides = tuple(st // size * 8 for st in v.strides)
    flat = logical.ravel(order="K")[offset:]
    return xp.ascontiguousarray(xp.lib.stride_tricks.as_strided(flat, v.shape, strides))


def _commit_to_view(x, r):
    """Write r into view x and rebase: x's base gets a CopySlices node, x becomes a fresh view of it."""
    base = x._base
    idx = _region(x, base)
    if r.grad_fn is not None:
        _snapshot(r.grad_fn, x)
    x.array[...] = r.array
    node = object.__new__(CopySlices)
    node.next_edges = (edge(base), edge(r))
    keep = gradmath.xp(base.array).ones(base.shape, dtype=bool)
    keep.reshape(-1)[idx.reshape(-1)] = False
    node.keep, node.idx, node.rshape = keep, idx, tuple(r.shape)
    base.grad_fn, base._output_nr, base.requires_grad = node, 0, True
    base._rebased = refresh_view
    _view_node(x, idx)
    bump(x)
    return x


def _view_node(x, idx):
    """Make x's grad_fn read x's region out of its base's current node."""
    base = x._base
    view = object.__new__(ViewOf)
    view.next_edges = ((base.grad_fn, base._output_nr),)
    view.idx, view.size, view.shape = idx.reshape(-1), base.array.size, tuple(base.shape)
    x.grad_fn, x._output_nr, x.requires_grad = view, 0, True


def refresh_view(x):
    """Re-derive view x's grad_fn from its base (the base changed in place since x's grad_fn was made)."""
    _view_node(x, _region(x, x._base))


def _records(x, *others):
    if not state.enabled:
        return False
    return x.requires_grad or any(isinstance(o, Tensor) and o.requires_grad for o in others)


def _numpy_error(op, x, err):
    raise RuntimeError(f"{op}: cannot update a tensor of shape {tuple(x.shape)} and dtype {x.dtype} in place: "
                       f"{err}") from None


def _arith_inplace(name, fn, ufunc):
    def method(self, other, **kw):
        check_inplace(self, f"{name}_")
        if kw or _records(self, other):
            return commit(self, fn(self, other, **kw), f"{name}_")
        o = other
        if isinstance(o, Tensor):
            if type(o.array) is not type(self.array):
                arith._device_error(f"{name}_", self, o)
            o = o.array
        elif isinstance(o, np.generic):
            o = o.item()
        if self.array.dtype not in dtypes.FLOATS and (isinstance(o, float) or
                                                      getattr(o, "dtype", None) in dtypes.FLOATS or name == "div"):
            raise RuntimeError(f"{name}_: result type float can't be cast to the dtype {self.dtype} of the tensor "
                               "modified in place; convert the tensor first (e.g. x = x.float())")
        try:
            getattr(gradmath.xp(self.array), ufunc)(self.array, o, out=self.array, casting="same_kind")
        except (ValueError, TypeError) as err:
            _numpy_error(f"{name}_", self, err)
        bump(self)
        return self

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place {name}."
    method.__wrapped__ = fn  # its signature is fn's (inspect.signature follows this)
    return method


add_ = _arith_inplace("add", arith.add, "add")
sub_ = _arith_inplace("sub", arith.sub, "subtract")
mul_ = _arith_inplace("mul", arith.mul, "multiply")
div_ = _arith_inplace("div", arith.div, "true_divide")
pow_ = _arith_inplace("pow", arith.pow, "power")
floor_divide_ = _arith_inplace("floor_divide", arith.floor_divide, "floor_divide")
remainder_ = _arith_inplace("remainder", arith.remainder, "remainder")


def _via(name, fn):
    """An in-place variant computed out of place and committed (works for every dtype and on the tape)."""

    def method(self, *args, **kwargs):
        check_inplace(self, f"{name}_")
        return commit(self, fn(self, *args, **kwargs), f"{name}_")

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place {name}."
    method.__wrapped__ = fn
    return method


def _bitwise(name):
    return _via(name, getattr(compare, name))


bitwise_and_, bitwise_or_, bitwise_xor_ = (_bitwise(n) for n in ("bitwise_and", "bitwise_or", "bitwise_xor"))

_UNARY = ["exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos",
          "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "erf", "abs", "sign", "floor", "ceil",
          "trunc", "round", "relu", "nan_to_num", "clamp", "clip", "atan2", "maximum", "minimum", "lerp", "logit"]
for _n in _UNARY:
    globals()[f"{_n}_"] = _via(_n, getattr(unary, _n))
neg_ = _via("neg", arith.neg)
clamp_min_ = _via("clamp_min", lambda x, m: unary.clamp(x, min=m))
clamp_max_ = _via("clamp_max", lambda x, m: unary.clamp(x, max=m))
cumsum_, cumprod_ = _via("cumsum", reduce.cumsum), _via("cumprod", reduce.cumprod)


def _renorm_of_copy(input, p, dim=None, maxnorm=None, *, axis=None):
    """renorm of a copy of input (its composite graph saves its input, which renorm_ then overwrites)."""
    return distance.renorm(input.clone(), p, dim, maxnorm, axis=axis)


renorm_ = _via("renorm", _renorm_of_copy)


# ---------------------------------------------------------------------------- fill / zero / copy
class Fill(Op):
    """Overwrite with a value: no gradient reaches the old values; a tensor value gets the sum."""

    def forward(ctx, x, value):
        return gradmath.xp(x).full_like(x, value)

    def backward(ctx, gy):
        return gy * 0, (gradmath.sum(gy) if ctx.needs_input_grad[1] else None)


def fill_(self, value):
    """Fill with a number (or a one-element tensor)."""
    check_inplace(self, "fill_")
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise RuntimeError(f"fill_: the value must be a number or a one-element tensor, got shape "
                               f"{tuple(value.shape)}")
        if _records(self, value):
            return commit(self, Fill.apply(self, value.reshape(())) if value.ndim else Fill.apply(self, value),
                          "fill_")
        value = value.item()
    if _records(self):
        return commit(self, Fill.apply(self, value), "fill_")
    self.array.fill(value)
    bump(self)
    return self


def zero_(self):
    """Fill with zeros."""
    return fill_(self, 0)


class CopyFrom(Op):
    """x.copy_(src): the result is src broadcast to x's shape and cast to x's dtype."""

    def forward(ctx, x, src):
        ctx.src_dtype = src.dtype
        m = gradmath.xp(x)
        return m.broadcast_to(src, x.shape).astype(x.dtype, copy=True)

    def backward(ctx, gy):
        return gy * 0, gradmath.cast(gy, ctx.src_dtype)

    broadcasts = True


def copy_(self, src, non_blocking=False):
    """Copy src (broadcast, cast, and moved across devices explicitly) into this tensor."""
    check_inplace(self, "copy_")
    if not isinstance(src, Tensor):
        src = tensor(src, dtype=self.dtype, device=self.device)
    if src.device != self.device:
        src = src.to(self.device)
    try:
        np.broadcast_shapes(src.shape, self.shape)
        if np.broadcast_shapes(src.shape, self.shape) != tuple(self.shape):
            raise ValueError
    except ValueError:
        raise RuntimeError(f"copy_: the source of shape {tuple(src.shape)} cannot be broadcast to the target's "
                           f"shape {tuple(self.shape)}") from None
    if _records(self, src):
        return commit(self, CopyFrom.apply(self, src), "copy_")
    self.array[...] = src.array
    bump(self)
    return self


# ---------------------------------------------------------------------------- random fills
# CPU tensors draw from the CPU stream (numpy's PCG64); CUDA tensors from the generator's Philox stream of their
# device, on the device: no host draw and no host-to-device copy.
def _wide(x):
    """The dtype random values are computed in for x: its own float dtype, float64 for integer tensors."""
    return x.dtype if x.dtype in dtypes.FLOATS else dtypes.float64


def _bounds(op, args, kwargs, forms):
    """{"from": .., "to": ..} of the bounds given positionally or by PyTorch's keywords from= and to= (a Python
    keyword, so passed as **{"from": a})."""
    unknown = set(kwargs) - {"from", "to"}
    if unknown or len(args) > 2:
        raise TypeError(f"{op}: expected {forms} (and generator=), got {len(args)} positional arguments and "
                        f"keywords {sorted(kwargs)}")
    given = dict(zip(("from", "to"), args))
    for k, v in kwargs.items():
        if k in given:
            raise TypeError(f"{op}: got multiple values for argument '{k}'")
        given[k] = v
    return given


def uniform_(self, *args, generator=None, **kwargs):
    """Fill with samples from U(from, to): uniform_(from=0, to=1), the bounds positional or by keyword."""
    check_inplace(self, "uniform_")
    given = _bounds("uniform_", args, kwargs, "uniform_(from=0, to=1)")
    a, b = given.get("from", 0.0), given.get("to", 1.0)
    if self.device.type == "cuda":
        return _fill_from(self, random.device_uniform(self.shape, _wide(self), self.device, generator) * (b - a) + a)
    rng = (generator or random.default_generator).rng
    return _fill_from(self, rng.uniform(a, b, self.shape))


def normal_(self, mean=0.0, std=1.0, generator=None):
    """Fill with samples from N(mean, std^2)."""
    check_inplace(self, "normal_")
    if self.device.type == "cuda":
        return _fill_from(self, random.device_normal(self.shape, _wide(self), self.device, generator) * std + mean)
    rng = (generator or random.default_generator).rng
    return _fill_from(self, rng.normal(mean, std, self.shape))


def bernoulli_(self, p=0.5, generator=None):
    """Fill with 0/1 samples that are 1 with probability p."""
    check_inplace(self, "bernoulli_")
    if self.device.type == "cuda":
        prob = p.array if isinstance(p, Tensor) else p
        return _fill_from(self, random.device_uniform(self.shape, _wide(self), self.device, generator) < prob)
    rng = (generator or random.default_generator).rng
    return _fill_from(self, rng.random(self.shape) < p)


def _fill_from(x, values):
    """Write values (host values for a CPU tensor, device values for a CUDA tensor) into x, cut from the tape."""
    if x.device.type == "cuda":
        x.array[...] = values.astype(x.dtype, copy=False)
    else:
        x.array[...] = np.asarray(values).astype(x.dtype)
    if state.enabled and x.grad_fn is not None:
        x.grad_fn, x.requires_grad = None, False
    bump(x)
    return x



# ---------------------------------------------------------------------------- addcmul_ / addcdiv_ / fmod_
def _addcmul(input, tensor1, tensor2, value):
    """input + value * tensor1 * tensor2 (arith.addcmul when it exists)."""
    fn = getattr(arith, "addcmul", None)
    if fn is not None:
        return fn(input, tensor1, tensor2, value=value)
    prod = arith.mul(tensor1, tensor2)
    return arith.add(input, prod if value == 1 else arith.mul(prod, value))


def _addcdiv(input, tensor1, tensor2, value):
    """input + value * tensor1 / tensor2 (arith.addcdiv when it exists)."""
    fn = getattr(arith, "addcdiv", None)
    if fn is not None:
        return fn(input, tensor1, tensor2, value=value)
    quot = arith.div(tensor1, tensor2)
    return arith.add(input, quot if value == 1 else arith.mul(quot, value))


def _check_operands(op, *tensors):
    for i, t in enumerate(tensors, 1):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: tensor{i} must be a tensor, got {type(t).__name__}")


def addcmul_(self, tensor1, tensor2, *, value=1):
    """In-place addcmul: self += value * tensor1 * tensor2."""
    check_inplace(self, "addcmul_")
    _check_operands("addcmul_", tensor1, tensor2)
    return commit(self, _addcmul(self, tensor1, tensor2, value), "addcmul_")


def addcdiv_(self, tensor1, tensor2, *, value=1):
    """In-place addcdiv: self += value * tensor1 / tensor2 (true division; integer tensor1/tensor2 refused)."""
    check_inplace(self, "addcdiv_")
    _check_operands("addcdiv_", tensor1, tensor2)
    if tensor1.dtype not in dtypes.FLOATS and tensor2.dtype not in dtypes.FLOATS:
        raise RuntimeError(f"addcdiv_: integer division with addcdiv is not supported (tensor1 is {tensor1.dtype}, "
                           f"tensor2 is {tensor2.dtype}); convert them to a floating dtype first")
    return commit(self, _addcdiv(self, tensor1, tensor2, value), "addcdiv_")


fmod_ = _via("fmod", arith.fmod)


# ---------------------------------------------------------------------------- fill_diagonal_
def _diagonal_mask(x, wrap):
    """A bool array of x's shape and device, True on the main diagonal (numpy's fill_diagonal positions)."""
    shape = x.shape
    xp = gradmath.xp(x.array)
    if len(shape) == 2:
        step, end = shape[1] + 1, (x.array.size if wrap else shape[1] * shape[1])
    else:
        step, end = 1 + sum(int(np.prod(shape[:i])) for i in range(1, len(shape))), x.array.size
    flat = xp.arange(x.array.size, dtype=dtypes.int64)
    return ((flat % step == 0) & (flat < end)).reshape(shape)


def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal with fill_value (wrap=True: tall matrices restart it every ncols + 1 rows)."""
    check_inplace(self, "fill_diagonal_")
    shape = tuple(self.shape)
    if len(shape) < 2:
        raise RuntimeError(f"fill_diagonal_: the tensor must have at least 2 dimensions, got shape {shape}")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError(f"fill_diagonal_: all dimensions of a tensor of more than 2 dimensions must have equal "
                           f"length, got shape {shape}")
    if isinstance(fill_value, Tensor):
        if fill_value.numel() != 1:
            raise RuntimeError(f"fill_diagonal_: fill_value must be a number or a one-element tensor, got shape "
                               f"{tuple(fill_value.shape)}")
        fill_value = fill_value.item()
    if isinstance(fill_value, np.generic):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (bool, int, float)):
        raise TypeError(f"fill_diagonal_: fill_value must be a number, not {type(fill_value).__name__}")
    xp = gradmath.xp(self.array)
    value = Tensor._make(xp.asarray(np.asarray(fill_value).astype(self.dtype)), None, 0)  # 2.7 -> 2 for ints
    mask = Tensor._make(_diagonal_mask(self, bool(wrap)), None, 0)
    return commit(self, unary.where(mask, value, self), "fill_diagonal_")


# ---------------------------------------------------------------------------- shape changes in place
def _reshape_inplace(x, op, fn, *args):
    """Give x the shape of fn(x, *args), a view of x: x's data becomes that view and x takes its place on the tape
    (as PyTorch's unsqueeze_/squeeze_/t_/transpose_ change a tensor's sizes and strides in place)."""
    check_inplace(x, op)
    try:
        out = fn(x, *args)
    except (IndexError, TypeError, RuntimeError, ValueError) as err:
        msg, plain = str(err), op[:-1] + ":"
        if msg.startswith(plain):
            raise type(err)(op + msg[len(plain) - 1:]) from None
        raise
    x.array = out.array
    if out.grad_fn is not None:
        x.grad_fn, x._output_nr, x.requires_grad = out.grad_fn, out._output_nr, True
    bump(x)
    return x


def unsqueeze_(self, dim=None, *, axis=None):
    """In-place unsqueeze: insert a dim of size 1 at `dim` (self's shape changes; its memory does not)."""
    if dim is None or axis is not None:
        dim = aliases.required_dim("unsqueeze_", dim, axis)
    return _reshape_inplace(self, "unsqueeze_", shape.unsqueeze, dim)


def squeeze_(self, dim=None, *, axis=None):
    """In-place squeeze: remove dims of size 1 (all, or those among `dim`)."""
    if axis is not None:
        dim = aliases.dim("squeeze_", dim, axis)
    return _reshape_inplace(self, "squeeze_", shape.squeeze, dim)


def t_(self):
    """In-place t: transpose a matrix (tensors of fewer than 2 dims are left as they are)."""
    return _reshape_inplace(self, "t_", shape.t)


def transpose_(self, dim0, dim1):
    """In-place transpose: swap dims dim0 and dim1."""
    return _reshape_inplace(self, "transpose_", shape.transpose, dim0, dim1)


# ---------------------------------------------------------------------------- more random fills
def exponential_(self, lambd=1.0, generator=None):
    """Fill with samples from the exponential distribution of rate lambd (density lambd * exp(-lambd * x))."""
    check_inplace(self, "exponential_")
    if self.dtype not in dtypes.FLOATS:
        raise RuntimeError(f"exponential_: the exponential distribution is continuous: the tensor must have a "
                           f"floating dtype, got {self.dtype}")
    if isinstance(lambd, Tensor):
        lambd = lambd.item()
    if not isinstance(lambd, (int, float, np.integer, np.floating)) or isinstance(lambd, (bool, np.bool_)):
        raise TypeError(f"exponential_: lambd must be a number, not {type(lambd).__name__}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_: lambd must be > 0, got {lambd}")
    if self.device.type == "cuda":
        wide = dtypes.float32 if self.dtype in dtypes.HALVES else self.dtype
        u = random.device_uniform(self.shape, wide, self.device, generator)  # [0, 1): 1 - u is never 0
        return _fill_from(self, -gradmath.xp(u).log1p(-u) / wide.type(lambd))
    rng = (generator or random.default_generator).rng
    return _fill_from(self, rng.exponential(1.0 / lambd, self.shape))


def _random_bounds(x):
    """[low, high) of random_() without bounds: the dtype's range, [0, 2**mantissa] for floats (all exact)."""
    d = x.dtype
    if d == dtypes.bool_:
        return 0, 2
    if d in dtypes.FLOATS:
        return 0, 2 ** (np.finfo(d).nmant + 1) + 1
    return 0, int(np.iinfo(d).max) + 1


def random_(self, *args, generator=None, **kwargs):
    """Fill with integers drawn uniformly from [from, to): random_(to), random_(from, to), or random_() for the
    dtype's range ([0, 2**mantissa] for floats)."""
    check_inplace(self, "random_")
    low, high = _random_bounds(self)
    if len(args) == 1 and not kwargs:
        args = (low, args[0])
    given = _bounds("random_", args, kwargs, "random_(), random_(to) or random_(from, to)")
    frm, to = given.get("from", low), given.get("to")
    frm = dtypes.as_int(frm, "random_", "from")
    to = high if to is None else dtypes.as_int(to, "random_", "to")
    if frm >= to:
        raise RuntimeError(f"random_: expects 'from' to be less than 'to', but got from={frm} >= to={to}")
    if self.dtype in dtypes.INTEGERS or self.dtype == dtypes.bool_:
        info_min = 0 if self.dtype == dtypes.bool_ else int(np.iinfo(self.dtype).min)
        if frm < info_min or to - 1 >= max(high, info_min + 1):
            raise RuntimeError(f"random_: the range [{frm}, {to}) is out of bounds for dtype {self.dtype} "
                               f"(values must lie in [{info_min}, {high - 1}])")
    if self.device.type == "cuda":
        return _fill_from(self, random.device_integers(frm, to, self.shape, self.device, generator))
    rng = (generator or random.default_generator).rng
    return _fill_from(self, rng.integers(frm, to, size=self.shape, dtype=np.int64))


__all__ = []
METHODS = {n: g for n, g in globals().items() if n.endswith("_") and not n.startswith("_") and callable(g)}
