"""Make the exercise notebooks from the solution notebooks (one source for both).

A solution notebook in ``solutions/`` marks each answer the nbgrader way, with a
hint for the attendee on the line after ``BEGIN``::

    def layer_forward(X, W, b):
        \"\"\"X: (n_samples, n_in)   W: (n_in, n_out)   b: (n_out,)\"\"\"
        ### BEGIN SOLUTION
        ### HINT: Multiply the batch by the weights, add the bias, then apply tanh.
        return np.tanh(X @ W + b)
        ### END SOLUTION

The exercise twin in ``notebooks/`` (same file name) gets, in place of the block,
``raise NotImplementedError("Multiply the batch by ...")`` at the same indentation.
Markdown answers between the same markers become an answer prompt.  Outputs
are cleared, and every code cell that would now fail -- a cell with a stub,
and any later cell that uses a name such a cell defines -- is tagged
``raises-exception``, so the untouched exercise notebook still runs to its end
under CI.

    python -m demystify.exercises           # regenerate every exercise notebook
    python -m demystify.exercises --check   # exit 1 if any is out of date
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import sys
from pathlib import Path

import nbformat

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
RAISES = "raises-exception"
from .course import ROOT, exercise_of  # the repository; a solution's exercise twin


class ExerciseError(ValueError):
    """A solution notebook's markers are malformed; the message names the notebook and cell."""


def _blocks(source: str, where: str):
    """Yield ('text', line) and ('block', (indent, hint)) items of a cell's source."""
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped == END:
            raise ExerciseError(f"{where}: '{END}' without a '{BEGIN}' before it.")
        if stripped != BEGIN:
            yield "text", lines[i]
            i += 1
            continue
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        hint, j = [], i + 1
        while j < len(lines) and lines[j].strip().startswith(HINT):
            hint.append(lines[j].strip()[len(HINT):].strip())
            j += 1
        while j < len(lines) and lines[j].strip() != END:
            if lines[j].strip() == BEGIN:
                raise ExerciseError(f"{where}: '{BEGIN}' inside another solution block.")
            j += 1
        if j == len(lines):
            raise ExerciseError(f"{where}: '{BEGIN}' without a matching '{END}'.")
        if not hint:
            raise ExerciseError(f"{where}: add a '{HINT} ...' line right after '{BEGIN}' "
                                "saying what the attendee should do.")
        yield "block", (indent, " ".join(hint))
        i = j + 1


def stub_code(source: str, where: str = "cell") -> str:
    """The source with each solution block replaced by a NotImplementedError stub."""
    out = []
    for kind, item in _blocks(source, where):
        if kind == "text":
            out.append(item)
        else:
            indent, hint = item
            out.append(f"{indent}raise NotImplementedError({json.dumps(hint, ensure_ascii=False)})")
    return "\n".join(out)


def stub_markdown(source: str, where: str = "cell") -> str:
    """The markdown with each answer block replaced by a prompt for the attendee's answer."""
    out = []
    for kind, item in _blocks(source, where):
        out.append(item if kind == "text" else f"*Your answer here. Hint: {item[1]}*")
    return "\n".join(out)


class _Names(ast.NodeVisitor):
    """Names a cell reads (anywhere) and binds at the top level of the notebook."""

    def __init__(self) -> None:
        self.loads: set[str] = set()
        self.stores: set[str] = set()
        self.depth = 0  # > 0 inside a function, lambda or class body

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.loads.add(node.id)
        elif self.depth == 0:
            self.stores.add(node.id)

    def _scope(self, node) -> None:
        if self.depth == 0 and hasattr(node, "name"):
            self.stores.add(node.name)
        for decorator in getattr(node, "decorator_list", []):
            self.visit(decorator)
        self.depth += 1
        for child in ast.iter_child_nodes(node):
            if child not in getattr(node, "decorator_list", []):
                self.visit(child)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _scope

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):      # x += 1 reads x as well
            self.loads.add(node.target.id)
        self.generic_visit(node)

    def visit_Import(self, node) -> None:
        if self.depth == 0:
            for alias in node.names:
                self.stores.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import


def names(source: str) -> tuple[set[str], set[str]] | None:
    """(names read, names bound) by a code cell, or None if it cannot be parsed."""
    python = "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                       for line in source.split("\n"))
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return None
    visitor = _Names()
    visitor.visit(tree)
    return visitor.loads, visitor.stores


def make_exercise(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The exercise twin of a solution notebook (the solution is not modified)."""
    exercise = copy.deepcopy(solution)
    broken: set[str] = set()  # names whose value a stub prevents from existing
    for number, cell in enumerate(exercise.cells):
        where = f"{name}, cell {number}"
        if cell.cell_type == "markdown":
            cell.source = stub_markdown(cell.source, where)
            continue
        if cell.cell_type != "code":
            continue
        source = stub_code(cell.source, where)
        stubbed = source != cell.source
        # what the cell reads once stubbed, and what the solved cell would have defined
        found, solved = names(source), names(cell.source)
        loads = found[0] if found is not None else set(broken)
        stores = solved[1] if solved is not None else set()
        tags = list(cell.metadata.get("tags", []))
        if stubbed or loads & broken:
            broken |= stores
            if RAISES not in tags:
                tags.append(RAISES)
        else:
            broken -= stores
        if tags:
            cell.metadata["tags"] = tags
        cell.metadata.pop("execution", None)
        cell.source, cell.outputs, cell.execution_count = source, [], None
    return exercise


def exercise_path(solution_path: Path) -> Path:
    return exercise_of(solution_path)


def generate(solution_path: Path) -> str:
    """The exercise notebook for ``solution_path`` as the text that is written to disk."""
    solution = nbformat.read(solution_path, as_version=4)
    return nbformat.writes(make_exercise(solution, solution_path.name)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demystify.exercises", description=__doc__.split("\n")[0])
    parser.add_argument("solutions", nargs="*", type=Path,
                        help="solution notebooks (default: every notebook in solutions/)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if an exercise notebook is out of date")
    args = parser.parse_args(argv)
    paths = args.solutions or sorted((ROOT / "solutions").glob("*.ipynb"))
    stale = []
    for path in paths:
        try:
            text = generate(path)
        except ExerciseError as error:
            print(f"✗ {error}", file=sys.stderr)
            return 1
        target = exercise_path(path)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target)
        if not args.check:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    if args.check and stale:
        print("✗ out of date (run `make exercises`): " + ", ".join(p.name for p in stale), file=sys.stderr)
        return 1
    if not stale:
        print(f"✓ {len(paths)} exercise notebooks are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
