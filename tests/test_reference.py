"""The course network is written once (demystify.reference), right, and for any layer sizes."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import autograd
import autograd.numpy as anp
import numpy
import pytest

from demystify.course import ROOT
from demystify.reference import (SEED, SIZES, central_difference, fixed_batch, forward,
                                 init_params, layer_outputs, lively_params, loss, make_loss,
                                 numerical_gradient, numpy_gradient, parameter_names,
                                 parameter_shapes, xavier_std)

RNG = numpy.random.default_rng(SEED)
X = RNG.normal(size=(40, 8))
Y = numpy.eye(2)[RNG.integers(0, 2, 40)]


# --- one home for each fact -------------------------------------------------------------

def literals(path: Path):
    """Every constant and every tuple of constants written in the code of ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple) and all(isinstance(e, ast.Constant) for e in node.elts):
            yield tuple(e.value for e in node.elts)
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield node.value


def places(value) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in sorted((ROOT / "src").rglob("*.py"))
            for found in literals(path) if found == value]


def test_the_network_sizes_and_the_seed_are_written_once_in_the_code():
    assert places(SIZES) == ["src/demystify/reference.py"]
    assert places(SEED) == ["src/demystify/reference.py"]


LEFT_FOR_THEIR_OWNERS = {"parents[2]": [], "OPENBLAS_NUM_THREADS": []}


@pytest.mark.parametrize("text, home", [("parents[2]", "src/demystify/course.py"),
                                        ("OPENBLAS_NUM_THREADS", "src/demystify/course.py")])
def test_the_repository_root_and_the_thread_environment_are_written_once(text, home):
    files = sorted((ROOT / "src").rglob("*.py")) + [ROOT / "conftest.py"]
    found = [str(p.relative_to(ROOT)) for p in files if text in p.read_text(encoding="utf-8")]
    assert sorted(found) == sorted([home] + LEFT_FOR_THEIR_OWNERS[text])


SOLUTIONS_FOR_ANY_NETWORK = '''
from autograd import grad
from demystify import baselines, reference
from demystify.checks import layers, training, weights
from solution_network import forward, loss, step, train

assert reference.SIZES == NEW_SIZES, reference.SIZES

layers.check_parameter_shapes(lambda sizes: [p.shape for p in reference.init_params(sizes)])
weights.check_init_params(lambda sizes, rng: reference.init_params(sizes, rng))
weights.check_forward(forward)
weights.check_predict(lambda params, X: forward(params, X).argmax(axis=1))
training.check_loss(loss)
training.check_gradient(grad(loss))
training.check_step(step)
training.check_train(train)
shapes = [tuple(p.shape) for p in baselines.build_network().parameters()]
assert shapes == [s[::-1] for s in reference.parameter_shapes()], shapes
'''


def test_changing_the_architecture_is_a_one_line_edit(tmp_path):
    """A copy of the package with another SIZES line: the checks and the baseline follow it."""
    shutil.copytree(ROOT / "src", tmp_path / "src")
    reference = tmp_path / "src" / "demystify" / "reference.py"
    line = next(line for line in reference.read_text().splitlines() if line.startswith("SIZES ="))
    reference.write_text(reference.read_text().replace(line, "SIZES = (8, 16, 12, 6, 2)"))
    script = SOLUTIONS_FOR_ANY_NETWORK.replace("NEW_SIZES", "(8, 16, 12, 6, 2)")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, env={"PYTHONPATH": f"{tmp_path / 'src'}:{Path(__file__).parent}", "PATH": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("✓") == 8
    assert "parameter_shapes is right for layer sizes (8, 16, 12, 6, 2)" in done.stdout


# --- the network --------------------------------------------------------------------------

def test_init_from_a_seed_or_from_a_generator_draws_the_same_xavier_weights_and_zero_biases():
    from_seed = init_params(SIZES, SEED)
    from_rng = init_params(SIZES, numpy.random.default_rng(SEED))
    for a, b in zip(from_seed, from_rng, strict=True):
        numpy.testing.assert_array_equal(a, b)
    assert [p.shape for p in from_seed] == parameter_shapes(SIZES)
    assert not any(b.any() for b in from_seed[1::2])
    n_in, n_out = SIZES[:2]
    first = numpy.random.default_rng(SEED).normal(0.0, numpy.sqrt(2 / (n_in + n_out)), (n_in, n_out))
    numpy.testing.assert_array_equal(from_seed[0], first)


def test_init_draws_from_the_generator_it_is_given_so_two_calls_differ():
    rng = numpy.random.default_rng(SEED)
    assert not numpy.array_equal(init_params(SIZES, rng)[0], init_params(SIZES, rng)[0])


def test_xavier_scale_on_a_big_layer():
    W = init_params((400, 300), SEED)[0]
    assert W.std() == pytest.approx(xavier_std(400, 300), rel=0.01)


def test_names_and_shapes_follow_the_sizes():
    assert parameter_names((5, 3, 4)) == ["W1", "b1", "W2", "b2"]
    assert parameter_shapes((5, 3, 4)) == [(5, 3), (3,), (3, 4), (4,)]


def test_forward_is_tanh_after_every_layer_and_the_loss_the_mean_over_every_entry():
    params = lively_params()
    W1, b1, W2, b2, W3, b3 = params
    by_hand = numpy.tanh(numpy.tanh(numpy.tanh(X @ W1 + b1) @ W2 + b2) @ W3 + b3)
    numpy.testing.assert_allclose(forward(params, X), by_hand, rtol=1e-15)
    assert [H.shape for H in layer_outputs(params, X)] == [(40, n) for n in SIZES]
    assert loss(params, X, Y) == pytest.approx(((by_hand - Y) ** 2).sum() / Y.size, rel=1e-14)
    assert make_loss(anp)(params, X, Y) == pytest.approx(loss(params, X, Y), rel=1e-15)


def test_a_parameter_list_of_odd_length_is_refused():
    with pytest.raises(ValueError):
        forward(lively_params()[:-1], X)


@pytest.mark.parametrize("sizes", [SIZES, (8, 3, 2), (8, 400, 10, 2), (8, 2)])
def test_hand_written_backprop_matches_autograd(sizes):
    params = [p + RNG.normal(scale=0.1, size=p.shape) for p in init_params(sizes)]
    ours = numpy_gradient(params, X, Y)
    theirs = autograd.grad(make_loss(anp))(params, X, Y)
    assert [g.shape for g in ours] == [p.shape for p in params]
    for mine, reference in zip(ours, theirs, strict=True):
        numpy.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-15)


def test_hand_written_backprop_matches_central_differences():
    params = lively_params((8, 4, 2))
    for k, gradient in enumerate(numpy_gradient(params, X, Y)):
        def along(p_k, k=k):
            return loss(params[:k] + [p_k] + params[k + 1:], X, Y)
        numpy.testing.assert_allclose(gradient, numerical_gradient(along, params[k]),
                                      rtol=1e-6, atol=1e-10)


# --- the checks' inputs and central differences -------------------------------------------------

def test_lively_parameters_have_non_zero_biases_and_the_fixed_batch_one_hot_targets():
    params = lively_params()
    assert [p.shape for p in params] == parameter_shapes()
    assert all(numpy.abs(b).min() > 0 for b in params[1::2])
    X_check, Y_check = fixed_batch(n=5, sizes=(3, 4, 3))
    assert X_check.shape == (5, 3) and Y_check.shape == (5, 3)
    assert set(Y_check.sum(axis=1)) == {1.0} and set(numpy.unique(Y_check)) == {0.0, 1.0}


def test_central_differences_are_exact_for_a_quadratic_up_to_rounding():
    x = numpy.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]])
    numpy.testing.assert_allclose(numerical_gradient(lambda x: numpy.sum(x ** 2), x), 2 * x,
                                  atol=1e-8)
    assert central_difference(lambda t: t ** 2, 3.0) == pytest.approx(6.0, abs=1e-8)
    numpy.testing.assert_allclose(central_difference(numpy.sin, x), numpy.cos(x), atol=1e-9)


def test_numerical_gradient_leaves_its_input_alone():
    x = numpy.arange(4.0)
    numerical_gradient(lambda v: numpy.sum(v ** 3), x)
    numpy.testing.assert_array_equal(x, numpy.arange(4.0))
