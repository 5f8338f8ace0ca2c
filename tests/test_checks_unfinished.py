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
    assert waiting["layer"] == waiting["H"] == waiting["doubled"] == {1}
    assert waiting["answer"] == {2}
    assert waiting["total"] == {1, 2}     # it needs both
    assert "constant" in waiting          # made in a cell that stops before it runs


def test_a_name_that_working_code_defines_again_is_not_waiting_for_anything_after_it():
    cells = SOLUTION[:3] + [("code", "H = 7"), ("code", "after = H")]
    waiting = unfinished_names(solution_notebook(cells))
    assert "after" not in waiting


def waiting(names, nudges=None):
    return unfinished.Waiting(names, nudges or {})


def raised(error_type, *args, inside=None):
    """An exception as IPython would catch it: raised in a function named ``inside`` that a
    notebook cell defines and calls, or at the top of the cell."""
    cell = f"def {inside}():\n    raise error_type(*args)\n{inside}()" if inside else "raise error_type(*args)"
    try:
        exec(compile(cell, "<cell>", "exec"), {"error_type": error_type, "args": args})
    except error_type as error:
        return error


def test_a_name_error_for_an_answer_says_which_exercise_to_finish():
    error = NameError("name 'H' is not defined", name="H")
    text = unfinished.message(error, waiting({"H": {1}}))
    assert text.startswith("✗ Finish exercise 1 first") and "`H`" in text and "\n" not in text


def test_a_stub_reached_through_its_function_names_the_exercise_and_shows_the_nudge():
    error = raised(NotImplementedError, "One line: a whole batch.", inside="layer")
    text = unfinished.message(error, waiting({"layer": {3}}))
    assert text.splitlines() == ["✗ Exercise 3 is not finished: layer is not written yet.",
                                 "  One line: a whole batch."]


def test_a_stub_in_a_method_is_named_and_its_nudge_picks_the_exercise_not_the_caller():
    class Linear:
        def __init__(self):
            raise NotImplementedError("Draw the weights.")

    def pulsar_model():          # defined by exercise 1, it calls exercise 2's class
        return Linear()

    try:
        pulsar_model()
    except NotImplementedError as error:
        text = unfinished.message(error, waiting({"pulsar_model": {1}, "Linear": {2}}, {"Draw the weights.": 2}))
    assert text.splitlines()[0].startswith("✗ Exercise 2 is not finished: ")
    assert "Linear.__init__ is not written yet." in text


def test_a_name_made_from_two_exercises_names_both():
    error = NameError("name 'total' is not defined", name="total")
    assert unfinished.message(error, waiting({"total": {2, 1}})).startswith(
        "✗ Finish exercises 1 and 2 first: `total` is made from them")


def test_a_stub_at_the_top_of_a_cell_is_known_by_its_nudge():
    assert unfinished_nudges(solution_notebook()) == {"One line.": 1, "Think.": 2}
    text = unfinished.message(raised(NotImplementedError, "Think."), waiting({}, {"Think.": 2}))
    assert text.splitlines() == ["✗ Exercise 2 is not finished yet.", "  Think."]
    assert unfinished.message(raised(NotImplementedError, "Other."), waiting({})).startswith(
        "✗ This exercise is not finished yet.")


def test_any_other_error_keeps_its_traceback():
    assert unfinished.message(NameError("name 'typo' is not defined", name="typo"), waiting({"H": {1}})) is None
    assert unfinished.message(ValueError("shapes"), waiting({"H": {1}})) is None


@pytest.mark.parametrize("module", ["layers", "weights", "autograd_basics", "training", "wrapper",
                                    "backprop", "sugar"])
def test_each_check_module_serves_an_exercise_notebook_that_imports_it(module):
    checks = importlib.import_module(f"demystify.checks.{module}")
    notebook = course.ROOT / course.LESSONS / f"{checks.NOTEBOOK}.ipynb"
    assert course.is_exercise(notebook), f"{checks.NOTEBOOK} is not an exercise notebook"
    sources = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
    assert f"demystify.checks.{module} import" in sources
    assert unfinished.answers(checks.NOTEBOOK).names, "the solution's answers could not be read"
