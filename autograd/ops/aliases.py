"""Keyword forms PyTorch takes besides the plain ones: numpy's axis/keepdims, and sizes by keyword (shape=, dims=)."""


def _given(value, default):
    return value is not default and not (type(value) is type(default) and value == default)


def dim(op, dim, axis, default=None):
    """dim, replaced by numpy's name `axis` when that was passed; both at once is a TypeError, as in torch."""
    if axis is None:
        return dim
    if _given(dim, default):
        raise TypeError(f"{op}: got both dim={dim!r} and its numpy alias axis={axis!r}; pass only one of them")
    return axis


def dims(op, dim_, keepdim, axis, keepdims, default=None):
    """(dim, keepdim), with numpy's names axis/keepdims in their place where those were passed."""
    if keepdims is not None:
        if keepdim:
            raise TypeError(f"{op}: got both keepdim={keepdim!r} and its numpy alias keepdims={keepdims!r}; pass "
                            "only one of them")
        keepdim = keepdims
    return dim(op, dim_, axis, default), keepdim


def required_dim(op, dim_, axis):
    """A required dim, which may come as numpy's `axis` instead; a TypeError naming dim when neither came."""
    if dim_ is None and axis is None:
        raise TypeError(f"{op}() missing 1 required argument: 'dim' (an int; numpy's name axis= is also taken)")
    return dim(op, dim_, axis)


def sizes(op, args, name, value):
    """Sizes given as varargs, or as the one keyword `name` (torch takes x.view(2, 3) and x.view(size=(2, 3)))."""
    if value is None:
        return args
    if args:
        raise TypeError(f"{op}() got multiple values for argument '{name}': pass the sizes as arguments or as "
                        f"{name}=, not both")
    return (value,)
