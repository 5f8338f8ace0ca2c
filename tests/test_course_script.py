"""course.py: the same two commands set up and test the course on Windows, macOS and Linux.

The steps for another system are checked through the plan the script would run (what
``--dry-run --platform win32`` prints); the actions that do not need a network (clean, the
JupyterLab settings, the install stamp, carrying on past a failed lint) are run for real in a
temporary folder.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import course  # course.py, at the top of the course folder (beside conftest.py)

ROOT = Path(__file__).resolve().parents[1]

SHELL = re.compile(r"[|&;<>`$]")  # what only a shell would understand


def a_course_folder(tmp_path: Path) -> Path:
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def plan(system: str, *commands: str, root: Path = ROOT, **options) -> list[course.Step]:
    options.setdefault("environ", {})
    return course.Course(root=root, system=system, **options).plan(list(commands))


def commands(steps: list[course.Step]) -> list[list[str]]:
    return [step.argv for step in steps if step.argv]


def fresh(tmp_path: Path) -> Path:
    """A course folder with no .venv yet (so the plan shows every install step)."""
    return a_course_folder(tmp_path)


# --- one code path, each system's paths --------------------------------------------------

@pytest.mark.parametrize("system, python", [("linux", ".venv/bin/python"),
                                            ("darwin", ".venv/bin/python"),
                                            ("win32", r".venv\Scripts\python.exe")])
def test_every_command_runs_the_environments_python_without_a_shell(tmp_path, system, python):
    steps = plan(system, *course.COMMANDS, root=fresh(tmp_path))
    argvs = commands(steps)
    assert argvs[0] == [sys.executable, "-m", "venv", ".venv"]  # made by the Python that runs us
    assert all(argv[0] == python for argv in argvs[1:]), argvs
    assert not any(SHELL.search(word) for argv in argvs for word in argv[1:])


def test_windows_commands_print_as_windows_types_them(tmp_path):
    text = [step.text for step in plan("win32", "install", "lab", root=fresh(tmp_path))]
    assert r".venv\Scripts\python.exe -m pip install -r requirements.txt" in text
    assert r".venv\Scripts\python.exe -m jupyterlab notebooks\00-setup-check.ipynb" in text
    assert any(line.startswith(r"write .venv\share\jupyter\lab\settings\overrides.json") for line in text)


def test_linux_takes_torch_alone_from_the_cpu_index_and_everything_else_from_pypi(tmp_path):
    argvs = commands(plan("linux", "install", root=fresh(tmp_path)))
    with_index = [argv for argv in argvs if "--index-url" in argv or "--extra-index-url" in argv]
    pin = course.Course(root=ROOT).pins()["torch"]
    assert with_index == [[".venv/bin/python", "-m", "pip", "install", "--no-deps",
                           "--index-url", course.CPU_INDEX, f"torch=={pin}"]]
    assert argvs.index(with_index[0]) < argvs.index(
        [".venv/bin/python", "-m", "pip", "install", "-r", "requirements.txt"])


@pytest.mark.parametrize("system, environ", [("darwin", {}), ("win32", {}),
                                             ("linux", {"TORCH_INDEX": ""})])
def test_pypi_alone_on_macos_and_windows_and_wherever_torch_index_is_empty(tmp_path, system, environ):
    argvs = commands(plan(system, "install", root=fresh(tmp_path), environ=environ))
    assert not any("--index-url" in argv or "--extra-index-url" in argv for argv in argvs)
    assert [".venv/bin/python" if system != "win32" else r".venv\Scripts\python.exe",
            "-m", "pip", "install", "-r", "requirements.txt"] in argvs


def test_another_torch_index_is_asked_for_torch_alone(tmp_path):
    argvs = commands(plan("linux", "install", root=fresh(tmp_path),
                          environ={"TORCH_INDEX": "file:///media/usb/wheels"}))
    assert sum("--index-url" in argv for argv in argvs) == 1
    assert any(argv[-3:-1] == ["--index-url", "file:///media/usb/wheels"] for argv in argvs)


def test_set_up_no_longer_registers_a_jupyter_kernel_for_the_user(tmp_path):
    argvs = commands(plan("linux", "lab", root=fresh(tmp_path)))
    assert not any("ipykernel" in argv for argv in argvs)


# --- what each command does, in what order ---------------------------------------------

def test_lab_installs_fetches_the_data_then_opens_notebook_00_from_the_course_python(tmp_path):
    argvs = commands(plan("linux", "lab", root=fresh(tmp_path), as_root=False))
    assert argvs[-3] == [".venv/bin/python", "-m", "demystify.data"]
    assert argvs[-1] == [".venv/bin/python", "-m", "jupyterlab", "notebooks/00-setup-check.ipynb"]


def test_lab_trusts_the_committed_notebooks_so_their_saved_drawings_show(tmp_path):
    root = fresh(tmp_path)
    for name in ("notebooks/00-a.ipynb", "notebooks/01-b.ipynb", "solutions/01-b.ipynb"):
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text("{}")
    trust = plan("linux", "lab", root=root)[-2]
    assert trust.argv == [".venv/bin/python", "-m", "jupyter", "trust", "notebooks/00-a.ipynb",
                          "notebooks/01-b.ipynb", "solutions/01-b.ipynb"]
    assert trust.quiet and "trust" in trust.text
    as_root = commands(plan("linux", "lab", root=fresh(tmp_path), as_root=True))[-1]
    assert as_root[-1] == "--allow-root"


def test_check_runs_the_unit_tests_without_notebooks_or_browser_and_test_runs_everything():
    check = plan("linux", "check")[-2:]
    test = plan("linux", "test")[-2:]
    lint = [".venv/bin/python", "-m", "ruff", "check", "src", "tests", "conftest.py", "course.py"]
    assert [step.argv for step in check] == [lint, [".venv/bin/python", "-m", "pytest", "tests",
                                                    "-m", "not browser and not notebooks"]]
    assert [step.argv for step in test] == [lint, [".venv/bin/python", "-m", "pytest"]]
    assert check[0].keep_going and test[0].keep_going and not test[1].keep_going


def test_arguments_after_a_double_dash_go_to_pytest():
    steps = course.Course(root=ROOT, environ={}).plan(["test"], ["-x", "tests/test_course.py"])
    assert steps[-1].argv[-3:] == ["pytest", "-x", "tests/test_course.py"]


def test_each_command_comes_once_after_what_it_needs():
    steps = plan("linux", "test", "check", "lab")
    data = [step for step in steps if step.argv and step.argv[-1] == "demystify.data"]
    assert len(data) == 1 and steps.index(data[0]) < steps.index(
        next(step for step in steps if step.argv and "pytest" in step.argv))


def test_the_bench_runs_the_course_benchmark_after_fetching_the_data():
    steps = commands(plan("linux", "bench"))
    assert steps[-1][-2:] == ["-m", "demystify.bench"]
    assert any(step[-1] == "demystify.data" for step in steps[:-1])


def test_current_env_installs_into_the_running_python_without_making_a_venv():
    steps = course.Course(root=ROOT, system="linux", current_env=True, environ={},
                          base_python="/srv/conda/envs/notebook/bin/python").plan(["data"])
    argvs = commands(steps)
    assert all(argv[0] == "/srv/conda/envs/notebook/bin/python" for argv in argvs)
    assert not any("venv" in argv for argv in argvs)
    assert ["/srv/conda/envs/notebook/bin/python", "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "-e", "."] in argvs


# --- run for real, in a temporary folder ---------------------------------------------------

def test_install_is_skipped_once_done_and_redone_when_the_requirements_change(tmp_path):
    root = a_course_folder(tmp_path)
    (root / ".venv").mkdir()
    setup = course.Course(root=root, system="linux", environ={})
    assert len(commands(setup.install([]))) > 3
    setup.write_stamp()
    assert commands(setup.install([])) == []
    with open(root / "requirements.txt", "a") as requirements:
        requirements.write("tabulate==0.9.0\n")
    assert len(commands(setup.install([]))) > 3


def test_torch_index_is_needed_only_for_the_install_itself(tmp_path):
    root = a_course_folder(tmp_path)
    (root / ".venv").mkdir()
    course.Course(root=root, system="linux", environ={"TORCH_INDEX": ""}).write_stamp()
    assert commands(course.Course(root=root, system="linux", environ={}).install([])) == []


def test_lab_settings_silence_the_news_and_update_checks_and_keep_other_overrides(tmp_path):
    setup = course.Course(root=tmp_path, system="linux", environ={})
    settings = setup.lab_settings()
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                                    "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True}}))
    setup.write_lab_settings()
    written = json.loads(settings.read_text())
    assert settings == tmp_path / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert written["@jupyterlab/apputils-extension:notification"] == {
        "doNotDisturbMode": True, "checkForUpdates": False, "fetchNews": "false"}
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}


def test_the_quiet_settings_are_ones_this_jupyterlab_knows():
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    for plugin, values in course.QUIET_LAB.items():
        package, name = plugin.split(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        for key, value in values.items():
            allowed = schema["properties"][key]
            if "oneOf" in allowed:
                assert value in [option["const"] for option in allowed["oneOf"]], key
            else:
                assert allowed["type"] == "boolean" and isinstance(value, bool), key


def test_clean_removes_the_environment_data_interrupted_downloads_and_decks_only(tmp_path):
    root = a_course_folder(tmp_path)
    doomed = [".venv/bin/python", "data/HTRU_2.csv", "data/.HTRU_2.csv.x1y2.part",
              "slides/01-introduction.slides.html", "slides/assets/reveal.js", "slides/node_modules/x"]
    kept = ["data/README.md", "slides/README.md", "slides/package.json", "notebooks/00-setup-check.ipynb"]
    for name in doomed + kept:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    setup = course.Course(root=root, system="linux", environ={})
    assert course.execute(setup, setup.plan(["clean"])) == 0
    assert [name for name in doomed if (root / name).exists()] == []
    assert [name for name in kept if not (root / name).exists()] == []
    assert not (root / ".venv").exists() and not (root / "slides" / "assets").exists()


def test_dry_run_prints_the_steps_and_changes_nothing(tmp_path, capsys):
    root = a_course_folder(tmp_path)
    (root / "data").mkdir()
    (root / "data" / "HTRU_2.csv").write_text("x")
    setup = course.Course(root=root, system="win32", environ={})
    assert course.execute(setup, setup.plan(["clean", "install"]), dry_run=True) == 0
    out = capsys.readouterr().out
    assert "# remove data/HTRU_2.csv" in out and r"> .venv\Scripts\python.exe -m pip" in out
    assert (root / "data" / "HTRU_2.csv").exists() and not (root / ".venv").exists()


def test_a_failed_lint_lets_the_tests_run_and_then_fails_the_run(tmp_path, capsys):
    ran = tmp_path / "tests-ran"
    steps = [course.Step("lint", argv=[sys.executable, "-c", "raise SystemExit(1)"],
                         keep_going=True, hint="ruff found problems"),
             course.Step("tests", argv=[sys.executable, "-c", f"open({str(ran)!r}, 'w')"])]
    assert course.execute(course.Course(root=tmp_path, environ={}), steps) == 1
    assert ran.exists()
    assert "ruff found problems" in capsys.readouterr().err


def test_a_failed_step_stops_the_command_with_its_hint(tmp_path, capsys):
    never = tmp_path / "never"
    steps = [course.Step("torch", argv=[sys.executable, "-c", "raise SystemExit(3)"],
                         hint="TORCH_INDEX= python3 course.py install"),
             course.Step("after", argv=[sys.executable, "-c", f"open({str(never)!r}, 'w')"])]
    assert course.execute(course.Course(root=tmp_path, environ={}), steps) == 3
    assert not never.exists() and "TORCH_INDEX=" in capsys.readouterr().err


def test_an_unknown_command_and_an_old_python_are_refused_with_what_to_do(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        course.main(["tset"])
    assert "course.py help" in capsys.readouterr().err
    monkeypatch.setattr(course, "MIN_PYTHON", (99, 0))
    assert course.main(["lab"]) == 1
    assert "needs Python 99.0 or newer" in capsys.readouterr().err


def test_the_script_uses_nothing_but_the_standard_library():
    source = (ROOT / "course.py").read_text(encoding="utf-8")
    imported = set(re.findall(r"^(?:import|from) (\w+)", source, re.MULTILINE)) - {"__future__"}
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


# --- the commands people read --------------------------------------------------------------

def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^(?:python3|py|python) course\.py [^\n`]*$", readme, re.MULTILINE)


def test_every_course_command_in_the_readme_exists():
    lines = readme_commands()
    assert {"python3 course.py lab", "python3 course.py test", "py course.py lab",
            "py course.py test"} <= set(lines)
    for line in lines:
        assert set(line.split()[2:]) - {"--current-env"} <= set(course.COMMANDS), line


def test_the_makefile_runs_course_py_for_every_command():
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"^COMMANDS := ((?:.*\\\n)*.*)$", makefile, re.MULTILINE).group(1)
    assert set(listed.replace("\\", " ").split()) == set(course.COMMANDS)
    assert "\t@$(PYTHON) course.py $@\n" in makefile


def test_ci_runs_the_readmes_test_command_on_linux_macos_and_windows():
    readme = set(readme_commands())
    ci_run = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "python3 course.py test" in readme and "python3 course.py test" in ci_run
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]["include"]
    assert {entry["os"].split("-")[0] for entry in matrix} == {"ubuntu", "macos", "windows"}
    assert all(entry["test"] in readme and entry["test"].endswith("course.py test") for entry in matrix)
    assert "${{ matrix.test }}" in [step.get("run") for step in workflow["jobs"]["test"]["steps"]]


def test_help_lists_every_command(capsys):
    assert course.main(["help"]) == 0
    out = capsys.readouterr().out
    assert all(re.search(rf"^  {name} ", out, re.MULTILINE) for name in course.COMMANDS)


def test_the_help_command_really_runs_in_a_fresh_python():
    done = subprocess.run([sys.executable, "-I", str(ROOT / "course.py"), "help"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0 and "python3 course.py COMMAND" in done.stdout


def test_present_writes_the_presenters_copies_trusts_them_and_opens_them(tmp_path):
    root = fresh(tmp_path)
    for name in ("notebooks/01-a.ipynb", "notebooks/02-b.ipynb", "solutions/02-b.ipynb"):
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text("{}")
    argvs = commands(plan("linux", "present", root=root, as_root=False))
    assert argvs[-3] == [".venv/bin/python", "-m", "demystify.slides", "--presenter"]
    assert argvs[-2][-2:] == ["presenter/01-a.ipynb", "presenter/02-b.ipynb"]   # lesson, solution
    assert argvs[-1] == [".venv/bin/python", "-m", "jupyterlab", "presenter/01-introduction.ipynb"]
