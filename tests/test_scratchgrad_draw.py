"""What a traced value looks like: its printout and the drawing of its graph."""
from __future__ import annotations

import numpy
import pytest

import scratchgrad
import scratchgrad.numpy as np
from scratchgrad import Drawing
from scratchgrad import Node
from demystify.reference import init_params, make_loss


def test_a_traced_value_prints_its_operation_shape_and_value():
    x = Node(numpy.array([0.0, 1.0, 2.0]), name="x")
    text = repr(np.tanh(x))
    assert text.splitlines()[0] == "Node: tanh, shape (3,)"
    assert text.splitlines()[1] == str(numpy.tanh([0.0, 1.0, 2.0]))
    assert repr(x).startswith("Node: input x, shape (3,)")
    assert str(np.sum(x)) == "Node: sum, shape ()\n3.0"


def test_a_leaf_made_by_grad_is_named_after_its_parameter():
    seen = []

    def loss(params, X):
        seen.append(repr(params[1]).splitlines()[0])
        seen.append(repr(X).splitlines()[0])
        return np.sum(X @ params[0] + params[1])
    scratchgrad.grad(loss, (0, 1))([numpy.ones((2, 3)), numpy.ones(3)], numpy.ones((4, 2)))
    assert seen == ["Node: input params[1], shape (3,)", "Node: input X, shape (4, 2)"]


def test_a_traced_number_formats_like_its_value():
    loss = np.mean(Node(numpy.array([1.0, 2.0])) ** 2)
    assert f"{loss:.3f}" == "2.500"


def test_draw_shows_every_operation_and_input_with_its_shape():
    X = numpy.ones((5, 8))
    Y = numpy.zeros((5, 2))
    drawing = scratchgrad.draw(make_loss(np), init_params(), X, Y)
    assert isinstance(drawing, Drawing)
    labels = sorted(drawing.labels.values())
    assert labels.count("tanh\n5×25") == 1 and labels.count("tanh\n5×10") == 1
    assert "params[0]\n8×25" in labels and "X\n5×8" in labels and "Y\n5×2" in labels
    assert "mean\nscalar" in labels and "power\n5×2" in labels and "subtract\n5×2" in labels
    assert sum(label.startswith("matmul") for label in labels) == 3
    assert len(labels) == 8 + 3 * 3 + 3           # inputs, 3 layers of 3 operations, the loss
    # each operation has an edge from each traced input
    assert len(drawing.edges) == 3 * (2 + 2 + 1) + 2 + 1 + 1
    text = drawing.text()
    assert "tanh 5×2  <-  add 5×2" in text and "mean scalar  <-  power 5×2" in text


def test_draw_of_a_node_draws_the_graph_behind_it_with_shared_nodes_once():
    x = Node(numpy.ones(3), name="x")
    h = np.tanh(x)
    drawing = scratchgrad.draw(h * h + h)
    assert sorted(drawing.labels.values()) == ["add\n3", "multiply\n3", "tanh\n3", "x\n3"]
    label = drawing.labels.get
    edges = sorted((label(tail), label(head)) for tail, head in drawing.edges)
    assert edges == sorted([("x\n3", "tanh\n3"), ("tanh\n3", "multiply\n3"),
                            ("tanh\n3", "multiply\n3"), ("multiply\n3", "add\n3"),
                            ("tanh\n3", "add\n3")])


def test_draw_leaves_integers_and_other_arguments_untraced():
    def f(W, n_layers, name="net"):
        for _ in range(n_layers):
            W = np.tanh(W)
        return np.sum(W)
    drawing = scratchgrad.draw(f, numpy.ones(2), 3, name="x")
    assert sorted(drawing.labels.values()) == ["W\n2", "sum\nscalar", "tanh\n2", "tanh\n2", "tanh\n2"]


def test_draw_of_a_function_that_records_nothing_says_so():
    with pytest.raises(TypeError, match="no graph to draw"):
        scratchgrad.draw(lambda x: 3.0, numpy.ones(2))
