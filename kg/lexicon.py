"""The one reader of the data tables: file names of ``kg/data/`` (or of another data folder) in, cached, typed
tables out.

Tables are tab-separated text (``.tsv``, ``.txt``: one row a line, ``#`` comments and blank lines skipped, cells
stripped), JSON Lines (``.jsonl``) or JSON (``.json``). Each table is read once per process and data folder, and
handed out read-only (tuples, frozensets, read-only mappings), so that every caller shares it. The
extractors and the resolver read their words through the module functions (the tables of ``kg/data/``);
:func:`lexicon` gives the tables of another folder (a test's, say).

>>> rows("posts.tsv") is rows("posts.tsv")
True
>>> mapping("posts.tsv")["president"]
'president'
>>> "tenure" in event_classes()["Resignation"].traits
True
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kg.config import DATA_DIR
from kg.errors import KGError

#: The traits an event class may have in ``event_classes.tsv`` (what each means is written in the file).
EVENT_TRAITS = frozenset({"nationwide", "same-day", "period", "measure", "tenure", "undergone-of", "addressed",
                          "decided", "facility", "narrative", "recurring"})
#: The confidence of an event of a class the table gives none.
DEFAULT_EVENT_CONFIDENCE = 0.7


@dataclass(frozen=True)
class EventClass:
    """A row of ``event_classes.tsv``: how the extractors and the resolver treat events of one class.

    Attributes:
        name: the ontology class (``StateOfEmergency``).
        confidence: the confidence of every event of the class (one value per class, so that one event told by
            two articles has one).
        traits: what sets the class apart (:data:`EVENT_TRAITS`).
        acled, cameo, noun, preposition: see the attributes' comments.
    """

    name: str
    confidence: float = DEFAULT_EVENT_CONFIDENCE
    traits: frozenset[str] = frozenset()
    #: the class's usual ACLED event type/sub-type and CAMEO code (``None`` when there is none)
    acled: str | None = None
    cameo: str | None = None
    #: the noun a readable label names one event of the class by ("": the words of its trigger), and the
    #: preposition that joins it to whom the event concerns ("protest against X")
    noun: str = ""
    preposition: str = "of"


class Lexicon:
    """The tables of one data folder, each read once.

    Args:
        folder: the data folder.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._tables: dict[tuple[str, str], Any] = {}

    def _cached(self, kind: str, name: str, make: Callable[[], Any]) -> Any:
        key = (kind, name)
        if key not in self._tables:
            self._tables[key] = make()
        return self._tables[key]

    def _text(self, name: str, optional: bool) -> str | None:
        path = self.folder / name
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if optional:
                return None
            raise KGError(f"the data table {path} is missing: reinstall newsgraph or restore the file from the "
                          "repository") from None
        except OSError as exc:
            raise KGError(f"the data table {path} cannot be read ({exc.strerror}): reinstall newsgraph or restore "
                          "the file from the repository") from exc

    def rows(self, name: str, optional: bool = False) -> tuple[tuple[str, ...], ...]:
        """The rows of a tab-separated table (comments and blank lines skipped; ``optional``: a missing file has
        none).

        Raises:
            KGError: the file is missing (and not ``optional``) or cannot be read.
        """
        def make() -> tuple[tuple[str, ...], ...]:
            text = self._text(name, optional) or ""
            return tuple(tuple(cell.strip() for cell in line.split("\t")) for line in text.splitlines()
                         if line.strip() and not line.startswith("#"))

        return self._cached("rows", name, make)

    def mapping(self, name: str) -> Mapping[str, str]:
        """A two-column table as a read-only mapping, first column -> second, in file order (copy it with
        ``dict(...)`` to change it)."""
        return self._cached("mapping", name, lambda: MappingProxyType(
            {row[0]: row[1] for row in self.rows(name) if len(row) >= 2}))

    def words(self, name: str) -> tuple[str, ...]:
        """The first column of a table, in file order (one word or phrase a line)."""
        return self._cached("words", name, lambda: tuple(row[0] for row in self.rows(name)))

    def word_set(self, name: str, optional: bool = False) -> frozenset[str]:
        """The first column of a table as a set, for membership tests."""
        return self._cached("word_set", name, lambda: frozenset(row[0] for row in self.rows(name, optional)))

    def groups(self, name: str) -> Mapping[str, frozenset[str]]:
        """A two-column table read as groups: second column -> the set of first-column words of its rows
        ("plan" -> {"plan", "expect", ...})."""
        def make() -> Mapping[str, frozenset[str]]:
            out: dict[str, set[str]] = {}
            for row in self.rows(name):
                if len(row) >= 2:
                    out.setdefault(row[1], set()).add(row[0])
            return MappingProxyType({group: frozenset(words) for group, words in out.items()})
        return self._cached("groups", name, make)

    def json_lines(self, name: str, optional: bool = False) -> tuple[dict, ...]:
        """The objects of a JSON Lines table (blank lines skipped).

        Raises:
            KGError: a line is not valid JSON.
        """
        def make() -> tuple[dict, ...]:
            out = []
            for number, line in enumerate((self._text(name, optional) or "").splitlines(), 1):
                if line.strip():
                    try:
                        out.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise KGError(f"{self.folder / name}:{number} is not valid JSON ({exc.msg}); fix or remove "
                                      "that line") from exc
            return tuple(out)

        return self._cached("json_lines", name, make)

    def json(self, name: str, optional: bool = False) -> Any:
        """The value of a JSON file (``None`` for a missing ``optional`` one); do not change it.

        Raises:
            KGError: the file is not valid JSON.
        """
        def make() -> Any:
            text = self._text(name, optional)
            try:
                return None if text is None else json.loads(text)
            except json.JSONDecodeError as exc:
                raise KGError(f"{self.folder / name} is not valid JSON ({exc.msg} at line {exc.lineno})") from exc

        return self._cached("json", name, make)

    def event_classes(self) -> Mapping[str, EventClass]:
        """``event_classes.tsv``: class name -> :class:`EventClass`.

        Raises:
            KGError: a row names an unknown trait or a confidence that is not a number.
        """
        def make() -> Mapping[str, EventClass]:
            out = {}
            for row in self.rows("event_classes.tsv"):
                name, confidence, traits, acled, cameo, noun, preposition = (row + ("-",) * 6)[:7]
                found = frozenset() if traits == "-" else frozenset(t.strip() for t in traits.split(","))
                if unknown := found - EVENT_TRAITS:
                    raise KGError(f"{self.folder / 'event_classes.tsv'}: class {name} has the unknown trait(s) "
                                  f"{', '.join(sorted(unknown))}; known: {', '.join(sorted(EVENT_TRAITS))}")
                try:
                    value = DEFAULT_EVENT_CONFIDENCE if confidence == "-" else float(confidence)
                except ValueError:
                    raise KGError(f"{self.folder / 'event_classes.tsv'}: class {name} has the confidence "
                                  f"{confidence!r}; give a number from 0 to 1, or -") from None
                out[name] = EventClass(name, value, found, None if acled == "-" else acled,
                                       None if cameo == "-" else cameo, "" if noun == "-" else noun,
                                       "of" if preposition == "-" else preposition)
            return MappingProxyType(out)

        return self._cached("event_classes", "event_classes.tsv", make)

    def classes_with(self, trait: str) -> frozenset[str]:
        """The event classes that have ``trait``.

        Raises:
            ValueError: ``trait`` is not one of :data:`EVENT_TRAITS`.
        """
        if trait not in EVENT_TRAITS:
            raise ValueError(f"unknown event trait {trait!r}; known: {', '.join(sorted(EVENT_TRAITS))}")
        return self._cached("classes_with", trait, lambda: frozenset(
            c.name for c in self.event_classes().values() if trait in c.traits))

    def has_trait(self, event_class: str, trait: str) -> bool:
        """Whether events of ``event_class`` have ``trait`` (a class the table does not list has none)."""
        return event_class in self.classes_with(trait)

    def event_confidence(self, event_class: str) -> float:
        """The confidence of events of ``event_class``."""
        found = self.event_classes().get(event_class)
        return found.confidence if found is not None else DEFAULT_EVENT_CONFIDENCE


@cache
def lexicon(folder: str | Path | None = None) -> Lexicon:
    """The tables of ``folder`` (default ``kg/data/``), one :class:`Lexicon` per folder and process."""
    return Lexicon(Path(folder).resolve() if folder is not None else DATA_DIR)


def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """:meth:`Lexicon.rows` of ``kg/data/``."""
    return lexicon().rows(name)


def mapping(name: str) -> Mapping[str, str]:
    """:meth:`Lexicon.mapping` of ``kg/data/``."""
    return lexicon().mapping(name)


def words(name: str) -> tuple[str, ...]:
    """:meth:`Lexicon.words` of ``kg/data/``."""
    return lexicon().words(name)


def word_set(name: str) -> frozenset[str]:
    """:meth:`Lexicon.word_set` of ``kg/data/``."""
    return lexicon().word_set(name)


def groups(name: str) -> Mapping[str, frozenset[str]]:
    """:meth:`Lexicon.groups` of ``kg/data/``."""
    return lexicon().groups(name)


def event_classes() -> Mapping[str, EventClass]:
    """:meth:`Lexicon.event_classes` of ``kg/data/``."""
    return lexicon().event_classes()


def classes_with(trait: str) -> frozenset[str]:
    """:meth:`Lexicon.classes_with` of ``kg/data/``."""
    return lexicon().classes_with(trait)


def has_trait(event_class: str, trait: str) -> bool:
    """:meth:`Lexicon.has_trait` of ``kg/data/``."""
    return lexicon().has_trait(event_class, trait)


def event_confidence(event_class: str) -> float:
    """:meth:`Lexicon.event_confidence` of ``kg/data/``."""
    return lexicon().event_confidence(event_class)
