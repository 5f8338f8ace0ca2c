"""The self-checks of notebook 16 pass every correct class, name the slips, and never crash.

Three kinds of test, as issue 13 asks of every check: correct answers written in several ways
all pass; the wrong answers attendees really write fail with the sentence meant for them (the
false passes found in review among them); and garbage, in any argument or coming back from
any method, gets a ✗ sentence, never a pass and never a traceback from the check's own code.
"""
import copy
import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demystify.checks import CheckFailed
from demystify.checks.sugar import (
    check_linear, check_momentum, check_parameters, check_sequential, check_sgd)
from failures import failure
from garbage import EXCEPTIONS as ERROR_TYPES
from garbage import answers, returning


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
            raise NotImplementedError("Look at every attribute of the module.")

    text = failure(check_parameters, Stub, Parameter)
    assert text == "✗ parameters() is not written yet.\n  Look at every attribute of the module."


# --- Module.parameters --------------------------------------------------------------

def module_with(parameters):
    """A Module class whose parameters() is the given function of self."""
    return type("Module", (Module,), {"parameters": parameters})


def items_of(attribute):
    return attribute if isinstance(attribute, (list, tuple)) else [attribute]


def through_dict(self):
    found = []
    for attribute in self.__dict__.values():
        for item in items_of(attribute):
            if isinstance(item, Parameter):
                found.append(item)
            elif hasattr(item, "parameters"):           # duck typing: anything with parameters()
                found += item.parameters()
    return found


def from_a_generator(self):
    def walk(module):
        for attribute in vars(module).values():
            for item in items_of(attribute):
                if isinstance(item, Parameter):
                    yield item
                elif isinstance(item, Module):
                    yield from walk(item)
    return list(walk(self))


def also_in_dicts(self):
    found = []
    for attribute in vars(self).values():
        values = attribute.values() if isinstance(attribute, dict) else items_of(attribute)
        for item in values:
            if isinstance(item, Parameter):
                found.append(item)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def deduplicated_in_order(self):
    return list(dict.fromkeys(Module.parameters(self)))


def as_a_tuple(self):
    return tuple(Module.parameters(self))


@pytest.mark.parametrize("parameters", [through_dict, from_a_generator, also_in_dicts,
                                        deduplicated_in_order, as_a_tuple])
def test_other_correct_parameters_pass(parameters, capsys):
    check_parameters(module_with(parameters), Parameter)
    assert "✓" in capsys.readouterr().out


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


def lists_but_not_tuples(self):
    found = []
    for attribute in vars(self).values():
        for item in attribute if isinstance(attribute, list) else [attribute]:
            if isinstance(item, Parameter):
                found.append(item)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def values_not_parameters(self):
    found = []
    for attribute in vars(self).values():
        for item in items_of(attribute):
            if isinstance(item, Parameter):
                found.append(item.value)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def sorted_by_name(self):
    found = []
    for name in sorted(vars(self)):
        for item in items_of(getattr(self, name)):
            if isinstance(item, Parameter):
                found.append(item)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def with_arrays(self):
    found = []
    for attribute in vars(self).values():
        for item in items_of(attribute):
            if isinstance(item, (Parameter, np.ndarray)):
                found.append(item)
            elif isinstance(item, Module):
                found.extend(item.parameters())
    return found


def modules_not_expanded(self):
    return [v for v in vars(self).values() if isinstance(v, (Parameter, Module))]


def with_module_slip(add_module):
    """The right parameters() but for what it does with a sub-module: add_module(found, module, self)."""
    def parameters(self):
        found = []
        for attribute in vars(self).values():
            for item in items_of(attribute):
                if isinstance(item, Parameter):
                    found.append(item)
                elif isinstance(item, Module):
                    add_module(found, item, self)
        return found
    return parameters


def _add_brackets_forgotten(found, module, self):
    found += module.parameters                       # the brackets forgotten


sub_lists_appended = with_module_slip(lambda found, module, self: found.append(module.parameters()))
recurses_into_itself = with_module_slip(lambda found, module, self: found.extend(self.parameters()))
method_not_called = with_module_slip(_add_brackets_forgotten)
module_extended = with_module_slip(lambda found, module, self: found.extend(module))  # not its parameters()


def as_a_generator(self):
    yield from Module.parameters(self)


def copies(self):
    return [Parameter(p.value) for p in Module.parameters(self)]


def remembered(self, found=[]):             # noqa: B006  (the slip under test)
    found.extend(Module.parameters(self))
    return found


@pytest.mark.parametrize("parameters, message", [
    (own_only, "none of its sub-modules'"),
    (no_lists, "missed the modules kept in a list or a tuple"),
    (lists_but_not_tuples, "a module kept in a tuple"),
    (values_not_parameters, "returned arrays, not Parameter objects"),
    (sorted_by_name, "in the order"),
    (with_arrays, "plain numpy array"),
    (modules_not_expanded, "a sub-module itself"),
    (sub_lists_appended, "extend the list"),
    (as_a_generator, "returned a generator"),
    (copies, "does not hold"),
    (recurses_into_itself, "not self.parameters()"),
    (remembered, "more than once"),
    (method_not_called, "Call the method: item.parameters(), with the brackets."),
    (module_extended, "add what its parameters() returns, not the module itself"),
    (lambda self: None, "forget to `return`"),
    (lambda self: [], "empty list"),
    (lambda self: {p: None for p in Module.parameters(self)}, "returned a dict"),
    (lambda self: Module.parameters(self) * 2, "more than once"),
])
def test_parameters_slips_are_named(parameters, message):
    assert message in failure(check_parameters, module_with(parameters), Parameter)


def test_a_list_kept_on_the_module_between_calls_is_named():
    class Collecting(Module):
        def parameters(self):
            self.found = getattr(self, "found", [])
            self.found.extend(Module.parameters(self))
            return self.found

    assert "second time" in failure(check_parameters, Collecting, Parameter)


# --- Linear -------------------------------------------------------------------------

def linear_with(**methods):
    return type("Linear", (Linear,), methods)


def init_with(std_of, draw=lambda rng, std, n_in, n_out: rng.normal(0.0, std, (n_in, n_out)),
              bias=None):
    """A Linear.__init__ that draws with std_of(n_in, n_out, init) and draw (slips to test)."""
    def __init__(self, n_in, n_out, rng, init="xavier"):
        if init not in ("xavier", "he"):
            raise ValueError(init)
        self.W = Parameter(draw(rng, std_of(n_in, n_out, init), n_in, n_out))
        self.b = Parameter(np.zeros(n_out) if bias is None else bias(n_out))
    return __init__


def right_std(n_in, n_out, init):
    return np.sqrt(2 / (n_in + n_out)) if init == "xavier" else np.sqrt(2 / n_in)


def scales_in_a_dict(self, n_in, n_out, rng, init="xavier"):
    scales = {"xavier": np.sqrt(2 / (n_in + n_out)), "he": np.sqrt(2 / n_in)}
    if init.lower() not in scales:
        raise ValueError(f"init must be one of {list(scales)}")
    self.W = Parameter(rng.standard_normal((n_in, n_out)) * scales[init.lower()])
    self.b = Parameter(np.zeros((n_out,)))


@pytest.mark.parametrize("methods", [
    {"__init__": scales_in_a_dict},
    {"__init__": init_with(right_std, draw=lambda rng, std, i, o: std * rng.normal(size=(i, o)))},
    {"forward": lambda self, X: np.dot(X, self.W.value) + self.b.value},
    {"forward": lambda self, X: (self.W.value.T @ X.T).T + self.b.value},
    {"forward": lambda self, X: np.matmul(X, self.W.value) + self.b.value},
])
def test_other_correct_linear_layers_pass(methods, capsys):
    check_linear(linear_with(**methods), Parameter)
    assert "✓" in capsys.readouterr().out


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


@pytest.mark.parametrize("seed", [0, 31, 2019, None])
def test_weights_that_ignore_the_given_rng_fail_whatever_seed_they_use(seed):
    """Issue 13: an init that makes its own generator passed when its seed was the check's."""
    own = linear_with(__init__=init_with(
        right_std, draw=lambda rng, std, i, o: np.random.default_rng(seed).normal(0.0, std, (i, o))))
    assert "does not draw from rng" in failure(check_linear, own, Parameter)


def test_weights_from_numpys_global_generator_fail():
    legacy = linear_with(__init__=init_with(
        right_std, draw=lambda rng, std, i, o: np.random.randn(i, o) * std))
    assert "does not draw from rng" in failure(check_linear, legacy, Parameter)


def test_weights_from_a_copy_of_the_rng_fail():
    copied = linear_with(__init__=init_with(
        right_std, draw=lambda rng, std, i, o: copy.deepcopy(rng).normal(0.0, std, (i, o))))
    assert "did not get rng's next draws" in failure(check_linear, copied, Parameter)


def test_weights_drawn_transposed_are_named():
    transposed = linear_with(__init__=init_with(
        right_std, draw=lambda rng, std, i, o: rng.normal(0.0, std, (o, i)).T))
    assert "(n_out, n_in), transposed" in failure(check_linear, transposed, Parameter)


def test_uniform_weights_of_the_right_scale_are_named():
    uniform = linear_with(__init__=init_with(
        right_std, draw=lambda rng, std, i, o: rng.uniform(-std * 3**0.5, std * 3**0.5, (i, o))))
    assert "look uniformly distributed" in failure(check_linear, uniform, Parameter)


def test_transposed_weights_are_named():
    broken = linear_with(__init__=init_with(
        right_std, draw=lambda rng, std, i, o: rng.normal(0.0, std, (o, i))))
    assert "that is (n_in, n_out)" in failure(check_linear, broken, Parameter)


def test_weights_transposed_in_the_he_branch_only_are_named_without_a_traceback():
    def he_transposed(self, n_in, n_out, rng, init="xavier"):
        if init == "he":
            W = rng.normal(0.0, np.sqrt(2 / n_in), (n_out, n_in))
        elif init == "xavier":
            W = rng.normal(0.0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out))
        else:
            raise ValueError(init)
        self.W, self.b = Parameter(W), Parameter(np.zeros(n_out))
    text = failure(check_linear, linear_with(__init__=he_transposed), Parameter)
    assert text.startswith("✗ Linear(3, 4, rng, init='he').W has shape (4, 3); expected (3, 4)")


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


def test_unknown_initialisation_raising_key_error_is_told_to_raise_value_error():
    def looked_up(self, n_in, n_out, rng, init="xavier"):
        std = {"xavier": np.sqrt(2 / (n_in + n_out)), "he": np.sqrt(2 / n_in)}[init]
        self.W = Parameter(rng.normal(0.0, std, (n_in, n_out)))
        self.b = Parameter(np.zeros(n_out))
    text = failure(check_linear, linear_with(__init__=looked_up), Parameter)
    assert "raised KeyError" in text and "Raise ValueError" in text


def test_bias_before_weights_is_named():
    def b_first(self, n_in, n_out, rng, init="xavier"):
        if init not in ("xavier", "he"):
            raise ValueError(init)
        self.b = Parameter(np.zeros(n_out))
        self.W = Parameter(rng.normal(0.0, right_std(n_in, n_out, init), (n_in, n_out)))
    assert "Set self.W before self.b" in failure(check_linear, linear_with(__init__=b_first), Parameter)


def test_weights_kept_as_plain_arrays_are_named():
    def plain(self, n_in, n_out, rng, init="xavier"):
        self.W = rng.normal(0.0, right_std(n_in, n_out, init), (n_in, n_out))
        self.b = np.zeros(n_out)
    assert "plain numpy array, not a Parameter" in failure(
        check_linear, linear_with(__init__=plain), Parameter)


def test_weights_under_other_names_are_named():
    def torch_names(self, n_in, n_out, rng, init="xavier"):
        self.weight = Parameter(rng.normal(0.0, right_std(n_in, n_out, init), (n_in, n_out)))
        self.bias = Parameter(np.zeros(n_out))
    assert "no Parameter called W" in failure(check_linear, linear_with(__init__=torch_names), Parameter)


def keeps_its_first_weights(self, n_in, n_out, rng, init="xavier"):
    Linear.__init__(self, n_in, n_out, rng, init)
    self.first = (self.W.value, self.b.value)


@pytest.mark.parametrize("methods, message", [
    ({"forward": lambda self, X: X @ self.W.value}, "The bias is missing"),
    ({"forward": lambda self, X: np.tanh(X @ self.W.value + self.b.value)}, "Linear has no activation"),
    ({"forward": lambda self, X: self.W.value.T @ X.T}, "transposed"),
    ({"forward": lambda self, X: X @ self.W + self.b}, "self.W.value and self.b.value"),
    ({"forward": lambda self, X: (X @ self.W.value + self.b.value).tolist()}, "returned a list"),
    ({"forward": lambda self, X: X.dot(self.W.value) + self.b.value}, "run by scratchgrad"),
    ({"forward": lambda self, X: np.einsum("ij,jk->ik", X, self.W.value) + self.b.value},
     "run by scratchgrad"),
    ({"__init__": keeps_its_first_weights,
      "forward": lambda self, X: X @ self.first[0] + self.first[1]}, "from __init__"),
])
def test_forward_slips_are_named(methods, message):
    assert message in failure(check_linear, linear_with(**methods), Parameter)


# --- Sequential -------------------------------------------------------------------------

def sequential_with(**methods):
    return type("Sequential", (Sequential,), methods)


def in_a_tuple(self, *layers):
    self.layers = layers


def one_attribute_each(self, *layers):
    for i, layer in enumerate(layers):
        setattr(self, f"layer{i}", layer)


def each_attribute(self, X):
    for layer in vars(self).values():
        X = layer(X)
    return X


@pytest.mark.parametrize("methods", [
    {"__init__": in_a_tuple},
    {"forward": lambda self, X: functools.reduce(lambda h, layer: layer(h), self.layers, X)},
    {"__init__": one_attribute_each, "forward": each_attribute},
])
def test_other_correct_sequentials_pass(methods, capsys):
    check_sequential(sequential_with(**methods), Module, Parameter)
    assert "✓" in capsys.readouterr().out


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


def used_up(self, X):
    while self.layers:
        X = self.layers.pop(0)(X)
    return X


def copied_layers(self, *layers):
    self.layers = copy.deepcopy(list(layers))


def in_a_dict(self, *layers):
    self.layers = dict(enumerate(layers))


def through_the_dict(self, X):
    for layer in self.layers.values():
        X = layer(X)
    return X


@pytest.mark.parametrize("methods, message", [
    ({"forward": reversed_order}, "last to first"),
    ({"forward": last_only}, "Only the last layer"),
    ({"forward": not_chained}, "Only the last layer"),
    ({"forward": first_only}, "Only the first layer"),
    ({"forward": unchanged}, "unchanged"),
    ({"forward": used_up}, "called a second time"),
    ({"forward": lambda self, X: None}, "forget to `return`"),
    ({"__init__": copied_layers}, "not copies"),
    ({"__init__": in_a_dict, "forward": through_the_dict}, "parameters() is empty"),
])
def test_sequential_slips_are_named(methods, message):
    assert message in failure(check_sequential, sequential_with(**methods), Module, Parameter)


def test_sequential_that_is_not_a_module_is_named():
    class Plain:
        def __init__(self, *layers):
            self.layers = layers

        def __call__(self, X):
            for layer in self.layers:
                X = layer(X)
            return X
    assert "Sequential is not a Module" in failure(check_sequential, Plain, Module, Parameter)


def test_sequential_taking_one_list_is_told_how_it_is_called():
    class OneList(Sequential):
        def __init__(self, layers):
            self.layers = list(layers)
    text = failure(check_sequential, OneList, Module, Parameter)
    assert "cannot be called as Sequential(*layers)" in text


# --- optimisers ---------------------------------------------------------------------------

def sgd_with(step):
    return type("SGD", (SGD,), {"step": step})


def in_place(self):
    for p in self.parameters:
        p.value -= self.lr * p.grad


def by_index(self):
    for i in range(len(self.parameters)):
        self.parameters[i].value = self.parameters[i].value - self.lr * self.parameters[i].grad


@pytest.mark.parametrize("step", [in_place, by_index])
def test_other_correct_sgd_steps_pass(step, capsys):
    check_sgd(sgd_with(step), Parameter)
    assert "✓" in capsys.readouterr().out


def one_parameter_only(self):
    for p in self.parameters:
        p.value = p.value - self.lr * p.grad
        return


def clears_gradients(self):
    for p in self.parameters:
        p.value = p.value - self.lr * p.grad
        p.grad = None


NOTEBOOK_PARAMETERS = [Parameter(np.zeros(2))]     # a list from the notebook, not the optimiser's


def the_notebooks_list(self):
    for p in NOTEBOOK_PARAMETERS:
        p.value = p.value - self.lr


def new_parameters(self):
    self.parameters = [Parameter(p.value - self.lr * p.grad) for p in self.parameters]


@pytest.mark.parametrize("step, message", [
    (lambda self: [setattr(p, "value", p.value + self.lr * p.grad) for p in self.parameters],
     "moves up the gradient"),
    (lambda self: [setattr(p, "value", p.value - p.grad) for p in self.parameters],
     "learning rate is missing"),
    (lambda self: [setattr(p, "value", p.value - 0.5 * p.grad) for p in self.parameters],
     "use the lr the optimiser was given"),
    (one_parameter_only, "no return inside the loop"),
    (the_notebooks_list, "in self.parameters"),
    (new_parameters, "did not move"),
    (clears_gradients, "changed parameter 0's gradient"),
    (lambda self: [setattr(p, "value", (p.value - self.lr * p.grad).tolist())
                   for p in self.parameters], "a list"),
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


def momentum_with(step=None, **methods):
    if step is not None:
        methods["step"] = step
    return type("Momentum", (Momentum,), methods)


def pytorch_form(self):
    """PyTorch's SGD with momentum: v = alpha v + g, value - lr v (the same path, v scaled)."""
    for i, p in enumerate(self.parameters):
        self.velocities[i] = self.alpha * self.velocities[i] + p.grad
        p.value = p.value - self.lr * self.velocities[i]


def minus_convention(self):
    for i, p in enumerate(self.parameters):
        self.velocities[i] = self.alpha * self.velocities[i] - self.lr * p.grad
        p.value = p.value + self.velocities[i]


def keyed_by_parameter(self, parameters, lr, alpha=0.9):
    Optimiser.__init__(self, parameters, lr)
    self.alpha, self.velocity = alpha, {}


def from_the_dict(self):
    for p in self.parameters:
        v = self.alpha * self.velocity.get(p, 0.0) + self.lr * p.grad
        self.velocity[p] = v
        p.value = p.value - v


def scalar_zeros(self, parameters, lr, alpha=0.9):
    super(Momentum, self).__init__(parameters, lr)
    self.alpha, self.velocities = alpha, [0.0] * len(self.parameters)


def rebinding(self):
    for i, p in enumerate(self.parameters):
        self.velocities[i] = self.alpha * self.velocities[i] + self.lr * p.grad
        p.value = p.value - self.velocities[i]


def lazily(self):
    if not hasattr(self, "velocities"):
        self.velocities = [np.zeros_like(p.value) for p in self.parameters]
    rebinding(self)


@pytest.mark.parametrize("methods", [
    {"step": pytorch_form},
    {"step": minus_convention},
    {"__init__": keyed_by_parameter, "step": from_the_dict},
    {"__init__": scalar_zeros, "step": rebinding},
    {"__init__": keyed_by_parameter, "step": lazily},
])
def test_other_correct_momentum_steps_pass(methods, capsys):
    check_momentum(momentum_with(**methods), Parameter)
    assert "✓" in capsys.readouterr().out


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


def default_alpha(self):
    for i, p in enumerate(self.parameters):
        self.velocities[i] = 0.9 * self.velocities[i] + self.lr * p.grad
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


def nesterov(self):
    for i, p in enumerate(self.parameters):
        self.velocities[i] = self.alpha * self.velocities[i] + self.lr * p.grad
        p.value = p.value - (self.alpha * self.velocities[i] + self.lr * p.grad)


def forgets_super(self, parameters, lr, alpha=0.9):
    self.alpha = alpha
    self.velocities = [np.zeros_like(p.value) for p in parameters]


def one_array_repeated(self, parameters, lr, alpha=0.9):
    Optimiser.__init__(self, parameters, lr)
    self.alpha = alpha
    self.velocities = [np.zeros_like(self.parameters[0].value)] * len(self.parameters)


@pytest.mark.parametrize("methods, message", [
    ({"step": update_before_accumulating}, "update the velocity first"),
    ({"step": without_lr}, "learning rate is missing"),
    ({"step": without_alpha}, "shrink by alpha"),
    ({"step": default_alpha}, "not by the alpha given"),
    ({"step": plus_velocity}, "up the gradient"),
    ({"step": fresh_velocity}, "forgotten between steps"),
    ({"step": one_velocity_for_all}, "needs its own"),
    ({"step": nesterov}, "Nesterov"),
    ({"__init__": forgets_super}, "super().__init__"),
    ({"__init__": one_array_repeated}, "one velocity per parameter"),
])
def test_momentum_slips_are_named(methods, message):
    assert message in failure(check_momentum, momentum_with(**methods), Parameter)


def test_a_crash_inside_the_attendees_code_is_reported_with_its_cause():
    def crash(self):
        raise KeyError("velocity")
    text = failure(check_momentum, momentum_with(crash), Parameter)
    assert "Momentum.step() (step 1) raised KeyError" in text and "velocity" in text


# --- the checks are called with the wrong things --------------------------------------------

def test_an_object_instead_of_its_class_is_named():
    text = failure(check_parameters, Module(), Parameter)
    assert "takes the class Module itself; it got a Module object" in text


def test_a_class_not_run_yet_is_named():
    assert "it got None" in failure(check_linear, None, Parameter)


def test_a_changed_parameter_class_is_named():
    class Forgetful:
        def __init__(self, value):
            self.value = value
    assert "Parameter is given" in failure(check_sgd, SGD, Forgetful)


def test_arguments_in_the_wrong_order_are_named():
    assert "check_sequential(Sequential, Module, Parameter)" in failure(
        check_sequential, Sequential, Parameter, Module)


# --- garbage never passes and never crashes a check -------------------------------------------

def raises(error):
    def function(*args, **kwargs):
        raise error
    return function


EXCEPTIONS = [error("raised on purpose") for error in ERROR_TYPES]
# the garbage every check is given (tests/garbage.py), and this exercise's own near things
GARBAGE = st.one_of(answers(), st.sampled_from(
    [int, dict, Module(), Parameter(1.0), [Parameter(1.0), "p"], raises(ValueError("inside"))]))
CHECKS = {"check_parameters": (check_parameters, (Module, Parameter)),
          "check_linear": (check_linear, (Linear, Parameter)),
          "check_sequential": (check_sequential, (Sequential, Module, Parameter)),
          "check_sgd": (check_sgd, (SGD, Parameter)),
          "check_momentum": (check_momentum, (Momentum, Parameter))}


def answers_with_a_sentence(check, *args) -> str:
    """The ✗ sentence a check gives; the test fails on a pass or any other exception."""
    with pytest.raises(CheckFailed) as error:
        check(*args)
    assert str(error.value).startswith("✗ ")
    return str(error.value)


@pytest.mark.parametrize("name", CHECKS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), garbage=GARBAGE)
def test_garbage_in_any_argument_gets_a_sentence(name, data, garbage):
    check, args = CHECKS[name]
    position = data.draw(st.integers(0, len(args) - 1))
    args = list(args)
    args[position] = garbage
    answers_with_a_sentence(check, *args)


def behaving(outcome):
    """A method that returns ``outcome``, or raises it if it is an exception."""
    return raises(outcome) if isinstance(outcome, BaseException) else returning(outcome)


OUTCOMES = st.one_of(GARBAGE, st.sampled_from(EXCEPTIONS))


def init_storing(garbage):
    def __init__(self, *args, **kwargs):
        self.W, self.b = garbage, Parameter(np.zeros(4))
    return __init__


def init_wrapping(garbage):
    def __init__(self, *args, **kwargs):
        self.W, self.b = Parameter(0.0), Parameter(0.0)
        self.W.value = garbage
    return __init__


def stepping_to(garbage):
    def step(self):
        for p in self.parameters:
            p.value = garbage
    return step


def broken_classes(outcome):
    """For each check, classes with one method that returns garbage or raises."""
    return {
        "check_parameters": [(module_with(behaving(outcome)), Parameter)],
        "check_linear": [(linear_with(forward=behaving(outcome)), Parameter),
                         (linear_with(__init__=init_storing(outcome)), Parameter),
                         (linear_with(__init__=init_wrapping(outcome)), Parameter),
                         (linear_with(__init__=behaving(outcome)), Parameter)],
        "check_sequential": [(sequential_with(forward=behaving(outcome)), Module, Parameter),
                             (Sequential, module_with(behaving(outcome)), Parameter)],
        "check_sgd": [(sgd_with(behaving(outcome)), Parameter), (sgd_with(stepping_to(outcome)), Parameter),
                      (type("SGD", (SGD,), {"zero_grad": behaving(outcome)}), Parameter)],
        "check_momentum": [(momentum_with(behaving(outcome)), Parameter),
                           (momentum_with(stepping_to(outcome)), Parameter),
                           (momentum_with(__init__=behaving(outcome)), Parameter)],
    }


@pytest.mark.parametrize("name", CHECKS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), outcome=OUTCOMES)
def test_methods_that_return_garbage_or_raise_get_a_sentence(name, data, outcome):
    """Issue 13: never a traceback from the checks' own code, whatever the attendee's code does."""
    classes = broken_classes(outcome)[name]
    args = data.draw(st.sampled_from(classes))
    answers_with_a_sentence(CHECKS[name][0], *args)
