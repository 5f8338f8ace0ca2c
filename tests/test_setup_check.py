"""The set-up check tells an attendee what is missing and what to do about it."""
import sys
from importlib import metadata

import pytest

from demystify import course, setup_check
from demystify.setup_check import BAD, OK, WARN


def rows_by_item(rows):
    return {row.item: row for row in rows}


def test_a_missing_package_is_red_with_the_install_command(monkeypatch):
    real = metadata.version

    def version(name):
        if name == "torch":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(setup_check.metadata, "version", version)
    rows = rows_by_item(setup_check.package_rows())
    assert rows["torch"].status == BAD and "course.py install" in rows["torch"].fix


def test_a_package_at_another_version_is_a_warning_naming_the_pin():
    rows = rows_by_item(setup_check.package_rows({"numpy": "0.0.1"}))
    assert rows["numpy"].status == WARN and "pins 0.0.1" in rows["numpy"].detail


def test_good_packages_share_one_row_and_problems_keep_their_own():
    rows = [setup_check.Row("numpy", OK, "2.4.6"), setup_check.Row("torch", BAD, "missing", "fix")]
    summary = setup_check.packages_summary(rows)
    assert [row.item for row in summary] == ["packages", "torch"]
    assert summary[0].detail.startswith("1 of 2 as the course pins them (numpy 2.4.6")


def test_local_wheel_tags_like_cpu_count_as_the_pinned_version():
    assert setup_check._base("2.13.0+cpu") == setup_check._base("2.13.0")


def test_the_summary_shows_the_same_versions_with_or_without_a_local_wheel_tag():
    # PyTorch's CPU index (Linux) says 2.13.0+cpu, PyPI (macOS, Windows) 2.13.0: one table for both
    linux, mac = ([setup_check.Row("torch", OK, version)] for version in ("2.13.0+cpu", "2.13.0"))
    assert setup_check.packages_summary(linux) == setup_check.packages_summary(mac)
    assert "torch 2.13.0," in setup_check.packages_summary(linux)[0].detail


@pytest.mark.parametrize("platform, command", [("linux", "`python3 course.py lab`"),
                                               ("darwin", "`python3 course.py lab`"),
                                               ("win32", "`py course.py lab`")])
def test_fixes_name_the_course_command_of_this_system(monkeypatch, platform, command):
    monkeypatch.setattr(course.sys, "platform", platform)
    monkeypatch.setattr(course, "in_conda", lambda: False)
    assert setup_check.course("lab") == command


def test_in_a_conda_environment_fixes_use_it_instead_of_making_a_venv(monkeypatch):
    monkeypatch.setattr(course, "in_conda", lambda: True)
    assert setup_check.course("install") == "`python course.py install --current-env`"


def test_another_python_is_a_warning_that_says_to_start_jupyterlab_from_the_course(monkeypatch):
    monkeypatch.setattr(setup_check, "ROOT", setup_check.ROOT / "elsewhere")
    monkeypatch.setattr(course, "in_conda", lambda: False)
    row = setup_check.kernel_row()
    assert row.status == WARN and sys.executable in row.detail
    assert "course.py lab" in row.fix and "Change Kernel" not in row.fix


def test_missing_data_is_red_and_says_make_data(monkeypatch, tmp_path):
    monkeypatch.setenv("HTRU2_CACHE", str(tmp_path / "HTRU_2.csv"))
    row = setup_check.data_row()
    assert row.status == BAD and "course.py data" in row.fix


def test_damaged_data_is_red_with_the_reason(monkeypatch, tmp_path):
    damaged = tmp_path / "HTRU_2.csv"
    damaged.write_text("1,2,3,4,5,6,7,8,0\n")
    monkeypatch.setenv("HTRU2_CACHE", str(damaged))
    row = setup_check.data_row()
    assert row.status == BAD and "has 1 row; expected 17,898" in row.detail


def test_missing_dot_is_a_warning_with_a_command_for_each_platform(monkeypatch):
    monkeypatch.setattr("demystify.drawing.dot_version", lambda: None)
    row = setup_check.dot_row()
    assert row.status == WARN
    for command in ("apt-get install graphviz", "brew install graphviz", "winget install graphviz",
                    "conda install -c conda-forge graphviz"):
        assert command in row.fix


def test_report_is_not_ready_with_a_red_row_and_the_command_line_exits_1(monkeypatch, capsys):
    bad = [setup_check.Row("Python", OK, "3.11"), setup_check.Row("HTRU2 data", BAD, "missing", "make data")]
    monkeypatch.setattr(setup_check, "check", lambda: bad)
    assert setup_check.main() == 1
    out = capsys.readouterr().out
    assert "✗ HTRU2 data" in out and "→ make data" in out and "1 thing(s) to fix" in out
    assert "<td>make data</td>" in setup_check.Report(bad)._repr_html_()


def test_this_environment_passes_its_own_check():
    report = setup_check.report()
    problems = [row for row in report.rows if row.status == BAD]
    assert report.ready, problems
