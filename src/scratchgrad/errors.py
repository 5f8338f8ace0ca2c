"""What scratchgrad says when it cannot differentiate something: the cause and the fix.

Every refusal is a :class:`NotDifferentiable` (a ``TypeError``), raised at the line that
caused it while the function runs (a function without a VJP, a keyword its VJP does not
take) or when the walk needs what is missing (a VJP for one argument), never a wrong
number.  The texts live here, apart from the machinery in ``scratchgrad/core.py``, which
only decides *when* to refuse.
"""
from __future__ import annotations

import inspect

import numpy as np

TABLE = "scratchgrad/vjps.py"


class NotDifferentiable(TypeError):
    """An operation that scratchgrad cannot differentiate; the message says what to do instead."""


def name_of(fun) -> str:
    """'numpy.cumsum', 'numpy.linalg.norm', or the name of a function of your own."""
    module = "numpy" if isinstance(fun, np.ufunc) else getattr(fun, "__module__", None) or ""
    name = getattr(fun, "__name__", repr(fun))
    return f"{module.replace('numpy._core', 'numpy')}.{name}" if module.startswith("numpy") else name


def no_vjp(name: str) -> NotDifferentiable:
    """The error for a numpy function (e.g. 'numpy.cumsum') that has no line in the VJP table."""
    short = name.removeprefix("numpy.")
    return NotDifferentiable(
        f"scratchgrad cannot differentiate {name}: it has no VJP in {TABLE}.\n"
        f"Use an operation from scratchgrad.numpy, or add a line for {short} to the VJP table.")


def missing_vjp(fun, makers, positions):
    """The error for a node of ``fun`` whose traced arguments (at ``positions``) have no VJP
    maker in the table, or None if they all have one."""
    if makers is None:
        return no_vjp(name_of(fun))
    for i in positions:
        try:
            maker = makers[i]
        except IndexError:
            maker = None
        if maker is None:
            return no_vjp_for_argument(fun, i)
    return None


def no_vjp_for_argument(fun, i: int) -> NotDifferentiable:
    return NotDifferentiable(
        f"scratchgrad cannot differentiate {name_of(fun)} with respect to its argument {i}: "
        f"the VJP table gives none for it.\nPass a plain value there (x.value for a traced x), "
        f"or add a VJP maker for argument {i} with defvjp.")


# --- the calls a VJP maker can take ---------------------------------------------------

def call_rules(fun, makers) -> tuple[float, frozenset | None, list[str]]:
    """(how many positional arguments, which keywords, the options to name) for ``fun``.

    Read once from the VJP makers' parameters (``lambda ans, x, axis=None, keepdims=False``
    takes x and axis by position, any of them by name) and from numpy's own signature: a
    positional argument with a default counts only if numpy's has the same name there
    (numpy's third argument of sum is dtype, not keepdims).  None: any keyword.
    """
    maker = next((m for m in makers if m is not None), None)
    try:
        ours = list(inspect.signature(maker).parameters.values())[1:]     # after ans
    except (TypeError, ValueError):
        return float("inf"), None, []
    if any(p.kind is p.VAR_POSITIONAL for p in ours):
        return float("inf"), None, []
    options = [p.name for p in ours if p.default is not p.empty]
    keywords = None if any(p.kind is p.VAR_KEYWORD for p in ours) else frozenset(
        p.name for p in ours if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    try:
        theirs = [p.name for p in inspect.signature(fun).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        theirs = None
    positional = 0
    for j, p in enumerate(ours):
        if p.kind is not p.POSITIONAL_OR_KEYWORD:
            break
        same = theirs is None or (j < len(theirs) and theirs[j] == p.name)
        if p.default is not p.empty and not same:    # an input (no default) may be named anyhow
            break
        positional = j + 1
    return positional, keywords, options


def refuse_call(fun, args, kwargs, rules, is_traced) -> None:
    """Raise if ``fun(*args, **kwargs)`` passes what its VJP makers cannot take."""
    positional, keywords, options = rules
    name = name_of(fun)
    for key, value in kwargs.items():
        if is_traced(value):
            raise NotDifferentiable(f"pass traced values to {name} as positional arguments "
                                    f"({key}=... is a traced value).")
        if key == "out":
            raise in_place(name)
        if keywords is not None and key not in keywords:
            raise unsupported_keyword(name, f"the keyword {key}=", key, options)
    if len(args) > positional:
        try:
            extra = list(inspect.signature(fun).parameters)[positional]
        except (TypeError, ValueError, IndexError):
            extra = f"argument {positional}"
        raise unsupported_keyword(name, f"{extra} given by position", extra, options)


def unsupported_keyword(name, how, key, options) -> NotDifferentiable:
    taken = f"takes only {', '.join(options)}" if options else "takes no options"
    return NotDifferentiable(
        f"scratchgrad cannot differentiate {name} with {how}: its VJP in {TABLE} {taken}.\n"
        f"Leave {key} out (compute with float arrays; mask with a multiplication), or "
        f"extend the VJP to take it.")


def in_place(name) -> NotDifferentiable:
    return NotDifferentiable(
        f"scratchgrad cannot write a traced value into an existing array in place "
        f"({name} with out=...), as `a += x` on a plain array a does.\n"
        f"Make a new array instead: a = a + x.")


# --- grad's arguments and results -----------------------------------------------------

FIRST_ORDER = ("scratchgrad computes first derivatives only: grad was given a value that is "
               "already traced (grad of grad, or grad inside a function being differentiated).")

OFF_THE_TAPE = (
    "scratchgrad met a traced value that was not made during this call of the function "
    "being differentiated (it was made before the call, by another call, or on another "
    "thread), so its gradient cannot be passed back.\n"
    "Compute every traced value inside the function, from its arguments.")

NESTED = (
    "scratchgrad computes first derivatives only, but this grad, called inside a function "
    "that an outer grad is differentiating, uses a traced value of the outer function "
    "(a variable it closes over): the outer gradient would silently miss that path.\n"
    "For derivatives of derivatives use autograd or JAX; if the outer value should count as "
    "a constant here, pass its number instead (x.value).")


def repeated_argnum(argnum) -> TypeError:
    return TypeError(f"grad(..., argnum={argnum!r}) names an argument more than once: "
                     f"give each position once.")


def missing_argument(argnum, fun, count) -> TypeError:
    return TypeError(f"grad(..., argnum={argnum}): {fun.__name__} was called with "
                     f"{count} positional argument(s).")


def not_differentiable_argument(name, value) -> TypeError:
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return TypeError(f"scratchgrad differentiates real numbers, but {name} has dtype "
                         f"{np.result_type(value)}.")
    return TypeError(f"scratchgrad differentiates with respect to numbers, numpy arrays, "
                     f"and lists, tuples and dicts of them, but {name} is a "
                     f"{type(value).__name__}.")


def not_a_loss(fun, end):
    """The error for a function whose result is not one number (None if it is a number)."""
    what = fun.__name__
    if end is None:
        return TypeError(f"grad needs a function that returns a single number (a loss), but "
                         f"{what} returned None.\nDid it forget a `return` statement?")
    if isinstance(end, (tuple, list, dict)):
        kind = type(end).__name__
        return TypeError(
            f"grad needs a function that returns a single number (a loss), but {what} "
            f"returned a {kind} of {len(end)} item(s).\nReturn the loss alone (for example "
            f"`return loss`, not `return loss, extra`), and compute the other values in a "
            f"separate function.")
    shape = np.shape(end)
    if isinstance(end, (np.ndarray, np.generic, float, int)) or hasattr(end, "value"):
        if int(np.prod(shape)) == 1:
            return None
        return TypeError(
            f"grad needs a function that returns a single number (a loss), but {what} "
            f"returned an array of shape {shape}.\n"
            f"Reduce it to one number, for example with np.mean or np.sum.")
    return TypeError(f"grad needs a function that returns a single number (a loss), but "
                     f"{what} returned a {type(end).__name__}.")


def does_not_depend(fun) -> str:
    return (f"The output of {fun.__name__} does not depend on the arguments being "
            f"differentiated (it is not a traced value), so their gradient is zero.")
