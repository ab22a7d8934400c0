"""Mentions of people, organisations and places from the named-entity recogniser."""

from __future__ import annotations

import re

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from ..records import ORGANIZATION, PERSON, PLACE, Mention, Span

#: NER label -> entity kind. Labels not listed (DATE, CARDINAL, NORP ...) are not entities.
LABEL_KINDS = {
    "PERSON": PERSON,
    "ORG": ORGANIZATION,
    "GPE": PLACE,
    "LOC": PLACE,
    "FAC": PLACE,
}

_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|')$")


def clean_name(text: str) -> str:
    """The name without a leading article, possessive or stray punctuation.

    >>> clean_name("the Kremlin's")
    'Kremlin'
    >>> clean_name('"Nur-Sultan,')
    'Nur-Sultan'
    """
    text = text.strip().strip("\"'.,;:!?()[]")
    text = _POSSESSIVE.sub("", _LEADING.sub("", text)).strip()
    return text


def sentence_index(doc: Doc) -> dict[int, int]:
    """Token index of each sentence start -> sentence number."""
    return {sent.start: i for i, sent in enumerate(doc.sents)}


def mention_from_span(article_id: str, ent: SpacySpan, sent_no: int) -> Mention | None:
    kind = LABEL_KINDS.get(ent.label_)
    if kind is None:
        return None
    name = clean_name(ent.text)
    if not name or not any(c.isalpha() for c in name):
        return None
    return Mention(
        span=Span(article_id, ent.start_char, ent.end_char, ent.text, sent_no),
        kind=kind,
        name=name,
        label=ent.label_,
        component="ner",
        confidence=0.8,
    )


def extract_mentions(article_id: str, doc: Doc) -> list[Mention]:
    """One :class:`Mention` per entity span the pipeline found, in text order."""
    starts = sentence_index(doc)
    mentions = []
    for ent in doc.ents:
        sent_no = starts.get(ent.sent.start, 0)
        mention = mention_from_span(article_id, ent, sent_no)
        if mention is not None:
            mentions.append(mention)
    return mentions
