"""Notebook 11's engine, as the course package holds it (demystify.computational_graph): its
gradients equal autograd's and finite differences on random graphs with shared nodes, by both
walks; its order and drawing work on any node with parents and a number; and micrograd's demo
network gets PyTorch's gradients."""
import math

import autograd.numpy as anp
import numpy as np
import pytest
import torch
from autograd import grad

from demystify import computational_graph as cg
from demystify.reference import central_difference
from demystify.toys import two_moons

torch.set_num_threads(1)

# name: (number of operands, on Values, on autograd's numbers)
OPS = {
    "add": (2, cg.add, lambda a, b: a + b),
    "subtract": (2, cg.subtract, lambda a, b: a - b),
    "multiply": (2, cg.multiply, lambda a, b: a * b),
    "square": (1, lambda a: cg.power(a, 2), lambda a: a ** 2),
    "tanh": (1, cg.tanh, anp.tanh),
    "sigmoid": (1, cg.sigmoid, lambda a: 1 / (1 + anp.exp(-a))),
}


def random_program(seed, leaves=3, steps=14):
    """Steps (op, operand positions) over the values so far: operands are reused often, so
    the graph has shared nodes, nodes used twice by one operation, and long and short paths."""
    rng = np.random.default_rng(seed)
    program = []
    for step in range(steps):
        op = list(OPS)[rng.integers(len(OPS))]
        arity = OPS[op][0]
        program.append((op, tuple(int(i) for i in rng.integers(0, leaves + step, arity))))
    last = leaves + steps - 1                  # then add x0 * x1 * x2, so every leaf counts
    return program + [("multiply", (0, 1)), ("multiply", (last + 1, 2)), ("add", (last, last + 2))]


def run(program, inputs, on_values):
    values = list(inputs)
    for op, operands in program:
        arity, value_op, autograd_op = OPS[op]
        values.append((value_op if on_values else autograd_op)(*(values[i] for i in operands)))
    return values[-1]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("walk", [cg.backward, cg.backward_counting], ids=lambda w: w.__name__)
def test_both_walks_give_autograds_gradients_and_finite_differences_on_random_graphs(seed, walk):
    program = random_program(seed)
    start = np.random.default_rng(seed + 100).uniform(-1, 1, 3)
    leaves = [cg.Value(v) for v in start]
    output = run(program, leaves, on_values=True)
    walk(output)

    def f(x):
        return run(program, [x[0], x[1], x[2]], on_values=False)
    expected = grad(f)(start)
    assert math.isclose(float(f(start)), output.value, rel_tol=1e-12, abs_tol=1e-12)
    for i, leaf in enumerate(leaves):
        assert math.isclose(leaf.grad, expected[i], rel_tol=1e-9, abs_tol=1e-12)
        step = np.eye(3)[i]
        numerical = central_difference(lambda t, step=step: float(f(start + t * step)), 0.0)
        assert math.isclose(leaf.grad, numerical, rel_tol=1e-5, abs_tol=1e-7)


def test_a_value_used_twice_by_one_operation_gets_both_shares_from_either_walk():
    for walk in (cg.backward, cg.backward_counting):
        v = cg.Value(3.0)
        walk(v * v)
        assert v.grad == 6.0


def test_a_second_backward_pass_starts_from_zero():
    w = cg.Value(0.8)
    loss = (cg.tanh(w * 0.5) - 1) ** 2
    cg.backward(loss)
    first = w.grad
    cg.backward_counting(loss)
    assert w.grad == first


def test_neither_walk_recurses_on_a_chain_deeper_than_the_recursion_limit():
    start = cg.Value(0.5)
    chain = start
    for _ in range(5000):
        chain = cg.tanh(chain)
    cg.backward(chain)
    sorted_walk = start.grad
    cg.backward_counting(chain)
    assert sorted_walk != 0 and math.isclose(start.grad, sorted_walk)


class Plain:
    """Any node with parents and a creation number: what topological_order asks for."""
    count = 0

    def __init__(self, *parents):
        self.parents, self.number = parents, Plain.count
        Plain.count += 1


def test_topological_order_puts_every_node_once_after_its_parents_for_any_node_type():
    a = Plain()
    b = Plain(a)
    c = Plain(a, b)
    d = Plain(c, c, a)
    order = cg.topological_order(d)
    assert sorted(map(id, order)) == sorted(map(id, [a, b, c, d]))
    position = {id(node): i for i, node in enumerate(order)}
    assert all(position[id(p)] < position[id(n)] for n in order for p in n.parents)


def test_the_drawing_has_an_arrow_per_use_with_its_local_derivative():
    v = cg.Value(3.0, name="v")
    square = v * v
    drawing = cg.draw(square)
    assert drawing.edges == [("v0", "v1"), ("v0", "v1")]
    assert drawing.labels == {"v0": "v\nvalue 3", "v1": "×\nvalue 9"}
    assert drawing.graph.source.count("v0 -> v1 [label=3 ") == 2


def test_the_drawing_labels_array_nodes_as_asked_and_marks_only_unnamed_constants_dashed():
    a = Plain()
    b = Plain(a, a)
    drawing = cg.draw(b, label=lambda node: f"node {node.number - a.number}")
    assert drawing.labels == {"v0": "node 0", "v1": "node 1"} and len(drawing.edges) == 2
    assert "dashed" not in drawing.graph.source
    constant = cg.tanh(2.0)
    assert "dashed" in cg.draw(constant).graph.source


@pytest.mark.parametrize("primitive, autograd_f, x", [
    (cg.relu, lambda a: anp.maximum(a, 0.0), 0.7), (cg.relu, lambda a: anp.maximum(a, 0.0), -0.4),
    (cg.sigmoid, lambda a: 1 / (1 + anp.exp(-a)), -1.3), (cg.log, anp.log, 0.6),
    (cg.tanh, anp.tanh, 0.3), (lambda a: cg.power(a, 3), lambda a: a ** 3, -0.8),
])
def test_each_primitives_local_derivative_matches_autograd_and_finite_differences(primitive, autograd_f, x):
    value = primitive(x)
    assert math.isclose(value.value, float(autograd_f(x)), rel_tol=1e-12)
    (local,) = value.local_derivatives
    assert math.isclose(local, grad(autograd_f)(x), rel_tol=1e-10, abs_tol=1e-14)
    assert math.isclose(local, central_difference(lambda t: float(autograd_f(t)), x),
                        rel_tol=1e-6, abs_tol=1e-8)


def torch_twin(model):
    """The demo network in PyTorch, with the model's weights (as the notebook's as_torch)."""
    W1 = torch.tensor([[w.value for w in neuron.w] for neuron in model.hidden], dtype=torch.float64, requires_grad=True)
    b1 = torch.tensor([neuron.b.value for neuron in model.hidden], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([w.value for w in model.out.w], dtype=torch.float64, requires_grad=True)
    b2 = torch.tensor(model.out.b.value, dtype=torch.float64, requires_grad=True)
    return W1, b1, w2, b2


def test_the_demo_networks_gradients_equal_pytorchs_and_finite_differences():
    X, y = two_moons(12, noise=0.1, seed=5)
    model = cg.MLP(2, 5, np.random.default_rng(7))
    loss = cg.mean_bce(model, X, y)
    cg.backward(loss)

    W1, b1, w2, b2 = torch_twin(model)
    p = torch.sigmoid(torch.relu(torch.tensor(X) @ W1.T + b1) @ w2 + b2)
    theirs = torch.nn.functional.binary_cross_entropy(p, torch.tensor(y, dtype=torch.float64))
    theirs.backward()
    assert math.isclose(loss.value, theirs.item(), rel_tol=1e-12)
    ours = [[w.grad for w in n.w] for n in model.hidden]
    np.testing.assert_allclose(ours, W1.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose([n.b.grad for n in model.hidden], b1.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose([w.grad for w in model.out.w], w2.grad.numpy(), rtol=1e-10, atol=1e-14)
    assert math.isclose(model.out.b.grad, b2.grad.item(), rel_tol=1e-10)

    for parameter in model.parameters()[::4]:
        def loss_at(value, parameter=parameter):
            saved, parameter.value = parameter.value, value
            result = cg.mean_bce(model, X, y).value
            parameter.value = saved
            return result
        assert math.isclose(parameter.grad, central_difference(loss_at, parameter.value),
                            rel_tol=1e-5, abs_tol=1e-8)


def test_the_demo_network_learns_the_moons_as_the_notebook_trains_it():
    """The notebook's settings: 100 points, 8 hidden neurons, 60 epochs of batches of 10."""
    X, y = two_moons(100, noise=0.1)
    rng = np.random.default_rng(2019)
    model = cg.MLP(2, 8, rng)
    first = cg.mean_bce(model, X, y).value
    for _ in range(60):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 10):
            batch = order[start:start + 10]
            cg.backward(cg.mean_bce(model, X[batch], y[batch]))
            for p in model.parameters():
                p.value -= 1.0 * p.grad
    assert cg.mean_bce(model, X, y).value < first / 10
    assert np.mean([(model(x).value > 0.5) == label for x, label in zip(X, y, strict=True)]) >= 0.97
