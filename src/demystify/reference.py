"""The course network, written once: its sizes, seed, initialisation, loss and gradient.

Every notebook, self-check, baseline and benchmark takes these facts from here, so that
changing the network's architecture is a one-line edit (``SIZES``).

The network: dense tanh layers ``H = tanh(H_in @ W + b)`` (tanh after every layer,
the output layer too), samples in rows, trained on the mean squared error between
its outputs and one-hot targets, by gradient descent with learning rate 0.5.

    from demystify.reference import SIZES, init_params, make_loss, numpy_gradient
    params = init_params()                 # [W1, b1, W2, b2, W3, b3]
    loss = make_loss(numpy)                # or autograd.numpy, or scratchgrad.numpy
    grads = numpy_gradient(params, X, Y)   # backpropagation by hand, the yardstick
"""
from __future__ import annotations

import numpy as onp   # plain numpy; `np` is the parameter of make_loss

SIZES = (8, 25, 10, 2)   # 8 features in, two hidden layers, one output per class
SEED = 2019              # the year of the original workshop: every seeded draw uses it
LEARNING_RATE = 0.5


def init_params(sizes=SIZES, seed=SEED):
    """The course's initialisation: Xavier/Glorot normal weights, zero biases.

    returns [W1, b1, W2, b2, ...] with W (n_in, n_out) and b (n_out,)
    """
    rng = onp.random.default_rng(seed)
    weights = [rng.normal(0.0, onp.sqrt(2.0 / (n_in + n_out)), (n_in, n_out))
               for n_in, n_out in zip(sizes, sizes[1:])]
    return [p for W in weights for p in (W, onp.zeros(W.shape[1]))]


def make_loss(np):
    """The course's loss, written with the numpy module ``np`` (numpy, autograd's, ours, torch).

    loss(params, X, Y): X (n, 8), Y (n, 2) one-hot; returns mean((Y_hat - Y)**2)
    """
    def loss(params, X, Y):
        H = X
        for W, b in zip(params[::2], params[1::2]):
            H = np.tanh(H @ W + b)
        return np.mean((H - Y) ** 2)
    return loss


def numpy_gradient(params, X, Y):
    """The gradient of the loss by hand: backpropagation through the tanh layers.

    With Z = H_in W + b and H = tanh(Z) for each layer, and L = mean((H_out - Y)**2):
    dL/dH_out = 2 (H_out - Y) / Y.size;  dL/dZ = dL/dH * (1 - H**2);
    dL/dW = H_inᵀ dL/dZ;  dL/db = sum over rows of dL/dZ;  dL/dH_in = dL/dZ Wᵀ.
    returns [dW1, db1, dW2, db2, ...], the shapes of params
    """
    Hs = [X]
    for W, b in zip(params[::2], params[1::2]):
        Hs.append(onp.tanh(Hs[-1] @ W + b))
    dH = 2 * (Hs[-1] - Y) / Y.size
    grads = []
    for layer in reversed(range(len(params) // 2)):
        dZ = dH * (1 - Hs[layer + 1] ** 2)
        grads[:0] = [Hs[layer].T @ dZ, dZ.sum(axis=0)]
        if layer:
            dH = dZ @ params[2 * layer].T
    return grads
