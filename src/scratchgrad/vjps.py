"""The VJP table: how each operation passes a gradient back to its inputs.

For an operation ``ans = f(x, y)`` and the gradient ``g`` of the loss with respect to
``ans`` (same shape as ``ans``), the vector-Jacobian product (VJP) for ``x`` is the
gradient of the loss with respect to ``x`` (same shape as ``x``): ``g`` times the
Jacobian of ``ans`` with respect to ``x``, computed without ever building that
Jacobian.  For ``multiply`` it is ``g * y``; for ``tanh``, ``g * (1 - ans**2)``.

Each line below is the one you wrote in notebook 14: a numpy function and one VJP
*maker* per argument, in the style of HIPS autograd's ``numpy_vjps.py``::

    defvjp(np.multiply, lambda ans, x, y: lambda g: unbroadcast(g * y, x),
                        lambda ans, x, y: lambda g: unbroadcast(g * x, y))

The maker gets the result and the plain inputs (numpy values) of one call and returns
the VJP itself, a function of ``g``; the backward walk calls both.  Everything here is
plain numpy.  ``None`` marks an argument without a gradient (the condition of ``where``).

Broadcasting is undone in one place.  When numpy stretches ``b`` of shape (25,) over
the 64 rows of ``X @ W``, each entry of ``b`` is used 64 times, so its gradient is the
sum of those 64 shares: :func:`unbroadcast` sums ``g`` back to the shape of the input.

To teach scratchgrad a new operation, write its ``defvjp`` line (here, or in your own
code: ``from scratchgrad import defvjp``); :func:`vjp_makers` looks a line up.
"""
import operator
from functools import partial

import numpy as np

from scratchgrad.arrays import nondifferentiable
from scratchgrad.core import PRIMITIVES, VJPS, defvjp
from scratchgrad.errors import name_of, no_vjp, unsupported_keyword


def vjp_makers(fun):
    """The VJP makers of ``fun`` (a numpy function, e.g. ``np.tanh``) in scratchgrad's table.

    A tuple with one maker per argument, ``maker(ans, *inputs, **kwargs) -> (g -> gradient)``,
    as in notebook 14's table (None for an argument without a gradient).  The course's
    self-checks take their reference VJPs from here.
    """
    if fun not in VJPS:
        raise no_vjp(name_of(fun))
    return VJPS[fun]


# --- helpers: broadcasting, reductions, products ---------------------------------------

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


def spread(g, x, axis, keepdims):
    """Copy g, the gradient of a sum over ``axis``, back along that axis: the shape of x."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)          # put back the summed axes, with length 1
    return np.full(x.shape, g)


def share_among_ties(g, ans, x, axis, keepdims):
    """The gradient of a max or min over ``axis``: g goes to the entries equal to ans,
    shared evenly where several are (as autograd shares it)."""
    if axis is not None and not keepdims:
        g, ans = np.expand_dims(g, axis), np.expand_dims(ans, axis)
    chosen = x == ans
    return g * chosen / np.sum(chosen, axis=axis, keepdims=True)


def power_rule(x, y):
    """y * x**(y - 1), the derivative of x**y for x; 0 where y is 0, even at x = 0."""
    if isinstance(y, (int, float)):              # a number: usually 2, and x ** 2 -> 2 x
        if y == 2:
            return 2 * x
        return y * x ** (y - 1) if y != 0 else np.zeros_like(x)
    return y * x ** np.where(y, y - 1, 1.0)


def log_base(x):
    """log(x), for the exponent's gradient ans * log(x): 0 where x is 0 (x**y does not move
    there for y > 0), nan where x < 0 (x**y has no derivative in y there), no warnings."""
    return np.log(np.where(x > 0, x, np.where(x == 0, 1.0, np.nan)))


def untranspose(g, axes):
    """Undo ``np.transpose(x, axes)`` on g; negative axes count from the end."""
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort([axis % g.ndim for axis in axes]))


def unclipped(ans, a_min, a_max):
    """Where clip left x as it was: ans equals neither bound (None: no bound)."""
    return (ans != a_min) & (ans != a_max)


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
    out = np.zeros(np.shape(x))
    np.add.at(out, index, g)                 # adds twice for an index taken twice
    return out


def part_of(g, arrays, i, axis):
    """The part of g, the gradient of a concatenation along axis, that came from arrays[i]."""
    sizes = [np.size(a) if axis is None else np.shape(a)[axis] for a in arrays]
    start = sum(sizes[:i])
    part = np.take(g, range(start, start + sizes[i]), axis=0 if axis is None else axis)
    return part.reshape(np.shape(arrays[i]))


# --- functions of any number of arrays: concatenate and stack ------------------------------

class EachArgument:
    """The VJP makers of a function of any number of arrays: ``maker(i, ans, *args)`` for
    argument i (autograd's ``defvjp_argnum``)."""

    def __init__(self, maker):
        self.maker = maker

    def __getitem__(self, i):
        return partial(self.maker, i)


def defvjp_each(fun, maker):
    recorded = defvjp(fun)
    VJPS[fun] = EachArgument(maker)
    return recorded


def concatenate_args(axis, *arrays):
    """``np.concatenate(arrays, axis)``, each array an argument of its own, so that any can be traced."""
    return np.concatenate(arrays, axis)


def stack_args(axis, *arrays):
    """``np.stack(arrays, axis)``, each array an argument of its own."""
    return np.stack(arrays, axis)


def concatenate(arrays, axis=0, **options):
    """numpy.concatenate, recorded when any of the arrays is traced."""
    if options:
        raise unsupported_keyword("numpy.concatenate", f"the keyword {next(iter(options))}=",
                                  next(iter(options)), ["axis"])
    return PRIMITIVES[concatenate_args](axis, *arrays)


def stack(arrays, axis=0, **options):
    """numpy.stack, recorded when any of the arrays is traced."""
    if options:
        raise unsupported_keyword("numpy.stack", f"the keyword {next(iter(options))}=",
                                  next(iter(options)), ["axis"])
    return PRIMITIVES[stack_args](axis, *arrays)


# --- the table ---------------------------------------------------------------------------
defvjp(np.add,         lambda ans, x, y: lambda g: unbroadcast(g, x),
                       lambda ans, x, y: lambda g: unbroadcast(g, y))
defvjp(np.subtract,    lambda ans, x, y: lambda g: unbroadcast(g, x),
                       lambda ans, x, y: lambda g: unbroadcast(-g, y))
defvjp(np.multiply,    lambda ans, x, y: lambda g: unbroadcast(g * y, x),
                       lambda ans, x, y: lambda g: unbroadcast(g * x, y))
defvjp(np.divide,      lambda ans, x, y: lambda g: unbroadcast(g / y, x),
                       lambda ans, x, y: lambda g: unbroadcast(-g * x / y**2, y))
defvjp(np.negative,    lambda ans, x: lambda g: -g)
defvjp(np.power,       lambda ans, x, y: lambda g: unbroadcast(g * power_rule(x, y), x),
                       lambda ans, x, y: lambda g: unbroadcast(g * ans * log_base(x), y))
defvjp(np.exp,         lambda ans, x: lambda g: g * ans)
defvjp(np.log,         lambda ans, x: lambda g: g / x)
defvjp(np.tanh,        lambda ans, x: lambda g: g * (1 - ans**2))
defvjp(np.sin,         lambda ans, x: lambda g: g * np.cos(x))
defvjp(np.cos,         lambda ans, x: lambda g: -g * np.sin(x))
defvjp(np.sqrt,        lambda ans, x: lambda g: g * 0.5 / ans)
defvjp(np.absolute,    lambda ans, x: lambda g: g * np.sign(x))
defvjp(np.square,      lambda ans, x: lambda g: g * 2 * x)
defvjp(np.maximum,     lambda ans, x, y: lambda g: unbroadcast(g * (x == ans) / (1.0 + (x == y)), x),
                       lambda ans, x, y: lambda g: unbroadcast(g * (y == ans) / (1.0 + (x == y)), y))
defvjp(np.minimum,     lambda ans, x, y: lambda g: unbroadcast(g * (x == ans) / (1.0 + (x == y)), x),
                       lambda ans, x, y: lambda g: unbroadcast(g * (y == ans) / (1.0 + (x == y)), y))
defvjp(np.logaddexp,   lambda ans, x, y: lambda g: unbroadcast(g * np.exp(x - ans), x),
                       lambda ans, x, y: lambda g: unbroadcast(g * np.exp(y - ans), y))
defvjp(np.where,       None,
                       lambda ans, c, x, y: lambda g: unbroadcast(np.where(c, g, 0.0), x),
                       lambda ans, c, x, y: lambda g: unbroadcast(np.where(c, 0.0, g), y))
defvjp(np.clip,        lambda ans, x, a_min=None, a_max=None:
                       lambda g: unbroadcast(g * unclipped(ans, a_min, a_max), x),
                       lambda ans, x, a_min=None, a_max=None:
                       lambda g: unbroadcast(g * (ans == a_min), a_min),
                       lambda ans, x, a_min=None, a_max=None:
                       lambda g: unbroadcast(g * (ans == a_max), a_max))
defvjp(np.matmul,      lambda ans, x, y: lambda g: matmul_vjp_x(g, x, y),
                       lambda ans, x, y: lambda g: matmul_vjp_y(g, x, y))
defvjp(np.dot,         dot_vjp(matmul_vjp_x), dot_vjp(matmul_vjp_y))
defvjp(np.sum,         lambda ans, x, axis=None, keepdims=False:
                       lambda g: spread(g, x, axis, keepdims))
defvjp(np.mean,        lambda ans, x, axis=None, keepdims=False:
                       lambda g: spread(g * ans.size / x.size, x, axis, keepdims))
defvjp(np.max,         lambda ans, x, axis=None, keepdims=False:
                       lambda g: share_among_ties(g, ans, x, axis, keepdims))
defvjp(np.min,         lambda ans, x, axis=None, keepdims=False:
                       lambda g: share_among_ties(g, ans, x, axis, keepdims))
defvjp(np.transpose,   lambda ans, x, axes=None: lambda g: untranspose(g, axes))
defvjp(np.reshape,     lambda ans, x, shape, order="C", copy=None:
                       lambda g: np.reshape(g, np.shape(x), order=order))
defvjp(np.expand_dims, lambda ans, x, axis: lambda g: np.reshape(g, np.shape(x)))
defvjp(operator.getitem, lambda ans, x, index: lambda g: untake(g, index, x))   # x[index]
defvjp_each(concatenate_args, lambda i, ans, axis, *arrays:
                              lambda g: part_of(g, arrays, i - 1, axis))
defvjp_each(stack_args,       lambda i, ans, axis, *arrays: lambda g: np.take(g, i - 1, axis))

defvjp(np.amax, *VJPS[np.max])          # numpy's other names for max and min
defvjp(np.amin, *VJPS[np.min])
PRIMITIVES[np.concatenate] = concatenate   # numpy.concatenate([x, y]) takes a list
PRIMITIVES[np.stack] = stack

# Results that carry no gradient (indices, booleans, shapes, values that are flat almost
# everywhere): these numpy functions take a traced value's plain numbers and return
# plain numpy results, which the graph treats as constants.
nondifferentiable(
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.sign, np.floor, np.ceil, np.round, np.isfinite, np.isnan, np.isinf,
    np.argmax, np.argmin, np.argsort, np.shape, np.ndim, np.size,
    np.allclose, np.isclose, np.array_equal, np.zeros_like, np.ones_like)
