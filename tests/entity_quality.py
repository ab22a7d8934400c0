"""Precision and recall of entity extraction against the hand-checked lists in ``tests/data/expected``.

Run ``python -m tests.entity_quality`` from the repository root to print the figures the README
reports; :func:`evaluate` is what the tests call.

Per article, a predicted entity (a person, organisation or place node the article mentions)
counts as correct when its kind matches a hand-checked row and its canonical label, or a
spelling it has in that article, is one of the row's names. A row matched by two nodes counts
the second as wrong (the entity was split). Type accuracy is over matched rows that give a subtype.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kg.extract import extract
from kg.extract.gazetteer import fold, load_gazetteer
from kg.extract.mentions import entity_mentions
from kg.extract.nlp import make_nlp
from kg.ingest.readers import iter_articles
from kg.records import GROUP, Article, ArticleRecord
from kg.resolve.entities import resolve

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "data" / "expected"
ROOT = HERE.parent


@dataclass(frozen=True)
class Row:
    file: str
    kind: str
    label: str
    subtype: str | None
    names: frozenset[str]


def load_expected(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        file, kind, label, subtype, *rest = line.split("\t") + [""]
        names = {fold(label)} | {fold(n) for n in rest[0].split("|") if n.strip()}
        rows.append(Row(file, kind, label, None if subtype == "-" else subtype, frozenset(names)))
    return rows


def run(folder: Path, data_dir: Path | None = None, with_records: bool = False, entities_only: bool = False):
    """Ingest, extract and resolve every article of ``folder`` with the real model.

    Args:
        folder: the articles.
        data_dir: alias data folder (default ``kg/data``).
        with_records: also return the records.
        entities_only: records hold only entity mentions (:func:`kg.extract.mentions.entity_mentions`),
            not what the event extractors add.

    Returns:
        (articles, resolution), plus the records when ``with_records``.
    """
    gazetteer = load_gazetteer(data_dir) if data_dir else None
    nlp = make_nlp(data_dir=data_dir)
    articles = [a for a in iter_articles([folder]) if isinstance(a, Article)]
    docs = nlp.pipe(a.text for a in articles)
    if entities_only:
        records = [ArticleRecord(a, entity_mentions(a.id, doc, gazetteer))
                   for a, doc in zip(articles, docs, strict=True)]
    else:
        records = [extract(a, doc) for a, doc in zip(articles, docs, strict=True)]
    resolution = resolve(records, gazetteer)
    return (articles, resolution, records) if with_records else (articles, resolution)


def evaluate(folder: Path, expected: Path, data_dir: Path | None = None) -> dict:
    """Precision, recall and type accuracy of the entities found in ``folder``."""
    articles, resolution = run(folder, data_dir)
    rows = load_expected(expected)
    by_file = defaultdict(list)
    for row in rows:
        by_file[row.file].append(row)
    tp = fp = 0
    typed = typed_ok = 0
    missed, wrong = [], []
    for article in articles:
        seen: dict[str, set[str]] = defaultdict(set)
        for entity in resolution.entities.values():
            if entity.kind == GROUP:
                continue
            for mention in entity.mentions:
                if mention.span.article_id == article.id and mention.label != "TITLE":
                    seen[entity.key].add(fold(mention.name))
        expected_rows = by_file[article.source]
        matched: set[Row] = set()
        for key, written in sorted(seen.items()):
            entity = resolution.entities[key]
            names = written | {fold(entity.label)}
            row = next((r for r in expected_rows if r.kind == entity.kind and r.names & names), None)
            if row is None or row in matched:
                fp += 1
                wrong.append(f"{article.source}: {entity.kind} {entity.label!r}" + (" (split)" if row else ""))
                continue
            matched.add(row)
            tp += 1
            if row.subtype:
                typed += 1
                typed_ok += entity.subtype == row.subtype
        missed += [f"{article.source}: {r.kind} {r.label!r}" for r in expected_rows if r not in matched]
    total = len([r for r in rows if r.file in {a.source for a in articles}])
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
        "recall": round(tp / total, 3) if total else 0.0,
        "type_accuracy": round(typed_ok / typed, 3) if typed else None,
        "true_positives": tp, "false_positives": fp, "expected": total,
        "missed": missed, "wrong": wrong,
    }


def main() -> None:
    seeds = evaluate(ROOT / "seeds", EXPECTED / "seeds.tsv")
    unseen = evaluate(HERE / "data" / "unseen", EXPECTED / "unseen.tsv")
    print(json.dumps({"seeds": seeds, "unseen": unseen}, indent=2))


if __name__ == "__main__":
    main()
