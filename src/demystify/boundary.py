"""What a classifier of two features has learnt, drawn over the plane.

    from demystify.boundary import plot_decision_boundary
    plot_decision_boundary(ax, probability, X, y, "our network")

``probability`` maps points (an (n, 2) array) to the probability of class 1 at each, (n,).
The plane around the data is shaded by that probability (blue for class 0, red for class 1),
the decision boundary (probability one half) is drawn as a line, and the samples on top.
"""
from __future__ import annotations

import numpy as np

CLASS_COLOURS = ("#2166ac", "#b2182b")   # class 0, class 1: the ends of the "RdBu_r" shading


def grid(X: np.ndarray, steps: int = 60, margin: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Two (steps, steps) arrays of coordinates covering the samples X (n, 2), with a margin."""
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    return np.meshgrid(np.linspace(low[0], high[0], steps), np.linspace(low[1], high[1], steps))


def probability_map(probability, X: np.ndarray, steps: int = 60):
    """(xx, yy, P): the grid around X and the probability of class 1 at each of its points."""
    xx, yy = grid(np.asarray(X, dtype=float), steps)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    P = np.asarray(probability(points), dtype=float)
    if P.shape != (len(points),):
        raise ValueError(f"probability returned shape {P.shape} for {len(points)} points; "
                         f"expected ({len(points)},): one probability per point.")
    return xx, yy, P.reshape(xx.shape)


def plot_decision_boundary(ax, probability, X, y, title: str = "", steps: int = 40):
    """Shade ax by probability(points) over the plane around X, draw the 0.5 line and the samples.

    X: (n, 2) samples   y: (n,) labels 0 or 1   probability: (m, 2) points -> (m,) in [0, 1]
    returns the probability grid (steps, steps), for tests and for a second look
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    xx, yy, P = probability_map(probability, X, steps)
    ax.contourf(xx, yy, P, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(xx, yy, P, levels=[0.5], colors="black", linewidths=1.5)
    for label, colour in enumerate(CLASS_COLOURS):
        ax.scatter(*X[y == label].T, s=14, color=colour, edgecolor="white", linewidth=0.5,
                   label=f"class {label}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return P
