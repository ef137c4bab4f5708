"""SyncBatchNorm (one process, and two through mpiexec) and DataParallel (one device) against torch and BatchNorm."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from tests.distributed.jobs import needs_mpi, run_job


# ---------------------------------------------------------------------------- SyncBatchNorm
@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 4, 4), (2, 3, 2, 2, 2), (2, 3, 2, 2, 2, 2)])
def test_sync_batchnorm_alone_is_batchnorm_like_torch(shape):
    torch = pytest.importorskip("torch")
    mine, theirs = nn.SyncBatchNorm(3, momentum=0.2).double(), torch.nn.SyncBatchNorm(3, momentum=0.2).double()
    assert repr(mine) == repr(theirs) and list(mine.state_dict()) == list(theirs.state_dict())
    with ag.no_grad():
        mine.weight.copy_(ag.randn(3, dtype=ag.float64))
        mine.bias.copy_(ag.randn(3, dtype=ag.float64))
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mine.state_dict().items()})
    x = np.random.default_rng(0).standard_normal(shape) * 3 + 1
    xm, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for _ in range(2):
        out, want = mine(xm), theirs(xt)
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    (out ** 2).sum().backward()
    (want ** 2).sum().backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(mine.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-9)
    for k, v in mine.state_dict().items():
        np.testing.assert_allclose(v.numpy(), theirs.state_dict()[k].numpy(), rtol=1e-12, err_msg=k)
    mine.eval()
    theirs.eval()
    np.testing.assert_allclose(mine(xm).detach().numpy(), theirs(xt).detach().numpy(), rtol=1e-10, atol=1e-12)


def test_sync_batchnorm_errors():
    with pytest.raises(ValueError, match="expected at least 2D input"):
        nn.SyncBatchNorm(3)(ag.randn(3))
    with pytest.raises(ValueError, match="expected input with 3 channels"):
        nn.SyncBatchNorm(3)(ag.randn(2, 4, 5))
    with pytest.raises(ValueError, match="only the default process group"):
        nn.SyncBatchNorm(3, process_group=object())
    with pytest.raises(TypeError, match="expected a tensor"):
        nn.SyncBatchNorm(3)([1.0, 2.0])


def test_convert_sync_batchnorm_shares_state_like_torch():
    torch = pytest.importorskip("torch")
    net = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4, momentum=None),
                        nn.Sequential(nn.BatchNorm1d(4, affine=False), nn.BatchNorm3d(4, bias=False)))
    ref = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.BatchNorm2d(4, momentum=None),
                              torch.nn.Sequential(torch.nn.BatchNorm1d(4, affine=False),
                                                  torch.nn.BatchNorm3d(4, bias=False)))
    net[1].eval()
    ref[1].eval()
    conv, bn = net[0], net[1]
    out = nn.SyncBatchNorm.convert_sync_batchnorm(net)
    want = torch.nn.SyncBatchNorm.convert_sync_batchnorm(ref)
    assert out is net and out[0] is conv and repr(out) == repr(want)
    assert type(out[1]) is nn.SyncBatchNorm and out[1].weight is bn.weight and out[1].running_mean is bn.running_mean
    assert out[1].num_batches_tracked is bn.num_batches_tracked and not out[1].training and out[1].momentum is None
    assert out[2][0].weight is None and out[2][1].bias is None and out[2][1].weight is not None
    alone = nn.BatchNorm1d(2)
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(alone)
    assert type(converted) is nn.SyncBatchNorm and converted.weight is alone.weight
    assert list(out.state_dict()) == list(want.state_dict())


@needs_mpi
def test_sync_batchnorm_over_two_processes_equals_batchnorm_on_the_whole_batch():
    code, out, _ = run_job("syncbn_check.py", n=2)
    assert code == 0, out
    assert "rank 0: SyncBatchNorm OK" in out and "rank 1: SyncBatchNorm OK" in out, out


# ---------------------------------------------------------------------------- DataParallel
def test_data_parallel_wraps_like_torch():
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    inner = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    dp = nn.DataParallel(inner)
    ref = torch.nn.DataParallel(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4)))
    assert dp.module is inner and repr(dp) == repr(ref) and dp.device_ids == [] == ref.device_ids
    assert list(dp.state_dict()) == list(ref.state_dict())
    ref.load_state_dict({k: torch.tensor(v.numpy()) for k, v in dp.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(dp(ag.tensor(x)).detach().numpy(), ref(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    assert [n for n, _ in dp.named_parameters()] == [n for n, _ in ref.named_parameters()]
    plain = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    plain.load_state_dict({k[len("module."):]: v for k, v in dp.state_dict().items()})
    dp.eval()
    assert not inner.training
    with pytest.raises(TypeError, match="must be an nn.Layer"):
        nn.DataParallel(lambda x: x)


def test_data_parallel_on_the_gpu_backend(stand_in):
    layer = nn.Linear(3, 2).to("cuda")
    dp = nn.DataParallel(layer)
    assert dp.device_ids == [0] and dp.output_device == 0 and dp.dim == 0
    assert dp(ag.randn(4, 3)).device == ag.device("cuda")  # a CPU input is scattered to cuda:0
    nested = nn.DataParallel(_Pair().to("cuda"))
    a, b = nested((ag.randn(2), [ag.randn(3)]), extra={"t": ag.randn(1)})  # through tuples, lists and dicts
    assert a.device == b.device == ag.device("cuda")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        many = nn.DataParallel(nn.Linear(3, 2).to("cuda"), device_ids=[0, 1])
    assert "one device per process" in str(caught[0].message) and many.device_ids == [0, 1]
    moved = nn.DataParallel(nn.Linear(3, 2).to("cuda"))
    moved.module.to("cpu")
    with pytest.raises(RuntimeError, match=r"parameters and buffers on device cuda:0 \(device_ids\[0\]\)"):
        moved(ag.randn(4, 3))


class _Pair(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(ag.ones(2))

    def forward(self, pair, extra):
        return pair[0] * self.w + extra["t"], pair[1][0]
