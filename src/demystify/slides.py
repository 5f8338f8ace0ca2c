"""Offline slide decks of the course notebooks, and the instructor's timetable.

    python -m demystify.slides                     # every deck (`python3 course.py slides`)
    python -m demystify.slides notebooks/05-pytorch-baseline.ipynb
    python -m demystify.slides --schedule          # run every notebook, print the timetable
    python -m demystify.slides --schedule --write  # ... and refresh it in slides/README.md

Every lesson notebook becomes ``slides/NN-topic.slides.html`` and every solution notebook
``slides/NN-topic-exercises.solution.slides.html`` (exercise notebooks have no deck: their
solution is the deck), with ``slides/index.html`` listing them.  A deck is nbconvert's reveal.js
export with the speaker notes (cells of slide type ``notes``) in it, and it needs no network:

- reveal.js 4, MathJax 2 (the reveal template calls the MathJax 2 API), require.js and jQuery
  are npm packages pinned in ``slides/package-lock.json``.  ``npm ci`` fetches them once into
  ``slides/node_modules/``; the files a deck loads are copied to ``slides/assets/``.
- nbconvert's exporter options point the decks at those files instead of its CDNs, and the
  template ``slides/templates/offline`` removes the two loads no option can redirect (mermaid,
  widgets).  The theme is reveal's ``white``: nbconvert's default, ``simple``, imports Google
  Fonts.

The built decks and the assets are not committed (.gitignore); ``slides/`` can be copied as a
folder to a USB stick and opened from ``file://`` with no wifi.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import nbformat

from demystify.course import ROOT, command, is_solution, lessons_and_solutions
from demystify.exercises import BEGIN, END, HINT

SLIDES = ROOT / "slides"  # package.json, package-lock.json, templates/, README.md

# What a deck loads, relative to the deck's folder (everything lives under assets/).
REVEAL_URL = "assets/reveal.js"
MATHJAX_URL = "assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
REQUIRE_URL = "assets/require.js"
JQUERY_URL = "assets/jquery.min.js"

# The slide's size in CSS pixels before reveal.js scales it to the screen (16:10).
SLIDE_SIZE = ("1280", "800")

# RISE's settings, which every notebook carries in its metadata (JupyterLab's RISE reads them
# there): a slide taller than the screen scrolls; RISE's default cuts it off at the bottom.
RISE = {"scroll": True}

# node_modules/<source> is copied to assets/<destination>.
ASSETS = {
    "reveal.js/dist": "reveal.js/dist",
    "reveal.js/plugin/notes": "reveal.js/plugin/notes",
    "reveal.js/LICENSE": "reveal.js/LICENSE",
    "mathjax": "mathjax",
    "requirejs/require.js": "require.js",
    "jquery/dist/jquery.min.js": "jquery.min.js",
    "jquery/LICENSE.txt": "jquery.LICENSE.txt",
}
# MathJax 2's package is 73 MB; decks need neither its unminified copy nor the fonts of
# renderers other than the TeX fonts.
MATHJAX_SKIP = ("unpacked", "test", "Asana-Math", "Gyre-Pagella", "Gyre-Termes", "Latin-Modern",
                "Neo-Euler", "STIX-Web", "*.map")


class SlidesError(RuntimeError):
    """A deck could not be built: the message says what to do."""


# --- which notebooks become which decks ---------------------------------------

def deck_name(notebook: Path) -> str:
    """``05-pytorch-baseline.slides.html``; a solution gets ``.solution`` before ``.slides``."""
    suffix = ".solution.slides.html" if is_solution(notebook) else ".slides.html"
    return notebook.stem + suffix


def slide_notebooks(root: Path = ROOT) -> list[Path]:
    """Every lesson (notebooks/ minus exercises) and every solution, in course order."""
    return sorted(lessons_and_solutions(root), key=lambda path: path.name)


# --- the JavaScript the decks load, from npm ------------------------------------

def locked_packages(slides: Path = SLIDES) -> dict[str, str]:
    """{package name: version} as pinned in slides/package-lock.json."""
    lock = json.loads((slides / "package-lock.json").read_text())
    return {key.removeprefix("node_modules/"): info["version"]
            for key, info in lock["packages"].items() if key.startswith("node_modules/")}


def installed_packages(slides: Path = SLIDES) -> dict[str, str]:
    """{package name: version} of what is in slides/node_modules (empty if nothing)."""
    found = {}
    for name in locked_packages(slides):
        manifest = slides / "node_modules" / name / "package.json"
        if manifest.exists():
            found[name] = json.loads(manifest.read_text())["version"]
    return found


def fetch_packages(slides: Path = SLIDES) -> None:
    """Run ``npm ci`` in ``slides`` unless node_modules already holds the locked versions."""
    if installed_packages(slides) == locked_packages(slides):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError(
            "Building the slide decks needs npm (Node.js) once, to fetch reveal.js and MathJax "
            "from the npm registry: install Node.js (https://nodejs.org, `apt-get install npm`, "
            f"`brew install node`), then run `{command('slides')}` again.")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=slides,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SlidesError(
            f"`npm ci` in {slides} failed, so reveal.js and MathJax could not be fetched "
            f"(no network?). Run `{command('slides')}` once while online; the decks it builds then work "
            f"offline.\n{done.stderr.strip()[-2000:]}")


def copy_assets(out: Path, slides: Path = SLIDES) -> Path:
    """Copy what the decks load from slides/node_modules to ``out/assets`` (skipped if current)."""
    assets = out / "assets"
    versions = "".join(f"{name} {version}\n" for name, version in sorted(locked_packages(slides).items()))
    stamp = assets / "VERSIONS.txt"
    if stamp.exists() and stamp.read_text() == versions:
        return assets
    if assets.exists():
        shutil.rmtree(assets)
    for source, destination in ASSETS.items():
        source, destination = slides / "node_modules" / source, assets / destination
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            skip = shutil.ignore_patterns(*MATHJAX_SKIP) if source.name == "mathjax" else None
            shutil.copytree(source, destination, ignore=skip)
        else:
            shutil.copy2(source, destination)
    stamp.write_text(versions)  # written last: a half-copied folder is never taken as current
    return assets


# --- notebook -> deck -------------------------------------------------------------

def exporter():
    """nbconvert's SlidesExporter, configured to load every script from ``assets/``."""
    from nbconvert import SlidesExporter  # slow to import; only needed when building
    from traitlets.config import Config

    config = Config()
    options = config.SlidesExporter
    options.extra_template_basedirs = [str(SLIDES / "templates")]
    options.template_name = "offline"  # slides/templates/offline: reveal minus mermaid, widgets
    options.reveal_url_prefix = REVEAL_URL
    options.mathjax_url = MATHJAX_URL
    options.require_js_url = REQUIRE_URL
    options.jquery_url = JQUERY_URL
    options.reveal_theme = "white"  # local fonts; the default theme imports Google Fonts
    options.reveal_number = "c/t"  # "12/40" in the corner: where we are in the deck
    options.reveal_width, options.reveal_height = SLIDE_SIZE
    options.reveal_scroll = RISE["scroll"]  # as in RISE: a slide taller than the screen scrolls
    options.embed_images = True  # markdown images travel inside the deck
    options.exclude_input_prompt = True  # "In [3]:" only takes room on a slide
    options.exclude_output_prompt = True
    # progress bars redraw their line with \r: show only the final state, as Jupyter does
    config.CoalesceStreamsPreprocessor.enabled = True
    return SlidesExporter(config=config)


def without_exercise_markers(notebook):
    """The notebook with the ``### BEGIN SOLUTION`` / ``### HINT:`` / ``### END SOLUTION`` lines
    of a solution removed: on a slide they are noise (the exercise notebook shows the hints)."""
    for cell in notebook.cells:
        lines = cell.source.split("\n")
        kept = [line for line in lines
                if line.strip() not in (BEGIN, END) and not line.strip().startswith(HINT)]
        if len(kept) != len(lines):
            cell.source = "\n".join(kept)
    return notebook


def build_deck(notebook: Path, out: Path, slides_exporter=None) -> Path:
    """Write the deck of ``notebook`` into ``out`` (which must hold ``assets/``); return its path."""
    slides_exporter = slides_exporter or exporter()
    content = without_exercise_markers(nbformat.read(notebook, as_version=4))
    body, _ = slides_exporter.from_notebook_node(
        content, resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}})
    deck = out / deck_name(notebook)
    deck.write_text(body, encoding="utf-8")
    return deck


def title(notebook: Path) -> str:
    """The ``# NN · Title`` line of the notebook's opening cell, without the ``#``."""
    first = nbformat.read(notebook, as_version=4).cells[0].source
    return first.splitlines()[0].lstrip("# ").strip() if first else notebook.stem


def write_index(out: Path, notebooks: list[Path]) -> Path:
    """``out/index.html``: one link per deck, in course order."""
    items = "\n".join(
        f'  <li><a href="{deck_name(nb)}">{html.escape(title(nb))}</a>'
        f'{" (solution)" if is_solution(nb) else ""}</li>' for nb in notebooks)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Demystifying Neural Networks: slides</title>
<style>body {{ font-family: sans-serif; max-width: 40em; margin: 2em auto; line-height: 1.6 }}</style>
</head><body>
<h1>Demystifying Neural Networks: slides</h1>
<p>Press <kbd>S</kbd> in a deck for the speaker view (notes, timer, next slide),
<kbd>Esc</kbd> for the overview, <kbd>F</kbd> for full screen.</p>
<ol start="0">
{items}
</ol>
</body></html>
"""
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def build(notebooks: list[Path] | None = None, out: Path = SLIDES, log=print) -> list[Path]:
    """Fetch and copy the assets, then build a deck of each notebook (all by default) into ``out``."""
    notebooks = slide_notebooks() if notebooks is None else [Path(nb).resolve() for nb in notebooks]
    fetch_packages()
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    slides_exporter = exporter()
    decks = []
    for notebook in notebooks:
        decks.append(build_deck(notebook, out, slides_exporter))
        log(f"  {decks[-1]}")
    write_index(out, slide_notebooks() if out == SLIDES else notebooks)
    return decks


# --- live with RISE: the presenter's copies ------------------------------------------

PRESENTER = ROOT / "presenter"   # not committed (.gitignore)


def with_notes_shown(notebook):
    """The notebook with its instructor notes expanded.

    Attendees' notebooks keep each notes cell collapsed (its source hidden, one quiet bar), and
    RISE takes the notes for its speaker view from the cells as JupyterLab shows them: a
    collapsed cell would give it only its first line, the label. The presenter's copy shows them.
    """
    for cell in notebook.cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") == "notes":
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
            if not cell.metadata.get("jupyter", True):
                del cell.metadata["jupyter"]
    return notebook


def presenter_copies(out: Path = PRESENTER, notebooks: list[Path] | None = None) -> list[Path]:
    """Write a copy of every lesson and solution into ``out`` with its instructor notes shown."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in notebooks or slide_notebooks():
        copy = out / notebook.name
        nbformat.write(with_notes_shown(nbformat.read(notebook, as_version=4)), copy)
        written.append(copy)
    (out / "README.md").write_text(
        "Copies of the lessons and solutions for presenting live with RISE, their instructor notes\n"
        f"shown (`{command('present')}` writes them again, from notebooks/ and solutions/).\n"
        "Edit the originals, not these.\n", encoding="utf-8")
    return written


# --- the timetable of the instructor's guide ----------------------------------------

START = "09:30"
BREAKS = {"05": ("coffee break", 15), "10": ("lunch", 60), "13": ("coffee break", 15)}
HALF_DAY = 180       # minutes: each part, with the breaks inside it, fits half a day ...
SLACK = 10           # ... with at least this many minutes to spare
MAX_DENSITY = 1.2    # slides an instructor can show per minute
SHOWN = ("slide", "subslide")   # slide types that start a new slide (fragments do not)
GOING_FURTHER = re.compile(r"^#+\s*Going further", re.MULTILINE)
MINUTES = re.compile(r"\*\*Teaching:\*\*\s*(\d+)\s*min\s*·\s*\*\*Exercises:\*\*\s*(\d+)\s*min")
SCHEDULE_BEGIN = "<!-- schedule: generated by `python -m demystify.slides --schedule --write` -->"
SCHEDULE_END = "<!-- end of schedule -->"


@dataclass
class Session:
    number: str
    name: str
    title: str
    teaching: int
    exercises: int
    seconds: float | None  # measured run time of the lesson, or of the exercise's solution
    slides: int = 0        # slides shown (Going further sections are skipped on slides)
    exercise: bool = False  # an exercise notebook: attendees read its slides as they work

    @property
    def minutes(self) -> int:
        return self.teaching + self.exercises

    @property
    def density(self) -> float:
        """Slides per minute of showing them: the teaching minutes of a lesson, the whole
        session of an exercise notebook (whose slides attendees read at their own pace)."""
        minutes = self.minutes if self.exercise else self.teaching
        return self.slides / minutes if minutes else float(self.slides > 0) * float("inf")


def planned_minutes(notebook: Path) -> tuple[int, int]:
    """(teaching, exercise) minutes from the notebook's opening cell."""
    match = MINUTES.search(nbformat.read(notebook, as_version=4).cells[0].source)
    if not match:
        raise SlidesError(f"{notebook.name}: the opening cell lacks "
                          "'**Teaching:** N min · **Exercises:** N min'")
    return int(match.group(1)), int(match.group(2))


def shown_slides(notebook: Path) -> int:
    """How many slides the deck of ``notebook`` shows: cells that start a slide or subslide."""
    cells = nbformat.read(notebook, as_version=4).cells
    return sum(cell.metadata.get("slideshow", {}).get("slide_type") in SHOWN for cell in cells)


def going_further_cells(notebook: Path) -> list[int]:
    """Indices of the cells of the notebook's *Going further* sections: from a markdown heading
    ``## Going further...`` up to the next heading of the same level or higher, or the key points."""
    cells = nbformat.read(notebook, as_version=4).cells
    inside, level, found = False, 0, []
    for index, cell in enumerate(cells):
        heading = re.match(r"^(#+)\s", cell.source) if cell.cell_type == "markdown" else None
        if heading and GOING_FURTHER.match(cell.source):
            inside, level = True, len(heading.group(1))
        elif heading and (len(heading.group(1)) <= level or cell.source.startswith("### Key points")):
            inside = False
        if inside and cell.metadata.get("slideshow", {}).get("slide_type") != "notes":
            found.append(index)
    return found


def measure(notebooks: list[Path]) -> dict[str, float]:
    """Run the notebooks under pytest (nbval, as `python3 course.py test` does); {"notebooks/x.ipynb": seconds}."""
    done = subprocess.run(  # the repository's conftest.py prints the run times
        [sys.executable, "-m", "pytest", "-q", *[str(nb.relative_to(ROOT)) for nb in notebooks]],
        cwd=ROOT, capture_output=True, text=True)
    summary = done.stdout.split("notebook run times, slowest first", 1)[-1]
    seconds = {name: float(s) for s, name in re.findall(r"^\s*([\d.]+) s  (\S+\.ipynb)", summary, re.M)}
    if done.returncode != 0 or not seconds:
        raise SlidesError(f"the notebooks did not all pass under pytest:\n{done.stdout[-3000:]}")
    return seconds


def sessions(measured: dict[str, float] | None = None, root: Path = ROOT) -> list[Session]:
    """One Session per notebook of the course map, in order, with its measured run time."""
    measured = measured or {}
    rows = []
    for notebook in slide_notebooks(root):  # an exercise is timed by its solution
        teaching, exercises = planned_minutes(notebook)
        rows.append(Session(notebook.name[:2], notebook.stem, title(notebook).split("·", 1)[-1].strip(),
                            teaching, exercises, measured.get(str(notebook.relative_to(root))),
                            shown_slides(notebook), notebook.parent.name == "solutions"))
    return rows


def part(number: str) -> str:
    return "Part 1" if number <= "10" else "Part 2"


@dataclass
class Part:
    """One half of the day: when it begins and ends (breaks inside it included), its minutes."""
    name: str
    begins: datetime
    ends: datetime
    teaching: int = 0
    exercises: int = 0

    @property
    def length(self) -> int:
        return int((self.ends - self.begins).total_seconds() // 60)

    @property
    def spare(self) -> int:
        """Minutes left of the half day once this part is over."""
        return HALF_DAY - self.length


def day(rows: list[Session], start: str = START) -> tuple[list[tuple[datetime, Session | tuple]], dict[str, Part]]:
    """The sessions and breaks back to back from ``start``: ([(clock, session or break)], parts)."""
    clock = datetime.strptime(start, "%H:%M")
    slots, parts = [], {}
    for row in rows:
        span = parts.setdefault(part(row.number), Part(part(row.number), clock, clock))
        slots.append((clock, row))
        clock += timedelta(minutes=row.minutes)
        span.ends, span.teaching, span.exercises = clock, span.teaching + row.teaching, span.exercises + row.exercises
        if row.number in BREAKS:
            slots.append((clock, BREAKS[row.number]))
            clock += timedelta(minutes=BREAKS[row.number][1])
    return slots, parts


def timetable(rows: list[Session], start: str = START) -> str:
    """The day as a markdown table: clock time, notebook, minutes, slides, run time, breaks."""
    slots, parts = day(rows, start)
    lines = ["| starts | notebook | teach | exercises | slides | run time |", "|---|---|---|---|---|---|"]
    for clock, row in slots:
        if isinstance(row, tuple):
            what, minutes = row
            lines.append(f"| {clock:%H:%M} | *{what}* | {minutes} min | | | |")
            continue
        link = f"[{row.number} · {row.title}](../notebooks/{row.name}.ipynb)"
        run = "–" if row.seconds is None else f"{row.seconds:.1f} s"
        exercises = f"{row.exercises} min" if row.exercises else "–"
        lines.append(f"| {clock:%H:%M} | {link} | {row.teaching} min | {exercises} | "
                     f"{row.slides} ({row.density:.1f}/min) | {run} |")
    lines.append("")
    for span in parts.values():
        lines.append(f"- **{span.name}**: {span.begins:%H:%M}–{span.ends:%H:%M}, {span.teaching} min "
                     f"teaching and {span.exercises} min exercises; {span.length} min with its breaks, "
                     f"{span.spare} min to spare in {HALF_DAY // 60} hours.")
    timed = [row.seconds for row in rows if row.seconds is not None]
    if timed:
        lines.append(f"- Run top to bottom, the lessons and solutions take {sum(timed):.0f} s in all "
                     f"(the slowest {max(timed):.1f} s).")
    return "\n".join(lines)


def refresh_readme(table: str, readme: Path = SLIDES / "README.md") -> None:
    """Replace the text between the schedule markers of ``readme`` with ``table``."""
    text = readme.read_text()
    if SCHEDULE_BEGIN not in text or SCHEDULE_END not in text:
        raise SlidesError(f"{readme} lacks the markers {SCHEDULE_BEGIN} ... {SCHEDULE_END}")
    head, rest = text.split(SCHEDULE_BEGIN, 1)
    _, tail = rest.split(SCHEDULE_END, 1)
    readme.write_text(f"{head}{SCHEDULE_BEGIN}\n{table}\n{SCHEDULE_END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demystify.slides", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every lesson and solution")
    parser.add_argument("--out", type=Path, default=SLIDES, help="folder for the decks (default slides/)")
    parser.add_argument("--schedule", action="store_true",
                        help="run every lesson and solution under pytest and print the timetable")
    parser.add_argument("--write", action="store_true", help="with --schedule: refresh slides/README.md")
    parser.add_argument("--presenter", action="store_true",
                        help="write the presenter's copies (notes shown, for RISE) into presenter/")
    args = parser.parse_args(argv)
    try:
        if args.presenter:
            copies = presenter_copies()
            print(f"{len(copies)} notebooks with their instructor notes shown in {PRESENTER.name}/")
            return 0
        if args.schedule:
            print("running every lesson and solution notebook under pytest ...", file=sys.stderr)
            table = timetable(sessions(measure(slide_notebooks())))
            print(table)
            if args.write:
                refresh_readme(table)
            return 0
        decks = build(args.notebooks or None, args.out.resolve())
    except SlidesError as error:
        print(f"{command('slides')}: {error}", file=sys.stderr)
        return 1
    print(f"{len(decks)} decks in {args.out}; open {args.out / 'index.html'} (works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
