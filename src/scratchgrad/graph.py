"""The graph and its walk: how scratchgrad differentiates a numpy function.

Three ideas, in the order they happen when you call ``grad(loss)(params, X, Y)``:

1. **Record.**  Each array we differentiate with respect to is wrapped in a
   :class:`Node`, a *leaf* of the graph.  An operation in the VJP table called on
   a node (``np.tanh(H)``, ``X @ W``, ``a + b``) computes its result with plain
   numpy and wraps it in a new node that remembers its *parents* (the nodes it was
   computed from) and, for each parent, its *vector-Jacobian product* (VJP): a
   function that turns the gradient of the result into the parent's share of it.
   :func:`primitive` makes a numpy function do this; the table of VJPs is in
   ``scratchgrad/vjps.py``.  Anything else called on a node raises an error: a
   node never silently drops out of the graph.

2. **Order.**  A node is always made after its parents, so the order in which
   the nodes are made, read backwards, is a *reverse topological order*: a node
   comes only after every node computed from it.  While grad runs your function,
   :func:`record` has each new node written on a *tape*, a list in the order the
   nodes are made, so that order costs nothing to find.  (A graph made by hand,
   outside grad, has no tape: :func:`reverse_topological` finds an order by a
   depth-first search from the output.)

3. **Walk back.**  :func:`backward` starts from the output with gradient 1 and, in
   that order, hands each node's gradient to its parents through their VJPs.  A
   node used twice receives two contributions and adds them (the multivariable
   chain rule).  It is a loop over a list, not recursion, so a chain of 10,000
   operations is no problem.  :func:`grad` and :func:`value_and_grad` wrap the three
   steps with the calling conventions of HIPS autograd.

The tape and the gradients are made for one call, never kept in the nodes, so a
gradient function gives the same answer every time it is called, and the whole
graph is freed as soon as the call returns.  The VJPs work on plain numpy arrays,
so scratchgrad computes first derivatives (all that training needs), not
derivatives of derivatives.
"""
from __future__ import annotations

import inspect
import threading
import warnings
from functools import wraps

import numpy as np

PRIMITIVES = {}          # numpy function -> its recorded version, filled by primitive()
NONDIFFERENTIABLE = set()  # numpy functions whose results carry no gradient (argmax, ==, ...)

TABLE = "scratchgrad/vjps.py"


class NotDifferentiable(TypeError):
    """An operation that scratchgrad cannot differentiate; the message says what to do instead."""


def no_vjp(name: str) -> NotDifferentiable:
    """The error for a numpy function (e.g. 'numpy.cumsum') that has no line in the VJP table."""
    short = name.removeprefix("numpy.")
    return NotDifferentiable(
        f"scratchgrad cannot differentiate {name}: it has no VJP in {TABLE}.\n"
        f"Use an operation from scratchgrad.numpy, or add a line for {short} to the VJP table.")


class Node:
    """A value in the graph: a numpy array (or number) and how it was computed.

    value    the plain numpy result (``.shape``, ``.ndim``, ``.size`` and ``.dtype`` are its own)
    op       the name of the operation that made it ('tanh', 'matmul', ...), or None for a leaf
    parents  ((parent, vjp), ...): the nodes it was computed from, each with the function
             that turns the gradient of this node into that parent's gradient
    name     a leaf's name, for printing and drawing ('W1', 'params[0]'), or None

    Nodes behave like numpy arrays for the operations in the VJP table, including the
    operators ``+ - * / ** @``, unary minus, ``x[i]``, ``.T``, ``.sum()``, ``.mean()``
    and ``.reshape()``, and they mix freely with numbers and plain arrays.  They are
    never changed in place: ``x += 1`` makes a new node and rebinds the name ``x`` to
    it (the graph keeps the old one), and ``x[0] = 1`` raises an error.
    """
    __slots__ = ("value", "op", "parents", "name")

    def __init__(self, value, op=None, parents=(), name=None):
        self.value = value
        self.op = op
        self.parents = parents
        self.name = name

    # --- what numpy asks of an array ------------------------------------------
    shape = property(lambda self: np.shape(self.value))
    ndim = property(lambda self: np.ndim(self.value))
    size = property(lambda self: np.size(self.value))
    dtype = property(lambda self: np.result_type(self.value))

    def __len__(self):
        return len(self.value)

    def __iter__(self):                   # for row in x: each row is x[i], recorded
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        what = self.op or ("input " + self.name if self.name else "input")
        value = np.asarray(self.value)
        return f"Node: {what}, shape {value.shape}\n{value if value.ndim else value[()]}"

    def __format__(self, spec):
        return format(self.value, spec)   # f"{loss:.3f}" shows the number

    def __bool__(self):
        return bool(self.value)           # `if loss < 0.1:` compares plain numbers

    __hash__ = object.__hash__            # nodes are dictionary keys; == compares values

    # --- numpy's own functions called on a node --------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """``numpy.tanh(node)``, ``plain_array + node``: use the recorded version, or fail."""
        if method == "__call__" and not kwargs and ufunc in PRIMITIVES:
            return PRIMITIVES[ufunc](*inputs)
        if method == "__call__" and "out" not in kwargs and ufunc in NONDIFFERENTIABLE:
            return ufunc(*map(plain_value, inputs), **kwargs)
        if "out" in kwargs:
            raise NotDifferentiable(
                f"scratchgrad cannot write a traced value into an existing array in place "
                f"(numpy.{ufunc.__name__} with out=...), as `a += x` on a plain array a does.\n"
                f"Make a new array instead: a = a + x.")
        name = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
        raise no_vjp(name)

    def __array_function__(self, func, types, args, kwargs):
        """``numpy.sum(node)``, ``numpy.cumsum(node)``: use the recorded version, or fail."""
        if func in PRIMITIVES:
            return PRIMITIVES[func](*args, **kwargs)
        if func in NONDIFFERENTIABLE:
            return func(*map(plain_value, args), **{k: plain_value(v) for k, v in kwargs.items()})
        raise no_vjp(f"{func.__module__.replace('numpy._core', 'numpy')}.{func.__name__}")

    # --- ways out of the graph, closed with a message ---------------------------
    def __array__(self, dtype=None, copy=None):
        raise NotDifferentiable(
            "scratchgrad cannot turn a traced value into a plain numpy array (numpy.array, "
            "numpy.asarray, or storing it in an array): its gradient would be lost.\n"
            "Use operations from scratchgrad.numpy on it; if you only want its numbers, "
            "without gradient, use x.value.")

    def __float__(self):
        raise NotDifferentiable(
            "scratchgrad cannot turn a traced value into a Python number: its gradient would "
            "be lost.\nKeep it as it is; if you only want its number, without gradient, use "
            "x.value.")

    __int__ = __complex__ = __index__ = __float__

    def __setitem__(self, index, new):
        raise NotDifferentiable(
            "scratchgrad cannot assign into a traced array (x[...] = ...): the graph records "
            "operations that make new arrays, never changes to an old one.\n"
            "Compute a new array instead, for example with a mask: x = x * keep + new * (1 - keep).")

    def __getattr__(self, name):
        # Only called for names Node does not have: say what to write instead.
        if name.startswith("__"):
            raise AttributeError(name)
        if hasattr(np.ndarray, name):
            raise AttributeError(
                f"scratchgrad cannot differentiate ndarray.{name}: it has no VJP in {TABLE}.\n"
                f"Use an operation from scratchgrad.numpy, or add a line for {name} to the "
                f"VJP table (x.value is the plain array, outside the graph).")
        if hasattr(np, name):
            raise AttributeError(
                f"a traced value has no method .{name}() (numpy arrays have none either): "
                f"write np.{name}(x), with `import scratchgrad.numpy as np`.")
        raise AttributeError(f"'Node' object has no attribute '{name}'")


def plain_value(x):
    """The plain numpy value of x: its value if x is a node, x itself otherwise."""
    return x.value if isinstance(x, Node) else x


def primitive(fun):
    """The version of the numpy function ``fun`` that records a node when given nodes.

    Called on plain values it is just ``fun``.  Called with nodes among its positional
    arguments, it computes ``ans = fun(*values)`` on their plain values and returns
    ``Node(ans)`` whose parents are those nodes, each with its VJP, and writes that node
    on the tape if grad is recording one.  The VJPs are set by
    ``defvjp`` in the table: ``fun.vjp_makers[i](ans, *values, **kwargs)`` returns the
    VJP for argument i, a function of the gradient ``g`` of ``ans``.
    """
    name = fun.__name__

    @wraps(fun)
    def recorded(*args, **kwargs):
        values = []                                 # the plain values of the arguments
        for arg in args:
            values.append(arg.value if isinstance(arg, Node) else
                          np.asarray(arg) if isinstance(arg, list) else arg)
        if kwargs and any(isinstance(v, Node) for v in kwargs.values()):
            raise NotDifferentiable(f"pass traced values to {name} as positional arguments")
        ans = fun(*values, **kwargs)
        parents = []                                # (node, its VJP) for each traced argument
        for i, arg in enumerate(args):
            if isinstance(arg, Node):
                parents.append((arg, recorded.vjp_makers[i](ans, *values, **kwargs)))
        if not parents:
            return ans                              # no traced argument: plain numpy
        node = Node(ans, name, parents)
        tape = RECORDING.tape
        if tape is not None:
            tape.append(node)                       # grad is recording: write it on the tape
        return node

    recorded.vjp_makers = ()
    PRIMITIVES[fun] = recorded
    return recorded


def defvjp(recorded, *vjp_makers):
    """Set the VJPs of a primitive, one per argument: ``maker(ans, *args)`` returns ``vjp(g)``."""
    recorded.vjp_makers = vjp_makers


def nondifferentiable(*funs):
    """Let numpy functions whose result has no gradient (argmax, ==) take nodes' plain values."""
    NONDIFFERENTIABLE.update(funs)


# --- the order -------------------------------------------------------------------

class Recording(threading.local):
    """Where ``primitive`` writes the nodes it makes: ``RECORDING.tape``, a list or None.

    Each thread has its own, so two threads never write on each other's tape.
    """
    tape = None


RECORDING = Recording()


def record(fun, args, kwargs):
    """Run ``fun(*args, **kwargs)`` writing every node it makes on a new tape: (result, tape).

    The tape lists the nodes oldest first.  A node is made after its parents, so
    ``reversed(tape)`` is a reverse topological order.  Recordings nest: one started
    inside ``fun`` (by another gradient function) has its own tape until it ends.
    """
    outer, RECORDING.tape = RECORDING.tape, []
    try:
        return fun(*args, **kwargs), RECORDING.tape
    finally:
        RECORDING.tape = outer


def reverse_topological(end):
    """``end`` and every node it was computed from, each once, newest first: a list.

    For a graph made without a tape.  A depth-first search from ``end`` lists a node
    once all of its parents are listed, so every node comes after its parents; read
    backwards, after every node computed from it.  A stack of (node, its parents not
    yet looked at) replaces recursion, so a long chain is no problem.
    """
    order, seen = [], {end}
    stack = [(end, iter(end.parents))]
    while stack:
        node, parents = stack[-1]
        for parent, _ in parents:
            if parent not in seen:              # visit this parent first
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:                                   # every parent is listed: list the node
            stack.pop()
            order.append(node)
    return order[::-1]


# --- the walk --------------------------------------------------------------------

def backward(end, g_end, order=None):
    """The gradient of ``end`` with respect to each leaf it was computed from: {leaf: array}.

    ``g_end`` is the gradient of the output with respect to itself (ones).  ``order``
    holds the operations (the nodes with parents) newest first: ``reversed(tape)`` for a
    recorded call (operations that do not lead to ``end`` are skipped), or, if not given,
    those of ``reverse_topological(end)``.  Each node's gradient is complete when the walk
    reaches it; it goes to the node's parents through their VJPs and is then forgotten.
    A parent reached twice adds up both shares.  What is left at the end are the leaves'.
    """
    if order is None:
        order = [node for node in reverse_topological(end) if node.parents]
    grads = {end: g_end}
    for node in order:
        g = grads.pop(node, None)           # complete now; the parents get their shares
        if g is None:
            continue                        # (a recorded node that does not lead to end)
        for parent, vjp in node.parents:
            share = vjp(g)
            grads[parent] = grads[parent] + share if parent in grads else share
    for node in grads:
        if node.parents:                    # a node the order missed: never pass it over
            raise NotDifferentiable(OFF_THE_TAPE)
    return grads


# --- grad and value_and_grad, with autograd's calling conventions ------------------

def value_and_grad(fun, argnum=0):
    """A function that returns ``(fun(*args), gradient of fun with respect to args[argnum])``.

    ``fun`` must return a single number (the loss).  ``argnum`` is a position or a tuple
    of positions (then the gradients come as a tuple).  An argument can be a number, an
    array, or a list, tuple or dict of them (the course's ``params``); its gradient has
    the same structure and shapes.
    """
    positions = (argnum,) if isinstance(argnum, int) else tuple(argnum)
    names = argument_names(fun)
    leaf_names = [names[i] if 0 <= i < len(names) else f"argument {i}" for i in positions]

    @wraps(fun)
    def value_and_gradient(*args, **kwargs):
        for x in args:
            if isinstance(x, Node):
                raise NotDifferentiable(FIRST_ORDER)
        if kwargs and any(isinstance(x, Node) for x in kwargs.values()):
            raise NotDifferentiable(FIRST_ORDER)
        args = list(args)
        try:
            for i, name in zip(positions, leaf_names):
                args[i] = make_leaves(args[i], name)
        except IndexError:
            raise TypeError(f"grad(..., argnum={argnum}): {fun.__name__} was called with "
                            f"{len(args)} positional argument(s).") from None
        end, tape = record(fun, args, kwargs)
        gradient = gradient_getter(gradients(end, fun, tape))
        if isinstance(argnum, int):
            return plain_value(end), map_leaves(gradient, args[argnum])
        return plain_value(end), tuple([map_leaves(gradient, args[i]) for i in positions])

    return value_and_gradient


def grad(fun, argnum=0):
    """A function that returns the gradient of ``fun`` with respect to ``args[argnum]``.

    Same conventions as :func:`value_and_grad` (and as ``autograd.grad``)::

        dloss = grad(loss)                    # loss(params, X, Y) -> a number
        dW1, db1, ... = dloss(params, X, Y)   # params a list: its gradient is a list
    """
    value_and_gradient = value_and_grad(fun, argnum)

    @wraps(fun)
    def gradient(*args, **kwargs):
        return value_and_gradient(*args, **kwargs)[1]

    return gradient


def gradients(end, fun, tape):
    """Walk back from the output ``end`` of ``fun`` along its tape: {leaf: gradient}."""
    if not isinstance(end, Node):
        warnings.warn(f"The output of {fun.__name__} does not depend on the arguments being "
                      f"differentiated (it is not a traced value), so their gradient is zero.",
                      stacklevel=3)
        return {}
    value = np.asarray(end.value)
    if value.size != 1:
        raise TypeError(
            f"grad needs a function that returns a single number (a loss), but "
            f"{fun.__name__} returned an array of shape {value.shape}.\n"
            f"Reduce it to one number, for example with np.mean or np.sum.")
    one = np.float64(1.0) if value.ndim == 0 else np.ones(value.shape)
    return backward(end, one, reversed(tape))  # d end / d end = 1


def make_leaves(tree, name):
    """A copy of ``tree`` (an array, number, or list/tuple/dict of them) with leaf nodes.

    Leaves are named after where they are: 'W1', 'params[0]', "params['b1']".
    """
    return map_leaves(make_leaf, tree, name)


def make_leaf(x, name):
    """A leaf node holding x, a float array or number (an int becomes a float)."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return Node(x, None, (), name)          # the usual case: an array of floats
    if isinstance(x, Node):
        raise NotDifferentiable(FIRST_ORDER)
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.number, np.ndarray)):
        raise TypeError(f"scratchgrad differentiates with respect to numbers, numpy arrays, "
                        f"and lists, tuples and dicts of them, but {name} is a {type(x).__name__}.")
    value = np.asarray(x)
    if value.dtype.kind not in "fiu":
        raise TypeError(f"scratchgrad differentiates real numbers, but {name} has dtype "
                        f"{value.dtype}.")
    if value.dtype.kind != "f":
        value = value.astype(float)             # the gradient of an int is a float
    if not isinstance(x, np.ndarray):
        value = value[()]                       # a number stays a number (a numpy float)
    return Node(value, name=name)


CONTAINERS = (list, tuple, dict)


def map_leaves(f, tree, path=None):
    """Call ``f(x, path)`` on each array or number x in tree, keeping its list/tuple/dict structure.

    ``path`` names x after the tree ('params[0]') if the tree's name is given, else is None.
    """
    if isinstance(tree, (list, tuple)):
        items = []
        for i, x in enumerate(tree):
            name = path and f"{path}[{i}]"
            items.append(map_leaves(f, x, name) if isinstance(x, CONTAINERS) else f(x, name))
        if type(tree) is list:
            return items
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    if isinstance(tree, dict):
        return {k: map_leaves(f, x, path and f"{path}[{k!r}]") for k, x in tree.items()}
    return f(tree, path)


def gradient_getter(grads):
    """``gradient(leaf, name)``: the gradient of one leaf in ``grads``, for the caller.

    It has the leaf's shape and dtype (zeros if the leaf was not used), and shares its
    memory with nothing else: the walk's own array if it made one for this leaf alone,
    else a copy (a VJP may hand the same array, or views of it, to two parents).
    """
    given = set()                                   # ids of the arrays handed out already

    def gradient(leaf, name):
        g = grads.get(leaf)
        value = leaf.value
        if g is None:
            return np.zeros_like(value)
        if not isinstance(value, np.ndarray):
            return value.dtype.type(g)              # a number stays a number
        if type(g) is np.ndarray and g.base is None and g.dtype == value.dtype \
                and id(g) not in given:
            given.add(id(g))
            return g                                # the walk's own array, given once
        return np.array(g, dtype=value.dtype)
    return gradient


def argument_names(fun):
    """The names of fun's positional parameters, for naming leaves ('params', 'X')."""
    try:
        parameters = inspect.signature(fun).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


OFF_THE_TAPE = (
    "scratchgrad met a traced value that was not made during this call of the function "
    "being differentiated (it was made before the call, by another call, or on another "
    "thread), so its gradient cannot be passed back.\n"
    "Compute every traced value inside the function, from its arguments.")

FIRST_ORDER = ("scratchgrad computes first derivatives only: grad was given a value that is "
               "already traced (grad of grad, or grad inside a function being differentiated).")
