"""The two-moons toy data: seeded, balanced, and not linearly separable."""
import numpy as np
import pytest

from demystify.toys import two_moons


def test_two_moons_are_deterministic_for_a_seed_and_differ_between_seeds():
    X, y = two_moons(100, seed=3)
    X_again, y_again = two_moons(100, seed=3)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.allclose(X, two_moons(100, seed=4)[0])


@pytest.mark.parametrize("n", [2, 7, 200])
def test_two_moons_give_n_points_in_two_nearly_equal_classes(n):
    X, y = two_moons(n)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert set(np.unique(y)) == {0, 1} and abs(int(y.sum()) - n / 2) <= 0.5


def test_without_noise_the_points_lie_on_two_unit_half_circles_that_interleave():
    X, y = two_moons(400, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(*(lower - [1.0, 0.5]).T), 1.0)
    assert upper[:, 1].min() >= 0 and lower[:, 1].max() <= 0.5
    # each moon reaches into the other's hollow: their x ranges overlap by half
    assert upper[:, 0].max() > lower[:, 0].min() + 0.9


def test_no_straight_line_separates_the_moons():
    """The best of many lines (least squares on every direction) still misclassifies points."""
    X, y = two_moons(400, noise=0.0)
    best = 0.0
    for angle in np.linspace(0, np.pi, 181):
        projection = X @ [np.cos(angle), np.sin(angle)]
        for threshold in np.quantile(projection, np.linspace(0.01, 0.99, 99)):
            accuracy = np.mean((projection > threshold) == y)
            best = max(best, accuracy, 1 - accuracy)
    assert best < 0.9


def test_two_moons_refuses_too_few_points():
    with pytest.raises(ValueError, match="at least 2"):
        two_moons(1)
