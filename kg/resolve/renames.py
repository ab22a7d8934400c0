"""Other names an article itself gives an entity, for the resolver: the mentions of an article (with their name
keys) and its text in, unions of the keys the text says are one entity out.

* A renaming: "X, formerly known as Y", "X, previously called Y", "X, now called Y", "X was renamed Y"; and "the
  institution formerly known as Y" (a common noun, no name before it): Y is the organisation or place named
  last before that sentence (within eight sentences) with a word of the noun's stem in its name ("Institute").
* A nickname: "X, known as Y", "X, nicknamed Y", "X, dubbed Y"; and '"Y," as he was dubbed' (a quoted name and a
  pronoun): Y is the person named last before it, in that sentence or the one before.

Only names of one kind join (a person's nickname is a person), and only within the article. A former name or a
nickname is no label.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from kg.records import ORGANIZATION, PERSON, PLACE, Mention

Key = tuple[str, str]

#: Words between two names of one entity: "formerly known as", "now called", "renamed" ...
_BETWEEN = re.compile(
    r"^,?\s*\(?\s*(?:(?:which|who)\s+(?:was|were|is)\s+)?(?:(?:formerly|previously|once|originally)\s*(?=[\"'\u201c`A-Z])|"
    r"(?:formerly|previously|once|originally|now|also)\s+"
    r"(?:known\s+as|called|named)|known\s+as|nicknamed|dubbed|(?:was|has\s+been|had\s+been|is\s+being)\s+renamed"
    r"(?:\s+as)?)\s+(?:the\s+)?[\"'\u201c`]*\s*$",
    re.I,
)
#: A common noun before "formerly known as Y" ("the institution formerly known as Y").
_NOUN_BEFORE = re.compile(r"\bthe\s+([a-z]{4,})\s+(?:formerly|previously|once|originally)\s+(?:known\s+as|called|named)"
                          r"\s+(?:the\s+)?[\"'\u201c`]*\s*$", re.I)
#: A quoted name and a pronoun after it: '"Y," as he was dubbed', '"Y" as she is known'.
_AS_KNOWN = re.compile(r"^[,\"'\u201d`]*\s*as\s+(?:he|she)\s+(?:was|is|had\s+been|has\s+been)\s+"
                       r"(?:dubbed|called|known|nicknamed)\b", re.I)
#: How far back (sentences) the named entity a pronoun, or a common noun, stands for may be.
_PRONOUN_BACK, _NOUN_BACK = 1, 8


def _last_before(mentions: list[Mention], at: Mention, kind_of: Callable[[Mention], str], kinds: set[str],
                 back: int, same_sentence: bool, noun: str = "") -> Mention | None:
    """The mention of one of ``kinds`` named last before ``at``: in the ``back`` sentences before ``at``'s, or also in
    its own sentence when ``same_sentence``; with a word of the stem of ``noun`` in its name, when given (the
    institution: "... Institute ...")."""
    found = None
    for mention in mentions:
        if mention.span.start >= at.span.start or kind_of(mention) not in kinds:
            continue
        if noun and not any(word.lower()[:5] == noun[:5] for word in mention.name.split()):
            continue
        sentence = mention.span.sentence
        if (sentence == at.span.sentence and same_sentence) or at.span.sentence - back <= sentence < at.span.sentence:
            found = mention
    return found


def stated_names(named: list[Mention], texts: dict[str, str], keys_of: dict[Mention, Key],
                 find: Callable[[Key], Key], union: Callable[[Key, Key, str], None]) -> set[Key]:
    """Join the keys of the names each article says are one entity's (see the module docstring); the keys of the
    former names and nicknames among them, which are no label.

    Args:
        named: the named mentions of the corpus.
        texts: each article's text.
        keys_of: each mention's name key.
        find: the cluster root of a key.
        union: joins two keys' clusters, with a reason.
    """
    mentions_in: dict[str, list[Mention]] = defaultdict(list)
    for mention in sorted(named, key=lambda m: (m.span.article_id, m.span.start, m.span.end)):
        mentions_in[mention.span.article_id].append(mention)
    other_names: set[Key] = set()
    for article, mentions in sorted(mentions_in.items()):
        other_names |= _article_names(mentions, texts.get(article, ""), keys_of, find, union)
    return other_names


def _article_names(mentions: list[Mention], text: str, keys_of: dict[Mention, Key], find: Callable[[Key], Key],
                   union: Callable[[Key, Key, str], None]) -> set[Key]:
    """:func:`stated_names` in one article.

    Args:
        mentions: the article's named mentions, in text order.
        text: the article's text.
        keys_of: each mention's name key.
        find: the cluster root of a key.
        union: joins two keys' clusters, with a reason.
    """
    def kind_of(mention: Mention) -> str:
        return keys_of[mention][0]

    other_names: set[Key] = set()

    def join(a: Mention, b: Mention, reason: str, other: Mention) -> None:
        if kind_of(a) == kind_of(b) and find(keys_of[a]) != find(keys_of[b]):
            union(keys_of[a], keys_of[b], reason)
            other_names.add(keys_of[other])

    for i, second in enumerate(mentions):
        before = text[max(0, second.span.start - 60) : second.span.start]
        first = mentions[i - 1] if i else None
        between = text[first.span.end : second.span.start] if first is not None else ""
        if first is not None and _BETWEEN.match(between):
            old = first if re.search(r"\b(?:now|renamed)\b", between, re.I) else second
            join(first, second, "another name the article gives it ('X, formerly known as Y', 'X, dubbed Y')", old)
        elif noun := _NOUN_BEFORE.search(before):
            kinds = {kind_of(second)} & {ORGANIZATION, PLACE}
            antecedent = _last_before(mentions, second, kind_of, kinds, _NOUN_BACK, False, noun[1].lower())
            if antecedent is not None:
                join(antecedent, second, "its former name, as the article says ('the institution formerly known as Y')",
                     second)
        if kind_of(second) == PERSON and _AS_KNOWN.match(text[second.span.end : second.span.end + 40]):
            person = _last_before(mentions, second, kind_of, {PERSON}, _PRONOUN_BACK, True)
            if person is not None:
                join(person, second, "its nickname, as the article says ('\"Y,\" as he was dubbed')", second)
    return other_names
