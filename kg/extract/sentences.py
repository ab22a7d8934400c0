"""Sentences repeated within one article: its sentences in, which of them repeat an earlier one out.

Some pages repeat a paragraph several times. Facts must come out once, so every extractor
takes facts only from the first occurrence of a sentence; the repeats stay in the text (their
offsets are real) and may still be cited as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc

from kg.extract.doc_views import sentences_of, span_text

_NON_WORD = re.compile(r"\W+")
#: Sentences shorter than this (in word characters) are not treated as repeats ("Yes.").
MIN_LENGTH = 12


def sentence_key(text: str) -> str:
    """A sentence reduced to lower-case words, so that spacing and punctuation do not matter.

    >>> sentence_key('The buildings were on fire.') == sentence_key(' the buildings were on  fire ')
    True
    """
    return _NON_WORD.sub(" ", text.lower()).strip()


def repeated(texts: Iterable[str]) -> dict[int, int]:
    """Index of each sentence that repeats an earlier one -> index of its first occurrence.

    >>> repeated(["Police fired tear gas.", "It rained.", "Police fired tear gas!"])
    {2: 0}
    """
    first: dict[str, int] = {}
    duplicates: dict[int, int] = {}
    for i, text in enumerate(texts):
        key = sentence_key(text)
        if len(key.replace(" ", "")) < MIN_LENGTH:
            continue
        if key in first:
            duplicates[i] = first[key]
        else:
            first[key] = i
    return duplicates


def repeated_sentences(doc: Doc) -> dict[int, int]:
    """:func:`repeated` over the sentences of a parsed document."""
    return repeated(span_text(sent) for sent in sentences_of(doc))
