"""The self-checks of notebook 03 pass the solutions and name each typical mistake."""
import math

import numpy as np
import pytest

from demystify.checks.layers import (check_layer_forward, check_layer_loop, check_neuron,
                                     check_parameter_shapes)
from failures import failure


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --- one neuron ------------------------------------------------------------------------

def neuron(x, w, b):
    return np.tanh(x @ w + b)


def test_neuron_solution_passes(capsys):
    check_neuron(neuron)
    assert capsys.readouterr().out.startswith("✓ neuron computes tanh")


@pytest.mark.parametrize("right", [
    lambda x, w, b: np.tanh(np.dot(x, w) + b),
    lambda x, w, b: np.tanh(x.dot(w) + b),
    lambda x, w, b: np.tanh(np.sum(x * w) + b),
    lambda x, w, b: math.tanh(sum(xi * wi for xi, wi in zip(x, w, strict=True)) + b),
    lambda x, w, b: np.tanh(w @ x + b),
    lambda x, w, b: np.tanh(x @ w + b).tolist(),   # a Python float is one number too
], ids=["np.dot", ".dot", "sum of products", "math and a loop", "w @ x", "a float"])
def test_every_way_of_writing_a_neuron_passes(right):
    check_neuron(right)


@pytest.mark.parametrize("wrong, message", [
    (lambda x, w, b: np.tanh(x @ w), "forget the bias"),
    (lambda x, w, b: x @ w + b, "forget the activation"),
    (lambda x, w, b: np.tanh(x @ w) + b, "inside the activation"),
    (lambda x, w, b: np.tanh(x * w + b), "not just x * w"),
    (lambda x, w, b: np.tanh(np.sum(x * w + b)), "added once"),
    (lambda x, w, b: sigmoid(x @ w + b), "sigmoid"),
    (lambda x, w, b: np.maximum(x @ w + b, 0), "ReLU"),
    (lambda x, w, b: None, "forget to `return`"),
], ids=["no bias", "no tanh", "bias outside", "elementwise", "bias per input", "sigmoid",
        "relu", "no return"])
def test_neuron_mistakes_are_named(wrong, message):
    assert message in failure(check_neuron, wrong)


def test_neuron_with_mismatched_vectors_explains_the_dot_product():
    text = failure(check_neuron, lambda x, w, b: np.tanh(x[:2] @ w + b))
    assert "raised ValueError" in text and "same length" in text


# --- a layer, the loop way ----------------------------------------------------------------

def layer_loop(X, W, b):
    H = np.zeros((X.shape[0], W.shape[1]))
    for i in range(X.shape[0]):
        for j in range(W.shape[1]):
            H[i, j] = neuron(X[i], W[:, j], b[j])
    return H


def test_layer_loop_solution_passes(capsys):
    check_layer_loop(layer_loop)
    assert "✓ layer_loop matches" in capsys.readouterr().out


def test_layer_loop_taking_rows_of_w_is_named():
    def rows_of_w(X, W, b):
        return np.array([[neuron(X[i], W[j], b[j]) for j in range(W.shape[1])]
                         for i in range(X.shape[0])])
    text = failure(check_layer_loop, rows_of_w)
    assert "raised ValueError" in text and "column j of W, W[:, j]" in text


def test_layer_loop_taking_rows_of_a_square_w_is_named():
    def rows_of_w(X, W, b):
        if W.shape[0] != W.shape[1]:  # only the square case, where it silently "works"
            return layer_loop(X, W, b)
        return np.array([[neuron(X[i], W[j], b[j]) for j in range(W.shape[1])]
                         for i in range(X.shape[0])])
    text = failure(check_layer_loop, rows_of_w)
    assert "right shape but not the right values" in text and "W[:, j]" in text


@pytest.mark.parametrize("right", [
    lambda X, W, b: np.array([[neuron(x, W[:, j], b[j]) for j in range(len(b))] for x in X]),
    lambda X, W, b: np.array([[neuron(X[i, :], W.T[j], b[j]) for j in range(W.shape[1])]
                              for i in range(len(X))]),
], ids=["comprehension", "W.T[j]"])
def test_other_loops_pass(right):
    check_layer_loop(right)


def test_layer_loop_taking_columns_of_x_is_named():
    def columns_of_x(X, W, b):
        H = np.zeros((X.shape[0], W.shape[1]))
        for i in range(X.shape[0]):
            for j in range(W.shape[1]):
                H[i, j] = neuron(X[:, i], W[:, j], b[j])
        return H
    text = failure(check_layer_loop, columns_of_x)
    assert "raised ValueError" in text and "Sample i is row i of X, X[i]" in text


@pytest.mark.parametrize("rows, columns, message", [
    (lambda X, W: X.shape[0], lambda X, W: W.shape[0], "A loop runs past the end"),
    (lambda X, W: W.shape[0], lambda X, W: W.shape[1], "H has one row per sample"),
], ids=["neurons counted from W.shape[0]", "H shaped like W"])
def test_layer_loop_with_wrong_bounds_or_a_wrong_array_is_named(rows, columns, message):
    def loop(X, W, b):
        H = np.zeros((rows(X, W), W.shape[1]))
        for i in range(X.shape[0]):
            for j in range(columns(X, W)):
                H[i, j] = neuron(X[i], W[:, j], b[j])
        return H
    assert message in failure(check_layer_loop, loop)


def test_layer_loop_returning_nested_lists_is_told_to_return_an_array():
    text = failure(check_layer_loop, lambda X, W, b: layer_loop(X, W, b).tolist())
    assert text.startswith("✗ layer_loop returned a list; expected a numpy array.")


def test_layer_loop_calling_an_unwritten_neuron_says_which_function_is_not_written():
    def neuron_stub(x, w, b):
        raise NotImplementedError("One number from one sample.")

    def loop(X, W, b):
        return np.array([[neuron_stub(x, W[:, j], b[j]) for j in range(len(b))] for x in X])
    text = failure(check_layer_loop, loop)
    assert text == ("✗ layer_loop calls neuron_stub, which is not written yet.\n"
                    "  One number from one sample.")


def test_layer_loop_with_neurons_and_samples_swapped_is_named():
    def swapped(X, W, b):
        return layer_loop(X, W, b).T
    text = failure(check_layer_loop, swapped)
    assert "has shape (2, 5); expected (5, 2)" in text and "One row per sample" in text


# --- a layer, vectorised -----------------------------------------------------------------

def test_layer_forward_solution_passes(capsys):
    check_layer_forward(lambda X, W, b: np.tanh(X @ W + b))
    assert "✓ layer_forward matches tanh(X @ W + b) on 2 batches" in capsys.readouterr().out


@pytest.mark.parametrize("right", [
    lambda X, W, b: np.tanh(np.dot(X, W) + b),
    lambda X, W, b: np.tanh(np.matmul(X, W) + b[None, :]),
    lambda X, W, b: np.tanh((W.T @ X.T).T + b),
    lambda X, W, b: np.tanh(np.einsum("ni,io->no", X, W) + b.reshape(1, -1)),
    lambda X, W, b: np.tanh(X @ W + b).astype(np.float32),
], ids=["np.dot", "matmul, b as a row", "(W.T @ X.T).T", "einsum", "float32"])
def test_every_way_of_writing_the_layer_passes(right):
    check_layer_forward(right)


@pytest.mark.parametrize("wrong, message", [
    (lambda X, W, b: np.tanh(W @ X + b), "Did you compute W @ X instead of X @ W?"),
    (lambda X, W, b: np.tanh(np.dot(W, X) + b), "Did you compute np.dot(W, X)?"),
    (lambda X, W, b: np.tanh(X @ W.T + b), "Did you use W.T?"),
    (lambda X, W, b: np.tanh(X.T @ W + b), "Did you use X.T?"),
    (lambda X, W, b: np.tanh(W.T @ X.T + b[:, None]), "Did you compute W.T @ X.T"),
    (lambda X, W, b: np.tanh(W.T @ X.T + b), "numpy could not add the bias"),
    (lambda X, W, b: np.tanh(X @ W + b[:, None]), "Did you reshape b into a column?"),
    (lambda X, W, b: np.tanh(X @ W), "forget the bias"),
    (lambda X, W, b: X @ W + b, "forget the activation"),
    (lambda X, W, b: np.tanh(X @ W) + b, "inside the activation"),
    (lambda X, W, b: sigmoid(X @ W + b), "sigmoid"),
    (lambda X, W, b: np.maximum(X @ W + b, 0), "ReLU"),
    (lambda X, W, b: None, "forget to `return`"),
], ids=["W @ X", "np.dot(W, X)", "X @ W.T", "X.T @ W", "samples in columns",
        "transposed product with row bias", "column bias", "no bias", "no tanh", "bias outside",
        "sigmoid", "relu", "no return"])
def test_layer_forward_mistakes_are_named(wrong, message):
    assert message in failure(check_layer_forward, wrong)


def only_when_square(wrong):
    """A mistake that numpy rejects for most shapes, made where it silently runs."""
    def layer(X, W, b):
        if X.shape[0] == W.shape[0] == W.shape[1]:
            return wrong(X, W, b)
        return np.tanh(X @ W + b)
    return layer


@pytest.mark.parametrize("wrong, message", [
    (lambda X, W, b: np.tanh(W @ X + b), "Did you compute W @ X instead of X @ W?"),
    (lambda X, W, b: np.tanh(X @ W + b[:, None]), "Did you reshape b into a column?"),
    (lambda X, W, b: np.tanh(X @ W.T + b), "Did you use W.T?"),
    (lambda X, W, b: np.tanh(X * W + b), "Did you write X * W?"),
], ids=["W @ X", "column bias", "W.T", "X * W"])
def test_silent_mistakes_of_square_shapes_are_named(wrong, message):
    text = failure(check_layer_forward, only_when_square(wrong))
    assert "on X (3, 3) has the right shape but not the right values" in text
    assert message in text


def test_elementwise_product_is_named_not_blamed_on_the_bias():
    text = failure(check_layer_forward, lambda X, W, b: np.tanh(X * W + b))
    assert "raised ValueError" in text and "Did you write X * W?" in text
    assert "could not add the bias" not in text


def test_unsolved_exercise_says_not_written_yet_and_shows_its_hint():
    def stub(X, W, b):
        raise NotImplementedError("Multiply the batch by the weights.")
    text = failure(check_layer_forward, stub)
    assert text == "✗ layer_forward is not written yet.\n  Multiply the batch by the weights."


def test_x_times_w_transposed_is_not_told_it_wrote_w_times_x():
    text = failure(check_layer_forward, lambda X, W, b: np.tanh(X @ W.T + b))
    assert text.startswith("✗ your layer_forward raised ValueError: matmul")
    assert "Did you use W.T?" in text and "W @ X" not in text


def test_layer_that_fails_for_a_reason_no_slip_explains_shows_the_inputs_and_how_they_line_up():
    text = failure(check_layer_forward, lambda X, W, b: np.tanh(X[:, :2] @ W + b))
    assert text.startswith("✗ your layer_forward raised ValueError: matmul")
    assert "The inputs were X (5, 4), W (4, 2), b (2,)." in text
    assert "X (5, 4) @ W (4, 2) -> (5, 2), one row per sample" in text and "Did you" not in text
    assert "Hint 2 below the exercise" in text


def test_layer_returning_a_list_fails_before_the_next_cell_would_crash():
    text = failure(check_layer_forward, lambda X, W, b: np.tanh(X @ W + b).tolist())
    assert text.startswith("✗ layer_forward returned a list; expected a numpy array.")
    assert "np.array(...)" in text


# --- shapes ---------------------------------------------------------------------------------

def parameter_shapes(sizes):
    shapes = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        shapes += [(n_in, n_out), (n_out,)]
    return shapes


def test_parameter_shapes_solution_passes(capsys):
    check_parameter_shapes(parameter_shapes)
    assert capsys.readouterr().out.startswith("✓ parameter_shapes is right")


def test_parameter_shapes_may_be_lists():
    check_parameter_shapes(lambda sizes: [list(s) for s in parameter_shapes(sizes)])


def map_shapes(function):
    return lambda sizes: [function(s) for s in parameter_shapes(sizes)]


@pytest.mark.parametrize("wrong, message", [
    (map_shapes(lambda s: s[::-1]), "W1 has shape (25, 8); expected (8, 25)"),
    (map_shapes(lambda s: s if len(s) == 2 else (s[0], 1)), "b1 has shape (25, 1)"),
    (map_shapes(lambda s: s if len(s) == 2 else s[0]), "with a comma"),
    (lambda sizes: parameter_shapes(sizes)[::2], "returned 3 shapes; expected 6"),
    (lambda sizes: parameter_shapes(sizes[:-1] + (2,)) if len(sizes) == 3 else parameter_shapes(sizes),
     "W2 has shape (4, 2); expected (4, 1) for layer sizes (3, 4, 1)"),
    (lambda sizes: None, "forget to `return`"),
    (map_shapes(str), "is '(8, 25)'; expected the tuple (8, 25)"),
    (map_shapes(lambda s: tuple(float(d) for d in s)), "tuple of whole numbers (ints)"),
    (map_shapes(lambda s: (s,)), "tuple of whole numbers (ints)"),
    (lambda sizes: [parameter_shapes(sizes)], "returned 1 shapes; expected 6"),
], ids=["transposed W", "column bias", "int not tuple", "no biases", "hard-coded output size",
        "no return", "strings", "floats", "nested tuples", "a list in a list"])
def test_parameter_shape_mistakes_are_named(wrong, message):
    assert message in failure(check_parameter_shapes, wrong)


def test_parameter_shapes_as_numpy_arrays_or_numpy_ints_pass():
    check_parameter_shapes(lambda sizes: [np.array(s) for s in parameter_shapes(sizes)])
    check_parameter_shapes(lambda sizes: [tuple(np.int64(d) for d in s)
                                          for s in parameter_shapes(sizes)])


def test_an_error_that_is_not_about_shapes_gets_no_shape_hint():
    text = failure(check_layer_loop, lambda X, W, b: layer_forward_not_yet_defined(X, W, b))  # noqa: F821
    assert text == ("✗ your layer_loop raised NameError: name 'layer_forward_not_yet_defined' is "
                    "not defined")


def test_layer_loop_handing_neuron_the_whole_bias_is_named():
    def whole_bias(X, W, b):
        H = np.zeros((X.shape[0], W.shape[1]))
        for i in range(X.shape[0]):
            for j in range(W.shape[1]):
                H[i, j] = neuron(X[i], W[:, j], b)
        return H
    assert "instead of neuron j's, b[j]?" in failure(check_layer_loop, whole_bias)


def test_a_neuron_that_indexes_its_bias_is_told_the_bias_is_one_number():
    text = failure(check_neuron, lambda x, w, b: np.tanh(x @ w + b[0]))
    assert "raised TypeError" in text and "b is one number too, the neuron's bias" in text
