"""How long an event lasted, as the text writes it: "a six-day state visit", "a 48-hour strike", "the talks, which
went on for 20 hours", "the siege lasted three weeks". Each is a :class:`~kg.records.CountRecord` of category
``duration`` with its unit (hours, days, weeks, months, years) on the event it measures, so that the length of an
event is a number on its node like its casualties.

Only a length the parse ties to an event is one: the modifier of the event's noun, the "for" phrase of its verb
(or of a clause describing its noun), the object of "last" whose subject is the event. "He was in Paris for five
days" (no event) and "a 1951 law" (no length unit) give nothing.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from kg.extract.context import Context
from kg.extract.counts import number_value
from kg.records import CountRecord, EventRecord

#: "six-day", "20 hours", "three weeks", "48-hour": a number and a unit of time, nothing else.
_LENGTH = re.compile(r"^(?P<num>[\w,.]+(?: - \w+)?)\s*(?:-\s*)?(?P<unit>hour|day|week|month|year)s?(?:\s*-\s*long)?$",
                     re.IGNORECASE)
#: Forms of "last" ("the siege lasted three weeks").
LAST = frozenset({"last", "lasts", "lasted", "lasting"})


def extract_durations(ctx: Context, events: list[EventRecord]) -> list[CountRecord]:
    """The lengths of the article's events (category ``duration``), in text order."""
    by_root: dict[int, EventRecord] = {}
    for ev in events:
        span = ctx.doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
        if span is not None:
            by_root.setdefault(span.root.i, ev)
    if not by_root:
        return []
    out = []
    for sent_no in range(len(ctx.sents)):
        if sent_no in ctx.repeats:
            continue
        for ent in ctx.ents_in(sent_no):
            if ent.label_ not in ("DATE", "TIME"):
                continue
            found = _LENGTH.match(" ".join(t.text for t in ent).replace(" - ", "-").replace("-", " - "))
            value = number_value(found["num"]) if found else None
            event = _measured(ent, by_root) if value else None
            if event is None:
                continue
            out.append(CountRecord(local_id=f"dur-{ent.start_char}", category="duration",
                                   evidence=ctx.sent_span(sent_no), value=value, unit=found["unit"].lower() + "s",
                                   event=event.local_id, confidence=0.7))
    return out


def _measured(ent: Span, by_root: dict[int, EventRecord]) -> EventRecord | None:
    """The event a length is of: the noun it modifies, the verb of its "for" phrase (or the noun that verb's
    clause describes), or the subject of "last"."""
    root = ent.root
    head = root.head
    if root.dep_ in ("compound", "amod", "nummod", "nmod", "npadvmod") and head.i >= ent.end:
        return by_root.get(head.i)
    if root.dep_ == "pobj" and head.lower_ == "for":
        verb = head.head
        return by_root.get(verb.i) or (by_root.get(verb.head.i) if verb.dep_ in ("relcl", "acl") else None)
    if root.dep_ in ("dobj", "npadvmod") and head.lower_ in LAST:
        return next((by_root[s.i] for s in head.children if s.dep_ == "nsubj" and s.i in by_root), None)
    return None
