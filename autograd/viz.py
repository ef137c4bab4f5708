"""Pictures of the tape: to_dot(t) is Graphviz DOT source for the graph behind t; draw(t) renders it for notebooks."""
import html
import os
import shutil
import subprocess
import tempfile
import warnings

import numpy as np

from ._tensor import Tensor
from .backend import array_module, device_of
from .function import FREED

__all__ = ["to_dot", "draw", "render", "Graph", "Source"]

_NO_DOT = ("graphviz is not installed (no `dot` program on PATH), so here is the DOT source instead of the picture; "
           "install graphviz (apt install graphviz, brew install graphviz or conda install graphviz) to see it drawn")
_STYLE = {"op": 'fillcolor="lightgrey"', "leaf": 'fillcolor="lightblue"', "const": 'fillcolor="white"',
          "root": 'fillcolor="darkolivegreen1"'}


# ---------------------------------------------------------------------------- walking the tape
def _walk(fn):
    """The tape nodes reachable from `fn`, depth first from the root, without recursion (stable order)."""
    order, seen, stack = [], set(), [fn]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        for child, _ in reversed(node.next_functions):
            if child is not None and not isinstance(child, Tensor) and id(child) not in seen:
                stack.append(child)
    return order


def _output_meta(root, order, probe):
    """(id(node), output index) -> (shape, dtype, xp) for the outputs of the nodes in `order`.

    The root and multi-output nodes record their outputs; the others are found by running each node's backward
    formula once on zero gradients (a gradient has its output's shape and dtype). Nothing is stored or freed.
    """
    meta = {(id(root.grad_fn), root._output_nr): (tuple(root.shape), root.dtype, array_module(root.array))}
    for node in order:
        for nr, entry in enumerate(getattr(node, "_out_meta", None) or ()):
            meta[(id(node), nr)] = (tuple(entry[0]), entry[1], entry[2])
    if not probe:
        return meta
    for node in order:  # depth-first preorder: some parent of every node comes before it
        outs = [meta.get((id(node), nr)) for nr in range(node.num_outputs)]
        if node.custom or any(o is None for o in outs) or node._meta is FREED:
            continue  # user code is not run for a picture; freed nodes cannot run
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                grads = node.run_backward(tuple(xp.zeros(shape, dtype) for shape, dtype, xp in outs), False)
        except Exception:  # a node that cannot run now (e.g. modified in place) keeps its shapes unknown
            continue
        for (child, nr), g in zip(node.next_functions, grads):
            if child is not None and not isinstance(child, Tensor) and g is not None and hasattr(g, "shape"):
                meta.setdefault((id(child), nr), (tuple(g.shape), g.dtype, array_module(g)))
    return meta


# ---------------------------------------------------------------------------- DOT source
def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _describe(shape, dtype, dev=None):
    where = "" if dev is None or dev.type == "cpu" else f" {dev}"
    return f"{tuple(shape)} {dtype}{where}"


def _tensor_label(t, name):
    lines = [name, _describe(t.shape, t.dtype, device_of(t.array))]
    lines.append(f"requires_grad={t.requires_grad}")
    return "\n".join(lines)


def to_dot(tensor, params=None, shapes=True, name="output"):
    """Graphviz DOT source of the tape behind `tensor`: its nodes (op, output shapes, dtypes), leaves, edges.

    params: an optional mapping name -> Tensor (e.g. dict(net.named_parameters())) to label the leaves;
    shapes=False skips running the backward formulas on zeros that finds the shapes of intermediate outputs.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"viz.to_dot: expected a Tensor, got {type(tensor).__name__}")
    names = {id(t): n for n, t in (params or {}).items()}
    lines = ["digraph tape {", '  graph [rankdir=TB, fontsize=10];',
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=8];']
    root_label = _tensor_label(tensor, names.get(id(tensor), name))
    if tensor.grad_fn is None:  # a leaf (or a constant): the whole graph is one box
        kind = "leaf" if tensor.requires_grad else "const"
        lines += [f"  t0 [label={_quote(root_label)}, {_STYLE[kind]}];", "}"]
        return "\n".join(lines) + "\n"
    order = _walk(tensor.grad_fn)
    meta = _output_meta(tensor, order, shapes)
    ids = {id(node): f"n{i}" for i, node in enumerate(order)}
    leaves = {}
    body, edges = [], []
    for node in order:
        label = [node.name()]
        outs = [meta.get((id(node), nr)) for nr in range(node.num_outputs)]
        if node.num_outputs == 1:
            label.append("?" if outs[0] is None else _describe(outs[0][0], outs[0][1]))
        else:
            label += [f"{nr}: " + ("?" if o is None else _describe(o[0], o[1])) for nr, o in enumerate(outs)]
        body.append(f"  {ids[id(node)]} [label={_quote(chr(10).join(label))}, {_STYLE['op']}];")
        for child, nr in node.next_functions:
            if child is None:
                continue
            if isinstance(child, Tensor):
                if id(child) not in leaves:
                    leaves[id(child)] = f"l{len(leaves)}"
                    leaf_name = names.get(id(child), "leaf" if type(child) is Tensor else type(child).__name__)
                    body.append(f"  {leaves[id(child)]} [label={_quote(_tensor_label(child, leaf_name))}, "
                                f"{_STYLE['leaf']}];")
                edges.append(f"  {leaves[id(child)]} -> {ids[id(node)]};")
            else:
                tail = f' [label=" {nr}"]' if child.num_outputs > 1 else ""
                edges.append(f"  {ids[id(child)]} -> {ids[id(node)]}{tail};")
    body.append(f"  t0 [label={_quote(root_label)}, {_STYLE['root']}];")
    edges.append(f"  {ids[id(tensor.grad_fn)]} -> t0"
                 + (f' [label=" {tensor._output_nr}"]' if tensor.grad_fn.num_outputs > 1 else "") + ";")
    return "\n".join(lines + body + edges + ["}"]) + "\n"


# ---------------------------------------------------------------------------- rendering
def _write(path, data):
    """Write to a temporary file beside `path`, then rename it (no truncated file under the real name)."""
    path = os.fspath(path)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".viz-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class Graph:
    """A rendered tape picture: shown inline by Jupyter (SVG or PNG); .source is the DOT text, .data the image."""

    def __init__(self, source, data, format):
        self.source, self.data, self.format = source, data, format

    def _repr_svg_(self):
        if self.format != "svg":
            return None
        text = self.data.decode("utf-8")
        start = text.find("<svg")
        return text[start:] if start >= 0 else text

    def _repr_png_(self):
        return self.data if self.format == "png" else None

    def save(self, path):
        """Write the image to `path`."""
        _write(path, self.data)

    def __repr__(self):
        return f"<autograd.viz.Graph: {self.format}, {len(self.data)} bytes; .source holds the DOT text>"


class Source:
    """The DOT text of a tape picture that could not be rendered (no graphviz): shows the text and why."""

    def __init__(self, source, note=_NO_DOT):
        self.source, self.note = source, note

    def _repr_html_(self):
        return (f'<div><p style="color:#a15c00"><b>autograd.viz:</b> {html.escape(self.note)}</p>'
                f"<pre>{html.escape(self.source)}</pre></div>")

    def save(self, path):
        """Write the DOT text to `path` (render it later with `dot -Tsvg path`)."""
        _write(path, self.source.encode("utf-8"))

    def __str__(self):
        return f"autograd.viz: {self.note}\n{self.source}"

    __repr__ = __str__


def render(source, format="svg"):
    """Render DOT source with graphviz's `dot` program: a Graph, or a Source showing the text when dot is missing."""
    if format not in ("svg", "png"):
        raise ValueError(f"viz.render: format must be 'svg' or 'png', got {format!r}")
    exe = shutil.which("dot")
    if exe is None:
        return Source(source)
    try:
        proc = subprocess.run([exe, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RuntimeError(f"viz.render: running graphviz ({exe}) failed: {err}") from None
    if proc.returncode != 0:
        raise RuntimeError(f"viz.render: graphviz ({exe} -T{format}) exited with status {proc.returncode}: "
                           f"{proc.stderr.decode('utf-8', 'replace').strip()}")
    return Graph(source, proc.stdout, format)


def draw(tensor, format="svg", params=None, shapes=True):
    """The tape behind `tensor` as a picture shown inline in Jupyter (DOT text when graphviz is not installed)."""
    if format not in ("svg", "png"):
        raise ValueError(f"viz.draw: format must be 'svg' or 'png', got {format!r}")
    return render(to_dot(tensor, params=params, shapes=shapes), format)
