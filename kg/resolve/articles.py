"""The resolve stage as a whole: every article's extracted records in, :class:`~kg.records.ResolvedArticle`
records out, ready for the rdf stage.

:func:`resolve_corpus` resolves the corpus's mentions to entities (:mod:`kg.resolve.entities`, with links),
its dates (:mod:`kg.resolve.dates`), which mentions are one real event (:mod:`kg.resolve.coref`), its events'
keys (:mod:`kg.resolve.events`) and what it tells of posts (:mod:`kg.resolve.posts`), then gives every role of
every event, tenure, count and statement its participant: the entity of its mention; else, for a role written
only as a phrase, the entity the phrase names (a name known to the corpus, or within its article a title whose
holder it names, :meth:`~kg.resolve.entities.Resolution.lookup`); else a :class:`~kg.records.TextEntity` of
its own, labelled with the phrase. Role by role it keeps only the kinds of entity that may fill it
(:data:`ROLE_KINDS`), so that an extractor's slip never writes a link the ontology forbids.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from kg.extract.claims import is_outlet
from kg.records import (
    AGENT_KINDS,
    GROUP,
    ORGANIZATION,
    PERSON,
    PLACE,
    ArticleRecord,
    CountRecord,
    EventRecord,
    Mention,
    Participant,
    ResolvedArticle,
    ResolvedCount,
    ResolvedEvent,
    ResolvedStatement,
    ResolvedTenure,
    Span,
    StatementRecord,
    TenureRecord,
    TextEntity,
)
from kg.resolve.coref import corefer
from kg.resolve.dates import DateResolution, resolve_dates
from kg.resolve.entities import Resolution, resolve
from kg.resolve.events import event_key, merge_log
from kg.resolve.posts import PostContext, post_context, resolve_post

logger = logging.getLogger(__name__)

#: What kinds of entity may fill a role: an event's place must be a place, its agent must not be one.
ROLE_KINDS = {"agent": AGENT_KINDS, PLACE: frozenset({PLACE}), GROUP: frozenset({GROUP}),
              PERSON: frozenset({PERSON, GROUP}), "any": AGENT_KINDS | {PLACE}}


@dataclass
class ResolvedCorpus:
    """What the resolve stage gives the rdf stage.

    Attributes:
        resolution: the corpus's entities and how names resolve to them.
        articles: every article, resolved, in the order of the records given.
        merges: the merge log of ``report.json``: entities merged, then events told by several articles.
    """

    resolution: Resolution
    articles: list[ResolvedArticle]
    merges: list[dict]


def resolve_corpus(records: Iterable[ArticleRecord]) -> ResolvedCorpus:
    """Resolve every article's records against the whole corpus (see the module docstring)."""
    records = list(records)
    resolution = resolve(records)
    dates = resolve_dates(records)
    corefer(records, resolution, dates)  # one key, status and label per real event, before the keys are read
    posts = post_context(records, resolution)
    articles = [resolve_article(record, resolution, dates, posts) for record in records]
    return ResolvedCorpus(resolution, articles, resolution.merges + merge_log(articles))


def participant(resolution: Resolution, mention: Mention | None, text: str | None = None, kind: str = GROUP,
                evidence: Span | None = None, role: str | None = None, article: str = "") -> Participant | None:
    """Who or what fills a role: the entity of ``mention``; else the entity the phrase ``text`` names; else an
    entity of ``kind`` named by the phrase (with the sentence it was read from, ``evidence``).

    A phrase goes through :meth:`~kg.resolve.entities.Resolution.lookup` first (``article``: where a title is
    resolved), so that it is the known entity and not a second one of its own; a phrase naming an entity of a
    kind the role does not take gives ``None``, except in a place role (the text's "in X" is kept as a place when
    the corpus took X for something else). A mention nobody is said to be (a bare title) is named by its text.

    Args:
        role: "agent", PLACE, GROUP, PERSON or "any" (:data:`ROLE_KINDS`); by default PLACE for a place, else
            "agent". A mention that resolved to an entity of another kind (a name the model tagged as a place
            but the corpus knows as an organisation, say) gives ``None``.
    """
    role = role or (PLACE if kind == PLACE else "agent")
    if mention is not None:
        entity = resolution.entity_of(mention)
        if entity is not None:
            if entity.kind not in ROLE_KINDS[role]:
                logger.info("%s %r left out: resolved to a %s", role, mention.name, entity.kind)
                return None
            return entity
        if mention.kind not in ROLE_KINDS[role]:
            return None
        text = text or mention.name
        kind = mention.kind
    if not text:
        return None
    if mention is None and (entity := resolution.lookup(article, text)) is not None:
        if entity.kind in ROLE_KINDS[role]:
            return entity
        if role != PLACE:  # "Kenya is experiencing a blackout": a place is no agent
            logger.info("%s %r left out: names a %s", role, text, entity.kind)
            return None
        # "in X" where the corpus took X for an organisation: the place read from the text stays
    return TextEntity(kind, text, evidence)


def resolve_article(record: ArticleRecord, resolution: Resolution, dates: DateResolution,
                    posts: PostContext | None = None) -> ResolvedArticle:
    """One article's records resolved against the corpus (``posts``: what the corpus tells of posts, see
    :func:`~kg.resolve.posts.post_context`)."""
    mentions = tuple((mention, entity) for mention in record.mentions
                     if (entity := resolution.entity_of(mention)) is not None)  # a title nobody holds: no node
    events = tuple(_event(record.article.id, ev, resolution, dates) for ev in record.events)
    by_id = {ev.written.local_id: ev for ev in events}
    return ResolvedArticle(
        record.article, mentions,
        events=events,
        tenures=tuple(t for tenure in record.tenures
                      if (t := _tenure(tenure, resolution, dates, posts, by_id)) is not None),
        counts=tuple(_count(count, resolution) for count in record.counts),
        statements=tuple(_statement(st, resolution, dates) for st in record.statements),
        honorifics=tuple((entity, h.title) for h in record.honorifics
                         if (entity := resolution.entity_of(h.holder)) is not None and entity.kind == PERSON))


def _kept(found: Iterable[Participant | None]) -> tuple[Participant, ...]:
    return tuple(p for p in found if p is not None)


def _event(article_id: str, ev: EventRecord, resolution: Resolution, dates: DateResolution) -> ResolvedEvent:
    evidence = ev.evidence
    agents = [participant(resolution, m) for m in ev.agents]
    agents += [participant(resolution, None, text, evidence=evidence, article=article_id) for text in ev.agent_texts]
    places = [participant(resolution, m, kind=PLACE) for m in ev.places]
    places += [participant(resolution, None, text, kind=PLACE, evidence=evidence) for text in ev.place_texts]
    return ResolvedEvent(
        ev, event_key(article_id, ev, resolution, dates),
        agents=_kept(agents),
        targets=_kept(participant(resolution, m, role="any") for m in ev.targets),
        participants=_kept(participant(resolution, m) for m in ev.participants if m not in ev.targets),
        places=_kept(places),
        date=dates.of(ev.date))


def _tenure(tenure: TenureRecord, resolution: Resolution, dates: DateResolution, posts: PostContext | None,
            events: dict[str, ResolvedEvent]) -> ResolvedTenure | None:
    """A tenure with its holder resolved, its post (:func:`~kg.resolve.posts.resolve_post`) and its dates: the
    written start, else the date of the event that started it; the end, the date of the event that ended it.
    ``None`` when the holder cannot hold a post."""
    holder = participant(resolution, tenure.holder, tenure.holder_text, PERSON, evidence=tenure.evidence)
    if holder is None:
        return None
    start = dates.of(tenure.start)
    if start is None and tenure.started_by in events:
        start = events[tenure.started_by].date
    end = events[tenure.ended_by].date if tenure.ended_by in events else None
    return ResolvedTenure(tenure, holder, resolve_post(tenure, resolution, posts), start, end)


def _count(count: CountRecord, resolution: Resolution) -> ResolvedCount:
    group = participant(resolution, count.group, role=GROUP) if count.group is not None else None
    source = participant(resolution, count.source, count.source_text, evidence=count.evidence) if (
        count.source is not None or count.source_text) else None
    return ResolvedCount(count, group, source)


def _statement(st: StatementRecord, resolution: Resolution, dates: DateResolution) -> ResolvedStatement:
    """A statement with its speaker (a person, an organisation or a group, never a place), addressee, outlet (a
    news outlet named only by a phrase, "Kazakh television", is an organisation), and what it concerns and
    demands (any entity)."""
    evidence = st.evidence
    speaker = participant(resolution, st.speaker, st.speaker_text, evidence=evidence) if (
        st.speaker is not None or st.speaker_text) else None
    outlet_kind = ORGANIZATION if st.outlet_text and is_outlet(None, st.outlet_text) else GROUP
    return ResolvedStatement(
        st, speaker,
        addressee=participant(resolution, st.addressee, st.addressee_text, evidence=evidence),
        outlet=participant(resolution, st.outlet, st.outlet_text, kind=outlet_kind, evidence=evidence),
        date=dates.of(st.date),
        concerns=_kept(participant(resolution, m, role="any") for m in st.concerns),
        demands=_kept(participant(resolution, m, role="any") for m in st.demands))
