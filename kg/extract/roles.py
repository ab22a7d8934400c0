"""Who and where, from the parse: a trigger's tokens in, the mentions and phrases that fill its roles out.

The subject of a verb trigger is its agent, the object its target; a noun trigger takes the agent of the verb that
governs it ("X declared a state of emergency") and its "of" complement ("the resignation of the government").
Places come from the "in / at / across" phrases of the trigger or its clause (:func:`places_in_phrases`), a
facility from the object that names a building or site (:func:`facility_named`). Only phrases that can act become
agents (:class:`Roles`).
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg import lexicon
from kg.extract.context import Context, is_pronoun, is_verb, phrase_text, with_conjuncts
from kg.extract.dates import MONTHS, WEEKDAYS
from kg.extract.entities import names_no_entity
from kg.extract.triggers import facility_nouns
from kg.records import GROUP, ORGANIZATION, PERSON, PLACE, EventRecord, Mention

AGENT_KINDS = (PERSON, ORGANIZATION, GROUP)
#: spaCy entity types of names that may act.
NAME_TYPES = frozenset({"PERSON", "ORG", "NORP"})
NON_PARTICIPANTS = frozenset({"which", "who", "that", "it", "they", "them", "this", "these", "those", "what",
                              "everything", "anyone", "one", "some", "others", "fire"})
PLACE_PREPS = frozenset({"in", "at", "across", "near", "throughout", "to", "into", "on"})
#: How many sentences back "the facility" / "the building" may look for the facility it stands for.
ANAPHOR_WINDOW = 1


def can_act(ctx: Context, token: Token) -> bool:
    """Whether a phrase no mention covers may be an agent or participant: an unrecognised proper name
    that is no place, or a noun whose head is a word for people, bodies or office holders."""
    if ctx.mention_at(token, (PLACE,)) is not None:
        return False
    if token.pos_ == "PROPN":
        # a name the model tags as one, or a short form of a name of the article ("Iturriaga" after
        # "General Javier Iturriaga"); not any capitalised word ("Chaos and riots: ...")
        if token.ent_type_ in NAME_TYPES:
            return not names_no_entity(_entity_text(token))  # not a word of "the Good Friday Agreement"
        return any(token.text in m.name.split() for m in ctx.mentions if m.kind in AGENT_KINDS)
    word, nouns = token.lower_, lexicon.word_set("actor_nouns.txt")
    return word in nouns or (word.endswith("s") and word[:-1] in nouns) or (
        word.endswith("ies") and word[:-3] + "y" in nouns)


def _entity_text(token: Token) -> str:
    """The text of the model's entity that ``token`` is in."""
    doc, start, end = token.doc, token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end].text


def governing_verb(token: Token) -> Token | None:
    """The verb whose clause a noun trigger belongs to (through objects, prepositions, compounds)."""
    cur = token
    for _ in range(6):
        if cur.dep_ in ("ROOT",) and not is_verb(cur):
            return None
        head = cur.head
        if head.i == cur.i:
            return None
        if is_verb(head):
            return head
        if cur.dep_ not in ("dobj", "pobj", "prep", "compound", "nsubj", "nsubjpass", "attr", "conj", "appos",
                            "amod", "npadvmod"):
            return None
        cur = head
    return None


def role_tokens(head: Token, deps: tuple[str, ...]) -> list[Token]:
    return with_conjuncts([child for child in head.children if child.dep_ in deps])



def agent_of_passive(verb: Token) -> list[Token]:
    for child in verb.children:
        if child.dep_ == "agent":
            return [t for t in child.children if t.dep_ == "pobj"]
    return []


class Roles:
    """Mentions and plain phrases filling one role; ``actors``: only phrases that can act (agents)."""

    def __init__(self, ctx: Context, skip: range = range(0), actors: bool = False) -> None:
        self.ctx = ctx
        self.skip = skip
        self.actors = actors
        self.mentions: list[Mention] = []
        self.texts: list[str] = []

    def add(self, token: Token, kinds=AGENT_KINDS) -> None:
        if token.i in self.skip or token.pos_ in ("DET", "NUM") or token.lower_ in NON_PARTICIPANTS:
            return
        if names_a_time_or_number(token):
            return
        mention = self.ctx.mention_at(token, kinds)
        if mention is None:
            for child in token.children:
                if child.dep_ in ("appos", "flat") or (child.dep_ == "compound" and child.pos_ == "PROPN"):
                    mention = self.ctx.mention_at(child, kinds)
                    if mention:
                        break
        if mention is None and is_pronoun(token):
            mention = self.ctx.last_person_before(token.idx)
        if mention is not None:
            if mention not in self.mentions:
                self.mentions.append(mention)
            return
        if token.pos_ in ("NOUN", "PROPN") and (not self.actors or can_act(self.ctx, token)):
            text = phrase_text(token)
            if text and text not in self.texts:
                self.texts.append(text)


def places_in_phrases(ctx: Context, heads: list[Token], preps: frozenset[str] = PLACE_PREPS,
            line_of: int | None = None) -> tuple[list[Mention], list[str]]:
    """Place mentions (or place-like proper nouns) in the place phrases (``preps``) attached to ``heads``; with
    ``line_of`` (a character offset), only those on its line (a dateline "Lima, 8 December" places nothing)."""
    mentions: list[Mention] = []
    texts: list[str] = []
    for head in heads:
        for prep in head.children:
            # "took place in X ... and in Y": the second preposition is parsed as a conjunct
            if prep.dep_ not in ("prep", "conj") or prep.lower_ not in preps:
                continue
            for pobj in role_tokens(prep, ("pobj",)):
                if line_of is not None and line_between(ctx, pobj.left_edge.idx, pobj.right_edge.idx, line_of):
                    continue
                found = ctx.mentions_in(pobj.left_edge.idx, pobj.right_edge.idx + len(pobj.right_edge.text), (PLACE,))
                found = [m for m in found if not _in_clause_of(pobj, m)]
                if found:
                    for m in found:
                        if m not in mentions:
                            mentions.append(m)
                elif pobj.pos_ == "PROPN" and prep.lower_ != "to" and not _is_time_word(pobj):
                    text = phrase_text(pobj)
                    if text not in texts:
                        texts.append(text)
            listed = _listed_after(prep)
            if listed is not None:
                end = listed.right_edge.idx + len(listed.right_edge.text)
                mentions += [m for m in ctx.mentions_in(listed.left_edge.idx, end, (PLACE,)) if m not in mentions]
    # a place mention that is a nested "in X" of another place ("the centre of Lima") is kept; a country
    # beside a more specific place is dropped by the caller
    return mentions, texts


def _in_clause_of(noun: Token, mention: Mention) -> bool:
    """Whether ``mention`` stands in a clause that describes ``noun`` ("Mombasa, ... the port city located in the
    region of X", "Gao, which lies near Y"): it says where the place is, it is not a place of the event."""
    return any(tok.dep_ in ("acl", "relcl") and tok.i != noun.i
               and tok.left_edge.idx <= mention.span.start <= tok.right_edge.idx for tok in noun.subtree)


def _facility_tokens(token: Token) -> list[Token]:
    """The noun and its compounds ("the City Council building X": City, Council, building, X)."""
    return [token] + [c for c in token.children if c.dep_ == "compound"]


def facility_named(ctx: Context, token: Token) -> tuple[str, list[Mention]] | None:
    """The facility an object names, as (text, place mentions written in it): "the council building X" gives
    the phrase and X; "the facility" alone gives the facility named last before it (this sentence or the one
    before). None when the object names no building or site."""
    nouns, anaphors = facility_nouns()
    words = _facility_tokens(token)
    modified = [c for c in token.children if c.dep_ in ("compound", "amod", "prep", "poss", "nmod")]
    if token.lower_ in anaphors and not modified:
        antecedent = _antecedent_facility(ctx, token, nouns)
        return (phrase_text(antecedent), []) if antecedent is not None else None
    if not any(t.lower_ in nouns or t.lower_ in anaphors for t in words):
        return None
    begin, end = token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)
    return phrase_text(token), ctx.mentions_in(begin, end, (PLACE,))


def _antecedent_facility(ctx: Context, token: Token, nouns: frozenset[str]) -> Token | None:
    """The last facility noun written before ``token`` within ANAPHOR_WINDOW sentences."""
    first = ctx.sents[max(0, ctx.sent_no(token) - ANAPHOR_WINDOW)].start
    for cand in reversed(token.doc[first:token.i]):
        if cand.lower_ in nouns and cand.pos_ in ("NOUN", "PROPN") and cand.dep_ != "compound":
            return cand
    return None


def where_clause_place(ctx: Context, clause: Token) -> list[Mention]:
    """"the city of X, where rallies are taking place": the place a "where" clause hangs on."""
    if clause.dep_ != "relcl" or not any(c.lower_ == "where" for c in clause.children):
        return []
    place = clause.head
    return ctx.mentions_in(place.left_edge.idx, clause.left_edge.idx, (PLACE,))


def _listed_after(prep: Token) -> Token | None:
    """"in the centre of A, B and C": B (with C as its conjunct) when the parser hangs it on the verb right
    after the phrase instead of on A; None when nothing but a comma or "and" separates no such name."""
    after = prep.right_edge.i + 1
    for sibling in prep.head.children:
        if sibling.i < after or sibling.dep_ not in ("npadvmod", "appos", "conj", "nmod") or sibling.pos_ != "PROPN":
            continue
        gap = prep.doc[after:sibling.left_edge.i]
        if len(gap) and all(t.is_punct or t.pos_ == "CCONJ" for t in gap):
            return sibling
        return None
    return None


def _is_time_word(token: Token) -> bool:
    return token.ent_type_ in ("DATE", "TIME") or token.lower_ in MONTHS or token.lower_ in WEEKDAYS


def names_a_time_or_number(token: Token) -> bool:
    """Whether a word is a time or a number, never someone who acts or speaks ("on Tuesday", "told Tuesday",
    "30 percent")."""
    return token.ent_type_ in ("CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY") or _is_time_word(token)


def trigger_tokens(ctx: Context, event: EventRecord) -> SpacySpan | None:
    """The tokens of an event's trigger (None when its characters cover no token)."""
    return ctx.doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")


def trigger_root(ctx: Context, event: EventRecord) -> Token:
    return trigger_tokens(ctx, event).root


def line_between(ctx: Context, start: int, end: int, char: int) -> bool:
    """Whether a line break stands between the text ``start``..``end`` and the character ``char``."""
    return ctx.line_break_between(min(start, char), max(end, char))
