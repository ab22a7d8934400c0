"""Extraction: a spaCy Doc in, plain records (:mod:`kg.records`) out. No RDF here."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.doc_views import sentences_of
from kg.extract.mentions import entity_mentions
from kg.extract.narrative import annotate
from kg.extract.sentences import repeated_sentences
from kg.records import Article, ArticleRecord


def extract(article: Article, doc: Doc) -> ArticleRecord:
    """Every record one article yields."""
    record = ArticleRecord(
        article=article,
        mentions=entity_mentions(article.id, doc),
        sentences=len(sentences_of(doc)),
        duplicates=repeated_sentences(doc),
    )
    return annotate(record, doc)
