"""Draw the graph that a function records: one box per node, its operation and shape.

    scratchgrad.draw(loss, params, X, Y)     # a Drawing: a picture in a notebook

Every array or float argument (or list/tuple/dict of them) becomes a leaf, named after
its parameter ('X', 'params[0]'), so the drawing shows the data as well as the
parameters.  ``draw(node)`` draws the graph behind a traced value instead.  Where
graphviz's ``dot`` is missing, the Drawing shows the same graph as text.
"""
from __future__ import annotations

import numpy as np

from demystify.drawing import Drawing
from scratchgrad.graph import Node, argument_names, make_leaves, reverse_topological


def draw(fun, *args, **kwargs) -> Drawing:
    """The graph that ``fun(*args, **kwargs)`` records, or the graph behind the node ``fun``.

    Inputs are grey ellipses labelled with their name and shape; operations are boxes
    labelled with the operation and the shape of its result; the output is bold.
    """
    if isinstance(fun, Node):
        return drawing_of(fun)
    names = argument_names(fun)
    traced = [make_leaves(arg, names[i] if i < len(names) else f"argument {i}")
              if is_numeric(arg) else arg for i, arg in enumerate(args)]
    end = fun(*traced, **kwargs)
    if not isinstance(end, Node):
        raise TypeError(f"{fun.__name__} returned a plain value: it does not use its arguments "
                        f"through scratchgrad.numpy, so there is no graph to draw.")
    return drawing_of(end)


def drawing_of(end: Node) -> Drawing:
    """A Drawing of ``end`` and every node it was computed from, inputs first."""
    drawing = Drawing(rankdir="LR")
    order = reverse_topological(end)[::-1]
    number = {node: i for i, node in enumerate(order)}     # graphviz names: n0, n1, ...
    for node in order:
        shape = "×".join(map(str, node.shape)) or "scalar"
        if node.parents:
            drawing.node(f"n{number[node]}", f"{node.op}\n{shape}", shape="box",
                         style="bold" if node is end else "solid")
        else:
            drawing.node(f"n{number[node]}", f"{node.name or 'input'}\n{shape}",
                         shape="ellipse", style="filled", fillcolor="#e8e8e8")
        for parent, _ in node.parents:
            drawing.edge(f"n{number[parent]}", f"n{number[node]}")
    return drawing


def is_numeric(x) -> bool:
    """Whether x is a float array or number, or a non-empty list/tuple/dict of only those."""
    if isinstance(x, dict):
        return bool(x) and all(map(is_numeric, x.values()))
    if isinstance(x, (list, tuple)):
        return bool(x) and all(map(is_numeric, x))
    if isinstance(x, np.ndarray):
        return x.dtype.kind == "f"
    return isinstance(x, (float, np.floating))
