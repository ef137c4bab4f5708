"""Higher-order gradients: Newton-CG on the digits with Hessian-vector products from a double backward.

The model is a multinomial logistic regression (64 pixels -> 10 classes, an L2 penalty). Newton's method needs
H^-1 g; conjugate gradients gets it from products H v only, and each one is a gradient of a gradient:
    g = grad(loss, params, create_graph=True);  Hv = grad(sum(g * v), params)
The product is checked against finite differences of gradients, then Newton-CG is compared with Adam given the
same number of backward passes.
"""
import argparse
import time

import autograd as ag
import nn
import optim
from autograd.data import load_digits


def loss_fn(params, X, Y, lam):
    """Mean cross-entropy of softmax(X W + b) plus lam/2 |W|^2."""
    W, b = params
    return nn.functional.cross_entropy(X @ W + b, Y) + 0.5 * lam * (W * W).sum()


def dot(us, vs):
    """The inner product of two lists of tensors, as a 0-d tensor."""
    return sum((u * v).sum() for u, v in zip(us, vs))


def hvp_fn(params, X, Y, lam):
    """The gradient at params and a function v -> H v, where H is the Hessian of the loss (double backward)."""
    grads = ag.grad(loss_fn(params, X, Y, lam), params, create_graph=True)

    def hvp(vs):
        return ag.grad(dot(grads, vs), params, retain_graph=True)
    return [g.detach() for g in grads], hvp


def conjugate_gradient(hvp, b, iters, tol):
    """Approximately solve H x = b with CG using only products H v; returns (x, iterations used)."""
    x = [ag.zeros_like(t) for t in b]
    r = [t.clone() for t in b]
    p = [t.clone() for t in b]
    rr = dot(r, r).item()
    b_norm = rr ** 0.5
    for i in range(iters):
        Hp = hvp(p)
        alpha = rr / dot(p, Hp).item()
        x = [xi + alpha * pi for xi, pi in zip(x, p)]
        r = [ri - alpha * hi for ri, hi in zip(r, Hp)]
        rr_new = dot(r, r).item()
        if rr_new ** 0.5 <= tol * b_norm:
            return x, i + 1
        p = [ri + (rr_new / rr) * pi for ri, pi in zip(r, p)]
        rr = rr_new
    return x, iters


def check_hvp(params, X, Y, lam, eps=1e-5):
    """Largest relative difference between H v (double backward) and a central difference of gradients."""
    v = [ag.randn(*p.shape, dtype=p.dtype, device=p.device) for p in params]
    _, hvp = hvp_fn(params, X, Y, lam)
    exact = hvp(v)

    def grad_at(shifted):
        shifted = [s.detach().requires_grad_() for s in shifted]
        return ag.grad(loss_fn(shifted, X, Y, lam), shifted)
    plus = grad_at([p + eps * vi for p, vi in zip(params, v)])
    minus = grad_at([p - eps * vi for p, vi in zip(params, v)])
    approx = [(a - m) / (2 * eps) for a, m in zip(plus, minus)]
    num = max((e - a).abs().max().item() for e, a in zip(exact, approx))
    den = max(a.abs().max().item() for a in approx)
    return num / den


def newton_cg(params, X, Y, lam, iters, cg_iters, gtol=1e-8, log=print):
    """Newton-CG with a backtracking line search; returns the final loss and the number of backward passes."""
    passes = 0
    for it in range(iters):
        grads, hvp = hvp_fn(params, X, Y, lam)
        passes += 1
        gnorm = dot(grads, grads).item() ** 0.5
        if gnorm < gtol:
            break
        # inexact Newton: solve loosely far from the optimum, tightly near it (a superlinear rate)
        step, used = conjugate_gradient(hvp, [-g for g in grads], cg_iters, tol=min(0.5, gnorm ** 0.5))
        passes += used
        with ag.no_grad():
            f0 = loss_fn(params, X, Y, lam).item()
            slope = dot(grads, step).item()
            t = 1.0
            while t > 1e-4:  # Armijo backtracking
                trial = [p + t * s for p, s in zip(params, step)]
                f1 = loss_fn(trial, X, Y, lam).item()
                if f1 <= f0 + 1e-4 * t * slope:
                    break
                t *= 0.5
            for p, s in zip(params, step):
                p.add_(t * s)
        log(f"newton {it + 1:2d}  loss {f1:.6f}  |grad| {gnorm:.2e}  cg iterations {used:2d}  step {t:g}")
    return loss_fn(params, X, Y, lam).item(), passes


def accuracy(params, X, Y):
    """Share of correctly classified rows."""
    W, b = params
    with ag.no_grad():
        return ((X @ W + b).argmax(dim=1) == Y).float().mean().item()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iters", type=int, default=20, help="most Newton iterations")
    p.add_argument("--cg-iters", type=int, default=100, help="most CG iterations (Hessian-vector products) per step")
    p.add_argument("--lam", type=float, default=1e-4, help="L2 penalty")
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--smoke", action="store_true", help="a few seconds' run for the tests")
    args = p.parse_args(argv)
    ag.manual_seed(args.seed)
    X_train, y_train, X_test, y_test = (t.to(args.device) for t in load_digits(dtype=ag.float64))
    if args.smoke:
        args.iters, args.cg_iters = 3, 5
        X_train, y_train = X_train[:300], y_train[:300]

    def fresh():
        return [ag.zeros(64, 10, dtype=ag.float64, device=args.device, requires_grad=True),
                ag.zeros(10, dtype=ag.float64, device=args.device, requires_grad=True)]

    params = fresh()
    with ag.no_grad():
        params[0].add_(0.01 * ag.randn(64, 10, dtype=ag.float64, device=args.device))
    hvp_error = check_hvp(params, X_train, y_train, args.lam)
    print(f"Hessian-vector product vs finite differences: relative error {hvp_error:.2e}")

    start = time.perf_counter()
    newton_loss, passes = newton_cg(params, X_train, y_train, args.lam, args.iters, args.cg_iters)
    newton_seconds = time.perf_counter() - start
    newton_acc = accuracy(params, X_test, y_test)

    adam_params = fresh()
    opt = optim.Adam(adam_params, lr=0.05)
    start = time.perf_counter()
    for _ in range(passes):  # the same number of backward passes as Newton-CG used
        loss = loss_fn(adam_params, X_train, y_train, args.lam)
        opt.zero_grad()
        loss.backward()
        opt.step()
    adam_seconds = time.perf_counter() - start
    adam_loss = loss_fn(adam_params, X_train, y_train, args.lam).item()
    adam_acc = accuracy(adam_params, X_test, y_test)
    print(f"Newton-CG: training loss {newton_loss:.6f}, test accuracy {newton_acc:.4f}, {passes} backward passes, "
          f"{newton_seconds:.1f} s on {args.device}")
    print(f"Adam, same number of passes: training loss {adam_loss:.6f}, test accuracy {adam_acc:.4f}, "
          f"{adam_seconds:.1f} s")
    return {"hvp_rel_error": hvp_error, "newton_loss": newton_loss, "adam_loss": adam_loss,
            "accuracy": newton_acc, "adam_accuracy": adam_acc, "backward_passes": passes,
            "seconds": newton_seconds}


if __name__ == "__main__":
    main()
