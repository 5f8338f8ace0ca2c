"""The solution of notebook 12, a numpy wrapper that records a graph, for the tests of the
checks of notebooks 12 and 14 (as in solutions/12-numpy-wrapper-exercises.ipynb).

Each call makes a fresh Node class, so that a wrong operator one test installs cannot leak
into another:

    Node, wnp = node_and_wnp()                  # the whole solution
    Node = make_node_class(); wrap = make_wrap(Node); wnp = make_wnp(wrap)
    install_operators(Node, wnp, __rsub__=...)  # the operators, with some replaced
"""
import itertools
from types import SimpleNamespace

import numpy as np

from demystify.computational_graph import topological_order  # noqa: F401  (notebook 12 imports it too)

FUNCTIONS = (np.add, np.subtract, np.multiply, np.divide, np.power, np.negative, np.matmul,
             np.transpose, np.tanh, np.exp, np.log, np.sum, np.mean)


def make_node_class():
    class Node:
        __array_ufunc__ = None
        numbers = itertools.count()

        def __init__(self, value, fun=None, parents=(), kwargs=None):
            self.value = np.asarray(value, dtype=float)
            self.fun = fun
            self.parents = tuple(parents)
            self.kwargs = dict(kwargs or {})
            self.number = next(Node.numbers)

        @property
        def op(self):
            return self.fun.__name__ if self.fun is not None else "leaf"

        @property
        def shape(self):
            return self.value.shape

        def __array__(self, dtype=None, copy=None):
            raise TypeError("numpy cannot see inside a Node: use a wnp function")

    return Node


def make_wrap(Node):
    def as_node(x):
        return x if isinstance(x, Node) else Node(x)

    def wrap(numpy_function):
        def recorded(*inputs, **kwargs):
            parents = [as_node(x) for x in inputs]
            value = numpy_function(*[parent.value for parent in parents], **kwargs)
            return Node(value, numpy_function, parents, kwargs)
        return recorded

    return wrap


def make_wnp(wrap):
    return SimpleNamespace(**{f.__name__: wrap(f) for f in FUNCTIONS})


def install_operators(Node, wnp, **replace):
    """Node's operators as the notebook writes them; replace=None removes one."""
    operators = {
        "__add__": lambda self, other: wnp.add(self, other),
        "__radd__": lambda self, other: wnp.add(other, self),
        "__sub__": lambda self, other: wnp.subtract(self, other),
        "__rsub__": lambda self, other: wnp.subtract(other, self),
        "__mul__": lambda self, other: wnp.multiply(self, other),
        "__rmul__": lambda self, other: wnp.multiply(other, self),
        "__truediv__": lambda self, other: wnp.divide(self, other),
        "__rtruediv__": lambda self, other: wnp.divide(other, self),
        "__pow__": lambda self, other: wnp.power(self, other),
        "__rpow__": lambda self, other: wnp.power(other, self),
        "__matmul__": lambda self, other: wnp.matmul(self, other),
        "__rmatmul__": lambda self, other: wnp.matmul(other, self),
        "__neg__": lambda self: wnp.negative(self),
        "T": property(lambda self: wnp.transpose(self)),
    }
    operators.update(replace)
    for name, method in operators.items():
        if method is not None:
            setattr(Node, name, method)


def solution() -> SimpleNamespace:
    """Node (with its operators), wrap and wnp, fresh."""
    Node = make_node_class()
    wrap = make_wrap(Node)
    wnp = make_wnp(wrap)
    install_operators(Node, wnp)
    return SimpleNamespace(Node=Node, wrap=wrap, wnp=wnp)


def node_and_wnp():
    made = solution()
    return made.Node, made.wnp


def breadth_first(output):
    """The nodes breadth-first from the output: a typical wrong order (not topological)."""
    order, queue = [output], [output]
    while queue:
        for parent in queue.pop(0).parents:
            if parent not in order:
                order.append(parent)
                queue.append(parent)
    return order
