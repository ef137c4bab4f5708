"""Net and Model: the design's flow, fit/evaluate/predict/summary, callbacks and History."""
import csv

import numpy as np
import pytest

import autograd as ag
import nn
import optim


def xor_data():
    X = ag.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = ag.tensor([0, 1, 1, 0])
    return X, Y


def spirals(n=200, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.25, 1.0, n)
    cls = rng.integers(0, 2, n)
    angle = 3 * np.pi * t + np.pi * cls
    X = np.stack([t * np.cos(angle), t * np.sin(angle)], 1) + rng.normal(0, 0.02, (n, 2))
    return ag.tensor(X.astype(np.float32)), ag.tensor(cls)


def small_net():
    return nn.Net([nn.Dense(2, 32), nn.Tanh(), nn.Dense(32, 2)])


def test_seed_flow_learns_xor():
    ag.manual_seed(0)
    X, Y = xor_data()
    model = nn.Model(small_net(), nn.CrossEntropyLoss(), optim.Adam(lr=0.05))
    for _ in range(300):
        pred = model.forward(X)
        loss, grads = model.backward(pred, Y)
        model.apply_grad(grads)
    assert loss.item() < 0.05
    assert (model.forward(X).argmax(dim=1) == Y).all()


def test_backward_returns_a_gradient_per_parameter_in_order():
    net = small_net()
    model = nn.Model(net, nn.MSELoss(), optim.SGD(lr=0.1))
    X = ag.randn(5, 2)
    loss, grads = model.backward(model.forward(X), ag.zeros(5, 2))
    assert loss.shape == () and not loss.requires_grad
    assert [tuple(g.shape) for g in grads] == [tuple(p.shape) for p in net.parameters()]


def test_apply_grad_steps_the_optimizer():
    net = small_net()
    model = nn.Model(net, nn.MSELoss(), optim.SGD(lr=0.5))
    before = [p.detach().clone() for p in net.parameters()]
    model.apply_grad([ag.ones_like(p) for p in net.parameters()])
    for b, p in zip(before, net.parameters()):
        np.testing.assert_allclose(p.array, b.array - 0.5)
    with pytest.raises(ValueError, match="got 1 gradients for 4 parameters"):
        model.apply_grad([ag.ones(1)])


def test_net_parameter_helpers():
    net = small_net()
    params = net.get_parameters()
    assert len(params) == 4 and all(isinstance(p, nn.Parameter) for p in params)
    assert all(g is None for _, g in net.get_params_and_grads())
    net.set_parameters([ag.zeros_like(p) for p in params])
    assert all(float(p.abs().sum()) == 0 for p in net.parameters())
    with pytest.raises(ValueError, match="shape .* nothing was changed"):
        net.set_parameters([ag.ones(3)] + [ag.ones_like(p) for p in params[1:]])
    assert all(float(p.abs().sum()) == 0 for p in net.parameters())


def test_fit_learns_spirals_and_records_history():
    ag.manual_seed(0)
    X, Y = spirals()
    net = nn.Net([nn.Dense(2, 64), nn.ReLU(), nn.Dense(64, 64), nn.ReLU(), nn.Dense(64, 2)])
    model = nn.Model(net, nn.CrossEntropyLoss(), optim.Adam(lr=0.01))
    history = model.fit(X[:160], Y[:160], epochs=60, batch_size=32, validation_data=(X[160:], Y[160:]), verbose=0)
    assert len(history.history["loss"]) == 60
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
    result = model.evaluate(X[160:], Y[160:], metrics=["accuracy"])
    assert result["accuracy"] > 0.85 and set(result) == {"loss", "accuracy"}
    assert model.predict(X[:7]).shape == (7, 2)


def test_fit_accepts_a_loader_of_batches():
    ag.manual_seed(0)
    X, Y = xor_data()
    model = nn.Model(small_net(), nn.CrossEntropyLoss(), optim.Adam(lr=0.05))
    history = model.fit([(X, Y)] * 4, epochs=3, verbose=0)
    assert len(history.epoch) == 3


def test_fit_rejects_mismatched_lengths():
    model = nn.Model(small_net(), nn.CrossEntropyLoss(), optim.SGD(lr=0.1))
    with pytest.raises(ValueError, match="X has 4 samples but Y has 3"):
        model.fit(ag.zeros(4, 2), ag.zeros(3, dtype=ag.int64), verbose=0)


def test_model_refuses_an_optimizer_over_foreign_tensors():
    other = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="not parameters of the net"):
        nn.Model(small_net(), nn.MSELoss(), optim.SGD(other.parameters(), lr=0.1))


def test_summary_lists_layers_shapes_and_counts():
    model = nn.Model(small_net(), nn.MSELoss(), optim.SGD(lr=0.1))
    text = model.summary(input_shape=(1, 2))
    assert "0 (Linear)" in text and "(1, 32)" in text and "(1, 2)" in text
    assert "Total params: 162" in text


def test_early_stopping_stops_and_restores_best():
    ag.manual_seed(0)
    X, Y = spirals(64)
    model = nn.Model(small_net(), nn.CrossEntropyLoss(), optim.SGD(lr=0.0))  # no progress: stops early
    stop = nn.EarlyStopping(monitor="loss", patience=1, min_delta=1e-4, restore_best_weights=True)
    history = model.fit(X, Y, epochs=20, batch_size=16, callbacks=[stop], verbose=0)
    assert len(history.epoch) <= 3 and stop.stopped_epoch is not None


def test_checkpoint_csv_and_lr_scheduler_callbacks(tmp_path):
    ag.manual_seed(0)
    X, Y = spirals(64)
    opt = optim.SGD(lr=0.1)
    model = nn.Model(small_net(), nn.CrossEntropyLoss(), opt)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    path = tmp_path / "log.csv"
    ckpt = str(tmp_path / "ckpt-{epoch}.safetensors")
    model.fit(X, Y, epochs=3, batch_size=16, verbose=0, callbacks=[
        nn.ModelCheckpoint(ckpt, monitor="loss", save_best_only=False), nn.CSVLogger(str(path)),
        nn.LearningRateScheduler(sched)])
    rows = list(csv.DictReader(open(path)))
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]
    assert [float(r["lr"]) for r in rows] == [0.1, 0.05, 0.025]
    state = ag.load(str(tmp_path / "ckpt-3.safetensors"))
    fresh = small_net()
    fresh.load_state_dict(state)
    for a, b in zip(fresh.parameters(), model.net.parameters()):
        np.testing.assert_array_equal(a.array, b.array)


def test_custom_callback_sees_every_epoch():
    class Count(nn.Callback):
        def on_train_begin(self):
            self.epochs = []

        def on_epoch_end(self, epoch, logs):
            self.epochs.append((epoch, round(logs["loss"], 6) > 0))

    X, Y = xor_data()
    cb = Count()
    nn.Model(small_net(), nn.CrossEntropyLoss(), optim.SGD(lr=0.1)).fit(X, Y, epochs=2, callbacks=[cb], verbose=0)
    assert cb.epochs == [(0, True), (1, True)]
    with pytest.raises(TypeError, match="subclass nn.Callback"):
        nn.Model(small_net(), nn.CrossEntropyLoss(), optim.SGD(lr=0.1)).fit(X, Y, callbacks=[object()], verbose=0)


def test_metrics():
    pred = ag.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    target = ag.tensor([1, 1, 1])
    assert nn.accuracy(pred, target).item() == pytest.approx(2 / 3)
    assert nn.top_k_accuracy(pred, target, k=2).item() == 1.0
    assert nn.mse(ag.tensor([1.0, 3.0]), ag.tensor([0.0, 0.0])).item() == 5.0
    assert nn.mae(ag.tensor([1.0, -3.0]), ag.tensor([0.0, 0.0])).item() == 2.0
    with pytest.raises(ValueError, match="unknown metric"):
        nn.get_metric("f1")


def test_history_plot_needs_matplotlib_or_draws():
    h = nn.History()
    h.append(0, {"loss": 1.0})
    h.append(1, {"loss": 0.5})
    assert h["loss"] == [1.0, 0.5] and "epochs=2" in repr(h)
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        with pytest.raises(ImportError, match="matplotlib"):
            h.plot()
        return
    ax = h.plot()
    assert len(ax.lines) == 1


def test_binary_accuracy_from_probabilities_and_logits():
    target = ag.tensor([[1.0], [0.0], [1.0]])
    assert nn.accuracy(ag.tensor([[-5.0], [-5.0], [3.0]]), target).item() == pytest.approx(2 / 3)  # logits
    assert nn.accuracy(ag.tensor([[0.9], [0.2], [0.4]]), target).item() == pytest.approx(2 / 3)  # probabilities
    assert nn.accuracy(ag.tensor([[0.1, 0.9], [0.8, 0.2]]), ag.tensor([[0.0, 1.0], [1.0, 0.0]])).item() == 1.0
    with pytest.raises(ValueError, match="do not match"):
        nn.accuracy(ag.tensor([0.1, 0.9]), ag.tensor([1.0, 0.0, 1.0]))


def test_regression_fit_logs_no_accuracy_by_default():
    X = ag.randn(32, 2)
    model = nn.Model(nn.Net([nn.Dense(2, 1)]), nn.MSELoss(), optim.SGD(lr=0.1))
    history = model.fit(X, X.sum(dim=1, keepdim=True), epochs=2, verbose=0)
    assert set(history.history) == {"loss", "lr"}


def test_validation_loader_history_per_fit_and_metric_names():
    ag.manual_seed(0)
    X, Y = spirals(64)
    model = nn.Model(small_net(), nn.CrossEntropyLoss(), optim.SGD(lr=0.1))
    loader = [(X[:32], Y[:32]), (X[32:], Y[32:])]
    first = model.fit(X, Y, epochs=2, verbose=0, validation_data=loader, metrics=["acc"])
    assert {"acc", "val_acc", "val_loss"} <= set(first.history)
    second = model.fit(X, Y, epochs=1, verbose=0)
    assert second is model.history and first is not second
    assert first.epoch == [0, 1] and second.epoch == [0]


def test_evaluate_predict_summary_restore_the_training_mode():
    model = nn.Model(nn.Net([nn.Dense(2, 2), nn.Dropout(0.5)]), nn.CrossEntropyLoss(), optim.SGD(lr=0.1))
    X, Y = xor_data()
    model.net.train()
    model.predict(X)
    model.evaluate(X, Y)
    model.summary(input_shape=(1, 2))
    assert model.net.training
    model.net.eval()
    model.predict(X)
    assert not model.net.training


def test_early_stopping_patience_counts_epochs_without_improvement():
    class Flat(nn.Callback):
        def on_epoch_end(self, epoch, logs):
            logs["score"] = 1.0 if epoch == 0 else 0.5

    X, Y = xor_data()
    stop = nn.EarlyStopping(monitor="score", patience=2, mode="max")
    history = nn.Model(small_net(), nn.CrossEntropyLoss(), optim.SGD(lr=0.1)).fit(
        X, Y, epochs=10, callbacks=[Flat(), stop], verbose=0)
    assert len(history.epoch) == 3  # best at epoch 1, then 2 epochs without improvement


def test_cross_entropy_with_every_target_ignored_has_zero_gradient():
    x = ag.randn(2, 3, requires_grad=True)
    loss = nn.functional.cross_entropy(x, ag.tensor([-100, -100]))
    loss.backward()
    assert np.isnan(loss.item())
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))


def test_set_parameters_needs_one_value_per_parameter():
    net = small_net()
    with pytest.raises(ValueError, match="got 1 values for 4 parameters"):
        net.set_parameters([ag.zeros(2, 32)])
