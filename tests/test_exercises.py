"""Exercise notebooks are generated from the solutions, and stay in sync with them."""
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from demystify.exercises import ExerciseError, exercise_path, generate, make_exercise, stub_code

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))

SOLVED = '''def layer_forward(X, W, b):
    """X: (n, n_in)   W: (n_in, n_out)   b: (n_out,)"""
    ### BEGIN SOLUTION
    ### HINT: Multiply the batch by the weights,
    ### HINT: add the bias, then apply tanh.
    return np.tanh(X @ W + b)
    ### END SOLUTION'''


def notebook(*cells):
    nb = new_notebook(cells=list(cells))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = 1
            cell.outputs = [new_output("stream", name="stdout", text="solved\n")]
    return nb


def tags(cell):
    return cell.metadata.get("tags", [])


def test_solution_block_becomes_a_stub_with_the_hint_at_the_same_indent():
    stubbed = stub_code(SOLVED)
    assert "np.tanh" not in stubbed
    assert stubbed.endswith('\n    raise NotImplementedError('
                            '"Multiply the batch by the weights, add the bias, then apply tanh.")')
    assert '"""X: (n, n_in)' in stubbed  # the signature and docstring (the spec) stay


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "add a '### HINT:"),
    ("### BEGIN SOLUTION\n### HINT: h\nx = 1", "without a matching"),
    ("x = 1\n### END SOLUTION", "without a '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\n### HINT: h\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
])
def test_malformed_markers_are_reported(source, problem):
    with pytest.raises(ExerciseError, match=problem):
        stub_code(source, "nb, cell 3")


def test_outputs_are_cleared_and_the_solution_is_left_untouched():
    solution = notebook(new_code_cell(SOLVED), new_code_cell("print('hi')"))
    exercise = make_exercise(solution)
    assert all(c.outputs == [] and c.execution_count is None for c in exercise.cells)
    assert solution.cells[0].outputs and "np.tanh" in solution.cells[0].source


def test_cells_that_depend_on_a_stub_are_tagged_to_raise_and_others_are_not():
    exercise = make_exercise(notebook(
        new_code_cell("import numpy as np\nX = np.ones((2, 3))"),            # 0 before any stub
        new_code_cell(SOLVED + "\n\ncheck(layer_forward)"),                # 1 the stub
        new_code_cell("H = layer_forward(X, W, b)"),                       # 2 uses the stub
        new_code_cell("print(H.shape)"),                                   # 3 uses a result of it
        new_code_cell("print(X.sum())"),                                   # 4 independent
        new_code_cell("H = np.zeros(3)"),                                  # 5 rebinds H cleanly
        new_code_cell("print(H)"),                                         # 6 fine again
        new_code_cell("H += layer_forward(X, W, b)"),                      # 7 breaks H again
        new_code_cell("%matplotlib inline\nprint(H)"),                     # 8 magic, uses H
    ))
    raising = [i for i, cell in enumerate(exercise.cells) if "raises-exception" in tags(cell)]
    assert raising == [1, 2, 3, 7, 8]


def test_a_name_used_inside_a_later_function_taints_that_function():
    exercise = make_exercise(notebook(
        new_code_cell("### BEGIN SOLUTION\n### HINT: set W\nW = 1\n### END SOLUTION"),
        new_code_cell("def predict(x):\n    return x * W"),
        new_code_cell("predict(2)"),
        new_code_cell("def other(W):\n    return W\nother(3)"),
    ))
    assert [("raises-exception" in tags(c)) for c in exercise.cells] == [True, True, True, True]


def test_existing_tags_are_kept():
    cell = new_code_cell("1 / 0")
    cell.metadata["tags"] = ["raises-exception"]
    exercise = make_exercise(notebook(cell))
    assert tags(exercise.cells[0]) == ["raises-exception"]


def test_markdown_answers_become_a_prompt():
    exercise = make_exercise(notebook(new_markdown_cell(
        "Why?\n### BEGIN SOLUTION\n### HINT: Think about shapes.\nBecause.\n### END SOLUTION")))
    assert exercise.cells[0].source == "Why?\n*Your answer here. Hint: Think about shapes.*"


def test_there_are_solution_notebooks_with_exercise_twins():
    assert SOLUTIONS, "no solution notebooks in solutions/"
    for solution in SOLUTIONS:
        assert exercise_path(solution).exists(), f"{solution.name} has no exercise twin: run `make exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_notebooks_are_exactly_what_the_generator_makes(solution):
    committed = exercise_path(solution).read_text(encoding="utf-8")
    assert committed == generate(solution), f"{exercise_path(solution).name} is stale: run `make exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_exercise_has_a_stub_and_a_self_check(solution):
    nb = nbformat.read(solution, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "### BEGIN SOLUTION" in code, f"{solution.name} has no exercise"
    assert "check_" in code, f"{solution.name} calls no self-check"
