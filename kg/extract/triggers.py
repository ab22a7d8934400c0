"""The event trigger lexicon: ``kg/data/event_triggers.tsv`` (and the crowd-control and facility words beside it)
in, :class:`Trigger` records and phrase matches in a parsed article out.

A trigger word or phrase gives an event's class (and ACLED type, CAMEO code); :func:`match_phrases` finds the
non-overlapping occurrences of a lexicon's phrases in a Doc, longest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from kg import lexicon
from kg.extract.context import Context

#: The protest that crowd control used against a crowd tells (see kg/data/protest_interventions.tsv).
INTERVENED_PROTEST = ("Demonstration", "Protests/Protest with intervention", "141")


@dataclass(frozen=True)
class Trigger:
    words: str
    event_class: str
    acled: str | None
    cameo: str | None
    #: a means of crowd control ("tear gas"): marked "means" in the lexicon's last column
    means: bool = False


@lru_cache(maxsize=1)
def triggers() -> dict[str, Trigger]:
    """The trigger lexicon, by lower-case phrase."""
    out = {}
    for row in lexicon.rows("event_triggers.tsv"):
        words, cls, acled, cameo, role = (row + ("-", "-", "-", "-"))[:5]
        out[words] = Trigger(words, cls, None if acled == "-" else acled, None if cameo == "-" else cameo,
                             role == "means")
    return out


@lru_cache(maxsize=1)
def facility_nouns() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns of buildings and sites, general words that refer back to one) from kg/data/facility_nouns.tsv."""
    rows = lexicon.rows("facility_nouns.tsv")
    return (frozenset(r[0] for r in rows if r[1] == "facility"), frozenset(r[0] for r in rows if r[1] == "anaphor"))


@lru_cache(maxsize=1)
def interventions() -> dict[str, frozenset[str]]:
    """Words of crowd control by role: "means" (the triggers of kg/data/event_triggers.tsv marked so), and
    "crowd", "preposition", "verb" (kg/data/protest_interventions.tsv)."""
    return {**lexicon.groups("protest_interventions.tsv"),
            "means": frozenset(t.words for t in triggers().values() if t.means)}


# (id of the vocab, phrases) -> (that vocab, its matcher): built once per process and word list, not per article
_MATCHERS: dict[tuple[int, tuple[str, ...]], tuple[object, PhraseMatcher]] = {}


def _matcher(vocab, phrases) -> PhraseMatcher:
    key = (id(vocab), tuple(phrases))
    cached = _MATCHERS.get(key)
    if cached is None or cached[0] is not vocab:
        matcher = PhraseMatcher(vocab, attr="LOWER")
        for phrase in key[1]:
            matcher.add(phrase, [_words_doc(vocab, phrase)])
        _MATCHERS[key] = cached = (vocab, matcher)
    return cached[1]


def _words_doc(vocab, phrase: str):
    from spacy.tokens import Doc

    return Doc(vocab, words=phrase.replace("-", " - ").split())


def match_phrases(ctx: Context, phrases) -> list[tuple[str, SpacySpan]]:
    """Non-overlapping matches of lower-case ``phrases`` (longest first), as (phrase, span)."""
    matcher = _matcher(ctx.doc.vocab, phrases)
    spans = []
    for match_id, start, end in matcher(ctx.doc):
        span = SpacySpan(ctx.doc, start, end, label=match_id)
        spans.append(span)
    return [(s.label_, s) for s in filter_spans(spans)]
