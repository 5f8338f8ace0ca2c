"""scratchgrad's graph and backward walk, and grad/value_and_grad's calling conventions."""
from __future__ import annotations

import sys
import threading
import tracemalloc

import autograd
import autograd.numpy as anp
import numpy
import pytest

import scratchgrad
import scratchgrad.numpy as np
from scratchgrad import Node, grad, value_and_grad
from demystify.reference import init_params, make_loss
from scratchgrad.core import backward, record, topological_order

RNG = numpy.random.default_rng(2019)
X = RNG.normal(size=(16, 8))
Y = numpy.eye(2)[RNG.integers(0, 2, 16)]
PARAMS = init_params()
loss = make_loss(np)
autograd_loss = make_loss(anp)


def assert_same_structure_and_values(ours, theirs):
    if not isinstance(ours, (dict, list, tuple)):       # a number or an array
        assert numpy.shape(ours) == numpy.shape(theirs)
        numpy.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)
        return
    assert type(ours) is type(theirs)
    if isinstance(ours, dict):
        assert ours.keys() == theirs.keys()
        for k in ours:
            assert_same_structure_and_values(ours[k], theirs[k])
    else:
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert_same_structure_and_values(a, b)


# --- the walk -------------------------------------------------------------------------------

def test_a_node_used_twice_adds_up_both_gradients():
    x = numpy.array([0.3, -1.2, 2.0])

    def f(np):
        def fun(x):
            h = np.tanh(x)              # h is used three times
            return np.sum(h * h + h)
        return fun
    expected = (2 * numpy.tanh(x) + 1) * (1 - numpy.tanh(x) ** 2)
    numpy.testing.assert_allclose(grad(f(np))(x), expected, rtol=1e-12)
    numpy.testing.assert_allclose(grad(f(np))(x), autograd.grad(f(anp))(x), rtol=1e-12)
    numpy.testing.assert_allclose(grad(lambda x: np.sum(x * x))(x), 2 * x)


def test_the_walk_visits_each_node_once_after_every_node_computed_from_it():
    x = Node(numpy.ones(3), name="x")
    a = np.tanh(x)
    b = a * x
    c = a + b
    end = np.sum(c * a)
    order = topological_order(end)
    assert len(order) == len(set(order)) == 6
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for _, parent in node.parents:
            assert position[parent] < position[node]


def test_a_graph_made_by_hand_gets_the_same_gradient_as_a_recorded_call():
    # Without a tape the walk orders the nodes by a depth-first search; nodes shared by
    # several paths (a, b) must still be complete before they pass their gradient on.
    def f(np):
        def fun(x):
            a = np.tanh(x)
            b = a * x + np.sin(a)
            return np.sum(b * a + np.exp(-b) * x)
        return fun
    x = numpy.array([0.3, -1.2, 2.0])
    leaf = Node(x, name="x")
    by_hand = backward(f(np)(leaf), numpy.float64(1.0))[leaf]
    numpy.testing.assert_allclose(by_hand, grad(f(np))(x), rtol=1e-12)
    numpy.testing.assert_allclose(by_hand, autograd.grad(f(anp))(x), rtol=1e-12)


def test_a_chain_of_ten_thousand_operations_needs_no_recursion():
    limit = sys.getrecursionlimit()

    def chain(x):
        for _ in range(10_000):
            x = x * 1.0001
        return x
    g = grad(chain)(2.0)
    assert g == pytest.approx(1.0001 ** 10_000, rel=1e-9)
    assert sys.getrecursionlimit() == limit
    end = chain(Node(numpy.float64(2.0)))
    assert len(topological_order(end)) == 10_001


def test_gradients_are_not_kept_in_the_graph_so_walking_twice_gives_the_same_answer():
    x = Node(numpy.array([1.0, 2.0]), name="x")
    end = np.sum(x * x)
    first = backward(end, numpy.float64(1.0))[x]
    second = backward(end, numpy.float64(1.0))[x]
    numpy.testing.assert_array_equal(first, second)
    numpy.testing.assert_array_equal(first, [2.0, 4.0])


def test_a_recorded_call_writes_each_operation_on_its_tape_in_the_order_it_ran():
    x = Node(numpy.array([0.5, -1.0]), name="x")
    end, tape = record(lambda x: np.sum(np.tanh(x) * x), (x,), {})
    assert [node.op for node in tape] == ["tanh", "multiply", "sum"]
    assert tape[-1] is end
    later = np.tanh(x)
    assert all(node is not later for node in tape)      # recording stopped with the call
    position = {node: i for i, node in enumerate(tape)}
    for node in tape:
        for _, parent in node.parents:
            assert parent is x or position[parent] < position[node]


def test_the_walk_along_the_tape_skips_operations_that_do_not_lead_to_the_output():
    def f(np):
        def fun(x):
            np.exp(x) * 3.0                             # recorded, never used by the loss
            return np.sum(np.tanh(x))
        return fun
    x = numpy.array([0.3, -1.2, 2.0])
    numpy.testing.assert_allclose(grad(f(np))(x), 1 - numpy.tanh(x) ** 2, rtol=1e-12)
    numpy.testing.assert_allclose(grad(f(np))(x), autograd.grad(f(anp))(x), rtol=1e-12)


def test_a_traced_value_kept_from_an_earlier_call_fails_loudly_instead_of_losing_its_gradient():
    kept = []

    def f(x):
        if not kept:
            kept.append(np.tanh(x))
            return np.sum(kept[0])
        return np.sum(x * kept[0])                      # a node of the previous call's graph
    x = numpy.array([0.5, 1.0])
    grad(f)(x)
    with pytest.raises(scratchgrad.NotDifferentiable, match=r"(?s)not made during this call.*"
                                                             r"inside the function"):
        grad(f)(x)


def test_a_traced_value_made_on_another_thread_fails_loudly_instead_of_losing_its_gradient():
    def f(x):
        made = []
        worker = threading.Thread(target=lambda: made.append(np.tanh(x)))
        worker.start()
        worker.join()
        return np.sum(made[0] * x)
    with pytest.raises(scratchgrad.NotDifferentiable, match="on another thread"):
        grad(f)(numpy.array([0.5, 1.0]))


def test_threads_taking_gradients_at_the_same_time_each_get_the_right_answer():
    expected = autograd.grad(autograd_loss)(PARAMS, X, Y)
    dloss = grad(loss)
    wrong, errors = [], []

    def work():
        try:
            for _ in range(200):
                for ours, theirs in zip(dloss(PARAMS, X, Y), expected, strict=True):
                    if not numpy.allclose(ours, theirs, rtol=1e-10, atol=1e-14):
                        wrong.append(ours)
        except Exception as error:              # noqa: BLE001  (reported below)
            errors.append(error)
    workers = [threading.Thread(target=work) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)                 # switch threads as often as possible
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors and not wrong


def test_a_gradient_taken_inside_a_function_being_differentiated_records_on_its_own_tape():
    inner = grad(lambda w: np.sum(w ** 2))

    def outer(x):
        g = inner(numpy.array([1.0, 2.0]))          # plain numbers in, plain gradient out
        return np.sum(np.tanh(x) * g)
    x = numpy.array([0.3, -0.4])
    numpy.testing.assert_allclose(grad(outer)(x), (1 - numpy.tanh(x) ** 2) * [2.0, 4.0],
                                  rtol=1e-12)


def test_calling_a_gradient_function_twice_gives_the_same_answer():
    dloss = grad(loss)
    first = dloss(PARAMS, X, Y)
    second = dloss(PARAMS, X, Y)
    for a, b in zip(first, second, strict=True):
        numpy.testing.assert_array_equal(a, b)
    other = dloss([p + 0.1 for p in PARAMS], X, Y)
    assert not numpy.allclose(other[0], first[0])


def test_the_course_network_gradient_matches_autograd():
    assert_same_structure_and_values(grad(loss)(PARAMS, X, Y),
                                     autograd.grad(autograd_loss)(PARAMS, X, Y))


# --- calling conventions ----------------------------------------------------------------------

def test_list_tuple_and_dict_parameters_get_gradients_of_the_same_structure():
    W1, b1, W2, b2, W3, b3 = PARAMS

    def dict_loss(np):
        def f(p, X, Y):
            return make_loss(np)([p["W1"], p["b1"], *p["rest"]], X, Y)
        return f
    params = {"W1": W1, "b1": b1, "rest": (W2, b2, W3, b3)}
    for p, fun in [(list(PARAMS), make_loss), (tuple(PARAMS), make_loss), (params, dict_loss)]:
        ours = grad(fun(np))(p, X, Y)
        theirs = autograd.grad(fun(anp))(p, X, Y)
        assert_same_structure_and_values(ours, theirs)


def test_nested_containers_keep_their_structure():
    p = {"layer": [numpy.ones(2), (numpy.ones(3), 2.0)]}

    def f(np):
        return lambda p: np.sum(np.tanh(p["layer"][0])) * np.sum(p["layer"][1][0]) * p["layer"][1][1]
    assert_same_structure_and_values(grad(f(np))(p), autograd.grad(f(anp))(p))


@pytest.mark.parametrize("argnum", [0, 1, 2, (0, 2), (2, 1, 0)])
def test_argnum_picks_any_argument_or_several(argnum):
    def f(np):
        return lambda a, b, c: np.sum(np.tanh(a * b) @ c)
    args = (RNG.normal(size=(2, 3)), RNG.normal(size=(3,)), RNG.normal(size=(3, 2)))
    assert_same_structure_and_values(grad(f(np), argnum)(*args), autograd.grad(f(anp), argnum)(*args))


def test_keyword_arguments_pass_through_untraced():
    f = lambda x, scale=1.0: np.sum(x ** 2) * scale   # noqa: E731
    numpy.testing.assert_allclose(grad(f)(numpy.ones(2), scale=3.0), [6.0, 6.0])


def test_value_and_grad_returns_the_plain_value_and_the_gradient():
    value, gradient = value_and_grad(loss)(PARAMS, X, Y)
    assert isinstance(value, numpy.floating)
    assert value == pytest.approx(make_loss(numpy)(PARAMS, X, Y), rel=1e-14)
    assert_same_structure_and_values(gradient, grad(loss)(PARAMS, X, Y))


def test_numbers_get_number_gradients_and_integers_get_float_gradients():
    g = grad(lambda x: x ** 3)(2.0)
    assert isinstance(g, float) and g == pytest.approx(12.0)
    assert grad(lambda x: x ** 3)(2) == pytest.approx(12.0)
    g = grad(lambda x: np.sum(x ** 2))(numpy.array([1, 2, 3]))
    assert g.dtype == numpy.float64
    numpy.testing.assert_array_equal(g, [2.0, 4.0, 6.0])


def test_gradients_are_new_arrays_that_can_be_changed_in_place_safely():
    a, b = numpy.ones(3), numpy.ones(3)
    ga, gb = grad(lambda a, b: np.sum(a + b), (0, 1))(a, b)
    ga *= 10
    numpy.testing.assert_array_equal(gb, [1.0, 1.0, 1.0])
    numpy.testing.assert_array_equal(a, [1.0, 1.0, 1.0])


def test_gradients_that_are_views_of_one_array_are_returned_as_separate_arrays():
    a, b = numpy.ones((2, 3)), numpy.ones((3, 2))
    ga, gb = grad(lambda a, b: np.sum(a.T + b), (0, 1))(a, b)   # ga is gb transposed
    ga *= 10
    numpy.testing.assert_array_equal(gb, numpy.ones((3, 2)))


def test_a_parameter_the_loss_does_not_use_gets_a_zero_gradient():
    g = grad(lambda p: np.sum(p[0] ** 2))([numpy.ones(2), numpy.ones((2, 2))])
    numpy.testing.assert_array_equal(g[1], numpy.zeros((2, 2)))


def test_an_output_that_does_not_depend_on_the_input_warns_and_gives_zeros():
    with pytest.warns(UserWarning, match="does not depend on the arguments"):
        g = grad(lambda x: 3.0)(numpy.ones(2))
    numpy.testing.assert_array_equal(g, numpy.zeros(2))


def test_a_function_returning_an_array_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"(?s)shape \(3,\).*np.mean or np.sum"):
        grad(lambda x: x * 2)(numpy.ones(3))


def test_grad_of_grad_is_refused_rather_than_answered_wrongly():
    inner = grad(lambda x: x ** 3)
    with pytest.raises(scratchgrad.NotDifferentiable, match="first derivatives only"):
        grad(inner)(2.0)


def test_a_missing_argument_position_is_named():
    with pytest.raises(TypeError, match=r"argnum=1\): <lambda> was called with 1 positional"):
        grad(lambda x: x ** 2, argnum=1)(2.0)


def test_arguments_that_are_not_numbers_are_refused_with_their_name():
    with pytest.raises(TypeError, match=r"params\[1\] is a str"):
        grad(lambda params: params[0] ** 2)([1.0, "b"])


def test_x_plus_equals_rebinds_the_name_and_never_changes_the_callers_array():
    def f(np):
        def fun(x):
            y = x
            y += 1.0                         # a new node for y; x is unchanged
            y *= 2.0
            return np.sum(x * y)
        return fun
    x = numpy.array([1.0, 2.0])
    numpy.testing.assert_allclose(grad(f(np))(x), autograd.grad(f(anp))(x))
    numpy.testing.assert_allclose(grad(f(np))(x), 4 * x + 2)
    numpy.testing.assert_array_equal(x, [1.0, 2.0])


def test_non_differentiable_helpers_give_plain_results_inside_a_traced_function():
    seen = {}

    def f(x):
        seen["argmax"] = np.argmax(x, axis=1)
        seen["method"] = x.argmax(axis=1)
        seen["compare"] = x > 0
        seen["allclose"] = np.allclose(x, x.value)
        seen["shape"] = (np.shape(x), x.shape, x.ndim, x.size, len(x))
        return np.sum(np.tanh(x))
    x = numpy.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
    grad(f)(x)
    numpy.testing.assert_array_equal(seen["argmax"], [2, 1])
    numpy.testing.assert_array_equal(seen["method"], [2, 1])
    assert type(seen["compare"]) is numpy.ndarray and seen["compare"].sum() == 4
    assert seen["allclose"] is True or seen["allclose"] == numpy.True_
    assert seen["shape"] == ((2, 3), (2, 3), 2, 6, 2)


# --- memory -----------------------------------------------------------------------------------

def test_memory_stays_flat_over_two_thousand_training_steps():
    dloss = grad(loss)
    params = [p.copy() for p in PARAMS]

    def train(steps):
        for _ in range(steps):
            params[:] = [p - 0.5 * g for p, g in zip(params, dloss(params, X, Y), strict=True)]

    # Python keeps up to 2,000 freed tuples of each length up to 20 for reuse, and
    # tracemalloc counts those as allocated: fill the lists first, then they stay full.
    spare = [tuple(range(length)) for length in range(1, 21) for _ in range(2_000)]
    del spare
    train(50)
    tracemalloc.start()
    try:
        train(20)
        before, _ = tracemalloc.get_traced_memory()
        train(2_000)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 4_000, f"memory grew by {after - before} bytes over 2,000 steps"
    assert peak - before < 200_000, "one step should need well under 200 kB here"


def test_the_graph_is_freed_by_reference_counting_when_the_gradient_is_returned():
    import gc

    def alive():
        return sum(type(o) is Node for o in gc.get_objects())
    gc.collect()
    gc.disable()                     # no garbage collector: only reference counting frees
    try:
        before = alive()
        for _ in range(50):
            grad(loss)(PARAMS, X, Y)
        after = alive()
    finally:
        gc.enable()
    assert after == before


def test_an_output_of_shape_1_by_1_is_a_single_number_too():
    def f(np):
        return lambda w: np.tanh(numpy.ones((1, 3)) @ w)       # shape (1, 1)
    w = numpy.array([[0.1], [0.2], [0.3]])
    assert_same_structure_and_values(grad(f(np))(w), autograd.grad(f(anp))(w))


def test_iterating_over_a_traced_array_records_each_row():
    def f(np):
        def fun(x):
            return sum(np.sum(row * k) for k, row in enumerate(x))
        return fun
    x = RNG.normal(size=(3, 2))
    assert_same_structure_and_values(grad(f(np))(x), autograd.grad(f(anp))(x))
    with pytest.raises(TypeError):
        grad(lambda x: list(x))(2.0)


def test_lists_of_numbers_work_as_operands_on_either_side():
    # (autograd fails on x ** [2.0, 3.0], so the reference is the derivative by hand)
    x = numpy.array([[0.5, 1.5], [2.0, 0.7]])
    g = grad(lambda x: np.sum(x ** [2.0, 3.0] + [1.0, 2.0] * x + x @ [[1.0], [2.0]]))(x)
    # x @ [[1], [2]] has shape (2, 1) and is broadcast over 2 columns: it counts twice
    expected = numpy.stack([2 * x[:, 0] + 1 + 2 * 1, 3 * x[:, 1] ** 2 + 2 + 2 * 2], axis=1)
    numpy.testing.assert_allclose(g, expected, rtol=1e-12)
