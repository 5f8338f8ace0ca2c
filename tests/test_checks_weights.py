"""The self-checks of notebook 06 pass the solutions and name each typical mistake."""
import numpy as np
import pytest

from demystify.checks.weights import check_forward, check_init_params, check_predict
from demystify.reference import SEED, SIZES, forward as reference_forward, lively_params
from failures import failure
from solution_network import forward


# --- initialisation --------------------------------------------------------------------------

def init_params(sizes, rng, std=lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)),
                transposed=False, bias=lambda n_out, rng: np.zeros(n_out)):
    """The solution, with knobs to make each mistake."""
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        if transposed:
            W = rng.normal(0.0, std(n_in, n_out), size=(n_out, n_in)).T
        else:
            W = rng.normal(0.0, std(n_in, n_out), size=(n_in, n_out))
        params += [W, bias(n_out, rng)]
    return params


def test_init_solution_passes(capsys):
    check_init_params(init_params)
    assert capsys.readouterr().out.startswith("✓ init_params: right shapes")


def test_init_matches_the_recipe_of_the_brief_and_notebook_06_for_the_seed_of_the_course():
    """Xavier normal, zero biases, drawn W1, W2, W3 from the rng: the shared recipe."""
    rng = np.random.default_rng(SEED)
    recipe = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:], strict=True):
        recipe += [rng.normal(0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out)), np.zeros(n_out)]
    for mine, theirs in zip(init_params(SIZES, np.random.default_rng(SEED)), recipe, strict=True):
        assert np.array_equal(mine, theirs)


def standard_normal_times_sigma(sizes, rng):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        params.append(rng.standard_normal((n_in, n_out)) * (2 / (n_in + n_out)) ** 0.5)
        params.append(np.zeros((n_out,)))
    return params


def flat_draw_reshaped(sizes, rng):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        flat = rng.normal(scale=np.sqrt(2.0 / (n_in + n_out)), size=n_in * n_out)
        params.extend([flat.reshape(n_in, n_out), np.zeros(n_out)])
    return tuple(params)


def float32_weights(sizes, rng):
    return [p.astype(np.float32) for p in init_params(sizes, rng)]


@pytest.mark.parametrize("right", [standard_normal_times_sigma, flat_draw_reshaped, float32_weights],
                         ids=["standard normal times sigma", "flat draw reshaped, a tuple",
                              "the recipe in float32"])
def test_every_way_of_drawing_the_recipe_passes(right):
    check_init_params(right)


def test_init_that_makes_its_own_generator_is_named_and_the_200_networks_would_be_one():
    def own_generator(sizes, rng):
        return init_params(sizes, np.random.default_rng(SEED))
    text = failure(check_init_params, own_generator)
    assert "gave the network of seed 2019, whatever rng it is given" in text
    assert "Draw from the rng you are given" in text


def test_init_that_draws_from_numpys_global_generator_is_named():
    def global_state(sizes, rng):
        return [np.random.normal(0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out)) if kind == "W"
                else np.zeros(n_out)
                for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True) for kind in "Wb"]
    text = failure(check_init_params, global_state)
    assert "Called twice with the same seed" in text and "global generator" in text


def test_init_that_ignores_its_rng_for_a_generator_of_another_seed_is_named():
    text = failure(check_init_params, lambda sizes, rng: init_params(sizes, np.random.default_rng(7)))
    assert "the same network for two different generators" in text


def test_init_returning_pairs_is_told_to_make_one_flat_list():
    def pairs(sizes, rng):
        params = init_params(sizes, rng)
        return [[W, b] for W, b in zip(params[::2], params[1::2], strict=True)]
    text = failure(check_init_params, pairs)
    assert "a list of 3 entries, 3 of them lists; expected one flat list of 6 arrays" in text
    assert "extend it" in text


def test_init_returning_lists_instead_of_arrays_is_named():
    text = failure(check_init_params, lambda s, rng: [p.tolist() for p in init_params(s, rng)])
    assert "as W1, a list; expected a numpy array of shape (8, 25)" in text


@pytest.mark.parametrize("sizes", [(5, 3, 4), (8, 25, 10, 2), (8, 40, 20, 10, 2)])
def test_init_forward_and_predict_checks_work_for_any_network(sizes, capsys):
    check_init_params(init_params, sizes=sizes)
    check_forward(forward, sizes=sizes)
    check_predict(lambda params, X: forward(params, X).argmax(axis=1), sizes=sizes)
    assert f"for {sizes} and (3, 4, 1)" in capsys.readouterr().out
    no_last_tanh = failure(lambda f: check_forward(f, sizes=sizes),
                           lambda p, X: forward(p[:-2], X) @ p[-2] + p[-1])
    assert f"Y_hat = tanh(H{len(sizes) - 2} @ W{len(sizes) - 1} + b{len(sizes) - 1})" in no_last_tanh


@pytest.mark.parametrize("wrong, message", [
    (lambda s, rng: init_params(s, rng, std=lambda i, o: 1 / np.sqrt(i + o)),
     "Did you use 1 / sqrt(n_in + n_out)?"),
    (lambda s, rng: init_params(s, rng, std=lambda i, o: 2 / (i + o)), "is the variance"),
    (lambda s, rng: init_params(s, rng, std=lambda i, o: np.sqrt(2 / i)), "He initialisation"),
    (lambda s, rng: init_params(s, rng, std=lambda i, o: 1.0), "forget to scale"),
    (lambda s, rng: init_params(s, rng, transposed=True), "drawing (n_out, n_in) and transposing"),
    (lambda s, rng: init_params(s, rng, bias=lambda o, rng: rng.normal(size=o)), "b1 is not zero"),
    (lambda s, rng: [p.T for p in init_params(s, rng)],
     "as W1, an array of shape (25, 8); expected (8, 25)"),
    (lambda s, rng: [p if p.ndim == 2 else p[:, None] for p in init_params(s, rng)],
     "as b1, an array of shape (25, 1); expected (25,)"),
    (lambda s, rng: init_params(s, rng)[::2], "returned 3 arrays; expected 6"),
    (lambda s, rng: dict(zip("abcdef", init_params(s, rng), strict=False)),
     "returned a dict; expected a list of 6 arrays [W1, b1, W2, b2"),
    (lambda s, rng: None, "forget to `return`"),
    (lambda s, rng: init_params(s, rng, std=lambda i, o: np.sqrt(2 // (i + o))),
     "made every weight 0"),
], ids=["1/sqrt", "variance", "He", "unscaled", "transposed draw", "random biases",
        "transposed shapes", "column biases", "no biases", "dict", "no return", "integer division"])
def test_init_mistakes_are_named(wrong, message):
    assert message in failure(check_init_params, wrong)


def test_init_that_draws_the_biases_from_rng_too_is_told_to_draw_only_the_weights():
    def zero_biases_drawn(sizes, rng):
        return init_params(sizes, rng, bias=lambda n_out, rng: rng.normal(0.0, 0.0, n_out))
    text = failure(check_init_params, zero_biases_drawn)
    assert "right shape and scale, but not the numbers" in text and "Draw only the weights" in text


def test_init_with_a_uniform_distribution_of_the_wrong_spread_reports_the_spread():
    def uniform(sizes, rng):
        params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            params += [rng.uniform(-1, 1, (n_in, n_out)), np.zeros(n_out)]
        return params
    text = failure(check_init_params, uniform)
    assert "W1 has a standard deviation of 0.5" in text and "sqrt(2 / (8 + 25)) = 0.246" in text


def test_init_hard_coded_for_one_network_fails_on_another():
    def hard_coded(sizes, rng):
        return init_params(SIZES, rng)
    text = failure(check_init_params, hard_coded)
    assert f"returned {2 * (len(SIZES) - 1)} arrays; expected 4" in text


# --- forward pass ----------------------------------------------------------------------------

def test_forward_solution_passes(capsys):
    check_forward(forward)
    assert capsys.readouterr().out.startswith("✓ forward matches")


def test_forward_unpacking_the_six_parameters_passes():
    def unpacked(params, X):
        W1, b1, W2, b2, W3, b3 = params
        H1 = np.tanh(X @ W1 + b1)
        H2 = np.tanh(H1 @ W2 + b2)
        return np.tanh(H2 @ W3 + b3)
    check_forward(unpacked)


def bias_outside_tanh(params, X):
    H = X
    for k in range(0, len(params), 2):
        H = np.tanh(H @ params[k]) + params[k + 1]
    return H


def no_tanh_at_the_end(params, X):
    H = forward(params[:4], X)
    return H @ params[4] + params[5]


@pytest.mark.parametrize("wrong, message", [
    (no_tanh_at_the_end, "tanh after every layer, the last one too"),
    (lambda p, X: forward([q if q.ndim == 2 else 0 * q for q in p], X), "forget the biases"),
    (bias_outside_tanh,
     "inside the activation"),
    (lambda p, X: forward(p[:2], X), "output of layer 1, H1"),
    (lambda p, X: forward(p[:4], X), "output of layer 2, H2"),
    (lambda p, X: forward([p[k].T if k % 2 == 0 else p[k] for k in range(6)], X),
     "Did you use W1.T?"),
    (lambda p, X: forward([p[0], p[2], p[4], p[1], p[3], p[5]], X),
     "Did you take the parameters in another order"),
    (lambda p, X: np.tanh(p[0] @ X), "Did you write W1 @ X?"),
    (lambda p, X: forward(p, X).tolist(), "returned a list; expected a numpy array"),
    (lambda p, X: None, "forget to `return`"),
], ids=["no tanh at the end", "no biases", "bias outside tanh", "one layer", "two layers",
        "transposed weights", "another order", "W @ X", "a list", "no return"])
def test_forward_mistakes_are_named(wrong, message):
    assert message in failure(check_forward, wrong)


def test_forward_with_an_elementwise_product_is_told_about_the_matrix_product():
    def elementwise(params, X):
        H = X
        for k in range(0, len(params), 2):
            H = np.tanh(H * params[k] + params[k + 1])
        return H
    text = failure(check_forward, elementwise)
    assert "raised ValueError" in text and "Did you write X * W1?" in text


@pytest.mark.parametrize("activation, message", [
    (lambda z: 1 / (1 + np.exp(-z)), "sigmoid"), (lambda z: np.maximum(z, 0), "ReLU")])
def test_forward_with_another_activation_is_named(activation, message):
    def other(params, X):
        H = X
        for k in range(0, len(params), 2):
            H = activation(H @ params[k] + params[k + 1])
        return H
    assert message in failure(check_forward, other)


def test_forward_that_changes_the_parameters_it_is_given_is_named():
    def popping(params, X):
        b3, W3 = params.pop(), params.pop()
        return np.tanh(forward(params, X) @ W3 + b3)
    assert "forward changed the parameters it was given" in failure(check_forward, popping)


# --- prediction ------------------------------------------------------------------------------

def test_check_data_has_both_classes():
    X = np.random.default_rng(12).normal(size=(12, SIZES[0]))
    labels = reference_forward(lively_params(), X).argmax(axis=1)
    assert 0 < labels.sum() < len(labels)


def test_predict_solution_passes(capsys):
    check_predict(lambda params, X: forward(params, X).argmax(axis=1))
    assert capsys.readouterr().out.startswith("✓ predict gives")


@pytest.mark.parametrize("wrong, message", [
    (lambda p, X: forward(p, X).argmax(axis=0), "Use axis=1"),
    (lambda p, X: forward(p, X), "Return one label per sample"),
    (lambda p, X: forward(p, X).argmax(axis=1, keepdims=True), "flat vector"),
    (lambda p, X: forward(p, X).argmin(axis=1), "flipped"),
    (lambda p, X: forward(p, X).max(axis=1), "argmax, not max"),
    (lambda p, X: list(forward(p, X).argmax(axis=1)), "returned a list"),
], ids=["axis 0", "outputs", "column", "argmin", "max", "a list"])
def test_predict_mistakes_are_named(wrong, message):
    assert message in failure(check_predict, wrong)


@pytest.mark.parametrize("right", [
    lambda p, X: np.argmax(forward(p, X), 1),
    lambda p, X: forward(p, X)[:, 1] > forward(p, X)[:, 0],
    lambda p, X: (forward(p, X)[:, 1] > forward(p, X)[:, 0]).astype(int),
], ids=["np.argmax", "a comparison of booleans", "a comparison as ints"])
def test_every_way_of_predicting_the_larger_output_passes(right):
    check_predict(right)


def test_forward_without_any_tanh_is_named():
    def linear(params, X):
        H = X
        for k in range(0, len(params), 2):
            H = H @ params[k] + params[k + 1]
        return H
    assert "No layer applies tanh" in failure(check_forward, linear)


def test_forward_that_forgets_one_bias_names_the_layer():
    def no_last_bias(params, X):
        return np.tanh(forward(params[:4], X) @ params[4])
    assert "Layer 3 has no bias: add b3" in failure(check_forward, no_last_bias)


def test_forward_with_outputs_beyond_tanh_is_asked_about_its_tanh():
    def scaled(params, X):
        return 3 * forward(params, X) + 0.1
    assert "outside (-1, 1), where tanh never goes" in failure(check_forward, scaled)


def test_forward_with_other_wrong_values_points_at_the_hint():
    def shifted(params, X):
        return forward(params, X) * 0.5 + 0.01
    assert "(Hint 2 below the exercise shows the shape of it.)" in failure(check_forward, shifted)


def test_init_looping_past_the_last_layer_is_told_how_many_layers_there_are():
    def one_too_many(sizes, rng):
        params = []
        for k in range(len(sizes)):
            n_in, n_out = sizes[k], sizes[k + 1]
            params += [rng.normal(0.0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out)), np.zeros(n_out)]
        return params
    assert "There are len(sizes) - 1 layers" in failure(check_init_params, one_too_many)
