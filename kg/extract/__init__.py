"""Extraction: a spaCy Doc in, plain records (:mod:`kg.records`) out. No RDF here."""

from __future__ import annotations

from spacy.tokens import Doc

from ..ingest import Article
from ..records import ORGANIZATION, ArticleRecord, Mention
from .entities import extract_mentions
from .gazetteer import load_gazetteer
from .groups import extract_groups
from .narrative import annotate
from .sentences import repeated_sentences
from .titles import extract_titles


def _inside_title(mention: Mention, titles: list[Mention]) -> bool:
    """A model-found organisation inside a title ("Kazakh" of "Kazakh President") is the title's qualifier."""
    return mention.component == "ner" and mention.kind == ORGANIZATION and any(
        t.span.start <= mention.span.start and mention.span.end <= t.span.end for t in titles)


def extract(article: Article, doc: Doc) -> ArticleRecord:
    """Every record one article yields."""
    gazetteer = load_gazetteer()
    titles = extract_titles(article.id, doc, gazetteer)
    named = [m for m in extract_mentions(article.id, doc, gazetteer) if not _inside_title(m, titles)]
    mentions = named + titles + extract_groups(article.id, doc, gazetteer)
    mentions.sort(key=lambda m: (m.span.start, m.span.end))
    record = ArticleRecord(
        article=article,
        mentions=mentions,
        sentences=sum(1 for _ in doc.sents),
        duplicates=repeated_sentences(doc),
    )
    return annotate(record, doc)
