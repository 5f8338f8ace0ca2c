"""The core of scratchgrad: record, order, walk back.  Notebook 14's engine, grown up.

Three ideas, in the order they happen when you call ``grad(loss)(params, X, Y)``:

1. **Record.**  Each array we differentiate with respect to becomes a *leaf*
   :class:`Node`.  A *primitive* (a numpy function with a line in the VJP table)
   called with nodes among its arguments computes its result with plain numpy and
   returns a new node that remembers the function, its arguments and which of them
   were nodes: its *parents*.
2. **Order.**  A node is made after its parents, so the list of nodes in the order
   they were made, the *tape*, is a topological order for free: read backwards, every
   node comes before the nodes it was computed from.
3. **Walk back.**  :func:`backward` starts from the output with gradient 1 and, along
   the reversed tape, hands each node's gradient to its parents through their
   vector-Jacobian products (VJPs), adding up the shares of a parent used twice.

What you wrote in notebook 14, and its counterpart here:

=============================================  =============================================
notebook 14                                    scratchgrad
=============================================  =============================================
``Node(value, fun, parents, kwargs)``          :class:`Node`: ``value``, ``fun``, ``args``
                                               (the plain values of *all* of fun's
                                               arguments), ``kwargs``, and ``parents``: only
                                               the traced arguments, as ``(position, node)``
                                               (constants are never wrapped in nodes)
``wrap(numpy_function)``, ``wnp``              :func:`primitive`; ``scratchgrad.numpy``
``VJPS``, ``defvjp(np.tanh, maker, ...)``      :data:`VJPS`, :func:`defvjp`: the same; the
                                               table is ``scratchgrad/vjps.py``
``unbroadcast``, ``spread``                    ``scratchgrad.vjps.unbroadcast``, ``spread``
``topological_order(output)``                  the tape (:func:`record`); for a graph made
                                               by hand, :func:`topological_order`
``backward(output)``                           :func:`backward`: the same loop
``grad(fun, argnum)``                          :func:`grad`, :func:`value_and_grad`: the same,
                                               and arguments may be lists, tuples, dicts
=============================================  =============================================

The rest is kept apart: how a node passes for a numpy array (``scratchgrad/arrays.py``),
its operators (``scratchgrad/numpy.py``), arguments that are containers and the names of
leaves (``scratchgrad/trees.py``), and what scratchgrad says when it refuses
(``scratchgrad/errors.py``).  The VJPs compute with plain numpy, so scratchgrad computes
first derivatives (all that training needs), not derivatives of derivatives.
"""
from __future__ import annotations

import threading
import warnings
from functools import wraps

import numpy as np

from scratchgrad import errors
from scratchgrad.trees import argument_names, flatten, hand_back

VJPS = {}        # numpy function -> its VJP makers, one per argument (defvjp fills it)
PRIMITIVES = {}  # numpy function -> its recorded version (primitive fills it)


class Node:
    """A value in the graph: a numpy array (or number) and how it was computed.

    value    the plain numpy result (``.shape``, ``.ndim``, ``.size``, ``.dtype`` are its own)
    fun      the numpy function that made it, or None for a leaf; ``op`` is its name
    args     the plain values of all of fun's positional arguments; ``kwargs`` the others
    parents  ((i, node), ...): the arguments that were nodes, each with its position i
    name     a leaf's name, for printing and drawing ('W1', 'params[0]'), or None

    ``Node(array, name="x")`` makes a leaf by hand (a number or list becomes a float
    array).  Nodes behave like numpy arrays for the operations in the VJP table,
    operators included, and mix freely with numbers and plain arrays; they are never
    changed in place (``x += 1`` makes a new node; ``x[0] = 1`` raises an error).
    """
    __slots__ = ("value", "fun", "args", "kwargs", "parents", "name")

    def __init__(self, value, fun=None, args=(), kwargs=None, parents=(), name=None):
        if fun is None and type(value) is not np.ndarray and not isinstance(value, np.generic):
            value = as_array(value)           # Node(2.0) by hand: the VJPs need .shape
        self.value = value
        self.fun = fun
        self.args = args
        self.kwargs = kwargs
        self.parents = parents
        self.name = name

    @property
    def op(self):
        return self.fun.__name__ if self.fun is not None else None


def as_array(x):
    """x (a number, a list) as a numpy array or number; integers become floats."""
    value = np.asarray(x)
    if value.dtype.kind in "biu":
        value = value.astype(float)
    return value if value.ndim else value[()]


# --- 1. record ------------------------------------------------------------------------

class Tape(threading.local):
    """``TAPE.nodes``: the list that primitives write new nodes on while grad runs a function
    (None otherwise).  Each thread has its own, so two threads never share a tape."""
    nodes = None


TAPE = Tape()


def primitive(fun):
    """The recorded version of the numpy function ``fun`` (notebook 14's ``wrap``).

    Called with nodes among its positional arguments, it computes ``fun`` on their plain
    values and returns a :class:`Node` whose parents are those nodes, and writes it on
    the tape if grad is recording.  Called on plain values only, it is just ``fun``.
    ``numpy.tanh(node)`` uses it too (see ``scratchgrad/arrays.py``).
    """
    fun = plain(fun)
    if fun in PRIMITIVES:
        return PRIMITIVES[fun]

    def recorded(*args, **kwargs):
        if kwargs or len(args) > rules[0]:               # a keyword its VJP does not take?
            errors.refuse_call(fun, args, kwargs, rules, lambda x: type(x) is Node)
        values, parents = list(args), []
        for i, x in enumerate(args):
            if type(x) is Node:
                values[i] = x.value
                parents.append((i, x))
            elif type(x) is list:
                values[i] = np.asarray(x)     # x ** [2.0, 3.0]: the VJPs need its shape
        ans = fun(*values, **kwargs)
        if not parents:
            return ans                        # nothing traced: plain numpy
        node = Node(ans, fun, values, kwargs, parents)
        tape = TAPE.nodes
        if tape is not None:
            tape.append(node)
        return node

    rules = [float("inf"), None, []]      # set by defvjp: see errors.call_rules
    recorded.__name__ = recorded.__qualname__ = fun.__name__
    recorded.__doc__ = f"{errors.name_of(fun)}, recorded when given traced values."
    recorded.rules = rules
    recorded.__wrapped__ = fun
    PRIMITIVES[fun] = recorded
    return recorded


def plain(fun):
    """The function itself, or the one behind its recorded version: autograd's way of writing
    ``f = primitive(f)`` (or ``@primitive``) and then ``defvjp(f, ...)`` works here too."""
    wrapped = getattr(fun, "__wrapped__", None)
    return wrapped if wrapped is not None and PRIMITIVES.get(wrapped) is fun else fun


def defvjp(fun, *vjp_makers):
    """Give ``fun`` its VJPs, one maker per argument, and return its recorded version.

    ``maker(ans, *args, **kwargs)`` gets the result and the plain arguments of one call
    and returns ``vjp(g)``: the gradient for that argument, from the gradient g of ans.
    None for an argument that has no gradient (a condition, an index)::

        defvjp(np.multiply, lambda ans, x, y: lambda g: unbroadcast(g * y, x),
                            lambda ans, x, y: lambda g: unbroadcast(g * x, y))
    """
    recorded = primitive(fun)
    fun = plain(fun)
    VJPS[fun] = vjp_makers
    recorded.rules[:] = errors.call_rules(fun, vjp_makers)
    return recorded


def record(fun, args, kwargs):
    """Run ``fun(*args, **kwargs)`` writing every node it makes on a new tape: (result, tape).

    The tape lists the nodes oldest first, so ``reversed(tape)`` is a reverse topological
    order.  A recording started inside fun (by another gradient) has its own tape.
    """
    outer, TAPE.nodes = TAPE.nodes, []
    try:
        return fun(*args, **kwargs), TAPE.nodes
    finally:
        TAPE.nodes = outer


# --- 2. order, for a graph made by hand -------------------------------------------------

def topological_order(end):
    """``end`` and every node it was computed from, each once, parents first: a list.

    For a graph made without a tape.  A depth-first search lists a node once all its
    parents are listed; a stack of (node, parents not yet looked at) replaces recursion,
    so that a long chain is no problem.
    """
    order, seen = [], {end}
    stack = [(end, iter(end.parents))]
    while stack:
        node, parents = stack[-1]
        for _, parent in parents:
            if parent not in seen:              # list this parent first
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:                                   # every parent is listed: list the node
            stack.pop()
            order.append(node)
    return order


# --- 3. walk back -----------------------------------------------------------------------

def backward(end, g_end=None, order=None):
    """The gradient of ``end`` with respect to each node it was computed from: {node: array}.

    ``g_end`` is the gradient of the output with respect to itself (ones if not given).
    ``order`` lists the operations newest first: ``reversed(tape)`` for a recorded call
    (operations that do not lead to end are skipped), or, if not given, those of
    ``topological_order(end)`` reversed.  When the walk reaches a node its gradient is
    complete: it is handed to the parents and forgotten, so what is left are the leaves'.
    """
    if order is None:
        order = [node for node in reversed(topological_order(end)) if node.fun is not None]
    if g_end is None:
        g_end = np.ones(end.value.shape) if end.value.ndim else np.float64(1.0)
    elif np.shape(g_end) != end.value.shape or not isinstance(g_end, (np.ndarray, np.generic)):
        g_end = np.full(end.value.shape, g_end, dtype=float)     # a number, spread to end's shape
    grads = {end: g_end}
    try:
        for node in order:
            g = grads.pop(node, None)
            if g is None:
                continue                        # (a recorded node that does not lead to end)
            makers, ans, args, kwargs = VJPS[node.fun], node.value, node.args, node.kwargs
            for i, parent in node.parents:
                share = makers[i](ans, *args, **kwargs)(g)
                earlier = grads.get(parent)
                grads[parent] = share if earlier is None else earlier + share
    except (KeyError, IndexError, TypeError):   # the table has no VJP for this node?
        missing = errors.missing_vjp(node.fun, VJPS.get(node.fun), [i for i, _ in node.parents])
        if missing is not None:
            raise missing from None
        raise
    return grads


# --- grad and value_and_grad, with autograd's calling conventions --------------------------

def value_and_grad(fun, argnum=0):
    """A function that returns ``(fun(*args), gradient of fun with respect to args[argnum])``.

    ``fun`` must return a single number (the loss).  ``argnum`` is a position or a tuple
    of positions (then the gradients come as a tuple).  An argument can be a number, an
    array, or a list, tuple or dict of them (the course's ``params``); its gradient has
    the same structure and shapes.
    """
    return gradient_function(fun, argnum, with_value=True)


def grad(fun, argnum=0):
    """A function that returns the gradient of ``fun`` with respect to ``args[argnum]``.

    Same conventions as :func:`value_and_grad` (and as ``autograd.grad``)::

        dloss = grad(loss)                    # loss(params, X, Y) -> a number
        dW1, db1, ... = dloss(params, X, Y)   # params a list: its gradient is a list
    """
    return gradient_function(fun, argnum, with_value=False)


def gradient_function(fun, argnum, with_value):
    """grad (with_value False) or value_and_grad (True) of fun."""
    positions = (argnum,) if isinstance(argnum, int) else tuple(argnum)
    if len(set(positions)) < len(positions):
        raise errors.repeated_argnum(argnum)
    names = argument_names(fun)
    named = [(i, names[i] if 0 <= i < len(names) else f"argument {i}") for i in positions]
    last = max(positions)

    @wraps(fun)
    def gradient(*args, **kwargs):
        if len(args) <= last:
            raise errors.missing_argument(argnum, fun, len(args))
        args, made = list(args), []
        for i, name in named:                   # each array of args[i] becomes a leaf
            args[i], leaves, rebuild = make_leaves(args[i], name)
            made.append((leaves, rebuild))
        inside_a_grad = TAPE.nodes is not None
        end, tape = record(fun, args, kwargs)
        grads, given = gradients(end, tape, fun), set()
        found = [rebuild(hand_back(grads, leaves, given)) for leaves, rebuild in made]
        if grads:                               # gradients for values that are not our leaves
            raise errors.NotDifferentiable(errors.NESTED if inside_a_grad else errors.OFF_THE_TAPE)
        found = found[0] if isinstance(argnum, int) else tuple(found)
        if not with_value:
            return found
        return (end.value if isinstance(end, Node) else end), found

    return gradient


def gradients(end, tape, fun):
    """Walk back from the output ``end`` of ``fun`` along its tape: {node: gradient}."""
    if not isinstance(end, Node):
        problem = errors.not_a_loss(fun, end)   # None, a tuple, an array: say what it was
        if problem is not None:
            raise problem
        warnings.warn(errors.does_not_depend(fun), stacklevel=4)
        return {}
    if end.value.size != 1:
        raise errors.not_a_loss(fun, end.value)
    return backward(end, None, reversed(tape))             # d end / d end = 1


def make_leaves(tree, name):
    """(tree with each of its arrays and numbers a leaf node, the list of leaves, rebuild).

    Leaves are named after where they are: 'W1', 'params[0]', "params['b1']";
    ``rebuild(gradients)`` puts a list of gradients in the same structure.
    """
    items, item_names, rebuild = flatten(tree, name)
    leaves = [Node(x, None, (), None, (), n) if type(x) is np.ndarray and x.dtype.kind == "f"
              else make_leaf(x, n) for x, n in zip(items, item_names, strict=True)]
    return rebuild(leaves), leaves, rebuild


def make_leaf(x, name=None):
    """A leaf node holding x, a float array or number (an int becomes a float)."""
    if isinstance(x, Node):
        raise errors.NotDifferentiable(errors.FIRST_ORDER)
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.number, np.ndarray)):
        raise errors.not_differentiable_argument(name, x)
    if np.asarray(x).dtype.kind not in "fiu":
        raise errors.not_differentiable_argument(name, np.asarray(x))
    value = np.asarray(x, dtype=np.result_type(x, float))
    if isinstance(x, np.ndarray):
        value = x if value.dtype == x.dtype else value.view(type(x))   # keeps a subclass
    return Node(value if value.ndim else value[()], None, (), None, (), name)
