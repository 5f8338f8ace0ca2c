"""``import scratchgrad.numpy as np``: numpy, with the operations of the VJP table recorded.

The functions of the table (``add``, ``multiply``, ``tanh``, ``matmul``, ``sum``,
``max``, ``where``, ``concatenate``, ... see ``scratchgrad/vjps.py``) record a node when
called on a traced value and are plain numpy otherwise.  Every other name is numpy's own
(``np.array``, ``np.zeros``, ``np.random``, ``np.newaxis``, ``np.float64``, ``np.argmax``,
``np.allclose``, ...): use them freely on plain arrays.

Called on a traced value, a numpy function that is not in the table raises an error
that names it, whether it was reached through this module or through plain numpy
(``numpy.cumsum(x)``; see ``scratchgrad/arrays.py``).  A few functions whose results
carry no gradient (``argmax``, ``allclose``, comparisons, ``shape``) take the plain
numbers of a traced value and return plain numpy results.

This module also gives traced values their operators: ``x + y`` is ``add(x, y)``,
``x @ W`` is ``matmul(x, W)``, ``x.T`` is ``transpose(x)``, ``x.max(axis=1)`` is
``max(x, axis=1)``, and so on.
"""
import operator

import numpy as _numpy

from scratchgrad.arrays import plain_value
from scratchgrad.core import Node, primitive
from scratchgrad.vjps import concatenate, stack

(add, subtract, multiply, divide, negative, power, exp, log, tanh, sin, cos, sqrt, absolute,
 square, maximum, minimum, logaddexp, where, clip, matmul, dot, sum, mean, max, min,
 transpose, reshape, expand_dims) = map(primitive, (
    _numpy.add, _numpy.subtract, _numpy.multiply, _numpy.divide, _numpy.negative,
    _numpy.power, _numpy.exp, _numpy.log, _numpy.tanh, _numpy.sin, _numpy.cos, _numpy.sqrt,
    _numpy.absolute, _numpy.square, _numpy.maximum, _numpy.minimum, _numpy.logaddexp,
    _numpy.where, _numpy.clip, _numpy.matmul, _numpy.dot, _numpy.sum, _numpy.mean,
    _numpy.max, _numpy.min, _numpy.transpose, _numpy.reshape, _numpy.expand_dims))
abs, true_divide, amax, amin = absolute, divide, max, min
getitem = primitive(operator.getitem)

__all__ = ["abs", "absolute", "add", "amax", "amin", "clip", "concatenate", "cos", "divide",
           "dot", "exp", "expand_dims", "log", "logaddexp", "matmul", "max", "maximum", "mean",
           "min", "minimum", "multiply", "negative", "power", "reshape", "sin", "sqrt",
           "square", "stack", "subtract", "sum", "tanh", "transpose", "true_divide", "where"]


def __getattr__(name):
    """Every other name is plain numpy's."""
    try:
        return getattr(_numpy, name)
    except AttributeError:
        raise AttributeError(f"scratchgrad.numpy has no attribute {name!r} "
                             f"(and neither has numpy)") from None


def __dir__():
    return sorted(set(dir(_numpy)) | set(__all__))


# --- operators and methods of traced values -------------------------------------------
Node.__add__ = add
Node.__radd__ = lambda self, other: add(other, self)
Node.__sub__ = subtract
Node.__rsub__ = lambda self, other: subtract(other, self)
Node.__mul__ = multiply
Node.__rmul__ = lambda self, other: multiply(other, self)
Node.__truediv__ = divide
Node.__rtruediv__ = lambda self, other: divide(other, self)
Node.__pow__ = power
Node.__rpow__ = lambda self, other: power(other, self)
Node.__matmul__ = matmul
Node.__rmatmul__ = lambda self, other: matmul(other, self)
Node.__neg__ = negative
Node.__pos__ = lambda self: self
Node.__abs__ = absolute
Node.__getitem__ = getitem
Node.T = property(transpose)
Node.dot = dot
Node.sum = lambda self, *args, **kwargs: sum(self, *args, **kwargs)
Node.mean = lambda self, *args, **kwargs: mean(self, *args, **kwargs)
Node.max = lambda self, *args, **kwargs: max(self, *args, **kwargs)
Node.min = lambda self, *args, **kwargs: min(self, *args, **kwargs)
Node.clip = lambda self, *args, **kwargs: clip(self, *args, **kwargs)
Node.transpose = lambda self, *axes: transpose(self, one_or_many(axes))
Node.reshape = lambda self, *shape, **kwargs: reshape(self, one_or_many(shape), **kwargs)


def one_or_many(sizes):
    """x.reshape(2, 3) and x.reshape((2, 3)) both mean (2, 3); x.transpose() means None."""
    if len(sizes) == 1 and (sizes[0] is None or isinstance(sizes[0], (tuple, list))):
        return sizes[0]
    return sizes or None


# Comparisons and argmax give plain numpy results: they have no gradient.
Node.__eq__ = lambda self, other: self.value == plain_value(other)
Node.__ne__ = lambda self, other: self.value != plain_value(other)
Node.__lt__ = lambda self, other: self.value < plain_value(other)
Node.__le__ = lambda self, other: self.value <= plain_value(other)
Node.__gt__ = lambda self, other: self.value > plain_value(other)
Node.__ge__ = lambda self, other: self.value >= plain_value(other)
Node.argmax = lambda self, axis=None: _numpy.argmax(self.value, axis=axis)
Node.argmin = lambda self, axis=None: _numpy.argmin(self.value, axis=axis)
