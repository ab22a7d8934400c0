"""Events across articles: an event's record, its resolved places and date in; the stable key its IRI is minted
from, and the log of events told by several articles, out.

An event's key is its type, its places (resolved entities) and its start date, so the same event told by
several articles ("a state of emergency in Lima from 5 January") becomes one node with evidence from each; an
event with no date, or with neither place nor a nationwide class (``kg/data/event_classes.tsv``), stays keyed
to its article and offsets.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from kg import lexicon
from kg.rdf.iri import digest, slugify
from kg.records import EventRecord, Mention, ResolvedArticle
from kg.resolve.dates import DateResolution
from kg.resolve.entities import Resolution

logger = logging.getLogger(__name__)



def _entity_keys(resolution: Resolution, mentions: list[Mention]) -> list[str]:
    keys = []
    for m in mentions:
        entity = resolution.entity_of(m)
        keys.append(entity.key if entity is not None else f"text/{slugify(m.name)}")
    return sorted(set(keys))


def event_key(article_id: str, event: EventRecord, resolution: Resolution, dates: DateResolution) -> tuple:
    """The stable key an event's IRI is minted from."""
    places = _entity_keys(resolution, event.places) + sorted(f"place/{slugify(t)}" for t in event.place_texts)
    date = dates.of(event.date)
    day = date.start if date is not None and date.start else None
    if day and (places or lexicon.has_trait(event.event_class, "nationwide")):
        return ("event", event.event_class, "|".join(places), day)
    return ("event", article_id, event.local_id)


def merge_log(articles: Iterable[ResolvedArticle]) -> list[dict]:
    """One entry per event told by more than one article: the key, the articles, the reason."""
    groups: dict[tuple, list[tuple[str, EventRecord]]] = defaultdict(list)
    for article in articles:
        for event in article.events:
            groups[event.key].append((article.article.id, event.written))
    log = []
    for key, items in sorted(groups.items(), key=lambda kv: str(kv[0])):
        articles = sorted({a for a, _ in items})
        if len(articles) < 2:
            continue
        log.append({
            "event": f"event/{digest(*key)}",
            "class": key[1],
            "places": key[2].split("|") if key[2] else [],
            "date": key[3],
            "articles": articles,
            "evidence": sorted({e.trigger.text for _, e in items}),
            "reason": "same event type, place and start date told by several articles",
        })
    return log
