"""The self-checks of notebook 16 pass correct layer classes and optimisers, and name the slips."""
import numpy as np
import pytest

from demystify.checks.sugar import (
    check_linear, check_momentum, check_parameters, check_sequential, check_sgd)
from failures import failure


# --- the attendee's side: a correct version of every class ---------------------------

class Parameter:
    def __init__(self, value):
        self.value = np.asarray(value, dtype=float)
        self.grad = None


class Module:
    def parameters(self):
        found = []
        for attribute in vars(self).values():
            for item in attribute if isinstance(attribute, (list, tuple)) else [attribute]:
                if isinstance(item, Parameter):
                    found.append(item)
                elif isinstance(item, Module):
                    found.extend(item.parameters())
        return found

    def __call__(self, X):
        return self.forward(X)


class Linear(Module):
    def __init__(self, n_in, n_out, rng, init="xavier"):
        if init == "xavier":
            std = np.sqrt(2 / (n_in + n_out))
        elif init == "he":
            std = np.sqrt(2 / n_in)
        else:
            raise ValueError(f"unknown init {init!r}: use 'xavier' or 'he'")
        self.W = Parameter(rng.normal(0.0, std, (n_in, n_out)))
        self.b = Parameter(np.zeros(n_out))

    def forward(self, X):
        return X @ self.W.value + self.b.value


class Sequential(Module):
    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X


class Optimiser:
    def __init__(self, parameters, lr):
        self.parameters, self.lr = list(parameters), lr

    def zero_grad(self):
        for p in self.parameters:
            p.grad = None


class SGD(Optimiser):
    def step(self):
        for p in self.parameters:
            p.value = p.value - self.lr * p.grad


class Momentum(Optimiser):
    def __init__(self, parameters, lr, alpha=0.9):
        super().__init__(parameters, lr)
        self.alpha = alpha
        self.velocities = [np.zeros_like(p.value) for p in self.parameters]

    def step(self):
        for p, v in zip(self.parameters, self.velocities, strict=True):
            v *= self.alpha
            v += self.lr * p.grad
            p.value = p.value - v


def test_correct_classes_pass_every_check(capsys):
    check_parameters(Module, Parameter)
    check_linear(Linear, Parameter)
    check_sequential(Sequential, Module, Parameter)
    check_sgd(SGD, Parameter)
    check_momentum(Momentum, Parameter)
    assert capsys.readouterr().out.count("✓") == 5


def test_a_stub_says_not_written_yet_with_its_hint():
    class Stub(Module):
        def parameters(self):
            raise NotImplementedError("Loop over vars(self).values().")

    text = failure(check_parameters, Stub, Parameter)
    assert text == "✗ parameters() is not written yet.\n  Loop over vars(self).values()."


def test_parameters_in_place_updates_in_momentum_also_pass():
    class InPlace(Momentum):
        def step(self):
            for p, v in zip(self.parameters, self.velocities, strict=True):
                v[...] = self.alpha * v + self.lr * p.grad
                p.value -= v

    check_momentum(InPlace, Parameter)


# --- Module.parameters --------------------------------------------------------------

def module_with(parameters):
    """A Module class whose parameters() is the given function of self."""
    return type("Module", (Module,), {"parameters": parameters})


def own_only(self):
    return [v for v in vars(self).values() if isinstance(v, Parameter)]


def no_lists(self):
    found = []
    for v in vars(self).values():
        if isinstance(v, Parameter):
            found.append(v)
        elif isinstance(v, Module):
            found += v.parameters()
    return found


def values_not_parameters(self):
    found = []
    for attribute in vars(self).values():
        for item in attribute if isinstance(attribute, (list, tuple)) else [attribute]:
            if isinstance(item, Parameter):
                found.append(item.value)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def sorted_by_name(self):
    found = []
    for name in sorted(vars(self)):
        attribute = getattr(self, name)
        for item in attribute if isinstance(attribute, (list, tuple)) else [attribute]:
            if isinstance(item, Parameter):
                found.append(item)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def with_arrays(self):
    found = []
    for attribute in vars(self).values():
        for item in attribute if isinstance(attribute, (list, tuple)) else [attribute]:
            if isinstance(item, (Parameter, np.ndarray)):
                found.append(item)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def modules_not_expanded(self):
    return [v for v in vars(self).values() if isinstance(v, (Parameter, Module))]


@pytest.mark.parametrize("parameters, message", [
    (own_only, "none of its sub-modules'"),
    (no_lists, "missed the modules kept in a list"),
    (values_not_parameters, "returned arrays, not Parameter objects"),
    (sorted_by_name, "in the order"),
    (with_arrays, "plain numpy array"),
    (modules_not_expanded, "which is not a Parameter"),
    (lambda self: None, "forget to `return`"),
    (lambda self: [], "empty list"),
    (lambda self: Module.parameters(self) * 2, "more than once"),
])
def test_parameters_slips_are_named(parameters, message):
    assert message in failure(check_parameters, module_with(parameters), Parameter)


# --- Linear -------------------------------------------------------------------------

def linear_with(**methods):
    return type("Linear", (Linear,), methods)


def init_with(std_of, shape_of=lambda n_in, n_out: (n_in, n_out), use_rng=True, bias=None):
    """A Linear.__init__ that draws with std_of(n_in, n_out, init) (a slip to test)."""
    def __init__(self, n_in, n_out, rng, init="xavier"):
        if init not in ("xavier", "he"):
            raise ValueError(init)
        std = std_of(n_in, n_out, init)
        source = rng if use_rng else np.random.default_rng(12345)
        self.W = Parameter(source.normal(0.0, std, shape_of(n_in, n_out)))
        self.b = Parameter(np.zeros(n_out) if bias is None else bias(n_out))
    return __init__


def right_std(n_in, n_out, init):
    return np.sqrt(2 / (n_in + n_out)) if init == "xavier" else np.sqrt(2 / n_in)


@pytest.mark.parametrize("std_of, message", [
    (lambda i, o, init: 2 / (i + o) if init == "xavier" else np.sqrt(2 / i), "That is the variance"),
    (lambda i, o, init: np.sqrt(1 / (i + o)) if init == "xavier" else np.sqrt(2 / i), "has a 2 on top"),
    (lambda i, o, init: np.sqrt(2 / i), "That is He's scale"),
    (lambda i, o, init: np.sqrt(2 / (i + o)), "That is Xavier's scale"),
    (lambda i, o, init: np.sqrt(2 / (i + o)) if init == "xavier" else np.sqrt(2 / o),
     "counts the inputs, not the outputs"),
    (lambda i, o, init: np.sqrt(2 / (i + o)) if init == "xavier" else 2 / i,
     "That is the variance, 2 / n_in"),
    (lambda i, o, init: 1.0, "The weights are not scaled"),
])
def test_initialisation_scale_slips_are_named(std_of, message):
    assert message in failure(check_linear, linear_with(__init__=init_with(std_of)), Parameter)


def test_weights_not_drawn_from_the_given_rng_are_named():
    broken = linear_with(__init__=init_with(right_std, use_rng=False))
    assert "not the weights that rng draws" in failure(check_linear, broken, Parameter)


def test_transposed_weights_are_named():
    broken = linear_with(__init__=init_with(right_std, shape_of=lambda i, o: (o, i)))
    assert "that is (n_in, n_out)" in failure(check_linear, broken, Parameter)


def test_column_bias_and_nonzero_bias_are_named():
    column = linear_with(__init__=init_with(right_std, bias=lambda n: np.zeros((1, n))))
    assert "expected (4,), one per output" in failure(check_linear, column, Parameter)
    ones = linear_with(__init__=init_with(right_std, bias=np.ones))
    assert "is not zero" in failure(check_linear, ones, Parameter)


def test_unknown_initialisation_must_raise_value_error():
    def lenient(self, n_in, n_out, rng, init="xavier"):
        std = np.sqrt(2 / n_in) if init == "he" else np.sqrt(2 / (n_in + n_out))
        self.W = Parameter(rng.normal(0.0, std, (n_in, n_out)))
        self.b = Parameter(np.zeros(n_out))
    assert "was accepted" in failure(check_linear, linear_with(__init__=lenient), Parameter)


def test_bias_before_weights_is_named():
    def b_first(self, n_in, n_out, rng, init="xavier"):
        self.b = Parameter(np.zeros(n_out))
        self.W = Parameter(rng.normal(0.0, right_std(n_in, n_out, init), (n_in, n_out)))
        if init not in ("xavier", "he"):
            raise ValueError(init)
    assert "Set self.W before self.b" in failure(check_linear, linear_with(__init__=b_first), Parameter)


def test_weights_kept_as_plain_arrays_are_named():
    def plain(self, n_in, n_out, rng, init="xavier"):
        self.W = rng.normal(0.0, right_std(n_in, n_out, init), (n_in, n_out))
        self.b = np.zeros(n_out)
    assert "no Parameter called W" in failure(check_linear, linear_with(__init__=plain), Parameter)


@pytest.mark.parametrize("forward, message", [
    (lambda self, X: X @ self.W.value, "The bias is missing"),
    (lambda self, X: np.tanh(X @ self.W.value + self.b.value), "Linear has no activation"),
    (lambda self, X: self.W.value.T @ X.T, "transposed"),
])
def test_forward_slips_are_named(forward, message):
    assert message in failure(check_linear, linear_with(forward=forward), Parameter)


# --- Sequential -------------------------------------------------------------------------

def sequential_with(forward=None, init=None):
    methods = {}
    if forward:
        methods["forward"] = forward
    if init:
        methods["__init__"] = init
    return type("Sequential", (Sequential,), methods)


def reversed_order(self, X):
    for layer in reversed(self.layers):
        X = layer(X)
    return X


def last_only(self, X):
    return self.layers[-1](X)


def not_chained(self, X):
    for layer in self.layers:
        out = layer(X)
    return out


def first_only(self, X):
    for layer in self.layers:
        return layer(X)


def unchanged(self, X):
    for layer in self.layers:
        layer(X)
    return X


@pytest.mark.parametrize("forward, message", [
    (reversed_order, "last to first"),
    (last_only, "Only the last layer"),
    (not_chained, "Only the last layer"),
    (first_only, "Only the first layer"),
    (unchanged, "unchanged"),
])
def test_sequential_forward_slips_are_named(forward, message):
    assert message in failure(check_sequential, sequential_with(forward=forward), Module, Parameter)


def test_layers_hidden_from_parameters_are_named():
    def in_a_dict(self, *layers):
        self.layers = dict(enumerate(layers))
    def forward(self, X):
        for layer in self.layers.values():
            X = layer(X)
        return X
    broken = sequential_with(forward=forward, init=in_a_dict)
    assert "parameters() is empty" in failure(check_sequential, broken, Module, Parameter)


def test_sequential_that_is_not_a_module_is_named():
    class Plain:
        def __init__(self, *layers):
            self.layers = layers

        def __call__(self, X):
            for layer in self.layers:
                X = layer(X)
            return X
    assert "Sequential is not a Module" in failure(check_sequential, Plain, Module, Parameter)


# --- optimisers ---------------------------------------------------------------------------

def sgd_with(step):
    return type("SGD", (SGD,), {"step": step})


def one_parameter_only(self):
    for p in self.parameters:
        p.value = p.value - self.lr * p.grad
        return


def clears_gradients(self):
    for p in self.parameters:
        p.value = p.value - self.lr * p.grad
        p.grad = None


@pytest.mark.parametrize("step, message", [
    (lambda self: [setattr(p, "value", p.value + self.lr * p.grad) for p in self.parameters],
     "moves up the gradient"),
    (lambda self: [setattr(p, "value", p.value - p.grad) for p in self.parameters],
     "learning rate is missing"),
    (one_parameter_only, "return inside the loop"),
    (clears_gradients, "changed parameter 0's gradient"),
])
def test_sgd_slips_are_named(step, message):
    assert message in failure(check_sgd, sgd_with(step), Parameter)


def test_sgd_that_restarts_from_the_first_values_is_named():
    class FromStart(SGD):
        def __init__(self, parameters, lr):
            super().__init__(parameters, lr)
            self.start = [p.value.copy() for p in self.parameters]

        def step(self):
            for p, start in zip(self.parameters, self.start, strict=True):
                p.value = start - self.lr * p.grad
    assert "started from the original value" in failure(check_sgd, FromStart, Parameter)


def test_zero_grad_that_leaves_gradients_is_named():
    class Sticky(SGD):
        def zero_grad(self):
            pass
    assert "left a gradient behind" in failure(check_sgd, Sticky, Parameter)


def momentum_with(step):
    return type("Momentum", (Momentum,), {"step": step})


def update_before_accumulating(self):
    for i, p in enumerate(self.parameters):
        p.value = p.value - self.velocities[i]
        self.velocities[i] = self.alpha * self.velocities[i] + self.lr * p.grad


def without_lr(self):
    for i, p in enumerate(self.parameters):
        self.velocities[i] = self.alpha * self.velocities[i] + p.grad
        p.value = p.value - self.velocities[i]


def without_alpha(self):
    for i, p in enumerate(self.parameters):
        self.velocities[i] = self.velocities[i] + self.lr * p.grad
        p.value = p.value - self.velocities[i]


def plus_velocity(self):
    for i, p in enumerate(self.parameters):
        self.velocities[i] = self.alpha * self.velocities[i] + self.lr * p.grad
        p.value = p.value + self.velocities[i]


def fresh_velocity(self):
    for p in self.parameters:
        v = self.alpha * np.zeros_like(p.value) + self.lr * p.grad
        p.value = p.value - v


def one_velocity_for_all(self):
    v = 0.0
    for p in self.parameters:
        v = self.alpha * v + self.lr * p.grad
        p.value = p.value - v


@pytest.mark.parametrize("step, message", [
    (update_before_accumulating, "update the velocity first"),
    (without_lr, "learning rate is missing"),
    (without_alpha, "shrink by alpha"),
    (plus_velocity, "up the gradient"),
    (fresh_velocity, "forgotten between steps"),
    (one_velocity_for_all, "needs its own"),
])
def test_momentum_slips_are_named(step, message):
    assert message in failure(check_momentum, momentum_with(step), Parameter)


def test_a_crash_inside_the_attendees_code_is_reported_with_its_cause():
    def crash(self):
        raise KeyError("velocity")
    text = failure(check_momentum, momentum_with(crash), Parameter)
    assert "Momentum.step() (step 1) raised KeyError" in text and "velocity" in text
