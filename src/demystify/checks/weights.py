"""Self-checks for notebook 06, the untrained network in numpy.

The parameters are a list ``[W1, b1, W2, b2, W3, b3]`` (the order notebook 10 and the
training checks rely on), for the course network (:mod:`demystify.reference`) with samples
in rows::

    check_init_params(init_params)   # shapes, zero biases, Xavier scale, drawn from the rng given
    check_forward(forward)           # tanh(X @ W + b) after every layer, the last one too
    check_predict(predict)           # the larger output of each row: argmax over axis 1

Each runs the attendee's function on inputs the notebook never uses: generators seeded other
than 2019 (and other than the 200 seeds of the notebook's histogram), other parameters, other
batches; so a function that ignores an argument, or works only for the notebook's own inputs,
fails.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from demystify import reference
from demystify.reference import SEED, SIZES, layer_pairs, parameter_names, xavier_std

from .core import ARRAY, HINT_2, call, expect_array, fail, hint_for, passed
from .network import expect_params, expect_unchanged, forward_hint
from .unfinished import explain_unfinished

NOTEBOOK = "06-weights-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell

CHECK_SEED = 4242   # not 2019, and not one of the notebook's seeds 0-199


def _transposed_draws(sizes, seed) -> list[np.ndarray]:
    """The recipe's parameters with each W drawn as (n_out, n_in) and transposed: a mistake."""
    rng = np.random.default_rng(seed)
    return [p for n_in, n_out in layer_pairs(sizes)
            for p in (rng.normal(0.0, xavier_std(n_in, n_out), (n_out, n_in)).T, np.zeros(n_out))]


def _init_mistakes(sizes, seed) -> list[tuple[list[np.ndarray], str]]:
    """Whole parameter lists built the wrong way, each with its hint."""
    def draw(std):
        return reference.init_params(sizes, seed, std=std)
    return [
        (draw(std=lambda n_in, n_out: 1 / np.sqrt(n_in + n_out)),
         "Did you use 1 / sqrt(n_in + n_out)? Xavier's standard deviation is "
         "sqrt(2 / (n_in + n_out))."),
        (draw(std=lambda n_in, n_out: 2 / (n_in + n_out)),
         "2 / (n_in + n_out) is the variance; rng.normal's scale is the standard deviation: "
         "take its square root."),
        (draw(std=lambda n_in, n_out: np.sqrt(2 / n_in)),
         "That is He initialisation, sqrt(2 / n_in), designed for ReLU; this network uses "
         "Xavier's sqrt(2 / (n_in + n_out))."),
        (draw(std=lambda n_in, n_out: 1.0),
         "Did you forget to scale the weights? Pass Xavier's standard deviation as "
         "rng.normal's scale."),
        (_transposed_draws(sizes, seed),
         "Draw each W with size=(n_in, n_out) directly: drawing (n_out, n_in) and transposing "
         "puts the same numbers in different places."),
    ]


# Draws equal to this relative precision are the same draws (float32 weights included).
RTOL = 1e-6


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.allclose(p, q, rtol=RTOL, atol=0) for p, q in zip(a, b, strict=True))


def _drawn(init_params: Callable, sizes: tuple, seed: int) -> list[np.ndarray]:
    """init_params(sizes, np.random.default_rng(seed)), its structure checked."""
    result = call(init_params, sizes, np.random.default_rng(seed), name="init_params",
                  signature="init_params(sizes, rng)", hint=hint_for(IndexError, (
                      "There are len(sizes) - 1 layers: each pair of neighbouring sizes, "
                      "(sizes[k], sizes[k + 1]), is one layer, and the last size starts none.")))
    return expect_params(result, sizes, f"init_params({sizes}, np.random.default_rng({seed})) "
                                        "returned")


def _explain_draws(init_params: Callable, sizes: tuple, seed: int, params) -> None:
    """Fail with what is wrong with ``params``, drawn from seed ``seed`` but not the recipe's."""
    how = f"init_params({sizes}, np.random.default_rng({seed}))"
    if _same(params, reference.init_params(sizes, SEED)):
        fail(f"{how} gave the network of seed {SEED}, whatever rng it is given.",
             f"Draw from the rng you are given (rng.normal), not from a generator of your own "
             f"(np.random.default_rng({SEED})): notebook 06 draws 200 networks from 200 seeds.")
    if not _same(params, _drawn(init_params, sizes, seed)):
        fail(f"Called twice with the same seed, {how} gave two different networks.",
             "Draw from the rng you are given (rng.normal), not from numpy's global generator "
             "(np.random.normal or np.random.randn): then one seed always makes one network.")
    if all(not np.any(p) for p in params):
        fail("init_params made every weight 0: a network whose weights are all 0 gives every "
             "neuron of a layer the same output, and they never learn to differ.",
             "Is the standard deviation 0? In Python 3, 2 // 33 is 0: use 2 / (n_in + n_out).")
    if _same(params, _drawn(init_params, sizes, seed + 1)):
        fail(f"init_params gave the same network for two different generators (seeds {seed} "
             f"and {seed + 1}): it does not draw from its rng.",
             "Draw every weight from the rng you are given, with rng.normal.")
    expected = reference.init_params(sizes, seed)
    mistakes = _init_mistakes(sizes, seed)
    for k, (name, got, want) in enumerate(zip(parameter_names(sizes), params, expected,
                                              strict=True)):
        if not name.startswith("W") or np.allclose(got, want, rtol=RTOL, atol=0):
            continue
        for wrong, hint in mistakes:
            if np.allclose(got, wrong[k], rtol=RTOL, atol=0):
                fail(f"{name} does not have the Xavier scale.", hint)
        n_in, n_out = want.shape
        std = xavier_std(n_in, n_out)
        if got.size >= 100 and not 0.8 < got.std() / std < 1.25:
            fail(f"{name} has a standard deviation of {got.std():.3f}; expected about "
                 f"sqrt(2 / ({n_in} + {n_out})) = {std:.3f}.",
                 "Draw from a normal distribution with that standard deviation: it is "
                 f"rng.normal's scale. {HINT_2}")
        fail(f"{name} has the right shape and scale, but not the numbers of the recipe.",
             "Draw only the weights, from the rng you are given, in the order W1, W2, W3, each "
             "with rng.normal(0.0, sigma, size=(n_in, n_out)); biases are np.zeros, not drawn.")


def check_init_params(init_params: Callable, sizes=SIZES) -> None:
    """``init_params(sizes, rng)`` returns [W1, b1, ...] drawn from rng as the course's recipe says.

    Checked for the course network's ``sizes`` and for (3, 4, 1), with generators seeded other
    than the notebook's: a function that ignores its rng fails.
    """
    for layer_sizes, seed in [(tuple(sizes), CHECK_SEED), ((3, 4, 1), CHECK_SEED + 10)]:
        params = _drawn(init_params, layer_sizes, seed)
        for name, got in zip(parameter_names(layer_sizes)[1::2], params[1::2], strict=True):
            if np.any(got != 0):
                fail(f"{name} is not zero.",
                     "Biases start at zero (np.zeros(n_out)): the random weights already make "
                     "the neurons differ. Draw only the weights from rng.")
        if not _same(params, reference.init_params(layer_sizes, seed)):
            _explain_draws(init_params, layer_sizes, seed, params)
    passed("init_params: right shapes, zero biases and Xavier-scaled weights drawn from the rng "
           f"it is given, as the recipe draws them, for {tuple(sizes)} and (3, 4, 1).")


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
        (_through_layers(params, X, lambda H, W, b: H @ W + b),
         "No layer applies tanh: each layer is tanh(H @ W + b), the last one too."),
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
    for k in range(1, last + 1):
        without = [np.zeros_like(p) if i == 2 * k - 1 else p for i, p in enumerate(params)]
        candidates.append((reference.forward(without, X),
                           f"Layer {k} has no bias: add b{k} after its product, inside the tanh."))
    return candidates


def check_forward(forward: Callable, sizes=SIZES) -> None:
    """``forward(params, X)`` is the network's output: (n, n_out) for X (n, n_in)."""
    params = reference.lively_params(sizes)
    rng = np.random.default_rng(11)
    for n in (6, 1):
        X = rng.normal(size=(n, sizes[0]))
        given = [p.copy() for p in params]
        result = call(forward, given, X.copy(), name="forward", signature="forward(params, X)",
                      returns=ARRAY, hint=forward_hint(sizes, params, X))
        expect_unchanged(given, params, "forward")
        expected = reference.forward(params, X)
        outside = np.asarray(result, dtype=float).shape == expected.shape and \
            np.any(np.abs(np.asarray(result, dtype=float)) > 1)
        expect_array(result, expected, f"forward(params, X) for X {X.shape}",
                     mistakes=_forward_mistakes(params, X),
                     shape_hint="Expected one row per sample and one column per output.",
                     otherwise="Some outputs are outside (-1, 1), where tanh never goes: does "
                               "every layer end with tanh?" if outside else
                               HINT_2)
    passed("forward matches the reference network on batches of 6 samples and of 1.")


def check_predict(predict: Callable, sizes=SIZES) -> None:
    """``predict(params, X)`` gives one label per sample: the index of the larger output."""
    params = reference.lively_params(sizes)
    X = np.random.default_rng(12).normal(size=(12, sizes[0]))
    outputs = reference.forward(params, X)
    expected = outputs.argmax(axis=1)
    given = [p.copy() for p in params]
    result = call(predict, given, X.copy(), name="predict", signature="predict(params, X)",
                  returns=ARRAY.named("an array of labels"), hint=forward_hint(sizes, params, X))
    expect_unchanged(given, params, "predict")
    expect_array(result, expected, f"predict(params, X) for X {X.shape}", mistakes=[
        (outputs.argmax(axis=0),
         "Use axis=1: one label per row (sample). axis=0 gives, for each output, the sample "
         "where it is largest."),
        (outputs, "Return one label per sample, the index of the larger output: an argmax "
                  "along the rows."),
        (expected[:, None], "Return a flat vector of labels, shape (n,), not a column."),
        (1 - expected, "The labels are flipped: the predicted class is the larger output, "
                       "argmax, not argmin."),
        (outputs.max(axis=1), "That is the larger output itself; we want its position, 0 or "
                              "1: argmax, not max."),
    ], shape_hint="One label per sample: shape (n,).", otherwise=HINT_2)
    passed("predict gives the index of the larger output for each of 12 samples.")
