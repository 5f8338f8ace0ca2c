"""scratchgrad: the course's from-scratch automatic differentiation, a small autograd.

Swap it in for HIPS autograd by changing the imports only::

    import scratchgrad.numpy as np          # instead of: import autograd.numpy as np
    from scratchgrad import grad            # instead of: from autograd import grad

    def loss(params, X, Y):
        W1, b1, W2, b2, W3, b3 = params
        H1 = np.tanh(X @ W1 + b1)
        H2 = np.tanh(H1 @ W2 + b2)
        Y_hat = np.tanh(H2 @ W3 + b3)
        return np.mean((Y_hat - Y)**2)

    dW1, db1, dW2, db2, dW3, db3 = grad(loss)(params, X, Y)

The design is in two short files: ``scratchgrad/graph.py`` (the graph a function
records and the backward walk over it) and ``scratchgrad/vjps.py`` (one line per
operation: its vector-Jacobian product).  ``scratchgrad/numpy.py`` is the numpy
namespace and the operators of traced values; ``scratchgrad/drawing.py`` draws a graph.

Public API
----------
grad(fun, argnum=0)            gradient function, as ``autograd.grad``: ``argnum`` an int or a
                               tuple; arguments may be numbers, arrays, or lists, tuples and
                               dicts of them, and each gradient has the same structure.
value_and_grad(fun, argnum=0)  the same, returning ``(value, gradient)``.
draw(fun, *args)               a :class:`Drawing` of the graph that
                               ``fun(*args)`` records (every float argument traced);
                               ``draw(node)`` draws the graph behind a traced value.
Node(value, name=None)         a traced value; ``Node(array, name="x")`` makes a leaf by hand,
                               to see what operations record (``np.tanh(x)`` is a Node too).
                               ``.value`` is its plain numpy value, ``.op`` its operation,
                               ``.parents`` the nodes it came from.
NotDifferentiable              the error (a TypeError) raised for anything scratchgrad cannot
                               differentiate: a numpy function with no VJP, assignment into a
                               traced array, turning a traced value into a plain array.
Drawing                        a graph picture: SVG where graphviz's ``dot`` is installed,
                               a text listing where it is not.

Deliberate differences from autograd: first derivatives only (the VJPs compute with
plain numpy); ``x += 1`` on a traced array makes a new node and rebinds ``x``, never
changing an array in place; ``argmax``, ``allclose``, comparisons and ``shape`` take a
traced value's plain numbers and return plain numpy results (they have no gradient).

scratchgrad needs numpy, and the ``graphviz`` Python package for drawing; nothing else.
How fast it is: ``python -m demystify.bench`` in the course repository.
"""
from scratchgrad.graph import Node, NotDifferentiable, grad, value_and_grad
from scratchgrad import numpy  # noqa: F401  (gives traced values their operators)
from scratchgrad.drawing import Drawing, draw

__all__ = ["Drawing", "Node", "NotDifferentiable", "draw", "grad", "value_and_grad"]
