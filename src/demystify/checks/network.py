"""What the checks of the Part 1 network share (notebooks 06 and 10): its list of parameters,
and the slips of a forward pass, named from the error numpy raises.

The parameters are one flat list ``[W1, b1, W2, b2, ...]`` (:mod:`demystify.reference`),
samples in rows, ``H = tanh(H_in @ W + b)`` after every layer::

    params = expect_params(result, sizes, "init_params(...) returned")
    call(forward, params, X, ..., hint=forward_hint(sizes, params, X))
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from demystify.reference import layer_outputs, parameter_names, parameter_shapes

from .core import expect_arrays, fail, raised_alike

Slip = tuple[Callable[[], object], str]     # (a wrong computation, what probably happened)


def _shape_hint(name: str, got: tuple, want: tuple) -> str:
    """What an entry of the parameter list with the wrong shape probably means."""
    if name.startswith("W") and got == want[::-1]:
        return "Samples are rows, so a layer computes H @ W: W is (n_in, n_out)."
    if name.startswith("b") and got in [(want[0], 1), (1, want[0])]:
        return "A bias is a plain vector, shape (n_out,): numpy adds it to every row."
    return "W_k is (sizes[k-1], sizes[k]) and b_k is (sizes[k],), a plain vector."


def expect_params(value, sizes, what: str) -> list[np.ndarray]:
    """``value`` as the network's parameters [W1, b1, ...] (float arrays), or fail with a
    sentence on its structure: None, not a list, pairs instead of one flat list, too few or too
    many, an entry that is not an array of numbers or has the wrong shape.

    what: how the sentence starts, "init_params(...) returned"
    """
    return expect_arrays(value, parameter_shapes(sizes), what, parameter_names(sizes),
                         shape_hint=_shape_hint)


def _layer_slips(k: int, H, W, b, h: str) -> list[Slip]:
    """The slips of layer k (input H, named h) that numpy refuses, each with its hint."""
    return [
        (lambda: W @ H, f"Did you write W{k} @ {h}? Samples are rows, so each layer is H @ W + b, "
                        f"the input first: {h} {H.shape} @ W{k} {W.shape}."),
        (lambda: np.dot(W, H), f"Did you write np.dot(W{k}, {h})? Samples are rows, so the input "
                               f"comes first: {h} {H.shape} times W{k} {W.shape}."),
        (lambda: H @ W.T, f"Did you use W{k}.T? W{k} already has shape {W.shape}, (n_in, n_out): "
                          f"{h} @ W{k} is all it takes."),
        (lambda: H * W, f"Did you write {h} * W{k}? * multiplies entry by entry; a layer needs the "
                        f"matrix product {h} @ W{k}."),
        (lambda: W.T @ H.T + b, f"Did you compute W{k}.T @ {h}.T (samples in columns)? Keep the "
                                f"samples in rows: {h} @ W{k} + b{k}."),
        (lambda: H @ W + b[:, None], f"Did you reshape b{k} into a column? Leave it {b.shape}: "
                                     "numpy adds it to every row."),
    ]


def _order_slips(k: int, H, params, names: list[str]) -> list[Slip]:
    """Layer k computed with the parameters taken in another order (W1, W2, W3, b1, ... unpacked)."""
    h, W = "X" if k == 1 else f"H{k - 1}", params[2 * k - 2]
    order = ("params is [" + ", ".join(names) + "]: weights and biases alternate, so layer k "
             "takes params[2k - 2] and params[2k - 1].")
    slips = [(lambda A=A: H @ A, f"Did you take the parameters in another order ({h} @ "
                                 f"{names[i]} in layer {k})? {order}")
             for i, A in enumerate(params) if i != 2 * k - 2]
    return slips + [(lambda B=B: H @ W + B, f"Did you take the parameters in another order "
                                            f"({h} @ W{k} + {names[j]} in layer {k})? {order}")
                    for j, B in enumerate(params) if j != 2 * k - 1]


def forward_slips(sizes, params, X, Y=None) -> list[Slip]:
    """Every slip of a forward pass (and, given Y, of the error Y_hat - Y) that makes numpy
    fail, layer by layer: the first layer's first, since numpy stops at the first failure."""
    Hs = layer_outputs(params, X)
    names = parameter_names(sizes)
    slips = []
    for k, (W, b) in enumerate(zip(params[::2], params[1::2], strict=True), start=1):
        slips += _layer_slips(k, Hs[k - 1], W, b, "X" if k == 1 else f"H{k - 1}")
        slips += _order_slips(k, Hs[k - 1], params, names)
    if Y is not None:
        last = len(Hs) - 1
        slips += [(lambda H=H: H - Y, f"Did you stop after layer {k}? H{k} has shape {H.shape} and "
                                      f"Y {Y.shape}: carry on through all {last} layers.")
                  for k, H in enumerate(Hs[1:-1], start=1)]
    return slips


def forward_hint(sizes, params, X, Y=None, otherwise: str | None = None
                 ) -> Callable[[BaseException], str | None]:
    """A hint for call() when a forward pass (or a loss) raised: the slip that raises the very
    same error, or else ``otherwise``, or what the shapes are and how they line up."""
    def hint(error: BaseException) -> str | None:
        if not isinstance(error, (ValueError, IndexError)):
            return None
        alike = list(dict.fromkeys(raised_alike(error, [(why, wrong) for wrong, why in
                                                        forward_slips(sizes, params, X, Y)])))
        if alike:
            return "\nOr: ".join(alike[:2])
        if otherwise:
            return otherwise
        walk = " -> ".join([f"X {X.shape}"] + [f"H{k} ({X.shape[0]}, {n})"
                                                for k, n in enumerate(sizes[1:-1], start=1)]
                           + [f"Y_hat ({X.shape[0]}, {sizes[-1]})"])
        return (f"params is [{', '.join(parameter_names(sizes))}], of shapes "
                f"{[tuple(p.shape) for p in params]}. Samples are rows, so each layer is "
                f"H @ W + b and the shapes go {walk}.")
    return hint


def expect_unchanged(given, kept, name: str) -> None:
    """Fail if the attendee's ``name`` changed the parameters it was given (``given``, compared
    with the copy ``kept``): a later cell would then work on parameters nobody asked for."""
    changed = not isinstance(given, list) or len(given) != len(kept) or any(
        not isinstance(p, np.ndarray) or p.shape != q.shape or not np.array_equal(p, q)
        for p, q in zip(given, kept, strict=False))
    if changed:
        fail(f"{name} changed the parameters it was given (the list params or its arrays).",
             f"Read params in {name}, do not change it: build new arrays (H = ...) instead of "
             "writing into W or b, and leave the list as it is (no pop, no assignment into it).")
