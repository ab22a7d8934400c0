"""What a statement is about and how it was given out: the parts of a claim beyond its speaker and words.

Used by :mod:`kg.extract.statements` for each reporting verb, and by :func:`link_counts` after the counts:

* :func:`channel_of`: "on Twitter", "via Telegram", "in a televised address", "at a news conference", "in a
  statement" (``kg/data/channels.tsv``), or a verb that names it ("tweeted");
* :func:`about`: the entities and events named in what was said (a claim that X flew to China concerns X and
  China, and the flight when it is an event); "he" and "she" in it are the person they refer to;
* :func:`demanded`: what a demand asks for, when it is an event or an entity ("demanded the resignation of X":
  the resignation; "demanded the release of Y": Y);
* :func:`is_outlet`: whether whom a speaker "told" is a news outlet (then it is the outlet that reports the
  statement, not its addressee);
* :func:`quote_opening`: where the quote ends by a "he said" after it begins, so that "he" is looked up before
  the quote and not among the names inside it; :func:`subject_antecedent`: whom that "he" stands for;
* :func:`link_counts`: a speaker's statement concerns the events its figures count.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Token

from kg import lexicon
from kg.extract.context import Context, is_pronoun
from kg.records import GROUP, ORGANIZATION, PERSON, PLACE, CountRecord, EventRecord, Mention, StatementRecord

#: Prepositions whose object may be the channel a statement went out by.
_CHANNEL_PREPOSITIONS = frozenset({"on", "via", "in", "at", "through", "during", "over"})
#: The most entities one claim is said to concern (a claim naming more is about none of them in particular).
MOST_CONCERNED = 5
#: Nouns of what a demand asks for whose object is the entity it is about ("the release of X").
_FOR_ENTITY = frozenset({"release", "return", "freeing", "extradition", "trial", "prosecution", "punishment",
                         "arrest", "ouster", "removal", "withdrawal", "departure", "exit"})


@cache
def _media_words() -> frozenset[str]:
    """Words that make a name or a phrase a news outlet's ("Kazakh television", "Daily News"): the media name words
    and nouns of ``kg/data/typing.json``."""
    typing = lexicon.lexicon().json("typing.json")
    words: set[str] = {"television"}
    for table in ("name_words", "before"):
        for word in typing.get(table, {}).get("MediaOutlet", []):
            words.update(word.lower().split())
    return frozenset(words)


def _squeezed(name: str) -> str:
    """A name as a web address writes it: lower case, no spaces, no leading "the" ("The Indian Express":
    "indianexpress")."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", name.lower()))


def known_outlets(ctx: Context, site: str | None = None) -> frozenset[str]:
    """The names the article shows to be news outlets: its own site's ("cnn.com": CNN), the agency of its dateline
    ("(AP)", "(Reuters)"), and organisations that "report", "write" or are cited "according to"."""
    names = set()
    if site:
        host = re.sub(r"^(?:https?://)?(?:www\.|news\.)?", "", site.lower()).split("/")[0]
        names.add(host.split(".")[0])
    for found in re.finditer(r"\(([A-Z][A-Za-z&. ]{1,25})\)\s*(?:-|--|\u2013|\u2014)", ctx.text[:600]):
        names.add(_squeezed(found.group(1)))
    for tok in ctx.tokens_of(frozenset({"reports", "reported", "writes", "wrote", "according"})):
        if tok.lower_ == "according":
            to = ctx.according_to(tok, tok.sent)
            objs = [c for c in to.children if c.dep_ == "pobj"] if to is not None else []
        else:
            objs = [c for c in tok.children if c.dep_ == "nsubj"]
        for obj in objs:
            named = ctx.mention_at(obj, (ORGANIZATION,))
            if named is not None:
                names.add(_squeezed(named.name))
    return frozenset(names)


def is_outlet(mention: Mention | None, text: str | None = None, outlets: frozenset[str] = frozenset()) -> bool:
    """Whether a mention (or, without one, a phrase) names a news outlet: typed so, one of ``outlets``
    (:func:`known_outlets`), or a name or phrase with a media word ("Kazakh television", "Daily News")."""
    if mention is not None:
        if mention.subtype == "MediaOutlet" or _squeezed(mention.name) in outlets:
            return True
        if mention.kind != ORGANIZATION:
            return False
        text = mention.name
    if not text:
        return False
    return any(word in _media_words() for word in re.findall(r"[a-z]+", text.lower()))


def channel_of(ctx: Context, verb: Token) -> str | None:
    """How the statement of ``verb`` went out, as the article words it (see the module docstring)."""
    channels = lexicon.mapping("channels.tsv")
    if verb.lower_ in channels:
        return channels[verb.lower_]
    heads = [verb, *(c for c in verb.children if c.dep_ in ("advcl", "xcomp") and c.tag_ == "VBG")]
    for head in heads:
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in _CHANNEL_PREPOSITIONS:
                continue
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                found = _channel_phrase(ctx, obj, channels)
                if found:
                    return found
    return None


def _channel_phrase(ctx: Context, obj: Token, channels) -> str | None:
    """The channel an object of "on"/"in"/"via" names: its words without determiners and possessives ("a televised
    address": "televised address"; "his Telegram channel": "Telegram channel"), when its head is a channel word or a
    platform it names."""
    head = obj.lower_
    named = ctx.mention_at(obj, (ORGANIZATION,))
    if head not in channels and not (named is not None and named.name.lower() in channels):
        return None
    words = [t for t in obj.subtree if t.i <= obj.i and t.dep_ not in ("det", "poss", "case", "punct")
             and not t.like_num]
    text = " ".join(t.text for t in words)
    return text if len(words) > 1 else channels.get(head, obj.text)


def _within(mention: Mention, span: tuple[int, int]) -> bool:
    return span[0] <= mention.span.start and mention.span.end <= span[1]


def about(ctx: Context, span: tuple[int, int] | None, events: list[EventRecord],
          leave_out: tuple[Mention | None, ...] = ()) -> tuple[list[Mention], list[str]]:
    """The entities (people, organisations, places) and the events (local ids) named in the characters ``span`` of
    what was said, in text order; "he"/"she" there is the person named last before it. ``leave_out``: the speaker
    and the outlet (a claim is not about who makes or reports it). More than :data:`MOST_CONCERNED` entities: none
    (a list of names is no claim about each)."""
    if span is None:
        return [], []
    start, end = span
    # names, not titles ("the president" is whoever holds it, which is for the resolver to say); no outlet or
    # platform the words went out by ("reported by X on Twitter")
    named: list[Mention] = [m for m in ctx.mentions_in(start, end, (PERSON, ORGANIZATION, PLACE))
                            if m.component != "title_rule" and not is_outlet(m, None, ctx.outlets)
                            and m.name.lower() not in lexicon.mapping("channels.tsv")]
    window = ctx.doc.char_span(start, end, alignment_mode="expand")
    for tok in window if window is not None else ():
        if is_pronoun(tok) and tok.lower_ in ("he", "she", "him", "her"):
            person = ctx.last_person_before(tok.idx)
            if person is not None and not _within(person, span):
                named.append(person)
    kept: list[Mention] = []
    skip = {m.name for m in leave_out if m is not None}
    for mention in sorted(named, key=lambda m: m.span.start):
        if mention.name not in skip and mention.name not in {k.name for k in kept}:
            kept.append(mention)
    if len(kept) > MOST_CONCERNED:
        kept = []
    ids = [e.local_id for e in events if start <= e.trigger.start < end and e.event_class not in ("Statement",)]
    return kept, ids


def demanded(ctx: Context, verb: Token, events: list[EventRecord]) -> tuple[list[Mention], list[str]]:
    """What a demand asks for: the events whose trigger is in the thing demanded ("the resignation of the
    government"), else the entity that thing is about ("the release of X": X)."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "ccomp", "xcomp")]
    objects += [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "for"
                for g in c.children if g.dep_ == "pobj"]
    objects += [c for o in objects for c in o.conjuncts if c.i > o.i]  # "the resignation of X and the release of Y"
    entities: list[Mention] = []
    ids: list[str] = []
    for obj in objects:
        own = [t for t in obj.subtree if t.i == obj.i or t not in obj.conjuncts and not any(
            t in c.subtree for c in obj.conjuncts if c.i > obj.i)]
        start, end = own[0].idx, own[-1].idx + len(own[-1].text)
        ids += [e.local_id for e in events if start <= e.trigger.start < end]
        for noun in (t for t in obj.subtree if t.lower_ in _FOR_ENTITY and t.pos_ == "NOUN"):
            for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
                for target in (g for g in prep.children if g.dep_ == "pobj"):
                    found = ctx.mention_at(target, (PERSON, ORGANIZATION, GROUP))
                    if found is not None and found not in entities:
                        entities.append(found)
    return entities, list(dict.fromkeys(ids))


def subject_antecedent(ctx: Context, char: int, sentences: int = 2) -> Mention | None:
    """Whom "he" or "she" as the subject of a reporting verb at ``char`` stands for: the last person named as the
    subject of a clause in its sentence or the ``sentences`` before ("Powell cited ... He said": Powell, not a
    name in what he cited; "'... Saddam's manipulation,' Hyde said. He said ...": Hyde, not a name inside the
    quote), else the last person named before."""
    token = ctx.doc.char_span(char, char + 1, alignment_mode="expand")
    if token is not None:
        first = ctx.sents[max(0, ctx.sent_no(token[0]) - sentences)].start_char
        subjects = []
        for mention in ctx.mentions_in(first, char, (PERSON, ORGANIZATION)):
            named = ctx.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
            person = mention if mention.kind == PERSON else ctx.person_of_surname(mention)
            if named is not None and person is not None and person.component != "title_rule" and (
                    named.root.dep_ in ("nsubj", "nsubjpass")):
                subjects.append(person)
        if subjects:
            return subjects[-1]
    return ctx.last_person_before(char)


def quote_opening(ctx: Context, char: int) -> int:
    """Where the quote closed right before ``char`` ('"...," he said') opened; ``char`` itself when none did."""
    start = ctx.paragraph_start(char)
    before = ctx.text[start:char]
    closing = before.rstrip(" ,")
    if not closing.endswith(('"', "''")):
        return char
    marks = [m.start() for m in re.finditer(r'"|``|\'\'', before)]
    if len(marks) >= 2 and len(marks) % 2 == 0:
        return start + marks[-2]
    return char


def link_counts(statements: list[StatementRecord], counts: list[CountRecord]) -> None:
    """A statement concerns the events of the figures its speaker gives in its sentence ("X said 20 people were
    hurt"): the claim behind a count is about the count's event."""
    for st in statements:
        for count in counts:
            if count.event is None or count.evidence.sentence != st.evidence.sentence:
                continue
            if count.source is not None and st.speaker is not None and count.source.name != st.speaker.name:
                continue
            if count.event not in st.concerns_events:
                st.concerns_events.append(count.event)
