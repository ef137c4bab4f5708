"""PyTorch scripts run unchanged: every name shared with torch takes torch's parameter names and call forms."""
import inspect
import re
import types

import numpy as np
import pytest

import autograd
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# ---------------------------------------------------------------------------- what is deliberately not taken
# Parameters that tapegrad does not take anywhere, with the reason.
UNSUPPORTED = {
    "out": "no preallocated outputs: every op returns a new tensor (write y = f(x))",
    "layout": "factories make dense strided tensors only (sparse COO ones come from sparse_coo_tensor/to_sparse)",
    "memory_format": "taken by contiguous, is_contiguous, to and clone; factories and *_like make C-order tensors",
    "pin_memory": "no pinned host memory: host-device copies are cupy's",
}
# Parameters of single ops that tapegrad does not take, keyed by (namespace.name, parameter), with the reason.
UNSUPPORTED_AT = {
    ("torch.from_numpy", "ndarray"): "torch itself takes the array positionally only (no keywords)",
    ("Tensor.to", "other"): "torch's own parser rejects other= (its binding names the tensor argument 'tensor')",
}
for _op in ("mm", "bmm", "addmm", "baddbmm"):
    UNSUPPORTED_AT[f"torch.{_op}", "out_dtype"] = "torch runs out_dtype on CUDA only (on the CPU it raises)"
# numpy's axis= for ops whose dim is a required positional parameter followed by other required ones: making dim
# optional there would turn the documented signature (input, dim, index, ...) into a misleading one, and numpy
# code does not spell these calls with axis= (gather(x, 1, idx) is the form used).
for _op in ("gather", "scatter", "scatter_", "scatter_add", "scatter_add_", "index_select", "index_add",
            "index_add_", "index_copy", "index_copy_", "index_fill", "index_fill_", "narrow", "unflatten",
            "select", "select_scatter", "scatter_reduce", "scatter_reduce_", "index_reduce", "index_reduce_",
            "narrow_copy"):
    for _space in ("torch", "Tensor"):
        UNSUPPORTED_AT[f"{_space}.{_op}", "axis"] = "dim stays a required positional parameter (see above)"
# Missing today, in files this test's author could not change: each is expected to fail until its owner adds it
# (strict, so the entry must go once it passes).
PENDING = {
}
# numpy-style keyword aliases that torch's argument parser accepts for every native (C++) op.
NUMPY_ALIASES = {"dim": "axis", "keepdim": "keepdims"}
# Python-level keywords of torch's bindings that the operator schemas do not list.
BINDING_ONLY = {"requires_grad", "names"}

SIGNATURE = re.compile(r"(?:\.\. (?:function|method):: )?([A-Za-z_][A-Za-z0-9_]*)\(")


# ---------------------------------------------------------------------------- torch's documented signatures
def _balanced(text, start):
    """The text between the parenthesis opened just before `start` and the one that closes it."""
    depth = 1
    for i in range(start, len(text)):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i]
    return None


def _split(params):
    """Top-level comma-separated items of a parameter list."""
    out, depth, cur = [], 0, ""
    for ch in params:
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [p.strip() for p in out + [cur] if p.strip()]


def _names(params):
    """The keyword-passable names of one documented parameter list (no self, *args or bare *)."""
    out = []
    for p in _split(params):
        p = p.replace("\\", "").split("=")[0].split(":")[0].strip()
        if p not in ("*", "/", "self") and not p.startswith("*"):
            out.append(p)
    return out


def documented(name, obj, method=False):
    """PyTorch's overloads of `name` as lists of parameter names: every `name(...)` line that opens a paragraph of
    its docstring, or inspect.signature for Python-defined functions; None when there is neither."""
    if isinstance(obj, types.FunctionType):
        sig = inspect.signature(obj)
        return [[p.name for p in sig.parameters.values() if p.name != "self" and p.kind in (
            p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]]
    overloads = []
    for para in re.split(r"\n\s*\n", obj.__doc__ or ""):
        m = SIGNATURE.match(para.strip())
        if m and m.group(1) == name:
            params = _balanced(para.strip(), m.end())
            if params is not None:
                names = _names(params)
                overloads.append(names[1:] if method and names[:1] == ["input"] else names)  # self, as input
    return overloads or None


def schema_names(name):
    """Argument names of torch's operator schemas for `name` (self read as input); None when it has none."""
    lookup = getattr(torch._C, "_jit_get_schemas_for_operator", None)  # private: absent in some builds
    schemas = lookup(f"aten::{name}") if lookup else None
    if not schemas:
        return None
    names = {a.name for s in schemas for a in s.arguments}
    return names | ({"input"} if "self" in names else set()) | BINDING_ONLY


def expected(label, name, obj):
    """The parameter names tapegrad's `label` must take: each documented name torch really takes, plus its numpy
    alias for native ops, less the unsupported ones. A name the docstring lists but torch's own parser rejects
    (e.g. Tensor.mul(value)) is left out, read off the operator schemas."""
    overloads = documented(name, obj, label.startswith("Tensor."))
    if overloads is None:
        return None
    names = {n for ov in overloads for n in ov}
    if not isinstance(obj, types.FunctionType):
        real = schema_names(name)
        if real is not None:
            names &= real
        names |= {NUMPY_ALIASES[n] for n in names if n in NUMPY_ALIASES}
    return {n for n in names if n not in UNSUPPORTED and (label, n) not in UNSUPPORTED_AT}


def _is_function(obj):
    return isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodDescriptorType,
                            types.WrapperDescriptorType))


def shared_names():
    """(label, name, tapegrad's function, torch's) for every public function both libraries have."""
    out = []
    spaces = [("torch", autograd, torch), ("Tensor", autograd.Tensor, torch.Tensor), ("F", F, TF)]
    for prefix, ours, theirs in spaces:
        for name in sorted(set(dir(ours)) & set(dir(theirs))):
            if name.startswith("_"):
                continue
            mine = inspect.getattr_static(ours, name) if prefix == "Tensor" else getattr(ours, name)
            if isinstance(mine, types.FunctionType) and _is_function(getattr(theirs, name)):
                out.append((f"{prefix}.{name}", name, mine, getattr(theirs, name)))
    return out


SHARED = shared_names()
COMPARED = [s for s in SHARED if expected(*s[:2], s[3]) is not None]


def test_the_shared_names_are_many():
    """Guard against the walk silently finding nothing (a renamed module, a broken docstring parser)."""
    assert len(COMPARED) > 400, f"only {len(COMPARED)} of {len(SHARED)} shared names have a documented signature"


@pytest.mark.parametrize("label,name,ours,theirs", [
    pytest.param(*s, marks=pytest.mark.xfail(strict=True, reason=PENDING[s[0]])) if s[0] in PENDING else s
    for s in COMPARED], ids=[s[0] for s in COMPARED])
def test_takes_pytorchs_parameter_names(label, name, ours, theirs):
    want = expected(label, name, theirs)
    params = list(inspect.signature(ours).parameters.values())
    if label.startswith("Tensor."):
        params = params[1:]  # self
    if any(p.kind is p.VAR_KEYWORD for p in params):
        assert label in KEYWORD_CALLS, f"{label} takes **kwargs: add a call with torch's keywords to KEYWORD_CALLS"
        return
    takes = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    missing = sorted(want - takes)
    assert not missing, (f"{label}{inspect.signature(ours)} does not take torch's parameter(s) {missing}; "
                         f"torch documents {documented(name, theirs, label.startswith('Tensor.'))}")


# ---------------------------------------------------------------------------- well-known call forms
def _pair(shape, seed=0, dtype=np.float32):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return autograd.tensor(a), torch.tensor(a)


X, TX = _pair((3, 4))
Y, TY = _pair((3, 4), 1)
V, TV = _pair((4,), 2)
B, TB = _pair((2, 3, 4), 3)
IMG, TIMG = _pair((2, 3, 6, 6), 4)
IDX = np.array([[0, 2, 1, 3], [3, 3, 0, 1], [1, 0, 2, 2]])
I, TI = autograd.tensor(IDX), torch.tensor(IDX)
LBL, TLBL = autograd.tensor([1, 0, 3]), torch.tensor([1, 0, 3])

# Each form is written once as a function of a namespace (`t`: autograd or torch, `f`: its functional module) and
# the inputs of that library; it runs on both and the results must agree.
FORMS = {
    "flip(x, dims=)": lambda t, f, x, y: t.flip(x, dims=(0, 1)),
    "x.flip(0)": lambda t, f, x, y: x.flip(0),
    "x.flip(dims=[1])": lambda t, f, x, y: x.flip(dims=[1]),
    "sum(axis=1)": lambda t, f, x, y: t.sum(x, axis=1),
    "x.sum(axis=0, keepdims=True)": lambda t, f, x, y: x.sum(axis=0, keepdims=True),
    "x.sum(dim=(0,1))": lambda t, f, x, y: x.sum(dim=(0, 1)),
    "x.sum(0, True)": lambda t, f, x, y: x.sum(0, True),
    "x.mean(dtype=float64)": lambda t, f, x, y: x.mean(dtype=t.float64),
    "mean(x, 1, keepdim=True)": lambda t, f, x, y: t.mean(x, 1, keepdim=True),
    "x.max(axis=0)": lambda t, f, x, y: x.max(axis=0).values,
    "x.max(axis=0).indices": lambda t, f, x, y: x.max(axis=0).indices,
    "x.max(1, keepdim=True)[0]": lambda t, f, x, y: x.max(1, keepdim=True)[0],
    "max(x, y)": lambda t, f, x, y: t.max(x, y),
    "x.min(dim=1)": lambda t, f, x, y: x.min(dim=1)[1],
    "x.argmax(dim=1, keepdim=True)": lambda t, f, x, y: x.argmax(dim=1, keepdim=True),
    "argmax(x, axis=0)": lambda t, f, x, y: t.argmax(x, axis=0),
    "x.argmax()": lambda t, f, x, y: x.argmax(),
    "x.std(unbiased=False)": lambda t, f, x, y: x.std(unbiased=False),
    "x.std(0, unbiased=False, keepdim=True)": lambda t, f, x, y: x.std(0, unbiased=False, keepdim=True),
    "std(x, dim=1, correction=0)": lambda t, f, x, y: t.std(x, dim=1, correction=0),
    "x.var(axis=0, keepdims=True)": lambda t, f, x, y: x.var(axis=0, keepdims=True),
    "x.logsumexp(axis=1)": lambda t, f, x, y: x.logsumexp(axis=1),
    "x.cumsum(axis=0)": lambda t, f, x, y: x.cumsum(axis=0),
    "cumsum(x, dim=1)": lambda t, f, x, y: t.cumsum(x, dim=1),
    "x.all(axis=0)": lambda t, f, x, y: (x > 0).all(axis=0),
    "x.amax(axis=0, keepdims=True)": lambda t, f, x, y: x.amax(axis=0, keepdims=True),
    "x.reshape(4, 3)": lambda t, f, x, y: x.reshape(4, 3),
    "x.reshape((2, -1))": lambda t, f, x, y: x.reshape((2, -1)),
    "x.reshape([12])": lambda t, f, x, y: x.reshape([12]),
    "x.reshape(shape=(6, 2))": lambda t, f, x, y: x.reshape(shape=(6, 2)),
    "reshape(x, shape=(2, 6))": lambda t, f, x, y: t.reshape(x, shape=(2, 6)),
    "reshape(x, (-1,))": lambda t, f, x, y: t.reshape(x, (-1,)),
    "x.view(2, 6)": lambda t, f, x, y: x.view(2, 6),
    "x.view((6, 2))": lambda t, f, x, y: x.view((6, 2)),
    "x.view(-1)": lambda t, f, x, y: x.view(-1),
    "x.view(size=(12,))": lambda t, f, x, y: x.view(size=(12,)),
    "x.view(int32)": lambda t, f, x, y: x.view(t.int32),
    "x.view(dtype=int32)": lambda t, f, x, y: x.view(dtype=t.int32),
    "x[0].expand(2, 4)": lambda t, f, x, y: x[:1].expand(2, 3, 4),
    "x.expand((2, 3, 4))": lambda t, f, x, y: x.expand((2, 3, 4)),
    "x.expand(size=(2, -1, -1))": lambda t, f, x, y: x.expand(size=(2, -1, -1)),
    "x.expand_as(b)": lambda t, f, x, y: x.expand_as(t.zeros(2, 3, 4)),
    "x.repeat(2, 1)": lambda t, f, x, y: x.repeat(2, 1),
    "x.repeat((1, 2, 1))": lambda t, f, x, y: x.repeat((1, 2, 1)),
    "x.repeat(repeats=(2, 2))": lambda t, f, x, y: x.repeat(repeats=(2, 2)),
    "x.tile((2,))": lambda t, f, x, y: x.tile((2,)),
    "tile(x, dims=(2, 1))": lambda t, f, x, y: t.tile(x, dims=(2, 1)),
    "x.permute(1, 0)": lambda t, f, x, y: x.permute(1, 0),
    "x.permute([1, 0])": lambda t, f, x, y: x.permute([1, 0]),
    "x.permute(dims=(1, 0))": lambda t, f, x, y: x.permute(dims=(1, 0)),
    "permute(x, (1, 0))": lambda t, f, x, y: t.permute(x, (1, 0)),
    "x.transpose(0, 1)": lambda t, f, x, y: x.transpose(0, 1),
    "transpose(x, dim0=1, dim1=0)": lambda t, f, x, y: t.transpose(x, dim0=1, dim1=0),
    "x.T": lambda t, f, x, y: x.T,
    "x.mT": lambda t, f, x, y: x.mT,
    "x.unsqueeze(axis=0)": lambda t, f, x, y: x.unsqueeze(axis=0),
    "squeeze(x[None], dim=0)": lambda t, f, x, y: t.squeeze(x[None], dim=0),
    "x.flatten(start_dim=0)": lambda t, f, x, y: x.flatten(start_dim=0),
    "cat([x, y], dim=1)": lambda t, f, x, y: t.cat([x, y], dim=1),
    "cat((x, y), axis=0)": lambda t, f, x, y: t.cat((x, y), axis=0),
    "cat(tensors=[x, y])": lambda t, f, x, y: t.cat(tensors=[x, y]),
    "concat([x, y], 1)": lambda t, f, x, y: t.concat([x, y], 1),
    "concatenate([x, y], axis=1)": lambda t, f, x, y: t.concatenate([x, y], axis=1),
    "stack([x, y], axis=1)": lambda t, f, x, y: t.stack([x, y], axis=1),
    "clamp(x, min=-0.5, max=0.5)": lambda t, f, x, y: t.clamp(x, min=-0.5, max=0.5),
    "x.clamp(max=0.1)": lambda t, f, x, y: x.clamp(max=0.1),
    "x.clip(-0.2, 0.2)": lambda t, f, x, y: x.clip(-0.2, 0.2),
    "clip(x, min=tensor)": lambda t, f, x, y: t.clip(x, min=y),
    "x.topk(2)": lambda t, f, x, y: x.topk(2).values,
    "topk(x, k=2, dim=0, largest=False, sorted=True)": lambda t, f, x, y: t.topk(
        x, k=2, dim=0, largest=False, sorted=True).values,
    "x.topk(2, axis=0).indices": lambda t, f, x, y: x.topk(2, axis=0).indices,
    "x.sort(descending=True)": lambda t, f, x, y: x.sort(descending=True).values,
    "x.argsort(dim=0)": lambda t, f, x, y: x.argsort(dim=0),
    "gather(x, 1, idx)": lambda t, f, x, y: t.gather(x, 1, _idx(t)),
    "gather(input=, dim=, index=)": lambda t, f, x, y: t.gather(input=x, dim=1, index=_idx(t)),
    "x.gather(1, idx)": lambda t, f, x, y: x.gather(1, _idx(t)),
    "scatter(x, 1, idx, y)": lambda t, f, x, y: t.scatter(x, 1, _idx(t), y),
    "x.scatter(1, idx, value=2.0)": lambda t, f, x, y: x.scatter(1, _idx(t), value=2.0),
    "x.scatter(dim=1, index=, src=, reduce=add)": lambda t, f, x, y: x.scatter(
        dim=1, index=_idx(t), src=y, reduce="add"),
    "x.scatter_add(1, idx, y)": lambda t, f, x, y: x.scatter_add(1, _idx(t), y),
    "index_select(x, 0, i)": lambda t, f, x, y: t.index_select(x, 0, t.tensor([2, 0])),
    "x.index_select(dim=1, index=i)": lambda t, f, x, y: x.index_select(dim=1, index=t.tensor([3, 1])),
    "x.masked_fill(mask, 0.0)": lambda t, f, x, y: x.masked_fill(x > 0, 0.0),
    "masked_fill(x, mask=, value=)": lambda t, f, x, y: t.masked_fill(x, mask=x < 0, value=-1.0),
    "where(c, x, y)": lambda t, f, x, y: t.where(x > y, x, y),
    "where(c, x, 0.0)": lambda t, f, x, y: t.where(x > 0, x, 0.0),
    "where(condition=, input=, other=)": lambda t, f, x, y: t.where(condition=x > 0, input=x, other=y),
    "x.where(c, y)": lambda t, f, x, y: x.where(x > 0, y),
    "where(c) nonzero": lambda t, f, x, y: t.where(x > 0)[1],
    "softmax(x, dim=1)": lambda t, f, x, y: t.softmax(x, dim=1),
    "softmax(x, axis=0)": lambda t, f, x, y: t.softmax(x, axis=0),
    "x.softmax(-1, dtype=float64)": lambda t, f, x, y: x.softmax(-1, dtype=t.float64),
    "x.log_softmax(dim=1)": lambda t, f, x, y: x.log_softmax(dim=1),
    "F.softmax(x, dim=-1, dtype=float64)": lambda t, f, x, y: f.softmax(x, dim=-1, dtype=t.float64),
    "F.log_softmax(x, 1)": lambda t, f, x, y: f.log_softmax(x, 1),
    "randint(high, size)": lambda t, f, x, y: t.randint(5, (3, 4)).shape,
    "randint(low, high, size)": lambda t, f, x, y: t.randint(2, 5, (3,)).shape,
    "randint(high=, size=)": lambda t, f, x, y: t.randint(high=3, size=(2,)).shape,
    "x.split(2, dim=1)": lambda t, f, x, y: x.split(2, dim=1)[1],
    "x.split(split_size=2)": lambda t, f, x, y: x.split(split_size=2)[0],
    "split(x, [1, 3], 1)": lambda t, f, x, y: t.split(x, [1, 3], 1)[1],
    "x.chunk(2, axis=1)": lambda t, f, x, y: x.chunk(2, axis=1)[0],
    "x.unbind(axis=1)": lambda t, f, x, y: x.unbind(axis=1)[2],
    "x.narrow(1, 1, 2)": lambda t, f, x, y: x.narrow(1, 1, 2),
    "matmul(x, y.T)": lambda t, f, x, y: t.matmul(x, y.T),
    "x @ y.mT": lambda t, f, x, y: x @ y.mT,
    "add(x, y, alpha=2)": lambda t, f, x, y: t.add(x, y, alpha=2),
    "x.sub(y, alpha=0.5)": lambda t, f, x, y: x.sub(y, alpha=0.5),
    "div(x, y, rounding_mode=floor)": lambda t, f, x, y: t.div(x, y, rounding_mode="floor"),
    "x.pow(2)": lambda t, f, x, y: x.pow(2),
    "x.add_(y, alpha=2) on clone": lambda t, f, x, y: x.clone().add_(y, alpha=2),
    "x.clamp_(min=0) on clone": lambda t, f, x, y: x.clone().clamp_(min=0),
    "x.clamp_(max=0) on clone": lambda t, f, x, y: x.clone().clamp_(max=0.0),
    "x.masked_fill_(mask, value=) on clone": lambda t, f, x, y: x.clone().masked_fill_(x > 0, value=1.0),
    "x.index_fill_(dim=, index=, value=) on clone": lambda t, f, x, y: x.clone().index_fill_(
        dim=1, index=t.tensor([0]), value=3.0),
    "x.scatter_(dim=, index=, src=) on clone": lambda t, f, x, y: x.clone().scatter_(dim=1, index=_idx(t), src=y),
    "x.lerp_(end=, weight=) on clone": lambda t, f, x, y: x.clone().lerp_(end=y, weight=0.25),
    "x.nan_to_num_(nan=, posinf=) on clone": lambda t, f, x, y: x.clone().nan_to_num_(nan=0.0, posinf=1.0),
    "x.squeeze_(dim=) on clone": lambda t, f, x, y: x[None].clone().squeeze_(dim=0),
    "F.relu(x, inplace=False)": lambda t, f, x, y: f.relu(x, inplace=False),
    "F.relu(x.clone(), inplace=True)": lambda t, f, x, y: f.relu(x.clone(), inplace=True),
    "F.gelu(x, approximate='tanh')": lambda t, f, x, y: f.gelu(x, approximate="tanh"),
    "F.leaky_relu(x, negative_slope=0.2)": lambda t, f, x, y: f.leaky_relu(x, negative_slope=0.2),
    "F.dropout(x, p=0.5, training=False)": lambda t, f, x, y: f.dropout(x, p=0.5, training=False),
    "F.dropout(x, 0.3, False, False)": lambda t, f, x, y: f.dropout(x, 0.3, False, False),
    "F.cross_entropy(x, t)": lambda t, f, x, y: f.cross_entropy(x, _lbl(t)),
    "F.cross_entropy(input=, target=, weight=, ignore_index=, reduction=, label_smoothing=)":
        lambda t, f, x, y: f.cross_entropy(input=x, target=_lbl(t), weight=t.tensor([1.0, 2.0, 0.5, 1.0]),
                                           ignore_index=0, reduction="sum", label_smoothing=0.1),
    "F.cross_entropy(x, probs)": lambda t, f, x, y: f.cross_entropy(x, y.softmax(1)),
    "F.nll_loss(logp, t, reduction='none')": lambda t, f, x, y: f.nll_loss(x.log_softmax(1), _lbl(t),
                                                                           reduction="none"),
    "F.mse_loss(x, y, reduction='sum')": lambda t, f, x, y: f.mse_loss(x, y, reduction="sum"),
    "F.l1_loss(input=, target=)": lambda t, f, x, y: f.l1_loss(input=x, target=y),
    "F.smooth_l1_loss(x, y, beta=0.5)": lambda t, f, x, y: f.smooth_l1_loss(x, y, beta=0.5),
    "F.binary_cross_entropy_with_logits(x, p, pos_weight=)": lambda t, f, x, y: f.binary_cross_entropy_with_logits(
        x, y.sigmoid(), pos_weight=t.full((4,), 2.0)),
    "F.linear(x, w, b)": lambda t, f, x, y: f.linear(x, y, y[:, 0]),
    "F.linear(input=, weight=)": lambda t, f, x, y: f.linear(input=x, weight=y),
    "F.normalize(x, p=1, dim=0)": lambda t, f, x, y: f.normalize(x, p=1, dim=0),
    "F.layer_norm(x, (4,))": lambda t, f, x, y: f.layer_norm(x, (4,)),
    "F.pad(x, (1, 2), mode='constant', value=1.0)": lambda t, f, x, y: f.pad(x, (1, 2), mode="constant", value=1.0),
    "F.one_hot(t, num_classes=5)": lambda t, f, x, y: f.one_hot(_lbl(t), num_classes=5),
    "F.embedding(idx, weight)": lambda t, f, x, y: f.embedding(_idx(t), x.T),
    "F.cosine_similarity(x, y, dim=0)": lambda t, f, x, y: f.cosine_similarity(x, y, dim=0),
    "cosine_similarity(x1=, x2=, axis=1)": lambda t, f, x, y: t.cosine_similarity(x1=x, x2=y, axis=1),
}
IMAGE_FORMS = {
    "F.conv2d(x, w, b, stride=2, padding=1)": lambda t, f, x, w: f.conv2d(x, w, w[:, 0, 0, 0], stride=2, padding=1),
    "F.conv2d(input=, weight=, padding='same')": lambda t, f, x, w: f.conv2d(input=x, weight=w, padding="same"),
    "F.conv2d(x, w, groups=3)": lambda t, f, x, w: f.conv2d(x, w[:, :1], groups=3),
    "F.max_pool2d(x, 2)": lambda t, f, x, w: f.max_pool2d(x, 2),
    "F.max_pool2d(x, kernel_size=3, stride=1, padding=1)": lambda t, f, x, w: f.max_pool2d(
        x, kernel_size=3, stride=1, padding=1),
    "F.avg_pool2d(x, (2, 3), count_include_pad=False)": lambda t, f, x, w: f.avg_pool2d(
        x, (2, 3), count_include_pad=False),
    "F.adaptive_avg_pool2d(x, output_size=1)": lambda t, f, x, w: f.adaptive_avg_pool2d(x, output_size=1),
    "F.interpolate(x, scale_factor=2, mode='nearest')": lambda t, f, x, w: f.interpolate(
        x, scale_factor=2, mode="nearest"),
    "F.batch_norm(x, rm, rv, training=True)": lambda t, f, x, w: f.batch_norm(
        x, t.zeros(3), t.ones(3), training=True),
    "F.group_norm(x, num_groups=3)": lambda t, f, x, w: f.group_norm(x, num_groups=3),
}


def _idx(t):
    return I if t is autograd else TI


def _lbl(t):
    return LBL if t is autograd else TLBL


def _numpy(r):
    if isinstance(r, (tuple, list)) and not hasattr(r, "shape"):
        return [_numpy(v) for v in r]
    if isinstance(r, (autograd.Tensor, torch.Tensor)):
        return r.detach().cpu().numpy()
    return np.asarray(r)


def _same(ours, theirs, label):
    a, b = _numpy(ours), _numpy(theirs)
    if isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), label
        for u, v in zip(a, b):
            _same(u, v, label)
        return
    assert a.shape == b.shape, f"{label}: shape {a.shape} vs torch's {b.shape}"
    assert str(a.dtype) == str(b.dtype), f"{label}: dtype {a.dtype} vs torch's {b.dtype}"
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=label)


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
@pytest.mark.parametrize("form", list(FORMS))
def test_call_form_runs_and_matches_torch(form):
    fn = FORMS[form]
    _same(fn(autograd, F, X, Y), fn(torch, TF, TX, TY), form)


@pytest.mark.parametrize("form", list(IMAGE_FORMS))
def test_image_call_form_runs_and_matches_torch(form):
    fn = IMAGE_FORMS[form]
    w = np.random.default_rng(5).standard_normal((6, 3, 3, 3)).astype(np.float32)
    _same(fn(autograd, F, IMG, autograd.tensor(w)), fn(torch, TF, TIMG, torch.tensor(w)), form)


# Functions that take **kwargs, so that their names are checked by a call with torch's keywords instead: the call,
# and the interval its values must lie in (random fills: the values differ from torch's, the range may not).
KEYWORD_CALLS = {
    "Tensor.random_": (lambda t, x: x.clone().random_(**{"from": 2, "to": 5}), 2, 5),
    "Tensor.uniform_": (lambda t, x: x.clone().uniform_(**{"from": -2.0, "to": -1.0}), -2.0, -1.0),
}


@pytest.mark.parametrize("label", list(KEYWORD_CALLS))
def test_keyword_call_runs_like_torch(label):
    call, low, high = KEYWORD_CALLS[label]
    ours, theirs = _numpy(call(autograd, X)), _numpy(call(torch, TX))
    assert ours.shape == theirs.shape and str(ours.dtype) == str(theirs.dtype), label
    assert low <= ours.min() and ours.max() < high, f"{label}: values outside [{low}, {high})"
