#!/usr/bin/env python3
"""Set up, open and test the course with the same commands on Windows, macOS and Linux.

    python3 course.py lab      set everything up (the first time), then open the course
    python3 course.py test     every test and every notebook, as CI runs them
    python3 course.py check    the unit tests alone, in under a minute
    python3 course.py help     every command

On Windows type ``py`` instead of ``python3``; where ``make`` exists, ``make lab`` and
``make test`` run this script too.  In a conda environment made from environment.yml (or on
Binder), add ``--current-env`` to use that environment instead of making ``.venv``.

Only Python's standard library is used: this script runs before anything is installed.
Every command runs without a shell, so the code path is the same on every system; what differs
is where a virtual environment keeps its Python (``.venv/bin`` or ``.venv\\Scripts``) and where
torch comes from.  ``--dry-run`` prints the commands instead of running them, and
``--platform`` shows them for another system.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

ROOT = Path(__file__).resolve().parent
MIN_PYTHON = (3, 10)
VENV = ".venv"
STAMP = "installed.json"  # in .venv: what the environment was installed from
FIRST_NOTEBOOK = "notebooks/00-setup-check.ipynb"
# On Linux, PyPI's torch is the multi-GB CUDA build; this index has the small CPU-only wheel.
# On macOS and Windows PyPI's torch is already CPU-only.  TORCH_INDEX= (empty) means PyPI only.
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# JupyterLab for a room of attendees: no pop-up asking about Jupyter news, no update checks.
QUIET_LAB = {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False,
                                                              "fetchNews": "false"}}

# command: (what it does, the commands it needs done first)
COMMANDS = {
    "help": ("list the commands", ()),
    "install": ("make .venv with the pinned packages and the course package (once)", ()),
    "data": ("fetch the HTRU2 data (from UCI, or from HTRU2_URL) and verify it", ("install",)),
    "lab": ("set everything up, then open the course in JupyterLab", ("data",)),
    "setup-check": ("print what is installed and working, and what to fix", ("install",)),
    "lint": ("check the code with ruff", ("install",)),
    "check": ("lint, then the unit tests: no notebooks, no browser (under a minute)", ("data",)),
    "test": ("lint, then every test and every notebook (the command CI runs)", ("data",)),
    "exercises": ("regenerate the exercise notebooks from solutions/", ("install",)),
    "notebooks": ("re-run every lesson and solution notebook in place, then the exercises",
                  ("data",)),
    "slides": ("build offline reveal.js decks of the notebooks in slides/ (npm once)", ("install",)),
    "present": ("open the lessons and solutions to present live with RISE, notes shown", ("data",)),
    "bench": ("time scratchgrad against numpy, autograd and PyTorch (about 15 s)", ("data",)),
    "binder": ("print the Binder link of this clone's GitHub repository (for instructors)", ()),
    "clean": ("remove the environment, the data, interrupted downloads, built slides and the presenter's copies", ()),
}


@dataclass
class Step:
    """One thing a command does: run a program (``argv``) or an action of this script."""
    text: str
    argv: list[str] | None = None
    action: Callable[[], None] | None = None
    keep_going: bool = False  # if it fails, carry on and fail at the end
    hint: str = ""  # printed if it fails: what to do about it
    quiet: bool = False  # the program's own output is not shown (its errors are)


class Course:
    """The steps of each command, for one system.

    ``system`` is a ``sys.platform`` value; ``current_env`` uses the Python running this script
    (a conda or Binder environment) instead of ``.venv``.
    """

    def __init__(self, root: Path = ROOT, system: str = sys.platform, current_env: bool = False,
                 environ: dict[str, str] | None = None, base_python: str = sys.executable,
                 as_root: bool | None = None) -> None:
        self.root = root
        self.windows = system.startswith("win")
        self.system = system
        self.path = PureWindowsPath if self.windows else PurePosixPath
        self.environ = dict(os.environ if environ is None else environ)
        self.current_env = current_env
        self.base_python = base_python
        self.as_root = (hasattr(os, "geteuid") and os.geteuid() == 0) if as_root is None else as_root
        if current_env:
            self.python, self.prefix = base_python, Path(sys.prefix)
        else:
            bin_dir = self.path(VENV, "Scripts" if self.windows else "bin")
            self.python = str(bin_dir / ("python.exe" if self.windows else "python"))
            self.prefix = root / VENV

    # --- what to run ------------------------------------------------------------------

    def plan(self, commands: list[str], extra: list[str] = ()) -> list[Step]:
        """Every step of these commands, each command after those it needs, none twice."""
        done: list[str] = []

        def visit(name: str) -> None:
            for first in COMMANDS[name][1]:
                visit(first)
            if name not in done:
                done.append(name)

        for name in commands:
            visit(name)
        steps: list[Step] = []
        for name in done:
            steps += getattr(self, name.replace("-", "_"))(list(extra))
        return steps

    def run_python(self, *arguments: str, **options) -> Step:
        argv = [self.python, *arguments]
        return Step(self.show(argv), argv=argv, **options)

    def show(self, argv: list[str]) -> str:
        """A command line as this system's shell would show it."""
        return subprocess.list2cmdline(argv) if self.windows else shlex.join(argv)

    def shown(self, path: Path) -> str:
        """A path inside the course folder relative to it, in this system's spelling."""
        try:
            return str(self.path(*path.relative_to(self.root).parts))
        except ValueError:
            return str(path)

    # --- the commands -------------------------------------------------------------------

    def help(self, extra) -> list[Step]:
        return [Step("", action=self.print_help)]

    def install(self, extra) -> list[Step]:
        if not self.current_env and self.installed() == self.recipe():
            return [Step(f"{VENV} is up to date")]
        pip = ["-m", "pip", "install"]
        steps = []
        if not self.current_env:
            create = [self.base_python, "-m", "venv", VENV]
            steps += [Step(self.show(create), argv=create,
                           hint="Python could not make a virtual environment. On Debian and Ubuntu "
                                "its venv module is a package of its own: sudo apt-get install "
                                "python3-venv, then run this again."),
                      self.run_python(*pip, "--quiet", "--upgrade", "pip")]
        index = self.torch_index()
        if index:
            steps.append(self.run_python(
                *pip, "--no-deps", "--index-url", index, f"torch=={self.pins()['torch']}",
                hint=f"torch could not be installed from {index}. To take it from PyPI instead "
                     "(on Linux a download of several GB), run the same command with TORCH_INDEX "
                     "set to nothing:  TORCH_INDEX= python3 course.py install"))
        steps += [self.run_python(*pip, "-r", "requirements.txt"),
                  self.run_python(*pip, "--quiet", "--no-deps", "--no-build-isolation", "-e", "."),
                  Step(f"write {self.shown(self.lab_settings())} (JupyterLab without the news "
                       "pop-up and update checks)", action=self.write_lab_settings)]
        if not self.current_env:
            steps.append(Step(f"write {self.shown(self.prefix / STAMP)}", action=self.write_stamp))
        return steps

    def data(self, extra) -> list[Step]:
        return [self.run_python("-m", "demystify.data")]

    def lab(self, extra) -> list[Step]:
        root_flag = ["--allow-root"] if self.as_root and not self.windows else []
        # JupyterLab shows the drawings (SVG) that a notebook was saved with only in a notebook
        # it trusts; a notebook you run yourself is trusted from then on.
        notebooks = [self.shown(path) for folder in ("notebooks", "solutions")
                     for path in sorted((self.root / folder).glob("*.ipynb"))]
        trust = self.run_python("-m", "jupyter", "trust", *notebooks, quiet=True)
        trust.text = "jupyter trust notebooks and solutions (their saved drawings show before they run)"
        return [trust, self.run_python("-m", "jupyterlab", str(self.path(FIRST_NOTEBOOK)), *root_flag, *extra)]

    def setup_check(self, extra) -> list[Step]:
        return [self.run_python("-m", "demystify.setup_check")]

    def lint(self, extra, keep_going: bool = False) -> list[Step]:
        then = "The tests run all the same; the command fails at the end. " if keep_going else ""
        return [self.run_python("-m", "ruff", "check", "src", "tests", "conftest.py", "course.py", keep_going=keep_going,
                                hint=f"ruff found the problems listed above. {then}"
                                     "`ruff check --fix src tests conftest.py course.py` (in .venv) mends the simple ones.")]

    def check(self, extra) -> list[Step]:
        return self.lint(extra, keep_going=True) + [
            self.run_python("-m", "pytest", "tests", "-m", "not browser and not notebooks", *extra)]

    def test(self, extra) -> list[Step]:
        return self.lint(extra, keep_going=True) + [self.run_python("-m", "pytest", *extra)]

    def exercises(self, extra) -> list[Step]:
        # the modules made from lessons' cells (notebook 11's graph), then the exercises
        return [self.run_python("-m", "demystify.lesson_code"), self.run_python("-m", "demystify.exercises")]

    def notebooks(self, extra) -> list[Step]:
        return [self.run_python("-m", "demystify.notebooks", "--all"), *self.exercises(extra)]

    def present(self, extra) -> list[Step]:
        # copies whose instructor notes are expanded, for RISE's speaker view (attendees' copies
        # keep them collapsed), trusted so their saved drawings show, opened in JupyterLab
        root_flag = ["--allow-root"] if self.as_root and not self.windows else []
        copies = [self.run_python("-m", "demystify.slides", "--presenter")]
        notebooks = [str(self.path("presenter", path.name)) for folder in ("notebooks", "solutions")
                     for path in sorted((self.root / folder).glob("*.ipynb"))
                     if folder == "solutions" or not (self.root / "solutions" / path.name).exists()]
        trust = self.run_python("-m", "jupyter", "trust", *notebooks, quiet=True)
        trust.text = "jupyter trust presenter/*.ipynb (their saved drawings show before they run)"
        first = str(self.path("presenter", "01-introduction.ipynb"))
        return [*copies, trust, self.run_python("-m", "jupyterlab", first, *root_flag, *extra)]

    def slides(self, extra) -> list[Step]:
        return [self.run_python("-m", "demystify.slides")]

    def bench(self, extra) -> list[Step]:
        return [self.run_python("-m", "demystify.bench")]

    def binder(self, extra) -> list[Step]:
        return [Step("git remote get-url origin, as a Binder link", action=self.print_binder_link)]

    def clean(self, extra) -> list[Step]:
        doomed = [VENV, "data/HTRU_2.csv", "data/.HTRU_2.csv.*.part", "slides/*.html",
                  "slides/assets", "slides/node_modules", "presenter"]
        found = sorted({path for pattern in doomed for path in self.root.glob(pattern)})
        return [Step(f"remove {path.relative_to(self.root).as_posix()}", action=lambda p=path: remove(p))
                for path in found] or [Step("nothing to remove")]

    # --- installing ---------------------------------------------------------------------

    def torch_index(self) -> str:
        """Where torch comes from: '' for PyPI (with everything else)."""
        if "TORCH_INDEX" in self.environ:
            return self.environ["TORCH_INDEX"].strip()
        return CPU_INDEX if self.system.startswith("linux") else ""

    def pins(self) -> dict[str, str]:
        """{package: version} from requirements.txt."""
        text = (self.root / "requirements.txt").read_text(encoding="utf-8")
        return {m.group(1).lower(): m.group(2)
                for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE)}

    def recipe(self) -> dict[str, str]:
        """What an installed .venv is made from; if any of it changes, install again.

        (Not where torch came from: TORCH_INDEX is only needed the time it installs.)"""
        digest = hashlib.sha256(json.dumps(QUIET_LAB).encode())
        for name in ("requirements.txt", "pyproject.toml"):
            digest.update((self.root / name).read_bytes())
        return {"inputs": digest.hexdigest()}

    def installed(self) -> dict[str, str] | None:
        try:
            return json.loads((self.prefix / STAMP).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_stamp(self) -> None:
        (self.prefix / STAMP).write_text(json.dumps(self.recipe()), encoding="utf-8")

    def lab_settings(self) -> Path:
        return self.prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"

    def write_lab_settings(self) -> None:
        """Merge QUIET_LAB into the environment's JupyterLab overrides (keeping any others)."""
        path = self.lab_settings()
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            settings = {}
        for plugin, values in QUIET_LAB.items():
            settings.setdefault(plugin, {}).update(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")

    # --- small actions ------------------------------------------------------------------

    def print_help(self) -> None:
        me = "py course.py" if self.windows else "python3 course.py"
        print(f"Demystifying Neural Networks: {me} COMMAND  (or make COMMAND)\n")
        for name, (what, _) in COMMANDS.items():
            print(f"  {name:<12} {what}")
        print("\nOptions: --dry-run (print the commands), --current-env (use this Python's "
              "environment, e.g. conda, instead of .venv).\nAfter `--`, arguments go to pytest "
              "(check, test) or JupyterLab (lab).")

    def print_binder_link(self) -> None:
        remote = subprocess.run(["git", "remote", "get-url", "origin"], cwd=self.root,
                                capture_output=True, text=True, check=False)
        print(binder_link(remote.stdout.strip()))


def binder_link(remote: str) -> str:
    """The mybinder.org link that opens notebook 00 of the GitHub repository at ``remote``."""
    match = re.match(r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                     r"([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", remote)
    if not match:
        raise CourseError(
            f"Binder builds GitHub repositories, and this clone's origin is {remote or 'not set'}. "
            "Push the course to GitHub, then run this in a clone of it "
            "(or set it: git remote add origin https://github.com/<you>/<repository>).")
    owner, name = match.groups()
    return f"https://mybinder.org/v2/gh/{owner}/{name}/HEAD?urlpath=lab/tree/{FIRST_NOTEBOOK}"


class CourseError(Exception):
    """A problem this script can explain: the message says what to do."""


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def run(step: Step, root: Path, environ: dict[str, str]) -> int:
    """Run one step in the course folder; Ctrl+C goes to the program, which decides (JupyterLab
    asks before it stops), and this script waits for it."""
    if step.action:
        step.action()
        return 0
    if not step.argv:
        return 0
    program = step.argv[0]
    if not Path(program).is_absolute() and program.startswith(VENV):
        program = str(root / program)  # relative to the course folder, on every system
    output = subprocess.DEVNULL if step.quiet else None
    process = subprocess.Popen([program, *step.argv[1:]], cwd=root, env=environ, stdout=output)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def execute(course: Course, steps: list[Step], dry_run: bool = False) -> int:
    """Run the steps in order; stop at the first failure, except at those marked keep_going."""
    environ = {**course.environ, "PYTHONUTF8": "1"}  # the tests read UTF-8 files on Windows too
    failed: list[Step] = []
    for step in steps:
        if step.text:
            print(("> " if step.argv else "# ") + step.text, flush=True)
        if dry_run and step.text:
            continue
        try:
            code = run(step, course.root, environ)
        except CourseError as error:
            print(error, file=sys.stderr)
            return 1
        except FileNotFoundError as error:
            print(f"{error.filename or step.argv[0]} was not found.", file=sys.stderr)
            code = 127
        if code:
            if step.hint:
                print(f"\n{step.hint}", file=sys.stderr)
            if not step.keep_going:
                return code
            failed.append(step)
    for step in failed:
        print(f"\nFAILED: {step.text}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    extra = arguments[arguments.index("--") + 1:] if "--" in arguments else []
    arguments = arguments[:arguments.index("--")] if "--" in arguments else arguments
    parser = argparse.ArgumentParser(prog="course.py", description=__doc__.splitlines()[0])
    parser.add_argument("commands", nargs="*", metavar="COMMAND", help="see `help`")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--platform", default=sys.platform,
                        help="with --dry-run: the commands for linux, darwin or win32")
    parser.add_argument("--current-env", action="store_true",
                        help="use this Python's environment (conda, Binder) instead of .venv")
    options = parser.parse_args(arguments)
    unknown = [name for name in options.commands if name not in COMMANDS]
    if unknown:
        parser.error(f"no command {unknown[0]!r}: `course.py help` lists them")
    if options.platform != sys.platform and not options.dry_run:
        parser.error("--platform only goes with --dry-run")
    if sys.version_info < MIN_PYTHON:
        print(f"The course needs Python {'.'.join(map(str, MIN_PYTHON))} or newer, and this is "
              f"{sys.version.split()[0]} ({sys.executable}). Install a newer Python from "
              "python.org (on Windows, then: py -3.11 course.py lab), or use conda.",
              file=sys.stderr)
        return 1
    course = Course(system=options.platform, current_env=options.current_env)
    return execute(course, course.plan(options.commands or ["help"], extra), options.dry_run)


if __name__ == "__main__":
    sys.exit(main())
