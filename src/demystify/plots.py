"""The course's few recurring figures, so that every notebook draws them the same way."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

CLASS_NAMES = ("not a pulsar", "pulsar")
CLASS_COLOURS = ("#4c72b0", "#dd8452")


def use_course_style() -> None:
    """Figure size and fonts that read well on a projector as well as a laptop."""
    plt.rcParams.update({
        "figure.figsize": (7, 4), "figure.dpi": 100, "font.size": 12,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.alpha": 0.3,
    })


def plot_loss(losses, label: str | None = None, ax=None, ylabel: str = "loss"):
    """A training curve: loss (one value per step or epoch) against the step."""
    ax = ax or plt.gca()
    ax.plot(np.arange(1, len(losses) + 1), losses, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
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
