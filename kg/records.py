"""Plain records passed from extraction to resolution and building (no RDF here).

Extractors turn a spaCy ``Doc`` into these; :mod:`kg.resolve` maps mentions to canonical
entities; :mod:`kg.build` is the only module that turns records into triples. Records are
plain, picklable data so that they can cross process boundaries and be cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ingest import Article

#: Entity kinds, mapped to ontology classes in :mod:`kg.build`.
PERSON, ORGANIZATION, PLACE, GROUP = "person", "organization", "place", "group"


@dataclass(frozen=True)
class Span:
    """A stretch of an article's text: code-point offsets, end exclusive (NIF style)."""

    article_id: str
    start: int
    end: int
    text: str
    sentence: int = 0


@dataclass(frozen=True)
class Mention:
    """A mention of a person, organisation, group or place.

    Attributes:
        span: where it is.
        kind: one of PERSON, ORGANIZATION, PLACE, GROUP.
        name: the name as written, cleaned (leading "the", possessive "'s" removed).
        label: the NER label that found it (PERSON, ORG, GPE, LOC, FAC, ...).
        subtype: a finer ontology class name when known ("Country", "MediaOutlet" ...).
        component: the pipeline component that found it ("ner", "entity_ruler", ...).
        confidence: 0..1.
    """

    span: Span
    kind: str
    name: str
    label: str
    subtype: str | None = None
    component: str = "ner"
    confidence: float = 0.8


@dataclass
class ArticleRecord:
    """Everything extracted from one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    sentences: int = 0
    #: sentence index -> index of the earlier, identical sentence it repeats (see
    #: :func:`kg.extract.sentences.repeated_sentences`): facts come from first occurrences only,
    #: while mentions in repeats remain evidence.
    duplicates: dict[int, int] = field(default_factory=dict)
