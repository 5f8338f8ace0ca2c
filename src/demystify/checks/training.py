"""Self-checks for notebook 10, training the numpy network with autograd.

The network is the course's 8-25-10-2 tanh network, its parameters a list
``[W1, b1, W2, b2, W3, b3]`` (samples in rows: ``H1 = tanh(X @ W1 + b1)`` ...).
The checks run the attendee's code on a small fixed batch and a fixed set of
parameters (with non-zero biases, so that a forgotten bias shows) and compare
with the reference below:

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

import autograd.numpy as anp
import numpy as np
from autograd import grad

from .core import expect_array, expect_true, fail, passed

SIZES = (8, 25, 10, 2)
NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
FD_STEP = 1e-6
# (parameter index, entry) pairs whose gradient is also checked by central differences
FD_ENTRIES = [(0, (0, 0)), (1, (3,)), (2, (24, 9)), (3, (5,)), (4, (7, 1)), (5, (0,))]


def fixed_parameters(seed: int = 7) -> list[np.ndarray]:
    """A fixed set of parameters [W1, b1, W2, b2, W3, b3], biases included (not zero)."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(SIZES, SIZES[1:]):
        params += [rng.normal(0.0, 0.5, (n_in, n_out)), rng.normal(0.0, 0.3, n_out)]
    return params


def fixed_batch(seed: int = 8, n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """A small batch: X (n, 8) and one-hot targets Y (n, 2)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, SIZES[0]))
    Y = np.eye(2)[rng.integers(0, 2, n)]
    return X, Y


def forward(params, X):
    """Reference forward pass: (n, 8) -> (n, 2), tanh after every layer."""
    W1, b1, W2, b2, W3, b3 = params
    H1 = anp.tanh(X @ W1 + b1)
    H2 = anp.tanh(H1 @ W2 + b2)
    return anp.tanh(H2 @ W3 + b3)


def loss(params, X, Y):
    """Reference loss: the mean squared error over every entry of Y_hat - Y."""
    return anp.mean((forward(params, X) - Y) ** 2)


def _copy(params) -> list[np.ndarray]:
    return [np.array(p, dtype=float, copy=True) for p in params]


def _loss_mistakes(params, X, Y) -> list[tuple[np.ndarray, str]]:
    """Wrong losses people write, each with the hint it deserves."""
    W1, b1, W2, b2, W3, b3 = params
    error = forward(params, X) - Y
    H1 = np.tanh(X @ W1 + b1)
    H2 = np.tanh(H1 @ W2 + b2)
    no_output_tanh = H2 @ W3 + b3
    no_hidden_tanh = np.tanh(np.tanh((X @ W1 + b1) @ W2 + b2) @ W3 + b3)
    no_bias = np.tanh(np.tanh(np.tanh(X @ W1) @ W2) @ W3)
    return [
        (np.mean(error) ** 2,
         "That is mean(err)**2, the square of the mean error: errors of opposite sign cancel "
         "out. Square first, then average: np.mean((Y_hat - Y)**2)."),
        (np.sum(error ** 2),
         "That is the sum of the squared errors. Take the mean (np.mean), so that the loss "
         "does not grow with the number of samples."),
        (np.mean(np.sum(error ** 2, axis=1)),
         "That sums over the two outputs, then averages over samples. The course's loss "
         "averages over every entry: np.mean((Y_hat - Y)**2)."),
        (np.sqrt(np.mean(error ** 2)),
         "That is the root of the mean squared error: leave out the square root."),
        (np.mean(np.abs(error)),
         "That is the mean absolute error: square the errors instead of taking abs."),
        (np.mean((no_output_tanh - Y) ** 2),
         "The output layer needs its tanh too: Y_hat = tanh(H2 @ W3 + b3)."),
        (np.mean((no_hidden_tanh - Y) ** 2),
         "The first hidden layer's tanh is missing: H1 = tanh(X @ W1 + b1)."),
        (np.mean((no_bias - Y) ** 2),
         "The biases are missing: every layer adds its b after the matrix product."),
    ]


def _call(fn: Callable, what: str, args: tuple, signature: str):
    if not callable(fn):
        fail(f"{what} is a {type(fn).__name__}, not a function.",
             "Pass the function itself: its name, without calling it.")
    try:
        result = fn(*args)
    except TypeError as error:
        fail(f"{what} could not be called as {signature}: {error}",
             f"It takes {signature[signature.index('(') + 1:-1]}, in that order.")
    except ValueError as error:
        hint = None
        if "broadcast" in str(error) or "matmul" in str(error):
            hint = ("Check the shapes layer by layer: X (n, 8) -> H1 (n, 25) -> H2 (n, 10) "
                    "-> Y_hat (n, 2), like Y. Was a layer skipped, or a product written W @ X "
                    "or H * W instead of H @ W?")
        fail(f"{what} raised ValueError: {error}", hint)
    if result is None:
        fail(f"{what} returned None.", "Did you forget to `return` the result?")
    return result


def check_loss(loss_fn: Callable) -> None:
    """loss_fn(params, X, Y) must be mean((Y_hat - Y)**2) over every entry, and differentiable."""
    params, (X, Y) = fixed_parameters(), fixed_batch()
    value = _call(loss_fn, "loss", (_copy(params), X, Y), "loss(params, X, Y)")
    try:
        value = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(f"loss returned a {type(value).__name__}; expected one number.")
    expected = loss(params, X, Y)
    expect_array(value, expected, "loss(params, X, Y)", mistakes=_loss_mistakes(params, X, Y),
                 shape_hint="The loss is one number: take np.mean over every entry (no axis=).")
    try:
        grad(loss_fn)(_copy(params), X, Y)
    except Exception as error:
        fail(f"loss gives the right value, but autograd cannot differentiate it "
             f"({type(error).__name__}: {error}).",
             "Keep every step where autograd can follow it: use the notebook's `np` "
             "(autograd.numpy), return the array expression itself (no float() or .item()), "
             "and do not write values into a pre-made array.")
    passed(f"loss gives {float(expected):.6f} on the check's small batch, as the reference "
           "does, and autograd can differentiate it.")


def _gradient_of(loss_grad: Callable, params, X, Y) -> list:
    """The attendee's gradient, with its structure checked: one array per parameter."""
    result = _call(loss_grad, "loss_grad", (_copy(params), X, Y), "loss_grad(params, X, Y)")
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
                f"parameter ({', '.join(NAMES)}).")
    for name, g, p in zip(NAMES, result, params):
        shape = np.shape(g)
        expect_true(shape == p.shape,
                    f"The gradient for {name} has shape {shape}; expected {p.shape}, the shape "
                    f"of {name}: each entry of a gradient belongs to one entry of a parameter.")
    return result


def check_gradient(loss_grad: Callable) -> None:
    """loss_grad(params, X, Y) must be the gradient of the loss: a list shaped like params.

    Its values are compared with autograd's gradient of the reference loss and,
    on a few entries, with central finite differences.
    """
    params, (X, Y) = fixed_parameters(), fixed_batch()
    result = _gradient_of(loss_grad, params, X, Y)
    expected = grad(loss)(params, X, Y)
    for name, g, e in zip(NAMES, result, expected):
        expect_array(g, e, f"the gradient for {name}", mistakes=[
            (-e, "The gradient points the wrong way: is the error Y_hat - Y the wrong way "
                 "round somewhere?")],
            shape_hint="Each gradient has the shape of its parameter.")
    # an independent check of a few entries, without autograd: central differences
    for index, entry in FD_ENTRIES:
        up, down = _copy(params), _copy(params)
        up[index][entry] += FD_STEP
        down[index][entry] -= FD_STEP
        numeric = (loss(up, X, Y) - loss(down, X, Y)) / (2 * FD_STEP)
        expect_true(abs(numeric - result[index][entry]) < 1e-6,
                    f"∂L/∂{NAMES[index]}{list(entry)} is {result[index][entry]:.6g}, but central "
                    f"differences give {numeric:.6g}.")
    shapes = ", ".join(f"{n} {p.shape}" for n, p in zip(NAMES, params))
    passed(f"loss_grad returns one array per parameter ({shapes}), matching the reference "
           "and central differences.")


def _step_reference(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads)]


def check_step(step: Callable) -> None:
    """step(params, grads, lr) must return [p - lr * g, ...]: a move against the gradient."""
    params, (X, Y), lr = fixed_parameters(), fixed_batch(), 0.1
    grads = grad(loss)(params, X, Y)
    expected = _step_reference(params, grads, lr)
    result = _call(step, "step", (_copy(params), _copy(grads), lr), "step(params, grads, lr)")
    if not isinstance(result, (list, tuple)) or len(result) != len(params):
        fail(f"step returned a {type(result).__name__}; expected a list of {len(params)} "
             "arrays, the updated parameters.",
             "Build one new array per parameter: [p - lr * g for p, g in zip(params, grads)].")
    uphill = [p + lr * g for p, g in zip(params, grads)]
    no_lr = [p - g for p, g in zip(params, grads)]
    only_change = [-lr * g for g in grads]
    for i, name in enumerate(NAMES):
        expect_array(result[i], expected[i], f"the updated {name}", mistakes=[
            (uphill[i], "That moves the parameters up the gradient, where the loss grows. "
                        "Subtract: p - lr * g."),
            (no_lr[i], "The learning rate is missing: p - lr * g."),
            (only_change[i], "That is only the change, -lr * g: add it to the parameter, "
                             "p - lr * g."),
            (params[i], "The parameter did not change: return p - lr * g."),
        ])
    before, after = loss(params, X, Y), loss(list(result), X, Y)
    expect_true(after < before, "The step did not lower the loss.")  # holds for p - lr * g
    passed(f"step moves every parameter against its gradient: on the check's small batch the "
           f"loss goes from {before:.6f} to {after:.6f}.")


def check_train(train: Callable) -> None:
    """train(params, X, Y, lr, steps) must return (params, losses) of plain gradient descent.

    ``losses[i]`` is the loss before update i, so ``losses[0]`` is the loss of
    the starting parameters.  The attendee's progress bar is kept out of sight.
    """
    params, (X, Y), lr, steps = fixed_parameters(), fixed_batch(), 0.3, 4  # not the 0.5 of the notebook
    path = _trajectory(params, X, Y, lr, steps)
    expected_losses = [loss(p, X, Y) for p in path[:-1]]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        result = _call(train, "train", (_copy(params), X, Y, lr, steps),
                       "train(params, X, Y, lr, steps)")
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"train returned a {type(result).__name__}; expected a pair (params, losses).",
             "End with `return params, losses`.")
    trained, losses = result
    losses = np.asarray(losses, dtype=float)
    expect_true(losses.shape == (steps,),
                f"train(..., steps={steps}) recorded {losses.size} losses; expected {steps}, "
                "one per step.",
                "Loop `for _ in progress(range(steps), ...)` over the steps argument, and "
                "append one loss per step.")
    expect_true(isinstance(trained, (list, tuple)) and len(trained) == len(params),
                f"train's first result should be the list of {len(params)} trained parameters.")
    if all(np.allclose(a, b) for a, b in zip(trained, params)):
        fail("After training, the parameters are the starting ones.",
             "Assign the result of step back: params = step(params, gradients, lr).")
    expect_array(losses, expected_losses, f"the {steps} losses recorded by train", mistakes=[
        ([loss(p, X, Y) for p in path[1:]],
         "These are the losses after each update. Record the loss before the update, so that "
         "losses[0] is the loss of the starting parameters."),
    ])
    for name, got, want in zip(NAMES, trained, path[-1]):
        expect_array(got, want, f"the trained {name}",
                     shape_hint="The trained parameters have the shapes of the starting ones.")
    passed(f"train follows gradient descent: {steps} steps at lr={lr} give the reference "
           "losses and parameters.")


def _trajectory(params, X, Y, lr, steps) -> list[list[np.ndarray]]:
    """The parameters before the first step and after each of ``steps`` steps."""
    path = [_copy(params)]
    for _ in range(steps):
        path.append(_step_reference(path[-1], grad(loss)(path[-1], X, Y), lr))
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
                "Does the loss curve go down? Start from init_params((8, 25, 10, 2), "
                "np.random.default_rng(2019)), "
                "train with lr=0.5 for 500 steps, and predict with the trained parameters.")
    passed(f"Held-out accuracy {accuracy:.3f}: at least {at_least}, like the PyTorch baseline.")
