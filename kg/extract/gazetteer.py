"""The data tables that steer entity extraction and resolution (``kg/data/``, read through :mod:`kg.lexicon`) in,
one :class:`Gazetteer` out (made once per data folder):

* ``aliases.jsonl``: one entity a line, ``{"label", "kind", "subtype"?, "aliases": [...]}``; its
  names feed the entity ruler and the resolver's alias index.
* ``titles.jsonl``: ``{"key", "terms": [...]}``, titles used as names ("the head of state").
* ``groups.jsonl``: ``{"label", "terms": [...]}``, unnamed groups ("protesters").
* ``typing.json``: words in a name or around it that decide an entity's finer type.
* ``not_entities.txt``: words the model tags as names that are never entities on their own.

A corpus profile (the setting ``KG_PROFILE``: a folder ``profiles/<name>/`` of the data folder) adds its own
``aliases.jsonl`` and ``links.csv`` rows, about one country's people, bodies and places, under a condition
(``profile.json``: ``{"country": ...}``): its rows apply to an article only when that country is the one the
article names most (:meth:`Profile.applies`). Nothing in the default tables is about one country.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.config import DATA_DIR, Settings
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
class Profile:
    """A corpus profile: alias entries and a link table that hold only for articles about one country.

    Attributes:
        name: the profile's folder name (``KG_PROFILE``).
        country: the country the articles must be about (a name the gazetteer knows).
        entries: its alias entries.
        folder: its folder (``links.csv`` is read from there).
    """

    name: str
    country: str
    entries: tuple[AliasEntry, ...] = ()
    folder: Path | None = None

    def applies(self, text: str) -> bool:
        """Whether the profile holds for an article: its country is the one the text names most (by name, short
        form or adjective; :func:`kg.extract.geo.main_countries`)."""
        from kg.extract.geo import main_countries, world

        country = world().country(self.country)
        return country is not None and main_countries(text, limit=1) == [country.country]

    def by_name(self) -> dict[tuple[str, str], AliasEntry]:
        """(kind, folded name) -> entry, for the profile's entries (built once)."""
        index = self.__dict__.get("_by_name")
        if index is None:
            index = self.__dict__["_by_name"] = _name_index(self.entries)
        return index


def _name_index(entries: tuple[AliasEntry, ...]) -> dict[tuple[str, str], AliasEntry]:
    index: dict[tuple[str, str], AliasEntry] = {}
    for entry in entries:
        for name in entry.names:
            index.setdefault((entry.kind, fold(name)), entry)
    return index


@dataclass(frozen=True)
class Gazetteer:
    """Everything in the data files (the profile's entries apart: :attr:`profile`)."""

    entries: tuple[AliasEntry, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    typing: dict = field(default_factory=dict)
    not_entities: frozenset[str] = frozenset()
    profile: Profile | None = None

    def by_name(self) -> dict[tuple[str, str], AliasEntry]:
        """(kind, folded name) -> entry, for every name of every entry (built once; do not change it)."""
        index = self.__dict__.get("_by_name")
        if index is None:
            index = self.__dict__["_by_name"] = _name_index(self.entries)  # frozen: kept beside the fields
        return index

    def by_id(self) -> dict[str, AliasEntry]:
        """ent_id -> entry, the profile's entries included (built once; do not change it)."""
        index = self.__dict__.get("_by_id")
        if index is None:
            extra = self.profile.entries if self.profile else ()
            index = self.__dict__["_by_id"] = {e.ent_id: e for e in (*extra, *self.entries)}
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


def load_gazetteer(data_dir: Path | str | None = None, profile: str | None = None) -> Gazetteer:
    """The alias, title, group, typing and non-entity tables of ``data_dir`` (default ``kg/data``), read through
    :mod:`kg.lexicon`; a missing file counts as empty.

    Args:
        data_dir: the data folder.
        profile: the corpus profile (a folder of ``data_dir/profiles``; ``None``: the ``KG_PROFILE`` setting;
            ``""``: none).

    Raises:
        KGError: a file is malformed, or the profile does not exist.
    """
    if profile is None:
        profile = Settings.from_env().profile
    return _gazetteer(str(Path(data_dir or DATA_DIR).resolve()), profile.strip())


def _entries(tables, name: str = "aliases.jsonl") -> tuple[AliasEntry, ...]:
    entries = []
    for row in tables.json_lines(name, optional=True):
        if row.get("kind") not in ("person", "organization", "place", "group") or not row.get("label"):
            raise KGError(f"{tables.folder / name}: entry {row!r} needs a label and a kind "
                          "(person, organization, place or group)")
        entries.append(AliasEntry(row["label"], row["kind"], row.get("subtype"), tuple(row.get("aliases", ()))))
    return tuple(entries)


def load_profile(data_dir: Path | str, name: str) -> Profile:
    """The corpus profile ``name`` of a data folder (else of ``kg/data``).

    Raises:
        KGError: there is no such profile, or its ``profile.json`` names no country.
    """
    root = Path(data_dir) / "profiles"
    if not (root / name / "profile.json").is_file():  # a test's data folder: the profiles of kg/data
        root = DATA_DIR / "profiles"
    folder = root / name
    if not (folder / "profile.json").is_file():
        known = sorted(p.parent.name for p in root.glob("*/profile.json")) if root.is_dir() else []
        raise KGError(f"KG_PROFILE={name!r}: there is no corpus profile of that name in {root}; "
                      f"known profiles: {', '.join(known) or 'none'} (or leave KG_PROFILE empty)")
    tables = lexicon(folder)
    meta = tables.json("profile.json") or {}
    if not meta.get("country"):
        raise KGError(f"{folder / 'profile.json'} must name the country its rows are about: {{\"country\": ...}}")
    return Profile(name, meta["country"], _entries(tables), folder)


@lru_cache(maxsize=4)
def _gazetteer(data_dir: str, profile: str = "") -> Gazetteer:
    tables = lexicon(data_dir)
    entries = _entries(tables)
    titles = {fold(t): row["key"] for row in tables.json_lines("titles.jsonl", optional=True) for t in row["terms"]}
    groups = {fold(t): row["label"] for row in tables.json_lines("groups.jsonl", optional=True) for t in row["terms"]}
    typing = tables.json("typing.json", optional=True) or {}
    stop = frozenset(fold(word) for word in tables.word_set("not_entities.txt", optional=True))
    logger.debug("gazetteer %s: %d entities, %d title terms, %d group terms", data_dir, len(entries), len(titles),
                 len(groups))
    return Gazetteer(entries, titles, groups, typing, stop, load_profile(data_dir, profile) if profile else None)
