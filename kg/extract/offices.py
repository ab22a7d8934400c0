"""Posts and tenures: a parsed article and its events in, :class:`~kg.records.TenureRecord` records out (who holds
which office, from titles, appositions and verbs).

* a title before a name: "President Costa", "the mayor of Lima, Rosa Quispe";
* "X will (temporarily) act as <title>", "acting <title> X": an acting tenure;
* "X holds the position of <title> of <organisation>", "X heads <organisation>";
* "the resignation of X from the post of <title>" ends X's tenure; "this position was taken by Y"
  starts Y's tenure of the same post, both linked to the event.

Titles and their canonical forms are data (``kg/data/posts.tsv``); the country of a title written
as an adjective ("the Russian President") comes from ``kg/data/demonyms.tsv``.
"""

from __future__ import annotations

import logging

from spacy.tokens import Token

from kg import lexicon
from kg.extract.context import Context, is_pronoun, is_verb
from kg.extract.triggers import match_phrases
from kg.records import ORGANIZATION, PERSON, PLACE, EventRecord, Mention, TenureRecord

logger = logging.getLogger(__name__)

#: Tokens that may stand between a title and the name it applies to.
_BETWEEN = frozenset({"of", "the", ",", "'s", "’s", "-", "and"})
_ACTING = frozenset({"acting", "interim", "temporarily", "temporary"})
_POSITION_NOUNS = frozenset({"post", "position", "office", "role", "title"})
_AS_VERBS = frozenset({"act", "acts", "serve", "serves", "sworn", "appointed", "elected", "named", "confirmed"})
_HEAD_VERBS = frozenset({"heads", "headed", "head", "chairs", "chaired", "leads", "led"})
_POST_ANAPHORA = frozenset({"position", "post", "office"})
#: Titles whose holder goes when the government resigns or is dismissed.
HEADS_OF_GOVERNMENT = frozenset({"prime minister", "premier"})
FORMER = frozenset({"former", "ex", "ex-", "late", "then"})


def _inside_other_title(ctx: Context, span) -> bool:
    """"the press secretary of the Russian President X": the second title names whose secretary, not X's post."""
    j = span.start - 1
    while j >= 0 and (ctx.doc[j].lower_ in ("the", "a") or ctx.doc[j].pos_ == "ADJ"
                      or ctx.doc[j].lower_ in lexicon.mapping("demonyms.tsv")):
        j -= 1
    return j >= 1 and ctx.doc[j].lower_ == "of" and ctx.doc[j - 1].lower_ not in _POSITION_NOUNS


def _title_of(ctx: Context, title_span) -> tuple[str, Mention | None, str | None]:
    """Canonical title and what it is a post in: "of X" after it, or a country adjective before it."""
    posts = lexicon.mapping("posts.tsv")
    demonyms = lexicon.mapping("demonyms.tsv")
    words = title_span.text.lower().replace(" - ", "-")
    title = posts.get(words, posts.get(title_span.text.lower(), words))
    post_in: Mention | None = None
    post_in_text: str | None = None
    doc = ctx.doc
    after = title_span.end
    if after < len(doc) - 1 and doc[after].lower_ == "of":
        j = after + 1
        while j < len(doc) and doc[j].lower_ in ("the", "a"):
            j += 1
        if j < len(doc) and doc[j].lower_ in demonyms:
            post_in_text = demonyms[doc[j].lower_]  # "press secretary of the Russian President"
        elif j < len(doc):
            post_in = ctx.mention_at(doc[j], (ORGANIZATION, PLACE))
            if post_in is None and doc[j].pos_ == "PROPN":
                post_in_text = doc[j].text
    before = title_span.start - 1
    if post_in is None and post_in_text is None and before >= 0:
        word = doc[before].lower_
        if word in demonyms:
            post_in_text = demonyms[word]
        elif doc[before].pos_ == "PROPN":
            post_in = ctx.mention_at(doc[before], (ORGANIZATION, PLACE))
    if title == "chair" and post_in is not None and post_in.kind == PLACE:
        title = "head"
    return title, post_in, post_in_text


def _holder_after(ctx: Context, title_span) -> Mention | None:
    """The named person a title applies to: the first person name after it, across "of X" and commas."""
    doc = ctx.doc
    j = title_span.end
    sent_end = title_span.sent.end
    while j < sent_end and j - title_span.end < 14:
        tok = doc[j]
        mention = _named_person(ctx, tok)
        if mention is not None:
            return mention
        if tok.lower_ in _BETWEEN or tok.pos_ in ("PROPN", "DET", "ADJ") or tok.ent_type_:
            j += 1
            continue
        if tok.pos_ == "NOUN" and tok.is_title:
            j += 1
            continue
        return None
    return None


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


def extract_tenures(ctx: Context, events: list[EventRecord]) -> list[TenureRecord]:
    """Every tenure the article states, in text order."""
    tenures: list[TenureRecord] = []
    seen: set[tuple] = set()
    last_post: tuple[str, Mention | None, str | None] | None = None

    def add(holder: Mention | None, title: str, post_in: Mention | None, post_in_text: str | None,
            token: Token, **kw) -> None:
        nonlocal last_post
        if holder is None:
            return
        key = (holder.span, title, kw.get("acting", False), kw.get("ended_by"), kw.get("started_by"))
        if key in seen:
            return
        seen.add(key)
        sent_no = ctx.sent_no(token)
        tenures.append(TenureRecord(holder=holder, holder_text=holder.name, title=title, post_in=post_in,
                                    post_in_text=post_in_text, evidence=ctx.sent_span(sent_no), **kw))
        last_post = (title, post_in, post_in_text)

    posts = lexicon.mapping("posts.tsv")
    for _phrase, span in match_phrases(ctx, posts):
        sent_no = ctx.sent_no(span[0])
        if sent_no in ctx.repeats:
            continue
        prev = ctx.doc[span.start - 1].lower_ if span.start else ""
        before = [t.lower_ for t in ctx.doc[max(0, span.start - 3):span.start]]
        if set(before) & FORMER or (prev == "first" and span.text.lower() == "president"):
            continue
        if _inside_other_title(ctx, span):
            continue
        title, post_in, post_in_text = _title_of(ctx, span)
        root = span.root
        # "act as prime minister", "hold the role of leader"
        if root.dep_ == "pobj" and root.head.lower_ == "as" and root.head.head.lower_ in _AS_VERBS:
            verb = root.head.head
            acting = any(c.lower_ in _ACTING for c in verb.children) or verb.lower_ in ("act", "acts")
            change = _nearest_change(events, sent_no)
            add(_subject_person(ctx, verb), title, post_in, post_in_text, root, acting=acting,
                started_by=change.local_id if change else None,
                start=change.date if change else None, confidence=0.75)
            continue
        # "holds the position of Chairman of X", "the resignation of X from the post of head of Y"
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in _POSITION_NOUNS:
            noun = root.head.head
            gov = noun.head
            if gov.dep_ == "prep" and gov.lower_ == "from":
                change_tok = gov.head
                holder = None
                for c in change_tok.children:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        for p in c.children:
                            if p.dep_ == "pobj":
                                holder = ctx.mention_at(p, (PERSON,))
                ev = next((e for e in events if e.trigger.start <= change_tok.idx < e.trigger.end), None)
                add(holder, title, post_in, post_in_text, root, ended_by=ev.local_id if ev else None,
                    confidence=0.75)
                continue
            if is_verb(gov):
                add(_subject_person(ctx, gov), title, post_in, post_in_text, root, confidence=0.7)
                continue
        if prev in _ACTING:
            holder = _holder_after(ctx, span)
            add(holder, title, post_in, post_in_text, root, acting=True, confidence=0.7)
            continue
        holder = _holder_after(ctx, span)
        if holder is not None:
            change = None
            for ev in events:
                if lexicon.has_trait(ev.event_class, "tenure") and ev.evidence.sentence == sent_no and (
                        holder in ev.targets or (title in HEADS_OF_GOVERNMENT and any(
                            w in t.lower() for t in ev.target_texts for w in ("government", "cabinet")))):
                    change = ev
            add(holder, title, post_in, post_in_text, root, ended_by=change.local_id if change else None,
                confidence=0.8)
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
        holder = _subject_person(ctx, tok)
        if holder is None and tok.dep_ == "conj":
            holder = _subject_person(ctx, tok.head)
        change = _nearest_change(events, ctx.sent_no(tok), window=0)
        add(holder, "chair", org, None, tok, started_by=change.local_id if change else None,
            start=change.date if change else None, confidence=0.7)
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
            started_by=before.ended_by, confidence=0.7)
    del last_post
    return tenures


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
