"""A lesson's module is made from the lesson's cells, so the two cannot drift apart."""
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from demystify import lesson_code
from demystify.course import ROOT
from demystify.lesson_code import LESSON_MODULES, LessonCodeError, LessonModule, module_text

LESSON = LessonModule("notebooks/99-lesson.ipynb", "src/demystify/lesson.py", "A lesson's code.")


def notebook(*cells):
    return new_notebook(cells=list(cells))


def exported(source):
    return new_code_cell(source, metadata={"tags": ["export"]})


@pytest.mark.parametrize("lesson", LESSON_MODULES, ids=lambda lesson: lesson.module)
def test_each_lesson_module_is_exactly_what_its_lesson_makes(lesson):
    committed = (ROOT / lesson.module).read_text(encoding="utf-8")
    assert committed == lesson_code.generate(lesson), (
        f"{lesson.module} differs from the cells tagged 'export' in {lesson.notebook}: "
        "edit the notebook, then run `python -m demystify.lesson_code`")


def test_the_check_mode_passes_on_the_repository(capsys):
    assert lesson_code.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_only_tagged_code_cells_go_into_the_module_in_their_order():
    text = module_text(notebook(
        new_markdown_cell("def not_code(): pass"),
        exported("def first():\n    return 1"),
        new_code_cell("first()"),
        exported("import math\n\n\nSECOND = math.pi")), LESSON)
    assert text.startswith('"""A lesson\'s code.\n\nGenerated from the cells tagged \'export\' in '
                           "notebooks/99-lesson.ipynb")
    body = text.split('"""\n', 2)[-1]
    assert body == "\n\ndef first():\n    return 1\n\n\nimport math\n\n\nSECOND = math.pi\n"
    namespace = {}
    exec(compile(text, "lesson.py", "exec"), namespace)
    assert namespace["first"]() == 1 and "not_code" not in namespace


@pytest.mark.parametrize("source, reason", [
    ("print('hello')", "may only define things"),
    ("def f():\n    return 1\n\n\nf()", "line 5"),
    ("%matplotlib inline\nx = 1", "IPython magic"),
    ("def broken(:\n    pass", "not valid Python"),
    ("for i in range(3):\n    pass", "not run a for"),
])
def test_a_cell_that_does_more_than_define_is_refused_with_its_place(source, reason):
    with pytest.raises(LessonCodeError) as error:
        module_text(notebook(new_markdown_cell("# title"), exported(source)), LESSON)
    assert "notebooks/99-lesson.ipynb, cell 2" in str(error.value) and reason in str(error.value)


def test_a_lesson_without_tagged_cells_is_refused():
    with pytest.raises(LessonCodeError, match="no code cell is tagged 'export'"):
        module_text(notebook(new_code_cell("x = 1")), LESSON)


def test_an_unreadable_lesson_is_named(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / LESSON.notebook).write_text("<<<<<<< HEAD", encoding="utf-8")
    with pytest.raises(LessonCodeError, match="99-lesson.ipynb could not be read"):
        lesson_code.generate(LESSON, root=tmp_path)

