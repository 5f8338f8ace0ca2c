"""The course's layout has one home: which notebooks are lessons, exercises and solutions."""
import os

import nbformat
import pytest

from demystify import course
from demystify.notebooks import execute


def write(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(), path)
    return path


@pytest.fixture
def layout(tmp_path):
    """A course with one lesson and one exercise (and its solution)."""
    return {"lesson": write(tmp_path / "notebooks" / "01-intro.ipynb"),
            "exercise": write(tmp_path / "notebooks" / "02-layers-exercises.ipynb"),
            "solution": write(tmp_path / "solutions" / "02-layers-exercises.ipynb"),
            "root": tmp_path}


def test_an_exercise_is_a_notebook_with_a_twin_in_solutions(layout):
    assert course.is_exercise(layout["exercise"])
    assert not course.is_exercise(layout["lesson"]) and not course.is_exercise(layout["solution"])
    assert course.is_solution(layout["solution"]) and not course.is_solution(layout["exercise"])
    assert course.solution_of(layout["exercise"]) == layout["solution"]
    assert course.exercise_of(layout["solution"]) == layout["exercise"]


def test_the_lists_of_notebooks_split_the_course(layout):
    root = layout["root"]
    assert course.lessons(root) == [layout["lesson"]]
    assert course.exercises(root) == [layout["exercise"]]
    assert course.solutions(root) == [layout["solution"]]
    assert course.lessons_and_solutions(root) == [layout["lesson"], layout["solution"]]
    assert course.all_notebooks(root) == [layout["lesson"], layout["exercise"], layout["solution"]]


def test_the_real_course_has_every_exercise_in_notebooks_and_none_among_the_lessons():
    assert course.exercises() and all(path.exists() for path in course.exercises())
    assert not set(course.exercises()) & set(course.lessons())
    assert sorted(course.lessons() + course.exercises()) == sorted(
        (course.ROOT / course.LESSONS).glob("*.ipynb"))


def test_the_runner_refuses_an_exercise_and_names_its_solution(layout):
    with pytest.raises(SystemExit, match="02-layers-exercises.ipynb is an exercise notebook: edit and "
                                         r"run .*solutions/02-layers-exercises.ipynb"):
        execute(layout["exercise"])


def test_single_thread_is_a_default_that_an_explicit_setting_overrides():
    environment = {"OMP_NUM_THREADS": "4"}
    course.use_single_thread(environment)
    assert environment == {"OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "1",
                           "MKL_NUM_THREADS": "1"}


def test_this_test_run_and_its_notebook_kernels_have_the_thread_variables():
    """conftest.py applies course.SINGLE_THREAD when pytest starts; kernels inherit it."""
    assert all(variable in os.environ for variable in course.SINGLE_THREAD)


@pytest.mark.parametrize("platform, shown", [
    ("linux", "HTRU2_URL=/x.zip python3 course.py data"),
    ("darwin", "HTRU2_URL=/x.zip python3 course.py data"),
    ("win32", '$env:HTRU2_URL = "/x.zip"; py course.py data')])
def test_messages_name_the_course_command_in_this_systems_shell(monkeypatch, platform, shown):
    monkeypatch.setattr(course.sys, "platform", platform)
    monkeypatch.setattr(course, "in_conda", lambda: False)
    assert course.with_variable("HTRU2_URL", "/x.zip", "data") == shown


def test_in_a_conda_environment_the_command_uses_it_instead_of_a_venv(monkeypatch):
    monkeypatch.setattr(course, "in_conda", lambda: True)
    assert course.command("test") == "python course.py test --current-env"
