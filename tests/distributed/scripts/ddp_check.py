"""DDP on every rank against one process on the full batch: identical parameters on all ranks after every step."""
import argparse
import copy

import numpy as np

import autograd as ag
import autograd.distributed as dist
import nn
import optim
from nn.parallel import DistributedDataParallel as DDP

p = argparse.ArgumentParser()
p.add_argument("--backend", default="mpi")
p.add_argument("--device", default="cpu")
opts = p.parse_args()
dist.init_process_group(opts.backend)
rank, world, dev = dist.get_rank(), dist.get_world_size(), opts.device
B = 4  # samples per rank; the reference process sees all world * B of them


def make_net():
    ag.manual_seed(100 + rank)  # different on purpose: DDP must copy rank 0's parameters
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3)).to(dev)


def flat(net):
    return np.concatenate([q.detach().cpu().numpy().ravel() for q in net.parameters()])


def same_on_all_ranks(net, what):
    """Every rank holds exactly the same parameters (gathered and compared bit for bit)."""
    mine = ag.tensor(flat(net), device=dev)
    parts = [ag.zeros_like(mine) for _ in range(world)]
    dist.all_gather(parts, mine)
    for r, part in enumerate(parts):
        assert np.array_equal(part.cpu().numpy(), parts[0].cpu().numpy()), f"{what}: rank {r} differs from rank 0"


def close(a, b, what):
    assert np.allclose(a, b, rtol=1e-4, atol=1e-6), f"{what}: max diff {np.abs(a - b).max()}"


rng = np.random.default_rng(0)  # the same data on every rank; each rank trains on its own slice
X = ag.tensor(rng.standard_normal((5, world * B, 6)).astype(np.float32), device=dev)
Y = ag.tensor(rng.integers(0, 3, (5, world * B)), device=dev)
mine = slice(rank * B, (rank + 1) * B)

for make_opt in (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), lambda ps: optim.Adam(ps, lr=0.01),
                 lambda ps: optim.RMSprop(ps, lr=0.01), lambda ps: optim.Adagrad(ps, lr=0.1)):
    net = make_net()
    ddp = DDP(net, bucket_cap_mb=0.0002)  # tiny buckets: several all-reduces per backward
    assert len(ddp.reducer.buckets) > 1
    ref = copy.deepcopy(net)  # already rank 0's values: the single process on the full batch
    same_on_all_ranks(net, "after construction")
    opt, ref_opt = make_opt(ddp.parameters()), make_opt(ref.parameters())
    for step in range(5):
        opt.zero_grad()
        nn.functional.cross_entropy(ddp(X[step, mine]), Y[step, mine]).backward()
        opt.step()
        ref_opt.zero_grad()
        nn.functional.cross_entropy(ref(X[step]), Y[step]).backward()
        ref_opt.step()
        same_on_all_ranks(net, f"{type(opt).__name__} step {step}")
        close(flat(net), flat(ref), f"{type(opt).__name__} step {step} vs one process")

# LBFGS re-evaluates the loss (forward + backward through DDP) several times per step
net = make_net()
ddp = DDP(net)
ref = copy.deepcopy(net)
opt, ref_opt = optim.LBFGS(ddp.parameters(), lr=0.5, max_iter=4), optim.LBFGS(ref.parameters(), lr=0.5, max_iter=4)
for step in range(2):
    def closure(model=ddp, o=opt, x=X[step, mine], y=Y[step, mine]):
        o.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        return loss

    opt.step(closure)
    ref_opt.step(lambda: closure(ref, ref_opt, X[step], Y[step]))
    same_on_all_ranks(net, f"LBFGS step {step}")
    close(flat(net), flat(ref), f"LBFGS step {step} vs one process")

# gradient accumulation: two micro-batches under no_sync, the third one syncs all three
net = make_net()
ddp, ref = DDP(net), None
ref = copy.deepcopy(net)
for step in range(3):
    ctx = ddp.no_sync() if step < 2 else None
    if ctx:
        with ctx:
            nn.functional.cross_entropy(ddp(X[step, mine]), Y[step, mine]).backward()
        local = [q.grad.cpu().numpy().copy() for q in net.parameters()]
    else:
        nn.functional.cross_entropy(ddp(X[step, mine]), Y[step, mine]).backward()
    nn.functional.cross_entropy(ref(X[step]), Y[step]).backward()
if world > 1:  # before the synced step the grads were local: they differ across ranks
    parts = [ag.zeros(local[0].size, device=dev) for _ in range(world)]
    dist.all_gather(parts, ag.tensor(local[0].ravel(), device=dev))
    assert not np.allclose(parts[0].cpu().numpy(), parts[1].cpu().numpy())
for q, r in zip(net.parameters(), ref.parameters()):
    close(q.grad.cpu().numpy(), r.grad.cpu().numpy(), "no_sync accumulation")

# a parameter the forward does not use: an error at the next forward, unless find_unused_parameters=True


class Branchy(nn.Layer):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(6, 3), nn.Linear(6, 3)

    def forward(self, x, use_b=False):
        return self.b(x) if use_b else self.a(x)


net = Branchy().to(dev)
ddp = DDP(net, find_unused_parameters=True)
ref = copy.deepcopy(net)
opt, ref_opt = optim.SGD(ddp.parameters(), lr=0.1), optim.SGD(ref.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    ref_opt.zero_grad()
    ddp(X[step, mine]).mean().backward()
    ref(X[step]).mean().backward()
    assert all(q.grad is None for q in list(net.b.parameters()) + list(ref.b.parameters()))
    opt.step()
    ref_opt.step()
    same_on_all_ranks(net, f"find_unused step {step}")
    close(flat(net), flat(ref), f"find_unused step {step} vs one process")
ddp = DDP(Branchy().to(dev))
ddp(X[0, mine]).sum().backward()
try:
    ddp(X[0, mine])
except RuntimeError as err:
    assert "find_unused_parameters=True" in str(err) and "b.weight" in str(err), err
else:
    raise AssertionError("an unused parameter did not raise at the next forward")

# Model.fit: each rank fits its shard from a DistributedSampler; the same as one process on the full batches
Xs = ag.tensor(rng.standard_normal((world * 24, 6)).astype(np.float32))
Ys = ag.tensor(rng.integers(0, 3, world * 24))
net = make_net()
model = nn.Model(DDP(net), nn.CrossEntropyLoss(), optim.Adam(lr=0.01), device=dev)
ref_net = copy.deepcopy(net)
ref_model = nn.Model(ref_net, nn.CrossEntropyLoss(), optim.Adam(lr=0.01), device=dev)
sampler = dist.DistributedSampler(Xs, shuffle=False)
idx = ag.tensor(list(sampler))
model.fit(Xs[idx], Ys[idx], epochs=2, batch_size=4, shuffle=False, verbose=0)
ref_model.fit(Xs, Ys, epochs=2, batch_size=4 * world, shuffle=False, verbose=0)
same_on_all_ranks(net, "Model.fit")
close(flat(net), flat(ref_net), "Model.fit vs one process")

# the design's Model.backward uses autograd.grad, which bypasses .grad: a clear error, not silent divergence
try:
    model.backward(model.forward(Xs[:4]), Ys[:4])
except RuntimeError as err:
    assert "autograd.grad()" in str(err), err
else:
    raise AssertionError("Model.backward through DDP did not raise")

# .double() after wrapping: the buckets follow the new dtype; moving to a device the backend cannot serve raises
net = make_net()
ddp = DDP(net).double()
ref = copy.deepcopy(net)
nn.functional.cross_entropy(ddp(X[0, mine].double()), Y[0, mine]).backward()
nn.functional.cross_entropy(ref(X[0].double()), Y[0]).backward()
for q, r in zip(net.parameters(), ref.parameters()):
    assert q.grad.dtype == ag.float64
    assert np.allclose(q.grad.cpu().numpy(), r.grad.cpu().numpy(), rtol=1e-10, atol=1e-12), "float64 grads"
try:
    ddp.to("cuda" if dev == "cpu" else "cpu")
except RuntimeError as err:
    assert "cannot move the model" in str(err) or "not available" in str(err), err
else:
    raise AssertionError("moving a DDP model off its backend's device did not raise")

# models that differ across ranks are refused at construction
if world > 1:
    try:
        DDP(nn.Linear(3 + rank, 2).to(dev))
    except RuntimeError as err:
        assert "differs across ranks" in str(err), err
    else:
        raise AssertionError("different models on different ranks did not raise")

dist.destroy_process_group()
print(f"rank {rank}: DDP OK", flush=True)
