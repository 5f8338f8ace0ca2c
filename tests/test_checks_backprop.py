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
            if mode == "first call only":    # the gradient of the first call, remembered
                return calls.setdefault(argnum, result)
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
    assert "run the cells that fill the table" in text
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
    ("first call only", "That is the gradient at the first call's values"),
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


# --- the table: what people really put in it ------------------------------------------------

def test_an_empty_table_is_not_passed(table):
    assert "the VJP table is empty" in failure(check_vjps, {})
    assert "no entry for np.divide yet" in failure(check_vjps, {}, np.divide)


def test_with_no_functions_named_every_known_entry_of_the_table_is_checked(table, capsys):
    check_vjps(table)
    assert "✓ the VJPs of add, subtract, multiply, divide, negative, power, tanh, exp, log, matmul, " \
           "transpose, sum, mean match" in capsys.readouterr().out
    table[np.mean] = table[np.sum]
    assert "the VJP of mean w.r.t. x is wrong" in failure(check_vjps, table)


def test_a_bare_function_in_the_table_is_told_to_be_a_tuple_of_makers(table):
    """It used to end in "'function' object is not iterable"."""
    table[np.divide] = table[np.divide][0]
    text = failure(check_vjps, table, np.divide)
    assert text.startswith("✗ VJPS[np.divide] is a function; expected a tuple of VJP makers, one per input.")
    assert "defvjp(np.divide, lambda ans, x, y: lambda g: ..., lambda ans, x, y: lambda g: ...)" in text


@pytest.mark.parametrize("vjps, message", [
    (None, "check_vjps was given None as the table"),
    ([np.add], "check_vjps was given a list as the table"),
    ("VJPS", "check_vjps was given a str as the table"),
])
def test_something_else_than_the_table_is_named(vjps, message):
    assert message in failure(check_vjps, vjps, np.divide)


@pytest.mark.parametrize("fun, message", [
    (np.sin, "check_vjps cannot check np.sin"), ("divide", "check_vjps cannot check a str"),
])
def test_a_function_the_check_does_not_know_is_named(table, fun, message):
    text = failure(check_vjps, table, fun)
    assert message in text and "np.divide, np.negative" in text


def test_a_vjp_that_returns_a_list_is_told_to_return_an_array(table):
    table[np.exp] = (lambda ans, x: lambda g: (g * ans).tolist(),)
    text = failure(check_vjps, table, np.exp)
    assert "the VJP of exp w.r.t. x returned a list; expected a numpy array, the gradient of x." in text


def test_a_vjp_of_the_wrong_shape_is_named_not_a_broadcast_error(table):
    table[np.exp] = (lambda ans, x: lambda g: np.ones((2, 2)),)
    text = failure(check_vjps, table, np.exp)
    assert "has shape (2, 2); expected (3, 4)" in text and "Expected g * ans." in text


# --- the walk: other correct orders pass, forward walks are named as such --------------------

def walk_autograd_style(vjps):
    """autograd's toposort: count each node's children, pop a node once all have passed."""
    def backward(output):
        child_counts, stack = {}, [output]
        while stack:
            node = stack.pop()
            if node in child_counts:
                child_counts[node] += 1
            else:
                child_counts[node] = 1
                stack.extend(node.parents)
        grads = {output: np.ones_like(output.value)}
        childless = [output]
        while childless:
            node = childless.pop()
            if node.fun is not None:
                if node.fun not in vjps:
                    raise NotImplementedError(f"no VJP for {node.op}")
                values = [p.value for p in node.parents]
                for parent, make in zip(node.parents, vjps[node.fun], strict=True):
                    grads[parent] = grads.get(parent, 0) + make(node.value, *values, **node.kwargs)(grads[node])
            for parent in node.parents:
                if child_counts[parent] == 1:
                    childless.append(parent)
                else:
                    child_counts[parent] -= 1
        return grads
    return backward


def walk_ready_queue(vjps):
    """PyTorch's way: dependencies counted first, a first-in first-out queue of ready nodes, and
    gradients gathered in a defaultdict with += (safe: 0 + share makes a new array)."""
    from collections import defaultdict, deque

    def backward(output):
        dependencies, seen, stack = defaultdict(int), {output}, [output]
        while stack:
            for parent in stack.pop().parents:
                dependencies[parent] += 1
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        grads = defaultdict(int)
        grads[output] = np.ones_like(output.value)
        ready = deque([output])
        while ready:
            node = ready.popleft()
            if node.fun is None:
                continue
            if node.fun not in vjps:
                raise KeyError(node.fun)
            values = [p.value for p in node.parents]
            for parent, make in zip(node.parents, vjps[node.fun], strict=True):
                grads[parent] += make(node.value, *values, **node.kwargs)(grads[node])
                dependencies[parent] -= 1
                if dependencies[parent] == 0:
                    ready.append(parent)
        return dict(grads)
    return backward


@pytest.mark.parametrize("walk", [walk_autograd_style, walk_ready_queue], ids=lambda w: w.__name__)
def test_a_dependency_counting_walk_passes_the_walk_and_grad(table, walk, capsys):
    Node, wnp = node_and_wnp()
    backward = walk(table)
    check_backward(backward, Node)
    check_grad(make_grad(backward, Node), wnp)
    assert capsys.readouterr().out.count("✓") == 2


def test_a_grad_that_returns_grads_get_x_0_for_an_unused_argument_is_told_to_give_zeros(table):
    Node, wnp = node_and_wnp()
    backward = make_backward(table)

    def grad(fun, argnum=0):
        def gradient(*args):
            args = list(args)
            x = args[argnum] = Node(args[argnum])
            return backward(fun(*args)).get(x, 0)
        return gradient
    text = failure(check_grad, grad, wnp)
    assert "has shape (); expected (3, 4)" in text and "zeros when x is not used" in text


def node_class_that_prints_its_operation():
    Node, wnp = node_and_wnp()
    Node.__repr__ = lambda self: f"Node({self.op}, shape={self.shape})"   # as the notebook's
    return Node, wnp


def test_a_forward_walk_is_not_told_that_tanh_has_no_vjp(table):
    """Its KeyError names a Node (tanh), not a numpy function: the walk is at fault, not the table."""
    Node, _ = node_class_that_prints_its_operation()
    text = failure(check_backward, make_backward(table, "forward"), Node)
    assert "no VJP" not in text
    assert "KeyError: Node(tanh, shape=(2, 3))" in text and "reached a node before any gradient" in text
    assert "backward_counting" in text


def test_a_forward_walk_that_takes_missing_gradients_as_zero_is_named(table):
    Node, _ = node_class_that_prints_its_operation()

    def backward(output):
        grads = {output: np.ones_like(output.value)}
        for node in topological_order(output):
            if node.fun is None:
                continue
            g = grads.get(node, np.zeros_like(node.value))
            values = [p.value for p in node.parents]
            for parent, make in zip(node.parents, table[node.fun], strict=True):
                grads[parent] = grads.get(parent, 0) + make(node.value, *values, **node.kwargs)(g)
        return grads
    assert "Nothing reached x. Either the walk went forwards" in failure(check_backward, backward, Node)


def walk_with(table, seed=np.ones_like, skip_leaves=True, unknown=None):
    """A reversed-topological walk with one slip: another seed, leaves not skipped, or
    ``unknown`` raised for an operation the table lacks."""
    def backward(output):
        grads = {output: seed(output.value)}
        for node in reversed(topological_order(output)):
            if node.fun is None and skip_leaves:
                continue
            if unknown is not None and node.fun is not None and node.fun not in table:
                raise unknown
            values = [p.value for p in node.parents]
            for parent, make in zip(node.parents, table[node.fun], strict=True):
                grads[parent] = grads.get(parent, 0) + make(node.value, *values, **node.kwargs)(grads[node])
        return grads
    return backward


def test_a_walk_that_starts_from_a_zero_gradient_is_told_both_possible_causes(table):
    Node, _ = node_class_that_prints_its_operation()
    text = failure(check_backward, walk_with(table, seed=np.zeros_like), Node)
    assert "started from a gradient of zero" in text and "np.ones_like(output.value)" in text


def test_a_walk_that_does_not_skip_the_leaves_is_told_to_skip_them(table):
    Node, _ = node_class_that_prints_its_operation()
    text = failure(check_backward, walk_with(table, skip_leaves=False), Node)
    assert "KeyError: None" in text and "skip the leaves" in text and "before any gradient" not in text


def test_a_walk_whose_error_for_an_unknown_operation_does_not_name_it_is_told_so(table):
    Node, _ = node_class_that_prints_its_operation()
    unnamed = NotImplementedError("this operation has no VJP yet")
    text = failure(check_backward, walk_with(table, unknown=unnamed), Node)
    assert text.startswith("✗ backward stopped on np.sin, which has no VJP, but its error does "
                           "not name it: NotImplementedError: this operation has no VJP yet")


# --- garbage: a sentence, never a traceback -------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402

from garbage import answers, is_refused  # noqa: E402

GARBAGE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@GARBAGE
@given(answer=answers())
def test_every_check_answers_garbage_in_place_of_the_attendees_code_with_a_sentence(answer):
    Node, wnp = node_and_wnp()
    table = solution_table()
    is_refused(check_vjps, answer, np.divide)
    is_refused(check_vjps, {**table, np.divide: answer}, np.divide)
    is_refused(check_vjps, {**table, np.divide: (answer, answer)}, np.divide)
    is_refused(check_vjps, table, answer)
    is_refused(check_backward, answer, Node)
    is_refused(check_grad, answer, wnp)


@GARBAGE
@given(given_instead=answers())
def test_every_check_answers_garbage_in_place_of_node_or_wnp_with_a_sentence(given_instead):
    Node, wnp = node_and_wnp()
    backward = make_backward(solution_table())
    is_refused(check_backward, backward, given_instead)
    is_refused(check_grad, make_grad(backward, Node), given_instead)


def test_the_exponents_log_without_where_is_named_for_the_warnings_it_gives(table):
    table[np.power] = (table[np.power][0],
                       lambda ans, x, y: lambda g: unbroadcast(g * ans * np.log(x), y))
    text = failure(check_vjps, table, np.power)
    assert "takes the log of entries x <= 0 for (Ŷ - Y) ** 2" in text
    assert "np.log(np.where(x > 0, x, np.nan))" in text


@pytest.mark.parametrize("maker", [
    lambda ans, x, y: lambda g: unbroadcast(g * y * ans / x, x),        # x ** (y - 1) = ans / x
    lambda ans, x, y: lambda g: unbroadcast(g * y * np.power(x, y - 1), x),
], ids=["y * ans / x", "np.power"])
def test_equivalent_power_vjps_pass(table, maker, capsys):
    table[np.power] = (maker, table[np.power][1])
    check_vjps(table, np.power)
    assert "✓ the VJPs of power match" in capsys.readouterr().out


@pytest.mark.parametrize("first, second", [
    (lambda ans, x, y: lambda g: np.dot(g, y.T), lambda ans, x, y: lambda g: np.dot(x.T, g)),
    (lambda ans, x, y: lambda g: (y @ g.T).T, lambda ans, x, y: lambda g: (g.T @ x).T),
], ids=["np.dot", "transposed products"])
def test_equivalent_matmul_vjps_pass(table, first, second, capsys):
    table[np.matmul] = (first, second)
    check_vjps(table, np.matmul)
    assert "✓ the VJPs of matmul match" in capsys.readouterr().out


def test_unbroadcast_to_the_other_input_is_named(table):
    table[np.multiply] = (table[np.multiply][0],
                          lambda ans, x, y: lambda g: unbroadcast(g * x, x))
    text = failure(check_vjps, table, np.multiply)
    assert "Wrap the VJP in unbroadcast(..., y), with y as its second argument" in text
    table[np.multiply] = (table[np.multiply][0],
                          lambda ans, x, y: lambda g: unbroadcast(g * x, x) if x.shape == (1, 4) else
                          unbroadcast(g * x, y))         # the slip, where the shapes tell it apart
    text = failure(check_vjps, table, np.multiply)
    assert "That is the shape of x: unbroadcast sums g back to the shape of its second argument" in text
