"""Bigram character models two ways, as in makemore part 1: counting, then one linear layer trained by hand."""
import argparse
import argparse as _argparse_for_text
import collections
import json
import textwrap

import numpy as np
import torch
import torch.nn.functional as F


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--save-init", help="write the initial weights here (.npz)")
    parser.add_argument("--init-from", help="start from these weights (.npz)")
    args = parser.parse_args()
    text = " ".join(textwrap.dedent(m.__doc__) for m in (_argparse_for_text, json, collections))
    words = sorted({w.lower() for w in text.split() if w.isalpha()})
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    itos = {i: s for s, i in stoi.items()}
    V = len(stoi)

    N = torch.zeros((V, V), dtype=torch.int32)
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            N[stoi[ch1], stoi[ch2]] += 1
    P = (N + 1).float()
    P /= P.sum(1, keepdims=True)

    g = torch.Generator().manual_seed(2147483647)
    for _ in range(5):
        out, ix = [], 0
        while True:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            if ix == 0:
                break
            out.append(itos[ix])
        print("counted sample:", "".join(out))

    log_likelihood, n = 0.0, 0
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]])
            n += 1
    nll = -log_likelihood / n
    print(f"counting model nll {nll.item():.6f}")

    xs, ys = [], []
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    xs, ys = torch.tensor(xs), torch.tensor(ys)
    num = xs.nelement()
    W = torch.randn((V, V), generator=g)
    if args.save_init:
        np.savez(args.save_init, W=W.numpy())
    if args.init_from:
        W = torch.from_numpy(np.load(args.init_from)["W"])
    W.requires_grad = True
    for k in range(args.steps):
        xenc = F.one_hot(xs, num_classes=V).float()
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
        W.grad = None
        loss.backward()
        W.data += -50 * W.grad
        print(f"step {k} loss {loss.item():.6f}")
    assert loss.item() < nll.item() + 1.0

    for _ in range(3):
        out, ix = [], 0
        while True:
            xenc = F.one_hot(torch.tensor([ix]), num_classes=V).float()
            p = F.softmax(xenc @ W, dim=1)
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            if ix == 0:
                break
            out.append(itos[ix])
        print("trained sample:", "".join(out))


if __name__ == "__main__":
    main()
