"""A small GPT-style character model trained on the source of Python's standard library, with samples as it learns.

Decoder-only: token and position embeddings, pre-norm TransformerEncoderLayers under a causal mask, a final
LayerNorm and a linear head; AdamW with warm-up and cosine decay; temperature sampling.
"""
import argparse
import math
import os
import sysconfig
import time

import numpy as np

import autograd as ag
import nn
import optim

_KEEP = set(chr(c) for c in range(32, 127)) | {"\n"}


def load_corpus(max_bytes, seed=0):
    """Up to max_bytes of the standard library's .py files (shuffled by file, tests left out), as ASCII text."""
    root = sysconfig.get_paths()["stdlib"]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("test", "tests", "idlelib", "site-packages",
                                                                "__pycache__", "lib2to3"))
        files += [os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".py")]
    if not files:
        raise SystemExit(f"no .py files under {root}: this Python has no standard-library sources to learn from")
    np.random.default_rng(seed).shuffle(files)
    parts, size = [], 0
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read().replace("\t", "    ")
        except OSError:
            continue
        text = "".join(c if c in _KEEP else "?" for c in text)
        parts.append(text)
        size += len(text)
        if size >= max_bytes:
            break
    return "".join(parts)[:max_bytes], len(parts)


class CharGPT(nn.Layer):
    """Embeddings, a stack of causal self-attention blocks, and a head that predicts the next character."""

    def __init__(self, vocab_size, context, d_model=128, n_head=4, n_layer=4, dropout=0.1):
        super().__init__()
        self.context = context
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(context, d_model)
        block = nn.TransformerEncoderLayer(d_model, n_head, 4 * d_model, dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, n_layer, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok(idx) + self.pos(ag.arange(T, device=idx.device))
        mask = nn.Transformer.generate_square_subsequent_mask(T, device=idx.device)
        x = self.blocks(x, mask=mask, is_causal=True)
        return self.head(self.norm(x))


def sample(model, stoi, itos, prompt, n, temperature, rng, device):
    """Continue `prompt` by n characters, drawing each from softmax(logits / temperature)."""
    model.eval()
    ids = [stoi.get(c, stoi["?"]) for c in prompt]
    with ag.no_grad():
        for _ in range(n):
            x = ag.tensor([ids[-model.context:]], device=device)
            logits = model(x)[0, -1] / temperature
            probs = nn.functional.softmax(logits.double(), dim=-1).cpu().numpy()
            ids.append(int(rng.choice(len(probs), p=probs / probs.sum())))
    model.train()
    return "".join(itos[i] for i in ids)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--context", type=int, default=64)
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-layer", type=int, default=4)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--corpus-bytes", type=int, default=2_000_000)
    p.add_argument("--sample-every", type=int, default=250)
    p.add_argument("--sample-chars", type=int, default=200)
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--prompt", default="def ")
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--smoke", action="store_true", help="a few seconds' run for the tests")
    args = p.parse_args(argv)
    if args.smoke:
        args.steps, args.batch_size, args.context, args.d_model, args.n_head, args.n_layer = 40, 16, 32, 32, 2, 1
        args.corpus_bytes, args.sample_every, args.sample_chars, args.dropout = 20_000, 20, 40, 0.0
    ag.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    text, n_files = load_corpus(args.corpus_bytes, args.seed)
    chars = sorted(set(text) | {"?"})
    stoi = {c: i for i, c in enumerate(chars)}
    itos = dict(enumerate(chars))
    data = np.array([stoi[c] for c in text], dtype=np.int64)
    split = int(0.9 * len(data))
    train, val = data[:split], data[split:]
    print(f"corpus: {len(text):,} characters from {n_files} standard-library files, vocabulary {len(chars)}")

    model = CharGPT(len(chars), args.context, args.d_model, args.n_head, args.n_layer, args.dropout).to(args.device)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
    opt = optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                      lr=args.lr, betas=(0.9, 0.99))
    warmup = max(1, args.steps // 20)
    sched = optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warmup, 0.5 * (1 + math.cos(
        math.pi * min(1.0, s / args.steps)))))
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters; {args.steps} steps of {args.batch_size} x "
          f"{args.context} characters on {args.device}")

    def batch(source, size):
        starts = rng.integers(0, len(source) - args.context - 1, size)
        idx = starts[:, None] + np.arange(args.context + 1)
        chunk = ag.tensor(source[idx], device=args.device)
        return chunk[:, :-1], chunk[:, 1:]

    val_batches = [batch(val, args.batch_size) for _ in range(4)]

    def val_loss():
        model.eval()
        with ag.no_grad():
            losses = [nn.functional.cross_entropy(model(x).reshape(-1, len(chars)), y.reshape(-1)).item()
                      for x, y in val_batches]
        model.train()
        return sum(losses) / len(losses)

    start = time.perf_counter()
    first_val = val_loss()
    print(f"step    0  val loss {first_val:.3f} (uniform guessing: {math.log(len(chars)):.3f})")
    recent, samples, train_loss = [], [], float("nan")
    for step in range(1, args.steps + 1):
        x, y = batch(train, args.batch_size)
        loss = nn.functional.cross_entropy(model(x).reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        recent.append(loss.item())
        if step % args.sample_every == 0 or step == args.steps:
            v = val_loss()
            train_loss = sum(recent) / len(recent)
            recent = []
            print(f"step {step:4d}  train loss {train_loss:.3f}  val loss {v:.3f}  "
                  f"({time.perf_counter() - start:.0f} s)")
            text_out = sample(model, stoi, itos, args.prompt, args.sample_chars, args.temperature, rng, args.device)
            samples.append(text_out)
            print("-" * 60 + "\n" + text_out + "\n" + "-" * 60)
    seconds = time.perf_counter() - start
    final_val = val_loss()
    print(f"val loss {first_val:.3f} -> {final_val:.3f} ({final_val / math.log(2):.2f} bits per character) in "
          f"{seconds:.0f} s on {args.device}")
    return {"first_val_loss": first_val, "val_loss": final_val, "train_loss": train_loss,
            "bits_per_char": final_val / math.log(2), "steps": args.steps, "seconds": seconds, "sample": samples[-1] if samples else ""}


if __name__ == "__main__":
    main()
