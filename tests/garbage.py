"""What an attendee might hand a self-check, for the property tests of the checks.

Every check answers whatever it is given with a sentence (a CheckFailed), never with another
exception from its own code, and never passes garbage:

    @given(answer=garbage.answers())
    def test_check_neuron_answers_garbage_with_a_sentence(answer):
        garbage.is_refused(check_neuron, answer)

``answers()`` draws values (None, strings, numbers, NaN, nested lists, arrays of any shape
and dtype, dictionaries) and functions of any arity that return such values or raise;
``near_misses(right)`` wraps a right answer so that its result is changed a little (a list
instead of an array, NaN, another shape, pairs instead of one flat list, ...).
"""
import contextlib
import io

import numpy as np
from hypothesis import strategies as st  # noqa: F401 (st is used by the tests too)
from hypothesis.extra import numpy as hnp

from demystify.checks.core import CheckFailed

EXCEPTIONS = [ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, AttributeError,
              RuntimeError, AssertionError, StopIteration, NotImplementedError, RecursionError,
              OverflowError, FloatingPointError, NameError, UnboundLocalError]

class Odd:
    """An object whose every use raises: attributes, iteration, arithmetic, comparison."""

    def __getattr__(self, name):
        raise AttributeError(f"Odd has no {name}")

    def __iter__(self):
        raise TypeError("Odd is not iterable")

    def __eq__(self, other):
        raise RuntimeError("Odd cannot be compared")

    __hash__ = object.__hash__


ODD_VALUES = [Odd(), object, type("Empty", (), {}), Ellipsis,
              np.array([None, 1.0], dtype=object), np.full((3, 3), np.nan), np.full(6, np.inf),
              np.zeros((0,)), np.zeros((2, 0)), np.array(["0.5", "1"]), np.array([1 + 2j]),
              (value for value in range(3)), print, object(), 10 ** 40, "0.95", b"0.5",
              {"accuracy": 0.95}, {1, 2}, range(6), slice(1)]

arrays = hnp.arrays(dtype=st.sampled_from([np.float64, np.int64, np.bool_, np.complex128, "U3"]),
                    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))

leaves = st.one_of(st.none(), st.text(max_size=4), st.integers(), st.booleans(),
                   st.floats(allow_nan=True, allow_infinity=True), st.complex_numbers(),
                   arrays, st.sampled_from(ODD_VALUES))

values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=2), inner, max_size=2)), max_leaves=10)


def returning(value):
    """A function of any arguments that returns ``value``."""
    return lambda *args, **kwargs: value


def raising(error_type):
    """A function of any arguments that raises ``error_type``."""
    def broken(*args, **kwargs):
        raise error_type("raised on purpose by the attendee's code")
    return broken


WRONG_ARITY = [lambda: 0.5, lambda a: a, lambda a, b: a, lambda a, b, c, d, e, f: a,
               lambda *, key: key, lambda a, *, key: a]

functions = st.one_of(st.builds(returning, values), st.builds(raising, st.sampled_from(EXCEPTIONS)),
                      st.sampled_from(WRONG_ARITY),
                      st.builds(lambda value: returning(returning(value)), values))  # a factory: wrap, grad


def answers():
    """Garbage for any argument of a check: a function that returns or raises nonsense, a
    function of the wrong arity, or no function at all."""
    return st.one_of(functions, values)


# --- near misses: a right answer, changed a little ---------------------------------------

def _each(transform):
    """The transform applied to every entry of a list or tuple (to the value itself otherwise)."""
    def changed(value):
        if isinstance(value, (list, tuple)):
            return type(value)(transform(item) for item in value)
        return transform(value)
    return changed


def _pairs(value):
    return [list(value[k:k + 2]) for k in range(0, len(value), 2)] if isinstance(value, list) \
        else value


def _as_array(value):
    try:
        return np.asarray(value)
    except ValueError:
        return value


TRANSFORMS = {
    "None": lambda value: None,
    "tolist": _each(lambda v: v.tolist() if isinstance(v, np.ndarray) else v),
    "a tuple": lambda value: tuple(value) if isinstance(value, list) else (value,),
    "a list around it": lambda value: [value],
    "NaN": _each(lambda v: np.full(np.shape(v), np.nan)),
    "inf": _each(lambda v: np.full(np.shape(v), np.inf)),
    "strings": _each(lambda v: np.asarray(v).astype(str)),
    "a column": _each(lambda v: np.reshape(v, (-1, 1))),
    "transposed": _each(lambda v: np.transpose(v)),
    "one more axis": _each(lambda v: np.asarray(v)[None]),
    "pairs": _pairs,
    "reversed": lambda value: value[::-1] if isinstance(value, (list, tuple)) else value,
    "the last one dropped": lambda value: value[:-1] if isinstance(value, (list, tuple)) else value,
    "one more": lambda value: [*value, value[0]] if isinstance(value, (list, tuple)) and value
    else value,
    "a dict": lambda value: {"answer": value},
    "an array of it": _as_array,
    "a string": lambda value: str(value),
    "doubled": _each(lambda v: 2 * np.asarray(v, dtype=float)),
    "the sum": _each(lambda v: np.sum(v)),
}


def near_misses(right):
    """Functions that call ``right`` and change what it returns a little (see TRANSFORMS)."""
    def missing(transform):
        return lambda *args, **kwargs: transform(right(*args, **kwargs))
    return st.builds(missing, st.sampled_from(list(TRANSFORMS.values())))


# --- what the property tests assert ---------------------------------------------------------

def outcome(check, *args) -> str | None:
    """The sentence ``check(*args)`` fails with, or None if it passes; any other exception
    (from the check's own code) propagates and fails the test."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(*args)
    except CheckFailed as failure:
        text = str(failure)
        assert text.startswith("✗ ") and len(text) > 10, text
        return text
    return None


def is_refused(check, *args) -> None:
    """``check(*args)`` fails with a sentence: garbage never passes, never crashes the check."""
    assert outcome(check, *args) is not None, "garbage passed the check"
