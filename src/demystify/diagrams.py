"""The course's diagrams of neurons, layers and networks, so that the slides show pictures, not plumbing.

Graph drawings (a :class:`~demystify.drawing.Drawing`: an SVG where graphviz's ``dot`` is
installed, text where it is not):

- :func:`neuron_diagram`: one neuron with three inputs (notebook 02);
- :func:`layer_diagram`: three inputs, two neurons, each weight $W_{ij}$ on its arrow (02);
- :func:`shapes_diagram`: the shapes through the whole network, layer by layer (02);
- :func:`neuron_graph`: $z = wx + b$, $y = \\tanh z$, $\\mathcal{L} = (y - t)^2$ with its values
  and, after the backward pass, its derivatives (notebook 09).

Matplotlib diagrams, drawn on the axes given:

- :func:`draw_network`: neurons as dots in columns, one grey line per weight (02);
- :func:`draw_layer_shapes`: $X W + \\vec{b}$ drawn to scale, one square per number, with the
  rows that broadcasting adds (02).
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from .drawing import Drawing
from .reference import SIZES, layer_pairs

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
LAYER_COLOURS = ("#4c72b0", "#dd8452")   # neuron 1 and neuron 2 of the layer diagram
HIGHLIGHT = "firebrick"                  # what the backward pass has reached


def sub(number: int) -> str:
    """A number as subscript digits: 12 -> '₁₂'."""
    return str(number).translate(SUBSCRIPTS)


# --- graph drawings --------------------------------------------------------------------------

def neuron_diagram(n_inputs: int = 3) -> Drawing:
    """One neuron: inputs x₁, x₂, ... with their weights on the arrows, Σ + b, tanh, the output a."""
    neuron = Drawing(rankdir="LR")
    neuron.graph.node_attr.update(fontsize="16")   # readable on a projector
    for i in range(1, n_inputs + 1):
        neuron.node(f"x{i}", f"x{sub(i)}", shape="circle")
        neuron.edge(f"x{i}", "sum", label=f"w{sub(i)}")
    neuron.node("sum", "Σ + b", shape="circle")
    neuron.node("f", "tanh", shape="box")
    neuron.node("a", "a", shape="circle")
    neuron.edge("sum", "f", label="z")
    neuron.edge("f", "a")
    return neuron


def layer_diagram(n_inputs: int = 3, n_neurons: int = 2) -> Drawing:
    """A dense layer: every input joined to every neuron, the weight W_ij from input i to neuron j
    on its arrow, each neuron (a column of W) in its own colour."""
    colours = [LAYER_COLOURS[j % len(LAYER_COLOURS)] for j in range(n_neurons)]
    layer = Drawing(rankdir="LR", ordering="out", nodesep="0.6", ranksep="2")
    for i in range(1, n_inputs + 1):
        layer.node(f"x{i}", f"x{sub(i)}", shape="circle", width="0.5", fixedsize="true")
    for j, colour in enumerate(colours, start=1):
        layer.node(f"h{j}", f"h{sub(j)}", shape="circle", width="0.5", fixedsize="true",
                   color=colour, fontcolor=colour)
    for i in range(1, n_inputs + 1):
        for j, colour in enumerate(colours, start=1):
            layer.edge(f"x{i}", f"h{j}", taillabel=f"W{sub(i)}{sub(j)}", labeldistance="3.2",
                       labelangle="25" if j == 1 else "-25", fontsize="11", color=colour, fontcolor=colour)
    return layer


def shapes_diagram(sizes=SIZES) -> Drawing:
    """The batch X (n, 8) through each layer tanh(· @ W + b) to Ŷ (n, 2), every array with its shape."""
    flow = Drawing(rankdir="LR", ranksep="0.25", nodesep="0.15")
    flow.graph.node_attr.update(fontsize="13")
    flow.node("X", f"X\n(n, {sizes[0]})", shape="box")
    previous = "X"
    pairs = layer_pairs(sizes)
    for k, (d_in, d_out) in enumerate(pairs, start=1):
        flow.node(f"p{k}", f"W{k} ({d_in}, {d_out})\nb{k} ({d_out},)", shape="note", color="#55a868")
        flow.node(f"l{k}", f"tanh(·@W{k} + b{k})", shape="ellipse", margin="0.02")
        output = "Ŷ" if k == len(pairs) else f"H{k}"
        flow.node(output, f"{output}\n(n, {d_out})", shape="box")
        flow.edge(previous, f"l{k}")
        flow.edge(f"p{k}", f"l{k}")
        flow.edge(f"l{k}", output)
        previous = output
    return flow


def neuron_graph(x: float, w: float, b: float, t: float, grads: dict[str, float] | None = None) -> Drawing:
    """The graph of z = w x + b, y = tanh z, L = (y - t)² with every value, forward pass included.

    grads: {name: dL/dname} for the names the backward pass has reached ('L', 'y', 'z', 'w',
    'b', ...); those nodes are drawn in red with their derivative under their value.
    """
    grads = grads or {}
    z = w * x + b
    y = float(np.tanh(z))
    L = (y - t) ** 2

    def label(name, text):
        return text + (f"\n∂L/∂{name} = {grads[name]:.4f}" if name in grads else "")

    drawing = Drawing(rankdir="LR")
    drawing.graph.node_attr.update(fontsize="15")   # readable on a projector
    for name, value in [("x", x), ("w", w), ("b", b), ("t", t)]:
        drawing.node(name, label(name, f"{name} = {value}"), shape="plaintext",
                     fontcolor=HIGHLIGHT if name in grads else "black")
    for name, text in [("z", f"z = w x + b\n{z:.4f}"), ("y", f"y = tanh z\n{y:.4f}"),
                       ("L", f"L = (y - t)²\n{L:.4f}")]:
        drawing.node(name, label(name, text), shape="box", color=HIGHLIGHT if name in grads else "black")
    for tail, head in [("x", "z"), ("w", "z"), ("b", "z"), ("z", "y"), ("y", "L"), ("t", "L")]:
        drawing.edge(tail, head)
    return drawing


# --- matplotlib diagrams -----------------------------------------------------------------------

def draw_network(sizes, names, ax) -> int:
    """A dense network: one column of dots per layer (inputs and outputs orange, hidden blue),
    one grey line per weight, each column named by ``names`` above it.

    sizes: neurons per layer, e.g. (8, 25, 10, 2)   returns the number of lines (weights) drawn
    """
    height = 24 / max(sizes)
    columns = [np.column_stack([np.full(size, float(k)),
                                np.linspace(-(size - 1) / 2, (size - 1) / 2, size) * height])
               for k, size in enumerate(sizes)]
    lines = [(a, c) for left, right in zip(columns[:-1], columns[1:], strict=True) for a in left for c in right]
    ax.add_collection(LineCollection(lines, colors="grey", linewidths=0.5, alpha=0.6))
    for k, points in enumerate(columns):
        hidden = 0 < k < len(sizes) - 1
        ax.scatter(points[:, 0], points[:, 1], s=60, zorder=3, color=LAYER_COLOURS[0 if hidden else 1])
        ax.text(k, 13.5, names[k], ha="center", va="bottom", fontsize=11)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-13.5, 16)
    ax.axis("off")
    return len(lines)


def draw_layer_shapes(n: int, d_in: int, d_out: int, ax, unit: float = 0.2) -> None:
    """X (n, d_in) @ W (d_in, d_out) + b (d_out,) -> (n, d_out), drawn to scale: one square per
    number, and under b the pale dashed rows that broadcasting adds, one per sample."""
    x = 0.0
    middle = -n * unit / 2

    def grid(left, rows, cols, colour):
        ax.add_patch(Rectangle((left, -rows * unit), cols * unit, rows * unit, facecolor=colour,
                               edgecolor="black"))
        for r in range(1, rows):
            ax.plot([left, left + cols * unit], [-r * unit] * 2, color="white", linewidth=0.6)
        for c in range(1, cols):
            ax.plot([left + c * unit] * 2, [0, -rows * unit], color="white", linewidth=0.6)

    def block(name, rows, cols, shape, colour, ghost_rows=0):
        nonlocal x
        for r in range(rows, ghost_rows):   # the broadcast copies
            ax.add_patch(Rectangle((x, -(r + 1) * unit), cols * unit, unit, facecolor=colour, alpha=0.25,
                                   edgecolor="black", linestyle="--", linewidth=0.6))
        grid(x, rows, cols, colour)
        ax.text(x + cols * unit / 2, 0.35, name, ha="center", va="bottom", fontsize=15)
        ax.text(x + cols * unit / 2, -max(rows, ghost_rows) * unit - 0.3, shape,
                ha="center", va="top", fontsize=13, family="monospace")
        x += cols * unit + 0.35

    def operator(symbol):
        nonlocal x
        ax.text(x + 0.2, middle, symbol, ha="center", va="center", fontsize=22)
        x += 0.75

    block("$X$", n, d_in, f"(n, {d_in})", "#4c72b0")
    operator("@")
    block("$W_1$", d_in, d_out, f"({d_in}, {d_out})", "#55a868")
    operator("+")
    block(r"$\vec{b}_1$", 1, d_out, f"({d_out},)", "#c44e52", ghost_rows=n)
    operator("→")
    block(r"$X W_1 + \vec{b}_1$", n, d_out, f"(n, {d_out})", "#8172b2")
    ax.set_xlim(-0.2, x)
    ax.set_ylim(-n * unit - 1.1, 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
