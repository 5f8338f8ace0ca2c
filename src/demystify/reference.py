"""The course network, written once: its sizes, seed, initialisation, loss and gradient.

Every self-check, baseline and benchmark takes these facts from here, so that changing the
network's architecture is a one-line edit (``SIZES``).

The network: dense tanh layers ``H = tanh(H_in @ W + b)`` (tanh after every layer,
the output layer too), samples in rows, trained on the mean squared error between
its outputs and one-hot targets, by full-batch gradient descent with learning rate 0.5.
Its parameters are a list ``[W1, b1, W2, b2, ...]`` with W (n_in, n_out) and b (n_out,).

    from demystify.reference import SIZES, init_params, make_loss, numpy_gradient
    params = init_params()                 # [W1, b1, W2, b2, W3, b3]
    loss = make_loss(numpy)                # or autograd.numpy, scratchgrad.numpy, torch
    grads = numpy_gradient(params, X, Y)   # backpropagation by hand, the yardstick

For the self-checks: :func:`lively_params` and :func:`fixed_batch` (inputs the notebooks
never use, with non-zero biases so that a forgotten bias shows), and central differences,
:func:`central_difference` and :func:`numerical_gradient`, the independent check of every
gradient.
"""
from __future__ import annotations

from typing import Callable

import numpy as onp   # plain numpy; `np` is the parameter of make_forward and make_loss

SIZES = (8, 25, 10, 2)   # 8 features in, two hidden layers, one output per class
SEED = 2019              # the year of the original workshop: every seeded draw uses it
LEARNING_RATE = 0.5
STEPS = 500              # full-batch steps of gradient descent, in every training notebook
FD_STEP = 1e-6           # the step h of central differences


def layer_pairs(sizes=SIZES) -> list[tuple[int, int]]:
    """(n_in, n_out) of each layer: (8, 25), (25, 10), (10, 2) for the course network."""
    return list(zip(sizes[:-1], sizes[1:], strict=True))


def parameter_names(sizes=SIZES) -> list[str]:
    """['W1', 'b1', 'W2', 'b2', ...]: the names of the parameters, in their order."""
    return [f"{kind}{layer}" for layer in range(1, len(sizes)) for kind in "Wb"]


def parameter_shapes(sizes=SIZES) -> list[tuple[int, ...]]:
    """[(n_in, n_out), (n_out,), ...]: the shapes of W1, b1, W2, b2, ..."""
    return [shape for n_in, n_out in layer_pairs(sizes) for shape in ((n_in, n_out), (n_out,))]


def xavier_std(n_in: int, n_out: int) -> float:
    """Xavier/Glorot normal: the standard deviation sqrt(2 / (n_in + n_out))."""
    return float(onp.sqrt(2.0 / (n_in + n_out)))


def init_params(sizes=SIZES, rng=SEED, std: Callable[[int, int], float] = xavier_std) -> list:
    """The course's initialisation: Xavier/Glorot normal weights, zero biases.

    rng: a seed, or a numpy Generator (``init_params(sizes, rng)`` as notebook 06 writes it);
    the weights are drawn from it in the order W1, W2, ..., each with
    ``rng.normal(0.0, std(n_in, n_out), (n_in, n_out))``.
    returns [W1, b1, W2, b2, ...] with W (n_in, n_out) and b (n_out,)
    """
    rng = onp.random.default_rng(rng)   # a Generator is returned unchanged
    weights = [rng.normal(0.0, std(n_in, n_out), (n_in, n_out)) for n_in, n_out in layer_pairs(sizes)]
    return [p for W in weights for p in (W, onp.zeros(W.shape[1]))]


def lively_params(sizes=SIZES, seed: int = 7) -> list[onp.ndarray]:
    """Parameters for the self-checks: lively weights (std 0.5) and non-zero biases (std 0.3),
    so that a forgotten bias or activation changes the answer. [W1, b1, W2, b2, ...]"""
    rng = onp.random.default_rng(seed)
    return [p for n_in, n_out in layer_pairs(sizes)
            for p in (rng.normal(0.0, 0.5, (n_in, n_out)), rng.normal(0.0, 0.3, n_out))]


def fixed_batch(n: int = 12, sizes=SIZES, seed: int = 8) -> tuple[onp.ndarray, onp.ndarray]:
    """A small batch for the self-checks: X (n, n_in) standard normal, Y (n, n_out) one-hot."""
    rng = onp.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    Y = onp.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    return X, Y


# --- the network, for any numpy -------------------------------------------------------

def layer_outputs(params, X, np=onp) -> list:
    """[X, H1, H2, ..., Y_hat]: the input and each layer's output, H = tanh(H_in @ W + b).

    X (n, n_in); each H (n, n_out of its layer). ``np`` is the numpy that computes them.
    """
    outputs = [X]
    for W, b in zip(params[::2], params[1::2], strict=True):
        outputs.append(np.tanh(outputs[-1] @ W + b))
    return outputs


def make_forward(np):
    """forward(params, X): the network's outputs Y_hat (n, n_out), computed with ``np``."""
    def forward(params, X):
        return layer_outputs(params, X, np)[-1]
    return forward


def make_loss(np):
    """The course's loss, written with the numpy module ``np`` (numpy, autograd's, ours, torch).

    loss(params, X, Y): X (n, n_in), Y (n, n_out) one-hot; returns mean((Y_hat - Y)**2),
    the mean over every entry.
    """
    forward = make_forward(np)

    def loss(params, X, Y):
        return np.mean((forward(params, X) - Y) ** 2)
    return loss


forward = make_forward(onp)
loss = make_loss(onp)


def numpy_gradient(params, X, Y):
    """The gradient of the loss by hand: backpropagation through the tanh layers.

    With Z = H_in W + b and H = tanh(Z) for each layer, and L = mean((H_out - Y)**2):
    dL/dH_out = 2 (H_out - Y) / Y.size;  dL/dZ = dL/dH * (1 - H**2);
    dL/dW = H_inᵀ dL/dZ;  dL/db = sum over rows of dL/dZ;  dL/dH_in = dL/dZ Wᵀ.
    returns [dW1, db1, dW2, db2, ...], the shapes of params
    """
    Hs = layer_outputs(params, X)
    dH = 2 * (Hs[-1] - Y) / Y.size
    grads = []
    for layer in reversed(range(len(params) // 2)):
        dZ = dH * (1 - Hs[layer + 1] ** 2)
        grads[:0] = [Hs[layer].T @ dZ, dZ.sum(axis=0)]
        if layer:
            dH = dZ @ params[2 * layer].T
    return grads


# --- central differences: the independent check of every gradient ------------------------

def central_difference(f: Callable, x, h: float = FD_STEP):
    """(f(x + h) - f(x - h)) / 2h: the slope of f at x (x a number, or an array for an
    elementwise f, which gives the slope at each entry)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f: Callable, x, h: float = FD_STEP) -> onp.ndarray:
    """The gradient of a scalar function f at the array x, by central differences: entry by
    entry, the slope of t -> f(x + t e) at t = 0, e the unit array of that entry.

    x: any shape; returns an array of x's shape.
    """
    x = onp.array(x, dtype=float)
    gradient = onp.zeros_like(x)
    for index in onp.ndindex(x.shape):
        unit = onp.zeros_like(x)
        unit[index] = 1.0
        gradient[index] = central_difference(lambda t, unit=unit: f(x + t * unit), 0.0, h)
    return gradient
