"""Modules made from a lesson's cells: what a lesson builds, importable by the notebooks after it.

Notebook 11 builds a scalar autodiff in front of the room (``Value``, ``topological_order``,
``draw``, ``backward``, ...); notebook 12 imports its topological order and its drawing instead
of asking for them again, and the tests check its gradients against PyTorch.  The lesson is the
one source: its code cells tagged ``export`` (cell metadata ``"tags": ["export"]``) are copied,
in order, into the module, under a header that says where they come from.  A test holds each
module equal to what this generator makes from its lesson.

An exported cell may only define things (imports, functions, classes, assignments): a cell that
prints, draws or computes a result for the slides stays in the notebook alone.

    python -m demystify.lesson_code           # rewrite every lesson module that is out of date
    python -m demystify.lesson_code --check   # write nothing; exit 1 if one is out of date
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat

from .course import ROOT, sync

TAG = "export"


class LessonModule(NamedTuple):
    notebook: str      # the lesson, relative to the repository
    module: str        # the module written from it, relative to the repository
    summary: str       # the first lines of the module's docstring


LESSON_MODULES = (
    LessonModule(
        "notebooks/11-computational-graph.ipynb", "src/demystify/computational_graph.py",
        "The scalar autodiff that notebook 11 builds: ``Value``, its primitives and operators,\n"
        "``topological_order``, ``draw``, ``backward`` and ``backward_counting`` (the walk in the\n"
        "order autograd and PyTorch use), and micrograd's two-moons network on top of them.\n\n"
        "    from demystify.computational_graph import Value, tanh, backward\n"
        "    w = Value(0.8); loss = (tanh(w * 0.5) - 1) ** 2; backward(loss); w.grad\n\n"
        "``topological_order`` and ``draw`` only ask a node for ``parents`` and ``number``, so\n"
        "notebook 12 uses them on its array nodes too."),
)

ALLOWED = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)


class LessonCodeError(ValueError):
    """A lesson's exported cells cannot make a module; the message names the notebook and cell."""


def exported_cells(notebook: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell number from 1, source) of each code cell tagged ``export``, in order."""
    return [(number, cell.source) for number, cell in enumerate(notebook.cells, start=1)
            if cell.cell_type == "code" and TAG in cell.metadata.get("tags", [])]


def _check_definitions(source: str, where: str) -> None:
    """Refuse a cell that is not plain Python made only of definitions."""
    if any(line.lstrip().startswith(("%", "!")) for line in source.split("\n")):
        raise LessonCodeError(f"{where}: an IPython magic (% or !) cannot go into a module. "
                              "Move it to a cell that is not tagged export.")
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise LessonCodeError(f"{where}: it is not valid Python ({error.msg}, line {error.lineno}).") from None
    for statement in tree.body:
        docstring = isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        if not (isinstance(statement, ALLOWED) or docstring):
            raise LessonCodeError(
                f"{where}, line {statement.lineno}: a module cell may only define things (imports, "
                f"functions, classes, assignments), not run a {type(statement).__name__.lower()}. "
                "Move what it shows to a cell of its own, without the export tag.")


def module_text(notebook: nbformat.NotebookNode, lesson: LessonModule) -> str:
    """The module's source: the header, then the exported cells separated by two blank lines."""
    cells = exported_cells(notebook)
    if not cells:
        raise LessonCodeError(f"{lesson.notebook}: no code cell is tagged {TAG!r}, so there is "
                              f"nothing to write to {lesson.module}.")
    for number, source in cells:
        _check_definitions(source, f"{lesson.notebook}, cell {number}")
    header = (f'"""{lesson.summary}\n\n'
              f"Generated from the cells tagged {TAG!r} in {lesson.notebook} by\n"
              "`python -m demystify.lesson_code`: edit the notebook, then run that (a test holds\n"
              'the two equal).\n"""\n')
    return header + "".join(f"\n\n{source.strip()}\n" for _, source in cells)


def generate(lesson: LessonModule, root: Path = ROOT) -> str:
    """The module of ``lesson``, as the text that is written to disk."""
    path = root / lesson.notebook
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat fails in many ways (I/O, JSON, schema)
        raise LessonCodeError(f"{lesson.notebook} could not be read ({type(error).__name__}: "
                              f"{str(error).splitlines()[0][:200]}).") from None
    return module_text(notebook, lesson)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demystify.lesson_code",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a lesson module is out of date")
    args = parser.parse_args(argv)
    try:
        texts = {lesson: generate(lesson) for lesson in LESSON_MODULES}
    except LessonCodeError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    return sync({ROOT / lesson.module: text for lesson, text in texts.items()}, args.check,
                "lesson modules", "python -m demystify.lesson_code")

if __name__ == "__main__":
    sys.exit(main())
