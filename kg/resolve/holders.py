"""Who holds a title, for the resolver: title mentions and the person mentions near them in, the person each title
denotes out ("President X", "X, the president", a bare "the president" of the article's home country)."""

from __future__ import annotations

from collections import Counter, defaultdict

from kg.extract.gazetteer import fold
from kg.extract.titles import split_title
from kg.records import Entity, Mention

#: Most characters between a title and the name it stands next to (", " or " ").
ADJACENT = 2


def _qualifiers_agree(a: str | None, b: str | None) -> bool:
    """Place qualifiers of two titles agree when either is missing or they share a stem ("Ukrainian"/"Ukraine")."""
    if not a or not b:
        return True
    a, b = fold(a), fold(b)
    return a == b or a[:5] == b[:5]


def _home_countries(named: list[Mention], of_mention: dict[Mention, str],
                    entities: dict[str, Entity]) -> dict[str, str]:
    """Each article's most mentioned country (ties: alphabetical label)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for mention in named:
        entity = entities[of_mention[mention]]
        if entity.subtype == "Country":
            counts[mention.span.article_id][entity.label] += 1
    return {article: sorted(c, key=lambda label: (-c[label], label))[0] for article, c in counts.items()}


def _adjacent_person(title: Mention, persons: list[Mention]) -> Mention | None:
    """The person named right after the title ("President X") or right before it ("X, the president")."""
    for person in persons:
        if person.span.sentence != title.span.sentence:
            continue
        gap_after = person.span.start - title.span.end
        if 0 <= gap_after <= ADJACENT:
            return person
        gap_before = title.span.start - person.span.end
        if 0 < gap_before <= ADJACENT + 4:  # "X, the president"
            return person
    return None


def _holder(title: Mention, holders: dict[tuple[str, str], str],
            home: dict[str, str]) -> tuple[str | None, str]:
    """Who holds a bare title: the article's holder, else (for a title with a place) the corpus's only one.

    A title without a place is taken to be of the article's home country (its most mentioned country).
    """
    article = title.span.article_id
    key, qualifier = split_title(fold(title.name))
    local = {entity for (art, held), entity in holders.items() if art == article
             and split_title(held)[0] == key
             and _qualifiers_agree(qualifier or home.get(article), split_title(held)[1] or home.get(article))}
    if len(local) == 1:
        return next(iter(local)), f"title '{title.name}' held in the same article"
    if qualifier:
        anywhere = {entity for (_, held), entity in holders.items()
                    if split_title(held)[0] == key and _qualifiers_agree(qualifier, split_title(held)[1])}
        if len(anywhere) == 1:
            return next(iter(anywhere)), f"title '{title.name}' held by the only person the corpus gives it"
    return None, ""
