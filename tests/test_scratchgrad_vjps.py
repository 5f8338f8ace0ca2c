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

from demystify.reference import numerical_gradient as central_differences
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


def numerical_gradient(f, args, i):
    """Central finite differences of the scalar f(*args) with respect to args[i] (a number or array)."""
    def along(x):
        moved = list(args)
        moved[i] = float(x) if numpy.ndim(args[i]) == 0 and not isinstance(args[i], numpy.ndarray) else x
        return f(*moved)
    return central_differences(along, args[i])


def check_gradients(build, args, rtol=1e-5, atol=1e-7, autograd_build=None, autograd_too=True):
    """Compare scratchgrad's gradient of sum(build(np)(*args) * R) with autograd and FD.

    build(np) returns the function of args written with the numpy module np;
    autograd_build, if given, is the same function in a form autograd supports;
    autograd_too=False where autograd's own gradient is wrong (finite differences only).
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
    theirs = autograd.grad(weighted(anp), positions)(*args) if autograd_too else ours
    for i, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
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
    "logaddexp": dict(),
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
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
def test_sum_and_mean_vjps_match_for_every_axis_and_keepdims(name, shape, axis, keepdims):
    rng = numpy.random.default_rng(13)
    x = sample(shape, rng) if shape else numpy.array(0.7)
    check_gradients(lambda np: lambda x: getattr(np, name)(x, axis=axis, keepdims=keepdims), (x,))


@pytest.mark.parametrize("call", ["x.sum()", "x.sum(axis=0)", "x.mean(axis=1, keepdims=True)",
                                  "x.mean()", "np.sum(x, 1)", "numpy.sum(x, axis=0)",
                                  "numpy.mean(x, axis=1, keepdims=True)", "x.max()",
                                  "x.max(axis=0)", "x.min(1, keepdims=True)", "x.min(axis=-1)",
                                  "np.max(x, 0)", "numpy.max(x, axis=1)",
                                  "numpy.min(x, axis=0, keepdims=True)", "np.amax(x, axis=1)",
                                  "numpy.amin(x)"])
def test_reductions_as_methods_and_through_plain_numpy(call):
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
            scratchgrad.grad(lambda x, y=y: snp.sum(snp.dot(x, y)))(x)


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


# --- the operations a classifier needs ------------------------------------------------------

@pytest.mark.parametrize("x, axis, keepdims", [
    ([1.0, 3.0, 3.0], None, False), ([[2.0, 2.0, 1.0], [0.0, 5.0, 5.0]], 1, False),
    ([[2.0, 2.0, 1.0], [2.0, 5.0, 5.0]], 0, True), ([[4.0, 4.0], [4.0, 4.0]], None, True)])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_share_the_gradient_among_ties_as_autograd_does(name, x, axis, keepdims):
    x = numpy.array(x) if name == "max" else -numpy.array(x)
    R = numpy.random.default_rng(1).normal(size=numpy.shape(numpy.max(x, axis, keepdims=keepdims)))
    ours = scratchgrad.grad(lambda x: snp.sum(getattr(snp, name)(x, axis, keepdims=keepdims) * R))(x)
    theirs = autograd.grad(lambda x: anp.sum(getattr(anp, name)(x, axis, keepdims=keepdims) * R))(x)
    numpy.testing.assert_allclose(ours, theirs, rtol=1e-12)
    chosen = x == getattr(numpy, name)(x, axis, keepdims=True)
    numpy.testing.assert_allclose(ours.sum(axis=axis, keepdims=keepdims), R)   # shared, not lost
    assert not ours[~chosen].any()


CONDITION_SHAPES = [((2, 3), (2, 3), (2, 3)), ((2, 3), (), (2, 3)), ((2, 3), (3,), ()),
                    ((3,), (2, 3), (2, 1)), ((2, 1), (1, 3), (3,))]


@pytest.mark.parametrize("shapes", CONDITION_SHAPES, ids=shapes_id)
def test_where_passes_the_gradient_to_the_chosen_side_for_every_broadcast(shapes):
    rng = numpy.random.default_rng(37)
    c = rng.uniform(size=shapes[0]) > 0.5
    x, y = sample(shapes[1], rng), sample(shapes[2], rng)
    same = shapes[1] == shapes[2] == numpy.broadcast_shapes(*shapes)
    # autograd's where does not undo broadcasting: only finite differences then
    check_gradients(lambda np: lambda x, y: np.where(c, x, y), (x, y), autograd_too=same)


def test_where_with_a_traced_condition_is_refused_loudly():
    x = numpy.array([0.5, -1.0])
    with pytest.raises(scratchgrad.NotDifferentiable, match=r"numpy.where with respect to its "
                                                           r"argument 0"):
        scratchgrad.grad(lambda x: snp.sum(snp.where(x, 1.0, 2.0) * x))(x)


@pytest.mark.parametrize("bounds", [(-0.5, 0.7), (None, 0.3), (-0.2, None),
                                    ("array", "array"), ("array", None)])
@pytest.mark.parametrize("shape", [(2, 3), (3,), ()], ids=lambda s: "x".join(map(str, s)) or "scalar")
def test_clip_passes_the_gradient_only_where_x_was_not_clipped(shape, bounds):
    rng = numpy.random.default_rng(41)
    x = sample(shape, rng)
    lo, hi = [rng.uniform(-1.0, 1.0, shape) - 0.9 * k if b == "array" else b
              for k, b in zip((1, -1), bounds, strict=True)]
    check_gradients(lambda np: lambda x: np.clip(x, lo, hi), (x,))
    if shape:                                       # the method, on arrays
        check_gradients(lambda np: lambda x: x.clip(lo, hi), (x,),
                        autograd_build=lambda np: lambda x: np.clip(x, lo, hi))


def test_clip_differentiates_traced_bounds_too():
    rng = numpy.random.default_rng(43)
    x, lo, hi = rng.normal(size=(2, 3)), rng.uniform(-1, -0.1, 3), rng.uniform(0.1, 1, (2, 1))
    check_gradients(lambda np: np.clip, (x, lo, hi), autograd_too=False)


@pytest.mark.parametrize("shapes, axis", [(((2, 3), (1, 3)), 0), (((2, 3), (2, 1), (2, 2)), 1),
                                          (((2, 3), (2, 4)), -1), (((2, 3), (4,)), None),
                                          (((3,), (2,), (1,)), 0)])
def test_concatenate_hands_each_array_its_part_of_the_gradient(shapes, axis):
    rng = numpy.random.default_rng(47)
    arrays = tuple(rng.normal(size=s) for s in shapes)
    fair = axis is not None                         # autograd fails on axis=None
    check_gradients(lambda np: lambda *xs: np.concatenate(xs, axis=axis), arrays,
                    autograd_too=fair)
    check_gradients(lambda np: lambda *xs: np.concatenate([xs[0], numpy.ones(shapes[0]) * 2.0,
                                                           *xs[1:]], axis), arrays,
                    autograd_too=fair)
    # through plain numpy (numpy.concatenate hands traced values to scratchgrad)
    check_gradients(lambda np: lambda *xs: numpy.concatenate(list(xs), axis) if np is snp
                    else np.concatenate(list(xs), axis), arrays, autograd_too=fair)


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_stack_hands_each_array_its_slice_of_the_gradient(axis):
    rng = numpy.random.default_rng(53)
    arrays = tuple(rng.normal(size=(2, 3)) for _ in range(3))
    check_gradients(lambda np: lambda *xs: np.stack(xs, axis), arrays)
    check_gradients(lambda np: lambda a, b, c: numpy.stack([a, b, c], axis=axis) if np is snp
                    else np.stack([a, b, c], axis=axis), arrays)


@pytest.mark.parametrize("axis", [0, 1, -1, (0, 2)])
def test_expand_dims_puts_the_gradient_back_in_the_original_shape(axis):
    x = numpy.random.default_rng(59).normal(size=(2, 3))
    check_gradients(lambda np: lambda x: np.expand_dims(x, axis), (x,))


def softmax_cross_entropy(np):
    """The usual stable log-softmax cross-entropy: subtract the row maximum first."""
    def loss(Z, Y):
        shifted = Z - np.max(Z, axis=1, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return -np.mean(np.sum(Y * log_p, axis=1))
    return loss


def test_a_stable_softmax_cross_entropy_is_written_the_usual_way_even_for_huge_scores():
    rng = numpy.random.default_rng(61)
    Z = rng.normal(size=(5, 3)) * 3.0 + numpy.array([[1000.0], [-1000.0], [0.0], [700.0], [5.0]])
    Y = numpy.eye(3)[[0, 2, 1, 1, 0]]
    value, ours = scratchgrad.value_and_grad(softmax_cross_entropy(snp))(Z, Y)
    assert numpy.isfinite(value) and numpy.isfinite(ours).all()
    numpy.testing.assert_allclose(ours, autograd.grad(softmax_cross_entropy(anp))(Z, Y), rtol=1e-12)
    shifted = Z - Z.max(axis=1, keepdims=True)
    softmax = numpy.exp(shifted) / numpy.exp(shifted).sum(axis=1, keepdims=True)
    numpy.testing.assert_allclose(ours, (softmax - Y) / len(Z), rtol=1e-10, atol=1e-15)
    numerical = numerical_gradient(lambda Z, Y: softmax_cross_entropy(numpy)(Z, Y), (Z, Y), 0)
    numpy.testing.assert_allclose(ours, numerical, rtol=1e-5, atol=1e-8)


def test_logaddexp_and_a_two_class_cross_entropy_stay_finite_for_huge_scores():
    z = numpy.array([800.0, -800.0, 0.5])
    y = numpy.array([1.0, 0.0, 1.0])

    def bce(np):            # -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), stably
        return lambda z: np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))
    ours = scratchgrad.grad(bce(snp))(z)
    assert numpy.isfinite(ours).all()
    numpy.testing.assert_allclose(ours, autograd.grad(bce(anp))(z), rtol=1e-12)
