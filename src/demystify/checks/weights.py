"""Self-checks for notebook 06, the untrained network in numpy.

The parameters are a list ``[W1, b1, W2, b2, W3, b3]`` (the order notebook 10 and the
training checks rely on), for the course network (:mod:`demystify.reference`) with samples
in rows::

    check_init_params(init_params)   # shapes, zero biases, Xavier scale, the reference draws
    check_forward(forward)           # tanh(X @ W + b) after every layer, the last one too
    check_predict(predict)           # the larger output of each row: argmax over axis 1
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from demystify import reference
from demystify.reference import SEED, SIZES, layer_pairs, parameter_names, xavier_std

from .core import ARRAY, LIST, call, expect_array, fail, passed
from .unfinished import explain_unfinished

NOTEBOOK = "06-weights-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell


def _transposed_draws(sizes) -> list[np.ndarray]:
    """The recipe's parameters with each W drawn as (n_out, n_in) and transposed: a mistake."""
    rng = np.random.default_rng(SEED)
    return [p for n_in, n_out in layer_pairs(sizes)
            for p in (rng.normal(0.0, xavier_std(n_in, n_out), (n_out, n_in)).T, np.zeros(n_out))]


def _init_mistakes(sizes) -> list[tuple[list[np.ndarray], str]]:
    """Whole parameter lists built the wrong way, each with its hint."""
    def draw(std):
        return reference.init_params(sizes, SEED, std=std)
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
        (_transposed_draws(sizes),
         "Draw each W with size=(n_in, n_out) directly: drawing (n_out, n_in) and transposing "
         "puts the same numbers in different places."),
    ]


def check_init_params(init_params: Callable, sizes=SIZES) -> None:
    """``init_params(sizes, rng)`` returns [W1, b1, ...] drawn as the course's recipe says.

    Checked for the course network's ``sizes`` and for (3, 4, 1).
    """
    for layer_sizes in [tuple(sizes), (3, 4, 1)]:
        expected = reference.init_params(layer_sizes, SEED)
        labels = parameter_names(layer_sizes)
        how = f"init_params({layer_sizes}, np.random.default_rng({SEED}))"
        params = call(init_params, layer_sizes, np.random.default_rng(SEED), name="init_params",
                      signature="init_params(sizes, rng)",
                      returns=LIST.named(f"a list [{', '.join(labels)}]"))
        params = [np.asarray(p, dtype=float) for p in params]
        if len(params) != len(expected):
            fail(f"{how} returned {len(params)} parameters; expected {len(expected)}: "
                 f"{', '.join(labels)}.",
                 "One weight matrix and one bias vector per layer, weights and biases "
                 "alternating.")
        for name, got, want in zip(labels, params, expected, strict=True):
            if got.shape == want.shape:
                continue
            if name.startswith("W") and got.shape == want.shape[::-1]:
                fail(f"{name} has shape {got.shape}; expected {want.shape}.",
                     "Samples are rows, so a layer computes X @ W: W is (n_in, n_out).")
            fail(f"{name} has shape {got.shape}; expected {want.shape}.",
                 "W_k is (sizes[k-1], sizes[k]) and b_k is (sizes[k],), a plain vector.")
        for name, got in zip(labels[1::2], params[1::2], strict=True):
            if np.any(got != 0):
                fail(f"{name} is not zero.",
                     "Biases start at zero (np.zeros(n_out)): the random weights already make "
                     "the neurons differ. Draw only the weights from rng.")
        mistakes = _init_mistakes(sizes)
        for k, (name, got, want) in enumerate(zip(labels, params, expected, strict=True)):
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
           f"recipe's draws for {tuple(sizes)} and (3, 4, 1).")


def _through_layers(params, X, layer: Callable) -> np.ndarray:
    """X through every layer, each computed as layer(H, W, b): the network built wrongly."""
    H = X
    for W, b in zip(params[::2], params[1::2], strict=True):
        H = layer(H, W, b)
    return H


def _forward_mistakes(params, X) -> list[tuple[np.ndarray, str]]:
    last = len(params) // 2
    candidates = [
        (reference.forward(params[:-2], X) @ params[-2] + params[-1],
         f"The course's network applies tanh after every layer, the last one too: "
         f"Y_hat = tanh(H{last - 1} @ W{last} + b{last})."),
        (_through_layers(params, X, lambda H, W, b: np.tanh(H @ W)),
         "Did you forget the biases? Each layer is tanh(H @ W + b)."),
        (_through_layers(params, X, lambda H, W, b: np.tanh(H @ W) + b),
         "The bias goes inside the activation: tanh(H @ W + b)."),
        (_through_layers(params, X, lambda H, W, b: 1 / (1 + np.exp(-(H @ W + b)))),
         "That is the sigmoid: use np.tanh."),
        (_through_layers(params, X, lambda H, W, b: np.maximum(H @ W + b, 0)),
         "That is ReLU: use np.tanh."),
    ]
    for k in range(1, last):
        candidates.append((reference.forward(params[:2 * k], X),
                           f"That is the output of layer {k}, H{k}: carry on through all {last} "
                           "layers, feeding each layer's output to the next."))
    return candidates


def _forward_hint(sizes, params, error: BaseException) -> str | None:
    """What a ValueError from forward (numpy's shapes do not line up) probably means."""
    if not isinstance(error, ValueError):
        return None
    n_in, n_out = params[0].shape
    return (f"params is [{', '.join(parameter_names(sizes))}], weights and biases alternating, "
            f"of shapes {[p.shape for p in params]}. Samples are rows, so each layer is "
            f"H @ W + b, e.g. X (n, {n_in}) @ W1 ({n_in}, {n_out}) -> (n, {n_out}). Did you "
            "write W @ X, or H * W (entry by entry) instead of the matrix product H @ W, or take "
            "the parameters in another order?")


def check_forward(forward: Callable, sizes=SIZES) -> None:
    """``forward(params, X)`` is the network's output: (n, n_out) for X (n, n_in)."""
    params = reference.lively_params(sizes)
    rng = np.random.default_rng(11)
    for n in (6, 1):
        X = rng.normal(size=(n, sizes[0]))
        result = call(forward, [p.copy() for p in params], X.copy(), name="forward",
                      signature="forward(params, X)", returns=ARRAY,
                      hint=lambda error: _forward_hint(sizes, params, error))
        expect_array(result, reference.forward(params, X), f"forward(params, X) for X {X.shape}",
                     mistakes=_forward_mistakes(params, X),
                     shape_hint="Expected one row per sample and one column per output.")
    passed("forward matches the reference network on batches of 6 samples and of 1.")


def check_predict(predict: Callable, sizes=SIZES) -> None:
    """``predict(params, X)`` gives one label per sample: the index of the larger output."""
    params = reference.lively_params(sizes)
    X = np.random.default_rng(12).normal(size=(12, sizes[0]))
    outputs = reference.forward(params, X)
    expected = outputs.argmax(axis=1)
    result = call(predict, [p.copy() for p in params], X.copy(), name="predict",
                  signature="predict(params, X)", returns=ARRAY.named("an array of labels"))
    expect_array(result, expected, f"predict(params, X) for X {X.shape}", mistakes=[
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
