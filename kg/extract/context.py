"""What the event, office, count and statement extractors share: one parsed article (its mentions by token, its
sentences, its dates) in a :class:`Context`, and the word tests they all make.

The words are data tables under ``kg/data/``, read through :mod:`kg.lexicon`, so that a new crisis needs new
words, not new code.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg import lexicon
from kg.extract.doc_views import entities_of, sentences_of, span_text, text_of
from kg.extract.sentences import sentence_key
from kg.records import ORGANIZATION, PERSON, PLACE, DateRef, EventRecord, Mention, Span

PRONOUNS = frozenset({"he", "she", "him", "her", "his", "himself", "herself"})
_LINE_BREAK = re.compile("\n")
#: "(ABC)" right after a name: the acronym the article will use for it.
_DECLARED = re.compile(r"\s*\(([A-Z][A-Z&-]*[A-Z])\)")


@dataclass
class Context:
    """One parsed article as the extractors see it.

    Attributes:
        article_id: the article's content hash.
        doc: the parsed text.
        mentions: the article's entity mentions (from :mod:`kg.extract.entities`).
        dates: the dates written in the article (from :mod:`kg.extract.dates`).
        sent_of: token index -> sentence number.
        repeats: sentence numbers that repeat an earlier sentence (no facts are taken from them).
        outlets: the names the article shows to be news outlets (:func:`kg.extract.claims.known_outlets`).
        text: ``doc.text``, read once (spaCy joins every token's text again on each ``doc.text``): use this.
    """

    article_id: str
    doc: Doc
    mentions: list[Mention]
    dates: list[DateRef] = field(default_factory=list)
    sents: list[SpacySpan] = field(default_factory=list)
    repeats: set[int] = field(default_factory=set)
    outlets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.text = text_of(self.doc)
        self._breaks = [found.start() for found in _LINE_BREAK.finditer(self.text)]
        self.sents = sentences_of(self.doc)
        self._sent_starts = [s.start for s in self.sents]
        self._lowers: list[str] | None = None
        self._tokens_of: dict[frozenset[str], list[Token]] = {}
        # each sentence's named entities, from one pass over doc.ents (spaCy builds every entity span again on
        # each doc.ents, and a sentence's .ents reads doc.ents)
        self._ents: list[list[SpacySpan]] = [[] for _ in self.sents]
        for ent in entities_of(self.doc):
            k = bisect.bisect_right(self._sent_starts, ent.start) - 1
            if k >= 0 and ent.end <= self.sents[k].end:
                self._ents[k].append(ent)
        self.mentions = sorted(self.mentions, key=lambda m: (m.span.start, -m.span.end))
        self._starts = [m.span.start for m in self.mentions]
        self.acronyms = self._declared_acronyms()
        seen: set[str] = set()
        for i, sent in enumerate(self.sents):
            key = sentence_key(span_text(sent))
            if len(key) >= 12 and key in seen:
                self.repeats.add(i)
            seen.add(key)

    def _declared_acronyms(self) -> dict[str, Mention]:
        """Acronyms the article declares, "the National Energy Board (NEB)": acronym -> the mention of the full
        name (the first declaration)."""
        out: dict[str, Mention] = {}
        for m in self.mentions:
            found = _DECLARED.match(self.text, m.span.end)
            if found and m.kind != PLACE and _abbreviates(found.group(1), m.name):
                out.setdefault(found.group(1), m)
        return out

    def sent_no(self, token: Token) -> int:
        return bisect.bisect_right(self._sent_starts, token.i) - 1

    def tokens_of(self, words: frozenset[str]) -> list[Token]:
        """The tokens whose lower-case form is one of ``words``, in text order (without making a spaCy Token of
        every other word of the article); found once per word set (do not change the list)."""
        found = self._tokens_of.get(words)
        if found is None:
            if self._lowers is None:
                strings = self.doc.vocab.strings
                self._lowers = [strings[h] for h in self.doc.to_array("LOWER").tolist()]
            found = self._tokens_of[words] = [self.doc[i] for i, word in enumerate(self._lowers) if word in words]
        return found

    def ents_in(self, sent_no: int) -> list[SpacySpan]:
        """The named entities wholly inside sentence ``sent_no`` (what its spaCy ``.ents`` gives), in text order."""
        return self._ents[sent_no]

    def line_break_between(self, start_char: int, end_char: int) -> bool:
        """Whether a line break (a paragraph's end) stands in the text from ``start_char`` to ``end_char``
        (nothing when ``end_char`` is not after ``start_char``)."""
        i = bisect.bisect_left(self._breaks, start_char)
        return i < len(self._breaks) and self._breaks[i] < end_char

    def paragraph_start(self, char: int) -> int:
        """Where the paragraph of the character at ``char`` begins (after the last line break before it)."""
        i = bisect.bisect_left(self._breaks, char)
        return self._breaks[i - 1] + 1 if i else 0

    def same_paragraph(self, first: int, last: int) -> bool:
        """Whether sentences ``first`` .. ``last`` stand in one paragraph (no line break from the start of the
        first to the start of the last)."""
        lo, hi = sorted((first, last))
        return not self.line_break_between(self.sents[lo].start_char, self.sents[hi].start_char)

    def according_to(self, token: Token, sent: SpacySpan) -> Token | None:
        """The "to" of "according to" when ``token`` is its "according" (both in ``sent``), else None."""
        if token.lower_ == "according" and token.i + 1 < sent.end and self.doc[token.i + 1].lower_ == "to":
            return self.doc[token.i + 1]
        return None

    def span(self, start_char: int, end_char: int, sentence: int = 0) -> Span:
        return Span(self.article_id, start_char, end_char, self.text[start_char:end_char], sentence)

    def token_span(self, first: Token, last: Token | None = None) -> Span:
        last = last or first
        return self.span(first.idx, last.idx + len(last.text), self.sent_no(first))

    def sent_span(self, sent_no: int) -> Span:
        sent = self.sents[sent_no]
        text = span_text(sent).rstrip()
        return self.span(sent.start_char, sent.start_char + len(text), sent_no)

    def mention_at(self, token: Token, kinds: tuple[str, ...] | None = None) -> Mention | None:
        """The mention covering ``token`` (the longest when several do)."""
        i = bisect.bisect_right(self._starts, token.idx) - 1
        best = None
        while i >= 0 and self.mentions[i].span.start >= token.idx - 200:
            m = self.mentions[i]
            covers = m.span.start <= token.idx < m.span.end and (kinds is None or m.kind in kinds)
            if covers and (best is None or m.span.end - m.span.start > best.span.end - best.span.start):
                best = m
            i -= 1
        # an acronym the article declared is the full name ("... (NEB) ... the NEB said")
        full = self.acronyms.get(best.name) if best is not None else None
        if full is not None and (kinds is None or full.kind in kinds):
            return full
        return best

    def mentions_in(self, start_char: int, end_char: int, kinds: tuple[str, ...] | None = None) -> list[Mention]:
        i = bisect.bisect_left(self._starts, start_char)
        found = []
        while i < len(self.mentions) and self.mentions[i].span.start < end_char:
            m = self.mentions[i]
            if m.span.end <= end_char and (kinds is None or m.kind in kinds):
                found.append(m)
            i += 1
        return found

    def last_person_before(self, char: int, window: int = 600) -> Mention | None:
        """The last person mentioned before ``char`` (within ``window`` characters): what "he" refers to. A
        surname the model tagged as an organisation counts as the person of that full name (see
        :meth:`person_of_surname`)."""
        i = bisect.bisect_left(self._starts, char) - 1
        while i >= 0 and self.mentions[i].span.start >= char - window:
            m = self.mentions[i]
            if m.span.end <= char:
                person = m if m.kind == PERSON else self.person_of_surname(m)
                if person is not None:
                    return person
            i -= 1
        return None

    def person_of_surname(self, mention: Mention) -> Mention | None:
        """The person a one-word organisation mention names when it is the surname of one full name given
        earlier in the article ("Ana Doe will act as president ... Doe said", the model tagging "Doe" as an
        organisation or a place): the last mention of that full name; ``None`` when no person or two bear it."""
        if mention.kind not in (ORGANIZATION, PLACE) or len(mention.name.split()) != 1:
            return None
        bearers = [m for m in self.mentions if m.kind == PERSON and m.span.end <= mention.span.start
                   and m.component != "title_rule" and len(m.name.split()) > 1
                   and m.name.split()[-1] == mention.name]
        return bearers[-1] if len({m.name for m in bearers}) == 1 else None

    def names_a_place(self, mention: Mention) -> bool:
        """Whether ``mention`` is a place, or its name is a country or a place the article names elsewhere
        (the model may tag "Lima" of "the Lima metro operator" as an organisation)."""
        if mention.kind == PLACE or mention.name.lower() in country_names():
            return True
        return any(m.kind == PLACE and m.name == mention.name for m in self.mentions)

    def dates_in(self, sent_no: int) -> list[DateRef]:
        sent = self.sents[sent_no]
        return [d for d in self.dates if sent.start_char <= d.span.start < sent.end_char]


def _abbreviates(acronym: str, name: str) -> bool:
    """Whether ``acronym`` can stand for ``name``: it begins with the name's first letter and its letters
    come in the name's order ("NEB", "National Energy Board"; "CONAIE", "Confederation of Indigenous
    Nationalities of Ecuador").

    >>> _abbreviates("NEB", "National Energy Board"), _abbreviates("UN", "National Energy Board")
    (True, False)
    """
    letters = name.lower()
    if not acronym or not letters or acronym[0].lower() != letters[0] or len(name.split()) < 2:
        return False
    at = 0
    for ch in acronym.lower():
        at = letters.find(ch, at) + 1
        if at == 0:
            return False
    return True


#: Last words of names of events and documents, which the model tags as organisations or places ("the Good Friday
#: Agreement", "the Republican Convention", "a Global Conference on X"): no body, no place.
EVENT_OR_DOCUMENT_HEADS = frozenset({"agreement", "agreements", "accord", "accords", "treaty", "pact", "conference",
                                     "summit", "convention", "act", "initiative", "games", "olympics", "war",
                                     "revolution", "uprising"})


def in_proper_name(token: Token) -> bool:
    """Whether a noun ends a proper name the model tagged ("the Good Friday Agreement", "the Orange Revolution"):
    a trigger word there names that agreement or event, the article does not report one. Only the heads of such
    names (:data:`EVENT_OR_DOCUMENT_HEADS`): "the Collective Peacekeeping Forces" sent somewhere are a deployment."""
    return (token.lower_ in EVENT_OR_DOCUMENT_HEADS and token.pos_ == "PROPN" and token.ent_iob_ == "I"
            and token.ent_type_ not in ("DATE", "TIME", "CARDINAL")
            and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.children))


def phrase_text(token: Token) -> str:
    """A noun with its compounds, adjectives and "of" complements ("security officials", "soldiers of the
    National Guard"), without determiners."""
    keep = {token.i}
    for child in token.children:
        modifier = child.dep_ in ("compound", "amod", "nmod", "poss", "nummod") and child.i < token.i
        if modifier or (child.dep_ == "prep" and child.lower_ == "of"):
            keep.update(t.i for t in child.subtree)
    # not a relative clause of a noun of the phrase ("the secretary of the president, who said ...")
    for t in token.doc[min(keep):max(keep) + 1]:
        if t.dep_ == "relcl" and t.i in keep:
            keep.difference_update(d.i for d in t.subtree)
            keep.difference_update(p.i for p in t.head.rights if p.is_punct and p.i < t.i)
    toks = [t for t in token.doc[min(keep):max(keep) + 1] if t.i in keep]
    # a headline run into the first line of the text by the parser: keep the line of the head noun
    toks = [t for t in toks if not _line_break_between(t, token)]
    while toks and (toks[0].dep_ == "det" or toks[0].is_punct or toks[0].like_num):
        toks = toks[1:]
    words = " ".join(t.text for t in toks)
    return words.replace(" 's", "'s").replace(" - ", "-").replace(" ’s", "'s").strip()


def _line_break_between(a: Token, b: Token) -> bool:
    lo, hi = sorted((a, b), key=lambda t: t.i)
    # the tokens from lo up to hi, with their trailing whitespace, are the text from lo.idx to hi.idx (not
    # doc.text, which spaCy joins from every token of the article again on each call)
    return any("\n" in t.text_with_ws for t in lo.doc[lo.i:hi.i])


@cache
def country_names() -> frozenset[str]:
    """Lower-case names of countries (kg/data/countries.txt)."""
    return frozenset(row[0].lower() for row in lexicon.rows("countries.txt"))


def is_country(mention: Mention) -> bool:
    """Whether a place mention names a country (typed so, or a name of kg/data/countries.txt)."""
    return mention.kind == PLACE and (mention.subtype == "Country" or mention.name.lower() in country_names())


def is_verb(token: Token, *, by_tag: bool = True) -> bool:
    """Whether ``token`` is a verb or an auxiliary by its part of speech; with ``by_tag`` also when only its
    fine-grained tag says so (``VB*``: the model may tag "reports" a noun but "VBZ")."""
    return token.pos_ in ("VERB", "AUX") or (by_tag and token.tag_.startswith("VB"))


def event_near(events: list[EventRecord], sent_no: int, char: int) -> str | None:
    """The id of the event of sentence ``sent_no`` whose trigger begins nearest to ``char`` (None when the
    sentence tells none): the event a figure or a statement belongs to."""
    same = [e for e in events if e.evidence.sentence == sent_no]
    return min(same, key=lambda e: abs(e.trigger.start - char)).local_id if same else None


def with_conjuncts(tokens: list[Token]) -> list[Token]:
    """The tokens and every word joined to them: "A, B and C" (the parser chains them: C hangs on B, B on A)."""
    out: list[Token] = []
    for t in tokens:
        todo = [t]
        while todo:
            cur = todo.pop(0)
            if cur not in out:
                out.append(cur)
                todo.extend(c for c in cur.children if c.dep_ == "conj")
    return out


def controlled_object(verb: Token) -> list[Token]:
    """"ordered Tom Ode to be detained": a passive infinitive with no subject of its own acts on the object of the
    verb it completes; not a pronoun ("the judge ordered him to be detained": "him" is not the judge, and the
    person named last before it may be the judge when the model missed whom it stands for)."""
    if verb.dep_ != "xcomp" or not any(c.dep_ == "auxpass" for c in verb.children) or any(
            c.dep_ in ("nsubjpass", "nsubj") for c in verb.children):
        return []
    return [o for o in with_conjuncts([c for c in verb.head.children if c.dep_ == "dobj"]) if not is_pronoun(o)]


def is_pronoun(token: Token) -> bool:
    return token.lower_ in PRONOUNS
