"""Exercises make attendees think: the stub nudges, fuller help waits in collapsed tiers.

A stub's message (its ``### HINT:`` lines) is one short sentence with no code; below each
exercise, a markdown cell holds ``<details>`` blocks *Hint 1* (the idea) and *Hint 2* (nearly
the code), closed until the attendee opens them.
"""
import re

import nbformat
import pytest

from demystify import course
from demystify.exercises import BEGIN, HINT

NUDGE_LENGTH = 100
CODE_LIKE = re.compile(r"`|\bnp\.|\[|\]|==?|\*\*|@|\w\.\w+\(|\w\(\w*\)|\bzip\b|\blambda\b|->")
TIER = re.compile(r"<details>\s*<summary>\s*Hint (\d)\s*</summary>")


def nudges(solution) -> list[tuple[int, str]]:
    """(cell index, the stub's message) for each solution block of the notebook."""
    found = []
    for index, cell in enumerate(nbformat.read(solution, as_version=4).cells):
        lines = [line.strip() for line in cell.source.split("\n")]
        for at, line in enumerate(lines):
            if line == BEGIN:
                hint = []
                for follow in lines[at + 1:]:
                    if not follow.startswith(HINT):
                        break
                    hint.append(follow[len(HINT):].strip())
                found.append((index, " ".join(hint)))
    return found


def is_nudge(text: str) -> bool:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    return len(text) <= NUDGE_LENGTH and len(sentences) == 1 and not CODE_LIKE.search(text)


def test_a_nudge_is_one_short_sentence_without_code():
    assert is_nudge("One line: a whole batch through one layer.")
    assert not is_nudge("Multiply the batch by the weights, add the bias, then apply np.tanh.")
    assert not is_nudge("The dot product is x @ w.")
    assert not is_nudge("Use `zip`.")
    assert not is_nudge("First this. Then that.")
    assert not is_nudge("A sentence that goes on and on " * 5)


@pytest.mark.parametrize("solution", course.solutions(), ids=lambda path: path.name)
def test_every_stub_only_nudges(solution):
    loud = [(index, text) for index, text in nudges(solution) if not is_nudge(text)]
    assert not loud, ("these stubs say too much (one sentence under 100 characters, no code; "
                      f"put the rest in the collapsed hints below the exercise): {loud}")


def tiers_after(cells, index) -> list[int]:
    """The hint tiers in the markdown cells after cell ``index``, up to the next exercise heading."""
    found = []
    for cell in cells[index + 1:]:
        if cell.cell_type == "markdown" and re.match(r"#+\s*(Exercise|Key points)", cell.source):
            break
        if cell.cell_type == "markdown":
            found += [int(number) for number in TIER.findall(cell.source)]
    return found


@pytest.mark.parametrize("solution", course.solutions(), ids=lambda path: path.name)
def test_every_exercise_has_its_hints_in_collapsed_tiers_below_it(solution):
    cells = nbformat.read(solution, as_version=4).cells
    missing = [index for index, _ in nudges(solution)
               if cells[index].cell_type == "code" and tiers_after(cells, index)[:2] != [1, 2]]
    assert not missing, (f"cells {missing}: add a markdown cell below the exercise with "
                         "<details><summary>Hint 1</summary> (the idea) and Hint 2 (nearly the code)")


def test_hint_tiers_are_found_only_up_to_the_next_exercise():
    md = nbformat.v4.new_markdown_cell
    cells = [nbformat.v4.new_code_cell("x = 1"), md("## Exercise 2: next"),
             md("<details><summary>Hint 1</summary>\n\nIdea.\n</details>")]
    assert tiers_after(cells, 0) == []
    assert tiers_after(cells, 1) == [1]
