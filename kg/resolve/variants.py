"""Variants of names, for the resolver: the name keys of the corpus (with the articles each is written in) in,
unions of the keys that name one person or one organisation out.

* Across articles, only on strong evidence: two full names equal but for middle initials, accents and dots
  ("George W. Bush" / "George Bush", "José Pérez" / "Jose Perez"). A shared surname alone never merges.
* Within one article: a name whose words are, in order, some of the words of exactly one longer name of the
  article ("Inacio Lula da Silva" in "Luiz Inacio Lula da Silva"); a one-word name that is the first or a middle
  word of exactly one full name of the article and no surname there ("Hu" of "Hu Jintao", "Lula").
* Within a kind, across the corpus: two names of as many words, each word pair alike and the whole names more so
  ("kassym jomart tokayev" / "kassym zhomart tokayev"; :func:`similar_names`, :func:`spelling_variants`).
* An organisation's acronym written in capitals is the only organisation of the corpus whose name's initials it is
  ("WTO": "World Trade Organization"; "of", "the", "and", "for" not counted).
* Word order (:func:`word_order_variants`): "X Department" and "Department of X" (ministry, commission, office,
  bureau ...) are one organisation when their articles are about the same country ("State Department" /
  "Department of State").
* A short name in capitals that is the first word of exactly one longer organisation name of its article, the rest
  a proper name (letters only) and no generic body nor credit ("BNP" / "BNP Paribas", "BNP-Paribas"; not "UN" /
  "UN Security Council", nor "AP" / "AP Photo"), is that organisation (:func:`first_word_names`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterator
from difflib import SequenceMatcher

import numpy as np

from kg.extract.gazetteer import fold
from kg.extract.geo import world
from kg.records import PERSON
from kg.resolve.scoped import institutions

Key = tuple[str, str]

#: Least similarity of two words for them to count as spelling variants of each other.
WORD_SIMILARITY = 0.72
#: Least similarity of two whole names (folded) for a spelling-variant merge.
NAME_SIMILARITY = 0.85


def _ratio_at_most(x: str, y: str, cx: Counter | None = None, cy: Counter | None = None) -> float:
    """An upper bound of ``SequenceMatcher(None, x, y).ratio()``, made without the matcher: its matching characters
    are at most the shorter string's length (difflib's ``real_quick_ratio``), and at most the characters the two
    share as multisets (``quick_ratio``; ``cx`` and ``cy`` are the strings' character counts, when known).

    >>> _ratio_at_most("tokayev", "tokaev") >= SequenceMatcher(None, "tokayev", "tokaev").ratio()
    True
    """
    total = len(x) + len(y)
    if not total:
        return 1.0
    if 2.0 * min(len(x), len(y)) / total < WORD_SIMILARITY:
        return 2.0 * min(len(x), len(y)) / total
    cx, cy = cx or Counter(x), cy or Counter(y)
    if len(cx) > len(cy):
        cx, cy = cy, cx
    return 2.0 * sum(min(n, cy[c]) for c, n in cx.items() if c in cy) / total


def _words_alike(wa: list[str], wb: list[str], counts: dict[str, Counter] | None = None) -> bool:
    """Whether every word pair of two names of as many words is equal or at least :data:`WORD_SIMILARITY` alike
    (``counts``: the character counts of words, filled as they are met)."""
    counts = {} if counts is None else counts
    for x, y in zip(wa, wb, strict=True):
        if x == y:
            continue
        cx = counts.get(x) or counts.setdefault(x, Counter(x))
        cy = counts.get(y) or counts.setdefault(y, Counter(y))
        if _ratio_at_most(x, y, cx, cy) < WORD_SIMILARITY or SequenceMatcher(None, x, y).ratio() < WORD_SIMILARITY:
            return False
    return True


def similar_names(a: str, b: str) -> float:
    """How alike two folded names are (0..1); 0 when their word counts differ or a word pair is too unlike.

    >>> similar_names("volodymyr zelenskyy", "volodymyr zelensky") > 0.85
    True
    >>> similar_names("kyiv", "kyiv oblast"), similar_names("security council", "collective security council")
    (0.0, 0.0)
    >>> similar_names("san jose", "sanjose martinez")
    0.0
    """
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or not _words_alike(wa, wb):
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def spelling_variants(keys: list[Key], known: Container[Key]) -> Iterator[tuple[Key, Key, float]]:
    """Every pair ``(a, b, similarity)`` of ``keys`` (one kind's, in order) that spell one name (similarity at least
    :data:`NAME_SIMILARITY`), in the order of a scan of every pair (``a`` before ``b`` in ``keys``); not two keys that
    are both ``known`` (alias entries).

    Only names of as many words are compared, and only those whose characters (counted as multisets, with numpy,
    a name against all the names of a length close enough at once) bound the similarity high enough; a pair is
    then given up as soon as a bound on a word pair says it cannot reach the similarity: the same pairs, with the
    same similarity, as :func:`similar_names` on every pair.
    """
    words = [key[1].split() for key in keys]
    lengths = [len(key[1]) for key in keys]
    column: dict[str, int] = {}
    for key in keys:
        for c in key[1]:
            column.setdefault(c, len(column))
    chars = np.zeros((len(keys), max(1, len(column))), dtype=np.int32)
    for i, key in enumerate(keys):
        for c, n in Counter(key[1]).items():
            chars[i, column[c]] = n
    by_words: dict[int, list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        by_words[len(w)].append(i)
    pairs: list[tuple[int, int]] = []
    for same in by_words.values():
        same.sort(key=lengths.__getitem__)
        order = np.array(same)
        sizes = np.array([lengths[i] for i in same])
        for at, i in enumerate(same):
            # the partners as long or longer, up to the length the bound allows (2 * shorter / both <= similarity)
            stop = int(np.searchsorted(sizes, lengths[i] * (2 - NAME_SIMILARITY) / NAME_SIMILARITY + 1, "right"))
            if stop <= at + 1:
                continue
            partners = order[at + 1:stop]
            total = lengths[i] + sizes[at + 1:stop]
            shared = np.minimum(chars[partners], chars[i]).sum(axis=1)
            bound = np.where(total > 0, 2.0 * shared / np.maximum(total, 1), 1.0)  # difflib's quick_ratio
            pairs.extend((i, j) if i < j else (j, i) for j in partners[bound >= NAME_SIMILARITY].tolist())
    pairs.sort()
    counts: dict[str, Counter] = {}
    for i, j in pairs:
        a, b = keys[i], keys[j]
        if (a in known and b in known) or not _words_alike(words[i], words[j], counts):
            continue
        score = SequenceMatcher(None, a[1], b[1]).ratio()
        if score >= NAME_SIMILARITY:
            yield a, b, score


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


#: Head nouns of institution names that are written either way round ("State Department", "Department of State").
_HEADS = frozenset({"department", "ministry", "commission", "committee", "office", "bureau", "agency", "council",
                    "board", "authority", "secretariat"})
#: Words of a picture or wire credit after an agency's initials ("AP Photo"), no part of a name.
_CREDITS = frozenset({"photo", "photos", "video", "graphic", "graphics", "file", "staff", "wire"})
_OF = re.compile(r"^(\w+) of (?:the )?(.+)$")


def _head_last(folded: str) -> str | None:
    """ "department of state" -> "state department"; ``None`` for a name of another form.

    >>> _head_last("department of the treasury"), _head_last("bank of america")
    ('treasury department', None)
    """
    found = _OF.match(folded)
    if found and found[1] in _HEADS and len(found[2].split()) <= 3:
        return f"{found[2]} {found[1]}"
    return None


def word_order_variants(keys: list[Key], countries: dict[Key, set[str]], find: Callable[[Key], Key],
                        union: Callable[[Key, Key, str], None]) -> None:
    """Join "Department of X" to "X Department" when both are written about one country.

    Args:
        keys: the organisation keys (kind, folded name), sorted.
        countries: the main countries of the articles each key is written in (ISO codes).
        find: the cluster root of a key.
        union: joins two keys' clusters, with a reason.
    """
    by_name = {k[1]: k for k in keys}
    for key in keys:
        other = by_name.get(_head_last(key[1]) or "")
        if other is not None and countries.get(key, set()) & countries.get(other, set()) and find(key) != find(other):
            union(other, key, "the same institution's name in the other word order, about the same country")


def first_word_names(keys: list[Key], written: dict[Key, str], articles_of: dict[Key, set[str]],
                     find: Callable[[Key], Key], union: Callable[[Key, Key, str], None]) -> None:
    """Join a capitalised short name to the only longer organisation name of its article that starts with it
    (see the module docstring).

    Args:
        keys: the organisation keys (kind, folded name), sorted.
        written: a spelling of each key as written.
        articles_of: the articles each key is written in.
        find: the cluster root of a key.
        union: joins two keys' clusters, with a reason.
    """
    generic = set(institutions()) | _HEADS | _CREDITS | {w for name in institutions() for w in name.split()}
    by_first: dict[str, list[Key]] = defaultdict(list)  # a capitalised first word -> the longer names it starts
    for other in keys:
        words = written.get(other, "").replace("-", " ").split()
        if len(words) > 1 and words[0].isupper() and all(w[:1].isupper() and w.isalpha() and w.lower() not in generic
                                                         for w in words[1:]):
            by_first[words[0]].append(other)
    for key in keys:
        name = written.get(key, "")
        if not (2 <= len(name) <= 6 and name.isalpha() and name.isupper()) or world().country_of(name):
            continue
        longer = {find(other) for other in by_first.get(name, ()) if other != key
                  and articles_of.get(other, set()) & articles_of.get(key, set())}
        if len(longer) == 1 and find(key) not in longer:
            union(next(iter(longer)), key, "the first word of the only longer organisation name of the article")
def short_form(name: str, prefixes: frozenset[str], loose: bool = False) -> str | None:
    """The folded surname when ``name`` is a short form of a person's name, else ``None``.

    A short form is one word ("Doe"), or honorifics and title words before one word ("Mr Doe",
    "President Doe"). With ``loose`` (text as written, not a tagged name), capitalised qualifiers may
    come before the title word next to the surname ("Interior Minister Doe", "Chilean President Doe").

    >>> p = frozenset({"mr", "president", "minister"})
    >>> short_form("Doe", p), short_form("Mr. Doe", p), short_form("John Doe", p)
    ('doe', 'doe', None)
    >>> short_form("Interior Minister Doe", p), short_form("Interior Minister Doe", p, loose=True)
    (None, 'doe')
    >>> short_form("the minister", p), short_form("Doe's office", p, loose=True)
    (None, None)
    """
    words = [w.rstrip(".") for w in name.split()]
    if not words or len(words) > 5 or not words[-1][:1].isupper():
        return None
    surname = fold(words[-1])
    if len(surname.split()) != 1 or not surname.isalpha():
        return None
    before = words[:-1]
    if not before:
        return surname
    if fold(before[-1]) not in prefixes:
        return None
    for word in before[:-1]:
        if fold(word) not in prefixes and not (loose and word[:1].isupper()):
            return None
    return surname


def titled_alike(short: dict, full_names: list, articles_of: dict, union: Callable) -> None:
    """Short forms of one surname in an article that names nobody in full by it ("Gen Doe", "Mr Doe", "Doe"): one
    person. Keys of one surname in different articles join only through an article where both are written."""
    by_surname: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, surname in short.items():
        if key[0] == PERSON and surname is not None:
            by_surname[surname].append(key)
    named_in = defaultdict(set)
    for k in full_names:
        named_in[k[1].split()[-1]].update(articles_of[k])
    for surname, keys in sorted(by_surname.items()):
        for a, b in itertools.combinations(sorted(keys), 2):
            shared = articles_of[a] & articles_of[b]
            if shared and not (articles_of[a] | articles_of[b]) & named_in[surname]:
                union(a, b, "the same surname with or without a title in an article naming nobody in full")
