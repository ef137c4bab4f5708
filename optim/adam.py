"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay and the AMSGrad variant."""
import numpy as np

import autograd
from autograd import kernels

from .optimizer import Optimizer, _check_adam_like, _decayed_grad, _zeros_like

__all__ = ["Adam", "AdamW", "adam_update", "adam_update_multi"]


def _first_moment(g, exp_avg, beta1, step):
    """The Adam family's first moment, m = lerp(m, g, 1-b1), in place; returns a scratch array shaped like g and
    the bias correction 1 - b1^t."""
    tmp = autograd.backend.array_module(g).subtract(g, exp_avg)
    tmp *= 1 - beta1
    exp_avg += tmp
    return tmp, 1 - beta1 ** step


def _moments(g, exp_avg, exp_avg_sq, beta1, beta2, step):
    """The Adam family's moments in place, m = lerp(m, g, 1-b1) and v = b2*v + (1-b2)*g^2; returns a scratch array
    shaped like g and the bias corrections 1 - b1^t, 1 - b2^t."""
    tmp, bias_correction1 = _first_moment(g, exp_avg, beta1, step)
    exp_avg_sq *= beta2
    autograd.backend.array_module(g).multiply(g, g, out=tmp)
    tmp *= 1 - beta2
    exp_avg_sq += tmp
    return tmp, bias_correction1, 1 - beta2 ** step


def adam_update(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, step, *, lr, beta1, beta2, eps, weight_decay, amsgrad,
                maximize, decoupled_weight_decay):
    """One parameter's Adam/AdamW update on raw arrays, in place (`step` is the count after this step).

    p *= 1 - lr*wd (decoupled) or g += wd*p (L2); m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2;
    v_hat = max(v_hat, v) (amsgrad); p -= lr/(1-b1^t) * m / (sqrt(v or v_hat)/sqrt(1-b2^t) + eps).
    """
    k = kernels.get("adam_amsgrad" if amsgrad else "adam", p) if g.dtype == p.dtype else None
    if k is not None:  # a real GPU: the whole update in one kernel
        args = (g,) + _coefficients(lr, beta1, beta2, eps, weight_decay, maximize, decoupled_weight_decay, step)
        args += (p, exp_avg, exp_avg_sq)
        k(*(args + (max_exp_avg_sq,) if amsgrad else args))
        return
    xp = autograd.backend.array_module(p)
    g = _decayed_grad(p, g, lr, weight_decay, decoupled_weight_decay, maximize)
    tmp, bias_correction1, bias_correction2 = _moments(g, exp_avg, exp_avg_sq, beta1, beta2, step)
    second = exp_avg_sq
    if amsgrad:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = max_exp_avg_sq
    xp.sqrt(second, out=tmp)
    tmp /= bias_correction2 ** 0.5
    tmp += eps
    xp.divide(exp_avg, tmp, out=tmp)
    tmp *= lr / bias_correction1
    p -= tmp


# The fused update computes adam_update's formula, with the same coefficients in the same order.
_ADAM = ("T gg = maximize ? -g : g; if (wd != (T)0) gg = p * wd + gg; T pp = p * decay;"
         " T mm = m + (gg - m) * omb1; m = mm; T vv = v * beta2 + (gg * gg) * omb2; v = vv; {second}"
         " p = pp - (mm / (sqrt(sec) / bc2s + eps)) * step_size;")
_ADAM_IN = "T g, T decay, T wd, int32 maximize, T omb1, T beta2, T omb2, T bc2s, T eps, T step_size"


@kernels.register("adam")
def _adam_kernel(cp, dtype):
    return cp.ElementwiseKernel(_ADAM_IN, "T p, T m, T v", _ADAM.format(second="T sec = vv;"),
                                f"tg_adam_{dtype.name}")


@kernels.register("adam_amsgrad")
def _adam_amsgrad_kernel(cp, dtype):
    return cp.ElementwiseKernel(_ADAM_IN, "T p, T m, T v, T vmax",
                                _ADAM.format(second="T sec = vmax > vv ? vmax : vv; vmax = sec;"),
                                f"tg_adam_amsgrad_{dtype.name}")


def _coefficients(lr, beta1, beta2, eps, weight_decay, maximize, decoupled_weight_decay, step):
    """The fused kernels' scalars: decay, wd (L2), maximize, 1-b1, b2, 1-b2, sqrt(1-b2^t), eps, lr/(1-b1^t)."""
    decoupled = bool(weight_decay and decoupled_weight_decay)
    return (1 - lr * weight_decay if decoupled else 1.0, 0.0 if decoupled else weight_decay, int(maximize),
            1 - beta1, beta2, 1 - beta2, (1 - beta2 ** step) ** 0.5, eps, lr / (1 - beta1 ** step))


# The multi-tensor update: one launch for up to _MULTI parameters (of one dtype and step count), their pointers and
# sizes passed by value as kernel arguments (nothing is copied to the device per step); each thread finds its
# parameter by walking the sizes. The element update is _ADAM's, on raw pointers.
_MULTI = 16
_MULTI_ARGS = ", ".join(f"unsigned long long p{i}, unsigned long long g{i}, unsigned long long m{i}, "
                        f"unsigned long long v{i}, unsigned long long x{i}, long long n{i}" for i in range(_MULTI))
_MULTI_CUDA = (
    'extern "C" __global__ void tg_adam_multi(' + _MULTI_ARGS + ", int count, T decay, T wd, int maximize, "
    "T omb1, T beta2, T omb2, T bc2s, T eps, T step_size, int amsgrad) {\n"
    + "".join(f"    const unsigned long long {a.upper()}[{_MULTI}] = {{{', '.join(f'{a}{i}' for i in range(_MULTI))}}};\n"
              for a in "pgmvx")
    + f"    const long long N[{_MULTI}] = {{{', '.join(f'n{i}' for i in range(_MULTI))}}};\n" + r"""
    long long total = 0;
    for (int t = 0; t < count; ++t) total += N[t];
    for (long long e = blockIdx.x * (long long)blockDim.x + threadIdx.x; e < total;
         e += (long long)gridDim.x * blockDim.x) {
        int t = 0;
        long long j = e;
        while (j >= N[t]) { j -= N[t]; ++t; }
        T* p = (T*)P[t];
        const T* g = (const T*)G[t];
        T* m = (T*)M[t];
        T* v = (T*)V[t];
        T gg = maximize ? -g[j] : g[j];
        if (wd != (T)0) gg = p[j] * wd + gg;
        T pp = p[j] * decay;
        T mm = m[j] + (gg - m[j]) * omb1;
        m[j] = mm;
        T vv = v[j] * beta2 + (gg * gg) * omb2;
        v[j] = vv;
        T sec = vv;
        if (amsgrad) {
            T* x = (T*)X[t];
            sec = x[j] > vv ? x[j] : vv;
            x[j] = sec;
        }
        p[j] = pp - (mm / (SQRT(sec) / bc2s + eps)) * step_size;
    }
}
""")


@kernels.register("adam_multi")
def _adam_multi_kernel(cp, dtype):
    return cp.RawKernel(kernels.math_defines(dtype) + _MULTI_CUDA, "tg_adam_multi")


def _fusable(p, g, m, v, x):
    """Whether the multi-tensor kernel can update these arrays (contiguous, one dtype, one device)."""
    arrays = (p, g, m, v) if x is None else (p, g, m, v, x)
    dev = p.device.id
    return all(a.flags.c_contiguous and a.dtype == p.dtype and a.device.id == dev for a in arrays)


def adam_update_multi(entries, *, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled_weight_decay):
    """Adam/AdamW updates of many parameters, in place: entries are (p, g, m, v, vmax or None, step) arrays on one
    GPU; parameters of one dtype and step count go through one launch per _MULTI of them (kernel 'adam_multi')."""
    groups = {}
    for e in entries:
        groups.setdefault((e[0].dtype, e[5]), []).append(e)
    for (dtype, step), items in groups.items():
        k = kernels.get("adam_multi", items[0][0])
        coef = _coefficients(lr, beta1, beta2, eps, weight_decay, maximize, decoupled_weight_decay, step)
        acc = items[0][0].dtype.type
        scalars = (acc(coef[0]), acc(coef[1]), np.int32(coef[2])) + tuple(acc(c) for c in coef[3:])
        for start in range(0, len(items), _MULTI):
            chunk = items[start:start + _MULTI]
            args, total = [], 0
            for p, g, m, v, x, _ in chunk:
                args += [np.uint64(a.data.ptr) for a in (p, g, m, v)]
                args += [np.uint64(x.data.ptr if x is not None else 0), np.int64(p.size)]
                total += p.size
            for _ in range(_MULTI - len(chunk)):  # unused slots
                args += [np.uint64(0)] * 5 + [np.int64(0)]
            args += [np.int32(len(chunk))] + list(scalars) + [np.int32(bool(amsgrad))]
            blocks = max(1, min(-(-total // 256), 4096))
            k((blocks,), (256,), tuple(args))


class Adam(Optimizer):
    """Adam (Kingma & Ba), as torch.optim.Adam; decoupled_weight_decay=True makes it AdamW."""

    _sparse_refusal = "Adam does not support sparse gradients, please consider SparseAdam instead"

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_adam_like(group)

    def _init_state(self, p, group):
        return {"exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}

    def _option_buffers(self, group):
        return ("max_exp_avg_sq",) if group["amsgrad"] else ()

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Adam step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            amsgrad = group["amsgrad"]
            hyper = dict(lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                         weight_decay=group["weight_decay"], amsgrad=amsgrad, maximize=group["maximize"],
                         decoupled_weight_decay=group["decoupled_weight_decay"])
            multi = []  # on a GPU: parameters updated together by the multi-tensor kernel
            for p, state, step in self._steps(group):
                arrays = (p.array, p.grad.array, state["exp_avg"].array, state["exp_avg_sq"].array,
                          state["max_exp_avg_sq"].array if amsgrad else None)
                if kernels.get("adam_multi", arrays[0]) is not None and _fusable(*arrays):
                    multi.append(arrays + (step,))
                else:
                    adam_update(*arrays, step, **hyper)
            if multi:
                adam_update_multi(multi, **hyper)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW."""

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
