"""The self-check machinery names the mistake instead of a bare assertion."""
import numpy as np
import pytest

from demystify.checks import (ARRAY, ARRAYS, NUMBER, NUMBERS, CheckFailed, call, expect_array,
                              expect_true, fail, hint_for, instance_of, passed)
from demystify.checks.core import describe_factor, expect_arrays, expect_class, expect_numbers, raised_alike

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


# --- call: the one way the checks call attendee code ---------------------------------------

def call_failure(function, *args, **options) -> str:
    with pytest.raises(CheckFailed) as error:
        call(function, *args, **options)
    return str(error.value)


def loss(params, X, Y):
    return np.mean((params[0] * X - Y) ** 2)


LOSS = {"name": "loss", "signature": "loss(params, X, Y)"}


def test_call_returns_what_the_function_returns():
    assert call(loss, [2.0], np.ones(3), np.zeros(3), returns=NUMBER, **LOSS) == 4.0


def test_a_stub_reads_not_written_yet_with_its_nudge():
    def stub(params, X, Y):
        raise NotImplementedError("Average the squared errors.")
    assert call_failure(stub, [1.0], 1.0, 1.0, **LOSS) == (
        "✗ loss is not written yet.\n  Average the squared errors.")


def test_any_other_exception_reads_your_name_raised_with_the_checks_hint():
    def broken(params, X, Y):
        return {}["W1"]
    text = call_failure(broken, [1.0], 1.0, 1.0, hint="Look up each parameter by position.", **LOSS)
    assert text == "✗ your loss raised KeyError: 'W1'\n  Look up each parameter by position."


def test_a_hint_can_depend_on_the_exception():
    def broken(params, X, Y):
        raise ValueError("shapes do not line up")
    text = call_failure(broken, [1.0], 1.0, 1.0, hint=hint_for(ValueError, "Check the shapes."),
                        **LOSS)
    assert text.endswith("\n  Check the shapes.")
    text = call_failure(broken, [1.0], 1.0, 1.0, hint=hint_for(KeyError, "Not this one."), **LOSS)
    assert text == "✗ your loss raised ValueError: shapes do not line up"


def test_a_hint_function_may_replace_the_whole_sentence():
    def missing_vjp(error):
        fail("the walk stopped at exp, which has no VJP in the table yet.")
    text = call_failure(lambda output: {}[output], "exp", name="backward", hint=missing_vjp)
    assert text == "✗ the walk stopped at exp, which has no VJP in the table yet."


def test_a_name_with_an_article_is_not_given_another():
    def vjp(g):
        raise ZeroDivisionError("division by zero")
    assert call_failure(vjp, 1.0, name="the VJP of divide w.r.t. y").startswith(
        "✗ the VJP of divide w.r.t. y raised ZeroDivisionError: division by zero")


def test_the_failure_keeps_the_attendees_exception_as_its_cause_but_shows_no_traceback():
    def broken(params, X, Y):
        raise ValueError("inside")
    with pytest.raises(CheckFailed) as error:
        call(broken, [1.0], 1.0, 1.0, **LOSS)
    assert isinstance(error.value.__cause__, ValueError)
    assert error.value._render_traceback_() == ["\x1b[31m✗ your loss raised ValueError: inside\x1b[0m"]


def test_a_check_failing_inside_the_attendees_code_is_passed_on_unchanged():
    def calls_a_check(params, X, Y):
        fail("the inner check's own sentence")
    assert call_failure(calls_a_check, [1.0], 1.0, 1.0, **LOSS) == "✗ the inner check's own sentence"


@pytest.mark.parametrize("thing, described", [
    ([0.5, 0.25], "a list"), (np.float64(0.3), "a float64"), (None, "None"),
    (np.zeros((2, 3)), "a numpy array of shape (2, 3)")])
def test_something_that_is_not_a_function_is_named(thing, described):
    text = call_failure(thing, [1.0], 1.0, 1.0, **LOSS)
    assert text.startswith(f"✗ loss is {described}, not a function.") and "without brackets" in text


@pytest.mark.parametrize("function, why", [
    (lambda params, X: 0.0, "too many positional arguments"),
    (lambda params, X, Y, lr: 0.0, "missing a required argument: 'lr'"),
], ids=["too few parameters", "too many parameters"])
def test_a_wrong_signature_says_how_the_function_is_called(function, why):
    assert call_failure(function, [1.0], 1.0, 1.0, **LOSS) == (
        f"✗ loss cannot be called as loss(params, X, Y) ({why}).\n"
        "  It takes params, X, Y, in that order.")


def test_a_type_error_inside_the_function_is_not_mistaken_for_a_wrong_signature():
    def assigns_into_a_tuple(params, X, Y):
        params[0] = 2.0
        return 0.0
    text = call_failure(assigns_into_a_tuple, (1.0,), 1.0, 1.0, **LOSS)
    assert text.startswith("✗ your loss raised TypeError: 'tuple' object does not support item "
                           "assignment")


def test_a_forgotten_return_is_named():
    def no_return(params, X, Y):
        np.mean((params[0] * X - Y) ** 2)
    assert call_failure(no_return, [1.0], 1.0, 1.0, returns=NUMBER, **LOSS) == (
        "✗ loss returned None; expected one number.\n  Did you forget to `return` the result?")


def test_a_list_where_an_array_is_expected_is_named():
    text = call_failure(lambda X, W, b: [[0.1, 0.2]], 1.0, 1.0, 1.0, name="layer_forward",
                        signature="layer_forward(X, W, b)", returns=ARRAY)
    assert text.startswith("✗ layer_forward returned a list; expected a numpy array.")
    assert "np.array(...)" in text


def test_a_result_of_another_kind_is_named_with_the_kinds_hint():
    class Node:
        pass
    text = call_failure(lambda x: np.zeros(2), 1.0, name="wrap(np.tanh)",
                        returns=instance_of(Node, "a Node", "Return Node(value, ...)."))
    assert text == ("✗ wrap(np.tanh) returned a numpy array of shape (2,); expected a Node.\n"
                    "  Return Node(value, ...).")


PAIR = (("params", ARRAYS), ("losses", NUMBERS))


def test_a_pair_in_the_right_order_passes_and_in_the_wrong_order_is_named():
    params, losses = [np.ones(2), np.ones((2, 2))], [0.5, 0.25]
    assert call(lambda: (params, losses), name="train", returns=PAIR) == (params, losses)
    text = call_failure(lambda: (losses, params), name="train", returns=PAIR)
    assert text == ("✗ train returned (losses, params); expected (params, losses).\n"
                    "  Return them in this order: `return params, losses`.")


def test_a_pair_of_the_wrong_size_or_kind_is_named():
    assert "End with `return params, losses`." in call_failure(
        lambda: [0.5, 0.25, 0.125], name="train", returns=PAIR)
    text = call_failure(lambda: ([np.ones(2)], "0.5"), name="train", returns=PAIR)
    assert text == "✗ train returned, as losses, a str; expected a list of numbers."


def test_an_expected_exception_is_returned_not_reported():
    def strict(init):
        raise ValueError(f"unknown init {init!r}")
    outcome = call(strict, "zeros", name="Linear", may_raise=ValueError)
    assert isinstance(outcome, ValueError) and "zeros" in str(outcome)
    with pytest.raises(CheckFailed, match="your Linear raised KeyError"):
        call(lambda init: {}[init], "zeros", name="Linear", may_raise=ValueError)


# --- reading results: numbers, lists of arrays, numpy's errors ------------------------------

def test_infinite_values_are_named_and_do_not_break_the_factor():
    bad = EXPECTED.copy()
    bad[0, 1] = np.inf
    assert "contains infinite values" in message(bad)
    assert describe_factor(np.inf) == "inf" and describe_factor(1e300) == "1e+300"


@pytest.mark.parametrize("actual, words", [
    ("0.95", "a str holding strings"), (np.array(["1", "2"]), "numpy array of strings"),
    ([[1.0, 2.0], [3.0]], "its rows or entries have different lengths"),
    ([None, 1.0], "holding something other than numbers"), (1 + 2j, "complex numbers"),
    ({"a": 1.0}, "a dict holding something other than numbers")])
def test_what_numpy_cannot_read_as_numbers_is_named(actual, words):
    assert words in message(actual)


def test_a_string_that_reads_as_a_number_is_still_not_a_number():
    with pytest.raises(CheckFailed, match="holding strings"):
        expect_numbers("0.95", "accuracy returned", "a number")
    assert expect_numbers([True, 2], "x returned", "numbers").tolist() == [1.0, 2.0]


@pytest.mark.parametrize("value", [np.array(["a"]), np.array([None], dtype=object), np.str_("a")])
def test_an_array_of_strings_or_objects_is_not_an_array_of_numbers(value):
    text = call_failure(lambda: value, name="f", returns=ARRAY)
    assert text.startswith("✗ f returned") and "expected a numpy array" in text


def test_a_list_of_numbers_may_be_a_vector_but_not_a_single_number_array():
    assert NUMBERS.accepts(np.array([0.5, 0.25])) and NUMBERS.accepts([np.float64(0.5)])
    assert not NUMBERS.accepts(np.array(0.5)) and not NUMBERS.accepts(np.ones((2, 2)))


SHAPES, NAMES = [(2, 3), (3,)], ["W", "b"]


def arrays_failure(value, **options) -> str:
    with pytest.raises(CheckFailed) as error:
        expect_arrays(value, SHAPES, "init returned", NAMES, **options)
    return str(error.value)


def test_a_right_list_of_arrays_is_returned_as_floats():
    got = expect_arrays((np.ones((2, 3), dtype=int), np.zeros(3)), SHAPES, "init returned", NAMES)
    assert [a.dtype for a in got] == [float, float] and isinstance(got, list)


@pytest.mark.parametrize("value, words", [
    (None, "init returned None; expected a list of 2 arrays [W, b]."),
    (np.ones(3), "init returned a numpy array of shape (3,); expected a list of 2 arrays [W, b]."),
    ([[np.ones((2, 3)), np.zeros(3)]], "a list of 1 entries, 1 of them lists; expected one flat list"),
    ([np.ones((2, 3))], "init returned 1 arrays; expected 2: W, b."),
    ([np.ones((2, 3)), [0.0, 0.0, 0.0]], "init returned, as b, a list; expected a numpy array of shape (3,)."),
    ([np.ones((2, 3)), np.array(["a", "b", "c"])], "as b, a numpy array of strings"),
    ([np.ones((3, 2)), np.zeros(3)], "init returned, as W, an array of shape (3, 2); expected (2, 3)."),
], ids=["None", "one array", "pairs", "too few", "a list entry", "strings", "wrong shape"])
def test_a_wrong_list_of_arrays_gets_one_sentence_on_its_structure(value, words):
    assert words in arrays_failure(value)


def test_pairs_that_hold_all_the_arrays_are_told_to_extend_the_list():
    assert "extend it" in arrays_failure([[np.ones((2, 3)), np.zeros(3)]])


def test_a_wrong_shape_gets_the_callers_hint():
    text = arrays_failure([np.ones((3, 2)), np.zeros(3)],
                          shape_hint=lambda name, got, want: f"{name}: {got} is {want} turned.")
    assert text.endswith("W: (3, 2) is (2, 3) turned.")


def test_raised_alike_names_the_computations_that_fail_the_same_way():
    X, W = np.ones((5, 4)), np.ones((4, 2))
    try:
        X @ W.T
    except ValueError as error:
        seen = error
    candidates = [("W @ X", lambda: W @ X), ("X @ W.T", lambda: X @ W.T), ("X @ W", lambda: X @ W),
                  ("X * W", lambda: X * W)]
    assert raised_alike(seen, candidates) == ["X @ W.T"]
    assert raised_alike(KeyError("W"), candidates) == []


def test_a_stub_inside_the_called_function_is_named_as_the_one_not_written():
    def helper(x):
        raise NotImplementedError("One line.")

    def outer(x):
        return helper(x) + 1
    assert call_failure(outer, 1.0, name="outer") == (
        "✗ outer calls helper, which is not written yet.\n  One line.")


def test_a_not_implemented_error_from_a_library_is_not_blamed_on_a_function_of_the_attendee():
    import logging
    text = call_failure(lambda record: logging.Handler().emit(record), None, name="f")
    assert text.startswith("✗ your f raised NotImplementedError: emit must be implemented")
    assert "not written yet" not in text and "calls emit" not in text


def test_autograd_that_cannot_differentiate_a_function_is_not_an_unfinished_exercise():
    import autograd
    import autograd.numpy as anp

    from demystify.checks.unfinished import Waiting, message
    with pytest.raises(NotImplementedError) as raised:
        autograd.grad(lambda x: anp.average(x ** 2))(anp.ones(3))
    assert message(raised.value, Waiting({}, {})) is None     # IPython shows autograd's own error
    text = call_failure(autograd.grad(lambda x: anp.average(x ** 2)), anp.ones(3), name="loss_grad",
                        hint="use np.mean")
    assert text.startswith("✗ your loss_grad raised NotImplementedError: VJP of average")
    assert text.endswith("use np.mean") and "not written yet" not in text


def test_otherwise_is_shown_only_where_no_mistake_is_named():
    bad = EXPECTED.copy()
    bad[1, 2] = 100.0
    assert message(bad, otherwise="Hint 2 shows it.").endswith("\n  Hint 2 shows it.")
    assert "Hint 2" not in message(-EXPECTED, otherwise="Hint 2 shows it.")


# --- expect_class: a check is given the attendee's class, not an object or None ---------------

def test_expect_class_returns_a_class_it_is_given():

    class Module:
        pass
    assert expect_class(Module, "Module", "check_parameters(Module, Parameter)") is Module


@pytest.mark.parametrize("given, sentence", [
    (None, "takes your class Module; it got None."),
    ("Module", "takes your class Module; it got a str."),
    (len, "takes your class Module; it got a builtin_function_or_method."),
])
def test_expect_class_says_what_it_got_instead(given, sentence):
    with pytest.raises(CheckFailed) as error:
        expect_class(given, "Module", "check_parameters(Module, Parameter)")
    assert sentence in str(error.value) and "Run the cell that defines class Module" in str(error.value)


def test_expect_class_names_an_object_made_from_a_class():

    class Module:
        pass
    with pytest.raises(CheckFailed) as error:
        expect_class(Module(), "Module", "check_parameters(Module, Parameter)")
    assert "takes the class Module itself; it got a Module object" in str(error.value)


def test_expect_class_names_classes_passed_in_the_wrong_order():

    class Parameter:
        pass
    with pytest.raises(CheckFailed) as error:
        expect_class(Parameter, "Module", "check_parameters(Module, Parameter)")
    assert "got the class Parameter where Module goes" in str(error.value)
