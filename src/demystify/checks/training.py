"""Self-checks for notebook 10, training the numpy network with autograd.

The network is the course network (:mod:`demystify.reference`), its parameters a list
``[W1, b1, W2, b2, W3, b3]`` (samples in rows: ``H1 = tanh(X @ W1 + b1)`` ...).
The checks run the attendee's code on a small fixed batch and a fixed set of
parameters that the notebook never uses (with non-zero biases, so that a forgotten bias
shows) and compare with the reference, whose gradient is backpropagation by hand, itself
checked against central differences:

    check_loss(loss)            # mean((Y_hat - Y)**2), not mean(err)**2, sum, ...
    check_gradient(loss_grad)   # one array per parameter, shaped like it, right values
    check_step(step)            # p - lr * g: against the gradient
    check_train(train)          # the loop: parameters and recorded losses
    check_trained(trained)      # the trained network: training loss and held-out accuracy
"""
from __future__ import annotations

import contextlib
import functools
import io
from typing import Callable

import numpy as np
from autograd import grad

from demystify.reference import (LEARNING_RATE, SEED, SIZES, STEPS, fixed_batch, forward, loss,
                                 lively_params, numerical_gradient, numpy_gradient,
                                 parameter_names, parameter_shapes)

from .core import (HINT_2, NUMBER, NUMBERS, call, expect_array, expect_arrays, expect_numbers,
                   expect_true, fail, hint_for, passed)
from .network import expect_params, expect_unchanged, forward_hint
from .unfinished import explain_unfinished

NOTEBOOK = "10-training-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell

# The course's recipe (init_params seed 2019, lr 0.5, 500 steps) ends at a training loss of
# 0.0524 and a held-out accuracy of 0.952 (seeds 0-7: 0.0516-0.0529 and 0.951-0.956). Runs that
# stop early stay above these bounds (10 steps: 0.089 and 0.932, 200 steps: 0.060 and 0.943,
# lr 0.05: 0.069 and 0.938), although they pass 0.93: tests/test_checks_training.py trains them.
MAX_TRAINING_LOSS = 0.055
MIN_HELD_OUT_ACCURACY = 0.945


def _copy(params) -> list[np.ndarray]:
    return [np.array(p, dtype=float, copy=True) for p in params]


def _loss_mistakes(params, X, Y) -> list[tuple[np.ndarray, str]]:
    """Wrong losses people write, each with the hint it deserves."""
    error = forward(params, X) - Y
    last = len(params) // 2
    no_output_tanh = forward(params[:-2], X) @ params[-2] + params[-1]
    no_hidden_tanh = forward(params[2:], X @ params[0] + params[1])
    no_bias = forward([p if k % 2 == 0 else np.zeros_like(p) for k, p in enumerate(params)], X)
    return [
        (np.mean(error) ** 2,
         "That is mean(err)**2, the square of the mean error: errors of opposite sign cancel "
         "out. Square first, then average."),
        (np.sum(error ** 2),
         "That is the sum of the squared errors. Take the mean, so that the loss does not grow "
         "with the number of samples."),
        (np.mean(np.sum(error ** 2, axis=1)),
         "That sums over the outputs of each sample, then averages over samples. The course's "
         "loss averages over every entry, all samples and both outputs."),
        (np.sum(error ** 2) / len(X) / 2 / 2,
         "That divides by 4n: the loss divides the sum of squares by 2n, the number of entries."),
        (np.sqrt(np.mean(error ** 2)),
         "That is the root of the mean squared error: leave out the square root."),
        (np.mean(np.abs(error)),
         "That is the mean absolute error: square the errors instead of taking abs."),
        (np.mean((no_output_tanh - Y) ** 2),
         f"The output layer needs its tanh too: Y_hat = tanh(H{last - 1} @ W{last} + b{last})."),
        (np.mean((no_hidden_tanh - Y) ** 2),
         "The first hidden layer's tanh is missing: H1 = tanh(X @ W1 + b1)."),
        (np.mean((no_bias - Y) ** 2),
         "The biases are missing: every layer adds its b after the matrix product."),
    ]


def check_loss(loss_fn: Callable, sizes=SIZES) -> None:
    """loss_fn(params, X, Y) must be mean((Y_hat - Y)**2) over every entry, and differentiable.

    Any formula with that value passes: np.mean, or the sum of squares over 2n, ...
    """
    params, (X, Y) = lively_params(sizes), fixed_batch(sizes=sizes)
    given = _copy(params)
    value = call(loss_fn, given, X.copy(), Y.copy(), name="loss",
                 signature="loss(params, X, Y)", hint=forward_hint(sizes, params, X, Y),
                 returns=NUMBER)
    expect_unchanged(given, params, "loss")
    expected = loss(params, X, Y)
    expect_array(value, expected, "loss(params, X, Y)", mistakes=_loss_mistakes(params, X, Y),
                 shape_hint="The loss is one number: average over every entry (no axis=).",
                 otherwise=HINT_2)
    call(grad(loss_fn), _copy(params), X, Y, name="grad(loss)", signature="loss(params, X, Y)",
         hint="loss gives the right value, but autograd cannot differentiate it. Keep every step "
              "where autograd can follow it: use the notebook's `np` (autograd.numpy), return "
              "the array expression itself (no float() or .item()), and do not write values "
              "into a pre-made array.")
    passed(f"loss gives {float(expected):.6f} on the check's small batch, as the reference "
           "does, and autograd can differentiate it.")


def _gradient_of(loss_grad: Callable, params, X, Y, sizes) -> list[np.ndarray]:
    """The attendee's gradient, with its structure checked: one array per parameter."""
    given = _copy(params)
    result = call(loss_grad, given, X.copy(), Y.copy(), name="loss_grad",
                  signature="loss_grad(params, X, Y)", hint=forward_hint(sizes, params, X, Y))
    expect_unchanged(given, params, "loss_grad")
    if isinstance(result, np.ndarray) and result.shape == X.shape:
        fail(f"loss_grad returned one array of shape {result.shape}, the shape of X.",
             "That is the gradient with respect to X (argnum=1). We want it with respect "
             "to the parameters, the first argument of loss.")
    if isinstance(result, tuple) and len(result) == 3:
        fail("loss_grad returned 3 things, one per argument of loss.",
             "argnum=(0, 1, 2) differentiates with respect to X and Y too. "
             "We only need the parameters, the first argument.")
    if result is not None and not isinstance(result, (list, tuple)):
        fail(f"loss_grad returned {_a(result)}; expected a list of {len(params)} arrays, one per "
             "parameter.",
             "autograd's grad differentiates with respect to the first argument, the list of "
             "parameters, and returns a list of the same structure.")
    names = parameter_names(sizes)
    return expect_arrays(result, parameter_shapes(sizes), "loss_grad(params, X, Y) returned",
                         [f"the gradient for {name}" for name in names],
                         shape_hint=lambda name, got, want: (
                             f"Each entry of a gradient belongs to one entry of a parameter: "
                             f"{name[17:]} has shape {want}, and so has {name}."))


def _a(value) -> str:
    noun = type(value).__name__
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _central_differences(params, X, Y) -> list[np.ndarray]:
    """The gradient of the reference loss by central differences, one parameter at a time."""
    def along(k):
        return lambda p_k: loss(params[:k] + [p_k] + params[k + 1:], X, Y)
    return [numerical_gradient(along(k), p) for k, p in enumerate(params)]


def check_gradient(loss_grad: Callable, sizes=SIZES) -> None:
    """loss_grad(params, X, Y) must be the gradient of the loss: a list shaped like params.

    Its values are compared with the gradient by hand (backpropagation) and, entry by entry,
    with central differences.
    """
    params, (X, Y) = lively_params(sizes), fixed_batch(sizes=sizes)
    names = parameter_names(sizes)
    result = _gradient_of(loss_grad, params, X, Y, sizes)
    expected = numpy_gradient(params, X, Y)
    for name, g, e in zip(names, result, expected, strict=True):
        expect_array(g, e, f"the gradient for {name}", mistakes=[
            (-e, "The gradient points the wrong way: is the error Y_hat - Y the wrong way "
                 "round somewhere?")],
            shape_hint="Each gradient has the shape of its parameter.")
    # an independent check, without backpropagation: central differences, every entry
    for name, g, numeric in zip(names, result, _central_differences(params, X, Y), strict=True):
        worst = np.unravel_index(np.argmax(np.abs(numeric - g)), numeric.shape)
        expect_true(abs(numeric[worst] - g[worst]) < 1e-6,
                    f"∂L/∂{name}{list(map(int, worst))} is {g[worst]:.6g}, but central "
                    f"differences give {numeric[worst]:.6g}.")
    shapes = ", ".join(f"{n} {p.shape}" for n, p in zip(names, params, strict=True))
    passed(f"loss_grad returns one array per parameter ({shapes}), matching the reference "
           "and central differences.")


def _step_reference(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads, strict=True)]


def check_step(step: Callable, sizes=SIZES) -> None:
    """step(params, grads, lr) must return [p - lr * g, ...]: a move against the gradient.

    Updating the arrays in place and returning them passes too.
    """
    params, (X, Y), lr = lively_params(sizes), fixed_batch(sizes=sizes), 0.1
    grads = numpy_gradient(params, X, Y)
    expected = _step_reference(params, grads, lr)
    result = call(step, _copy(params), _copy(grads), lr, name="step",
                  signature="step(params, grads, lr)", hint=hint_for(TypeError, (
                      "params and grads are lists of arrays: arithmetic on a list does not "
                      "reach the arrays inside it. Take one parameter and its gradient at a "
                      "time, and make each new array.")))
    if isinstance(result, np.ndarray):
        fail(f"step returned one array of shape {result.shape}; expected a list of "
             f"{len(params)} arrays, the updated parameters.",
             "Update every parameter with its own gradient, and return them all in a list, in "
             f"the order of params. {HINT_2}")
    result = expect_params(result, sizes, "step(params, grads, lr) returned")
    for i, name in enumerate(parameter_names(sizes)):
        p, g = params[i], grads[i]
        expect_array(result[i], expected[i], f"the updated {name}", mistakes=[
            (p + lr * g, "That moves the parameters up the gradient, where the loss grows. "
                         "Subtract."),
            (p - g, "The learning rate is missing: move by lr times the gradient."),
            (-lr * g, "That is only the change, -lr * g: add it to the parameter."),
            (p, "The parameter did not change: return the moved one."),
        ])
    before, after = loss(params, X, Y), loss(list(result), X, Y)
    expect_true(after < before, "The step did not lower the loss.")  # holds for p - lr * g
    passed(f"step moves every parameter against its gradient: on the check's small batch the "
           f"loss goes from {before:.6f} to {after:.6f}.")


def _trained_and_losses(result, sizes, steps) -> tuple[list[np.ndarray], np.ndarray]:
    """train's result as (params, losses), each checked: a pair, in that order, of the right kinds."""
    if result is None:
        fail("train returned None; expected 2 values, (params, losses).",
             "Did you forget to `return params, losses`?")
    if isinstance(result, (tuple, list)) and len(result) == len(parameter_shapes(sizes)) and all(
            isinstance(p, np.ndarray) and p.ndim > 0 for p in result):
        fail("train returned only the trained parameters; expected 2 values, (params, losses).",
             "Return the losses you recorded too: `return params, losses`.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"train returned {_a(result)}{'' if not isinstance(result, (tuple, list)) else f' of {len(result)} values'}; "
             "expected 2 values, (params, losses).", "End with `return params, losses`.")
    first, second = result
    if NUMBERS.accepts(first) and not NUMBERS.accepts(second):
        fail("train returned (losses, params); expected (params, losses).",
             "Return them in this order: `return params, losses`.")
    trained = expect_params(first, sizes, "train returned, as params,")
    losses = expect_numbers(second, "train returned, as losses,", f"a list of {steps} numbers")
    if losses.size == steps and losses.shape != (steps,):
        fail(f"train(..., steps={steps}) returned its losses with shape {losses.shape}; "
             f"expected a flat list of {steps} numbers, shape ({steps},).",
             "Append the loss itself, one number per step (`losses.append(loss(...))`), not a "
             "list or a row holding it.")
    expect_true(losses.shape == (steps,),
                f"train(..., steps={steps}) recorded {losses.size} losses; expected {steps}, "
                "one per step.",
                "Loop over range(steps), the argument, and append one loss per step.")
    return trained, losses


def check_train(train: Callable, sizes=SIZES) -> None:
    """train(params, X, Y, lr=..., steps=...) must return (params, losses) of gradient descent.

    ``losses[i]`` is the loss before update i, so ``losses[0]`` is the loss of
    the starting parameters.  It is called with lr and steps by name, as the notebook calls
    it. The attendee's progress bar is kept out of sight.
    """
    params, (X, Y) = lively_params(sizes), fixed_batch(sizes=sizes)
    lr, steps = 0.3, 4  # not the notebook's: a loop must use its arguments
    path = _trajectory(params, X, Y, lr, steps)
    expected_losses = [loss(p, X, Y) for p in path[:-1]]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        result = call(train, _copy(params), X, Y, lr=lr, steps=steps, name="train",
                      signature="train(params, X, Y, lr=0.5, steps=500)",
                      hint=_train_hint(sizes, params, X, Y))
    trained, losses = _trained_and_losses(result, sizes, steps)
    if all(np.allclose(a, b) for a, b in zip(trained, params, strict=True)):
        fail("After training, the parameters are the starting ones.",
             "Assign the result of step back to params, at every step.")
    expect_array(losses, expected_losses, f"train's record of {steps} losses", mistakes=[
        ([loss(p, X, Y) for p in path[1:]],
         "These are the losses after each update. Record the loss before the update, so that "
         "losses[0] is the loss of the starting parameters."),
    ], otherwise=f"Use the arguments train is given, here lr={lr} and steps={steps}: each pass "
                 "records the loss, then takes one step of that learning rate.")
    for name, got, want in zip(parameter_names(sizes), trained, path[-1], strict=True):
        expect_array(got, want, f"the trained {name}")
    passed(f"train follows gradient descent: {steps} steps at lr={lr} give the reference "
           "losses and parameters.")


def _train_hint(sizes, params, X, Y):
    """A hint for call() when train raises: a loop variable that hides a function, a slip of
    the forward pass, or an exercise above that is not right yet."""
    shapes = forward_hint(sizes, params, X, Y, otherwise=(
        "train uses your loss, loss_grad and step: do their checks above all pass? Then look "
        "at how train hands each one its arguments."))

    def hint(error: BaseException) -> str | None:
        if isinstance(error, TypeError) and "object is not callable" in str(error):
            return ("A name of one of your functions now holds something else: a loop such as "
                    "`for step in ...` makes step a number. Name the loop variable _ instead.")
        return shapes(error)
    return hint


def _trajectory(params, X, Y, lr, steps) -> list[list[np.ndarray]]:
    """The parameters before the first step and after each of ``steps`` steps."""
    path = [_copy(params)]
    for _ in range(steps):
        path.append(_step_reference(path[-1], numpy_gradient(path[-1], X, Y), lr))
    return path


@functools.cache
def _pulsars():
    """(X_train, Y_train one-hot, X_test, y_test): the course's split, read once."""
    from demystify.data import one_hot, pulsar_split
    split = pulsar_split()
    return split.X_train, one_hot(split.y_train), split.X_test, split.y_test


def check_trained(trained, sizes=SIZES) -> None:
    """The parameters ``trained`` must be a trained network: a training loss of at most
    MAX_TRAINING_LOSS and a held-out accuracy of at least MIN_HELD_OUT_ACCURACY, both computed
    here from the parameters on the course's pulsar split."""
    params = expect_params(trained, sizes, "check_trained was given")
    X_train, Y_train, X_test, y_test = _pulsars()
    training_loss = float(loss(params, X_train, Y_train))
    accuracy = float(np.mean(forward(params, X_test).argmax(axis=1) == y_test))
    recipe = (f"the course's recipe, from init_params({SIZES}, np.random.default_rng({SEED})) "
              f"with lr={LEARNING_RATE} for {STEPS} steps")
    if not np.isfinite(training_loss):
        fail(f"The trained network's training loss is {training_loss}: training diverged.",
             "A learning rate too large makes the steps overshoot: use lr=0.5.")
    if training_loss > MAX_TRAINING_LOSS:
        fail(f"The trained network's training loss is {training_loss:.4f}; {recipe} reaches "
             f"0.052, so a trained network has at most {MAX_TRAINING_LOSS} (its held-out "
             f"accuracy is {accuracy:.3f}).",
             "It has not learned enough yet: train with the recipe's steps and learning rate, "
             "and look at the loss curve (flat: the parameters are not updated; rising: the "
             "step goes uphill).")
    expect_true(accuracy >= MIN_HELD_OUT_ACCURACY,
                f"The trained network's held-out accuracy is {accuracy:.3f}; {recipe} reaches "
                f"0.952, so a trained network scores at least {MIN_HELD_OUT_ACCURACY}.",
                "Score the trained parameters, not the starting ones, on X_test.")
    passed(f"The trained network: training loss {training_loss:.4f} (at most "
           f"{MAX_TRAINING_LOSS}) and held-out accuracy {accuracy:.3f} (at least "
           f"{MIN_HELD_OUT_ACCURACY}), like the PyTorch baseline.")
