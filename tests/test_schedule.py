"""The day fits: each half in three hours with its breaks, slides an instructor can show in time.

The instructor guide's timetable (slides/README.md) is generated from the notebooks' opening
cells (``python -m demystify.slides --schedule --write``); these tests hold the course to it.
"""
import re

import nbformat
import pytest

from demystify import slides


def session(number, teaching, exercises=0, slides_shown=10, exercise=False):
    return slides.Session(number, f"{number}-x", f"Topic {number}", teaching, exercises, None,
                          slides_shown, exercise)


def test_timetable_runs_the_sessions_back_to_back_with_the_breaks():
    rows = [session("04", 10, 5, slides_shown=12), session("05", 15), session("11", 20)]
    rows[0].seconds = 3.25
    table = slides.timetable(rows, start="09:00")
    assert "| 09:00 | [04 · Topic 04](../notebooks/04-x.ipynb) | 10 min | 5 min | 12 (1.2/min) | 3.2 s |" in table
    assert "| 09:15 | [05 · Topic 05](../notebooks/05-x.ipynb) | 15 min | – | 10 (0.7/min) | – |" in table
    assert "| 09:30 | *coffee break* | 15 min | | | |" in table  # BREAKS["05"]
    assert "| 09:45 | [11 · Topic 11](../notebooks/11-x.ipynb) | 20 min | – | 10 (0.5/min) | – |" in table
    assert "**Part 1**: 09:00–09:30, 25 min teaching and 5 min exercises; 30 min with its breaks" in table
    assert "**Part 2**: 09:45–10:05, 20 min teaching and 0 min exercises; 20 min with its breaks" in table


def test_a_part_counts_the_breaks_inside_it_but_not_the_lunch_after_it():
    rows = [session("05", 60), session("06", 60), session("10", 30), session("11", 30)]
    _, parts = slides.day(rows, start="09:00")
    assert parts["Part 1"].length == 60 + 15 + 60 + 30           # the coffee break after 05
    assert parts["Part 1"].spare == slides.HALF_DAY - 165
    assert parts["Part 2"].begins.strftime("%H:%M") == "12:45"   # 60 min of lunch after 10


def test_an_exercise_notebook_shows_its_slides_over_the_whole_session_a_lesson_over_its_teaching():
    assert session("04", 10, 5, slides_shown=15).density == 1.5
    assert session("06", 5, 15, slides_shown=15, exercise=True).density == 0.75


SESSIONS = slides.sessions()
DAY = slides.day(SESSIONS)[1]


@pytest.mark.parametrize("name", sorted(DAY))
def test_each_half_of_the_day_with_its_breaks_fits_three_hours_with_ten_minutes_to_spare(name):
    span = DAY[name]
    assert span.spare >= slides.SLACK, (
        f"{name} takes {span.length} min with its breaks ({span.begins:%H:%M}-{span.ends:%H:%M}): "
        f"{slides.SLACK - span.spare} min too many for {slides.HALF_DAY} min with {slides.SLACK} to spare")


@pytest.mark.parametrize("row", SESSIONS, ids=lambda row: row.name)
def test_no_notebook_shows_more_slides_than_an_instructor_can_show(row):
    assert row.density <= slides.MAX_DENSITY, (
        f"{row.name}: {row.slides} slides in {row.teaching} teaching minutes; at most "
        f"{slides.MAX_DENSITY} a minute: mark what does not fit as Going further (slide type skip)")


@pytest.mark.parametrize("notebook", slides.slide_notebooks(), ids=lambda path: path.name)
def test_going_further_sections_are_skipped_on_slides_and_kept_in_the_notebook(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    shown = [i for i in slides.going_further_cells(notebook)
             if cells[i].metadata.get("slideshow", {}).get("slide_type") != "skip"]
    assert not shown, f"cells {shown} of a Going further section would show on the slides: make them skip"


def test_a_going_further_section_ends_at_the_next_heading_of_its_level(tmp_path):
    def cell(source, kind="skip", maker=nbformat.v4.new_markdown_cell):
        return maker(source, metadata={"slideshow": {"slide_type": kind}})
    notebook = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        cell("## Training", "slide"), cell("### Going further: mini-batches"),
        cell("x = 1", maker=nbformat.v4.new_code_cell), cell("#### A detail"),
        cell("### Back on the slides", "subslide"), cell("### Key points", "slide")]), notebook)
    assert slides.going_further_cells(notebook) == [1, 2, 3]


def test_the_instructor_guide_shows_the_timetable_the_notebooks_declare():
    """slides/README.md holds the generated timetable (run times aside, which are measured)."""
    guide = (slides.SLIDES / "README.md").read_text(encoding="utf-8")
    committed = guide.split(slides.SCHEDULE_BEGIN, 1)[1].split(slides.SCHEDULE_END, 1)[0]
    without_run_times = re.compile(r"\| (?:[\d.]+ s|–) \|$|^- Run top to bottom.*$", re.MULTILINE)
    expected = slides.timetable(SESSIONS)
    assert without_run_times.sub("", committed).strip() == without_run_times.sub("", expected).strip(), (
        "refresh it: python -m demystify.slides --schedule --write")
