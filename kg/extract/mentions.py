"""Every entity mention of a Doc: a Doc in, its :class:`~kg.records.Mention` records out (named entities of the
model and the ruler, titles used as names, and groups)."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.entities import extract_mentions
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.groups import extract_groups
from kg.extract.titles import extract_titles
from kg.records import ORGANIZATION, Mention


def _inside_title(mention: Mention, titles: list[Mention]) -> bool:
    """A model-found organisation inside a title ("Ukrainian" of "Ukrainian President") is the title's qualifier."""
    return mention.component == "ner" and mention.kind == ORGANIZATION and any(
        t.span.start <= mention.span.start and mention.span.end <= t.span.end for t in titles)


def entity_mentions(article_id: str, doc: Doc, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Named, title and group mentions of ``doc`` in text order."""
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    titles = extract_titles(article_id, doc, gazetteer)
    named = [m for m in extract_mentions(article_id, doc, gazetteer) if not _inside_title(m, titles)]
    mentions = named + titles + extract_groups(article_id, doc, gazetteer)
    mentions.sort(key=lambda m: (m.span.start, m.span.end))
    return mentions
