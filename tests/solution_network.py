"""An attendee's network code written for any layer sizes (autograd's numpy), for the tests
that run the checks on other networks than the course's."""
import autograd.numpy as anp
from autograd import grad


def forward(params, X):
    H = X
    for k in range(0, len(params), 2):
        H = anp.tanh(H @ params[k] + params[k + 1])
    return H


def loss(params, X, Y):
    return anp.mean((forward(params, X) - Y) ** 2)


def step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads, strict=True)]


def train(params, X, Y, lr, steps):
    losses = []
    for _ in range(steps):
        losses.append(loss(params, X, Y))
        params = step(params, grad(loss)(params, X, Y), lr)
    return params, losses
