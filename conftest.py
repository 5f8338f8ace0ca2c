"""pytest set-up shared by the unit tests and the notebook runs.

It lives at the top of the repository so that it applies to notebooks/ and solutions/
as well as tests/, however pytest is called (`make test`, or a single notebook).

- Exercise notebooks (a notebook in notebooks/ with a twin in solutions/) are
  checked lax, as ``--nbval-lax`` would: every cell must run (cells tagged
  ``raises-exception`` may raise), outputs are not compared.  Lessons and
  solutions are compared strictly against their committed outputs.
- At the end, the run time of each notebook is printed, slowest first, and a
  notebook slower than NOTEBOOK_BUDGET seconds fails the run.
"""
from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path

import pytest

from demystify.course import ROOT, is_exercise, use_single_thread

use_single_thread()  # notebook kernels inherit it: numpy's BLAS on one thread, as torch is
NOTEBOOK_BUDGET = 60.0  # seconds; every notebook should stay well under it
_seconds: dict[str, float] = defaultdict(float)


@pytest.hookimpl(hookwrapper=True)
def pytest_collect_file(file_path, parent):
    outcome = yield
    if file_path.suffix == ".ipynb" and is_exercise(file_path):
        for collector in outcome.get_result() or []:
            if hasattr(collector, "compare_outputs"):
                collector.compare_outputs = False  # the --nbval-lax behaviour, for this file only


def _notebook_of(item) -> str | None:
    path = Path(str(item.fspath))
    return str(path.relative_to(ROOT)) if path.suffix == ".ipynb" else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start = time.perf_counter()
    yield
    notebook = _notebook_of(item)
    if notebook:  # includes kernel start-up, which happens in the first cell's set-up
        _seconds[notebook] += time.perf_counter() - start


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _seconds:
        return
    write = terminalreporter.write_line
    terminalreporter.section("notebook run times, slowest first")
    for notebook, seconds in sorted(_seconds.items(), key=lambda kv: -kv[1]):
        flag = "  <-- over budget" if seconds > NOTEBOOK_BUDGET else ""
        write(f"{seconds:6.1f} s  {notebook}{flag}")
    write(f"{sum(_seconds.values()):6.1f} s  in all ({len(_seconds)} notebooks)")


def pytest_sessionfinish(session, exitstatus):
    slow = [nb for nb, seconds in _seconds.items() if seconds > NOTEBOOK_BUDGET]
    if slow and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- Run All on an untouched exercise: one line per stopped cell, never a traceback -------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def untouched_exercise_tracebacks(outputs) -> list[str]:
    """The error outputs that are not a self-check's one-line "✗ ..." (NameError, tracebacks)."""
    shown = (_ANSI.sub("", "\n".join(out.get("traceback", []))).lstrip() for out in outputs
             if out.get("output_type") == "error")
    return [text for text in shown if not text.startswith("✗")]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """In an exercise notebook, as generated (every answer a stub), a cell that stops must say
    why in one line ("finish exercise 2 first"), not with a NameError or a traceback."""
    outcome = yield
    outputs = getattr(item, "test_outputs", None)
    if outcome.excinfo is None and outputs and is_exercise(Path(str(item.fspath))):
        raw = untouched_exercise_tracebacks(outputs)
        if raw:
            pytest.fail("Run All on the untouched exercise shows a traceback here, not one line "
                        f"that says what to finish first:\n{raw[0][:1500]}", pytrace=False)
