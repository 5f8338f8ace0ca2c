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
    return tqdm(iterable, desc=description, total=total, file=sys.stdout,
                ncols=90, mininterval=0.5, ascii=False)
