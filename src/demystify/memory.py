"""What reverse mode keeps in memory between the forward and the backward pass (notebook 15).

    from demystify.memory import held_by, graph_bytes, torch_saved_bytes, bytes_per_row

    out, held = held_by(loss, leaves, X, Y)     # bytes the call left allocated while out lives
    graph_bytes(out)                            # the values of every node of a scratchgrad graph
    _, saved = torch_saved_bytes(loss, params, X, Y, inputs=[X, Y, *params])
    bytes_per_row([64, 2458], [held_64, held_2458])

A recorded call keeps its graph alive through its output: every node holds its value (and its
arguments) until the backward pass has used them.  :func:`held_by` measures that with
``tracemalloc`` (which sees Python's objects and numpy's arrays); :func:`graph_bytes` counts the
same values from the graph itself, as a cross-check; :func:`torch_saved_bytes` counts what
PyTorch keeps instead, the tensors its backward formulas ask for.
"""
from __future__ import annotations

import gc
import tracemalloc
from typing import Callable, Iterable

import numpy as np


def held_by(function: Callable, *args) -> tuple[object, int]:
    """``(function(*args), bytes it left allocated)``: what the result keeps alive, in bytes.

    Measured with tracemalloc after a garbage collection; a few hundred bytes of Python's own
    bookkeeping (free lists, caches) come and go with the call.
    """
    gc.collect()
    started = tracemalloc.is_tracing()
    if not started:
        tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        result = function(*args)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        if not started:
            tracemalloc.stop()
    return result, after - before


def graph_bytes(end) -> int:
    """Bytes of the values of ``end`` and of every node it was computed from, each node once.

    ``end``: a scratchgrad Node (anything with ``.value`` and ``.parents``, ((i, node), ...)).
    """
    seen, stack, total = {id(end)}, [end], 0
    while stack:
        node = stack.pop()
        total += np.asarray(node.value).nbytes
        for _, parent in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return total


def torch_saved_bytes(function: Callable, *args, inputs: Iterable = ()) -> tuple[object, int]:
    """``(function(*args), bytes of the tensors PyTorch's graph saves for its backward pass)``.

    Each saved tensor is counted once by its storage (a tanh's output that the next matmul
    saves too is one array); the storages of ``inputs`` (the data, the parameters) are not
    counted, since they exist anyway.
    """
    import torch

    storages: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = function(*args)
    given = {tensor.untyped_storage().data_ptr() for tensor in inputs}
    return result, sum(size for pointer, size in storages.items() if pointer not in given)


def bytes_per_row(rows: Iterable[int], sizes: Iterable[float]) -> float:
    """The slope of memory against batch size: least squares through (rows, sizes)."""
    slope, _ = np.polyfit(np.asarray(list(rows), float), np.asarray(list(sizes), float), 1)
    return float(slope)

