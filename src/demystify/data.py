"""The HTRU2 pulsar data: download, verify, cache and load.

HTRU2 (Lyon et al. 2016) describes 17,898 radio-telescope candidates by eight
statistics; 1,639 of them are real pulsars.  The course never ships the data:
this module fetches the official UCI archive (or a copy named by the
``HTRU2_URL`` environment variable), checks that it is exactly the published
data set, and caches the verified CSV as ``data/HTRU_2.csv``.

Command line (``make data`` runs this)::

    python -m demystify.data            # fetch if needed, then verify
    python -m demystify.data --force    # fetch again even if the cache is good

In a notebook::

    from demystify.data import load_htru2, pulsar_split
    df = load_htru2()                                   # DataFrame, 17,898 x 9
    X_train, X_test, y_train, y_test, scaler = pulsar_split()
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlparse

import numpy as np

UCI_URL = "https://archive.ics.uci.edu/static/public/372/htru2.zip"
UCI_PAGE = "https://archive.ics.uci.edu/dataset/372/htru2"
CSV_NAME = "HTRU_2.csv"
SHA256 = "770932f2a324cb5f0b5ef2a33854fa8e4f47b9cd784b9f7fe60903fa63c8c294"
N_ROWS, N_COLUMNS, N_PULSARS = 17_898, 9, 1_639
from .reference import SEED  # 2019, the year of the original workshop: every split uses it

FEATURES = [
    "profile_mean", "profile_std", "profile_kurtosis", "profile_skewness",
    "dmsnr_mean", "dmsnr_std", "dmsnr_kurtosis", "dmsnr_skewness",
]
COLUMNS = FEATURES + ["label"]

REPAIR = "Run `make data` (or `python -m demystify.data`) to fetch and verify a fresh copy."


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
    repo = Path(__file__).resolve().parents[2]
    if (repo / "pyproject.toml").exists() and (repo / "data").is_dir():
        return repo / "data" / CSV_NAME
    return Path.home() / ".cache" / "demystify" / CSV_NAME


def default_source() -> str:
    """The ``HTRU2_URL`` environment variable if set, else the official UCI archive."""
    return os.environ.get("HTRU2_URL") or UCI_URL


# --- verification -----------------------------------------------------------

def normalise(text: str) -> str:
    """The CSV with ``\\n`` line endings and no trailing newline (what the checksum covers)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


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
        "    HTRU2_URL=/path/to/htru2.zip make data\n"
        f"or copy {CSV_NAME} into data/ and run `make data` again to verify it.")


def _download(url: str, progress: bool) -> bytes:
    """The bytes at ``url``, with a progress bar; every failure becomes a DataError."""
    from tqdm import tqdm

    try:
        response = urllib.request.urlopen(url, timeout=60)
    except urllib.error.HTTPError as error:
        raise DataError(
            f"HTRU2 data could not be downloaded from {url} "
            f"(HTTP {error.code} {error.reason}).\n"
            f"Check the address, or download htru2.zip from {UCI_PAGE} by hand and run\n"
            "    HTRU2_URL=/path/to/htru2.zip make data") from None
    except (urllib.error.URLError, OSError) as error:
        raise DataError(_no_network_help(getattr(error, "reason", error))) from None

    with response:
        size = response.headers.get("Content-Length")
        total = int(size) if size and size.isdigit() else None
        chunks = []
        with tqdm(total=total, unit="B", unit_scale=True, desc="HTRU2",
                  disable=not progress, file=sys.stderr) as bar:
            try:
                while chunk := response.read(64 * 1024):
                    chunks.append(chunk)
                    bar.update(len(chunk))
            except (OSError, http.client.IncompleteRead) as error:
                got = sum(map(len, chunks))
                raise DataError(
                    f"The download of {url} was cut off after {got:,} bytes ({error}).\n"
                    "Nothing was saved. Run `make data` again; if it keeps failing, "
                    "download htru2.zip by hand and set HTRU2_URL to its path.") from None
    data = b"".join(chunks)
    if total is not None and len(data) < total:
        raise DataError(
            f"The download of {url} was cut off after {len(data):,} of {total:,} bytes.\n"
            "Nothing was saved. Run `make data` again.")
    return data


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
    if not path.exists():
        raise DataError(
            f"The HTRU2 source {path} does not exist.\n"
            "Set HTRU2_URL to the path of htru2.zip or HTRU_2.csv (or a file:// or "
            f"http(s) URL), or unset it to download from UCI ({UCI_URL}).")
    return path


def read_source(source: str, progress: bool = True) -> tuple[bytes, str]:
    """The raw bytes of ``source`` (URL, ``file://`` URL or path) and a name for messages."""
    if source.startswith(("http://", "https://")):
        return _download(source, progress), source
    path = _local_path(source)
    return path.read_bytes(), str(path)


def extract_csv(raw: bytes, origin: str) -> str:
    """The text of HTRU_2.csv from a zip archive or a bare CSV."""
    if raw[:2] == b"PK" or origin.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                members = [n for n in archive.namelist() if n.endswith(CSV_NAME)]
                if not members:
                    raise DataError(
                        f"{origin} is a zip archive without {CSV_NAME} "
                        f"(it holds: {', '.join(archive.namelist()) or 'nothing'}).\n"
                        f"Download the official archive from {UCI_PAGE}.")
                raw = archive.read(members[0])
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise DataError(
                f"{origin} is not a complete zip archive ({error}): the download was "
                "truncated or the file is corrupt.\n"
                "Delete it and download it again, or point HTRU2_URL at a good copy.") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{origin} is not a text CSV file.\n{REPAIR}") from None


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash never leaves a half-written file there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fetch(source: str | None = None, cache: Path | None = None, progress: bool = True) -> Path:
    """Fetch HTRU2 from ``source`` (default: ``HTRU2_URL`` or UCI), verify it, cache it.

    Nothing is written unless the data verifies, and the cache is replaced
    atomically.  Returns the path of the cached CSV.
    """
    source = source or default_source()
    cache = cache or cache_path()
    raw, origin = read_source(source, progress)
    text = verify(extract_csv(raw, origin), origin,
                  fix=f"Nothing was saved. Check the source, or unset HTRU2_URL to use {UCI_URL}.")
    _write_atomically(cache, text)
    return cache


def ensure(cache: Path | None = None, force: bool = False, progress: bool = True) -> Path:
    """Make sure the verified CSV is cached: keep a good cache, replace a missing or bad one."""
    cache = cache or cache_path()
    if cache.exists() and not force:
        try:
            text = cache.read_text(encoding="utf-8", errors="replace")
            content = verify(text, f"The cached file {cache}")
            if text != content + "\n":        # e.g. a copy with Windows line endings
                _write_atomically(cache, content)
            return cache
        except DataError as problem:
            print(f"{problem.args[0].splitlines()[0]}\nFetching a fresh copy.", file=sys.stderr)
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
    text = cache.read_text(encoding="utf-8", errors="replace")
    content = verify(text, f"The cached file {cache}",
                     fix="Delete it and run `make data` to fetch and verify a fresh copy.")
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
