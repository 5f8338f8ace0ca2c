"""The slide decks open from disk in a real browser with the network cut off, and read right.

Every deck that `python3 course.py slides` makes is built once per test session into a temporary folder
(with demystify.slides, the code behind `python3 course.py slides`), then opened from ``file://`` in
headless Chromium, in which no request can leave the machine: host names resolve nowhere, the
proxy is a closed port, and every request the page makes is recorded over the DevTools
protocol and failed unless it is a local file.  For each deck the tests prove that

- the page asked for nothing but local files (reveal.js, MathJax, fonts all from assets/);
- reveal.js started and the first slides show real content (screenshots with enough ink);
- MathJax typeset every formula (its output is present, no TeX error, no raw ``$...$`` left);
- the deck has exactly the slides and sub-slides that the cells' slide types call for;
- the speaker notes are in the deck, and the speaker view shows them offline.

Control decks prove that the detectors can fail: nbconvert's default deck (CDN scripts) is
caught asking the network and shows raw TeX, a remote image is caught, a blank slide is caught.

Needs Debian's ``chromium`` (.ci/run installs it; or set $CHROMIUM to a Chrome/Chromium
binary) and, the first time, npm to fetch the pinned JavaScript.  Without them these tests
skip with the reason; with SLIDES_TESTS_REQUIRED=1 (as .ci/run sets) they fail instead.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from demystify import slides

websocket = pytest.importorskip("websocket", reason="websocket-client drives Chromium")
Image = pytest.importorskip("PIL.Image", reason="Pillow reads the screenshots")

NOTEBOOKS = slides.slide_notebooks()
FIRST_SLIDES = 3  # how many of the first slides must show content
MIN_INK = 0.002  # a slide with a line or two of text darkens 0.2% of the screenshot; blank: 0
VIEWPORT = (1280, 800)
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    # Nothing can leave the machine: no host name resolves, and every http(s) request
    # (even to an IP address) goes to a proxy on a closed local port.
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
    "--remote-debugging-port=0",
]


def unavailable(reason: str):
    """Skip, or fail where the browser tests are required (CI)."""
    if os.environ.get("SLIDES_TESTS_REQUIRED") == "1":
        pytest.fail(f"{reason} (SLIDES_TESTS_REQUIRED=1)")
    pytest.skip(reason)


# --- what the notebook's metadata asks for ----------------------------------------

def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"


def expected_slides(notebook) -> tuple[int, int]:
    """(horizontal slides, all slides) that the cells' slide types call for.

    A ``slide`` cell opens a section, a ``subslide`` a vertical slide within it, and the first
    cell that is shown (not ``skip`` nor ``notes``) always opens the first section.
    """
    horizontal = total = 0
    for cell in notebook.cells:
        kind = slide_type(cell)
        if kind in ("skip", "notes"):
            continue
        if total == 0 or kind == "slide":
            horizontal, total = horizontal + 1, total + 1
        elif kind == "subslide":
            total += 1
    return horizontal, total


def has_math(notebook) -> bool:
    shown = [c.source for c in notebook.cells if c.cell_type == "markdown" and slide_type(c) != "skip"]
    return bool(re.search(r"\$[^$]+\$", "\n".join(shown)))


# --- headless Chromium over the DevTools protocol -----------------------------------

def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome",
                 "google-chrome-stable"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@dataclass
class Visit:
    """What happened when a deck was opened."""
    remote: list[str] = field(default_factory=list)  # every non-local URL the page asked for
    ready: bool = False  # reveal.js started and MathJax finished
    facts: dict = field(default_factory=dict)  # measured in the page, see Chromium.inspect
    ink: list[float] = field(default_factory=list)  # share of non-background pixels, first slides
    problem: str = ""


class Chromium:
    """One headless Chromium for the session; ``open`` visits a page in a fresh tab."""

    def __init__(self, executable: str, profile: Path):
        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().split()) == 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{executable} did not start (exit code {self.process.poll()})")
            time.sleep(0.05)
        port, path = port_file.read_text().split()
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=60,
                                              suppress_origin=True)
        self.next_id = 0
        self.remote: dict[str, list[str]] = {}  # session id -> non-local URLs requested

    def close(self):
        self.ws.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    # protocol plumbing
    def post(self, method: str, session: str | None = None, **params) -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        return self.next_id

    def call(self, method: str, session: str | None = None, **params) -> dict:
        waiting = self.post(method, session, **params)
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == waiting:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.event(message)

    def pump(self, seconds: float):
        """Handle events for ``seconds``."""
        end = time.monotonic() + seconds
        self.ws.settimeout(0.05)
        try:
            while time.monotonic() < end:
                try:
                    self.event(json.loads(self.ws.recv()))
                except websocket.WebSocketTimeoutException:
                    pass
        finally:
            self.ws.settimeout(60)

    def event(self, message: dict):
        method, params, session = message.get("method"), message.get("params", {}), message.get("sessionId")
        if method == "Network.requestWillBeSent":  # every request, before anything can block it
            url = params["request"]["url"]
            if not url.startswith(LOCAL_SCHEMES):
                self.remote.setdefault(session, []).append(url)
        elif method == "Fetch.requestPaused":  # the page's own block: only local files pass
            url = params["request"]["url"]
            if url.startswith(LOCAL_SCHEMES):
                self.post("Fetch.continueRequest", session, requestId=params["requestId"])
            else:
                self.post("Fetch.failRequest", session, requestId=params["requestId"],
                          errorReason="BlockedByClient")

    def evaluate(self, session: str, expression: str):
        result = self.call("Runtime.evaluate", session, expression=expression,
                           returnByValue=True, awaitPromise=True, userGesture=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}...: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, session: str, expression: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.evaluate(session, expression):
                return True
            self.pump(0.1)
        return False

    # a visit
    def open_tab(self, url: str) -> tuple[str, str]:
        """Open ``url`` in a new tab with the network blocked; return (target id, session id)."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.remote[session] = []
        self.call("Network.enable", session)
        self.call("Fetch.enable", session, patterns=[{"urlPattern": "*"}])
        self.call("Page.enable", session)
        width, height = VIEWPORT
        self.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", session, url=url)
        return target, session

    def close_tab(self, target: str):
        self.call("Target.closeTarget", targetId=target)

    def screenshot_ink(self, session: str) -> float:
        """Share of the viewport's pixels that differ clearly from the background colour."""
        png = base64.b64decode(self.call("Page.captureScreenshot", session, format="png")["data"])
        grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=int)
        background = np.bincount(grey.ravel()).argmax()
        return float(np.mean(np.abs(grey - background) > 40))

    def inspect(self, deck: Path, first_slides: int = FIRST_SLIDES, wait: float = 30) -> Visit:
        """Open ``deck`` from disk and measure it."""
        visit = Visit()
        target, session = self.open_tab(deck.resolve().as_uri())
        try:
            visit.ready = self.wait_for(session, READY, wait)
            if not visit.ready:
                visit.problem = self.evaluate(session, WHY_NOT_READY)
                visit.facts = self.evaluate(session, FACTS)
                return visit
            self.evaluate(session, "Reveal.configure({controls: false, progress: false, slideNumber: false})")
            for index in range(min(first_slides, self.evaluate(session, "Reveal.getTotalSlides()"))):
                self.evaluate(session, "(() => { const i = Reveal.getIndices(Reveal.getSlides()"
                                       f"[{index}]); Reveal.slide(i.h, i.v, 99); }})()")
                self.pump(0.2)
                self.wait_for(session, MATHJAX_IDLE, 10)
                visit.ink.append(self.screenshot_ink(session))
            visit.facts = self.evaluate(session, FACTS)
            return visit
        finally:
            self.pump(0.1)
            visit.remote = list(self.remote.pop(session, []))
            self.close_tab(target)


MATHJAX_IDLE = "!!(window.MathJax && MathJax.Hub && !MathJax.Hub.queue.pending && !MathJax.Hub.queue.running)"
READY = f"document.readyState === 'complete' && !!(window.Reveal && Reveal.isReady()) && {MATHJAX_IDLE}"
WHY_NOT_READY = """(() => [
    window.Reveal ? (Reveal.isReady() ? '' : 'reveal.js did not finish starting') : 'reveal.js did not load',
    window.MathJax && MathJax.Hub ? '' : 'MathJax did not load'].filter(Boolean).join('; '))()"""
# Measured in the page once it is ready.  Text of code (pre, code) is not maths, nor is script.
FACTS = """(() => {
    const slides = document.querySelector('.reveal .slides');
    const copy = slides.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, .MathJax_Preview, .mjx-chtml, .MathJax_CHTML')
        .forEach(e => e.remove());
    const notes = [...document.querySelectorAll('.reveal .slides aside.notes')];
    return {
        horizontal: window.Reveal ? Reveal.getHorizontalSlides().length : null,
        total: window.Reveal ? Reveal.getTotalSlides() : null,
        math: document.querySelectorAll('.MathJax_CHTML').length,
        mathErrors: document.querySelectorAll('.MathJax_CHTML .mjx-merror, .MathJax_Error').length,
        rawTex: (copy.textContent.match(/\\$[^$]+\\$|\\\\\\(|\\\\\\[/g) || []).slice(0, 5),
        notes: notes.map(n => n.textContent.trim()).filter(Boolean),
        brokenImages: [...document.images].filter(i => i.complete && !i.naturalWidth).map(i => i.src),
        tall: window.Reveal ? Reveal.getSlides().map((slide, index) => {  // content taller than a slide
            // reveal.js hides slides away from the current one: show the slide (and its section)
            // for as long as it takes to measure it.
            const shown = [slide, slide.parentElement].map(e => [e, e.style.display, e.hidden]);
            shown.forEach(([e]) => { e.style.display = 'block'; e.hidden = false; });
            const height = slide.scrollHeight;
            shown.forEach(([e, display, hidden]) => { e.style.display = display; e.hidden = hidden; });
            return [index + 1, height];
        }).filter(([index, height]) => height > Reveal.getConfig().height + 2) : [],
    };
})()"""


# --- session fixtures ------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        unavailable("no Chromium to test the slide decks in: install Debian's `chromium` "
                    "(apt-get install chromium) or set CHROMIUM=/path/to/chrome")
    browser = Chromium(executable, tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def deck_folder(tmp_path_factory) -> Path:
    """Every deck, built once per session, exactly as `python3 course.py slides` builds them."""
    out = tmp_path_factory.mktemp("slides")
    try:
        slides.build(NOTEBOOKS, out, log=lambda line: None)
    except slides.SlidesError as error:
        unavailable(str(error))
    return out


class TallSlideWarning(UserWarning):
    """A slide's content is taller than the slide: the static deck scrolls it, RISE may cut it."""


@pytest.fixture(scope="session")
def visits(chromium, deck_folder) -> dict[str, Visit]:
    """Each deck, opened once; the tests below read what was measured.

    Slides taller than the screen are reported as warnings (they scroll, so nothing is lost,
    but they read badly): split them with a `subslide`, or shorten the code above a plot.
    """
    found = {nb.name: chromium.inspect(deck_folder / slides.deck_name(nb)) for nb in NOTEBOOKS}
    height = int(slides.SLIDE_SIZE[1])
    for name, visit in found.items():
        if visit.facts.get("tall"):
            warnings.warn(TallSlideWarning(
                f"{name}: slides taller than the screen ({height} px): " + ", ".join(
                    f"{index} ({pixels} px)" for index, pixels in visit.facts["tall"])), stacklevel=2)
    return found


def ident(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def control_deck(folder: Path, name: str, cells, exporter=None) -> Path:
    """A deck of a small notebook, built beside the real decks (so it finds assets/)."""
    notebook_path = folder / f"{name}.ipynb"
    notebook = new_notebook(cells=cells)
    nbformat.write(notebook, notebook_path)
    deck = folder / f"{name}.slides.html"
    body, _ = (exporter or slides.exporter()).from_filename(str(notebook_path))
    deck.write_text(body, encoding="utf-8")
    return deck


def cell(kind: str, source: str, slide: str):
    make = new_markdown_cell if kind == "markdown" else new_code_cell
    return make(source, metadata={"slideshow": {"slide_type": slide}})


# --- every deck ---------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ident)
def test_deck_asks_nothing_of_the_network(visits, notebook):
    visit = visits[notebook.name]
    assert visit.remote == [], f"the deck requested (and was refused) {visit.remote}"


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ident)
def test_deck_starts_and_its_first_slides_show_content(visits, notebook):
    visit = visits[notebook.name]
    assert visit.ready, f"the deck did not start offline: {visit.problem}"
    blank = [i + 1 for i, ink in enumerate(visit.ink) if ink < MIN_INK]
    assert visit.ink and not blank, f"slides {blank} look blank (ink {visit.ink})"
    assert visit.facts["brokenImages"] == [], "images that did not load"


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ident)
def test_deck_typesets_every_formula(visits, notebook):
    facts = visits[notebook.name].facts
    assert facts["rawTex"] == [], f"TeX left untypeset: {facts['rawTex']}"
    assert facts["mathErrors"] == 0, "MathJax could not typeset some TeX (shown in red)"
    if has_math(nbformat.read(notebook, as_version=4)):
        assert facts["math"] > 0, "the notebook has equations, the deck shows none"


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ident)
def test_deck_has_the_slides_its_metadata_asks_for(visits, notebook):
    facts = visits[notebook.name].facts
    horizontal, total = expected_slides(nbformat.read(notebook, as_version=4))
    assert (facts["horizontal"], facts["total"]) == (horizontal, total)


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=ident)
def test_deck_carries_the_speaker_notes(visits, notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    notes = [c for c in cells if slide_type(c) == "notes"]
    assert notes, "no speaker notes: add a markdown cell of slide type `notes`"
    assert len(visits[notebook.name].facts["notes"]) == len(notes)


@pytest.mark.browser
def test_speaker_view_opens_offline_with_the_notes(chromium, deck_folder):
    notebook = next(nb for nb in NOTEBOOKS  # a deck whose first slide has notes
                    if slide_type(nbformat.read(nb, as_version=4).cells[1]) == "notes")
    target, session = chromium.open_tab((deck_folder / slides.deck_name(notebook)).as_uri())
    words = "(text => text.trim().replace(/\\s+/g, ' '))"
    try:
        assert chromium.wait_for(session, READY, 30)
        note = chromium.evaluate(session, f"{words}(document.querySelector('aside.notes').textContent)")
        chromium.call("Target.setDiscoverTargets", discover=True)
        chromium.evaluate(session, "Reveal.getPlugin('notes').open()")  # the S key
        popup = None
        for _ in range(50):
            chromium.pump(0.1)
            popup = next((t for t in chromium.call("Target.getTargets")["targetInfos"]
                          if t.get("openerId") == target), None)
            if popup:
                break
        assert popup, "pressing S opened no speaker view"
        view = chromium.call("Target.attachToTarget", targetId=popup["targetId"], flatten=True)["sessionId"]
        shown = f"{words}(document.querySelector('.speaker-controls-notes .value')?.textContent || '')"
        assert chromium.wait_for(view, f"{shown} === {json.dumps(note)}", 20), (
            f"the speaker view does not show the first slide's notes: {note[:60]}...")
        chromium.close_tab(popup["targetId"])
    finally:
        chromium.call("Target.setDiscoverTargets", discover=False)
        chromium.close_tab(target)


# --- the detectors can fail ------------------------------------------------------------

@pytest.mark.browser
def test_a_deck_that_loads_from_cdns_is_caught_and_shows_raw_tex(chromium, deck_folder):
    from nbconvert import SlidesExporter  # nbconvert's defaults: reveal, MathJax, ... from CDNs

    deck = control_deck(deck_folder, "cdn-control", [
        cell("markdown", "# A deck as nbconvert makes it\nThe loss $\\mathcal{L}$.", "slide")],
        SlidesExporter())
    visit = chromium.inspect(deck, wait=5)
    hosts = {re.sub(r"^https?://([^/]+)/.*", r"\1", url) for url in visit.remote}
    assert {"unpkg.com", "cdnjs.cloudflare.com"} <= hosts
    assert not visit.ready and "did not load" in visit.problem
    assert visit.facts["rawTex"] == ["$\\mathcal{L}$"]


@pytest.mark.browser
def test_a_remote_image_is_caught_and_refused(chromium, deck_folder):
    deck = control_deck(deck_folder, "image-control", [
        cell("markdown", "# Offline deck\n<img src='https://example.org/pulsar.png'>", "slide")])
    visit = chromium.inspect(deck)
    assert set(visit.remote) == {"https://example.org/pulsar.png"}
    assert visit.facts["brokenImages"] == ["https://example.org/pulsar.png"]


@pytest.mark.browser
def test_a_blank_slide_is_caught_and_dollars_in_code_are_not_taken_for_tex(chromium, deck_folder):
    deck = control_deck(deck_folder, "blank-control", [
        cell("markdown", " ", "slide"),
        cell("markdown", "## A slide with content\nIt costs 5 dollars, or 4 pounds.", "slide"),
        cell("code", "print('$x$ in code is not maths')", "-"),
    ])
    visit = chromium.inspect(deck, first_slides=2)
    assert visit.ready and visit.remote == []
    assert visit.ink[0] < MIN_INK < visit.ink[1]
    assert visit.facts["rawTex"] == [] and visit.facts["math"] == 0


@pytest.mark.browser
def test_slide_count_follows_nbconverts_rules_for_awkward_metadata(chromium, deck_folder):
    cells = [
        cell("markdown", "set-up, hidden", "skip"),
        cell("markdown", "a note before anything is shown", "notes"),
        cell("markdown", "# First shown cell opens the first slide, whatever its type", "subslide"),
        cell("markdown", "more of it", "fragment"),
        cell("markdown", "## A second slide", "slide"),
        cell("code", "1 + 1", "-"),
        cell("markdown", "### its sub-slide", "subslide"),
        cell("markdown", "hidden", "skip"),
        cell("markdown", "### another sub-slide", "subslide"),
    ]
    deck = control_deck(deck_folder, "count-control", cells)
    visit = chromium.inspect(deck, first_slides=1)
    assert expected_slides(new_notebook(cells=cells)) == (2, 4)
    assert (visit.facts["horizontal"], visit.facts["total"]) == (2, 4)


# --- without a browser --------------------------------------------------------------------

def test_every_lesson_and_solution_has_a_deck_and_exercises_have_none():
    names = [slides.deck_name(nb) for nb in NOTEBOOKS]
    assert len(set(names)) == len(names)
    solutions = {p.name for p in (slides.ROOT / "solutions").glob("*.ipynb")}
    for notebook in NOTEBOOKS:
        assert notebook.parent.name == ("solutions" if notebook.name in solutions else "notebooks")
    assert slides.deck_name(slides.ROOT / "solutions" / "06-weights-exercises.ipynb") == \
        "06-weights-exercises.solution.slides.html"


def test_deck_html_loads_scripts_and_styles_only_from_assets(tmp_path):
    """A check that needs no browser: every src, href and import of a deck is a local file."""
    deck = slides.build_deck(slides.ROOT / "notebooks" / "01-introduction.ipynb", tmp_path)
    page = deck.read_text()
    loads = re.findall(r"""<(?:script|link)[^>]*?(?:src|href)=["']([^"']+)""", page)
    loads += re.findall(r"""(?:import\s[^'"]*from\s*|@import\s+url\()["']?([^"')]+)""", page)
    for modules in re.findall(r"require\((?:\s*\{[^}]*\},)?\s*\[([^\]]*)\]", page):
        loads += re.findall(r"""["']([^"']+)["']""", modules)
    assert len(loads) >= 7 and all(url.startswith("assets/") for url in loads), loads


def test_schedule_is_rewritten_between_its_markers_only(tmp_path):
    guide = tmp_path / "README.md"
    guide.write_text(f"intro\n{slides.SCHEDULE_BEGIN}\nold table\n{slides.SCHEDULE_END}\noutro\n")
    slides.refresh_readme("| new |", guide)
    slides.refresh_readme("| newer |", guide)
    assert guide.read_text() == f"intro\n{slides.SCHEDULE_BEGIN}\n| newer |\n{slides.SCHEDULE_END}\noutro\n"
    assert slides.SCHEDULE_BEGIN in (slides.SLIDES / "README.md").read_text()


def test_solution_decks_show_the_code_without_the_exercise_markers(tmp_path):
    solution = next(nb for nb in NOTEBOOKS if nb.parent.name == "solutions")
    assert "### BEGIN SOLUTION" in solution.read_text()
    page = slides.build_deck(solution, tmp_path).read_text()
    assert "BEGIN SOLUTION" not in page and "END SOLUTION" not in page and "### HINT:" not in page
    before = nbformat.read(solution, as_version=4)
    after = slides.without_exercise_markers(nbformat.read(solution, as_version=4))
    for old, new in zip(before.cells, after.cells, strict=True):  # only the marker lines go; the answers stay
        assert new.source.splitlines() == [line for line in old.source.splitlines()
                                           if not line.strip().startswith(("### BEGIN SOLUTION",
                                                                           "### END SOLUTION",
                                                                           "### HINT:"))]


def test_the_presenters_copies_show_the_notes_and_change_nothing_else(tmp_path):
    """RISE's speaker view takes a collapsed notes cell's first line only: the copies expand them."""
    lesson = slides.ROOT / "notebooks" / "04-pulsar-data.ipynb"
    [copy] = slides.presenter_copies(tmp_path, [lesson])
    original, shown = (nbformat.read(path, as_version=4) for path in (lesson, copy))
    notes = [i for i, cell in enumerate(original.cells) if cell.metadata["slideshow"]["slide_type"] == "notes"]
    assert notes and all(original.cells[i].metadata["jupyter"]["source_hidden"] for i in notes)
    assert not any(shown.cells[i].metadata.get("jupyter", {}).get("source_hidden") for i in notes)
    for before, after in zip(original.cells, shown.cells, strict=True):
        assert before.source == after.source and before.get("outputs") == after.get("outputs")
    assert "Edit the originals" in (tmp_path / "README.md").read_text()
