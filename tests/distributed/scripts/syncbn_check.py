"""SyncBatchNorm on every rank (its share of the batch) against BatchNorm on the full batch in one process."""
import numpy as np

import autograd as ag
import autograd.distributed as dist
import nn

dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()
B, C = 3, 4  # samples per rank; the reference sees all world * B of them
rng = np.random.default_rng(0)
full = rng.standard_normal((world * B, C, 5)) * 2 + 1
gy = rng.standard_normal(full.shape)
for momentum in (0.1, None):
    ref = nn.BatchNorm1d(C, momentum=momentum).double()
    sync = nn.SyncBatchNorm(C, momentum=momentum).double()
    with ag.no_grad():
        ref.weight.copy_(ag.tensor(rng.standard_normal(C)))
        ref.bias.copy_(ag.tensor(rng.standard_normal(C)))
        sync.weight.copy_(ref.weight)
        sync.bias.copy_(ref.bias)
    xr = ag.tensor(full, requires_grad=True)
    xs = ag.tensor(full[rank * B:(rank + 1) * B], requires_grad=True)
    for _ in range(2):  # twice: the running statistics update twice
        yr, ys = ref(xr), sync(xs)
    np.testing.assert_allclose(ys.detach().numpy(), yr.detach().numpy()[rank * B:(rank + 1) * B], rtol=1e-10,
                               atol=1e-12)
    (yr * ag.tensor(gy)).sum().backward()
    (ys * ag.tensor(gy[rank * B:(rank + 1) * B])).sum().backward()
    np.testing.assert_allclose(xs.grad.numpy(), xr.grad.numpy()[rank * B:(rank + 1) * B], rtol=1e-9, atol=1e-11)
    for name in ("weight", "bias"):  # each rank holds its share of the parameter gradients
        share = getattr(sync, name).grad.clone()
        dist.all_reduce(share)
        np.testing.assert_allclose(share.numpy(), getattr(ref, name).grad.numpy(), rtol=1e-9, atol=1e-11)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(sync, name).numpy(), getattr(ref, name).numpy(), rtol=1e-10)
    sync.eval()
    np.testing.assert_allclose(sync(xs).detach().numpy(), ref.eval()(xs).detach().numpy(), rtol=1e-12)
print(f"rank {rank}: SyncBatchNorm OK")
