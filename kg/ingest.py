"""Files in, :class:`Article` records out.

``iter_inputs`` walks the given files and folders (every ``*.txt``, sorted, so the order of
the command line never changes the result) and yields an :class:`Article` for each usable
file and a :class:`Skipped` for each file that cannot be used, with the reason. One bad file
never stops the others.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

logger = logging.getLogger(__name__)

#: Typographic quotes and dashes folded to plain ones so that rules and matchers see one form.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
                         "\u00bb": '"', "\u201e": '"', "\u2032": "'", "\u00a0": " "})
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Article:
    """One news article, cleaned.

    Attributes:
        id: content hash of the cleaned text (16 hex digits): the article's identity.
        source: file name the article came from (for people, not for identity).
        text: the cleaned text; every offset in the graph counts code points into it.
        title: the title, when one could be found.
        date: publication date as ``YYYY-MM-DD``, when known.
        meta: further metadata (outlet, URL ...) from the optional metadata file.
    """

    id: str
    source: str
    text: str
    title: str | None = None
    date: str | None = None
    meta: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Skipped:
    """An input that was not used, and why."""

    path: str
    reason: str


def normalise(text: str) -> str:
    """Unicode NFC, plain quotes, single spaces, at most one blank line between paragraphs.

    >>> normalise("“Well done!”  he said.\\r\\n\\r\\n\\r\\nNext")
    '"Well done!" he said.\\n\\nNext'
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_QUOTES)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def content_hash(text: str) -> str:
    """The article identity: the first 16 hex digits of SHA-256 of the cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def find_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Every ``*.txt`` file under ``inputs`` (files are taken as given), sorted and unique.

    Raises:
        InputError: an input does not exist.
    """
    found: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.update(p for p in path.rglob("*.txt") if p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise InputError(f"input {str(path)!r} does not exist: give article files or folders of .txt files")
    return sorted(found, key=lambda p: (p.name, str(p)))


def read_article(path: Path) -> Article | Skipped:
    """Read and clean one file; a file that cannot be an article comes back as :class:`Skipped`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Skipped(str(path), f"cannot be read: {exc.strerror or exc}")
    if b"\x00" in raw[:8192]:
        return Skipped(str(path), "binary file (contains NUL bytes), not UTF-8 text")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(str(path), f"not UTF-8 text (byte {exc.start}: {exc.reason}); re-save it as UTF-8")
    text = normalise(decoded)
    if not text:
        return Skipped(str(path), "empty file (no text after cleaning)")
    title = text.split("\n", 1)[0].strip()
    return Article(id=content_hash(text), source=path.name, text=text, title=title or None)


def iter_articles(inputs: Iterable[str | Path]) -> Iterator[Article | Skipped]:
    """Articles (and skipped inputs) from files and folders, in a stable order."""
    for path in find_files(inputs):
        item = read_article(path)
        if isinstance(item, Skipped):
            logger.warning("skipped %s: %s", item.path, item.reason)
        yield item
