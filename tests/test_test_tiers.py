"""Tests that need a program pip does not install skip where it is missing, once, and fail in CI.

The course's conftest.py is run for real, by pytest in a subprocess, on a small project: unit
tests marked ``dot`` and ``browser``, and a notebook whose first cell is tagged ``needs-dot``
and whose stored output no longer matches what the cell prints.  ``dot`` is hidden by a PATH
that holds nothing, or stood in for by a script that answers ``dot -V``.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

import conftest
from demystify.drawing import INSTALL_DOT

ROOT = Path(__file__).resolve().parents[1]
UNIT_TESTS = '''
import pytest

@pytest.mark.dot
def test_draws_with_dot():
    pass

@pytest.mark.browser
@pytest.mark.parametrize("deck", ["first", "second"])
def test_opens_a_deck(deck):
    pytest.skip("no Chromium to test the slide decks in")

@pytest.mark.browser
def test_opens_the_speaker_view():
    pytest.skip("no Chromium to test the slide decks in")

def test_needs_nothing():
    pass
'''


def a_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "conftest.py", project / "conftest.py")
    (project / "pytest.ini").write_text("[pytest]\nmarkers =\n    dot: x\n    browser: x\n")
    (project / "test_tools.py").write_text(UNIT_TESTS)
    drawn = new_code_cell('value = 2\nprint("drawn on this machine")', execution_count=1,
                          metadata={"tags": [conftest.NEEDS_DOT_TAG]},
                          outputs=[new_output("stream", name="stdout", text="drawn on the author's\n")])
    after = new_code_cell("print(value)", execution_count=2,  # fails unless the cell above ran
                          outputs=[new_output("stream", name="stdout", text="2\n")])
    nbformat.write(new_notebook(cells=[drawn, after]), project / "drawn.ipynb")
    return project


def pytest_run(project: Path, path: str, **environ: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "TESTS_REQUIRE"}
    environment.update(PATH=path, **environ)
    return subprocess.run([sys.executable, "-m", "pytest", "-rs", "--nbval", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-p", "no:randomly"],
                          cwd=project, env=environment, capture_output=True, text=True, timeout=300,
                          check=False)


def summary(run: subprocess.CompletedProcess) -> str:
    return run.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return a_project(tmp_path_factory.mktemp("tiers"))


@pytest.fixture(scope="module")
def empty_path(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("no-programs"))


@pytest.mark.notebooks
def test_without_dot_or_a_browser_each_is_skipped_with_one_line_that_says_how_to_install_it(
        project, empty_path):
    run = pytest_run(project, empty_path)
    assert run.returncode == 0, run.stdout
    assert re.search(r"\b2 passed, 5 skipped\b", summary(run)), run.stdout  # the cell after ran
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 2, skipped
    dot, browser = sorted(skipped)
    assert dot.startswith("SKIPPED [2] conftest.py:") and "`dot` is not installed" in dot
    assert browser.startswith("SKIPPED [3] test_tools.py: no Chromium")


def test_the_skip_reason_names_every_install_command_the_course_gives():
    commands = re.findall(r"`([^`]+)`", INSTALL_DOT)
    reason = conftest.dot_missing()
    for command in (c for c in commands if "install" in c):
        assert f"`{command}`" in reason
    assert {"apt-get install graphviz", "brew install graphviz", "winget install graphviz"} <= set(commands)


@pytest.mark.notebooks
def test_tests_require_turns_those_skips_into_failures(project, empty_path):
    run = pytest_run(project, empty_path, TESTS_REQUIRE="dot,browser")
    assert run.returncode == 1
    # the dot unit test fails in its set-up (an error), the others where they skip
    assert re.search(r"\b4 failed, 2 passed, 1 error\b", summary(run)), summary(run)
    assert "TESTS_REQUIRE=dot,browser: here dot must be installed." in run.stdout



@pytest.mark.notebooks
@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in dot is a shell script")
def test_where_dot_is_installed_the_cell_is_compared(project, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dot").write_text('#!/bin/sh\necho "dot - graphviz version 99.0.0 (0)" >&2\n')
    (bin_dir / "dot").chmod(0o755)
    run = pytest_run(project, str(bin_dir))
    assert run.returncode == 1 and "drawn on the author's" in run.stdout
    assert re.search(r"\b1 failed, 3 passed, 3 skipped\b", summary(run)), summary(run)


# --- drawings compared by what they show -------------------------------------------------

# The same two-node graph, as graphviz 2.43 (Debian) and 16.1 draw it: other coordinates, other
# markup, the same picture.
OLD = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Generated by graphviz version 2.43.0 (0) -->
<svg width="62pt" height="116pt" viewBox="0.00 0.00 62.00 116.00" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 112)">
<title>%3</title>
<polygon fill="white" stroke="transparent" points="-4,4 -4,-112 58,-112 58,4 -4,4"/>
<g id="node1" class="node"><title>x</title>
<ellipse fill="none" stroke="black" cx="27" cy="-90" rx="27" ry="18"/>
<text text-anchor="middle" x="27" y="-86.3" font-family="Helvetica,sans-Serif" font-size="11.00">x</text>
<text text-anchor="middle" x="27" y="-75.3" font-family="Helvetica,sans-Serif" font-size="11.00">(8,)</text>
</g>
<g id="node2" class="node"><title>h</title>
<ellipse fill="none" stroke="black" cx="27" cy="-18" rx="27" ry="18"/>
<text text-anchor="middle" x="27" y="-14.3" font-family="Helvetica,sans-Serif" font-size="11.00">tanh</text>
</g>
<g id="edge1" class="edge"><title>x&#45;&gt;h</title>
<path fill="none" stroke="firebrick" d="M27,-71.7C27,-63.98 27,-54.71 27,-46.11"/>
<polygon fill="firebrick" stroke="firebrick" points="30.5,-46.1 27,-36.1 23.5,-46.1 30.5,-46.1"/>
</g>
</g>
</svg>
"""
NEW = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Generated by graphviz version 16.1.0 (0)
 -->
<!-- Pages: 1 -->
<svg width="64pt" height="118pt" viewBox="0.00 0.00 64.00 118.00" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 114)">
<polygon fill="white" stroke="none" points="-4,4 -4,-114 60,-114 60,4 -4,4"/>
<!-- h -->
<g id="node2" class="node">
<title>h</title>
<ellipse fill="none" stroke="black" cx="28" cy="-18" rx="27.5" ry="18"/>
<text xml:space="preserve" text-anchor="middle" x="28" y="-13.8" font-family="Helvetica,sans-Serif" font-size="11.00">tanh</text>
</g>
<!-- x -->
<g id="node1" class="node">
<title>x</title>
<ellipse fill="none" stroke="black" cx="28" cy="-92" rx="27.5" ry="18"/>
<text xml:space="preserve" text-anchor="middle" x="28" y="-87.8" font-family="Helvetica,sans-Serif" font-size="11.00">x</text>
<text xml:space="preserve" text-anchor="middle" x="28" y="-76.8" font-family="Helvetica,sans-Serif" font-size="11.00">(8,)</text>
</g>
<!-- x&#45;&gt;h -->
<g id="edge1" class="edge">
<title>x&#45;&gt;h</title>
<path fill="none" stroke="firebrick" d="M28,-73.7C28,-66.41 28,-57.73 28,-49.54"/>
<polygon fill="firebrick" stroke="firebrick" points="31.5,-49.62 28,-39.62 24.5,-49.62 31.5,-49.62"/>
</g>
</g>
</svg>
"""


def test_two_graphviz_versions_drawing_the_same_graph_compare_equal():
    assert OLD != NEW
    assert conftest.drawing_content(OLD) == conftest.drawing_content(NEW)
    assert "node x: x | (8,) [black]" in conftest.drawing_content(OLD)


@pytest.mark.parametrize("change", [(">tanh<", ">relu<"), ("firebrick", "steelblue"),
                                    ("<title>x&#45;&gt;h</title>", "<title>h&#45;&gt;x</title>"),
                                    ("(8,)", "(25,)")])
def test_a_changed_label_colour_or_edge_is_a_different_drawing(change):
    assert conftest.drawing_content(OLD.replace(*change)) != conftest.drawing_content(OLD)


def test_a_missing_node_is_a_different_drawing():
    start = OLD.index('<g id="node2"')
    without_h = OLD[:start] + OLD[OLD.index("</g>", start) + len("</g>"):]
    assert conftest.drawing_content(without_h) != conftest.drawing_content(OLD)


def test_a_cell_needs_dot_if_its_output_is_a_drawing_or_it_is_tagged():
    drawing = new_code_cell("graph", outputs=[new_output("execute_result", data={
        "image/svg+xml": OLD, "text/plain": "<Drawing>"}, execution_count=1)])
    tagged = new_code_cell("report()", metadata={"tags": [conftest.NEEDS_DOT_TAG]})
    plain = new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")])
    assert conftest.needs_dot(drawing) and conftest.needs_dot(tagged) and not conftest.needs_dot(plain)
