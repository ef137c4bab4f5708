"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp and hvp of Python functions, on the tape."""
from . import creation, grad_mode
from ._tensor import Tensor
from .autograd_api import grad as _grad
from .ops.join import stack

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_tuple(x, what, fn):
    """(was it a tuple, the tensors as a tuple); TypeError as PyTorch's for anything but a Tensor or a tuple."""
    if isinstance(x, Tensor):
        return False, (x,)
    if isinstance(x, tuple) and all(isinstance(t, Tensor) for t in x):
        return True, x
    bad = type(x) if not isinstance(x, tuple) else next(type(t) for t in x if not isinstance(t, Tensor))
    raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of Tensors but the given {what} "
                    f"has type {bad}.")


def _untuple(xs, was_tuple):
    """Undo _as_tuple: for a nested result, was_tuple is (outer, inner)."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        xs = xs if inner else tuple(x[0] for x in xs)
        return xs if outer else xs[0]
    return xs if was_tuple else xs[0]


def _prepare(inputs, create_graph, needs_grad):
    """The inputs as fresh leaves (or, under create_graph, views that keep the graph to the originals)."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(needs_grad))
    return tuple(out)


def _finish(xs, create_graph):
    """The results, detached unless the caller asked for a graph through them."""
    return tuple(x if create_graph or x is None else x.detach() for x in xs)


def _grads(outputs, inputs, grad_outputs=None, create_graph=False):
    """grad of the outputs that require grad (None for every input when none does), keeping the graph."""
    pairs = [(o, None if grad_outputs is None else g) for o, g in zip(outputs, grad_outputs or outputs)
             if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gos = [o for o, _ in pairs], [g for _, g in pairs]
    return _grad(outs, inputs, None if grad_outputs is None else gos, retain_graph=True, create_graph=create_graph,
                 allow_unused=True)


_CONSTANT_JACOBIAN = ("The jacobian of the user-provided function is independent of input {}. This is not allowed in "
                      "strict mode when create_graph=True.")


def _zeros_for_missing(grads, refs, strict, create_graph, where):
    """Zeros for the inputs a result does not depend on; in strict mode PyTorch's RuntimeError instead."""
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {where} of the user-provided function is independent of input {i}. This "
                                   "is not allowed in strict mode.")
            g = creation.zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(_CONSTANT_JACOBIAN.format(i))
        out.append(g)
    return tuple(out)


def _check_outputs(outputs, strict):
    if strict:
        for i, o in enumerate(outputs):
            if not o.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The "
                                   "outputs must be computed in a differentiable manner from the input when running "
                                   "in strict mode.")


def _check_v(v, refs, refs_tuple):
    if not refs_tuple and len(v) != 1:
        raise RuntimeError("The given v should contain a single Tensor.")
    if len(v) != len(refs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got {len(v)}.")
    for vi, r in zip(v, refs):
        if tuple(vi.shape) != tuple(r.shape):
            raise RuntimeError(f"v has invalid size: should be {r.shape} but got {vi.shape}.")


def _vector(v, refs, refs_tuple, create_graph, fn, of):
    """v as a tuple of fresh tensors of refs' shapes; None only where refs is one tensor of one element."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if {of} a single Tensor with a single element.")
        return None
    v = _prepare(_as_tuple(v, "v", fn)[1], create_graph, False)
    _check_v(v, refs, refs_tuple)
    return v


def _call(func, inputs, fn):
    return _as_tuple(func(*inputs), "outputs of the user-provided function", fn)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), v^T J): the vector-Jacobian product of func at inputs (v may be omitted for a scalar
    output)."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    with grad_mode.enable_grad():
        inputs = _prepare(inputs, create_graph, True)
        outputs_tuple, outputs = _call(func, inputs, "vjp")
        _check_outputs(outputs, strict)
        v = _vector(v, outputs, outputs_tuple, create_graph, "vjp", "the user-provided function returns")
        result = _zeros_for_missing(_grads(outputs, inputs, v, create_graph), inputs, strict, create_graph, "outputs")
    return _untuple(_finish(outputs, create_graph), outputs_tuple), _untuple(_finish(result, create_graph),
                                                                            inputs_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), J v): the Jacobian-vector product, by differentiating a vector-Jacobian product with respect
    to its vector (the double-backward construction)."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    with grad_mode.enable_grad():
        inputs = _prepare(inputs, create_graph, True)
        v = _vector(v, inputs, inputs_tuple, create_graph, "jvp", "the input to the user-provided function is")
        outputs_tuple, outputs = _call(func, inputs, "jvp")
        _check_outputs(outputs, strict)
        dummies = tuple(creation.zeros_like(o).requires_grad_(True) for o in outputs)
        back = _grads(outputs, inputs, dummies, create_graph=True)
        if strict:
            _zeros_for_missing(back, inputs, True, create_graph, "outputs")
        used = [(b, ref) for b, ref in zip(back, v) if b is not None]
        if used:
            result = _grad([b for b, _ in used], dummies, [r for _, r in used], retain_graph=True,
                           create_graph=create_graph, allow_unused=True)
        else:
            result = (None,) * len(outputs)
        result = _zeros_for_missing(result, outputs, strict, create_graph, "input")
    return _untuple(_finish(outputs, create_graph), outputs_tuple), _untuple(_finish(result, create_graph),
                                                                            outputs_tuple)


_STRATEGIES = ("forward-mode", "reverse-mode")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: for output i and input j, a tensor of shape out_i.shape + in_j.shape (one
    backward pass per output element; vectorize and the forward-mode strategy give the same numbers)."""
    if strategy not in _STRATEGIES:
        raise ValueError(f'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                         f'function has a single output, "reverse-mode" is likely faster, got {strategy!r}')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
                                  "implemented for `vectorize=True`.")
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    with grad_mode.enable_grad():
        inputs = _prepare(inputs, create_graph, True)
        outputs_tuple, outputs = _call(func, inputs, "jacobian")
        _check_outputs(outputs, strict)
        blocks = []
        for i, out in enumerate(outputs):
            flat = out.reshape(-1)
            rows = [[] for _ in inputs]
            for k in range(flat.shape[0]):
                g = _grads((flat[k],), inputs, create_graph=create_graph)
                for j, (gj, inp) in enumerate(zip(g, inputs)):
                    if gj is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{j}. This is not allowed in strict mode.")
                        gj = creation.zeros_like(inp)
                    elif strict and create_graph and not gj.requires_grad:
                        raise RuntimeError(_CONSTANT_JACOBIAN.format(j))
                    rows[j].append(gj)
            block = []
            for j, inp in enumerate(inputs):
                if rows[j]:
                    stacked = stack(rows[j])
                else:
                    stacked = creation.zeros((0,) + tuple(inp.shape), dtype=inp.dtype, device=inp.device)
                block.append(stacked.reshape(tuple(out.shape) + tuple(inp.shape)))
            blocks.append(tuple(_finish(block, create_graph)))
    return _untuple(tuple(blocks), (outputs_tuple, inputs_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar func at inputs: for inputs i and j, a tensor of shape in_i.shape + in_j.shape."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def scalar(*args):
        out = func(*args)
        was_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if was_tuple or len(outs) != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if outs[0].numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        return outs[0].squeeze()

    def gradient(*args):
        return jacobian(scalar, args, create_graph=True)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    return _untuple(result, (inputs_tuple, inputs_tuple))


def _scalar_outputs(func, inputs, fn, strict):
    was_tuple, outputs = _call(func, inputs, fn)
    if was_tuple or len(outputs) != 1 or outputs[0].numel() != 1:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor with a single element"
                           if not was_tuple else f"The function given to {fn} should return a single Tensor")
    _check_outputs(outputs, strict)
    return outputs


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), v^T H): the vector-Hessian product of a scalar func."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), H v): the Hessian-vector product of a scalar func (through a double backward)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, fn):
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn)
    with grad_mode.enable_grad():
        inputs = _prepare(inputs, create_graph, True)
        v = _vector(v, inputs, inputs_tuple, create_graph, fn, "the input to the user-provided function is")
        outputs = _scalar_outputs(func, inputs, fn, strict)
        first = _grads(outputs, inputs, create_graph=True)
        first = _zeros_for_missing(first, inputs, strict, create_graph, "outputs")
        v = v if v is not None else (creation.ones_like(inputs[0]),)
        if fn == "vhp":
            result = _grads(first, inputs, v, create_graph)
        else:  # the transpose of a vhp: differentiate <first, u> in u, which is linear, at v
            dummies = tuple(creation.zeros_like(t).requires_grad_(True) for t in inputs)
            back = _grads(first, inputs, dummies, create_graph=True)
            used = [(b, r) for b, r in zip(back, v) if b is not None]
            result = (_grad([b for b, _ in used], dummies, [r for _, r in used], retain_graph=True,
                            create_graph=create_graph, allow_unused=True) if used else (None,) * len(inputs))
        result = _zeros_for_missing(result, inputs, strict, create_graph, "jacobian")
    return _finish(outputs, create_graph)[0], _untuple(_finish(result, create_graph), inputs_tuple)
