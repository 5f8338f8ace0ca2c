"""pytest set-up shared by the unit tests and the notebook runs.

It lives at the top of the repository so that it applies to notebooks/ and solutions/
as well as tests/, however pytest is called (`python3 course.py test`, or a single notebook).

- Exercise notebooks (a notebook in notebooks/ with a twin in solutions/) are
  checked lax, as ``--nbval-lax`` would: every cell must run (cells tagged
  ``raises-exception`` may raise), outputs are not compared.  Lessons and
  solutions are compared strictly against their committed outputs.
- At the end, the run time of each notebook is printed, slowest first, and a
  notebook slower than NOTEBOOK_BUDGET seconds fails the run.
- Tests that need a program pip does not install carry a marker: ``dot`` (graphviz's ``dot``)
  or ``browser`` (Chromium, tests/test_slides.py).  A notebook cell needs ``dot`` when its
  committed output is a drawing (an SVG) or when it is tagged ``needs-dot`` (notebook 00's
  table, which reports dot).  Where the program is missing they are skipped, with one reason
  per program (a cell still runs; only its comparison is skipped).  ``TESTS_REQUIRE=dot,browser``
  (as CI sets) makes those skips failures: there, nothing may be skipped for a missing program.
- Drawings are compared by what they show: each node, edge and cluster with its labels and
  colours, not the coordinates and markup that change from one graphviz version to another.
"""
from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree

import pytest
from nbval.plugin import IPyNbCell

from demystify.course import is_exercise, use_single_thread

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
    return str(path.relative_to(item.config.rootpath)) if path.suffix == ".ipynb" else None


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


# --- programs that pip does not install --------------------------------------------------

REQUIRED = {name.strip() for name in os.environ.get("TESTS_REQUIRE", "").split(",") if name.strip()}
NEEDS_DOT_TAG = "needs-dot"


def dot_missing() -> str:
    """Why a test that needs graphviz's dot is skipped: the course's own install commands."""
    from demystify.drawing import INSTALL_DOT
    commands = [f"`{quoted}`" for quoted in re.findall(r"`([^`]+)`", INSTALL_DOT) if "install" in quoted]
    return ("graphviz's `dot` is not installed, so its drawings are not compared. Install it with "
            + ", ".join(commands[:-1]) + " or " + commands[-1])


def skip_without_dot():
    pytest.skip(dot_missing())  # one line for every test that needs dot, in the summary


def needs_dot(cell) -> bool:
    """A notebook cell whose committed output was made with graphviz's dot."""
    drawn = any("image/svg+xml" in output.get("data", {}) for output in cell.get("outputs", []))
    return drawn or NEEDS_DOT_TAG in cell.get("metadata", {}).get("tags", [])


SVG = "{http://www.w3.org/2000/svg}"


def drawing_content(svg: str) -> str:
    """What a graphviz SVG shows, whatever the version that drew it: one sorted line for each
    node, edge and cluster, with its name, labels and colours."""
    try:
        root = ElementTree.fromstring(svg.encode())
    except ElementTree.ParseError:
        return svg
    lines = []
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class")
        if kind in ("node", "edge", "cluster"):
            labels = [" ".join("".join(text.itertext()).split()) for text in group.iter(f"{SVG}text")]
            colours = sorted({element.get(attribute) for element in group.iter()
                              for attribute in ("fill", "stroke")} - {None, "none"})
            lines.append(f"{kind} {group.findtext(f'{SVG}title', '')}: {' | '.join(labels)} "
                         f"[{' '.join(colours)}]")
    return "graphviz drawing\n" + "\n".join(sorted(lines))


def compare_drawings_by_content(cell: IPyNbCell) -> None:
    sanitize = cell.sanitize
    cell.sanitize = lambda text: sanitize(
        drawing_content(text) if isinstance(text, str) and "<svg" in text[:1000] else text)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, IPyNbCell):
            compare_drawings_by_content(item)
            if needs_dot(item.cell):
                item.add_marker(pytest.mark.dot)


def pytest_runtest_setup(item):
    if item.get_closest_marker("dot") is None:
        return
    from demystify.drawing import has_dot
    if has_dot():
        return
    if isinstance(item, IPyNbCell):
        item.options["check"] = False  # the cell still runs: later cells may need what it makes
        item.dot_missing = True
    else:
        skip_without_dot()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if getattr(item, "dot_missing", False):
        skip_without_dot()
    outputs = getattr(item, "test_outputs", None)
    if outputs and is_exercise(Path(str(item.fspath))):
        raw = untouched_exercise_tracebacks(outputs)
        if raw:  # an untouched exercise: a cell that stops says why in one line
            pytest.fail("Run All on the untouched exercise shows a traceback here, not one line "
                        f"that says what to finish first:\n{raw[0][:1500]}", pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip for a missing program: one line per program in the summary, a failure if required."""
    report = yield
    tool = next((name for name in ("dot", "browser") if item.get_closest_marker(name)), None)
    if tool is None or not report.skipped or not isinstance(report.longrepr, tuple):
        return report
    path, _, reason = report.longrepr
    if tool in REQUIRED:
        report.outcome = "failed"
        report.longrepr = (f"{reason.removeprefix('Skipped: ')}\n"
                           f"TESTS_REQUIRE={os.environ['TESTS_REQUIRE']}: here {tool} must be installed.")
    elif tool == "browser":
        report.longrepr = (path, None, reason)  # the same reason from every test of the file: one line
    return report


# --- Run All on an untouched exercise: one line per stopped cell, never a traceback -------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def untouched_exercise_tracebacks(outputs) -> list[str]:
    """The error outputs that are not a self-check's one-line "✗ ..." (NameError, tracebacks)."""
    shown = (_ANSI.sub("", "\n".join(out.get("traceback", []))).lstrip() for out in outputs
             if out.get("output_type") == "error")
    return [text for text in shown if not text.startswith("✗")]
