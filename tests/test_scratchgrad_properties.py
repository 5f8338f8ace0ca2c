"""Property tests: random compositions of the table's operations, whole gradient vs autograd.

hypothesis draws a small program: a list of steps, each applying an operation of the
table (or a composition such as a softmax) to values computed so far (the inputs to
start with).  The program runs twice, once with
scratchgrad's numpy and once with autograd's, and the loss adds up every value it made,
so shared values, broadcasting, reductions and matrix products all meet in one graph.
The input numbers come from a seeded generator, so they never sit exactly on a kink of
abs or maximum.  The profile is derandomized: the same examples on every run.
"""
from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchgrad
import scratchgrad.numpy as snp

SHAPES = [(2, 3), (3,), (), (3, 1)]
CONSTANT = numpy.linspace(-1.0, 1.0, 6).reshape(2, 3)


def shape(v):
    return numpy.shape(v)


def broadcastable(a, b):
    try:
        numpy.broadcast_shapes(shape(a), shape(b))
        return True
    except ValueError:
        return False


def matmul_fits(a, b):
    sa, sb = shape(a), shape(b)
    return (1 <= len(sa) <= 2 and 1 <= len(sb) <= 2
            and sa[-1] == (sb[0] if len(sb) == 1 else sb[-2]))


UNARY = {
    "tanh": lambda np, a: np.tanh(a),
    "sin": lambda np, a: np.sin(a),
    "cos": lambda np, a: np.cos(a),
    "exp": lambda np, a: np.exp(np.tanh(a)),
    "log": lambda np, a: np.log(1.0 + a * a),
    "sqrt": lambda np, a: np.sqrt(1.0 + a ** 2),
    "abs": lambda np, a: np.abs(a),
    "negative": lambda np, a: -a,
    "square": lambda np, a: np.square(a) / 4.0,
    "transpose": lambda np, a: np.transpose(a),
    "sum": lambda np, a: np.sum(a, axis=0) if shape(a) else a,
    "mean": lambda np, a: np.mean(a, axis=-1, keepdims=True) if shape(a) else a,
    "mean_all": lambda np, a: np.mean(a),
    "reshape": lambda np, a: np.reshape(a, (-1,)),
    "index": lambda np, a: a[0] if shape(a) else a,
    "constant": lambda np, a: a * CONSTANT if broadcastable(a, CONSTANT) else 2.0 - a,
    "max": lambda np, a: np.max(a, axis=0) if shape(a) else a,
    "min_keepdims": lambda np, a: np.min(a, axis=-1, keepdims=True) if shape(a) else a,
    "max_all": lambda np, a: np.max(a),
    "clip": lambda np, a: np.clip(a, -0.5, 0.8),
    "expand_dims": lambda np, a: np.expand_dims(a, 0),
    "softmax": lambda np, a: (np.exp(a - np.max(a, axis=-1, keepdims=True))
                              / np.sum(np.exp(a - np.max(a, axis=-1, keepdims=True)),
                                       axis=-1, keepdims=True)) if shape(a) else a,
}
BINARY = {
    "add": lambda np, a, b: a + b,
    "subtract": lambda np, a, b: np.subtract(a, b),
    "multiply": lambda np, a, b: a * b,
    "divide": lambda np, a, b: a / (1.0 + b * b),
    "maximum": lambda np, a, b: np.maximum(a, b),
    "minimum": lambda np, a, b: np.minimum(a, b),
    "power": lambda np, a, b: (1.5 + np.tanh(a)) ** np.tanh(b),
    "logaddexp": lambda np, a, b: np.logaddexp(a, b),
    # autograd's where does not undo broadcasting: same shapes only
    "where": lambda np, a, b: np.where(a > b, a, 2.0 * b) if shape(a) == shape(b) else a - b,
    "concatenate": lambda np, a, b: (np.concatenate([a, b], axis=0)
                                     if shape(a)[1:] == shape(b)[1:] and shape(a) else a * b),
    "stack": lambda np, a, b: np.stack([a, b], axis=-1) if shape(a) == shape(b) else b - a,
}
MATRIX = {
    "matmul": lambda np, a, b: a @ b,
    "dot": lambda np, a, b: np.dot(a, b),
}
OPERATIONS = sorted(UNARY) + sorted(BINARY) + sorted(MATRIX)


def run(program, np, *inputs):
    """Apply the program's steps; the loss is a weighted sum of every value made."""
    pool = list(inputs)
    for name, i, j in program:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        if name in UNARY:
            pool.append(UNARY[name](np, a))
        elif name in BINARY and broadcastable(a, b):
            pool.append(BINARY[name](np, a, b))
        elif name in MATRIX and matmul_fits(a, b):
            pool.append(MATRIX[name](np, a, b))
        else:                           # the shapes do not fit: still use both
            pool.append(a + np.sum(b))
    return sum(np.sum(v) * (0.1 * k + 0.5) for k, v in enumerate(pool))


programs = st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 40),
                              st.integers(0, 40)), min_size=1, max_size=12)


@settings(max_examples=150, derandomize=True, deadline=None, database=None)
@given(program=programs, seed=st.integers(0, 2**32 - 1))
def test_random_compositions_have_the_same_gradient_as_autograd(program, seed):
    rng = numpy.random.default_rng(seed)
    inputs = [rng.normal(size=s) if s else float(rng.normal()) for s in SHAPES]
    everything = tuple(range(len(inputs)))
    ours = scratchgrad.value_and_grad(lambda *a: run(program, snp, *a), everything)(*inputs)
    theirs = autograd.value_and_grad(lambda *a: run(program, anp, *a), everything)(*inputs)
    numpy.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    for mine, reference, x in zip(ours[1], theirs[1], inputs, strict=True):
        assert numpy.shape(mine) == numpy.shape(x)
        numpy.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)


@settings(max_examples=30, derandomize=True, deadline=None, database=None)
@given(program=programs, seed=st.integers(0, 2**32 - 1))
def test_random_compositions_give_the_same_gradient_on_every_call(program, seed):
    rng = numpy.random.default_rng(seed)
    inputs = [rng.normal(size=s) if s else float(rng.normal()) for s in SHAPES]
    dfun = scratchgrad.grad(lambda *a: run(program, snp, *a), (0, 1, 2, 3))
    for first, second in zip(dfun(*inputs), dfun(*inputs), strict=True):
        numpy.testing.assert_array_equal(first, second)
