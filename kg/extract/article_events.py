"""Events across one article's sentences: the events of its triggers in, the article's events linked and cleaned
up out.

A bare repeat of an earlier event is a reference to it (:func:`drop_references`); "a decree on the resignation" is
one event (:func:`fold_decrees`); "X amid Y", "X caused by Y" link two events (:func:`link_causes`); a curfew
written shortly after a state of emergency is part of it (:func:`attach_measures`); crowd control used against a
crowd tells a protest broken up by force (:func:`intervened_protests`); a law named beside a change of office is
its legal basis (:func:`legal_basis`).
"""

from __future__ import annotations

from kg import lexicon
from kg.extract.context import Context, is_verb
from kg.extract.event_dates import clock_in, with_clock
from kg.extract.roles import Roles, governing_verb, places_in_phrases, role_tokens, trigger_tokens
from kg.extract.triggers import INTERVENED_PROTEST, interventions, match_phrases
from kg.records import EventRecord

#: How many sentences after a state of emergency its measures may be written.
MEASURE_WINDOW = 5


def drop_references(events: list[EventRecord], by_token: dict[int, EventRecord]) -> None:
    """"for the duration of the state of emergency": a bare repeat of an earlier event of the same class
    (no place, date or participant of its own) is a reference to it, not a new event."""
    for i, ev in enumerate(events):
        if ev.places or ev.place_texts or ev.date or ev.agents or ev.targets or ev.agent_texts or ev.target_texts:
            continue
        if lexicon.has_trait(ev.event_class, "recurring"):
            continue
        earlier = [e for e in events[:i] if e.event_class == ev.event_class and e.event_class != "_folded"]
        if earlier:
            ev.event_class = "_folded"
            for tok, e in list(by_token.items()):
                if e is ev:
                    by_token[tok] = earlier[-1]


def intervened_protests(ctx: Context, events: list[EventRecord]) -> list[EventRecord]:
    """"Water cannons were used against protesters in X": crowd control (a Clash whose trigger is a means of
    kg/data/protest_interventions.tsv) used against a crowd ("against / at the protesters", "to disperse the
    crowd") tells a protest at X broken up by force (ACLED: Protest with intervention), with the place and day
    of the intervention and the crowd as agent; an intervention without a place takes the crowd's ("against
    protesters in X"). None when the sentence tells a protest already."""
    words = interventions()
    cls, acled, cameo = INTERVENED_PROTEST
    out: list[EventRecord] = []
    crowd_heads = words.get("preposition", frozenset()) | words.get("verb", frozenset())
    for ev in events:
        if ev.event_class != "Clash" or ev.trigger.text.lower() not in words.get("means", ()):
            continue
        trigger = trigger_tokens(ctx, ev)
        if trigger is None:
            continue
        clause = trigger.root if is_verb(trigger.root) else governing_verb(trigger.root)
        if clause is None:
            continue
        crowd = next((t for t in clause.subtree if t.lower_ in words.get("crowd", ()) and t.dep_ in ("pobj", "dobj")
                      and t.head.lower_ in crowd_heads), None)
        if crowd is None:
            continue
        if not ev.places and not ev.place_texts:
            # "against protesters in X": where the crowd was is where it was broken up
            ev.places, ev.place_texts = places_in_phrases(ctx, [crowd])
        if any(e.event_class == cls and e.evidence.sentence == ev.evidence.sentence for e in events):
            continue  # the sentence tells its protest already
        agents = Roles(ctx, actors=True)
        agents.add(crowd)
        out.append(EventRecord(
            local_id=f"{ev.local_id}-protest", event_class=cls, trigger=ctx.token_span(crowd), evidence=ev.evidence,
            acled=acled, cameo=cameo, agents=agents.mentions, agent_texts=agents.texts, places=list(ev.places),
            place_texts=list(ev.place_texts), date=ev.date, confidence=lexicon.event_confidence(cls)))
    return out


def legal_basis(ctx: Context, events: list[EventRecord]) -> None:
    """"In accordance with Article 70 of the Constitution": a law named in a tenure change's sentence or the next."""
    for ev in events:
        if not lexicon.has_trait(ev.event_class, "tenure") and "Decree" not in ev.also_classes:
            continue
        for sent_no in (ev.evidence.sentence, ev.evidence.sentence + 1):
            if sent_no >= len(ctx.sents):
                continue
            laws = [e for e in ctx.ents_in(sent_no) if e.label_ == "LAW"]
            if laws:
                ev.legal_basis = laws[0].text
                break


def fold_decrees(ctx: Context, events: list[EventRecord], by_token: dict[int, EventRecord]) -> None:
    """"a decree on the resignation": one event, a resignation enacted by decree (agent and date from both)."""
    for ev in events:
        if ev.event_class != "Decree":
            continue
        tok = trigger_tokens(ctx, ev)
        if tok is None:
            continue
        root = tok.root
        preps = list(root.children)
        if root.dep_ == "dobj":
            preps += [c for c in root.head.children if c.i > root.i]
        for prep in preps:
            if prep.dep_ == "prep" and prep.lower_ in ("on", "of", "about"):
                for pobj in role_tokens(prep, ("pobj",)):
                    inner = by_token.get(pobj.i)
                    if inner is None:
                        continue
                    inner.agents = inner.agents or ev.agents
                    inner.agent_texts = inner.agent_texts or ev.agent_texts
                    inner.date = inner.date or ev.date
                    inner.also_classes.append("Decree")
                    ev.event_class = "_folded"


def link_causes(ctx: Context, events: list[EventRecord], by_token: dict[int, EventRecord]) -> None:
    """"X amid Y", "X began due to Y", "X caused by Y": X respondsTo / causedBy Y."""
    links = lexicon.mapping("event_links.tsv")
    for phrase, span in match_phrases(ctx, links):
        relation = links[phrase]
        link = span[0]
        cause = None
        for tok in span[-1].subtree:
            if tok.i in by_token and tok.i not in range(span.start, span.end):
                cause = by_token[tok.i]
                break
        if cause is None:
            continue
        phrase_end = span[-1].right_edge.idx + len(span[-1].right_edge.text)
        if relation == "causedBy" and cause.date is not None and \
                cause.date.span.sentence == cause.evidence.sentence and \
                not span.start_char <= cause.date.span.start < phrase_end:
            # "decided on 6 January ... in connection with the appeal": the day is the decision's; the cause
            # came before it, on a day this sentence does not tell
            cause.date = None
        effect = None
        head = span.root.head if span.root.dep_ != "ROOT" else span.root
        if head.i in by_token:
            effect = by_token[head.i]
        else:
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i in by_token:
                    effect = by_token[child.i]
            anc = head
            while effect is None and anc.head.i != anc.i:
                anc = anc.head
                if anc.i in by_token:
                    effect = by_token[anc.i]
                for child in anc.children:
                    if effect is None and child.dep_ in ("nsubj", "nsubjpass") and child.i in by_token:
                        effect = by_token[child.i]
        if effect is None or effect is cause or link.i < 0:
            continue
        target = effect.caused_by if relation == "causedBy" else effect.responds_to
        if cause.local_id not in target:
            target.append(cause.local_id)


def attach_measures(ctx: Context, events: list[EventRecord]) -> None:
    """A curfew or shutdown written within two sentences after a state of emergency is part of it."""
    emergencies = [e for e in events if e.event_class == "StateOfEmergency"]
    for ev in events:
        if not lexicon.has_trait(ev.event_class, "measure") and ev.event_class != "GovernmentAction" or ev.sub_event_of:
            continue
        before = [e for e in emergencies if 0 <= ev.evidence.sentence - e.evidence.sentence <= MEASURE_WINDOW]
        if not before:
            continue
        parent = before[-1]
        siblings = [e for e in before if e.trigger == parent.trigger]
        ev.sub_event_of = siblings[0].local_id
        if not ev.places and not ev.place_texts:
            for sib in siblings:
                ev.places += [m for m in sib.places if m not in ev.places]
                ev.place_texts += [t for t in sib.place_texts if t not in ev.place_texts]
        if (ev.date is None or ev.date.kind == "clock") and parent.date is not None:
            clock = clock_in(ctx, ev.evidence.sentence)
            ev.date = with_clock(parent.date, clock) if clock else parent.date
