"""benchmarks/api_coverage counts PyTorch's public names that tapegrad has, and lists the missing ones."""
import pytest

import autograd
from benchmarks import api_coverage

torch = pytest.importorskip("torch")


def test_counts_are_consistent_and_name_real_torch_functions():
    result = api_coverage.coverage(torch)
    for key, row in result.items():
        assert 0 <= row["have"] <= row["total"], key
        assert row["total"] - row["have"] == len(row["missing"]), key
    assert result["torch"]["total"] > 300 and result["torch.Tensor"]["total"] > 400
    pairs = set(api_coverage.public_lists(torch))
    assert ("torch", "add") in pairs and ("torch.Tensor", "add_") in pairs and ("torch.linalg", "solve") in pairs
    assert ("torch.Tensor", "T") in pairs  # a property counts too


def test_excluded_families_are_left_out():
    names = {n for _, n in api_coverage.public_lists(torch)}
    assert not names & {"quantize_per_tensor", "mkldnn_adaptive_avg_pool2d", "to_sparse_csr", "_add_relu"}


def test_a_name_tapegrad_lacks_is_reported_missing(monkeypatch):
    monkeypatch.delattr(autograd, "atan2")
    result = api_coverage.coverage(torch)
    assert "atan2" in result["torch"]["missing"]


def test_main_prints_the_shares_and_writes_json(tmp_path, capsys):
    out = tmp_path / "cov.json"
    result = api_coverage.main(["--json", str(out)])
    assert out.exists() and 0 < result["functions"]["share"] <= 1
    assert "functions, all" in capsys.readouterr().out
