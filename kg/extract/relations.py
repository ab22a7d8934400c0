"""How an article's events relate, as the text states it: the article's events (of both lexicons) in, their links
out (``caused_by``, ``responds_to``, ``sub_event_of`` of each :class:`~kg.records.EventRecord`, changed in place).

- "X amid Y", "X due to Y", "in response to Y" (``kg/data/event_links.tsv``): X responds to or is caused by Y, for
  events of every class (:func:`kg.extract.article_events.link_causes`);
- an event inside a scene ("were arrested while protesting", "signed at the summit", "injured during the
  clashes"): part of it (``sub_event_of``);
- a post filled because it fell vacant: an appointment or election "after X's death", "within 60 days of X's
  death", or one whose predecessor ("to succeed X", "will replace X") is who resigned, was removed or died in the
  article, is caused by that vacancy.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.article_events import link_causes
from kg.extract.clauses import clause_of
from kg.extract.context import Context
from kg.records import EventRecord, Mention

#: Classes of events that are a scene other events happen inside ("arrested while protesting", "at the summit").
SCENES = frozenset({"Demonstration", "Riot", "Clash", "Meeting"})
#: Marks of a clause that tells the scene an event happened in ("were arrested while protesting").
INSIDE_MARKS = frozenset({"while"})
#: Prepositions of a scene ("during the talks", "at the summit", "injured in the clashes").
INSIDE_PREPS = frozenset({"during", "at", "in"})
#: Classes of events that leave a post empty, and of those that fill one.
VACANCIES = frozenset({"Resignation", "Removal", "Death", "Coup", "FlightIntoExile"})
FILLINGS = frozenset({"Appointment", "Election"})
#: Prepositions after which a filled post follows from its vacancy ("sworn in after X's death").
AFTER = frozenset({"after", "following", "within", "upon"})


def link_events(ctx: Context, events: list[EventRecord]) -> None:
    """Link the events of one article (see the module's docstring)."""
    by_token: dict[int, EventRecord] = {}
    roots: dict[str, Token] = {}
    for ev in events:
        span = ctx.doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
        if span is not None:
            roots[ev.local_id] = span.root
            by_token.setdefault(span.root.i, ev)
    link_causes(ctx, events, by_token)
    # the clauses a "while" opens, found once (not by walking each event's clause)
    whiles = [t.head for t in ctx.tokens_of(INSIDE_MARKS) if t.dep_ == "mark"]
    for ev in events:
        root = roots.get(ev.local_id)
        if root is None:
            continue
        if ev.sub_event_of is None and ev.event_class not in ("Meeting", "Demonstration"):
            scene = _scene_of(root, by_token, ev, whiles)
            if scene is not None:
                ev.sub_event_of = scene.local_id
        if ev.event_class in FILLINGS:
            for vacancy in _vacancies_before(root, by_token) + _vacancies_of_predecessor(ev, events):
                if vacancy.local_id not in ev.caused_by:
                    ev.caused_by.append(vacancy.local_id)


def _scene_of(root: Token, by_token: dict[int, EventRecord], ev: EventRecord,
              whiles: list[Token]) -> EventRecord | None:
    """The scene event a clause or a phrase of the trigger's clause puts it in, if any: a "while ..." clause
    without a subject of its own anywhere below the event's clause (it shares the clause's subject: the parser
    may hang it on a later clause), or a "during / at / in" phrase of the trigger or its clause."""
    clause = clause_of(root)
    if root.i != clause.i and root.dep_ not in ("nsubj", "nsubjpass", "dobj"):
        return None  # "reminders of the election as ...": a noun deep in its clause is not what the clause tells
    found = [t for t in whiles if clause.is_ancestor(t)
             and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)]
    for head in {root.i: root, clause.i: clause}.values():
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in INSIDE_PREPS:
                found += [c for c in prep.children if c.dep_ == "pobj"]
    for tok in found:
        scene = by_token.get(tok.i)
        if scene is not None and scene is not ev and scene.event_class in SCENES and (
                scene.event_class != ev.event_class):
            return scene
    return None


def _vacancies_before(root: Token, by_token: dict[int, EventRecord]) -> list[EventRecord]:
    """Vacancies in an "after / following / within ... of" phrase of the filling's clause."""
    out = []
    for prep in clause_of(root).subtree:  # "are to be held by May 9, or within 60 days of X's death"
        if prep.dep_ in ("prep", "conj") and prep.lower_ in AFTER:
            out += [by_token[t.i] for t in prep.subtree if t.i in by_token and by_token[t.i].event_class in VACANCIES
                    and by_token[t.i] not in out]
    return out


def _vacancies_of_predecessor(ev: EventRecord, events: list[EventRecord]) -> list[EventRecord]:
    """The resignation, removal or death of whom the filling's holder succeeds ("to succeed X", "will replace X":
    the participants a succession verb gives), told in the same article."""
    before = {_surname(m) for m in ev.participants}
    if not before:
        return []
    return [e for e in events if e.event_class in VACANCIES and e is not ev
            and before & {_surname(m) for m in e.agents + e.targets}]


def _surname(mention: Mention) -> str:
    return mention.name.split()[-1].lower() if mention.name.split() else ""
