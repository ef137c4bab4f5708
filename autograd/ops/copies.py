"""The *_copy functions (view_copy, permute_copy, split_copy, ...): a view op followed by a copy, so the result
owns its memory (contiguous, differentiable like the view); and char(), the int8 copy."""
from .. import dtypes
from .convert import clone, to_copy
from .join import split, unbind
from .shape import (_check_tensor, _dim, _int, diagonal, expand, narrow, permute, squeeze, t, transpose, unsqueeze,
                    view)
from .shape_extra import _getitem, select, split_with_sizes
from .strided_views import as_strided, unfold


def _copying(view_op, name):
    """name(input, ...): view_op(input, ...) with every output copied; its signature is view_op's."""

    def fn(input, *args, **kwargs):
        out = view_op(input, *args, **kwargs)
        return tuple(clone(o) for o in out) if isinstance(out, tuple) else clone(out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{view_op.__name__}, with the result copied into new memory instead of viewing input's."
    fn.__wrapped__ = view_op  # inspect.signature reports view_op's parameters
    return fn


def alias(input):
    """A view of the whole of input."""
    return view(input, tuple(input.shape))


def detach(input):
    """input cut from the tape (sharing its memory)."""
    _check_tensor(input, "detach")
    return input.detach()


def expand_view(input, size, *, implicit=False):
    """expand under expand_copy's signature (implicit is PyTorch's tracing flag and changes nothing)."""
    return expand(input, size)


def split_view(input, split_size, dim=0):
    """split under split_copy's parameter names."""
    return split(input, split_size, dim)


def slice_view(input, dim=0, start=None, end=None, step=1):
    """input[start:end:step] along dim, a view (PyTorch's aten slice)."""
    _check_tensor(input, "slice")
    d = _dim(dim, input.ndim, "slice")
    step = _int(step, "slice", "step")
    if step <= 0:
        raise RuntimeError(f"slice: slice step must be positive, got {step}")
    return _getitem(input, (slice(None),) * d + (slice(start, end, step),))


_VIEWS = {"alias_copy": alias, "as_strided_copy": as_strided, "detach_copy": detach, "diagonal_copy": diagonal,
          "expand_copy": expand_view, "narrow_copy": narrow, "permute_copy": permute, "select_copy": select,
          "slice_copy": slice_view, "split_copy": split_view, "split_with_sizes_copy": split_with_sizes,
          "squeeze_copy": squeeze, "t_copy": t, "transpose_copy": transpose, "unbind_copy": unbind,
          "unfold_copy": unfold, "unsqueeze_copy": unsqueeze, "view_copy": view}
for _name, _op in _VIEWS.items():
    globals()[_name] = _copying(_op, _name)


def char(self):
    """Cast to int8 (a copy)."""
    return to_copy(self, dtypes.int8)


__all__ = list(_VIEWS) + ["detach"]
METHODS = {"narrow_copy": globals()["narrow_copy"], "char": char}
