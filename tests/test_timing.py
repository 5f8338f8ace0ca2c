"""Timings print in the forms that tests/sanitize.cfg masks, so notebook outputs compare equal."""
import re
from pathlib import Path

import pytest

from demystify.timing import best_time, duration, ratio

SANITIZE = (Path(__file__).parent / "sanitize.cfg").read_text(encoding="utf-8")
PATTERNS = [re.compile(line.removeprefix("regex: ")) for line in SANITIZE.splitlines()
            if line.startswith("regex: ")]


@pytest.mark.parametrize("seconds, shown", [(0.00085, "850 µs"), (0.0000123, "12.3 µs"),
                                            (0.0123, "12.3 ms"), (1.05, "1.05 s"), (123.4, "123 s"),
                                            (0.0099999, "10.0 ms"), (0.09996, "100 ms")])
def test_a_duration_has_three_significant_figures_and_its_unit(seconds, shown):
    assert duration(seconds) == shown


@pytest.mark.parametrize("text", [duration(3.2e-5), duration(0.5), duration(2.0), ratio(3.0, 2.0)])
def test_what_the_course_prints_is_masked_by_the_sanitize_file(text):
    assert any(pattern.fullmatch(text) or pattern.search(text) for pattern in PATTERNS), text


@pytest.mark.parametrize("slow, shown", [(1.234, "1.23×"), (12.34, "12.3×"), (557.8, "558×")])
def test_a_ratio_has_three_significant_figures(slow, shown):
    assert ratio(slow, 1.0) == shown


def test_best_time_is_the_fastest_of_the_runs_and_passes_the_arguments():
    calls = []
    seconds = best_time(lambda x: calls.append(x), 7, repeat=3)
    assert calls == [7, 7, 7] and 0 <= seconds < 0.1
