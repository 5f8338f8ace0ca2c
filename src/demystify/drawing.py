"""Graph drawings that still say something where graphviz's ``dot`` is missing.

The ``graphviz`` Python package only writes the DOT language; turning it into a
picture needs the ``dot`` program, which pip does not install (conda-forge's
``graphviz`` does; on Debian/Ubuntu ``apt-get install graphviz``; on macOS
``brew install graphviz``; on Windows ``winget install graphviz``).  A
:class:`Drawing` shows an SVG when ``dot`` is there and a readable text listing
of the same nodes and edges when it is not, instead of crashing the notebook.

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
