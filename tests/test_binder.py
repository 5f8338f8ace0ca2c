"""The repository works on Binder: the fallback for attendees whose own set-up fails.

repo2docker builds the conda environment from environment.yml *before* it copies the
repository in, then runs ``postBuild``, which runs the conda route's command
(``python course.py install data --current-env``): it installs the course package in editable
mode and JupyterLab's quiet settings, and fetches and verifies the data.  The post-build step is
run here for real, in a copy of the repository and a throwaway environment, with the data taken
from a local copy and pip unable to reach any index.

There is no Binder badge with a placeholder repository in the README: the link depends on
where the course is hosted, so ``python3 course.py binder`` makes it from the clone's GitHub
remote, and the instructor's guide says how to share it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

import course  # course.py, at the top of the course folder (beside conftest.py)
from demystify import data

ROOT = Path(__file__).resolve().parents[1]
POSTBUILD = ROOT / "postBuild"


def local_htru2() -> str | None:
    """A copy of HTRU2 on this machine (the same places tests/test_data.py looks)."""
    for source in (os.environ.get("HTRU2_URL", ""), str(ROOT.parent / "shared" / "data" / "htru2.zip"),
                   str(ROOT / "data" / data.CSV_NAME)):
        if source and not source.startswith("http") and Path(source.removeprefix("file://")).exists():
            return source
    return None


def test_repo2docker_reads_the_top_level_environment_and_postbuild():
    # A binder/ (or .binder/) folder would make repo2docker ignore every top-level file.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    assert POSTBUILD.read_text().startswith("#!/usr/bin/env bash\n")
    assert os.access(POSTBUILD, os.X_OK), "postBuild must be executable: chmod +x postBuild"
    # postBuild installs with --no-build-isolation, so the environment must bring setuptools.
    pip = next(d["pip"] for d in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
               if isinstance(d, dict))
    assert any(re.match(r"setuptools==", entry) for entry in pip)
    assert "\npython course.py install data --current-env\n" in POSTBUILD.read_text()
    install = [step.argv for step in course.Course(root=ROOT, system="linux", current_env=True,
                                                   environ={}).plan(["install"]) if step.argv]
    assert [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "-e", "."] in install


@pytest.mark.parametrize("remote", ["https://github.com/pycon-uk/demystify-nn",
                                    "https://github.com/pycon-uk/demystify-nn.git",
                                    "git@github.com:pycon-uk/demystify-nn.git",
                                    "ssh://git@github.com/pycon-uk/demystify-nn.git"])
def test_the_binder_link_opens_notebook_00_of_the_clones_github_repository(remote):
    assert course.binder_link(remote) == (
        "https://mybinder.org/v2/gh/pycon-uk/demystify-nn/HEAD"
        "?urlpath=lab/tree/notebooks/00-setup-check.ipynb")
    assert (ROOT / "notebooks" / "00-setup-check.ipynb").exists()


@pytest.mark.parametrize("remote", ["", "https://gitlab.com/someone/demystify-nn.git"])
def test_a_clone_without_a_github_remote_is_told_how_to_get_a_binder_link(remote):
    with pytest.raises(course.CourseError, match="Push the course to GitHub"):
        course.binder_link(remote)


def test_no_page_shows_a_placeholder_repository():
    for page in ("README.md", "slides/README.md", "CONTRIBUTING.md", "pyproject.toml"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert "OWNER/REPO" not in text and not re.search(r"mybinder\.org/v2/gh/(?!<)", text), page
    assert "python3 course.py binder" in (ROOT / "slides" / "README.md").read_text(encoding="utf-8")


def course_files(destination: Path) -> None:
    """Copy what Binder would see: the files git tracks or would track (not the ignored ones)."""
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: cannot tell which files Binder would see")
    for name in filter(None, tracked.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def throwaway_environment(where: Path) -> Path:
    """A new virtual environment that sees this one's packages, but not the course package.

    The packages are linked in through a .pth file, one symlink each, leaving out the editable
    install of the course, so that the post-build step has to install it for the test to pass
    and can never touch this environment.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    packages = where / "borrowed"
    packages.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not re.match(r".*demystifying_neural_networks|demystify$|scratchgrad$|.*\.pth$",
                        entry.name):
            (packages / entry.name).symlink_to(entry)
    site = next(where.glob("lib/python*/site-packages"))
    (site / "borrowed.pth").write_text(f"{packages}\n")
    return where / "bin"


@pytest.mark.skipif(sys.platform == "win32", reason="Binder builds on Linux: postBuild is a bash script")
def test_postbuild_installs_the_course_and_fetches_verified_data(tmp_path):
    source = local_htru2()
    if source is None:
        pytest.skip("no local copy of HTRU2: set HTRU2_URL to htru2.zip or run `python3 course.py data` once")
    repo = tmp_path / "repo"
    course_files(repo)
    assert not (repo / "data" / data.CSV_NAME).exists()
    bin_dir = throwaway_environment(tmp_path / "env")
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PYTHON", "VIRTUAL_ENV", "HTRU2_", "PIP_"))}
    environment.update(PATH=f"{bin_dir}{os.pathsep}{environment['PATH']}", HTRU2_URL=source,
                       PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    before = subprocess.run([bin_dir / "python", "-c", "import demystify"], env=environment,
                            capture_output=True)
    assert before.returncode != 0, "the throwaway environment already sees the course package"

    done = subprocess.run([repo / "postBuild"], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    where = subprocess.run([bin_dir / "python", "-c", "import demystify; print(demystify.__file__)"],
                           cwd=tmp_path, env=environment, capture_output=True, text=True)
    assert Path(where.stdout.strip()) == repo / "src" / "demystify" / "__init__.py"  # editable
    cached = repo / "data" / data.CSV_NAME
    assert data.verify(cached.read_text(), str(cached))  # raises unless it is the published HTRU2
    settings = tmp_path / "env" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(settings.read_text()) == course.QUIET_LAB  # JupyterLab without the news pop-up
