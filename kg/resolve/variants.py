"""Variants of names, for the resolver: the name keys of the corpus (with the articles each is written in) in,
unions of the keys that name one person or one organisation out.

* Across articles, only on strong evidence: two full names equal but for middle initials, accents and dots
  ("George W. Bush" / "George Bush", "José Pérez" / "Jose Perez"). A shared surname alone never merges.
* Within one article: a name whose words are, in order, some of the words of exactly one longer name of the
  article ("Inacio Lula da Silva" in "Luiz Inacio Lula da Silva"); a one-word name that is the first or a middle
  word of exactly one full name of the article and no surname there ("Hu" of "Hu Jintao", "Lula").
* An organisation's acronym written in capitals is the only organisation of the corpus whose name's initials it is
  ("WTO": "World Trade Organization"; "of", "the", "and", "for" not counted).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable

Key = tuple[str, str]


def strong_form(folded: str) -> str:
    """A full name without accents, dots and one-letter middle initials, for merging across articles.

    >>> strong_form("george w. bush"), strong_form("josé  pérez")
    ('george bush', 'jose perez')
    """
    text = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    words = text.replace(".", " ").split()
    return " ".join(w for i, w in enumerate(words) if not (len(w) == 1 and 0 < i < len(words) - 1))


def _in_order(short: list[str], long: list[str]) -> bool:
    """Whether the words of ``short`` are words of ``long`` in the same order.

    >>> _in_order("inacio lula da silva".split(), "luiz inacio lula da silva".split())
    True
    >>> _in_order("silva lula".split(), "luiz inacio lula da silva".split())
    False
    """
    it = iter(long)
    return all(word in it for word in short)


def person_variants(keys: list[Key], articles_of: dict[Key, set[str]], find: Callable[[Key], Key],
                    union: Callable[[Key, Key, str], None]) -> None:
    """Join the keys of person names that name one person (see the module docstring).

    Args:
        keys: the person keys (kind, folded name), sorted.
        articles_of: the articles each key is written in.
        find: the cluster root of a key.
        union: joins two keys' clusters, with a reason.
    """
    full = [k for k in keys if len(k[1].split()) > 1]
    by_form: dict[str, list[Key]] = defaultdict(list)
    for key in full:
        by_form[strong_form(key[1])].append(key)
    for same in by_form.values():
        for other in same[1:]:
            union(same[0], other, "the same full name but for middle initials, accents or dots")
    by_article: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        for article in sorted(articles_of.get(key, ())):
            by_article[article].append(key)
    for article, here in sorted(by_article.items()):
        longer = [k for k in here if len(k[1].split()) > 1]
        for key in here:
            words = key[1].split()
            if len(words) > 1:
                roots = {find(k) for k in longer if len(k[1].split()) > len(words)
                         and _in_order(words, k[1].split())}
                reason = "a shorter form of the only longer name of the article that has its words"
            elif words and words[0] not in {k[1].split()[-1] for k in longer}:
                roots = {find(k) for k in longer if words[0] in k[1].split()[:-1]}
                reason = "a first or middle name of the only full name of the article that has it"
            else:
                continue
            if len(roots) == 1 and find(key) not in roots:
                union(next(iter(roots)), key, reason + f" ({article})")


_MINOR = frozenset({"of", "the", "and", "for", "on", "in", "&"})


def acronyms(keys: list[Key], written: dict[Key, str], find: Callable[[Key], Key],
             union: Callable[[Key, Key, str], None]) -> None:
    """Join an organisation's acronym ("WTO", as written: capitals) to the only organisation whose initials it is.

    Args:
        keys: the organisation keys (kind, folded name), sorted.
        written: a spelling of each key as written.
        find: the cluster root of a key.
        union: joins two keys' clusters, with a reason.
    """
    initials: dict[str, set[Key]] = defaultdict(set)
    for key in keys:
        words = [w for w in key[1].split() if w not in _MINOR]
        if len(words) > 1:
            initials["".join(w[0] for w in words)].add(key)
    for key in keys:
        name = written.get(key, "")
        if not (2 <= len(name) <= 6 and name.isalpha() and name.isupper()):
            continue
        roots = {find(k) for k in initials.get(name.lower(), ())}
        if len(roots) == 1 and find(key) not in roots:
            union(next(iter(roots)), key, "the acronym of the only organisation with those initials")
