"""Posts: a tenure's title and what it is a post in or of, resolved against the corpus.

In: a :class:`~kg.records.TenureRecord`, the corpus's :class:`~kg.resolve.entities.Resolution` and a
:class:`PostContext` (built once per corpus by :func:`post_context`). Out: a :class:`~kg.records.ResolvedPost`.

What a post is in or of, in this order:

* what the text names: the organisation or place of the title's mention ("the mayor of X", "X's foreign
  minister", "the X Foreign Ministry spokeswoman"), or the words that name it (a country written as an
  adjective, "Chinese"; an organisation named by a phrase, "the election commission");
* else what the corpus says of the same holder with the same title ("Israeli Foreign Minister X" in one sentence,
  "Foreign Minister X" in another): one person's title is one post;
* else, for a title that is a country's office (``kg/data/posts.tsv``: president, prime minister, minister,
  secretary of state ...), the country of the article (:func:`article_countries`: its dateline's, else the one
  it names most): a bare "Prime Minister X" is the prime minister of the country the article is about; not a
  former holder's ("former secretary of state X" may be of any country the article mentions in passing). Titles
  of a body (chairman, spokesman) or of a place (mayor, governor) get no such default: the text must say which.

The post's type is ``posts.tsv``'s type of its title; "head" (a president) is a head of state when the post is of
a country and the head of the body when it is in an organisation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg import lexicon
from kg.extract.context import country_names
from kg.extract.geo import main_countries, world
from kg.extract.scenes import DATELINE
from kg.extract.title_phrases import COUNTRY_SCOPE, HEAD, kind_of
from kg.records import ORGANIZATION, PLACE, ArticleRecord, Entity, Participant, ResolvedPost, TenureRecord, TextEntity
from kg.resolve import places
from kg.resolve.entities import Resolution


@dataclass
class PostContext:
    """What the corpus tells about posts beyond one sentence.

    Attributes:
        known: (holder's entity key, title) -> the organisation and the place the corpus names for that holder's
            post of that title (the first tenure that names one).
        countries: article id -> the country the article is about, when it has a clear one.
    """

    known: dict[tuple[str, str], tuple[Entity | None, Participant | None]] = field(default_factory=dict)
    countries: dict[str, Participant] = field(default_factory=dict)


#: How far into an article its dateline stands.
DATELINE_CHARS = 600
#: How many times an article must name its country (by name or adjective), and by how much more than any other, for
#: a bare title of a country's office to be taken as that country's.
COUNTRY_LEAD = (3, 1.5)


def dateline_country(text: str) -> str | None:
    """The name of the country of an article's dateline ("WASHINGTON (AP) -": United States; "CUZCO, Peru
    (Reuters) -": Peru), when it has one the gazetteer places (:func:`kg.resolve.places.article_countries` puts it
    before the countries the text names most); ``None`` otherwise."""
    codes = places.article_countries(text)
    named = main_countries(text)
    if not codes or (named and codes[0] == named[0] and DATELINE.search(text[:DATELINE_CHARS]) is None):
        return None  # no dateline: the country named most is no dateline's
    country = world().countries.get(codes[0])
    return country.name if country is not None else None


def article_countries(records: Iterable[ArticleRecord], resolution: Resolution) -> dict[str, Participant]:
    """Each article's country, when it has a clear one: its dateline's (:func:`dateline_country`), else the
    country it names most, by name or by adjective (``demonyms.tsv``: "Peruvian"), at least :data:`COUNTRY_LEAD`
    times and by that much more than any other."""
    demonyms = lexicon.mapping("demonyms.tsv")
    pattern = re.compile(r"\b(" + "|".join(re.escape(d.title()) for d in demonyms) + r")\b") if demonyms else None
    out: dict[str, Participant] = {}
    for record in records:
        if (dateline := dateline_country(record.article.text)) is not None:
            entity = resolution.lookup(record.article.id, dateline)
            out[record.article.id] = entity if entity is not None and entity.kind == PLACE else TextEntity(
                PLACE, dateline)
            continue
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        named: dict[str, Participant] = {}
        for mention in record.mentions:
            entity = resolution.entity_of(mention)
            if entity is not None and entity.kind == PLACE and (
                    entity.subtype == "Country" or entity.label.lower() in country_names()):
                counts[entity.label] += 1
                first.setdefault(entity.label, mention.span.start)
                named[entity.label] = entity
        for found in pattern.finditer(record.article.text) if pattern else ():
            country = demonyms[found.group(1).lower()]
            entity = named.get(country) or resolution.lookup(record.article.id, country)
            label = entity.label if entity is not None else country
            counts[label] += 1
            first.setdefault(label, found.start())
            named.setdefault(label, entity if entity is not None and entity.kind == PLACE else TextEntity(PLACE, label))
        ranked = sorted(counts, key=lambda label: (-counts[label], first[label]))
        least, lead = COUNTRY_LEAD
        if ranked and counts[ranked[0]] >= least and (
                len(ranked) == 1 or counts[ranked[0]] >= lead * counts[ranked[1]]):
            out[record.article.id] = named[ranked[0]]
    return out


def post_context(records: list[ArticleRecord], resolution: Resolution) -> PostContext:
    """The :class:`PostContext` of a corpus."""
    known: dict[tuple[str, str], tuple[Entity | None, Participant | None]] = {}
    for record in records:
        for tenure in record.tenures:
            holder = resolution.entity_of(tenure.holder) if tenure.holder is not None else None
            if holder is None:
                continue
            organization, jurisdiction = _named(tenure, resolution, record.article.id)
            if organization is not None or jurisdiction is not None:
                known.setdefault((holder.key, tenure.title), (organization, jurisdiction))
    return PostContext(known, article_countries(records, resolution))


def _named(tenure: TenureRecord, resolution: Resolution,
           article_id: str) -> tuple[Participant | None, Participant | None]:
    """The organisation and the place the text names for the post (either may be ``None``)."""
    if tenure.post_in is not None:
        where = resolution.entity_of(tenure.post_in)
        if where is None:
            return None, None
        if where.kind == ORGANIZATION:
            place = resolution.entity_of(tenure.jurisdiction) if tenure.jurisdiction is not None else None
            return where, place if place is not None and place.kind == PLACE else None
        return (None, where) if where.kind == PLACE else (None, None)
    if not tenure.post_in_text:
        return None, None
    found = resolution.lookup(article_id, tenure.post_in_text)
    kind = tenure.post_in_kind
    if found is not None and found.kind in (ORGANIZATION, PLACE):
        return (found, None) if found.kind == ORGANIZATION else (None, found)
    named = TextEntity(kind, tenure.post_in_text, tenure.evidence)
    return (named, None) if kind == ORGANIZATION else (None, named)


def resolve_post(tenure: TenureRecord, resolution: Resolution, context: PostContext | None = None) -> ResolvedPost:
    """The post of a tenure (see the module docstring)."""
    article_id = tenure.evidence.article_id
    organization, jurisdiction = _named(tenure, resolution, article_id)
    holder = resolution.entity_of(tenure.holder) if tenure.holder is not None else None
    kind = kind_of(tenure.title)
    if organization is None and jurisdiction is None and context is not None:
        if holder is not None and (holder.key, tenure.title) in context.known:
            organization, jurisdiction = context.known[(holder.key, tenure.title)]
        elif kind.scope == COUNTRY_SCOPE and article_id in context.countries and "former" not in tenure.qualifiers:
            jurisdiction = context.countries[article_id]
    where = organization if organization is not None else jurisdiction
    of = where.label if where is not None else None
    holder_key = None
    if not of:
        holder_key = holder.key if holder is not None else tenure.holder_text
    post_type = kind.post_type
    if post_type == HEAD:
        post_type = "headOfBody" if organization is not None else "headOfState"
    return ResolvedPost(tenure.title, of, holder_key, organization, jurisdiction, tenure.evidence, post_type)
