"""Precision of events, tenures, counts and statements against hand-made verdicts, ``tests/data/precision_items.tsv``.

Every item the extractors give on the seeds and on the articles written for the tests (the two of
``tests.events_recall`` and the three of ``tests/data/unseen``) is written as one line, and each line
has a verdict checked by hand against the article text: ``ok`` when every part of it (class, agents,
targets, participants, places, date; holder, title, what the post is in or of, acting/start/end and the
qualifiers former, first, designate; the holder and the title of an honorific title; category,
number, what was counted; speaker, addressee, reporting outlet, status, date, quote, channel, what a statement
concerns and what it demands)
is what the article says, ``wrong`` otherwise, with a short reason.

``python -m tests.precision`` prints the table reported in the README and the items with no verdict
(new output, to be judged and added to the file); ``python -m tests.precision --new`` prints those as
lines ready to be pasted, verdict still to fill. ``tests/test_precision.py`` holds precision to a floor
and fails when an item has no verdict.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from kg.records import ArticleRecord, Mention, ResolvedDate
from kg.resolve.dates import DateResolution
from tests.events_recall import ROOT, UNSEEN, records

VERDICTS = ROOT / "tests" / "data" / "precision_items.tsv"
#: The articles judged: the seeds, and the five written for the tests about other crises.
SEEDS = [ROOT / "seeds"]
OTHERS = [*UNSEEN, ROOT / "tests" / "data" / "unseen"]
KINDS = ("event", "tenure", "count", "statement", "honorific")


def _who(mentions: list[Mention], texts: list[str]) -> str:
    return ";".join([f"{m.name}<{m.kind}>" for m in mentions] + [f"{t}<text>" for t in texts])


def _one(mention: Mention | None, text: str | None) -> str:
    return _who([mention] if mention else [], [text] if text else []) or "-"


def _day(date: ResolvedDate | None) -> str:
    if date is None:
        return "-"
    out = f"{date.start or '?'}..{date.end or ''}"
    written = date.written
    return out + (f" {written.time_start}-{written.time_end}" if written.time_start else "")


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def item_lines(record: ArticleRecord, dates: DateResolution) -> list[tuple[str, str]]:
    """(kind, description) of each event, tenure, count and statement of a record (its dates as ``dates`` resolved
    them); the description names the trigger or evidence offset so that two items of one sentence stay apart."""
    out = []
    for ev in record.events:
        classes = "+".join([ev.event_class, *ev.also_classes])
        out.append(("event", f"{classes} @{ev.trigger.start} '{ev.trigger.text}' | A={_who(ev.agents, ev.agent_texts)}"
                             f" | T={_who(ev.targets, ev.target_texts)} | P={_who(ev.participants, [])}"
                             f" | in={_who(ev.places, ev.place_texts)} | on={_day(dates.of(ev.date))}"))
    for t in record.tenures:
        flags = " ".join(f for f, on in (("acting", t.acting), ("started", t.started_by), ("ended", t.ended_by)) if on)
        flags = " ".join(filter(None, [flags, *(q for q in t.qualifiers if q != "acting")]))
        where = _one(t.post_in, t.post_in_text if t.post_in is None else None)
        if t.jurisdiction is not None:
            where += f" in {t.jurisdiction.name}"
        out.append(("tenure", f"{t.title} @{t.evidence.start} | holder={t.holder_text} | of={where}"
                              f" | {flags or '-'}"))
    for h in record.honorifics:
        out.append(("honorific", f"{h.title} @{h.evidence.start} | holder={h.holder.name}"))
    triggers = {ev.local_id: ev.trigger.text for ev in record.events}
    for st in record.statements:
        quote = " ".join((st.quote or "-").split())
        who = (f"by={_one(st.speaker, st.speaker_text)} | to={_one(st.addressee, st.addressee_text)}"
               f" | via={_one(st.outlet, st.outlet_text)}")
        on = _day(dates.of(st.date))
        more = f" | ch={st.channel}" if st.channel else ""
        for name, entities, ids in (("about", st.concerns, st.concerns_events),
                                    ("wants", st.demands, st.demands_events)):
            told = [m.name for m in entities] + [f"'{triggers[i]}'" for i in ids if i in triggers]
            more += f" | {name}={';'.join(told)}" if told else ""
        out.append(("statement", f"{st.act_class} @{st.evidence.start} | {who} | {st.status} | on={on}"
                                 f" | q={quote[:90]}{more}"))
    for c in record.counts:
        out.append(("count", f"{c.category} @{c.evidence.start} | ={_num(c.value)} >={_num(c.min_value)}"
                             f" <={_num(c.max_value)} | what={c.group_text or '-'} | unit={c.unit or '-'}"))
    return [(kind, " ".join(line.split())) for kind, line in out]


def extracted(nlp) -> list[tuple[str, str, str]]:
    """(file, kind, description) of every item extracted from the judged articles."""
    recs = records(nlp, SEEDS)
    recs.update(records(nlp, OTHERS))
    return [(name, kind, line) for name, (rec, dates) in sorted(recs.items()) for kind, line in item_lines(rec, dates)]


def verdicts() -> dict[tuple[str, str, str], tuple[str, str]]:
    """(file, kind, description) -> (verdict, reason) from the hand-judged file."""
    out = {}
    for line in VERDICTS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        file, kind, item, verdict, reason = line.split("\t")
        out[(file, kind, item)] = (verdict, reason)
    return out


def _set(file: str) -> str:
    return "seeds" if file[:3].isdigit() else "unseen"


Item = tuple[str, str, str]


def precision(nlp) -> tuple[dict[tuple[str, str], tuple[int, int]], list[Item], list[Item]]:
    """(set, kind) -> (correct, judged); the items with no verdict; the verdicts of items no longer extracted."""
    judged = verdicts()
    items = extracted(nlp)
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    unjudged = []
    for item in items:
        if item not in judged:
            unjudged.append(item)
            continue
        row = table[(_set(item[0]), item[1])]
        row[1] += 1
        row[0] += judged[item][0] == "ok"
    stale = sorted(set(judged) - set(items))
    return {k: (v[0], v[1]) for k, v in sorted(table.items())}, unjudged, stale


if __name__ == "__main__":
    from kg.extract.nlp import make_nlp

    table, unjudged, stale = precision(make_nlp())
    if "--new" in sys.argv:
        for file, kind, item in unjudged:
            print(f"{file}\t{kind}\t{item}\t?\t")
        sys.exit(0)
    for (which, kind), (ok, total) in table.items():
        print(f"| {which} | {kind} | {ok}/{total} | {ok / total:.0%} |")
    for item in unjudged:
        print("no verdict:", "\t".join(item))
    for item in stale:
        print("no longer extracted (its line can go):", "\t".join(item))
