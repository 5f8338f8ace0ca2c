"""Self-checks for notebook 16, layer classes that look like ``torch.nn``.

The notebook gives ``Parameter`` (a trainable ``.value`` and its ``.grad``) and
the ``Optimiser`` base class (``zero_grad``); the attendee writes the rest.  The
checks build small modules of their own on top of the attendee's classes, so
they test the behaviour, not the code:

    check_parameters(Module, Parameter)          # own, nested, in lists; in order; only Parameters
    check_linear(Linear, Parameter)              # X @ W + b; W (n_in, n_out); Xavier / He scale
    check_sequential(Sequential, Module, Parameter)   # applies layers in order; finds their parameters
    check_sgd(SGD, Parameter)                    # value - lr * grad, for every parameter
    check_momentum(Momentum, Parameter)          # v = alpha v + lr g, then value - v; v persists

Each check passes the attendee's classes in, because they live in the notebook.
"""
from __future__ import annotations

import numpy as np

from demystify.reference import xavier_std

from .core import ARRAY, LIST, call, expect_array, expect_true, fail, passed
from .unfinished import explain_unfinished

NOTEBOOK = "16-syntactic-sugar-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell


# --- helpers ----------------------------------------------------------------------

def _value(param) -> np.ndarray:
    return np.asarray(param.value, dtype=float)


def _names(found, names_by_id: dict[int, str]) -> str:
    return ", ".join(names_by_id.get(id(p), type(p).__name__) for p in found)


# --- Module.parameters --------------------------------------------------------------

def _test_modules(Module, Parameter):
    """A small tree of modules, and its parameters in the order they were set."""

    class Leaf(Module):
        def __init__(self, seed):
            super().__init__()
            self.W = Parameter(np.full((2, 2), float(seed)))
            self.label = f"leaf {seed}"           # not a parameter
            self.scale = 3.0                       # not a parameter
            self.b = Parameter(np.full(2, float(seed)))

    class Tree(Module):
        def __init__(self):
            super().__init__()
            self.first = Leaf(1)
            self.gain = Parameter(np.ones(1))
            self.cache = np.zeros(3)               # a plain array: not trained
            self.blocks = [Leaf(2), Leaf(3)]

    tree = Tree()
    order = [("first.W", tree.first.W), ("first.b", tree.first.b), ("gain", tree.gain),
             ("blocks[0].W", tree.blocks[0].W), ("blocks[0].b", tree.blocks[0].b),
             ("blocks[1].W", tree.blocks[1].W), ("blocks[1].b", tree.blocks[1].b)]
    return tree, order


def _collected(module, name: str) -> list:
    """module.parameters() as a list; ``name`` is how the message names the call."""
    return list(call(module.parameters, name=name, signature="parameters()",
                     returns=LIST.named("a list of Parameter objects")))


def check_parameters(Module, Parameter) -> None:
    """Module.parameters() must list every Parameter: own, of sub-modules, of modules in lists."""
    tree, order = call(_test_modules, Module, Parameter, name="the check's test modules, made "
                       "with your Module class,")
    found = _collected(tree, "parameters()")
    names = {id(p): name for name, p in order}
    expected = [p for _, p in order]

    arrays = [p for p in found if isinstance(p, np.ndarray)]
    if arrays and not any(isinstance(p, Parameter) for p in found):
        fail("parameters() returned arrays, not Parameter objects.",
             "Return the Parameter objects themselves, not their .value: the optimiser sets "
             ".value and reads .grad on each.")
    if arrays:
        fail("parameters() returned a plain numpy array, which is not a Parameter.",
             "Collect only Parameter objects (isinstance(value, Parameter)); a plain array, "
             "such as a cache, is not trained.")
    strays = [p for p in found if not isinstance(p, Parameter)]
    if strays:
        fail(f"parameters() returned a {type(strays[0]).__name__}, which is not a Parameter.",
             "For a sub-module, add the Parameters that its own parameters() returns, not "
             "the module itself.")
    if len({id(p) for p in found}) < len(found):
        fail("parameters() lists a Parameter more than once.",
             "Visit each attribute once: loop over vars(self).values().")
    if not found:
        fail("parameters() returned an empty list; the test module has 7 parameters.",
             "Loop over the module's attributes, vars(self).values(), and keep the Parameters.")
    missing = [name for name, p in order if all(p is not q for q in found)]
    if missing == [name for name in names.values() if name != "gain"]:
        fail("parameters() found the module's own Parameter (gain) but none of its "
             "sub-modules'.",
             "When an attribute is a Module, add its parameters() too: that is the recursion.")
    if missing == [name for name in names.values() if name.startswith("blocks")]:
        fail("parameters() missed the modules kept in a list (blocks[0], blocks[1]).",
             "Look inside lists and tuples as well: Sequential keeps its layers in one.")
    if missing:
        fail(f"parameters() missed {', '.join(missing)}.",
             "Every Parameter attribute counts, at any depth, and in lists or tuples.")
    if found != expected:
        fail(f"parameters() found all 7 but in the order {_names(found, names)}; expected "
             f"{_names(expected, names)}.",
             "Keep the order in which the attributes were set (vars(self) keeps it): the "
             "gradients come back in this order, and W1, b1, W2, ... must stay W1, b1, W2.")
    passed("parameters() finds all 7 Parameters of a nested test module, in order: its own, "
           "its sub-modules', and those of modules in a list.")


# --- Linear -------------------------------------------------------------------------

XAVIER, HE = "xavier", "he"


def _std(n_in: int, n_out: int, init: str) -> float:
    return xavier_std(n_in, n_out) if init == XAVIER else float(np.sqrt(2 / n_in))


def _linear(Linear, n_in, n_out, seed=0, init=None):
    rng = np.random.default_rng(seed)
    how = f"Linear({n_in}, {n_out}, rng{'' if init is None else f', init={init!r}'})"
    args = (n_in, n_out, rng) if init is None else (n_in, n_out, rng, init)
    return call(Linear, *args, name=how, signature="Linear(n_in, n_out, rng, init)"), how


def _scale_mistakes(n_in: int, n_out: int, init: str) -> list[tuple[float, str]]:
    if init == XAVIER:
        return [(2 / (n_in + n_out), "That is the variance, 2 / (n_in + n_out): the standard "
                                     "deviation is its square root."),
                (np.sqrt(1 / (n_in + n_out)), "Xavier's standard deviation has a 2 on top: "
                                              "sqrt(2 / (n_in + n_out))."),
                (np.sqrt(2 / n_in), "That is He's scale, sqrt(2 / n_in). Xavier's counts the "
                                    "inputs and the outputs: sqrt(2 / (n_in + n_out))."),
                (1.0, "The weights are not scaled: multiply by sqrt(2 / (n_in + n_out)), or "
                      "pass it to rng.normal as the scale.")]
    return [(2 / n_in, "That is the variance, 2 / n_in: the standard deviation is its square "
                       "root."),
            (np.sqrt(2 / n_out), "He's scale counts the inputs, not the outputs: "
                                 "sqrt(2 / n_in)."),
            (np.sqrt(1 / n_in), "He's standard deviation has a 2 on top: sqrt(2 / n_in)."),
            (np.sqrt(2 / (n_in + n_out)), "That is Xavier's scale; He's is sqrt(2 / n_in)."),
            (1.0, "The weights are not scaled: multiply by sqrt(2 / n_in).")]


def _check_init_scale(Linear, init: str) -> None:
    n_in, n_out = 400, 600
    layer, how = _linear(Linear, n_in, n_out, seed=1, init=init)
    W = _value(layer.W)
    std, want = float(W.std()), _std(n_in, n_out, init)
    expect_true(abs(float(W.mean())) < 0.05 * std,  # the mean of 240,000 draws: within 0.002 std
                f"{how}: the weights average {W.mean():.4g}; expected about 0.",
                "Draw them from a normal distribution centred on 0: rng.normal(0.0, std, shape).")
    if abs(std / want - 1) < 0.03:
        return
    for wrong, hint in _scale_mistakes(n_in, n_out, init):
        if abs(std / wrong - 1) < 0.03:
            fail(f"{how}: the weights have standard deviation {std:.4g}; expected "
                 f"{want:.4g}.", hint)
    fail(f"{how}: the weights have standard deviation {std:.4g}; expected {want:.4g}.",
         "Xavier: sqrt(2 / (n_in + n_out)); He: sqrt(2 / n_in).")


def check_linear(Linear, Parameter) -> None:
    """Linear(n_in, n_out, rng, init) must hold W (n_in, n_out) and b (n_out,) and compute X @ W + b."""
    layer, how = _linear(Linear, 3, 4)
    for name in ("W", "b"):
        expect_true(isinstance(getattr(layer, name, None), Parameter),
                    f"{how} has no Parameter called {name}.",
                    f"Store it as self.{name} = Parameter(...), so that parameters() finds it.")
    W, b = _value(layer.W), _value(layer.b)
    if W.shape == (4, 3):
        fail(f"{how}.W has shape (4, 3); expected (3, 4), that is (n_in, n_out).",
             "With samples in rows, a layer computes X @ W, so W has one row per input.")
    expect_true(W.shape == (3, 4), f"{how}.W has shape {W.shape}; expected (3, 4), (n_in, n_out).")
    expect_true(b.shape == (4,), f"{how}.b has shape {b.shape}; expected (4,), one per output.",
                "Make the bias a flat vector, np.zeros(n_out): it broadcasts over the rows.")
    expect_true(np.all(b == 0), f"{how}.b is not zero.", "Biases start at zero: np.zeros(n_out).")

    expected_W = np.random.default_rng(0).normal(0.0, _std(3, 4, XAVIER), (3, 4))
    if not np.allclose(W, expected_W):
        _check_init_scale(Linear, XAVIER)
        fail(f"{how}.W has the right scale but not the weights that rng draws.",
             "Draw from the rng argument, in one call, so that every run starts from the same "
             "weights: rng.normal(0.0, std, (n_in, n_out)).")
    _check_init_scale(Linear, XAVIER)
    _check_init_scale(Linear, HE)
    unknown_init = "Raise ValueError for an unknown init, naming the choices: 'xavier' or 'he'."
    outcome = call(Linear, 3, 4, np.random.default_rng(0), "zeros", name="Linear(3, 4, rng, 'zeros')",
                   signature="Linear(n_in, n_out, rng, init)", hint=unknown_init,
                   may_raise=ValueError)
    if not isinstance(outcome, ValueError):
        fail("Linear(3, 4, rng, 'zeros') was accepted; there is no 'zeros' initialisation.",
             unknown_init)

    params = _collected(layer, "Linear(...).parameters()")
    if not (len(params) == 2 and params[0] is layer.W and params[1] is layer.b):
        listed = _names(params, {id(layer.W): "W", id(layer.b): "b"})
        fail(f"Linear(...).parameters() gave [{listed}]; expected [W, b], in that order.",
             "Set self.W before self.b in __init__: parameters() keeps the order they were set.")

    rng = np.random.default_rng(3)
    X, W_set, b_set = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    layer.W.value, layer.b.value = W_set.copy(), b_set.copy()
    out = call(layer, X, name=f"{how}(X)", signature="layer(X)", returns=ARRAY)
    expect_array(out, X @ W_set + b_set, "Linear's output for a batch X of shape (5, 3)", mistakes=[
        (X @ W_set, "The bias is missing: X @ W + b."),
        (np.tanh(X @ W_set + b_set), "Linear has no activation: the Tanh module applies it, "
                                     "so that layers can be mixed freely."),
    ])
    passed("Linear holds W (n_in, n_out) and b (n_out,), draws W with Xavier's or He's scale "
           "from rng, rejects an unknown init, and computes X @ W + b.")


# --- Sequential ------------------------------------------------------------------------

def _affine_module(Module, Parameter):
    class Affine(Module):
        """x * a + c, elementwise: two Parameters, and order matters when composed."""

        def __init__(self, a, c):
            super().__init__()
            self.a = Parameter(np.array([float(a)]))
            self.c = Parameter(np.array([float(c)]))

        def forward(self, x):
            return x * self.a.value + self.c.value

    return Affine


def check_sequential(Sequential, Module, Parameter) -> None:
    """Sequential(*layers)(X) must apply the layers first to last; its parameters are theirs."""
    Affine = _affine_module(Module, Parameter)
    first, second = (call(Affine, a, c, name="the check's test module, made with your Module "
                          "class,") for a, c in ((2, 1), (3, 0)))
    model = call(Sequential, first, second, name="Sequential(first, second)",
                 signature="Sequential(*layers)")
    expect_true(isinstance(model, Module), "Sequential is not a Module.",
                "Write class Sequential(Module): so that it has parameters() and can be called.")
    x = np.array([0.0, 1.0, 2.0])
    out = call(model, x, name="Sequential(first, second)(x)", signature="model(x)", returns=ARRAY)
    expect_array(out, 3 * (2 * x + 1), "Sequential(first, second)(x)", mistakes=[
        (2 * (3 * x) + 1, "The layers ran last to first: apply them in the order given."),
        (3 * x, "Only the last layer was applied: feed each layer's output to the next one."),
        (2 * x + 1, "Only the first layer was applied: feed each layer's output to the next "
                    "one, and return the last output."),
        (x, "The input came back unchanged: X = layer(X) inside the loop, then return X."),
    ])
    params = _collected(model, "Sequential(first, second).parameters()")
    expected = [first.a, first.c, second.a, second.c]
    if not params:
        fail("Sequential(first, second).parameters() is empty.",
             "Keep the layers in an attribute, self.layers = list(layers) (or a tuple): "
             "Module.parameters() looks inside lists.")
    expect_true(len(params) == 4 and all(p is q for p, q in zip(params, expected, strict=True)),
                f"Sequential(first, second).parameters() gave {len(params)} Parameters; "
                "expected the 4 of its layers, first's then second's.")
    inner = call(Sequential, first, name="Sequential(first)", signature="Sequential(*layers)")
    nested = call(Sequential, inner, second, name="Sequential(Sequential(first), second)",
                  signature="Sequential(*layers)")
    expect_array(call(nested, x, name="Sequential(Sequential(first), second)(x)",
                      signature="model(x)", returns=ARRAY),
                 3 * (2 * x + 1), "Sequential(Sequential(first), second)(x)")
    passed("Sequential applies its layers first to last, nests, and its parameters() are its "
           "layers' parameters, in order.")


# --- optimisers ---------------------------------------------------------------------------

def _test_parameters(Parameter):
    """Two parameters of different shapes, with fixed values."""
    return [Parameter(np.array([1.0, -2.0])), Parameter(np.array([[0.5, 0.0], [-1.0, 2.0]]))]


GRADIENTS = [  # the gradient of each test parameter at steps 1, 2 and 3
    [np.array([0.5, -1.0]), np.array([[1.0, 2.0], [0.0, -0.5]])],
    [np.array([0.25, 0.5]), np.array([[-1.0, 0.5], [1.0, 1.0]])],
    [np.array([-0.5, 1.5]), np.array([[0.5, 0.5], [-2.0, 0.0]])],
]
LR, ALPHA = 0.1, 0.9


def _momentum_path(lr: float, alpha: float, slip: str | None = None) -> list[list[np.ndarray]]:
    """Displacement of each test parameter from its start after steps 1, 2, 3."""
    theta = [np.zeros(g.shape) for g in GRADIENTS[0]]
    velocity = [np.zeros(g.shape) for g in GRADIENTS[0]]
    path, shared = [], 0.0
    for grads in GRADIENTS:
        for i, g in enumerate(grads):
            if slip == "shared velocity":      # one velocity carried from parameter to parameter
                shared = alpha * shared + lr * g
                theta[i] = theta[i] - shared
                continue
            if slip == "update first":
                theta[i] = theta[i] - velocity[i]
                velocity[i] = alpha * velocity[i] + lr * g
                continue
            if slip == "forgets velocity":
                velocity[i] = np.zeros(g.shape)
            velocity[i] = alpha * velocity[i] + (g if slip == "no lr" else lr * g)
            theta[i] = theta[i] + velocity[i] if slip == "adds" else theta[i] - velocity[i]
        path.append([t.copy() for t in theta])
    return path


MOMENTUM_SLIPS = {
    "update first": "The parameters moved by the old velocity: update the velocity first, "
                    "v = alpha * v + lr * g, then move by the new one, value - v.",
    "no lr": "The learning rate is missing: v = alpha * v + lr * g.",
    "adds": "The parameters moved up the gradient, where the loss grows: subtract the "
            "velocity, value - v.",
    "forgets velocity": "The velocity is forgotten between steps: keep one velocity per "
                        "parameter on self (made in __init__) and update it in step.",
    "shared velocity": "One velocity is shared by all the parameters: each parameter needs its "
                       "own, of its own shape: [np.zeros_like(p.value) for p in parameters].",
}


def _set_gradients(params, grads) -> None:
    for p, g in zip(params, grads, strict=True):
        p.grad = g.copy()


def check_sgd(SGD, Parameter) -> None:
    """SGD(parameters, lr).step() must set every value to value - lr * grad."""
    params = _test_parameters(Parameter)
    start = [_value(p).copy() for p in params]
    optimiser = call(SGD, params, LR, name=f"SGD(parameters, lr={LR})",
                     signature="SGD(parameters, lr)")
    _set_gradients(params, GRADIENTS[0])
    call(optimiser.step, name="SGD.step()", signature="step()")
    for i, (p, g) in enumerate(zip(params, GRADIENTS[0], strict=True)):
        expect_array(_value(p) - start[i], -LR * g, f"the change of parameter {i} after one step",
                     mistakes=[
            (LR * g, "That moves up the gradient, where the loss grows: value - lr * grad."),
            (-g, "The learning rate is missing: value - lr * grad."),
            (np.zeros_like(g), "This parameter did not move: update every parameter, "
                               "p.value = p.value - self.lr * p.grad (is there a return "
                               "inside the loop?)."),
        ])
        expect_true(p.grad is not None and np.array_equal(p.grad, g),
                    f"step() changed parameter {i}'s gradient.",
                    "step() only reads the gradients; zero_grad() is the one that clears them.")
    _set_gradients(params, GRADIENTS[1])
    call(optimiser.step, name="SGD.step()", signature="step()")
    expect_array(_value(params[0]) - start[0], -LR * (GRADIENTS[0][0] + GRADIENTS[1][0]),
                 "the change of parameter 0 after two steps",
                 mistakes=[(-LR * GRADIENTS[1][0], "The second step started from the original "
                                                   "value: update p.value itself.")])
    call(optimiser.zero_grad, name="zero_grad()", signature="zero_grad()")
    expect_true(all(p.grad is None for p in params), "zero_grad() left a gradient behind.")
    passed(f"SGD moves every parameter by -lr * grad (lr={LR}), step after step.")


def check_momentum(Momentum, Parameter) -> None:
    """Momentum(parameters, lr, alpha).step(): v = alpha * v + lr * grad; value = value - v."""
    params = _test_parameters(Parameter)
    start = [_value(p).copy() for p in params]
    optimiser = call(Momentum, params, LR, ALPHA, name=f"Momentum(parameters, lr={LR}, alpha={ALPHA})",
                     signature="Momentum(parameters, lr, alpha)")
    expected = _momentum_path(LR, ALPHA)
    slips = {slip: _momentum_path(LR, ALPHA, slip) for slip in MOMENTUM_SLIPS}
    slips["no alpha"] = _momentum_path(LR, 1.0)
    hints = dict(MOMENTUM_SLIPS, **{"no alpha": "The old velocity must shrink by alpha each "
                                                "step: v = alpha * v + lr * g."})
    for step, grads in enumerate(GRADIENTS):
        _set_gradients(params, grads)
        call(optimiser.step, name=f"Momentum.step() (step {step + 1})", signature="step()",
             hint="Keep one velocity per parameter, each with its parameter's shape: "
                  "[np.zeros_like(p.value) for p in parameters].")
        for i, p in enumerate(params):
            expect_array(_value(p) - start[i], expected[step][i],
                         f"the change of parameter {i} after step {step + 1}",
                         mistakes=[(path[step][i], hints[slip]) for slip, path in slips.items()],
                         shape_hint="Each parameter needs its own velocity, of its own shape: "
                                    "[np.zeros_like(p.value) for p in parameters].")
    passed(f"Momentum accumulates a velocity per parameter, v = alpha * v + lr * g, and moves "
           f"by it: 3 steps match the reference (lr={LR}, alpha={ALPHA}).")
