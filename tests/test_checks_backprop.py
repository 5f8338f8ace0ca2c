"""The self-checks of notebook 14 pass the solution and name each typical mistake.

The solution is rebuilt here as in solutions/14-backprop-exercises.ipynb; each wrong answer
is one of the slips the checks promise to recognise, including the known mistakes of the
original workshop's code (the divide and tanh VJPs, bias gradients left broadcast, a
recursive walk).
"""
import ast
import re
from pathlib import Path

import autograd.numpy as anp
import nbformat
import numpy as np
import pytest
from autograd import grad as autograd_grad

from demystify.checks.backprop import (_REFERENCE, _shared_graph, _walk, check_backward,
                                       check_grad, check_vjps)
from demystify.reference import SEED, numerical_gradient
from failures import failure
from scratchgrad.vjps import unbroadcast, vjp_makers
from solution_graph import breadth_first, node_and_wnp, topological_order

ALL = (np.add, np.subtract, np.multiply, np.divide, np.negative, np.power,
       np.tanh, np.exp, np.log, np.matmul, np.transpose, np.sum, np.mean)


# --- the solution ------------------------------------------------------------------------


def solution_table():
    """The solution's table: scratchgrad's VJPs, which notebook 14's solution writes out."""
    return {fun: vjp_makers(fun) for fun in ALL}


def make_backward(vjps, mode="right"):
    """The notebook's walk, or one of the typical wrong walks."""
    def shares(node, grads):
        inputs = [parent.value for parent in node.parents]
        pairs = zip(node.parents, vjps[node.fun], strict=True)
        if mode == "distinct":
            pairs = dict(pairs).items()        # a dict keeps one entry per parent
        for parent, make_vjp in pairs:
            yield parent, make_vjp(node.value, *inputs, **node.kwargs)(grads[node])

    def add(grads, parent, share):
        if parent not in grads or mode == "overwrite":
            grads[parent] = share
        elif mode == "inplace":
            grads[parent] += share
        else:
            grads[parent] = grads[parent] + share

    def backward(output):
        grads = {output: np.ones_like(output.value)}
        if mode in ("recursive", "visited", "paths"):
            visited = set()

            def visit(node, g=None):
                if node.fun is None or (mode == "visited" and node in visited):
                    return
                visited.add(node)
                if mode == "paths":  # send only the new share down every path: right, but slow
                    inputs = [parent.value for parent in node.parents]
                    for parent, make_vjp in zip(node.parents, vjps[node.fun], strict=True):
                        share = make_vjp(node.value, *inputs, **node.kwargs)(g)
                        add(grads, parent, share)
                        visit(parent, share)
                    return
                for parent, share in shares(node, grads):
                    add(grads, parent, share)
                    visit(parent)
            visit(output, grads[output])
            return grads
        order = reversed(topological_order(output))
        if mode == "forward":
            order = topological_order(output)
        if mode == "breadth":
            order = breadth_first(output)
        for node in order:
            if node.fun is None:
                continue
            if node.fun not in vjps:
                if mode == "skip unknown":
                    continue
                raise NotImplementedError(f"no VJP for {node.op}")
            for parent, share in shares(node, grads):
                add(grads, parent, share)
        return grads

    return backward


def make_grad(backward, Node, mode="right"):
    calls = {}

    def grad(fun, argnum=0):
        def gradient(*args):
            if mode != "tuple":   # a tuple cannot be changed: args[argnum] = ... raises TypeError
                args = list(args)
            position = 0 if mode == "always first" else argnum
            x = args[position] = Node(args[position])
            grads = backward(fun(*args))
            if mode == "dict":
                return grads
            if mode == "node":
                return Node(grads[x])
            if mode == "no zeros":
                return grads[x]
            result = grads.get(x, np.zeros_like(x.value))
            if mode == "accumulates":
                calls[argnum] = calls.get(argnum, 0) + result
                return calls[argnum]
            return result
        return gradient
    return grad


@pytest.fixture
def table():
    return solution_table()


# --- the reference inside the checks is itself right ------------------------------------

@pytest.mark.parametrize("fun", ALL, ids=lambda f: f.__name__)
def test_reference_vjps_match_autograd_on_broadcasting_shapes(fun):
    rng = np.random.default_rng(SEED)
    shapes = {np.matmul: [((3, 4), (4, 2))], np.transpose: [((3, 4),)]}.get(
        fun, [((3, 4), (4,)), ((3, 1), (1, 4))] if fun in (np.add, np.subtract, np.multiply,
                                                            np.divide, np.power) else [((3, 4),)])
    for shape in shapes:
        inputs = [rng.uniform(0.5, 2.0, size=s) for s in shape]
        G = rng.normal(size=np.shape(fun(*inputs)))
        for i, make in enumerate(_REFERENCE[fun]):
            def along_G(x_i, i=i, inputs=inputs, G=G):
                args = list(inputs)
                args[i] = x_i
                return anp.sum(G * getattr(anp, fun.__name__)(*args))
            ours = make(fun(*inputs), *inputs)(G)
            np.testing.assert_allclose(ours, autograd_grad(along_G)(inputs[i]), rtol=1e-10)
            np.testing.assert_allclose(ours, numerical_gradient(along_G, inputs[i]), rtol=1e-5)


def test_reference_walk_matches_autograd_and_each_wrong_walk_differs():
    Node, _ = node_and_wnp()
    x, output = _shared_graph(Node)

    def f(X):
        a = anp.tanh(X)
        e = anp.exp(a)
        return anp.sum((e + a + a * a) * e * X)
    right = _walk(output)[id(x)]
    np.testing.assert_allclose(right, autograd_grad(f)(x.value), rtol=1e-12)
    wrong = [_walk(output, mode)[id(x)]
             for mode in ("overwrite", "inplace", "recursive", "visited", "breadth", "distinct")]
    for i, answer in enumerate(wrong):
        assert not np.allclose(answer, right)
        assert not any(np.allclose(answer, other) for other in wrong[i + 1:])


# --- the solution passes ------------------------------------------------------------------

def test_the_solution_passes_every_check(table, capsys):
    Node, wnp = node_and_wnp()
    check_vjps(table, *ALL)
    backward = make_backward(table)
    check_backward(backward, Node)
    check_grad(make_grad(backward, Node), wnp)
    assert capsys.readouterr().out.count("✓") == 3


# --- the VJP table: each entry on its own --------------------------------------------------

def test_the_originals_divide_vjp_is_named_with_the_right_formula(table):
    table[np.divide] = (table[np.divide][0], lambda ans, x, y: lambda g: -1 / g**2)
    text = failure(check_vjps, table, np.divide)
    assert text.startswith("✗ the VJP of divide w.r.t. the denominator y is wrong")
    assert "original workshop's -1 / g**2" in text
    assert "Expected unbroadcast(-g * x / y**2, y)." in text


def test_divide_vjp_without_the_numerator_is_named(table):
    table[np.divide] = (table[np.divide][0],
                        lambda ans, x, y: lambda g: unbroadcast(-g / y**2, y))
    assert "The numerator is missing" in failure(check_vjps, table, np.divide)


def test_the_originals_tanh_vjp_is_named(table):
    table[np.tanh] = (lambda ans, x: lambda g: g * 1 - np.tanh(np.tanh(x)),)
    text = failure(check_vjps, table, np.tanh)
    assert text.startswith("✗ the VJP of tanh w.r.t. x is wrong")
    assert "original workshop's g * 1 - tanh(tanh(x))" in text
    assert "Expected g * (1 - ans**2)." in text


def test_tanh_vjp_from_the_input_instead_of_the_result_is_named(table):
    table[np.tanh] = (lambda ans, x: lambda g: g * (1 - x**2),)
    assert "Use the result, not the input" in failure(check_vjps, table, np.tanh)


def test_bias_gradient_left_broadcast_is_told_to_unbroadcast_in_the_table(table):
    table[np.add] = (lambda ans, x, y: lambda g: g, lambda ans, x, y: lambda g: g)
    text = failure(check_vjps, table, np.add)
    assert "the VJP of add w.r.t. y returned shape (3, 4)" in text
    assert "expected (4,), the shape of y" in text
    assert "unbroadcast(..., y)" in text and "never by summing bias gradients by hand" in text


def test_broadcast_first_input_is_caught_too(table):
    table[np.multiply] = (lambda ans, x, y: lambda g: g * y,
                          lambda ans, x, y: lambda g: unbroadcast(g * x, y))
    assert "the VJP of multiply w.r.t. x returned shape (3, 4)" in failure(
        check_vjps, table, np.multiply)


def test_subtract_without_the_minus_is_named_as_a_sign(table):
    table[np.subtract] = (table[np.subtract][0], lambda ans, x, y: lambda g: unbroadcast(g, y))
    text = failure(check_vjps, table, np.subtract)
    assert "the VJP of subtract w.r.t. y is wrong" in text and "wrong sign" in text


def test_matmul_without_the_transpose_is_named(table):
    table[np.matmul] = (lambda ans, x, y: lambda g: g @ y, table[np.matmul][1])
    text = failure(check_vjps, table, np.matmul)
    assert "the VJP of matmul w.r.t. the left matrix x" in text
    assert "Expected g @ y.T, here for x of shape (3, 4) and y of shape (4, 2)." in text


def test_mean_that_forgets_to_divide_is_named_as_a_factor(table):
    table[np.mean] = table[np.sum]
    text = failure(check_vjps, table, np.mean)
    assert "the VJP of mean w.r.t. x is wrong" in text and "off by a factor of 12" in text
    assert "Expected spread(g, x, axis, keepdims) * ans.size / x.size." in text


def test_sum_that_forgets_the_summed_axis_is_told_to_expand_it(table):
    table[np.sum] = (lambda ans, x, axis=None, keepdims=False: lambda g: np.full(x.shape, g),)
    text = failure(check_vjps, table, np.sum)
    assert "axis=1" in text and "np.expand_dims(g, axis)" in text


def test_missing_entry_is_named(table):
    del table[np.divide]
    text = failure(check_vjps, table, np.divide)
    assert "the VJP table has no entry for np.divide yet" in text


def test_one_maker_for_two_inputs_is_named(table):
    table[np.multiply] = table[np.multiply][:1]
    assert "needs 2 VJP maker(s), one per input" in failure(check_vjps, table, np.multiply)


def test_maker_with_the_wrong_signature_is_shown_the_right_one(table):
    table[np.exp] = (lambda g: g,)
    text = failure(check_vjps, table, np.exp)
    assert text == ("✗ the VJP of exp w.r.t. x cannot be called as lambda ans, x: lambda g: ... "
                    "(too many positional arguments).\n  Write it as lambda ans, x: lambda g: ...")


def test_power_without_bringing_the_exponent_down_is_named(table):
    table[np.power] = (lambda ans, x, y: lambda g: unbroadcast(g * x ** (y - 1), x),
                       table[np.power][1])
    assert "Bring the exponent down" in failure(check_vjps, table, np.power)


def test_unwritten_vjp_shows_its_hint(table):
    def stub(ans, x):
        raise NotImplementedError("tanh: g * (1 - ans**2)")
    table[np.tanh] = (stub,)
    text = failure(check_vjps, table, np.tanh)
    assert "the VJP of tanh w.r.t. x is not written yet." in text


# --- the backward walk -----------------------------------------------------------------------

@pytest.mark.parametrize("mode, message", [
    ("overwrite", "must add up the shares of all its children"),
    ("inplace", "adds in place"),
    ("recursive", "a recursive walk counts shared nodes twice"),
    ("visited", "skips nodes already visited misses the later shares"),
    ("breadth", "breadth-first is not a topological order"),
    ("distinct", "a * a has the same parent twice"),
])
def test_each_wrong_walk_is_named_by_its_result(table, mode, message):
    Node, _ = node_and_wnp()
    text = failure(check_backward, make_backward(table, mode), Node)
    assert text.startswith("✗ the gradient of x through shared nodes has the right shape but "
                           "not the right values.")
    assert message in text


def test_path_by_path_recursion_is_right_but_caught_for_exponential_work(table):
    Node, _ = node_and_wnp()
    text = failure(check_backward, make_backward(table, "paths"), Node)
    assert "looked at the same node" in text and "12 residual blocks" in text
    assert "exponential" in text


def test_a_correct_but_recursive_walk_hits_the_recursion_limit(table):
    Node, _ = node_and_wnp()

    def backward(output):  # a correct walk, with a recursive topological sort
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for parent in node.parents:
                    visit(parent)
                order.append(node)
        visit(output)
        grads = {output: np.ones_like(output.value)}
        for node in reversed(order):
            if node.fun is None:
                continue
            inputs = [p.value for p in node.parents]
            for parent, make in zip(node.parents, table[node.fun], strict=True):
                share = make(node.value, *inputs, **node.kwargs)(grads[node])
                grads[parent] = grads[parent] + share if parent in grads else share
        return grads
    text = failure(check_backward, backward, Node)
    assert "your backward, on a chain of 3,000 operations, raised RecursionError" in text
    assert "It hit Python's recursion limit on a chain of 3,000 operations" in text


def test_walking_forwards_is_told_to_reverse(table):
    Node, _ = node_and_wnp()
    text = failure(check_backward, make_backward(table, "forward"), Node)
    assert "KeyError" in text and "reversed(topological_order(output))" in text


def test_silently_skipping_an_unknown_operation_is_rejected(table):
    Node, _ = node_and_wnp()
    text = failure(check_backward, make_backward(table, "skip unknown"), Node)
    assert "silently dropped a path" in text and "np.sin" in text


def test_walk_that_returns_a_list_is_told_to_return_a_dict(table):
    Node, _ = node_and_wnp()
    right = make_backward(table)
    text = failure(check_backward, lambda output: list(right(output).values()), Node)
    assert "expected a dict {node: gradient}" in text


def walk_without_membership_check(vjps):
    """A right walk that indexes VJPS[node.fun] without checking: KeyError for a missing VJP."""
    def backward(output):
        grads = {output: np.ones_like(output.value)}
        for node in reversed(topological_order(output)):
            if node.fun is None:
                continue
            inputs = [parent.value for parent in node.parents]
            for parent, make_vjp in zip(node.parents, vjps[node.fun], strict=True):
                share = make_vjp(node.value, *inputs, **node.kwargs)(grads[node])
                grads[parent] = grads[parent] + share if parent in grads else share
        return grads
    return backward


@pytest.mark.parametrize("careful", [True, False], ids=["raises its own error", "KeyError"])
def test_a_vjp_missing_from_the_table_is_blamed_on_the_table_not_the_walk(table, careful):
    Node, _ = node_and_wnp()
    del table[np.exp]
    backward = make_backward(table) if careful else walk_without_membership_check(table)
    text = failure(check_backward, backward, Node)
    assert text.startswith("✗ backward stopped at exp, which has no VJP in the table yet")
    assert "complete the table in exercises 1 and 2" in text
    assert "not written yet" not in text and "before any gradient" not in text


@pytest.mark.parametrize("careful", [True, False], ids=["raises its own error", "KeyError"])
def test_grad_on_a_table_missing_a_vjp_names_the_missing_vjp(table, careful):
    Node, wnp = node_and_wnp()
    del table[np.power]
    backward = make_backward(table) if careful else walk_without_membership_check(table)
    text = failure(check_grad, make_grad(backward, Node), wnp)
    assert "stopped at power, which has no VJP in the table yet" in text
    assert "not written yet" not in text


def stub_hint(function_name):
    """The hint of the generated exercise's stub for `def function_name(`."""
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "14-backprop-exercises.ipynb"
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code" and f"def {function_name}(" in cell.source:
            return ast.literal_eval(re.search(r"NotImplementedError\((.*)\)", cell.source).group(1))
    raise AssertionError(f"no stub for {function_name}")


def test_the_generated_stubs_are_reported_as_unwritten_with_their_hints(table):
    Node, wnp = node_and_wnp()

    def stub(function_name):
        def raise_hint(*args, **kwargs):
            raise NotImplementedError(stub_hint(function_name))
        return raise_hint
    text = failure(check_backward, stub("backward"), Node)
    assert text.startswith("✗ backward is not written yet.") and stub_hint("backward") in text
    text = failure(check_grad, lambda fun, argnum=0: stub("grad"), wnp)
    assert text.startswith("✗ grad is not written yet.") and stub_hint("grad") in text
    text = failure(check_grad, make_grad(stub("backward"), Node), wnp)
    assert "not written yet" in text and "no VJP" not in text


def test_unwritten_walk_shows_its_hint():
    Node, _ = node_and_wnp()

    def backward(output):
        raise NotImplementedError("grads = {output: np.ones_like(output.value)} ...")
    assert "backward is not written yet." in failure(check_backward, backward, Node)


# --- grad -----------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, message", [
    ("always first", "That is the gradient for the other argument"),
    ("dict", "returned a dict; expected the gradient of x only"),
    ("node", "returned a Node; expected a numpy array"),
    ("no zeros", "x is then not in the graph"),
    ("accumulates", "The second call added to the first one's gradients"),
])
def test_typical_wrong_grads_are_named(table, mode, message):
    Node, wnp = node_and_wnp()
    text = failure(check_grad, make_grad(make_backward(table), Node, mode), wnp)
    assert message in text


def test_grad_that_assigns_into_the_args_tuple_gets_a_sentence_not_an_unbound_local(table):
    """It used to end in UnboundLocalError: two `except Exception` clauses in a row."""
    Node, wnp = node_and_wnp()
    text = failure(check_grad, make_grad(make_backward(table), Node, "tuple"), wnp)
    assert text.startswith("✗ your grad raised TypeError: 'tuple' object does not support item "
                           "assignment")
    assert "args = list(args)" in text


def test_grad_that_fails_for_another_reason_says_how_the_check_called_it(table):
    Node, wnp = node_and_wnp()

    def grad(fun, argnum=0):
        def gradient(*args):
            raise ValueError("no luck")
        return gradient
    text = failure(check_grad, grad, wnp)
    assert text == ("✗ your grad raised ValueError: no luck\n  The check called grad(f, argnum=0)"
                    "(x, y), for f(x, y) = sum(tanh(x) * y + x**2 / y).")


def test_grad_that_returns_its_result_instead_of_a_function_is_named(table):
    Node, wnp = node_and_wnp()
    right = make_grad(make_backward(table), Node)
    text = failure(check_grad, lambda fun, argnum=0: right(fun, argnum)(1.0, 2.0), wnp)
    assert "grad returned a float64; expected a function." in text


def test_grad_built_on_a_wrong_table_differs_from_autograd(table):
    Node, wnp = node_and_wnp()
    table[np.divide] = (table[np.divide][0],
                        lambda ans, x, y: lambda g: unbroadcast(-1 / g**2, y))
    text = failure(check_grad, make_grad(make_backward(table), Node), wnp)
    assert text.startswith("✗ grad(f, argnum=1)(x, y), for f(x, y) = sum(tanh(x) * y + x**2 / y), "
                           "has the right shape but different values")
