"""Fit a damped oscillation with a tiny network and L-BFGS, using a closure and strong-Wolfe line search."""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(1, 24), nn.Tanh(), nn.Linear(24, 24), nn.Tanh(), nn.Linear(24, 1))

    def forward(self, t):
        return self.net(t)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--save-init", help="write the initial weights here (.npz)")
    parser.add_argument("--init-from", help="start from these weights (.npz)")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)

    t = torch.linspace(0, 4 * math.pi, 200).unsqueeze(-1)
    y = torch.exp(-0.2 * t) * torch.sin(2 * t)
    model = Model()
    if args.save_init:
        np.savez(args.save_init, **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})
    if args.init_from:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(args.init_from).items()})
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=20, history_size=10,
                                  line_search_fn="strong_wolfe")
    loss_fn = nn.MSELoss()

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(t), y)
        loss.backward()
        return loss

    for step in range(args.steps):
        loss = optimizer.step(closure)
        print(f"step {step} loss {loss.item():.10f}")
    final = loss_fn(model(t), y).item()
    print(f"final mse {final:.3e}")
    assert final < 2e-2, final


if __name__ == "__main__":
    main()
