"""Self-checks for notebook 14: the VJP table, the backward walk and ``grad``.

The notebook's table maps a numpy function to its VJP makers, one per input, in the
style of autograd's ``defvjp``::

    VJPS[np.divide] = (lambda ans, x, y: lambda g: unbroadcast(g / y, x),
                       lambda ans, x, y: lambda g: unbroadcast(-g * x / y**2, y))

    check_vjps(VJPS, np.subtract, np.divide, ...)   each entry alone, against finite differences
    check_backward(backward, Node)                  the walk: shared nodes, order, depth, loudness
    check_grad(grad, wnp)                           grad against autograd

A check names the primitive and the input whose VJP is wrong and shows the formula it
should be, and recognises the typical wrong answers (including the known mistakes of
the original workshop's code).
"""
from __future__ import annotations

import re
import sys
from collections import Counter

import numpy as np

from demystify.checks.core import (ARRAY, FUNCTION, CheckFailed, answers_in_a_sentence, call,
                                   expect_array, expect_true, fail, passed)
from demystify.checks.wrapper import _expect_node_class, _make
from demystify.checks.wrapper import _graph_nodes as _nodes
from demystify.checks.unfinished import explain_unfinished
from demystify.reference import SEED, numerical_gradient
from scratchgrad.vjps import unbroadcast as _unbroadcast
from scratchgrad.vjps import vjp_makers

NOTEBOOK = "14-backprop-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell

# --- the reference: one VJP per input (scratchgrad's table), and the walk ----------------

_REFERENCE = {fun: vjp_makers(fun) for fun in (
    np.add, np.subtract, np.multiply, np.divide, np.negative, np.power, np.tanh, np.exp,
    np.log, np.matmul, np.transpose, np.sum, np.mean)}


def _walk(output, mode: str = "right"):
    """The reference backward walk ({id(node): gradient}), and the typical wrong ones.

    mode: 'right'; 'overwrite' (= instead of adding); 'inplace' (grads[p] += share, in
    place); 'recursive' (push the running total and recurse into each parent at once);
    'visited' (the same, but a node already visited is skipped: passed on once, too early);
    'breadth' (breadth-first from the output instead of reverse topological order);
    'distinct' (each distinct parent once: a * a gives a only one share);
    'forward' (the topological order not reversed, a missing gradient taken as zeros).
    """
    nodes = _nodes(output)
    grads = {id(output): np.ones_like(output.value)}

    def shares(node):
        values = [parent.value for parent in node.parents]
        done = set()
        for parent, make in zip(node.parents, _REFERENCE[node.fun], strict=True):
            if mode == "distinct" and id(parent) in done:
                continue
            done.add(id(parent))
            g = grads[id(node)] if id(node) in grads else np.zeros_like(node.value)
            yield parent, make(node.value, *values, **node.kwargs)(g)

    def receive(parent, share):
        key = id(parent)
        if key not in grads or mode == "overwrite":
            grads[key] = share
        elif mode == "inplace" and isinstance(grads[key], np.ndarray):
            grads[key] += share
        else:
            grads[key] = grads[key] + share

    if mode in ("recursive", "visited"):
        visited = set()

        def visit(node):
            if node.fun is None or (mode == "visited" and id(node) in visited):
                return
            visited.add(id(node))
            for parent, share in shares(node):
                receive(parent, share)
                visit(parent)
        visit(output)
        return grads
    if mode == "breadth":
        order, queue, seen = [], [output], {id(output)}
        while queue:
            node = queue.pop(0)
            order.append(node)
            for parent in node.parents:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    queue.append(parent)
    else:
        order = nodes if mode == "forward" else nodes[::-1]
    for node in order:
        if node.fun is not None and (id(node) in grads or mode == "forward"):
            for parent, share in shares(node):     # each share computed just before it is added
                receive(parent, share)
    return grads


# --- the VJP table ------------------------------------------------------------------

_SPEC = {  # numpy function: (names of the inputs, the formula of each VJP)
    np.add: (("x", "y"), ("unbroadcast(g, x)", "unbroadcast(g, y)")),
    np.subtract: (("x", "y"), ("unbroadcast(g, x)", "unbroadcast(-g, y)")),
    np.multiply: (("x", "y"), ("unbroadcast(g * y, x)", "unbroadcast(g * x, y)")),
    np.divide: (("the numerator x", "the denominator y"),
                ("unbroadcast(g / y, x)", "unbroadcast(-g * x / y**2, y)")),
    np.negative: (("x",), ("-g",)),
    np.power: (("the base x", "the exponent y"),
               ("unbroadcast(g * y * x**(y - 1), x)",
                "unbroadcast(g * ans * log(x), y), where x > 0")),
    np.tanh: (("x",), ("g * (1 - ans**2)",)),
    np.exp: (("x",), ("g * ans",)),
    np.log: (("x",), ("g / x",)),
    np.matmul: (("the left matrix x", "the right matrix y"), ("g @ y.T", "x.T @ g")),
    np.transpose: (("x",), ("g.T",)),
    np.sum: (("x",), ("spread(g, x, axis, keepdims)",)),
    np.mean: (("x",), ("spread(g, x, axis, keepdims) * ans.size / x.size",)),
}

_BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 4), (3, 1)), ((4,), (3, 4)),
                  ((1, 4), (3, 1)), ((3, 4), ())]
_UNARY_SHAPES = [(3, 4), (4,), ()]


def _cases(fun, rng):
    """(inputs, kwargs, inputs to check) for fun: same shapes first, then broadcasting ones."""
    def normal(shape):
        return rng.normal(size=shape)

    def positive(shape):
        return rng.uniform(0.5, 2.0, size=shape)

    if fun in (np.add, np.subtract, np.multiply):
        return [((normal(a), normal(b)), {}, (0, 1)) for a, b in _BINARY_SHAPES]
    if fun is np.divide:
        return [((normal(a), positive(b) * rng.choice([-1.0, 1.0], size=b)), {}, (0, 1))
                for a, b in _BINARY_SHAPES]
    if fun is np.power:
        cases = [((positive(a), rng.uniform(0.5, 2.5, size=b)), {}, (0, 1))
                 for a, b in _BINARY_SHAPES]
        return cases + [((normal((3, 4)), np.array(2.0)), {}, (0,))]  # (Ŷ - Y) ** 2
    if fun is np.log:
        return [((positive(s),), {}, (0,)) for s in _UNARY_SHAPES]
    if fun in (np.negative, np.tanh, np.exp):
        return [((normal(s),), {}, (0,)) for s in _UNARY_SHAPES]
    if fun is np.matmul:
        return [((normal(a), normal(b)), {}, (0, 1))
                for a, b in [((3, 4), (4, 2)), ((1, 4), (4, 3)), ((3, 1), (1, 2))]]
    if fun is np.transpose:
        return [((normal(s),), {}, (0,)) for s in [(3, 4), (1, 3), (4,)]]
    if fun in (np.sum, np.mean):
        return [((normal((3, 4)),), kwargs, (0,)) for kwargs in
                [{}, {"axis": 0}, {"axis": 1}, {"axis": -1, "keepdims": True},
                 {"axis": (0, 1)}]] + [((normal(4),), {}, (0,))]
    raise ValueError(f"no test cases for {fun}")


def _mistakes(fun, i, ans, inputs, G):
    """(wrong answer, hint) pairs: the slips people make in the VJP of input i of fun."""
    x = inputs[0]
    y = inputs[1] if len(inputs) > 1 else None
    candidates = []  # (function computing the wrong answer, hint)
    if fun is np.divide and i == 1:
        candidates = [
            (lambda: _unbroadcast(-1 / G**2, y), "That is the original workshop's -1 / g**2: "
             "the derivative of x / y with respect to y is -x / y**2, and the VJP multiplies it "
             "by g."),
            (lambda: _unbroadcast(-G / y**2, y), "The numerator is missing: "
             "d(x / y)/dy = -x / y**2."),
            (lambda: _unbroadcast(-G * x / y, y), "Divide by y squared: d(x / y)/dy = -x / y**2.")]
    if fun is np.tanh:
        candidates = [
            (lambda: G * 1 - np.tanh(np.tanh(x)), "That is the original workshop's "
             "g * 1 - tanh(tanh(x)): the brackets are missing and tanh is applied twice. "
             "tanh'(x) = 1 - tanh(x)**2, and ans is already tanh(x)."),
            (lambda: G * (1 - x**2), "Use the result, not the input: tanh'(x) = 1 - tanh(x)**2 "
             "= 1 - ans**2."),
            (lambda: G * (1 - np.tanh(ans)**2), "ans is already tanh(x): 1 - ans**2, no second "
             "tanh."),
            (lambda: 1 - ans**2, "Multiply the local derivative by g, the gradient from above.")]
    if fun is np.exp:
        candidates = [(lambda: ans, "Multiply by g, the gradient from above: g * ans.")]
    if fun is np.log:
        candidates = [(lambda: G * ans, "The derivative of log(x) is 1 / x, so g / x."),
                      (lambda: 1 / x, "Multiply by g, the gradient from above: g / x.")]
    if fun is np.matmul and i == 0:
        candidates = [(lambda: G @ y, "Transpose y: the gradient of x in x @ y is g @ y.T."),
                      (lambda: y @ G.T, "The gradient of x in x @ y is g @ y.T.")]
    if fun is np.matmul and i == 1:
        candidates = [(lambda: x @ G, "Transpose x: the gradient of y in x @ y is x.T @ g."),
                      (lambda: G.T @ x, "The gradient of y in x @ y is x.T @ g.")]
    if fun is np.power and i == 0:
        candidates = [(lambda: _unbroadcast(G * x ** (y - 1), x), "Bring the exponent down: "
                       "d(x**y)/dx = y * x**(y - 1)."),
                      (lambda: _unbroadcast(G * y * x ** y, x), "The power drops by one: "
                       "y * x**(y - 1).")]
    if fun is np.power and i == 1:
        candidates = [(lambda: _unbroadcast(G * ans * x, y), "d(x**y)/dy = x**y * log(x): "
                       "log(x), not x.")]
    mistakes = []
    for wrong, hint in candidates:
        try:
            with np.errstate(all="ignore"):
                mistakes.append((wrong(), hint))
        except (ValueError, TypeError):  # a slip whose shapes do not fit this case
            pass
    return mistakes


def _what(fun, i) -> str:
    names, _ = _SPEC[fun]
    return f"the VJP of {fun.__name__} w.r.t. {names[i]}"


def _shapes(inputs, kwargs) -> str:
    text = " and ".join(f"{'xy'[j]} of shape {np.shape(a)}" for j, a in enumerate(inputs))
    if kwargs:
        text += " with " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return text


def _funs_to_check(vjps, funs) -> tuple:
    """The numpy functions check_vjps checks: those given, or every one of the table it knows."""
    if not isinstance(vjps, dict):
        fail(f"check_vjps was given {_described(vjps)} as the table; expected VJPS, the dict "
             "{numpy function: its VJP makers}.", "Pass the table itself: check_vjps(VJPS, np.divide).")
    if not funs:
        funs = tuple(fun for fun in _SPEC if fun in vjps)
        if not funs:
            fail("the VJP table is empty: there is nothing to check yet.",
                 "Run the cells that fill it (the given one, then your defvjp lines) before this one.")
    unknown = [fun for fun in funs if not (callable(fun) and fun in _SPEC)]
    if unknown:
        fail(f"check_vjps cannot check {_described(unknown[0])}; it knows the VJPs of "
             f"{', '.join('np.' + fun.__name__ for fun in _SPEC)}.",
             "Name the numpy functions themselves: check_vjps(VJPS, np.divide, np.power).")
    return funs


def _makers(vjps, fun, names, add_line: str) -> tuple:
    """The table's VJP makers for fun: a tuple of one function per input."""
    if fun not in vjps:
        fail(f"the VJP table has no entry for np.{fun.__name__} yet.", f"Add: {add_line}")
    entry = vjps[fun]
    if callable(entry) or not isinstance(entry, (tuple, list)):
        fail(f"VJPS[np.{fun.__name__}] is {_described(entry)}; expected a tuple of VJP makers, "
             "one per input.", f"Fill the table with defvjp, which stores the makers as a tuple: "
             f"{add_line}")
    if len(entry) != len(names):
        fail(f"np.{fun.__name__} has {len(names)} input(s), so it needs {len(names)} VJP "
             f"maker(s), one per input, in order; the table has {len(entry)}.",
             f"Write: {add_line}")
    return tuple(entry)


@answers_in_a_sentence
def check_vjps(vjps, *funs) -> None:
    """Each VJP of each of funs against central finite differences, on shapes that broadcast.

    vjps: the notebook's table {numpy function: (vjp maker per input)}
    funs: the numpy functions to check, e.g. np.subtract, np.divide (none: all in the table)
    """
    funs = _funs_to_check(vjps, funs)
    rng = np.random.default_rng(SEED)
    for fun in funs:
        names, formulas = _SPEC[fun]
        inputs_text = ", ".join("xy"[:len(names)])
        add_line = (f"defvjp(np.{fun.__name__}, " + ", ".join(
            f"lambda ans, {inputs_text}: lambda g: ..." for _ in names) + ")")
        makers = _makers(vjps, fun, names, add_line)
        maker = (f"lambda ans, {inputs_text}"
                 f"{', axis=None, keepdims=False' if fun in (np.sum, np.mean) else ''}"
                 ": lambda g: ...")
        for inputs, kwargs, checked in _cases(fun, rng):
            ans = fun(*inputs, **kwargs)
            G = rng.normal(size=np.shape(ans))
            for i in checked:
                what = _what(fun, i)
                where = f"for {_shapes(inputs, kwargs)}"
                hint = _vjp_hint(fun, formulas[i], where)
                vjp = call(makers[i], ans, *inputs, **kwargs, name=what, signature=maker,
                           hint=hint, returns=FUNCTION.named(
                               "a function of g", f"A VJP maker returns a function of g: {maker}"))
                ours = call(vjp, G, name=what, signature="lambda g: ...", hint=hint,
                            returns=ARRAY.named(f"a numpy array, the gradient of {names[i]}",
                                                f"Compute it with numpy from g: {formulas[i]}."))
                expected = numerical_gradient(_along(G, fun, inputs, kwargs, i), inputs[i])
                _compare(fun, i, ours, expected, inputs, kwargs, ans, G, where)
        if fun is np.power:
            _expect_quiet_exponent(makers[1], rng)
    names = ", ".join(fun.__name__ for fun in funs)
    passed(f"the VJPs of {names} match finite differences for every input, "
           "on shapes that broadcast.")


def _expect_quiet_exponent(make_vjp, rng) -> None:
    """The exponent's VJP on (Ŷ - Y) ** 2, where the base has entries <= 0: nan there, no warning."""
    x, y = rng.normal(size=(3, 4)), np.array(2.0)
    what = "the VJP of power w.r.t. the exponent y"
    with np.errstate(divide="raise", invalid="raise"):
        vjp = call(make_vjp, x ** y, x, y, name=what, signature="lambda ans, x, y: lambda g: ...",
                   returns=FUNCTION)
        outcome = call(vjp, np.ones((3, 4)), name=what, signature="lambda g: ...",
                       may_raise=FloatingPointError)
    if isinstance(outcome, FloatingPointError):
        fail(f"{what} takes the log of entries x <= 0 for (Ŷ - Y) ** 2, and numpy warns "
             f"({outcome}) at every step of training.",
             "The log exists only where x > 0: np.log(np.where(x > 0, x, np.nan)) gives the "
             "constant 2, whose gradient nobody uses, a quiet nan.")


def _described(value) -> str:
    """'np.sin', 'a str', 'None': what the checks were given, for a message."""
    if isinstance(value, np.ufunc) or getattr(value, "__module__", "") == "numpy":
        return f"np.{getattr(value, '__name__', value)}"
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _along(G, fun, inputs, kwargs, i: int):
    """x_i -> sum(G * fun(inputs, with x_i as input i)): its gradient is the VJP of input i."""
    def along_G(x_i):
        args = list(inputs)
        args[i] = x_i
        return np.sum(G * fun(*args, **kwargs))
    return along_G


def _vjp_hint(fun, formula: str, where: str):
    """A hint for call(): the formula, or how to undo a sum for a broadcast error in sum/mean."""
    def hint(error: BaseException) -> str:
        if fun in (np.sum, np.mean) and "broadcast" in str(error):
            return (f"Here {where}: put the summed axis back first, np.expand_dims(g, axis) "
                    "(unless keepdims), then copy it to x's shape (spread does both).")
        return f"Expected {formula}, here {where}."
    return hint


def _compare(fun, i, ours, expected, inputs, kwargs, ans, G, where) -> None:
    what = _what(fun, i)
    formula = _SPEC[fun][1][i]
    x_i = inputs[i]
    if ours is None:
        fail(f"{what} returned None {where}.", "Did the inner lambda forget to return "
             "something? It should be `lambda g: <the gradient>`.")
    shape = np.shape(ours) if isinstance(ours, (np.ndarray, float, int, np.number)) else None
    broadcast = np.shape(x_i) != np.shape(ans) and fun in (np.add, np.subtract, np.multiply,
                                                           np.divide, np.power)
    if broadcast and shape is not None and shape != np.shape(x_i) and np.size(ours) > np.size(x_i):
        name = _SPEC[fun][0][i].split()[-1]
        other = "xy"[1 - i]
        to_other = shape == np.shape(inputs[1 - i]) != np.shape(ans)
        fail(f"{what} returned shape {shape} {where}; expected {np.shape(x_i)}, the shape of "
             f"{name}.", (f"That is the shape of {other}: unbroadcast sums g back to the shape of "
                          f"its second argument, so the VJP for {name} ends with "
                          f"unbroadcast(..., {name})." if to_other else
                          f"{name} was broadcast: numpy used each of its entries several times, "
                          "so its gradient is the sum of those shares. Wrap the VJP in "
                          f"unbroadcast(..., {name}), with {name} as its second argument: once, in "
                          "the table, never by summing bias gradients by hand in the training "
                          "code."))
    try:
        expect_array(ours, expected, "it", rtol=1e-5, atol=1e-6,
                     mistakes=_mistakes(fun, i, ans, inputs, G))
    except CheckFailed as error:
        problem, _, hint = str(error).removeprefix("✗ ").partition("\n")
        hints = [line.strip() for line in hint.split("\n") if line.strip()]
        fail(f"{what} is wrong for {_shapes(inputs, kwargs)}: {problem}",
             "\n".join(hints + [f"Expected {formula}. (Hint 2 below the exercise shows the "
                                 "shape of the line.)"]))


# --- a VJP missing from the table, seen from the walk or from grad ----------------------

_WALK_USES = ("tanh", "exp", "multiply", "add", "sum")          # the operations of _shared_graph
_GRAD_USES = ("tanh", "multiply", "power", "divide", "add", "sum")   # those of check_grad's f


def _missing_vjp(error: BaseException, uses) -> str | None:
    """The operation whose VJP is missing from the table, if that is what ``error`` says.

    A walk that indexes VJPS[node.fun] raises KeyError(<the numpy function>); a walk that
    checks first raises its own error, which names the operation (as the notebook asks).
    'add' is given in the notebook, and the walk's stub hint mentions it, so it is not
    matched by name. A KeyError for anything but a function (a node missing from the
    gradients, whose description may well name its operation) is not a missing VJP.
    """
    if isinstance(error, KeyError) and error.args:
        key = error.args[0]
        return getattr(key, "__name__", str(key)) if callable(key) else None
    text = str(error)
    if isinstance(error, (NotImplementedError, LookupError)) or type(error) is Exception or (
            "vjp" in text.lower()):
        for op in uses:
            if op != "add" and re.search(rf"\b{op}\b", text):
                return op
    return None


def _fail_missing_vjp(what: str, op: str, uses, error: BaseException) -> None:
    fail(f"{what} stopped at {op}, which has no VJP in the table yet ({type(error).__name__}: "
         f"{error}).", f"This check uses {', '.join(uses)}: run the cells that fill the table "
         "(the given VJPs, then exercises 1 and 2) before this one.")


# --- the backward walk ---------------------------------------------------------------

class _CountedParents(tuple):
    """A node's parents that count how often the walk looks at them."""
    visits: Counter

    def __new__(cls, parents, visits, node_key):
        self = super().__new__(cls, parents)
        self.visits, self.key = visits, node_key
        return self

    def __iter__(self):
        self.visits[self.key] += 1
        return super().__iter__()

    def __getitem__(self, index):
        self.visits[self.key] += 1
        return super().__getitem__(index)


def _shared_graph(Node):
    """x feeds tanh and a late multiply; a = tanh(x) feeds exp, a * a and an add, which passes
    one array on to two parents (where adding in place bites); e = exp(a) also feeds, by a
    short cut, a multiply near the output (so breadth-first from the output reaches e early)."""
    def op(fun, *parents):
        return _make(Node, fun(*[p.value for p in parents]), fun, parents)
    x = _make(Node, np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]]))
    a = op(np.tanh, x)
    e = op(np.exp, a)
    m = op(np.multiply, a, a)
    s = op(np.add, e, a)
    u = op(np.add, s, m)
    t = op(np.multiply, u, e)     # a short cut from e to the output
    out = op(np.sum, op(np.multiply, t, x))
    return x, out


ORDER = ("reversed(topological_order(output)), or count each node's uses down as notebook "
         "11's backward_counting did")


def _walk_hint(what: str):
    """A hint for call() on backward; a VJP missing from the table is not the walk's fault."""
    def hint(error: BaseException) -> str | None:
        op = _missing_vjp(error, _WALK_USES)
        if op is not None:
            _fail_missing_vjp(f"backward{what}", op, _WALK_USES, error)
        if isinstance(error, RecursionError):
            return (f"It hit Python's recursion limit{what}: a recursive walk needs one nested "
                    f"call per node on the way down. Loop instead: {ORDER}.")
        if isinstance(error, KeyError) and error.args == (None,):
            return ("A leaf has no function (its fun is None), so it has no VJPs: skip the "
                    "leaves in the walk, they have nothing to pass on.")
        if isinstance(error, KeyError):
            return ("The walk reached a node before any gradient did: every node must come after "
                    f"all the nodes computed from it. Walk {ORDER}.")
        return None
    return hint


def _call_backward(backward, output, what: str = ""):
    """backward(output), on a graph that ``what`` describes (", on a chain of ...,")."""
    grads = call(backward, output, name="backward" + (f",{what}," if what else ""),
                 signature="backward(output)", hint=_walk_hint(what))
    if not isinstance(grads, dict):
        fail(f"backward{what} returned {_described(grads)}; expected a dict {{node: gradient}}.",
             "Keep the gradients in a dict keyed by node, and return it.")
    return grads


def _gradient(grads: dict, node, what: str):
    """grads[node], or a sentence when the walk gave that node none."""
    if node not in grads:
        fail(f"backward's result{what} has no gradient for the input x.",
             "Every node of the graph, the leaves included, should get its gradient: did the "
             "walk stop early, or skip the parents of some node?")
    return grads[node]


def _chain(Node, fun, length: int, start):
    """A graph of `length` nodes fun(fun(...(start))), and its output."""
    node = start = _make(Node, start)
    for _ in range(length):
        node = _make(Node, fun(node.value), fun, (node,))
    return start, node


@answers_in_a_sentence
def check_backward(backward, Node) -> None:
    """backward(output) -> {node: gradient}: each node once, after every node computed from it
    (in reverse topological order, or counting dependencies), shares added up, no recursion,
    and a loud error for an operation without a VJP."""
    _expect_node_class(Node)
    x, output = _shared_graph(Node)
    grads = _call_backward(backward, output)
    gradient = _gradient(grads, x, "")
    for node in _nodes(output):
        if node in grads and np.shape(grads[node]) != node.shape:
            fail(f"the gradient of the {node.op} node has shape {np.shape(grads[node])}; "
                 f"expected {node.shape}, the node's own shape.")
    right = _walk(output)[id(x)]
    wrong = {mode: _walk(output, mode)[id(x)] for mode in ("overwrite", "inplace", "recursive",
                                                           "visited", "breadth", "distinct",
                                                           "forward")}
    expect_array(gradient, right, "the gradient of x through shared nodes", mistakes=[
        (wrong["overwrite"], "A node used more than once must add up the shares of all its "
         "children: grads[parent] = grads[parent] + share, not grads[parent] = share."),
        (wrong["inplace"], "A gradient changed after it was stored: `grads[p] += share` adds "
         "in place, into an array that is also another node's gradient (add passes g on "
         "unchanged to both its inputs). Write grads[p] = grads[p] + share."),
        (wrong["recursive"], "A node was passed on before all its children had sent their "
         "shares, then passed on again: a recursive walk counts shared nodes twice. Visit each "
         f"node once, when it is complete: {ORDER}."),
        (wrong["visited"], "A node was passed on before all its children had sent their "
         "shares, and never again: a recursive walk that skips nodes already visited misses the "
         f"later shares. Visit each node once, when it is complete: {ORDER}."),
        (wrong["distinct"], "a * a has the same parent twice, and that parent gets a share for "
         "each: zip(node.parents, VJPS[node.fun]), without removing repeated parents."),
        (wrong["breadth"], "A node was passed on before all its children had sent their "
         f"shares: breadth-first is not a topological order. Walk {ORDER}."),
        (wrong["forward"], "Nothing reached x. Either the walk went forwards, so each node "
         f"passed its gradient on before it had received it (walk {ORDER}), or it started from "
         "a gradient of zero (start from grads = {output: np.ones_like(output.value)})."),
    ], shape_hint="Every gradient has the shape of its node.")

    # each node once: count how often the walk looks at each node's parents
    h = start = _make(Node, np.array([0.3, -0.2]))
    nodes = [h]
    for _ in range(12):                      # residual blocks: 2**12 paths to the start
        t = _make(Node, np.tanh(h.value), np.tanh, (h,))
        h = _make(Node, h.value + t.value, np.add, (h, t))
        nodes += [t, h]
    visits = Counter()
    for node in nodes:
        node.parents = _CountedParents(node.parents, visits, id(node))
    what = " on a graph of 12 residual blocks"
    grads = _call_backward(backward, h, what)
    most = max(visits.values())
    if most > 50:                            # a walk looks a few times; every path: 4,096 times
        fail(f"backward looked at the same node {most:,} times on a graph of {len(nodes)} nodes "
             "(12 residual blocks, h = h + tanh(h)).", "Following every path separately is "
             "correct but exponential: each block doubles the paths. Visit each node once, when "
             f"it is complete: {ORDER}.")
    expect_array(_gradient(grads, start, what), _walk(h)[id(start)],
                 "the gradient through 12 residual blocks")

    # no recursion: a chain deeper than Python's recursion limit
    depth = max(3000, sys.getrecursionlimit() + 500)
    start, chain = _chain(Node, np.tanh, depth, np.array([0.5, -0.5]))
    what = f" on a chain of {depth:,} operations"
    grads = _call_backward(backward, chain, what)
    expect_array(_gradient(grads, start, what), _walk(chain)[id(start)],
                 f"the gradient through a chain of {depth:,} tanh")

    # loud failure for an operation the table does not know
    _, total = _chain(Node, np.sin, 1, np.array([0.5, 1.0]))
    total = _make(Node, np.sum(total.value), np.sum, (total,))
    outcome = call(backward, total, name="backward", signature="backward(output)",
                   may_raise=Exception)   # any error will do, as long as it is loud and names sin
    if not isinstance(outcome, Exception):
        fail("backward returned a result for np.sin, which has no VJP in the table: it "
             "silently dropped a path from the gradient.",
             "Unknown operations must fail loudly (the original workshop's worst bug was "
             "dropping them): raise an error that names node.op when node.fun is not in VJPS.")
    expect_true("sin" in str(outcome), "backward stopped on np.sin, which has no VJP, but its "
                f"error does not name it: {type(outcome).__name__}: {outcome!s}",
                "For example: raise NotImplementedError(f\"no VJP for {node.op}: add a "
                "defvjp line to the table\")")
    passed("backward visits each node once, after every node computed from it, adds up the "
           f"shares of shared nodes, survives a chain of {depth:,} operations, and stops loudly on "
           "an operation without a VJP.")


# --- grad ------------------------------------------------------------------------------

def _grad_hint(what: str):
    """A hint for call() on grad; a VJP missing from the table is not grad's fault."""
    def hint(error: BaseException) -> str:
        op = _missing_vjp(error, _GRAD_USES)
        if op is not None:
            _fail_missing_vjp(what, op, _GRAD_USES, error)
        if isinstance(error, TypeError) and "does not support item assignment" in str(error):
            return ("args is a tuple, which cannot be changed: make a list first, "
                    "args = list(args), then put the Node in args[argnum].")
        return f"The check called {what}."
    return hint


def _gradient_function(grad, fun, argnum: int, what: str):
    """grad(fun, argnum): the attendee's function that computes the gradient."""
    return call(grad, fun, argnum, name="grad", signature="grad(fun, argnum)",
                hint=_grad_hint(what), returns=FUNCTION.named(
                    "a function", "grad returns the function gradient(*args), without calling it."))


def _expect_wnp(wnp) -> None:
    """wnp must be the notebook's namespace of wrapped numpy functions (the check's f uses it)."""
    missing = [name for name in ("sum", "tanh") if not callable(getattr(wnp, name, None))]
    if missing:
        fail(f"check_grad was given {_described(wnp)} as wnp, which has no function "
             f"{missing[0]}; expected the namespace of wrapped numpy functions.",
             "Pass it as the notebook does: check_grad(grad, wnp).")


@answers_in_a_sentence
def check_grad(grad, wnp) -> None:
    """grad(fun, argnum)(*args) returns d fun / d args[argnum] as an array, like autograd."""
    import autograd.numpy as anp
    from autograd import grad as autograd_grad

    _expect_wnp(wnp)

    def ours(x, y):
        return wnp.sum(wnp.tanh(x) * y + x ** 2 / y)

    def theirs(x, y):
        return anp.sum(anp.tanh(x) * y + x ** 2 / y)

    rng = np.random.default_rng(SEED)
    X, Y = rng.normal(size=(3, 4)), rng.uniform(0.5, 2.0, size=4)
    for argnum, arg in ((0, "x"), (1, "y")):
        what = f"grad(f, argnum={argnum})(x, y), for f(x, y) = sum(tanh(x) * y + x**2 / y)"
        gradient = _gradient_function(grad, ours, argnum, what)
        result = call(gradient, X, Y, name="grad", signature="grad(fun, argnum)(*args)",
                      hint=_grad_hint(what))
        if isinstance(result, dict):
            fail(f"{what}, returned a dict; expected the gradient of {arg} only.",
                 "Return grads[x], the entry for the Node made from the argument.")
        if result is not None and not isinstance(result, (np.ndarray, float, np.number)):
            node = hasattr(result, "parents") and hasattr(result, "value")
            fail(f"{what}, returned {_described(result)}; expected a numpy array.",
                 "Return the gradient array, grads[x]" + (", not a Node." if node else "."))
        expected = autograd_grad(theirs, argnum)(X, Y)
        other = autograd_grad(theirs, 1 - argnum)(X, Y)
        expect_array(result, expected, f"{what},", mistakes=[
            (other, "That is the gradient for the other argument: differentiate with respect "
                    "to args[argnum].")])
        again = call(gradient, X, Y, name="grad", signature="grad(fun, argnum)(*args)",
                     hint=_grad_hint(f"{what}, a second time"))
        expect_array(again, expected, f"{what}, called a second time,", mistakes=[
            (2 * expected, "The second call added to the first one's gradients: keep them in "
                           "a dict made for each call, not in the nodes.")])
        X2, Y2 = 0.5 - X, Y + 0.25                  # a call at other values
        elsewhere = call(gradient, X2, Y2, name="grad", signature="grad(fun, argnum)(*args)",
                         hint=_grad_hint(f"{what}, at other values"))
        expect_array(elsewhere, autograd_grad(theirs, argnum)(X2, Y2),
                     f"{what}, called at other values of x and y,", mistakes=[
            (expected, "That is the gradient at the first call's values: make the leaf Node "
                       "from args[argnum] on every call, not once.")])

    unused = "grad(f, argnum=0)(x, y), for f(x, y) = sum(tanh(y)) that does not use x"
    gradient = _gradient_function(grad, lambda x, y: wnp.sum(wnp.tanh(y)), 0, unused)
    zeros = call(gradient, X, Y, name="grad", signature="grad(fun, argnum)(*args)",
                 hint=f"The check called {unused}. x is then not in the graph: return "
                      "np.zeros_like(x.value) when grads has no entry for it.")
    expect_array(zeros, np.zeros_like(X), "grad of a function that does not use x", mistakes=[],
                 shape_hint="The gradient has the shape of x: zeros when x is not used.")
    passed("grad matches autograd for each argument, twice in a row and at other values, and "
           "gives zeros for an unused argument.")
