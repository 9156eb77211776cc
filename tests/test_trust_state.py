"""Engine state is per thread and per asyncio task, and every mode switch restores exactly what it found."""

import asyncio
import threading

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core import graph


def _train(model, x, y, steps, out, barrier=None):
    opt = nn.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        if barrier is not None:
            barrier.wait()  # both threads inside a forward/backward at once, step after step
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    out.append({k: v.copy() for k, v in model.state_dict().items()})


def _models():
    rng = np.random.default_rng(0)
    make = lambda seed: nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    data = [
        (
            ag.tensor(rng.standard_normal((16, 3)), dtype="float32"),
            ag.tensor(rng.standard_normal((16, 1)), dtype="float32"),
        )
        for _ in range(2)
    ]
    return make, data


def test_two_threads_training_two_models_get_the_gradients_of_training_alone():
    make, data = _models()
    alone = []
    for i, (x, y) in enumerate(data):
        nn.init.manual_seed(i)
        m = make(i)
        _train(m, x, y, 30, alone)
    together, models = [[], []], []
    for i in range(2):
        nn.init.manual_seed(i)
        models.append(make(i))
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=_train, args=(models[i], *data[i], 30, together[i], barrier)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(2):
        for k, v in alone[i].items():
            np.testing.assert_array_equal(together[i][0][k], v)


def test_a_thread_inside_no_grad_does_not_stop_another_from_recording():
    inside, done, seen = threading.Event(), threading.Event(), {}

    def quiet():
        with ag.no_grad():
            inside.set()
            done.wait(5)
            seen["quiet"] = ag.is_grad_enabled()

    t = threading.Thread(target=quiet)
    t.start()
    inside.wait(5)
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    done.set()
    t.join()
    assert y.requires_grad and y.grad_fn is not None and ag.is_grad_enabled()
    assert seen["quiet"] is False
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_a_new_thread_starts_with_grad_on_even_when_its_parent_is_inside_no_grad():
    seen = []
    with ag.no_grad():
        t = threading.Thread(target=lambda: seen.append(ag.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_a_scope_entered_in_one_thread_never_names_the_ops_of_another():
    entered, done, scopes = threading.Event(), threading.Event(), []

    def scoped():
        with ag.name_scope("other"):
            entered.set()
            done.wait(5)

    t = threading.Thread(target=scoped)
    t.start()
    entered.wait(5)
    x = ag.tensor([1.0], requires_grad=True)
    y = x * 2
    scopes.append(y.grad_fn.scope)
    done.set()
    t.join()
    assert scopes == [""] and ag.current_scope() == ""


def test_anomaly_mode_and_gradient_recorders_stay_in_their_thread():
    inside, done, seen = threading.Event(), threading.Event(), []

    def watching():
        with ag.detect_anomaly(), graph.recording(lambda t, g, ig: seen.append(t)):
            inside.set()
            done.wait(5)

    t = threading.Thread(target=watching)
    t.start()
    inside.wait(5)
    assert not ag.is_anomaly_enabled()
    x = ag.tensor([0.0], requires_grad=True)
    (x.log() * 0).sum()  # -inf, silently: anomaly mode is on in the other thread only
    (x * 2).sum().backward()
    done.set()
    t.join()
    assert seen == []


def test_asyncio_tasks_have_their_own_grad_mode():
    async def quiet(gate, out):
        with ag.no_grad():
            await gate.wait()
            out.append(ag.is_grad_enabled())

    async def loud(gate, out):
        await asyncio.sleep(0)  # the other task is inside no_grad now
        x = ag.tensor([1.0], requires_grad=True)
        out.append((x * 3).requires_grad)
        gate.set()

    async def main():
        gate, out = asyncio.Event(), []
        await asyncio.gather(quiet(gate, out), loud(gate, out))
        return out

    assert asyncio.run(main()) == [True, False]


# ---- re-entrant modes ---------------------------------------------------------------------------------------


@ag.no_grad()
def _depth(n):
    return ag.is_grad_enabled() if n == 0 else _depth(n - 1)


def test_a_recursive_no_grad_function_leaves_grad_mode_on():
    assert _depth(5) is False
    assert ag.is_grad_enabled()


def test_the_same_instance_nests_and_restores_each_level():
    off, on = ag.no_grad(), ag.enable_grad()
    with off:
        with on:
            with off:
                assert not ag.is_grad_enabled()
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_an_exception_inside_restores_the_mode():
    with pytest.raises(KeyError):
        with ag.no_grad():
            raise KeyError("x")
    assert ag.is_grad_enabled()
    with ag.no_grad():
        with pytest.raises(ValueError):
            with ag.enable_grad():
                raise ValueError
        assert not ag.is_grad_enabled()


def test_a_decorated_generator_runs_in_the_mode_and_gives_the_caller_its_own_between_steps():
    @ag.no_grad()
    def steps(n):
        for i in range(n):
            sent = yield ag.is_grad_enabled()
            assert sent == i

    gen = steps(3)
    seen = [next(gen)]
    for i in range(2):
        assert ag.is_grad_enabled()  # the caller's mode while the generator waits
        seen.append(gen.send(i))
    with pytest.raises(StopIteration):
        gen.send(2)
    assert seen == [False, False, False] and ag.is_grad_enabled()


def test_an_exception_thrown_into_a_decorated_generator_reaches_it_in_its_mode():
    caught = []

    @ag.no_grad()
    def gen():
        try:
            yield 1
        except ValueError:
            caught.append(ag.is_grad_enabled())
            yield 2

    g = gen()
    next(g)
    assert g.throw(ValueError()) == 2
    assert caught == [False] and ag.is_grad_enabled()
    g.close()


def test_a_decorated_coroutine_runs_in_the_mode():
    @ag.no_grad()
    async def f():
        await asyncio.sleep(0)
        return ag.is_grad_enabled()

    assert asyncio.run(f()) is False and ag.is_grad_enabled()


def test_scopes_restore_on_exceptions_and_nesting():
    with pytest.raises(RuntimeError):
        with ag.name_scope("a"):
            with ag.name_scope("b"):
                assert ag.current_scope() == "a/b"
                raise RuntimeError
    assert ag.current_scope() == ""


def test_no_grad_decorates_with_or_without_parentheses_and_keeps_the_name():
    @ag.no_grad
    def bare(x):
        return (x * 2).requires_grad

    @ag.enable_grad()
    def called(x):
        return (x * 2).requires_grad

    x = ag.tensor([1.0], requires_grad=True)
    assert bare(x) is False and bare.__name__ == "bare"
    with ag.no_grad():
        assert called(x) is True
    assert ag.is_grad_enabled()
