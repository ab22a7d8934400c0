"""Posts and tenures: a parsed article and its events in, :class:`~kg.records.TenureRecord` records out (who holds
which office, from titles, appositions and verbs).

* a title and its holder: "President Costa", "the mayor of Lima, Rosa Quispe", "Rosa Quispe, Peru's interior
  minister", "Quispe is head of the committee", "Quispe was sworn in as caretaker leader" (the title read by
  :mod:`kg.extract.title_phrases` with what it is of and its qualifiers, the holder found by
  :mod:`kg.extract.title_holders`); "a member of the X Council" is a tenure of the post "member" of that body;
* "X will (temporarily) act as <title>", "acting <title> X": an acting tenure, started by the article's change of
  office holder;
* "X holds the position of <title> of <organisation>", "X heads <organisation>";
* "the resignation of X from the post of <title>" ends X's tenure; "this position was taken by Y" starts Y's tenure
  of the same post, both linked to the event; "X resigned as <title>" ends it, "X was appointed <title>" starts it.

Titles, their canonical forms and types are data (``kg/data/posts.tsv``); the country of a title written as an
adjective ("the Russian President") comes from ``kg/data/demonyms.tsv``.
"""

from __future__ import annotations

import logging

from spacy.tokens import Token

from kg import lexicon
from kg.extract.bylines import byline_tenures
from kg.extract.context import Context, is_pronoun, is_verb
from kg.extract.title_holders import NAMING_VERBS, NOMINATING_VERBS, Holding, subject_of, title_holder
from kg.extract.title_phrases import TitlePhrase, kind_of, read_title
from kg.extract.triggers import match_phrases
from kg.records import ORGANIZATION, PERSON, EventRecord, Mention, TenureRecord

logger = logging.getLogger(__name__)

_ACTING = frozenset({"acting", "interim", "temporarily", "temporary"})
_POSITION_NOUNS = frozenset({"post", "position", "office", "role", "title"})
_HEAD_VERBS = frozenset({"heads", "headed", "head", "chairs", "chaired", "leads", "led", "run", "runs", "lead"})
_POST_ANAPHORA = frozenset({"position", "post", "office"})
#: Titles whose holder goes when the government resigns or is dismissed.
HEADS_OF_GOVERNMENT = frozenset({"prime minister", "premier"})


def _inside_other_title(ctx: Context, span) -> bool:
    """"the press secretary of the Russian President X": the second title names whose secretary, not X's post."""
    j = span.start - 1
    while j >= 0 and (ctx.doc[j].lower_ in ("the", "a") or ctx.doc[j].pos_ == "ADJ"
                      or ctx.doc[j].lower_ in lexicon.mapping("demonyms.tsv")):
        j -= 1
    return j >= 1 and ctx.doc[j].lower_ == "of" and ctx.doc[j - 1].lower_ not in _POSITION_NOUNS


def _nearest_change(events: list[EventRecord], sent_no: int, window: int = 3) -> EventRecord | None:
    changes = [e for e in events
               if lexicon.has_trait(e.event_class, "tenure") and 0 <= sent_no - e.evidence.sentence <= window]
    return changes[-1] if changes else None


def _subject_person(ctx: Context, verb: Token) -> Mention | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "agent"):
            tok = child
            if child.dep_ == "agent":
                objs = [t for t in child.children if t.dep_ == "pobj"]
                if not objs:
                    continue
                tok = objs[0]
            if is_pronoun(tok):
                return ctx.last_person_before(tok.idx)
            mention = ctx.mention_at(tok, (PERSON,))
            if mention is not None:
                return mention
    return None


def _said_what_of(phrase: TitlePhrase, holding: Holding) -> bool:
    """Whether a title is a post the text places: a title of a body (chairman, member, analyst) or of a place (mayor)
    needs its organisation or place written, except right before the name ("Mayor Jane Doe", "Spokesman Doe"); a
    place is never what a body's title is in ("the BBC's Latin America analyst")."""
    scope = kind_of(phrase.title).scope
    if scope == "body" and phrase.post_in is not None and phrase.post_in.kind != ORGANIZATION:
        return False
    if scope == "country" or holding.before_name:
        return True
    return phrase.post_in is not None or bool(phrase.post_in_text)


def _object_person(ctx: Context, verb: Token) -> Mention | None:
    """The person a verb's direct object names ("selecting Jane Doe to head ...")."""
    for child in verb.children:
        if child.dep_ == "dobj":
            mention = ctx.mention_at(child, (PERSON,))
            if mention is not None and mention.component != "title_rule":
                return mention
    return None


def _event_of_verb(events: list[EventRecord], verb: Token | None) -> EventRecord | None:
    """The change of office holder whose trigger is ``verb`` ("resigned as ...", "was appointed ...")."""
    if verb is None:
        return None
    return next((e for e in events if lexicon.has_trait(e.event_class, "tenure")
                 and e.trigger.start <= verb.idx < e.trigger.end), None)


def _change_of_holder(ctx: Context, events: list[EventRecord], sent_no: int, holder: Mention,
                      title: str) -> EventRecord | None:
    """The change of office holder of the sentence that befalls ``holder`` (:func:`_befalls`; or, for a head of
    government, the government)."""
    change = None
    for ev in events:
        if lexicon.has_trait(ev.event_class, "tenure") and ev.evidence.sentence == sent_no and (
                holder in _befalls(ctx, ev) or (title in HEADS_OF_GOVERNMENT and any(
                    w in t.lower() for t in ev.target_texts for w in ("government", "cabinet")))):
            change = ev
    return change


def extract_tenures(ctx: Context, events: list[EventRecord]) -> list[TenureRecord]:
    """Every tenure the article states, in text order."""
    tenures: list[TenureRecord] = []
    seen: set[tuple] = set()

    def add(holder: Mention | None, title: str, post_in: Mention | None, post_in_text: str | None,
            token: Token, **kw) -> None:
        if holder is None:
            return
        key = (holder.span, title, kw.get("acting", False), kw.get("ended_by"), kw.get("started_by"))
        if key in seen:
            return
        seen.add(key)
        sent_no = ctx.sent_no(token)
        tenures.append(TenureRecord(holder=holder, holder_text=holder.name, title=title, post_in=post_in,
                                    post_in_text=post_in_text, evidence=ctx.sent_span(sent_no), **kw))

    def add_phrase(holder: Mention | None, phrase: TitlePhrase, **kw) -> None:
        kw.setdefault("acting", phrase.acting)
        kw.setdefault("qualifiers", phrase.qualifiers)
        add(holder, phrase.title, phrase.post_in, phrase.post_in_text, phrase.root, post_in_kind=phrase.post_in_kind,
            jurisdiction=phrase.also_in, **kw)

    for _phrase, span in match_phrases(ctx, lexicon.mapping("posts.tsv")):
        sent_no = ctx.sent_no(span[0])
        if sent_no in ctx.repeats or _inside_other_title(ctx, span):
            continue
        phrase = read_title(ctx, span.start, span.end)
        if phrase is None:
            continue
        root = phrase.root
        # "holds the position of Chairman of X", "the resignation of X from the post of head of Y"
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in _POSITION_NOUNS:
            gov = root.head.head.head
            if gov.dep_ == "prep" and gov.lower_ == "from":
                change_tok = gov.head
                holder = None
                for c in change_tok.children:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        for p in c.children:
                            if p.dep_ == "pobj":
                                holder = ctx.mention_at(p, (PERSON,))
                ev = next((e for e in events if e.trigger.start <= change_tok.idx < e.trigger.end), None)
                add_phrase(holder, phrase, ended_by=ev.local_id if ev else None, confidence=0.75)
                continue
            if is_verb(gov):
                add_phrase(_subject_person(ctx, gov), phrase, confidence=0.7)
                continue
        holding = title_holder(ctx, phrase)
        if holding is None or not _said_what_of(phrase, holding):
            continue
        holder, verb = holding.holder, holding.verb
        qualifiers = phrase.qualifiers
        future = verb is not None and any(c.dep_ == "aux" and c.lower_ in ("will", "shall") for c in verb.children)
        if verb is not None and (verb.lower_ in NOMINATING_VERBS or future and not phrase.acting
                                 and verb.lower_ not in ("act", "serve")) and "designate" not in qualifiers:
            qualifiers = (*qualifiers, "designate")
        acting = phrase.acting or (verb is not None and (
            verb.lower_ in ("act", "acts", "acting") or any(c.lower_ in _ACTING for c in verb.children)))
        if acting and "acting" not in qualifiers:
            qualifiers = ("acting", *qualifiers)
        change = _event_of_verb(events, verb) or _change_of_holder(ctx, events, sent_no, holder, phrase.title)
        if change is None and verb is not None and acting:
            change = _nearest_change(events, sent_no)  # "X will act as president": since the change told before
        starts = change is not None and (change.event_class == "Appointment" or acting)
        if starts and verb is None and not acting:
            change, starts = None, False  # "Speaker X was sworn in as leader": the appointment is to another post
        add_phrase(holder, phrase, acting=acting, qualifiers=qualifiers,
                   started_by=change.local_id if starts else None, start=change.date if starts else None,
                   ended_by=change.local_id if change is not None and not starts else None,
                   confidence=0.75 if verb is not None else 0.8)
    # "the resignation of the cabinet of X", "X's government": X heads that government
    governments = lexicon.mapping("government_nouns.tsv")
    for phrase, span in match_phrases(ctx, governments):
        sent_no = ctx.sent_no(span[0])
        holder = _government_head(ctx, span)
        if holder is None or sent_no in ctx.repeats:
            continue
        title = governments[phrase]
        if any(t.holder_text.split()[-1] == holder.name.split()[-1] and t.title != title for t in tenures):
            continue  # "President X's government" is not a cabinet X heads
        change = _change_of_government(ctx, events, span, holder, governments)
        ends = change is not None and change.event_class != "Appointment"
        add(holder, title, None, None, span.root, ended_by=change.local_id if ends else None,
            started_by=change.local_id if change is not None and not ends else None,
            start=change.date if change is not None and not ends else None, confidence=0.65)
    # "heads the Security Council", "headed the Security Council"
    for tok in ctx.tokens_of(_HEAD_VERBS):
        if not is_verb(tok) or ctx.sent_no(tok) in ctx.repeats:
            continue
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        org = ctx.mention_at(objs[0], (ORGANIZATION,)) if objs else None
        if org is None:
            continue
        holder = _subject_person(ctx, tok) or (subject_of(ctx, tok) if tok.dep_ == "relcl" else None)  # "X, who heads"
        if holder is None and tok.dep_ == "conj":
            holder = _subject_person(ctx, tok.head)
        qualifiers: tuple[str, ...] = ()
        if holder is None and tok.dep_ in ("xcomp", "advcl") and tok.head.lower_ in NAMING_VERBS:
            # "the president chose X to head the Y", "X was tapped to run the Y": X is named to head it
            chooser = tok.head
            holder = _object_person(ctx, chooser) or _subject_person(ctx, chooser)
            qualifiers = ("designate",) if chooser.lower_ in NOMINATING_VERBS else ()
        change = _nearest_change(events, ctx.sent_no(tok), window=0)
        add(holder, "chair", org, None, tok, started_by=change.local_id if change else None,
            start=change.date if change else None, qualifiers=qualifiers, post_in_kind=ORGANIZATION,
            confidence=0.7)
    # "This position was taken by X himself"
    for tok in ctx.tokens_of(_POST_ANAPHORA):
        if ctx.sent_no(tok) in ctx.repeats:
            continue
        if not any(c.lower_ in ("this", "that", "the same") for c in tok.children) or tok.dep_ != "nsubjpass":
            continue
        verb = tok.head
        if verb.lower_ not in ("taken", "assumed", "occupied", "filled"):
            continue
        previous = [t for t in tenures if t.evidence.sentence < ctx.sent_no(tok)]
        if not previous:
            continue
        before = previous[-1]
        add(_subject_person(ctx, verb), before.title, before.post_in, before.post_in_text, tok,
            post_in_kind=before.post_in_kind, started_by=before.ended_by, confidence=0.7)
    _ended_elsewhere(ctx, tenures, events)
    return tenures + byline_tenures(ctx)


#: Changes of office holder that end the one post their subject holds, or the one their sentence names (a death
#: ends every post too, but it is no ng:TenureChange, what ng:endedBy points to).
_ENDING = frozenset({"Resignation", "Removal"})
#: Qualifiers of a tenure no later event can end (it ended before, or has not begun).
_NOT_CURRENT = frozenset({"former", "designate"})


def _same_person(a: Mention, b: Mention) -> bool:
    return a.name == b.name or a.name.split()[-1] == b.name.split()[-1]


def _befalls(ctx: Context, event: EventRecord) -> list[Mention]:
    """Whom an ending event befalls: "his resignation" is the resignation of the person the clause is about ("X,
    after announcing his resignation, ...": X; "X talked with Y about his resignation": X, not Y), else the event's
    targets, and the agent of a resignation told by a verb with no object ("Y, who is stepping down")."""
    trigger = ctx.doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
    if trigger is not None and any(c.dep_ == "poss" and is_pronoun(c) for c in trigger.root.children):
        for verb in trigger.root.ancestors:
            subject = subject_of(ctx, verb) if is_verb(verb) else None
            if subject is not None:
                return [subject]
        return []
    resigner = event.event_class == "Resignation" and not (event.trigger_noun or event.targets or event.target_texts)
    return [*event.targets, *(event.agents if resigner else [])]


def _ended_elsewhere(ctx: Context, tenures: list[TenureRecord], events: list[EventRecord]) -> None:
    """A tenure the article tells the end of in another sentence ("Secretary of State X ... X, after announcing his
    resignation, ...") is ended by that event: a resignation or a removal ends the holder's one current post, or
    the one its sentence names. Only events that happened, and tenures not already started, ended, former or
    designate."""
    for event in events:
        if event.event_class not in _ENDING or event.status != "occurred":
            continue
        for person in _befalls(ctx, event):
            current = [t for t in tenures if t.holder is not None and _same_person(t.holder, person)
                       and t.ended_by is None and t.started_by is None and not _NOT_CURRENT & set(t.qualifiers)]
            if len({t.title for t in current}) > 1:
                said = event.evidence.text.lower()
                current = [t for t in current if t.title in said]
            if len({t.title for t in current}) != 1:
                continue
            for tenure in current:
                tenure.ended_by = event.local_id


def _government_head(ctx: Context, span) -> Mention | None:
    """The person a government is named after: "the cabinet of X" or "X's (new) government"."""
    doc = ctx.doc
    j = span.end
    if j < len(doc) - 1 and doc[j].lower_ == "of":
        j += 1
        while j < len(doc) and doc[j].lower_ in ("the", "a"):
            j += 1
        if j < len(doc):
            return _named_person(ctx, doc[j])
        return None
    j = span.start - 1
    while j >= 0 and doc[j].pos_ == "ADJ" and span.start - j <= 2:
        j -= 1
    if j >= 1 and doc[j].lower_ in ("'s", "’s"):
        return _named_person(ctx, doc[j - 1])
    return None


def _named_person(ctx: Context, tok: Token) -> Mention | None:
    mention = ctx.mention_at(tok, (PERSON,))
    if mention is not None and mention.component != "title_rule" and tok.pos_ == "PROPN":
        return mention
    return None


def _change_of_government(ctx: Context, events: list[EventRecord], span, holder: Mention,
                          nouns: dict[str, str]) -> EventRecord | None:
    """The resignation, dismissal or appointment of the sentence that befalls this government or its head
    (``nouns``: the government nouns of ``government_nouns.tsv``)."""
    sent_no = ctx.sent_no(span[0])
    found = [ev for ev in events
             if lexicon.has_trait(ev.event_class, "tenure") and ev.evidence.sentence == sent_no and (
                 holder in ev.targets or any(m.span.start <= span.start_char < m.span.end for m in ev.targets)
                 or any(t.lower() in nouns or t.lower().split()[-1] in nouns for t in ev.target_texts))]
    return min(found, key=lambda ev: abs(ev.trigger.start - span.start_char)) if found else None
