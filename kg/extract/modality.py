"""Whether a clause tells an event, and as what: a trigger and its clause in, denied / conditional / possible /
urged / awaited, the status (occurred or planned) and the tense of a clause's dates out.

Reads only the dependency parse of the trigger's clause and the few clauses that govern it; the words are data
(``kg/data/plan_words.tsv``, ``kg/data/modal_words.txt``).
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Token

from kg.extract.clauses import OCCURRED, PLANNED, clause_of
from kg.extract.context import Context, is_verb
from kg.lexicon import groups, word_set
from kg.records import DateRef

#: Dependency labels of the words that make a clause negative.
NEGATION = frozenset({"neg"})
#: Words that make a verb a possibility or a condition rather than a report.
CONDITIONS = frozenset({"if", "unless", "whether"})
#: Verbs of a measure in force: a noun event they govern is told as decided, even in the future tense.
IN_FORCE = frozenset({"be", "is", "are", "will", "last", "lasts", "remain", "remains", "apply", "applies", "run",
                      "runs", "operate", "operates", "continue", "continues", "stay", "stays"})
#: Prepositions of an event waited for.
AWAITING = frozenset({"until", "till", "pending", "awaiting"})
#: Words of "to be held", "to take place": what an expected or scheduled event noun is expected to do.
TAKE_PLACE = frozenset({"held", "place", "happen", "begin", "start", "resume", "convene", "open"})


def plan_words() -> Mapping[str, frozenset[str]]:
    """Words of kg/data/plan_words.tsv by role ("aux", "verb", "modifier")."""
    return groups("plan_words.tsv")


def is_negated(trigger: Token, clause: Token) -> bool:
    """"did not resign", "no talks were held", "never met": the event is denied, not told; "renege on any deal":
    no event in particular."""
    if any(c.dep_ in NEGATION for c in clause.children):
        return True
    return any(c.dep_ == "det" and c.lower_ in ("no", "any") for c in trigger.children)


def is_conditional(clause: Token) -> bool:
    """"if the army intervenes": a condition, not an event."""
    return any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in clause.children)


def urged(clause: Token) -> bool:
    """"encourages you to attack", "urged protesters to march", "allow parliament to choose": an event someone is
    urged or allowed to, not one told; "the authority to oust X", "a candidate to oust X": what a noun is for."""
    if clause.dep_ in ("xcomp", "ccomp") and clause.head.lower_ in plan_words().get("urge", frozenset()):
        return True
    capacity = plan_words().get("capacity", frozenset())
    cur = clause
    for _ in range(3):  # "the authority to use force to oust X": through the purposes to the noun
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children):
            return False
        if cur.dep_ in ("acl", "relcl"):
            return cur.head.lower_ in capacity
        if cur.dep_ not in ("advcl", "xcomp"):
            return False
        cur = cur.head
    return False


def awaited(trigger: Token) -> bool:
    """"until the appointment of a new cabinet", "pending a vote": an event waited for, not told."""
    return trigger.dep_ == "pobj" and trigger.head.lower_ in AWAITING


def is_possibility(clause: Token) -> bool:
    """"should be dissolved", "could resign" (not "may have been killed"): a wish or a possibility."""
    modals = word_set("modal_words.txt")
    auxes = [c.lower_ for c in clause.children if c.dep_ in ("aux", "auxpass")]
    return any(a in modals for a in auxes) and "have" not in auxes


def status_of(trigger: Token, clause: Token, measure: bool = False) -> str:
    """PLANNED for an event that is to happen: a future auxiliary ("will meet"), a governing verb of plans and
    expectations ("plans to resign", "is expected to meet", "called for a strike"), "is to" / "is due to", a
    modifier ("the planned protest", "next week's summit"); else OCCURRED. A ``measure`` (a state of emergency,
    a curfew) that a verb of being in force governs is told as decided ("there will be a curfew")."""
    words = plan_words()
    if any(m.dep_ == "amod" and m.lower_ in words["modifier"] for m in trigger.children):
        return PLANNED
    if measure and not is_verb(trigger) and (clause.lemma_ in IN_FORCE or clause.lower_ in IN_FORCE):
        return OCCURRED  # "there will be a curfew", "the ban will last until May": a measure told in force
    cur = clause
    for _ in range(3):
        auxes = [c for c in cur.children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in words["aux"] for a in auxes) and not _known_subject(trigger, cur):
            return PLANNED
        if cur.dep_ in ("xcomp", "ccomp") and any(a.lower_ == "to" for a in auxes):
            head = cur.head
            if head.lower_ in words["verb"] or head.lemma_ == "be" or head.lower_ in ("is", "are", "was", "were"):
                return PLANNED
        # "officials have talked of amending the law": what is talked of or considered is not done yet
        if cur.dep_ == "pcomp" and cur.head.dep_ == "prep" and cur.head.head.lower_ in words["verb"]:
            return PLANNED
        if cur.dep_ != "xcomp" and cur.dep_ != "conj":
            break
        cur = cur.head
    # a noun event that a verb of plans or demands governs: "called for a general strike", "promised elections"
    if not is_verb(trigger):
        head = trigger.head
        # "on the verge of a deal", "ahead of talks next week", "on the eve of the vote": still to come
        if trigger.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in words.get("before", frozenset()):
            return PLANNED
        if trigger.dep_ == "pobj" and head.dep_ == "prep":
            head = head.head
        if trigger.dep_ in ("dobj", "pobj") and head.lower_ in words["verb"]:
            return PLANNED
        # "elections are to be held by May 9", "the summit is due to open": "is to" of an event noun
        head = trigger.head
        if trigger.dep_ in ("nsubj", "nsubjpass") and (head.lower_ in BE or head.lower_ in words["verb"]) and any(
                c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux")
                and (c.lower_ in TAKE_PLACE or c.lemma_ in TAKE_PLACE) for c in head.children):
            return PLANNED
        # "a vote is scheduled for May", "the summit is expected to take place" (not "the deal is expected to be
        # worth $600m": what is expected is its worth)
        if trigger.dep_ in ("nsubj", "nsubjpass") and head.lower_ in words["verb"] and (
                not any(c.dep_ == "xcomp" for c in head.children)
                or any(t.lower_ in TAKE_PLACE for t in head.subtree)):
            return PLANNED
    return OCCURRED


def _known_subject(trigger: Token, clause: Token) -> bool:
    """"The creation of the bloc will have little impact", "the deal will give X access": an event noun told as
    a known one (a determiner, a possessive or an "of" phrase) that is the subject of a future clause saying what
    it will do or bring is no event to come; "the vote will be held", "elections will decide" are."""
    if is_verb(trigger) or trigger.dep_ not in ("nsubj", "nsubjpass") or trigger.head.i != clause.i:
        return False
    if clause.lower_ in TAKE_PLACE or clause.lemma_ in TAKE_PLACE:
        return False
    return any(c.dep_ in ("det", "poss") or (c.dep_ == "prep" and c.lower_ == "of") for c in trigger.children)


#: Forms of "be".
BE = frozenset({"be", "is", "are", "was", "were", "been", "being", "'s", "'re"})
#: Auxiliaries and tags of a clause told in the past.
PAST_AUX = frozenset({"had", "has", "have", "did", "was", "were", "'d"})


def date_tense(ctx: Context, ref: DateRef) -> str | None:
    """The tense of the clause a date is written in: "future" when the clause tells a planned event ("will meet
    on Thursday", "is expected to vote on Monday"), "past" when its verb is in the past ("met on Thursday",
    "was arrested on Monday"), else None."""
    span = ctx.doc.char_span(ref.span.start, ref.span.end, alignment_mode="expand")
    if span is None:
        return None
    clause = clause_of(span.root)
    if not is_verb(clause):
        return None
    if status_of(clause, clause) == PLANNED:
        return "future"
    if clause.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.lower_ in PAST_AUX for c in clause.children):
        return "past"
    return None
