"""The scalar autodiff that notebook 11 builds: ``Value``, its primitives and operators,
``topological_order``, ``draw``, ``backward`` and ``backward_counting`` (the walk in the
order autograd and PyTorch use), and micrograd's two-moons network on top of them.

    from demystify.computational_graph import Value, tanh, backward
    w = Value(0.8); loss = (tanh(w * 0.5) - 1) ** 2; backward(loss); w.grad

``topological_order`` and ``draw`` only ask a node for ``parents`` and ``number``, so
notebook 12 uses them on its array nodes too.

Generated from the cells tagged 'export' in notebooks/11-computational-graph.ipynb by
`python -m demystify.lesson_code`: edit the notebook, then run that (a test holds
the two equal).
"""


import itertools
import math


class Value:
    """A number that remembers how it was computed.

    value:             the number
    parents:           the Values it was computed from (none for a leaf: an input or a constant)
    local_derivatives: d value / d parent, one per parent, computed in the forward pass
    op, name:          the operation ('tanh', '+', ...) and an optional name, for drawings
    grad:              d output / d value, filled in by the backward pass
    """
    numbers = itertools.count()  # creation order: a node is always created after its parents

    def __init__(self, value, parents=(), local_derivatives=(), op="", name=""):
        self.value = float(value)
        self.parents = tuple(parents)
        self.local_derivatives = tuple(local_derivatives)
        self.op, self.name = op, name
        self.grad = 0.0
        self.number = next(Value.numbers)

    def __repr__(self):
        return f"Value({self.value:.6g}, op={self.op!r}, grad={self.grad:.6g})"


def leaf(a):
    """a itself if it is a Value; a plain number becomes a leaf Value (a constant)."""
    return a if isinstance(a, Value) else Value(a)


def add(a, b):
    a, b = leaf(a), leaf(b)
    return Value(a.value + b.value, (a, b), (1.0, 1.0), "+")


def subtract(a, b):
    a, b = leaf(a), leaf(b)
    return Value(a.value - b.value, (a, b), (1.0, -1.0), "−")


def multiply(a, b):
    a, b = leaf(a), leaf(b)
    return Value(a.value * b.value, (a, b), (b.value, a.value), "×")


def power(a, k):
    """a ** k for a constant (plain number) exponent k."""
    a = leaf(a)
    return Value(a.value ** k, (a,), (k * a.value ** (k - 1),), f"**{k}")


def tanh(a):
    a = leaf(a)
    t = math.tanh(a.value)
    return Value(t, (a,), (1 - t**2,), "tanh")


Value.__add__ = lambda self, other: add(self, other)
Value.__radd__ = lambda self, other: add(other, self)
Value.__sub__ = lambda self, other: subtract(self, other)
Value.__rsub__ = lambda self, other: subtract(other, self)
Value.__mul__ = lambda self, other: multiply(self, other)
Value.__rmul__ = lambda self, other: multiply(other, self)
Value.__pow__ = lambda self, k: power(self, k)


def graph_nodes(output):
    """The set of nodes `output` depends on, itself included."""
    seen = {output}
    to_visit = [output]
    while to_visit:
        node = to_visit.pop()
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                to_visit.append(parent)
    return seen


def topological_order(output):
    """Every node `output` depends on, itself included, each once, parents before children."""
    return sorted(graph_nodes(output), key=lambda node: node.number)


def describe(node):
    """A short label: the name of a named node, the operation of the others, or the constant."""
    return node.name or node.op or f"{node.value:g}"


from demystify.drawing import Drawing


def draw(output, show_grads=False, notes=None, label=None):
    """A Drawing of the graph that computed `output`: a box per operation, an ellipse per leaf
    (dashed for a constant), an arrow from each parent to its child with the local derivative.

    show_grads: add each node's gradient        notes: {node: one more line of text}
    label:      node -> its text, instead of its name and value (notebook 12 draws its array
                nodes with it; their arrows carry no local derivative)
    """
    drawing = Drawing(rankdir="LR")
    order = topological_order(output)
    names = {node: f"v{i}" for i, node in enumerate(order)}
    for node in order:
        if label is not None:
            lines = [label(node)]
        else:
            title = f"{node.op}  {node.name}" if node.op and node.name else describe(node)
            lines = [title, f"value {node.value:.3g}"]
        if show_grads:
            lines.append(f"grad {node.grad:.3g}")
        if notes and node in notes:
            lines.append(notes[node])
        constant = not node.parents and getattr(node, "name", None) == ""
        drawing.node(names[node], "\n".join(lines), shape="box" if node.parents else "ellipse",
                     style="dashed" if constant else "solid")
        locals_ = getattr(node, "local_derivatives", None) or [None] * len(node.parents)
        for parent, local in zip(node.parents, locals_, strict=True):
            drawing.edge(names[parent], names[node], label="" if local is None else f"{local:.3g}",
                         fontname="Helvetica", fontsize="10")
    return drawing


def backward(output):
    """Fill in node.grad = d output / d node for every node of output's graph."""
    order = topological_order(output)
    for node in order:
        node.grad = 0.0            # forget any earlier backward pass
    output.grad = 1.0
    for node in reversed(order):   # children before parents
        for parent, local in zip(node.parents, node.local_derivatives, strict=True):
            parent.grad += node.grad * local


from collections import Counter


def backward_counting(output):
    """backward(), in the order autograd and PyTorch use: a node passes its gradient on as
    soon as every node that uses it has sent it a share (one per use)."""
    nodes = graph_nodes(output)
    uses = Counter(parent for node in nodes for parent in node.parents)
    for node in nodes:
        node.grad = 0.0
    output.grad = 1.0
    ready = [output]
    while ready:
        node = ready.pop()
        for parent, local in zip(node.parents, node.local_derivatives, strict=True):
            parent.grad += node.grad * local
            uses[parent] -= 1
            if uses[parent] == 0:      # the last share has arrived: complete
                ready.append(parent)


def relu(a):
    a = leaf(a)
    return Value(max(a.value, 0.0), (a,), (1.0 if a.value > 0 else 0.0,), "relu")


def sigmoid(a):
    a = leaf(a)
    s = 0.5 * (1 + math.tanh(a.value / 2))
    return Value(s, (a,), (s * (1 - s),), "σ")


def log(a):
    a = leaf(a)
    return Value(math.log(a.value), (a,), (1 / a.value,), "log")


class Neuron:
    """activation(w · x + b) for one sample x; the weights w and the bias b are Values."""

    def __init__(self, n_in, activation, rng):
        self.w = [Value(w) for w in rng.normal(0, 1 / math.sqrt(n_in), n_in)]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x):
        return self.activation(sum((w * x_i for w, x_i in zip(self.w, x, strict=True)), self.b))


class MLP:
    """Micrograd's demo network: the inputs, a hidden layer of ReLU neurons, one sigmoid neuron."""

    def __init__(self, n_in, n_hidden, rng):
        self.hidden = [Neuron(n_in, relu, rng) for _ in range(n_hidden)]
        self.out = Neuron(n_hidden, sigmoid, rng)

    def __call__(self, x):
        """x: one sample's features; returns the probability of class 1, a Value."""
        return self.out([neuron(x) for neuron in self.hidden])

    def parameters(self):
        return [p for neuron in [*self.hidden, self.out] for p in [*neuron.w, neuron.b]]


def mean_bce(model, X, y):
    """The binary cross-entropy of `model` on the samples X (rows), labels y (0 or 1): a Value."""
    losses = [-1.0 * log(model(x) if label == 1 else 1 - model(x))
              for x, label in zip(X, y, strict=True)]
    return sum(losses, Value(0.0)) * (1 / len(losses))
