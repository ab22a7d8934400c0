"""Events of the whole vocabulary from lemma triggers (:mod:`kg.extract.lemmas`) and their clauses
(:mod:`kg.extract.clauses`): attacks, killings, coups, elections, agreements, meetings, trials, sanctions ...

Runs after the phrase-lexicon extractor (:mod:`kg.extract.events`) and leaves alone the words it took. A
trigger becomes an event only when its clause tells one: not denied ("did not resign"), not a condition ("if
the army intervenes"), not a mere possibility ("could resign"); an event that is to happen is kept with the
status "planned". A killing or death told in the sentence of a violent event is that event's casualties, not
an event of its own: its victims, place and date go to the violent event.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.extract.clauses import (
    AGENT_KINDS,
    OCCURRED,
    PLANNED,
    Arguments,
    Roles,
    _add,
    _children,
    _prep_objects,
    clause_of,
    date_of,
    governing,
    instrument_of,
    is_actor_noun,
    over_a_period,
    patients,
    places_of,
    subjects,
)
from kg.extract.context import Context, in_proper_name, is_country
from kg.extract.lemmas import LemmaTrigger, find_triggers, lemma_triggers
from kg.extract.modality import awaited, is_conditional, is_negated, is_possibility, status_of, urged
from kg.lexicon import event_classes, groups, word_set
from kg.records import ORGANIZATION, PLACE, EventRecord

logger = logging.getLogger(__name__)

#: Classes whose "of X" / possessive names who undergoes the event ("the arrest of X", "X's death").
UNDERGONE = frozenset({"Arrest", "Killing", "Death", "Removal", "Appointment", "Trial", "Attack",
                       "AttackOnProperty", "Sanction", "Investigation", "Founding"})
#: Classes whose possessive is who does the event even though their "of X" undergoes it ("his investigation of
#: the bank": he investigates, the bank is investigated).
DONE_BY_POSSESSOR = frozenset({"Investigation"})
#: Violent classes: a killing or death told beside one is its casualties.
VIOLENT = frozenset({"Attack", "Clash", "Riot", "AttackOnProperty", "Coup"})
CASUALTIES = frozenset({"Killing", "Death"})
#: Classes whose nouns are often used of a kind of event ("human rights abuses including murder").
KINDS_OF_VIOLENCE = frozenset({"Killing", "Attack", "Death", "Arrest", "AttackOnProperty"})
#: Classes of measures in force for a period: "there will be a curfew" tells one decided.
MEASURES = frozenset({"StateOfEmergency", "Curfew", "InternetShutdown", "Sanction", "Decree"})
#: Words for courts: the subject of "ruled" must be one.
COURT_WORDS = frozenset({"court", "courts", "judge", "judges", "jury", "tribunal", "magistrate", "justice"})
#: Nouns of texts that can be signed.
#: Nouns of texts that two sides sign (not a law or a decree, which one side signs).
DOCUMENT_WORDS = frozenset({"agreement", "deal", "accord", "treaty", "pact", "ceasefire", "truce", "communique",
                            "memorandum", "declaration", "contract", "charter", "protocol", "convention"})
#: Heads of an "of" phrase that make a blast a real one ("the explosion of a car bomb", not "of violence").
DEVICE_WORDS = frozenset({"bomb", "bombs", "device", "devices", "car", "truck", "vehicle", "grenade", "mine", "shell",
                          "rocket", "missile", "explosives", "ied", "tanker", "pipeline", "depot"})
#: Determiners of a noun that refers back to an event already told.
DEFINITE = frozenset({"the", "this", "these", "that", "those", "its", "their", "his", "her"})
EXILE_WORDS = frozenset({"exile", "country", "abroad"})
#: Verbs whose subject (or passive subject) an election chose or turned down ("won election", "was defeated for").
ELECTORAL_OUTCOMES = frozenset({"win", "wins", "won", "winning", "lose", "loses", "lost", "losing", "defeated"})


#: Forms of "be": "X are on the verge of a deal".
COPULAS = frozenset({"is", "are", "was", "were", "be", "been", "remain", "remains", "remained"})
#: Verbs whose subject is a candidate of the election of their "in" / "for" phrase ("run in the elections").
CANDIDATE_VERBS = frozenset({"run", "runs", "ran", "running", "stand", "stands", "stood", "standing", "compete",
                             "competes", "competed", "competing"})
#: Prepositions of a meeting noun whose clause's subject took part in the meeting ("arrived for a visit").
MEETING_PREPS = frozenset({"for", "from", "in"})


@cache
def force_nouns() -> frozenset[str]:
    return word_set("force_nouns.txt")


def object_nouns() -> Mapping[str, frozenset[str]]:
    """Kind ("institution", "law", "weapon") -> its nouns, from kg/data/object_nouns.tsv."""
    return groups("object_nouns.tsv")


#: Words of an amount whose "of" phrase says what the object is ("passed a number of measures", "destroy all of
#: its guns").
AMOUNT_WORDS = frozenset({"number", "series", "set", "package", "raft", "range", "host", "pair", "couple", "all",
                          "some", "most", "part", "rest", "remainder", "bulk", "many", "much", "each", "both"})


def _is_kind(ctx: Context, token: Token, kind: str) -> bool:
    """Whether ``token`` is a noun of ``kind`` (kg/data/object_nouns.tsv, singular or plural), or for
    "institution" an organisation's name; through an amount ("a number of measures") to what it counts."""
    if token.lower_ in AMOUNT_WORDS:
        return any(_is_kind(ctx, t, kind) for t in _prep_objects(token, ("of",)))
    if _noun_in(token.lower_, object_nouns().get(kind, frozenset())):
        return True
    # an organisation named by a word of an institution ("the Community of Nations"; not "the Earth Resources
    # Satellite", a thing the model took for one)
    org = ctx.mention_at(token, (ORGANIZATION,)) if kind == "institution" else None
    return org is not None and any(_noun_in(w, object_nouns()["institution"]) for w in org.name.lower().split())


def _noun_in(word: str, nouns: frozenset[str]) -> bool:
    """Whether a lower-case noun, singular or plural, is one of ``nouns`` (singular forms)."""
    return word in nouns or (word.endswith("s") and word[:-1] in nouns) or (
        word.endswith("ies") and word[:-3] + "y" in nouns)


def _is_force(token: Token) -> bool:
    nouns = force_nouns()
    return _noun_in(token.lower_, nouns) or any(c.dep_ == "compound" and c.lower_ in nouns for c in token.children)


def _is_person_like(ctx: Context, token: Token) -> bool:
    return ctx.mention_at(token, AGENT_KINDS) is not None or is_actor_noun(token.lower_) or token.lower_ in (
        "him", "her", "them", "himself", "herself")


def _meets_condition(ctx: Context, row: LemmaTrigger, root: Token, clause: Token) -> bool:
    """Whether the clause holds what the row's condition asks (see kg/data/event_lemmas.tsv)."""
    cond = row.condition
    if cond is None or cond == "doer":
        return True
    verbal = root.i == clause.i
    objects = patients(root) if verbal else _children(root, ("compound",)) + _prep_objects(root, ("of",))
    if cond in ("person", "successor"):
        return any(_is_person_like(ctx, t) for t in objects)
    if cond == "force":
        return any(_is_force(t) for t in objects + (subjects(root) if verbal else []))
    if cond == "court":
        subj = subjects(clause) + ([] if verbal else _children(root, ("compound", "poss")))
        if any(t.lower_ in COURT_WORDS or any(w.lower_ in COURT_WORDS for w in t.subtree) for t in subj):
            return True
        # "The court considered a complaint. It ruled that ...": "it" for the court named just before
        sent = ctx.sents[max(0, ctx.sent_no(root) - 1)]
        return any(t.lower_ in ("it", "they") for t in subj) and any(
            t.lower_ in COURT_WORDS for t in ctx.doc[sent.start:root.i])
    if cond == "actor":  # "overthrown by demonstrations": a seizure of power needs someone who seizes it
        doers = subjects(root) if verbal else _prep_objects(root, ("by",))
        return all(_is_person_like(ctx, t) or _is_force(t) for t in doers)
    if cond == "fight":
        # "clashed with officials over what documents ...": what is disputed, not a fight ("over the weekend" is)
        heads = [root, *_prep_objects(root, ("with",))]  # the parser may hang "over X" on whom one clashed with
        return not any(p.dep_ == "prep" and p.lower_ == "over" and any(
            o.dep_ in ("pobj", "pcomp") and o.ent_type_ not in ("DATE", "TIME") for o in p.children)
            for head in heads for p in head.children)
    if cond == "document":
        return any(t.lower_ in DOCUMENT_WORDS for t in objects)
    if cond in ("institution", "law", "weapons"):
        # "a law adopted in May", "the party, founded in 1990": a participle's object is the noun it describes
        described = [root.head] if verbal and root.dep_ in ("acl", "relcl") and root.head.pos_ in (
            "NOUN", "PROPN") else []
        kind = "weapon" if cond == "weapons" else cond
        return any(_is_kind(ctx, t, kind) for t in objects + described)
    if cond == "exile":
        where = objects + _prep_objects(root, ("to", "into"))
        return any(t.lower_ in EXILE_WORDS or (ctx.mention_at(t, (PLACE,)) is not None) for t in where)
    return True


def _roles(ctx: Context, row: LemmaTrigger, span: SpacySpan, root: Token, clause: Token, args: Arguments) -> None:
    """Agents, targets and participants from the trigger and its clause."""
    cls = row.event_class
    inside = range(span.start, span.end)
    place_kinds = AGENT_KINDS + (PLACE,)

    def add(roles: Roles, tokens: list[Token], kinds=AGENT_KINDS, actors: bool = True) -> None:
        for t in tokens:
            if t.i not in inside:
                _add(ctx, roles, t, kinds, actors)

    if row.condition == "doer":
        # "a suicide bomber struck a checkpoint": the doer is the agent, the verb's object the target
        _add(ctx, args.agents, root)
        if not args.agents:
            args.agents.texts.append(span.text.lower())
        add(args.targets, patients(clause), place_kinds, actors=False)
    elif row.condition == "successor":
        # "X succeeds Y", "X replaced Y as minister": X takes the post (the target), Y leaves it
        add(args.targets, subjects(root))
        add(args.participants, patients(root))
    elif root.i == clause.i:
        add(args.agents, subjects(root))
        add(args.targets, patients(root), place_kinds, actors=False)
    else:
        for child in root.children:
            if child.dep_ == "poss" or (child.dep_ == "compound" and child.pos_ == "PROPN"):
                undergoes = cls in UNDERGONE and not (child.dep_ == "poss" and cls in DONE_BY_POSSESSOR)
                add(args.targets if undergoes else args.agents, [child])
        # "the adoption of the law", "the opening of the embassy": what the condition asks for undergoes it
        undergone = cls in UNDERGONE or row.condition in ("law", "institution", "weapons")
        add(args.targets if undergone else args.agents, _prep_objects(root, ("of",)))
        add(args.agents, _prep_objects(root, ("by",)))
        # "X held talks", "X signed an agreement", "X announced his resignation"
        if not args.agents and root.dep_ in ("dobj", "attr") and clause.lower_ in word_set("support_verbs.txt"):
            add(args.agents, subjects(clause))
        # "X plans to run in the elections", "X stood for election": X is a candidate
        if cls == "Election" and root.dep_ == "pobj" and root.head.lower_ in ("in", "for") and (
                root.head.head.i == clause.i and clause.lower_ in CANDIDATE_VERBS):
            add(args.participants, subjects(clause))
        # "X arrived for a state visit", "X emerged from talks with Y", "in the talks, X urged": X took part
        if not args.agents and cls == "Meeting" and root.dep_ == "pobj" and root.head.lower_ in MEETING_PREPS and (
                root.head.head.i == clause.i):
            add(args.agents, subjects(clause))
        # "X and Y are on the verge of a deal", "the two sides are close to an agreement": the parties (not of a
        # meeting: "police were at the talks")
        if not args.agents and cls == "Agreement" and root.dep_ == "pobj" and clause.lower_ in COPULAS:
            add(args.agents, [n for s in subjects(clause) for n in (s, *_children(s, ("appos",)))])
        # "X won election as leader", "X was defeated for re-election": X is whom it chose or turned down
        if cls == "Election" and root.dep_ in ("dobj", "pobj") and clause.lower_ in ELECTORAL_OUTCOMES:
            args.targets.mentions += [m for m in args.agents.mentions if m not in args.targets.mentions]
            args.targets.texts += [t for t in args.agents.texts if t not in args.targets.texts]
            args.agents = Roles()
            add(args.targets, subjects(clause) + patients(clause))
    # "talks with X", "emerged from talks with X" (the parser may hang "with X" on the verb)
    after = root.doc[root.i + 1] if root.i + 1 < len(root.doc) else None
    loose = _children(after, ("pobj",)) if after is not None and after.lower_ == "with" and after.dep_ == "prep" else []
    add(args.participants, _prep_objects(root, ("with", "between")) + (
        _prep_objects(clause, ("with",)) if root.i == clause.i else loose))
    if cls == "Death":  # "seven people died": who died undergoes the event
        args.targets.mentions += [m for m in args.agents.mentions if m not in args.targets.mentions]
        args.targets.texts += [t for t in args.agents.texts if t not in args.targets.texts]
        args.agents = Roles()
    hit = ("against", "on") if cls == "Sanction" else ("against",)
    add(args.targets, _prep_objects(root, hit) + (_prep_objects(clause, hit) if root.i != clause.i else []),
        place_kinds, actors=False)


def arguments(ctx: Context, row: LemmaTrigger, span: SpacySpan, root: Token, clause: Token,
              sent_no: int) -> Arguments:
    """Everything the clause of one trigger says of its event."""
    args = Arguments(clause=clause, status=status_of(root, clause, row.event_class in MEASURES))
    _roles(ctx, row, span, root, clause, args)
    up = governing(clause)
    args.places, args.place_texts = places_of(ctx, root, [clause, *up], row.event_class)
    if not all(is_country(m) for m in args.places):
        # "in Mombasa, Kenya": the country says where the city lies, it is not a second place
        args.places = [m for m in args.places if not is_country(m)]
    args.date = date_of(ctx, sent_no, root, [clause, *up], planned=args.status == PLANNED)
    args.instrument = instrument_of(root, clause)
    if args.instrument is None and "bomb" in span.text.lower():
        args.instrument = span.text.lower().removesuffix("er").removesuffix("ing")
    return args


def _generic(ctx: Context, noun: Token, event_class: str) -> bool:
    """"responsible for killings of civilians", "abuses including murder": a noun of violence with nothing that
    makes it one event (no determiner, number, possessive, place, date or name) speaks of a kind of event."""
    if event_class not in KINDS_OF_VIOLENCE or noun.tag_ not in ("NNS", "NN") or any(
            c.dep_ in ("det", "poss", "nummod", "compound", "amod") for c in noun.children):
        return False
    sent = ctx.sents[ctx.sent_no(noun)]
    if ctx.dates_in(ctx.sent_no(noun)):
        return False
    phrase = (noun.left_edge.idx, noun.right_edge.idx + len(noun.right_edge.text))
    return not ctx.mentions_in(*phrase) and sent is not None


def _bare_participle(verb: Token) -> bool:
    """"investigating judge X", "the ruling party": a present participle with no object, subject or phrase of its
    own, right before a noun, describes that noun (the parser may hang it on the verb as a clause)."""
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if verb.tag_ != "VBG" or nxt is None or nxt.pos_ not in ("NOUN", "PROPN") or nxt.head.i == verb.i:
        return False
    return not any(c.dep_ in ("dobj", "nsubj", "nsubjpass", "prep", "aux", "auxpass") for c in verb.children)


def _of_those(verb: Token) -> bool:
    """Whether a verb is the clause of "those who ..." / "anyone who ...": it says what makes people of a kind."""
    return verb.dep_ == "relcl" and verb.head.lower_ in ("those", "anyone", "whoever", "everyone")


def _counted(noun: Token) -> bool:
    """Whether a noun event is told of many: a plural, or an "of" phrase with a number ("the deaths of 18")."""
    return noun.tag_ == "NNS" or any(c.like_num for t in _prep_objects(noun, ("of",)) for c in t.subtree)


def _taken(events: list[EventRecord]) -> list[tuple[int, int]]:
    return [(e.trigger.start, e.trigger.end) for e in events]


def _fold_casualties(ctx: Context, found: list[EventRecord], earlier: list[EventRecord]) -> list[EventRecord]:
    """A killing or death in the sentence of a violent event is that event's casualties (its victims, place and
    date fill the violent event's gaps); only the others stay events of their own."""
    out = []
    for ev in found:
        if ev.event_class in CASUALTIES:
            violent = [e for e in earlier + found if e.event_class in VIOLENT and e.evidence.sentence ==
                       ev.evidence.sentence]
            if violent:
                host = min(violent, key=lambda e: abs(e.trigger.start - ev.trigger.start))
                if ev.event_class == "Killing" and "Killing" not in host.also_classes:
                    host.also_classes.append("Killing")  # an attack that killed or wounded: its casualties
                host.targets += [m for m in ev.targets if m not in host.targets]
                host.target_texts += [t for t in ev.target_texts if t not in host.target_texts]
                host.agents += [m for m in ev.agents if m not in host.agents]
                host.agent_texts += [t for t in ev.agent_texts if t not in host.agent_texts]
                if not host.places and not host.place_texts:
                    host.places, host.place_texts = list(ev.places), list(ev.place_texts)
                host.date = host.date or ev.date
                continue
        out.append(ev)
    return out


def extract_actions(ctx: Context, earlier: list[EventRecord]) -> list[EventRecord]:
    """The events of the lemma lexicon that ``earlier`` (the phrase lexicon's events) did not take, in text
    order; the casualties of a violent event fold into it (``earlier`` may be updated in place)."""
    taken = _taken(earlier)
    classes = event_classes()
    found: list[EventRecord] = []
    by_clause: dict[tuple[int, str], EventRecord] = {}
    for ev in earlier:  # "poured into the streets to demonstrate": the purpose of a told event is that event
        span = ctx.doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
        if span is not None:
            by_clause.setdefault((clause_of(span.root).i, ev.event_class), ev)
    for row, span in find_triggers(ctx.doc):
        if any(s < span.end_char and span.start_char < e for s, e in taken):
            continue
        sent_no = ctx.sent_no(span[0])
        if sent_no in ctx.repeats:
            continue
        root = span[0] if row.form == "v" else span[-1]
        if row.condition == "doer":
            if root.dep_ not in ("nsubj", "nsubjpass") or root.head.i == root.i:
                continue
            clause = root.head
        else:
            clause = clause_of(root)
        if root.dep_ == "compound" and root.head.pos_ in ("NOUN", "PROPN") and row.condition != "doer":
            continue  # "protest sites", "election commission": a trigger that only modifies another noun
        if row.form == "v" and (root.dep_ in ("amod", "compound") or root.i > 0 and root.nbor(-1).text == "-"
                                or _bare_participle(root)):
            continue  # "self-nominated candidates", "the elected council": a participle describing a noun
        if ctx.mention_at(root, AGENT_KINDS + (PLACE,)) is not None or in_proper_name(root):
            continue  # a word of a name: "the Global Conference on X", "Freedom March Party"
        if row.form != "v" and _generic(ctx, root, row.event_class):
            continue
        if (row.acled or "").startswith("Explosions") and any(
                t.lower_ not in DEVICE_WORDS for t in _prep_objects(root, ("of",))):
            continue  # "an explosion of violence", "a blast of cold air"
        if is_negated(root, clause) or is_conditional(clause) or awaited(root) or urged(clause):
            continue
        if root.i == clause.i and _of_those(clause):
            continue  # "the memory of those who have died": people of a kind, no event told
        possible = is_possibility(clause)
        if possible and root.i == clause.i:
            continue  # "the general may resign": a possibility, not an event
        if not _meets_condition(ctx, row, root, clause):
            continue
        # "signed an agreement", "a car bomb exploded", "chose X to succeed Y": one event per class and clause
        if (clause.i, row.event_class) in by_clause:
            continue
        if root.dep_ in ("xcomp", "conj", "advcl") and (clause_of(root.head).i, row.event_class) in by_clause:
            continue
        args = arguments(ctx, row, span, root, clause, sent_no)
        if possible:
            args.status = PLANNED  # "Rice's nomination could be announced on Tuesday": still to come
        cls = row.event_class
        if cls == "Death" and _counted(root):
            cls = "Killing"  # "the deaths of 18 officers": a casualty report, not one person's death
        kind = classes[cls]
        event = EventRecord(
            local_id=f"act-{span.start_char}-{span.end_char}", event_class=cls,
            trigger=ctx.token_span(span[0], span[-1]), evidence=ctx.sent_span(sent_no),
            acled=row.acled or kind.acled, cameo=row.cameo or kind.cameo,
            agents=args.agents.mentions, agent_texts=args.agents.texts + args.participants.texts,
            targets=args.targets.mentions, target_texts=args.targets.texts,
            participants=args.participants.mentions, places=args.places, place_texts=args.place_texts,
            date=args.date, status=args.status, instrument=args.instrument, component="events.lemma",
            trigger_noun=row.form != "v",
            anaphoric=row.form != "v" and any(
                c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in DEFINITE) for c in root.children))
        by_clause.setdefault((clause.i, row.event_class), event)
        found.append(event)
    out = _fold_casualties(ctx, found, earlier)
    logger.debug("%s: %d lemma events (%d casualty reports folded)", ctx.article_id, len(out), len(found) - len(out))
    return out



def complete_arguments(ctx: Context, events: list[EventRecord]) -> None:
    """Fill what the phrase-lexicon extractor left open from the trigger's clause, as for the lemma events: the
    place (a place phrase of the clause or of a governing clause, "the city" for the city named before), the
    status (planned for "will impose a curfew") and the instrument ("with tear gas"). Its dates stay as it
    decided them (it leaves a cause without the day of what it caused, on purpose). An event whose one-word
    trigger the lemma lexicon reads only under a condition the clause does not meet is dropped ("dismissed the
    claims"; ``events`` is changed in place)."""
    lexicon = lemma_triggers()
    dropped = []
    for ev in events:
        if ev.component == "events.lemma":
            continue
        span = ctx.doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        clause = clause_of(root)
        # "dismissed the claims": a word the lemma lexicon reads only under a condition tells no event without it
        rows = [r for r in lexicon.get(root.lower_, ()) if r.event_class == ev.event_class and r.condition]
        if rows and len(span) == 1 and not _meets_condition(ctx, rows[0], root, clause):
            dropped.append(ev)
            continue
        if ev.event_class == "GovernmentAction" and root.tag_ == "VBN" and root.dep_ in ("acl", "amod"):
            dropped.append(ev)  # "goods prohibited by sanctions": a participle describing a thing, no measure told
            continue
        up = governing(clause)
        if not ev.places and not ev.place_texts and not over_a_period(root):
            ev.places, ev.place_texts = places_of(ctx, root, [clause, *up], ev.event_class)
            if not all(is_country(m) for m in ev.places):
                ev.places = [m for m in ev.places if not is_country(m)]
        ev.status = status_of(root, clause, ev.event_class in MEASURES)
        ev.trigger_noun = root.pos_ in ("NOUN", "PROPN")
        ev.instrument = ev.instrument or instrument_of(root, clause)
    for ev in dropped:
        events.remove(ev)
    # "During this period, alcohol will be prohibited": what a declared state of emergency prohibits is in force
    declared = {e.local_id for e in events if e.status == OCCURRED}
    for ev in events:
        if ev.sub_event_of in declared and ev.status == PLANNED:
            ev.status = OCCURRED
