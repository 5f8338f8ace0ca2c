"""Every check of Part 1 (notebooks 03, 06, 08, 10) answers garbage with a sentence.

Whatever an attendee hands a check -- None, strings, nested lists, NaN arrays, functions that
raise or return the wrong type or take the wrong arguments -- it fails with a CheckFailed that
says what it saw, and never with another exception from the check's own code. A right answer
changed a little (a list for an array, another shape, pairs for one flat list) never crashes a
check either.
"""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings

import garbage
from demystify.checks import autograd_basics, layers, training, weights
from demystify.reference import init_params
import solution_network


def f(x, y):
    return x ** 2 * y + anp.sin(y)


def d_tanh(x):
    return 1 - anp.tanh(x) ** 2


def h(x):
    return anp.log(2 + x) + anp.cos(x) ** 2


def parameter_shapes(sizes):
    return [shape for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
            for shape in ((n_in, n_out), (n_out,))]


def layer_loop(X, W, b):
    return np.array([[np.tanh(X[i] @ W[:, j] + b[j]) for j in range(W.shape[1])]
                     for i in range(X.shape[0])])


def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


# Each check of Part 1, as a function of the one answer an attendee hands it, with a right
# answer for the near misses (the check's other arguments are what the notebook passes).
CHECKS = {
    "neuron": (layers.check_neuron, lambda x, w, b: anp.tanh(x @ w + b)),
    "layer_loop": (layers.check_layer_loop, layer_loop),
    "layer_forward": (layers.check_layer_forward, lambda X, W, b: np.tanh(X @ W + b)),
    "parameter_shapes": (layers.check_parameter_shapes, parameter_shapes),
    "init_params": (weights.check_init_params, init_params),
    "forward": (weights.check_forward, solution_network.forward),
    "predict": (weights.check_predict, lambda p, X: solution_network.forward(p, X).argmax(axis=1)),
    "function_h": (autograd_basics.check_function_h, h),
    "derivative, df": (lambda df: autograd_basics.check_derivative(anp.tanh, df), d_tanh),
    "derivative, f": (lambda f: autograd_basics.check_derivative(f, d_tanh), anp.tanh),
    "partial, df": (lambda df: autograd_basics.check_partial(f, df, argnum=0),
                    lambda x, y: 2 * x * y),
    "partial, argnum": (lambda argnum: autograd_basics.check_partial(f, lambda x, y: 2 * x * y,
                                                                     argnum), None),
    "grad_argnum, gradient": (lambda g: autograd_basics.check_grad_argnum(f, g, argnum=1),
                              grad(f, argnum=1)),
    "grad_argnum, argnum": (lambda argnum: autograd_basics.check_grad_argnum(
        f, grad(f, argnum=1), argnum), None),
    "central_difference": (autograd_basics.check_central_difference, central_difference),
    "loss": (training.check_loss, solution_network.loss),
    "gradient": (training.check_gradient, grad(solution_network.loss)),
    "step": (training.check_step, solution_network.step),
    "train": (training.check_train, lambda params, X, Y, lr=0.5, steps=500:
              solution_network.train(params, X, Y, lr, steps)),
    "trained": (training.check_trained, None),
}
WITH_A_RIGHT_ANSWER = [name for name, (_, right) in CHECKS.items() if right is not None]


@pytest.mark.parametrize("name", CHECKS)
@settings(max_examples=80, derandomize=True, deadline=None, database=None)
@given(answer=garbage.answers())
def test_every_check_answers_garbage_with_a_sentence_and_never_passes_it(name, answer):
    check, _ = CHECKS[name]
    garbage.is_refused(check, answer)


@pytest.mark.parametrize("name", WITH_A_RIGHT_ANSWER)
@settings(max_examples=2 * len(garbage.TRANSFORMS), derandomize=True, deadline=None,
          database=None)
@given(data=garbage.st.data())
def test_a_right_answer_changed_a_little_never_crashes_a_check(name, data):
    check, right = CHECKS[name]
    garbage.outcome(check, data.draw(garbage.near_misses(right)))


@pytest.mark.parametrize("name", WITH_A_RIGHT_ANSWER)
def test_the_right_answers_of_the_property_tests_pass(name, capsys):
    check, right = CHECKS[name]
    assert garbage.outcome(check, right) is None
