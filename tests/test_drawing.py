"""Graph drawings show a picture where graphviz's `dot` exists and readable text where it does not."""
import pytest

from scratchgrad import drawing
from scratchgrad.drawing import Drawing


def small_graph() -> Drawing:
    graph = Drawing()
    graph.node("x", "x\n(64, 8)")
    graph.node("W", "W1\n(8, 25)")
    graph.node("mm", "matmul\n(64, 25)")
    graph.edge("x", "mm")
    graph.edge("W", "mm")
    return graph


@pytest.mark.dot
def test_with_dot_the_drawing_is_an_svg_with_every_label():
    bundle = small_graph()._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("matmul", "W1", "(64, 25)"):
        assert label in svg
    assert bundle["text/plain"] == "<Drawing: 3 nodes, 2 edges>"


def test_without_dot_the_drawing_falls_back_to_text_with_the_install_commands(monkeypatch):
    monkeypatch.setattr(drawing, "dot_version", lambda: None)
    bundle = small_graph()._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    text = bundle["text/plain"]
    assert "matmul (64, 25)  <-  x (64, 8), W1 (8, 25)" in text
    assert "apt-get install graphviz" in text and "brew install graphviz" in text


def test_dot_version_is_none_when_the_program_is_not_on_the_path(monkeypatch):
    drawing.dot_version.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        assert drawing.dot_version() is None and not drawing.has_dot()
    finally:
        drawing.dot_version.cache_clear()
