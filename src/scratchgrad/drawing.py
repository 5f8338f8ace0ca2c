"""Draw a graph of computations: one box per operation, its name and the shape of its result.

    scratchgrad.draw(loss, params, X, Y)     # a Drawing: a picture in a notebook
    scratchgrad.draw(node)                   # the graph behind a traced value

Every array or float argument (or list/tuple/dict of them) becomes a leaf, named after
its parameter ('X', 'params[0]'), so the drawing shows the data as well as the
parameters.

A :class:`Drawing` is a directed graph that shows an SVG where graphviz's ``dot``
program is installed and a readable text listing of the same nodes and edges where it
is not, instead of crashing the notebook.  The ``graphviz`` Python package only writes
the DOT language; pip does not install ``dot`` (conda-forge's ``graphviz`` does; on
Debian/Ubuntu ``apt-get install graphviz``; on macOS ``brew install graphviz``; on
Windows ``winget install graphviz``)::

    drawing = Drawing(rankdir="LR")
    drawing.node("x", "x\\n(8,)")
    drawing.node("h", "tanh\\n(25,)")
    drawing.edge("x", "h")
    drawing          # displays the picture, or the text fallback
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

import graphviz
import numpy as np

from scratchgrad.core import Node, make_leaves, topological_order
from scratchgrad.trees import argument_names

INSTALL_DOT = ("graphviz's `dot` program is not installed, so this graph is shown as text. "
               "To draw it: `conda install -c conda-forge graphviz`, `apt-get install graphviz`, "
               "`brew install graphviz` or `winget install graphviz`, then restart the kernel.")


@lru_cache(maxsize=1)
def dot_version() -> str | None:
    """The version line of graphviz's ``dot`` (e.g. 'dot - graphviz version 2.43.0'), or None."""
    if shutil.which("dot") is None:
        return None
    try:
        result = subprocess.run(["dot", "-V"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return (result.stderr or result.stdout).strip() or None


def has_dot() -> bool:
    return dot_version() is not None


class Drawing:
    """A directed graph that renders with graphviz when it can and as text when it cannot.

    ``node(name, label, **attributes)`` and ``edge(tail, head, **attributes)`` take the
    same arguments as ``graphviz.Digraph``; ``graph`` holds the Digraph itself
    for anything more (clusters, ranks).
    """

    def __init__(self, rankdir: str = "LR", **graph_attributes: str) -> None:
        self.graph = graphviz.Digraph(graph_attr={"rankdir": rankdir, **graph_attributes},
                                      node_attr={"fontname": "Helvetica", "fontsize": "11"},
                                      edge_attr={"arrowsize": "0.7"})
        self.labels: dict[str, str] = {}
        self.edges: list[tuple[str, str]] = []

    def node(self, name: str, label: str | None = None, **attributes: str) -> "Drawing":
        self.labels[name] = label if label is not None else name
        self.graph.node(name, label, **attributes)
        return self

    def edge(self, tail: str, head: str, **attributes: str) -> "Drawing":
        self.edges.append((tail, head))
        self.graph.edge(tail, head, **attributes)
        return self

    def text(self) -> str:
        """The graph as text: each node with the nodes it is computed from."""
        inputs: dict[str, list[str]] = {name: [] for name in self.labels}
        for tail, head in self.edges:
            inputs.setdefault(head, []).append(tail)
        flat = {name: label.replace("\n", " ") for name, label in self.labels.items()}
        lines = []
        for name, sources in inputs.items():
            line = flat.get(name, name)
            if sources:
                line += "  <-  " + ", ".join(flat.get(s, s) for s in sources)
            lines.append(line)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Drawing: {len(self.labels)} nodes, {len(self.edges)} edges>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        if has_dot():
            return {"image/svg+xml": self.graph.pipe(format="svg", encoding="utf-8"),
                    "text/plain": repr(self)}
        return {"text/plain": self.text() + "\n\n" + INSTALL_DOT}


# --- the graph that a function records ---------------------------------------------


def draw(fun, *args, **kwargs) -> Drawing:
    """The graph that ``fun(*args, **kwargs)`` records, or the graph behind the node ``fun``.

    Inputs are grey ellipses labelled with their name and shape; operations are boxes
    labelled with the operation and the shape of its result; the output is bold.
    """
    if isinstance(fun, Node):
        return drawing_of(fun)
    names = argument_names(fun)
    traced = [make_leaves(arg, names[i] if i < len(names) else f"argument {i}")[0]
              if is_numeric(arg) else arg for i, arg in enumerate(args)]
    end = fun(*traced, **kwargs)
    if not isinstance(end, Node):
        raise TypeError(f"{fun.__name__} returned a plain value: it does not use its arguments "
                        f"through scratchgrad.numpy, so there is no graph to draw.")
    return drawing_of(end)


def drawing_of(end: Node) -> Drawing:
    """A Drawing of ``end`` and every node it was computed from, inputs first."""
    drawing = Drawing(rankdir="LR")
    order = topological_order(end)
    number = {node: i for i, node in enumerate(order)}     # graphviz names: n0, n1, ...
    for node in order:
        shape = "×".join(map(str, node.shape)) or "scalar"
        if node.parents:
            drawing.node(f"n{number[node]}", f"{node.op}\n{shape}", shape="box",
                         style="bold" if node is end else "solid")
        else:
            drawing.node(f"n{number[node]}", f"{node.name or 'input'}\n{shape}",
                         shape="ellipse", style="filled", fillcolor="#e8e8e8")
        for _, parent in node.parents:
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
