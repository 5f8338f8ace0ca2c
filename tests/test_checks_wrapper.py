"""The self-checks of notebook 12 pass the solution and name each typical mistake.

The solution below is the notebook's, rebuilt per test on a fresh Node class so that a
wrong operator in one test cannot leak into another.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import solution_graph
from demystify.checks.wrapper import check_loss, check_operators, check_replay, check_wrap
from failures import failure
from solution_graph import install_operators, make_node_class, make_wnp, make_wrap, topological_order


# --- the solution, as in solutions/12-numpy-wrapper-exercises.ipynb -------------------------

def make_loss(wnp, tanh=None, last_tanh=True, reduce=None):
    tanh = tanh or wnp.tanh
    reduce = reduce or (lambda err: wnp.mean(err ** 2))

    def loss(W1, b1, W2, b2, W3, b3, X, Y):
        H1 = tanh(X @ W1 + b1)
        H2 = tanh(H1 @ W2 + b2)
        Z3 = H2 @ W3 + b3
        Y_hat = tanh(Z3) if last_tanh else Z3
        return reduce(Y_hat - Y)
    return loss


@pytest.fixture
def solution():
    return solution_graph.solution()


# --- the solution passes every check ------------------------------------------------------

def replay(output, new_values):
    """The notebook's solution of exercise 4."""
    values = {}
    for node in topological_order(output):
        if node.fun is None:
            values[node] = new_values.get(node, node.value)
        else:
            values[node] = node.fun(*[values[parent] for parent in node.parents], **node.kwargs)
    return values[output]


def test_the_solution_passes_every_check(solution, capsys):
    check_wrap(solution.wrap, solution.Node)
    check_operators(solution.Node)
    check_loss(make_loss(solution.wnp), solution.Node)
    check_replay(replay, solution.Node)
    out = capsys.readouterr().out
    assert out.count("✓") == 4
    assert "21 nodes: 12 operations (3 matmul, 3 add, 3 tanh, 1 subtract, 1 power, 1 mean) and 9 leaves" in out


# --- wrap ---------------------------------------------------------------------------------

def test_unwritten_wrap_shows_its_hint():
    def wrap(numpy_function):
        raise NotImplementedError("Inside wrap, define a function.")
    text = failure(check_wrap, wrap, make_node_class())
    assert text == "✗ wrap is not written yet.\n  Inside wrap, define a function."


def test_wrap_that_gives_nodes_to_numpy_is_told_to_use_values():
    Node = make_node_class()

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            return Node(numpy_function(*inputs, **kwargs), numpy_function, inputs, kwargs)
        return recorded
    assert "numpy was handed a Node" in failure(check_wrap, wrap, Node)


def test_wrap_that_keeps_constants_as_numbers_is_told_to_make_leaves():
    Node = make_node_class()

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            values = [x.value if isinstance(x, Node) else x for x in inputs]
            return Node(numpy_function(*values, **kwargs), numpy_function, inputs, kwargs)
        return recorded
    text = failure(check_wrap, wrap, Node)
    assert "recorded the constant as a float, not a Node" in text and "as_node" in text


def test_wrap_that_drops_constants_from_the_parents_is_told_to_make_leaves():
    Node = make_node_class()

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            values = [x.value if isinstance(x, Node) else x for x in inputs]
            parents = [x for x in inputs if isinstance(x, Node)]
            return Node(numpy_function(*values, **kwargs), numpy_function, parents, kwargs)
        return recorded
    text = failure(check_wrap, wrap, Node)
    assert text.startswith("✗ wrap(np.subtract)(a, 2.0) recorded 1 parent(s); expected 2")
    assert "as_node" in text


def test_wrap_that_reverses_the_parents_is_named():
    Node = make_node_class()
    right = make_wrap(Node)

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            node = right(numpy_function)(*inputs, **kwargs)
            return Node(node.value, numpy_function, node.parents[::-1], kwargs)
        return recorded
    assert "recorded its parents as (b, a); expected (a, b)" in failure(check_wrap, wrap, Node)


def test_wrap_that_copies_its_inputs_is_told_it_cuts_the_graph():
    Node = make_node_class()

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            parents = [Node(x.value if isinstance(x, Node) else x) for x in inputs]
            value = numpy_function(*[p.value for p in parents], **kwargs)
            return Node(value, numpy_function, parents, kwargs)
        return recorded
    assert "a copy cuts the graph" in failure(check_wrap, wrap, Node)


def test_wrap_that_drops_keyword_arguments_is_named():
    Node = make_node_class()

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            parents = [x if isinstance(x, Node) else Node(x) for x in inputs]
            return Node(numpy_function(*[p.value for p in parents]), numpy_function, parents)
        return recorded
    assert "The axis was ignored" in failure(check_wrap, wrap, Node)


def test_wrap_that_forgets_to_record_keyword_arguments_is_named():
    Node = make_node_class()

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            parents = [x if isinstance(x, Node) else Node(x) for x in inputs]
            return Node(numpy_function(*[p.value for p in parents], **kwargs), numpy_function,
                        parents)
        return recorded
    assert "recorded kwargs={}; expected {'axis': 0}" in failure(check_wrap, wrap, Node)


def test_wrap_that_records_the_name_instead_of_the_function_is_named():
    Node = make_node_class()

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            parents = [x if isinstance(x, Node) else Node(x) for x in inputs]
            value = numpy_function(*[p.value for p in parents], **kwargs)
            return Node(value, numpy_function.__name__, parents, kwargs)
        return recorded
    assert "recorded fun='subtract'; expected np.subtract itself" in failure(check_wrap, wrap, Node)


def test_wrap_that_returns_the_array_is_told_to_return_a_node():
    Node = make_node_class()

    def wrap(numpy_function):
        return lambda *inputs, **kwargs: numpy_function(
            *[x.value if isinstance(x, Node) else x for x in inputs], **kwargs)
    text = failure(check_wrap, wrap, Node)
    assert "wrap(np.subtract)(a, b) returned a numpy array of shape (2, 3); expected a Node." in text


def test_wrap_that_returns_nothing_is_told_to_return_a_function():
    text = failure(check_wrap, lambda numpy_function: None, make_node_class())
    assert "wrap returned None; expected a function." in text and "forget to `return`" in text


def test_wrap_that_calls_its_recorder_instead_of_returning_it_is_told_to_return_a_function():
    Node = make_node_class()
    right = make_wrap(Node)
    text = failure(check_wrap, lambda numpy_function: right(numpy_function)(1.0, 2.0), Node)
    assert "wrap returned a Node; expected a function." in text and "do not call it" in text


# --- operators ----------------------------------------------------------------------------

def test_rsub_without_the_swap_is_named_as_a_reflected_mistake(solution):
    install_operators(solution.Node, solution.wnp,
                      __rsub__=lambda self, other: solution.wnp.subtract(self, other))
    text = failure(check_operators, solution.Node)
    assert text.startswith("✗ the value of 2 - x has the right shape but not the right values.")
    assert "x.__rsub__(2)" in text and "wnp.subtract(other, self)" in text


def test_rtruediv_without_the_swap_is_named(solution):
    install_operators(solution.Node, solution.wnp,
                      __rtruediv__=lambda self, other: solution.wnp.divide(self, other))
    assert "the value of 2 / x" in failure(check_operators, solution.Node)


def test_rpow_without_the_swap_is_named(solution):
    install_operators(solution.Node, solution.wnp,
                      __rpow__=lambda self, other: solution.wnp.power(self, other))
    assert "the value of 2 ** x" in failure(check_operators, solution.Node)


def test_commutative_reflected_operator_with_parents_swapped_is_caught(solution):
    install_operators(solution.Node, solution.wnp,
                      __rmul__=lambda self, other: solution.wnp.multiply(self, other))
    text = failure(check_operators, solution.Node)
    assert "the left parent of 2 * x should be a leaf holding the constant" in text


def test_missing_operator_says_which_method_to_add():
    Node = make_node_class()
    wnp = make_wnp(make_wrap(Node))
    install_operators(Node, wnp, __sub__=None, __rsub__=None)
    text = failure(check_operators, Node)
    assert "x - y raised TypeError: Node has no __sub__ yet." in text
    assert "Node.__sub__ = lambda self, other: wnp.subtract(self, other)" in text


def test_rmatmul_the_wrong_way_round_is_explained(solution):
    install_operators(solution.Node, solution.wnp,
                      __rmatmul__=lambda self, other: solution.wnp.matmul(self, other))
    text = failure(check_operators, solution.Node)
    assert "your Q @ x (Q a plain array), which calls Node.__rmatmul__, raised ValueError" in text
    assert "should record wnp.matmul(other, self)" in text


def test_subtraction_recorded_as_two_operations_is_named(solution):
    wnp = solution.wnp
    install_operators(solution.Node, wnp,
                      __sub__=lambda self, other: wnp.add(self, wnp.negative(other)))
    assert "x - y recorded an 'add' node; expected one 'subtract' node" in failure(
        check_operators, solution.Node)


def test_transpose_as_a_method_is_told_to_be_a_property(solution):
    install_operators(solution.Node, solution.wnp, T=lambda self: solution.wnp.transpose(self))
    text = failure(check_operators, solution.Node)
    assert "x.T, which uses Node.T, returned a method; expected a Node." in text
    assert "T is written without brackets" in text


def test_negation_as_a_multiplication_is_named(solution):
    install_operators(solution.Node, solution.wnp,
                      __neg__=lambda self: solution.wnp.multiply(-1.0, self))
    assert "-x recorded a 'multiply' node" in failure(check_operators, solution.Node)


def test_missing_transpose_is_named():
    Node = make_node_class()
    install_operators(Node, make_wnp(make_wrap(Node)), T=None)
    assert "x.T raised AttributeError: Node has no T yet." in failure(check_operators, Node)


# --- the network's loss -------------------------------------------------------------------

def test_square_of_the_mean_error_is_named_as_the_original_mistake(solution):
    wnp = solution.wnp
    loss = make_loss(wnp, reduce=lambda err: wnp.mean(err) ** 2)
    assert "That is the square of the mean error" in failure(check_loss, loss, solution.Node)


def test_missing_output_tanh_is_named(solution):
    loss = make_loss(solution.wnp, last_tanh=False)
    assert "The output layer needs its tanh too" in failure(check_loss, loss, solution.Node)


def test_sum_instead_of_mean_is_named_as_a_factor(solution):
    wnp = solution.wnp
    loss = make_loss(wnp, reduce=lambda err: wnp.sum(err ** 2))
    assert "off by a factor of 10" in failure(check_loss, loss, solution.Node)


def test_plain_numpy_tanh_is_told_to_use_wnp(solution):
    loss = make_loss(solution.wnp, tanh=np.tanh)
    assert "numpy was handed a Node" in failure(check_loss, loss, solution.Node)


def test_mean_over_one_axis_is_told_the_loss_is_one_number(solution):
    wnp = solution.wnp
    loss = make_loss(wnp, reduce=lambda err: wnp.mean(err ** 2, axis=0))
    text = failure(check_loss, loss, solution.Node)
    assert "has shape (2,); expected ()" in text and "one number" in text


def test_loss_that_returns_the_plain_value_is_told_to_return_a_node(solution):
    right = make_loss(solution.wnp)
    text = failure(check_loss, lambda *args: right(*args).value, solution.Node)
    assert "loss returned a numpy array of shape (); expected a Node." in text


@pytest.mark.parametrize("reduce", [
    lambda wnp, err, n: wnp.sum(err ** 2) / (2 * n),                 # the formula printed above it
    lambda wnp, err, n: wnp.sum(err * err) * (1 / (2 * n)),
    lambda wnp, err, n: wnp.mean(err ** 2),
    lambda wnp, err, n: wnp.sum(wnp.sum(err ** 2, axis=1), axis=0) / (2 * n),
    lambda wnp, err, n: wnp.mean(wnp.mean(err ** 2, axis=0)),
], ids=["sum / 2n", "sum * 1/2n", "mean", "sums over each axis", "mean of means"])
def test_any_formula_with_the_right_value_passes(solution, reduce, capsys):
    wnp = solution.wnp

    def loss(W1, b1, W2, b2, W3, b3, X, Y):
        H1 = wnp.tanh(X @ W1 + b1)
        H2 = wnp.tanh(H1 @ W2 + b2)
        return reduce(wnp, wnp.tanh(H2 @ W3 + b3) - Y, X.shape[0])
    check_loss(loss, solution.Node)
    assert "✓ loss is the mean squared error" in capsys.readouterr().out


def test_a_tanh_written_with_exponentials_passes(solution, capsys):
    wnp = solution.wnp

    def tanh(z):
        return (wnp.exp(2 * z) - 1) / (wnp.exp(2 * z) + 1)
    check_loss(make_loss(wnp, tanh=tanh), solution.Node)
    assert "✓" in capsys.readouterr().out


def test_a_loss_computed_on_values_and_wrapped_at_the_end_is_told_the_graph_is_cut(solution):
    Node = solution.Node

    def loss(W1, b1, W2, b2, W3, b3, X, Y):
        params = [p.value if isinstance(p, Node) else p for p in (W1, b1, W2, b2, W3, b3)]
        H = X
        for W, b in zip(params[::2], params[1::2], strict=True):
            H = np.tanh(H @ W + b)
        return Node(np.mean((H - Y) ** 2))
    text = failure(check_loss, loss, Node)
    assert "the loss has the right value, but W1, b1, W2, b2, W3, b3 are not in its graph" in text
    assert "cuts the graph" in text


def test_a_first_layer_computed_with_plain_numpy_is_named(solution):
    wnp, Node = solution.wnp, solution.Node

    def loss(W1, b1, W2, b2, W3, b3, X, Y):
        H1 = np.tanh(X @ W1.value + b1.value)
        H2 = wnp.tanh(H1 @ W2 + b2)
        return wnp.mean((wnp.tanh(H2 @ W3 + b3) - Y) ** 2)
    assert "but W1, b1 are not in its graph" in failure(check_loss, loss, Node)


def test_a_batch_size_written_as_the_notebooks_four_is_named(solution):
    wnp = solution.wnp
    loss = make_loss(wnp, reduce=lambda err: wnp.sum(err ** 2) / (2 * 4))
    assert "take n from the data" in failure(check_loss, loss, solution.Node)


@pytest.mark.parametrize("reduce, hint", [
    (lambda err: (err ** 2).mean(), "A Node has no numpy methods"),
    (lambda err: sum(err ** 2) / 10, "Python's own sum() loops over its argument"),
])
def test_numpy_habits_on_a_node_get_a_hint(solution, reduce, hint):
    assert hint in failure(check_loss, make_loss(solution.wnp, reduce=reduce), solution.Node)


# --- replay ---------------------------------------------------------------------------------

def replay_with(mode):
    """The solution of exercise 4, or one of the typical wrong replays."""
    def wrong(output, new_values):
        values = {}
        order = topological_order(output)
        for node in reversed(order) if mode == "reversed" else order:
            if node.fun is None:
                values[node] = new_values[node] if mode == "every leaf" else new_values.get(node, node.value)
                continue
            parents = [p.value if mode == "all recorded" or (mode == "stale" and p.fun is not None)
                       else values[p] for p in node.parents]
            values[node] = node.fun(*parents, **({} if mode == "no kwargs" else node.kwargs))
            if mode == "writes":
                node.value = values[node]
        return output.value if mode == "recorded" else values[output]
    return wrong


@pytest.mark.parametrize("mode, message", [
    ("recorded", "That is the value recorded in the graph"),
    ("all recorded", "not from parent.value"),
    ("no kwargs", "call node.fun with the node's keyword arguments"),
    ("stale", "not from parent.value"),
    ("writes", "replay changed the recorded value of"),
    ("every leaf", "new_values.get(node, node.value)"),
    ("reversed", "not reversed: that is the backward walk's order"),
])
def test_each_typical_wrong_replay_is_named(solution, mode, message):
    assert message in failure(check_replay, replay_with(mode), solution.Node)


def test_a_recursive_replay_repeats_shared_nodes_and_is_told_it_is_exponential(solution):
    def replay(output, new_values):
        if output.fun is None:
            return new_values.get(output, output.value)
        return output.fun(*[replay(p, new_values) for p in output.parents], **output.kwargs)
    text = failure(check_replay, replay, solution.Node)
    assert "replay computed the 12 tanh nodes of 12 residual blocks" in text
    assert "4,095 times" in text and "once per path" in text


def test_a_memoised_recursive_replay_hits_the_recursion_limit_on_a_deep_chain(solution):
    def replay(output, new_values, memo=None):
        memo = {} if memo is None else memo
        if output not in memo:
            memo[output] = (new_values.get(output, output.value) if output.fun is None else
                            output.fun(*[replay(p, new_values, memo) for p in output.parents],
                                       **output.kwargs))
        return memo[output]
    text = failure(check_replay, replay, solution.Node)
    assert "on a chain of 3,000 operations, raised RecursionError" in text
    assert "walk topological_order(output) with a loop" in text


def test_a_replay_in_another_valid_order_passes(solution, capsys):
    """Depth-first with an explicit stack: a topological order other than sorting by number."""
    def replay(output, new_values):
        values, stack = {}, [output]
        while stack:
            node = stack[-1]
            waiting = [p for p in node.parents if p not in values]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            if node in values:
                continue
            values[node] = (new_values.get(node, node.value) if node.fun is None else
                            node.fun(*[values[p] for p in node.parents], **node.kwargs))
        return values[output]
    check_replay(replay, solution.Node)
    assert "✓ replay computes each node once" in capsys.readouterr().out


@pytest.mark.parametrize("result, message", [
    (lambda value, node: node, "returned a Node; expected an array, the output's new value"),
    (lambda value, node: {node: value}, "returned a dict; expected an array"),
    (lambda value, node: value.tolist(), "returned a list; expected an array"),
])
def test_a_replay_that_returns_something_else_than_the_array_is_told_so(solution, result, message):
    right = replay_with("right")

    def replay(output, new_values):
        return result(right(output, new_values), output)
    assert message in failure(check_replay, replay, solution.Node)


# --- garbage: a sentence, never a traceback -------------------------------------------------

from garbage import answers, is_refused  # noqa: E402

GARBAGE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def working_graph():
    """A right Node class with its wnp and operators, for checks given garbage elsewhere."""
    Node = make_node_class()
    wnp = make_wnp(make_wrap(Node))
    install_operators(Node, wnp)
    return Node, wnp


@GARBAGE
@given(answer=answers())
def test_every_check_answers_garbage_in_place_of_the_attendees_code_with_a_sentence(answer):
    Node, wnp = working_graph()
    for check, args in [(check_wrap, (answer, Node)), (check_loss, (answer, Node)),
                        (check_replay, (answer, Node))]:
        is_refused(check, *args)


@GARBAGE
@given(node_class=answers())
def test_every_check_answers_garbage_in_place_of_the_node_class_with_a_sentence(node_class):
    Node, wnp = working_graph()
    for check, args in [(check_wrap, (make_wrap(Node), node_class)), (check_operators, (node_class,)),
                        (check_loss, (make_loss(wnp), node_class)), (check_replay, (replay, node_class))]:
        is_refused(check, *args)


@pytest.mark.parametrize("broken", ["init raises", "no parents", "value is a list"])
def test_a_node_class_edited_by_hand_gets_a_sentence(broken):
    Node, wnp = working_graph()
    if broken == "init raises":
        Node.__init__ = lambda self, *args, **kwargs: math.sqrt(-1)
    if broken == "no parents":
        original = Node.__init__

        def init(self, *args, **kwargs):
            original(self, *args, **kwargs)
            del self.parents
        Node.__init__ = init
    if broken == "value is a list":
        original_init = Node.__init__

        def init(self, value, *args, **kwargs):
            original_init(self, value, *args, **kwargs)
            self.value = [1.0, "x"]
        Node.__init__ = init
    for check, args in [(check_wrap, (make_wrap(Node), Node)), (check_operators, (Node,)),
                        (check_loss, (make_loss(wnp), Node)), (check_replay, (replay, Node))]:
        is_refused(check, *args)
