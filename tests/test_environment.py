"""The pip route (requirements.txt) and the conda route (environment.yml) install the same things."""
import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: pip vendors a TOML reader
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)$")
CORE = {"jupyterlab", "numpy", "pandas", "matplotlib", "autograd", "torch", "nbval", "pytest",
        "graphviz", "jupyterlab-rise", "tqdm"}


def requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            match = PIN.match(line)
            assert match, f"requirements.txt: {line!r} is not pinned with =="
            pins[match.group(1).lower()] = match.group(2)
    return pins


def conda_pip_section() -> tuple[dict[str, str], list[str]]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    pins = {m.group(1).lower(): m.group(2) for m in map(PIN.match, pip) if m}
    return pins, [entry for entry in pip if not PIN.match(entry)]


def test_requirements_and_environment_pin_the_same_packages_and_versions():
    conda, _ = conda_pip_section()
    assert conda == requirements()


def test_every_core_package_is_pinned():
    assert CORE <= set(requirements())


def test_torch_is_pinned_to_the_course_version():
    assert requirements()["torch"] == "2.13.0"


def test_conda_route_takes_the_cpu_only_torch_wheel_and_graphviz_dot():
    _, options = conda_pip_section()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in options
    dependencies = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    assert "graphviz" in [d.split()[0] for d in dependencies if isinstance(d, str)]


def declared() -> dict[str, str]:
    """{package: version range} from pyproject.toml: the dependencies and every optional group."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = [project["dependencies"], *project["optional-dependencies"].values()]
    ranges = {}
    for requirement in (entry for group in groups for entry in group):
        name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
        ranges[name.lower()] = spec
    return ranges


def test_pyproject_declares_every_pinned_package_and_each_pin_is_in_its_range():
    from packaging.specifiers import SpecifierSet

    ranges = declared()
    pins = requirements()
    assert set(pins) - {"setuptools"} == set(ranges)  # setuptools only builds the package
    for name, spec in ranges.items():
        assert pins[name] in SpecifierSet(spec), f"{name}=={pins[name]} is outside {spec!r}"


def test_the_package_itself_depends_on_what_its_modules_import():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {re.match(r"[A-Za-z0-9_.\-]+", entry).group().lower() for entry in project["dependencies"]}
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "src").rglob("*.py"))
    imported = set(re.findall(r"^\s*(?:import|from) (\w+)", source, re.MULTILINE))
    for package in ("numpy", "pandas", "matplotlib", "graphviz", "tqdm", "autograd", "torch"):
        assert package in imported and package in runtime, package


def test_lint_is_pinned_in_both_routes():
    conda, _ = conda_pip_section()
    assert requirements()["ruff"] == conda["ruff"]
