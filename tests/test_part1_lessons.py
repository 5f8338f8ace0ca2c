"""What Part 1's lessons show is true: each figure's and number's claim, computed again here.

The lessons (02, 04, 05, 07, 09) train small networks to show why a network needs a
non-linearity, what saturation and vanishing gradients look like, what mini-batches buy,
how a learning rate is chosen on validation rows and what overfitting looks like. These
tests recompute each claim independently of the notebooks' cells (nbval already checks that
the cells print what is committed), and check the lessons' structure where the issue asked
for it: answers to "Your turn" collapsed, no counts from one run typed into the notes.
"""
import re

import nbformat
import numpy as np
import pytest

from demystify.course import ROOT
from demystify.data import FEATURES, balanced, load_htru2, one_hot, pulsar_split
from demystify.reference import SEED, SIZES, forward, init_params, layer_outputs, loss, numpy_gradient
from demystify.timing import best_time
from demystify.toys import two_moons
from demystify.training import gradient_descent, gradient_sizes, saturated, validation_split

MOON_NETWORK = (2,) + SIZES[1:]   # the course's network with two inputs: 2-25-10-2


def notebook(name):
    return nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)


def accuracy(params, X, y):
    return float(np.mean(forward(params, X).argmax(axis=1) == y))


# --- 02: why non-linearity ---------------------------------------------------------------

@pytest.fixture(scope="module")
def moons():
    X, y = two_moons(200)
    linear = gradient_descent(init_params((2, 2)), X, one_hot(y), epochs=2000).params
    network = gradient_descent(init_params(MOON_NETWORK), X, one_hot(y), epochs=2000).params
    return X, y, linear, network


def test_the_linear_model_draws_a_straight_boundary_that_cannot_separate_the_moons(moons):
    X, y, linear, _ = moons
    W, b = linear
    grid = np.random.default_rng(SEED).uniform(-2, 3, size=(2000, 2))
    half_plane = (grid @ (W[:, 1] - W[:, 0]) + (b[1] - b[0]) > 0).astype(int)
    assert np.array_equal(forward(linear, grid).argmax(axis=1), half_plane)   # a straight boundary
    fresh_X, fresh_y = two_moons(1000, seed=SEED + 1)
    assert accuracy(linear, X, y) < 0.9 and accuracy(linear, fresh_X, fresh_y) < 0.9


def test_the_tanh_network_bends_its_boundary_around_the_moons_also_for_points_it_never_saw(moons):
    X, y, _, network = moons
    fresh_X, fresh_y = two_moons(1000, seed=SEED + 1)
    assert accuracy(network, X, y) >= 0.97 and accuracy(network, fresh_X, fresh_y) >= 0.97


# --- 04: saturation on raw features, and the one-feature baseline ------------------------------

@pytest.fixture(scope="module")
def pairs():
    return balanced(load_htru2())


def test_raw_features_pin_the_first_layer_at_plus_minus_one_and_standardised_ones_do_not(pairs):
    raw = pairs[FEATURES].to_numpy()
    standardised = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    W1, b1 = init_params()[:2]
    assert saturated(np.tanh(raw @ W1 + b1)) > 0.9
    assert saturated(np.tanh(standardised @ W1 + b1)) < 0.01


def threshold_accuracy(values, labels):
    """The best accuracy of 'pulsar above (or below) t' over 99 quantile thresholds t."""
    thresholds = np.quantile(values, np.linspace(0.01, 0.99, 99))
    above = (values[None, :] > thresholds[:, None]) == labels[None, :]
    return max(above.mean(axis=1).max(), (~above).mean(axis=1).max()), thresholds


def test_04s_your_turn_starts_from_a_weaker_feature_and_its_answer_names_the_best_one_truly():
    cells = notebook("04-pulsar-data").cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    prefilled = re.search(r'^feature = "(\w+)"', code, re.M).group(1)
    answer = next(c.source for c in cells if "<summary>Answer</summary>" in c.source)
    named = re.search(r"`(\w+)` is the best single feature", answer).group(1)
    train_percent, test_percent = map(int, re.search(
        r"about (\d+) % of the training rows and\s+(\d+) % of the test rows", answer).groups())
    split = pulsar_split()
    training = {f: threshold_accuracy(split.X_train[:, j], split.y_train)[0] for j, f in enumerate(FEATURES)}
    best = max(training, key=training.get)
    assert named == best and prefilled != best and prefilled in FEATURES
    assert round(100 * training[best]) == train_percent
    j = FEATURES.index(best)
    scores = []
    for t in threshold_accuracy(split.X_train[:, j], split.y_train)[1]:
        for s in (1, -1):
            scores.append((np.mean((s * (split.X_train[:, j] - t) > 0) == split.y_train),
                           np.mean((s * (split.X_test[:, j] - t) > 0) == split.y_test)))
    assert round(100 * max(scores)[1]) == test_percent


@pytest.mark.parametrize("name", ["04-pulsar-data", "09-chain-rule"])
def test_every_your_turn_is_followed_by_its_answer_collapsed_before_the_next_slide(name):
    cells = [c for c in notebook(name).cells if c.metadata["slideshow"]["slide_type"] != "notes"]
    turns = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "Your turn" in c.source]
    assert turns
    for i in turns:
        after = []
        for cell in cells[i + 1:]:
            if cell.metadata["slideshow"]["slide_type"] in ("slide", "subslide"):
                break
            after.append(cell)
        answers = [c for c in after if c.cell_type == "markdown" and "<summary>Answer</summary>" in c.source]
        assert answers, f"the Your turn of cell {i} has no collapsed answer on its slide"
        assert answers[0].source.lstrip().startswith("<details>") and answers[0].source.rstrip().endswith("</details>")


# --- 05: counts computed, not typed ----------------------------------------------------------

def test_05s_instructor_notes_quote_no_counts_from_one_run():
    notes = [c.source for c in notebook("05-pytorch-baseline").cells
             if c.metadata["slideshow"]["slide_type"] == "notes"]
    assert notes and not [n for n in notes if re.search(r"\b\d{3,}\b|\d,\d{3}", n)]


def test_05s_loss_curve_is_drawn_on_a_log_scale():
    code = [c.source for c in notebook("05-pytorch-baseline").cells if "plot_loss(" in c.source]
    assert code and all("log=True" in source for source in code)


# --- 07: the learning rate, mini-batches, overfitting, on the pulsar network --------------------

@pytest.fixture(scope="module")
def rows():
    return validation_split()


@pytest.fixture(scope="module")
def runs(rows):
    validation = (rows.X_val, one_hot(rows.y_val))
    return {rate: gradient_descent(init_params(), rows.X_train, one_hot(rows.y_train), learning_rate=rate,
                                   epochs=500, validation=validation) for rate in (0.05, 0.5, 5.0)}


def test_on_the_pulsar_network_eta_5_stalls_eta_half_learns_and_eta_005_crawls(rows, runs):
    right = {rate: accuracy(run.params, rows.X_val, rows.y_val) for rate, run in runs.items()}
    assert right[0.5] >= 0.93 and 0.85 < right[0.05] < right[0.5] and right[5.0] < 0.6
    assert runs[0.05].held_out[-1] > runs[0.5].held_out[-1]
    assert np.ptp(runs[5.0].held_out[-200:]) < 0.01 and runs[5.0].held_out[-1] == pytest.approx(0.5, abs=0.01)


def test_thirty_epochs_of_mini_batches_go_as_far_as_500_full_batch_steps(rows, runs):
    Y = one_hot(rows.y_train)
    full = gradient_descent(init_params(), rows.X_train, Y, epochs=30)
    mini = gradient_descent(init_params(), rows.X_train, Y, epochs=30, batch_size=64)
    assert mini.losses[-1] < mini.losses[0] / 5                     # the mini-batch run's loss falls
    assert mini.losses[-1] < 0.8 * full.losses[-1]
    assert mini.losses[-1] < 1.05 * runs[0.5].losses[-1]


def test_a_step_on_64_rows_costs_several_times_less_than_a_step_on_all_of_them(rows):
    params, Y = init_params(), one_hot(rows.y_train)
    full = best_time(numpy_gradient, params, rows.X_train, Y, repeat=20)
    mini = best_time(numpy_gradient, params, rows.X_train[:64], Y[:64], repeat=20)
    assert full > 3 * mini


def test_forty_training_rows_overfit_in_a_two_step_band_while_all_the_rows_do_not(rows, runs):
    Y, validation = one_hot(rows.y_train), (rows.X_val, one_hot(rows.y_val))
    few = gradient_descent(init_params(), rows.X_train[:40], Y[:40], epochs=2000, validation=validation)
    lowest = int(np.argmin(few.held_out))
    assert few.losses[-1] < 0.05 and lowest < 200 and few.held_out[-1] > 2 * few.held_out[lowest]
    late = np.diff(few.held_out[1000:1100])         # the band: up, down, up, ... at every step
    assert np.all(np.sign(late[1:]) != np.sign(late[:-1]))
    everything = runs[0.5]
    assert everything.held_out[-1] <= 1.2 * everything.losses[-1]
    assert everything.held_out[-1] < everything.held_out[250]          # still falling in the second half


def test_our_squared_error_costs_under_4_per_output_and_under_2_5_per_sample():
    rng = np.random.default_rng(SEED)
    Y = one_hot(rng.integers(0, 2, 10_000))
    outputs = np.tanh(rng.normal(0, 2.5, Y.shape))                  # anything a tanh layer can give
    per_entry = (outputs - Y) ** 2
    assert per_entry[Y == 1].max() < 4 and per_entry[Y == 0].max() < 1
    assert per_entry.mean(axis=1).max() < 2.5
    worst = np.array([[1 - 1e-9, -1 + 1e-9]])                          # target [0, 1], fully wrong
    assert np.mean((worst - [[0.0, 1.0]]) ** 2) == pytest.approx(2.5)


# --- 09: vanishing gradients in the stalled run ------------------------------------------------

def test_the_eta_5_network_is_pinned_at_one_and_its_gradients_vanish_though_its_loss_is_high(rows, runs):
    X, Y = rows.X_train, one_hot(rows.y_train)
    stalled, healthy = runs[5.0].params, runs[0.5].params
    assert saturated(layer_outputs(stalled, X)[-1]) > 0.99
    assert (layer_outputs(stalled, X)[-1] > 0.99).mean() > 0.99            # pinned at +1, not -1
    assert saturated(layer_outputs(healthy, X)[-1]) < 0.05
    for small, normal in zip(gradient_sizes(stalled, X, Y), gradient_sizes(healthy, X, Y), strict=True):
        assert small < normal / 100
    assert 5 < loss(stalled, X, Y) / loss(healthy, X, Y) < 20
    assert np.ptp(runs[5.0].losses[-200:]) < 1e-3                            # flat
