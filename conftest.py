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

import os
import time
from collections import defaultdict
from pathlib import Path

import pytest

# Notebook kernels inherit this environment: numpy's BLAS on one thread, as torch is. The
# course's matrices are small, and two BLAS threads on a busy 2-core machine make a notebook
# several times slower (measured: 8 s instead of 30 s for notebook 16 under load).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

ROOT = Path(__file__).resolve().parent
NOTEBOOK_BUDGET = 60.0  # seconds; every notebook should stay well under it
_seconds: dict[str, float] = defaultdict(float)


def is_exercise(path: Path) -> bool:
    return path.parent.name == "notebooks" and (path.parent.parent / "solutions" / path.name).exists()


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
