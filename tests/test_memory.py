"""What the tape keeps, as notebook 15 measures it: every recorded value, row by row.

The numbers the notebook prints (920 bytes a row for scratchgrad's tape, 520 with the first
layer checkpointed, 312 for PyTorch) are derived here again, from the network's sizes.
"""
import numpy as onp
import pytest

import scratchgrad
import scratchgrad.numpy as np
from demystify.memory import bytes_per_row, graph_bytes, held_by, torch_saved_bytes
from demystify.reference import SIZES, fixed_batch, init_params, make_loss

ROWS = [64, 512, 2048]   # wide apart: Python's own few hundred bytes of caches fade per row
FLOAT = 8   # bytes of a float64


def recorded_numbers_per_row(sizes) -> int:
    """Every node's value: X @ W, + b, tanh per layer (n_out each), then Y_hat - Y and its square."""
    return sum(3 * n_out for n_out in sizes[1:]) + 2 * sizes[-1]


def saved_by_torch_per_row(sizes) -> int:
    """PyTorch's formulas keep each tanh's output and the error that is squared, nothing else."""
    return sum(sizes[1:]) + sizes[-1]


def batches(sizes=SIZES):
    return [fixed_batch(n, sizes) for n in ROWS]


def recorded(loss, batch, sizes=SIZES):
    X, Y = batch
    loss([scratchgrad.Node(p) for p in init_params(sizes)], X, Y)   # once first: caches warm up
    return held_by(loss, [scratchgrad.Node(p) for p in init_params(sizes)], X, Y)


def test_held_by_counts_an_array_the_result_keeps_and_not_the_temporaries():
    def keeps_one(n):
        temporary = onp.ones((n, 1000))
        return temporary.sum(axis=1)           # the (n, 1000) array is freed, (n,) is kept
    result, held = held_by(keeps_one, 500)
    assert result.nbytes <= held < result.nbytes + 1_000


def test_a_plain_numpy_loss_holds_nothing_whatever_the_batch():
    loss = make_loss(onp)
    held = [held_by(loss, init_params(), X, Y)[1] for X, Y in batches()]
    assert max(held) < 2_000


@pytest.mark.parametrize("sizes", [SIZES, (8, 40, 3)])
def test_the_tape_holds_every_recorded_value_row_by_row(sizes):
    loss = make_loss(np)
    held, from_graph = [], []
    for batch in batches(sizes):
        out, size = recorded(loss, batch, sizes)
        held.append(size)
        from_graph.append(graph_bytes(out))
    expected = FLOAT * recorded_numbers_per_row(sizes)          # 920 for the course network
    assert bytes_per_row(ROWS, from_graph) == pytest.approx(expected)
    assert bytes_per_row(ROWS, held) == pytest.approx(expected, abs=2)


def test_the_course_network_records_115_numbers_a_row():
    assert recorded_numbers_per_row(SIZES) == 115


def test_checkpointing_the_first_layer_keeps_its_output_only_and_gives_the_same_gradient():
    def hidden_layer(X, W, b):
        return np.tanh(X @ W + b)

    def recompute(i):
        return lambda H, X, W, b: lambda G: scratchgrad.grad(
            lambda *inputs: np.sum(hidden_layer(*inputs) * G), i)(X, W, b)

    checkpointed = scratchgrad.defvjp(hidden_layer, recompute(0), recompute(1), recompute(2))

    def loss(params, X, Y):
        W1, b1, W2, b2, W3, b3 = params
        H2 = np.tanh(checkpointed(X, W1, b1) @ W2 + b2)
        return np.mean((np.tanh(H2 @ W3 + b3) - Y) ** 2)

    held = [recorded(loss, batch)[1] for batch in batches()]
    first_layer_saved = 2 * SIZES[1]                    # X @ W1 and + b1 are not kept
    expected = FLOAT * (recorded_numbers_per_row(SIZES) - first_layer_saved)
    assert bytes_per_row(ROWS, held) == pytest.approx(expected, abs=2)     # 520
    X, Y = batches()[-1]
    ours, reference = scratchgrad.grad(loss)(init_params(), X, Y), \
        scratchgrad.grad(make_loss(np))(init_params(), X, Y)
    assert all(onp.allclose(a, b, rtol=1e-12, atol=1e-15) for a, b in zip(ours, reference, strict=True))


def test_pytorch_saves_only_what_its_backward_formulas_need():
    torch = pytest.importorskip("torch")
    loss = make_loss(torch)
    saved = []
    for X, Y in batches():
        params = [torch.tensor(p, requires_grad=True) for p in init_params()]
        X, Y = torch.from_numpy(X), torch.from_numpy(Y)
        saved.append(torch_saved_bytes(loss, params, X, Y, inputs=[X, Y, *params])[1])
    assert bytes_per_row(ROWS, saved) == pytest.approx(FLOAT * saved_by_torch_per_row(SIZES))  # 312
    assert saved_by_torch_per_row(SIZES) == 39


def test_bytes_per_row_is_the_slope():
    assert bytes_per_row([10, 20, 40], [1_100, 2_100, 4_100]) == pytest.approx(100)
