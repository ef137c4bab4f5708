"""An MLP on the digits that touches the Module and optimizer details real scripts use."""
import argparse
import io

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset


class Normalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std, persistent=False)

    def forward(self, x):
        return (x - self.mean) / self.std


class MLP(nn.Module):
    def __init__(self, mean, std, hidden=64):
        super().__init__()
        self.norm = Normalize(mean, std)
        self.body = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, 10)
        self.aux = self.head  # the same module under two names

    def forward(self, x):
        return self.head(self.body(self.norm(x)))


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.constant_(m.bias, 0.01)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--save-init", help="write the initial weights here (.npz)")
    parser.add_argument("--init-from", help="start from these weights (.npz)")
    args = parser.parse_args()
    torch.manual_seed(0)
    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32)
    y = torch.tensor(digits.target)
    loader = DataLoader(TensorDataset(x[:1400], y[:1400]), batch_size=100, shuffle=False, drop_last=True)

    model = MLP(x.mean(0), x.std(0) + 1.0)
    model.apply(init_weights)
    names = [n for n, _ in model.named_modules()]
    all_names = [n for n, _ in model.named_modules(remove_duplicate=False)]
    print("modules:", names, "with duplicates:", len(all_names))
    assert "aux" in all_names and "aux" not in names
    sd = model.state_dict()
    assert "norm.mean" in sd and "norm.std" not in sd and "aux.weight" in sd
    assert model.get_submodule("body.2") is model.body[2]
    if args.save_init:
        np.savez(args.save_init, **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})
    if args.init_from:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(args.init_from).items()})

    model.body[0].requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    frozen = [p for p in model.parameters() if not p.requires_grad]
    print(f"trainable tensors {len(trainable)}, frozen {len(frozen)}")
    optimizer = torch.optim.SGD(trainable, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[1, 2], gamma=0.5)
    step = 0
    for epoch in range(args.epochs):
        if epoch == 2:
            model.body[0].requires_grad_(True)
            optimizer.add_param_group({"params": model.body[0].parameters(), "lr": 0.01})
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            print(f"step {step} loss {loss.item():.6f}")
            step += 1
        scheduler.step()
        optimizer.param_groups[0]["lr"] *= 0.9  # a manual edit on top of the schedule, seen by the next step
        print(f"epoch {epoch} lrs", [f"{g['lr']:.4f}" for g in optimizer.param_groups])

    model.eval()
    with torch.no_grad():
        accuracy = (model(x[1400:]).argmax(1) == y[1400:]).float().mean()
    print(f"accuracy {accuracy:.4f}")

    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    buf.seek(0)
    state = torch.load(buf, weights_only=True)
    fresh = MLP(x.mean(0), x.std(0) + 1.0)
    state.pop("head.bias")
    state["extra.weight"] = torch.zeros(1)
    result = fresh.load_state_dict(state, strict=False)
    print("missing", result.missing_keys, "unexpected", result.unexpected_keys)
    assert "head.bias" in result.missing_keys and result.unexpected_keys == ["extra.weight"]

    double = MLP(x.mean(0), x.std(0) + 1.0).double()
    assert double.head.weight.dtype == torch.float64 and double.norm.mean.dtype == torch.float64
    half = MLP(x.mean(0), x.std(0) + 1.0).to(torch.float16)
    assert half.head.weight.dtype == torch.float16
    assert accuracy > 0.75, accuracy


if __name__ == "__main__":
    main()
