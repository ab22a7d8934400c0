"""Generic institution names scoped by context: an organisation mention and its article's text in, the body it
denotes (a per-country node, an international body, or a node of that article only) out.

A name of ``kg/data/institutions.tsv`` ("Foreign Ministry", "National Guard", "Supreme Court", "parliament" ...)
means the body of the country the text means, told by, in this order:

1. the name itself: a country's adjective or name before it ("Chinese Foreign Ministry", "U.S. Army") or "of X"
   after it ("Ministry of Foreign Affairs of France");
2. the words right before or after the mention ("China's Foreign Ministry", "the Iraqi National Guard",
   "the Supreme Court of Chile");
3. the article's main country (the country it names most, :func:`kg.extract.geo.main_countries`).

The node is per country: "Foreign Ministry (China)", with the country as its jurisdiction. A United Nations
qualifier ("U.N. Security Council", or a bare "Security Council" in an article that names the UN) makes it the
international body, its own node. When no country can be told, the node belongs to the article alone (it is never
merged with another article's).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kg import lexicon
from kg.extract.gazetteer import fold
from kg.extract.geo import GeoPlace, world
from kg.records import Entity

#: Names of the United Nations that make a generic body international.
UN_NAMES = frozenset({"un", "u.n", "u.n.", "united nations"})
_UN_IN_TEXT = re.compile(r"\b(?:United Nations|U\.N\.|UN)(?![\w.])")
_BEFORE = re.compile(r"(?:^|[^\w.])((?:[A-Z][\w.]*\s+){0,2}[A-Z][\w.]*?)(?:'s|\u2019s)?\s+(?:own\s+)?$")
_AFTER = re.compile(r"^\s+of\s+(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})")


@dataclass(frozen=True)
class Scoped:
    """The body a generic name denotes.

    Attributes:
        label: the node's label ("Foreign Ministry (China)", "United Nations Security Council", "Foreign Ministry").
        subtype: its class.
        country: its country, or ``None`` (an international body, or one of the article alone).
        article_only: the node belongs to the article alone (no country could be told).
    """

    label: str
    subtype: str
    country: GeoPlace | None = None
    article_only: bool = False


@cache
def institutions() -> dict[str, tuple[str, str]]:
    """``institutions.tsv``: folded generic name -> (label, class)."""
    return {fold(row[0]): (row[1], row[2]) for row in lexicon.rows("institutions.tsv") if len(row) >= 3}


def _split(name: str) -> tuple[str | None, str]:
    """A name's qualifier (the words before a generic name, or after its "of") and the generic name, folded.

    >>> _split("Chinese Foreign Ministry"), _split("Ministry of Foreign Affairs of France"), _split("Army")
    (('Chinese', 'foreign ministry'), ('France', 'ministry of foreign affairs'), (None, 'army'))
    """
    table = institutions()
    words = name.split()
    for k in range(len(words)):
        head = fold(" ".join(words[k:]))
        if head in table:
            return (" ".join(words[:k]).removesuffix("'s").removesuffix("\u2019s") or None), head
    for found in re.finditer(r"\s+of\s+(?:the\s+)?", name):
        head = fold(name[: found.start()])
        if head in table:
            return name[found.end() :], head
    return None, fold(name)


def _country(words: str | None) -> GeoPlace | None:
    if not words:
        return None
    return world().country_of(words) or world().country_of(words.split()[-1])


def scope(name: str, text: str, start: int, end: int, countries: list[str]) -> Scoped | None:
    """The body a generic institution name denotes where it is written, or ``None`` for any other name.

    Args:
        name: the mention's name ("Foreign Ministry", "Chinese Foreign Ministry").
        text: the article's text.
        start, end: where the mention is.
        countries: the article's countries, most named first (ISO codes).

    >>> scope("Foreign Ministry", "China's Foreign Ministry said", 8, 24, ["JP"]).label
    'Foreign Ministry (China)'
    >>> scope("Security Council", "the U.N. Security Council met", 9, 25, ["IQ"]).label
    'United Nations Security Council'
    >>> scope("Supreme Court", "the Supreme Court ruled", 4, 17, []).article_only
    True
    >>> scope("Pentagon", "the Pentagon said", 4, 12, ["US"]) is None
    True
    """
    qualifier, head = _split(name)
    if head not in institutions():
        return None
    label, subtype = institutions()[head]
    before = _BEFORE.search(text[max(start - 40, 0) : start])
    if qualifier is None and before and fold(before[1]).rstrip(".") in {u.rstrip(".") for u in UN_NAMES}:
        qualifier = before[1]
    if qualifier is not None and fold(qualifier).rstrip(".") in {u.rstrip(".") for u in UN_NAMES}:
        return Scoped(f"United Nations {label}", "InternationalOrganization")
    country = _country(qualifier)
    if qualifier is not None and country is None:
        return None  # "European Commission", "Chechen Parliament": a body of its own name
    if country is None and before:
        country = _country(before[1])
    if country is None:
        after = _AFTER.match(text[end : end + 40])
        country = _country(after[1]) if after else None
    if country is None and head == "security council" and _UN_IN_TEXT.search(text):
        return Scoped(f"United Nations {label}", "InternationalOrganization")
    return _of_country(label, subtype, country, countries)


def _of_country(label: str, subtype: str, country: GeoPlace | None, countries: list[str]) -> Scoped:
    """The node of ``label`` in ``country``, else in the article's main country (``countries[0]``), else of the
    article alone."""
    if country is None and countries:
        country = world().countries.get(countries[0])
    if country is None:
        return Scoped(label, subtype, None, article_only=True)
    return Scoped(f"{label} ({country.name})", subtype, country)


def drop_shared_spellings(bodies: Iterable[Entity]) -> None:
    """Keep a bare generic spelling that several countries' bodies of the corpus are written with ("Congress": the
    United States' and, in an Indian article, the Congress party) as an alternate label of the body written so most
    often only (ties: the first by key); the others keep their qualified label ("Congress (India)"), so that one
    name does not label two nodes."""
    owners: dict[str, dict[str, tuple[int, Entity]]] = defaultdict(dict)
    for body in bodies:
        for alias in body.aliases:
            written = sum(1 for m in body.mentions if fold(m.name) == fold(alias))
            owners[fold(alias)][body.key] = (written, body)
    for folded, by_key in owners.items():
        if len(by_key) < 2:
            continue
        keep = min(by_key, key=lambda k: (-by_key[k][0], k))
        for key, (_, body) in by_key.items():
            if key != keep:
                body.aliases = {a for a in body.aliases if fold(a) != folded}


def scope_group(label: str, text: str, start: int, countries: list[str]) -> Scoped:
    """The group an unnamed collective's word denotes where it is written ("police", "protesters"): the
    country's, told by an adjective or name right before it ("Iraqi police", "Chile's protesters"), else the
    article's main country; else the article's alone. Police of two countries, or protesters of two crises, are
    never one node.

    >>> scope_group("police", "Iraqi police said", 6, ["US"]).label
    'police (Iraq)'
    >>> scope_group("protesters", "Thousands of protesters", 13, ["CL"]).label
    'protesters (Chile)'
    >>> scope_group("police", "the police said", 4, []).article_only
    True
    """
    before = _BEFORE.search(text[max(start - 40, 0) : start])
    return _of_country(label, "", _country(before[1]) if before else None, countries)
