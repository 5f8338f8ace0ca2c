"""The cases adversarial testing found silently wrong, each now right or refused loudly.

Where autograd itself is wrong (a transpose with negative axes) the reference is central
finite differences.
"""
from __future__ import annotations

import warnings

import numpy
import pytest

from demystify.reference import numerical_gradient as central_differences
import scratchgrad.numpy as np
from scratchgrad import Node, NotDifferentiable, grad, value_and_grad
from scratchgrad.core import backward

RNG = numpy.random.default_rng(2024)




# --- grad inside grad, closing over the outer variable -------------------------------

@pytest.mark.parametrize("outer", [
    lambda x: x**2 + grad(lambda y: x * y)(1.0),          # truly 5.0 at x = 2; was 4.0
    lambda x: grad(lambda y: x * y * y)(1.0),             # truly 4.0; was 0 and a warning
    lambda x: grad(lambda y: np.sum((x * 2.0) * y))(numpy.ones(2)).sum() * x,   # a node of x
], ids=["sum-with-inner-grad", "inner-grad-only", "inner-grad-of-an-outer-node"])
def test_an_inner_grad_that_uses_an_outer_traced_value_is_refused_not_answered_wrongly(outer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")                    # and no misleading warning either
        with pytest.raises(NotDifferentiable, match=r"(?s)first derivatives only.*closes over"
                                                    r".*x\.value"):
            grad(outer)(2.0)


def test_an_inner_grad_of_plain_numbers_inside_a_grad_is_still_fine():
    inner = grad(lambda w: np.sum(w ** 2))

    def outer(x):
        return np.sum(np.tanh(x) * inner(numpy.array([1.0, 2.0])))
    x = numpy.array([0.3, -0.4])
    numpy.testing.assert_allclose(grad(outer)(x), (1 - numpy.tanh(x) ** 2) * [2.0, 4.0])


# --- transpose with negative axes -------------------------------------------------------

@pytest.mark.parametrize("axes", [(-1, 0, 1), (0, -1, -2), (-2, -3, -1), (2, 0, -2)])
def test_transpose_with_negative_axes_matches_finite_differences(axes):
    x = RNG.normal(size=(2, 3, 4))
    R = RNG.normal(size=numpy.transpose(x, axes).shape)
    ours = grad(lambda x: np.sum(np.transpose(x, axes) * R))(x)
    numerical = central_differences(lambda x: numpy.sum(numpy.transpose(x, axes) * R), x)
    assert ours.shape == x.shape
    numpy.testing.assert_allclose(ours, numerical, rtol=1e-6, atol=1e-8)
    method = grad(lambda x: np.sum(x.transpose(*axes) * R))(x)
    numpy.testing.assert_allclose(method, numerical, rtol=1e-6, atol=1e-8)


# --- a function that does not return one number ----------------------------------------

@pytest.mark.parametrize("returned, words", [
    (lambda x: (np.sum(x), np.max(x)), r"returned a tuple of 2 item\(s\).*Return the loss alone"),
    (lambda x: [np.sum(x)], r"returned a list of 1 item\(s\)"),
    (lambda x: {"loss": np.sum(x)}, r"returned a dict of 1 item\(s\)"),
    (lambda x: None, r"returned None.*forget a `return`"),
    (lambda x: x * 2.0, r"returned an array of shape \(3,\).*np.mean or np.sum"),
    (lambda x: numpy.ones(3), r"returned an array of shape \(3,\)"),
    (lambda x: "loss", r"returned a str"),
])
def test_a_function_that_does_not_return_one_number_is_refused_with_what_it_returned(
        returned, words):
    for gradient in (grad(returned), value_and_grad(returned)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")                # never the "does not depend" warning
            with pytest.raises(TypeError, match=rf"(?s)grad needs a function that returns a "
                                                rf"single number.*{words}"):
                gradient(numpy.array([1.0, 2.0, 3.0]))


def test_a_forgotten_return_inside_a_training_loop_stops_at_the_first_step():
    def loss(params):
        np.sum(params[0] ** 2)                            # no return
    params = [numpy.ones(2)]
    with pytest.raises(TypeError, match="returned None"):
        for _ in range(3):
            params = [p - 0.1 * g for p, g in zip(params, grad(loss)(params), strict=True)]


# --- keywords the VJP does not take ---------------------------------------------------------

@pytest.mark.parametrize("call, name, keyword", [
    ("np.sum(x, dtype=float)", "numpy.sum", "dtype"),
    ("np.sum(x, initial=1.0)", "numpy.sum", "initial"),
    ("np.sum(x, where=x > 0)", "numpy.sum", "where"),
    ("np.mean(x, axis=0, where=x > 0)", "numpy.mean", "where"),
    ("np.max(x, initial=0.0)", "numpy.max", "initial"),
    ("numpy.exp(x, dtype=float)", "numpy.exp", "dtype"),
    ("numpy.add(x, 1.0, where=x > 0)", "numpy.add", "where"),
    ("x.sum(dtype=float)", "numpy.sum", "dtype"),
    ("np.clip(x, min=0.0)", "numpy.clip", "min"),
    ("np.concatenate([x, x], dtype=float)", "numpy.concatenate", "dtype"),
])
def test_a_keyword_the_vjp_does_not_take_is_refused_naming_the_function_and_keyword(
        call, name, keyword):
    x = RNG.normal(size=(2, 3))
    with pytest.raises(NotDifferentiable) as error:
        grad(lambda x: np.sum(eval(call, {"np": np, "numpy": numpy}, {"x": x})))(x)
    message = str(error.value)
    assert message.startswith(f"scratchgrad cannot differentiate {name} with the keyword "
                              f"{keyword}=: its VJP in scratchgrad/vjps.py takes ")
    assert "unexpected keyword" not in message and "no VJP" not in message


def test_a_reduction_given_dtype_by_position_is_refused_not_read_as_keepdims():
    x = RNG.normal(size=(2, 3))
    with pytest.raises(NotDifferentiable, match=r"numpy.sum with dtype given by position"):
        grad(lambda x: np.sum(np.sum(x, 1, float)))(x)


@pytest.mark.parametrize("call", ["np.reshape(x, (3, 2), copy=True)", "np.reshape(x, (3, 2), 'F')",
                                  "np.reshape(x, shape=(6,))", "np.sum(x, 1)",
                                  "np.transpose(x, axes=(1, 0))", "x.reshape(3, 2, order='F')"])
def test_keywords_the_vjp_takes_give_the_right_gradient(call):
    x = RNG.normal(size=(2, 3))
    R = RNG.normal(size=eval(call, {"np": numpy}, {"x": x}).shape)
    ours = grad(lambda x: np.sum(eval(call, {"np": np}, {"x": x}) * R))(x)
    numerical = central_differences(lambda x: numpy.sum(eval(call, {"np": numpy}, {"x": x}) * R), x)
    numpy.testing.assert_allclose(ours, numerical, rtol=1e-6, atol=1e-8)


def test_writing_into_an_array_through_out_is_refused_as_in_place():
    x = RNG.normal(size=3)
    with pytest.raises(NotDifferentiable, match=r"in place.*out="):
        grad(lambda x: np.sum(np.exp(x, out=numpy.empty(3))))(x)
    with pytest.raises(NotDifferentiable, match=r"in place.*out="):
        grad(lambda x: np.sum(np.sum(x, out=numpy.empty(()))))(x)


# --- argnum and nodes made by hand ----------------------------------------------------------

@pytest.mark.parametrize("argnum", [(0, 0), [1, 0, 1]])
def test_an_argnum_that_names_a_position_twice_is_refused_saying_so(argnum):
    with pytest.raises(TypeError, match=r"names an argument more than once"):
        grad(lambda x, y: x * y, argnum)


@pytest.mark.parametrize("leaf_value", [2.0, 2, [2.0], numpy.float32(2.0)])
def test_a_node_of_a_plain_number_walks_back_by_hand(leaf_value):
    x = Node(leaf_value, name="x")
    y = x * x + 3.0 * x
    numpy.testing.assert_allclose(backward(y, 1.0)[x], numpy.array(leaf_value) * 2 + 3.0)
    numpy.testing.assert_allclose(backward(y)[x], numpy.array(leaf_value) * 2 + 3.0)
