"""Checks of an optimizer against torch's: step trajectories, state dicts both ways, the signature."""
import inspect

import numpy as np

import autograd


def trajectory(T, cls, x0, grads, dtype="float64", **options):
    """(x after every step, the optimizer, the parameter) for optimizer class cls of library T (autograd/torch)."""
    p = T.tensor(x0, dtype=getattr(T, dtype), requires_grad=True)
    opt = cls([p], **options)
    out = []
    for g in grads:
        p.grad = T.tensor(g, dtype=getattr(T, dtype))
        opt.step()
        out.append(np.array(p.detach().numpy(), dtype=np.float64))
    return np.array(out), opt, p


def check_state_dict_round_trip(torch, ours_cls, torch_cls, x0, grads, rtol, **options):
    """Three steps in torch, two in tapegrad from torch's state_dict, one more in torch from tapegrad's: the
    parameter follows torch's own six-step trajectory throughout (grads holds six gradients)."""
    full, _, _ = trajectory(torch, torch_cls, x0, grads, **options)
    _, topt, tp = trajectory(torch, torch_cls, x0, grads[:3], **options)
    sd = topt.state_dict()
    p = autograd.tensor(tp.detach().numpy(), requires_grad=True)
    opt = ours_cls([p], **options)
    opt.load_state_dict({"state": {0: {k: autograd.tensor(v.numpy()) for k, v in sd["state"][0].items()}},
                         "param_groups": sd["param_groups"]})
    for g in grads[3:5]:
        p.grad = autograd.tensor(g)
        opt.step()
    np.testing.assert_allclose(p.array, full[4], rtol=rtol)
    ours = opt.state_dict()
    p2 = torch.tensor(p.array.copy(), requires_grad=True)
    topt2 = torch_cls([p2], **options)
    topt2.load_state_dict({"state": {0: {k: torch.tensor(v.numpy()) for k, v in ours["state"][0].items()}},
                           "param_groups": ours["param_groups"]})
    p2.grad = torch.tensor(grads[5])
    topt2.step()
    np.testing.assert_allclose(p2.detach().numpy(), full[5], rtol=rtol)


def check_signature(ours_cls, torch_cls):
    """The same parameters, kinds and defaults (params may be omitted here: optimizers bind them later)."""
    ours = inspect.signature(ours_cls.__init__).parameters
    theirs = inspect.signature(torch_cls.__init__).parameters
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name].kind == theirs[name].kind, name
        if name != "params":
            assert ours[name].default == theirs[name].default, name
