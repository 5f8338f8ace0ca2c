"""The self-checks of notebook 08 pass the right derivatives and name the usual wrong ones."""
import math

import autograd.numpy as anp
import pytest
from autograd import elementwise_grad, grad

from demystify.checks.autograd_basics import (
    check_central_difference, check_derivative, check_function_h, check_grad_argnum, check_partial)
from failures import failure


# --- the functions of the exercise, written the way an attendee would ----------

def h(x):
    return anp.log(2 + x) + anp.cos(x) ** 2


def dh(x):
    return 1 / (2 + x) - 2 * anp.cos(x) * anp.sin(x)


def gauss(x):
    return anp.exp(-x ** 2)


def f(x, y):
    return x ** 2 * y + anp.sin(y)


# --- one variable -----------------------------------------------------------------

def test_correct_derivatives_pass(capsys):
    check_derivative(anp.tanh, lambda x: 1 - anp.tanh(x) ** 2)
    check_derivative(gauss, lambda x: -2 * x * anp.exp(-x ** 2))
    check_derivative(h, dh)
    check_derivative(anp.sin, anp.cos)  # any function, not only those of the exercise
    assert capsys.readouterr().out.count("✓") == 4


def test_a_lambda_is_named_df_not_lambda(capsys):
    check_derivative(gauss, lambda x: -2 * x * anp.exp(-x ** 2))
    assert capsys.readouterr().out.startswith("✓ df matches autograd")


@pytest.mark.parametrize("right", [
    lambda x: 1 / anp.cosh(x) ** 2,
    lambda x: 1 - anp.tanh(x) * anp.tanh(x),
    lambda x: (1 - anp.tanh(x)) * (1 + anp.tanh(x)),
    lambda x: 4 / (anp.exp(x) + anp.exp(-x)) ** 2,
    lambda x: 1 - anp.tanh(x) ** 2 + 0 * x,
], ids=["sech squared", "tanh times tanh", "difference of squares", "exponentials", "plus 0 x"])
def test_every_formula_of_the_derivative_of_tanh_passes(right):
    check_derivative(anp.tanh, right)


def test_derivative_written_with_math_works_on_one_number_only_and_is_told_why_it_must_not():
    text = failure(check_derivative, gauss, lambda x: -2 * x * math.exp(-x ** 2))
    assert "raised TypeError" in text and "whole array of x at once" in text and "not math" in text


def test_a_derivative_that_changes_its_array_in_place_is_told_and_leaves_the_check_intact(capsys):
    def d_tanh(x):
        x *= 2                      # right values for the x it got, but it writes into the caller's x
        return 1 - anp.tanh(x / 2) ** 2
    text = failure(check_derivative, anp.tanh, d_tanh)
    assert "changed the array x it was given" in text and "`x = 2 * x`" in text
    check_derivative(anp.tanh, lambda x: 1 - anp.tanh(x) ** 2)     # the next answer is judged as usual
    check_function_h(h)
    assert capsys.readouterr().out.count("✓") == 2


@pytest.mark.parametrize("wrong, where", [
    (lambda x: anp.log(x - 2) + anp.cos(x) ** 2, "h(x) is nan at x = -1.5"),
    (lambda x: anp.log(2 + x) + anp.cos(x) ** 2 / (x - x), "h(x) is "),
], ids=["log of a negative number", "division by zero"])
def test_an_h_that_is_undefined_somewhere_is_told_where_not_that_numbers_and_arrays_differ(wrong, where):
    wrong.__name__ = "h"
    text = failure(check_function_h, wrong)
    assert text.startswith(f"✗ {where}") and "log or a square root of a negative number" in text
    assert "inside an array" not in text


@pytest.mark.parametrize("wrong, words", [
    (lambda x: (1 - anp.tanh(x) ** 2)[:, None], "returned shape (41, 1); expected (41,)"),
    (lambda x: anp.stack([x, x]), "returned shape (2, 41); expected (41,)"),
    (lambda x: anp.sum(1 - anp.tanh(x) ** 2), "returned shape (); expected (41,)"),
    (lambda x: [1 - math.tanh(v) ** 2 for v in x], "TypeError"),
    (lambda x: anp.array([1.0]) * (1 - anp.tanh(x) ** 2) if anp.ndim(x) else anp.array([0.5]),
     "returned an array of shape (1,); expected one number"),
], ids=["a column", "two rows", "a sum", "a list for arrays only", "an array for a number"])
def test_a_derivative_of_the_wrong_shape_is_named_without_a_numpy_error(wrong, words):
    assert words in failure(check_derivative, anp.tanh, wrong)


def test_a_derivative_that_differs_for_a_number_and_an_array_is_named():
    def inconsistent(x):
        return 1 - anp.tanh(x) ** 2 if anp.ndim(x) else 0.5
    assert "for the number x" in failure(check_derivative, anp.tanh, inconsistent)


def test_tanh_of_tanh_is_named():
    text = failure(check_derivative, anp.tanh, lambda x: 1 - anp.tanh(anp.tanh(x)))
    assert "applies tanh twice" in text


def test_tanh_of_x_squared_is_named():
    text = failure(check_derivative, anp.tanh, lambda x: 1 - anp.tanh(x ** 2))
    assert "np.tanh(x**2) squares x instead" in text


def test_tanh_sign_slip_is_named():
    assert "Check the sign" in failure(check_derivative, anp.tanh, lambda x: 1 + anp.tanh(x) ** 2)


def test_missing_chain_rule_factor_is_named():
    text = failure(check_derivative, gauss, lambda x: anp.exp(-x ** 2))
    assert "chain-rule factor is missing" in text


def test_flipped_sign_of_any_derivative_is_named():
    text = failure(check_derivative, gauss, lambda x: 2 * x * anp.exp(-x ** 2))
    assert "wrong sign" in text


def test_function_h_with_cos_of_cos_is_named():
    text = failure(check_function_h, lambda x: anp.log(2 + x) + anp.cos(anp.cos(x)))
    assert "np.cos(x)**2" in text and "cosine of the cosine" in text


def test_derivative_check_refuses_the_cos_of_cos_function():
    text = failure(check_derivative, lambda x: anp.log(2 + x) + anp.cos(anp.cos(x)),
                   lambda x: 1 / (2 + x) + anp.sin(anp.cos(x)) * anp.sin(x))
    assert "not the function of the exercise" in text and "cosine of the cosine" in text


def test_function_h_passes_and_other_slips_are_named(capsys):
    check_function_h(h)
    assert "✓ h(x)" in capsys.readouterr().out
    assert "np.cos(x**2) squares x" in failure(check_function_h, lambda x: anp.log(2 + x) + anp.cos(x ** 2))
    assert "np.log, not np.log10" in failure(check_function_h, lambda x: anp.log10(2 + x) + anp.cos(x) ** 2)


@pytest.mark.parametrize("wrong, words", [
    (lambda x: 1 / (2 + x) + anp.sin(anp.cos(x)) * anp.sin(x), "derivative of cos(cos(x))"),
    (lambda x: 1 / (2 + x) + 2 * anp.cos(x), "chain-rule factor is missing"),
    (lambda x: 1 / (2 + x) + 2 * anp.cos(x) * anp.sin(x), "Check the sign of the second term"),
    (lambda x: 1 / x - 2 * anp.cos(x) * anp.sin(x), "not 1 / x"),
    (lambda x: 1 / (2 + x) - 2 * anp.sin(x), "2 cos(x) of the outside square is missing"),
], ids=["cos-of-cos", "chain-factor", "sign", "log-inside", "outer-factor"])
def test_usual_slips_in_the_derivative_of_h_are_named(wrong, words):
    assert words in failure(check_derivative, h, wrong)


def test_returning_the_function_instead_of_its_derivative_is_named():
    assert "returns h itself" in failure(check_derivative, h, h)


def test_forgotten_return_is_named():
    def dh_no_return(x):
        1 / (2 + x) - 2 * anp.cos(x) * anp.sin(x)
    assert "forget to `return`" in failure(check_derivative, h, dh_no_return)


def test_function_written_with_plain_math_is_told_to_use_np():
    text = failure(check_derivative, lambda x: math.log(2 + x) + math.cos(x) ** 2, dh)
    assert "whole array of x at once" in text and "not math" in text


def test_function_that_works_on_arrays_but_cannot_be_traced_says_why():
    import numpy
    text = failure(check_derivative, numpy.vectorize(lambda x: math.log(2 + x)), dh)
    assert "autograd could not differentiate" in text and "autograd.numpy" in text


def test_other_wrong_values_are_located():
    text = failure(check_derivative, anp.sin, lambda x: anp.cos(x) + (x > 2.5))
    assert "different values: at index" in text and "(Hint 1 below the exercise" in text


# --- two variables ----------------------------------------------------------------

def test_correct_partials_pass(capsys):
    check_partial(f, lambda x, y: 2 * x * y, argnum=0)
    check_partial(f, lambda x, y: x ** 2 + anp.cos(y), argnum=1)
    assert capsys.readouterr().out.count("✓") == 2


def test_partial_with_respect_to_the_other_variable_is_named():
    assert "That is ∂f/∂y" in failure(check_partial, f, lambda x, y: x ** 2 + anp.cos(y), argnum=0)
    assert "That is ∂f/∂x" in failure(check_partial, f, lambda x, y: 2 * x * y, argnum=1)


@pytest.mark.parametrize("argnum, wrong, words", [
    (0, lambda x, y: 2 * x * y + anp.cos(y), "sin(y) does not change when x changes"),
    (0, lambda x, y: 2 * x, "a constant factor stays"),
    (1, lambda x, y: x ** 2, "that term is missing"),
    (1, lambda x, y: x ** 2 - anp.cos(y), "Check the sign"),
    (0, lambda x, y: 2 * x * y + x ** 2 + anp.cos(y), "a partial derivative follows one variable"),
])
def test_usual_slips_in_partial_derivatives_are_named(argnum, wrong, words):
    assert words in failure(check_partial, f, wrong, argnum=argnum)


def test_partial_that_takes_one_argument_says_how_to_call_it():
    text = failure(check_partial, f, lambda x: 2 * x, argnum=0)
    assert text.startswith("✗ df_dx cannot be called as df_dx(x, y)") and "It takes x, y" in text


# --- grad with argnum ---------------------------------------------------------------

def test_grad_with_the_right_argnum_passes(capsys):
    check_grad_argnum(f, grad(f, argnum=1), argnum=1)
    check_grad_argnum(f, grad(f), argnum=0)
    assert capsys.readouterr().out.count("✓") == 2


def test_default_argnum_is_named_when_y_was_wanted():
    text = failure(check_grad_argnum, f, grad(f), argnum=1)
    assert "argnum counts the arguments from 0" in text and "y is argnum=1" in text


def test_argnum_tuple_is_named():
    assert "argnum=(0, 1) asks for both" in failure(check_grad_argnum, f, grad(f, argnum=(0, 1)), argnum=1)


def test_a_formula_by_hand_in_place_of_autograds_gradient_is_refused():
    def df_dy(x, y):
        return x ** 2 + anp.cos(y)
    text = failure(check_grad_argnum, f, df_dy, argnum=1)
    assert "not autograd's" in text and "grad(f, argnum=...)" in text and "Hint 1" in text


@pytest.mark.parametrize("right", [
    grad(f, 1), lambda x, y: grad(f, argnum=1)(x, y), elementwise_grad(f, 1)],
    ids=["positional argnum", "a lambda around grad", "elementwise_grad"])
def test_every_way_of_asking_autograd_passes(right):
    check_grad_argnum(f, right, argnum=1)


def test_argnum_counted_from_1_is_told_to_count_from_0():
    text = failure(check_grad_argnum, f, grad(f, argnum=2), argnum=1)
    assert "raised IndexError" in text and "argnum=2 asks for another one" in text
    assert "argnum counts from 0" in text


def test_jaxs_spelling_argnums_is_named():
    text = failure(check_grad_argnum, f, grad(f, argnums=1), argnum=1)
    assert "without an s (argnums is JAX's spelling)" in text


@pytest.mark.parametrize("argnum", [1.0, 2, "1", (0, 1), True, None])
def test_an_argnum_the_checks_cannot_compare_with_gets_a_sentence(argnum):
    for text in (failure(check_grad_argnum, f, grad(f, argnum=1), argnum=argnum),
                 failure(check_partial, f, lambda x, y: 2 * x * y, argnum=argnum)):
        assert text.startswith(f"✗ argnum={argnum!r} names no argument of f(x, y).")


def test_a_gradient_function_of_the_wrong_kind_gets_a_sentence():
    assert "returned an array of shape (2,); expected one number" in failure(
        check_grad_argnum, f, lambda x, y: anp.array([x, y]), argnum=1)
    assert "holding strings" in failure(
        check_grad_argnum, f, lambda x, y: anp.array(["a", "b"]), argnum=1)


def test_calling_the_gradient_instead_of_passing_it_is_named():
    text = failure(check_grad_argnum, f, grad(f, argnum=1)(1.0, 2.0), argnum=1)
    assert "without calling it" in text


# --- central differences -------------------------------------------------------------

def test_central_difference_passes(capsys):
    def mine(f, x, h=1e-5):
        return (f(x + h) - f(x - h)) / (2 * h)
    check_central_difference(mine)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, words", [
    (lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, "forward difference"),
    (lambda f, x, h=1e-5: (f(x) - f(x - h)) / h, "backward difference"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h, "Mind the brackets"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, "2h apart"),
    (lambda f, x, h=1e-5: (f(x - h) - f(x + h)) / (2 * h), "wrong sign"),
    (lambda f, x, h=0.1: (f(x + h) - f(x - h)) / (2 * h), "small default"),
    (lambda f, x, h=1e-5: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, "not for the h given"),
], ids=["forward", "backward", "brackets", "factor-2", "sign", "big-default", "ignores h"])
def test_usual_slips_in_central_differences_are_named(wrong, words):
    assert words in failure(check_central_difference, wrong)


def test_central_difference_without_a_step_argument_says_what_it_takes():
    text = failure(check_central_difference, lambda f, x: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5)
    assert "unexpected keyword argument 'h'" in text and "It takes f, x, h=1e-5" in text


@pytest.mark.parametrize("right", [
    lambda f, x, h=1e-5: 0.5 * (f(x + h) - f(x - h)) / h,
    lambda f, x, h=1e-8: (f(x + h) - f(x - h)) / h / 2,
    lambda f, x, h=1e-4: (f(x + h) - f(x - h)) / (h + h),
], ids=["half of", "two divisions, tiny h", "h + h, larger default"])
def test_every_way_of_writing_the_central_difference_passes(right):
    check_central_difference(right)


def test_a_central_difference_whose_default_is_not_a_number_gets_a_sentence():
    text = failure(check_central_difference, lambda f, x, h=1e-5: (
        (f(x + h) - f(x - h)) / (2 * h) if anp.ndim(x) or h != 1e-5 else [1.0, 2.0]))
    assert text.startswith("✗ central_difference returned a list; expected one number.")


def test_a_derivative_by_hand_that_asks_autograd_is_refused():
    text = failure(check_derivative, anp.tanh, elementwise_grad(anp.tanh))
    assert "gives its numbers from autograd" in text and "written by hand" in text
    text = failure(check_partial, f, lambda x, y: grad(f, 1)(x, y), argnum=1)
    assert "gives its numbers from autograd" in text


def test_a_function_of_x_that_fails_on_one_number_is_told_to_work_on_numbers_too():
    text = failure(check_derivative, anp.tanh, lambda x: anp.array([1 - anp.tanh(v) ** 2 for v in x]))
    assert "raised TypeError" in text and "must work on one number too" in text


def test_a_partial_that_returns_an_array_of_one_number_is_told_to_return_the_number():
    text = failure(check_partial, f, lambda x, y: anp.array([2 * x * y]), argnum=0)
    assert "an array of shape (1,); expected one number" in text and "the number itself" in text


@pytest.mark.parametrize("wrong, words", [
    (lambda x: (1 - anp.tanh(x)) ** 2, "squares the difference"),
    (lambda x: 1 - anp.tanh ** 2, "arithmetic on a function, not on its value"),
], ids=["(1 - tanh)**2", "tanh**2"])
def test_more_slips_in_the_derivative_of_tanh_are_named(wrong, words):
    assert words in failure(check_derivative, anp.tanh, wrong)


def test_a_caret_for_a_power_is_named():
    text = failure(check_function_h, lambda x: anp.log(2 + x) + anp.cos(x) ^ 2)
    assert "^ is not a power in Python" in text
