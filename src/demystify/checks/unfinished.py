"""Run All on an untouched exercise notebook: one line per stopped cell, not a traceback.

An exercise stub raises ``NotImplementedError`` with a nudge, and every later cell that
needs its answer fails too, with a ``NameError`` for a name the stub never defined.  In
IPython, :func:`explain_unfinished` shows those two as one line each::

    ✗ Exercise 2 is not finished: init_params is not written yet.
      One line per layer: its weights, then its biases.
    ✗ Finish exercise 2 first: `params` is made there (then run this cell again).

Which exercise makes which name comes from the solution notebook, the one source of the
exercise (:func:`demystify.exercises.unfinished_names`).  Every other error keeps its
usual traceback: a typo in the attendee's own code is theirs to see.
"""
from __future__ import annotations

import functools
import traceback
from typing import NamedTuple

from demystify.course import ROOT, SOLUTIONS


class Waiting(NamedTuple):
    """What an untouched exercise notebook waits for: {name: N} and {stub's nudge: N}."""
    names: dict[str, int]
    nudges: dict[str, int]


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
        return (f"✗ Finish exercise {names[error.name]} first: `{error.name}` is made there "
                f"(then run this cell again).")
    if isinstance(error, NotImplementedError):
        frames = [frame.name for frame in traceback.extract_tb(error.__traceback__)]
        stub = next((name for name in reversed(frames) if name in names), None)
        nudge = f"\n  {error}" if str(error) else ""
        if stub is not None:
            return f"✗ Exercise {names[stub]} is not finished: {stub} is not written yet.{nudge}"
        if str(error) in nudges:
            return f"✗ Exercise {nudges[str(error)]} is not finished yet.{nudge}"
        return f"✗ This exercise is not finished yet.{nudge}"
    return None


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
