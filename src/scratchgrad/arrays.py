"""How a traced value passes for a numpy array, and how it refuses to leave the graph.

numpy hands a :class:`~scratchgrad.core.Node` given to one of its own functions to
``Node.__array_function__`` (``numpy.sum(node)``) or ``Node.__array_ufunc__``
(``numpy.tanh(node)``, ``plain_array @ node``): a function with a VJP records a node as
if it had been called from ``scratchgrad.numpy``; one without raises an error that names
it.  A few functions whose results carry no gradient (comparisons, ``argmax``,
``shape``) take the plain numbers of a traced value instead.  Every other way out of
the graph (``numpy.asarray(node)``, ``float(node)``, ``x[0] = ...``) is closed with a
message that says what to write instead.
"""
from __future__ import annotations

import numpy as np

from scratchgrad.core import PRIMITIVES, Node
from scratchgrad.errors import TABLE, NotDifferentiable, in_place, name_of, no_vjp

NONDIFFERENTIABLE = set()  # numpy functions whose results carry no gradient (argmax, ==, ...)


def nondifferentiable(*funs):
    """Let numpy functions whose result has no gradient (argmax, ==) take nodes' plain values."""
    NONDIFFERENTIABLE.update(funs)


def plain_value(x):
    """The plain numpy value of x: its value if x is a node, x itself otherwise."""
    return x.value if isinstance(x, Node) else x


# --- what numpy asks of an array -------------------------------------------------------

Node.shape = property(lambda self: np.shape(self.value))
Node.ndim = property(lambda self: np.ndim(self.value))
Node.size = property(lambda self: np.size(self.value))
Node.dtype = property(lambda self: np.result_type(self.value))
Node.__len__ = lambda self: len(self.value)
Node.__iter__ = lambda self: (self[i] for i in range(len(self)))   # each row recorded
Node.__format__ = lambda self, spec: format(self.value, spec)      # f"{loss:.3f}"
Node.__bool__ = lambda self: bool(self.value)                      # `if loss < 0.1:`
Node.__hash__ = object.__hash__        # nodes are dictionary keys; == compares values


def node_repr(self):
    what = self.op or ("input " + self.name if self.name else "input")
    value = np.asarray(self.value)
    return f"Node: {what}, shape {value.shape}\n{value if value.ndim else value[()]}"


Node.__repr__ = node_repr


# --- numpy's own functions called on a node ----------------------------------------------

def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``numpy.tanh(node)``, ``plain_array + node``: use the recorded version, or fail."""
    if "out" in kwargs:
        raise in_place(f"numpy.{ufunc.__name__}")
    if method == "__call__" and ufunc in PRIMITIVES:
        return PRIMITIVES[ufunc](*inputs, **kwargs)
    if method == "__call__" and ufunc in NONDIFFERENTIABLE:
        return ufunc(*map(plain_value, inputs), **kwargs)
    raise no_vjp(name_of(ufunc) + ("" if method == "__call__" else f".{method}"))


def array_function(self, func, types, args, kwargs):
    """``numpy.sum(node)``, ``numpy.cumsum(node)``: use the recorded version, or fail."""
    if func in PRIMITIVES:
        return PRIMITIVES[func](*args, **kwargs)
    if func in NONDIFFERENTIABLE:
        return func(*map(plain_value, args), **{k: plain_value(v) for k, v in kwargs.items()})
    raise no_vjp(name_of(func))


Node.__array_ufunc__ = array_ufunc
Node.__array_function__ = array_function


# --- ways out of the graph, closed with a message -----------------------------------------

def refuse_array(self, dtype=None, copy=None):
    raise NotDifferentiable(
        "scratchgrad cannot turn a traced value into a plain numpy array (numpy.array, "
        "numpy.asarray, or storing it in an array): its gradient would be lost.\n"
        "Use operations from scratchgrad.numpy on it; if you only want its numbers, "
        "without gradient, use x.value.")


def refuse_number(self):
    raise NotDifferentiable(
        "scratchgrad cannot turn a traced value into a Python number: its gradient would "
        "be lost.\nKeep it as it is; if you only want its number, without gradient, use "
        "x.value.")


def refuse_assignment(self, index, new):
    raise NotDifferentiable(
        "scratchgrad cannot assign into a traced array (x[...] = ...): the graph records "
        "operations that make new arrays, never changes to an old one.\n"
        "Compute a new array instead, for example with a mask: x = x * keep + new * (1 - keep).")


def missing_attribute(name):
    """A property for a name Node does not have (an ndarray method, a numpy function):
    reading it says what to write instead."""
    if hasattr(np.ndarray, name):
        message = (f"scratchgrad cannot differentiate ndarray.{name}: it has no VJP in {TABLE}.\n"
                   f"Use an operation from scratchgrad.numpy, or add a line for {name} to the "
                   f"VJP table (x.value is the plain array, outside the graph).")
    else:
        message = (f"a traced value has no method .{name}() (numpy arrays have none either): "
                   f"write np.{name}(x), with `import scratchgrad.numpy as np`.")

    def refuse(self):
        raise AttributeError(message)
    return property(refuse)


Node.__array__ = refuse_array
Node.__float__ = Node.__int__ = Node.__complex__ = Node.__index__ = refuse_number
Node.__setitem__ = refuse_assignment

# The names one might try on a traced value, each refused with a message.  (Not with a
# __getattr__ on Node: Python 3.11 would then read every attribute of every node the slow
# way, node.value included, which costs scratchgrad about 3% of its time.)  numpy.py gives
# Node the methods that have a VJP (sum, mean, max, min, clip, dot, reshape, transpose).
for _name in sorted({*dir(np.ndarray), *(n for n in dir(np) if callable(getattr(np, n)))}):
    if not _name.startswith("_") and not hasattr(Node, _name):
        setattr(Node, _name, missing_attribute(_name))
del _name
