"""Long texts in pieces: a cleaned text in, consecutive pieces that join back into it out.

spaCy refuses a text longer than its ``max_length`` (one million characters by default) and needs memory in
proportion to what it parses at once. A text longer than :data:`PIECE_CHARS` is therefore parsed piece by
piece (:mod:`kg.extract.pieces`); :func:`split_text` cuts it at the last paragraph break before the limit, else
the last line break, else the last sentence end, else the last space, and only when a stretch of
:data:`PIECE_CHARS` characters has none of these, in the middle of a word. The pieces hold every character
(separators stay at the end of the piece before the cut), so each piece's offset plus a position in it is the
position in the whole text.
"""

from __future__ import annotations

import re

#: Longest piece parsed at once; texts up to this length are parsed whole (far below spaCy's ``max_length``). It is
#: longer than almost any news article (those are parsed whole, as before), and short enough that parsing a piece
#: costs little memory: a 100,000-character piece took about 450 MiB above the loaded pipeline, one of 25,000 about
#: 170 MiB (tests/long_text.py's kind of text; docs/building.md, "Long texts").
PIECE_CHARS = 25_000

#: A sentence end: a full stop, question or exclamation mark, closing quotes or brackets, then white space.
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+")
_SPACE = re.compile(r"\s+")


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece that begins at ``start`` ends: a boundary in its second half, else ``start + limit``."""
    end = start + limit
    low = start + limit // 2
    for separator in ("\n\n", "\n"):
        found = text.rfind(separator, low, end)
        if found >= 0:
            return found + len(separator)
    for pattern in (_SENTENCE_END, _SPACE):
        last = None
        for last in pattern.finditer(text, low, end):  # noqa: B007 - the last match is wanted
            pass
        if last is not None:
            return last.end()
    return end


def split_text(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """``text`` as consecutive pieces of at most ``limit`` characters, each with its offset in ``text``.

    Args:
        text: the whole text.
        limit: the longest piece (at least 2).

    Returns:
        ``(offset, piece)`` pairs; the pieces joined are ``text``.

    >>> split_text("First para.\\n\\nSecond one here.", 20)
    [(0, 'First para.\\n\\n'), (13, 'Second one here.')]
    >>> split_text("One. Two. Three. Four.", 12)
    [(0, 'One. Two. '), (10, 'Three. Four.')]
    >>> split_text("abcdef", 4)
    [(0, 'abcd'), (4, 'ef')]
    """
    if limit < 2:
        raise ValueError("a piece must be allowed at least 2 characters")
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, limit)
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces
