"""Event triggers by lemma (``kg/data/event_lemmas.tsv``): each lemma's inflected forms, matched in one pass.

A row names a lemma ("bomb"), whether it is a verb or a noun, its event class and a condition the clause must
meet. Its forms come from the lemminflect package (a maintained lemmatiser that ships its word lists), made
once per process, so matching needs no lemmatiser in the spaCy pipeline and no second pass over the Doc: one
PhraseMatcher call finds every candidate, and the tag of its head word picks the row (a verb row for
"protested", a noun row for "protests").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lemminflect import getAllInflections, getAllInflectionsOOV
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from kg.errors import KGError
from kg.lexicon import event_classes, rows

#: Row forms: a verb, a noun, or exactly the words written.
VERB, NOUN, EXACT = "v", "n", "x"
_UPOS = {VERB: "VERB", NOUN: "NOUN"}


@dataclass(frozen=True)
class LemmaTrigger:
    """One row of the lemma lexicon (see the header of ``kg/data/event_lemmas.tsv``)."""

    lemma: str
    form: str
    event_class: str
    acled: str | None
    cameo: str | None
    condition: str | None


def inflections(phrase: str, form: str) -> set[str]:
    """Every lower-case way of writing ``phrase``: a verb's first word or a noun's last word inflected.

    >>> sorted(inflections("step down", "v"))
    ['step down', 'stepped down', 'stepping down', 'steps down']
    >>> sorted(inflections("car bomb", "n"))
    ['car bomb', 'car bombs']
    >>> inflections("talks", "x")
    {'talks'}
    """
    words = phrase.lower().split()
    if form not in _UPOS:
        return {" ".join(words)}
    at = 0 if form == VERB else len(words) - 1
    table = getAllInflections(words[at], upos=_UPOS[form]) or getAllInflectionsOOV(words[at], upos=_UPOS[form])
    out = {" ".join(words)}
    for forms in table.values():
        for word in forms:
            out.add(" ".join([*words[:at], word.lower(), *words[at + 1:]]))
    return out


@cache
def lemma_triggers() -> dict[str, tuple[LemmaTrigger, ...]]:
    """Lower-case form (words joined by one space, a hyphenated word split at its hyphens as spaCy does) ->
    the rows it may be; built once per process.

    >>> [t.event_class for t in lemma_triggers()["bombed"]]
    ['Attack']
    """
    classes = event_classes()
    out: dict[str, list[LemmaTrigger]] = {}
    for lemma, form, cls, acled, cameo, condition in rows("event_lemmas.tsv"):
        if cls != "-" and cls not in classes:
            raise KGError(f"event_lemmas.tsv: {lemma!r} has the class {cls!r}, which event_classes.tsv does not list; "
                          "add the class there (and to the ontology) or fix the row")
        row = LemmaTrigger(lemma, form, cls, None if acled == "-" else acled, None if cameo == "-" else cameo,
                           None if condition == "-" else condition)
        for words in inflections(lemma, form):
            out.setdefault(words.replace("-", " - "), []).append(row)
    return {words: tuple(rows) for words, rows in out.items()}


# (id of the vocab) -> (that vocab, its matcher): built once per process and vocabulary
_MATCHERS: dict[int, tuple[object, object]] = {}


def _matcher(vocab):
    from spacy.matcher import PhraseMatcher

    cached = _MATCHERS.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        matcher = PhraseMatcher(vocab, attr="LOWER")
        for words in lemma_triggers():
            matcher.add(words, [Doc(vocab, words=words.split())])
        _MATCHERS[id(vocab)] = cached = (vocab, matcher)
    return cached[1]


def _fits(row: LemmaTrigger, head: Token) -> bool:
    if row.form == VERB:
        return head.pos_ in ("VERB", "AUX") or head.tag_.startswith("VB")
    if row.form == NOUN:
        return head.pos_ in ("NOUN", "PROPN") and head.ent_type_ not in ("DATE", "TIME")
    return True


def _head(span: SpacySpan, row: LemmaTrigger) -> Token:
    """The word of a phrase whose tag decides: a verb phrase's first word, a noun phrase's last."""
    return span[0] if row.form == VERB else span[-1]


def find_triggers(doc: Doc) -> list[tuple[LemmaTrigger, SpacySpan]]:
    """Every trigger of ``doc`` whose tag fits its row, longest first where phrases overlap, in text order."""
    lexicon = lemma_triggers()
    spans = [SpacySpan(doc, start, end, label=match_id) for match_id, start, end in _matcher(doc.vocab)(doc)]
    found = []
    for span in sorted(filter_spans(spans), key=lambda s: s.start):
        rows = lexicon[span.label_]
        row = next((r for r in rows if _fits(r, _head(span, r))), None)
        if row is not None and row.event_class != "-":
            found.append((row, span))
    return found
