"""demystify.training: gradient descent on the course network, full batch or in mini-batches, and
the validation rows carved out of the training rows."""
import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from demystify import training
from demystify.data import one_hot, pulsar_split
from demystify.reference import SEED, init_params, make_loss, numpy_gradient
from demystify.training import gradient_descent, gradient_sizes, saturated, validation_split

RNG = np.random.default_rng(SEED)
X = RNG.normal(size=(50, 8))
Y = one_hot(RNG.integers(0, 2, 50))


def test_full_batch_descent_takes_the_steps_that_autograd_s_gradient_gives():
    run = gradient_descent(init_params(), X, Y, learning_rate=0.3, epochs=3)
    params, gradient = init_params(), autograd.grad(make_loss(anp))
    for _ in range(3):
        params = [p - 0.3 * g for p, g in zip(params, gradient(params, X, Y), strict=True)]
    for ours, theirs in zip(run.params, params, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_the_losses_are_recorded_before_training_and_after_each_epoch_on_all_rows():
    loss = make_loss(np)
    validation = (X[:10] + 1.0, Y[:10])
    run = gradient_descent(init_params(), X, Y, epochs=4, batch_size=16, validation=validation)
    assert len(run.losses) == len(run.held_out) == 5
    assert run.losses[0] == pytest.approx(loss(init_params(), X, Y))
    assert run.losses[-1] == pytest.approx(loss(run.params, X, Y))
    assert run.held_out[-1] == pytest.approx(loss(run.params, *validation))
    assert gradient_descent(init_params(), X, Y, epochs=2).held_out == []


def test_each_epoch_of_mini_batches_steps_once_through_every_row_in_a_new_order(monkeypatch):
    seen = []

    def recording_gradient(params, X_batch, Y_batch):
        seen.append([int(np.flatnonzero((X == row).all(axis=1))[0]) for row in X_batch])
        return numpy_gradient(params, X_batch, Y_batch)

    monkeypatch.setattr(training, "numpy_gradient", recording_gradient)
    gradient_descent(init_params(), X, Y, epochs=2, batch_size=16)
    assert [len(batch) for batch in seen] == [16, 16, 16, 2] * 2      # ceil(50 / 16) steps per epoch
    first, second = sum(seen[:4], []), sum(seen[4:], [])
    assert sorted(first) == sorted(second) == list(range(50))
    assert first != second and first != list(range(50))              # shuffled, anew each epoch


def test_runs_are_repeatable_for_a_seed_and_leave_the_starting_parameters_alone():
    start = init_params()
    copies = [p.copy() for p in start]
    one = gradient_descent(start, X, Y, epochs=3, batch_size=8, seed=5)
    again = gradient_descent(start, X, Y, epochs=3, batch_size=8, seed=5)
    other = gradient_descent(start, X, Y, epochs=3, batch_size=8, seed=6)
    assert one.losses == again.losses and one.losses != other.losses
    for p, copy in zip(start, copies, strict=True):
        assert np.array_equal(p, copy)


@pytest.mark.parametrize("batch_size", [0, -3])
def test_a_batch_without_rows_is_refused_with_a_sentence(batch_size):
    with pytest.raises(ValueError, match="positive number of rows or None"):
        gradient_descent(init_params(), X, Y, batch_size=batch_size)


@pytest.fixture(scope="module")
def split():
    return pulsar_split()


@pytest.fixture(scope="module")
def rows(split):
    return validation_split(split)


def nearest(rows, table):
    """For each row, the index of the nearest row of table and the distance to it."""
    distances = np.linalg.norm(rows[:, None, :] - table[None, :, :], axis=2)
    return distances.argmin(axis=1), distances.min(axis=1)


def test_validation_rows_are_a_balanced_quarter_of_the_training_rows_and_no_test_row(split, rows):
    assert rows.X_train.shape == (1844, 8) and rows.X_val.shape == (614, 8)
    for labels in (rows.y_train, rows.y_val):
        assert abs(labels.mean() - 0.5) < 0.01
    training = split.scaler.mean + split.X_train * split.scaler.std
    ours = rows.scaler.mean + np.vstack([rows.X_train, rows.X_val]) * rows.scaler.std
    index, distance = nearest(ours, training)
    assert distance.max() < 1e-9 and sorted(index) == list(range(len(training)))  # each training row once
    assert np.array_equal(np.concatenate([rows.y_train, rows.y_val]), split.y_train[index])
    test = split.scaler.mean + split.X_test * split.scaler.std
    assert nearest(ours, test)[1].min() > 1e-6


def test_the_validation_rows_shape_nothing_the_scaler_is_fitted_without_them(rows):
    np.testing.assert_allclose(rows.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(rows.X_train.std(axis=0), 1, atol=1e-12)
    assert np.abs(rows.X_val.mean(axis=0)).max() > 1e-3         # standardised, but not fitted on


def test_saturated_counts_the_entries_beyond_the_threshold():
    H = np.array([[0.999, -0.995, 0.5], [-0.2, 1.0, 0.98]])
    assert saturated(H) == pytest.approx(3 / 6)
    assert saturated(H, beyond=0.9) == pytest.approx(4 / 6)


def test_gradient_sizes_are_the_root_mean_square_of_each_weight_gradient():
    params = init_params()
    dW1, _, dW2, _, dW3, _ = numpy_gradient(params, X, Y)
    expected = [np.sqrt(np.mean(g ** 2)) for g in (dW1, dW2, dW3)]
    assert gradient_sizes(params, X, Y) == pytest.approx(expected)
