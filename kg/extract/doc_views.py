"""What every extractor reads of a parsed Doc, made once per Doc: a Doc in, its text, its sentences and its
named entities out.

``Doc.text`` joins every token's text again on each read, and ``Doc.sents`` and ``Doc.ents`` build their spans
anew (``Doc.ents`` one span per entity, each time); the extractors of one article read them again and again.
What is here is made on the first read and handed to every later reader of the same Doc (the last Doc only:
articles are extracted one after another). Nobody may change the lists.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

_TEXT: tuple[Doc, str] | None = None
_SENTS: tuple[Doc, list[Span]] | None = None
_ENTS: tuple[Doc, tuple[Span, ...]] | None = None


def text_of(doc: Doc) -> str:
    """The text of ``doc`` (``doc.text``)."""
    global _TEXT
    if _TEXT is None or _TEXT[0] is not doc:
        _TEXT = (doc, doc.text)
    return _TEXT[1]


def sentences_of(doc: Doc) -> list[Span]:
    """The sentences of ``doc``."""
    global _SENTS
    if _SENTS is None or _SENTS[0] is not doc:
        _SENTS = (doc, list(doc.sents))
    return _SENTS[1]


def entities_of(doc: Doc) -> tuple[Span, ...]:
    """The named entities of ``doc`` (``doc.ents``)."""
    global _ENTS
    if _ENTS is None or _ENTS[0] is not doc:
        _ENTS = (doc, tuple(doc.ents))
    return _ENTS[1]


def span_text(span: Span) -> str:
    """The text of a span of the last Doc (``span.text`` joins its tokens again on each read)."""
    return text_of(span.doc)[span.start_char:span.end_char]
