"""Every line of scratchgrad's VJP table, against autograd and central finite differences.

Each test differentiates ``sum(f(x, y) * R)`` with respect to every argument, where R is
a fixed random array: the upstream gradient of ``f`` is then R, not ones, so a VJP that
ignores or misplaces its ``g`` fails.  Binary operations are tried on every pair of
shapes that broadcast among scalar, (3,), (3, 1), (1, 3) and (2, 3).
"""
from __future__ import annotations

import itertools

import autograd
import autograd.numpy as anp
import numpy
import pytest

import scratchgrad
import scratchgrad.numpy as snp

SHAPES = [(), (3,), (3, 1), (1, 3), (2, 3)]


def broadcasts(a, b):
    try:
        numpy.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


PAIRS = [(a, b) for a, b in itertools.product(SHAPES, SHAPES) if broadcasts(a, b)]


def sample(shape, rng, low=-2.0, high=2.0, away_from_zero=False):
    """A float array of ``shape`` (a Python float for shape ()), entries in [low, high]."""
    x = rng.uniform(low, high, shape)
    if away_from_zero:
        x = numpy.where(numpy.abs(x) < 0.3, 0.3 + numpy.abs(x), x)
    return float(x) if shape == () else x


def numerical_gradient(f, args, i, h=1e-6):
    """Central finite differences of the scalar f(*args) with respect to args[i]."""
    x = numpy.array(args[i], dtype=float)
    g = numpy.zeros_like(x)
    for index in numpy.ndindex(x.shape):
        for sign in (+1, -1):
            shifted = x.copy()
            shifted[index] += sign * h
            moved = list(args)
            moved[i] = float(shifted) if numpy.ndim(args[i]) == 0 and not isinstance(
                args[i], numpy.ndarray) else shifted
            g[index] += sign * f(*moved) / (2 * h)
    return g


def check_gradients(build, args, rtol=1e-5, atol=1e-7, autograd_build=None):
    """Compare scratchgrad's gradient of sum(build(np)(*args) * R) with autograd and FD.

    build(np) returns the function of args written with the numpy module np;
    autograd_build, if given, is the same function in a form autograd supports.
    """
    rng = numpy.random.default_rng(7)
    out_shape = numpy.shape(build(numpy)(*args))
    R = rng.normal(size=out_shape)

    def weighted(np):
        return lambda *a: np.sum(build(np)(*a) * R)

    positions = tuple(range(len(args)))
    ours = scratchgrad.grad(weighted(snp), positions)(*args)
    if autograd_build is not None:
        build = autograd_build
    theirs = autograd.grad(weighted(anp), positions)(*args)
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        assert numpy.shape(mine) == numpy.shape(args[i]), f"argument {i}: wrong shape"
        numpy.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12,
                                      err_msg=f"argument {i} differs from autograd")
        numerical = numerical_gradient(weighted(numpy), args, i)
        numpy.testing.assert_allclose(mine, numerical, rtol=rtol, atol=atol,
                                      err_msg=f"argument {i} differs from finite differences")


def shapes_id(pair):
    return "-".join("x".join(map(str, s)) or "scalar" for s in pair)


# --- binary operations, every broadcast pair, both arguments -----------------------------

BINARY = {
    "add": dict(),
    "subtract": dict(),
    "multiply": dict(),
    "divide": dict(y=dict(low=0.5, high=2.0)),
    "power": dict(x=dict(low=0.5, high=2.0)),
    "maximum": dict(),
    "minimum": dict(),
}


@pytest.mark.parametrize("shapes", PAIRS, ids=shapes_id)
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_vjps_match_autograd_and_finite_differences_for_every_broadcast_pair(name, shapes):
    rng = numpy.random.default_rng(abs(hash((name, shapes))) % 2**32)
    ranges = BINARY[name]
    x = sample(shapes[0], rng, **ranges.get("x", {}))
    y = sample(shapes[1], rng, **ranges.get("y", {}))
    check_gradients(lambda np: getattr(np, name), (x, y))


OPERATORS = {
    "x + y": lambda x, y: x + y, "x - y": lambda x, y: x - y, "x * y": lambda x, y: x * y,
    "x / y": lambda x, y: x / y, "x ** y": lambda x, y: x ** y, "-x * y": lambda x, y: -x * y,
}


@pytest.mark.parametrize("shapes", [((2, 3), (3,)), ((3, 1), (1, 3)), ((), (2, 3))],
                         ids=shapes_id)
@pytest.mark.parametrize("expression", list(OPERATORS))
def test_operators_on_traced_values_match_autograd_and_finite_differences(expression, shapes):
    rng = numpy.random.default_rng(3)
    x, y = sample(shapes[0], rng, 0.5, 2.0), sample(shapes[1], rng, 0.5, 2.0)
    check_gradients(lambda np: OPERATORS[expression], (x, y))


@pytest.mark.parametrize("expression", ["2.0 + x", "2.0 - x", "3.0 * x", "1.5 / x", "2.0 ** x",
                                        "C + x", "C - x", "C * x", "C / x", "C ** x", "C @ W",
                                        "x + C", "x - C", "x * C", "x / C", "x ** 3", "x ** 0.5",
                                        "x ** C", "W.T @ C.T", "abs(x - 1)", "+x"])
def test_plain_numbers_and_arrays_mix_with_traced_values_on_either_side(expression):
    rng = numpy.random.default_rng(5)
    C = rng.uniform(0.5, 2.0, (2, 3))
    x, W = rng.uniform(0.5, 2.0, (2, 3)), rng.uniform(-1, 1, (3, 4))

    def build(text):
        return lambda np: lambda x, W: eval(text, {"C": C}, {"x": x, "W": W}) + 0 * np.sum(W)
    # autograd has no unary plus
    check_gradients(build(expression), (x, W), autograd_build=build(expression.lstrip("+")))


# --- elementwise functions of one argument, every shape ----------------------------------

UNARY = {
    "exp": dict(), "log": dict(low=0.2, high=3.0), "tanh": dict(), "sin": dict(), "cos": dict(),
    "sqrt": dict(low=0.2, high=3.0), "abs": dict(away_from_zero=True),
    "absolute": dict(away_from_zero=True), "negative": dict(), "square": dict(),
}


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)) or "scalar")
@pytest.mark.parametrize("name", list(UNARY))
def test_unary_vjps_match_autograd_and_finite_differences_for_every_shape(name, shape):
    rng = numpy.random.default_rng(11)
    check_gradients(lambda np: getattr(np, name), (sample(shape, rng, **UNARY[name]),))


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sin", "cos", "sqrt", "absolute",
                                  "negative", "square", "add", "multiply", "matmul", "maximum"])
def test_plain_numpy_ufuncs_on_traced_values_are_recorded_too(name):
    """numpy.tanh(node) goes through Node.__array_ufunc__ to the table: same gradient."""
    rng = numpy.random.default_rng(2)
    ufunc = getattr(numpy, name)
    args = (rng.uniform(0.5, 2.0, (3, 3)),) * ufunc.nin
    ours = scratchgrad.grad(lambda x: snp.sum(ufunc(*(x,) * ufunc.nin) * args[0]))(args[0])
    theirs = autograd.grad(lambda x: anp.sum(getattr(anp, name)(*(x,) * ufunc.nin) * args[0]))(args[0])
    numpy.testing.assert_allclose(ours, theirs, rtol=1e-12)


# --- reductions with axis and keepdims ----------------------------------------------------

REDUCTIONS = [((2, 3), None, False), ((2, 3), 0, False), ((2, 3), 1, False), ((2, 3), -1, True),
              ((2, 3), 0, True), ((2, 3), (0, 1), False), ((2, 3), (0, 1), True),
              ((3,), None, False), ((3,), 0, True), ((), None, False), ((2, 3, 4), (0, 2), False),
              ((2, 3, 4), 1, True)]


@pytest.mark.parametrize("shape, axis, keepdims", REDUCTIONS)
@pytest.mark.parametrize("name", ["sum", "mean"])
def test_sum_and_mean_vjps_match_for_every_axis_and_keepdims(name, shape, axis, keepdims):
    rng = numpy.random.default_rng(13)
    x = sample(shape, rng) if shape else numpy.array(0.7)
    check_gradients(lambda np: lambda x: getattr(np, name)(x, axis=axis, keepdims=keepdims), (x,))


@pytest.mark.parametrize("call", ["x.sum()", "x.sum(axis=0)", "x.mean(axis=1, keepdims=True)",
                                  "x.mean()", "np.sum(x, 1)", "numpy.sum(x, axis=0)",
                                  "numpy.mean(x, axis=1, keepdims=True)"])
def test_sum_and_mean_as_methods_and_through_plain_numpy(call):
    rng = numpy.random.default_rng(17)
    x = rng.normal(size=(2, 3))
    check_gradients(lambda np: lambda x: eval(call, {"np": np, "numpy": numpy if np is not anp
                                                     else anp}, {"x": x}), (x,))


# --- shape operations, matrix products, indexing -------------------------------------------

@pytest.mark.parametrize("call", ["x.T", "np.transpose(x)", "x.transpose()",
                                  "np.transpose(y, (1, 0, 2))", "np.transpose(y, (2, 0, 1))",
                                  "y.transpose(1, 2, 0)", "np.reshape(x, (3, 2))",
                                  "x.reshape(6)", "x.reshape(-1, 2)", "x.reshape((1, 6))",
                                  "np.reshape(y, (4, -1))"])
def test_transpose_and_reshape_vjps_put_gradients_back_in_place(call):
    rng = numpy.random.default_rng(19)
    x, y = rng.normal(size=(2, 3)), rng.normal(size=(2, 3, 4))

    def build(text):
        return lambda np: lambda x, y: (eval(text, {"np": np}, {"x": x, "y": y})
                                        + 0 * np.sum(x) + 0 * np.sum(y))
    # autograd's transpose method takes the axes as one tuple only
    check_gradients(build(call), (x, y),
                    autograd_build=build(call.replace("transpose(1, 2, 0)", "transpose((1, 2, 0))")))


MATMUL_SHAPES = [((2, 3), (3, 4)), ((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,)),
                 ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3,))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=shapes_id)
def test_matmul_vjps_match_for_matrices_vectors_and_stacks(shapes):
    rng = numpy.random.default_rng(23)
    check_gradients(lambda np: np.matmul, (rng.normal(size=shapes[0]), rng.normal(size=shapes[1])))
    check_gradients(lambda np: lambda x, y: x @ y,
                    (rng.normal(size=shapes[0]), rng.normal(size=shapes[1])))


@pytest.mark.parametrize("shapes", MATMUL_SHAPES[:4], ids=shapes_id)
def test_dot_vjps_match_for_vectors_and_matrices(shapes):
    rng = numpy.random.default_rng(29)
    args = (rng.normal(size=shapes[0]), rng.normal(size=shapes[1]))
    check_gradients(lambda np: np.dot, args)
    # autograd's boxes have no .dot method
    check_gradients(lambda np: lambda x, y: x.dot(y), args, autograd_build=lambda np: np.dot)


@pytest.mark.parametrize("index", ["x[0]", "x[:, 1]", "x[1:, ::2]", "x[[0, 0, 1]]",
                                   "x[numpy.array([1, 0, 1]), numpy.array([2, 2, 0])]",
                                   "x[x > 0]", "x[..., None]", "x[-1, -1]"])
def test_indexing_vjp_puts_gradients_back_and_adds_repeated_indices(index):
    rng = numpy.random.default_rng(31)
    x = rng.normal(size=(2, 3))
    check_gradients(lambda np: lambda x: eval(index, {"numpy": numpy}, {"x": x}), (x,))


# --- the edges of the table ----------------------------------------------------------------

def test_maximum_splits_the_gradient_evenly_at_ties_as_finite_differences_do():
    x = numpy.array([-1.0, 0.0, 2.0])
    check_gradients(lambda np: lambda x: np.maximum(x, 0.0), (x,))
    g = scratchgrad.grad(lambda x: snp.sum(snp.maximum(x, 0.0)))(x)
    numpy.testing.assert_array_equal(g, [0.0, 0.5, 1.0])


def test_power_with_exponent_zero_has_zero_gradient_even_at_zero():
    x = numpy.array([0.0, 1.5])
    g = scratchgrad.grad(lambda x: snp.sum(x ** 0))(x)
    numpy.testing.assert_array_equal(g, [0.0, 0.0])
    numpy.testing.assert_array_equal(scratchgrad.grad(lambda x: snp.sum(x ** 2))(x), 2 * x)


def test_dot_of_a_number_or_of_3d_arrays_fails_loudly_instead_of_a_wrong_gradient():
    for x, y in [(2.0, numpy.ones(3)), (numpy.ones((2, 2, 2)), numpy.ones((2, 2)))]:
        with pytest.raises(scratchgrad.NotDifferentiable, match="numpy.dot"):
            scratchgrad.grad(lambda x: snp.sum(snp.dot(x, y)))(x)


def test_unbroadcast_sums_added_and_stretched_axes_back_to_the_input_shape():
    from scratchgrad.vjps import unbroadcast
    g = numpy.arange(24.0).reshape(2, 3, 4)
    numpy.testing.assert_array_equal(unbroadcast(g, numpy.zeros(4)), g.sum(axis=(0, 1)))
    numpy.testing.assert_array_equal(unbroadcast(g, numpy.zeros((3, 1))),
                                     g.sum(axis=(0, 2))[:, None])
    numpy.testing.assert_array_equal(unbroadcast(g, numpy.zeros((1, 1, 4))),
                                     g.sum(axis=(0, 1), keepdims=True))
    assert unbroadcast(g, numpy.float64(1.0)) == g.sum()
    assert unbroadcast(g, g) is g
