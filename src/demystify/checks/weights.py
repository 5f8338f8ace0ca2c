"""Self-checks for notebook 06, the untrained network in numpy.

The parameters are a list ``[W1, b1, W2, b2, W3, b3]`` (the order notebook 10 and the
training checks rely on), for the course's 8-25-10-2 network with samples in rows::

    check_init_params(init_params)   # shapes, zero biases, Xavier scale, the reference draws
    check_forward(forward)           # tanh(X @ W + b) after every layer, the last one too
    check_predict(predict)           # the larger output of each row: argmax over axis 1
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import expect_array, fail, passed

SIZES = (8, 25, 10, 2)
SEED = 2019


def names(sizes=SIZES) -> list[str]:
    return [f"{kind}{k}" for k in range(1, len(sizes)) for kind in "Wb"]


def xavier_std(n_in: int, n_out: int) -> float:
    """Xavier/Glorot normal: the standard deviation sqrt(2 / (n_in + n_out))."""
    return float(np.sqrt(2.0 / (n_in + n_out)))


def reference_init(sizes, rng, std=xavier_std, transposed=False) -> list[np.ndarray]:
    """[W1, b1, W2, b2, ...]: W_k ~ normal(0, std(n_in, n_out)) of shape (n_in, n_out), drawn
    from ``rng`` in the order W1, W2, ...; zero biases.  ``std`` and ``transposed`` are there
    to rebuild typical mistakes."""
    params = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        if transposed:
            W = rng.normal(0.0, std(n_in, n_out), size=(n_out, n_in)).T
        else:
            W = rng.normal(0.0, std(n_in, n_out), size=(n_in, n_out))
        params += [W, np.zeros(n_out)]
    return params


def reference_forward(params, X) -> np.ndarray:
    """Outputs (n, n_out) for X (n, n_in): tanh(H @ W + b) for every layer, the last one too."""
    H = X
    for W, b in zip(params[::2], params[1::2]):
        H = np.tanh(H @ W + b)
    return H


def fixed_parameters(seed: int = 7, sizes=SIZES) -> list[np.ndarray]:
    """Parameters with non-zero biases (so that a forgotten bias shows) and lively weights."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        params += [rng.normal(0.0, 0.5, (n_in, n_out)), rng.normal(0.0, 0.3, n_out)]
    return params


def _init_mistakes(sizes) -> list[tuple[list[np.ndarray], str]]:
    """Whole parameter lists built the wrong way, each with its hint."""
    def draw(**kwargs):
        return reference_init(sizes, np.random.default_rng(SEED), **kwargs)
    return [
        (draw(std=lambda n_in, n_out: 1 / np.sqrt(n_in + n_out)),
         "Did you use 1 / sqrt(n_in + n_out)? Xavier's standard deviation is "
         "sqrt(2 / (n_in + n_out))."),
        (draw(std=lambda n_in, n_out: 2 / (n_in + n_out)),
         "2 / (n_in + n_out) is the variance; rng.normal's scale is the standard deviation: "
         "take the square root, np.sqrt(2 / (n_in + n_out))."),
        (draw(std=lambda n_in, n_out: np.sqrt(2 / n_in)),
         "That is He initialisation, sqrt(2 / n_in), designed for ReLU; this network uses "
         "Xavier's sqrt(2 / (n_in + n_out))."),
        (draw(std=lambda n_in, n_out: 1.0),
         "Did you forget to scale the weights? Pass the standard deviation "
         "np.sqrt(2 / (n_in + n_out)) as rng.normal's scale."),
        (draw(transposed=True),
         "Draw each W with size=(n_in, n_out) directly: drawing (n_out, n_in) and transposing "
         "puts the same numbers in different places."),
    ]


def check_init_params(init_params: Callable) -> None:
    """``init_params(sizes, rng)`` returns [W1, b1, ...] drawn as the course's recipe says."""
    for sizes in [SIZES, (3, 4, 1)]:
        params = init_params(sizes, np.random.default_rng(SEED))
        call = f"init_params({sizes}, np.random.default_rng({SEED}))"
        expected, labels = reference_init(sizes, np.random.default_rng(SEED)), names(sizes)
        if params is None:
            fail(f"{call} returned None.", "Did you forget to `return` the list of parameters?")
        if isinstance(params, dict):
            fail(f"{call} returned a dict.",
                 f"Return a list in the order {', '.join(labels)}: later notebooks loop over it.")
        params = [np.asarray(p, dtype=float) for p in params]
        if len(params) != len(expected):
            fail(f"{call} returned {len(params)} parameters; expected {len(expected)}: "
                 f"{', '.join(labels)}.",
                 "One weight matrix and one bias vector per layer, weights and biases "
                 "alternating.")
        for name, got, want in zip(labels, params, expected):
            if got.shape == want.shape:
                continue
            if name.startswith("W") and got.shape == want.shape[::-1]:
                fail(f"{name} has shape {got.shape}; expected {want.shape}.",
                     "Samples are rows, so a layer computes X @ W: W is (n_in, n_out).")
            fail(f"{name} has shape {got.shape}; expected {want.shape}.",
                 "W_k is (sizes[k-1], sizes[k]) and b_k is (sizes[k],), a plain vector.")
        for name, got in zip(labels[1::2], params[1::2]):
            if np.any(got != 0):
                fail(f"{name} is not zero.",
                     "Biases start at zero (np.zeros(n_out)): the random weights already make "
                     "the neurons differ. Draw only the weights from rng.")
        mistakes = _init_mistakes(sizes)
        for k, (name, got, want) in enumerate(zip(labels, params, expected)):
            if not name.startswith("W") or np.allclose(got, want, rtol=1e-12, atol=0):
                continue
            for wrong, hint in mistakes:
                if np.allclose(got, wrong[k], rtol=1e-12, atol=0):
                    fail(f"{name} does not have the Xavier scale.", hint)
            n_in, n_out = want.shape
            std = xavier_std(n_in, n_out)
            if got.size >= 100 and not 0.8 < got.std() / std < 1.25:
                fail(f"{name} has a standard deviation of {got.std():.3f}; expected about "
                     f"sqrt(2 / ({n_in} + {n_out})) = {std:.3f}.",
                     "Draw from a normal distribution with that standard deviation: "
                     "rng.normal(0.0, std, size=(n_in, n_out)).")
            fail(f"{name} has the right shape and scale, but not the numbers of the recipe.",
                 "Use the rng you are given (rng.normal, not np.random), draw only the weights, "
                 "in the order W1, W2, W3, each with rng.normal(0.0, std, size=(n_in, n_out)).")
    passed("init_params: right shapes, zero biases and Xavier-scaled weights, identical to the "
           "recipe's draws for (8, 25, 10, 2) and (3, 4, 1).")


def _forward_mistakes(params, X) -> list[tuple[np.ndarray, str]]:
    Ws, bs = params[::2], params[1::2]
    candidates = []
    H, pre = X, None
    for W, b in zip(Ws, bs):
        pre = H @ W + b
        H = np.tanh(pre)
    candidates.append((pre, "The course's network applies tanh after every layer, the last one "
                            "too: Y_hat = tanh(H2 @ W3 + b3)."))
    H = X
    for W in Ws:
        H = np.tanh(H @ W)
    candidates.append((H, "Did you forget the biases? Each layer is tanh(H @ W + b)."))
    H = X
    for W, b in zip(Ws, bs):
        H = np.tanh(H @ W) + b
    candidates.append((H, "The bias goes inside the activation: tanh(H @ W + b)."))
    for activation, hint in [(lambda z: 1 / (1 + np.exp(-z)), "That is the sigmoid: use np.tanh."),
                             (lambda z: np.maximum(z, 0), "That is ReLU: use np.tanh.")]:
        H = X
        for W, b in zip(Ws, bs):
            H = activation(H @ W + b)
        candidates.append((H, hint))
    H = X
    for k, (W, b) in enumerate(zip(Ws, bs), start=1):
        H = np.tanh(H @ W + b)
        if k < len(Ws):
            candidates.append((H, f"That is the output of layer {k}, H{k}: carry on through "
                                  f"all {len(Ws)} layers, feeding each layer's output to the next."))
    return candidates


def check_forward(forward: Callable) -> None:
    """``forward(params, X)`` is the network's output: (n, 2) for X (n, 8)."""
    params = fixed_parameters()
    rng = np.random.default_rng(11)
    for n in (6, 1):
        X = rng.normal(size=(n, SIZES[0]))
        try:
            result = forward([p.copy() for p in params], X.copy())
        except ValueError as error:
            fail(f"forward raised ValueError for X {X.shape} and params of shapes "
                 f"{[p.shape for p in params]}:\n{error}",
                 "params is [W1, b1, W2, b2, W3, b3], weights and biases alternating. Samples "
                 "are rows, so each layer is H @ W + b, e.g. X (n, 8) @ W1 (8, 25) -> (n, 25). "
                 "Did you write W @ X, or H * W (entry by entry) instead of the matrix product "
                 "H @ W, or take the parameters in another order?")
        expect_array(result, reference_forward(params, X), f"forward(params, X) for X {X.shape}",
                     mistakes=_forward_mistakes(params, X),
                     shape_hint="Expected one row per sample and one column per output.")
    passed("forward matches the reference network on batches of 6 samples and of 1.")


def check_predict(predict: Callable) -> None:
    """``predict(params, X)`` gives one label per sample: the index of the larger output."""
    params = fixed_parameters()
    X = np.random.default_rng(12).normal(size=(12, SIZES[0]))
    outputs = reference_forward(params, X)
    expected = outputs.argmax(axis=1)
    result = predict([p.copy() for p in params], X.copy())
    expect_array(result, expected, "predict(params, X) for X (12, 8)", mistakes=[
        (outputs.argmax(axis=0),
         "Use axis=1: one label per row (sample). axis=0 gives, for each output, the sample "
         "where it is largest."),
        (outputs, "Return one label per sample, the index of the larger output: "
                  "Y_hat.argmax(axis=1)."),
        (expected[:, None], "Return a flat vector of labels, shape (n,), not a column."),
        (1 - expected, "The labels are flipped: the predicted class is the larger output, "
                       "argmax, not argmin."),
    ], shape_hint="One label per sample: shape (n,).")
    passed("predict gives the index of the larger output for each of 12 samples.")
