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

A numerically stable softmax cross-entropy is written the usual way::

    def cross_entropy(Z, Y):                # Z: (n, k) scores, Y: (n, k) one-hot
        shifted = Z - np.max(Z, axis=1, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return -np.mean(np.sum(Y * log_p, axis=1))

Teach it an operation of your own, without editing the package: make the numpy function
a primitive and give it one VJP maker per argument (the result and the inputs in, a
function of the upstream gradient g out; see ``scratchgrad/vjps.py`` for the others)::

    import numpy
    from scratchgrad import defvjp

    defvjp(numpy.arctan, lambda ans, x: lambda g: g / (1 + x**2))
    np.arctan(x)                           # now recorded, and so is numpy.arctan(x)

The design: ``scratchgrad/core.py`` holds what notebook 14 builds (nodes, primitives,
the tape, the backward walk and grad, with a map from your functions to its own),
``scratchgrad/vjps.py`` the VJP table.  Kept apart: ``arrays.py`` (how a traced value
passes for a numpy array), ``numpy.py`` (the namespace and the operators), ``trees.py``
(arguments that are lists, tuples and dicts), ``errors.py`` (what it says when it
refuses) and ``drawing.py`` (pictures of graphs).

Public API
----------
grad(fun, argnum=0)            gradient function, as ``autograd.grad``: ``argnum`` an int or a
                               tuple; arguments may be numbers, arrays, or lists, tuples and
                               dicts of them, and each gradient has the same structure.
value_and_grad(fun, argnum=0)  the same, returning ``(value, gradient)``.
primitive(fun)                 the recorded version of a numpy function (or of one of your
                               own): called on traced values it records a node.
defvjp(fun, *makers)           give ``fun`` one VJP maker per argument,
                               ``maker(ans, *args, **kwargs) -> (g -> gradient)`` (None for an
                               argument without gradient); returns ``primitive(fun)``.
draw(fun, *args)               a :class:`Drawing` of the graph that
                               ``fun(*args)`` records (every float argument traced);
                               ``draw(node)`` draws the graph behind a traced value.
Node(value, name=None)         a traced value; ``Node(array, name="x")`` makes a leaf by hand,
                               to see what operations record (``np.tanh(x)`` is a Node too).
                               ``.value`` is its plain numpy value, ``.op`` its operation,
                               ``.parents`` the traced inputs it came from, as (position, node).
NotDifferentiable              the error (a TypeError) raised for anything scratchgrad cannot
                               differentiate: a numpy function with no VJP, a keyword its VJP
                               does not take, assignment into a traced array, turning a
                               traced value into a plain array, grad inside grad.
Drawing                        a graph picture: SVG where graphviz's ``dot`` is installed,
                               a text listing where it is not.

Deliberate differences from autograd: first derivatives only (the VJPs compute with
plain numpy), and a grad inside a function being differentiated that uses the outer
function's traced values is refused rather than answered without that path; ``x += 1``
on a traced array makes a new node and rebinds ``x``, never changing an array in place;
``argmax``, ``allclose``, comparisons and ``shape`` take a traced value's plain numbers
and return plain numpy results (they have no gradient).

scratchgrad needs numpy, and the ``graphviz`` Python package for drawing; nothing else.
How fast it is: ``python -m demystify.bench`` in the course repository.
"""
from scratchgrad.core import Node, defvjp, grad, primitive, value_and_grad
from scratchgrad.errors import NotDifferentiable
from scratchgrad import arrays, vjps, numpy  # noqa: F401  (a node's numpy behaviour, the table)
from scratchgrad.drawing import Drawing, draw

__all__ = ["Drawing", "Node", "NotDifferentiable", "defvjp", "draw", "grad", "primitive",
           "value_and_grad"]
