"""Small two-dimensional data sets for pictures of what a network learns.

    from demystify.toys import two_moons
    X, y = two_moons(200)          # X (200, 2), y (200,) labels 0/1

Two interleaved half circles ("moons"): no straight line separates the classes, so a
linear model cannot classify them, while a network with one tanh or ReLU hidden layer
can.  Written with numpy alone (no scikit-learn), seeded, the same on every machine.
"""
from __future__ import annotations

import numpy as np

from demystify.reference import SEED


def two_moons(n: int = 200, noise: float = 0.15, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on two interleaved half circles, with Gaussian noise, shuffled.

    Class 0 is the upper moon, centred at (0, 0); class 1 the lower one, centred at
    (1, 0.5) and upside down, so that each reaches into the other's hollow.
    returns X (n, 2) float and y (n,) int, about half of each class
    """
    if n < 2:
        raise ValueError(f"two_moons needs at least 2 points (one per moon), not {n}.")
    rng = np.random.default_rng(seed)
    upper = n // 2
    angles = np.concatenate([np.linspace(0, np.pi, upper), np.linspace(0, np.pi, n - upper)])
    y = np.repeat([0, 1], [upper, n - upper])
    X = np.column_stack([np.cos(angles), np.sin(angles)])
    X[y == 1] = [1.0, 0.5] - X[y == 1]          # the second moon: shifted and turned over
    X += rng.normal(0.0, noise, X.shape)
    order = rng.permutation(n)
    return X[order], y[order]
