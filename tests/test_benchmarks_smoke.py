"""Smoke test of benchmarks/gpu.py: every workload runs a couple of steps on the CPU at tiny sizes."""
import json
import sys

import pytest

from benchmarks import gpu

SMALL_RUN = ["--device", "cpu", "--small", "--warmup", "1", "--repeat", "1"]


def test_every_workload_runs_and_writes_json(tmp_path, capsys):
    out = tmp_path / "res" / "gpu.json"
    report = gpu.main(SMALL_RUN + ["--no-torch", "--out", str(out)])
    saved = json.loads(out.read_text())
    assert saved["device"] == "cpu" and saved["small"] is True
    assert set(saved["results"]) == {"overhead", "mlp", "cnn", "transformer"}
    for name, row in saved["results"].items():
        assert row["tapegrad_s"] > 0, (name, row)
        assert "torch_s" not in row and row["goal_ratio"] in (1.25, 1.5)
    assert report["results"]["mlp"]["config"]["dims"] == (32, 32, 32, 32, 10)
    assert "overhead" in capsys.readouterr().out


def test_side_by_side_with_torch_when_installed(tmp_path):
    pytest.importorskip("torch")
    report = gpu.main(SMALL_RUN + ["--only", "overhead,mlp", "--out", str(tmp_path / "g.json")])
    for row in report["results"].values():
        assert row["torch_s"] > 0 and row["ratio"] > 0 and isinstance(row["meets_goal"], bool)


def test_without_torch_only_ours_is_timed(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    report = gpu.main(SMALL_RUN + ["--only", "overhead"])
    assert "torch_s" not in report["results"]["overhead"]
    assert "torch" not in capsys.readouterr().out.split("tapegrad")[1]


def test_unknown_workload_is_refused():
    with pytest.raises(SystemExit):
        gpu.main(["--device", "cpu", "--only", "resnet50"])
