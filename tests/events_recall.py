"""Recall of events, tenures and counts against the hand-checked list ``tests/data/events_expected.jsonl``.

Run ``python -m tests.events_recall`` to print the table reported in the README; ``tests/test_events.py``
holds the recall to a floor.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from kg.extract import extract
from kg.ingest.readers import iter_articles
from kg.records import Article, ArticleRecord
from kg.resolve.dates import DateResolution, resolve_dates

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "data" / "events_expected.jsonl"
UNSEEN = [ROOT / "tests" / "data" / "events_unseen_1.txt", ROOT / "tests" / "data" / "events_unseen_2.txt"]


def expected() -> list[dict]:
    return [json.loads(line) for line in EXPECTED.read_text(encoding="utf-8").splitlines() if line.strip()]


def records(nlp, paths) -> dict[str, tuple[ArticleRecord, DateResolution]]:
    """Records of the articles under ``paths`` by file name, each with the dates of all of them, resolved together
    (as a build does)."""
    articles = [a for a in iter_articles(paths) if isinstance(a, Article)]
    recs = [extract(a, doc) for a, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True)]
    dates = resolve_dates(recs)
    return {r.article.source: (r, dates) for r in recs}


def _names(mentions, texts) -> list[str]:
    return [m.name.lower() for m in mentions] + [t.lower() for t in texts]


def _same(a: str, names: list[str]) -> bool:
    a = a.lower()
    return any(a in n or n in a for n in names)


def found(item: dict, record: ArticleRecord, dates: DateResolution) -> bool:
    """Whether the record holds the expected item (its dates as ``dates`` resolved them)."""
    kind = item["kind"]
    if kind == "event":
        for ev in record.events:
            if item["class"] not in [ev.event_class, *ev.also_classes]:
                continue
            if "place" in item and not _same(item["place"], _names(ev.places, ev.place_texts)):
                continue
            d = dates.of(ev.date)
            if "start" in item and (d is None or d.start != item["start"]):
                continue
            if "end" in item and (d is None or d.end != item["end"]):
                continue
            if "time" in item and (d is None or f"{d.written.time_start}-{d.written.time_end}" != item["time"]):
                continue
            return True
        return False
    if kind == "tenure":
        for t in record.tenures:
            if t.title != item["title"] or not _same(item["holder"], [t.holder_text.lower()]):
                continue
            if item.get("acting") and not t.acting:
                continue
            if item.get("ended") and t.ended_by is None:
                continue
            if item.get("started") and t.started_by is None:
                continue
            return True
        return False
    for c in record.counts:
        if c.category != item["category"]:
            continue
        if all(item.get(k) is None or v == item[k] for k, v in
               (("value", c.value), ("min", c.min_value), ("max", c.max_value))):
            return True
    return False


def recall(nlp) -> dict[tuple[str, str], tuple[int, int]]:
    """(set, kind) -> (found, expected), set being ``seeds`` or ``unseen``."""
    recs = records(nlp, [ROOT / "seeds"])
    recs.update(records(nlp, UNSEEN))
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for item in expected():
        which = "unseen" if item["file"].startswith("events_") else "seeds"
        row = table[(which, item["kind"])]
        row[1] += 1
        row[0] += found(item, *recs[item["file"]])
    return {k: (v[0], v[1]) for k, v in sorted(table.items())}


def missed(nlp) -> list[dict]:
    recs = records(nlp, [ROOT / "seeds"])
    recs.update(records(nlp, UNSEEN))
    return [item for item in expected() if not found(item, *recs[item["file"]])]


if __name__ == "__main__":
    from kg.extract.nlp import make_nlp

    nlp = make_nlp()
    for (which, kind), (hit, total) in recall(nlp).items():
        print(f"| {which} | {kind} | {hit}/{total} | {hit / total:.0%} |")
    for item in missed(nlp):
        print("missed:", item)
