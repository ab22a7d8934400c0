"""Extraction: a spaCy Doc in, plain records (:mod:`kg.records`) out. No RDF here."""

from __future__ import annotations

from spacy.tokens import Doc

from ..ingest import Article
from ..records import ArticleRecord
from .entities import extract_mentions


def extract(article: Article, doc: Doc) -> ArticleRecord:
    """Every record one article yields."""
    return ArticleRecord(
        article=article,
        mentions=extract_mentions(article.id, doc),
        sentences=sum(1 for _ in doc.sents),
    )
