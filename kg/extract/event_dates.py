"""The date of each event: an article's parse, its written dates and its events in; each event's
:class:`~kg.records.DateRef` (as written, resolved later by :mod:`kg.resolve.dates`) out.

An event takes the date of its clause, else the nearest of its sentence (:func:`nearest_date`); a measure in force
over a period takes the range written in its sentence or the next (:func:`period_date`); an undated same-day
event takes the date of the article's dated one of its class (:func:`inherit_dates`); an undated street event takes
the day the story just told (:func:`narrative_dates`; a year or a length that describes a noun, "a 1951 law",
does not end the story).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from kg import lexicon
from kg.extract.context import Context
from kg.extract.roles import line_between, trigger_root
from kg.records import DateRef, EventRecord

#: How many sentences after a written date (or an event that took it) the next undated one may still take it.
NARRATIVE_WINDOW = 3


def over_a_period(root: Token) -> bool:
    """"after eleven days of unrest": a trigger that names what filled a stretch of time."""
    durations = lexicon.word_set("duration_words.txt")
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in durations


def nearest_date(ctx: Context, sent_no: int, token: Token, clause: Token | None = None) -> DateRef | None:
    """The date of the trigger's clause when it has one, else the nearest date of its sentence."""
    # a line break ends what a date can date: "Headline\n\nLima, 8 December\n\nX happened on Wednesday"
    # is one sentence to the parser, but the dateline's day is not the events'
    dates = [d for d in ctx.dates_in(sent_no)
             if d.kind != "clock" and not line_between(ctx, d.span.start, d.span.end, token.idx)]
    if not dates:
        return None
    if clause is not None:
        begin, end = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge.text)
        inside = [d for d in dates if begin <= d.span.start < end]
        dates = inside or dates
    return min(dates, key=lambda d: abs(d.span.start - token.idx))


def clock_in(ctx: Context, sent_no: int) -> DateRef | None:
    for d in ctx.dates_in(sent_no):
        if d.time_start:
            return d
    return None


def inherit_dates(events: list[EventRecord]) -> None:
    """An undated state of emergency, resignation ... takes the date of the article's dated one of the same
    class (a state of emergency may also take the period of the article's curfew)."""
    for ev in events:
        if ev.date is not None or not lexicon.has_trait(ev.event_class, "same-day"):
            continue
        donors = [e for e in events if e.event_class == ev.event_class and e.date is not None
                  and e.date.kind in ("absolute", "weekday", "relative")]
        if not donors and ev.event_class == "StateOfEmergency":
            donors = [e for e in events if e.event_class == "Curfew" and e.date is not None and e.date.end_day]
        if donors:
            ev.date = donors[0].date
        if not lexicon.has_trait(ev.event_class, "measure") and ev.date is not None and ev.date.time_start:
            # the period of a curfew written with its hours: the days are the emergency's, the hours are not
            ev.date = replace(ev.date, time_start=None, time_end=None)


def narrative_dates(ctx: Context, events: list[EventRecord]) -> None:
    """"Clashes erupted on Tuesday evening. Violent protests took place in A and B. ... Rallies are also taking
    place in C": an undated protest, riot, clash, attack or arrest takes the day last written before it, when
    that day (or an event that took it) is at most NARRATIVE_WINDOW sentences back. A range (a measure's
    period), a time the dates module does not read ("in the first days of the year") or a word of
    kg/data/narrative_breaks.txt ("earlier") ends the story."""
    breaks = lexicon.word_set("narrative_breaks.txt")
    written: dict[int, list[DateRef]] = {}
    for d in ctx.dates or []:
        if d.kind != "clock":
            written.setdefault(d.span.sentence, []).append(d)
    by_sentence: dict[int, list[EventRecord]] = {}
    for ev in events:
        by_sentence.setdefault(ev.evidence.sentence, []).append(ev)
    current: DateRef | None = None
    last = 0
    for sent_no, sent in enumerate(ctx.sents):
        for d in sorted(written.get(sent_no, []), key=lambda d: d.span.start):
            current = None if d.end_day is not None or d.until else d
            last = sent_no
        if sent_no not in written and (any(t.lower_ in breaks for t in sent)
                                       or any(e.label_ in ("DATE", "TIME") and not _names_a_thing(e)
                                              for e in ctx.ents_in(sent_no))):
            current = None
        if current is None or sent_no - last > NARRATIVE_WINDOW:
            continue
        undated = [e for e in by_sentence.get(sent_no, [])
                   if e.date is None and lexicon.has_trait(e.event_class, "narrative")
                   and not over_a_period(trigger_root(ctx, e))]
        for ev in undated:
            ev.date = current
        if undated:
            last = sent_no


def _names_a_thing(ent: Span) -> bool:
    """"a 1951 law", "a three-day strike": a time that describes a noun, not when the story goes on."""
    return ent.root.dep_ in ("nummod", "compound", "amod") and ent.root.head.pos_ in ("NOUN", "PROPN") and (
        ent.root.head.i >= ent.end)


def period_date(ctx: Context, sent_no: int, date: DateRef | None) -> DateRef | None:
    """A state of emergency or curfew takes a range written in its sentence or the next one."""
    candidates = [d for d in ctx.dates_in(sent_no) if d.end_day is not None]
    if not candidates and sent_no + 1 < len(ctx.sents):
        nxt = ctx.sents[sent_no + 1]
        if nxt[0].lower_ in ("it", "this", "the", "they"):
            candidates = [d for d in ctx.dates_in(sent_no + 1) if d.end_day is not None]
    if candidates:
        chosen = candidates[0]
        clock = clock_in(ctx, sent_no)
        if date is not None and chosen is not date and chosen.month is None and date.kind == "absolute":
            chosen.month, chosen.day, chosen.year = date.month, date.day, date.year
        # a copy: the range is shared by every measure that reads it, the clock times are this one's
        return with_clock(chosen, clock) if clock and not chosen.time_start else chosen
    return date


def with_clock(period: DateRef, clock: DateRef) -> DateRef:
    return replace(period, time_start=clock.time_start, time_end=clock.time_end)
