"""Exercise notebooks are generated from the solutions, and stay in sync with them."""
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from demystify.exercises import ExerciseError, exercise_path, generate, main, make_exercise, stub_code

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
        assert exercise_path(solution).exists(), f"{solution.name} has no exercise twin: run `python3 course.py exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_notebooks_are_exactly_what_the_generator_makes(solution):
    committed = exercise_path(solution).read_text(encoding="utf-8")
    assert committed == generate(solution), f"{exercise_path(solution).name} is stale: run `python3 course.py exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_exercise_has_a_stub_and_a_self_check(solution):
    nb = nbformat.read(solution, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "### BEGIN SOLUTION" in code, f"{solution.name} has no exercise"
    assert "check_" in code, f"{solution.name} calls no self-check"


# --- nothing of a solution ever leaks into an exercise -----------------------------

def refused(*cells, name="solutions/nb.ipynb"):
    """The message make_exercise refuses the notebook with."""
    with pytest.raises(ExerciseError) as error:
        make_exercise(notebook(*cells), name)
    return str(error.value)


@pytest.mark.parametrize("spelling", [
    "#### BEGIN SOLUTION", "### begin solution", "###BEGIN SOLUTION", "# BEGIN SOLUTION",
    "### BEGIN_SOLUTION", "### BEGIN  SOLUTION", "#### END SOLUTION", "# END SOLUTION",
    "### end solution", "### Hint: use tanh", "# HINT: use tanh", "###HINT: use tanh", "## hint - use tanh",
])
def test_misspelt_markers_are_refused_naming_notebook_cell_and_line(spelling):
    solved = f"def f(x):\n    {spelling}\n    return np.tanh(x)"
    message = refused(new_code_cell("import numpy as np"), new_code_cell(solved))
    assert message.startswith(f"solutions/nb.ipynb, cell 2 ('def f(x):'), line 2 {spelling!r}")
    assert "is not one" in message and "Write exactly '### BEGIN SOLUTION'" in message
    markdown = refused(new_markdown_cell(f"Why?\n{spelling}\nBecause."))
    assert markdown.startswith(f"solutions/nb.ipynb, cell 1 ('Why?'), line 2 {spelling!r}")


@pytest.mark.parametrize("source", [
    'text = """\n### BEGIN SOLUTION\n### HINT: h\nsecret = 42\n### END SOLUTION\n"""',
    "marker = '### BEGIN SOLUTION'",
    "x = 1  ### END SOLUTION",
    "print(f'{1}### BEGIN SOLUTION')",
])
def test_a_marker_inside_a_string_or_after_code_is_refused_not_rewritten(source):
    message = refused(new_code_cell(source))
    assert "solutions/nb.ipynb, cell 1" in message and "inside a string or after code" in message


def test_a_marker_not_on_its_own_line_in_markdown_is_refused():
    message = refused(new_markdown_cell("Why?\nBecause ### BEGIN SOLUTION it is.\n### END SOLUTION"))
    assert "cell 1 ('Why?'), line 2" in message and "is not one" in message


@pytest.mark.parametrize("source, problem", [
    ("### HINT: h\nx = 1", "'### HINT:' without a '### BEGIN SOLUTION' before it"),
    ("### BEGIN SOLUTION\nx = 1\n### HINT: h\n### END SOLUTION", "'### HINT:' lines go right after"),
    ("### BEGIN SOLUTION\n### HINT:\nx = 1\n### END SOLUTION", "add a '### HINT: ...' line"),
])
def test_hint_lines_anywhere_but_right_after_begin_are_refused(source, problem):
    assert problem in refused(new_code_cell(source))


def test_a_cell_that_is_not_python_but_holds_markers_is_refused():
    assert "is not valid Python" in refused(new_code_cell("def f(:\n    ### BEGIN SOLUTION"))
    assert "inside a string or after code" in refused(new_code_cell("%%bash\n### BEGIN SOLUTION\nls"))


def test_magics_do_not_stop_the_markers_from_being_read():
    exercise = make_exercise(notebook(new_code_cell(
        "%matplotlib inline\n!echo hi\n### BEGIN SOLUTION\n### HINT: h\nx = 1\n### END SOLUTION")))
    assert exercise.cells[0].source == '%matplotlib inline\n!echo hi\nraise NotImplementedError("h")'


def test_raw_cells_with_markers_are_refused_and_others_are_copied():
    message = refused(nbformat.v4.new_raw_cell("### BEGIN SOLUTION\n### HINT: h\n42\n### END SOLUTION"))
    assert "cell 1" in message and "a raw cell cannot hold a solution" in message
    raw = nbformat.v4.new_raw_cell(r"\newpage")
    assert make_exercise(notebook(raw)).cells[0].source == r"\newpage"


def test_attachments_of_a_cell_with_an_answer_are_refused_and_others_kept():
    picture = {"answer.png": {"image/png": "iVBORw0KGgo="}}
    answered = new_markdown_cell("Why?\n### BEGIN SOLUTION\n### HINT: h\n![](attachment:answer.png)\n"
                                 "### END SOLUTION", attachments=picture)
    message = refused(answered)
    assert "cannot have attachments (answer.png)" in message and "cell 1 ('Why?')" in message
    question = new_markdown_cell("Look: ![](attachment:answer.png)", attachments=picture)
    assert make_exercise(notebook(question)).cells[0].attachments == picture


def test_notebook_and_cell_metadata_keep_only_what_an_exercise_needs():
    solution = notebook(new_code_cell("x = 1"))
    kept = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}, "rise": {"scroll": True}, "celltoolbar": "Slideshow"}
    solution.metadata.update(kept, authors=[{"name": "Ann"}], answers={"q1": 42},
                             nbgrader={"solution": "np.tanh(X @ W + b)"})
    solution.cells[0].metadata.update(slideshow={"slide_type": "-"}, tags=["t"],
                                      solution="np.tanh(X @ W + b)", execution={"took": "1 s"})
    exercise = make_exercise(solution)
    assert exercise.metadata == kept
    assert exercise.cells[0].metadata == {"slideshow": {"slide_type": "-"}, "tags": ["t"]}
    assert "nbgrader" in solution.metadata  # the solution itself is untouched


def test_instructor_notes_are_dropped_from_the_exercise():
    notes = new_markdown_cell("**Instructor notes.** The answer is tanh.",
                              metadata={"slideshow": {"slide_type": "notes"}})
    exercise = make_exercise(notebook(new_markdown_cell("# Title"), notes, new_code_cell("x = 1")))
    assert [c.source for c in exercise.cells] == ["# Title", "x = 1"]


def test_a_stub_that_would_break_the_code_around_it_is_refused():
    source = "y = f(\n    ### BEGIN SOLUTION\n    ### HINT: h\n    2 * x\n    ### END SOLUTION\n)"
    assert "around whole statements" in refused(new_code_cell(source))


def write_course(tmp_path, **solutions) -> list[Path]:
    """A course folder with these solution notebooks (name -> notebook or text) and an empty notebooks/."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "notebooks").mkdir()
    paths = []
    for name, content in solutions.items():
        path = tmp_path / "solutions" / f"{name}.ipynb"
        path.write_text(content if isinstance(content, str) else nbformat.writes(content))
        paths.append(path)
    return paths


@pytest.mark.parametrize("text", ["not json", '{"cells": [', "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> branch",
                                  "{}", "[]"])
def test_a_notebook_that_is_not_valid_json_is_named_in_the_error(tmp_path, capsys, text):
    [path] = write_course(tmp_path, broken=text)
    with pytest.raises(ExerciseError, match=f"{path} is not a valid notebook"):
        generate(path)
    assert main([str(path)]) == 1
    err = capsys.readouterr().err
    assert f"✗ {path} is not a valid notebook" in err and "Traceback" not in err


def test_a_failure_in_one_notebook_writes_no_exercise_at_all(tmp_path, capsys):
    good = notebook(new_code_cell(SOLVED))
    bad = notebook(new_code_cell("# BEGIN SOLUTION\nsecret = 42\n# END SOLUTION"))
    paths = write_course(tmp_path, a_good=good, b_bad=bad, c_good=good)
    assert main([str(p) for p in paths]) == 1
    assert list((tmp_path / "notebooks").iterdir()) == []
    assert "Nothing was written" in capsys.readouterr().err
    paths[1].write_text(nbformat.writes(good))
    assert main([str(p) for p in paths]) == 0
    assert sorted(p.name for p in (tmp_path / "notebooks").iterdir()) == [p.name for p in paths]


def answer_lines(nb) -> set[str]:
    """The lines that only the answers of a solution notebook hold (between the markers), stripped."""
    answers, others, inside = set(), set(), False
    for cell in nb.cells:
        for line in cell.source.split("\n"):
            inside = (inside or line.strip() == "### BEGIN SOLUTION") and line.strip() != "### END SOLUTION"
            if not line.strip().startswith("###"):
                (answers if inside else others).add(line.strip())
    return answers - others


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_committed_exercises_hold_no_answer_no_notes_and_no_stray_metadata(solution):
    exercise = nbformat.read(exercise_path(solution), as_version=4)
    answers = answer_lines(nbformat.read(solution, as_version=4))
    exercise_lines = {line.strip() for cell in exercise.cells for line in cell.source.split("\n")}
    assert answers and not answers & exercise_lines
    assert not any(c.metadata["slideshow"]["slide_type"] == "notes" for c in exercise.cells)
    assert set(exercise.metadata) <= {"kernelspec", "language_info", "rise", "celltoolbar"}


def test_check_mode_writes_nothing_and_passes_on_the_committed_exercises(capsys):
    assert main(["--check"]) == 0
    assert "are up to date" in capsys.readouterr().out
