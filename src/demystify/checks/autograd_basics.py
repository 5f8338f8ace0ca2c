"""Self-checks for notebook 08, the autograd exercises.

Every derivative the attendee writes by hand is compared, on a grid of points,
with two independent answers: ``autograd``'s and central finite differences.
When it differs, the check names the slip it looks like: a flipped sign, a
missing chain-rule factor, ``cos(cos(x))`` read for ``cos²(x)``, the partial
derivative with respect to the other variable, the wrong ``argnum``.  A function
of x must work on a number and on a whole array (the notebook plots it), and the
answer that autograd is asked for must really come from autograd.

    check_function_h(h)                     # ln(2 + x) + cos²(x), the function itself
    check_derivative(h, dh)                 # a hand-written derivative of a function of x
    check_partial(f, df_dx, argnum=0)       # a hand-written partial derivative of f(x, y)
    check_grad_argnum(f, df_dy_auto, argnum=1)   # grad(f, argnum=...) for the right variable
    check_central_difference(central_difference)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import contextlib
import re

import numpy as np
from autograd import differential_operators, elementwise_grad, grad

from demystify.reference import central_difference

from .core import HINT_1, NUMBER, call, expect_array, expect_numbers, expect_true, fail, passed
from .unfinished import explain_unfinished

NOTEBOOK = "08-autograd-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell

# Points where every function of the exercises is defined (ln(2 + x) needs x > -2).
GRID = np.linspace(-1.5, 3.0, 41)  # step 0.1125: no point at 0, where 1/x blows up
# Points (x, y) for the functions of two variables.
POINTS = [(-1.2, 0.4), (-0.3, 2.1), (0.5, -0.7), (1.1, 1.3), (2.4, -1.8), (0.0, 0.9)]
FD_STEP = 1e-5  # the step of central differences on GRID (the slopes are not steep there)
AUTOGRAD_NUMPY = ("Write it with autograd's numpy (`import autograd.numpy as np`): autograd can "
                  "follow np.cos or np.log, but not math.cos or math.log.")
WHOLE_ARRAYS = ("It must work on a whole array of x at once too (the plots call it with 200 "
                "points): write it with np (np.cos, np.log), not math.")


# --- the functions of the exercises, and the slips people make with them ------

@dataclass
class Known:
    """A function of the exercises, its derivative, and wrong answers with the hint each deserves."""
    name: str
    f: Callable
    df: Callable
    wrong_f: list[tuple[Callable, str]] = field(default_factory=list)
    wrong_df: list[tuple[Callable, str]] = field(default_factory=list)


TANH = Known(
    "tanh(x)", np.tanh, lambda x: 1 - np.tanh(x) ** 2,
    wrong_df=[
        (lambda x: 1 - np.tanh(np.tanh(x)),
         "1 - tanh(tanh(x)) applies tanh twice. The derivative is 1 - tanh(x)**2: "
         "tanh of x, squared."),
        (lambda x: 1 + np.tanh(x) ** 2,
         "Check the sign: the derivative of tanh(x) is 1 - tanh(x)**2, which is never above 1."),
        (lambda x: 1 / np.cosh(x),
         "Close: the derivative is sech²(x) = 1 / cosh(x)**2. Square the cosh."),
        (lambda x: 1 - x ** 2,
         "1 - x**2 squares x, not tanh(x): the derivative is 1 - tanh(x)**2."),
        (lambda x: 1 - np.tanh(x ** 2),
         "tanh²(x) means (tanh x)², np.tanh(x)**2; np.tanh(x**2) squares x instead."),
        (lambda x: (1 - np.tanh(x)) ** 2,
         "(1 - tanh(x))**2 squares the difference; the square belongs to tanh(x) alone: "
         "one minus (tanh of x, squared)."),
    ])

GAUSS = Known(
    "exp(-x²)", lambda x: np.exp(-x ** 2), lambda x: -2 * x * np.exp(-x ** 2),
    wrong_df=[
        (lambda x: np.exp(-x ** 2),
         "exp(u) is its own derivative, but here u = -x² depends on x: by the chain rule, "
         "multiply by du/dx = -2x. The chain-rule factor is missing."),
        (lambda x: -2 * np.exp(-x ** 2),
         "The derivative of -x² is -2x, not -2: the x of the chain-rule factor is missing."),
    ])


def _h(x):
    return np.log(2 + x) + np.cos(x) ** 2


H = Known(
    "ln(2 + x) + cos²(x)", _h, lambda x: 1 / (2 + x) - 2 * np.cos(x) * np.sin(x),
    wrong_f=[
        (lambda x: np.log(2 + x) + np.cos(np.cos(x)),
         "cos²(x) means (cos x)², written np.cos(x)**2; np.cos(np.cos(x)) is the cosine of "
         "the cosine, a different function."),
        (lambda x: np.log(2 + x) + np.cos(x ** 2),
         "cos²(x) means (cos x)², written np.cos(x)**2; np.cos(x**2) squares x instead."),
        (lambda x: np.log10(2 + x) + np.cos(x) ** 2,
         "ln is the natural logarithm: np.log, not np.log10."),
        (lambda x: np.log(2) + x + np.cos(x) ** 2,
         "ln(2 + x) is the log of the sum: np.log(2 + x), not np.log(2) + x."),
        (lambda x: np.log(2 + x) + 2 * np.cos(x),
         "cos²(x) is (cos x)², np.cos(x)**2, not 2 * np.cos(x)."),
    ],
    wrong_df=[
        (lambda x: 1 / (2 + x) + np.sin(np.cos(x)) * np.sin(x),
         "That is the derivative of cos(cos(x)). The function has cos²(x) = (cos x)², "
         "whose derivative is 2 cos(x) · (-sin(x))."),
        (lambda x: 1 / (2 + x) + 2 * np.cos(x),
         "d/dx cos(x)² is 2 cos(x) times the derivative of the inside, cos(x), which is "
         "-sin(x): the chain-rule factor is missing."),
        (lambda x: 1 / (2 + x) - 2 * np.sin(x),
         "The derivative of cos(x)² is 2 cos(x) · (-sin(x)) (outside, then inside): "
         "the 2 cos(x) of the outside square is missing."),
        (lambda x: 1 / (2 + x) + 2 * np.cos(x) * np.sin(x),
         "Check the sign of the second term: d/dx cos(x) = -sin(x), so d/dx cos²(x) = "
         "-2 cos(x) sin(x)."),
        (lambda x: 1 / x - 2 * np.cos(x) * np.sin(x),
         "d/dx ln(2 + x) = 1 / (2 + x), not 1 / x: the 2 stays inside."),
        (lambda x: 1 / (2 + x) - 2 * np.cos(x) * np.sin(x) + np.log(2 + x) + np.cos(x) ** 2,
         "The function itself is added to its derivative: return only the derivative."),
    ])

KNOWN = [TANH, GAUSS, H]


def _identify(values: np.ndarray) -> tuple[Known | None, str | None]:
    """The known function with these values on GRID, or the hint of a known wrong version."""
    for known in KNOWN:
        if np.allclose(values, known.f(GRID), rtol=1e-6, atol=1e-9):
            return known, None
    for known in KNOWN:
        for wrong, hint in known.wrong_f:
            if np.allclose(values, wrong(GRID), rtol=1e-6, atol=1e-9):
                return None, hint
    return None, None


# --- evaluating attendee code -------------------------------------------------

def _name(fn: Callable, default: str) -> str:
    name = getattr(fn, "__name__", default)
    return default if not isinstance(name, str) or name == "<lambda>" else name


def _type_hint(error: BaseException) -> str | None:
    """What a TypeError from a function of x probably means: math on an array, ^ for a power,
    or arithmetic on a function instead of its value."""
    text = str(error)
    if not isinstance(error, TypeError):
        return None
    if "Python scalars" in text or "must be real number" in text:
        return WHOLE_ARRAYS
    if "bitwise_xor" in text:
        return "^ is not a power in Python (it is a bitwise xor): write ** for a square."
    if "unsupported operand" in text and ("'function'" in text or "'ufunc'" in text):
        return ("That is arithmetic on a function, not on its value: call it on x first, as "
                "in np.tanh(x), then square or add the result.")
    return None


def _one_number(value, returned: str) -> float:
    """``value`` as a float, or fail: one number is expected (not an array, a list, a string)."""
    array = expect_numbers(value, returned, "one number")
    if array.ndim != 0:
        fail(f"{returned} an array of shape {array.shape}; expected one number.",
             "Return the number itself, not an array or a list around it.")
    return float(array)


def _on_grid(fn: Callable, xs: np.ndarray, name: str) -> np.ndarray:
    """fn at every x of the array xs, called once with the whole array (as the plots do), and
    at a few single numbers: a function of x works on both, and gives one value per x."""
    signature = f"{name}(x)"
    given = xs.copy()                     # the attendee's function gets its own copy
    values = call(fn, given, name=name, signature=signature, hint=_type_hint)
    if not np.array_equal(given, xs):
        fail(f"{name} changed the array x it was given (an in-place operation such as "
             "`x *= 2` or `x[...] = ...` writes into the caller's array).",
             "Compute a new array instead: `x = 2 * x`, not `x *= 2`.")
    returned = f"{name}(x) for an array x of shape {xs.shape} returned"
    if values is None:
        fail(f"{returned} None; expected an array of shape {xs.shape}.",
             "Did you forget to `return` the result?")
    values = expect_numbers(values, returned, f"an array of shape {xs.shape}")
    if values.shape != xs.shape:
        fail(f"{returned} shape {values.shape}; expected {xs.shape}, one value per x.",
             f"{name} works entry by entry: give it an array, it gives back an array of the "
             "same shape (no sum, no mean, no reshape).")
    undefined = ~np.isfinite(values)
    if undefined.any():
        fail(f"{name}(x) is {values[undefined][0]} at x = {xs[undefined][0]:.4g} "
             f"({undefined.sum()} of the {xs.size} points from {xs[0]:.4g} to {xs[-1]:.4g}).",
             "Is there a log or a square root of a negative number, or a division by zero? "
             f"{name} must be defined at every one of these points.")
    for k in (0, len(xs) // 2, len(xs) - 1):
        x = float(xs[k])
        single = _one_number(call(fn, x, name=name, signature=signature, hint=(
            f"{name} must work on one number too, not only on arrays: use np's functions on x "
            "as a whole, with no loop over its entries.")), f"{name}({x:.4g}) returned")
        expect_true(np.isclose(single, values[k], rtol=1e-9, atol=1e-12),
                    f"{name}({x:.4g}) is {single:.6g} for the number x, but {values[k]:.6g} at "
                    "the same x inside an array.",
                    f"{name} must give the same value for a number and for an array.")
    return values


def _autograd_derivative(f: Callable, name: str) -> np.ndarray:
    """autograd's df/dx on GRID, with a clear message when f cannot be traced."""
    slopes = call(elementwise_grad(f), GRID, name=f"elementwise_grad({name})",
                  signature=f"{name}(x)",
                  hint=f"autograd could not differentiate {name}. {AUTOGRAD_NUMPY}")
    return expect_numbers(slopes, f"elementwise_grad({name}) returned",
                          f"an array of shape {GRID.shape}")


@contextlib.contextmanager
def _autograd_at_work():
    """Counts autograd's reverse passes while attendee code runs: its make_vjp, behind grad,
    elementwise_grad and value_and_grad. A formula written by hand makes none."""
    original = differential_operators._make_vjp
    passes = []

    def counted(*args, **kwargs):
        passes.append(1)
        return original(*args, **kwargs)
    differential_operators._make_vjp = counted
    try:
        yield passes
    finally:
        differential_operators._make_vjp = original


def _by_hand(passes: list, name: str) -> None:
    """Fail if the answer that is to be written by hand asked autograd (``passes``, counted)."""
    if passes:
        fail(f"{name} gives its numbers from autograd: this exercise asks for the formula, "
             "written by hand.",
             "Work the derivative out on paper and write it with np: autograd is the check that "
             "your formula is right, not the answer.")


# --- the checks ---------------------------------------------------------------

def check_function_h(h: Callable) -> None:
    """h(x) must be ln(2 + x) + cos²(x); names cos(cos(x)), cos(x²) and log slips."""
    values = _on_grid(h, GRID, "h")
    known, hint = _identify(values)
    if known is H:
        passed(f"h(x) = ln(2 + x) + cos²(x) at {len(GRID)} points from {GRID[0]} to {GRID[-1]}.")
        return
    expect_array(values, H.f(GRID), "h(x)", mistakes=[(wrong(GRID), why) for wrong, why in H.wrong_f],
                 otherwise=HINT_1)
    fail("h(x) has the right values but is not ln(2 + x) + cos²(x).")   # not reached


def check_derivative(f: Callable, df: Callable) -> None:
    """df(x) must be the derivative of f(x): compared with autograd and central differences.

    f and df take a number or an array of numbers (elementwise).  For the
    functions of the exercises the check also knows the usual wrong answers.
    """
    name, f_name = _name(df, "df"), _name(f, "f")
    values = _on_grid(f, GRID, f_name)
    known, hint = _identify(values)
    if hint:
        fail(f"{f_name}(x) is not the function of the exercise.", hint)
    auto = _autograd_derivative(f, f_name)
    numeric = central_difference(lambda xs: _on_grid(f, xs, f_name), GRID, FD_STEP)
    expect_true(np.allclose(auto, numeric, rtol=1e-5, atol=1e-6),
                f"autograd and central differences disagree about {f_name}'s slope.",
                f"Is {f_name} smooth for x from {GRID[0]} to {GRID[-1]}? (abs, max, if/else "
                "and rounding have kinks or jumps.)")
    with _autograd_at_work() as passes:
        answer = _on_grid(df, GRID, name)
    _by_hand(passes, name)
    mistakes = [(values, f"{name} returns {f_name} itself: differentiate it.")]
    if known is not None:
        mistakes = [(wrong(GRID), why) for wrong, why in known.wrong_df] + mistakes
    expect_array(answer, auto, f"{name}(x) at {len(GRID)} points from {GRID[0]} to {GRID[-1]}",
                 mistakes=mistakes, rtol=1e-5, atol=1e-7, otherwise=HINT_1)
    passed(f"{name} matches autograd and central differences at {len(GRID)} points "
           f"from {GRID[0]} to {GRID[-1]}.")


def _variable(argnum) -> str:
    """'x' for argnum 0, 'y' for 1; a sentence for anything else (1.0, 2, '1', (0, 1))."""
    if isinstance(argnum, (int, np.integer)) and not isinstance(argnum, bool) and argnum in (0, 1):
        return "xy"[int(argnum)]
    fail(f"argnum={argnum!r} names no argument of f(x, y).",
         "argnum is the position of the variable among the arguments, a whole number counting "
         "from 0: x is argnum=0 and y is argnum=1.")


def _at_points(fn: Callable, name: str, hint=None) -> np.ndarray:
    """fn(x, y) at each of POINTS, one number each."""
    return np.array([_one_number(call(fn, x, y, name=name, signature=f"{name}(x, y)", hint=hint),
                                 f"{name}({x}, {y}) returned") for x, y in POINTS])


def _partials(f: Callable, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f, ∂f/∂x and ∂f/∂y at POINTS, from autograd (checked against central differences)."""
    values = _at_points(f, name)
    cannot = f"autograd could not differentiate {name}. {AUTOGRAD_NUMPY}"
    by_x, by_y = (_at_points(grad(f, argnum), f"grad({name}, argnum={argnum})", hint=cannot)
                  for argnum in (0, 1))

    def f_at(x, y):
        return _one_number(call(f, x, y, name=name, signature=f"{name}(x, y)"),
                           f"{name}({x}, {y}) returned")
    numeric_x = [central_difference(lambda a, y=y: f_at(a, y), x, FD_STEP) for x, y in POINTS]
    numeric_y = [central_difference(lambda b, x=x: f_at(x, b), y, FD_STEP) for x, y in POINTS]
    expect_true(np.allclose(by_x, numeric_x, rtol=1e-5, atol=1e-6)
                and np.allclose(by_y, numeric_y, rtol=1e-5, atol=1e-6),
                f"autograd and central differences disagree about {name}: is it smooth?")
    return values, by_x, by_y


def check_partial(f: Callable, df: Callable, argnum: int) -> None:
    """df(x, y) must be ∂f/∂x (argnum=0) or ∂f/∂y (argnum=1): compared with autograd and FD."""
    variable = _variable(argnum)
    other = "yx"[argnum]
    name, f_name = _name(df, f"df_d{variable}"), _name(f, "f")
    values, by_x, by_y = _partials(f, f_name)
    expected, swapped = (by_x, by_y) if argnum == 0 else (by_y, by_x)
    with _autograd_at_work() as passes:
        answer = _at_points(df, name)
    _by_hand(passes, name)
    mistakes = [
        (swapped, f"That is ∂{f_name}/∂{other}: differentiate with respect to {variable}, "
                  f"holding {other} still."),
        (by_x + by_y, f"That is ∂{f_name}/∂x + ∂{f_name}/∂y: a partial derivative follows one "
                      f"variable, {variable}, and treats {other} as a constant."),
        (values, f"{name} returns {f_name} itself: differentiate it."),
    ]
    if np.allclose(values, [x ** 2 * y + np.sin(y) for x, y in POINTS]):
        mistakes += [  # f(x, y) = x² y + sin(y), the function of the exercise
            (np.array([2 * x * y + np.cos(y) for x, y in POINTS]),
             "sin(y) does not change when x changes: its partial derivative with respect to x "
             "is 0."),
            (np.array([2 * x for x, y in POINTS]),
             "y is a constant here, and a constant factor stays: ∂(x² y)/∂x = 2xy."),
            (np.array([x ** 2 for x, y in POINTS]),
             "The derivative of sin(y) with respect to y is cos(y): that term is missing."),
            (np.array([x ** 2 - np.cos(y) for x, y in POINTS]),
             "Check the sign: d/dy sin(y) = +cos(y)."),
        ]
    expect_array(answer, expected, f"{name}(x, y) at {len(POINTS)} test points", mistakes=mistakes,
                 rtol=1e-5, atol=1e-7, otherwise=HINT_1)
    passed(f"{name} is ∂{f_name}/∂{variable}: it matches autograd and central differences "
           f"at {len(POINTS)} points.")


def _argnum_hint(gradient: Callable, f_name: str):
    """A hint for call() when the gradient function raises: argnum counted from 1, or spelt as JAX."""
    asked = re.search(r"_wrt_argnum_(.+)$", str(getattr(gradient, "__name__", "")))

    def hint(error: BaseException) -> str | None:
        if isinstance(error, IndexError):
            number = f"argnum={asked[1]}" if asked else "that argnum"
            return (f"{f_name}(x, y) has two arguments, and {number} asks for another one: "
                    "argnum counts from 0, so x is argnum=0 and y is argnum=1.")
        if isinstance(error, TypeError) and "argnums" in str(error):
            return ("autograd spells it argnum, without an s (argnums is JAX's spelling): "
                    f"grad({f_name}, argnum=...).")
        return None
    return hint


def check_grad_argnum(f: Callable, gradient: Callable, argnum: int) -> None:
    """``gradient`` must be autograd's grad(f, argnum=argnum): a function giving ∂f/∂(argument
    argnum), computed by autograd (a formula written by hand gives the numbers, but is not it)."""
    variable = _variable(argnum)
    f_name = _name(f, "f")
    if not callable(gradient):
        fail(f"Expected a function (what grad returns), got {_described(gradient)}.",
             f"Write grad({f_name}, argnum=...) without calling it: the result is the "
             "function that computes the derivative.")
    values, by_x, by_y = _partials(f, f_name)
    with _autograd_at_work() as passes:
        results = [call(gradient, x, y, name="the gradient function",
                        signature="gradient(x, y)", hint=_argnum_hint(gradient, f_name))
                   for x, y in POINTS]
    if any(isinstance(r, (tuple, list)) for r in results):
        fail("The gradient function returns several values, one per argument.",
             "argnum=(0, 1) asks for both partial derivatives; ask for one, the position of "
             f"{variable}.")
    answer = np.array([_one_number(r, f"the gradient function at {point} returned")
                       for r, point in zip(results, POINTS, strict=True)])
    if not passes:
        fail("The gradient function is not autograd's: it never asks autograd for a derivative.",
             f"This exercise is about autograd doing it for you: make it with grad({f_name}, "
             "argnum=...), not with a formula by hand. (Hint 1 below the exercise.)")
    expected, other = (by_x, by_y) if argnum == 0 else (by_y, by_x)
    expect_array(answer, expected, f"the gradient function at {len(POINTS)} test points", mistakes=[
        (other, f"This is the derivative with respect to {'yx'[argnum]}. argnum counts the "
                f"arguments from 0: in {f_name}(x, y), x is argnum=0 and y is argnum=1."),
    ])
    passed(f"That is ∂{f_name}/∂{variable}, from autograd: the gradient with respect to "
           f"argument {argnum}.")


def _described(value) -> str:
    return "None" if value is None else f"a {type(value).__name__}"


def check_central_difference(central_difference: Callable) -> None:
    """central_difference(f, x, h) must be (f(x + h) - f(x - h)) / (2h), also for arrays x."""
    f, x, h = np.exp, 0.7, 0.1
    what = "central_difference(np.exp, 0.7, h=0.1)"
    signature = "central_difference(f, x, h=1e-5)"
    answer = call(central_difference, f, x, h=h, name="central_difference", signature=signature,
                  returns=NUMBER)
    expected = (f(x + h) - f(x - h)) / (2 * h)
    tiny = 1e-5
    expect_array(answer, expected, what, mistakes=[
        ((f(x + h) - f(x)) / h,
         "That is the forward difference, from x to x + h. The central difference uses a "
         "point on each side of x."),
        ((f(x) - f(x - h)) / h,
         "That is the backward difference, from x - h to x. The central difference uses a "
         "point on each side of x."),
        ((f(x + h) - f(x - h)) / 2 * h,
         "Mind the brackets: `/ 2 * h` divides by 2, then multiplies by h. Write / (2 * h)."),
        ((f(x + h) - f(x - h)) / h,
         "The two points x - h and x + h are 2h apart: divide by 2 * h."),
        ((f(x + tiny) - f(x - tiny)) / (2 * tiny),
         "That is the slope for a tiny step, not for the h given: use the argument h, not a "
         "step of your own."),
    ])
    xs = np.array([-1.0, 0.0, 2.0])
    many = call(central_difference, f, xs, h=h, name="central_difference", signature=signature,
                returns=NUMBER.named("an array, one slope per x"),
                hint="Use only arithmetic on f(x + h) and f(x - h), so that x can be an array.")
    expect_array(many, (f(xs + h) - f(xs - h)) / (2 * h),
                 "central_difference(np.exp, [-1, 0, 2], h=0.1)")
    default = _one_number(call(central_difference, f, x, name="central_difference",
                               signature=signature, returns=NUMBER),
                          "central_difference(np.exp, 0.7) returned")
    expect_true(abs(default - np.exp(x)) < 1e-6,
                f"With its default step, central_difference(np.exp, 0.7) is {default:.8g}; "
                f"the exact slope is {np.exp(x):.8g}.",
                "Give h a small default, such as h=1e-5.")
    passed("central_difference is (f(x + h) - f(x - h)) / 2h, and works on arrays.")
