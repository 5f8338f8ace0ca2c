"""Run All on an untouched exercise notebook: one line per stopped cell, not a traceback.

An exercise stub raises ``NotImplementedError`` with a nudge, and every later cell that
needs its answer fails too, with a ``NameError`` for a name the stub never defined.  In
IPython, :func:`explain_unfinished` shows those two as one line each::

    ✗ Exercise 2 is not finished: init_params is not written yet.
      One line per layer: its weights, then its biases.
    ✗ Finish exercise 2 first: `params` is made from it (then run this cell again).

Which exercise makes which name comes from the solution notebook, the one source of the
exercise (:func:`demystify.exercises.unfinished_names`).  Every other error keeps its
usual traceback: a typo in the attendee's own code is theirs to see.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

from demystify.course import ROOT, SOLUTIONS
from demystify.checks.core import raised_by_a_library


class Waiting(NamedTuple):
    """What an untouched exercise notebook waits for: {name: {N, ...}} and {stub's nudge: N}."""
    names: dict[str, frozenset[int]]
    nudges: dict[str, int]


def exercises(numbers) -> str:
    """'exercise 2', 'exercises 1 and 2', 'exercises 1, 2 and 4'."""
    shown = [str(n) for n in sorted(numbers)]
    if len(shown) == 1:
        return f"exercise {shown[0]}"
    return f"exercises {', '.join(shown[:-1])} and {shown[-1]}"


@functools.cache
def answers(notebook: str) -> Waiting:
    """What the exercise notebook ``notebook`` ('06-weights-exercises') waits for, from its solution."""
    from demystify.exercises import ExerciseError, read_solution, unfinished_names, unfinished_nudges

    path = ROOT / SOLUTIONS / f"{notebook}.ipynb"
    try:
        solution = read_solution(path)
        return Waiting(unfinished_names(solution, notebook), unfinished_nudges(solution, notebook))
    except (ExerciseError, OSError):
        return Waiting({}, {})


def message(error: BaseException, waiting: Waiting) -> str | None:
    """The one line for an error that an unfinished exercise caused, or None for any other."""
    names, nudges = waiting
    if isinstance(error, NameError) and getattr(error, "name", None) in names:
        return (f"✗ Finish {exercises(names[error.name])} first: `{error.name}` is made from "
                f"{'it' if len(names[error.name]) == 1 else 'them'} (then run this cell again).")
    if isinstance(error, NotImplementedError) and not raised_by_a_library(error):
        stub = _raised_in(error)          # the function whose stub raised, or None at a cell's top
        number = nudges.get(str(error))   # a stub's nudge names its exercise
        if number is None and stub is not None and len(names.get(stub.split(".")[-1], ())) == 1:
            number, = names[stub.split(".")[-1]]
        text = f"✗ Exercise {number} is not finished" if number else "✗ This exercise is not finished"
        text += f": {stub} is not written yet." if stub else " yet."
        return text + (f"\n  {error}" if str(error) else "")
    return None


def _raised_in(error: BaseException) -> str | None:
    """The qualified name of the function that raised ``error`` ('Linear.__init__'), or None
    if it was raised at the top level of a cell."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None or tb.tb_frame.f_code.co_name == "<module>":
        return None
    code = tb.tb_frame.f_code
    return getattr(code, "co_qualname", code.co_name)     # co_qualname: Python 3.11 and later


def explain_unfinished(notebook: str) -> None:
    """In IPython, explain errors caused by the unfinished exercises of ``notebook`` in one line.

    Called by each exercise's check module when it is imported; outside IPython it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        line = message(value, answers(notebook))
        if line is None:
            stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        else:
            stb = ["\x1b[31m" + text + "\x1b[0m" for text in line.splitlines()]
        shell._showtraceback(etype, value, stb)   # IPython shows what the handler does not return

    shell.set_custom_exc((NameError, NotImplementedError), handler)
