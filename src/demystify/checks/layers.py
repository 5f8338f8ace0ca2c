"""Self-checks for notebook 03, the concepts exercises: a neuron, a layer, a batch, and shapes.

Each check runs the attendee's function on small fixed inputs and compares it with the
reference.  The inputs include a *square* case (as many samples as inputs as neurons) on
purpose: there, the classic slips -- ``W @ X`` instead of ``X @ W``, a bias reshaped into
a column, a neuron's weights taken from a row of ``W`` -- do not crash, they silently give
wrong numbers, and the check names them.

    from demystify.checks.layers import check_layer_forward
    check_layer_forward(layer_forward)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from demystify.reference import SIZES, parameter_names
from demystify.reference import parameter_shapes as shapes_of
from .core import ARRAY, LIST, NUMBER, call, expect_array, fail, hint_for, passed
from .unfinished import explain_unfinished

NOTEBOOK = "03-concepts-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell

__all__ = ["check_neuron", "check_layer_loop", "check_layer_forward", "check_parameter_shapes"]


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


def _shapes_hint(X, W, b, matmul_hint: str):
    """A hint for call(): what a numpy shape error (ValueError) in a layer probably means."""
    def hint(error: Exception) -> str | None:
        if not isinstance(error, ValueError):
            return None
        text = str(error)
        compact = text.replace(" ", "")
        if "broadcast" in text and _compact(X.shape) in compact and _compact(W.shape) in compact:
            return (f"numpy tried to combine X {X.shape} and W {W.shape} entry by entry. Did you "
                    "write X * W? * multiplies matching entries; a layer needs the matrix "
                    "product X @ W, which dots each row of X with each column of W.")
        if "broadcast" in text:
            return (f"numpy could not add the bias. X @ W has shape {(X.shape[0], W.shape[1])} "
                    f"and b, as given, has shape {b.shape}: numpy adds it to every row. Did you "
                    "reshape b into a column (b[:, None]), or compute the product the other "
                    "way round (W.T @ X.T)?")
        return f"The inputs were {_shapes(X=X, W=W, b=b)}. {matmul_hint}"
    return hint


def _compact(shape) -> str:
    """A shape as numpy's error messages print it: (5,4)."""
    return "(" + ",".join(str(d) for d in shape) + ")"


def _matmul_hint(X, W) -> str:
    n, n_in = X.shape
    n_out = W.shape[1]
    return (f"A product A @ B needs the columns of A to match the rows of B. With samples in "
            f"rows, X @ W lines up: X ({n}, {n_in}) @ W ({n_in}, {n_out}) -> ({n}, {n_out}), "
            "one row per sample. Did you write W @ X?")


def _layer_mistakes(X, W, b) -> list[tuple[np.ndarray, str]]:
    """Wrong answers a layer is often computed as, each with what probably happened.

    Some only exist for some shapes (W @ X needs a square batch): those are left out.
    """
    Z = X @ W + b
    candidates = [
        (lambda: np.tanh(W.T @ X.T + b[:, None]),
         "One row per sample: compute X @ W + b, shape (n_samples, n_out). "
         "Did you compute W.T @ X.T (samples in columns)?"),
        (lambda: np.tanh(W @ X + b),
         "Did you compute W @ X instead of X @ W? Samples are the rows of X, so X comes first."),
        (lambda: np.tanh(X @ W.T + b),
         "Did you use W.T? W already has shape (n_in, n_out): X @ W is all it takes."),
        (lambda: np.tanh(X * W + b),
         "Did you write X * W? * multiplies matching entries (it only ran because X and W "
         "happen to have the same shape here); a layer needs the matrix product X @ W."),
        (lambda: np.tanh(X @ W + b[:, None]),
         "Did you reshape b into a column? Then sample i gets bias b[i] in every neuron. "
         "Leave b as it is, shape (n_out,): numpy adds it to every row."),
        (lambda: np.tanh(X @ W),
         "Did you forget the bias? Add b after the product: np.tanh(X @ W + b)."),
        (lambda: Z, "Did you forget the activation? Apply np.tanh to X @ W + b."),
        (lambda: np.tanh(X @ W) + b,
         "The bias goes inside the activation: np.tanh(X @ W + b), not np.tanh(X @ W) + b."),
        (lambda: _sigmoid(Z), "That is the sigmoid: this layer uses np.tanh."),
        (lambda: _relu(Z), "That is ReLU: this layer uses np.tanh."),
    ]
    mistakes = []
    for wrong, hint in candidates:
        try:
            mistakes.append((wrong(), hint))
        except ValueError:
            pass
    return mistakes


def check_neuron(neuron: Callable) -> None:
    """``neuron(x, w, b)`` is ``tanh(x · w + b)`` for one sample: x (n_in,), w (n_in,), b a number."""
    rng = np.random.default_rng(5)
    for n_in in (3, 5):
        if n_in == 3:  # chosen so that x @ w + b < 0: ReLU and "no activation" then differ
            x, w, b = np.array([0.5, -1.0, 2.0]), np.array([0.3, 0.8, -0.4]), 0.1
        else:
            x, w, b = rng.normal(size=n_in), rng.normal(size=n_in), float(rng.normal())
        z = x @ w + b
        result = call(neuron, x.copy(), w.copy(), b, name="neuron", signature="neuron(x, w, b)",
                      returns=NUMBER, hint=hint_for(ValueError, (
                          f"x {x.shape} and w {w.shape} are vectors of the same length: their "
                          "dot product x @ w is one number.")))
        expect_array(result, np.tanh(z), f"neuron(x, w, b) with {n_in} inputs", mistakes=[
            (np.tanh(x @ w), "Did you forget the bias? Add b to the weighted sum: np.tanh(x @ w + b)."),
            (z, "Did you forget the activation? Apply np.tanh to x @ w + b."),
            (np.tanh(x @ w) + b,
             "The bias goes inside the activation: np.tanh(x @ w + b), not np.tanh(x @ w) + b."),
            (np.tanh(x * w + b),
             "One neuron gives one number: multiply x and w entry by entry and add the products "
             "up (x @ w or np.dot(x, w)), not just x * w."),
            (np.tanh(np.sum(x * w + b)),
             "The bias is added once, after the weighted sum, not once per input."),
            (_sigmoid(z), "That is the sigmoid: this neuron uses np.tanh."),
            (_relu(z), "That is ReLU: this neuron uses np.tanh."),
        ], shape_hint="One neuron gives one number (shape ()).")
    passed("neuron computes tanh(x · w + b): right for 3 and 5 inputs.")


def check_layer_loop(layer_loop: Callable) -> None:
    """``layer_loop(X, W, b)``, sample by sample and neuron by neuron, equals tanh(X @ W + b)."""
    for X, W, b in _layer_cases():
        hint = ("Neuron j's weights are column j of W, W[:, j] (one weight per input); "
                "W[j] is row j. Sample i is row i of X, X[i].")
        result = call(layer_loop, X.copy(), W.copy(), b.copy(), name="layer_loop",
                      signature="layer_loop(X, W, b)", hint=_shapes_hint(X, W, b, hint),
                      returns=ARRAY)
        mistakes = _layer_mistakes(X, W, b)
        if W.shape[0] == W.shape[1]:
            mistakes.insert(0, (np.tanh(X @ W.T + b),
                                "Neuron j's weights are column j of W, W[:, j]; W[j] is row j, "
                                "the weights that leave input j."))
        expect_array(result, np.tanh(X @ W + b), f"layer_loop on X {X.shape}", mistakes=mistakes,
                     shape_hint="Fill an array of shape (n_samples, n_out): H[i, j] is neuron j "
                                "on sample i.")
    passed("layer_loop matches tanh(X @ W + b) on 2 batches, (5, 4) and (3, 3).")


def check_layer_forward(layer_forward: Callable) -> None:
    """``layer_forward(X, W, b)`` is ``tanh(X @ W + b)``: one row per sample."""
    for X, W, b in _layer_cases():
        result = call(layer_forward, X.copy(), W.copy(), b.copy(), name="layer_forward",
                      signature="layer_forward(X, W, b)",
                      hint=_shapes_hint(X, W, b, _matmul_hint(X, W)), returns=ARRAY)
        expect_array(result, np.tanh(X @ W + b), f"layer_forward on X {X.shape}",
                     mistakes=_layer_mistakes(X, W, b),
                     shape_hint="Expected one row per sample and one column per neuron.")
    passed("layer_forward matches tanh(X @ W + b) on 2 batches, (5, 4) and (3, 3).")


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
            fail(f"parameter_shapes{layer_sizes} returned {len(result)} shapes; expected "
                 f"{len(expected)}: {', '.join(names)}.",
                 f"{len(layer_sizes)} layer sizes make {len(layer_sizes) - 1} layers, each with "
                 "a weight matrix and a bias vector.")
        for name, got, want in zip(names, result, expected, strict=True):
            if isinstance(got, (int, np.integer)):
                fail(f"The shape of {name} is the number {got}; expected the tuple {want}.",
                     f"A shape is a tuple, even for a vector: write ({got},) with a comma; "
                     f"({got}) is just the number {got}.")
            try:
                got = tuple(int(d) for d in got)
            except TypeError:
                fail(f"The shape of {name} is {got!r}; expected the tuple {want}.",
                     "Give each shape as a tuple of whole numbers, like (8, 25) or (25,).")
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
