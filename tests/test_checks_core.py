"""The self-check machinery names the mistake instead of a bare assertion."""
import numpy as np
import pytest

from demystify.checks import CheckFailed, expect_array, expect_true, fail, passed
from demystify.checks.core import describe_factor

EXPECTED = np.arange(1.0, 7.0).reshape(2, 3)


def message(actual, **kwargs) -> str:
    with pytest.raises(CheckFailed) as error:
        expect_array(actual, EXPECTED, "f(x)", **kwargs)
    return str(error.value)


def test_matching_array_passes_silently():
    expect_array(EXPECTED + 1e-12, EXPECTED, "f(x)")


def test_transposed_result_is_named_as_a_transpose():
    text = message(EXPECTED.T)
    assert text.startswith("✗ f(x) has shape (3, 2); expected (2, 3).")
    assert "transposed" in text


def test_flipped_sign_is_named():
    assert "wrong sign" in message(-EXPECTED)


def test_constant_factor_is_named_as_a_fraction():
    assert "off by a factor of 1/2" in message(EXPECTED / 2)
    assert "off by a factor of 3" in message(EXPECTED * 3)


def test_known_mistake_hint_is_shown_when_the_answer_matches_it():
    wrong = EXPECTED - 1
    text = message(wrong, mistakes=[(wrong, "Did you forget the bias?")])
    assert "Did you forget the bias?" in text


def test_none_says_return_is_missing():
    assert "forget to `return`" in message(None)


def test_nan_is_named():
    bad = EXPECTED.copy()
    bad[0, 0] = np.nan
    assert "NaN" in message(bad)


def test_other_differences_name_the_worst_index():
    bad = EXPECTED.copy()
    bad[1, 2] = 100.0
    assert "at index (1, 2) it is 100, expected 6" in message(bad)


def test_failure_renders_without_a_traceback_in_ipython():
    with pytest.raises(CheckFailed) as error:
        fail("it broke", "Try this.")
    lines = error.value._render_traceback_()
    assert len(lines) == 2 and "it broke" in lines[0] and "Try this." in lines[1]


def test_passed_prints_a_tick(capsys):
    passed("all good")
    assert capsys.readouterr().out == "✓ all good\n"


def test_expect_true_fails_only_when_false():
    expect_true(True, "never shown")
    with pytest.raises(CheckFailed, match="shown"):
        expect_true(False, "shown")


@pytest.mark.parametrize("k, text", [(2.0, "2"), (0.25, "1/4"), (-1 / 3, "-1/3"), (0.3712, "0.371")])
def test_factors_read_as_simple_fractions(k, text):
    assert describe_factor(k) == text


def test_two_single_numbers_are_not_said_to_differ_by_an_arbitrary_factor():
    with pytest.raises(CheckFailed) as error:
        expect_array(0.41 * 1.2345, 1.2345, "loss")
    assert "factor" not in str(error.value) and "loss is 0.506145; expected 1.2345." in str(error.value)
    with pytest.raises(CheckFailed) as error:
        expect_array(24 * 1.2345, 1.2345, "loss")   # a sum instead of a mean: a real clue
    assert "off by a factor of 24" in str(error.value)
