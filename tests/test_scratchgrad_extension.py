"""The public extension API: an attendee teaches scratchgrad an operation from outside it."""
from __future__ import annotations

import numpy
import pytest

from demystify.reference import numerical_gradient as central_differences
import scratchgrad
import scratchgrad.numpy as np
from scratchgrad import NotDifferentiable, defvjp, grad, primitive
from scratchgrad.core import PRIMITIVES, VJPS
from scratchgrad.vjps import vjp_makers

RNG = numpy.random.default_rng(5)


@pytest.fixture
def forget():
    """Functions given a VJP by a test are forgotten after it (the table is global)."""
    taught = []
    yield taught.append
    for fun in taught:
        VJPS.pop(fun, None)
        PRIMITIVES.pop(fun, None)




def test_primitive_and_defvjp_are_public_and_documented_with_an_example():
    assert {"primitive", "defvjp"} <= set(scratchgrad.__all__)
    assert "defvjp(numpy.arctan, lambda ans, x: lambda g: g / (1 + x**2))" in scratchgrad.__doc__


def test_one_defvjp_line_teaches_a_numpy_function_reached_either_way(forget):
    forget(numpy.arcsinh)
    x = RNG.normal(size=(2, 3))
    with pytest.raises(NotDifferentiable, match="numpy.arcsinh"):
        grad(lambda x: np.sum(np.arcsinh(x)))(x)
    defvjp(numpy.arcsinh, lambda ans, x: lambda g: g / np.sqrt(1 + x**2))
    expected = central_differences(lambda x: numpy.sum(numpy.arcsinh(x) * x), x)
    for f in (lambda x: np.sum(np.arcsinh(x) * x), lambda x: np.sum(numpy.arcsinh(x) * x)):
        numpy.testing.assert_allclose(grad(f)(x), expected, rtol=1e-6, atol=1e-9)


def test_a_function_of_ones_own_becomes_a_primitive_with_several_arguments(forget):
    def scaled_softplus(x, scale):
        return numpy.log1p(numpy.exp(scale * x)) / scale
    forget(scaled_softplus)
    softplus = defvjp(scaled_softplus,
                      lambda ans, x, scale: lambda g: g / (1 + numpy.exp(-scale * x)),
                      None)                                       # scale: no gradient
    assert softplus is primitive(scaled_softplus)
    assert softplus(0.0, 2.0) == pytest.approx(numpy.log(2) / 2)   # plain values: plain numpy
    x = RNG.normal(size=4)
    expected = central_differences(lambda x: numpy.sum(scaled_softplus(x, 3.0) ** 2), x)
    numpy.testing.assert_allclose(grad(lambda x: np.sum(softplus(x, 3.0) ** 2))(x), expected,
                                  rtol=1e-6)
    with pytest.raises(NotDifferentiable, match=r"scaled_softplus with respect to its argument 1"):
        grad(lambda s: np.sum(softplus(x, s)))(3.0)


def test_a_primitive_without_vjps_says_so_when_the_gradient_is_taken(forget):
    def cube(x):
        return x ** 3
    forget(cube)
    recorded = primitive(cube)
    with pytest.raises(NotDifferentiable, match=r"cannot differentiate cube: it has no VJP"):
        grad(lambda x: np.sum(recorded(x)))(numpy.ones(2))


def test_primitive_of_a_function_in_the_table_is_the_one_scratchgrad_numpy_uses():
    assert primitive(numpy.tanh) is np.tanh
    assert defvjp.__doc__ and primitive.__doc__


def test_vjp_makers_looks_up_the_table_as_notebook_14_writes_it():
    makers = vjp_makers(numpy.multiply)
    x, y, g = RNG.normal(size=(2, 3)), RNG.normal(size=3), RNG.normal(size=(2, 3))
    gx, gy = [make(x * y, x, y)(g) for make in makers]
    numpy.testing.assert_allclose(gx, g * y)
    numpy.testing.assert_allclose(gy, (g * x).sum(axis=0))
    (make_sum,) = vjp_makers(numpy.sum)
    assert make_sum(x.sum(axis=1), x, axis=1)(numpy.ones(2)).shape == (2, 3)
    with pytest.raises(NotDifferentiable, match="numpy.cumsum"):
        vjp_makers(numpy.cumsum)


RUN_DOCSTRING_EXAMPLES = """
import re, textwrap, numpy
import scratchgrad
from demystify.reference import init_params
rng = numpy.random.default_rng(0)
namespace = {"params": init_params(), "X": rng.normal(size=(5, 8)),
             "Y": numpy.eye(2)[[0, 1, 1, 0, 1]], "x": rng.normal(size=3)}
blocks = re.findall(r"::\\n\\n((?:    .*\\n|\\n)+)", scratchgrad.__doc__)
for block in blocks:
    exec(textwrap.dedent(block), namespace)
from scratchgrad import grad
import scratchgrad.numpy as np
Z, Y = rng.normal(size=(4, 3)) * 500, numpy.eye(3)[[0, 2, 1, 1]]
print(len(blocks), float(namespace["cross_entropy"](Z, Y)),
      grad(lambda x: np.sum(np.arctan(x)))(namespace["x"]).tolist(),
      (1 / (1 + namespace["x"] ** 2)).tolist(), sep="|")
"""


def test_the_package_docstring_examples_run_as_written():
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", RUN_DOCSTRING_EXAMPLES], capture_output=True,
                          text=True, check=True)
    count, loss, ours, expected = done.stdout.strip().split("|")
    assert int(count) == 3 and numpy.isfinite(float(loss))          # scores of size 500
    numpy.testing.assert_allclose(eval(ours), eval(expected), rtol=1e-12)


def test_autograds_way_primitive_first_then_defvjp_on_what_it_returned_works():
    import numpy

    import scratchgrad
    import scratchgrad.numpy as snp

    def sigmoid(x):
        return numpy.exp(-numpy.logaddexp(0.0, -x))   # 1 / (1 + exp(-x)), without overflow

    @scratchgrad.primitive
    def softplus(x):
        return numpy.logaddexp(0.0, x)

    scratchgrad.defvjp(softplus, lambda ans, x: lambda g: g * sigmoid(x))
    x = numpy.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    dx = scratchgrad.grad(lambda x: snp.sum(softplus(x)))(x)
    numpy.testing.assert_allclose(dx, sigmoid(x))
