"""demystify.diagrams: the pictures of neurons, layers and networks show the right structure and numbers."""
import math

import autograd
import autograd.numpy as anp
import matplotlib.pyplot as plt
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from demystify import diagrams
from demystify.reference import SIZES, layer_pairs


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_a_neuron_has_an_arrow_with_a_weight_from_every_input_into_its_sum():
    neuron = diagrams.neuron_diagram(4)
    assert [(tail, head) for tail, head in neuron.edges if head == "sum"] == [(f"x{i}", "sum") for i in range(1, 5)]
    assert ("sum", "f") in neuron.edges and ("f", "a") in neuron.edges
    assert "w₄" in neuron.graph.source and neuron.labels["f"] == "tanh"


def test_a_layer_joins_every_input_to_every_neuron_with_its_weight():
    layer = diagrams.layer_diagram(3, 2)
    assert sorted(layer.edges) == sorted((f"x{i}", f"h{j}") for i in (1, 2, 3) for j in (1, 2))
    for i in "₁₂₃":
        for j in "₁₂":
            assert f"W{i}{j}" in layer.graph.source


def test_the_shapes_diagram_names_every_array_of_the_network_with_its_shape():
    flow = diagrams.shapes_diagram(SIZES)
    labels = set(flow.labels.values())
    assert f"X\n(n, {SIZES[0]})" in labels and f"Ŷ\n(n, {SIZES[-1]})" in labels
    for k, (n_in, n_out) in enumerate(layer_pairs(SIZES), start=1):
        assert f"W{k} ({n_in}, {n_out})\nb{k} ({n_out},)" in labels
    assert f"H1 (n, {SIZES[1]})" in flow.text()             # the text fallback lists it too


def test_the_neuron_graph_shows_the_forward_values_and_the_derivatives_autograd_gives():
    x, w, b, t = 2.0, 0.5, -0.3, 1.0
    z = w * x + b
    y = math.tanh(z)

    def loss(w, b):
        return (anp.tanh(w * x + b) - t) ** 2

    dw, db = autograd.grad(loss, argnum=(0, 1))(w, b)
    plain = diagrams.neuron_graph(x, w, b, t)
    assert f"{z:.4f}" in plain.labels["z"] and f"{y:.4f}" in plain.labels["y"]
    assert f"{(y - t) ** 2:.4f}" in plain.labels["L"] and "∂L" not in plain.text()
    backward = diagrams.neuron_graph(x, w, b, t, {"w": dw, "b": db})
    assert backward.labels["w"].endswith(f"∂L/∂w = {dw:.4f}") and f"∂L/∂b = {db:.4f}" in backward.labels["b"]
    assert 'fontcolor=firebrick' in backward.graph.source and "∂L/∂z" not in backward.labels["z"]


def test_the_network_picture_draws_one_line_per_weight_and_one_dot_per_neuron():
    fig, ax = plt.subplots()
    lines = diagrams.draw_network(SIZES, [str(s) for s in SIZES], ax)
    assert lines == sum(n_in * n_out for n_in, n_out in layer_pairs(SIZES))
    (collection,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(collection.get_segments()) == lines
    dots = [c for c in ax.collections if not isinstance(c, LineCollection)]
    assert [len(c.get_offsets()) for c in dots] == list(SIZES)


def test_the_layer_shapes_picture_draws_four_blocks_and_a_broadcast_copy_of_b_per_other_sample():
    fig, ax = plt.subplots()
    diagrams.draw_layer_shapes(12, 8, 25, ax)
    blocks = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_linestyle() == "solid"]
    ghosts = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_linestyle() == "--"]
    unit = 0.2
    sizes = sorted((round(p.get_height() / unit), round(p.get_width() / unit)) for p in blocks)
    assert sizes == sorted([(12, 8), (8, 25), (1, 25), (12, 25)])
    assert len(ghosts) == 11
    texts = {t.get_text() for t in ax.texts}
    assert {"(n, 8)", "(8, 25)", "(25,)", "(n, 25)"} <= texts
