"""The HTRU2 pipeline: every way the data can be fetched, and every way it can go wrong.

No test touches the internet: downloads are served from a local HTTP server
in a thread, from a copy of the data that the fixture finds on this machine
(HTRU2_URL, ../shared/data, or the course's own verified cache).
"""
from __future__ import annotations

import errno
import http.server
import io
import os
import re
import socket
import stat
import struct
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from demystify import data
from demystify.course import command, with_variable
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
    pytest.skip("no local copy of HTRU2: set HTRU2_URL to htru2.zip or run `python3 course.py data` once")


def _zip_bytes(text: str, name: str = "HTRU_2.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
        archive.writestr("Readme.txt", "HTRU2 data set")
    return buffer.getvalue()


AUTO = object()  # served(): send a Content-Length that is the body's true length


@pytest.fixture
def served(tmp_path):
    """A local HTTP server: ``served(path, body, status, declared)`` -> URL.

    ``body`` is bytes, or a function returning an iterable of chunks (sent one by one
    until the client hangs up); ``declared`` is the Content-Length to announce (AUTO:
    the length of a bytes body; None: no Content-Length header).
    """
    routes: dict[str, tuple] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, body, declared = routes.get(self.path, (404, b"not found", AUTO))
            if declared is AUTO:
                declared = len(body)
            self.send_response(status)
            if declared is not None:
                self.send_header("Content-Length", str(declared))
            self.end_headers()
            try:
                for chunk in [body] if isinstance(body, bytes) else body():
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading, as it should when it refuses a download
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def serve(path: str, body=b"", status: int = 200, declared=AUTO) -> str:
        routes[path] = (status, body, declared)
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield serve
    server.shutdown()
    server.server_close()


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


def test_a_byte_order_mark_is_normalised_away_like_line_endings(good_text, tmp_path):
    csv = tmp_path / "HTRU_2.csv"
    csv.write_bytes("\ufeff".encode() + good_text.replace("\n", "\r\n").encode())
    cache = data.fetch(str(csv), _cache(tmp_path), progress=False)
    assert cache.read_bytes() == (good_text + "\n").encode()


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
    assert data.USE_A_COPY in str(error.value)
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


# --- limits: no source can make the loader wait or grow without end --------------

def test_a_trickling_download_is_stopped_at_the_deadline_and_leaves_no_cache(served, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DOWNLOAD_DEADLINE", 0.5)

    def one_byte_at_a_time():
        for _ in range(200):           # would take 20 s; the deadline is 0.5 s
            yield b"P"
            time.sleep(0.1)

    url = served("/htru2.zip", one_byte_at_a_time, declared=1_500_000)
    started = time.monotonic()
    with pytest.raises(DataError, match=r"took longer than 0 s and was stopped after \d bytes") as error:
        data.fetch(url, _cache(tmp_path), progress=False)
    assert time.monotonic() - started < 2
    assert data.USE_A_COPY in str(error.value)
    assert _leftovers(_cache(tmp_path)) == []


def test_a_stalled_download_times_out_with_a_message(served, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "READ_TIMEOUT", 0.3)

    def nothing_after_the_headers():
        time.sleep(3)
        yield b""

    url = served("/htru2.zip", nothing_after_the_headers, declared=1_500_000)
    with pytest.raises(DataError, match="cut off after 0 bytes .*timed out"):
        data.fetch(url, _cache(tmp_path), progress=False)


def test_a_huge_content_length_is_refused_before_reading(served, tmp_path):
    url = served("/htru2.zip", b"PK", declared=2**40)
    with pytest.raises(DataError, match="is 1,099,511,627,776 bytes, but the HTRU2 archive is about 1.6 MB"):
        data.fetch(url, _cache(tmp_path), progress=False)
    assert _leftovers(_cache(tmp_path)) == []


def test_an_endless_body_is_cut_at_the_size_cap(served, tmp_path):
    def endless():
        while True:
            yield bytes(data.CHUNK)

    url = served("/htru2.zip", endless, declared=None)
    with pytest.raises(DataError, match=f"sent more than {data.MAX_DOWNLOAD_BYTES:,} bytes"):
        data.fetch(url, _cache(tmp_path), progress=False)
    assert _leftovers(_cache(tmp_path)) == []


def test_a_local_source_larger_than_the_cap_is_refused_unread(tmp_path):
    huge = tmp_path / "htru2.zip"
    with huge.open("wb") as file:
        file.truncate(2**40)           # a sparse terabyte: nothing is written to disk
    with pytest.raises(DataError, match="is larger than"):
        data.fetch(str(huge), _cache(tmp_path), progress=False)


def _zip_of_zeros(size: int, declare: int | None = None) -> bytes:
    """A zip bomb: HTRU_2.csv holding ``size`` zero bytes (deflate packs them ~1000:1).

    With ``declare``, its headers claim that size instead of the true one.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(data.CSV_NAME, "w") as member:
            for _ in range(size // data.CHUNK):
                member.write(bytes(data.CHUNK))
    body = bytearray(buffer.getvalue())
    if declare is not None:  # the uncompressed size in the local and the central header
        struct.pack_into("<I", body, body.find(b"PK\x03\x04") + 22, declare)
        struct.pack_into("<I", body, body.find(b"PK\x01\x02") + 24, declare)
    return bytes(body)


def _peak_memory_of_refusal(source: Path, cache: Path, match: str) -> int:
    """The most memory Python held at once while fetching ``source`` failed with ``match``."""
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=match):
            data.fetch(str(source), cache, progress=False)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_member_declaring_a_huge_size_is_refused_unpacked(tmp_path):
    archive = tmp_path / "htru2.zip"
    archive.write_bytes(_zip_of_zeros(64 * 2**20))
    assert archive.stat().st_size < 2**20          # 64 MiB of zeros packed in under 1 MiB
    peak = _peak_memory_of_refusal(archive, _cache(tmp_path),
                                   match="unpacks HTRU_2.csv to 67,108,864 bytes.*zip bomb")
    assert peak < 4 * 2**20
    assert _leftovers(_cache(tmp_path)) == []


def test_a_zip_member_holding_more_than_it_declares_never_takes_more_memory_than_the_cap(tmp_path):
    archive = tmp_path / "htru2.zip"
    archive.write_bytes(_zip_of_zeros(64 * 2**20, declare=1_730_114))
    peak = _peak_memory_of_refusal(archive, _cache(tmp_path), match="not a complete zip archive")
    assert peak < data.MAX_CSV_BYTES < 64 * 2**20
    assert _leftovers(_cache(tmp_path)) == []


# --- local sources and caches that cannot be used -------------------------------

@pytest.fixture
def deny(monkeypatch):
    """``deny(path)``: from now on this user may not read the file, or create files in the folder.

    chmod does that for an ordinary user.  Root ignores file modes (CI containers run as
    root), so where chmod is not enough the refusal the system would give is imitated at
    the calls that open a file for reading (``io.open``) and create one (``os.open``).
    """
    files, folders, changed = [], [], []
    real_open, real_os_open = io.open, os.open

    def refused(path):
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def guarded_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file) in files:
            raise refused(file)
        return real_open(file, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and Path(path).parent in folders:
            raise refused(path)
        return real_os_open(path, flags, *args, **kwargs)

    def still_allowed(path: Path) -> bool:
        try:
            if path.is_dir():
                (path / ".probe").touch()
                (path / ".probe").unlink()
            else:
                path.read_bytes()
            return True
        except PermissionError:
            return False

    def deny(path: Path) -> None:
        changed.append((path, path.stat().st_mode))
        path.chmod(0o555 if path.is_dir() else 0o000)
        if still_allowed(path):
            (folders if path.is_dir() else files).append(path)
            monkeypatch.setattr(io, "open", guarded_open)
            monkeypatch.setattr(os, "open", guarded_os_open)

    yield deny
    for path, mode in changed:
        path.chmod(mode)


def test_a_source_folder_without_the_files_says_what_it_needs(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing here")
    with pytest.raises(DataError, match="is a folder without htru2.zip or HTRU_2.csv") as error:
        data.fetch(str(folder), _cache(tmp_path), progress=False)
    assert "HTRU2_URL=/path/to/htru2.zip" in str(error.value)


def test_an_unreadable_source_says_how_to_make_it_readable(good_text, tmp_path, deny):
    csv = tmp_path / "HTRU_2.csv"
    csv.write_text(good_text)
    deny(csv)
    with pytest.raises(DataError, match=r"cannot be read \(Permission denied\)") as error:
        data.fetch(str(csv), _cache(tmp_path), progress=False)
    assert "chmod a+r" in str(error.value)
    assert _leftovers(_cache(tmp_path)) == []


def test_a_read_only_data_folder_says_where_else_to_keep_the_data(good_text, tmp_path, deny):
    source = tmp_path / "source.csv"
    source.write_text(good_text)
    cache = _cache(tmp_path)
    cache.parent.mkdir()
    deny(cache.parent)
    with pytest.raises(DataError, match=r"could not be saved as .* \(Permission denied\)") as error:
        data.fetch(str(source), cache, progress=False)
    assert with_variable("HTRU2_CACHE", "~/htru2/HTRU_2.csv", "data") in str(error.value)
    assert _leftovers(cache) == []


def test_htru2_cache_naming_a_folder_says_to_name_a_file(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "my-data"
    folder.mkdir()
    monkeypatch.setenv("HTRU2_CACHE", str(folder))
    assert data.main(["--quiet"]) == 1
    err = capsys.readouterr().err
    assert "is a folder; it must be a file" in err and f"HTRU2_CACHE={folder / data.CSV_NAME}" in err
    assert "Traceback" not in err and list(folder.iterdir()) == []
    with pytest.raises(DataError, match="is a folder"):
        data.load_htru2()


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
    with pytest.raises(DataError, match=re.escape(command("data"))):
        data.load_htru2(cached)


def test_ensure_keeps_a_good_cache_and_replaces_a_damaged_one(cached, good_text, tmp_path, monkeypatch):
    source = tmp_path / "source.csv"
    monkeypatch.setenv("HTRU2_URL", str(source))
    stamp = cached.stat().st_mtime_ns
    assert data.ensure(cached, progress=False) == cached
    assert cached.stat().st_mtime_ns == stamp
    cached.write_text(cached.read_text()[:1000])
    data.ensure(cached, progress=False)
    assert cached.read_text() == good_text + "\n"


@pytest.mark.parametrize("damage", ["truncated", "edited", "windows-bom", "empty"])
def test_a_damaged_copy_of_the_cache_is_replaced(cached, good_text, tmp_path, monkeypatch, damage):
    text = cached.read_text()
    cached.write_bytes({
        "truncated": text[: len(text) // 2].encode(),
        "edited": text.replace("140.5625", "140.5626", 1).encode(),
        "windows-bom": ("\ufeff" + text.replace("\n", "\r\n")[:5000]).encode(),
        "empty": b"",
    }[damage])
    monkeypatch.setenv("HTRU2_URL", str(tmp_path / "source.csv"))
    data.ensure(cached, progress=False)
    assert cached.read_text() == good_text + "\n"


@pytest.mark.parametrize("content", [
    "My thesis notes\n", "<!DOCTYPE html><html>Not Found</html>", "5.1,3.5,1.4,0.2,setosa\n",
    "profile_mean,profile_std,profile_kurtosis,profile_skewness,"
    "dmsnr_mean,dmsnr_std,dmsnr_kurtosis,dmsnr_skewness,label\n",
])
def test_a_file_that_is_not_htru2_is_never_overwritten(good_text, tmp_path, monkeypatch, capsys, content):
    mine = tmp_path / "thesis.csv"
    mine.write_text(content)
    source = tmp_path / "source.csv"
    source.write_text(good_text)
    monkeypatch.setenv("HTRU2_CACHE", str(mine))
    monkeypatch.setenv("HTRU2_URL", str(source))
    for arguments in (["--quiet"], ["--quiet", "--force"]):
        assert data.main(arguments) == 1
        err = capsys.readouterr().err
        assert "is not HTRU2 data" in err and "will not overwrite it" in err
        assert "set HTRU2_CACHE to a new file" in err and "Fetching" not in err
    with pytest.raises(DataError, match="will not overwrite"):
        data.fetch(str(source), mine, progress=False)
    assert mine.read_text() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.csv", "thesis.csv"]


def test_an_unreadable_cache_says_how_to_make_it_readable(cached, deny):
    deny(cached)
    with pytest.raises(DataError, match=r"cannot be read \(Permission denied\)"):
        data.ensure(cached, progress=False)
    with pytest.raises(DataError, match=r"chmod a\+r"):
        data.load_htru2(cached)


def test_a_good_copy_in_a_read_only_folder_is_used_as_it_is(good_text, tmp_path, deny, monkeypatch, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    copy = shared / data.CSV_NAME
    copy.write_bytes(good_text.replace("\n", "\r\n").encode())  # verifies, but is not byte-normalised
    deny(shared)
    monkeypatch.setenv("HTRU2_CACHE", str(copy))
    assert data.main(["--quiet"]) == 0
    assert "verified" in capsys.readouterr().out
    assert copy.read_bytes() == good_text.replace("\n", "\r\n").encode()
    assert len(data.load_htru2()) == data.N_ROWS


def test_stale_part_files_of_an_interrupted_write_are_removed_on_the_next_run(cached):
    stale = cached.with_name(f".{cached.name}.4242.0badc0de.part")
    in_progress = cached.with_name(f".{cached.name}.4343.5eed5eed.part")
    unrelated = cached.with_name(f".{cached.name}.notes")
    for path in (stale, in_progress, unrelated):
        path.write_text("half")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert data.ensure(cached, progress=False) == cached
    assert not stale.exists()
    assert in_progress.exists() and unrelated.exists()  # another run may be writing that one


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_the_cache_is_written_with_the_permissions_the_umask_gives(good_text, tmp_path, umask, mode):
    source = tmp_path / "source.csv"
    source.write_text(good_text)
    previous = os.umask(umask)
    try:
        cache = data.fetch(str(source), _cache(tmp_path), progress=False)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(cache.stat().st_mode) == mode


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
