"""The benchmark times correct code: its trainers agree with the hand-written backprop.

(The hand-written backprop itself, reference.numpy_gradient, is tested in test_reference.py.)
"""
from __future__ import annotations

import numpy

from demystify.bench import batches_of, cpu_seconds_per_call, memory_growth, trainers
from demystify.reference import SEED, init_params, numpy_gradient

RNG = numpy.random.default_rng(SEED)
X = RNG.normal(size=(40, 8))
Y = numpy.eye(2)[RNG.integers(0, 2, 40)]


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
