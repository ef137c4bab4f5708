"""Regression in float64 with the switches training scripts set: compile, autocast, GradScaler, cudnn flags."""
import argparse

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from torch.utils.data import DataLoader, TensorDataset


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--save-init", help="write the initial weights here (.npz)")
    parser.add_argument("--init-from", help="start from these weights (.npz)")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.set_float32_matmul_precision("high")
    device = "cuda" if torch.cuda.is_available() else "cpu"

    data = load_diabetes()
    x = (data.data - data.data.mean(0)) / data.data.std(0)
    y = (data.target - data.target.mean()) / data.target.std()
    dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y).unsqueeze(1))
    loader = DataLoader(dataset, batch_size=64, shuffle=False)

    model = nn.Sequential(nn.Linear(10, 32), nn.SiLU(), nn.Dropout(0.0), nn.Linear(32, 1)).double().to(device)
    if args.save_init:
        np.savez(args.save_init, **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})
    if args.init_from:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(args.init_from).items()})
    compiled = torch.compile(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, amsgrad=True)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0)
    scaler = torch.cuda.amp.GradScaler(enabled=device == "cuda")
    loss_fn = nn.MSELoss()
    step = 0
    for epoch in range(args.epochs):
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
                loss = loss_fn(compiled(xb), yb)
            optimizer.zero_grad()
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total += loss.item() * len(xb)
            print(f"step {step} loss {loss.item():.10f}")
            step += 1
        epoch_loss = total / len(dataset)
        scheduler.step(epoch_loss)
        print("epoch %d mse %.6f lr %.4g" % (epoch, epoch_loss, optimizer.param_groups[0]["lr"]))
    assert epoch_loss < 0.6


if __name__ == "__main__":
    main()
