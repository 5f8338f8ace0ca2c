"""Execute course notebooks in place, the way CI checks them (tool for the course's authors).

    python -m demystify.notebooks notebooks/02-concepts.ipynb solutions/03-concepts-exercises.ipynb
    python -m demystify.notebooks --all      # every lesson and solution notebook

Each notebook runs top to bottom in a fresh kernel of *this* Python (the same
kernel nbval uses with ``--nbval-current-env``), with its own folder as the
working directory and numpy's BLAS on one thread (``course.SINGLE_THREAD``), and is
saved with its outputs.  Exercise notebooks (those with a twin in ``solutions/``) are
never executed: they are generated, with cleared outputs, by ``python -m demystify.exercises``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from demystify.course import command, is_exercise, lessons_and_solutions, solution_of, use_single_thread
from demystify.slides import RISE

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def stamp(notebook) -> None:
    """Give a notebook the metadata every course notebook carries (kernel, RISE settings)."""
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    notebook.metadata["rise"] = dict(RISE)
    notebook.metadata.pop("jupytext", None)  # left by authoring tools


def execute(path: Path, timeout: int = 300) -> float:
    """Run ``path`` top to bottom in a fresh kernel and save it with outputs; return seconds."""
    if is_exercise(path):
        raise SystemExit(f"{path} is an exercise notebook: edit and run {solution_of(path)}, "
                         f"then `{command('exercises')}`.")
    use_single_thread()   # the kernel inherits it, as under pytest
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME,
                            kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(notebook, km=manager, timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    stamp(notebook)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demystify.notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every lesson and solution notebook")
    args = parser.parse_args(argv)
    paths = lessons_and_solutions() if args.all else args.paths
    if not paths:
        parser.error("name the notebooks to run, or pass --all")
    for path in paths:
        seconds = execute(path)
        print(f"{seconds:6.1f} s  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
