"""The self-checks of notebook 10 pass a correct loss, gradient, step and loop, and name the slips."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from demystify.checks import training
from demystify.checks.training import (check_gradient, check_loss, check_step, check_train,
                                       check_trained)
from demystify.data import one_hot, pulsar_split
from demystify.progress import progress
from demystify.reference import (LEARNING_RATE, SEED, SIZES, STEPS, fixed_batch, init_params,
                                 lively_params, numpy_gradient)
from failures import failure
import solution_network as any_network


# --- the attendee's side, written independently of the reference ---------------

def forward(params, X):
    W1, b1, W2, b2, W3, b3 = params
    H = X
    for W, b in ((W1, b1), (W2, b2), (W3, b3)):
        H = anp.tanh(anp.dot(H, W) + b)
    return H


def loss(params, X, Y):
    return anp.mean((forward(params, X) - Y) ** 2)


loss_grad = grad(loss)


def step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads, strict=True)]


def train(params, X, Y, lr=0.5, steps=500):
    losses = []
    for _ in progress(range(steps), "training"):
        losses.append(loss(params, X, Y))
        params = step(params, loss_grad(params, X, Y), lr)
    return params, losses


def error(params, X, Y):
    return forward(params, X) - Y


# --- the loss ---------------------------------------------------------------------

def test_the_reference_batch_and_parameters_have_the_course_shapes():
    params, (X, Y) = lively_params(), fixed_batch()
    assert [p.shape for p in params] == [(8, 25), (25,), (25, 10), (10,), (10, 2), (2,)]
    assert X.shape == (12, 8) and Y.shape == (12, 2) and set(Y.sum(axis=1)) == {1.0}
    assert all(np.abs(b).min() > 0 for b in params[1::2])  # a forgotten bias changes the loss


@pytest.mark.parametrize("sizes", [(5, 3, 4), (8, 40, 20, 10, 2)])
def test_the_checks_work_for_any_network(sizes, capsys):
    check_loss(any_network.loss, sizes=sizes)
    check_gradient(grad(any_network.loss), sizes=sizes)
    check_step(any_network.step, sizes=sizes)
    check_train(any_network.train, sizes=sizes)
    assert capsys.readouterr().out.count("✓") == 4

    def no_output_tanh(params, X, Y):
        H = X
        for k in range(0, len(params) - 2, 2):
            H = anp.tanh(H @ params[k] + params[k + 1])
        return anp.mean((H @ params[-2] + params[-1] - Y) ** 2)
    layers = len(sizes) - 1
    assert f"Y_hat = tanh(H{layers - 1} @ W{layers} + b{layers})" in failure(
        lambda f: check_loss(f, sizes=sizes), no_output_tanh)


def test_correct_loss_passes(capsys):
    check_loss(loss)
    assert capsys.readouterr().out.startswith("✓ loss gives")


@pytest.mark.parametrize("wrong, words", [
    (lambda p, X, Y: anp.mean(error(p, X, Y)) ** 2, "mean(err)**2"),
    (lambda p, X, Y: anp.sum(error(p, X, Y) ** 2), "sum of the squared errors"),
    (lambda p, X, Y: anp.mean(anp.sum(error(p, X, Y) ** 2, axis=1)), "sums over the outputs of each sample"),
    (lambda p, X, Y: anp.sqrt(anp.mean(error(p, X, Y) ** 2)), "leave out the square root"),
    (lambda p, X, Y: anp.mean(anp.abs(error(p, X, Y))), "mean absolute error"),
    (lambda p, X, Y: anp.mean((anp.tanh(anp.tanh(X @ p[0] + p[1]) @ p[2] + p[3]) @ p[4] + p[5] - Y) ** 2),
     "output layer needs its tanh"),
    (lambda p, X, Y: anp.mean((anp.tanh(anp.tanh((X @ p[0] + p[1]) @ p[2] + p[3]) @ p[4] + p[5]) - Y) ** 2),
     "first hidden layer's tanh is missing"),
    (lambda p, X, Y: anp.mean((anp.tanh(anp.tanh(anp.tanh(X @ p[0]) @ p[2]) @ p[4]) - Y) ** 2),
     "biases are missing"),
], ids=["mean-then-square", "sum", "sum-over-outputs", "rmse", "mae", "no-output-tanh",
        "no-hidden-tanh", "no-bias"])
def test_usual_slips_in_the_loss_are_named(wrong, words):
    assert words in failure(check_loss, wrong)


@pytest.mark.parametrize("right", [
    lambda p, X, Y: anp.sum((forward(p, X) - Y) ** 2) / (2 * len(X)),
    lambda p, X, Y: anp.sum((Y - forward(p, X)) ** 2) / Y.size,
    lambda p, X, Y: anp.mean(anp.mean((forward(p, X) - Y) ** 2, axis=1)),
    lambda p, X, Y: anp.mean(anp.square(error(p, X, Y))),
    lambda p, X, Y: anp.sum(error(p, X, Y) * error(p, X, Y)) / X.shape[0] / 2,
], ids=["the formula of the notebook, 1/(2n) sum", "Y.size", "mean of means", "square",
        "product over n over 2"])
def test_every_formula_with_the_right_value_passes(right):
    check_loss(right)


def test_loss_that_skips_a_layer_is_named():
    def two_layers(p, X, Y):
        H1 = anp.tanh(X @ p[0] + p[1])
        return anp.mean((anp.tanh(H1 @ p[2] + p[3]) - Y) ** 2)   # (n, 10) against (n, 2)
    text = failure(check_loss, two_layers)
    assert "raised ValueError" in text and "Did you stop after layer 2?" in text


def test_loss_with_an_elementwise_product_is_named():
    def elementwise(p, X, Y):
        H1 = anp.tanh(X * p[0] + p[1])              # (n, 8) * (8, 25): numpy refuses
        H2 = anp.tanh(H1 @ p[2] + p[3])
        return anp.mean((anp.tanh(H2 @ p[4] + p[5]) - Y) ** 2)
    text = failure(check_loss, elementwise)
    assert "raised ValueError" in text and "Did you write X * W1?" in text


def test_loss_that_changes_the_parameters_it_is_given_is_named():
    def appends(p, X, Y):
        p.append(0)
        return loss(p[:6], X, Y)
    assert "loss changed the parameters it was given" in failure(check_loss, appends)


def test_loss_averaged_over_one_axis_only_says_the_loss_is_one_number():
    text = failure(check_loss, lambda p, X, Y: anp.mean(error(p, X, Y) ** 2, axis=0))
    assert "has shape (2,); expected ()" in text and "one number" in text


def test_loss_converted_to_a_python_float_has_the_right_value_but_cannot_be_differentiated():
    text = failure(check_loss, lambda p, X, Y: float(anp.mean(error(p, X, Y) ** 2)))
    assert "autograd cannot differentiate it" in text and "no float()" in text


def test_loss_with_the_arguments_in_another_order_says_what_it_takes():
    assert "It takes params, X, Y" in failure(check_loss, lambda X, Y: 0.0)


def test_forgotten_return_is_named():
    def no_return(params, X, Y):
        anp.mean(error(params, X, Y) ** 2)
    assert "forget to `return`" in failure(check_loss, no_return)


# --- the gradient -----------------------------------------------------------------

def test_correct_gradient_passes(capsys):
    check_gradient(loss_grad)
    out = capsys.readouterr().out
    assert out.startswith("✓ loss_grad returns one array per parameter") and "W1 (8, 25)" in out


def test_gradient_with_respect_to_X_is_named():
    assert "gradient with respect to X" in failure(check_gradient, grad(loss, 1))


def test_gradient_with_respect_to_every_argument_is_named():
    assert "returned 3 things" in failure(check_gradient, grad(loss, (0, 1, 2)))


def test_gradient_of_a_wrong_loss_is_caught_by_value():
    wrong = grad(lambda p, X, Y: anp.sum(error(p, X, Y) ** 2))
    assert "the gradient for W1 is off by a factor of 24" in failure(check_gradient, wrong)


def test_gradient_with_the_error_the_wrong_way_round_is_named():
    wrong = grad(lambda p, X, Y: -anp.mean((Y - forward(p, X)) ** 2))
    assert "points the wrong way" in failure(check_gradient, wrong)


def test_gradient_missing_a_parameter_is_counted():
    text = failure(check_gradient, lambda p, X, Y: loss_grad(p, X, Y)[:5])
    assert "returned 5 arrays; expected 6" in text


def test_gradient_with_a_wrong_shape_names_the_parameter():
    def flat_bias(p, X, Y):
        g = loss_grad(p, X, Y)
        g[3] = g[3][None, :]
        return g
    assert "as the gradient for b2, an array of shape (1, 10); expected (10,)" in failure(
        check_gradient, flat_bias)


def test_calling_grad_instead_of_passing_the_function_is_named():
    params, (X, Y) = lively_params(), fixed_batch()
    assert "not a function" in failure(check_gradient, loss_grad(params, X, Y))


def test_central_differences_catch_an_error_confined_to_one_entry(monkeypatch):
    """The value comparison would catch it first; with it disabled, central differences do."""
    import demystify.checks.training as training

    def nudged(p, X, Y):
        g = loss_grad(p, X, Y)
        g[2] = g[2].copy()
        g[2][SIZES[1] - 1, SIZES[2] - 1] += 1e-3
        return g
    monkeypatch.setattr(training, "expect_array", lambda *args, **kwargs: None)
    text = failure(check_gradient, nudged)
    assert f"∂L/∂W2[{SIZES[1] - 1}, {SIZES[2] - 1}] is" in text and "central differences give" in text


# --- the step ---------------------------------------------------------------------

def test_correct_step_passes_and_an_in_place_step_too(capsys):
    def in_place(params, grads, lr):
        for p, g in zip(params, grads, strict=True):
            p -= lr * g
        return params
    check_step(step)
    check_step(in_place)
    assert capsys.readouterr().out.count("✓ step moves every parameter against its gradient") == 2


@pytest.mark.parametrize("wrong, words", [
    (lambda ps, gs, lr: [p + lr * g for p, g in zip(ps, gs, strict=True)], "up the gradient"),
    (lambda ps, gs, lr: [p - g for p, g in zip(ps, gs, strict=True)], "learning rate is missing"),
    (lambda ps, gs, lr: [-lr * g for g in gs], "only the change"),
    (lambda ps, gs, lr: ps, "did not change"),
], ids=["plus-lr", "no-lr", "only-change", "unchanged"])
def test_usual_slips_in_the_step_are_named(wrong, words):
    assert words in failure(check_step, wrong)


def test_step_that_updates_one_array_only_says_what_to_return():
    text = failure(check_step, lambda ps, gs, lr: ps[0] - lr * gs[0])
    assert "expected a list of 6 arrays" in text


# --- the loop ---------------------------------------------------------------------

def test_correct_training_loop_passes_and_its_progress_bar_is_hidden(capsys):
    check_train(train)
    out = capsys.readouterr()
    assert out.out.startswith("✓ train follows gradient descent") and "training" not in out.out + out.err


def test_loop_that_never_assigns_the_new_parameters_is_named():
    def stuck(params, X, Y, lr=0.5, steps=500):
        losses = []
        for _ in range(steps):
            losses.append(loss(params, X, Y))
            step(params, loss_grad(params, X, Y), lr)
        return params, losses
    assert "Assign the result of step back" in failure(check_train, stuck)


def test_loop_that_records_the_loss_after_the_update_is_named():
    def late(params, X, Y, lr=0.5, steps=500):
        losses = []
        for _ in range(steps):
            params = step(params, loss_grad(params, X, Y), lr)
            losses.append(loss(params, X, Y))
        return params, losses
    assert "losses after each update" in failure(check_train, late)


def test_loop_with_a_hard_coded_number_of_steps_is_named():
    def fixed(params, X, Y, lr=0.5, steps=500):
        return train(params, X, Y, lr, 7)
    assert "recorded 7 losses; expected 4" in failure(check_train, fixed)


def test_loop_with_a_hard_coded_learning_rate_is_caught():
    def fixed_lr(params, X, Y, lr=0.5, steps=500):
        return train(params, X, Y, 0.5, steps)
    text = failure(check_train, fixed_lr)
    assert "train's record of 4 losses" in text and "Use the arguments train is given" in text


def test_loop_that_returns_losses_then_params_is_told_the_order():
    text = failure(check_train, lambda params, X, Y, lr=0.5, steps=500:
                   train(params, X, Y, lr, steps)[::-1])
    assert text == ("✗ train returned (losses, params); expected (params, losses).\n"
                    "  Return them in this order: `return params, losses`.")


def test_loop_that_returns_pairs_of_parameters_is_told_to_return_one_flat_list():
    def pairs(params, X, Y, lr=0.5, steps=500):
        trained, losses = train(params, X, Y, lr, steps)
        return [trained[k:k + 2] for k in range(0, 6, 2)], losses
    assert "one flat list of 6 arrays" in failure(check_train, pairs)


def test_loop_that_records_each_loss_in_a_list_of_its_own_is_told_the_shape_not_the_count():
    def column(params, X, Y, lr=0.5, steps=500):
        trained, losses = train(params, X, Y, lr, steps)
        return trained, [[value] for value in losses]
    text = failure(check_train, column)
    assert "returned its losses with shape (" in text and ", 1); expected a flat list" in text
    assert "recorded" not in text


def test_loop_with_renamed_arguments_is_told_how_the_notebook_calls_it():
    def renamed(params, X, Y, learning_rate=0.5, n_steps=500):
        return train(params, X, Y, learning_rate, n_steps)
    text = failure(check_train, renamed)
    assert text.startswith("✗ train cannot be called as train(params, X, Y, lr=0.5, steps=500)")


def test_loop_that_returns_only_the_losses_says_what_to_return():
    assert "End with `return params, losses`" in failure(
        check_train, lambda params, X, Y, lr, steps: train(params, X, Y, lr, steps)[1])


# --- the result ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def runs():
    """The recipe and runs that stop early, trained by hand (numpy_gradient) on the pulsars:
    {name: (trained params, held-out accuracy)}."""
    split = pulsar_split()
    X, Y = split.X_train, one_hot(split.y_train)

    def trained(lr, steps, keep=()):
        params, kept = init_params(SIZES, SEED), {}
        for step in range(1, steps + 1):
            params = [p - lr * g for p, g in zip(params, numpy_gradient(params, X, Y), strict=True)]
            if step in keep:
                kept[step] = params
        return params, kept

    recipe, early = trained(LEARNING_RATE, STEPS, keep=(10, 200))
    slow, _ = trained(0.05, STEPS)
    found = {"recipe": recipe, "10 steps": early[10], "200 steps": early[200], "lr 0.05": slow}
    return {name: (params, float(np.mean(training.forward(params, split.X_test).argmax(axis=1)
                                         == split.y_test)))
            for name, params in found.items()}


def test_the_recipe_passes_with_a_margin(runs, capsys):
    params, accuracy = runs["recipe"]
    check_trained(params)
    assert "✓ The trained network: training loss 0.05" in capsys.readouterr().out
    assert accuracy >= training.MIN_HELD_OUT_ACCURACY + 0.005


@pytest.mark.parametrize("run", ["10 steps", "200 steps", "lr 0.05"])
def test_runs_that_stop_early_fail_although_they_score_above_the_old_threshold(runs, run):
    params, accuracy = runs[run]
    assert accuracy >= 0.93          # the old check's threshold passed them
    text = failure(check_trained, params)
    assert "has not learned enough yet" in text and f"at most {training.MAX_TRAINING_LOSS}" in text


def test_the_untrained_network_fails():
    assert "has not learned enough yet" in failure(check_trained, init_params(SIZES, SEED))


def test_a_diverged_network_is_named():
    params = [np.full_like(p, np.nan) for p in init_params(SIZES, SEED)]
    assert "training diverged" in failure(check_trained, params)


@pytest.mark.parametrize("given, words", [
    ("0.95", "check_trained was given a str; expected a list of 6 arrays [W1, b1"),
    (0.952, "check_trained was given a float; expected a list of 6 arrays"),
    ({"accuracy": 0.95, "precision": 0.97, "recall": 0.93}, "was given a dict"),
    (None, "check_trained was given None"),
], ids=["a string", "an accuracy", "the scores", "None"])
def test_anything_but_the_trained_parameters_is_refused(given, words):
    assert words in failure(check_trained, given)


def test_a_loop_broken_by_another_exercise_is_sent_back_to_those_checks():
    def train_with_the_gradient_of_x(params, X, Y, lr=0.5, steps=500):
        losses = []
        for _ in range(steps):
            losses.append(loss(params, X, Y))
            params = step(params, grad(loss, 1)(params, X, Y), lr)
        return params, losses
    text = failure(check_train, train_with_the_gradient_of_x)
    assert "raised ValueError" in text and "do their checks above all pass?" in text


def test_step_doing_arithmetic_on_the_lists_is_told_to_take_one_array_at_a_time():
    text = failure(check_step, lambda params, grads, lr: params - lr * grads)
    assert "raised TypeError" in text and "arithmetic on a list does not reach the arrays" in text


def test_a_loop_variable_that_hides_the_step_function_is_named():
    def shadowed(params, X, Y, lr=0.5, steps=500):
        losses = []
        for step in range(steps):  # noqa: F402 (the slip under test)
            losses.append(loss(params, X, Y))
            params = step(params, loss_grad(params, X, Y), lr)
        return params, losses
    assert "`for step in ...` makes step a number" in failure(check_train, shadowed)


def test_a_loop_that_returns_only_the_parameters_is_told_to_return_the_losses_too():
    text = failure(check_train, lambda params, X, Y, lr=0.5, steps=500:
                   train(params, X, Y, lr, steps)[0])
    assert text.startswith("✗ train returned only the trained parameters")


def test_a_loss_whose_mistake_cannot_be_named_says_both_values_and_points_at_the_hint():
    text = failure(check_loss, lambda p, X, Y: anp.mean((forward(p, X) - Y) ** 2) + 0.1)
    expected = loss(lively_params(), *fixed_batch())
    assert f"loss(params, X, Y) is {expected + 0.1:.6g}; expected {expected:.6g}." in text
    assert "(Hint 2 below the exercise shows the shape of it.)" in text
