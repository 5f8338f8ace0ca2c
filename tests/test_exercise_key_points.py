"""The key points of an exercise notebook sum up what was learnt, without the answers' code."""
import re

import nbformat
import pytest

from demystify import course
from demystify.exercises import BEGIN, END, HINT


def answer_lines(cells) -> set[str]:
    """The lines of code between the solution markers, stripped (short ones, such as
    `return H`, say nothing)."""
    found = set()
    for cell in cells:
        if cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.split("\n"):
            stripped = line.strip()
            if stripped == BEGIN:
                inside = True
            elif stripped == END:
                inside = False
            elif inside and not stripped.startswith(HINT) and len(stripped) >= 12:
                found.add(stripped)
    return found


def code_in(markdown: str) -> list[str]:
    """The inline code spans and code blocks of a markdown text."""
    return [span.strip() for span in re.findall(r"```.*?```|`[^`]+`", markdown, re.S)]


def printed_answers(cells) -> list[str]:
    key_points = cells[-1].source
    answers = answer_lines(cells)
    return [answer for answer in answers
            if any(answer in span or span.strip("`").strip() in answer and
                   len(span.strip("`").strip()) >= 12 for span in code_in(key_points))]


def test_an_answer_line_in_the_key_points_is_found():
    code = nbformat.v4.new_code_cell(f"def f(x):\n    {BEGIN}\n    {HINT} Think.\n"
                                     f"    return np.tanh(x @ w + b)\n    {END}")
    leaky = nbformat.v4.new_markdown_cell("### Key points\n- A neuron is `np.tanh(x @ w + b)`.")
    quiet = nbformat.v4.new_markdown_cell("### Key points\n- A neuron is $\\tanh(x w + b)$.")
    assert printed_answers([code, leaky]) == ["return np.tanh(x @ w + b)"]
    assert printed_answers([code, quiet]) == []


@pytest.mark.parametrize("solution", course.solutions(), ids=lambda path: path.name)
def test_key_points_do_not_print_the_answers_code(solution):
    cells = nbformat.read(solution, as_version=4).cells
    assert cells[-1].source.startswith("### Key points")
    assert not printed_answers(cells), "say it in words or maths, without the answer's code"
