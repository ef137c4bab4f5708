"""Linear algebra: matmul (@), mm, bmm, mv, dot, inner, outer, einsum, tensordot, addmm, inverse, det, linear, bilinear."""
import functools
import math
import string

import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..coo_array import SparseCOO
from ..function import Op
from .arith import _device_error, add, mul, operands
from .coo_tensor import dense_sparse_mm, sparse_mm


def _pair(input, other, op):
    """Both operands as Tensors of one device and one (promoted) dtype."""
    a, b = operands(input, other, op)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(f"{op}: expected two tensors, got {type(input).__name__} and {type(other).__name__}; "
                        "use * to multiply by a number")
    if a.array.dtype == dtypes.bool_:
        raise TypeError(f"{op}: not implemented for bool tensors; convert with .float() or .long() first")
    if type(a.array) is not type(b.array):
        _device_error(op, a, b)
    return a, b


# ---------------------------------------------------------------------------- matmul family
class Mm(Op):
    """xp.matmul on (batches of) matrices and vectors; ta/tb multiply by the transpose of a/b (no copy)."""

    holomorphic = True

    def forward(ctx, a, b, ta=False, tb=False):
        ctx.save_for_backward(a, b)
        ctx.t = (ta, tb)
        return backend.matmul(a.swapaxes(-1, -2) if ta else a, b.swapaxes(-1, -2) if tb else b)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        ta, tb = ctx.t
        need = ctx.needs_input_grad
        a1, b1 = a.ndim == 1, b.ndim == 1
        if a1 or b1:  # 1-D operands (ta, tb are False): work on them as (1, k) rows and (k, 1) columns
            n = 1 if a1 else a.shape[-2]
            m = 1 if b1 else b.shape[-1]
            gy = gradmath.reshape(gy, gy.shape[:gy.ndim + a1 + b1 - 2] + (n, m))
            a2 = gradmath.reshape(a, (1, a.shape[0])) if a1 else a
            b2 = gradmath.reshape(b, (b.shape[0], 1)) if b1 else b
        else:
            a2, b2 = a, b
        ga = gb = None
        if need[0]:
            ga = _mm(gy, b2, False, not tb) if not ta else _mm(b2, gy, tb, True)
            if a1:
                ga = gradmath.reshape(ga, ga.shape[:-2] + ga.shape[-1:])
            if ga.shape != a.shape:  # undo broadcasting of the batch dims
                ga = gradmath.sum_to(ga, a.shape)
        if need[1]:
            gb = _mm(a2, gy, not ta, False) if not tb else _mm(gy, a2, True, ta)
            if b1:
                gb = gradmath.reshape(gb, gb.shape[:-1])
            if gb.shape != b.shape:
                gb = gradmath.sum_to(gb, b.shape)
        return ga, gb


def _mm(x, y, tx, ty):
    """op(x) @ op(y), op = transpose when the flag is set: arrays directly, Tensors recorded."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return Mm.apply(x, y, ta=tx, tb=ty)
    return backend.matmul(x.swapaxes(-1, -2) if tx else x, y.swapaxes(-1, -2) if ty else y)


def _matmul_shapes(sa, sb, op):
    """Raise the op-named error for shapes that matmul cannot multiply."""
    if not sa or not sb:
        raise RuntimeError(f"{op}: both arguments need at least 1 dimension, but they have shapes {sa} and {sb}")
    k1 = sa[-1]
    k2 = sb[-2] if len(sb) > 1 else sb[0]
    if k1 != k2:
        raise RuntimeError(f"{op}: shapes {sa} and {sb} cannot be multiplied ({k1} != {k2})")
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise RuntimeError(f"{op}: the batch dimensions {sa[:-2]} and {sb[:-2]} of shapes {sa} and {sb} cannot "
                           "be broadcast together") from None


def matmul(input, other):
    """Matrix product with numpy/PyTorch semantics: 1-D vectors, 2-D matrices, broadcast batches."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor) or input.array.dtype != other.array.dtype \
            or input.array.dtype == dtypes.bool_:
        if _has_sparse(input, other):
            return _sparse_product(input, other, "matmul")
        input, other = _pair(input, other, "matmul")
    try:
        return Mm.apply(input, other)
    except ValueError:
        _matmul_shapes(tuple(input.shape), tuple(other.shape), "matmul")
        raise
    except (TypeError, NotImplementedError):  # numpy and cupy arrays do not mix; a SparseCOO refuses the product
        if _has_sparse(input, other):  # sparse operands are sent on here, so that dense products pay nothing
            return _sparse_product(input, other, "matmul")
        if type(input.array) is not type(other.array):
            _device_error("matmul", input, other)
        raise


def _has_sparse(a, b):
    return getattr(a, "array", None).__class__ is SparseCOO or getattr(b, "array", None).__class__ is SparseCOO


def _ndims(op, want, *tensors):
    if any(not isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"{op}: expected tensors, got {', '.join(type(t).__name__ for t in tensors)}")
    if tuple(t.ndim for t in tensors) != want:
        shapes = " and ".join(str(tuple(t.shape)) for t in tensors)
        raise RuntimeError(f"{op}: expected tensors of {' and '.join(f'{n}-D' for n in want)}, got shapes "
                           f"{shapes}; use matmul for other shapes")


def mm(input, mat2):
    """Product of two matrices (2-D only); sparse @ dense and dense @ sparse too."""
    _ndims("mm", (2, 2), input, mat2)
    if input.array.__class__ is SparseCOO or mat2.array.__class__ is SparseCOO:
        return _sparse_product(input, mat2, "mm")
    a, b = _pair(input, mat2, "mm")
    _matmul_shapes(tuple(a.shape), tuple(b.shape), "mm")
    return Mm.apply(a, b)


def _sparse_product(a, b, op):
    if a.array.__class__ is SparseCOO:
        return sparse_mm(a, b, op)
    return dense_sparse_mm(a, b, op)


def bmm(input, mat2):
    """Batched matrix product of two 3-D tensors with the same batch size (no broadcasting)."""
    _ndims("bmm", (3, 3), input, mat2)
    a, b = _pair(input, mat2, "bmm")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: shapes {tuple(a.shape)} and {tuple(b.shape)} "
                           f"({a.shape[0]} != {b.shape[0]})")
    _matmul_shapes(tuple(a.shape), tuple(b.shape), "bmm")
    return Mm.apply(a, b)


def mv(input, vec):
    """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
    _ndims("mv", (2, 1), input, vec)
    a, b = _pair(input, vec, "mv")
    _matmul_shapes(tuple(a.shape), tuple(b.shape), "mv")
    return Mm.apply(a, b)


def dot(input, tensor):
    """Inner product of two 1-D tensors of equal length (a 0-d tensor)."""
    _ndims("dot", (1, 1), input, tensor)
    a, b = _pair(input, tensor, "dot")
    if a.shape != b.shape:
        raise RuntimeError(f"dot: expected 1-D tensors of the same length, got shapes {tuple(a.shape)} and "
                           f"{tuple(b.shape)}")
    return Mm.apply(a, b)


def vdot(input, other):
    """Dot product of two 1-D tensors (the same as dot for real tensors)."""
    return dot(input, other)


# ---------------------------------------------------------------------------- einsum
_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # the subscripts xp.einsum accepts


class Einsum(Op):
    """xp.einsum on explicit subscripts (ins, out); the gradient of each operand is another einsum."""

    def forward(ctx, *ops, ins, out):
        ctx.save_for_backward(*ops)
        ctx.spec = (ins, out)
        return _einsum_arrays(ops, ins, out)

    def backward(ctx, gy):
        ops = ctx.saved_tensors
        ins, out = ctx.spec
        return tuple(_einsum_grad(p, ops, ins, out, gy) if need else None
                     for p, need in enumerate(ctx.needs_input_grad))


def _einsum_arrays(ops, ins, out):
    xp = gradmath.xp(ops[0])
    optimize = False
    if len(ops) > 1:  # a contraction path (BLAS) pays off only beyond small sizes
        sizes = {}
        for o, s in zip(ops, ins):
            sizes.update(zip(s, o.shape))
        optimize = math.prod(sizes.values()) > 4096
    y = xp.einsum(",".join(ins) + "->" + out, *ops, optimize=optimize)
    if len(ops) == 1 and getattr(y, "base", None) is not None:
        y = y.copy()  # a transpose or diagonal of the operand: never hand out a view of it
    return xp.asarray(y)


def _einsum_raw(ops, ins, out):
    """einsum on explicit subscripts: arrays directly, Tensors (under create_graph) recorded."""
    if any(isinstance(o, Tensor) for o in ops):
        return Einsum.apply(*ops, ins=tuple(ins), out=out)
    return _einsum_arrays(ops, ins, out)


def _einsum_grad(p, ops, ins, out, gy):
    """d(sum gy * einsum)/d(operand p): einsum of gy and the other operands, with diagonals and broadcasts."""
    sizes = {}
    for o, s in zip(ops, ins):
        sizes.update(zip(s, o.shape))
    fresh = iter(c for c in _LETTERS if c not in sizes)
    xp = gradmath.xp(gy)
    dt = gradmath.array(gy).dtype
    target, terms, args, seen = [], [out], [gy], set()
    for q, (o, s) in enumerate(zip(ops, ins)):
        if q != p:
            terms.append(s)
            args.append(o)
    for c in ins[p]:
        if c in seen:  # a repeated subscript (a diagonal): its gradient lands on the diagonal
            new = next(fresh)
            target.append(new)
            terms.append(c + new)
            args.append(xp.eye(sizes[c], dtype=dt))
        else:
            seen.add(c)
            target.append(c)
    covered = set("".join(terms))
    for c in seen - covered:  # summed out of this operand only: its gradient is broadcast along c
        terms.append(c)
        args.append(xp.ones(sizes[c], dtype=dt))
    return _einsum_raw(args, terms, "".join(target))


def _tokens(term, equation):
    """Split one subscript term into letters and '...'."""
    out, i = [], 0
    while i < len(term):
        if term.startswith("...", i):
            if "..." in out:
                raise RuntimeError(f"einsum: more than one '...' in the term {term!r} of equation {equation!r}")
            out.append("...")
            i += 3
        elif term[i] in _LETTERS:
            out.append(term[i])
            i += 1
        else:
            raise RuntimeError(f"einsum: invalid subscript {term[i]!r} in equation {equation!r}; subscripts are "
                             "letters a-z, A-Z and '...'")
    return out


@functools.lru_cache(maxsize=512)
def _parse(equation, shapes):
    """Explicit subscripts (one string per operand, and the output) for equation on operands of `shapes`."""
    eq = equation.replace(" ", "")
    where = f"equation {equation!r} with operand shapes {', '.join(str(s) for s in shapes)}"
    if eq.count("->") > 1:
        raise RuntimeError(f"einsum: more than one '->' in {where}")
    lhs, arrow, rhs = eq.partition("->")
    terms = [_tokens(t, equation) for t in lhs.split(",")]
    if len(terms) != len(shapes):
        raise RuntimeError(f"einsum: {len(terms)} subscript terms but {len(shapes)} operands in {where}")
    ell = []
    for q, (t, shape) in enumerate(zip(terms, shapes)):
        n = len(t) - ("..." in t)
        if n > len(shape) or ("..." not in t and n != len(shape)):
            raise RuntimeError(f"einsum: operand {q} has {len(shape)} dimensions but its subscripts "
                             f"{''.join(t)!r} name {n} in {where}")
        ell.append(len(shape) - n if "..." in t else 0)
    letters = [c for t in terms for c in t if c != "..."]
    if arrow:
        outs = _tokens(rhs, equation)
        for c in outs:
            if c != "..." and c not in letters:
                raise RuntimeError(f"einsum: output subscript {c!r} does not appear in the inputs of {where}")
            if outs.count(c) > 1:
                raise RuntimeError(f"einsum: output subscript {c!r} appears more than once in {where}")
    else:  # implicit mode: '...' first, then the subscripts that appear exactly once, sorted
        outs = (["..."] if any("..." in t for t in terms) else []) + sorted(c for c in set(letters)
                                                                          if letters.count(c) == 1)
    free = [c for c in _LETTERS if c not in letters]
    nd = max(ell)
    if len(free) < nd:
        raise RuntimeError(f"einsum: too many dimensions for the 52 available subscripts in {where}")
    ell_letters = free[:nd]
    free = free[nd:]
    ins = []
    for t, k in zip(terms, ell):
        s = []
        for c in t:
            s += ell_letters[nd - k:] if c == "..." else [c]
        ins.append(s)
    out = [e for c in outs for e in (ell_letters if c == "..." else [c])]
    sizes = {}
    for q, (s, shape) in enumerate(zip(ins, shapes)):
        mine = {}
        for c, n in zip(s, shape):
            name = "a '...' dimension" if c in ell_letters else f"subscript {c!r}"
            if mine.setdefault(c, n) != n:
                raise RuntimeError(f"einsum: {name} is repeated in operand {q} with different sizes "
                                 f"({mine[c]} != {n}) in {where}")
            seen = sizes.setdefault(c, n)
            if seen != n and seen != 1 and n != 1:
                raise RuntimeError(f"einsum: {name} has size {n} for operand {q}, which does not broadcast with "
                                 f"the size {seen} seen before, in {where}")
            if seen == 1:
                sizes[c] = n
    for s, shape in zip(ins, shapes):  # size-1 dimensions that broadcast get a subscript of their own
        private = {}
        for j, (c, n) in enumerate(zip(s, shape)):
            if n == 1 and sizes[c] != 1:
                if c not in private:
                    if not free:
                        raise RuntimeError(f"einsum: too many dimensions for the 52 available subscripts in {where}")
                    private[c] = free.pop(0)
                s[j] = private[c]
    return tuple("".join(s) for s in ins), "".join(out)


def _sublists(args):
    """Turn einsum(op0, sub0, op1, sub1, ..., [out]) into an equation and operands."""
    def term(sub):
        return "".join("..." if x is Ellipsis else _LETTERS[x] for x in sub)

    ops, subs = list(args[0::2]), [term(s) for s in args[1::2]]
    out = None
    if len(ops) > len(subs):
        out = ops.pop()
        return ",".join(subs) + "->" + term(out), ops
    return ",".join(subs), ops


def einsum(equation, *operands):
    """Einstein summation, e.g. einsum('bij,bjk->bik', a, b); '...', implicit output and traces work."""
    if not isinstance(equation, str):
        equation, operands = _sublists((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum: expected at least one operand")
    for q, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"einsum: operand {q} is a {type(t).__name__}, expected a Tensor")
    first = operands[0]
    dt = first.dtype
    for t in operands[1:]:
        if type(t.array) is not type(first.array):
            raise RuntimeError(f"einsum: expected all operands on the same device, but found {first.device} and "
                               f"{t.device}; move them with .to(device) first")
        dt = dtypes.promote(dt, t.dtype)
    if dt == dtypes.bool_:
        raise TypeError("einsum: not implemented for bool tensors; convert with .float() or .long() first")
    operands = [t if t.dtype == dt else t.to(dt) for t in operands]
    ins, out = _parse(equation, tuple(tuple(t.shape) for t in operands))
    return Einsum.apply(*operands, ins=ins, out=out)


# ---------------------------------------------------------------------------- tensordot / inner / outer
def _dims_list(d, ndim, op, which):
    d = [d] if isinstance(d, (int, np.integer)) else list(d)
    out = []
    for x in d:
        if not -ndim <= x < ndim or ndim == 0:
            raise IndexError(f"{op}: dim {x} is out of range for the {which} operand of {ndim} dimensions")
        out.append(int(x) % ndim)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{op}: repeated dims {d} for the {which} operand")
    return out


def tensordot(a, b, dims=2):
    """Sum over dims: the last `dims` of a with the first `dims` of b, or the pair of lists ([a dims], [b dims])."""
    a, b = _pair(a, b, "tensordot")
    if isinstance(dims, (int, np.integer)):
        if dims < 0 or dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot: dims={dims} must be between 0 and the number of dimensions of both "
                               f"operands, got shapes {tuple(a.shape)} and {tuple(b.shape)}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        try:
            da, db = dims
        except (TypeError, ValueError):
            raise TypeError(f"tensordot: dims must be an int or a pair of lists of dims, got {dims!r}") from None
        da, db = _dims_list(da, a.ndim, "tensordot", "first"), _dims_list(db, b.ndim, "tensordot", "second")
        if len(da) != len(db):
            raise RuntimeError(f"tensordot: both operands need the same number of dims to contract, got {da} "
                               f"and {db}")
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"tensordot: contracted dimensions need to match, but the first operand (shape "
                               f"{tuple(a.shape)}) has size {a.shape[i]} in dim {i} and the second (shape "
                               f"{tuple(b.shape)}) has size {b.shape[j]} in dim {j}")
    if a.ndim + b.ndim - len(da) > len(_LETTERS):
        raise RuntimeError("tensordot: too many dimensions")
    sa = _LETTERS[:a.ndim]
    rest = iter(_LETTERS[a.ndim:])
    link = dict(zip(db, da))
    sb = "".join(sa[link[j]] if j in link else next(rest) for j in range(b.ndim))
    out = "".join(c for i, c in enumerate(sa) if i not in da) + "".join(c for j, c in enumerate(sb) if j not in db)
    return Einsum.apply(a, b, ins=(sa, sb), out=out)


def inner(input, other):
    """Sum over the last dims of both: shape input.shape[:-1] + other.shape[:-1]; a 0-d operand scales."""
    a, b = _pair(input, other, "inner")
    if a.ndim == 0 or b.ndim == 0:
        return mul(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"inner: the last dimensions of shapes {tuple(a.shape)} and {tuple(b.shape)} differ "
                           f"({a.shape[-1]} != {b.shape[-1]})")
    return tensordot(a, b, ([-1], [-1]))


def outer(input, vec2):
    """Outer product of two 1-D tensors: (n,) and (m,) -> (n, m)."""
    _ndims("outer", (1, 1), input, vec2)
    a, b = _pair(input, vec2, "outer")
    return Einsum.apply(a, b, ins=("i", "j"), out="ij")


ger = outer


# ---------------------------------------------------------------------------- addmm family
def _add_scaled(input, prod, beta, alpha, op):
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(prod.shape))
    except ValueError:
        shape = None
    if shape != tuple(prod.shape):
        raise RuntimeError(f"{op}: input of shape {tuple(input.shape)} does not broadcast to the product's shape "
                           f"{tuple(prod.shape)}")
    if alpha != 1:
        prod = mul(prod, alpha)
    if beta == 0:  # input is ignored (its nan/inf do not propagate), as in PyTorch
        return prod
    return add(prod, input if beta == 1 else mul(input, beta))


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2), mat1 and mat2 2-D."""
    return _add_scaled(input, mm(mat1, mat2), beta, alpha, "addmm")


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec), mat 2-D and vec 1-D."""
    return _add_scaled(input, mv(mat, vec), beta, alpha, "addmv")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * bmm(batch1, batch2)."""
    return _add_scaled(input, bmm(batch1, batch2), beta, alpha, "baddbmm")


# ---------------------------------------------------------------------------- inverse / det
def _square(input, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(input).__name__}")
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"{op}: expected a (batch of) square matrices, got shape {tuple(input.shape)}")
    if input.dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: expected a floating point tensor, got dtype {input.dtype}; convert with .float()")


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (singular, not positive-definite, ...), as torch.linalg's."""


def _linalg_error(op, err):
    return LinAlgError(f"{op}: the input is singular ({err}); its inverse does not exist")


class Inverse(Op):
    """Matrix inverse; d(inv) = -inv^T @ g @ inv^T."""

    holomorphic = True

    def forward(ctx, x):
        y = _inv_array(x)
        ctx.save_for_backward(y)
        return y

    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        return -_mm(_mm(y, gy, True, False), y, False, True)


def _inv_array(x):
    xp = gradmath.xp(x)
    try:
        with backend.linalg_errors(xp):
            return xp.linalg.inv(x)
    except getattr(xp.linalg, "LinAlgError", np.linalg.LinAlgError) as err:
        raise _linalg_error("inverse", err) from None


def inverse(input):
    """The inverse of a (batch of) square matrices."""
    _square(input, "inverse")
    return Inverse.apply(input)


def _cofactor_array(x):
    """The cofactor matrix adj(x)^T of square arrays, singular ones too, through the SVD x = U S Vh:
    det(U) det(Vh) U diag(prod_{j != i} s_j) Vh (the products taken without division)."""
    xp = gradmath.xp(x)
    if x.shape[-1] == 0:
        return xp.zeros_like(x)
    u, s, vh = xp.linalg.svd(x)
    ones = xp.ones_like(s[..., :1])
    before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = xp.flip(xp.cumprod(xp.flip(xp.concatenate([s[..., 1:], ones], axis=-1), axis=-1), axis=-1), axis=-1)
    scale = before * after * (xp.linalg.det(u) * xp.linalg.det(vh))[..., None]
    return xp.matmul(u * scale[..., None, :], vh)


def _trailing(x):
    """x with two size-1 axes appended (a batch of scalars against a batch of matrices)."""
    return gradmath.reshape(x, tuple(x.shape) + (1, 1))


def _det_of(x):
    """det(x) on an array, or recorded on a Tensor."""
    return Det.apply(x) if isinstance(x, Tensor) else gradmath.xp(x).linalg.det(x)


class Cofactor(Op):
    """The cofactor matrix C = adj(x)^T (the gradient of det, defined for singular x too, as in PyTorch); for
    invertible x, C = det(x) x^-T and the gradient of <G, C> is (<G, C> C - C G^T C) / det(x)."""

    def forward(ctx, x):
        y = _cofactor_array(x)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        inner = _trailing(gradmath.sum(gy * y, axis=(-2, -1)))
        return (inner * y - _mm(_mm(y, gy, False, True), y, False, False)) / _trailing(_det_of(x))


def cofactor(x):
    """adj(x)^T on an array, or recorded on a Tensor."""
    return Cofactor.apply(x) if isinstance(x, Tensor) else _cofactor_array(x)


class Det(Op):
    """Determinant; its gradient is gy * adj(x)^T (the cofactor matrix, also for singular x, as in PyTorch)."""

    def forward(ctx, x):
        y = gradmath.xp(x).asarray(gradmath.xp(x).linalg.det(x))
        ctx.save_for_backward(x)
        return y

    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return _trailing(gy) * cofactor(x)


def det(input):
    """The determinant of a (batch of) square matrices."""
    _square(input, "det")
    return Det.apply(input)


# ---------------------------------------------------------------------------- linear layers: linear, bilinear
def _check_pair(op, x, w, what="weight"):
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{op}: expected tensors for input and {what}, got {type(x).__name__} and "
                        f"{type(w).__name__}")
    if type(x.array) is not type(w.array):
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found input on {x.device} and "
                           f"{what} on {w.device}; move one with .to(device) first")
    if x.dtype != w.dtype:
        raise RuntimeError(f"{op}: expected input and {what} to have the same dtype, but got {x.dtype} and "
                           f"{w.dtype}; convert one with .to(dtype) (e.g. input.float() or layer.double())")


class Linear(Op):
    """y = x @ w.T (+ b): one matmul over all leading dims flattened, the bias added in place."""

    def forward(ctx, x, w, b=None):
        n_out, n_in = w.shape
        lead = x.shape[:-1]
        rows = math.prod(lead)
        y = backend.matmul(x.reshape(rows, n_in), w.T).reshape(lead + (n_out,))
        if b is not None:
            y += b
            ctx.bshape = b.shape
        ctx.save_for_backward(x, w)
        return y

    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        n_out, n_in = w.shape
        rows = math.prod(x.shape[:-1])
        g2 = gradmath.reshape(gy, (rows, n_out))
        gx = gradmath.reshape(gradmath.matmul(g2, w), x.shape) if need[0] else None
        gw = gradmath.matmul(gradmath.swap_last(g2), gradmath.reshape(x, (rows, n_in))) if need[1] else None
        gb = gradmath.sum_to(gy, ctx.bshape) if len(need) > 2 and need[2] else None
        return gx, gw, gb


def linear(input, weight, bias=None):
    """input @ weight.T + bias, over the last dim of input (weight has shape (out_features, in_features))."""
    _check_pair("linear", input, weight)
    if weight.ndim != 2:
        raise RuntimeError(f"linear: weight must be 2-D (out_features, in_features), got shape "
                           f"{tuple(weight.shape)}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"linear: input of shape {tuple(input.shape)} does not fit weight of shape "
                           f"{tuple(weight.shape)}: the last dim of input must be in_features={weight.shape[1]}")
    if bias is None:
        return Linear.apply(input, weight)
    _check_pair("linear", input, bias, "bias")
    out_shape = input.shape[:-1] + (weight.shape[0],)
    try:
        ok = np.broadcast_shapes(out_shape, bias.shape) == out_shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"linear: bias of shape {tuple(bias.shape)} cannot be added to the output of shape "
                           f"{out_shape}; expected shape ({weight.shape[0]},)")
    return Linear.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]."""
    _check_pair("bilinear", input1, weight)
    _check_pair("bilinear", input2, weight)
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear: weight must be 3-D (out_features, in1_features, in2_features), got shape "
                           f"{tuple(weight.shape)}")
    n_out, n1, n2 = weight.shape
    if input1.ndim == 0 or input1.shape[-1] != n1 or input2.ndim == 0 or input2.shape[-1] != n2 \
            or input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear: inputs of shapes {tuple(input1.shape)} and {tuple(input2.shape)} do not fit "
                           f"weight of shape {tuple(weight.shape)}: expected (..., {n1}) and (..., {n2}) with the "
                           "same leading dims")
    lead = input1.shape[:-1]
    rows = math.prod(lead)
    x1 = input1.reshape(rows, n1)
    x2 = input2.reshape(rows, 1, n2)
    w = weight.permute(1, 0, 2).reshape(n1, n_out * n2)
    y = ((x1 @ w).reshape(rows, n_out, n2) * x2).sum(-1)
    if bias is not None:
        _check_pair("bilinear", input1, bias, "bias")
        y = y + bias
    return y.reshape(lead + (n_out,))


__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "einsum", "tensordot", "addmm",
           "addmv", "baddbmm", "inverse", "det", "linear", "bilinear"]
METHODS = {name: globals()[name] for name in __all__ if name not in ("einsum", "tensordot", "linear", "bilinear")}
