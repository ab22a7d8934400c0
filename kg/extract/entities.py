"""Mentions of people, organisations and places: a Doc's named entities (the recogniser's and the entity ruler's)
in, :class:`~kg.records.Mention` records out.

Each mention is typed: its kind from the NER label (or the alias entry the ruler matched), its
finer type (country, city, media outlet, security force ...) from the alias data, from words in
the name ("... Ministry", "... Region") or from the words around it ("the city of X", "X reports").
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from functools import cache

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg import lexicon
from kg.extract.context import EVENT_OR_DOCUMENT_HEADS
from kg.extract.doc_views import entities_of, sentences_of, text_of
from kg.extract.gazetteer import Gazetteer, fold, load_gazetteer
from kg.extract.geo import world
from kg.extract.missed_places import missed_places, people_taken_for_places
from kg.records import ORGANIZATION, PERSON, PLACE, Mention, Span

#: NER label -> entity kind. Labels not listed (DATE, CARDINAL, NORP ...) are not entities.
LABEL_KINDS = {
    "PERSON": PERSON,
    "ORG": ORGANIZATION,
    "GPE": PLACE,
    "LOC": PLACE,
    "FAC": PLACE,
}
#: Subtypes each kind may take from typing cues.
KIND_SUBTYPES = {
    ORGANIZATION: ("InternationalOrganization", "SecurityForce", "GovernmentBody", "MediaOutlet", "NGO"),
    PLACE: ("AdministrativeRegion", "Site", "WaterBody", "Settlement"),
}
CONFIDENCE = {"entity_ruler": 0.95, "ner": 0.8}

_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_TRAILING = re.compile(r"\s+(of|and|the|in|who|whose|which)$", re.I)  # "Gen Doe who": the model's span ran on
_POSSESSIVE = re.compile(r"(?:'s|')$")
_WORD = re.compile(r"[\w.]+")


def clean_name(text: str) -> str:
    """The name without a leading article, possessive or stray punctuation.

    >>> clean_name("the Pentagon's")
    'Pentagon'
    >>> clean_name('"Port-au-Prince,'), clean_name("Gen Doe -")
    ('Port-au-Prince', 'Gen Doe')
    """
    text = text.strip().strip("\"'.,;:!?()[]-\u2013\u2014 ")
    text = _TRAILING.sub("", _POSSESSIVE.sub("", _LEADING.sub("", text)).strip())
    return text


class SentenceIndex:
    """Maps character offsets of a Doc to sentence numbers."""

    def __init__(self, doc: Doc) -> None:
        self.starts = [sent.start_char for sent in sentences_of(doc)]

    def __call__(self, char: int) -> int:
        return max(bisect_right(self.starts, char) - 1, 0)


def sentence_index(doc: Doc) -> dict[int, int]:
    """Token index of each sentence start -> sentence number."""
    return {sent.start: i for i, sent in enumerate(sentences_of(doc))}


def _has_cue(words: list[str], cues: list[str], at_end: bool) -> bool:
    """Whether ``words`` end (or start) with one of the multi-word ``cues``."""
    for cue in cues:
        parts = cue.split()
        window = words[-len(parts):] if at_end else words[:len(parts)]
        if window == parts:
            return True
    return False


def infer_subtype(kind: str, name: str, before: str, after: str, typing: dict) -> str | None:
    """A finer type from words of the name and of its context, or ``None``.

    Args:
        kind: the mention's kind.
        name: the cleaned name.
        before: some text just before the mention.
        after: some text just after it.
        typing: the ``typing.json`` data.

    >>> t = {"name_words": {"GovernmentBody": ["ministry"]}, "before": {"Settlement": ["city of"]},
    ...      "after": {"MediaOutlet": ["reports"]}}
    >>> infer_subtype("organization", "Interior Ministry", "", "", t)
    'GovernmentBody'
    >>> infer_subtype("place", "Lviv", "in the city of ", ", ", t)
    'Settlement'
    >>> infer_subtype("organization", "Ukrinform", "", " reports", t)
    'MediaOutlet'
    """
    allowed = KIND_SUBTYPES.get(kind)
    if not allowed:
        return None
    before_words = [w.lower() for w in _WORD.findall(before)]
    after_words = [w.lower() for w in _WORD.findall(after)]
    for subtype, cues in typing.get("before", {}).items():
        if subtype in allowed and _has_cue(before_words, cues, at_end=True):
            return subtype
    for subtype, cues in typing.get("after", {}).items():
        if subtype in allowed and _has_cue(after_words, cues, at_end=False):
            return subtype
    words = set(fold(name).split())
    folded = fold(name)
    for subtype in allowed:
        for word in typing.get("name_words", {}).get(subtype, ()):
            if (" " in word and word in folded) or word in words:
                return subtype
    return None


def shared_region_word(before: str, after: str, typing: dict) -> bool:
    """Whether a place name shares a plural region word with the next one ("X and Y regions").

    >>> t = {"after": {"AdministrativeRegion": ["region", "regions"]}}
    >>> shared_region_word(" in ", " and Lviv regions", t), shared_region_word(" and ", " regions.", t)
    (True, True)
    >>> shared_region_word(", ", " and the Lviv region", t)
    False
    """
    plurals = [w for w in typing.get("after", {}).get("AdministrativeRegion", ()) if w.endswith("s")]
    if not plurals:
        return False
    words = "|".join(re.escape(w) for w in plurals)
    return bool(re.match(r"\s+and\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*\s+(?:" + words + r")\b", after)
                or (re.search(r"\band\s+$", before) and re.match(r"\s+(?:" + words + r")\b", after)))


#: Parts of speech a one-word name is never a person's name as ("Deemed", "Calm" in a headline).
NOT_NAME_POS = frozenset({"VERB", "ADJ", "ADV", "AUX", "ADP", "DET", "PRON", "NUM", "CCONJ", "SCONJ"})
_CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.month_name, *calendar.day_name, *calendar.month_abbr,
                                                 *calendar.day_abbr) if w)


def not_a_name(ent: SpacySpan, name: str) -> bool:
    """Whether a one-word span the model took for a person is no name: a word the tagger reads as a verb, an
    adjective and the like (a headline's "Defeated"), a month or a weekday, or an honorific or title
    abbreviation ("Gen")."""
    if len(name.split()) != 1:
        return False
    word = fold(name).rstrip(".")
    if word in _CALENDAR_WORDS or word in lexicon.word_set("honorifics.txt"):
        return True
    token = next((t for t in ent if t.text.strip(".,'\"") == name), None)
    return token is not None and token.pos_ in NOT_NAME_POS


def names_no_entity(name: str, kind: str = ORGANIZATION) -> bool:
    """Whether a name the model took for a person, an organisation or a place names none: an event or a document
    by its last word, a military operation ("Operation X"), or a writing system or language family ("Cyrillic",
    "Turkic"; pycountry's ISO 15924 and 639-5 names that are no place of the gazetteer), unless a person's.

    >>> names_no_entity("Good Friday Agreement"), names_no_entity("Ministry of War"), names_no_entity("Cyrillic")
    (True, False, True)
    """
    words = fold(name).split()
    if not words:
        return False
    if (words[-1] in EVENT_OR_DOCUMENT_HEADS and words[-2:-1] != ["of"]) or (words[0] == "operation"
                                                                            and len(words) > 1):
        return True
    return kind != PERSON and len(words) == 1 and words[0] in _scripts_and_language_families()


@cache
def _scripts_and_language_families() -> frozenset[str]:
    import pycountry

    names = {s.name.split(" (")[0] for s in pycountry.scripts}
    names |= {re.sub(r" languages$", "", f.name) for f in pycountry.language_families}
    return frozenset(fold(n) for n in names if " " not in n and not world().places(n) and world().country(n) is None)


def is_site(name: str, typing: dict) -> bool:
    """Whether a name of two words or more names a building or a site by its last word ("Abu Hanifa Mosque"; the
    ``Site`` words of ``typing.json``), or is "Fort X" or "Camp X".

    >>> t = {"name_words": {"Site": ["mosque", "fort"]}}
    >>> is_site("Abu Hanifa Mosque", t), is_site("Fort Benning", t), is_site("Mosque", t), is_site("Ana Fortes", t)
    (True, True, False, False)
    """
    words = fold(name).split()
    site = typing.get("name_words", {}).get("Site", ())
    return len(words) > 1 and (words[-1] in site or (len(words) == 2 and words[0] in ("fort", "camp")))


def mention_from_span(article_id: str, ent: SpacySpan, sent_no: int,
                      gazetteer: Gazetteer | None = None, text: str | None = None) -> Mention | None:
    """A typed :class:`Mention` for one entity span, or ``None`` when it is not a person, organisation or place.

    ``text`` is the Doc's text, when the caller has it (spaCy joins every token again on each ``doc.text``).
    """
    gazetteer = gazetteer or Gazetteer()
    entry = gazetteer.by_id().get(ent.ent_id_) if ent.ent_id_ else None
    kind = entry.kind if entry else LABEL_KINDS.get(ent.label_)
    if kind is None:
        return None
    name = clean_name(ent.text)
    if not name or not any(c.isalpha() for c in name) or (entry is None and fold(name) in gazetteer.not_entities):
        return None
    if kind == PERSON and entry is None and not_a_name(ent, name):
        return None
    if kind == ORGANIZATION and entry is None and fold(name) in lexicon.word_set("portfolios.txt"):
        return None  # "Agriculture Secretary X", "the departments of Commerce and Energy": a portfolio, no body
    if entry is None and names_no_entity(name, kind):
        return None
    after = ent.doc[ent.end].text.lower() if ent.end < len(ent.doc) else ""
    site = kind in (PERSON, ORGANIZATION) and entry is None and (
        is_site(name, gazetteer.typing) or after in gazetteer.typing.get("name_words", {}).get("Site", ()))
    if site:
        kind = PLACE  # "the Abu Hanifa mosque", "Fort Benning": a building or a base, whatever the model said
    text = text_of(ent.doc) if text is None else text
    if kind == PLACE and shared_region_word(text[max(ent.start_char - 5, 0):ent.start_char],
                                            text[ent.end_char:ent.end_char + 60], gazetteer.typing):
        # "X and Y regions": X is a region too, not the city of that name
        name = f"{name} region"
        entry = gazetteer.by_name().get((kind, fold(name)))
    if entry is None:
        entry = gazetteer.by_name().get((kind, fold(name)))
    subtype = entry.subtype if entry and entry.subtype else infer_subtype(
        kind, name, text[max(ent.start_char - 30, 0):ent.start_char], text[ent.end_char:ent.end_char + 30],
        gazetteer.typing)
    if kind == PLACE and entry is None and world().country(name) is not None:
        subtype = "Country"
    elif site:
        subtype = "Site"
    component = "entity_ruler" if ent.ent_id_ else "ner"
    return Mention(
        span=Span(article_id, ent.start_char, ent.end_char, ent.text, sent_no),
        kind=kind,
        name=name,
        label=ent.label_,
        subtype=subtype,
        component=component,
        confidence=CONFIDENCE[component],
    )


def extract_mentions(article_id: str, doc: Doc, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """One :class:`Mention` per person, organisation or place span the pipeline found, and the places it missed
    (:mod:`kg.extract.missed_places`), in text order."""
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    sentence_of = SentenceIndex(doc)
    mentions = []
    text = text_of(doc)
    for ent in join_of_place(doc):
        mention = mention_from_span(article_id, ent, sentence_of(ent.start_char), gazetteer, text)
        if mention is not None:
            mentions.append(mention)
    mentions = people_taken_for_places(article_id, text, mentions, gazetteer.titles)
    return missed_places(article_id, text, mentions, sentence_of)


def join_of_place(doc: Doc) -> list[SpacySpan]:
    """The Doc's entities, with an organisation the model cut before "of <place>" made whole again.

    "Confederation of Indigenous Nationalities" + "of" + "Ecuador" becomes one organisation,
    "Confederation of Indigenous Nationalities of Ecuador". Ruler matches are never joined.
    """
    ents = list(entities_of(doc))
    out: list[SpacySpan] = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        if (nxt is not None and ent.label_ == "ORG" and nxt.label_ == "GPE" and not ent.ent_id_
                and not nxt.ent_id_ and ent.sent.start == nxt.sent.start
                and [t.text.lower() for t in doc[ent.end:nxt.start]] in (["of"], ["of", "the"])):
            out.append(SpacySpan(doc, ent.start, nxt.end, label="ORG"))
            i += 2
            continue
        out.append(ent)
        i += 1
    return out
