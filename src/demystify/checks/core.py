"""The machinery behind the attendee self-checks.

A self-check runs the attendee's code on known inputs and compares the result
with a reference.  When it differs, the check says *what* is wrong and *why*
it might be, instead of a bare ``AssertionError``::

    ✗ layer_forward returned shape (25, 3); expected (3, 25): one row per sample.
      Did you compute W @ X instead of X @ W?

Each exercise notebook has a module of checks beside this one
(``demystify.checks.<topic>``) built from these pieces:

- ``passed(message)`` prints a ✓ line;
- ``fail(message, hint)`` raises :class:`CheckFailed`, shown in a notebook as
  just the message (no traceback: the problem is in the attendee's code, not here);
- ``call(function, *args, name=..., signature=..., hint=..., returns=...)`` calls the
  attendee's code, and turns whatever goes wrong into a sentence: a stub that is not
  written yet, an exception (with the check's hint), a wrong signature, a forgotten
  ``return``, a result of the wrong kind (``returns``: :data:`ARRAY`, :data:`FUNCTION`...);
  every check calls attendee code through it, and only through it;
- ``expect_array(actual, expected, what, mistakes)`` compares arrays and names
  the likely mistake: a transpose, a flipped sign, a constant factor, or any of
  the ``mistakes`` given as ``(wrong_answer, hint)`` pairs.
"""
from __future__ import annotations

import functools
import inspect
import itertools
import numbers
import re
import sysconfig
import traceback
from typing import Callable, Iterable, NamedTuple, Union

import numpy as np

Mistakes = Iterable[tuple[np.ndarray, str]]

# Where a check sends an attendee when it can say what differs but not why: the collapsed
# hints below each exercise (CONVENTIONS.md), the idea first, then nearly the code.
HINT_1 = "(Hint 1 below the exercise gives the idea.)"
HINT_2 = "(Hint 2 below the exercise shows the shape of it.)"


class CheckFailed(AssertionError):
    """A self-check found a mistake; the message says what it is and how to fix it."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback.
        return ["\x1b[31m" + line + "\x1b[0m" for line in str(self).splitlines()]


def passed(message: str) -> None:
    """Report a check that passed."""
    print(f"✓ {message}")


def failure(message: str, hint: str | None = None) -> CheckFailed:
    """The CheckFailed that says what is wrong and, if known, how to fix it (see fail)."""
    text = f"✗ {message}"
    if hint:
        text += "\n  " + hint.replace("\n", "\n  ")
    return CheckFailed(text)


def fail(message: str, hint: str | None = None) -> None:
    """Stop with a message that says what is wrong and, if known, how to fix it."""
    raise failure(message, hint)


def _same(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def _constant_factor(actual: np.ndarray, expected: np.ndarray) -> float | None:
    """The k with actual == k * expected, if there is one (and k is not 1)."""
    mask = np.abs(expected) > 1e-12
    if not mask.any() or not np.allclose(actual[~mask], 0, atol=1e-9):
        return None
    ratios = actual[mask] / expected[mask]
    k = float(np.median(ratios))
    if np.allclose(ratios, k, rtol=1e-6) and not np.isclose(k, 1.0) and not np.isclose(k, 0.0):
        return k
    return None


def describe_factor(k: float) -> str:
    """'2', '1/4', '-1/3' or '0.37': how a constant factor reads best."""
    if not np.isfinite(k) or abs(k) > 1e6:
        return f"{k:.3g}"
    for denominator in range(1, 65):
        if np.isclose(k * denominator, round(k * denominator), rtol=1e-6, atol=1e-9):
            top = round(k * denominator)
            return str(top) if denominator == 1 else f"{top}/{denominator}"
    return f"{k:.3g}"


def expect_array(actual, expected, what: str, mistakes: Mistakes = (),
                 rtol: float = 1e-6, atol: float = 1e-8, shape_hint: str | None = None,
                 otherwise: str | None = None) -> None:
    """Fail with a helpful message unless ``actual`` equals ``expected`` (shape and values).

    ``what`` names the quantity ("layer_forward(X, W, b)"), ``mistakes`` are
    ``(wrong_answer, hint)`` pairs: if the attendee's answer matches a wrong
    answer, its hint is shown.  ``shape_hint`` is added to any shape message, ``otherwise``
    to the message that can only say where the values differ ("Hint 2 shows ...").
    """
    expected = np.asarray(expected, dtype=float)
    if actual is None:
        fail(f"{what} returned None; expected an array of shape {expected.shape}.",
             "Did you forget to `return` the result?")
    actual = expect_numbers(actual, f"{what} returned", f"an array of shape {expected.shape}")
    mistakes = [(np.asarray(wrong, dtype=float), hint) for wrong, hint in mistakes]

    if actual.shape != expected.shape:
        for wrong, hint in mistakes:
            if wrong.shape == actual.shape and _same(actual, wrong, rtol, atol):
                fail(f"{what} has shape {actual.shape}; expected {expected.shape}.", hint)
        hint = shape_hint
        if actual.shape == expected.shape[::-1]:
            hint = "It looks transposed: check the order of a matrix product, or add .T."
        elif actual.size == expected.size:
            hint = hint or "Right number of values, wrong arrangement: check a reshape or an axis."
        fail(f"{what} has shape {actual.shape}; expected {expected.shape}.", hint)

    if _same(actual, expected, rtol, atol):
        return
    if not np.isfinite(actual).all():
        kind = "NaN" if np.isnan(actual).any() else "infinite values"
        fail(f"{what} contains {kind}.", "Look for a division by zero, a log of a negative "
             "number, or an overflow (values too large).")
    for wrong, hint in mistakes:
        if _same(actual, wrong, rtol, atol):
            fail(f"{what} has the right shape but not the right values.", hint)
    if np.allclose(actual, -expected, rtol=rtol, atol=atol):
        fail(f"{what} has the wrong sign: every value is flipped.",
             "Check a subtraction that is the wrong way round, or a missing minus sign.")
    factor = _constant_factor(actual, expected)
    # Any two single numbers differ by "a factor": only a simple one (2, 1/4, 24) says anything.
    if factor is not None and (actual.size > 1 or "." not in describe_factor(factor)):
        fail(f"{what} is off by a factor of {describe_factor(factor)}.",
             "Check a mean against a sum, a missing 2 from a square, or a scale.")
    if actual.ndim == 0:
        fail(f"{what} is {float(actual):.6g}; expected {float(expected):.6g}.", otherwise)
    worst = np.unravel_index(np.argmax(np.abs(actual - expected)), actual.shape)
    fail(f"{what} has the right shape but different values: at index {tuple(map(int, worst))} "
         f"it is {actual[worst]:.6g}, expected {expected[worst]:.6g}.", otherwise)


def expect_true(condition: bool, message: str, hint: str | None = None) -> None:
    """Fail with ``message`` (and ``hint``) unless ``condition`` holds."""
    if not condition:
        fail(message, hint)


# --- calling the attendee's code ------------------------------------------------------

class Kind(NamedTuple):
    """What a check expects a call to return: a noun for the messages, and a test."""
    noun: str                              # "a numpy array", "a Node", ...
    accepts: Callable[[object], bool]
    array: bool = False                    # an array is expected: a list gets its own sentence
    hint: str | None = None                # shown when a result is of another kind

    def named(self, noun: str, hint: str | None = None) -> Kind:
        """The same kind, named for a message: ARRAY.named("an array of labels, shape (n,)")."""
        return self._replace(noun=noun, hint=hint or self.hint)


NUMERIC = "biuf"   # numpy's kinds of numbers: bool, signed and unsigned int, float


def _is_array(value) -> bool:
    """A number or a numeric numpy array (not an array of strings or of objects)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype.kind in NUMERIC
    return isinstance(value, numbers.Real)


ARRAY = Kind("a numpy array", _is_array, array=True)      # its shape is expect_array's to judge
NUMBER = Kind("one number", _is_array, array=True)
ARRAYS = Kind("a list of arrays", lambda value: isinstance(value, (list, tuple)) and all(
    isinstance(item, np.ndarray) and item.ndim > 0 and _is_array(item) for item in value))
NUMBERS = Kind("a list of numbers", lambda value: (
    isinstance(value, (list, tuple)) or isinstance(value, np.ndarray) and value.ndim == 1) and all(
    _is_array(item) and np.ndim(item) == 0 for item in value))
LIST = Kind("a list", lambda value: isinstance(value, (list, tuple)))
FUNCTION = Kind("a function", callable)
SOMETHING = Kind("a result", lambda value: True)        # anything but None


def instance_of(cls: type, noun: str | None = None, hint: str | None = None) -> Kind:
    """A Kind for objects of the attendee's class ``cls``: instance_of(Node, "a Node")."""
    return Kind(noun or _a(cls.__name__), lambda value: isinstance(value, cls), hint=hint)


Returns = Union[Kind, tuple[tuple[str, Kind], ...], None]
Hint = Union[str, Callable[[BaseException], Union[str, None]], None]


def hint_for(error_type: type | tuple[type, ...], hint: str) -> Callable[[BaseException], str | None]:
    """A hint for call() shown only for exceptions of error_type: hint_for(ValueError, "...")."""
    return lambda error: hint if isinstance(error, error_type) else None


def call(function, *args, name: str, signature: str | None = None, hint: Hint = None,
         returns: Returns = None, may_raise: type | tuple[type, ...] = (), **kwargs):
    """``function(*args, **kwargs)``, the attendee's code called by a check; returns its result.

    Whatever goes wrong becomes a CheckFailed sentence, never a traceback from inside a check:

    - not a function:            "loss is a list, not a function."
    - arguments that do not fit: "loss cannot be called as loss(params, X, Y) (missing ...)."
      (checked with inspect.signature before the call, so that a TypeError raised *inside*
      the attendee's function is reported as that, not as a wrong signature);
    - NotImplementedError:       "loss is not written yet." and the stub's own nudge;
    - any other exception:       "your loss raised ValueError: <its message>" and ``hint``;
    - a result that ``returns`` does not accept: None (a forgotten ``return``), a list where
      an array is expected, values of a tuple in the wrong order, or another type.

    name: the function as the notebook names it: "loss", "Linear(3, 4, rng)", "the VJP of ..."
        ("your" is added before it when it raises, unless it starts with "the " or "your ")
    signature: how the notebook calls it, "loss(params, X, Y)": shown when the arguments do
        not fit, with "It takes params, X, Y, in that order."
    hint: what to look at when it raises: a string, or a function of the exception giving a
        string or None. Such a function may also fail() with a sentence of its own when the
        exception means something else (a VJP missing from the table is not the walk's fault).
    returns: a Kind (ARRAY, NUMBER, ARRAYS, LIST, FUNCTION, instance_of(Node), SOMETHING), or
        for a tuple result ((label, Kind), ...) in order, e.g. (("params", ARRAYS), ("losses",
        NUMBERS)); None accepts anything, None included (e.g. an optimiser's step()).
    may_raise: exception types the check expects; such an exception is returned, not reported.
    """
    if not callable(function):
        fail(f"{name} is {_described(function)}, not a function.",
             "Pass the function itself: its name, without brackets after it.")
    _expect_signature(function, args, kwargs, name, signature)
    try:
        result = function(*args, **kwargs)
    except CheckFailed:
        raise
    except may_raise as error:
        return error
    except Exception as error:  # the attendee's code can fail in any way: say how, in a sentence
        raise _explained(error, name, hint) from error
    return _expect_returns(result, returns, name)


def _expect_signature(function, args, kwargs, name: str, signature: str | None) -> None:
    try:
        parameters = inspect.signature(function)
    except (TypeError, ValueError):  # some built-in functions have none: the call will tell
        return
    try:
        parameters.bind(*args, **kwargs)
    except TypeError as error:
        if signature is None:
            fail(f"{name} does not take these arguments: {error}.")
        inside = re.fullmatch(r"[\w.]+\((.*)\)", signature)
        fail(f"{name} cannot be called as {signature} ({error}).",
             f"It takes {inside[1]}, in that order." if inside else f"Write it as {signature}")


def _explained(error: Exception, name: str, hint: Hint) -> CheckFailed:
    if callable(hint):
        hint = hint(error)  # it may fail() on its own
    if isinstance(error, NotImplementedError) and not raised_by_a_library(error):
        stub = _stub_name(error)
        if stub:
            return failure(f"{name} calls {stub}, which is not written yet.", str(error) or None)
        return failure(f"{name} is not written yet.", str(error) or None)
    owner = "" if name.startswith(("the ", "your ")) else "your "
    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return failure(f"{owner}{name} raised {what}", hint)


def _stub_name(error: NotImplementedError) -> str | None:
    """The attendee's function whose stub raised ``error``, if the function a check called
    calls it (None when that function's own stub raised it)."""
    frames = traceback.extract_tb(error.__traceback__)  # call's own frame, then the attendee's
    if len(frames) <= 2:      # the stub of the function called itself: it is "not written yet"
        return None
    where = frames[-1]    # (an error a library raised never gets here: see _explained)
    return where.name if where.name.isidentifier() else None


def raised_by_a_library(error: BaseException) -> bool:
    """Whether ``error`` was raised inside an installed package or Python's own library
    (autograd's "VJP of average ... not defined"), not by the attendee's code."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return False
    where = frames[-1].filename
    return any(part in where for part in ("site-packages", "dist-packages")) or \
        where.startswith(sysconfig.get_paths()["stdlib"])


def _expect_returns(result, returns: Returns, name: str):
    if returns is None:
        return result
    if isinstance(returns, Kind):
        _expect_kind(result, returns, f"{name} returned")
        return result
    labels = [label for label, _ in returns]
    together = f"({', '.join(labels)})"
    if result is None or not isinstance(result, (tuple, list)) or len(result) != len(returns):
        fail(f"{name} returned {_described(result)}; expected {len(returns)} values, "
             f"{together}.", f"End with `return {', '.join(labels)}`.")
    kinds = [kind for _, kind in returns]
    if all(kind.accepts(value) for value, kind in zip(result, kinds, strict=True)):
        return result
    for order in itertools.permutations(range(len(kinds))):
        if all(kinds[k].accepts(value) for value, k in zip(result, order, strict=True)):
            fail(f"{name} returned ({', '.join(labels[k] for k in order)}); expected {together}.",
                 f"Return them in this order: `return {', '.join(labels)}`.")
    for value, label, kind in zip(result, labels, kinds, strict=True):
        _expect_kind(value, kind, f"{name} returned, as {label},")
    return result


def _expect_kind(value, kind: Kind, returned: str) -> None:
    """Fail unless ``kind`` accepts value; ``returned`` starts the sentence: "loss returned"."""
    if value is None:
        fail(f"{returned} None; expected {kind.noun}.", "Did you forget to `return` the result?")
    if kind.accepts(value):
        return
    if kind.array and isinstance(value, (list, tuple)):
        fail(f"{returned} {_described(value)}; expected {kind.noun}.",
             "Compute it with numpy, on whole arrays; if you built a list, np.array(...) turns "
             "it into an array.")
    fail(f"{returned} {_described(value)}; expected {kind.noun}.", kind.hint)


def _described(value) -> str:
    """'None', 'a list', 'an int', 'a numpy array of shape (2, 3)': what a value is, for a message."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in NUMERIC:
            return f"a numpy array of {_dtype_noun(value.dtype)}, shape {value.shape}"
        return f"a numpy array of shape {value.shape}"
    return _a(type(value).__name__)


def _dtype_noun(dtype: np.dtype) -> str:
    """'strings', 'objects', 'complex numbers', 'numbers': what a numpy array holds."""
    return {"U": "strings", "S": "strings", "O": "objects", "c": "complex numbers"}.get(
        dtype.kind, f"{dtype} values")


def _a(noun: str) -> str:
    """'a list', 'an int'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


# --- results the checks read: numbers, lists of arrays, numpy's errors ---------------------

def expect_numbers(value, returned: str, expected: str) -> np.ndarray:
    """``value`` as an array of floats, or fail: "<returned> a list that numpy cannot read as
    numbers (...); expected <expected>." Strings are not numbers, even '0.95'."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError):   # ragged lists: rows of different lengths
        fail(f"{returned} {_described(value)} that numpy cannot read as an array of numbers "
             f"(its rows or entries have different lengths); expected {expected}.")
    if array.dtype.kind not in NUMERIC:
        holds = {"U": "strings", "S": "strings", "c": "complex numbers"}.get(
            array.dtype.kind, "something other than numbers")
        fail(f"{returned} {_described(value)} holding {holds}; expected {expected}.")
    return array.astype(float)


def expect_arrays(value, shapes, what: str, names=None, shape_hint=None) -> list[np.ndarray]:
    """``value`` as a list of float arrays with the given ``shapes``, or fail with a sentence.

    The structure is judged first, one sentence each: None, not a list, a list of pairs where
    one flat list is expected (``[[W1, b1], [W2, b2]]``), the wrong number of arrays, an entry
    that is not an array of numbers, an entry of the wrong shape.

    what: how the sentence starts, "init_params(...) returned"
    names: one name per array for the messages, ['W1', 'b1', ...] (default: 'entry 0', ...)
    shape_hint: a function (name, got, want) -> a hint (or None) for an entry of the wrong shape
    """
    shapes = [tuple(shape) for shape in shapes]
    names = list(names) if names is not None else [f"entry {k}" for k in range(len(shapes))]
    wanted = f"a list of {len(shapes)} arrays [{', '.join(names)}]"
    if value is None:
        fail(f"{what} None; expected {wanted}.", "Did you forget to `return` the result?")
    if not isinstance(value, (list, tuple)):
        fail(f"{what} {_described(value)}; expected {wanted}.")
    value = list(value)
    nested = [item for item in value if isinstance(item, (list, tuple))]
    if nested and len(value) != len(shapes):
        flat = sum(len(item) if isinstance(item, (list, tuple)) else 1 for item in value)
        fail(f"{what} a list of {len(value)} entries, {len(nested)} of them lists; expected one "
             f"flat list of {len(shapes)} arrays [{', '.join(names)}].",
             f"Put the {flat} arrays one after another in one list: extend it (`+=` or "
             ".extend) rather than append a list of them." if flat == len(shapes) else None)
    if len(value) != len(shapes):
        fail(f"{what} {len(value)} arrays; expected {len(shapes)}: {', '.join(names)}.")
    arrays = []
    for name, item, shape in zip(names, value, shapes, strict=True):
        if not isinstance(item, np.ndarray):
            fail(f"{what}, as {name}, {_described(item)}; expected a numpy array of shape {shape}.",
                 "Keep each one a numpy array: np.array(...) turns a list into one." if
                 isinstance(item, (list, tuple)) else None)
        array = expect_numbers(item, f"{what}, as {name},", f"an array of shape {shape}")
        if array.shape != shape:
            hint = shape_hint(name, array.shape, shape) if shape_hint else None
            fail(f"{what}, as {name}, an array of shape {array.shape}; expected {shape}.", hint)
        arrays.append(array)
    return arrays


def raised_alike(error: BaseException, candidates) -> list[str]:
    """The labels of the candidate computations that raise what ``error`` is: the same type of
    exception with the same message. It names the slip behind one of numpy's shape errors::

        raised_alike(error, [("W @ X", lambda: W @ X), ("X @ W.T", lambda: X @ W.T)])

    candidates: (label, a function of no arguments) pairs; those that do not raise are left out.
    """
    alike = []
    for label, computation in candidates:
        try:
            computation()
        except Exception as other:  # the candidates are the check's own slips, made on purpose
            if type(other) is type(error) and str(other) == str(error):
                alike.append(label)
    return alike


# --- a check that always answers in a sentence ------------------------------------------

def answers_in_a_sentence(check: Callable) -> Callable:
    """Decorate a check so that nothing but a CheckFailed (or its ✓) ever leaves it.

    A check names the mistakes it knows; this is the net below them. An attendee's object can
    break in ways no check foresees (a Node class edited by hand, a result whose attribute
    raises when the check reads it): the exception then becomes one sentence that says where
    the check stopped, instead of a traceback into the check's own code.
    """
    @functools.wraps(check)
    def checked(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except CheckFailed:
            raise
        except Exception as error:  # whatever the attendee's objects did: say it in a sentence
            what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            raise failure(f"{check.__name__} could not finish: {what}",
                          "It stopped on something your code made or returned. Run the cells "
                          "above this one again, in order, and compare what they make with the "
                          "docstrings.") from error
    return checked


def expect_class(value, name: str, usage: str) -> type:
    """``value`` if it is a class (the attendee's ``Module``, ``Linear``...); else fail with a sentence.

    name: the class as the notebook names it, "Module"; usage: how the check is called,
    "check_parameters(Module, Parameter)".  An object made from a class (``Module()``) gets
    its own sentence: the check wants the class itself.
    """
    if isinstance(value, type):
        if value.__name__ != name and re.search(rf"\b{re.escape(value.__name__)}\b", usage):
            fail(f"{usage} got the class {value.__name__} where {name} goes.",
                 f"Pass the classes in this order: {usage}.")
        return value
    if value is not None and type(value).__module__ not in ("builtins", "numpy"):
        fail(f"{usage} takes the class {name} itself; it got {_a(type(value).__name__)} object.",
             f"Pass the class, without brackets after it: {usage}.")
    fail(f"{usage} takes your class {name}; it got {_described(value)}.",
         f"Run the cell that defines class {name} first, then pass {name} itself.")
