"""The decision-boundary picture shades the probability the model gives and draws its 0.5 line."""
import matplotlib
import numpy as np
import pytest

from demystify.boundary import grid, plot_decision_boundary, probability_map

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)


def test_the_grid_covers_the_samples_with_a_margin():
    X = np.array([[0.0, -1.0], [2.0, 3.0]])
    xx, yy = grid(X, steps=5, margin=0.5)
    assert xx.shape == yy.shape == (5, 5)
    assert (xx.min(), xx.max(), yy.min(), yy.max()) == (-0.5, 2.5, -1.5, 3.5)


def test_the_map_holds_the_probability_at_each_grid_point():
    X = np.array([[-1.0, -1.0], [1.0, 1.0]])
    xx, yy, P = probability_map(lambda points: (points[:, 0] > 0).astype(float), X, steps=7)
    np.testing.assert_array_equal(P, (xx > 0).astype(float))


def test_a_probability_of_the_wrong_shape_is_named():
    with pytest.raises(ValueError, match=r"expected \(16,\): one probability per point"):
        probability_map(lambda points: np.zeros((len(points), 1)), np.zeros((3, 2)), steps=4)


def test_the_boundary_is_drawn_where_the_probability_crosses_one_half():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.5, 1.0]])
    y = np.array([0, 1, 1])
    figure, ax = plt.subplots()
    P = plot_decision_boundary(ax, lambda points: 1 / (1 + np.exp(-4 * points[:, 0])), X, y, "a line")
    line = ax.collections[-3]  # the 0.5 contour, drawn before the two classes' points
    vertices = np.concatenate([path.vertices for path in line.get_paths()])
    np.testing.assert_allclose(vertices[:, 0], 0.0, atol=1e-9)
    assert P.shape == (40, 40) and ax.get_title() == "a line"
    assert [len(c.get_offsets()) for c in ax.collections[-2:]] == [1, 2]
    plt.close(figure)
