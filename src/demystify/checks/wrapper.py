"""Self-checks for notebook 12: a numpy wrapper in which every operation records a node.

The attendee's ``Node`` class (given in the notebook) holds ``value`` (a float array),
``fun`` (the numpy function that computed it, ``None`` for a leaf), ``parents`` (a tuple
of Nodes, in argument order), ``kwargs`` and ``number`` (creation order); ``node.op``
is the function's name or ``'leaf'``.  Each check builds small graphs with that class
(calling ``Node(value, fun, parents, kwargs)`` directly where it must not depend on the
attendee's other answers) and compares with numpy.

    check_wrap(wrap, Node)
    check_operators(Node)
    check_topological_order(topological_order, Node)
    check_draw(draw, Node)
    check_loss(loss, Node)
"""
from __future__ import annotations

import operator
from collections import Counter

import numpy as np

from demystify.checks.core import (FUNCTION, LIST, call, expect_array, expect_true, fail,
                                   instance_of, passed)
from demystify.drawing import Drawing
from demystify.reference import SIZES, fixed_batch, forward, lively_params, parameter_names
from .unfinished import explain_unfinished

NOTEBOOK = "12-numpy-wrapper-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell

NUMPY_ON_NODE = ("numpy was handed a Node, and numpy cannot see inside one: give numpy the "
                 "plain arrays (each input's .value), and use the wnp functions on Nodes.")
RECORDED = "recorded(*inputs, **kwargs)"   # what wrap returns, as the notebook names it


def _graph_hint(error: BaseException) -> str | None:
    """What an exception from the attendee's graph code probably means."""
    if isinstance(error, RecursionError):
        return "Walk the graph with a loop and a list of nodes still to visit, not by recursion."
    if isinstance(error, TypeError) and "Node" in str(error) and (
            "ufunc" in str(error) or "inside a Node" in str(error)):
        return NUMPY_ON_NODE
    return None


def _a(word: str) -> str:
    """'a tanh' or 'an add'."""
    return f"an {word!r}" if word[:1] in "aeiou" else f"a {word!r}"


def _node(Node, hint: str = "Return Node(value, numpy_function, parents, kwargs)."):
    """What a recorded operation returns: a Node of the attendee's class."""
    return instance_of(Node, "a Node", hint)


def _graph_nodes(output) -> list:
    """The nodes of output's graph, each once, parents first (the checks' own walk)."""
    seen, stack = {id(output): output}, [output]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen[id(parent)] = parent
                stack.append(parent)
    return sorted(seen.values(), key=lambda node: node.number)


# --- exercise 1: wrap ------------------------------------------------------------------

def check_wrap(wrap, Node) -> None:
    """wrap(numpy_function) returns a function that computes with numpy and records a Node."""
    A = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
    B = np.array([[2.0, 1.0, -1.0], [3.0, -0.5, 2.0]])
    a, b = Node(A), Node(B)

    recorder = FUNCTION.named("a function", "Define a function inside wrap that records the "
                              "node, and return that function (do not call it).")
    subtract = call(wrap, np.subtract, name="wrap", signature="wrap(numpy_function)",
                    hint=_graph_hint, returns=recorder)
    out = call(subtract, a, b, name="wrap(np.subtract)(a, b)", signature=RECORDED,
               hint=_graph_hint, returns=_node(Node))
    expect_array(out.value, A - B, "the value of wrap(np.subtract)(a, b)", mistakes=[
        (B - A, "That is b - a: give numpy the inputs in the order they came.")])
    expect_true(out.fun is np.subtract,
                f"wrap(np.subtract)(a, b) recorded fun={out.fun!r}; expected np.subtract itself.",
                "Record the numpy function in the node: Node(value, numpy_function, parents, "
                "kwargs). Its name labels the drawing, and the backward pass looks up its "
                "derivative by it.")
    parents = tuple(out.parents)
    expect_true(len(parents) == 2, f"wrap(np.subtract)(a, b) recorded {len(parents)} parents; "
                "expected 2, one per input.")
    if parents[0] is b and parents[1] is a:
        fail("wrap(np.subtract)(a, b) recorded its parents as (b, a); expected (a, b).",
             "Keep the inputs in order: for subtract and divide the order is the whole point.")
    if not (parents[0] is a and parents[1] is b):
        fail("the parents of wrap(np.subtract)(a, b) are not the nodes a and b themselves.",
             "Use the input Nodes as they are (as_node returns a Node unchanged): a copy cuts "
             "the graph, and the gradient would never reach a and b.")

    out = call(subtract, a, 2.0, name="wrap(np.subtract)(a, 2.0)", signature=RECORDED,
               hint=_graph_hint, returns=_node(Node))
    expect_array(out.value, A - 2.0, "the value of wrap(np.subtract)(a, 2.0)")
    constant = tuple(out.parents)[1]
    if not isinstance(constant, Node):
        fail(f"wrap(np.subtract)(a, 2.0) recorded the constant as a {type(constant).__name__}, "
             "not a Node.", "Every parent must be a Node: turn each input into one with "
             "as_node(x), which makes a constant a leaf.")
    expect_true(constant.fun is None and tuple(constant.parents) == ()
                and np.array_equal(constant.value, 2.0),
                "the constant 2.0 should become a leaf Node (value 2.0, no fun, no parents).",
                "Use as_node(x) for every input.")
    out = call(subtract, A, b, name="wrap(np.subtract)(A, b), A a plain array,",
               signature=RECORDED, hint=_graph_hint, returns=_node(Node))
    expect_array(out.value, A - B, "the value of wrap(np.subtract)(A, b)")

    summed = call(wrap, np.sum, name="wrap", signature="wrap(numpy_function)", hint=_graph_hint,
                  returns=recorder)
    total = call(summed, a, axis=0, name="wrap(np.sum)(a, axis=0)", signature=RECORDED,
                 hint=_graph_hint, returns=_node(Node))
    expect_array(total.value, A.sum(axis=0), "the value of wrap(np.sum)(a, axis=0)", mistakes=[
        (A.sum(), "The axis was ignored: pass the keyword arguments on to numpy "
                  "(numpy_function(*values, **kwargs)).")])
    expect_true(dict(total.kwargs) == {"axis": 0},
                f"wrap(np.sum)(a, axis=0) recorded kwargs={total.kwargs!r}; expected {{'axis': 0}}.",
                "Keep the keyword arguments in the node: the backward pass of a sum needs to know "
                "which axis was summed.")

    tanh = call(wrap, np.tanh, name="wrap", signature="wrap(numpy_function)", hint=_graph_hint,
                returns=recorder)
    t = call(tanh, a, name="wrap(np.tanh)(a)", signature=RECORDED, hint=_graph_hint,
             returns=_node(Node))
    expect_array(t.value, np.tanh(A), "the value of wrap(np.tanh)(a)")
    expect_true(tuple(t.parents) == (a,) and t.parents[0] is a,
                "wrap(np.tanh)(a) should record exactly one parent, a.")
    deeper = call(subtract, t, a, name="wrap(np.subtract)(wrap(np.tanh)(a), a)",
                  signature=RECORDED, hint=_graph_hint, returns=_node(Node))
    expect_true(deeper.parents[0] is t and deeper.parents[1] is a,
                "a node computed from another node must record that node itself as its parent.")
    passed("wrap records a Node with numpy's value, the function, the parents in order "
           "(constants as leaves) and the keyword arguments.")


# --- exercise 2: operators --------------------------------------------------------------

_DUNDER = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__",
           "**": "__pow__", "@": "__matmul__"}
_REFLECTED = {"+": "__radd__", "-": "__rsub__", "*": "__rmul__", "/": "__rtruediv__",
              "**": "__rpow__", "@": "__rmatmul__"}
_FUNCTION = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "power",
             "@": "matmul"}
_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power,
           "@": np.matmul}
_BINARY_PY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "**": operator.pow, "@": operator.matmul}


def _operator_hint(expression: str, method: str, wanted: str, reflected: bool):
    """A hint for call(): a missing operator is named, with the line that adds it."""
    def hint(error: BaseException) -> str | None:
        if isinstance(error, TypeError) and "unsupported operand" in str(error):
            fail(f"{expression} raised TypeError: Node has no {method} yet.",
                 f"Add: Node.{method} = lambda self, other: {wanted}")
        if reflected:
            return _graph_hint(error) or f"{expression} calls Node.{method}, which should record {wanted}."
        return _graph_hint(error)
    return hint


def _unary_hint(expression: str, attribute: str, written: str):
    """A hint for call(): a missing -x or x.T is named, with the line that adds it."""
    def hint(error: BaseException) -> str | None:
        if (isinstance(error, AttributeError) and "'T'" in str(error)) or (
                isinstance(error, TypeError) and "bad operand" in str(error)):
            fail(f"{expression} raised {type(error).__name__}: Node has no {attribute} yet.",
                 f"Add: {written}")
        return _graph_hint(error)
    return hint


def check_operators(Node) -> None:
    """Every operator records one node of the right numpy function, parents in operand order."""
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    Y = np.array([[2.0, 0.5, -1.0], [-3.0, 1.25, 4.0]])
    M = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    Q = np.array([[1.0, 2.0], [-1.0, 0.5]])
    x, y, m = Node(X), Node(Y), Node(M)
    nodes = {"x": (x, X), "y": (y, Y), "m": (m, M)}

    cases = []  # (expression, operator, left operand, right operand)
    for op in ("+", "-", "*", "/"):
        cases += [(f"x {op} y", op, "x", "y"), (f"x {op} 2", op, "x", 2.0),
                  (f"2 {op} x", op, 2.0, "x")]
    cases += [("x ** 2", "**", "x", 2.0), ("2 ** x", "**", 2.0, "x"),
              ("x @ m", "@", "x", "m"), ("Q @ x (Q a plain array)", "@", "Q", "x")]
    for expression, op, left, right in cases:
        left_node, left_value = nodes.get(left, (None, Q if left == "Q" else left))
        right_node, right_value = nodes.get(right, (None, right))
        operands = (left_node if left_node is not None else left_value,
                    right_node if right_node is not None else right_value)
        reflected = left_node is None
        method = _REFLECTED[op] if reflected else _DUNDER[op]
        expected = _BINARY[op](left_value, right_value)
        wanted = f"wnp.{_FUNCTION[op]}({'other, self' if reflected else 'self, other'})"
        result = call(_BINARY_PY[op], *operands, name=f"{expression}, which calls Node.{method},",
                      hint=_operator_hint(expression, method, wanted, reflected),
                      returns=_node(Node, f"Node.{method} should return the Node made by "
                                          f"wnp.{_FUNCTION[op]}."))
        swapped = None
        if op != "@":
            swapped = _BINARY[op](right_value, left_value)
        mistakes = []
        if swapped is not None and reflected:
            mistakes.append((swapped, f"In a reflected operator the Node is on the right: "
                             f"{expression} calls x.{method}(2), so record "
                             f"wnp.{_FUNCTION[op]}(other, self)."))
        elif swapped is not None:
            mistakes.append((swapped, f"The operands are swapped: Node.{method} should record "
                             f"wnp.{_FUNCTION[op]}(self, other)."))
        expect_array(result.value, expected, f"the value of {expression}", mistakes=mistakes)
        expect_true(result.fun is _BINARY[op],
                    f"{expression} recorded {_a(result.op)} node; expected one "
                    f"{_FUNCTION[op]!r} node.",
                    f"Node.{method} = lambda self, other: wnp.{_FUNCTION[op]}("
                    f"{'other, self' if reflected else 'self, other'})")
        parents = tuple(result.parents)
        expect_true(len(parents) == 2, f"{expression} recorded {len(parents)} parents; expected 2.")
        for parent, node, value, side in ((parents[0], left_node, left_value, "left"),
                                          (parents[1], right_node, right_value, "right")):
            if node is not None and parent is not node:
                fail(f"the {side} parent of {expression} is not the {side} operand.",
                     "Record the parents in the order they are written: "
                     + ("in a reflected operator `other` comes first: "
                        f"wnp.{_FUNCTION[op]}(other, self)." if reflected else
                        f"wnp.{_FUNCTION[op]}(self, other)."))
            if node is None and not (isinstance(parent, Node) and parent.fun is None
                                     and np.array_equal(parent.value, value)):
                fail(f"the {side} parent of {expression} should be a leaf holding the constant.",
                     "Record the parents in the order they are written (the wnp functions "
                     "turn constants into leaves).")

    for expression, attribute, function, expected, written in (
            ("-x", "__neg__", np.negative, -X, "Node.__neg__ = lambda self: wnp.negative(self)"),
            ("x.T", "T", np.transpose, X.T, "Node.T = property(lambda self: wnp.transpose(self))")):
        apply = operator.neg if attribute == "__neg__" else operator.attrgetter("T")
        result = call(apply, x, name=f"{expression}, which uses Node.{attribute},",
                      hint=_unary_hint(expression, attribute, written),
                      returns=_node(Node, f"T is written without brackets, like numpy's: {written}"
                                    if attribute == "T" else f"Use {written}"))
        expect_array(result.value, expected, f"the value of {expression}")
        expect_true(result.fun is function and tuple(result.parents) == (x,)
                    and result.parents[0] is x,
                    f"{expression} recorded {_a(result.op)} node with {len(result.parents)} "
                    f"parent(s); expected one {function.__name__!r} node whose parent is x.",
                    f"Use wnp.{function.__name__}(self).")
    passed("every operator (+ - * / ** @, reflected, unary minus and .T) records one node "
           "with its operands in order.")


# --- exercise 3: topological order ------------------------------------------------------

def _example_graph(Node) -> tuple:
    """A small graph in which every node has a different (operation, shape), with a node used
    twice by one operation (a * a), a leaf used by two operations (w) and a node reached by a
    long and a short path (a), so that a breadth-first order is not topological.  Returns
    (output, every node)."""
    x = Node(np.array([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]]))
    w = Node(np.array([0.3, -0.2, 0.1]))
    c = Node(2.0)
    a = Node(np.tanh(x.value), np.tanh, (x,))
    m = Node(a.value * a.value, np.multiply, (a, a))
    s = Node(m.value + w.value, np.add, (m, w))
    e = Node(np.exp(w.value), np.exp, (w,))
    d = Node(s.value / e.value, np.divide, (s, e))
    p = Node(d.value ** c.value, np.power, (d, c))
    q = Node(p.value - a.value, np.subtract, (p, a))   # a short cut from a to near the output
    out = Node(np.mean(q.value), np.mean, (q,))
    return out, [x, w, c, a, m, s, e, d, p, q, out]


def _describe(node) -> str:
    return f"{node.op} {node.shape}"


def check_topological_order(topological_order, Node) -> None:
    """Each node of the graph once, every node after its parents, and no recursion."""
    output, everything = _example_graph(Node)
    order = list(call(topological_order, output, name="topological_order",
                      signature="topological_order(output)", hint=_graph_hint,
                      returns=LIST.named("a list of Nodes")))
    if not all(isinstance(node, Node) for node in order):
        fail("topological_order should return a list of Nodes.",
             "Put the nodes themselves in the list, not their values or numbers.")
    counts = Counter(id(node) for node in order)
    repeated = [node for node in everything if counts[id(node)] > 1]
    if repeated:
        fail(f"the {_describe(repeated[0])} node appears {counts[id(repeated[0])]} times in the "
             "order.", "A node with several children must still appear once: keep a set of the "
             "nodes already seen, and skip a node that is in it.")
    missing = [node for node in everything if counts[id(node)] == 0]
    if missing:
        fail(f"{len(missing)} of the graph's {len(everything)} nodes are missing, for example "
             f"the {_describe(missing[0])} node.", "Include every ancestor of the output: the "
             "leaves, and the output itself.")
    expect_true(len(order) == len(everything), f"the order has {len(order)} nodes; the graph "
                f"has {len(everything)}.", "List only the nodes the output depends on.")
    position = {id(node): i for i, node in enumerate(order)}
    reversed_ok = all(position[id(p)] > position[id(n)] for n in order for p in n.parents)
    if reversed_ok:
        fail("the order is reversed: the output comes first and the leaves last.",
             "Return parents before children; the backward pass will walk the list backwards.")
    for node in order:
        for parent in node.parents:
            if position[id(parent)] > position[id(node)]:
                fail(f"the {_describe(node)} node comes before its parent, the "
                     f"{_describe(parent)} node.", "Every node must come after all its "
                     "parents: sort the nodes by node.number (creation order).")

    chain = start = Node(np.array([0.5]))
    for _ in range(3000):
        chain = Node(np.tanh(chain.value), np.tanh, (chain,))
    order = call(topological_order, chain, name="topological_order, on a chain of 3,000 operations,",
                 signature="topological_order(output)", hint=_graph_hint,
                 returns=LIST.named("a list of Nodes"))
    expect_true(len(list(order)) == 3001 and order[0] is start and order[-1] is chain,
                "on a chain of 3,000 operations, the order should hold the 3,001 nodes from the "
                "input to the output.")
    passed("topological_order lists every node once, parents first, even 3,000 deep.")


# --- exercise 4: draw -------------------------------------------------------------------

def check_draw(draw, Node) -> None:
    """One drawing node per Node, labelled with operation and shape; parent -> child arrows;
    names that do not change from run to run."""
    output, everything = _example_graph(Node)
    a_drawing = instance_of(Drawing, "a Drawing", "Create drawing = Drawing(), add the nodes "
                            "and edges, and return it.")
    drawing = call(draw, output, name="draw", signature="draw(output)", hint=_graph_hint,
                   returns=a_drawing)
    labels = drawing.labels
    if len(labels) < len(everything):
        fail(f"the drawing has {len(labels)} nodes for a graph of {len(everything)}.",
             "Two Nodes got the same name, so graphviz drew them as one: give each its own "
             "name, e.g. node0, node1, ... by position in the topological order.")
    if len(labels) > len(everything):
        fail(f"the drawing has {len(labels)} nodes for a graph of {len(everything)}.",
             "Add each Node once (loop over topological_order(output)), and use the same name "
             "for it in its edges.")

    def identify(label: str):
        matches = [node for node in everything if node.op in label and str(node.shape) in label]
        return matches[0] if len(matches) == 1 else None

    node_of = {}
    for name, label in labels.items():
        node = identify(str(label))
        if node is None:
            fail(f"the drawing node {name!r} is labelled {label!r}.",
                 "Label each node with its operation and its shape, e.g. "
                 "f\"{node.op}\\n{node.shape}\" gives 'tanh' and '(2, 3)' on two lines.")
        node_of[name] = node
    expected = {(id(parent), id(node)) for node in everything for parent in node.parents}
    drawn = [(id(node_of.get(tail)), id(node_of.get(head))) for tail, head in drawing.edges]
    if any(tail not in node_of or head not in node_of for tail, head in drawing.edges):
        fail("an edge names a node that is not in the drawing.",
             "Use the same name for a Node in drawing.node and in drawing.edge.")
    backwards = {(head, tail) for tail, head in drawn}
    if drawn and backwards == expected and set(drawn) != expected:
        fail("the arrows point from child to parent.",
             "Draw each arrow from a parent to the node computed from it: "
             "drawing.edge(name_of_parent, name_of_node), the way values flow.")
    missing = expected - set(drawn)
    if missing:
        parent, child = next((p, n) for n in everything for p in n.parents
                             if (id(p), id(n)) in missing)
        fail(f"the drawing has no arrow from the {_describe(parent)} node to the "
             f"{_describe(child)} node computed from it.",
             "Add an edge from each parent to its node.")
    extra = set(drawn) - expected
    if extra:
        fail(f"the drawing has {len(extra)} arrow(s) between nodes that are not parent and child.")

    again = call(draw, output, name="draw, called a second time,", signature="draw(output)",
                 hint=_graph_hint, returns=a_drawing)
    source = drawing.graph.source
    if any(str(id(node)) in source for node in everything) or again.graph.source != source:
        fail("the drawing's node names change from run to run.",
             "Names made from id(node) (a memory address) differ on every run, so the picture "
             "cannot be compared or tested: number the nodes instead.")
    passed(f"draw shows all {len(everything)} nodes with their operation and shape, and an arrow "
           "from each parent to its child.")


# --- exercise 5: the network's loss -----------------------------------------------------

def check_loss(loss, Node, sizes=SIZES) -> None:
    """loss(W1, b1, W2, b2, W3, b3, X, Y) records the graph of the mean squared error."""
    params, (X, Y) = lively_params(sizes), fixed_batch(n=5, sizes=sizes)
    layers = len(params) // 2
    how = f"loss({', '.join(parameter_names(sizes))}, X, Y)"
    err = forward(params, X) - Y
    expected = np.mean(err ** 2)
    a_loss = _node(Node, "Build the loss from Nodes with the wnp functions (wnp.tanh, wnp.mean), "
                         "so that every step is recorded.")
    nodes = [Node(p) for p in params]
    result = call(loss, *nodes, X, Y, name="loss", signature=how, hint=_graph_hint,
                  returns=a_loss)
    no_last_tanh = forward(params[:-2], X) @ params[-2] + params[-1]
    expect_array(result.value, expected, how, mistakes=[
        (np.mean(err) ** 2, "That is the square of the mean error, mean(Ŷ - Y)**2, not the mean "
                            "squared error: square each error first, then take the mean."),
        (np.mean((no_last_tanh - Y) ** 2),
         "The output layer needs its tanh too: every layer is tanh(H @ W + b)."),
        (np.mean(np.abs(err)), "Square the errors: (Y_hat - Y) ** 2."),
    ], shape_hint="The loss is one number: the mean over every sample and output.")
    order = _graph_nodes(result)
    leaves = [node for node in order if node.fun is None]
    if not any(leaf is nodes[0] for leaf in leaves):
        fail("W1 is not in the loss's graph.",
             "Use the arguments themselves (W1, b1, ...): they are the Nodes to differentiate.")
    ops = Counter(node.op for node in order if node.fun is not None)
    for op in ("matmul", "tanh"):
        expect_true(ops[op] == layers, f"the loss's graph has {ops[op]} {op} node(s); the "
                    f"network has {layers} layers, so expected {layers}.",
                    "Each layer is wnp.tanh(H @ W + b).")
    expect_true(result.op == "mean", f"the loss's last operation is {result.op!r}; expected "
                "'mean', the mean of the squared errors.")
    params_one = [Node(params[0])] + list(params[1:])
    again = call(loss, *params_one, X, Y, name="loss, with only W1 a Node (the rest plain "
                 "arrays),", signature=how, hint=_graph_hint, returns=a_loss)
    expect_array(again.value, expected, "loss with only W1 a Node (the rest plain arrays)")
    counts = ", ".join(f"{count} {op}" for op, count in ops.items())
    passed(f"loss is the mean squared error; its graph has {len(order)} nodes: "
           f"{sum(ops.values())} operations ({counts}) and {len(leaves)} leaves.")
