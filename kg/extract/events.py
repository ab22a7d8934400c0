"""Events from the parse: a parsed article (:class:`~kg.extract.context.Context`) in, its
:class:`~kg.records.EventRecord` records out, in text order.

Each match of the trigger lexicon (:mod:`kg.extract.triggers`) is an event of the trigger's class unless the parse
says it tells none (a modifier of another noun, a modal verb, the purpose of an event just told). Its participants
and places come from the parse (:mod:`kg.extract.roles`); each coordinated place gives its own event, so the same
event told by another article (same type, place and date) gets the same key. Its date comes from
:mod:`kg.extract.event_dates`, and the events of the article are then related to each other
(:mod:`kg.extract.article_events`). What sets a class apart (nationwide, a tenure change, a measure ...) is a column
of ``kg/data/event_classes.tsv``.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg import lexicon
from kg.extract.article_events import (
    attach_measures,
    drop_references,
    fold_decrees,
    intervened_protests,
    legal_basis,
    link_causes,
)
from kg.extract.context import Context, controlled_object, in_proper_name, is_country, is_verb, phrase_text
from kg.extract.event_dates import inherit_dates, nearest_date, over_a_period, period_date
from kg.extract.roles import (
    AGENT_KINDS,
    PLACE_PREPS,
    Roles,
    agent_of_passive,
    facility_named,
    governing_verb,
    places_in_phrases,
    role_tokens,
    where_clause_place,
)
from kg.extract.triggers import interventions, match_phrases, triggers
from kg.records import PERSON, PLACE, EventRecord, Mention

#: Verbs of reporting: their subject reports an event, it does not take part in it.
REPORTING = frozenset({"reported", "reports", "said", "says", "announced", "noted", "writes", "claimed"})
#: Clauses with a subject of their own: a trigger in one does not take the subject of the clause above.
SUBORDINATE = frozenset({"advcl", "ccomp", "relcl", "parataxis"})


def _purpose_of_told(root: Token, event_class: str, by_token: dict[int, EventRecord]) -> bool:
    """"police fired tear gas to disperse the crowd", "took to the streets to protest": a trigger in a "to"
    clause that says what an event of its class, told just before it, was for is that same event."""
    if root.dep_ not in ("advcl", "xcomp") or not any(c.dep_ == "aux" and c.lower_ == "to" for c in root.children):
        return False
    own = {t.i for t in root.subtree}
    return any(t.i not in own and t.i in by_token and by_token[t.i].event_class == event_class
               for t in root.head.subtree)


def _untold(root: Token) -> bool:
    """Whether a trigger tells no event that happened: a verb with a modal ("should be dissolved"), or a noun
    of an "until" phrase ("until the appointment of a new cabinet")."""
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in lexicon.word_set("modal_words.txt") for c in root.children):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "until"


def extract_events(ctx: Context) -> list[EventRecord]:
    """Every event the article reports, in text order (one per place when several are coordinated)."""
    by_phrase = triggers()
    events: list[EventRecord] = []
    by_token: dict[int, EventRecord] = {}
    means = interventions().get("means", frozenset())
    after_means = -1  # the token after the last crowd-control trigger
    for phrase, span in match_phrases(ctx, by_phrase):
        trig = by_phrase[phrase]
        sent_no = ctx.sent_no(span[0])
        if sent_no in ctx.repeats or trig.event_class == "-":
            continue
        # "tear gas and stun grenades": means listed together are one intervention
        listed = phrase in means and 0 <= after_means < span.start and all(
            t.is_punct or t.pos_ == "CCONJ" or t.lower_ == "and" for t in ctx.doc[after_means:span.start])
        after_means = span.end if phrase in means else after_means
        if listed:
            continue
        root = span.root
        # "protest sites", "riot police": a trigger that only modifies another noun is not an event
        if root.dep_ == "compound" and root.head.lower_ not in by_phrase or _untold(root):
            continue
        if _purpose_of_told(root, trig.event_class, by_token) or in_proper_name(root):
            continue
        inside = range(span.start, span.end)
        agents, targets, participants = Roles(ctx, inside, True), Roles(ctx, inside), Roles(ctx, inside, True)
        clause = root
        # "after eleven days of unrest": it lasted before the clause it is written in, neither its day nor its place
        over_period = over_a_period(root)
        facility_places: list[Mention] = []
        # "the demonstrators did raid on the hall": a trigger tagged as a noun but with an auxiliary is a verb
        verbal = is_verb(root) or any(c.dep_ in ("aux", "auxpass") for c in root.children)
        if verbal:
            for t in role_tokens(root, ("nsubj",)):
                agents.add(t)
            for t in agent_of_passive(root):
                agents.add(t)
            # an object before its verb is a misparse ("the media reports X that Y called on Z": X is no object)
            objects = [t for t in role_tokens(root, ("dobj", "nsubjpass")) if t.dep_ != "dobj" or t.i > root.i]
            objects = objects or controlled_object(root)
            for tok in span:
                for prep in tok.children:
                    # "set fire to X", "broke into X"; an attack ending in its preposition: "took control of X"
                    last = prep.i == span.end - 1 and lexicon.has_trait(trig.event_class, "facility")
                    if prep.dep_ == "prep" and prep.i >= span.start and (
                            prep.lower_ in ("to", "into", "on") or (last and prep.lower_ not in PLACE_PREPS)):
                        objects += role_tokens(prep, ("pobj",))
            # "demanded the resignation of X" (a CAMEO demand): the object is what is demanded, never whom
            demand = lexicon.has_trait(trig.event_class, "addressed") and (trig.cameo or "").startswith("10")
            for t in objects:
                if demand:
                    if (text := phrase_text(t)) and text not in targets.texts:
                        targets.texts.append(text)
                    continue
                facility = facility_named(ctx, t) if lexicon.has_trait(trig.event_class, "facility") else None
                if facility is None:
                    targets.add(t, AGENT_KINDS + (PLACE,))
                    continue
                text, where = facility
                if text not in targets.texts:
                    targets.texts.append(text)
                facility_places += [m for m in where if m not in facility_places]
            own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children)
            if root.dep_ in ("xcomp", "conj", "advcl") and not own_subject and not agents.mentions and not agents.texts:
                for t in role_tokens(root.head, ("nsubj",)):
                    agents.add(t)
        else:
            verb = governing_verb(root)
            addressed = lexicon.has_trait(trig.event_class, "addressed")
            undergone = (lexicon.has_trait(trig.event_class, "tenure")
                         or lexicon.has_trait(trig.event_class, "undergone-of"))
            for child in root.children:
                if child.dep_ == "poss":
                    (targets if lexicon.has_trait(trig.event_class, "tenure") else agents).add(child)
                elif child.dep_ == "prep" and child.lower_ == "of":
                    for t in role_tokens(child, ("pobj",)):
                        (targets if undergone else agents).add(t)
                        if lexicon.has_trait(trig.event_class, "tenure"):
                            # "the resignation of the Cabinet of Ministers of X": X's cabinet, X goes too
                            for sub in t.subtree:
                                if sub.i != t.i and sub.dep_ == "pobj" and ctx.mention_at(sub, (PERSON,)):
                                    targets.add(sub, (PERSON,))
                elif child.dep_ == "prep" and child.lower_ == "between":
                    for t in role_tokens(child, ("pobj",)):
                        participants.add(t)
                elif child.dep_ == "prep" and child.lower_ == "by":
                    for t in role_tokens(child, ("pobj",)):
                        agents.add(t)
                elif child.dep_ == "compound" and child.i not in inside and addressed and ctx.mention_at(
                        child, AGENT_KINDS) is not None:
                    agents.add(child)  # "U.N. demands": the body named before the noun makes them
            if lexicon.has_trait(trig.event_class, "addressed"):
                for tok in root.subtree:
                    if tok.dep_ == "prep" and tok.lower_ in ("to", "from") and tok.i not in inside:
                        for t in role_tokens(tok, ("pobj",)):
                            targets.add(t, AGENT_KINDS)
            if over_period:
                verb = None
            if verb is not None:
                clause = verb
                if verb.lower_.startswith(lexicon.words("not_agent_verbs.txt")):
                    pass  # "would suspend the increase": the subject undoes or judges the event, it did not do it
                elif addressed and (agents.mentions or agents.texts):
                    pass  # "the government rejected the U.N. demands": the demand names who makes it
                elif root.dep_ in ("dobj", "attr", "nsubjpass") or root.head.dep_ in ("dobj",) or (
                        root.dep_ == "pobj" and root.head.head.i == verb.i
                        and lexicon.has_trait(trig.event_class, "decided")):
                    subject_verb = verb
                    for _ in range(3):
                        subjects = role_tokens(subject_verb, ("nsubj",)) + agent_of_passive(subject_verb)
                        # only a verb that shares its subject ("decided to declare") passes it on; not the
                        # clause a subordinate one hangs on ("would not leave until the decree was repealed")
                        if subjects or subject_verb.head.i == subject_verb.i or root.dep_ == "nsubjpass" or \
                                subject_verb.dep_ in SUBORDINATE:
                            break
                        subject_verb = subject_verb.head
                        if subject_verb.lower_ in REPORTING:
                            subjects = []
                            break
                    for t in subjects:
                        agents.add(t)
        heads = [root, clause] + ([root.head] if root.head.pos_ in ("NOUN", "PROPN") else [])
        if verbal:
            heads += [c for c in root.children if c.dep_ in ("dobj", "nsubjpass")]
        # "appealed to X": X is whom the appeal addresses, not where it was made
        preps = PLACE_PREPS - {"to"} if lexicon.has_trait(trig.event_class, "addressed") else PLACE_PREPS
        place_mentions, place_texts = places_in_phrases(ctx, heads, preps, root.idx)
        if not place_mentions and not place_texts:
            place_mentions = facility_places
        if not place_mentions and not place_texts:
            place_mentions = where_clause_place(ctx, clause)
        if not place_mentions and not place_texts and clause is not root.sent.root and not over_period:
            place_mentions, place_texts = places_in_phrases(ctx, [root.sent.root], preps, root.idx)
        if not all(is_country(m) for m in place_mentions):
            # "in Kenya's Mombasa", "in the city of X, in western Y": a country named beside a place
            # in it says where that place lies; it is not a second place of the event
            place_mentions = [m for m in place_mentions if not is_country(m)]
        date = None if over_period else nearest_date(ctx, sent_no, root, clause)
        if lexicon.has_trait(trig.event_class, "period"):
            date = period_date(ctx, sent_no, date)
        if lexicon.has_trait(trig.event_class, "addressed"):
            # the outlet that reports a call is not whom the call addresses
            targets.mentions = [m for m in targets.mentions if m.subtype != "MediaOutlet"]
        base = dict(
            event_class=trig.event_class,
            trigger=ctx.token_span(span[0], span[-1]),
            evidence=ctx.sent_span(sent_no),
            acled=trig.acled,
            cameo=trig.cameo,
            agents=agents.mentions,
            targets=targets.mentions,
            participants=participants.mentions,
            agent_texts=agents.texts + participants.texts,
            target_texts=targets.texts,
            date=date,
            confidence=lexicon.event_confidence(trig.event_class),
        )
        places: list[tuple[list[Mention], list[str]]] = [([m], []) for m in place_mentions]
        places += [([], [t]) for t in place_texts]
        if not places:
            places = [([], [])]
        for n, (pm, pt) in enumerate(places):
            event = EventRecord(local_id=f"ev-{span.start_char}-{span.end_char}-{n}", places=pm, place_texts=pt,
                                **base)
            events.append(event)
            by_token.setdefault(root.i, event)
    fold_decrees(ctx, events, by_token)
    drop_references(events, by_token)
    link_causes(ctx, events, by_token)
    attach_measures(ctx, events)
    inherit_dates(events)
    events += intervened_protests(ctx, events)
    legal_basis(ctx, events)
    return [e for e in events if e.event_class != "_folded"]
