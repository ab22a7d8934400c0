"""Who did what, where, when, according to whom: a parsed article and its mentions in, its dates, events,
tenures, counts and statements (on its :class:`~kg.records.ArticleRecord`) out.

:func:`annotate` fills those fields of an :class:`~kg.records.ArticleRecord` whose mentions are
already extracted; participants are the record's own mentions, so resolution maps them to entities.
"""

from __future__ import annotations

import logging

from spacy.tokens import Doc

from kg.extract.actions import complete_arguments, extract_actions
from kg.extract.claims import link_counts
from kg.extract.context import Context
from kg.extract.counts import extract_counts
from kg.extract.dates import sentence_dates
from kg.extract.durations import extract_durations
from kg.extract.event_dates import narrative_dates
from kg.extract.events import extract_events
from kg.extract.extensions import extend_nationwide
from kg.extract.honorifics import extract_honorifics
from kg.extract.modality import date_tense
from kg.extract.offices import extract_tenures
from kg.extract.relations import link_events
from kg.extract.scenes import inherit_places, name_described_people
from kg.extract.statements import extract_statements
from kg.records import ArticleRecord

logger = logging.getLogger(__name__)


def annotate(record: ArticleRecord, doc: Doc) -> ArticleRecord:
    """Add dates, events, tenures, counts and statements to ``record`` (in place) and return it."""
    article_id = record.article.id
    ctx = Context(article_id, doc, list(record.mentions))
    dates = []
    for i, sent in enumerate(ctx.sents):
        dates.extend(sentence_dates(sent, article_id, i, ctx.mentions, ctx.ents_in(i)))
    for ref in dates:
        ref.tense = date_tense(ctx, ref)
    ctx.dates = dates
    record.dates = dates
    events = extract_events(ctx)
    complete_arguments(ctx, events)
    events += extract_actions(ctx, events)
    events.sort(key=lambda e: e.trigger.start)
    narrative_dates(ctx, events)
    link_events(ctx, events)
    inherit_places(ctx, events)
    name_described_people(ctx, events)
    record.events = extend_nationwide(ctx, events)
    record.tenures = extract_tenures(ctx, record.events)
    record.counts = extract_counts(ctx, record.events) + extract_durations(ctx, record.events)
    record.statements = extract_statements(ctx, record.events, record.article.meta.get("outlet"))
    link_counts(record.statements, record.counts)
    record.honorifics = extract_honorifics(ctx)
    logger.debug("%s: %d dates, %d events, %d tenures, %d counts, %d statements", article_id, len(dates),
                 len(record.events), len(record.tenures), len(record.counts), len(record.statements))
    return record
