"""The course's recurring figures, so that every notebook draws them the same way.

Loss curves (:func:`plot_loss`, on a log scale where the slow part of training matters), the
confusion matrix, the pulsar features by class (:func:`class_histograms`, :func:`pair_plot`),
a classifier's decision regions in two dimensions (:func:`plot_boundary`) and the spread of
a layer's tanh outputs (:func:`plot_activations`). Each takes the axes to draw on (``ax``)
and returns them; none sets a figure title over its axes.
"""
from __future__ import annotations

from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

CLASS_NAMES = ("not a pulsar", "pulsar")
CLASS_COLOURS = ("#4c72b0", "#dd8452")
REGION_COLOURS = ("#c8d4ea", "#f5d5bd")   # CLASS_COLOURS, pale: the background of decision regions


def use_course_style() -> None:
    """Figure size and fonts that read well on a projector as well as a laptop."""
    plt.rcParams.update({
        "figure.figsize": (7, 4), "figure.dpi": 100, "font.size": 12,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.alpha": 0.3,
    })


def plain_log_scale(ax, axis: str = "y") -> None:
    """A logarithmic axis labelled with plain numbers (0.05, 0.1, 0.2, 0.5), not powers of ten."""
    scaled = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    scaled.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    scaled.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    scaled.set_minor_locator(NullLocator())


def plot_loss(losses, label: str | None = None, ax=None, ylabel: str = "loss", xlabel: str = "step",
              first: int = 1, log: bool = False, **style):
    """A training curve: loss (one value per step or epoch) against the step.

    first: the number of the first value (1: the loss before step 1; 0: a curve that starts
    with the loss before any training, then one value after each epoch).
    log: a logarithmic loss axis, where the slow second phase of training shows.
    style: passed on to ``ax.plot`` (color, linestyle, ...).
    """
    ax = ax or plt.gca()
    ax.plot(np.arange(first, first + len(losses)), losses, label=label, **style)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log:
        plain_log_scale(ax)
    if label:
        ax.legend()
    return ax


def plot_confusion(matrix: np.ndarray, title: str = "", ax=None):
    """A 2x2 confusion matrix (rows: true class, columns: predicted) with its counts written in."""
    ax = ax or plt.gca()
    ax.imshow(matrix, cmap="Blues")
    ax.grid(False)
    for (row, column), count in np.ndenumerate(matrix):
        colour = "white" if count > matrix.max() / 2 else "black"
        ax.text(column, row, f"{count:,}", ha="center", va="center", color=colour, fontsize=14)
    ax.set_xticks([0, 1], [f"predicted\n{name}" for name in CLASS_NAMES])
    ax.set_yticks([0, 1], [f"true\n{name}" for name in CLASS_NAMES])
    ax.set_title(title)
    return ax


# --- the pulsar features, class by class --------------------------------------------------

def visible_range(values) -> tuple[float, float]:
    """The 0.5th to 99.5th percentile of ``values``: a few extreme values would squash the rest."""
    low, high = np.quantile(np.asarray(values, dtype=float), [0.005, 0.995])
    return float(low), float(high)


def class_histograms(frame, feature: str, ax=None, bins: int = 40):
    """One histogram per class of ``feature`` (a column of ``frame``, labels in ``frame.label``),
    each of area 1 so that the small class shows, over the feature's visible range."""
    ax = ax or plt.gca()
    edges = np.linspace(*visible_range(frame[feature]), bins)
    for label in (0, 1):
        ax.hist(frame.loc[frame["label"] == label, feature], bins=edges, density=True, alpha=0.6,
                color=CLASS_COLOURS[label], label=CLASS_NAMES[label])
    ax.set_yticks([])
    return ax


def pair_plot(frame, features: list[str], size: tuple[float, float] = (8.5, 6.0)):
    """Each feature against each other (pulsars drawn on top), class histograms on the diagonal.

    frame: a DataFrame with the ``features`` and a 0/1 ``label`` column.
    returns the figure, a len(features) x len(features) grid of axes
    """
    n = len(features)
    fig, axes = plt.subplots(n, n, figsize=size)
    for row, y_feature in enumerate(features):
        for column, x_feature in enumerate(features):
            ax = axes[row, column]
            if row == column:
                class_histograms(frame, x_feature, ax, bins=30)
            else:
                for label in (0, 1):
                    part = frame[frame["label"] == label]
                    ax.scatter(part[x_feature], part[y_feature], s=2, alpha=0.3, rasterized=True,
                               color=CLASS_COLOURS[label], label=CLASS_NAMES[label])
                ax.set_xlim(*visible_range(frame[x_feature]))
                ax.set_ylim(*visible_range(frame[y_feature]))
            ax.tick_params(labelsize=8)
            ax.set_xlabel(x_feature if row == n - 1 else "", fontsize=10)
            ax.set_ylabel(y_feature if column == 0 else "", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))   # room above the grid for the legend, clear of the points
    legend = fig.legend(*axes[0, -1].get_legend_handles_labels(), loc="upper center", ncol=2,
                        markerscale=6, frameon=False)
    for handle in legend.legend_handles:
        handle.set_alpha(1.0)
    return fig


# --- what a classifier does in two dimensions -------------------------------------------------

def plot_boundary(score: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                  ax=None, title: str = "", resolution: int = 100, margin: float = 0.4):
    """A two-feature classifier's decision regions, with the points on top in their class colour.

    score: points (m, 2) -> (m,): the probability of class 1 at each, or a predicted label 0/1
    X: (n, 2)   y: (n,) 0/1
    The background is shaded from class 0's colour to class 1's by ``score`` on a
    resolution x resolution grid that covers the points with ``margin`` to spare; the black
    line, where the score crosses one half, is the decision boundary.
    """
    ax = ax or plt.gca()
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    (x_low, y_low), (x_high, y_high) = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.meshgrid(np.linspace(x_low, x_high, resolution), np.linspace(y_low, y_high, resolution))
    points = np.column_stack([xs.ravel(), ys.ravel()])
    scores = np.asarray(score(points), dtype=float)
    if scores.shape != (len(points),):
        raise ValueError(f"the classifier returned shape {scores.shape} for {len(points)} points; "
                         f"expected ({len(points)},): one score (a probability or a label) per point.")
    scores = scores.reshape(xs.shape)
    ax.pcolormesh(xs, ys, scores, cmap=LinearSegmentedColormap.from_list("regions", REGION_COLOURS),
                  vmin=0, vmax=1, shading="auto", rasterized=True)
    if scores.min() < 0.5 < scores.max():
        ax.contour(xs, ys, scores, levels=[0.5], colors="black", linewidths=1.2)
    for label in (0, 1):
        ax.scatter(*X[y == label].T, s=14, color=CLASS_COLOURS[label], edgecolor="white", linewidth=0.4)
    ax.set(xlim=(x_low, x_high), ylim=(y_low, y_high), xticks=[], yticks=[], title=title)
    ax.grid(False)
    return ax


# --- tanh units at work, or pinned --------------------------------------------------------------

def plot_activations(H: np.ndarray, ax=None, title: str = "", bins: int = 40, colour: str = "C0"):
    """Where a layer's tanh outputs lie: the share of the entries of H in each of ``bins`` bins
    over [-1, 1], in percent. A healthy layer spreads over the range; a saturated one piles
    up at -1 and 1, where tanh is flat."""
    ax = ax or plt.gca()
    values = np.asarray(H, dtype=float).ravel()
    ax.hist(values, bins=np.linspace(-1, 1, bins + 1), weights=np.full(values.size, 100 / values.size),
            color=colour)
    ax.set(xlim=(-1.05, 1.05), xlabel="tanh output", ylabel="% of the outputs", title=title)
    return ax

