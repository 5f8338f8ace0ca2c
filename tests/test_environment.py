"""The pip route (requirements.txt) and the conda route (environment.yml) install the same things."""
import re
from pathlib import Path

import yaml

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
