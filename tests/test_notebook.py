"""examples/quickstart.ipynb runs from top to bottom in a Jupyter kernel; the notebook niceties it shows work."""
import html
import importlib.util
import os
import pathlib

import pytest

import autograd as ag
import nn

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


def _need(module, why):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed ({why}): pip install -e \".[test,examples]\" nbclient ipykernel "
                    "matplotlib")


def _outputs(cell):
    return [o for o in cell.get("outputs", [])]


def _mimes(cell):
    return {m for o in _outputs(cell) for m in o.get("data", {})}


def _cell(nb, text):
    return next(c for c in nb.cells if c.cell_type == "code" and text in c.source)


def test_quickstart_notebook_runs(monkeypatch):
    for module, why in [("nbformat", "to read the notebook"), ("nbclient", "to execute the notebook"),
                        ("ipykernel", "the Jupyter kernel"), ("sklearn", "the digits data"),
                        ("matplotlib", "History.plot")]:
        _need(module, why)
    import nbclient
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    # the kernel imports this checkout's packages, from examples/ as a user would run it
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, when any cell fails

    errors = [o for c in nb.cells for o in _outputs(c) if o.get("output_type") == "error"]
    assert not errors
    assert "text/html" in _mimes(_cell(nb, "net = nn.Net"))                # the Layer's notebook repr
    assert "image/png" in _mimes(_cell(nb, "history.plot"))                # the training curve
    drawn = _mimes(_cell(nb, "ag.viz.draw"))
    assert "image/svg+xml" in drawn or "text/html" in drawn                # the tape: a picture or its DOT source
    fit = _cell(nb, "model.fit")
    if importlib.util.find_spec("ipywidgets") is not None and importlib.util.find_spec("tqdm") is not None:
        widgets = [o for o in _outputs(fit) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert len(widgets) == 5                                           # one widget bar per epoch
    result = next(o for o in _outputs(_cell(nb, "model.evaluate")) if o.get("output_type") == "execute_result")
    assert "'accuracy'" in result["data"]["text/plain"]


def test_layer_html_repr_keeps_the_text_repr():
    net = nn.Net([nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 2)])
    net[2].weight.requires_grad_(False)
    page = net._repr_html_()
    assert html.escape(repr(net)) in page
    assert "26 parameters (18 trainable)" in page and "float32" in page and "training mode" in page
    assert "eval mode" in net.eval()._repr_html_()
    assert repr(nn.ReLU()) == "ReLU()" and "0 parameters" in nn.ReLU()._repr_html_()


def test_progress_bar_closes_a_bar_left_open_by_an_interrupted_fit():
    pytest.importorskip("tqdm")

    class Interrupt(nn.Callback):
        def on_batch_end(self, step, logs):
            raise KeyboardInterrupt

    model = nn.Model(nn.Net([nn.Dense(2, 1)]), nn.MSELoss(), __import__("optim").SGD(lr=0.1))
    X, Y = ag.randn(8, 2), ag.randn(8, 1)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, batch_size=4, callbacks=[Interrupt()], metrics=())
    left = list(nn.ProgressBar._open)
    assert len(left) == 1 and not left[0].disable
    model.fit(X, Y, batch_size=4, metrics=(), epochs=1)
    assert nn.ProgressBar._open == [] and left[0].disable  # tqdm marks a closed bar disabled
