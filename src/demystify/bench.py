"""How fast is scratchgrad?  ``python3 course.py bench`` (or ``python -m demystify.bench``).

Not part of the lesson: a benchmark.  It trains the course network (``demystify.reference``:
8-25-10-2 tanh layers, float64, mean squared error to one-hot targets, gradient descent
with learning rate 0.5) on the balanced pulsar training split with four implementations
of the gradient:

- hand-written numpy backpropagation (``reference.numpy_gradient``, the yardstick),
- HIPS autograd, scratchgrad and PyTorch (float64, one thread), all running the same
  loss code (``reference.make_loss``) with their own numpy.

It prints Markdown tables: the time per gradient and per training step (gradient plus
update) of each, as a ratio to hand-written numpy, at full batch (the 2,458 training
rows) and at batch 64; then how scratchgrad's step time grows with the batch size (64
rows to all 17,898 rows of HTRU2, standardised) and with the width of the first hidden
layer (25 to 400); and whether the memory a training loop holds stays flat over 2,000
steps.  BLAS runs on one thread, as torch does, and glibc's malloc is told
to keep freed memory (see SETTINGS).  Times are CPU time of this process, the fastest
of several repeats, which other jobs on a shared machine inflate much less than
wall-clock time; the implementations' blocks of calls take turns, so that a busy
moment does not favour one of them.
"""
from __future__ import annotations

import os
import platform
import sys
import time
import tracemalloc

import numpy as onp

from demystify.course import SINGLE_THREAD
from demystify.reference import LEARNING_RATE, SEED, init_params, make_loss, numpy_gradient
from demystify.timing import duration

# BLAS on one thread, as torch; and glibc's malloc keeps freed memory for reuse instead of
# returning big blocks to the system and page-faulting them back on the next call, which
# otherwise adds an erratic cost (up to 3x on arrays of a few MB) to every implementation.
SETTINGS = {**SINGLE_THREAD,
            "MALLOC_MMAP_THRESHOLD_": "1073741824", "MALLOC_TRIM_THRESHOLD_": "1073741824"}


def torch_gradient_function(params):
    """PyTorch's gradient of the same loss, for float64 tensors X, Y; params become tensors.

    returns (gradient(X, Y) -> list of tensors, the parameter tensors)
    """
    import torch
    torch.set_num_threads(1)
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    loss = make_loss(torch)

    def gradient(X, Y):
        return torch.autograd.grad(loss(tensors, X, Y), tensors)
    return gradient, tensors


# --- one trainer per implementation: gradient(X, Y) and step(X, Y) ------------------------

def trainers(params, learning_rate=LEARNING_RATE):
    """{name: (gradient, step, to_own_arrays)} for the four implementations.

    Each holds its own copy of ``params``; ``step`` takes one gradient descent step.
    ``to_own_arrays`` converts a numpy batch to what its functions take (tensors for torch).
    """
    import autograd
    import autograd.numpy as anp
    import torch

    import scratchgrad
    import scratchgrad.numpy as snp

    result = {}
    for name, gradient in [("hand-written numpy", numpy_gradient),
                           ("autograd", autograd.grad(make_loss(anp))),
                           ("scratchgrad", scratchgrad.grad(make_loss(snp)))]:
        own = [p.copy() for p in params]

        def grad_only(X, Y, gradient=gradient, own=own):
            return gradient(own, X, Y)

        def step(X, Y, gradient=gradient, own=own):
            own[:] = [p - learning_rate * g for p, g in zip(own, gradient(own, X, Y), strict=True)]

        result[name] = (grad_only, step, lambda a: a)

    torch_grad, tensors = torch_gradient_function(params)

    def torch_step(X, Y):
        grads = torch_grad(X, Y)
        with torch.no_grad():
            for p, g in zip(tensors, grads, strict=True):
                p -= learning_rate * g

    result["PyTorch"] = (torch_grad, torch_step, torch.from_numpy)
    return result


# --- timing --------------------------------------------------------------------------------

def cpu_seconds_per_call(functions, batches, repeats=7, block=0.03):
    """{name: CPU seconds per call}, the fastest of ``repeats`` blocks of calls.

    functions: {name: (f, convert)}; call i of a block is f(*convert(batches[i % n])).
    Blocks last about ``block`` seconds and the implementations take turns.
    """
    own = {name: [tuple(map(convert, batch)) for batch in batches]
           for name, (f, convert) in functions.items()}
    calls = {}
    for name, (f, _) in functions.items():          # warm up and size the blocks
        start = time.process_time()
        for i in range(5):
            f(*own[name][i % len(batches)])
        calls[name] = max(3, int(block / max((time.process_time() - start) / 5, 1e-7)))
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(repeats):
        for name, (f, _) in functions.items():
            args, n = own[name], calls[name]
            start = time.process_time()
            for i in range(n):
                f(*args[i % len(args)])
            best[name] = min(best[name], (time.process_time() - start) / n)
    return best


def batches_of(X, Y, size, seed=SEED, limit=64):
    """Up to ``limit`` batches of ``size`` rows from a seeded shuffle of X, Y."""
    rows = onp.random.default_rng(seed).permutation(len(X))
    starts = range(0, len(X) - size + 1, size) if size < len(X) else [0]
    return [(X[rows[s:s + size]], Y[rows[s:s + size]]) for s in list(starts)[:limit]]


def processor():
    """The processor's model name ('AMD EPYC'), from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


show_time = duration   # the name notebook 15 imports


# --- the report ----------------------------------------------------------------------------

def compare(X, Y, repeats):
    """The main table: gradient and step of each implementation, full batch and batch 64."""
    params = init_params()
    columns = {}
    for label, batches in [("full batch", batches_of(X, Y, len(X))),
                           ("batch 64", batches_of(X, Y, 64))]:
        impl = trainers(params)
        columns[label, "gradient"] = cpu_seconds_per_call(
            {name: (g, conv) for name, (g, s, conv) in impl.items()}, batches, repeats)
        columns[label, "step"] = cpu_seconds_per_call(
            {name: (s, conv) for name, (g, s, conv) in impl.items()}, batches, repeats)
    base = columns["full batch", "gradient"]
    lines = [f"| per call, ratio to hand-written numpy | full batch ({len(X):,} rows): gradient | "
             f"step | batch 64: gradient | step |", "|---|---|---|---|---|"]
    for name in base:
        cells = [f"{times[name] / times['hand-written numpy']:.2f}×" for times in columns.values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    numpy_times = [show_time(times["hand-written numpy"]) for times in columns.values()]
    lines.append("| *hand-written numpy, time* | " + " | ".join(numpy_times) + " |")
    return "\n".join(lines)


def memory_growth(train_step, batches, steps=2_000, warm_up=50):
    """(bytes still held after ``steps`` more training steps, peak bytes of one step).

    Measured with tracemalloc, which sees Python's and numpy's allocations.  Python keeps
    up to 2,000 freed tuples of each length up to 20 for reuse, and tracemalloc counts
    those as allocated: they are filled first, so that they stay full.
    """
    spare = [tuple(range(length)) for length in range(1, 21) for _ in range(2_000)]
    del spare
    for i in range(warm_up):
        train_step(*batches[i % len(batches)])
    tracemalloc.start()
    try:
        for i in range(20):
            train_step(*batches[i % len(batches)])
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for i in range(steps):
            train_step(*batches[i % len(batches)])
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return after - before, peak - before


def print_memory(X, Y, steps=2_000):
    """Print how much memory scratchgrad's training loop (and numpy's) holds on to."""
    impl = trainers(init_params())
    batches = batches_of(X, Y, 64)
    lines = []
    for name in ("hand-written numpy", "scratchgrad"):
        grown, peak = memory_growth(impl[name][1], batches, steps)
        verdict = "flat" if grown < 4_000 else "GROWS"
        lines.append(f"{name} {grown:,} bytes ({verdict}; one step peaks at {peak / 1e3:.0f} kB)")
    print(f"Memory held after {steps:,} more training steps at batch 64 (tracemalloc): "
          + "; ".join(lines) + ".")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if any(os.environ.get(k) != v for k, v in SETTINGS.items()):
        # BLAS and malloc read these when the process starts: start again with them set.
        os.execve(sys.executable, [sys.executable, "-m", "demystify.bench", *argv],
                  {**os.environ, **SETTINGS})
    quick = "--quick" in argv
    repeats = 3 if quick else 7

    from importlib.metadata import version

    import torch

    from demystify.data import FEATURES, load_htru2, one_hot, pulsar_split

    split = pulsar_split()
    X, Y = split.X_train, one_hot(split.y_train)
    frame = load_htru2()
    X_full = split.scaler(frame[FEATURES].to_numpy(dtype=float))
    Y_full = one_hot(frame["label"].to_numpy())

    print(f"# How fast is scratchgrad?  ({time.strftime('%Y-%m-%d %H:%M')})\n")
    print(f"Python {platform.python_version()}, numpy {onp.__version__}, "
          f"autograd {version('autograd')}, torch {torch.__version__}; "
          f"{processor()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} at the start; "
          f"BLAS and torch on one thread, malloc thresholds fixed; CPU time per call, "
          f"fastest of {repeats} repeats.\n")
    check_agreement(X, Y)
    print(compare(X, Y, repeats))
    print()
    print_scaling(X, Y, X_full, Y_full, repeats)
    print()
    print_memory(X, Y)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end.")


def print_scaling(X, Y, X_full, Y_full, repeats):
    """Print the two scaling tables for scratchgrad."""
    import scratchgrad
    import scratchgrad.numpy as snp

    def step_times(params, batches):
        impl = {}
        for name, gradient in [("numpy", numpy_gradient),
                               ("scratchgrad", scratchgrad.grad(make_loss(snp)))]:
            own = [p.copy() for p in params]

            def step(X, Y, gradient=gradient, own=own):
                own[:] = [p - LEARNING_RATE * g for p, g in zip(own, gradient(own, X, Y), strict=True)]
            impl[name] = (step, lambda a: a)
        return cpu_seconds_per_call(impl, batches, repeats)

    print("| rows per batch (all of HTRU2, standardised) | hand-written numpy step | "
          "scratchgrad step | ratio |\n|---|---|---|---|")
    for size in (64, 256, 1024, 4096, len(X_full)):
        t = step_times(init_params(), batches_of(X_full, Y_full, size, limit=8))
        print(f"| {size:,} | {show_time(t['numpy'])} | {show_time(t['scratchgrad'])} | "
              f"{t['scratchgrad'] / t['numpy']:.2f}× |")
    print(f"\n| network (full batch, {len(X):,} rows) | hand-written numpy step | "
          f"scratchgrad step | ratio |\n|---|---|---|---|")
    for width in (25, 50, 100, 200, 400):
        sizes = (8, width, 10, 2)
        t = step_times(init_params(sizes), batches_of(X, Y, len(X)))
        print(f"| {'-'.join(map(str, sizes))} | {show_time(t['numpy'])} | "
              f"{show_time(t['scratchgrad'])} | {t['scratchgrad'] / t['numpy']:.2f}× |")


def check_agreement(X, Y):
    """Before timing: every implementation's gradient agrees with hand-written numpy."""
    import torch
    params = init_params()
    reference = numpy_gradient(params, X, Y)
    worst = 0.0
    for gradient, _, convert in trainers(params).values():
        grads = gradient(convert(X), convert(Y))
        for g, r in zip(grads, reference, strict=True):
            g = g.detach().numpy() if isinstance(g, torch.Tensor) else g
            worst = max(worst, float(onp.max(onp.abs(g - r))))
    if worst > 1e-10:
        raise SystemExit(f"The implementations disagree (largest difference {worst:.2g}): "
                         f"not timing wrong gradients.")
    print(f"All four gradients agree with hand-written numpy (largest difference {worst:.1g}).\n")


if __name__ == "__main__":
    main()
