"""Who holds a title: a :class:`~kg.extract.title_phrases.TitlePhrase` in, the person the text gives it to out.

In the order tried (:func:`title_holder`):

* the name the title stands before: "Prime Minister Jane Doe", "Secretary of State Jane Doe" (the parse hangs the
  title on the name);
* a name in apposition: "Jane Doe, the country's foreign minister, said"; "the mayor of X, Jane Doe";
* the subject of a copula: "Doe is head of the committee", "she became party leader";
* "as": "Doe was sworn in as caretaker leader", "Doe will act as president", "Doe resigned as secretary";
  the object of naming verbs: "the president named Doe (as) foreign minister"; "Doe was named ambassador";
* else a name right after the whole phrase ("the commandant of X, Jane Doe").

"He"/"she" is the last person named before; "who" is the person its clause is about ("X, a politician who has
taken over Y's role as head of Z"). The verb that gives the title ("resigned as", "sworn in as") comes with the
holder, so that the tenure can be tied to the event it tells.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Token

from kg import lexicon
from kg.extract.context import Context, is_pronoun
from kg.extract.title_phrases import TitlePhrase
from kg.records import ORGANIZATION, PERSON, PLACE, Mention

_COPULAS = frozenset({"be", "is", "was", "are", "were", "been", "being", "become", "became", "becomes", "remain",
                      "remains", "remained"})
#: Verbs whose object is given the title ("named Doe foreign minister", "appointed Doe as envoy").
NAMING_VERBS = frozenset({"named", "name", "names", "appointed", "appoint", "appoints", "elected", "elect", "chose",
                          "choose", "chosen", "selected", "select", "nominated", "nominate", "picked", "pick",
                          "tapped", "tap", "installed", "confirmed", "made", "designated", "promoted", "naming",
                          "appointing", "electing", "choosing", "selecting", "nominating", "picking", "tapping"})
#: Naming verbs that put someone forward, not yet in office.
NOMINATING_VERBS = frozenset({"nominated", "nominate", "chose", "choose", "chosen", "selected", "select", "picked",
                              "pick", "tapped", "tap", "designated", "choosing", "selecting", "nominating", "picking",
                              "tapping"})
_RELATIVES = frozenset({"who", "that", "whom"})
#: Verbs of "<verb> as <title>" that say someone holds, takes or leaves the post ("served as", "sworn in as",
#: "resigned as"), as opposed to verbs that only talk of it ("mentioned as a possible ...", "seen as").
AS_VERBS = frozenset({"act", "acts", "acted", "acting", "serve", "serves", "served", "serving", "sworn", "elected",
                      "re-elected", "reelected", "named", "appointed", "confirmed", "installed", "chosen", "selected",
                      "nominated", "picked", "tapped", "designated", "resign", "resigned", "resigns", "resigning",
                      "step", "stepped", "steps", "stepping", "quit", "quits", "remain", "remains", "remained",
                      "continue", "continues", "continued", "return", "returned", "returns", "took", "taken", "take",
                      "takes", "won", "win", "wins", "retire", "retired", "retires", "replace",
                      "replaced", "replaces", "succeed", "succeeded", "succeeds", "promoted", "elevated", "hired"})
#: Verbs of "<verb> to <title>": someone moves up to a post ("promoted to national security adviser").
_PROMOTED = frozenset({"promoted", "elevated", "raised", "named", "appointed", "elected", "nominated", "tapped"})
#: Auxiliaries that make a clause a wish, a plan or a possibility rather than a statement of fact.
_IRREALIS = frozenset({"would", "could", "might", "may", "should", "to"})


@dataclass(frozen=True)
class Holding:
    """A title's holder, the verb that gives the title ("resigned as ...", "named ..."), when one does, and whether
    the title stands right before the name ("President Jane Doe")."""

    holder: Mention
    verb: Token | None = None
    before_name: bool = False


def _person(ctx: Context, tok: Token) -> Mention | None:
    """The person a word names: a named person (not a title), "he"/"she" (the last person named before), "who"
    (the person of the phrase the clause is about), a surname the model took for an organisation."""
    if is_pronoun(tok):
        return ctx.last_person_before(tok.idx)
    if tok.lower_ in _RELATIVES and tok.head.dep_ == "relcl":
        antecedent = tok.head.head
        if antecedent.dep_ == "appos":
            antecedent = antecedent.head
        return _person(ctx, antecedent) if antecedent.lower_ not in _RELATIVES else None
    mention = ctx.mention_at(tok, (PERSON,))
    if mention is not None and mention.component != "title_rule" and tok.pos_ == "PROPN":
        return mention
    if tok.pos_ == "NOUN":  # "her top deputy, Stephen Hadley, ...": the name in apposition
        named = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        return _person(ctx, named[0]) if named else None
    other = ctx.mention_at(tok, (ORGANIZATION, PLACE))
    if other is not None:
        return ctx.person_of_surname(other)
    return _bearer(ctx, tok) if tok.pos_ == "PROPN" and tok.is_title else None


def _bearer(ctx: Context, tok: Token) -> Mention | None:
    """A surname the model tagged as nothing: the one person named before with that last name."""
    bearers = {m.name: m for m in ctx.mentions_in(0, tok.idx, (PERSON,))
               if m.component != "title_rule" and len(m.name.split()) > 1 and m.name.split()[-1] == tok.text}
    return next(iter(bearers.values())) if len(bearers) == 1 else None


def subject_of(ctx: Context, verb: Token) -> Mention | None:
    """The person a verb's subject names (a surname, "he", "who" included), or its head's when the verb is joined to
    another or is its complement."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return _person(ctx, child)
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return subject_of(ctx, verb.head)
    return None


def _object(ctx: Context, verb: Token) -> Mention | None:
    for child in verb.children:
        if child.dep_ == "dobj":
            return _person(ctx, child)
    return None


def _states(verb: Token) -> bool:
    """Whether a verb states a fact ("is", "was sworn in", "will act"), not a wish or a possibility ("to be", "would
    be", "might serve")."""
    if verb.tag_ == "VB" and verb.dep_ in ("xcomp", "advcl", "ccomp") and not any(
            c.lower_ in ("will", "shall") for c in verb.children):
        return False
    return not any(c.dep_ == "aux" and c.lower_ in _IRREALIS for c in verb.children)


def _verb_of_as(prep: Token) -> Token | None:
    """The verb of "as <title>": "sworn in as", "resigned as"; through a noun ("his role as head") to its verb."""
    head = prep.head
    for _ in range(3):
        if head.pos_ in ("VERB", "AUX"):
            return head
        if head.head.i == head.i:
            return None
        head = head.head
    return None


def _name_after_title(ctx: Context, phrase: TitlePhrase, head: Token) -> Mention | None:
    return untagged_name(ctx, phrase.end, head)


def untagged_name(ctx: Context, start: int, head: Token, component: str = "title_holder") -> Mention | None:
    """The name a title stands right before when the model tagged no person there ("President Alejandro Toledo",
    the model taking "Toledo" for a city): two or more capitalised proper nouns from token ``start`` (right after
    the title) to the name's head, none of them a title word or an organisation's, make a person of their own."""
    doc = ctx.doc
    words = doc[start:head.i + 1]
    if len(words) < 2 or len(words) > 4 or start > head.i:
        return None
    if any(t.pos_ != "PROPN" or not t.is_title or not t.is_alpha or t.lower_ in _title_words() for t in words):
        return None
    if any((m := ctx.mention_at(t, (ORGANIZATION, PERSON))) is not None and m.component != "title_rule"
           for t in words):
        return None
    span = ctx.token_span(words[0], words[-1])
    return Mention(span, PERSON, span.text, "PERSON", None, component, 0.6)


def _adjacent_after(ctx: Context, phrase: TitlePhrase) -> Mention | None:
    """A person named right after the whole title phrase, maybe after a comma, maybe after a second title of the
    same person: "the mayor of X, Jane Doe"; "the Chairman of the X Council, Prime Minister of Y Jane Doe"."""
    doc = ctx.doc
    sent = phrase.root.sent
    j = phrase.end
    if j < sent.end and doc[j].text == ",":
        j += 1
    title_words = _title_words()
    for k in range(j, min(sent.end, j + 10)):
        tok = doc[k]
        if tok.pos_ == "PROPN" and (found := _person(ctx, tok)) is not None:
            return found
        named = ctx.mention_at(tok, (ORGANIZATION, PLACE))
        if not (tok.lower_ in title_words or tok.lower_ in ("of", "the") or named is not None and k > j):
            return None
    return None


@cache
def _title_words() -> frozenset[str]:
    """The words of the titles of ``posts.tsv``."""
    return frozenset(w for title in lexicon.mapping("posts.tsv") for w in title.split() if w not in ("of", "the"))


def title_holder(ctx: Context, phrase: TitlePhrase) -> Holding | None:
    """Who holds the title, and the verb that gives it (see the module docstring); ``None`` when the text does not
    say."""
    root = phrase.root
    head = root.head
    if root.dep_ in ("compound", "nmod", "amod") and head.i > root.i and head.pos_ == "PROPN":
        found = _person(ctx, head) or _name_after_title(ctx, phrase, head)
        if found is not None:
            return Holding(found, before_name=True)
    if root.dep_ == "appos" and head.i < root.i:
        found = _person(ctx, head)
        if found is not None:
            return Holding(found)
    for tok in root.sent[phrase.start - root.sent.start:phrase.end - root.sent.start]:
        for child in tok.children:
            if child.dep_ == "appos" and child.i >= phrase.end and child.pos_ == "PROPN":
                found = _person(ctx, child)
                if found is not None:
                    return Holding(found)
    if root.dep_ == "attr" and head.lower_ in _COPULAS:
        chooser = head.head
        if head.dep_ == "xcomp" and chooser.lower_ in NAMING_VERBS and _states(chooser):
            # "X was chosen to be leader", "X selected to be Senate Minority Leader": the one chosen
            found = _object(ctx, chooser) or subject_of(ctx, chooser)
            return Holding(found, chooser) if found is not None else None
        if not _states(head):  # "he is looking to be president", "she would be president"
            return None
        found = subject_of(ctx, head)
        return Holding(found, head) if found is not None else None
    if root.dep_ == "pobj" and head.lower_ == "as":
        verb = _verb_of_as(head)
        if verb is None or verb.lower_ not in AS_VERBS or not _states(verb):
            return None
        found = _object(ctx, verb) if verb.lower_ in NAMING_VERBS else None
        found = found or subject_of(ctx, verb)
        return Holding(found, verb) if found is not None else None
    if root.dep_ in ("oprd", "xcomp", "attr") and head.lower_ in NAMING_VERBS:
        found = _object(ctx, head) or subject_of(ctx, head)
        return Holding(found, head) if found is not None else None
    if root.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ in _PROMOTED:
        # "X will be promoted to national security adviser", "Y was elevated to leader"
        found = subject_of(ctx, head.head)
        return Holding(found, head.head) if found is not None else None
    found = _adjacent_after(ctx, phrase) or _as_apposition(ctx, phrase)
    return Holding(found) if found is not None else None


def _as_apposition(ctx: Context, phrase: TitlePhrase) -> Mention | None:
    """"X, as Iraqi president, ...": the person before ", as" (however the parse hangs the words)."""
    doc = ctx.doc
    j = phrase.start - 1
    while j >= 0 and doc[j].lower_ in ("the", "a", "an"):
        j -= 1
    if j >= 2 and doc[j].lower_ == "as" and doc[j - 1].text == ",":
        return _person(ctx, doc[j - 2])
    return None
