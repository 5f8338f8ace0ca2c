"""Scores of a binary classifier, written out so that each is one line of numpy.

All take ``y_true`` and ``y_pred``: (n,) arrays of 0/1 labels (1 = pulsar).
"""
from __future__ import annotations

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """(2, 2) counts: rows are the true class, columns the predicted class.

    [[true negatives,  false positives],
     [false negatives, true positives ]]
    """
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}: "
                         "pass one predicted label per sample, e.g. y_hat.argmax(axis=1).")
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def accuracy(y_true, y_pred) -> float:
    """Fraction of samples labelled correctly."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def precision(y_true, y_pred) -> float:
    """Of the samples called pulsars, the fraction that are pulsars."""
    (_, fp), (_, tp) = confusion_matrix(y_true, y_pred)
    return float(tp / (tp + fp)) if tp + fp else 0.0


def recall(y_true, y_pred) -> float:
    """Of the real pulsars, the fraction that were found."""
    (_, _), (fn, tp) = confusion_matrix(y_true, y_pred)
    return float(tp / (tp + fn)) if tp + fn else 0.0


def scores(y_true, y_pred) -> dict[str, float]:
    """Accuracy, precision and recall in one dictionary (handy for a table)."""
    return {"accuracy": accuracy(y_true, y_pred),
            "precision": precision(y_true, y_pred),
            "recall": recall(y_true, y_pred)}
