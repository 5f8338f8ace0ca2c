"""Graph drawings for the notebooks: :class:`Drawing`, which lives in ``scratchgrad.drawing``.

A Drawing shows an SVG where graphviz's ``dot`` program is installed and a readable
text listing of the same graph where it is not.  The course's notebooks draw their own
graphs with it (``from demystify.drawing import Drawing``); scratchgrad draws the graphs
it records with the same class, so it is defined there, with the library that needs it.
"""
from scratchgrad.drawing import INSTALL_DOT, Drawing, dot_version, has_dot

__all__ = ["INSTALL_DOT", "Drawing", "dot_version", "has_dot"]
