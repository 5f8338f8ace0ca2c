"""Self-checks for notebook 03, the concepts exercises: a neuron, a layer, a batch, and shapes.

Each check runs the attendee's function on small inputs the notebook never uses and compares
it with the reference.  The inputs include a *square* case (as many samples as inputs as
neurons) on purpose: there, the classic slips -- ``W @ X`` instead of ``X @ W``, a bias
reshaped into a column, a neuron's weights taken from a row of ``W`` -- do not crash, they
silently give wrong numbers, and the check names them.  Where a slip does crash, numpy's
error is compared with the errors the slips themselves raise, so the check names the one
that was made (``X @ W.T`` is not told "did you write W @ X?").

    from demystify.checks.layers import check_layer_forward
    check_layer_forward(layer_forward)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from demystify.reference import SIZES, parameter_names
from demystify.reference import parameter_shapes as shapes_of
from .core import (ARRAY, HINT_2, LIST, NUMBER, call, expect_array, fail, hint_for, passed,
                   raised_alike)
from .unfinished import explain_unfinished

NOTEBOOK = "03-concepts-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell

__all__ = ["check_neuron", "check_layer_loop", "check_layer_forward", "check_parameter_shapes"]

Slips = list[tuple[Callable[[], object], str]]   # (a wrong computation, what probably happened)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z):
    return np.maximum(z, 0.0)


def _layer_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(X, W, b) batches: one with every size different, one square (n = n_in = n_out = 3)."""
    rng = np.random.default_rng(3)
    cases = []
    for n, n_in, n_out in [(5, 4, 2), (3, 3, 3)]:
        cases.append((rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)),
                      rng.normal(size=n_out)))
    return cases


def _shapes(**arrays) -> str:
    return ", ".join(f"{name} {np.shape(value)}" for name, value in arrays.items())


def _layer_slips(X, W, b) -> Slips:
    """The wrong ways a layer is often computed, each with what probably happened.

    Some only run for some shapes (W @ X needs a square batch): for the others, numpy's error
    is the clue, and the check compares it with the error each slip raises.
    """
    Z = X @ W + b
    return [
        (lambda: np.tanh(W.T @ X.T + b[:, None]),
         "One row per sample: compute X @ W + b, shape (n_samples, n_out). "
         "Did you compute W.T @ X.T (samples in columns)?"),
        (lambda: np.tanh(W @ X + b),
         "Did you compute W @ X instead of X @ W? Samples are the rows of X, so X comes first."),
        (lambda: np.tanh(np.dot(W, X) + b),
         "Did you compute np.dot(W, X)? Samples are the rows of X, so X comes first."),
        (lambda: np.tanh(X @ W.T + b),
         "Did you use W.T? W already has shape (n_in, n_out): X @ W is all it takes."),
        (lambda: np.tanh(np.dot(X, W.T) + b),
         "Did you use W.T? W already has shape (n_in, n_out): X @ W is all it takes."),
        (lambda: np.tanh(X.T @ W + b),
         "Did you use X.T? X already has one row per sample, (n_samples, n_in): X @ W."),
        (lambda: np.tanh(X * W + b),
         "Did you write X * W? * multiplies matching entries (numpy lines them up entry by "
         "entry); a layer needs the matrix product X @ W, which dots each row of X with each "
         "column of W."),
        (lambda: np.tanh(X @ W + b[:, None]),
         "Did you reshape b into a column? Then sample i gets bias b[i] in every neuron. "
         "Leave b as it is, shape (n_out,): numpy adds it to every row."),
        (lambda: np.tanh(W.T @ X.T + b),
         f"numpy could not add the bias: W.T @ X.T has one column per sample, shape "
         f"{(W.shape[1], X.shape[0])}, and b {b.shape} is added to every row. Compute "
         "X @ W + b: one row per sample."),
        (lambda: np.tanh(X @ W), "Did you forget the bias? Add b after the product."),
        (lambda: Z, "Did you forget the activation? Apply tanh to the whole of X @ W + b."),
        (lambda: np.tanh(X @ W) + b,
         "The bias goes inside the activation: tanh of (X @ W + b), not tanh(X @ W) + b."),
        (lambda: _sigmoid(Z), "That is the sigmoid: this layer uses np.tanh."),
        (lambda: _relu(Z), "That is ReLU: this layer uses np.tanh."),
    ]


def _loop_slips(X, W, b) -> Slips:
    """Slips of the loop version, sample by sample and neuron by neuron, that make numpy fail."""
    n, n_in = X.shape
    n_out = W.shape[1]
    row_of_w = ("Neuron j's weights are column j of W, W[:, j] (one weight per input); "
                "W[j] is row j, the weights that leave input j.")
    column_of_x = "Sample i is row i of X, X[i]; X[:, i] is column i, one feature of every sample."
    slips = []
    for x, w, hint in [(X[0], W[0], row_of_w), (X[:, 0], W[:, 0], column_of_x)]:
        slips += [(lambda x=x, w=w: x @ w, hint), (lambda x=x, w=w: np.dot(x, w), hint),
                  (lambda x=x, w=w: x * w, hint)]
    past_the_end = ("A loop runs past the end: i counts the samples, up to X.shape[0], and j "
                    "the neurons, up to W.shape[1].")
    slips += [(lambda: X[n], past_the_end), (lambda: W[:, n_out], past_the_end),
              (lambda: b[n_out], past_the_end)]
    slips.append((lambda: _set_entry(np.zeros((n, n_out)), np.tanh(X[0] @ W[:, 0] + b)),
                  "Entry H[i, j] holds one number, neuron j on sample i: did you hand neuron "
                  "the whole bias b instead of neuron j's, b[j]?"))
    for rows, columns in [(n_in, n_out), (n_out, n), (n_out, n_in)]:
        slips.append((lambda rows=rows, columns=columns: np.zeros((rows, columns))[n - 1, n_out - 1],
                      "H has one row per sample and one column per neuron: "
                      "np.zeros((X.shape[0], W.shape[1]))."))
    return slips


def _set_entry(H: np.ndarray, value) -> None:
    H[0, 0] = value


def _error_hint(X, W, b, slips: Slips, expected: str) -> Callable[[BaseException], str | None]:
    """A hint for call(): the slip that raises the very error the attendee's code raised, or,
    when none does, what the inputs were and how they line up."""
    def hint(error: BaseException) -> str | None:
        if not isinstance(error, (ValueError, IndexError)):   # not numpy's shapes: say nothing
            return None
        alike = list(dict.fromkeys(raised_alike(error, [(why, wrong) for wrong, why in slips])))
        if alike:   # one error can have two causes: name both
            return "\nOr: ".join(alike[:2])
        n, n_in = X.shape
        n_out = W.shape[1]
        return (f"The inputs were {_shapes(X=X, W=W, b=b)}. {expected} X @ W lines up: "
                f"X ({n}, {n_in}) @ W ({n_in}, {n_out}) -> ({n}, {n_out}), one row per sample, "
                f"and numpy adds b to every row. {HINT_2}")
    return hint


def check_neuron(neuron: Callable) -> None:
    """``neuron(x, w, b)`` is ``tanh(x · w + b)`` for one sample: x (n_in,), w (n_in,), b a number."""
    rng = np.random.default_rng(5)
    for n_in in (3, 5):
        if n_in == 3:  # chosen so that x @ w + b < 0: ReLU and "no activation" then differ
            x, w, b = np.array([0.5, -1.0, 2.0]), np.array([0.3, 0.8, -0.4]), 0.1
        else:
            x, w, b = rng.normal(size=n_in), rng.normal(size=n_in), float(rng.normal())
        z = x @ w + b
        mistakes = [
            (np.tanh(x @ w), "Did you forget the bias? Add b to the weighted sum."),
            (z, "Did you forget the activation? Apply tanh to the whole of x · w + b."),
            (np.tanh(x @ w) + b,
             "The bias goes inside the activation: tanh of (x · w + b), not tanh(x · w) + b."),
            (np.tanh(x * w + b),
             "One neuron gives one number: multiply x and w entry by entry and add the "
             "products up (a dot product), not just x * w."),
            (np.tanh(np.sum(x * w + b)),
             "The bias is added once, after the weighted sum, not once per input."),
            (_sigmoid(z), "That is the sigmoid: this neuron uses np.tanh."),
            (_relu(z), "That is ReLU: this neuron uses np.tanh."),
        ]
        result = call(neuron, x.copy(), w.copy(), b, name="neuron", signature="neuron(x, w, b)",
                      returns=NUMBER, hint=hint_for((ValueError, TypeError), (
                          f"x {x.shape} and w {w.shape} are vectors of the same length: their "
                          "dot product x · w is one number, and b is one number too, the "
                          "neuron's bias.")))
        expect_array(result, np.tanh(z), f"neuron(x, w, b) with {n_in} inputs",
                     mistakes=mistakes, shape_hint="One neuron gives one number (shape ()).",
                     otherwise=HINT_2)
    passed("neuron computes tanh(x · w + b): right for 3 and 5 inputs.")


def check_layer_loop(layer_loop: Callable) -> None:
    """``layer_loop(X, W, b)``, sample by sample and neuron by neuron, equals tanh(X @ W + b)."""
    for X, W, b in _layer_cases():
        slips = _loop_slips(X, W, b) + _layer_slips(X, W, b)
        result = call(layer_loop, X.copy(), W.copy(), b.copy(), name="layer_loop",
                      signature="layer_loop(X, W, b)", returns=ARRAY,
                      hint=_error_hint(X, W, b, slips, "Entry (i, j) is neuron j on sample i."))
        mistakes = _computed(_layer_slips(X, W, b))
        if W.shape[0] == W.shape[1]:
            mistakes.insert(0, (np.tanh(X @ W.T + b),
                                "Neuron j's weights are column j of W, W[:, j]; W[j] is row j, "
                                "the weights that leave input j."))
        expect_array(result, np.tanh(X @ W + b), f"layer_loop on X {X.shape}", mistakes=mistakes,
                     shape_hint="Fill an array of shape (n_samples, n_out): H[i, j] is neuron j "
                                "on sample i.", otherwise=HINT_2)
    passed("layer_loop matches tanh(X @ W + b) on 2 batches, (5, 4) and (3, 3).")


def _computed(slips: Slips) -> list[tuple[np.ndarray, str]]:
    """The slips that numpy computes without an error, as (wrong answer, hint) for expect_array."""
    mistakes = []
    for wrong, why in slips:
        try:
            mistakes.append((np.asarray(wrong(), dtype=float), why))
        except (ValueError, IndexError):
            pass
    return mistakes


def check_layer_forward(layer_forward: Callable) -> None:
    """``layer_forward(X, W, b)`` is ``tanh(X @ W + b)``: one row per sample."""
    for X, W, b in _layer_cases():
        slips = _layer_slips(X, W, b)
        result = call(layer_forward, X.copy(), W.copy(), b.copy(), name="layer_forward",
                      signature="layer_forward(X, W, b)", returns=ARRAY,
                      hint=_error_hint(X, W, b, slips, "numpy could not line up the shapes."))
        expect_array(result, np.tanh(X @ W + b), f"layer_forward on X {X.shape}",
                     mistakes=_computed(slips),
                     shape_hint="Expected one row per sample and one column per neuron.",
                     otherwise=HINT_2)
    passed("layer_forward matches tanh(X @ W + b) on 2 batches, (5, 4) and (3, 3).")


def _as_shape(got, name: str, want: tuple[int, ...]) -> tuple[int, ...]:
    """The attendee's shape of ``name`` as a tuple of ints, or a sentence on what it is instead."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (tuple, list, np.ndarray, int,
                                                                  np.integer)):
        fail(f"The shape of {name} is {got!r}; expected the tuple {want}.",
             "Give each shape as a tuple of whole numbers, like (8, 25) or (25,).")
    if isinstance(got, (int, np.integer)):
        fail(f"The shape of {name} is the number {got}; expected the tuple {want}.",
             f"A shape is a tuple, even for a vector: write ({got},) with a comma; "
             f"({got}) is just the number {got}.")
    sizes = list(np.ravel(got)) if isinstance(got, np.ndarray) else list(got)
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))
               for d in sizes):
        fail(f"The shape of {name} is {got!r}; expected the tuple {want}.",
             "A shape is a tuple of whole numbers (ints), one per dimension, like (8, 25).")
    return tuple(int(d) for d in sizes)


def check_parameter_shapes(parameter_shapes: Callable, sizes=SIZES) -> None:
    """``parameter_shapes(sizes)`` lists the shapes of W1, b1, W2, b2, ... in that order.

    Checked for the course network's sizes and for (3, 4, 1).
    """
    for layer_sizes in [tuple(sizes), (3, 4, 1)]:
        expected = shapes_of(layer_sizes)
        names = parameter_names(layer_sizes)
        result = list(call(parameter_shapes, layer_sizes, name="parameter_shapes",
                           signature="parameter_shapes(sizes)",
                           returns=LIST.named(f"a list of {len(expected)} shapes")))
        if len(result) != len(expected):
            fail(f"parameter_shapes({layer_sizes}) returned {len(result)} shapes; expected "
                 f"{len(expected)}: {', '.join(names)}.",
                 f"{len(layer_sizes)} layer sizes make {len(layer_sizes) - 1} layers, each with "
                 "a weight matrix and a bias vector.")
        for name, got, want in zip(names, result, expected, strict=True):
            got = _as_shape(got, name, want)
            if got == want:
                continue
            if name.startswith("W") and got == want[::-1]:
                fail(f"{name} has shape {got}; expected {want}.",
                     "With samples in rows a layer computes X @ W, so W has one row per input "
                     "and one column per neuron: (n_in, n_out). (n_out, n_in) is the "
                     "samples-in-columns convention, W @ x.")
            if name.startswith("b") and got in [(want[0], 1), (1, want[0])]:
                fail(f"{name} has shape {got}; expected {want}.",
                     "A bias is a plain vector, one number per neuron: numpy adds it to every "
                     "row of X @ W. A column (n_out, 1) would be added the wrong way.")
            fail(f"{name} has shape {got}; expected {want} for layer sizes {layer_sizes}.",
                 "Layer k takes sizes[k - 1] inputs and has sizes[k] neurons: "
                 "W has shape (sizes[k - 1], sizes[k]) and b has shape (sizes[k],).")
    passed(f"parameter_shapes is right for layer sizes {tuple(sizes)} and (3, 4, 1).")
