"""Events across articles: dates resolved against each article, stable event keys, and the merge log.

Runs after extraction and before building. An event's key is its type, its places (resolved
entities) and its start date, so the same event told by several articles ("a state of emergency
in Lima from 5 January") becomes one node with evidence from each; an event with no date, or
with neither place nor a nationwide type, stays keyed to its article and offsets.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable

from kg.extract.dates import resolve_ref
from kg.rdf.iri import digest, slugify
from kg.records import ArticleRecord, DateRef, EventRecord
from kg.resolve.entities import Resolution

logger = logging.getLogger(__name__)

#: Event classes that are one event per day even without a place (nationwide acts).
NATIONWIDE = frozenset({"Resignation", "Removal", "Appointment", "Decree", "PeacekeepingDeployment",
                        "InternetShutdown", "StateOfEmergency"})
#: Header lines within which a dated line is the article's dateline.
DATELINE_CHARS = 300


def _explicit_years(record: ArticleRecord) -> list[int]:
    return [y for d in record.dates for y in (d.year, d.end_year) if y]


def corpus_year(records: Iterable[ArticleRecord]) -> int | None:
    """The year most articles of the build are about (publication years first, then written years)."""
    years: Counter[int] = Counter()
    for record in records:
        if record.article.date:
            years[int(record.article.date[:4])] += 3
        years.update(set(_explicit_years(record)))
    if not years:
        return None
    return sorted(years.items(), key=lambda kv: (-kv[1], -kv[0]))[0][0]


def _all_refs(record: ArticleRecord) -> list[DateRef]:
    """Every DateRef of the record (written ones first, then copies held by events and others)."""
    refs: dict[int, DateRef] = {id(d): d for d in record.dates}
    holders = list(record.events) + list(record.tenures) + list(record.statements)
    for holder in holders:
        for name in ("date", "start"):
            ref = getattr(holder, name, None)
            if isinstance(ref, DateRef):
                refs.setdefault(id(ref), ref)
    return list(refs.values())


def article_anchor(record: ArticleRecord, year: int | None) -> dt.date | None:
    """The day an article's relative dates count from: its publication date, its dateline, or the
    latest day it names."""
    if record.article.date:
        return dt.date.fromisoformat(record.article.date)
    absolute = [d for d in record.dates if d.kind == "absolute" and d.month and d.day]
    for d in absolute:
        if d.year and d.span.start < DATELINE_CHARS:
            return dt.date(d.year, d.month, d.day)
    days = []
    for d in absolute:
        y = d.year or year
        if y:
            try:
                days.append(dt.date(y, d.month, d.day))
            except ValueError:
                continue
    return max(days) if days else None


def resolve_dates(records: list[ArticleRecord]) -> None:
    """Resolve every date of every record in place (year: the article's, else the corpus's)."""
    default_year = corpus_year(records)
    for record in records:
        written = _explicit_years(record)
        if record.article.date:
            year = int(record.article.date[:4])
        elif written:
            year = Counter(written).most_common(1)[0][0]
        else:
            year = default_year
        anchor = article_anchor(record, year)
        previous: dt.date | None = None
        for ref in sorted(_all_refs(record), key=lambda d: d.span.start):
            resolve_ref(ref, anchor, year, previous)
            if ref.start:
                previous = dt.date.fromisoformat(ref.start)


def _entity_keys(resolution: Resolution, mentions) -> list[str]:
    keys = []
    for m in mentions:
        try:
            keys.append(resolution.entity_of(m).key)
        except KeyError:
            keys.append(f"text/{slugify(m.name)}")
    return sorted(set(keys))


def event_key(article_id: str, event: EventRecord, resolution: Resolution) -> tuple:
    """The stable key an event's IRI is minted from."""
    places = _entity_keys(resolution, event.places) + sorted(f"place/{slugify(t)}" for t in event.place_texts)
    day = event.date.start if event.date is not None and event.date.start else None
    if day and (places or event.event_class in NATIONWIDE):
        return ("event", event.event_class, "|".join(places), day)
    return ("event", article_id, event.local_id)


def merge_log(records: list[ArticleRecord], resolution: Resolution) -> list[dict]:
    """One entry per event told by more than one article: the key, the articles, the reason."""
    groups: dict[tuple, list[tuple[str, EventRecord]]] = defaultdict(list)
    for record in records:
        for event in record.events:
            groups[event_key(record.article.id, event, resolution)].append((record.article.id, event))
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
