"""Run All on an untouched exercise: each stopped cell says which exercise to finish, in one line."""
import importlib

import nbformat
import pytest

from demystify import course
from demystify.checks import unfinished
from demystify.exercises import unfinished_names, unfinished_nudges

SOLUTION = [
    ("markdown", "## Exercise 1: a layer"),
    ("code", "def layer(X):\n    ### BEGIN SOLUTION\n    ### HINT: One line.\n    return X * 2\n    ### END SOLUTION"),
    ("code", "H = layer(3)"),
    ("code", "doubled = H + 1\nconstant = 5"),
    ("markdown", "## Exercise 2: a number"),
    ("code", "### BEGIN SOLUTION\n### HINT: Think.\nanswer = 42\n### END SOLUTION"),
    ("code", "total = answer + doubled"),
    ("code", "H = 7"),
]


def solution_notebook(cells=SOLUTION):
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    return nbformat.v4.new_notebook(cells=[make[kind](source) for kind, source in cells])


def test_each_name_waits_for_the_exercise_whose_stub_stops_it():
    waiting = unfinished_names(solution_notebook())
    assert waiting["layer"] == 1 and waiting["H"] == 1 and waiting["doubled"] == 1
    assert waiting["answer"] == 2
    assert waiting["total"] == 1          # it needs both: exercise 1 comes first
    assert "constant" in waiting          # made in a cell that stops before it runs


def test_a_name_that_working_code_defines_again_is_not_waiting_for_anything_after_it():
    cells = SOLUTION[:3] + [("code", "H = 7"), ("code", "after = H")]
    waiting = unfinished_names(solution_notebook(cells))
    assert "after" not in waiting


def waiting(names, nudges=None):
    return unfinished.Waiting(names, nudges or {})


def raised(error_type, *args, inside=None):
    """An exception as IPython would catch it, raised inside a function named ``inside``."""
    def stub():
        raise error_type(*args)
    if inside:
        stub.__code__ = stub.__code__.replace(co_name=inside)
    try:
        stub()
    except error_type as error:
        return error


def test_a_name_error_for_an_answer_says_which_exercise_to_finish():
    error = NameError("name 'H' is not defined", name="H")
    text = unfinished.message(error, waiting({"H": 1}))
    assert text.startswith("✗ Finish exercise 1 first") and "`H`" in text and "\n" not in text


def test_a_stub_reached_through_its_function_names_the_exercise_and_shows_the_nudge():
    error = raised(NotImplementedError, "One line: a whole batch.", inside="layer")
    text = unfinished.message(error, waiting({"layer": 3}))
    assert text.splitlines() == ["✗ Exercise 3 is not finished: layer is not written yet.",
                                 "  One line: a whole batch."]


def test_a_stub_at_the_top_of_a_cell_is_known_by_its_nudge():
    assert unfinished_nudges(solution_notebook()) == {"One line.": 1, "Think.": 2}
    text = unfinished.message(raised(NotImplementedError, "Think."), waiting({}, {"Think.": 2}))
    assert text.splitlines() == ["✗ Exercise 2 is not finished yet.", "  Think."]
    assert unfinished.message(raised(NotImplementedError, "Other."), waiting({})).startswith(
        "✗ This exercise is not finished yet.")


def test_any_other_error_keeps_its_traceback():
    assert unfinished.message(NameError("name 'typo' is not defined", name="typo"), waiting({"H": 1})) is None
    assert unfinished.message(ValueError("shapes"), waiting({"H": 1})) is None


@pytest.mark.parametrize("module", ["layers", "weights", "autograd_basics", "training", "wrapper",
                                    "backprop", "sugar"])
def test_each_check_module_serves_an_exercise_notebook_that_imports_it(module):
    checks = importlib.import_module(f"demystify.checks.{module}")
    notebook = course.ROOT / course.LESSONS / f"{checks.NOTEBOOK}.ipynb"
    assert course.is_exercise(notebook), f"{checks.NOTEBOOK} is not an exercise notebook"
    sources = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
    assert f"demystify.checks.{module} import" in sources
    assert unfinished.answers(checks.NOTEBOOK).names, "the solution's answers could not be read"
