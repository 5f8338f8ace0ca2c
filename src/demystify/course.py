"""The course's layout, written once: where the notebooks are, which are exercises, how they run.

- ``notebooks/NN-topic.ipynb`` are the notebooks attendees open: lessons, and exercises;
- ``solutions/NN-topic.ipynb`` is the solved twin of an exercise, the single source of both
  (the exercise is generated from it, see :mod:`demystify.exercises`);
- every notebook runs with numpy's BLAS on one thread (:data:`SINGLE_THREAD`).

The test set-up (``conftest.py``), the notebook runner (:mod:`demystify.notebooks`), the
exercise generator, the slide builder and the tests all ask this module::

    from demystify.course import ROOT, is_exercise, lessons_and_solutions, solution_of
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import MutableMapping

ROOT = Path(__file__).resolve().parents[2]   # the repository: src/demystify/course.py
LESSONS = "notebooks"      # the folder attendees open: lessons and exercises
SOLUTIONS = "solutions"    # the solved twin of each exercise

# numpy's BLAS on one thread, as torch is (``torch.set_num_threads(1)`` in the notebooks). The
# course's matrices are small, and two BLAS threads on a busy 2-core machine make a notebook
# several times slower (measured: 8 s instead of 30 s for notebook 16 under load).
SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def use_single_thread(environ: MutableMapping[str, str] = os.environ) -> None:
    """Put :data:`SINGLE_THREAD` into ``environ`` (a value already set there wins).

    Call it before numpy is imported, or before starting a kernel: a process reads these
    variables when it starts, and a notebook kernel inherits them from its parent.
    """
    for variable, value in SINGLE_THREAD.items():
        environ.setdefault(variable, value)


# --- exercise twins ---------------------------------------------------------------

def solution_of(exercise: Path) -> Path:
    """``notebooks/06-x.ipynb`` -> ``solutions/06-x.ipynb`` (which may not exist)."""
    return exercise.parent.parent / SOLUTIONS / exercise.name


def exercise_of(solution: Path) -> Path:
    """``solutions/06-x.ipynb`` -> ``notebooks/06-x.ipynb``, the exercise generated from it."""
    return solution.parent.parent / LESSONS / solution.name


def is_solution(path: Path) -> bool:
    return path.parent.name == SOLUTIONS


def is_exercise(path: Path) -> bool:
    """A notebook in notebooks/ with a twin in solutions/: generated, committed cleared."""
    return path.parent.name == LESSONS and solution_of(path).exists()


# --- the notebooks of the course, in course order ------------------------------------

def solutions(root: Path = ROOT) -> list[Path]:
    return sorted((root / SOLUTIONS).glob("*.ipynb"))


def exercises(root: Path = ROOT) -> list[Path]:
    return [exercise_of(solution) for solution in solutions(root)]


def lessons(root: Path = ROOT) -> list[Path]:
    """The notebooks in notebooks/ that are not exercises (committed with their outputs)."""
    return [path for path in sorted((root / LESSONS).glob("*.ipynb")) if not is_exercise(path)]


def lessons_and_solutions(root: Path = ROOT) -> list[Path]:
    """Every notebook that is committed executed: lessons first, then solutions."""
    return lessons(root) + solutions(root)


def all_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook: notebooks/ (lessons and exercises), then solutions/."""
    return sorted((root / LESSONS).glob("*.ipynb")) + solutions(root)


# --- how an attendee runs the course's commands on this machine ------------------------

def in_conda() -> bool:
    """Whether this Python is a conda environment's (the README's conda route)."""
    return bool(os.environ.get("CONDA_DEFAULT_ENV")) and (Path(sys.prefix) / "conda-meta").exists()


def command(name: str) -> str:
    """How to run ``course.py <name>`` here, for a message: 'python3 course.py data', on
    Windows 'py course.py data', in a conda environment 'python course.py data --current-env'."""
    if in_conda():
        return f"python course.py {name} --current-env"
    return f"{'py' if sys.platform == 'win32' else 'python3'} course.py {name}"


def with_variable(variable: str, value: str, name: str) -> str:
    """``command(name)`` with an environment variable set for it, in this system's shell:
    'HTRU2_URL=/path/to/htru2.zip python3 course.py data', or PowerShell's two statements."""
    if sys.platform == "win32":
        return f'$env:{variable} = "{value}"; {command(name)}'
    return f"{variable}={value} {command(name)}"


# --- files generated from notebooks (exercises, lesson modules) ---------------------------

def shown(path: Path) -> str:
    """A path inside the repository relative to it, for messages."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def sync(generated: dict[Path, str], check: bool, what: str, fix: str) -> int:
    """Write each generated file whose text differs from the one on disk; the exit status.

    With ``check``, write nothing and fail if any is out of date (the tests' way).
    ``what`` names them in the all-clear ("exercise notebooks"), ``fix`` is the command to run.
    """
    stale = [path for path, text in generated.items()
             if not path.exists() or path.read_text(encoding="utf-8", errors="replace") != text]
    if check and stale:
        print(f"✗ out of date (run `{fix}`): " + ", ".join(shown(path) for path in stale), file=sys.stderr)
        return 1
    if not check:
        for path in stale:
            path.write_text(generated[path], encoding="utf-8")
            print(f"wrote {shown(path)}")
    if not stale:
        print(f"✓ {len(generated)} {what} are up to date")
    return 0
