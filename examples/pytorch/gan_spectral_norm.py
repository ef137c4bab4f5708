"""A small GAN on a ring of Gaussians: spectral_norm, weight_norm, BCEWithLogits, Adam and an EMA generator."""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import spectral_norm, weight_norm


def ring(rng, n, modes=8, radius=2.0, std=0.05):
    angles = 2 * math.pi * rng.integers(0, modes, size=n) / modes
    centres = np.stack([np.cos(angles), np.sin(angles)], axis=1) * radius
    return (centres + std * rng.normal(size=(n, 2))).astype(np.float32)


def make_models(latent=4, hidden=64):
    generator = nn.Sequential(weight_norm(nn.Linear(latent, hidden)), nn.ReLU(),
                              weight_norm(nn.Linear(hidden, hidden)), nn.ReLU(), nn.Linear(hidden, 2))
    discriminator = nn.Sequential(spectral_norm(nn.Linear(2, hidden)), nn.LeakyReLU(0.2),
                                  spectral_norm(nn.Linear(hidden, hidden)), nn.LeakyReLU(0.2),
                                  spectral_norm(nn.Linear(hidden, 1)))
    return generator, discriminator


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--save-init", help="write the initial weights here (.npz)")
    parser.add_argument("--init-from", help="start from these weights (.npz)")
    args = parser.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    G, D = make_models()
    models = {"G": G, "D": D}
    if args.save_init:
        np.savez(args.save_init, **{f"{m}.{k}": v.detach().cpu().numpy() for m, model in models.items()
                                    for k, v in model.state_dict().items()})
    if args.init_from:
        saved = np.load(args.init_from)
        for m, model in models.items():
            model.load_state_dict({k[len(m) + 1:]: torch.from_numpy(saved[k]) for k in saved.files
                                   if k.startswith(m + ".")})
    ema = torch.optim.swa_utils.AveragedModel(G, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.9))
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(args.batch, 1), torch.zeros(args.batch, 1)
    for step in range(args.steps):
        real = torch.from_numpy(ring(rng, args.batch))
        z = torch.from_numpy(rng.normal(size=(args.batch, 4)).astype(np.float32))
        fake = G(z)
        d_loss = bce(D(real), ones) + bce(D(fake.detach()), zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = bce(D(fake), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        ema.update_parameters(G)
        print(f"step {step} loss {(d_loss + g_loss).item():.6f}")
    with torch.no_grad():
        z = torch.from_numpy(rng.normal(size=(512, 4)).astype(np.float32))
        radius = ema(z).norm(dim=1).mean().item()
    print(f"mean radius of EMA samples {radius:.3f} (the ring's is 2.0)")


if __name__ == "__main__":
    main()
