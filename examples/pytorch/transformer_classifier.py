"""Classify token sequences with nn.TransformerEncoder: padding masks, a learned [CLS] token, label smoothing."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_data(n, vocab, max_len, rng):
    """Sequences of random tokens of random length; the label says whether token 1 occurs more often than token 2."""
    lengths = rng.integers(4, max_len + 1, size=n)
    tokens = rng.integers(1, vocab, size=(n, max_len))
    mask = np.arange(max_len)[None, :] >= lengths[:, None]
    tokens[mask] = 0
    labels = ((tokens == 1).sum(1) > (tokens == 2).sum(1)).astype(np.int64)
    return torch.from_numpy(tokens), torch.from_numpy(mask), torch.from_numpy(labels)


class Classifier(nn.Module):
    def __init__(self, vocab, d_model=32, nhead=4, num_layers=2, dropout=0.1, max_len=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model, padding_idx=0)
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model))
        self.pos = nn.Parameter(torch.randn(1, max_len + 1, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=dropout, batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=num_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, 2)

    def forward(self, tokens, padding_mask):
        x = self.embed(tokens)
        x = torch.cat([self.cls.expand(x.size(0), -1, -1), x], dim=1) + self.pos[:, :tokens.size(1) + 1]
        pad = torch.cat([torch.zeros(padding_mask.size(0), 1, dtype=torch.bool), padding_mask], dim=1)
        h = self.encoder(x, src_key_padding_mask=pad)
        return self.head(self.norm(h[:, 0]))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--save-init", help="write the initial weights here (.npz)")
    parser.add_argument("--init-from", help="start from these weights (.npz)")
    args = parser.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab, max_len = 6, 16
    x_train, m_train, y_train = make_data(512, vocab, max_len, rng)
    x_test, m_test, y_test = make_data(256, vocab, max_len, rng)

    model = Classifier(vocab, dropout=args.dropout, max_len=max_len)
    if args.save_init:
        np.savez(args.save_init, **{k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})
    if args.init_from:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(args.init_from).items()})
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=args.steps)
    batch = 64
    for step in range(args.steps):
        i = (step * batch) % len(x_train)
        xb, mb, yb = x_train[i:i + batch], m_train[i:i + batch], y_train[i:i + batch]
        logits = model(xb, mb)
        loss = F.cross_entropy(logits, yb, label_smoothing=0.05)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        print(f"step {step} loss {loss.item():.6f}")
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test, m_test).argmax(-1) == y_test).float().mean().item()
    print(f"test accuracy {accuracy:.3f}")
    assert accuracy > 0.6, accuracy


if __name__ == "__main__":
    main()
