"""Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode as context managers, decorators (with and
without parentheses, on functions and generators), nesting, exceptions, and thread-locality."""
import threading

import pytest

import autograd as ag


def _records():
    """True when an op on a tensor that requires grad records on the tape now."""
    return (ag.ones(1, requires_grad=True) * 2).requires_grad


def _state():
    return ag.is_grad_enabled(), ag.is_inference_mode_enabled()


@pytest.fixture(autouse=True)
def _restore_mode():
    assert _state() == (True, False)
    yield
    assert _state() == (True, False), "a test left the grad mode changed"


# ---------------------------------------------------------------------------- context managers
def test_no_grad_and_enable_grad_blocks():
    with ag.no_grad():
        assert not ag.is_grad_enabled() and not _records()
        with ag.enable_grad():
            assert ag.is_grad_enabled() and _records()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled() and _records()


def test_inference_mode_block():
    with ag.inference_mode():
        assert _state() == (False, True) and not _records()
    with ag.inference_mode(False):  # a no-op
        assert _state() == (True, False) and _records()
    with ag.no_grad():
        with ag.inference_mode(False):
            assert _state() == (False, False)


def test_blocks_restore_the_mode_after_an_exception():
    for make in (ag.no_grad, ag.enable_grad, ag.inference_mode, lambda: ag.set_grad_enabled(False)):
        with pytest.raises(ZeroDivisionError):
            with make():
                1 / 0
        assert _state() == (True, False)


def test_enter_returns_the_mode_object():
    ng = ag.no_grad()
    with ng as got:
        assert got is ng


def test_the_same_object_can_be_entered_twice_nested():
    ng, eg = ag.no_grad(), ag.enable_grad()
    with ng:
        with eg:
            with ng:
                assert not ag.is_grad_enabled()
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_deep_nesting_of_every_mode():
    with ag.no_grad():
        with ag.set_grad_enabled(True):
            assert ag.is_grad_enabled()
            with ag.inference_mode():
                assert _state() == (False, True)
                with ag.enable_grad():
                    assert ag.is_grad_enabled()
                assert _state() == (False, True)
            assert _state() == (True, False)
        assert not ag.is_grad_enabled()


# ---------------------------------------------------------------------------- set_grad_enabled
def test_set_grad_enabled_as_a_function():
    ag.set_grad_enabled(False)
    try:
        assert not ag.is_grad_enabled() and not _records()
        ag.set_grad_enabled(True)
        assert ag.is_grad_enabled()
    finally:
        ag.set_grad_enabled(True)


def test_set_grad_enabled_as_a_context_manager():
    with ag.set_grad_enabled(False):
        assert not _records()
        with ag.set_grad_enabled(True):
            assert _records()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    with ag.no_grad():
        with ag.set_grad_enabled(True):
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()


def test_set_grad_enabled_as_a_decorator():
    @ag.set_grad_enabled(False)
    def f():
        return ag.is_grad_enabled()

    assert ag.is_grad_enabled()  # decorating changes nothing by itself
    assert f() is False and ag.is_grad_enabled()

    @ag.set_grad_enabled(True)
    def g():
        return ag.is_grad_enabled()

    with ag.no_grad():
        assert g() is True and not ag.is_grad_enabled()


def test_set_grad_enabled_refuses_non_bools():
    with pytest.raises(TypeError, match="set_grad_enabled: mode must be a bool, got str"):
        ag.set_grad_enabled("no")
    assert ag.is_grad_enabled()


# ---------------------------------------------------------------------------- decorators
@pytest.mark.parametrize("deco, want", [
    (ag.no_grad, (False, False)), (ag.no_grad(), (False, False)),
    (ag.enable_grad, (True, False)), (ag.enable_grad(), (True, False)),
    (ag.inference_mode, (False, True)), (ag.inference_mode(), (False, True)), (ag.inference_mode(True), (False, True)),
], ids=["no_grad", "no_grad()", "enable_grad", "enable_grad()", "inference_mode", "inference_mode()",
        "inference_mode(True)"])
def test_decorators_with_and_without_parentheses(deco, want):
    @deco
    def f(a, b=1, *, c=2):
        """Doc of f."""
        return _state(), a + b + c

    assert f.__name__ == "f" and f.__doc__ == "Doc of f."  # functools.wraps
    with ag.no_grad():  # the decorated mode wins inside the call whatever the caller's mode
        got = f(1, c=3)
    assert got == (want, 5)
    assert f(1, 2) == (want, 5) and _state() == (True, False)


def test_decorated_functions_can_be_called_recursively_and_repeatedly():
    @ag.no_grad
    def depth(n):
        assert not ag.is_grad_enabled()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(5) == 5 and depth(2) == 2 and ag.is_grad_enabled()


def test_decorated_function_restores_the_mode_after_an_exception():
    @ag.no_grad
    def boom():
        raise ValueError("x")

    with pytest.raises(ValueError):
        boom()
    assert ag.is_grad_enabled()


def test_enable_grad_decorator_records_inside_no_grad():
    @ag.enable_grad
    def double(x):
        return x * 2

    x = ag.ones(2, requires_grad=True)
    with ag.no_grad():
        y = double(x)
    assert y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_decorating_something_that_is_not_callable_raises():
    with pytest.raises(TypeError, match="no_grad: can only decorate a function"):
        ag.no_grad()(3)
    with pytest.raises(TypeError, match="inference_mode: mode must be a bool"):
        ag.inference_mode("yes")


# ---------------------------------------------------------------------------- generators
@pytest.mark.parametrize("make_deco, inside", [  # factories: set_grad_enabled(False) acts when it is made
    (lambda: ag.no_grad, False), (lambda: ag.no_grad(), False), (lambda: ag.inference_mode, False),
    (lambda: ag.set_grad_enabled(False), False), (lambda: ag.enable_grad, True),
], ids=["no_grad", "no_grad()", "inference_mode", "set_grad_enabled(False)", "enable_grad"])
def test_generators_run_each_resumption_under_the_mode(make_deco, inside):
    seen = []
    deco = make_deco()

    @deco
    def gen(n):
        for i in range(n):
            seen.append(ag.is_grad_enabled())
            got = yield i
            seen.append(("sent", got, ag.is_grad_enabled()))
        return "done"

    it = gen(2)
    assert ag.is_grad_enabled()  # making the generator changes nothing
    assert next(it) == 0
    assert ag.is_grad_enabled() and _records()  # the caller's code between resumptions keeps its own mode
    assert it.send("a") == 1
    assert ag.is_grad_enabled()
    with pytest.raises(StopIteration) as stop:
        it.send("b")
    assert stop.value.value == "done"
    assert seen == [inside, ("sent", "a", inside), inside, ("sent", "b", inside)]


def test_enable_grad_generator_inside_no_grad():
    @ag.enable_grad
    def gen():
        yield ag.is_grad_enabled()
        yield ag.is_grad_enabled()

    with ag.no_grad():
        it = gen()
        assert next(it) is True and not ag.is_grad_enabled()
        assert next(it) is True and not ag.is_grad_enabled()


def test_generator_throw_and_close_run_under_the_mode():
    log = []

    @ag.no_grad
    def gen():
        try:
            yield 1
        except KeyError:
            log.append(("caught", ag.is_grad_enabled()))
            yield 2
        finally:
            log.append(("finally", ag.is_grad_enabled()))

    it = gen()
    assert next(it) == 1
    assert it.throw(KeyError("k")) == 2
    assert ag.is_grad_enabled()
    it.close()
    assert log == [("caught", False), ("finally", False)] and ag.is_grad_enabled()

    it = gen()
    next(it)
    with pytest.raises(ValueError):
        it.throw(ValueError("v"))  # not handled inside: propagates, the mode is restored
    assert ag.is_grad_enabled()


def test_generator_used_in_a_for_loop_records_nothing_inside():
    x = ag.ones(2, requires_grad=True)

    @ag.no_grad
    def scaled(n):
        for i in range(n):
            yield x * i

    outs = list(scaled(3))
    assert all(not o.requires_grad for o in outs)
    assert (x * 2).requires_grad


# ---------------------------------------------------------------------------- threads
def _in_thread(fn):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001  (reported to the test's thread)
            box["error"] = err

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_a_mode_set_in_one_thread_does_not_leak_into_another():
    with ag.no_grad():
        assert _in_thread(_state) == (True, False)  # a new thread starts with recording on
        assert not ag.is_grad_enabled()
    with ag.inference_mode():
        assert _in_thread(_state) == (True, False)
    ag.set_grad_enabled(False)
    try:
        assert _in_thread(lambda: (_records(), ag.is_grad_enabled())) == (True, True)
    finally:
        ag.set_grad_enabled(True)


def test_a_mode_set_in_another_thread_does_not_leak_here():
    entered, release = threading.Event(), threading.Event()

    def worker():
        with ag.no_grad():
            ag.set_grad_enabled(False)
            entered.set()
            release.wait(5)
        return _state()

    box = {}
    t = threading.Thread(target=lambda: box.setdefault("state", worker()))
    t.start()
    assert entered.wait(5)
    assert _state() == (True, False) and _records()  # the worker is inside no_grad right now
    release.set()
    t.join()
    assert box["state"] == (True, False)


def test_threads_with_decorated_functions_keep_their_own_modes():
    barrier = threading.Barrier(2)
    results = {}

    @ag.no_grad
    def off():
        barrier.wait(5)
        results["off"] = ag.is_grad_enabled()
        barrier.wait(5)

    def on():
        barrier.wait(5)
        results["on"] = ag.is_grad_enabled()
        barrier.wait(5)

    threads = [threading.Thread(target=off), threading.Thread(target=on)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"off": False, "on": True}
