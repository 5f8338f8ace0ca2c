"""Gradient descent on the course network in numpy: the training runs behind Part 1's figures.

Notebooks 02, 07 and 09 train the course's tanh network (``reference``: the forward pass,
the mean squared error to one-hot targets, and backpropagation by hand, ``numpy_gradient``)
to show what training does: full batch against mini-batches, one learning rate against
another, training loss against validation loss, a network whose tanh units saturate::

    from demystify.training import gradient_descent, validation_split
    rows = validation_split()                      # training rows, minus a validation quarter
    run = gradient_descent(init_params(), rows.X_train, one_hot(rows.y_train),
                           batch_size=64, epochs=30,
                           validation=(rows.X_val, one_hot(rows.y_val)))
    run.losses, run.held_out                       # one value per epoch, and one at the start

Everything is seeded: the same arguments give the same numbers on every call.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .data import PulsarSplit, Standardiser, pulsar_split, train_test_split
from .reference import LEARNING_RATE, SEED, STEPS, loss, numpy_gradient


class Run(NamedTuple):
    """What a training run leaves: the trained parameters and its loss curves."""
    params: list           # [W1, b1, W2, b2, ...] after the last epoch
    losses: list[float]    # loss on all the training rows: at the start, then after each epoch
    held_out: list[float]  # the same on the validation rows ([] without them)


def gradient_descent(params: list, X: np.ndarray, Y: np.ndarray,
                     learning_rate: float = LEARNING_RATE, epochs: int = STEPS,
                     batch_size: int | None = None, seed: int = SEED,
                     validation: tuple[np.ndarray, np.ndarray] | None = None) -> Run:
    """Epochs of gradient descent on the course's loss, from ``params`` (left unchanged).

    X: (n, n_in) features   Y: (n, n_out) one-hot targets   validation: (X_val, Y_val) or None
    batch_size None: full batch, one step per epoch on all n rows. Otherwise each epoch
    shuffles the rows (a generator seeded with ``seed``) and takes one step per batch of
    ``batch_size`` rows, the last batch holding what is left: ceil(n / batch_size) steps.
    Every step is p <- p - learning_rate * dL/dp, with the gradient of the batch's loss.
    Records the loss on all of X, Y (and on the validation rows) before the first epoch and
    after each one: ``epochs + 1`` values.
    """
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be a positive number of rows or None, not {batch_size}.")
    rng = np.random.default_rng(seed)
    n = len(X)
    losses, held_out = [], []

    def record():
        losses.append(float(loss(params, X, Y)))
        if validation is not None:
            held_out.append(float(loss(params, *validation)))

    record()
    for _ in range(epochs):
        batches = ([slice(None)] if batch_size is None
                   else np.split(rng.permutation(n), np.arange(batch_size, n, batch_size)))
        for rows in batches:
            gradient = numpy_gradient(params, X[rows], Y[rows])
            params = [p - learning_rate * g for p, g in zip(params, gradient, strict=True)]
        record()
    return Run(params, losses, held_out)


class ValidationSplit(NamedTuple):
    """The training rows of the course's split, cut in two: rows to train on, rows to choose with."""
    X_train: np.ndarray   # (1844, 8) standardised with ``scaler``
    X_val: np.ndarray     # (614, 8) the validation rows, standardised with the same scaler
    y_train: np.ndarray   # (1844,) 0 or 1
    y_val: np.ndarray     # (614,)
    scaler: Standardiser  # fitted on X_train alone: the validation rows shape nothing


def validation_split(split: PulsarSplit | None = None, fraction: float = 0.25,
                     seed: int = SEED) -> ValidationSplit:
    """Carve validation rows out of the training rows of ``split`` (default ``pulsar_split()``).

    The test rows are not touched: they stay for the final comparison of models. The
    training rows are unstandardised, split with ``data.train_test_split`` (a seeded
    ``fraction`` of each class becomes validation rows) and standardised again with a scaler
    fitted on the remaining training rows only, as ``pulsar_split`` does for the test rows.
    """
    split = split if split is not None else pulsar_split()
    raw = split.X_train * split.scaler.std + split.scaler.mean
    X_train, X_val, y_train, y_val = train_test_split(raw, split.y_train, fraction, seed)
    scaler = Standardiser.fit(X_train)
    return ValidationSplit(scaler(X_train), scaler(X_val), y_train, y_val, scaler)


def gradient_sizes(params: list, X: np.ndarray, Y: np.ndarray) -> list[float]:
    """The root mean square of dL/dW for each weight matrix W1, W2, ...: how hard each layer is pushed."""
    return [float(np.sqrt(np.mean(g ** 2))) for g in numpy_gradient(params, X, Y)[::2]]


def saturated(H: np.ndarray, beyond: float = 0.99) -> float:
    """The fraction of the entries of H beyond ±``beyond``: tanh units pinned at -1 or 1, where
    tanh is flat and its slope, 1 - H**2, is below 0.02."""
    return float(np.mean(np.abs(np.asarray(H)) > beyond))
