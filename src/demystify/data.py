"""The HTRU2 pulsar data: download, verify, cache and load.

HTRU2 (Lyon et al. 2016) describes 17,898 radio-telescope candidates by eight
statistics; 1,639 of them are real pulsars.  The course never ships the data:
this module fetches the official UCI archive (or a copy named by the
``HTRU2_URL`` environment variable), checks that it is exactly the published
data set, and caches the verified CSV as ``data/HTRU_2.csv``.

Whatever the source, a fetch ends within DOWNLOAD_DEADLINE seconds and holds at
most MAX_DOWNLOAD_BYTES (and MAX_CSV_BYTES unzipped) in memory; the cache is
written atomically and only ever replaces a file that is HTRU2 data, good or
damaged.  Every failure is a DataError whose message says what to do.

Command line (``python3 course.py data`` runs this)::

    python -m demystify.data            # fetch if needed, then verify
    python -m demystify.data --force    # fetch again even if the cache is good

In a notebook::

    from demystify.data import load_htru2, pulsar_split
    df = load_htru2()                                   # DataFrame, 17,898 x 9
    X_train, X_test, y_train, y_test, scaler = pulsar_split()
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import io
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple
from urllib.parse import unquote, urlparse

import numpy as np

UCI_URL = "https://archive.ics.uci.edu/static/public/372/htru2.zip"
UCI_PAGE = "https://archive.ics.uci.edu/dataset/372/htru2"
CSV_NAME = "HTRU_2.csv"
SHA256 = "770932f2a324cb5f0b5ef2a33854fa8e4f47b9cd784b9f7fe60903fa63c8c294"
N_ROWS, N_COLUMNS, N_PULSARS = 17_898, 9, 1_639
from .course import ROOT, command, with_variable
from .reference import SEED  # 2019, the year of the original workshop: every split uses it

FEATURES = [
    "profile_mean", "profile_std", "profile_kurtosis", "profile_skewness",
    "dmsnr_mean", "dmsnr_std", "dmsnr_kurtosis", "dmsnr_skewness",
]
COLUMNS = FEATURES + ["label"]

# Firm limits, ten times the real thing: the archive is 1.6 MB, HTRU_2.csv 1.7 MB.
MAX_DOWNLOAD_BYTES = 16 * 2**20   # what a download (or a local source file) may hold
MAX_CSV_BYTES = 16 * 2**20        # what HTRU_2.csv may unpack to from the zip
DOWNLOAD_DEADLINE = 300.0         # seconds for a whole download (1.6 MB at a crawling 6 kB/s)
READ_TIMEOUT = 30.0               # seconds a download may go without a single byte
STALE_PART_AGE = 60.0             # seconds after which a `.part` file is a leftover of a crash
CHUNK = 64 * 1024

FETCH = f"`{command('data')}`"                                  # how to fetch, on this machine
USE_A_COPY = with_variable("HTRU2_URL", "/path/to/htru2.zip", "data")   # ... from a copy you have
REPAIR = f"Run {FETCH} to fetch and verify a fresh copy."


class DataError(RuntimeError):
    """The data could not be fetched or is not the published HTRU2: the message says what to do."""


# --- where things are -------------------------------------------------------

def cache_path() -> Path:
    """Where the verified CSV lives: ``data/HTRU_2.csv`` in the course repository.

    ``HTRU2_CACHE`` overrides it (a file path).  Outside a checkout of the course
    (an installed, not editable, package) it falls back to ``~/.cache/demystify``.
    """
    if os.environ.get("HTRU2_CACHE"):
        return Path(os.environ["HTRU2_CACHE"]).expanduser()
    if (ROOT / "pyproject.toml").exists() and (ROOT / "data").is_dir():
        return ROOT / "data" / CSV_NAME
    return Path.home() / ".cache" / "demystify" / CSV_NAME


def default_source() -> str:
    """The ``HTRU2_URL`` environment variable if set, else the official UCI archive."""
    return os.environ.get("HTRU2_URL") or UCI_URL


# --- verification -----------------------------------------------------------

def normalise(text: str) -> str:
    """The CSV without a byte-order mark, with ``\\n`` line endings and no trailing newline.

    This is what the checksum covers: copies in the wild differ only in these.
    """
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def verify(text: str, origin: str, fix: str = REPAIR) -> str:
    """Check that ``text`` is the published HTRU_2.csv; return it normalised.

    Shape first (it gives the most useful message), then the class count, then
    the SHA-256 of the normalised content.  ``origin`` names the file in the
    message and ``fix`` says what to do about it.
    """
    content = normalise(text)
    if not content.strip():
        raise DataError(f"{origin} is empty.\n{fix}")
    rows = content.split("\n")
    for number, row in enumerate(rows, start=1):
        if row.count(",") != N_COLUMNS - 1:
            raise DataError(
                f"{origin} is not the HTRU2 table: row {number} has "
                f"{row.count(',') + 1} columns, expected {N_COLUMNS} "
                f"(8 features and the label).\n{fix}")
    if len(rows) != N_ROWS:
        raise DataError(
            f"{origin} has {len(rows):,} row{'s' * (len(rows) != 1)}; expected {N_ROWS:,}: the file is "
            f"incomplete or is a different data set.\n{fix}")
    pulsars = sum(row.rsplit(",", 1)[1].strip() == "1" for row in rows)
    if pulsars != N_PULSARS:
        raise DataError(
            f"{origin} labels {pulsars:,} rows as pulsars; expected {N_PULSARS:,}.\n{fix}")
    digest = hashlib.sha256(content.encode()).hexdigest()
    if digest != SHA256:
        raise DataError(
            f"{origin} has the right shape but not the published values "
            f"(SHA-256 {digest[:12]}…, expected {SHA256[:12]}…): it has been edited "
            f"or damaged.\n{fix}")
    return content


# --- fetching ---------------------------------------------------------------

def _no_network_help(reason: object) -> str:
    return (
        f"HTRU2 data could not be downloaded (no network: {reason}).\n"
        "If you have the file already, point the course at it:\n"
        f"    {USE_A_COPY}\n"
        f"or copy {CSV_NAME} into data/ and run {FETCH} again to verify it.")


def _too_big(origin: str, size: str) -> DataError:
    return DataError(
        f"{origin} {size}, but the HTRU2 archive is about 1.6 MB: this is not the data set.\n"
        f"Nothing was saved. Check HTRU2_URL, or unset it to download from UCI ({UCI_URL}).")


def _download(url: str, progress: bool) -> bytes:
    """The bytes at ``url``, with a progress bar; every failure becomes a DataError.

    At most MAX_DOWNLOAD_BYTES, within DOWNLOAD_DEADLINE seconds (checked after each
    read, and a read waits at most READ_TIMEOUT seconds for its bytes).
    """
    from tqdm import tqdm

    try:
        response = urllib.request.urlopen(url, timeout=READ_TIMEOUT)
    except urllib.error.HTTPError as error:
        raise DataError(
            f"HTRU2 data could not be downloaded from {url} "
            f"(HTTP {error.code} {error.reason}).\n"
            f"Check the address, or download htru2.zip from {UCI_PAGE} by hand and run\n"
            f"    {USE_A_COPY}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DataError(_no_network_help(getattr(error, "reason", error))) from None

    with response:
        size = response.headers.get("Content-Length")
        total = int(size) if size and size.isdigit() else None
        if total is not None and total > MAX_DOWNLOAD_BYTES:
            raise _too_big(url, f"is {total:,} bytes")
        deadline = time.monotonic() + DOWNLOAD_DEADLINE
        data = bytearray()
        with tqdm(total=total, unit="B", unit_scale=True, desc="HTRU2",
                  disable=not progress, file=sys.stderr) as bar:
            try:
                while chunk := response.read1(CHUNK):   # whatever has arrived, up to CHUNK
                    data += chunk
                    bar.update(len(chunk))
                    if len(data) > MAX_DOWNLOAD_BYTES:
                        raise _too_big(url, f"sent more than {MAX_DOWNLOAD_BYTES:,} bytes")
                    if time.monotonic() > deadline:
                        raise DataError(
                            f"The download of {url} took longer than {DOWNLOAD_DEADLINE:.0f} s and "
                            f"was stopped after {len(data):,} bytes: the connection is too slow.\n"
                            f"Nothing was saved. Try again later, or download htru2.zip from "
                            f"{UCI_PAGE} by hand and run\n    {USE_A_COPY}")
            except (OSError, http.client.IncompleteRead) as error:
                raise DataError(
                    f"The download of {url} was cut off after {len(data):,} bytes ({error}).\n"
                    f"Nothing was saved. Run {FETCH} again; if it keeps failing, "
                    "download htru2.zip by hand and set HTRU2_URL to its path.") from None
    if total is not None and len(data) < total:
        raise DataError(
            f"The download of {url} was cut off after {len(data):,} of {total:,} bytes.\n"
            f"Nothing was saved. Run {FETCH} again.")
    return bytes(data)


def _local_path(source: str) -> Path:
    """The file a local path or ``file://`` URL names (a folder means the file in it)."""
    if source.startswith("file:"):
        parsed = urlparse(source)
        host = "" if parsed.netloc in ("", "localhost") else parsed.netloc
        source = unquote(host + parsed.path)
    path = Path(source).expanduser()
    if path.is_dir():
        for name in ("htru2.zip", CSV_NAME):
            if (path / name).exists():
                return path / name
        raise DataError(
            f"The HTRU2 source {path} is a folder without htru2.zip or {CSV_NAME} in it.\n"
            "Put one of them there, or set HTRU2_URL to the file itself:\n"
            f"    {USE_A_COPY}")
    if not path.exists():
        raise DataError(
            f"The HTRU2 source {path} does not exist.\n"
            "Set HTRU2_URL to the path of htru2.zip or HTRU_2.csv (or a file:// or "
            f"http(s) URL), or unset it to download from UCI ({UCI_URL}).")
    return path


def _read_chunks(file: BinaryIO, limit: int) -> bytes:
    """The bytes of a binary file, read a chunk at a time and no further than just past ``limit``."""
    chunks, size = [], 0
    while size <= limit and (chunk := file.read(CHUNK)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _read_local(path: Path) -> bytes:
    """The bytes of a local source file, at most MAX_DOWNLOAD_BYTES of them."""
    try:
        with path.open("rb") as file:
            raw = _read_chunks(file, MAX_DOWNLOAD_BYTES)
    except OSError as error:
        raise DataError(
            f"The HTRU2 source {path} cannot be read ({error.strerror or error}).\n"
            f"Make it readable (`chmod a+r {path}`) or point HTRU2_URL at a copy you can read.") from None
    if len(raw) > MAX_DOWNLOAD_BYTES:
        raise _too_big(str(path), f"is larger than {MAX_DOWNLOAD_BYTES:,} bytes")
    return raw


def read_source(source: str, progress: bool = True) -> tuple[bytes, str]:
    """The raw bytes of ``source`` (URL, ``file://`` URL or path) and a name for messages."""
    if source.startswith(("http://", "https://")):
        return _download(source, progress), source
    path = _local_path(source)
    return _read_local(path), str(path)


def _unzip_csv(archive: zipfile.ZipFile, origin: str) -> bytes:
    """The bytes of HTRU_2.csv in ``archive``, refused if it unpacks to more than MAX_CSV_BYTES."""
    members = [n for n in archive.namelist() if n.endswith(CSV_NAME)]
    if not members:
        raise DataError(
            f"{origin} is a zip archive without {CSV_NAME} "
            f"(it holds: {', '.join(archive.namelist()) or 'nothing'}).\n"
            f"Download the official archive from {UCI_PAGE}.")
    size = archive.getinfo(members[0]).file_size
    if size > MAX_CSV_BYTES:
        raise DataError(
            f"{origin} unpacks {members[0]} to {size:,} bytes, but {CSV_NAME} is about 1.7 MB: "
            "it is not the HTRU2 archive (it may be a zip bomb). Nothing was unpacked.\n"
            f"Download the official archive from {UCI_PAGE}.")
    # zipfile stops at the declared size (then checks the CRC): a member that holds more
    # than it declares is read no further than that.
    with archive.open(members[0]) as member:
        return _read_chunks(member, size)


def extract_csv(raw: bytes, origin: str) -> str:
    """The text of HTRU_2.csv from a zip archive or a bare CSV."""
    if raw[:2] == b"PK" or origin.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = _unzip_csv(archive, origin)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise DataError(
                f"{origin} is not a complete zip archive ({error}): the download was "
                "truncated or the file is corrupt.\n"
                "Delete it and download it again, or point HTRU2_URL at a good copy.") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{origin} is not a text CSV file.\n{REPAIR}") from None


# --- the cache ----------------------------------------------------------------

def read_cache(cache: Path, size: int = MAX_CSV_BYTES + 1) -> str:
    """The text of the cached file (its first ``size`` bytes: more is not HTRU2 anyway).

    A folder or a file that cannot be read gives a DataError that says what to do.
    """
    if cache.is_dir():
        raise DataError(
            f"The data cache {cache} is a folder; it must be a file.\n"
            f"If you set HTRU2_CACHE, make it name a file, for example\n"
            f"    {with_variable('HTRU2_CACHE', str(cache / CSV_NAME), 'data')}")
    try:
        with cache.open("rb") as file:
            return file.read(size).decode("utf-8", errors="replace")
    except OSError as error:
        raise DataError(
            f"The cached file {cache} cannot be read ({error.strerror or error}).\n"
            f"Make it readable (`chmod a+r {cache}`), or move it away and run {FETCH} again.") from None


def _is_htru2_row(line: str) -> bool:
    fields = line.split(",")
    try:
        [float(field) for field in fields]
    except ValueError:
        return False
    return len(fields) == N_COLUMNS


def _refuse_to_overwrite_unless_htru2(cache: Path) -> None:
    """Raise unless ``cache`` is missing, empty, or starts with an HTRU2 row (a good or damaged copy).

    Whatever else is there belongs to the user, and the course never overwrites it.
    """
    if not cache.exists():
        return
    first = normalise(read_cache(cache, size=1024)).split("\n", 1)[0]
    if first.strip() and not _is_htru2_row(first):
        raise DataError(
            f"{cache} is not HTRU2 data (it begins {first[:40]!r}), so the course will not "
            "overwrite it.\n"
            f"If HTRU2_CACHE names it, set HTRU2_CACHE to a new file (for example "
            f"HTRU2_CACHE=~/htru2/{CSV_NAME});\notherwise move the file away and run {FETCH} again.")


def _remove_stale_parts(cache: Path) -> None:
    """Delete the hidden ``.part`` files that a write killed midway left beside the cache."""
    if not cache.parent.is_dir():
        return
    for part in cache.parent.iterdir():
        if part.name.startswith(f".{cache.name}.") and part.name.endswith(".part"):
            with contextlib.suppress(OSError):  # gone already, or not ours to delete
                if time.time() - part.stat().st_mtime > STALE_PART_AGE:
                    part.unlink()


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash never leaves a half-written file there.

    The text goes to a hidden ``.<name>.<pid>.<random>.part`` file beside ``path``, created
    with the permissions the umask gives any new file, and is renamed over ``path`` once
    it is on disk.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _save(cache: Path, text: str) -> None:
    try:
        _write_atomically(cache, text)
    except OSError as error:
        raise DataError(
            f"The verified data could not be saved as {cache} ({error.strerror or error}).\n"
            f"Make the folder {cache.parent} writable, or keep the data in a folder you can "
            f"write to (and keep HTRU2_CACHE set when you run the notebooks):\n"
            f"    {with_variable('HTRU2_CACHE', '~/htru2/' + CSV_NAME, 'data')}") from None


def fetch(source: str | None = None, cache: Path | None = None, progress: bool = True) -> Path:
    """Fetch HTRU2 from ``source`` (default: ``HTRU2_URL`` or UCI), verify it, cache it.

    Nothing is written unless the data verifies, the cache is replaced atomically,
    and a file at ``cache`` that is not HTRU2 data is never overwritten.
    Returns the path of the cached CSV.
    """
    source = source or default_source()
    cache = cache or cache_path()
    _refuse_to_overwrite_unless_htru2(cache)
    _remove_stale_parts(cache)
    raw, origin = read_source(source, progress)
    text = verify(extract_csv(raw, origin), origin,
                  fix=f"Nothing was saved. Check the source, or unset HTRU2_URL to use {UCI_URL}.")
    _save(cache, text)
    return cache


def ensure(cache: Path | None = None, force: bool = False, progress: bool = True) -> Path:
    """Make sure the verified CSV is cached: keep a good cache, replace a missing or damaged one."""
    cache = cache or cache_path()
    _remove_stale_parts(cache)
    if cache.exists() and not force:
        text = read_cache(cache)
        try:
            content = verify(text, f"The cached file {cache}")
        except DataError as problem:
            _refuse_to_overwrite_unless_htru2(cache)
            print(f"{problem.args[0].splitlines()[0]}\nFetching a fresh copy.", file=sys.stderr)
        else:
            if text != content + "\n":        # e.g. Windows line endings or a byte-order mark
                with contextlib.suppress(DataError):  # a read-only copy is good as it is
                    _save(cache, content)
            return cache
    return fetch(cache=cache, progress=progress)


# --- loading ----------------------------------------------------------------

def load_htru2(cache: Path | None = None) -> "pandas.DataFrame":  # noqa: F821
    """The full HTRU2 table, verified: 17,898 rows, the 8 features and ``label`` (1 = pulsar).

    Fetches the data first if it is not cached yet.  The cached file is verified
    on every call (it takes milliseconds), so a damaged file never goes unnoticed.
    """
    import pandas as pd

    cache = cache or cache_path()
    if not cache.exists():
        fetch(cache=cache)
    content = verify(read_cache(cache), f"The cached file {cache}",
                     fix=f"Delete it and run {FETCH} to fetch and verify a fresh copy.")
    frame = pd.read_csv(io.StringIO(content), header=None, names=COLUMNS)
    frame["label"] = frame["label"].astype(int)
    return frame


def balanced(frame, seed: int = SEED):
    """All pulsars plus an equal, seeded sample of non-pulsars, shuffled (3,278 rows)."""
    import pandas as pd

    pulsars = frame[frame.label == 1]
    others = frame[frame.label == 0].sample(n=len(pulsars), random_state=seed)
    both = pd.concat([pulsars, others])
    return both.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def train_test_split(X: np.ndarray, y: np.ndarray, test_fraction: float = 0.25,
                     seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A seeded split that keeps the class balance in both parts.

    X: (n_samples, n_features)   y: (n_samples,)
    returns X_train, X_test, y_train, y_test
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}: they must match.")
    rng = np.random.default_rng(seed)
    test = []
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        test.extend(rows[: round(test_fraction * len(rows))])
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test] = True
    train_rows = rng.permutation(np.flatnonzero(~is_test))
    test_rows = rng.permutation(np.flatnonzero(is_test))
    return X[train_rows], X[test_rows], y[train_rows], y[test_rows]


@dataclass(frozen=True)
class Standardiser:
    """Shift and scale each feature to mean 0 and standard deviation 1.

    Fit it on the training split only, then apply it to any data::

        scaler = Standardiser.fit(X_train)      # mean, std: (n_features,)
        X_test_scaled = scaler(X_test)
    """
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray) -> "Standardiser":
        return cls(X.mean(axis=0), X.std(axis=0))

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.std


class PulsarSplit(NamedTuple):
    """The course's standard data: the balanced pulsars, split and standardised."""
    X_train: np.ndarray   # (2458, 8) standardised features
    X_test: np.ndarray    # (820, 8)
    y_train: np.ndarray   # (2458,) 0 or 1
    y_test: np.ndarray    # (820,)
    scaler: Standardiser  # fitted on X_train; apply it to any other pulsar data


def pulsar_split(seed: int = SEED, test_fraction: float = 0.25) -> PulsarSplit:
    """The balanced pulsar data, split (seeded) and standardised on the training split.

    Every notebook from the data notebook on uses this, so all the networks
    of the course are trained and scored on exactly the same rows.
    """
    frame = balanced(load_htru2(), seed)
    X = frame[FEATURES].to_numpy(dtype=float)
    y = frame["label"].to_numpy(dtype=int)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction, seed)
    scaler = Standardiser.fit(X_train)
    return PulsarSplit(scaler(X_train), scaler(X_test), y_train, y_test, scaler)


def one_hot(y: np.ndarray, n_classes: int = 2) -> np.ndarray:
    """Labels (n,) as one-hot rows (n, n_classes): 0 -> [1, 0], 1 -> [0, 1]."""
    return np.eye(n_classes)[np.asarray(y, dtype=int)]


# --- command line -----------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demystify.data",
        description="Fetch the HTRU2 pulsar data (HTRU2_URL or UCI), verify it and cache it.")
    parser.add_argument("--force", action="store_true", help="fetch again even if the cache is good")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        path = ensure(force=args.force, progress=not args.quiet)
    except DataError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    print(f"✓ {shown} verified: {N_ROWS:,} rows, {N_PULSARS:,} pulsars, SHA-256 {SHA256[:12]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
