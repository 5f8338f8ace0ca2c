"""Self-checks for notebook 16, layer classes that look like ``torch.nn``.

The notebook gives ``Parameter`` (a trainable ``.value`` and its ``.grad``) and
the ``Optimiser`` base class (``zero_grad``); the attendee writes the rest.  The
checks build small modules of their own on top of the attendee's classes, so
they test the behaviour, not the code:

    check_parameters(Module, Parameter)          # own, nested, in lists and tuples; in order; a list
    check_linear(Linear, Parameter)              # X @ W + b; W (n_in, n_out) drawn from rng; Xavier / He
    check_sequential(Sequential, Module, Parameter)   # applies layers in order; finds their parameters
    check_sgd(SGD, Parameter)                    # value - lr * grad, for every parameter
    check_momentum(Momentum, Parameter)          # v = alpha v + lr g, then value - v; v persists

Each check passes the attendee's classes in, because they live in the notebook.  It first
makes sure it was given classes (not objects, not None), then calls the attendee's code only
through :func:`~demystify.checks.core.call`, on inputs the notebook never uses (other seeds,
shapes, learning rates), and reads every result as a sentence if it is not what was asked
for: whatever the classes do, the attendee sees a message, never a traceback from here.
"""
from __future__ import annotations

import types
import warnings

import numpy as np

from demystify.reference import xavier_std

from .core import _described as described
from .core import answers_in_a_sentence, call, expect_array, expect_class, expect_true, fail, passed
from .unfinished import explain_unfinished

NOTEBOOK = "16-syntactic-sugar-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell


# --- reading the attendee's objects without crashing ------------------------------------

def _numbers(value) -> np.ndarray | None:
    """``value`` as a float array, or None if it is not an array of numbers."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(value, dtype=float)
    except Exception:  # any object at all: a traced Node, a ragged list, complex numbers...
        return None


def _get(thing, name: str, default=None):
    """``getattr(thing, name, default)``, also when reading the attribute raises."""
    try:
        return getattr(thing, name, default)
    except Exception:  # a property or __getattr__ of the attendee's that raises
        return default


def _assign(thing, name: str, value, what: str) -> None:
    """``thing.name = value``, as the notebook's code does it; a sentence if that raises."""
    call(setattr, thing, name, value, name=f"setting {what}.{name}")


def _attribute(thing, name: str, what: str):
    """``thing.name``; a sentence if it is missing or reading it raises."""
    try:
        return getattr(thing, name)
    except AttributeError:
        fail(f"{what} has no attribute .{name}.")
    except Exception as error:  # a property of the attendee's that raises
        fail(f"Reading {what}.{name} raised {type(error).__name__}: {error}")


def _value(param, what: str) -> np.ndarray:
    """The numbers in ``param.value`` (a copy), or a sentence saying what it holds instead."""
    value = _attribute(param, "value", what)
    array = None if isinstance(value, (list, tuple)) else _numbers(value)
    if array is None:
        fail(f"{what}.value is {described(value)}, not an array of numbers.",
             "A Parameter's .value is a numpy array: compute new values with numpy, on whole "
             "arrays, and assign the array.")
    return array.copy()


def _moved(param, start: np.ndarray, what: str) -> np.ndarray:
    """How far ``param.value`` is from ``start``, after checking that it kept its shape."""
    now = _value(param, what)
    if now.shape != start.shape:
        fail(f"{what}.value has shape {now.shape} after step(); expected {start.shape}, the "
             "shape it started with.",
             "Each parameter moves by its own gradient, of its own shape.")
    return now - start


def _parameter_class(Parameter, usage: str) -> type:
    """The notebook's Parameter class, after making sure it still makes what the notebook's made."""
    Parameter = expect_class(Parameter, "Parameter", usage)
    made = call(Parameter, np.array([1.0, -2.0]), name="Parameter(value)",
                signature="Parameter(value)")
    value = _numbers(_get(made, "value"))
    if value is None or value.shape != (2,) or not np.array_equal(value, [1.0, -2.0]) \
            or _get(made, "grad", 0) is not None:
        fail("Parameter(value) does not make what the notebook's Parameter makes: .value holding "
             "the array, and .grad None.",
             "Parameter is given: run its cell again as it is in the notebook.")
    return Parameter


def _names(found, names_by_id: dict[int, str]) -> str:
    return ", ".join(names_by_id.get(id(p), type(p).__name__) for p in found)


# --- Module.parameters --------------------------------------------------------------

PARAMETERS_USAGE = "check_parameters(Module, Parameter)"


def _test_modules(Module, Parameter):
    """A small tree of modules, its parameters in the order they were set, and an empty module."""

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
            self.sizes = [8, 25]                   # a list without modules
            self.blocks = [Leaf(2), Leaf(3)]
            self.heads = (Leaf(4),)

    class Empty(Module):                           # like Tanh: no parameters at all
        pass

    tree = Tree()
    order = [("first.W", tree.first.W), ("first.b", tree.first.b), ("gain", tree.gain),
             ("blocks[0].W", tree.blocks[0].W), ("blocks[0].b", tree.blocks[0].b),
             ("blocks[1].W", tree.blocks[1].W), ("blocks[1].b", tree.blocks[1].b),
             ("heads[0].W", tree.heads[0].W), ("heads[0].b", tree.heads[0].b)]
    return tree, order, Empty()


def _parameters_hint(error: BaseException) -> str | None:
    if isinstance(error, RecursionError):
        return ("parameters() kept calling itself on the same module: for an item that is a "
                "Module, call that item's parameters(), not self.parameters().")
    if isinstance(error, AttributeError) and "parameters" in str(error):
        return "Call parameters() only on items that are Modules: isinstance(item, Module)."
    if isinstance(error, TypeError) and "'method' object is not iterable" in str(error):
        return "Call the method: item.parameters(), with the brackets."
    if isinstance(error, TypeError) and "iterable" in str(error):
        return ("Look inside an attribute only when it is a list or a tuple, and for a Module "
                "add what its parameters() returns, not the module itself.")
    return None


def _collected(module, what: str) -> list:
    """module.parameters() as a list; ``what`` is how the messages name the call."""
    method = _get(module, "parameters")
    if not callable(method):
        fail(f"{what}: the module has no parameters() method.",
             "Define parameters(self) in class Module: every layer inherits it.")
    found = call(method, name=what, signature="parameters()", hint=_parameters_hint)
    if isinstance(found, (types.GeneratorType, map, filter)):
        fail(f"{what} returned a generator; expected a list of Parameter objects.",
             "Collect them in a list and return it: the notebook's backward reads the "
             "parameters twice, and a generator is used up after once.")
    if found is None:
        fail(f"{what} returned None; expected a list of Parameter objects.",
             "Did you forget to `return` the list?")
    if not isinstance(found, (list, tuple)):
        fail(f"{what} returned {described(found)}; expected a list of Parameter objects.")
    return list(found)


def _expect_only_parameters(found: list, Parameter, what: str) -> None:
    arrays = [p for p in found if isinstance(p, np.ndarray)]
    if arrays and not any(isinstance(p, Parameter) for p in found):
        fail(f"{what} returned arrays, not Parameter objects.",
             "Return the Parameter objects themselves, not their .value: the optimiser sets "
             ".value and reads .grad on each.")
    if arrays:
        fail(f"{what} returned a plain numpy array, which is not a Parameter.",
             "Collect only Parameter objects (isinstance(value, Parameter)); a plain array, "
             "such as a cache, is not trained.")
    strays = [p for p in found if not isinstance(p, Parameter)]
    if not strays:
        return
    if isinstance(strays[0], (list, tuple)):
        fail(f"{what} returned a list with {described(strays[0])} inside it, where a Parameter "
             "should be.",
             "Add the sub-module's Parameters one by one (extend the list), instead of "
             "appending its whole list.")
    if callable(_get(strays[0], "parameters")):
        fail(f"{what} returned a sub-module itself ({described(strays[0])}), which is not a "
             "Parameter.",
             "For a sub-module, add the Parameters that its own parameters() returns.")
    fail(f"{what} returned {described(strays[0])}, which is not a Parameter.",
         "Keep only the items that are Parameters (isinstance(item, Parameter)).")


@answers_in_a_sentence
def check_parameters(Module, Parameter) -> None:
    """Module.parameters() must list every Parameter: own, of sub-modules, in lists and tuples."""
    Module = expect_class(Module, "Module", PARAMETERS_USAGE)
    Parameter = _parameter_class(Parameter, PARAMETERS_USAGE)
    tree, order, empty = call(
        _test_modules, Module, Parameter, name="the check's test modules, made with your Module "
        "class,", hint="Module needs no __init__ of its own; if you wrote one, let it take no "
                       "arguments besides self.")
    found = _collected(tree, "parameters()")
    names = {id(p): name for name, p in order}
    expected = [p for _, p in order]
    everything = f"all {len(expected)}"

    _expect_only_parameters(found, Parameter, "parameters()")
    if len({id(p) for p in found}) < len(found):
        fail("parameters() lists a Parameter more than once.",
             "Visit each attribute once: loop over vars(self).values().")
    if not found:
        fail(f"parameters() returned an empty list; the test module has {len(expected)} "
             "parameters.",
             "Loop over the module's attributes, vars(self).values(), and keep the Parameters.")
    strangers = [p for p in found if id(p) not in names]
    if strangers:
        fail("parameters() returned a Parameter that the test module does not hold.",
             "Return the module's own Parameter objects, not new ones made from their values.")
    missing = [name for name, p in order if all(p is not q for q in found)]
    in_containers = [name for name in names.values() if name.startswith(("blocks", "heads"))]
    if missing == [name for name in names.values() if name != "gain"]:
        fail("parameters() found the module's own Parameter (gain) but none of its "
             "sub-modules'.",
             "When an attribute is a Module, add its parameters() too: that is the recursion.")
    if missing == in_containers:
        fail("parameters() missed the modules kept in a list or a tuple (blocks[0], blocks[1], "
             "heads[0]).",
             "Look inside lists and tuples as well: Sequential keeps its layers in one.")
    if missing and all(name.startswith("heads") for name in missing):
        fail("parameters() missed heads[0], a module kept in a tuple.",
             "Look inside tuples as well as lists: isinstance(value, (list, tuple)).")
    if missing:
        fail(f"parameters() missed {', '.join(missing)}.",
             "Every Parameter attribute counts, at any depth, and in lists or tuples.")
    if [id(p) for p in found] != [id(p) for p in expected]:
        fail(f"parameters() found {everything} but in the order {_names(found, names)}; "
             f"expected {_names(expected, names)}.",
             "Keep the order in which the attributes were set (vars(self) keeps it): the "
             "gradients come back in this order, and W1, b1, W2, ... must stay W1, b1, W2.")
    again = _collected(tree, "parameters(), called a second time,")
    expect_true(len(again) == len(expected) and all(p is q for p, q in zip(again, expected, strict=True)),
                "parameters() gave a different list the second time it was called.",
                "Start from a new, empty list each time parameters() runs (no list kept on the "
                "module or as a default argument).")
    none = _collected(empty, "parameters() of a module without parameters")
    expect_true(len(none) == 0, "parameters() of a module without parameters returned "
                f"{len(none)} items; expected an empty list.")
    passed(f"parameters() finds {everything} Parameters of a nested test module, in order: its "
           "own, its sub-modules', and those of modules in a list or a tuple.")


# --- Linear -------------------------------------------------------------------------

LINEAR_USAGE = "check_linear(Linear, Parameter)"
XAVIER, HE = "xavier", "he"


def _std(n_in: int, n_out: int, init: str) -> float:
    return xavier_std(n_in, n_out) if init == XAVIER else float(np.sqrt(2 / n_in))


def _linear(Linear, n_in, n_out, rng, init=None):
    how = f"Linear({n_in}, {n_out}, rng{'' if init is None else f', init={init!r}'})"
    kwargs = {} if init is None else {"init": init}
    return call(Linear, n_in, n_out, rng, name=how, signature="Linear(n_in, n_out, rng, init)",
                **kwargs), how


def _weights(layer, how: str, Parameter) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) of a Linear layer, after checking that both are Parameters holding numbers."""
    for name in ("W", "b"):
        held = _get(layer, name)
        if isinstance(held, np.ndarray):
            fail(f"{how}.{name} is a plain numpy array, not a Parameter.",
                 f"Wrap it: self.{name} = Parameter(...), so that parameters() finds it and "
                 "the optimiser can update it.")
        expect_true(isinstance(held, Parameter), f"{how} has no Parameter called {name}.",
                    f"Store it as self.{name} = Parameter(...): the notebook reads layer.{name}, "
                    "and parameters() finds it.")
    return _value(layer.W, f"{how}.W"), _value(layer.b, f"{how}.b")


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


def _check_init_scale(Linear, Parameter, init: str) -> None:
    """Name a wrong scale or distribution, measured on a large layer (240,000 draws)."""
    n_in, n_out = 400, 600
    layer, how = _linear(Linear, n_in, n_out, np.random.default_rng(41), init)
    W, _ = _weights(layer, how, Parameter)
    if W.shape != (n_in, n_out) or not np.isfinite(W).all():
        fail(f"{how}.W has shape {W.shape}, or values that are not finite; expected finite "
             f"weights of shape ({n_in}, {n_out}).")
    std, want = float(W.std()), _std(n_in, n_out, init)
    if std == 0:
        fail(f"{how}: all the weights are equal; expected random weights with standard "
             f"deviation {want:.4g}.", "Draw them from rng: rng.normal(0.0, std, (n_in, n_out)).")
    expect_true(abs(float(W.mean())) < 0.05 * std,  # the mean of 240,000 draws: within 0.002 std
                f"{how}: the weights average {W.mean():.4g}; expected about 0.",
                "Draw them from a normal distribution centred on 0: rng.normal(0.0, std, shape).")
    if abs(std / want - 1) >= 0.03:
        for wrong, hint in _scale_mistakes(n_in, n_out, init):
            if abs(std / wrong - 1) < 0.03:
                fail(f"{how}: the weights have standard deviation {std:.4g}; expected "
                     f"{want:.4g}.", hint)
        fail(f"{how}: the weights have standard deviation {std:.4g}; expected {want:.4g}.",
             "Xavier: sqrt(2 / (n_in + n_out)); He: sqrt(2 / n_in).")
    kurtosis = float(np.mean(W**4) / np.mean(W**2) ** 2)   # 3 for a normal, 1.8 for a uniform
    expect_true(kurtosis > 2.4, f"{how}: the weights have the right scale but look uniformly "
                "distributed; the course draws them from a normal distribution.",
                "Use rng.normal(0.0, std, (n_in, n_out)), not rng.uniform.")


def _expect_draws(Linear, Parameter, init: str | None, seed: int) -> None:
    """The weights of Linear(3, 4, rng, init) must be rng.normal's first draws, shape (3, 4)."""
    kind = init or XAVIER
    layer, how = _linear(Linear, 3, 4, np.random.default_rng(seed), init)
    W, _ = _weights(layer, how, Parameter)
    if W.shape != (3, 4):
        fail(f"{how}.W has shape {W.shape}; expected (3, 4), that is (n_in, n_out).",
             "Every init draws the same shape: rng.normal(0.0, std, (n_in, n_out)).")
    std = _std(3, 4, kind)
    if np.allclose(W, np.random.default_rng(seed).normal(0.0, std, (3, 4))):
        return
    same, _ = _linear(Linear, 3, 4, np.random.default_rng(seed), init)
    if not np.allclose(_weights(same, how, Parameter)[0], W):
        fail(f"{how} gave different weights for two generators with the same seed: it does "
             "not draw from rng.",
             "Draw from the rng argument, so that its seed decides the starting weights: "
             "rng.normal(0.0, std, (n_in, n_out)).")
    other, _ = _linear(Linear, 3, 4, np.random.default_rng(seed + 1), init)
    if np.allclose(_weights(other, how, Parameter)[0], W):
        fail(f"{how} gave the same weights for two generators with different seeds: it does "
             "not draw from rng.",
             "Draw from the rng argument, so that its seed decides the starting weights: "
             "rng.normal(0.0, std, (n_in, n_out)).")
    if np.allclose(W, np.random.default_rng(seed).normal(0.0, std, (4, 3)).T):
        fail(f"{how}.W holds rng's draws for the shape (n_out, n_in), transposed.",
             "Draw the shape (n_in, n_out) directly: the same seed then gives the same "
             "starting weights as every other notebook.")
    _check_init_scale(Linear, Parameter, kind)
    fail(f"{how}.W has the right scale but not the weights that rng draws.",
         "Draw W from rng in one call, rng.normal(0.0, std, (n_in, n_out)), with no other "
         "draws before it.")


def _forward_hint(error: BaseException) -> str | None:
    text = str(error)
    if "Parameter" in text or "has 0" in text or "unsupported operand" in text:
        return ("Compute with the arrays inside the Parameters, self.W.value and self.b.value: "
                "a Parameter itself is not an array.")
    return None


def _expect_traceable(layer, how: str, X: np.ndarray) -> None:
    """scratchgrad can differentiate the layer's forward, as the notebook's backward will."""
    import scratchgrad

    G = np.linspace(-1.0, 1.0, X.shape[0] * 4).reshape(X.shape[0], 4)
    W, b = layer.W, layer.b
    plain = W.value, b.value

    def loss_of(W_value, b_value):
        W.value, b.value = W_value, b_value
        return scratchgrad.numpy.sum(layer(X) * G)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grads = call(scratchgrad.grad(loss_of, (0, 1)), *plain,
                         name=f"{how}(X), run by scratchgrad with traced parameters,",
                         hint="Write forward with the notebook's np (scratchgrad.numpy) or with "
                              "operators, on self.W.value and self.b.value.")
    finally:
        W.value, b.value = plain
    dW, db = (_numbers(g) for g in grads) if isinstance(grads, tuple) and len(grads) == 2 \
        else (None, None)
    if dW is None or db is None or not (np.allclose(dW, X.T @ G) and np.allclose(db, G.sum(0))):
        fail(f"scratchgrad's gradient through {how}(X) is not X.T @ G for W and the column sums "
             "of G for b.",
             "forward must compute with the current self.W.value and self.b.value (the "
             "backward pass swaps in traced values), not with copies kept from __init__.")


@answers_in_a_sentence
def check_linear(Linear, Parameter) -> None:
    """Linear(n_in, n_out, rng, init) must hold W (n_in, n_out) and b (n_out,) and compute X @ W + b."""
    Linear = expect_class(Linear, "Linear", LINEAR_USAGE)
    Parameter = _parameter_class(Parameter, LINEAR_USAGE)
    layer, how = _linear(Linear, 3, 4, np.random.default_rng(31))
    W, b = _weights(layer, how, Parameter)
    if W.shape == (4, 3):
        fail(f"{how}.W has shape (4, 3); expected (3, 4), that is (n_in, n_out).",
             "With samples in rows, a layer computes X @ W, so W has one row per input.")
    expect_true(W.shape == (3, 4), f"{how}.W has shape {W.shape}; expected (3, 4), (n_in, n_out).")
    expect_true(b.shape == (4,), f"{how}.b has shape {b.shape}; expected (4,), one per output.",
                "Make the bias a flat vector, np.zeros(n_out): it broadcasts over the rows.")
    expect_true(np.all(b == 0), f"{how}.b is not zero.", "Biases start at zero: np.zeros(n_out).")

    _expect_draws(Linear, Parameter, None, seed=31)
    _expect_draws(Linear, Parameter, XAVIER, seed=33)
    _expect_draws(Linear, Parameter, HE, seed=35)
    rng, reference = np.random.default_rng(37), np.random.default_rng(37)
    _linear(Linear, 3, 4, rng)
    second, how_second = _linear(Linear, 4, 2, rng)
    reference.normal(0.0, _std(3, 4, XAVIER), (3, 4))
    expect_true(np.allclose(_weights(second, how_second, Parameter)[0],
                            reference.normal(0.0, _std(4, 2, XAVIER), (4, 2))),
                "A second Linear made with the same rng did not get rng's next draws.",
                "Draw from the rng you are given, not from a new or copied generator: the "
                "network's layers take turns drawing from one rng.")
    unknown_init = "Raise ValueError for an unknown init, naming the choices: 'xavier' or 'he'."
    outcome = call(Linear, 3, 4, np.random.default_rng(0), init="zeros",
                   name="Linear(3, 4, rng, init='zeros')", signature="Linear(n_in, n_out, rng, init)",
                   hint=unknown_init, may_raise=ValueError)
    if not isinstance(outcome, ValueError):
        fail("Linear(3, 4, rng, init='zeros') was accepted; there is no 'zeros' initialisation.",
             unknown_init)

    params = _collected(layer, "Linear(...).parameters()")
    if not (len(params) == 2 and params[0] is layer.W and params[1] is layer.b):
        listed = _names(params, {id(layer.W): "W", id(layer.b): "b"})
        fail(f"Linear(...).parameters() gave [{listed}]; expected [W, b], in that order.",
             "Set self.W before self.b in __init__: parameters() keeps the order they were set.")

    data = np.random.default_rng(3)
    W_set, b_set = data.normal(size=(3, 4)), data.normal(size=4)
    kept = ("forward computed with the weights from __init__, not with the current "
            "self.W.value and self.b.value (the optimiser and the backward pass change them).")
    _assign(layer.W, "value", W_set.copy(), how + ".W")
    _assign(layer.b, "value", b_set.copy(), how + ".b")
    for rows in (5, 1):
        X = data.normal(size=(rows, 3))
        out = _run(layer, X, f"{how}(X)", hint=_forward_hint)
        expect_array(out, X @ W_set + b_set,
                     f"Linear's output for a batch X of shape {X.shape}", mistakes=[
            (X @ W_set, "The bias is missing: X @ W + b."),
            (X @ W + b, kept),
            (np.tanh(X @ W_set + b_set), "Linear has no activation: the Tanh module applies it, "
                                         "so that layers can be mixed freely."),
        ])
    _expect_traceable(layer, how, data.normal(size=(5, 3)))
    passed("Linear holds W (n_in, n_out) and b (n_out,), draws W from rng with Xavier's or "
           "He's scale, rejects an unknown init, and computes X @ W + b, traced by scratchgrad.")


# --- Sequential ------------------------------------------------------------------------

SEQUENTIAL_USAGE = "check_sequential(Sequential, Module, Parameter)"


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


def _sequential(Sequential, *layers, how: str):
    return call(Sequential, *layers, name=how, signature="Sequential(*layers)")


def _run(model, x, how: str, hint=None) -> np.ndarray:
    """model(x) as an array of numbers, or a sentence saying what came back instead."""
    out = call(model, x, name=how, signature="model(x)", hint=hint)
    if isinstance(out, (list, tuple)):
        fail(f"{how} returned {described(out)}; expected a numpy array.",
             "Keep the result a numpy array (no .tolist(), no list of rows): the next layer and "
             "the backward pass compute on arrays.")
    array = _numbers(out)
    if out is None or array is None:
        fail(f"{how} returned {described(out)}; expected a numpy array.",
             "Did you forget to `return` the last layer's output?" if out is None else None)
    return array


@answers_in_a_sentence
def check_sequential(Sequential, Module, Parameter) -> None:
    """Sequential(*layers)(X) must apply the layers first to last; its parameters are theirs."""
    Sequential = expect_class(Sequential, "Sequential", SEQUENTIAL_USAGE)
    Module = expect_class(Module, "Module", SEQUENTIAL_USAGE)
    Parameter = _parameter_class(Parameter, SEQUENTIAL_USAGE)
    expect_true(issubclass(Sequential, Module), "Sequential is not a Module.",
                "Write class Sequential(Module): so that it has parameters() and can be called.")
    Affine = call(_affine_module, Module, Parameter, name="the check's test module, made with "
                  "your Module class,")
    first, second = (call(Affine, a, c, name="the check's test module, made with your Module "
                          "class,") for a, c in ((2, 1), (3, 0)))
    model = _sequential(Sequential, first, second, how="Sequential(first, second)")
    x = np.array([0.0, 1.0, 2.0])
    for when in ("", ", called a second time"):
        out = _run(model, x, f"Sequential(first, second)(x){when}")
        expect_array(out, 3 * (2 * x + 1), f"Sequential(first, second)(x){when}", mistakes=[
            (2 * (3 * x) + 1, "The layers ran last to first: apply them in the order given."),
            (3 * x, "Only the last layer was applied: feed each layer's output to the next one."),
            (2 * x + 1, "Only the first layer was applied: feed each layer's output to the next "
                        "one, and return the last output."),
            (x, "The input came back unchanged: X = layer(X) inside the loop, then return X."),
        ], shape_hint="Return the last layer's output, the same shape as x here.")
    params = _collected(model, "Sequential(first, second).parameters()")
    expected = [first.a, first.c, second.a, second.c]
    if not params:
        fail("Sequential(first, second).parameters() is empty.",
             "Keep the layers in an attribute, self.layers = list(layers) (or a tuple): "
             "Module.parameters() looks inside lists.")
    expect_true(len(params) == 4 and all(p is q for p, q in zip(params, expected, strict=True)),
                f"Sequential(first, second).parameters() gave {len(params)} objects; expected "
                "the 4 Parameters of its layers, first's then second's.",
                "Keep the layers themselves (not copies) in a list attribute, in the order given.")
    inner = _sequential(Sequential, first, how="Sequential(first)")
    nested = _sequential(Sequential, inner, second, how="Sequential(Sequential(first), second)")
    expect_array(_run(nested, x, "Sequential(Sequential(first), second)(x)"),
                 3 * (2 * x + 1), "Sequential(Sequential(first), second)(x)")
    passed("Sequential applies its layers first to last, nests, and its parameters() are its "
           "layers' parameters, in order.")


# --- optimisers ---------------------------------------------------------------------------

def _test_parameters(Parameter):
    """Two parameters of different shapes, with fixed values."""
    return [call(Parameter, value, name="Parameter(value)", signature="Parameter(value)")
            for value in (np.array([1.0, -2.0]), np.array([[0.5, 0.0], [-1.0, 2.0]]))]


GRADIENTS = [  # the gradient of each test parameter at steps 1, 2 and 3
    [np.array([0.5, -1.0]), np.array([[1.0, 2.0], [0.0, -0.5]])],
    [np.array([0.25, 0.5]), np.array([[-1.0, 0.5], [1.0, 1.0]])],
    [np.array([-0.5, 1.5]), np.array([[0.5, 0.5], [-2.0, 0.0]])],
]
LR = 0.1
SETTINGS = [(0.1, 0.8), (0.05, 0.5)]   # (lr, alpha) of the momentum checks: not the defaults
DEFAULT_ALPHA = 0.9


def _set_gradients(params, grads) -> None:
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        _assign(p, "grad", g.copy(), f"parameter {i}")


def _step(optimiser, what: str, hint: str | None = None) -> None:
    step = _get(optimiser, "step")
    if not callable(step):
        fail(f"{what}: the optimiser has no step() method.",
             "Define step(self) in the class: the training loop calls optimiser.step().")
    call(step, name=what, signature="step()", hint=hint)


def _optimiser_hint(error: BaseException) -> str | None:
    if isinstance(error, AttributeError) and ("parameters" in str(error) or "lr" in str(error)):
        return ("The optimiser keeps them as self.parameters and self.lr: call "
                "super().__init__(parameters, lr) first in your __init__.")
    return None


NOT_MOVED = ("This parameter did not move: step() must change the .value of every parameter "
             "in self.parameters (not a list from the notebook; no return inside the loop).")


def _check_sgd_run(SGD, Parameter, lr: float, steps: int) -> None:
    params = _test_parameters(Parameter)
    start = [_value(p, f"parameter {i}") for i, p in enumerate(params)]
    how = f"SGD(parameters, lr={lr})"
    optimiser = call(SGD, params, lr, name=how, signature="SGD(parameters, lr)")
    total = [np.zeros(g.shape) for g in GRADIENTS[0]]
    for step in range(steps):
        _set_gradients(params, GRADIENTS[step])
        _step(optimiser, f"SGD.step() (step {step + 1})", _optimiser_hint)
        for i, (p, g) in enumerate(zip(params, GRADIENTS[step], strict=True)):
            moved = _moved(p, start[i], f"parameter {i}")
            after = f"after step {step + 1}" if step else "after one step"
            expect_array(moved, total[i] - lr * g, f"the change of parameter {i} {after} (lr={lr})",
                         mistakes=[
                (total[i] + lr * g, "That moves up the gradient, where the loss grows: "
                                    "value - lr * grad."),
                (total[i] - g, "The learning rate is missing: value - lr * grad."),
                (total[i] - 0.5 * g, "That is the notebook's learning rate, 0.5: use the lr "
                                     "the optimiser was given, self.lr."),
                (total[i], NOT_MOVED),
                (-lr * g, "This step started from the original value, not from the current "
                          "one: update p.value itself."),
            ], shape_hint="Give each parameter its own update, of its own shape.")
            grad = _numbers(_get(p, "grad"))
            expect_true(grad is not None and grad.shape == g.shape and np.array_equal(grad, g),
                        f"step() changed parameter {i}'s gradient.",
                        "step() only reads the gradients; zero_grad() is the one that clears them.")
            total[i] = total[i] - lr * g


@answers_in_a_sentence
def check_sgd(SGD, Parameter) -> None:
    """SGD(parameters, lr).step() must set every value to value - lr * grad."""
    SGD = expect_class(SGD, "SGD", "check_sgd(SGD, Parameter)")
    Parameter = _parameter_class(Parameter, "check_sgd(SGD, Parameter)")
    _check_sgd_run(SGD, Parameter, LR, steps=2)
    _check_sgd_run(SGD, Parameter, 0.25, steps=1)
    params = _test_parameters(Parameter)
    optimiser = call(SGD, params, LR, name=f"SGD(parameters, lr={LR})",
                     signature="SGD(parameters, lr)")
    _set_gradients(params, GRADIENTS[0])
    zero_grad = _get(optimiser, "zero_grad")
    expect_true(callable(zero_grad), "SGD has no zero_grad() method.",
                "Write class SGD(Optimiser): it inherits zero_grad from the given Optimiser.")
    call(zero_grad, name="zero_grad()", signature="zero_grad()")
    expect_true(all(_get(p, "grad", 0) is None for p in params),
                "zero_grad() left a gradient behind.")
    passed(f"SGD moves every parameter by -lr * grad (lr={LR} and 0.25), step after step.")


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
            if slip == "nesterov":              # looks ahead: moves by alpha v + lr g
                theta[i] = theta[i] - (alpha * velocity[i] + lr * g)
            elif slip == "adds":
                theta[i] = theta[i] + velocity[i]
            else:
                theta[i] = theta[i] - velocity[i]
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
    "nesterov": "That is Nesterov's momentum, which looks ahead (alpha * v + lr * g); here the "
                "parameters move by the velocity itself: value - v.",
}


def _check_momentum_run(Momentum, Parameter, lr: float, alpha: float) -> None:
    params = _test_parameters(Parameter)
    start = [_value(p, f"parameter {i}") for i, p in enumerate(params)]
    how = f"Momentum(parameters, lr={lr}, alpha={alpha})"
    optimiser = call(Momentum, params, lr, alpha, name=how,
                     signature="Momentum(parameters, lr, alpha)", hint=_optimiser_hint)
    expected = _momentum_path(lr, alpha)
    slips = {slip: _momentum_path(lr, alpha, slip) for slip in MOMENTUM_SLIPS}
    slips["no alpha"] = _momentum_path(lr, 1.0)
    slips["default alpha"] = _momentum_path(lr, DEFAULT_ALPHA)
    hints = dict(MOMENTUM_SLIPS, **{
        "no alpha": "The old velocity must shrink by alpha each step: v = alpha * v + lr * g.",
        "default alpha": f"The velocity shrank by {DEFAULT_ALPHA}, the default, not by the "
                         f"alpha given ({alpha}): keep self.alpha = alpha and use it."})
    for step, grads in enumerate(GRADIENTS):
        _set_gradients(params, grads)
        _step(optimiser, f"Momentum.step() (step {step + 1})",
              lambda error: _optimiser_hint(error) or
              "Keep one velocity per parameter, each with its parameter's shape: "
              "[np.zeros_like(p.value) for p in parameters].")
        for i, p in enumerate(params):
            moved = _moved(p, start[i], f"parameter {i}")
            mistakes = [(path[step][i], hints[slip]) for slip, path in slips.items()
                        if not np.allclose(path[step][i], expected[step][i])]
            expect_array(moved, expected[step][i],
                         f"the change of parameter {i} after step {step + 1} (lr={lr}, "
                         f"alpha={alpha})", mistakes=mistakes,
                         shape_hint="Each parameter needs its own velocity, of its own shape: "
                                    "[np.zeros_like(p.value) for p in parameters].")


@answers_in_a_sentence
def check_momentum(Momentum, Parameter) -> None:
    """Momentum(parameters, lr, alpha).step(): v = alpha * v + lr * grad; value = value - v."""
    Momentum = expect_class(Momentum, "Momentum", "check_momentum(Momentum, Parameter)")
    Parameter = _parameter_class(Parameter, "check_momentum(Momentum, Parameter)")
    for lr, alpha in SETTINGS:
        _check_momentum_run(Momentum, Parameter, lr, alpha)
    settings = " and ".join(f"lr={lr}, alpha={alpha}" for lr, alpha in SETTINGS)
    passed(f"Momentum keeps a velocity per parameter, v = alpha * v + lr * g, and moves by it: "
           f"3 steps match the reference ({settings}).")
