"""The benchmark times correct code: its hand-written backprop and its trainers agree."""
from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy
import pytest

from demystify.bench import batches_of, cpu_seconds_per_call, memory_growth, trainers
from demystify.reference import init_params, make_loss, numpy_gradient

RNG = numpy.random.default_rng(2019)
X = RNG.normal(size=(40, 8))
Y = numpy.eye(2)[RNG.integers(0, 2, 40)]


@pytest.mark.parametrize("sizes", [(8, 25, 10, 2), (8, 3, 2), (8, 400, 10, 2), (8, 2)])
def test_hand_written_numpy_backprop_matches_autograd(sizes):
    params = [p + RNG.normal(scale=0.1, size=p.shape) for p in init_params(sizes)]
    ours = numpy_gradient(params, X, Y)
    theirs = autograd.grad(make_loss(anp))(params, X, Y)
    assert [g.shape for g in ours] == [p.shape for p in params]
    for mine, reference in zip(ours, theirs, strict=True):
        numpy.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-15)


def test_hand_written_numpy_backprop_matches_finite_differences():
    params = init_params((8, 4, 2))
    loss = make_loss(numpy)
    grads = numpy_gradient(params, X, Y)
    h = 1e-6
    for p, g in zip(params, grads, strict=True):
        for index in numpy.ndindex(p.shape):
            saved = p[index]
            p[index] = saved + h
            up = loss(params, X, Y)
            p[index] = saved - h
            down = loss(params, X, Y)
            p[index] = saved
            assert g[index] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


def test_the_course_initialisation_is_xavier_normal_with_zero_biases():
    W1, b1, W2, b2, W3, b3 = init_params()
    assert [W1.shape, W2.shape, W3.shape] == [(8, 25), (25, 10), (10, 2)]
    assert not b1.any() and not b2.any() and not b3.any()
    first = numpy.random.default_rng(2019).normal(0.0, numpy.sqrt(2 / 33), (8, 25))
    numpy.testing.assert_array_equal(W1, first)


def test_every_trainer_computes_the_same_gradient_and_takes_the_same_step():
    params = init_params()
    impl = trainers(params)
    reference = numpy_gradient(params, X, Y)
    for name, (gradient, _, convert) in impl.items():
        grads = [numpy.asarray(g.detach()) if hasattr(g, "detach") else g
                 for g in gradient(convert(X), convert(Y))]
        for g, r in zip(grads, reference, strict=True):
            numpy.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-15, err_msg=name)
    for _, step, convert in impl.values():
        for _ in range(3):
            step(convert(X), convert(Y))
    after = {name: gradient(convert(X), convert(Y))[0] for name, (gradient, _, convert) in impl.items()}
    for name, g in after.items():
        g = numpy.asarray(g.detach()) if hasattr(g, "detach") else g
        numpy.testing.assert_allclose(g, after["hand-written numpy"], rtol=1e-9, err_msg=name)
        assert not numpy.allclose(g, reference[0])      # the steps did change the weights


def test_batches_are_seeded_and_of_the_asked_size():
    batches = batches_of(X, Y, 16)
    assert [len(bx) for bx, by in batches] == [16, 16]
    again = batches_of(X, Y, 16)
    numpy.testing.assert_array_equal(batches[1][0], again[1][0])
    assert len(batches_of(X, Y, 40)) == 1 and len(batches_of(X, Y, 40)[0][0]) == 40


def test_timing_reports_the_fastest_block_per_call():
    calls = []
    times = cpu_seconds_per_call({"f": (lambda x, y: calls.append(1), lambda a: a)},
                                 batches_of(X, Y, 20), repeats=2, block=0.001)
    assert 0 < times["f"] < 1e-3 and len(calls) > 5


def test_the_memory_check_sees_a_leak_and_finds_scratchgrads_training_loop_flat():
    batches = batches_of(X, Y, 20)
    kept = []
    grown, _ = memory_growth(lambda X, Y: kept.append(X.copy()), batches, steps=200, warm_up=5)
    assert grown > 200 * X[:20].nbytes                  # a loop that keeps each batch grows
    step = trainers(init_params())["scratchgrad"][1]
    grown, peak = memory_growth(step, batches, steps=2_000)
    assert grown < 4_000, f"scratchgrad's training loop kept {grown} bytes over 2,000 steps"
    assert 0 < peak < 200_000
