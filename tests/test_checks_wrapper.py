"""The self-checks of notebook 12 pass the solution and name each typical mistake.

The solution below is the notebook's, rebuilt per test on a fresh Node class so that a
wrong operator in one test cannot leak into another.
"""
import graphviz
import numpy as np
import pytest

import solution_graph
from demystify.checks.wrapper import (check_draw, check_loss, check_operators,
                                      check_topological_order, check_wrap)
from demystify.drawing import Drawing
from failures import failure
from solution_graph import (breadth_first, install_operators, make_node_class, make_wnp, make_wrap,
                            topological_order)


# --- the solution, as in solutions/12-numpy-wrapper-exercises.ipynb -------------------------

def make_draw(order=topological_order, name=lambda node, i: f"node{i}",
              label=lambda node: f"{node.op}\n{node.shape}", reverse=False, edges=True):
    def draw(output):
        drawing = Drawing()
        nodes = order(output)
        names = {node: name(node, i) for i, node in enumerate(nodes)}
        for node in nodes:
            drawing.node(names[node], label(node))
            for parent in node.parents if edges else ():
                if reverse:
                    drawing.edge(names[node], names[parent])
                else:
                    drawing.edge(names[parent], names[node])
        return drawing
    return draw


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

def test_the_solution_passes_every_check(solution, capsys):
    check_wrap(solution.wrap, solution.Node)
    check_operators(solution.Node)
    check_topological_order(topological_order, solution.Node)
    check_draw(make_draw(), solution.Node)
    check_loss(make_loss(solution.wnp), solution.Node)
    out = capsys.readouterr().out
    assert out.count("✓") == 5
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


# --- topological order --------------------------------------------------------------------

def test_recursion_without_a_seen_set_repeats_shared_nodes(solution):
    def order(output):
        nodes = []
        for parent in output.parents:
            nodes += order(parent)
        return nodes + [output]
    text = failure(check_topological_order, order, solution.Node)
    assert "node appears 3 times" in text and "keep a set of the nodes already seen" in text


def test_recursive_order_hits_the_recursion_limit_on_a_long_chain(solution):
    def order(output):
        nodes, seen = [], set()

        def visit(node):
            if node in seen:
                return
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            nodes.append(node)
        visit(output)
        return nodes
    text = failure(check_topological_order, order, solution.Node)
    assert "your topological_order, on a chain of 3,000 operations, raised RecursionError" in text
    assert "not by recursion" in text


def test_output_first_order_is_named_as_reversed(solution):
    text = failure(check_topological_order, lambda out: topological_order(out)[::-1], solution.Node)
    assert "the order is reversed" in text


def test_order_without_leaves_is_missing_nodes(solution):
    def order(output):
        return [node for node in topological_order(output) if node.parents]
    text = failure(check_topological_order, order, solution.Node)
    assert "3 of the graph's 11 nodes are missing" in text and "leaves" in text


def test_order_that_is_not_sorted_names_the_node_before_its_parent(solution):
    def order(output):  # breadth-first from the output, then reversed: not topological here
        return breadth_first(output)[::-1]
    text = failure(check_topological_order, order, solution.Node)
    assert "comes before its parent" in text and "node.number" in text


def test_order_that_returns_nothing_is_told_to_return(solution):
    assert "forget to `return`" in failure(check_topological_order, lambda out: None, solution.Node)


# --- draw ---------------------------------------------------------------------------------

def test_drawing_named_by_creation_number_passes(solution, capsys):
    check_draw(make_draw(name=lambda node, i: f"n{node.number}"), solution.Node)
    assert "✓ draw shows all 11 nodes" in capsys.readouterr().out


def test_names_that_collide_merge_nodes(solution):
    text = failure(check_draw, make_draw(name=lambda node, i: node.op), solution.Node)
    assert "Two Nodes got the same name" in text


def test_names_from_id_are_rejected_as_unstable(solution):
    text = failure(check_draw, make_draw(name=lambda node, i: str(id(node))), solution.Node)
    assert "names change from run to run" in text and "id(node)" in text


def test_arrows_from_child_to_parent_are_named(solution):
    assert "the arrows point from child to parent" in failure(
        check_draw, make_draw(reverse=True), solution.Node)


def test_label_without_the_shape_is_named(solution):
    text = failure(check_draw, make_draw(label=lambda node: node.op), solution.Node)
    assert "is labelled 'leaf'" in text and "operation and its shape" in text


def test_missing_edges_are_named(solution):
    assert "has no arrow from the" in failure(check_draw, make_draw(edges=False), solution.Node)


def test_returning_a_bare_digraph_is_told_to_return_a_drawing(solution):
    assert "draw returned a Digraph; expected a Drawing." in failure(
        check_draw, lambda output: graphviz.Digraph(), solution.Node)


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
