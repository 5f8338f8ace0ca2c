"""The VJP table: how each operation passes a gradient back to its inputs.

For an operation ``ans = f(x, y)`` and the gradient ``g`` of the loss with respect to
``ans`` (same shape as ``ans``), the vector-Jacobian product (VJP) for ``x`` is the
gradient of the loss with respect to ``x`` (same shape as ``x``): ``g`` times the
Jacobian of ``ans`` with respect to ``x``, computed without ever building that
Jacobian.  For ``multiply`` it is ``g * y``; for ``tanh``, ``g * (1 - ans**2)``.

Each line below gives, for one operation, one VJP per argument, in the style of
HIPS autograd's ``numpy_vjps.py``::

    defvjp(f, lambda ans, x, y: lambda g: <gradient for x>,
              lambda ans, x, y: lambda g: <gradient for y>)

The outer function is called during the forward pass with the result and the inputs
(plain numpy values), and returns the VJP itself, a function of ``g`` that the
backward walk calls once.  Everything here is plain numpy.

Broadcasting is undone in one place.  When numpy stretches ``b`` of shape (25,) over
the 64 rows of ``X @ W``, each entry of ``b`` is used 64 times, so its gradient is the
sum of those 64 shares: :func:`unbroadcast` sums ``g`` back to the shape of the input.

To teach scratchgrad a new operation, add a ``primitive`` and its ``defvjp`` line
here (and its name in ``scratchgrad/numpy.py``).
"""
import operator

import numpy as np

from scratchgrad.graph import defvjp, no_vjp, nondifferentiable, primitive

# --- the operations scratchgrad records: numpy's own functions, wrapped ---------------
add, subtract, multiply, divide, negative, power = map(
    primitive, (np.add, np.subtract, np.multiply, np.divide, np.negative, np.power))
exp, log, tanh, sin, cos, sqrt, absolute, square = map(
    primitive, (np.exp, np.log, np.tanh, np.sin, np.cos, np.sqrt, np.absolute, np.square))
maximum, minimum, matmul, dot = map(primitive, (np.maximum, np.minimum, np.matmul, np.dot))
sum, mean, transpose, reshape = map(primitive, (np.sum, np.mean, np.transpose, np.reshape))
getitem = primitive(operator.getitem)   # x[index]


# --- helpers: broadcasting, reductions, matrix products --------------------------------

def unbroadcast(g, x):
    """Sum g (the shape of a broadcast result) back to the shape of the input x.

    numpy adds axes in front and stretches axes of length 1, so we sum over both.
    g: the shape of the result, e.g. (64, 25)   x: (25,)   returns (25,) = g.sum(axis=0)
    """
    if g.shape == x.shape:
        return g
    while g.ndim > x.ndim:
        g = g.sum(axis=0)                          # an axis numpy added in front
    for axis, length in enumerate(x.shape):
        if length == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)    # an axis numpy stretched from length 1
    return g


def power_rule(x, y):
    """y * x**(y - 1), the derivative of x**y for x; 0 where y is 0, even at x = 0."""
    if isinstance(y, (int, float)):              # a number: usually 2, and x ** 2 -> 2 x
        if y == 2:
            return 2 * x
        return y * x ** (y - 1) if y != 0 else np.zeros_like(x)
    return y * x ** np.where(y, y - 1, 1.0)


def spread(g, x, axis, keepdims):
    """Copy g, the gradient of a sum over ``axis``, back along that axis: the shape of x."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)          # put back the summed axes, with length 1
    return np.full(x.shape, g)


def matmul_vjp_x(g, x, y):
    """The gradient of x @ y for x: g @ yᵀ (vectors count as a row / a column)."""
    if x.ndim == 2 and y.ndim == 2:
        return g @ y.T
    g, x2, y = as_matrices(g, x, y)
    return unbroadcast(g @ y.mT, x2).reshape(x.shape)


def matmul_vjp_y(g, x, y):
    """The gradient of x @ y for y: xᵀ @ g (vectors count as a row / a column)."""
    if x.ndim == 2 and y.ndim == 2:
        return x.T @ g
    g, x, y2 = as_matrices(g, x, y)
    return unbroadcast(x.mT @ g, y2).reshape(y.shape)


def as_matrices(g, x, y):
    """x @ y with a vector x made a one-row matrix and a vector y a one-column matrix."""
    if y.ndim == 1:
        y, g = y[:, None], g[..., None]
    if x.ndim == 1:
        x, g = x[None, :], g[..., None, :]
    return g, x, y


def dot_vjp(matmul_vjp):
    """dot is matmul for vectors and matrices; other shapes have no VJP here."""
    def make_vjp(ans, x, y):
        if not (1 <= np.ndim(x) <= 2 and 1 <= np.ndim(y) <= 2):
            raise no_vjp("numpy.dot of a number or of arrays with more than 2 axes "
                         "(use multiply or matmul)")
        return lambda g: matmul_vjp(g, np.asarray(x), np.asarray(y))
    return make_vjp


def untake(g, index, x):
    """The gradient of x[index]: g put back where it was taken from, zeros elsewhere."""
    out = np.zeros_like(x)
    np.add.at(out, index, g)                 # adds twice for an index taken twice
    return out


# --- the table -------------------------------------------------------------------------
defvjp(add,       lambda ans, x, y: lambda g: unbroadcast(g, x),
                  lambda ans, x, y: lambda g: unbroadcast(g, y))
defvjp(subtract,  lambda ans, x, y: lambda g: unbroadcast(g, x),
                  lambda ans, x, y: lambda g: unbroadcast(-g, y))
defvjp(multiply,  lambda ans, x, y: lambda g: unbroadcast(g * y, x),
                  lambda ans, x, y: lambda g: unbroadcast(g * x, y))
defvjp(divide,    lambda ans, x, y: lambda g: unbroadcast(g / y, x),
                  lambda ans, x, y: lambda g: unbroadcast(-g * x / y**2, y))
defvjp(negative,  lambda ans, x: lambda g: -g)
defvjp(power,     lambda ans, x, y: lambda g: unbroadcast(g * power_rule(x, y), x),
                  lambda ans, x, y: lambda g: unbroadcast(g * ans * np.log(np.where(x, x, 1.0)), y))
defvjp(exp,       lambda ans, x: lambda g: g * ans)
defvjp(log,       lambda ans, x: lambda g: g / x)
defvjp(tanh,      lambda ans, x: lambda g: g * (1 - ans**2))
defvjp(sin,       lambda ans, x: lambda g: g * np.cos(x))
defvjp(cos,       lambda ans, x: lambda g: -g * np.sin(x))
defvjp(sqrt,      lambda ans, x: lambda g: g * 0.5 / ans)
defvjp(absolute,  lambda ans, x: lambda g: g * np.sign(x))
defvjp(square,    lambda ans, x: lambda g: g * 2 * x)
defvjp(maximum,   lambda ans, x, y: lambda g: unbroadcast(g * (x == ans) / (1.0 + (x == y)), x),
                  lambda ans, x, y: lambda g: unbroadcast(g * (y == ans) / (1.0 + (x == y)), y))
defvjp(minimum,   lambda ans, x, y: lambda g: unbroadcast(g * (x == ans) / (1.0 + (x == y)), x),
                  lambda ans, x, y: lambda g: unbroadcast(g * (y == ans) / (1.0 + (x == y)), y))
defvjp(matmul,    lambda ans, x, y: lambda g: matmul_vjp_x(g, x, y),
                  lambda ans, x, y: lambda g: matmul_vjp_y(g, x, y))
defvjp(dot,       dot_vjp(matmul_vjp_x), dot_vjp(matmul_vjp_y))
defvjp(sum,       lambda ans, x, axis=None, keepdims=False: lambda g: spread(g, x, axis, keepdims))
defvjp(mean,      lambda ans, x, axis=None, keepdims=False:
                  lambda g: spread(g * ans.size / x.size, x, axis, keepdims))
defvjp(transpose, lambda ans, x, axes=None:
                  lambda g: np.transpose(g, None if axes is None else np.argsort(axes)))
defvjp(reshape,   lambda ans, x, shape, order="C": lambda g: np.reshape(g, x.shape, order=order))
defvjp(getitem,   lambda ans, x, index: lambda g: untake(g, index, x))

# Results that carry no gradient (indices, booleans, shapes, values that are flat almost
# everywhere): these numpy functions take a traced value's plain numbers and return
# plain numpy results, which the graph treats as constants.
nondifferentiable(
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.sign, np.floor, np.ceil, np.round, np.isfinite, np.isnan, np.isinf,
    np.argmax, np.argmin, np.argsort, np.shape, np.ndim, np.size,
    np.allclose, np.isclose, np.array_equal, np.zeros_like, np.ones_like)
