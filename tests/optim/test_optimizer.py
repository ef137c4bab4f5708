"""The Optimizer base: param groups, binding, zero_grad, closures, state and state_dict, hooks, errors."""
import copy
import pickle

import numpy as np
import pytest

import autograd
import optim
from optim.optimizer import Optimizer, required

ALL = [optim.SGD, optim.Adam, optim.AdamW, optim.Adamax, optim.NAdam, optim.RAdam, optim.RMSprop, optim.Adagrad,
       optim.Adadelta]

# options that make every optimizer keep all of its kinds of state
RICH = {
    optim.SGD: dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    optim.Adam: dict(lr=0.05, amsgrad=True, weight_decay=0.01),
    optim.AdamW: dict(lr=0.05, amsgrad=True),
    optim.Adamax: dict(lr=0.05),
    optim.NAdam: dict(lr=0.05),
    optim.RAdam: dict(lr=0.05),
    optim.RMSprop: dict(lr=0.01, momentum=0.5, centered=True),
    optim.Adagrad: dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
    optim.Adadelta: dict(lr=0.5),
}

STATE_KEYS = {
    optim.SGD: {"momentum_buffer"},
    optim.Adam: {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
    optim.AdamW: {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
    optim.Adamax: {"step", "exp_avg", "exp_inf"},
    optim.NAdam: {"step", "mu_product", "exp_avg", "exp_avg_sq"},
    optim.RAdam: {"step", "exp_avg", "exp_avg_sq"},
    optim.RMSprop: {"step", "square_avg", "momentum_buffer", "grad_avg"},
    optim.Adagrad: {"step", "sum"},
    optim.Adadelta: {"step", "square_avg", "acc_delta"},
}

# PyTorch's defaults, written out from its documentation
TORCH_DEFAULTS = {
    optim.SGD: dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False, foreach=None,
                    differentiable=False, fused=None),
    optim.Adam: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
                     foreach=None, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False),
    optim.AdamW: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False,
                      foreach=None, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=True),
    optim.Adamax: dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, maximize=False,
                       differentiable=False, capturable=False),
    optim.NAdam: dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                      decoupled_weight_decay=False, maximize=False, foreach=None, capturable=False,
                      differentiable=False),
    optim.RAdam: dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, maximize=False, foreach=None,
                      capturable=False, decoupled_weight_decay=False, differentiable=False),
    optim.RMSprop: dict(lr=1e-2, momentum=0, alpha=0.99, eps=1e-8, centered=False, weight_decay=0, capturable=False,
                        foreach=None, maximize=False, differentiable=False),
    optim.Adagrad: dict(lr=1e-2, lr_decay=0, eps=1e-10, weight_decay=0, initial_accumulator_value=0, foreach=None,
                        maximize=False, differentiable=False, fused=None),
    optim.Adadelta: dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False, capturable=False, foreach=None,
                         differentiable=False),
    optim.LBFGS: dict(lr=1, max_iter=20, max_eval=25, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100,
                      line_search_fn=None),
}

RNG = np.random.default_rng(7)
W0 = RNG.standard_normal((3, 2)).astype(np.float32)
B0 = RNG.standard_normal(2).astype(np.float32)
X = autograd.tensor(RNG.standard_normal((8, 3)).astype(np.float32))
Y = autograd.tensor(RNG.standard_normal((8, 2)).astype(np.float32))


def make_params(dtype=np.float32):
    return [autograd.tensor(W0.astype(dtype), requires_grad=True),
            autograd.tensor(B0.astype(dtype), requires_grad=True)]


def loss_fn(params):
    w, b = params
    r = X.to(w.dtype) @ w + b - Y.to(w.dtype)
    return (r * r).mean()


def train(opt, params, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(params).backward()
        opt.step()


# --------------------------------------------------------------------- construction and param groups
@pytest.mark.parametrize("cls", list(TORCH_DEFAULTS), ids=lambda c: c.__name__)
def test_defaults_match_pytorch(cls):
    opt = cls(make_params())
    assert opt.defaults == TORCH_DEFAULTS[cls]
    group = opt.param_groups[0]
    assert {k: v for k, v in group.items() if k != "params"} == TORCH_DEFAULTS[cls]


def test_param_groups_with_different_lrs():
    w, b = make_params()
    opt = optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5, "momentum": 0.0}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[0]["momentum"] == 0.9 and opt.param_groups[1]["momentum"] == 0.0
    assert opt.param_groups[1]["params"][0] is b
    w.grad = autograd.ones_like(w)
    b.grad = autograd.ones_like(b)
    opt.step()
    np.testing.assert_allclose(w.array, W0 - 0.1, rtol=1e-6)
    np.testing.assert_allclose(b.array, B0 - 0.5, rtol=1e-6)
    assert set(opt.state[w]) == {"momentum_buffer"} and b not in opt.state


def test_add_param_group_fills_defaults_and_does_not_modify_the_callers_dict():
    w, b = make_params()
    opt = optim.Adam([w], lr=0.01)
    group = {"params": [b], "betas": (0.5, 0.6)}
    opt.add_param_group(group)
    assert group == {"params": [b], "betas": (0.5, 0.6)}
    g = opt.param_groups[1]
    assert g["lr"] == 0.01 and g["betas"] == (0.5, 0.6) and len(g["params"]) == 1 and g["params"][0] is b
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [w]})
    assert len(opt.param_groups) == 2


def test_named_parameters():
    w, b = make_params()
    opt = optim.SGD([("weight", w), ("bias", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.param_groups[0]["params"][0] is w
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="with/without names"):
        opt.add_param_group({"params": [autograd.zeros(2, requires_grad=True)]})


def test_state_is_keyed_by_parameter():
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    train(opt, params, 1)
    assert opt.state[params[0]]["exp_avg"].shape == (3, 2)
    assert list(opt.state) == params


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_state_tensors_use_pytorchs_names(cls):
    params = make_params()
    opt = cls(params, **RICH[cls])
    train(opt, params, 2)
    state = opt.state[params[0]]
    assert set(state) == STATE_KEYS[cls]
    for key, value in state.items():
        assert isinstance(value, autograd.Tensor), key
        assert not value.requires_grad
        if key in ("step", "mu_product"):
            assert value.shape == () and value.dtype == autograd.float32
        else:
            assert value.shape == (3, 2) and value.dtype == autograd.float32
    if "step" in state:
        assert float(state["step"]) == 2.0


def test_sgd_without_momentum_keeps_no_state():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    train(opt, params, 2)
    assert len(opt.state) == 0
    assert opt.state_dict()["state"] == {}


def test_adagrad_creates_its_state_with_the_optimizer():
    params = make_params()
    opt = optim.Adagrad(params, initial_accumulator_value=0.25)
    state = opt.state_dict()["state"]
    assert set(state) == {0, 1}
    assert float(state[0]["step"]) == 0.0
    np.testing.assert_array_equal(state[1]["sum"].array, np.full(2, 0.25, np.float32))


def test_params_without_grad_are_skipped():
    w, b = make_params()
    frozen = autograd.tensor([1.0, 2.0], requires_grad=True)
    for cls in ALL:
        opt = cls([w, frozen], **RICH[cls])
        w.grad = autograd.ones_like(w)
        opt.step()
        np.testing.assert_array_equal(frozen.array, [1.0, 2.0])
        assert frozen not in opt.state or cls is optim.Adagrad  # Adagrad's state is created up front


def test_float32_parameters_stay_float32():
    for cls in ALL:
        params = make_params()
        opt = cls(params, **RICH[cls])
        train(opt, params, 2)
        assert all(p.dtype == autograd.float32 for p in params), cls.__name__


# --------------------------------------------------------------------- binding later
def test_optimizer_without_params_binds_later():
    opt = optim.SGD(lr=0.1, momentum=0.9)
    assert opt.param_groups == []
    assert opt.state_dict() == {"state": {}, "param_groups": []}
    opt.zero_grad()  # nothing to do
    assert "bind" in repr(opt)
    with pytest.raises(RuntimeError, match="no parameters yet.*bind"):
        opt.step()
    params = make_params()
    assert opt.bind(params) is opt
    train(opt, params, 3)

    ref_params = make_params()
    ref = optim.SGD(ref_params, lr=0.1, momentum=0.9)
    train(ref, ref_params, 3)
    for p, q in zip(params, ref_params):
        np.testing.assert_array_equal(p.array, q.array)
    with pytest.raises(RuntimeError, match="already has 1 parameter group"):
        opt.bind(make_params())


def test_bind_with_param_groups_and_failed_bind_changes_nothing():
    w, b = make_params()
    opt = optim.Adam(lr=1e-3)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.bind([{"params": [w]}, {"params": [w, b]}])
    assert opt.param_groups == [] and len(opt.state) == 0
    opt.bind([{"params": [w]}, {"params": [b], "lr": 0.1}])
    assert [g["lr"] for g in opt.param_groups] == [1e-3, 0.1]


def test_unbound_optimizer_validates_options_at_once():
    with pytest.raises(ValueError, match="lr"):
        optim.Adam(lr=-1.0)


# --------------------------------------------------------------------- errors
def test_non_leaf_parameter():
    w = autograd.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)


def test_set_of_parameters():
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD(set(make_params()), lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": set(make_params())}], lr=0.1)


def test_parameter_in_two_groups():
    w, b = make_params()
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.Adam([{"params": [w, b]}, {"params": [b]}])


def test_bad_params_arguments():
    w, _ = make_params()
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts.*float"):
        optim.SGD(0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors.*ndarray"):
        optim.SGD([np.zeros(2)], lr=0.1)
    with pytest.raises(TypeError, match="param_group must be a dict"):
        optim.SGD([w], lr=0.1).add_param_group([w])


def test_duplicate_parameter_in_a_group_warns():
    w, _ = make_params()
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([w, w], lr=0.1)


@pytest.mark.parametrize("cls, options, match", [
    (optim.SGD, dict(lr=-0.1), "learning rate.*lr"),
    (optim.SGD, dict(momentum=-0.5), "momentum"),
    (optim.SGD, dict(weight_decay=-1), "weight_decay"),
    (optim.SGD, dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (optim.SGD, dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov"),
    (optim.Adam, dict(lr=-1e-3), "lr"),
    (optim.Adam, dict(betas=(1.0, 0.999)), r"beta parameter at index 0.*betas\[0\]"),
    (optim.Adam, dict(betas=(0.9, -0.1)), r"beta parameter at index 1.*betas\[1\]"),
    (optim.Adam, dict(betas=0.9), "betas must be a pair"),
    (optim.Adam, dict(eps=-1e-8), "eps"),
    (optim.Adam, dict(weight_decay=-0.1), "weight_decay"),
    (optim.Adam, dict(differentiable=True), "differentiable"),
    (optim.AdamW, dict(betas=(0.9, 1.0)), "index 1"),
    (optim.Adamax, dict(eps=-1), "eps"),
    (optim.NAdam, dict(momentum_decay=-1), "momentum_decay"),
    (optim.RAdam, dict(betas=(-0.1, 0.9)), "index 0"),
    (optim.RMSprop, dict(alpha=-0.1), "alpha"),
    (optim.RMSprop, dict(momentum=-0.1), "momentum"),
    (optim.Adagrad, dict(lr_decay=-1), "lr_decay"),
    (optim.Adagrad, dict(initial_accumulator_value=-1), "initial_accumulator_value"),
    (optim.Adadelta, dict(rho=1.5), "rho"),
    (optim.LBFGS, dict(line_search_fn="backtracking"), "line_search_fn"),
    (optim.LBFGS, dict(history_size=0), "history_size"),
    (optim.LBFGS, dict(lr=-1), "lr"),
])
def test_invalid_options(cls, options, match):
    with pytest.raises(ValueError, match=match):
        cls(make_params(), **options)


def test_invalid_option_in_a_param_group():
    w, b = make_params()
    with pytest.raises(ValueError, match="lr"):
        optim.Adam([{"params": [w]}, {"params": [b], "lr": -1.0}])
    opt = optim.Adam([w])
    with pytest.raises(ValueError, match="eps"):
        opt.add_param_group({"params": [b], "eps": -1.0})
    assert len(opt.param_groups) == 1


def test_lbfgs_has_one_group_and_needs_a_closure():
    w, b = make_params()
    with pytest.raises(ValueError, match="per-parameter options"):
        optim.LBFGS([{"params": [w]}, {"params": [b]}])
    opt = optim.LBFGS([w, b])
    with pytest.raises(TypeError, match="closure"):
        opt.step(None)
    with pytest.raises(RuntimeError, match="no parameters yet"):
        optim.LBFGS(lr=0.5).step(lambda: 0.0)


# --------------------------------------------------------------------- zero_grad, closures, versions
def test_zero_grad():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    loss_fn(params).backward()
    grad = params[0].grad
    opt.zero_grad(set_to_none=False)
    assert params[0].grad is grad
    np.testing.assert_array_equal(grad.array, 0)
    opt.zero_grad()
    assert params[0].grad is None and params[1].grad is None


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_closure_is_evaluated_with_grad_and_its_loss_returned(cls):
    params = make_params()
    opt = cls(params, **RICH[cls])
    calls = []

    def closure():
        calls.append(autograd.is_grad_enabled())
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        return loss

    with autograd.no_grad():
        loss = opt.step(closure)
    assert calls == [True]
    assert isinstance(loss, autograd.Tensor) and loss.requires_grad
    assert opt.step() is None


def test_step_bumps_the_version_counter():
    w = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()  # saves w for backward
    opt = optim.Adam([w], lr=0.1)
    w.grad = autograd.ones_like(w)
    version = w._version
    opt.step()
    assert w._version == version + 1
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_step_records_nothing_on_the_tape():
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    train(opt, params, 1)
    assert all(p.is_leaf and p.requires_grad for p in params)
    assert all(not v.requires_grad for v in opt.state[params[0]].values())


# --------------------------------------------------------------------- state_dict
def rich(cls):
    return dict(line_search_fn="strong_wolfe", history_size=4, max_iter=3) if cls is optim.LBFGS else RICH[cls]


def lbfgs_train(opt, params, steps):
    def closure():
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)


@pytest.mark.parametrize("cls", ALL + [optim.LBFGS], ids=lambda c: c.__name__)
def test_state_dict_round_trip_continues_identically(cls):
    run = lbfgs_train if cls is optim.LBFGS else train
    params = make_params()
    opt = cls(params, **rich(cls))
    run(opt, params, 3)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))  # e.g. through a checkpoint file

    params2 = [autograd.tensor(p.array.copy(), requires_grad=True) for p in params]
    opt2 = cls(params2, **(dict(lr=123.0) if cls is not optim.LBFGS else {}))
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]  # loaded options replace the current ones
    assert opt2.param_groups[0]["params"][0] is params2[0]

    run(opt, params, 3)
    run(opt2, params2, 3)
    for p, q in zip(params, params2):
        np.testing.assert_array_equal(p.array, q.array)
    assert _plain(opt.state_dict()) == _plain(opt2.state_dict())


def _plain(value):
    """A state_dict with tensors turned into nested lists (for == comparison)."""
    if isinstance(value, autograd.Tensor):
        return ("tensor", str(value.dtype), value.array.tolist())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def test_state_dict_format():
    w, b = make_params()
    extra = autograd.zeros(2, requires_grad=True)
    opt = optim.Adam([{"params": [w, b]}, {"params": [extra], "lr": 0.5}], lr=0.1)
    w.grad = autograd.ones_like(w)
    extra.grad = autograd.ones_like(extra)
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]
    assert set(sd["state"]) == {0, 2}
    assert sd["state"][0]["exp_avg"] is opt.state[w]["exp_avg"]  # live tensors, as in PyTorch


def test_load_state_dict_copies_values():
    params = make_params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    train(opt, params, 2)
    sd = opt.state_dict()
    opt2 = optim.SGD(make_params(), lr=0.1, momentum=0.9)
    opt2.load_state_dict(sd)
    buf2 = opt2.state[opt2.param_groups[0]["params"][0]]["momentum_buffer"]
    assert buf2 is not sd["state"][0]["momentum_buffer"]
    before = buf2.array.copy()
    train(opt, params, 1)  # changes opt's buffers in place
    np.testing.assert_array_equal(buf2.array, before)
    sd["param_groups"][0]["lr"] = 99.0
    assert opt2.param_groups[0]["lr"] == 0.1


def test_load_state_dict_casts_to_the_parameters_dtype():
    params = make_params(np.float32)
    opt = optim.Adam(params, lr=0.1)
    train(opt, params, 2)
    params64 = make_params(np.float64)
    opt64 = optim.Adam(params64, lr=0.1)
    opt64.load_state_dict(opt.state_dict())
    state = opt64.state[params64[0]]
    assert state["exp_avg"].dtype == autograd.float64 and state["exp_avg"].device == params64[0].device
    assert state["step"].dtype == autograd.float32  # step counters keep their own dtype, as in PyTorch
    train(opt64, params64, 1)


@pytest.mark.parametrize("mutate, match", [
    (lambda sd: sd["param_groups"].append(dict(sd["param_groups"][0], params=[5])), "number of parameter groups"),
    (lambda sd: sd["param_groups"][0]["params"].pop(), "doesn't match the size"),
    (lambda sd: sd.pop("state"), "'state' and 'param_groups'"),
])
def test_load_state_dict_mismatch_changes_nothing(mutate, match):
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    train(opt, params, 2)
    sd = copy.deepcopy(opt.state_dict())
    for p_state in sd["state"].values():
        p_state["exp_avg"].array[...] = 42.0
    sd["param_groups"][0]["lr"] = 7.0
    mutate(sd)
    before = _plain(opt.state_dict())
    state_obj = opt.state
    with pytest.raises(ValueError, match=match):
        opt.load_state_dict(sd)
    assert _plain(opt.state_dict()) == before
    assert opt.state is state_obj


def test_load_state_dict_keeps_group_dicts():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    group = opt.param_groups[0]
    sd = copy.deepcopy(opt.state_dict())
    sd["param_groups"][0]["lr"] = 0.01
    opt.load_state_dict(sd)
    assert opt.param_groups[0] is group and group["lr"] == 0.01
    assert [id(p) for p in group["params"]] == [id(p) for p in params]


# --------------------------------------------------------------------- hooks, repr, subclasses
def test_step_hooks():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    events = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: events.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, args, kwargs: events.append(("post", o is opt)))
    train(opt, params, 1)
    assert events == [("pre", True), ("post", True)]
    pre.remove()
    train(opt, params, 1)
    assert events[-1] == ("post", True) and len(events) == 3


def test_repr_lists_groups():
    opt = optim.SGD(make_params(), lr=0.1, momentum=0.9)
    text = repr(opt)
    assert text.startswith("SGD (\nParameter Group 0\n") and "    momentum: 0.9\n" in text and "params" not in text


def test_custom_optimizer_subclass():
    class SignSGD(Optimizer):
        def __init__(self, params=None, lr=required):
            super().__init__(params, dict(lr=lr))

        @autograd.no_grad()
        def step(self, closure=None):
            loss = self._eval_closure(closure)
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.array -= group["lr"] * np.sign(p.grad.array)
            return loss

    w, b = make_params()
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        SignSGD([w])
    opt = SignSGD([{"params": [w], "lr": 0.5}])
    w.grad = autograd.ones_like(w)
    opt.step()
    np.testing.assert_allclose(w.array, W0 - 0.5)
    with pytest.raises(RuntimeError, match="no parameters yet"):
        SignSGD(lr=0.1).step()
