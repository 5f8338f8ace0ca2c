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
- ``expect_array(actual, expected, what, mistakes)`` compares arrays and names
  the likely mistake: a transpose, a flipped sign, a constant factor, or any of
  the ``mistakes`` given as ``(wrong_answer, hint)`` pairs.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

Mistakes = Iterable[tuple[np.ndarray, str]]


class CheckFailed(AssertionError):
    """A self-check found a mistake; the message says what it is and how to fix it."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback.
        return ["\x1b[31m" + line + "\x1b[0m" for line in str(self).splitlines()]


def passed(message: str) -> None:
    """Report a check that passed."""
    print(f"✓ {message}")


def fail(message: str, hint: str | None = None) -> None:
    """Stop with a message that says what is wrong and, if known, how to fix it."""
    text = f"✗ {message}"
    if hint:
        text += "\n  " + hint.replace("\n", "\n  ")
    raise CheckFailed(text)


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
    for denominator in range(1, 65):
        if np.isclose(k * denominator, round(k * denominator), rtol=1e-6, atol=1e-9):
            top = round(k * denominator)
            return str(top) if denominator == 1 else f"{top}/{denominator}"
    return f"{k:.3g}"


def expect_array(actual, expected, what: str, mistakes: Mistakes = (),
                 rtol: float = 1e-6, atol: float = 1e-8, shape_hint: str | None = None) -> None:
    """Fail with a helpful message unless ``actual`` equals ``expected`` (shape and values).

    ``what`` names the quantity ("layer_forward(X, W, b)"), ``mistakes`` are
    ``(wrong_answer, hint)`` pairs: if the attendee's answer matches a wrong
    answer, its hint is shown.  ``shape_hint`` is added to any shape message.
    """
    expected = np.asarray(expected, dtype=float)
    if actual is None:
        fail(f"{what} returned None; expected an array of shape {expected.shape}.",
             "Did you forget to `return` the result?")
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        fail(f"{what} returned a {type(actual).__name__}, which is not an array of numbers; "
             f"expected shape {expected.shape}.")
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
    if np.isnan(actual).any():
        fail(f"{what} contains NaN.", "Look for a division by zero, a log of a negative number, "
             "or an overflow (values too large).")
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
        fail(f"{what} is {float(actual):.6g}; expected {float(expected):.6g}.")
    worst = np.unravel_index(np.argmax(np.abs(actual - expected)), actual.shape)
    fail(f"{what} has the right shape but different values: at index {tuple(map(int, worst))} "
         f"it is {actual[worst]:.6g}, expected {expected[worst]:.6g}.")


def expect_true(condition: bool, message: str, hint: str | None = None) -> None:
    """Fail with ``message`` (and ``hint``) unless ``condition`` holds."""
    if not condition:
        fail(message, hint)
