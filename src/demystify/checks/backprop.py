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

from demystify.checks.core import (FUNCTION, CheckFailed, call, expect_array, expect_true, fail,
                                   passed)
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
    'distinct' (each distinct parent once: a * a gives a only one share).
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
            yield parent, make(node.value, *values, **node.kwargs)(grads[id(node)])

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
        order = nodes[::-1]
    for node in order:
        if node.fun is not None and id(node) in grads:
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


def check_vjps(vjps, *funs) -> None:
    """Each VJP of each of funs against central finite differences, on shapes that broadcast.

    vjps: the notebook's table {numpy function: (vjp maker per input)}
    funs: the numpy functions to check, e.g. np.subtract, np.divide
    """
    rng = np.random.default_rng(SEED)
    for fun in funs:
        names, formulas = _SPEC[fun]
        inputs_text = ", ".join("xy"[:len(names)])
        add_line = (f"defvjp(np.{fun.__name__}, " + ", ".join(
            f"lambda ans, {inputs_text}: lambda g: ..." for _ in names) + ")")
        if fun not in vjps:
            fail(f"the VJP table has no entry for np.{fun.__name__} yet.", f"Add: {add_line}")
        makers = tuple(vjps[fun])
        if len(makers) != len(names):
            fail(f"np.{fun.__name__} has {len(names)} input(s), so it needs {len(names)} VJP "
                 f"maker(s), one per input, in order; the table has {len(makers)}.",
                 f"Write: {add_line}")
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
                ours = call(vjp, G, name=what, signature="lambda g: ...", hint=hint)

                expected = numerical_gradient(_along(G, fun, inputs, kwargs, i), inputs[i])
                _compare(fun, i, ours, expected, inputs, kwargs, ans, G, where)
    names = ", ".join(fun.__name__ for fun in funs)
    passed(f"the VJPs of {names} match finite differences for every input, "
           "on shapes that broadcast.")


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
        fail(f"{what} returned shape {shape} {where}; expected {np.shape(x_i)}, the shape of "
             f"{name}.", f"{name} was broadcast: numpy used each of its entries several times, "
             "so its gradient is the sum of those shares. Wrap the VJP in "
             f"unbroadcast(..., {name}): once, in the table, never by summing bias gradients "
             "by hand in the training code.")
    try:
        expect_array(ours, expected, "it", rtol=1e-5, atol=1e-6,
                     mistakes=_mistakes(fun, i, ans, inputs, G))
    except CheckFailed as error:
        problem, _, hint = str(error).removeprefix("✗ ").partition("\n")
        hints = [line.strip() for line in hint.split("\n") if line.strip()]
        fail(f"{what} is wrong for {_shapes(inputs, kwargs)}: {problem}",
             "\n".join(hints + [f"Expected {formula}."]))


# --- a VJP missing from the table, seen from the walk or from grad ----------------------

_WALK_USES = ("tanh", "exp", "multiply", "add", "sum")          # the operations of _shared_graph
_GRAD_USES = ("tanh", "multiply", "power", "divide", "add", "sum")   # those of check_grad's f


def _missing_vjp(error: BaseException, uses) -> str | None:
    """The operation whose VJP is missing from the table, if that is what ``error`` says.

    A walk that indexes VJPS[node.fun] raises KeyError(<the numpy function>); a walk that
    checks first raises its own error, which names the operation (as the notebook asks).
    'add' is given in the notebook, and the walk's stub hint mentions it, so it is not
    matched by name.
    """
    if isinstance(error, KeyError) and error.args and callable(error.args[0]):
        return getattr(error.args[0], "__name__", str(error.args[0]))
    text = str(error)
    if isinstance(error, (NotImplementedError, LookupError)) or type(error) is Exception or (
            "vjp" in text.lower()):
        for op in uses:
            if op != "add" and re.search(rf"\b{op}\b", text):
                return op
    return None


def _fail_missing_vjp(what: str, op: str, uses, error: BaseException) -> None:
    fail(f"{what} stopped at {op}, which has no VJP in the table yet ({type(error).__name__}: "
         f"{error}).", f"This check uses {', '.join(uses)}: complete the table in exercises 1 "
         "and 2, and run those cells, before this one.")


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
    X = np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]])
    x = Node(X)
    a = Node(np.tanh(X), np.tanh, (x,))
    e = Node(np.exp(a.value), np.exp, (a,))
    m = Node(a.value * a.value, np.multiply, (a, a))
    s = Node(e.value + a.value, np.add, (e, a))
    u = Node(s.value + m.value, np.add, (s, m))
    t = Node(u.value * e.value, np.multiply, (u, e))     # a short cut from e to the output
    w = Node(t.value * X, np.multiply, (t, x))
    out = Node(np.sum(w.value), np.sum, (w,))
    return x, out


def _walk_hint(what: str):
    """A hint for call() on backward; a VJP missing from the table is not the walk's fault."""
    def hint(error: BaseException) -> str | None:
        op = _missing_vjp(error, _WALK_USES)
        if op is not None:
            _fail_missing_vjp(f"backward{what}", op, _WALK_USES, error)
        if isinstance(error, RecursionError):
            return (f"It hit Python's recursion limit{what}: a recursive walk needs one nested "
                    "call per node on the way down. Walk reversed(topological_order(output)) "
                    "with a loop instead.")
        if isinstance(error, KeyError):
            return ("The walk reached a node before any gradient did: walk the nodes in "
                    "reversed(topological_order(output)), so that every node comes after all the "
                    "nodes computed from it.")
        return None
    return hint


def _call_backward(backward, output, what: str = ""):
    """backward(output), on a graph that ``what`` describes (", on a chain of ...,")."""
    return call(backward, output, name="backward" + (f",{what}," if what else ""),
                signature="backward(output)", hint=_walk_hint(what))


def check_backward(backward, Node) -> None:
    """backward(output) -> {node: gradient}: each node once, in reverse topological order,
    shares added up, no recursion, and a loud error for an operation without a VJP."""
    x, output = _shared_graph(Node)
    grads = _call_backward(backward, output)
    if not isinstance(grads, dict):
        fail(f"backward returned a {type(grads).__name__}; expected a dict {{node: gradient}}.",
             "Keep the gradients in a dict keyed by node, and return it.")
    if x not in grads:
        fail("backward's result has no gradient for the input x.",
             "Every node of the graph, the leaves included, should get its gradient: did the "
             "walk stop early, or skip the parents of some node?")
    for node in _nodes(output):
        if node in grads and np.shape(grads[node]) != node.shape:
            fail(f"the gradient of the {node.op} node has shape {np.shape(grads[node])}; "
                 f"expected {node.shape}, the node's own shape.")
    right = _walk(output)[id(x)]
    wrong = {mode: _walk(output, mode)[id(x)] for mode in ("overwrite", "inplace", "recursive",
                                                           "visited", "breadth", "distinct")}
    expect_array(grads[x], right, "the gradient of x through shared nodes", mistakes=[
        (wrong["overwrite"], "A node used more than once must add up the shares of all its "
         "children: grads[parent] = grads[parent] + share, not grads[parent] = share."),
        (wrong["inplace"], "A gradient changed after it was stored: `grads[p] += share` adds "
         "in place, into an array that is also another node's gradient (add passes g on "
         "unchanged to both its inputs). Write grads[p] = grads[p] + share."),
        (wrong["recursive"], "A node was passed on before all its children had sent their "
         "shares, then passed on again: a recursive walk counts shared nodes twice. Visit each "
         "node once, in reversed(topological_order(output))."),
        (wrong["visited"], "A node was passed on before all its children had sent their "
         "shares, and never again: a recursive walk that skips nodes already visited misses the "
         "later shares. Visit each node once, when it is complete: in "
         "reversed(topological_order(output))."),
        (wrong["distinct"], "a * a has the same parent twice, and that parent gets a share for "
         "each: zip(node.parents, VJPS[node.fun]), without removing repeated parents."),
        (wrong["breadth"], "A node was passed on before all its children had sent their "
         "shares: breadth-first is not a topological order. Walk "
         "reversed(topological_order(output))."),
    ], shape_hint="Every gradient has the shape of its node.")

    # each node once: count how often the walk looks at each node's parents
    h = start = Node(np.array([0.3, -0.2]))
    nodes = [h]
    for _ in range(12):                      # residual blocks: 2**12 paths to the start
        t = Node(np.tanh(h.value), np.tanh, (h,))
        h = Node(h.value + t.value, np.add, (h, t))
        nodes += [t, h]
    visits = Counter()
    for node in nodes:
        node.parents = _CountedParents(node.parents, visits, id(node))
    grads = _call_backward(backward, h, " on a graph of 12 residual blocks")
    most = max(visits.values())
    if most > 10:
        fail(f"backward looked at the same node {most:,} times on a graph of {len(nodes)} nodes "
             "(12 residual blocks, h = h + tanh(h)).", "Following every path separately is "
             "correct but exponential: each block doubles the paths. Visit each node once, in "
             "reversed(topological_order(output)).")
    expect_array(grads.get(start) if isinstance(grads, dict) else None, _walk(h)[id(start)],
                 "the gradient through 12 residual blocks")

    # no recursion: a chain deeper than Python's recursion limit
    depth = max(3000, sys.getrecursionlimit() + 500)
    chain = start = Node(np.array([0.5, -0.5]))
    for _ in range(depth):
        chain = Node(np.tanh(chain.value), np.tanh, (chain,))
    grads = _call_backward(backward, chain, f" on a chain of {depth:,} operations")
    expect_array(grads[start], _walk(chain)[id(start)],
                 f"the gradient through a chain of {depth:,} tanh")

    # loud failure for an operation the table does not know
    leaf = Node(np.array([0.5, 1.0]))
    sine = Node(np.sin(leaf.value), np.sin, (leaf,))
    total = Node(np.sum(sine.value), np.sum, (sine,))
    outcome = call(backward, total, name="backward", signature="backward(output)",
                   may_raise=Exception)   # any error will do, as long as it is loud and names sin
    if not isinstance(outcome, Exception):
        fail("backward returned a result for np.sin, which has no VJP in the table: it "
             "silently dropped a path from the gradient.",
             "Unknown operations must fail loudly (the original workshop's worst bug was "
             "dropping them): raise an error that names node.op when node.fun is not in VJPS.")
    expect_true("sin" in str(outcome), f"backward raised {type(outcome).__name__}: {outcome!s} "
                "for np.sin, which has no VJP; the message should name the function.",
                "For example: raise NotImplementedError(f\"no VJP for {node.op}: add a "
                "defvjp line to the table\")")
    passed("backward visits each node once, in reverse topological order, adds up the shares "
           f"of shared nodes, survives a chain of {depth:,} operations, and stops loudly on an "
           "operation without a VJP.")


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


def check_grad(grad, wnp) -> None:
    """grad(fun, argnum)(*args) returns d fun / d args[argnum] as an array, like autograd."""
    import autograd.numpy as anp
    from autograd import grad as autograd_grad

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
            fail(f"{what}, returned a {type(result).__name__}; expected a numpy array.",
                 "Return the gradient array (grads[x]), not a Node.")
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

    unused = "grad(f, argnum=0)(x, y), for f(x, y) = sum(tanh(y)) that does not use x"
    gradient = _gradient_function(grad, lambda x, y: wnp.sum(wnp.tanh(y)), 0, unused)
    zeros = call(gradient, X, Y, name="grad", signature="grad(fun, argnum)(*args)",
                 hint=f"The check called {unused}. x is then not in the graph: return "
                      "np.zeros_like(x.value) when grads has no entry for it.")
    expect_array(zeros, np.zeros_like(X), "grad of a function that does not use x", mistakes=[],
                 shape_hint="The gradient has the shape of x: zeros when x is not used.")
    passed("grad matches autograd for each argument, twice in a row, and gives zeros for an "
           "unused argument.")
