"""Titles used as names ("the president", "the head of state", "the mayor of X"): a Doc in, title
:class:`~kg.records.Mention` records out.

A title mention has kind ``person``, label ``TITLE`` and as its name the normalised title key,
with the office's place or body when written: ``"mayor of Kharkiv"``, ``"president"``. Which
person it denotes is decided by :mod:`kg.resolve`: the person named right next to the title
("the mayor of X, Jane Doe"; "President Jane Doe"), else the person the same article names
with that title. The title terms and their keys are data (``kg/data/titles.jsonl``).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from kg.extract.doc_views import entities_of, text_of
from kg.extract.entities import SentenceIndex
from kg.extract.gazetteer import Gazetteer, load_gazetteer, term_pattern
from kg.records import PERSON, Mention, Span

TITLE_LABEL = "TITLE"
COMPONENT = "title_rule"

#: What may stand right before a lower-case title for it to be used as a name.
_DETERMINER = re.compile(
    r"(?:\b(?:the|his|her|its|their|our|this|that)|'s)(?:\s+(?:current|acting|new|incumbent|interim|then|"
    r"country's|republic's|nation's|city's|region's))?\s+$", re.I)
#: A capitalised word right before the title that qualifies it ("Ukrainian President", "Russian President").
_ADJECTIVE = re.compile(r"\b([A-Z][a-z]+(?:'s)?)\s+$")
_NAME_WORD = r"[A-Z][\w'-]*(?:\.[\w]+)*"
_QUALIFIER = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?("
                        + _NAME_WORD + r"(?:[ \t]+(?:" + _NAME_WORD + r"|of|the|and))*)")
_STOP = {"The", "A", "An", "In", "On", "At", "As", "And", "But", "Then", "When", "While", "After", "Before", "Earlier",
         "Today", "Meanwhile", "However", "According"}


def split_title(name: str) -> tuple[str, str | None]:
    """A title mention's name as (key, qualifier).

    >>> split_title("mayor of Kharkiv"), split_title("president")
    (('mayor', 'Kharkiv'), ('president', None))
    """
    key, _, qualifier = name.partition(" of ")
    return key, qualifier or None


def _person_starts(doc: Doc) -> list[tuple[int, int]]:
    return [(e.start_char, e.end_char) for e in entities_of(doc) if e.label_ == "PERSON"]


def extract_titles(article_id: str, doc: Doc, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Title mentions in ``doc``, in text order (see the module docstring)."""
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    if not gazetteer.titles:
        return []
    text = text_of(doc)
    persons = _person_starts(doc)
    sentence_of = SentenceIndex(doc)
    mentions: list[Mention] = []
    for match in term_pattern(tuple(gazetteer.titles)).finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in persons) or (mentions and start < mentions[-1].span.end):
            continue
        surface = match.group(0)
        key = gazetteer.titles[" ".join(surface.replace("-", " ").lower().split())]
        before = text[max(start - 40, 0):start]
        capitalised = surface[0].isupper()
        adjective = _ADJECTIVE.search(before)
        if not (capitalised or _DETERMINER.search(before)):
            continue
        qualifier = None
        q = _QUALIFIER.match(text, end)
        if q:
            stop = next((s for s, _ in persons if q.start(1) <= s < q.end(1)), q.end(1))
            raw = re.sub(r"(?:[\s,.]+|\s+(?:of|the|and))+$", "", text[q.start(1):stop])
            if raw:
                qualifier = " ".join(raw.split())
                end = q.start(1) + len(raw)
        if qualifier is None and adjective and adjective.group(1) not in _STOP:
            qualifier = adjective.group(1).removesuffix("'s")
            start = max(start - 40, 0) + adjective.start(1)
        name = f"{key} of {qualifier}" if qualifier else key
        mentions.append(Mention(Span(article_id, start, end, text[start:end], sentence_of(start)),
                                PERSON, name, TITLE_LABEL, None, COMPONENT, 0.6))
    return mentions
