"""autograd.viz: the DOT source of a tape (nodes, shapes, dtypes, leaves, edges) and its rendering, with/without dot."""
import os
import re
import shutil
import stat
import sys

import numpy as np
import pytest

import autograd as ag
from autograd import viz


def nodes(dot):
    """{node id: label} of a DOT text made by to_dot."""
    return {m.group(1): m.group(2).replace("\\n", "\n")
            for m in re.finditer(r'^\s+(\w+) \[label="((?:[^"\\]|\\.)*)"', dot, re.M)}


def edges(dot):
    return re.findall(r"^\s+(\w+) -> (\w+)", dot, re.M)


def small_graph():
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    w = ag.ones(3, 4, requires_grad=True)
    h = (x @ w).relu()
    return x, w, (h * h).sum()


def test_to_dot_nodes_shapes_and_edges():
    x, w, y = small_graph()
    dot = viz.to_dot(y, params={"x": x, "w": w})
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    labels = nodes(dot)
    ops = {label.split("\n")[0]: label for label in labels.values()}
    assert ops["MulBackward0"].split("\n")[1] == "(2, 4) float32"
    assert ops["ReluBackward0"].split("\n")[1] == "(2, 4) float32"
    assert ops["MmBackward0"].split("\n")[1] == "(2, 4) float32"
    assert ops["SumBackward0"].split("\n")[1] == "() float32"
    assert ops["x"] == "x\n(2, 3) float32\nrequires_grad=True"
    assert ops["w"] == "w\n(3, 4) float32\nrequires_grad=True"
    assert ops["output"].startswith("output\n() float32")
    by_name = {label.split("\n")[0]: key for key, label in labels.items()}
    e = set(edges(dot))
    assert (by_name["x"], by_name["MmBackward0"]) in e and (by_name["w"], by_name["MmBackward0"]) in e
    assert (by_name["MmBackward0"], by_name["ReluBackward0"]) in e
    assert (by_name["SumBackward0"], by_name["output"]) in e
    assert edges(dot).count((by_name["ReluBackward0"], by_name["MulBackward0"])) == 2  # h * h
    assert len(edges(dot)) == 7


def test_to_dot_matches_next_functions():
    """One node per tape node and one edge per non-None entry of next_functions."""
    a = ag.randn(4, 3, requires_grad=True)
    b = ag.randn(3, requires_grad=True)
    out = (a * b + a.exp()).tanh().mean(dim=0)
    nodes_seen, n_edges, stack = set(), 0, [out.grad_fn]
    while stack:
        fn = stack.pop()
        if fn in nodes_seen:
            continue
        nodes_seen.add(fn)
        for child, _ in fn.next_functions:
            if child is not None:
                n_edges += 1
                if not isinstance(child, ag.Tensor):
                    stack.append(child)
    dot = viz.to_dot(out)
    labels = nodes(dot).values()
    assert sum(1 for lab in labels if "Backward" in lab) == len(nodes_seen)
    assert sum(1 for lab in labels if lab.startswith("leaf")) == 2
    assert len(edges(dot)) == n_edges + 1  # plus grad_fn -> output


def test_to_dot_is_stable_and_leaves_the_tape_usable():
    x, w, y = small_graph()
    assert viz.to_dot(y) == viz.to_dot(y)
    y.backward()  # drawing ran no backward that stored or freed anything
    h = np.maximum(x.detach().numpy() @ np.ones((3, 4)), 0)
    assert np.allclose(x.grad.numpy(), 2 * h @ np.ones((4, 3)))
    x2, w2, y2 = small_graph()
    y2.backward()
    assert np.array_equal(w.grad.numpy(), w2.grad.numpy())
    freed = viz.to_dot(y)  # after backward the saved values are gone: shapes that need them show "?"
    assert "MmBackward0" in freed and "SumBackward0\\n() float32" in freed


def test_to_dot_multi_output_and_repeated_input():
    t = ag.randn(5, dtype=ag.float64, requires_grad=True)
    a, b = t.split([2, 3])
    dot = viz.to_dot(a * a + b.sum())
    split = next(lab for lab in nodes(dot).values() if lab.startswith("SplitBackward0"))
    assert split == "SplitBackward0\n0: (2,) float64\n1: (3,) float64"
    assert '[label=" 0"]' in dot and '[label=" 1"]' in dot
    labels = nodes(dot)
    mul = next(k for k, lab in labels.items() if lab.startswith("MulBackward0"))
    assert sum(1 for _, dst in edges(dot) if dst == mul) == 2  # a * a: two edges from the split


def test_to_dot_deep_graph_is_iterative():
    x = ag.ones(3, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    dot = viz.to_dot(y)
    assert len(re.findall(r"Mul\w*Backward0\\n\(3,\) float32", dot)) == 3000


def test_to_dot_leaf_constant_and_errors():
    leaf = ag.zeros(2, 3, requires_grad=True)
    assert "leaf" not in viz.to_dot(leaf) and "requires_grad=True" in viz.to_dot(leaf)
    assert "requires_grad=False" in viz.to_dot(ag.zeros(2))
    with pytest.raises(TypeError, match="expected a Tensor"):
        viz.to_dot(np.zeros(3))
    x, w, y = small_graph()
    with pytest.raises(ValueError, match="format"):
        viz.draw(y, format="pdf")


def test_to_dot_higher_order_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ag.grad((x ** 3).sum(), x, create_graph=True)
    dot = viz.to_dot(g)
    assert "(2,) float32" in dot and "Backward0" in dot


def test_to_dot_custom_function_is_not_run():
    calls = []

    class Square(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, gy):
            calls.append(1)
            (x,) = ctx.saved_tensors
            return 2 * x * gy

    x = ag.randn(3, requires_grad=True)
    dot = viz.to_dot(Square.apply(x.exp()).sum())
    assert "SquareBackward0\\n(3,) float32" in dot and "ExpBackward0\\n?" in dot
    assert calls == []


def test_to_dot_escapes_names():
    x = ag.ones(2, requires_grad=True)
    dot = viz.to_dot((x * 2).sum(), params={'a "quoted" \\ name': x})
    assert 'a \\"quoted\\" \\\\ name' in dot


def test_to_dot_on_the_gpu_backend(device):
    x = ag.randn(2, 3, device=device, requires_grad=True)
    dot = viz.to_dot((x * x).sum(dim=1))
    assert "MulBackward0\\n(2, 3) float32" in dot
    if device != "cpu":
        assert "cuda:0" in dot


def test_draw_without_graphviz(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    x, w, y = small_graph()
    shown = viz.draw(y)
    assert isinstance(shown, viz.Source)
    assert not hasattr(shown, "_repr_svg_")
    assert "graphviz is not installed" in str(shown) and "digraph" in str(shown)
    page = shown._repr_html_()
    assert "graphviz is not installed" in page and "MmBackward0" in page and "<pre>" in page
    assert "\\n" in shown.source and "&quot;" in page  # the DOT text is HTML-escaped


def _fake_dot(tmp_path, body):
    script = tmp_path / "dot"
    script.write_text(f"#!{sys.executable}\nimport sys\ndata = sys.stdin.read()\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.skipif(os.name == "nt", reason="the fake dot is a script with a shebang line")
def test_draw_with_graphviz(monkeypatch, tmp_path):
    fake = _fake_dot(tmp_path, "assert sys.argv[1] == '-Tsvg' and data.startswith('digraph')\n"
                               "sys.stdout.write('<?xml version=\"1.0\"?>\\n<svg><text>%d</text></svg>' % len(data))")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: fake if name == "dot" else None)
    x, w, y = small_graph()
    shown = viz.draw(y)
    assert isinstance(shown, viz.Graph)
    assert shown._repr_svg_() == f"<svg><text>{len(shown.source)}</text></svg>"
    assert shown._repr_png_() is None and not hasattr(shown, "_repr_html_")
    shown.save(tmp_path / "tape.svg")
    assert (tmp_path / "tape.svg").read_bytes() == shown.data


@pytest.mark.skipif(os.name == "nt", reason="the fake dot is a script with a shebang line")
def test_draw_reports_graphviz_failure(monkeypatch, tmp_path):
    fake = _fake_dot(tmp_path, "sys.stderr.write('syntax error in line 1'); sys.exit(1)")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: fake)
    x, w, y = small_graph()
    with pytest.raises(RuntimeError, match="syntax error in line 1"):
        viz.draw(y)


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz (the dot program) is not installed")
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_draw_with_real_graphviz(fmt):
    x, w, y = small_graph()
    shown = viz.draw(y, format=fmt, params={"x": x, "w": w})
    if fmt == "svg":
        svg = shown._repr_svg_()
        assert svg.startswith("<svg") and "MmBackward0" in svg and ">w<" in svg
    else:
        assert shown._repr_png_().startswith(b"\x89PNG")
