"""Garbage an attendee might hand a self-check, for the property tests of every check.

    @given(garbage())            # a value: None, a string, nested lists, a NaN array, a class...
    @given(garbage_function())   # a function that raises or returns one of those values
"""
import numpy as np
from hypothesis import strategies as st

ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, ZeroDivisionError,
          RecursionError, NotImplementedError, RuntimeError, AssertionError, StopIteration,
          NameError)


class Odd:
    """An object whose every use raises: attributes, iteration, arithmetic, comparison."""

    def __getattr__(self, name):
        raise AttributeError(f"Odd has no {name}")

    def __iter__(self):
        raise TypeError("Odd is not iterable")

    def __eq__(self, other):
        raise RuntimeError("Odd cannot be compared")

    __hash__ = object.__hash__


def _arrays():
    shapes = st.sampled_from([(), (1,), (2,), (3, 4), (2, 3), (5,), (0,), (2, 2, 2)])
    fills = st.sampled_from([np.nan, np.inf, 0.0, 1.0, -1e300])
    return st.builds(lambda shape, fill: np.full(shape, fill), shapes, fills)


def garbage():
    """A value that is no answer: numbers, strings, containers, NaN arrays, classes, odd objects."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True),
                        st.text(max_size=5), st.just(b"bytes"), st.just(Odd()), st.just(object),
                        st.just(type("Empty", (), {})), st.just(Ellipsis))
    return st.recursive(st.one_of(scalars, _arrays()),
                        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                st.tuples(inner, inner),
                                                st.dictionaries(st.text(max_size=2), inner, max_size=2)),
                        max_leaves=4)


def _raising(error):
    def function(*args, **kwargs):
        raise error("garbage")
    return function


def _returning(value):
    def function(*args, **kwargs):
        return value
    return function


def garbage_function():
    """A function of any arguments that raises some exception, or returns garbage (or a function
    that returns garbage: a factory such as wrap or grad)."""
    return st.one_of(st.sampled_from(ERRORS).map(_raising), garbage().map(_returning),
                     garbage().map(lambda value: _returning(_returning(value))))
