"""Self-checks for notebook 12: a numpy wrapper in which every operation records a node.

The attendee's ``Node`` class (given in the notebook) holds ``value`` (a float array),
``fun`` (the numpy function that computed it, ``None`` for a leaf), ``parents`` (a tuple
of Nodes, in argument order), ``kwargs`` and ``number`` (creation order); ``node.op``
is the function's name or ``'leaf'``.  Each check builds small graphs with that class
(calling ``Node(value, fun, parents, kwargs)`` directly where it must not depend on the
attendee's other answers) and compares with numpy, on inputs the notebook never uses.

    check_wrap(wrap, Node)
    check_operators(Node)
    check_loss(loss, Node)
    check_replay(replay, Node)

Whatever they are given, they answer with a ✓ or a sentence, never a traceback.
"""
from __future__ import annotations

import operator
from collections import Counter

import numpy as np

from demystify.checks.core import (ARRAY, FUNCTION, answers_in_a_sentence, call, expect_array,
                                   expect_true, fail, instance_of, passed)
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


def _expect_node_class(Node) -> None:
    """Node must be the notebook's class (the checks make nodes with it)."""
    if not isinstance(Node, type):
        fail(f"the check was given {_described(Node)} as Node; expected the class Node itself.",
             "Pass the class, as the notebook does: the second argument is Node, not a node.")


def _described(value) -> str:
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    name = type(value).__name__
    return "None" if value is None else f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _make(Node, value, fun=None, parents=(), kwargs=None):
    """Node(value, fun, parents, kwargs), made by a check: a broken Node class gets a sentence."""
    return call(Node, value, fun, tuple(parents), kwargs, name="Node(value, fun, parents, kwargs)",
                hint="The check makes nodes with the given Node class: run its cell (and the "
                     "one after it) again, unchanged.")


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

@answers_in_a_sentence
def check_wrap(wrap, Node) -> None:
    """wrap(numpy_function) returns a function that computes with numpy and records a Node."""
    _expect_node_class(Node)
    A = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
    B = np.array([[2.0, 1.0, -1.0], [3.0, -0.5, 2.0]])
    a, b = _make(Node, A), _make(Node, B)

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
    recorded = tuple(out.parents)
    if len(recorded) != 2:
        fail(f"wrap(np.subtract)(a, 2.0) recorded {len(recorded)} parent(s); expected 2, the node "
             "a and a leaf for the constant 2.0.",
             "Turn every input into a Node with as_node(x), constants included: a constant "
             "becomes a leaf, and the node keeps one parent per input.")
    constant = recorded[1]
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


@answers_in_a_sentence
def check_operators(Node) -> None:
    """Every operator records one node of the right numpy function, parents in operand order."""
    _expect_node_class(Node)
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    Y = np.array([[2.0, 0.5, -1.0], [-3.0, 1.25, 4.0]])
    M = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    Q = np.array([[1.0, 2.0], [-1.0, 0.5]])
    x, y, m = _make(Node, X), _make(Node, Y), _make(Node, M)
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


# --- exercise 3: the network's loss -----------------------------------------------------

def _loss_hint(error: BaseException) -> str | None:
    """What an exception from the attendee's loss probably means."""
    text = str(error)
    if isinstance(error, AttributeError) and "'Node' object has no attribute" in text:
        return ("A Node has no numpy methods (.sum(), .mean(), .dot()): use the wnp functions, "
                "wnp.mean(...), and the operators.")
    if isinstance(error, TypeError) and "'Node' object is not iterable" in text:
        return "Python's own sum() loops over its argument: use wnp.sum(...) or wnp.mean(...)."
    if isinstance(error, TypeError) and "has no len()" in text:
        return "A Node has no len(): the number of samples is X.shape[0]."
    return _graph_hint(error)


@answers_in_a_sentence
def check_loss(loss, Node, sizes=SIZES) -> None:
    """loss(W1, b1, W2, b2, W3, b3, X, Y) records the graph of the mean squared error: any
    formula with its value, as long as every parameter is in the graph."""
    _expect_node_class(Node)
    params, (X, Y) = lively_params(sizes), fixed_batch(n=5, sizes=sizes)
    names = parameter_names(sizes)
    how = f"loss({', '.join(names)}, X, Y)"
    err = forward(params, X) - Y
    expected = np.mean(err ** 2)
    a_loss = _node(Node, "Build the loss from Nodes with the wnp functions (wnp.tanh, wnp.mean), "
                         "so that every step is recorded.")
    nodes = [_make(Node, p) for p in params]
    result = call(loss, *nodes, X, Y, name="loss", signature=how, hint=_loss_hint, returns=a_loss)
    no_last_tanh = forward(params[:-2], X) @ params[-2] + params[-1]
    expect_array(result.value, expected, how, mistakes=[
        (np.mean(err) ** 2, "That is the square of the mean error, mean(Ŷ - Y)**2, not the mean "
                            "squared error: square each error first, then take the mean."),
        (np.mean((no_last_tanh - Y) ** 2),
         "The output layer needs its tanh too: every layer is tanh(H @ W + b)."),
        (np.mean(np.abs(err)), "Square the errors: (Y_hat - Y) ** 2."),
        (np.sum(err ** 2) / (err.shape[1] * 4), "The batch of this check has 5 rows: take n from the data "
                                     "(X.shape[0]), not from the notebook's batch of 4."),
    ], shape_hint="The loss is one number: the mean over every sample and output.")
    order = _graph_nodes(result)
    in_graph = {id(node) for node in order}
    cut = [name for name, node in zip(names, nodes, strict=True) if id(node) not in in_graph]
    if cut:
        fail(f"the loss has the right value, but {', '.join(cut)} {'is' if len(cut) == 1 else 'are'} "
             "not in its graph, so no gradient could reach "
             f"{'it' if len(cut) == 1 else 'them'}.",
             "Compute with the arguments themselves, the Nodes, through the operators and the wnp "
             "functions: plain numpy on a .value, or a Node made at the end, cuts the graph.")
    params_one = [nodes[0]] + list(params[1:])
    again = call(loss, *params_one, X, Y, name="loss, with only W1 a Node (the rest plain "
                 "arrays),", signature=how, hint=_loss_hint, returns=a_loss)
    expect_array(again.value, expected, "loss with only W1 a Node (the rest plain arrays)")
    ops = Counter(node.op for node in order if node.fun is not None)
    leaves = len(order) - sum(ops.values())
    counts = ", ".join(f"{count} {op}" for op, count in ops.items())
    passed(f"loss is the mean squared error; its graph has {len(order)} nodes: "
           f"{sum(ops.values())} operations ({counts}) and {leaves} leaves.")


# --- exercise 4: replay --------------------------------------------------------------------

class _CountedFunction:
    """A numpy function that counts its calls (how often a replay computes a node)."""

    def __init__(self, function):
        self.function, self.calls, self.__name__ = function, 0, function.__name__

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def _replay_graph(Node, rows: int = 2):
    """A small graph: x used by tanh, a = tanh(x) used twice by one multiply and again near
    the output, a constant c on the left of a subtract and as an exponent, a division that
    broadcasts, a sum over axis 0 (kwargs). Returns (output, {name: leaf})."""
    rng = np.random.default_rng(12)
    x, w, c = (_make(Node, value) for value in (rng.normal(size=(rows, 3)), rng.normal(size=3), 2.0))

    def op(fun, *parents, **kwargs):
        return _make(Node, fun(*[p.value for p in parents], **kwargs), fun, parents, kwargs)
    a = op(np.tanh, x)
    s = op(np.subtract, c, op(np.multiply, a, a))
    d = op(np.divide, s, op(np.exp, w))
    q = op(np.power, op(np.sum, d, axis=0), c)
    out = op(np.mean, op(np.subtract, q, a))
    return out, {"x": x, "w": w, "c": c}


def _replayed(output, new_values, mode: str = "right"):
    """The checks' own replay ({id(leaf): array} new values), or a typical wrong one:
    'no kwargs' (node.fun without node.kwargs)."""
    values = {}
    for node in _graph_nodes(output):
        if node.fun is None:
            values[id(node)] = new_values.get(id(node), node.value)
            continue
        parents = [values[id(p)] for p in node.parents]
        values[id(node)] = node.fun(*parents, **({} if mode == "no kwargs" else node.kwargs))
    return values[id(output)]


def _replay_hint(what: str):
    def hint(error: BaseException) -> str | None:
        if isinstance(error, RecursionError):
            return (f"It hit Python's recursion limit{what}: walk topological_order(output) with a "
                    "loop instead of recursing into the parents.")
        if isinstance(error, KeyError) and getattr(error.args[0] if error.args else None,
                                                   "fun", None) is not None:
            return ("A node was computed before its parents: replay in topological_order(output), "
                    "parents first (not reversed: that is the backward walk's order).")
        if isinstance(error, KeyError):
            return ("A leaf that is not in new_values keeps its recorded value (the constant 2, "
                    "for example): look it up with new_values.get(node, node.value).")
        if isinstance(error, ValueError) and "broadcast" in str(error):
            return ("Shapes did not fit: compute each node from the new values of its parents, "
                    "not from parent.value (the leaves here have new shapes).")
        return _graph_hint(error)
    return hint


def _call_replay(replay, output, new_values, what: str = ""):
    name = "replay" + (f",{what}," if what else "")
    return call(replay, output, new_values, name=name, signature="replay(output, new_values)",
                hint=_replay_hint(what), returns=ARRAY.named(
                    "an array, the output's new value",
                    "Return the array computed for output (a Node's value), not a Node or a dict."))


def _expect_unchanged(graph, before, what: str) -> None:
    changed = [node for node in graph if not (np.shape(node.value) == before[id(node)].shape
                                              and np.array_equal(node.value, before[id(node)]))]
    if changed:
        fail(f"replay changed the recorded value of {len(changed)} node(s){what}, for example the "
             f"{changed[0].op} node.", "Keep the new values in a dict of your own, {node: array}: "
             "notebook 14's backward pass reads the values the graph recorded.")


@answers_in_a_sentence
def check_replay(replay, Node) -> None:
    """replay(output, new_values) computes output again with some leaves replaced: each node
    once, parents first, keyword arguments kept, the recorded graph unchanged."""
    _expect_node_class(Node)
    output, leaf = _replay_graph(Node)
    graph = _graph_nodes(output)
    before = {id(node): np.array(node.value, copy=True) for node in graph}
    rng = np.random.default_rng(21)

    def mistakes(ids):
        return [
            (output.value, "That is the value recorded in the graph: compute every node again "
                           "from the new values of its parents (kept in a dict of your own), not "
                           "from parent.value, and return the output's."),
            (_replayed(output, ids, "no kwargs"), "A sum over axis 0 became a sum of everything: "
                                                  "call node.fun with the node's keyword "
                                                  "arguments, node.fun(*values, **node.kwargs)."),
        ]

    same = _call_replay(replay, output, {})
    expect_array(same, output.value, "replay(output, {}), which should give the recorded value",
                 mistakes=mistakes({})[1:])

    new_x, new_w = rng.normal(size=(2, 3)), rng.normal(size=3)
    new = {leaf["x"]: new_x, leaf["w"]: new_w}
    ids = {id(leaf["x"]): new_x, id(leaf["w"]): new_w}
    result = _call_replay(replay, output, new, " with new x and w")
    expect_array(result, _replayed(output, ids), "replay(output, {x: ..., w: ...})",
                 mistakes=mistakes(ids))
    _expect_unchanged(graph, before, "")

    five = rng.normal(size=(5, 3))
    result = _call_replay(replay, output, {leaf["x"]: five}, " with an x of 5 rows instead of 2")
    expect_array(result, _replayed(output, {id(leaf["x"]): five}),
                 "replay with an x of 5 rows instead of 2")
    _expect_unchanged(graph, before, " (with an x of 5 rows)")

    start = _make(Node, np.array([0.3, -0.2]))
    h, tanh = start, _CountedFunction(np.tanh)
    for _ in range(12):                      # residual blocks: 2**12 paths to the start
        t = _make(Node, np.tanh(h.value), tanh, (h,))
        h = _make(Node, h.value + t.value, np.add, (h, t))
    result = _call_replay(replay, h, {start: np.array([0.5, 0.1])}, " on 12 residual blocks")
    if tanh.calls > 12:
        fail(f"replay computed the 12 tanh nodes of 12 residual blocks (h = h + tanh(h)) "
             f"{tanh.calls:,} times.", "Computing a node from a recursive call for each parent "
             "repeats it once per path, and the paths double with each block: compute each node "
             "once, in topological_order(output), and keep its value in a dict.")
    expect_array(result, _replayed(h, {id(start): np.array([0.5, 0.1])}),
                 "replay on 12 residual blocks")

    chain = start = _make(Node, np.array([0.5, -0.5]))
    for _ in range(3000):
        chain = _make(Node, np.tanh(chain.value), np.tanh, (chain,))
    result = _call_replay(replay, chain, {start: np.array([1.0, 2.0])},
                          " on a chain of 3,000 operations")
    expect_array(result, _replayed(chain, {id(start): np.array([1.0, 2.0])}),
                 "replay on a chain of 3,000 tanh")
    passed("replay computes each node once from its parents' new values, keeps the keyword "
           "arguments and the other leaves, and leaves the recorded graph as it was.")
