"""Events from the parse: a trigger lexicon (``kg/data/event_triggers.tsv``) plus dependency rules.

A trigger word or phrase gives the event's class (and ACLED type, CAMEO code). The parse gives
its participants: the subject of a verb trigger is its agent, the object its target; a noun
trigger takes the agent of the verb that governs it ("X declared a state of emergency") and its
"of" complement as target ("the resignation of the government"). Places come from the "in / at /
across" phrases of the trigger or its clause; each coordinated place gives its own event, so the
same event told by another article (same type, place and date) gets the same key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token
from spacy.util import filter_spans

from kg import lexicon
from kg.extract.context import Context, is_country, is_pronoun, is_verb, phrase_text
from kg.extract.dates import MONTHS, WEEKDAYS
from kg.records import GROUP, ORGANIZATION, PERSON, PLACE, DateRef, EventRecord, Mention

logger = logging.getLogger(__name__)

AGENT_KINDS = (PERSON, ORGANIZATION, GROUP)
#: spaCy entity types of names that may act.
NAME_TYPES = frozenset({"PERSON", "ORG", "NORP"})
NON_PARTICIPANTS = frozenset({"which", "who", "that", "it", "they", "them", "this", "these", "those", "what",
                              "everything", "anyone", "one", "some", "others", "fire"})
PLACE_PREPS = frozenset({"in", "at", "across", "near", "throughout", "to", "into", "on"})
#: Verbs of reporting: their subject reports an event, it does not take part in it.
REPORTING = frozenset({"reported", "reports", "said", "says", "announced", "noted", "writes", "claimed"})
#: Clauses with a subject of their own: a trigger in one does not take the subject of the clause above.
SUBORDINATE = frozenset({"advcl", "ccomp", "relcl", "parataxis"})
#: How many sentences after a state of emergency its measures may be written.
MEASURE_WINDOW = 5
#: How many sentences back "the facility" / "the building" may look for the facility it stands for.
ANAPHOR_WINDOW = 1
#: How many sentences after a written date (or an event that took it) the next undated one may still take it.
NARRATIVE_WINDOW = 3
#: The protest that crowd control used against a crowd tells (see kg/data/protest_interventions.tsv).
INTERVENED_PROTEST = ("Demonstration", "Protests/Protest with intervention", "141")


@dataclass(frozen=True)
class Trigger:
    words: str
    event_class: str
    acled: str | None
    cameo: str | None
    #: a means of crowd control ("tear gas"): marked "means" in the lexicon's last column
    means: bool = False


@lru_cache(maxsize=1)
def triggers() -> dict[str, Trigger]:
    """The trigger lexicon, by lower-case phrase."""
    out = {}
    for row in lexicon.rows("event_triggers.tsv"):
        words, cls, acled, cameo, role = (row + ("-", "-", "-", "-"))[:5]
        out[words] = Trigger(words, cls, None if acled == "-" else acled, None if cameo == "-" else cameo,
                             role == "means")
    return out


def _can_act(ctx: Context, token: Token) -> bool:
    """Whether a phrase no mention covers may be an agent or participant: an unrecognised proper name
    that is no place, or a noun whose head is a word for people, bodies or office holders."""
    if ctx.mention_at(token, (PLACE,)) is not None:
        return False
    if token.pos_ == "PROPN":
        # a name the model tags as one, or a short form of a name of the article ("Iturriaga" after
        # "General Javier Iturriaga"); not any capitalised word ("Chaos and riots: ...")
        return token.ent_type_ in NAME_TYPES or any(
            token.text in m.name.split() for m in ctx.mentions if m.kind in AGENT_KINDS)
    word, nouns = token.lower_, lexicon.word_set("actor_nouns.txt")
    return word in nouns or (word.endswith("s") and word[:-1] in nouns) or (
        word.endswith("ies") and word[:-3] + "y" in nouns)


def _over_a_period(root: Token) -> bool:
    """"after eleven days of unrest": a trigger that names what filled a stretch of time."""
    durations = lexicon.word_set("duration_words.txt")
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in durations


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


@lru_cache(maxsize=1)
def facility_nouns() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns of buildings and sites, general words that refer back to one) from kg/data/facility_nouns.tsv."""
    rows = lexicon.rows("facility_nouns.tsv")
    return (frozenset(r[0] for r in rows if r[1] == "facility"), frozenset(r[0] for r in rows if r[1] == "anaphor"))


@lru_cache(maxsize=1)
def interventions() -> dict[str, frozenset[str]]:
    """Words of crowd control by role: "means" (the triggers of kg/data/event_triggers.tsv marked so), and
    "crowd", "preposition", "verb" (kg/data/protest_interventions.tsv)."""
    out: dict[str, set[str]] = {"means": {t.words for t in triggers().values() if t.means}}
    for word, role in lexicon.rows("protest_interventions.tsv"):
        out.setdefault(role, set()).add(word)
    return {role: frozenset(words) for role, words in out.items()}


# (id of the vocab, phrases) -> (that vocab, its matcher): built once per process and word list, not per article
_MATCHERS: dict[tuple[int, tuple[str, ...]], tuple[object, PhraseMatcher]] = {}


def _matcher(vocab, phrases) -> PhraseMatcher:
    key = (id(vocab), tuple(phrases))
    cached = _MATCHERS.get(key)
    if cached is None or cached[0] is not vocab:
        matcher = PhraseMatcher(vocab, attr="LOWER")
        for phrase in key[1]:
            matcher.add(phrase, [_words_doc(vocab, phrase)])
        _MATCHERS[key] = cached = (vocab, matcher)
    return cached[1]


def _words_doc(vocab, phrase: str):
    from spacy.tokens import Doc

    return Doc(vocab, words=phrase.replace("-", " - ").split())


def match_phrases(ctx: Context, phrases) -> list[tuple[str, SpacySpan]]:
    """Non-overlapping matches of lower-case ``phrases`` (longest first), as (phrase, span)."""
    matcher = _matcher(ctx.doc.vocab, phrases)
    spans = []
    for match_id, start, end in matcher(ctx.doc):
        span = SpacySpan(ctx.doc, start, end, label=match_id)
        spans.append(span)
    return [(s.label_, s) for s in filter_spans(spans)]


def _governing_verb(token: Token) -> Token | None:
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


def _role_tokens(head: Token, deps: tuple[str, ...]) -> list[Token]:
    out = []
    for child in head.children:
        if child.dep_ in deps:
            out.append(child)
            out.extend(c for c in child.children if c.dep_ == "conj")
    return out


def _agent_of_passive(verb: Token) -> list[Token]:
    for child in verb.children:
        if child.dep_ == "agent":
            return [t for t in child.children if t.dep_ == "pobj"]
    return []


class _Roles:
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
        if token.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"):
            return
        if _is_time_word(token):
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
        if token.pos_ in ("NOUN", "PROPN") and (not self.actors or _can_act(self.ctx, token)):
            text = phrase_text(token)
            if text and text not in self.texts:
                self.texts.append(text)


def _places(ctx: Context, heads: list[Token], preps: frozenset[str] = PLACE_PREPS,
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
            for pobj in _role_tokens(prep, ("pobj",)):
                if line_of is not None and _line_between(ctx, pobj.left_edge.idx, pobj.right_edge.idx, line_of):
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


def _facility(ctx: Context, token: Token) -> tuple[str, list[Mention]] | None:
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


def _where_clause_place(ctx: Context, clause: Token) -> list[Mention]:
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


def _nearest_date(ctx: Context, sent_no: int, token: Token, clause: Token | None = None) -> DateRef | None:
    """The date of the trigger's clause when it has one, else the nearest date of its sentence."""
    # a line break ends what a date can date: "Headline\n\nLima, 8 December\n\nX happened on Wednesday"
    # is one sentence to the parser, but the dateline's day is not the events'
    dates = [d for d in ctx.dates_in(sent_no)
             if d.kind != "clock" and not _line_between(ctx, d.span.start, d.span.end, token.idx)]
    if not dates:
        return None
    if clause is not None:
        begin, end = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge.text)
        inside = [d for d in dates if begin <= d.span.start < end]
        dates = inside or dates
    return min(dates, key=lambda d: abs(d.span.start - token.idx))


def _trigger_tokens(ctx: Context, event: EventRecord) -> SpacySpan | None:
    """The tokens of an event's trigger (None when its characters cover no token)."""
    return ctx.doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")


def _trigger_root(ctx: Context, event: EventRecord) -> Token:
    return _trigger_tokens(ctx, event).root


def _line_between(ctx: Context, start: int, end: int, char: int) -> bool:
    """Whether a line break stands between the text ``start``..``end`` and the character ``char``."""
    return ctx.line_break_between(min(start, char), max(end, char))


def _clock_in(ctx: Context, sent_no: int) -> DateRef | None:
    for d in ctx.dates_in(sent_no):
        if d.time_start:
            return d
    return None


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
        if _purpose_of_told(root, trig.event_class, by_token):
            continue
        inside = range(span.start, span.end)
        agents, targets, participants = _Roles(ctx, inside, True), _Roles(ctx, inside), _Roles(ctx, inside, True)
        clause = root
        # "after eleven days of unrest": it lasted before the clause it is written in, neither its day nor its place
        over_period = _over_a_period(root)
        facility_places: list[Mention] = []
        # "the demonstrators did raid on the hall": a trigger tagged as a noun but with an auxiliary is a verb
        verbal = is_verb(root) or any(c.dep_ in ("aux", "auxpass") for c in root.children)
        if verbal:
            for t in _role_tokens(root, ("nsubj",)):
                agents.add(t)
            for t in _agent_of_passive(root):
                agents.add(t)
            # an object before its verb is a misparse ("the media reports X that Y called on Z": X is no object)
            objects = [t for t in _role_tokens(root, ("dobj", "nsubjpass")) if t.dep_ != "dobj" or t.i > root.i]
            for tok in span:
                for prep in tok.children:
                    # "set fire to X", "broke into X"; an attack ending in its preposition: "took control of X"
                    last = prep.i == span.end - 1 and lexicon.has_trait(trig.event_class, "facility")
                    if prep.dep_ == "prep" and prep.i >= span.start and (
                            prep.lower_ in ("to", "into", "on") or (last and prep.lower_ not in PLACE_PREPS)):
                        objects += _role_tokens(prep, ("pobj",))
            # "demanded the resignation of X" (a CAMEO demand): the object is what is demanded, never whom
            demand = lexicon.has_trait(trig.event_class, "addressed") and (trig.cameo or "").startswith("10")
            for t in objects:
                if demand:
                    if (text := phrase_text(t)) and text not in targets.texts:
                        targets.texts.append(text)
                    continue
                facility = _facility(ctx, t) if lexicon.has_trait(trig.event_class, "facility") else None
                if facility is None:
                    targets.add(t, AGENT_KINDS + (PLACE,))
                    continue
                text, where = facility
                if text not in targets.texts:
                    targets.texts.append(text)
                facility_places += [m for m in where if m not in facility_places]
            own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children)
            if root.dep_ in ("xcomp", "conj", "advcl") and not own_subject and not agents.mentions and not agents.texts:
                for t in _role_tokens(root.head, ("nsubj",)):
                    agents.add(t)
        else:
            verb = _governing_verb(root)
            undergone = (lexicon.has_trait(trig.event_class, "tenure")
                         or lexicon.has_trait(trig.event_class, "undergone-of"))
            for child in root.children:
                if child.dep_ == "poss":
                    (targets if lexicon.has_trait(trig.event_class, "tenure") else agents).add(child)
                elif child.dep_ == "prep" and child.lower_ == "of":
                    for t in _role_tokens(child, ("pobj",)):
                        (targets if undergone else agents).add(t)
                        if lexicon.has_trait(trig.event_class, "tenure"):
                            # "the resignation of the Cabinet of Ministers of X": X's cabinet, X goes too
                            for sub in t.subtree:
                                if sub.i != t.i and sub.dep_ == "pobj" and ctx.mention_at(sub, (PERSON,)):
                                    targets.add(sub, (PERSON,))
                elif child.dep_ == "prep" and child.lower_ == "between":
                    for t in _role_tokens(child, ("pobj",)):
                        participants.add(t)
                elif child.dep_ == "prep" and child.lower_ == "by":
                    for t in _role_tokens(child, ("pobj",)):
                        agents.add(t)
            if lexicon.has_trait(trig.event_class, "addressed"):
                for tok in root.subtree:
                    if tok.dep_ == "prep" and tok.lower_ in ("to", "from") and tok.i not in inside:
                        for t in _role_tokens(tok, ("pobj",)):
                            targets.add(t, AGENT_KINDS)
            if over_period:
                verb = None
            if verb is not None:
                clause = verb
                if verb.lower_.startswith(lexicon.words("not_agent_verbs.txt")):
                    pass  # "would suspend the increase": the subject undoes or judges the event, it did not do it
                elif root.dep_ in ("dobj", "attr", "nsubjpass") or root.head.dep_ in ("dobj",) or (
                        root.dep_ == "pobj" and root.head.head.i == verb.i
                        and lexicon.has_trait(trig.event_class, "decided")):
                    subject_verb = verb
                    for _ in range(3):
                        subjects = _role_tokens(subject_verb, ("nsubj",)) + _agent_of_passive(subject_verb)
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
        place_mentions, place_texts = _places(ctx, heads, preps, root.idx)
        if not place_mentions and not place_texts:
            place_mentions = facility_places
        if not place_mentions and not place_texts:
            place_mentions = _where_clause_place(ctx, clause)
        if not place_mentions and not place_texts and clause is not root.sent.root and not over_period:
            place_mentions, place_texts = _places(ctx, [root.sent.root], preps, root.idx)
        if not all(is_country(m) for m in place_mentions):
            # "in Kenya's Mombasa", "in the city of X, in western Y": a country named beside a place
            # in it says where that place lies; it is not a second place of the event
            place_mentions = [m for m in place_mentions if not is_country(m)]
        date = None if over_period else _nearest_date(ctx, sent_no, root, clause)
        if lexicon.has_trait(trig.event_class, "period"):
            date = _period_date(ctx, sent_no, date)
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
    _fold_decrees(ctx, events, by_token)
    _drop_references(events, by_token)
    _link_causes(ctx, events, by_token)
    _attach_measures(ctx, events)
    _inherit_dates(events)
    _narrative_dates(ctx, events)
    events += _intervened_protests(ctx, events)
    _legal_basis(ctx, events)
    return [e for e in events if e.event_class != "_folded"]


def _drop_references(events: list[EventRecord], by_token: dict[int, EventRecord]) -> None:
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


def _inherit_dates(events: list[EventRecord]) -> None:
    """An undated state of emergency, resignation ... takes the date of the article's dated one of the same
    class (a state of emergency may also take the period of the article's curfew)."""
    for ev in events:
        if ev.date is not None or not lexicon.has_trait(ev.event_class, "same-day"):
            continue
        donors = [e for e in events if e.event_class == ev.event_class and e.date is not None
                  and e.date.kind in ("absolute", "weekday", "relative")]
        if not donors and ev.event_class == "StateOfEmergency":
            donors = [e for e in events if e.event_class == "Curfew" and e.date is not None and e.date.end_day]
        if donors:
            ev.date = donors[0].date
        if not lexicon.has_trait(ev.event_class, "measure") and ev.date is not None and ev.date.time_start:
            # the period of a curfew written with its hours: the days are the emergency's, the hours are not
            ev.date = replace(ev.date, time_start=None, time_end=None)


def _narrative_dates(ctx: Context, events: list[EventRecord]) -> None:
    """"Clashes erupted on Tuesday evening. Violent protests took place in A and B. ... Rallies are also taking
    place in C": an undated protest, riot, clash, attack or arrest takes the day last written before it, when
    that day (or an event that took it) is at most NARRATIVE_WINDOW sentences back. A range (a measure's
    period), a time the dates module does not read ("in the first days of the year") or a word of
    kg/data/narrative_breaks.txt ("earlier") ends the story."""
    breaks = lexicon.word_set("narrative_breaks.txt")
    written: dict[int, list[DateRef]] = {}
    for d in ctx.dates or []:
        if d.kind != "clock":
            written.setdefault(d.span.sentence, []).append(d)
    by_sentence: dict[int, list[EventRecord]] = {}
    for ev in events:
        by_sentence.setdefault(ev.evidence.sentence, []).append(ev)
    current: DateRef | None = None
    last = 0
    for sent_no, sent in enumerate(ctx.sents):
        for d in sorted(written.get(sent_no, []), key=lambda d: d.span.start):
            current = None if d.end_day is not None or d.until else d
            last = sent_no
        if sent_no not in written and (any(t.lower_ in breaks for t in sent)
                                       or any(e.label_ in ("DATE", "TIME") for e in ctx.ents_in(sent_no))):
            current = None
        if current is None or sent_no - last > NARRATIVE_WINDOW:
            continue
        undated = [e for e in by_sentence.get(sent_no, [])
                   if e.date is None and lexicon.has_trait(e.event_class, "narrative")
                   and not _over_a_period(_trigger_root(ctx, e))]
        for ev in undated:
            ev.date = current
        if undated:
            last = sent_no


def _intervened_protests(ctx: Context, events: list[EventRecord]) -> list[EventRecord]:
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
        trigger = _trigger_tokens(ctx, ev)
        if trigger is None:
            continue
        clause = trigger.root if is_verb(trigger.root) else _governing_verb(trigger.root)
        if clause is None:
            continue
        crowd = next((t for t in clause.subtree if t.lower_ in words.get("crowd", ()) and t.dep_ in ("pobj", "dobj")
                      and t.head.lower_ in crowd_heads), None)
        if crowd is None:
            continue
        if not ev.places and not ev.place_texts:
            # "against protesters in X": where the crowd was is where it was broken up
            ev.places, ev.place_texts = _places(ctx, [crowd])
        if any(e.event_class == cls and e.evidence.sentence == ev.evidence.sentence for e in events):
            continue  # the sentence tells its protest already
        agents = _Roles(ctx, actors=True)
        agents.add(crowd)
        out.append(EventRecord(
            local_id=f"{ev.local_id}-protest", event_class=cls, trigger=ctx.token_span(crowd), evidence=ev.evidence,
            acled=acled, cameo=cameo, agents=agents.mentions, agent_texts=agents.texts, places=list(ev.places),
            place_texts=list(ev.place_texts), date=ev.date, confidence=lexicon.event_confidence(cls)))
    return out


def _legal_basis(ctx: Context, events: list[EventRecord]) -> None:
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


def _period_date(ctx: Context, sent_no: int, date: DateRef | None) -> DateRef | None:
    """A state of emergency or curfew takes a range written in its sentence or the next one."""
    candidates = [d for d in ctx.dates_in(sent_no) if d.end_day is not None]
    if not candidates and sent_no + 1 < len(ctx.sents):
        nxt = ctx.sents[sent_no + 1]
        if nxt[0].lower_ in ("it", "this", "the", "they"):
            candidates = [d for d in ctx.dates_in(sent_no + 1) if d.end_day is not None]
    if candidates:
        chosen = candidates[0]
        clock = _clock_in(ctx, sent_no)
        if date is not None and chosen is not date and chosen.month is None and date.kind == "absolute":
            chosen.month, chosen.day, chosen.year = date.month, date.day, date.year
        # a copy: the range is shared by every measure that reads it, the clock times are this one's
        return _with_clock(chosen, clock) if clock and not chosen.time_start else chosen
    return date


def _fold_decrees(ctx: Context, events: list[EventRecord], by_token: dict[int, EventRecord]) -> None:
    """"a decree on the resignation": one event, a resignation enacted by decree (agent and date from both)."""
    for ev in events:
        if ev.event_class != "Decree":
            continue
        tok = _trigger_tokens(ctx, ev)
        if tok is None:
            continue
        root = tok.root
        preps = list(root.children)
        if root.dep_ == "dobj":
            preps += [c for c in root.head.children if c.i > root.i]
        for prep in preps:
            if prep.dep_ == "prep" and prep.lower_ in ("on", "of", "about"):
                for pobj in _role_tokens(prep, ("pobj",)):
                    inner = by_token.get(pobj.i)
                    if inner is None:
                        continue
                    inner.agents = inner.agents or ev.agents
                    inner.agent_texts = inner.agent_texts or ev.agent_texts
                    inner.date = inner.date or ev.date
                    inner.also_classes.append("Decree")
                    ev.event_class = "_folded"


def _link_causes(ctx: Context, events: list[EventRecord], by_token: dict[int, EventRecord]) -> None:
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



def _attach_measures(ctx: Context, events: list[EventRecord]) -> None:
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
            clock = _clock_in(ctx, ev.evidence.sentence)
            ev.date = _with_clock(parent.date, clock) if clock else parent.date


def _with_clock(period: DateRef, clock: DateRef) -> DateRef:
    return replace(period, time_start=clock.time_start, time_end=clock.time_end)
