"""state_dict and load_state_dict hooks (pre and post) against PyTorch: call order, arguments, in-place edits."""
import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")


def _both():
    ag.manual_seed(0)
    ours = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 1)))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sequential(torch.nn.Linear(3, 1)))
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def test_state_dict_hooks_are_called_as_torch_calls_them():
    calls = {"ours": [], "theirs": []}
    for side, model in zip(("ours", "theirs"), _both()):
        log = calls[side]
        for name, module in [("root", model), ("inner", model[1])]:
            module.register_state_dict_pre_hook(lambda m, prefix, keep_vars, n=name, log=log:
                                                log.append(("pre", n, prefix, keep_vars)))
            module.register_state_dict_post_hook(lambda m, sd, prefix, meta, n=name, log=log:
                                                 log.append(("post", n, prefix, sorted(sd))))
        model.state_dict(keep_vars=True)
    assert calls["ours"] == calls["theirs"]


def test_post_hook_edits_the_state_dict_in_place():
    for model in _both():
        model[0].register_state_dict_post_hook(lambda m, sd, prefix, meta: [sd.pop(prefix + "bias")] and None)
        assert "0.bias" not in model.state_dict() and "0.weight" in model.state_dict()
    ours, _ = _both()
    ours.register_state_dict_post_hook(lambda m, sd, prefix, meta: sd)
    with pytest.raises(RuntimeError, match="post-hook must return None"):
        ours.state_dict()
    ours.register_load_state_dict_post_hook(lambda m, keys: 3)
    with pytest.raises(AssertionError, match="not expected to return new values"):
        ours.load_state_dict(_both()[0].state_dict())


def test_load_pre_hook_renames_old_keys_and_post_hook_forgives_missing_ones():
    ours, theirs = _both()
    old = {k.replace("weight", "w"): v for k, v in ours.state_dict().items()}

    def rename(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
        key = prefix + "w"
        if key in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(key)

    for layer in (ours[0], ours[1][0]):
        layer.register_load_state_dict_pre_hook(rename)
    res = ours.load_state_dict(old)
    assert res.missing_keys == [] and res.unexpected_keys == []
    partial = {k: v for k, v in ours.state_dict().items() if k != "1.0.bias"}
    seen = {}
    for model, sd in ((ours, partial), (theirs, {k: torch.tensor(v.numpy()) for k, v in partial.items()})):
        def forgive(module, keys, model=model):
            seen.setdefault(id(model), []).append(list(keys.missing_keys))
            keys.missing_keys.clear()
        model.register_load_state_dict_post_hook(forgive)
        model.load_state_dict(sd)  # strict, yet no error: the hook cleared the missing key
    assert list(seen.values())[0] == list(seen.values())[1] == [["1.0.bias"]]


def test_handles_remove_the_hooks():
    ours, _ = _both()
    log = []
    handle = ours.register_state_dict_pre_hook(lambda *a: log.append(1))
    ours.state_dict()
    handle.remove()
    ours.state_dict()
    assert log == [1]
    np.testing.assert_array_equal(ours.state_dict()["0.weight"].numpy(), ours[0].weight.detach().numpy())
