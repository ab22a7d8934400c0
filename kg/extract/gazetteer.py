"""The data tables that steer entity extraction and resolution (``kg/data/``, read through :mod:`kg.lexicon`) in,
one :class:`Gazetteer` out (made once per data folder):

* ``aliases.jsonl``: one entity a line, ``{"label", "kind", "subtype"?, "aliases": [...]}``; its
  names feed the entity ruler and the resolver's alias index.
* ``titles.jsonl``: ``{"key", "terms": [...]}``, titles used as names ("the head of state").
* ``groups.jsonl``: ``{"label", "terms": [...]}``, unnamed groups ("protesters").
* ``typing.json``: words in a name or around it that decide an entity's finer type.
* ``not_entities.txt``: words the model tags as names that are never entities on their own.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.config import DATA_DIR
from kg.errors import KGError
from kg.lexicon import lexicon

logger = logging.getLogger(__name__)

#: Entity kind and subtype -> the NER label the entity ruler gives its names.
RULER_LABELS = {"person": "PERSON", "organization": "ORG", "group": "NORP"}
PLACE_RULER_LABELS = {"Site": "FAC", "WaterBody": "LOC"}


@dataclass(frozen=True)
class AliasEntry:
    """One entity of the alias file."""

    label: str
    kind: str
    subtype: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)

    @property
    def ruler_label(self) -> str:
        if self.kind == "place":
            return PLACE_RULER_LABELS.get(self.subtype or "", "GPE")
        return RULER_LABELS[self.kind]

    @property
    def ent_id(self) -> str:
        """The id the entity ruler attaches to its matches: ``kind|label``."""
        return f"{self.kind}|{self.label}"


@dataclass(frozen=True)
class Gazetteer:
    """Everything in the data files."""

    entries: tuple[AliasEntry, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    typing: dict = field(default_factory=dict)
    not_entities: frozenset[str] = frozenset()

    def by_name(self) -> dict[tuple[str, str], AliasEntry]:
        """(kind, folded name) -> entry, for every name of every entry (built once; do not change it)."""
        index = self.__dict__.get("_by_name")
        if index is None:
            index = {}
            for entry in self.entries:
                for name in entry.names:
                    index.setdefault((entry.kind, fold(name)), entry)
            self.__dict__["_by_name"] = index  # frozen: kept beside the fields, not one of them
        return index

    def by_id(self) -> dict[str, AliasEntry]:
        """ent_id -> entry (built once; do not change it)."""
        index = self.__dict__.get("_by_id")
        if index is None:
            index = self.__dict__["_by_id"] = {e.ent_id: e for e in self.entries}
        return index


@lru_cache(maxsize=8)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern that finds any of ``terms`` as whole words (not inside a longer word or a hyphenated one),
    case-insensitive, any white space or a hyphen between their words (a folded key, "ex head of state", finds
    "ex-head of state"), the longest term first; built once per term list."""
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"(?:\s+|-)") for t in sorted(terms, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])", re.I)


def fold(name: str) -> str:
    """Case, hyphens and spacing folded, for comparing names.

    >>> fold("Jean-Claude  JUNCKER")
    'jean claude juncker'
    """
    return " ".join(name.replace("-", " ").replace("\u2011", " ").lower().split())


def load_gazetteer(data_dir: Path | str | None = None) -> Gazetteer:
    """The alias, title, group, typing and non-entity tables of ``data_dir`` (default ``kg/data``), read through
    :mod:`kg.lexicon`; a missing file counts as empty.

    Raises:
        KGError: a file is malformed.
    """
    return _gazetteer(str(Path(data_dir or DATA_DIR).resolve()))


@lru_cache(maxsize=4)
def _gazetteer(data_dir: str) -> Gazetteer:
    tables = lexicon(data_dir)
    entries = []
    for row in tables.json_lines("aliases.jsonl", optional=True):
        if row.get("kind") not in ("person", "organization", "place", "group") or not row.get("label"):
            raise KGError(f"{tables.folder / 'aliases.jsonl'}: entry {row!r} needs a label and a kind "
                          "(person, organization, place or group)")
        entries.append(AliasEntry(row["label"], row["kind"], row.get("subtype"), tuple(row.get("aliases", ()))))
    titles = {fold(t): row["key"] for row in tables.json_lines("titles.jsonl", optional=True) for t in row["terms"]}
    groups = {fold(t): row["label"] for row in tables.json_lines("groups.jsonl", optional=True) for t in row["terms"]}
    typing = tables.json("typing.json", optional=True) or {}
    stop = frozenset(fold(word) for word in tables.word_set("not_entities.txt", optional=True))
    logger.debug("gazetteer %s: %d entities, %d title terms, %d group terms", data_dir, len(entries), len(titles),
                 len(groups))
    return Gazetteer(tuple(entries), titles, groups, typing, stop)
