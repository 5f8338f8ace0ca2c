"""A text progress bar for training loops that reads the same in a notebook and a terminal.

    for epoch in progress(range(300), "training"):
        ...

It is tqdm's plain-text bar written to standard output (not the red stderr
box of a notebook, and not a widget that needs ipywidgets).
"""
from __future__ import annotations

import sys
from typing import Iterable, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(iterable: Iterable[T], description: str = "", total: int | None = None) -> tqdm:
    """Wrap ``iterable`` in a progress bar; ``bar.set_postfix(loss=...)`` shows a live value."""
    # A fixed bar width: with tqdm's default the bar fills what the text leaves, so its
    # length changed with the speed ("980.1it/s" vs "1020.4it/s") and a notebook's saved
    # output with it, even though tests/sanitize.cfg masks the speed itself.
    return tqdm(iterable, desc=description, total=total, file=sys.stdout,
                bar_format="{l_bar}{bar:30}{r_bar}", mininterval=0.5, ascii=False)
