"""Self-checks for notebook 10, training the numpy network with autograd.

The network is the course network (:mod:`demystify.reference`), its parameters a list
``[W1, b1, W2, b2, W3, b3]`` (samples in rows: ``H1 = tanh(X @ W1 + b1)`` ...).
The checks run the attendee's code on a small fixed batch and a fixed set of
parameters (with non-zero biases, so that a forgotten bias shows) and compare
with the reference, whose gradient is backpropagation by hand, itself checked against
central differences:

    check_loss(loss)            # mean((Y_hat - Y)**2), not mean(err)**2, sum, ...
    check_gradient(loss_grad)   # one array per parameter, shaped like it, right values
    check_step(step)            # p - lr * g: against the gradient
    check_train(train)          # the loop: parameters and recorded losses
    check_held_out_accuracy(a)  # the trained network scores at least 0.93 held out
"""
from __future__ import annotations

import contextlib
import io
from typing import Callable

import numpy as np
from autograd import grad

from demystify.reference import (LEARNING_RATE, SEED, SIZES, STEPS, fixed_batch, forward, loss,
                                 lively_params, numerical_gradient, numpy_gradient,
                                 parameter_names)

from .core import (ARRAYS, NUMBER, NUMBERS, SOMETHING, call, expect_array, expect_true, fail,
                   passed)
from .unfinished import explain_unfinished

NOTEBOOK = "10-training-exercises"   # the exercise notebook these checks serve
explain_unfinished(NOTEBOOK)   # Run All on the untouched exercise: one line per stopped cell


def _copy(params) -> list[np.ndarray]:
    return [np.array(p, dtype=float, copy=True) for p in params]


def _shapes_hint(sizes, error: BaseException) -> str | None:
    """What a ValueError (numpy's shapes do not line up) probably means, layer by layer."""
    if not isinstance(error, ValueError) or ("broadcast" not in str(error)
                                             and "matmul" not in str(error)):
        return None
    layers = [f"H{k} (n, {n})" for k, n in enumerate(sizes[1:-1], start=1)]
    walk = " -> ".join([f"X (n, {sizes[0]})", *layers, f"Y_hat (n, {sizes[-1]})"])
    return (f"Check the shapes layer by layer: {walk}, like Y. Was a layer skipped, or a product "
            "written W @ X or H * W instead of H @ W?")


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
         "out. Square first, then average: np.mean((Y_hat - Y)**2)."),
        (np.sum(error ** 2),
         "That is the sum of the squared errors. Take the mean (np.mean), so that the loss "
         "does not grow with the number of samples."),
        (np.mean(np.sum(error ** 2, axis=1)),
         "That sums over the outputs of each sample, then averages over samples. The course's "
         "loss averages over every entry: np.mean((Y_hat - Y)**2)."),
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
    """loss_fn(params, X, Y) must be mean((Y_hat - Y)**2) over every entry, and differentiable."""
    params, (X, Y) = lively_params(sizes), fixed_batch(sizes=sizes)
    value = call(loss_fn, _copy(params), X, Y, name="loss", signature="loss(params, X, Y)",
                 hint=lambda error: _shapes_hint(sizes, error), returns=NUMBER)
    expected = loss(params, X, Y)
    expect_array(value, expected, "loss(params, X, Y)", mistakes=_loss_mistakes(params, X, Y),
                 shape_hint="The loss is one number: take np.mean over every entry (no axis=).")
    call(grad(loss_fn), _copy(params), X, Y, name="grad(loss)", signature="loss(params, X, Y)",
         hint="loss gives the right value, but autograd cannot differentiate it. Keep every step "
              "where autograd can follow it: use the notebook's `np` (autograd.numpy), return "
              "the array expression itself (no float() or .item()), and do not write values "
              "into a pre-made array.")
    passed(f"loss gives {float(expected):.6f} on the check's small batch, as the reference "
           "does, and autograd can differentiate it.")


def _gradient_of(loss_grad: Callable, params, X, Y, sizes) -> list:
    """The attendee's gradient, with its structure checked: one array per parameter."""
    names = parameter_names(sizes)
    result = call(loss_grad, _copy(params), X, Y, name="loss_grad",
                  signature="loss_grad(params, X, Y)",
                  hint=lambda error: _shapes_hint(sizes, error),
                  returns=SOMETHING.named(f"a list of {len(params)} arrays"))
    if isinstance(result, np.ndarray) and result.shape == X.shape:
        fail(f"loss_grad returned one array of shape {result.shape}, the shape of X.",
             "That is the gradient with respect to X (argnum=1). We want it with respect "
             "to the parameters, the first argument: grad(loss), or grad(loss, argnum=0).")
    if isinstance(result, tuple) and len(result) == 3:
        fail("loss_grad returned 3 things, one per argument of loss.",
             "argnum=(0, 1, 2) differentiates with respect to X and Y too. "
             "We only need the parameters, the first argument: grad(loss).")
    if not isinstance(result, (list, tuple)):
        fail(f"loss_grad returned a {type(result).__name__}; expected a list of "
             f"{len(params)} arrays, one per parameter.",
             "grad(loss) differentiates with respect to the first argument, the list of "
             "parameters, and returns a list of the same structure.")
    expect_true(len(result) == len(params),
                f"loss_grad returned {len(result)} arrays; expected {len(params)}, one per "
                f"parameter ({', '.join(names)}).")
    for name, g, p in zip(names, result, params, strict=True):
        shape = np.shape(g)
        expect_true(shape == p.shape,
                    f"The gradient for {name} has shape {shape}; expected {p.shape}, the shape "
                    f"of {name}: each entry of a gradient belongs to one entry of a parameter.")
    return result


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
    """step(params, grads, lr) must return [p - lr * g, ...]: a move against the gradient."""
    params, (X, Y), lr = lively_params(sizes), fixed_batch(sizes=sizes), 0.1
    grads = numpy_gradient(params, X, Y)
    expected = _step_reference(params, grads, lr)
    result = call(step, _copy(params), _copy(grads), lr, name="step",
                  signature="step(params, grads, lr)",
                  returns=SOMETHING.named(f"a list of {len(params)} arrays"))
    if not isinstance(result, (list, tuple)) or len(result) != len(params):
        fail(f"step returned a {type(result).__name__}; expected a list of {len(params)} "
             "arrays, the updated parameters.",
             "Build one new array per parameter: [p - lr * g for p, g in zip(params, grads)].")
    for i, name in enumerate(parameter_names(sizes)):
        p, g = params[i], grads[i]
        expect_array(result[i], expected[i], f"the updated {name}", mistakes=[
            (p + lr * g, "That moves the parameters up the gradient, where the loss grows. "
                         "Subtract: p - lr * g."),
            (p - g, "The learning rate is missing: p - lr * g."),
            (-lr * g, "That is only the change, -lr * g: add it to the parameter, p - lr * g."),
            (p, "The parameter did not change: return p - lr * g."),
        ])
    before, after = loss(params, X, Y), loss(list(result), X, Y)
    expect_true(after < before, "The step did not lower the loss.")  # holds for p - lr * g
    passed(f"step moves every parameter against its gradient: on the check's small batch the "
           f"loss goes from {before:.6f} to {after:.6f}.")


def check_train(train: Callable, sizes=SIZES) -> None:
    """train(params, X, Y, lr, steps) must return (params, losses) of plain gradient descent.

    ``losses[i]`` is the loss before update i, so ``losses[0]`` is the loss of
    the starting parameters.  The attendee's progress bar is kept out of sight.
    """
    params, (X, Y) = lively_params(sizes), fixed_batch(sizes=sizes)
    lr, steps = 0.3, 4  # not the notebook's: a loop must use its arguments
    path = _trajectory(params, X, Y, lr, steps)
    expected_losses = [loss(p, X, Y) for p in path[:-1]]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        trained, losses = call(train, _copy(params), X, Y, lr, steps, name="train",
                               signature="train(params, X, Y, lr, steps)",
                               hint=lambda error: _shapes_hint(sizes, error),
                               returns=(("params", ARRAYS), ("losses", NUMBERS)))
    losses = np.asarray(losses, dtype=float)
    expect_true(losses.shape == (steps,),
                f"train(..., steps={steps}) recorded {losses.size} losses; expected {steps}, "
                "one per step.",
                "Loop `for _ in progress(range(steps), ...)` over the steps argument, and "
                "append one loss per step.")
    expect_true(len(trained) == len(params),
                f"train's first result should be the list of {len(params)} trained parameters.")
    if all(np.allclose(a, b) for a, b in zip(trained, params, strict=True)):
        fail("After training, the parameters are the starting ones.",
             "Assign the result of step back: params = step(params, gradients, lr).")
    expect_array(losses, expected_losses, f"the {steps} losses recorded by train", mistakes=[
        ([loss(p, X, Y) for p in path[1:]],
         "These are the losses after each update. Record the loss before the update, so that "
         "losses[0] is the loss of the starting parameters."),
    ])
    for name, got, want in zip(parameter_names(sizes), trained, path[-1], strict=True):
        expect_array(got, want, f"the trained {name}",
                     shape_hint="The trained parameters have the shapes of the starting ones.")
    passed(f"train follows gradient descent: {steps} steps at lr={lr} give the reference "
           "losses and parameters.")


def _trajectory(params, X, Y, lr, steps) -> list[list[np.ndarray]]:
    """The parameters before the first step and after each of ``steps`` steps."""
    path = [_copy(params)]
    for _ in range(steps):
        path.append(_step_reference(path[-1], numpy_gradient(path[-1], X, Y), lr))
    return path


def check_held_out_accuracy(accuracy, at_least: float = 0.93) -> None:
    """The trained network must score at least ``at_least`` on the held-out rows.

    accuracy: a number between 0 and 1, or the dictionary of demystify.metrics.scores.
    """
    if isinstance(accuracy, dict):
        accuracy = accuracy.get("accuracy")
    try:
        accuracy = float(accuracy)
    except (TypeError, ValueError):
        fail(f"Expected the held-out accuracy, a number between 0 and 1; got {accuracy!r}.",
             "Use accuracy(y_test, predict(params, X_test)) from demystify.metrics.")
    expect_true(0.0 <= accuracy <= 1.0,
                f"An accuracy is a fraction between 0 and 1; got {accuracy:.3f}.")
    expect_true(accuracy >= at_least,
                f"Held-out accuracy {accuracy:.3f} is below {at_least}: the network has not "
                "learned enough.",
                f"Does the loss curve go down? Start from init_params({SIZES}, "
                f"np.random.default_rng({SEED})), train with lr={LEARNING_RATE} for {STEPS} "
                "steps, and predict with the trained parameters.")
    passed(f"Held-out accuracy {accuracy:.3f}: at least {at_least}, like the PyTorch baseline.")
