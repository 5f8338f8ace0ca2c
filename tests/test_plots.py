"""demystify.plots: the course's figures draw what they say, and legends and titles stay clear of the data."""
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, QuadMesh

from demystify.plots import class_histograms, pair_plot, plot_activations, plot_boundary, plot_loss


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def tick_texts(ax):
    ax.figure.canvas.draw()
    return [label.get_text() for label in ax.get_yticklabels() if label.get_text()]


def test_a_log_scale_loss_curve_is_labelled_with_plain_numbers():
    fig, ax = plt.subplots()
    plot_loss(np.geomspace(0.8, 0.04, 100), ax=ax, log=True)
    assert ax.get_yscale() == "log"
    labels = tick_texts(ax)
    assert {"0.05", "0.1", "0.2", "0.5"} <= set(labels)
    assert not any("10^" in label or "times" in label for label in labels)


def test_a_loss_curve_counts_its_steps_from_first():
    fig, ax = plt.subplots()
    plot_loss([3.0, 2.0, 1.0], ax=ax, label="a run")
    plot_loss([3.0, 2.0, 1.0], ax=ax, first=0, xlabel="epoch", color="C3")
    one, zero = ax.get_lines()
    assert list(one.get_xdata()) == [1, 2, 3] and list(zero.get_xdata()) == [0, 1, 2]
    assert ax.get_xlabel() == "epoch" and ax.get_legend() is not None


def test_decision_regions_are_coloured_by_the_model_s_prediction():
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    y = np.array([0, 1, 0, 1])
    fig, ax = plt.subplots()
    plot_boundary(lambda points: (points[:, 0] > 0).astype(int), X, y, ax, resolution=50)
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    regions = np.asarray(mesh.get_array()).reshape(50, 50)
    assert (regions[:, :25] == 0).all() and (regions[:, 25:] == 1).all()   # left of x = 0: class 0
    scattered = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sorted(len(c.get_offsets()) for c in scattered) == [2, 2]


def test_a_probability_is_shaded_and_the_boundary_drawn_where_it_crosses_one_half():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.5, 1.0]])
    fig, ax = plt.subplots()
    plot_boundary(lambda points: 1 / (1 + np.exp(-4 * points[:, 0])), X, np.array([0, 1, 1]), ax,
                  resolution=41, title="a line")
    line = next(c for c in ax.collections if not isinstance(c, (QuadMesh, PathCollection)))
    vertices = np.concatenate([path.vertices for path in line.get_paths()])
    np.testing.assert_allclose(vertices[:, 0], 0.0, atol=1e-9)
    assert ax.get_title() == "a line"


def test_a_classifier_that_gives_the_wrong_shape_is_named():
    with pytest.raises(ValueError, match=r"expected \(16,\): one score"):
        plot_boundary(lambda points: np.zeros((len(points), 1)), np.zeros((3, 2)), np.zeros(3),
                      plt.subplots()[1], resolution=4)


def test_tanh_outputs_are_shown_as_percentages_that_add_up_to_100():
    fig, ax = plt.subplots()
    plot_activations(np.tanh(np.linspace(-3, 3, 1000)), ax)
    assert sum(patch.get_height() for patch in ax.patches) == pytest.approx(100)
    fig, ax = plt.subplots()
    plot_activations(np.ones((10, 3)), ax)                 # every unit pinned at 1
    heights = [patch.get_height() for patch in ax.patches]
    assert heights[-1] == pytest.approx(100) and sum(heights[:-1]) == 0


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    return pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300),
                         "c": rng.normal(size=300), "label": rng.integers(0, 2, 300)})


def test_class_histograms_give_each_class_an_area_of_one(frame):
    fig, ax = plt.subplots()
    class_histograms(frame, "a", ax, bins=20)
    bars = ax.patches
    per_class = len(bars) // 2
    for part in (bars[:per_class], bars[per_class:]):
        assert sum(b.get_height() * b.get_width() for b in part) == pytest.approx(1, abs=0.02)


def test_the_pair_plot_is_a_grid_with_histograms_on_its_diagonal_and_its_legend_above_the_points(frame):
    fig = pair_plot(frame, ["a", "b", "c"])
    axes = np.array(fig.axes).reshape(3, 3)
    for row in range(3):
        for column in range(3):
            ax = axes[row, column]
            if row == column:
                assert ax.patches and not ax.collections
            else:
                assert len(ax.collections) == 2 and not ax.patches
            assert ax.get_title() == ""
    fig.canvas.draw()
    legend = fig.legends[0].get_window_extent()
    assert all(legend.y0 >= ax.get_window_extent().y1 for ax in fig.axes)
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["not a pulsar", "pulsar"]
