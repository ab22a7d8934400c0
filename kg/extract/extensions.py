"""A measure extended to the whole country ("the state of emergency was then extended nationwide"): a parsed
article and its events in, its events with the extensions added out.

A sentence with a word of extension and a phrase meaning the whole country (``kg/data/extensions.tsv``)
extends the period measure (state of emergency, curfew) of the same sentence, else the last one told in
the sentences just before it. The extension is an event of the measure's class whose place is the
article's country (the country it names most often: a place the gazetteer types as a country or named in
``kg/data/countries.txt``) and whose period is the measure's: the same
measure, now in force in the whole country.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import cache

from spacy.tokens import Token

from kg import lexicon
from kg.extract.context import Context, is_country
from kg.extract.doc_views import span_text
from kg.records import EventRecord, Mention

#: How many sentences before the extension its measure may be told.
WINDOW = 2


def article_country(ctx: Context) -> Mention | None:
    """The country the article names most often (its first mention), outside repeated sentences."""
    repeated = [ctx.sents[i] for i in ctx.repeats]
    countries = [m for m in ctx.mentions if is_country(m)
                 and not any(s.start_char <= m.span.start < s.end_char for s in repeated)]
    if not countries:
        return None
    counts = Counter(m.name for m in countries)
    best = max(counts.values())
    return next(m for m in countries if counts[m.name] == best)


@cache
def _lexicon() -> tuple[tuple[str, ...], re.Pattern[str] | None]:
    """(words of extension, a pattern of the phrases meaning the whole country) from ``extensions.tsv``,
    built once, not for every article."""
    rows = lexicon.rows("extensions.tsv")
    words = tuple(r[1] for r in rows if len(r) >= 2 and r[0] == "word")
    scopes = [r[1] for r in rows if len(r) >= 2 and r[0] == "scope"]
    if not scopes:
        return words, None
    return words, re.compile(r"\b(?:" + "|".join(re.escape(s) for s in scopes) + r")\b", re.I)


def _extension_word(sent, words: tuple[str, ...]) -> Token | None:
    for tok in sent:
        if tok.lower_.startswith(words):
            return tok
    return None


def _other_subject(ctx: Context, word: Token, events: list[EventRecord]) -> bool:
    """Whether what is extended is named and is something else ("protests expanded across the country",
    "the police widened the operation")."""
    starts = {e.trigger.start for e in events if not lexicon.has_trait(e.event_class, "period")}
    subjects = [c for c in word.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")]
    return any(ctx.mention_at(c) is not None or any(t.idx in starts for t in c.subtree) for c in subjects)


def extend_nationwide(ctx: Context, events: list[EventRecord]) -> list[EventRecord]:
    """``events`` plus one event per measure extended to the whole country (the measure itself when it is
    written in the same sentence without a place of its own)."""
    words, scope = _lexicon()
    if scope is None:
        return events
    country = None
    out = list(events)
    for sent_no, sent in enumerate(ctx.sents):
        if sent_no in ctx.repeats or not (found := scope.search(span_text(sent))):
            continue
        verb = _extension_word(sent, words)
        if verb is None:
            continue
        country = country or article_country(ctx)
        if country is None:
            return out
        same = [e for e in events if e.evidence.sentence == sent_no and lexicon.has_trait(e.event_class, "period")]
        if same and not same[0].places and not same[0].place_texts:
            same[0].places = [country]
            continue
        before = [e for e in events
                  if 0 < sent_no - e.evidence.sentence <= WINDOW and lexicon.has_trait(e.event_class, "period")]
        measure = same[0] if same else (before[-1] if before else None)
        if not same and _other_subject(ctx, verb, events):
            continue
        if measure is None or any(m.name == country.name for m in measure.places):
            continue
        end = sent.start_char + found.end()
        trigger = ctx.span(verb.idx, max(end, verb.idx + len(verb.text)), sent_no)
        out.append(replace(measure, local_id=f"ev-{trigger.start}-{trigger.end}-ext", trigger=trigger,
                           evidence=ctx.sent_span(sent_no), places=[country], place_texts=[], also_classes=[],
                           agents=list(measure.agents), agent_texts=list(measure.agent_texts), targets=[],
                           target_texts=[], participants=[], sub_event_of=None, caused_by=[], responds_to=[],
                           legal_basis=None, component="events.extension"))
    out.sort(key=lambda e: e.evidence.sentence)  # stable: the extension after its sentence's other events
    return out
