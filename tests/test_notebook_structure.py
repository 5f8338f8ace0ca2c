"""Every notebook follows the course's shape: framing, slides, notes, key points, clean outputs.

Lesson and solution notebooks are committed executed (nbval compares against
those outputs); exercise notebooks are committed cleared.
"""
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from demystify import course

ALL = course.all_notebooks()
LESSONS = course.lessons()
SOLUTIONS = course.solutions()
EXERCISES = course.exercises()
EXECUTED = course.lessons_and_solutions()
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
BLANKET_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "PYTEST_VALIDATE_IGNORE_OUTPUT")


def ident(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def test_notebooks_are_numbered_in_course_order():
    names = [p.name for p in sorted(LESSONS + EXERCISES)]
    assert names[:2] == ["00-setup-check.ipynb", "01-introduction.ipynb"]
    numbers = [int(name[:2]) for name in names]
    assert numbers == list(range(len(names))), f"gaps or repeats in the numbering: {names}"
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", name) for name in names)


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_every_cell_has_a_slide_type(path):
    missing = [i for i, cell in enumerate(read(path).cells)
               if cell.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"cells without a slide type (slide, subslide, fragment, skip, notes, -): {missing}"


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_notebook_opens_with_title_timings_questions_and_objectives(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown" and first.metadata["slideshow"]["slide_type"] == "slide"
    number = path.name[:2]
    assert first.source.startswith(f"# {number} · "), "title must read '# NN · Title'"
    for part in ("**Teaching:**", "**Exercises:**", "**Questions**", "**Objectives**"):
        assert part in first.source, f"the opening cell lacks {part}"


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_notebook_closes_with_key_points(path):
    cells = [c for c in read(path).cells if c.metadata["slideshow"]["slide_type"] != "notes"]
    last = cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("### Key points")
    bullets = [line for line in last.source.splitlines() if line.startswith("- ")]
    assert 2 <= len(bullets) <= 4, "key points: 2 to 4 bullets"


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=ident)
def test_notebook_has_speaker_notes(path):
    assert any(c.metadata["slideshow"]["slide_type"] == "notes" for c in read(path).cells)


NOTES_LABEL = "**Instructor notes.**"


def notes_out_of_the_way(cell) -> bool:
    """A notes cell an attendee sees as one quiet bar: collapsed, and JupyterLab shows only
    the first line of a collapsed cell, so that line is the label alone."""
    return (cell.metadata.get("jupyter", {}).get("source_hidden") is True
            and cell.source.split("\n", 1)[0] == NOTES_LABEL and bool(cell.source[len(NOTES_LABEL):].strip()))


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=ident)
def test_instructor_notes_are_labelled_and_collapsed_for_attendees(path):
    notes = [i for i, c in enumerate(read(path).cells) if c.metadata["slideshow"]["slide_type"] == "notes"]
    loud = [i for i in notes if not notes_out_of_the_way(read(path).cells[i])]
    assert not loud, (f"notes cells {loud}: hide their source (metadata jupyter.source_hidden) and "
                      f"open them with a line of their own, {NOTES_LABEL}")


def test_a_notes_cell_that_shows_its_content_in_the_collapsed_bar_is_caught():
    hidden = {"jupyter": {"source_hidden": True}, "slideshow": {"slide_type": "notes"}}
    good = nbformat.v4.new_markdown_cell(f"{NOTES_LABEL}\n\nWalk the room.", metadata=hidden)
    first_line_leaks = nbformat.v4.new_markdown_cell(f"{NOTES_LABEL} The answer is 42.", metadata=hidden)
    shown = nbformat.v4.new_markdown_cell(f"{NOTES_LABEL}\n\nWalk the room.",
                                          metadata={"slideshow": {"slide_type": "notes"}})
    assert notes_out_of_the_way(good)
    assert not notes_out_of_the_way(first_line_leaks) and not notes_out_of_the_way(shown)


@pytest.mark.parametrize("path", EXERCISES, ids=ident)
def test_exercise_notebooks_carry_no_instructor_notes(path):
    assert not [c for c in read(path).cells if c.metadata["slideshow"]["slide_type"] == "notes"]


# --- a short narrative cell before every code cell (CONTRIBUTING.md) ---------------------------

def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def is_narrative(cell) -> bool:
    """A markdown cell the audience reads: not a speaker note, not empty, not only hints."""
    if cell.cell_type != "markdown" or slide_type(cell) == "notes":
        return False
    return bool(re.sub(r"<details>.*?</details>", "", cell.source, flags=re.S).strip())


def code_without_narrative(cells) -> list[int]:
    """The code cells whose nearest cell above, speaker notes aside, is not a narrative.

    The rule is CONTRIBUTING.md's "a short narrative cell before every code cell", read
    literally: two code cells in a row need a line of text between them, even on one slide
    ("And fixed:", "All eight features:"), because the notebook is read as well as shown.
    Speaker notes do not count as narrative (attendees never see them) and are skipped.
    """
    found = []
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        above = [c for c in cells[:i] if slide_type(c) != "notes"]
        if not above or not is_narrative(above[-1]):
            found.append(i)
    return found


# Known exceptions, by the first line of the code cell, reported to the lead: the list may only
# shrink (the test fails when one is fixed, so that it is taken off).
KNOWN_WITHOUT_NARRATIVE: dict[str, list[str]] = {}


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_every_code_cell_is_introduced_by_a_narrative_cell(path):
    cells = read(path).cells
    found = [cells[i].source.splitlines()[0] for i in code_without_narrative(cells)]
    assert found == KNOWN_WITHOUT_NARRATIVE.get(ident(path), []), (
        "write a short markdown cell before each of these code cells (or, if one was fixed, "
        f"take it off KNOWN_WITHOUT_NARRATIVE): {found}")


def notes(text):
    cell = new_markdown_cell(text)
    cell.metadata["slideshow"] = {"slide_type": "notes"}
    return cell


def test_the_narrative_rule_flags_code_without_text_before_it():
    narrative, code = new_markdown_cell("## Training\nOne step downhill:"), new_code_cell("step()")
    assert code_without_narrative([narrative, code]) == []
    assert code_without_narrative([narrative, notes("**Instructor notes.** ..."), code]) == []
    assert code_without_narrative([code]) == [0]
    assert code_without_narrative([narrative, code, code]) == [2]
    assert code_without_narrative([notes("**Instructor notes.**"), code]) == [1]
    assert code_without_narrative([new_markdown_cell("  \n"), code]) == [1]
    hint = new_markdown_cell("<details><summary>Hint 1</summary>\n\nWhich product?\n</details>")
    assert code_without_narrative([narrative, code, hint, code]) == [3]


def test_deleting_a_narrative_cell_of_a_real_lesson_is_caught():
    cells = read(course.ROOT / "notebooks" / "05-pytorch-baseline.ipynb").cells
    assert code_without_narrative(cells) == []
    # a code cell whose narrative sits between it and the code above: delete that narrative
    k = next(k for k in range(2, len(cells)) if cells[k].cell_type == cells[k - 2].cell_type
             == "code" and is_narrative(cells[k - 1]))
    del cells[k - 1]
    assert code_without_narrative(cells) == [k - 1]


@pytest.mark.parametrize("path", EXECUTED, ids=ident)
def test_lessons_and_solutions_are_committed_executed_in_order(path):
    code = [c for c in read(path).cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"run it top to bottom in a fresh kernel: python -m demystify.notebooks {ident(path)}")


@pytest.mark.parametrize("path", EXERCISES, ids=ident)
def test_exercise_notebooks_are_committed_cleared(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_no_blanket_nbval_markers_hide_outputs(path):
    for i, cell in enumerate(read(path).cells):
        tags = cell.metadata.get("tags", [])
        assert not {"nbval-ignore-output", "nbval-skip"} & set(tags), f"cell {i}"
        assert not any(marker in cell.source for marker in BLANKET_MARKERS), f"cell {i}"


@pytest.mark.parametrize("path", EXECUTED, ids=ident)
def test_outputs_hold_no_machine_specific_paths(path):
    for i, cell in enumerate(read(path).cells):
        for output in cell.get("outputs", []):
            text = str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
            assert not re.search(r"(/home/|/work/|/Users/|/root/|[A-Z]:\\\\)", text), f"cell {i}: {text[:120]}"


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_kernel_is_the_standard_python3(path):
    assert read(path).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_rise_scrolls_a_slide_taller_than_the_screen(path):
    from demystify.slides import RISE
    assert RISE["scroll"] is True, "RISE cuts off the bottom of a tall slide unless it scrolls"
    assert read(path).metadata.get("rise") == RISE, "run the notebook with python -m demystify.notebooks"


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_torch_notebooks_pin_one_thread(path):
    code = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    if re.search(r"^\s*import torch|^\s*from torch", code, re.M):
        assert "torch.set_num_threads(1)" in code, "torch on 2 threads is slow and erratic on small nets"


def test_the_readme_lists_every_notebook_in_course_order():
    readme = (course.ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"\]\(notebooks/(\d\d-[a-z0-9-]+\.ipynb)\)", readme)
    assert listed == [path.name for path in sorted((course.ROOT / "notebooks").glob("*.ipynb"))]
