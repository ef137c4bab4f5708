"""F.multi_head_attention_forward against torch's (same weights): options, layouts, gradients and errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

E, H, L, S, N = 6, 2, 3, 4, 2


def _data(seed=0):
    rng = np.random.default_rng(seed)
    d = {"w": (3 * E, E), "b": (3 * E,), "ow": (E, E), "ob": (E,), "q": (L, N, E), "k": (S, N, E), "v": (S, N, E),
         "bias_k": (1, 1, E), "bias_v": (1, 1, E), "qw": (E, E), "kw": (E, 3), "vw": (E, 5), "k3": (S, N, 3),
         "v5": (S, N, 5), "static": (N * H, S, E // H)}
    out = {name: rng.standard_normal(shape) for name, shape in d.items()}
    out["attn_mask"] = rng.standard_normal((L, S))
    out["bool_mask"] = rng.random((N * H, L, S)) < 0.3
    out["bool_mask"][..., 0] = False
    out["kpm"] = np.zeros((N, S), bool)
    out["kpm"][1, 2] = True
    return out


def _call(lib, fn, d, q="q", k="k", v="v", **kw):
    t = (lambda a: lib.tensor(a, requires_grad=a.dtype.kind == "f")) if lib is not None else None
    args = {name: t(a) for name, a in d.items()}
    opts = {}
    for key, value in kw.items():
        opts[key] = args[value] if isinstance(value, str) else value
    inputs = [args[q], args[k], args[v]]
    out, w = fn(*inputs, E, H, args["w"], args["b"], opts.pop("bias_k", None), opts.pop("bias_v", None),
                opts.pop("add_zero_attn", False), 0.0, args["ow"], args["ob"], **opts)
    return out, w, args


OPTIONS = [
    {},
    dict(attn_mask="attn_mask"),
    dict(attn_mask="bool_mask", key_padding_mask="kpm"),
    dict(bias_k="bias_k", bias_v="bias_v", key_padding_mask="kpm"),
    dict(add_zero_attn=True, attn_mask="attn_mask"),
    dict(average_attn_weights=False),
    dict(need_weights=False, attn_mask="attn_mask"),
    dict(static_k="static", static_v="static"),
    dict(use_separate_proj_weight=True, q_proj_weight="qw", k_proj_weight="kw", v_proj_weight="vw", k="k3", v="v5"),
]


@pytest.mark.parametrize("opts", OPTIONS, ids=[",".join(o) or "plain" for o in OPTIONS])
def test_matches_torch_forward_and_gradients(opts):
    torch = pytest.importorskip("torch")
    d = _data()
    opts = dict(opts)
    qkv = {name: opts.pop(name) for name in ("q", "k", "v") if name in opts}
    mine, mine_w, a = _call(ag, F.multi_head_attention_forward, d, **qkv, **opts)
    ref, ref_w, t = _call(torch, torch.nn.functional.multi_head_attention_forward, d, **qkv, **opts)
    np.testing.assert_allclose(mine.detach().numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert (mine_w is None) == (ref_w is None)
    if ref_w is not None:
        np.testing.assert_allclose(mine_w.detach().numpy(), ref_w.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(ref.shape))
    mine.backward(ag.tensor(g))
    ref.backward(torch.tensor(g))
    for name in a:
        if t[name].grad is not None:
            np.testing.assert_allclose(a[name].grad.numpy(), t[name].grad.numpy(), rtol=1e-9, atol=1e-11,
                                       err_msg=name)


def test_unbatched_causal_and_module_equivalence():
    torch = pytest.importorskip("torch")
    d = _data(2)
    for key in ("q", "k", "v"):
        d[key] = d[key][:, 0]
    d["attn_mask"] = np.triu(np.full((L, S), -np.inf), 1)
    kw = dict(attn_mask="attn_mask", is_causal=True, need_weights=False)
    mine, _, _ = _call(ag, F.multi_head_attention_forward, d, **kw)
    ref, _, _ = _call(torch, torch.nn.functional.multi_head_attention_forward, d, **kw)
    assert mine.shape == (L, E)
    np.testing.assert_allclose(mine.detach().numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    m = nn.MultiheadAttention(E, H, batch_first=True).double()
    x = ag.randn(N, L, E, dtype=ag.float64)
    out, w = m(x, x, x)
    fo, fw = F.multi_head_attention_forward(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), E, H,
                                            m.in_proj_weight, m.in_proj_bias, None, None, False, 0.0,
                                            m.out_proj.weight, m.out_proj.bias)
    np.testing.assert_allclose(out.detach().numpy(), fo.transpose(0, 1).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.detach().numpy(), fw.detach().numpy(), rtol=1e-12)


def test_dropout_only_in_training():
    d = _data(3)
    ag.manual_seed(0)
    args = [ag.tensor(d[n]) for n in ("q", "k", "v")]
    rest = (E, H, ag.tensor(d["w"]), ag.tensor(d["b"]), None, None, False, 0.9, ag.tensor(d["ow"]),
            ag.tensor(d["ob"]))
    off, w_off = F.multi_head_attention_forward(*args, *rest, training=False)
    plain, w_plain = F.multi_head_attention_forward(*args, *rest[:7], 0.0, *rest[8:])
    np.testing.assert_allclose(off.numpy(), plain.numpy())
    on, w_on = F.multi_head_attention_forward(*args, *rest, training=True)
    assert not np.allclose(on.numpy(), plain.numpy()) and not np.allclose(w_on.numpy(), w_plain.numpy())


def _errors():
    d = _data()
    t = {k: ag.tensor(v) for k, v in d.items()}
    base = dict(embed_dim_to_check=E, num_heads=H, in_proj_weight=t["w"], in_proj_bias=t["b"], bias_k=None,
                bias_v=None, add_zero_attn=False, dropout_p=0.0, out_proj_weight=t["ow"], out_proj_bias=t["ob"])
    q, k, v = t["q"], t["k"], t["v"]
    return [
        ((q, k, v), dict(embed_dim_to_check=5), AssertionError, "expecting embedding dimension of 5, but got 6"),
        ((q, k, v), dict(num_heads=4), AssertionError, "not divisible by num_heads 4"),
        ((q, k, t["q"]), {}, AssertionError, "does not match value shape"),
        ((q, k, v), dict(attn_mask=ag.zeros(3, 3)), RuntimeError, r"2D attn_mask is \(3, 3\), but should be \(3, 4\)"),
        ((q, k, v), dict(attn_mask=ag.zeros(3, 3, 4)), RuntimeError, r"should be \(4, 3, 4\)"),
        ((q, k, v), dict(attn_mask=ag.zeros(1, 1, 3, 4)), AssertionError, "found 4-D tensor"),
        ((q, k, v), dict(attn_mask=ag.zeros(3, 4, dtype=ag.int64)), AssertionError, "only bool and floating"),
        ((q, k, v), dict(key_padding_mask=ag.zeros(2, 3, dtype=ag.bool)), AssertionError,
         r"key_padding_mask shape of \(2, 4\)"),
        ((q, k, v), dict(is_causal=True), RuntimeError, "Need attn_mask if specifying the is_causal hint"),
        ((q, k, v), dict(in_proj_weight=None), AssertionError, "in_proj_weight is None"),
        ((q, k, v), dict(use_separate_proj_weight=True), AssertionError, "q_proj_weight is None"),
        ((q, k, v), dict(bias_k=t["bias_k"]), AssertionError, "bias_k and bias_v must be given together"),
        ((q, k, v), dict(bias_k=t["bias_k"], bias_v=t["bias_v"], static_k=t["static"]), AssertionError,
         "bias cannot be added to static"),
        ((q, k, v), dict(static_k=ag.zeros(3, 4, 3)), AssertionError, r"static_k.size\(0\) of 4, but got 3"),
        ((q, k, v), dict(static_k=ag.zeros(4, 4, 2)), AssertionError, r"static_k.size\(2\) of 3, but got 2"),
        ((q[:, 0], k, v), {}, AssertionError, "expected `key` and `value` to be 2-D"),
        ((q[:, 0], k[:, 0], v[:, 0]), dict(key_padding_mask=ag.zeros(1, 4)), AssertionError, "`None` or 1-D"),
        ((q[:, 0], k[:, 0], v[:, 0]), dict(attn_mask=ag.zeros(3, 3, 4)), AssertionError,
         r"`attn_mask` shape to be \(2, 3, 4\)"),
        ((ag.zeros(1, 3, 2, 6), k, v), {}, AssertionError, "received 4-D query tensor"),
        ((q.numpy(), k, v), {}, TypeError, "query must be a tensor"),
    ], base


ERRORS, BASE = _errors()


@pytest.mark.parametrize("args,kw,error,match", ERRORS, ids=[e[3][:40] for e in ERRORS])
def test_errors(args, kw, error, match):
    with pytest.raises(error, match=match):
        F.multi_head_attention_forward(*args, **dict(BASE, **kw))


def test_runs_on_the_gpu_backend(stand_in):
    m = nn.MultiheadAttention(E, H, add_bias_kv=True, add_zero_attn=True).to("cuda")
    q = ag.randn(L, N, E, device="cuda", requires_grad=True)
    kpm = ag.zeros(N, S, dtype=ag.bool, device="cuda")
    out, w = m(q, ag.randn(S, N, E, device="cuda"), ag.randn(S, N, E, device="cuda"), key_padding_mask=kpm)
    out.sum().backward()
    assert out.device == w.device == q.grad.device == ag.device("cuda") and w.shape == (N, L, S + 2)
