"""Tone classes and pitch from torch.stft spectrograms: a Conv1d classifier with a Student-t pitch head."""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, StudentT, kl_divergence


def make_clips(rng, n, length=256, rate=1000.0):
    """Noisy tones of three pitch bands, each sweeping a little: (clips, band labels, start pitch in kHz)."""
    t = np.arange(length) / rate
    bands = rng.integers(0, 3, size=n)
    pitch = rng.uniform(40, 90, size=n) + 120 * bands
    sweep = rng.uniform(-30, 30, size=n)
    phase = 2 * math.pi * (pitch[:, None] * t + 0.5 * sweep[:, None] * t ** 2)
    clips = np.sin(phase) + 0.5 * rng.normal(size=(n, length))
    return clips.astype(np.float32), bands, (pitch / 1000).astype(np.float32)


class SpectroNet(nn.Module):
    def __init__(self, n_fft=64, hop=16, channels=16, classes=3):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.register_buffer("window", torch.hann_window(n_fft), persistent=False)
        bins = n_fft // 2 + 1
        self.conv = nn.Conv1d(bins, channels, kernel_size=3, padding=1)
        self.head = nn.Linear(channels, classes + 2)  # class logits, pitch mean, pitch log-scale

    def forward(self, x):
        spec = torch.stft(x, self.n_fft, hop_length=self.hop, window=self.window, return_complex=True)
        feats = torch.log1p(spec.abs())  # (batch, bins, frames)
        h = F.relu(self.conv(feats)).mean(dim=-1)
        out = self.head(h)
        return out[:, :-2], out[:, -2], out[:, -1]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--save-init", help="write the initial weights here (.npz)")
    parser.add_argument("--init-from", help="start from these weights (.npz)")
    args = parser.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    clips, bands, pitch = make_clips(rng, 256)
    X, y, p = torch.from_numpy(clips), torch.from_numpy(bands), torch.from_numpy(pitch)
    model = SpectroNet()
    if args.save_init:
        np.savez(args.save_init, **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})
    if args.init_from:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(args.init_from).items()})
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    prior = Normal(torch.tensor(0.0), torch.tensor(1.0))
    for step in range(args.steps):
        logits, mean, log_scale = model(X)
        pitch_lik = StudentT(4.0, mean, F.softplus(log_scale) + 1e-3)
        nll = -pitch_lik.log_prob(p).mean()
        kl = kl_divergence(Normal(mean, torch.ones_like(mean)), prior).mean()
        loss = F.cross_entropy(logits, y) + 0.1 * nll + 1e-3 * kl
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"step {step} loss {loss.item():.6f}")
    with torch.no_grad():
        accuracy = (model(X)[0].argmax(dim=1) == y).float().mean().item()
        round_trip = torch.istft(torch.stft(X[:4], 64, 16, window=model.window, return_complex=True), 64, 16,
                                 window=model.window, length=X.shape[1])
    print(f"train accuracy {accuracy:.3f}")
    print(f"istft round-trip error {(round_trip - X[:4]).abs().max().item():.2e}")


if __name__ == "__main__":
    main()
