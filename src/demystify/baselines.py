"""The PyTorch baseline: notebook 05's network and training recipe in one call.

Notebook 05 (``05-pytorch-baseline``) trains the course's tanh network (``reference.SIZES``)
with ``torch.nn`` and explains every step. This module is the same recipe, so that later
notebooks can show "PyTorch baseline" beside their own network's scores::

    from demystify.baselines import pytorch_baseline
    model, baseline_scores = pytorch_baseline()   # under a second
    baseline_scores["accuracy"]                    # held-out accuracy, about 0.95
    (model, baseline_scores), losses = train_baseline()   # the same, with its loss curve

The recipe, the facts of :mod:`demystify.reference` in torch: float64 ``nn.Sequential`` of
``Linear``/``Tanh`` layers (tanh after every layer), Xavier/Glorot normal weights (std
``sqrt(2 / (n_in + n_out))``) and zero biases drawn after ``torch.manual_seed(SEED)``, mean
squared error against one-hot targets, full-batch gradient descent with ``LEARNING_RATE``
for ``STEPS`` steps, on one thread.
Notebook 05 checks that this function gives exactly the weights it trains itself.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from .data import PulsarSplit, one_hot, pulsar_split
from .metrics import scores as score
from .reference import LEARNING_RATE, SEED, SIZES, STEPS, layer_pairs


class Baseline(NamedTuple):
    """A trained baseline network and its scores on the held-out rows of its split."""
    model: nn.Sequential
    scores: dict[str, float]   # accuracy, precision, recall on split.X_test


def build_network(sizes=SIZES) -> nn.Sequential:
    """The course's dense tanh network in float64, Xavier-normal weights, zero biases.

    Draws from torch's global generator: seed it first (``torch.manual_seed``).
    sizes: (n_in, hidden..., n_out); the model maps (n, n_in) to (n, n_out).
    """
    layers = []
    for n_in, n_out in layer_pairs(sizes):
        layers += [nn.Linear(n_in, n_out, dtype=torch.float64), nn.Tanh()]
    model = nn.Sequential(*layers)
    for layer in model:          # then the course's initialisation, layer by layer
        if isinstance(layer, nn.Linear):
            nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def train(model: nn.Module, X: np.ndarray, y: np.ndarray, steps: int = STEPS,
          learning_rate: float = LEARNING_RATE) -> list[float]:
    """Full-batch gradient descent on the mean squared error to one-hot targets.

    X: (n, n_in) standardised features   y: (n,) labels 0/1
    Trains ``model`` in place; returns the loss before each step (``steps`` values).
    """
    inputs = torch.from_numpy(np.asarray(X, dtype=np.float64))
    targets = torch.from_numpy(one_hot(y))
    optimiser = torch.optim.SGD(model.parameters(), lr=learning_rate)
    loss_function = nn.MSELoss()
    losses = []
    for _ in range(steps):
        optimiser.zero_grad()
        loss = loss_function(model(inputs), targets)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return losses


def predict(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """Predicted labels (n,) for features X (n, n_in): the larger of the two outputs."""
    with torch.no_grad():
        outputs = model(torch.from_numpy(np.asarray(X, dtype=np.float64)))
    return outputs.argmax(dim=1).numpy()


def train_baseline(split: PulsarSplit | None = None, steps: int = STEPS,
                   learning_rate: float = LEARNING_RATE, seed: int = SEED
                   ) -> tuple[Baseline, list[float]]:
    """Notebook 05's recipe, with its loss curve: ``(Baseline(model, scores), losses)``.

    Trains the course's tanh network on ``split`` (default ``pulsar_split()``) and scores it
    on the split's held-out rows; ``losses`` has one value per step, the loss before it.
    Deterministic: the same split and seed give identical weights on every call. It runs
    on one thread (faster and steadier for a network this small) and leaves torch's global
    random state and thread count as it found them.
    """
    split = split if split is not None else pulsar_split()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = build_network((split.X_train.shape[1],) + SIZES[1:])
            losses = train(model, split.X_train, split.y_train, steps, learning_rate)
    finally:
        torch.set_num_threads(threads)
    return Baseline(model, score(split.y_test, predict(model, split.X_test))), losses


def pytorch_baseline(split: PulsarSplit | None = None, steps: int = STEPS,
                     learning_rate: float = LEARNING_RATE, seed: int = SEED) -> Baseline:
    """Notebook 05's recipe: train the course's tanh network on ``split`` (default
    ``pulsar_split()``) and score it on the split's held-out rows.

    The same as ``train_baseline(...)[0]``: deterministic, on one thread, and without side
    effects on torch's global random state and thread count.
    """
    return train_baseline(split, steps, learning_rate, seed)[0]
