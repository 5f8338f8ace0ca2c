"""The PyTorch baseline (notebook 05's recipe) trains well, deterministically, without side effects."""
import numpy as np
import pytest
import torch

from demystify.baselines import (SIZES, build_network, predict, pytorch_baseline, train,
                                  train_baseline)
from demystify.data import one_hot, pulsar_split
from demystify.reference import SEED


@pytest.fixture(scope="module")
def split():
    return pulsar_split()


@pytest.fixture(scope="module")
def baseline(split):
    return pytorch_baseline(split)


def weights(model):
    return [p.detach().numpy().copy() for p in model.parameters()]


def test_baseline_reaches_093_held_out_accuracy_with_both_classes_found(baseline):
    assert baseline.scores["accuracy"] >= 0.93
    assert baseline.scores["precision"] >= 0.9 and baseline.scores["recall"] >= 0.9


def test_scores_are_those_of_the_returned_model_on_the_held_out_rows(baseline, split):
    labels = predict(baseline.model, split.X_test)
    assert baseline.scores["accuracy"] == pytest.approx(np.mean(labels == split.y_test))


def test_two_calls_give_identical_weights_and_the_default_split_is_the_course_split(baseline):
    model, scores = pytorch_baseline()          # the fixture passed pulsar_split() explicitly
    for first, second in zip(weights(baseline.model), weights(model), strict=True):
        assert np.array_equal(first, second)
    assert scores == baseline.scores


def test_global_random_state_and_thread_count_are_left_alone(split):
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    pytorch_baseline(split, steps=2)
    assert torch.equal(torch.rand(3), expected)
    assert torch.get_num_threads() == threads


def test_network_is_float64_linear_tanh_layers_with_xavier_weights_and_zero_biases():
    torch.manual_seed(0)
    model = build_network((8, 400, 300, 2))
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ["Linear", "Tanh"] * 3
    for layer, (n_in, n_out) in zip(model[::2], [(8, 400), (400, 300), (300, 2)], strict=True):
        assert layer.weight.dtype == torch.float64
        assert layer.weight.shape == (n_out, n_in)        # torch stores (out, in)
        assert torch.all(layer.bias == 0)
    big = model[2].weight.detach().numpy()                 # 120,000 draws: std within 1 %
    assert big.std() == pytest.approx(np.sqrt(2 / (400 + 300)), rel=0.01)


def test_model_is_only_matrix_products_and_tanh(baseline, split):
    """The forward pass redone in numpy from the weights (torch stores W as (out, in))."""
    H = split.X_test
    for layer in baseline.model[::2]:
        W, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
        H = np.tanh(H @ W.T + b)
    with torch.no_grad():
        expected = baseline.model(torch.from_numpy(split.X_test)).numpy()
    assert np.allclose(H, expected, rtol=1e-12, atol=1e-12)


def test_training_records_the_real_mean_squared_error_and_lowers_it(split):
    torch.manual_seed(SEED)
    model = build_network(SIZES)
    Y = one_hot(split.y_train)
    with torch.no_grad():
        before = model(torch.from_numpy(split.X_train)).numpy()
    losses = train(model, split.X_train, split.y_train, steps=50)
    assert len(losses) == 50
    assert losses[0] == pytest.approx(np.mean((before - Y) ** 2), rel=1e-12)  # not mean(err)**2
    assert losses[-1] < 0.8 * losses[0]


def test_train_baseline_gives_the_same_network_and_the_loss_before_each_step(baseline, split):
    (model, scores), losses = train_baseline(split)
    for first, second in zip(weights(baseline.model), weights(model), strict=True):
        assert np.array_equal(first, second)
    assert scores == baseline.scores
    assert len(losses) == 500
    torch.manual_seed(SEED)                                  # the recipe's starting weights
    with torch.no_grad():
        start = build_network(SIZES)(torch.from_numpy(split.X_train)).numpy()
    assert losses[0] == pytest.approx(np.mean((start - one_hot(split.y_train)) ** 2), rel=1e-12)
    assert losses[-1] < losses[0] / 5
