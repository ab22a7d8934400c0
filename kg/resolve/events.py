"""Events across articles: an event's record, its resolved places and date in; the stable key its IRI is minted
from, and the log of events told by several articles, out.

Coreference (:func:`kg.resolve.coref.corefer`) gives every mention of one real event the same key, so an event
told by several sentences or articles becomes one node with evidence from each. An event it left without a
key is keyed by its type, its places (resolved entities) and its start date, else by its article and offsets.
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
    """The stable key an event's IRI is minted from: the key coreference gave it, else its class, places and
    day, else its article and offsets."""
    if event.key is not None:
        return event.key
    places = _entity_keys(resolution, event.places) + sorted(f"place/{slugify(t)}" for t in event.place_texts)
    date = dates.of(event.date)
    day = date.start if date is not None and date.start else None
    if day and (places or lexicon.has_trait(event.event_class, "nationwide")):
        return ("event", event.event_class, "|".join(places), day)
    return ("event", article_id, event.local_id)


def merge_log(articles: Iterable[ResolvedArticle]) -> list[dict]:
    """One entry per event told by more than one article: its IRI, class, label, day, articles and the reason."""
    groups: dict[tuple, list[tuple[str, EventRecord, str | None]]] = defaultdict(list)
    for article in articles:
        for event in article.events:
            day = event.date.start if event.date is not None else None
            groups[event.key].append((article.article.id, event.written, day))
    log = []
    for key, items in sorted(groups.items(), key=lambda kv: str(kv[0])):
        articles_of = sorted({a for a, _, _ in items})
        if len(articles_of) < 2:
            continue
        days = sorted({d for _, _, d in items if d})
        log.append({
            "event": f"event/{digest(*key)}",
            "class": items[0][1].event_class,
            "label": items[0][1].label,
            "date": days[0] if days else None,
            "articles": articles_of,
            "evidence": sorted({e.trigger.text for _, e, _ in items}),
            "reason": "same event class and status; at least two of: a shared place, the same day, a shared "
                      "participant (or a nationwide act on the same day)",
        })
    return log
