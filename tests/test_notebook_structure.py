"""Every notebook follows the course's shape: framing, slides, notes, key points, clean outputs.

Lesson and solution notebooks are committed executed (nbval compares against
those outputs); exercise notebooks are committed cleared.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISE_NAMES = {p.name for p in SOLUTIONS}
ALL = sorted((ROOT / "notebooks").glob("*.ipynb")) + SOLUTIONS
LESSONS = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if p.name not in EXERCISE_NAMES]
EXERCISES = [ROOT / "notebooks" / name for name in sorted(EXERCISE_NAMES)]
EXECUTED = LESSONS + SOLUTIONS
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
BLANKET_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "PYTEST_VALIDATE_IGNORE_OUTPUT")


def ident(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def test_notebooks_are_numbered_in_course_order():
    names = [p.name for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
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


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_code_cells_are_introduced_by_narrative(path):
    cells = read(path).cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and i > 0:
            before = [c for c in cells[:i] if c.metadata["slideshow"]["slide_type"] != "notes"]
            assert before, f"cell {i} is code with nothing before it"


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
def test_torch_notebooks_pin_one_thread(path):
    code = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    if re.search(r"^\s*import torch|^\s*from torch", code, re.M):
        assert "torch.set_num_threads(1)" in code, "torch on 2 threads is slow and erratic on small nets"
