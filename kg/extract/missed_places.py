"""Places the model missed or cut short, found with the gazetteer (:mod:`kg.extract.geo`): an article's text and
its mentions in, the place mentions to add or widen out.

* The dateline's place, written in capitals ("RAMALLAH, West Bank (AP) -"), which the model seldom tags: a town
  (``Settlement``) when the gazetteer knows a town of that name.
* A compass word the model left out of a place's name, written in lower case ("in disputed east Jerusalem"):
  the whole name, when the gazetteer knows it ("East Jerusalem").

And people the model took for places (:func:`people_taken_for_places`), where person evidence is right next to the
name: a title before a first name the model left out ("President Alejandro Toledo", tagged "Toledo"), or a verb
of saying next to a name of two or more words the gazetteer knows neither as a place nor by its first word
("said Chile's Ricardo Lagos", "Ricardo Lagos told"; not "North Waziristan", "El Universo", nor the listener of
"told X").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg import lexicon
from kg.extract.geo import DATELINE, SETTLEMENT, world
from kg.records import PERSON, PLACE, Mention, Span

_COMPASS = re.compile(r"\b(east|west|north|south|northern|southern|eastern|western)\s+$")


def _place(article_id: str, start: int, end: int, text: str, name: str, sentence: int, label: str,
           subtype: str | None) -> Mention:
    return Mention(Span(article_id, start, end, text[start:end], sentence), PLACE, name, label, subtype,
                   "gazetteer", 0.7)


def missed_places(article_id: str, text: str, mentions: list[Mention],
                  sentence_of: Callable[[int], int]) -> list[Mention]:
    """``mentions`` with the dateline's place added, and the places cut short of their compass word widened (see
    the module docstring), in text order."""
    taken = [(m.span.start, m.span.end) for m in mentions]

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    out = []
    for mention in mentions:
        before = _COMPASS.search(text[max(mention.span.start - 12, 0) : mention.span.start])
        if mention.kind == PLACE and before and before[1].islower():
            whole = f"{before[1].title()} {mention.name}"
            if any(p.cls for p in world().places(whole)):
                start = max(mention.span.start - 12, 0) + before.start()
                mention = _place(article_id, start, mention.span.end, text, whole, mention.span.sentence,
                                 mention.label, mention.subtype)
        out.append(mention)
    dateline = DATELINE.search(text[:600])
    if dateline and free(dateline.start(1), dateline.end(1)):
        name = dateline[1].title()
        if any(p.cls == SETTLEMENT for p in world().places(name)):
            out.append(_place(article_id, dateline.start(1), dateline.end(1), text, name,
                              sentence_of(dateline.start(1)), "GPE", SETTLEMENT))
    return sorted(out, key=lambda m: (m.span.start, m.span.end))


_FIRST_NAME = re.compile(r"(?<![\w.'-])([A-Z][a-z]+)\s+$")
_TITLE_BEFORE = re.compile(r"(?:^|\s)([A-Za-z]+)\.?\s+$")
_SAID_BEFORE = re.compile(r"\b(?:said|says|added)\s+(?:[A-Z][\w.]*(?:'s|\u2019s)\s+)?$")  # not "told X": a listener
#: First words of names that are no people's ("El Universo", "The Hague").
_ARTICLES = frozenset({"el", "la", "le", "les", "los", "las", "the", "der", "die", "das", "il", "lo"})
_SAID_AFTER = re.compile(r"^,?\s+(?:said|says|told|added|announced|declared|insisted)\b")


def _title_words(titles: dict[str, str]) -> frozenset[str]:
    """The last words of the titles and the honorifics ("president", "minister", "mr"), which stand before a name."""
    words = {row[0].strip().lower().rstrip(".") for row in lexicon.rows("honorifics.txt") if row and row[0].strip()}
    return frozenset(words | {term.split()[-1] for term in titles if term.split()})


def people_taken_for_places(article_id: str, text: str, mentions: list[Mention],
                            titles: dict[str, str]) -> list[Mention]:
    """``mentions`` with the places that person evidence right next to them makes people (see the module
    docstring) made person mentions, widened to the first name the model left out."""
    title_words = _title_words(titles)
    taken = [(m.span.start, m.span.end) for m in mentions]
    out = []
    for mention in mentions:
        if mention.kind != PLACE or world().country_of(mention.name) or mention.subtype == "Country":
            out.append(mention)
            continue
        start, name = mention.span.start, mention.name
        first = _FIRST_NAME.search(text[max(start - 30, 0) : start])
        if first is not None:
            at = max(start - 30, 0) + first.start(1)
            title = _TITLE_BEFORE.search(text[max(at - 30, 0) : at])
            if (title and title[1].lower() in title_words and not world().places(first[1])
                    and not world().country_of(first[1]) and not any(s < start and at < e for s, e in taken)):
                start, name = at, f"{first[1]} {name}"
        said = _SAID_BEFORE.search(text[max(start - 40, 0) : start]) or _SAID_AFTER.match(text[mention.span.end :])
        first_word = name.split()[0]
        unknown = not world().places(name) and not world().places(first_word) and first_word.lower() not in _ARTICLES
        if start != mention.span.start or (len(name.split()) > 1 and said and unknown):
            mention = Mention(Span(article_id, start, mention.span.end, text[start : mention.span.end],
                                   mention.span.sentence), PERSON, name, "PERSON", None, mention.component, 0.7)
        out.append(mention)
    return out
