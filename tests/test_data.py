"""The HTRU2 pipeline: every way the data can be fetched, and every way it can go wrong.

No test touches the internet: downloads are served from a local HTTP server
in a thread, from a copy of the data that the fixture finds on this machine
(HTRU2_URL, ../shared/data, or the course's own verified cache).
"""
from __future__ import annotations

import http.server
import io
import os
import socket
import threading
import urllib.error
import zipfile
from pathlib import Path

import numpy as np
import pytest

from demystify import data
from demystify.data import DataError

ROOT = Path(__file__).resolve().parents[1]


def _candidate_sources():
    if os.environ.get("HTRU2_URL", "").strip() and not os.environ["HTRU2_URL"].startswith("http"):
        yield os.environ["HTRU2_URL"]
    yield str(ROOT.parent / "shared" / "data")
    yield str(ROOT / "data" / data.CSV_NAME)


@pytest.fixture(scope="session")
def good_text() -> str:
    """The published HTRU_2.csv, normalised (found locally, never downloaded)."""
    for source in _candidate_sources():
        try:
            raw, origin = data.read_source(source, progress=False)
            return data.verify(data.extract_csv(raw, origin), origin)
        except DataError:
            continue
    pytest.skip("no local copy of HTRU2: set HTRU2_URL to htru2.zip or run `make data` once")


def _zip_bytes(text: str, name: str = "HTRU_2.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
        archive.writestr("Readme.txt", "HTRU2 data set")
    return buffer.getvalue()


@pytest.fixture
def served(tmp_path):
    """A local HTTP server: ``served(path, body, status, declared_length)`` -> URL."""
    routes: dict[str, tuple[int, bytes, int | None]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, body, declared = routes.get(self.path, (404, b"not found", None))
            self.send_response(status)
            self.send_header("Content-Length", str(declared if declared is not None else len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(path: str, body: bytes = b"", status: int = 200, declared: int | None = None) -> str:
        routes[path] = (status, body, declared)
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield serve
    server.shutdown()


def _cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / data.CSV_NAME


def _leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.parent.iterdir()) if cache.parent.exists() else []


# --- good sources --------------------------------------------------------------

def test_download_over_http_verifies_and_caches(good_text, served, tmp_path):
    url = served("/htru2.zip", _zip_bytes(good_text))
    cache = data.fetch(url, _cache(tmp_path), progress=False)
    assert cache.read_text() == good_text + "\n"
    assert _leftovers(cache) == [data.CSV_NAME]


def test_download_shows_a_progress_bar(good_text, served, tmp_path, capsys):
    url = served("/htru2.zip", _zip_bytes(good_text))
    data.fetch(url, _cache(tmp_path), progress=True)
    err = capsys.readouterr().err
    assert "HTRU2" in err and "100%" in err


@pytest.mark.parametrize("form", ["path", "file-url", "folder"])
def test_local_zip_as_path_file_url_or_folder(good_text, tmp_path, form):
    archive = tmp_path / "mirror" / "htru2.zip"
    archive.parent.mkdir()
    archive.write_bytes(_zip_bytes(good_text))
    source = {"path": str(archive), "file-url": archive.as_uri(), "folder": str(archive.parent)}[form]
    cache = data.fetch(source, _cache(tmp_path), progress=False)
    assert cache.read_text() == good_text + "\n"


def test_windows_line_endings_and_trailing_newlines_verify(good_text, tmp_path):
    csv = tmp_path / "HTRU_2.csv"
    csv.write_bytes((good_text.replace("\n", "\r\n") + "\r\n\r\n").encode())
    cache = data.fetch(str(csv), _cache(tmp_path), progress=False)
    assert cache.read_text() == good_text + "\n"


def test_htru2_url_environment_variable_is_the_default_source(good_text, tmp_path, monkeypatch):
    csv = tmp_path / "elsewhere.csv"
    csv.write_text(good_text)
    monkeypatch.setenv("HTRU2_URL", str(csv))
    assert data.fetch(cache=_cache(tmp_path), progress=False).exists()


def test_shared_mirror_zip_and_csv_both_verify():
    shared = ROOT.parent / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("no ../shared/data beside this checkout")
    for name in ("htru2.zip", "HTRU_2.csv"):
        raw, origin = data.read_source(str(shared / name), progress=False)
        assert data.verify(data.extract_csv(raw, origin), origin)


# --- faults: each gives a message that says what to do, and never a bad cache ------

def test_no_network_says_how_to_work_offline(tmp_path, monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(DataError, match="no network") as error:
        data.fetch("https://archive.ics.uci.edu/static/public/372/htru2.zip", _cache(tmp_path))
    assert "HTRU2_URL=/path/to/htru2.zip make data" in str(error.value)
    assert _leftovers(_cache(tmp_path)) == []


def test_refused_connection_is_reported_as_a_network_problem(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    with pytest.raises(DataError, match="could not be downloaded"):
        data.fetch(f"http://127.0.0.1:{port}/htru2.zip", _cache(tmp_path), progress=False)


def test_http_error_names_the_status_and_the_fix(served, tmp_path):
    url = served("/gone.zip", b"missing", status=404)
    with pytest.raises(DataError, match=r"HTTP 404") as error:
        data.fetch(url, _cache(tmp_path), progress=False)
    assert "HTRU2_URL" in str(error.value)
    assert _leftovers(_cache(tmp_path)) == []


def test_download_cut_off_midway_is_rejected_and_leaves_no_cache(good_text, served, tmp_path):
    body = _zip_bytes(good_text)
    url = served("/htru2.zip", body[: len(body) // 2], declared=len(body))
    with pytest.raises(DataError, match="cut off"):
        data.fetch(url, _cache(tmp_path), progress=False)
    assert _leftovers(_cache(tmp_path)) == []


def test_truncated_zip_is_rejected_and_leaves_no_cache(good_text, tmp_path):
    archive = tmp_path / "htru2.zip"
    archive.write_bytes(_zip_bytes(good_text)[:-200])
    with pytest.raises(DataError, match="not a complete zip archive"):
        data.fetch(str(archive), _cache(tmp_path), progress=False)
    assert _leftovers(_cache(tmp_path)) == []


def test_corrupt_zip_member_is_rejected(good_text, tmp_path):
    body = bytearray(_zip_bytes(good_text))
    body[200:260] = bytes(60)  # damage the compressed data, keep the directory
    archive = tmp_path / "htru2.zip"
    archive.write_bytes(bytes(body))
    with pytest.raises(DataError, match="not a complete zip archive|corrupt"):
        data.fetch(str(archive), _cache(tmp_path), progress=False)


def test_zip_without_the_csv_lists_what_it_holds(tmp_path):
    archive = tmp_path / "other.zip"
    archive.write_bytes(_zip_bytes("a,b\n", name="iris.csv"))
    with pytest.raises(DataError, match="without HTRU_2.csv.*iris.csv"):
        data.fetch(str(archive), _cache(tmp_path), progress=False)


def test_missing_source_file_says_how_to_set_htru2_url(tmp_path):
    with pytest.raises(DataError, match="does not exist") as error:
        data.fetch(str(tmp_path / "nowhere.zip"), _cache(tmp_path))
    assert "HTRU2_URL" in str(error.value)


def test_wrong_checksum_is_rejected_and_leaves_no_cache(good_text, tmp_path):
    edited = good_text.replace("140.5625", "140.5626", 1)
    assert edited != good_text
    csv = tmp_path / "edited.csv"
    csv.write_text(edited)
    with pytest.raises(DataError, match="SHA-256"):
        data.fetch(str(csv), _cache(tmp_path), progress=False)
    assert _leftovers(_cache(tmp_path)) == []


def test_missing_rows_are_reported_as_the_wrong_shape(good_text, tmp_path):
    csv = tmp_path / "short.csv"
    csv.write_text("\n".join(good_text.split("\n")[:17_000]))
    with pytest.raises(DataError, match="has 17,000 rows; expected 17,898"):
        data.fetch(str(csv), _cache(tmp_path), progress=False)


def test_a_row_with_a_missing_column_is_reported_with_its_number(good_text, tmp_path):
    rows = good_text.split("\n")
    rows[41] = rows[41].rsplit(",", 1)[0]
    csv = tmp_path / "ragged.csv"
    csv.write_text("\n".join(rows))
    with pytest.raises(DataError, match="row 42 has 8 columns, expected 9"):
        data.fetch(str(csv), _cache(tmp_path), progress=False)


def test_relabelled_rows_are_reported_as_the_wrong_class_count(good_text, tmp_path):
    rows = good_text.split("\n")
    first_pulsar = next(i for i, row in enumerate(rows) if row.endswith(",1"))
    rows[first_pulsar] = rows[first_pulsar][:-1] + "0"
    csv = tmp_path / "relabelled.csv"
    csv.write_text("\n".join(rows))
    with pytest.raises(DataError, match="1,638 rows as pulsars; expected 1,639"):
        data.fetch(str(csv), _cache(tmp_path), progress=False)


def test_empty_and_binary_files_are_rejected(tmp_path):
    empty, binary = tmp_path / "empty.csv", tmp_path / "binary.csv"
    empty.write_text("")
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError, match="is empty"):
        data.fetch(str(empty), _cache(tmp_path))
    with pytest.raises(DataError, match="not a text CSV"):
        data.fetch(str(binary), _cache(tmp_path))


def test_failed_fetch_keeps_the_previous_good_cache(good_text, tmp_path):
    cache = _cache(tmp_path)
    good = tmp_path / "good.csv"
    good.write_text(good_text)
    data.fetch(str(good), cache, progress=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,3")
    with pytest.raises(DataError):
        data.fetch(str(bad), cache, progress=False)
    assert cache.read_text() == good_text + "\n"


def test_write_interrupted_midway_leaves_no_file(tmp_path, monkeypatch):
    cache = _cache(tmp_path)

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        data._write_atomically(cache, "half")
    assert _leftovers(cache) == []


# --- loading and the cache ----------------------------------------------------

@pytest.fixture
def cached(good_text, tmp_path) -> Path:
    cache = _cache(tmp_path)
    source = tmp_path / "source.csv"
    source.write_text(good_text)
    return data.fetch(str(source), cache, progress=False)


def test_load_htru2_returns_the_named_columns(cached):
    frame = data.load_htru2(cached)
    assert list(frame.columns) == data.COLUMNS
    assert frame.shape == (17_898, 9)
    assert frame["label"].sum() == 1_639
    assert frame.iloc[0]["profile_mean"] == pytest.approx(140.5625)


def test_damaged_cache_is_caught_on_load_with_the_repair_command(cached):
    text = cached.read_text()
    cached.write_text(text[: len(text) // 2])
    with pytest.raises(DataError, match="make data"):
        data.load_htru2(cached)


def test_ensure_keeps_a_good_cache_and_replaces_a_damaged_one(cached, good_text, tmp_path, monkeypatch):
    source = tmp_path / "source.csv"
    monkeypatch.setenv("HTRU2_URL", str(source))
    stamp = cached.stat().st_mtime_ns
    assert data.ensure(cached, progress=False) == cached
    assert cached.stat().st_mtime_ns == stamp
    cached.write_text("garbage")
    data.ensure(cached, progress=False)
    assert cached.read_text() == good_text + "\n"


def test_command_line_reports_a_fault_without_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HTRU2_CACHE", str(_cache(tmp_path)))
    monkeypatch.setenv("HTRU2_URL", str(tmp_path / "absent.zip"))
    assert data.main(["--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("✗ The HTRU2 source") and "Traceback" not in err


def test_command_line_verifies_and_says_so(cached, monkeypatch, capsys):
    monkeypatch.setenv("HTRU2_CACHE", str(cached))
    assert data.main(["--quiet"]) == 0
    assert "verified: 17,898 rows, 1,639 pulsars" in capsys.readouterr().out


# --- the course's standard split ----------------------------------------------

def test_balanced_set_has_every_pulsar_and_as_many_others(cached):
    frame = data.balanced(data.load_htru2(cached))
    assert len(frame) == 3_278 and frame["label"].sum() == 1_639


def test_split_is_seeded_stratified_and_disjoint():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = np.r_[np.zeros(300, int), np.ones(100, int)]
    first = data.train_test_split(X, y, 0.25, seed=7)
    again = data.train_test_split(X, y, 0.25, seed=7)
    other = data.train_test_split(X, y, 0.25, seed=8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])
    X_train, X_test, y_train, y_test = first
    assert len(X_test) == 100 and y_test.sum() == 25
    rows = {tuple(r) for r in X_train} | {tuple(r) for r in X_test}
    assert len(rows) == 400


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        data.train_test_split(np.zeros((3, 2)), np.zeros(2))


def test_standardiser_uses_the_training_statistics_only():
    X_train = np.array([[0.0, 10.0], [2.0, 30.0]])
    scaler = data.Standardiser.fit(X_train)
    np.testing.assert_allclose(scaler(X_train), [[-1, -1], [1, 1]])
    np.testing.assert_allclose(scaler(np.array([[4.0, 20.0]])), [[3, 0]])


def test_pulsar_split_is_balanced_standardised_and_repeatable(cached, monkeypatch):
    monkeypatch.setenv("HTRU2_CACHE", str(cached))
    split = data.pulsar_split()
    assert split.X_train.shape == (2_458, 8) and split.X_test.shape == (820, 8)
    assert split.y_train.sum() == 1_229 and split.y_test.sum() == 410
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1)
    assert np.abs(split.X_test.mean(axis=0)).max() > 1e-6  # not re-fitted on the test rows
    np.testing.assert_array_equal(split.X_test, data.pulsar_split().X_test)


def test_one_hot_rows_match_the_labels():
    np.testing.assert_array_equal(data.one_hot(np.array([0, 1, 1])), [[1, 0], [0, 1], [0, 1]])
