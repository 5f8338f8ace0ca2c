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

No solution may leak into an exercise, so the generator is strict:

- a marker is spelled exactly as above and is a line of its own: in code a whole
  comment line (as Python's tokenizer reads it, so never inside a string), in
  markdown a whole line; anything else that looks like a marker is an error;
- raw cells cannot hold answers, and a cell with an answer cannot have attachments;
- instructor notes (cells of slide type ``notes``) are dropped, and only the
  metadata an exercise needs is kept;
- every exercise is made in memory first: if one notebook fails, none is written.

Errors name the notebook, the cell (counting from 1, with its first line) and what to do.

    python -m demystify.exercises           # regenerate every exercise notebook
    python -m demystify.exercises --check   # exit 1 if any is out of date
"""
from __future__ import annotations

import argparse
import ast
import copy
import io
import json
import re
import sys
import tokenize
from pathlib import Path

import nbformat

from .course import command, exercise_of, shown, solutions, sync

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
MARKER_LIKE = re.compile(r"(begin|end)[\s_-]*solution|#+\s*hint\b", re.IGNORECASE)
SPELLING = f"Write exactly '{BEGIN}', '{HINT} <hint>' or '{END}' on a line of its own, or reword it."
ON_ITS_OWN = "A marker must be a comment line of its own: move it to one, or reword the text."
RAISES = "raises-exception"
NOTEBOOK_METADATA = ("kernelspec", "language_info", "rise", "celltoolbar")  # what an exercise needs
CELL_METADATA = ("slideshow", "tags", "jupyter", "editable", "deletable", "collapsed", "scrolled")


class ExerciseError(ValueError):
    """A solution notebook cannot be turned into an exercise; the message names the notebook and cell."""


# --- markers ------------------------------------------------------------------

def _marker(line: str) -> str | None:
    """BEGIN, END or HINT if ``line`` is exactly that marker (indentation aside), else None."""
    stripped = line.strip()
    if stripped in (BEGIN, END):
        return stripped
    return HINT if stripped.startswith(HINT) else None


def _comment_lines(source: str, where: str) -> set[int]:
    """The numbers (from 0) of the lines of a code cell that are nothing but a comment."""
    if source.lstrip().startswith("%%"):  # a cell magic: the cell is not Python
        return set()
    python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line  # IPython magics
                       for line in source.split("\n"))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise ExerciseError(f"{where}: it is not valid Python ({error}), so its solution markers "
                            f"cannot be checked.\nFix the code, then run `{command('exercises')}` again.") from None
    lines = python.split("\n")
    return {row - 1 for kind, _, (row, column), _, _ in tokens
            if kind == tokenize.COMMENT and not lines[row - 1][:column].strip()}


def _check_markers(source: str, where: str, marker_lines: set[int] | None = None) -> None:
    """Refuse anything that looks like a marker but is not an exact marker on a line of its own.

    ``marker_lines``: the only lines that may hold a marker (in code, the comment lines);
    None for markdown, where any whole line may.
    """
    for number, line in enumerate(source.split("\n")):
        if not MARKER_LIKE.search(line):
            continue
        shown = f"{where}, line {number + 1} {line.strip()!r}"
        if marker_lines is not None and number not in marker_lines:
            raise ExerciseError(f"{shown}: a solution marker inside a string or after code.\n{ON_ITS_OWN}")
        if _marker(line) is None:
            raise ExerciseError(f"{shown} looks like a solution marker but is not one.\n{SPELLING}")


def _blocks(source: str, where: str):
    """Yield ('text', line) and ('block', (indent, hint)) items of a cell's source."""
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        marker = _marker(lines[i])
        if marker is None:
            yield "text", lines[i]
            i += 1
            continue
        if marker != BEGIN:
            raise ExerciseError(f"{where}, line {i + 1}: '{marker}' without a '{BEGIN}' before it.")
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        hint, j = [], i + 1
        while j < len(lines) and _marker(lines[j]) == HINT:
            hint.append(lines[j].strip()[len(HINT):].strip())
            j += 1
        while j < len(lines) and _marker(lines[j]) != END:
            if _marker(lines[j]) == BEGIN:
                raise ExerciseError(f"{where}, line {j + 1}: '{BEGIN}' inside another solution block.")
            if _marker(lines[j]) == HINT:
                raise ExerciseError(f"{where}, line {j + 1}: '{HINT}' lines go right after '{BEGIN}', "
                                    "before the solution.")
            j += 1
        if j == len(lines):
            raise ExerciseError(f"{where}, line {i + 1}: '{BEGIN}' without a matching '{END}'.")
        if not any(hint):
            raise ExerciseError(f"{where}, line {i + 1}: add a '{HINT} ...' line right after '{BEGIN}' "
                                "saying what the attendee should do.")
        yield "block", (indent, " ".join(filter(None, hint)))
        i = j + 1


def stub_code(source: str, where: str = "cell") -> str:
    """The source with each solution block replaced by a NotImplementedError stub."""
    if MARKER_LIKE.search(source):
        _check_markers(source, where, _comment_lines(source, where))
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
    _check_markers(source, where)
    out = []
    for kind, item in _blocks(source, where):
        out.append(item if kind == "text" else f"*Your answer here. Hint: {item[1]}*")
    return "\n".join(out)


# --- which cells fail while the exercise is unsolved -----------------------------

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


def _where(name: str, number: int, cell) -> str:
    first = next((line.strip() for line in cell.source.split("\n") if line.strip()), "")
    return f"{name}, cell {number} ({first[:60]!r})"


def _exercise_cell(cell: nbformat.NotebookNode, where: str) -> nbformat.NotebookNode:
    """The cell with its answers stubbed, outputs cleared and only CELL_METADATA kept."""
    cell = copy.deepcopy(cell)
    cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items() if k in CELL_METADATA})
    if cell.cell_type == "raw":
        if MARKER_LIKE.search(cell.source):
            raise ExerciseError(f"{where}: a raw cell cannot hold a solution (raw cells are copied "
                                "as they are).\nPut the answer in a markdown or code cell.")
        return cell
    solved = cell.source
    if cell.cell_type == "markdown":
        cell.source = stub_markdown(solved, where)
    else:
        cell.source = stub_code(solved, where)
        cell.outputs, cell.execution_count = [], None
        if names(solved) is not None and names(cell.source) is None:
            raise ExerciseError(f"{where}: with its solution replaced by a stub the cell is no longer "
                                f"valid Python.\nPut '{BEGIN}' and '{END}' around whole statements.")
    if cell.source != solved and cell.get("attachments"):
        raise ExerciseError(f"{where}: a cell with an answer cannot have attachments "
                            f"({', '.join(cell.attachments)}): one could show the answer.\nMove the "
                            "picture the question needs to a cell of its own.")
    return cell


EXERCISE_HEADING = re.compile(r"^#+\s*Exercise\s+(\d+)", re.MULTILINE)


def _walk(solution: nbformat.NotebookNode, name: str):
    """Each cell of the exercise twin, with the names an unfinished exercise leaves undefined.

    Yields ``(exercise cell, {name: exercise numbers})`` per cell, notes cells left out.  A
    code cell with a stub cannot define what its solved version defines; a later cell that
    reads such a name cannot either (it fails too, and is tagged ``raises-exception``).
    A stub's exercise is the last ``## Exercise N`` heading above it; a later cell waits
    for every exercise that the names it reads wait for.
    """
    number = 0   # the exercise we are in (0: before the first)
    broken: dict[str, frozenset[int]] = {}   # name -> the exercises that must be finished first
    for index, cell in enumerate(solution.cells, start=1):
        if cell.metadata.get("slideshow", {}).get("slide_type") == "notes":
            continue
        stubbed = _exercise_cell(cell, _where(name, index, cell))
        if stubbed.cell_type == "markdown" and EXERCISE_HEADING.search(cell.source):
            number = int(EXERCISE_HEADING.search(cell.source).group(1))
        if stubbed.cell_type != "code":
            yield stubbed, {}
            continue
        # what the cell reads once stubbed, and what the solved cell would have defined
        found, solved = names(stubbed.source), names(cell.source)
        loads = found[0] if found is not None else set(broken)
        stores = solved[1] if solved is not None else set()
        waits_for = frozenset().union(*(broken[n] for n in loads & broken.keys()))
        if stubbed.source != cell.source or waits_for:
            exercises = frozenset({number}) if stubbed.source != cell.source else waits_for
            made = dict.fromkeys(stores, exercises)
            broken.update(made)
            tags = list(stubbed.metadata.get("tags", []))
            if RAISES not in tags:
                stubbed.metadata["tags"] = tags + [RAISES]
            yield stubbed, made
        else:
            for n in stores:
                broken.pop(n, None)
            yield stubbed, {}


def make_exercise(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The exercise twin of a solution notebook (the solution is not modified).

    Instructor notes are dropped, and only NOTEBOOK_METADATA and CELL_METADATA are kept.
    """
    exercise = copy.deepcopy(solution)
    exercise.metadata = nbformat.from_dict(
        {k: v for k, v in solution.metadata.items() if k in NOTEBOOK_METADATA})
    exercise.cells = [cell for cell, _ in _walk(solution, name)]
    return exercise


def unfinished_nudges(solution: nbformat.NotebookNode, name: str = "notebook") -> dict[str, int]:
    """``{nudge: N}``: the message of each stub of exercise N, for a stub that is not inside a
    function (the exercise is code at the top of a cell), which only its message identifies."""
    number, nudges = 0, {}
    for index, cell in enumerate(solution.cells, start=1):
        if cell.cell_type == "markdown" and EXERCISE_HEADING.search(cell.source):
            number = int(EXERCISE_HEADING.search(cell.source).group(1))
        elif cell.cell_type == "code" and BEGIN in cell.source:
            for kind, item in _blocks(cell.source, _where(name, index, cell)):
                if kind == "block":
                    nudges[item[1]] = number
    return nudges


def unfinished_names(solution: nbformat.NotebookNode,
                     name: str = "notebook") -> dict[str, frozenset[int]]:
    """``{name: {N, ...}}`` for every name that stays undefined until exercises N... are finished.

    The functions an exercise asks for, the values the solved cells would compute, and the
    values of later cells that need them.  The self-checks use it to say "finish exercise N
    first" instead of showing a NameError (see ``demystify.checks.unfinished``).
    """
    waiting: dict[str, frozenset[int]] = {}
    for _, made in _walk(solution, name):
        waiting.update(made)
    return waiting


# --- files ------------------------------------------------------------------------

def exercise_path(solution_path: Path) -> Path:
    return exercise_of(solution_path)


def read_solution(path: Path) -> nbformat.NotebookNode:
    """The solution notebook at ``path``; an ExerciseError naming it if it is not a valid notebook."""
    try:
        solution = nbformat.read(path, as_version=4)
        nbformat.validate(solution)
    except Exception as error:  # nbformat fails in many ways (I/O, JSON, schema, conversion)
        reason = str(error).strip().split("\n")[0][:200]
        raise ExerciseError(
            f"{shown(path)} is not a valid notebook ({type(error).__name__}: {reason}).\n"
            "Open it in Jupyter to see what is wrong (a merge conflict leaves '<<<<<<<' lines in it), "
            f"or restore it with `git checkout -- {shown(path)}`.") from None
    return solution


def generate(solution_path: Path) -> str:
    """The exercise notebook for ``solution_path`` as the text that is written to disk."""
    exercise = make_exercise(read_solution(solution_path), shown(solution_path))
    return nbformat.writes(exercise) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demystify.exercises", description=__doc__.split("\n")[0])
    parser.add_argument("solutions", nargs="*", type=Path,
                        help="solution notebooks (default: every notebook in solutions/)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if an exercise notebook is out of date")
    args = parser.parse_args(argv)
    paths = args.solutions or solutions()
    exercises, errors = {}, []
    for path in paths:  # every exercise is made before any is written: all or nothing
        try:
            exercises[exercise_path(path)] = generate(path)
        except ExerciseError as error:
            errors.append(error)
    for error in errors:
        print(f"✗ {error}", file=sys.stderr)
    if errors:
        print(f"Nothing was written: fix the solution notebooks above, then run `{command('exercises')}` again.",
              file=sys.stderr)
        return 1
    return sync(exercises, args.check, "exercise notebooks", command("exercises"))

if __name__ == "__main__":
    sys.exit(main())
