"""The arguments of an event from its clause: who did it, to whom, where, when, with what, and whether it
happened or is only planned.

Everything here reads the dependency parse around one trigger, clause by clause: the trigger's own clause
first (its verb, or the verb that governs a noun trigger), then the clause that governs it ("police said
protesters rallied in X": the rally's clause; "in X, police said that ...": the governing one). Nothing walks
the whole Doc, so the cost grows with the triggers, not with the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from kg.extract.context import (
    Context,
    controlled_object,
    country_names,
    is_pronoun,
    is_verb,
    phrase_text,
    with_conjuncts,
)
from kg.lexicon import word_set
from kg.records import GROUP, ORGANIZATION, PERSON, PLACE, DateRef, Mention

AGENT_KINDS = (PERSON, ORGANIZATION, GROUP)
#: Prepositions whose object is where the event took place.
PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout", "around", "into", "onto",
                         "within", "along"})
#: Every preposition a place phrase may start with.
ALL_PLACE_PREPS = PLACE_PREPS | {"to"}
#: Classes whose "to X" is where the event went: a visit to X, troops sent to X, fled to X.
DESTINATION_CLASSES = frozenset({"Meeting", "Deployment", "PeacekeepingDeployment", "FlightIntoExile"})
#: Classes whose "on X" / "against X" / "to X" names whom they address or hit, not where: sanctions on X.
ADDRESSED_CLASSES = frozenset({"Sanction", "Appeal"})
#: Clause links through which a clause is governed by another (climbing from the event's clause).
GOVERNED = frozenset({"conj", "xcomp", "ccomp", "advcl", "relcl", "acl", "parataxis", "pcomp", "dep"})
#: How many clauses up a place or a date may be taken from.
CLAUSES_UP = 2
OCCURRED, PLANNED = "occurred", "planned"
#: Words whose subject or object never acts in an event (relative and indefinite pronouns, weather).
NOT_PARTICIPANTS = frozenset({"which", "who", "that", "it", "this", "these", "those", "what", "everything",
                              "anyone", "one", "some", "others", "all", "both"})
#: Relative pronouns: the subject or object of a relative clause stands for the noun the clause describes.
RELATIVE = frozenset({"who", "whom", "which", "that"})
#: spaCy entity types that are no participant.
NOT_PARTICIPANT_TYPES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})


@dataclass
class Roles:
    """Mentions and plain phrases filling one role of an event."""

    mentions: list[Mention] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.mentions or self.texts)


@dataclass
class Arguments:
    """What the parse says of one event."""

    clause: Token
    agents: Roles = field(default_factory=Roles)
    targets: Roles = field(default_factory=Roles)
    participants: Roles = field(default_factory=Roles)
    places: list[Mention] = field(default_factory=list)
    place_texts: list[str] = field(default_factory=list)
    date: DateRef | None = None
    status: str = OCCURRED
    instrument: str | None = None


def clause_of(token: Token) -> Token:
    """The verb whose clause holds ``token`` (a verb is its own clause); the root when no verb governs it (a
    headline: "Bombing in Baghdad")."""
    cur = token
    for _ in range(12):
        if is_verb(cur) and cur.dep_ not in ("amod", "compound"):
            return cur
        if cur.head.i == cur.i:
            return cur
        cur = cur.head
    return cur


def governing(clause: Token) -> list[Token]:
    """The clauses above ``clause``, nearest first (at most CLAUSES_UP)."""
    out = []
    cur = clause
    while len(out) < CLAUSES_UP and cur.dep_ in GOVERNED and cur.head.i != cur.i:
        cur = clause_of(cur.head)
        if cur in out or cur.i == clause.i:
            break
        out.append(cur)
    return out


def over_a_period(trigger: Token) -> bool:
    """"after eleven days of unrest": a trigger that names what filled a stretch of time (it lasted before the
    clause it is written in: neither the clause's day nor its place is its own)."""
    return trigger.dep_ == "pobj" and trigger.head.lower_ == "of" and (
        trigger.head.head.lower_ in word_set("duration_words.txt"))


def _add(ctx: Context, roles: Roles, token: Token, kinds=AGENT_KINDS, actors: bool = True) -> None:
    """One participant: the mention at ``token`` (or at its appositive / proper-noun compound), a pronoun's
    person, else the phrase when it can act (a word of kg/data/actor_nouns.txt or an unrecognised name)."""
    if token.lower_ in RELATIVE and token.dep_ in ("nsubj", "nsubjpass", "dobj") and token.head.dep_ == "relcl":
        token = token.head.head  # "Tom Doe, who was defeated": the relative pronoun stands for the noun before
    if token.pos_ in ("DET", "NUM") or token.lower_ in NOT_PARTICIPANTS or token.ent_type_ in NOT_PARTICIPANT_TYPES:
        return
    mention = ctx.mention_at(token, kinds)
    if mention is None:
        for child in token.children:
            if child.dep_ in ("appos", "flat") or (child.dep_ == "compound" and child.pos_ == "PROPN"):
                mention = ctx.mention_at(child, kinds)
                if mention:
                    break
    if mention is None and is_pronoun(token) and PERSON in kinds:
        mention = ctx.last_person_before(token.idx)
    if mention is not None:
        if mention.subtype == "MediaOutlet" and PLACE not in kinds:
            return  # "CUZCO, Peru (Reuters) - Leaders launched ...": the outlet reports, it does not act
        if mention not in roles.mentions:
            roles.mentions.append(mention)
        return
    if token.pos_ in ("NOUN", "PROPN") and (not actors or can_act(ctx, token)):
        text = phrase_text(token)
        if text and text not in roles.texts:
            roles.texts.append(text)


def can_act(ctx: Context, token: Token) -> bool:
    """Whether a phrase no mention covers may act: an unrecognised name that is no place, or a noun whose head
    is a word for people, bodies or office holders (kg/data/actor_nouns.txt)."""
    if ctx.mention_at(token, (PLACE,)) is not None:
        return False
    if token.pos_ == "PROPN":
        return token.ent_type_ in ("PERSON", "ORG", "NORP")
    return is_actor_noun(token.lower_)


def is_actor_noun(word: str) -> bool:
    nouns = word_set("actor_nouns.txt")
    return word in nouns or (word.endswith("s") and word[:-1] in nouns) or (
        word.endswith("ies") and word[:-3] + "y" in nouns) or (word.endswith("men") and word[:-3] + "man" in nouns)


def _with_conjuncts(tokens: list[Token]) -> list[Token]:
    return with_conjuncts(tokens)


def _children(token: Token, deps: tuple[str, ...]) -> list[Token]:
    return _with_conjuncts([c for c in token.children if c.dep_ in deps])


def _prep_objects(token: Token, preps: frozenset[str] | tuple[str, ...]) -> list[Token]:
    out = []
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            out.extend(_children(prep, ("pobj",)))
    return out


def subjects(verb: Token) -> list[Token]:
    """The subject of an active verb, or the "by" agent of a passive one; a verb joined to another ("gathered
    and marched"), an infinitive ("decided to send", "was unopposed to replace") or the clause of a predicate
    noun ("X is the choice to succeed Y") shares the subject of the verb it hangs on."""
    cur = verb
    for _ in range(4):
        found = _children(cur, ("nsubj",))
        for agent in (c for c in cur.children if c.dep_ == "agent"):
            found += _children(agent, ("pobj",))
        if found or cur.head.i == cur.i:
            return found
        if cur.dep_ in ("acl", "relcl") and cur.head.dep_ == "attr":
            cur = cur.head.head  # "X is the president's choice to succeed Y": X
        elif cur.dep_ in ("conj", "xcomp", "acomp"):
            cur = cur.head  # "X was unopposed to replace Y": X
        else:
            return found
    return []


def patients(verb: Token) -> list[Token]:
    """Whom or what a verb acts on: its object, or the subject of its passive."""
    return [t for t in _children(verb, ("dobj", "nsubjpass")) if t.dep_ != "dobj" or t.i > verb.i] or (
        controlled_object(verb))


def _place_mentions(ctx: Context, pobj: Token) -> list[Mention]:
    """Place mentions in the phrase of ``pobj`` ("a checkpoint in central Baghdad": Baghdad), leaving out those
    of a clause that only describes it ("Gao, which lies near Y")."""
    end = pobj.right_edge.idx + len(pobj.right_edge.text)
    found = ctx.mentions_in(pobj.left_edge.idx, end, (PLACE,))
    described = [t for t in pobj.subtree if t.dep_ in ("relcl", "acl") and t.i != pobj.i]
    found = [m for m in found if not any(d.left_edge.idx <= m.span.start <= d.right_edge.idx for d in described)]
    return [m for m in found if _reaches_place(ctx, pobj, m)]


def _reaches_place(ctx: Context, pobj: Token, mention: Mention) -> bool:
    """Whether a place mention inside the phrase of ``pobj`` says where: it is the phrase's noun (or its
    compound, apposition, conjunct), or it hangs on it through place words ("a checkpoint in central X", "the
    centre of X", "the streets of X"), not through any "of" or "with" ("in accordance with the Constitution of
    X": no place of the event)."""
    span = ctx.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    if span is None:
        return False
    cur = span.root
    places = word_set("place_nouns.txt")
    for _ in range(10):
        if cur.i == pobj.i:
            return True
        if cur.dep_ in ("compound", "amod", "nmod") and cur.head.pos_ == "NOUN" and cur.head.lower_ not in places:
            return False  # "a rise in metro fares": a name that only modifies a thing
        if cur.dep_ == "pobj" and cur.head.dep_ == "prep":
            prep = cur.head
            if prep.lower_ == "of" and prep.head.lower_ not in word_set("place_nouns.txt"):
                return False
            if prep.lower_ not in PLACE_PREPS | {"of"}:
                return False
        cur = cur.head
    return False


def _describes(token: Token, clause: Token) -> bool:
    """Whether ``token`` stands in a clause that only describes a noun ("the port, which lies in Y", "a town
    located in Z") or in an attribution ("according to X in Y") between it and ``clause``."""
    cur = token
    while cur.i != clause.i and cur.head.i != cur.i:
        if cur.dep_ in ("relcl", "acl") or (cur.dep_ == "appos" and cur.pos_ != "PROPN") or (
                cur.dep_ == "prep" and cur.head.lower_ == "according"):
            return True  # also "according to our correspondent in X": where the reporter is
        cur = cur.head
    return False


#: "in the city", "in the capital": a place written as a definite noun stands for the last place named before it.
PLACE_ANAPHORS = frozenset({"city", "capital", "town", "village"})
REGION_ANAPHORS = frozenset({"province", "region"})
#: How far back (in characters) "the city" may look for the city it stands for.
ANAPHOR_CHARS = 400


def _city_named_before(ctx: Context, noun: Token) -> list[Mention]:
    """"The commandant of X said that pogroms had begun in the city": "the city" is the last place named before
    it (not a country, at most ANAPHOR_CHARS before), when nothing but "the" modifies it; "the province", "the
    region" the last place named before that is neither a country nor a city ("power sharing in Northern Ireland
    ... in the province")."""
    region = noun.lower_ in REGION_ANAPHORS
    if not (region or noun.lower_ in PLACE_ANAPHORS) or [c.lower_ for c in noun.children] != ["the"]:
        return []
    before = [m for m in ctx.mentions_in(max(0, noun.idx - ANAPHOR_CHARS), noun.idx, (PLACE,))
              if m.subtype != "Country" and m.name.lower() not in country_names() and m.name[:1].isupper()
              and not (region and m.subtype == "City")]
    return before[-1:]


def places_of(ctx: Context, trigger: Token, clauses: list[Token], event_class: str) -> tuple[list[Mention], list[str]]:
    """Where: the place mentions of the place phrases ("in X", "at X", "outside X" ...; "to X" for a visit, a
    deployment, a flight) of the trigger's own phrase, else of its clause (any place phrase of the clause's own
    words: "voters in Chile will elect", "struck a checkpoint in central Baghdad"), else of the governing
    clauses; a place phrase of a clause that only describes a noun does not count."""
    preps = PLACE_PREPS | {"to"} if event_class in DESTINATION_CLASSES else PLACE_PREPS
    if event_class in ADDRESSED_CLASSES:
        preps = preps - {"on", "against", "to"}
    # the place words of the sentence, found once per article (not by walking each clause's words)
    sent = ctx.sents[ctx.sent_no(trigger)]
    candidates = [t for t in ctx.tokens_of(ALL_PLACE_PREPS) if sent.start <= t.i < sent.end
                  and t.dep_ in ("prep", "conj") and t.lower_ in preps]
    scopes = [(trigger, [t for t in candidates if trigger.is_ancestor(t)])]
    for clause in clauses:
        begin, end = _own_range(clause)
        scopes.append((clause, [t for t in candidates if clause.is_ancestor(t) and begin <= t.idx < end]))
    for head, tokens in scopes:
        mentions: list[Mention] = []
        texts: list[str] = []
        for prep in tokens:
            if _describes(prep, head):
                continue
            for pobj in _children(prep, ("pobj",)):
                if ctx.line_break_between(min(pobj.idx, trigger.idx), max(pobj.idx, trigger.idx)):
                    continue  # a dateline or a headline run into the sentence by the parser
                found = _place_mentions(ctx, pobj) or _city_named_before(ctx, pobj)
                mentions += [m for m in found if m not in mentions]
                if not found and pobj.pos_ == "PROPN" and pobj.text[:1].isupper() and (
                        pobj.ent_type_ not in NOT_PARTICIPANT_TYPES) and (
                        ctx.mention_at(pobj, AGENT_KINDS) is None):  # "at Fort Benning": a place no one tagged
                    text = phrase_text(pobj)
                    if text not in texts:
                        texts.append(text)
        # "the Baghdad bombing", "Mosul raids": a place name modifying a noun trigger
        if head.i == trigger.i:
            for child in head.children:
                m = ctx.mention_at(child, (PLACE,)) if child.dep_ == "compound" and child.i < head.i else None
                if m is not None and m not in mentions:
                    mentions.append(m)
        if mentions or texts:
            return mentions, texts
    return [], []


def date_of(ctx: Context, sent_no: int, trigger: Token, clauses: list[Token], planned: bool = False) -> DateRef | None:
    """When: a date written in the event's clause (the clause's words), else in a governing clause, else the
    date of the sentence nearest the trigger; never a date across a line break (a dateline, a headline). An
    event still to come (``planned``) takes only a date of its own words or clause: "X plans to run in upcoming
    elections, an aide said Saturday" does not hold the elections on Saturday."""
    # (a date of a clause describing a noun dates that clause: "He succeeds X, who was defeated on November 2")
    dates = [d for d in ctx.dates_in(sent_no) if d.kind != "clock"
             and not ctx.line_break_between(min(d.span.start, trigger.idx), max(d.span.end, trigger.idx))
             and not _dates_another_noun(ctx, d, trigger) and not _in_relative_clause(ctx, d, [trigger, *clauses])]
    if not dates:
        return None
    if planned:
        own = [(trigger.left_edge.idx, trigger.right_edge.idx + len(trigger.right_edge)), _own_range(clauses[0])]
        dates = [d for d in dates if any(begin <= d.span.start < end for begin, end in own)]
        clauses = clauses[:1]
        if not dates:
            return None
    for clause in clauses:
        begin, end = _own_range(clause)
        inside = [d for d in dates if begin <= d.span.start < end]
        if inside:
            return min(inside, key=lambda d: abs(d.span.start - trigger.idx))
    return min(dates, key=lambda d: abs(d.span.start - trigger.idx))


def _in_relative_clause(ctx: Context, ref: DateRef, clauses: list[Token]) -> bool:
    span = ctx.doc.char_span(ref.span.start, ref.span.end, alignment_mode="expand")
    if span is None:
        return False
    clause = clause_of(span.root)
    return clause.dep_ == "relcl" and all(clause.i != c.i for c in clauses)


def _dates_another_noun(ctx: Context, ref: DateRef, trigger: Token) -> bool:
    """"Bush tapped Kerik, a hero of the Sept. 11 attacks": a date that modifies another noun of the sentence
    (as its compound, modifier or possessive) dates that noun's event, not this one."""
    span = ctx.doc.char_span(ref.span.start, ref.span.end, alignment_mode="expand")
    if span is None:
        return False
    cur = span.root
    for _ in range(8):
        if cur.i == trigger.i or is_verb(cur) or cur.head.i == cur.i:
            return False
        if cur.dep_ in ("compound", "nmod", "amod", "poss", "nummod") and cur.head.pos_ in ("NOUN", "PROPN") and (
                cur.head.i != trigger.i and not (cur.head.left_edge.i <= trigger.i <= cur.head.right_edge.i)):
            return True
        cur = cur.head
    return False


def _own_range(clause: Token) -> tuple[int, int]:
    """The characters of a clause without the clauses it governs that have a subject of their own."""
    begin, end = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge.text)
    for child in clause.children:
        if child.dep_ in ("ccomp", "advcl", "relcl", "parataxis") and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in child.children):
            if child.i > clause.i:
                end = min(end, child.left_edge.idx)
            else:
                begin = max(begin, child.right_edge.idx + len(child.right_edge.text))
    return begin, end


def instrument_of(trigger: Token, clause: Token) -> str | None:
    """With what: a "with X" / "using X" phrase of the trigger or its clause naming a weapon or means
    ("attacked with grenades"), or the noun a bomb trigger modifies ("a car bomb")."""
    for head in (trigger, clause):
        for pobj in _prep_objects(head, ("with",)):
            if pobj.pos_ == "NOUN" and not is_actor_noun(pobj.lower_):
                return phrase_text(pobj)
        for verb in (c for c in head.children if c.dep_ in ("advcl", "xcomp") and c.lower_ in ("using", "use")):
            for obj in _children(verb, ("dobj",)):
                return phrase_text(obj)
    return None
