"""Mentions to canonical entities: one node per real-world entity across the corpus.

This first version merges mentions whose kind and normalised name agree; every merge of
differently written names is recorded in the merge log with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .iri import slugify
from .records import ArticleRecord, Mention


@dataclass
class Entity:
    """A canonical entity.

    Attributes:
        key: stable key ``<kind>/<slug>``; the entity's IRI is minted from it.
        kind: person, organization, group or place.
        label: the canonical name.
        subtype: finer ontology class name, when known.
        aliases: every other name it was written as.
        mentions: the mentions that denote it.
    """

    key: str
    kind: str
    label: str
    subtype: str | None = None
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.key.split("/", 1)[1]


@dataclass
class Resolution:
    """The result of resolution: entities by key, and the log of merges."""

    entities: dict[str, Entity]
    merges: list[dict]
    of_mention: dict[Mention, str] = field(default_factory=dict)

    def entity_of(self, mention: Mention) -> Entity:
        """The entity a mention denotes."""
        return self.entities[self.of_mention[mention]]


def _choose_label(names: Iterable[str]) -> str:
    """The most frequent spelling; ties go to the longest, then alphabetical (deterministic)."""
    counts: dict[str, int] = defaultdict(int)
    for n in names:
        counts[n] += 1
    return sorted(counts, key=lambda n: (-counts[n], -len(n), n))[0]


def resolve(records: Iterable[ArticleRecord]) -> Resolution:
    """Group mentions into entities."""
    groups: dict[str, list[Mention]] = defaultdict(list)
    for record in records:
        for mention in record.mentions:
            groups[f"{mention.kind}/{slugify(mention.name)}"].append(mention)
    entities: dict[str, Entity] = {}
    merges: list[dict] = []
    of_mention: dict[Mention, str] = {}
    for key in sorted(groups):
        mentions = groups[key]
        names = [m.name for m in mentions]
        label = _choose_label(names)
        kind = key.split("/", 1)[0]
        subtypes = sorted({m.subtype for m in mentions if m.subtype})
        entity = Entity(key, kind, label, subtypes[0] if subtypes else None, set(names) - {label})
        entity.mentions = mentions
        of_mention.update(dict.fromkeys(mentions, key))
        entities[key] = entity
        if entity.aliases:
            merges.append({"entity": key, "label": label, "merged": sorted(entity.aliases),
                           "reason": "same name after normalisation (case, punctuation, diacritics)"})
    return Resolution(entities, merges, of_mention)
