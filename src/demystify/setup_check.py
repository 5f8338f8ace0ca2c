"""Is this machine ready for the course?  One table, and what to do about each red line.

    python3 course.py setup-check          # from a terminal (exit status 1 if anything is missing)

or run ``notebooks/00-setup-check.ipynb``.  Each row is ✓ (working), ⚠ (works,
but not as the course expects) or ✗ (the course will not work until fixed).
"""
from __future__ import annotations

import html
import os
import platform
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import course as layout
from .course import ROOT, command
OK, WARN, BAD = "✓", "⚠", "✗"

# distribution name on PyPI -> what it is for, in the words of an attendee
PACKAGES = {
    "numpy": "arrays", "pandas": "tables", "matplotlib": "plots", "autograd": "gradients (part 1)",
    "torch": "the PyTorch baseline", "graphviz": "graph drawings (Python side)",
    "tqdm": "progress bars", "jupyterlab": "JupyterLab", "jupyterlab-rise": "slides in JupyterLab",
    "ipykernel": "the notebook kernel", "nbval": "notebook tests", "pytest": "tests",
}


def course(name: str) -> str:
    """The course command that fixes a row, as code: `python3 course.py data` on this system."""
    return f"`{command(name)}`"


INSTALL = f"In a terminal, in the course folder: {course('install')}."


@dataclass
class Row:
    item: str
    status: str
    detail: str
    fix: str = ""


def pinned_versions(requirements: Path = ROOT / "requirements.txt") -> dict[str, str]:
    """{distribution: version} from the course's requirements.txt (empty if it is not there)."""
    if not requirements.exists():
        return {}
    pins = {}
    for line in requirements.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def _base(version: str) -> str:
    return version.split("+")[0]


def python_row() -> Row:
    version = platform.python_version()
    if sys.version_info >= (3, 10):
        return Row("Python", OK, version)
    return Row("Python", BAD, version,
               f"The course needs Python 3.10 or newer: install it, then {course('lab')}.")


def kernel_row() -> Row:
    """Is this kernel the course's Python?  JupyterLab started from the course's environment
    runs its notebooks (kernel "python3") in that environment's Python."""
    if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
        return Row("kernel", OK, "the course's .venv")
    if layout.in_conda():
        return Row("kernel", OK, f"conda environment '{os.environ['CONDA_DEFAULT_ENV']}'")
    return Row("kernel", WARN, f"{sys.executable} (not the course's .venv)",
               f"If a package below is missing, close JupyterLab and start it with {course('lab')}: "
               "its notebooks then run in the course's Python.")


def package_rows(pins: dict[str, str] | None = None) -> list[Row]:
    pins = pinned_versions() if pins is None else pins
    rows = []
    for name, purpose in PACKAGES.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows.append(Row(name, BAD, f"missing ({purpose})", INSTALL))
            continue
        wanted = pins.get(name)
        if wanted and _base(version) != _base(wanted):
            rows.append(Row(name, WARN, f"{version} (the course pins {wanted})",
                            f"It will probably work; if something breaks, run {course('install')}."))
        else:
            rows.append(Row(name, OK, version))
    return rows


def gradient_row() -> Row:
    """autograd and torch agree on d/dx sin(x) at x = 0.5 (= cos 0.5)."""
    try:
        import math

        import autograd.numpy as anp
        import torch
        from autograd import grad
        x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
        torch.sin(x).backward()
        agree = abs(grad(anp.sin)(0.5) - math.cos(0.5)) < 1e-12 and abs(x.grad.item() - math.cos(0.5)) < 1e-12
    except Exception as error:  # any failure to import or run is what this row reports
        return Row("gradients", BAD, f"autograd/torch failed: {error}", INSTALL)
    if agree:
        return Row("gradients", OK, "autograd and torch agree on d/dx sin(x)")
    return Row("gradients", BAD, "autograd and torch disagree", INSTALL)


def data_row() -> Row:
    from .data import DataError, N_PULSARS, N_ROWS, cache_path, read_cache, verify
    path = cache_path()
    shown = f"data/{path.name}" if path.parent == ROOT / "data" else str(path)
    if not path.exists():
        return Row("HTRU2 data", BAD, f"{shown} is missing",
                   f"Run {course('data')} (needs the internet once, or set HTRU2_URL to a copy "
                   "of htru2.zip).")
    try:
        verify(read_cache(path), shown)
    except DataError as error:
        return Row("HTRU2 data", BAD, str(error).splitlines()[0],
                   f"Run {course('data')} to fetch a fresh copy.")
    return Row("HTRU2 data", OK, f"{shown} verified: {N_ROWS:,} rows, {N_PULSARS:,} pulsars")


def dot_row() -> Row:
    from .drawing import dot_version
    version = dot_version()
    if version:
        return Row("graphviz dot", OK, version.replace("dot - ", ""))
    return Row("graphviz dot", WARN, "not installed: graphs are shown as text",
               "Linux: `sudo apt-get install graphviz`; macOS: `brew install graphviz`; "
               "Windows: `winget install graphviz`; conda: `conda install -c conda-forge graphviz`.")


def scratchgrad_row() -> Row:
    try:
        import scratchgrad  # noqa: F401
    except ImportError as error:
        return Row("scratchgrad", BAD, f"cannot import ({error})",
                   f"Run {course('install')} (it installs the course package in editable mode).")
    return Row("scratchgrad", OK, "the course's own autodiff imports")


def packages_summary(rows: list[Row]) -> list[Row]:
    """One row for the packages that are as pinned, and a row of its own for each that is not."""
    good = [row for row in rows if row.status == OK]
    versions = {row.item: _base(row.detail) for row in good}  # torch 2.13.0, with or without +cpu
    shown = ", ".join(f"{name} {versions[name]}" for name in ("numpy", "autograd", "torch")
                      if name in versions)
    summary = Row("packages", OK, f"{len(good)} of {len(rows)} as the course pins them ({shown}, ...)")
    return ([summary] if good else []) + [row for row in rows if row.status != OK]


def check() -> list[Row]:
    """Every row of the set-up check, in the order the table shows them."""
    return [python_row(), kernel_row(), *packages_summary(package_rows()), gradient_row(),
            scratchgrad_row(), data_row(), dot_row()]


class Report:
    """The rows as a table: HTML in a notebook, aligned text in a terminal."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    @property
    def ready(self) -> bool:
        return all(row.status != BAD for row in self.rows)

    def summary(self) -> str:
        bad = sum(row.status == BAD for row in self.rows)
        warn = sum(row.status == WARN for row in self.rows)
        if bad:
            return f"{bad} thing(s) to fix before the course (see the last column)."
        if warn:
            return f"Ready for the course, with {warn} warning(s) worth a look."
        return "Everything is in place: you are ready for the course."

    def __repr__(self) -> str:
        width = max(len(row.item) for row in self.rows)
        lines = []
        for row in self.rows:
            lines.append(f"{row.status} {row.item:<{width}}  {row.detail}")
            if row.fix:
                lines.append(f"  {'':<{width}}  → {row.fix}")
        return "\n".join(lines + ["", self.summary()])

    def _repr_html_(self) -> str:
        colour = {OK: "#2a7d2a", WARN: "#b07800", BAD: "#c0392b"}
        cells = "".join(
            f"<tr><td style='color:{colour[r.status]};font-weight:bold'>{r.status}</td>"
            f"<td>{html.escape(r.item)}</td><td>{html.escape(r.detail)}</td>"
            f"<td>{html.escape(r.fix)}</td></tr>" for r in self.rows)
        return ("<table><thead><tr><th></th><th>what</th><th>found</th><th>what to do</th></tr>"
                f"</thead><tbody>{cells}</tbody></table><p><b>{html.escape(self.summary())}</b></p>")


def report() -> Report:
    return Report(check())


def main() -> int:
    result = report()
    print(repr(result))
    return 0 if result.ready else 1


if __name__ == "__main__":
    sys.exit(main())
