"""Statements: a parsed article and its events in, :class:`~kg.records.StatementRecord` records out (who said
what, to whom, with what status, reported by whom).

A reporting verb (``kg/data/reporting_verbs.tsv``: said, announced, denied, promised, appealed ...)
makes a speech act; its subject is the speaker, the quoted text or the clause it governs is the
quote, "to X" / the object of "addressed" / "appealed to" is the addressee. "X reports", "according
to X", "as reported by X", "announced by X via Telegram" name the reporting outlet. A sentence such
as "this information has not been officially confirmed" (``statuses.tsv``) gives the status of the
claim before it.

A statement is dated by a date of its sentence, else by the last day named before it in its paragraph
(the news of a "latest" block is told in the order it happened). "The ministry said X. Y, said its
spokesman Z." makes Z the speaker of X too, with the ministry as its source (``spokespersons.txt``); so
does "a spokesperson of the ministry said X": the spokesperson speaks, the ministry is the source.

A speaker is what its phrase names: "he" is the last person named before (a surname the model tagged as
an organisation included); "the NGO" is the last organisation of that type named before
(``definite_nouns.tsv``), with none the statement is dropped; a place modifying the noun ("the Lima
metro operator") is not the speaker, nor is a name in a relative clause of the phrase. "What he called
a 'threat'" is no statement of its own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from spacy.tokens import Token

from kg import lexicon
from kg.extract.claims import (
    about,
    channel_of,
    demanded,
    is_outlet,
    known_outlets,
    quote_opening,
    subject_antecedent,
)
from kg.extract.context import Context, country_names, event_near, is_pronoun, is_verb, phrase_text
from kg.extract.quotes import (
    OBJECT_ADDRESSEE,
    complement,
    interrupted_quote,
    quote_of,
    quoted_passages,
    said_before,
)
from kg.extract.roles import can_act, names_a_time_or_number
from kg.extract.sentences import sentence_key
from kg.extract.title_holders import untagged_name
from kg.records import GROUP, ORGANIZATION, PERSON, PLACE, DateRef, EventRecord, Mention, StatementRecord

logger = logging.getLogger(__name__)

SPEAKER_KINDS = (PERSON, ORGANIZATION, GROUP)
_OUTLET_VERBS = frozenset({"reports", "reported", "writes", "wrote", "published", "notes"})
_ADDRESS_VERBS = frozenset({"addressed", "appealed", "told", "called", "urged", "asked", "asks", "requested",
                            "requests"})
#: Verbs whose "from X" names whom they address ("requested help from the alliance").
_FROM_VERBS = frozenset({"requested", "requests"})


@cache
def _verbs() -> Mapping[str, tuple[str, str]]:
    """Reporting verbs (``reporting_verbs.tsv``): word -> (act class, status), read once."""
    return MappingProxyType({row[0]: (row[1], row[2]) for row in lexicon.rows("reporting_verbs.tsv") if len(row) >= 3})


@cache
def _definite_nouns() -> Mapping[str, tuple[str, ...]]:
    """Nouns that refer back to an organisation (``definite_nouns.tsv``): noun -> (class, "keep" or nothing)."""
    return MappingProxyType({row[0]: row[1:] for row in lexicon.rows("definite_nouns.tsv") if len(row) >= 2})


def _spokesperson_titles() -> tuple[str, ...]:
    return lexicon.words("spokespersons.txt")


def _own_tokens(tok: Token) -> list[Token]:
    """A noun and the words of its phrase, without its relative clauses ("the secretary, who said that X ...":
    X is not the secretary)."""
    skip: set[int] = set()
    for t in tok.subtree:
        if t.dep_ == "relcl" and t.i != tok.i:
            skip.update(d.i for d in t.subtree)
    return [t for t in tok.subtree if t.i not in skip]


def _is_spokesperson(tok: Token) -> bool:
    """"the press secretary of X", "a spokesperson for X", "the ministry spokesman": a noun (with its compounds)
    of ``spokespersons.txt``."""
    if tok.pos_ != "NOUN":
        return False
    words = " ".join(t.lower_ for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "NOUN")
    words = f" {words} {tok.lower_} "
    return any(words.endswith(f" {title} ") for title in _spokesperson_titles())


def _spoken_for(ctx: Context, tok: Token) -> Mention | None:
    """The organisation a spokesperson speaks for: named in the phrase ("spokesman of the ministry",
    "the ministry spokesman"); for a spokesperson the text does not name, the person a title in the phrase stands
    for ("the press secretary of the ex-head of state": the resolver tells who that is)."""
    own = [t for t in _own_tokens(tok) if t.i != tok.i]
    found = [m for t in own if (m := ctx.mention_at(t, (ORGANIZATION,))) is not None]
    if found:
        return found[0]
    people = [m for t in own if t.i > tok.i and (m := ctx.mention_at(t, (PERSON,))) is not None]
    if people and all(m.component == "title_rule" for m in people) and not (
            people[0].span.start <= tok.idx < people[0].span.end):
        return people[0]
    return None


def _referred_organisation(ctx: Context, tok: Token, window: int = 1000) -> tuple[Mention | None, str | None]:
    """"the NGO said" after "NetBlocks reported", "the newspaper reports" after "KazTAG reports": the last
    organisation named before ``tok`` whose type fits the noun (``definite_nouns.tsv``: a news outlet for "the
    newspaper"; "-": one whose name has the noun, "the ministry"); when none fits, (None, None), or for a noun the
    table keeps, the phrase itself ("the newspaper" may be a first mention)."""
    row = _definite_nouns()[tok.lower_]
    wanted, keep = row[0], len(row) > 1 and row[1] == "keep"
    before = ctx.mentions_in(max(0, tok.idx - window), tok.idx, (ORGANIZATION,))[::-1]
    named = [m for m in before if tok.lower_ in m.name.lower().split()]
    if wanted == "MediaOutlet":
        fits = [m for m in before if is_outlet(m, outlets=ctx.outlets)]
    elif wanted == "-":
        fits = named
    else:
        # an organisation of that very type first; one of no known type only when none is
        fits = [m for m in before if wanted == "Organization" or m.subtype == wanted] + named
        fits = fits or [m for m in before if m.subtype is None]
    if fits:
        return fits[0], None
    return (None, phrase_text(tok)) if keep else (None, None)


def _is_definite_description(tok: Token) -> bool:
    """"the NGO", "the organisation": "the" and a noun of ``definite_nouns.tsv``, nothing else."""
    kids = list(tok.children)
    return (tok.lower_ in _definite_nouns() and len(kids) == 1 and kids[0].dep_ == "det"
            and kids[0].lower_ == "the")


def _who(ctx: Context, tok: Token) -> tuple[Mention | None, str | None]:
    """Who a subject (or an object) names: a person or an organisation, never a place; "he" after a quote is the
    person named last before the quote began; "who" is the person of the phrase its clause hangs on."""
    if is_pronoun(tok):
        char = quote_opening(ctx, tok.idx)
        if tok.dep_ in ("nsubj", "nsubjpass"):
            return subject_antecedent(ctx, char), None
        return ctx.last_person_before(char), None
    if tok.lower_ in ("who", "that") and tok.head.dep_ == "relcl":
        antecedent = tok.head.head
        return _who(ctx, antecedent.head if antecedent.dep_ == "appos" else antecedent)
    return _named_by(ctx, tok)


def _antecedent(tok: Token) -> Token:
    """The noun a relative "who" stands for ("the secretary, who claims ...": "secretary"); else ``tok``."""
    if tok.lower_ in ("who", "that") and tok.head.dep_ == "relcl":
        antecedent = tok.head.head
        return antecedent.head if antecedent.dep_ == "appos" else antecedent
    return tok


def _names_a_country_or_city(ctx: Context, mention: Mention) -> bool:
    """Whether a name the model took for a person or an organisation is a country's, or a city's or region's the
    article names as a place; a building's name may stand for its institution ("the Kremlin said", "the Pentagon
    said")."""
    if mention.kind == PLACE or mention.name.lower() in country_names():
        return True
    return any(m.kind == PLACE and m.label in ("GPE", "LOC") and m.name == mention.name for m in ctx.mentions)


def _speaker(ctx: Context, tok: Token) -> tuple[Mention | None, str | None]:
    """Who a reporting verb's subject names, never a place: "Maldives said" has no speaker, whatever the model took
    the name for."""
    found, text = _who(ctx, tok)
    if found is not None and found.component != "title_rule" and _names_a_country_or_city(ctx, found):
        return None, None
    if found is None and (place := ctx.mention_at(tok, (PLACE,))) is not None and place.span.start <= tok.idx and (
            tok.idx + len(tok.text) <= place.span.end and tok.pos_ == "PROPN"):
        return None, None
    return found, text


def _named_by(ctx: Context, tok: Token) -> tuple[Mention | None, str | None]:
    own = _own_tokens(tok)
    if _is_spokesperson(tok):
        # the spokesperson speaks, not whom he speaks for; a named one ("the press secretary John Doe")
        named = [m for t in own if (m := ctx.mention_at(t, (PERSON,))) is not None and m.component != "title_rule"]
        return (named[0], None) if named else (None, phrase_text(tok))
    unnamed = ctx.mention_at(tok, SPEAKER_KINDS) is None
    if unnamed and _is_definite_description(tok):
        return _referred_organisation(ctx, tok)
    # the words modifying a common noun before it ("the Lima metro operator")
    modifiers = {d.i for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod") for d in c.subtree} if (
        unnamed and tok.pos_ == "NOUN") else set()
    best = None
    for t in [tok, *own]:
        m = ctx.mention_at(t, SPEAKER_KINDS)
        if m is None:
            continue
        # a place modifying a common noun is not the speaker: "the Lima metro operator" is no "Lima"
        if t.i in modifiers and ctx.names_a_place(m):
            return None, phrase_text(tok)
        # prefer a named person ("the press secretary ... Rosa Quispe") over the title
        if best is None or (m.kind == PERSON and m.component != "title_rule" and best.component == "title_rule"):
            best = m
    if best is not None and best.component == "title_rule" and tok.pos_ == "PROPN" and not (
            best.span.start <= tok.idx < best.span.end):
        # "Peruvian President Alejandro Toledo told reporters", the model taking "Toledo" for a city: the name
        title = ctx.doc.char_span(best.span.start, best.span.end, alignment_mode="expand")
        best = (untagged_name(ctx, title.end, tok, "statements") if title is not None else None) or best
    if best is not None:
        return best, None
    # a phrase naming no known entity speaks only when it can ("officials", "the opposition", an untagged
    # name): not "Tuesday", "photographs" or a word the tagger took for a noun
    if tok.pos_ in ("NOUN", "PROPN") and _may_speak(ctx, tok):
        return None, phrase_text(tok)
    return None, None


def _may_speak(ctx: Context, tok: Token) -> bool:
    """Whether a phrase naming no known entity may be a speaker or an addressee: a name that is no date ("told El
    Universo", "asked the African Union"), or a noun for people or bodies (:func:`kg.extract.roles.can_act`)."""
    return not names_a_time_or_number(tok) and (tok.pos_ == "PROPN" or can_act(ctx, tok))


def _subject(verb: Token) -> Token | None:
    """The subject of a reporting verb, or the object of its "by" (passive), or the subject of the verb it is
    joined to."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
        if child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    return None


def _names_something(verb: Token) -> bool:
    """"called the strikers saboteurs": the verb names its object, it addresses nobody."""
    return any(c.dep_ == "oprd" for c in verb.children)


def _named_outlet(ctx: Context, tok: Token, found: Mention | None) -> bool:
    """"the Interfax news agency", "the AFP news agency": a phrase whose head is a news outlet's noun, with the name
    of an organisation (no country or city) in it."""
    return (found is not None and found.kind == ORGANIZATION and is_outlet(None, tok.text)
            and not _names_a_country_or_city(ctx, found))


def _told_outlet(ctx: Context, verb: Token) -> bool:
    """Whether whom a verb addresses is a news outlet by its phrase ("told the AFP news agency")."""
    if verb.lower_ not in OBJECT_ADDRESSEE:
        return False
    objs = [c for c in verb.children if c.dep_ == "dobj"]
    return bool(objs) and _named_outlet(ctx, objs[0], _who(ctx, objs[0])[0])


def _addressee(ctx: Context, verb: Token) -> tuple[Mention | None, str | None]:
    if verb.lower_ not in _ADDRESS_VERBS or _names_something(verb):
        return None, None
    preps = ("from",) if verb.lower_ in _FROM_VERBS else ("to", "on")
    for child in verb.children:
        if child.dep_ == "dobj" and verb.lower_ in OBJECT_ADDRESSEE:
            return _who(ctx, child)
        # "requested help from X": the "from" phrase may hang on the verb or on what is asked for
        heads = [child, *(c for c in child.children if c.dep_ == "prep")] if child.dep_ == "dobj" else [child]
        for prep in heads:
            if prep.dep_ == "prep" and prep.lower_ in preps:
                objs = [c for c in prep.children if c.dep_ == "pobj"]
                if objs:
                    return _who(ctx, objs[0])
    return None, None


def _outlet(ctx: Context, sent_no: int, verb: Token, speaker: Mention | None) -> tuple[Mention | None, str | None]:
    sent = ctx.sents[sent_no]
    for tok in sent:
        if (to := ctx.according_to(tok, sent)) is not None:
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs and not is_pronoun(objs[0]):
                return _who(ctx, objs[0])
        if tok.lower_ == "by" and tok.dep_ == "agent" and tok.head.lower_ in ("reported", "announced", "published"):
            objs = [c for c in tok.children if c.dep_ == "pobj"]
            if objs and tok.head.i != verb.i:
                return _who(ctx, objs[0])
    # "said in an interview with X", "told X's morning programme", "speaking to the X news agency, ...": a news
    # outlet the verb's phrase names
    heads = [verb, *(c for c in verb.children if c.dep_ == "advcl" and c.lower_ in ("speaking", "talking"))]
    preps = [c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ in ("in", "to", "on", "with")]
    for prep in preps:
        for obj in (g for g in prep.children if g.dep_ == "pobj"):
            for inner in [obj, *(h for p in obj.children if p.dep_ == "prep" and p.lower_ == "with"
                                 for h in p.children if h.dep_ == "pobj")]:
                found, text = _who(ctx, inner)
                if found is not None and found is not speaker and (
                        is_outlet(found, None, ctx.outlets) or _named_outlet(ctx, inner, found)):
                    return found, None
    if verb.lower_ in _OUTLET_VERBS and speaker is not None and speaker.kind == ORGANIZATION:
        return speaker, None
    return None, None


def _published_statement(ctx: Context, verb: Token) -> tuple[Mention | None, str | None] | None:
    """"The website published X's statement" / "published a statement by X": X is the speaker."""
    if verb.lower_ not in ("published", "publishes", "posted", "released"):
        return None
    for child in verb.children:
        if child.dep_ == "dobj" and child.lower_ in ("statement", "address", "appeal", "message", "declaration"):
            for sub in child.children:
                if sub.dep_ == "poss":
                    return _who(ctx, sub)
                if sub.dep_ == "prep" and sub.lower_ in ("by", "of", "from"):
                    objs = [c for c in sub.children if c.dep_ == "pobj"]
                    if objs:
                        return _who(ctx, objs[0])
    return None


def _speaker_phrase(verb: Token) -> tuple[int, int] | None:
    """The characters of the subject phrase of a reporting verb ("the press secretary of the council X")."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return _speaker_phrase(verb.head)
    return None


def _is_day(ref: DateRef) -> bool:
    """A single day (not a period, an end date or a clock time)."""
    return ref.kind != "clock" and not ref.until and ref.end_day is None


def statement_date(ctx: Context, sent_no: int, said: tuple[int, int] | None = None) -> DateRef | None:
    """The date of a statement: one written in its sentence, else the last day named before it in its
    paragraph (a paragraph ends at a line break). A date inside ``said`` (the characters of what was said:
    "the rallies held on Tuesday were calm, the agency reports") is the date of what is told, not of the
    telling."""
    dates = [d for d in ctx.dates_in(sent_no) if d.kind != "clock"
             and not (said and said[0] <= d.span.start < said[1])]
    if dates:
        return dates[0]
    start = ctx.sents[sent_no].start_char
    paragraph = ctx.paragraph_start(start)
    earlier = [d for d in ctx.dates if paragraph <= d.span.start < start and _is_day(d)]
    return earlier[-1] if earlier else None


def _spokespersons(ctx: Context, out: list[StatementRecord], phrases: dict[int, tuple[int, int]]) -> None:
    """"The ministry said X. Y, said its spokesman Z.": Z speaks for the ministry, so X is Z's statement too,
    with the ministry as its source. Only when Z's statement is in the next sentence of the same paragraph
    and his phrase has a spokesperson's title and names no other organisation."""
    titles = _spokesperson_titles()
    for i, st in enumerate(out):
        if st.speaker is None or st.speaker.kind != ORGANIZATION:
            continue
        nxt = next((o for o in out[i + 1:] if o.evidence.sentence > st.evidence.sentence), None)
        if nxt is None or nxt.evidence.sentence != st.evidence.sentence + 1 or id(nxt) not in phrases:
            continue
        if nxt.speaker is None or nxt.speaker.kind != PERSON or ctx.line_break_between(st.evidence.end,
                                                                                      nxt.evidence.start):
            continue
        begin, end = phrases[id(nxt)]
        words = f" {sentence_key(ctx.text[begin:end])} "
        if not any(f" {title} " in words for title in titles):
            continue
        if any(m.name != st.speaker.name for m in ctx.mentions_in(begin, end, (ORGANIZATION,))):
            continue
        st.outlet = st.outlet or st.speaker
        st.speaker, st.speaker_text = nxt.speaker, None


def _requests(ctx: Context, sent_no: int) -> list[StatementRecord]:
    """"The alliance sent troops at the request of X": an appeal by X, addressed to the clause's subject when
    it is an organisation (``request_phrases.txt``)."""
    sent = ctx.sents[sent_no]
    low = sent.text.lower()
    out = []
    for phrase in lexicon.words("request_phrases.txt"):
        for found in re.finditer(r"\b" + re.escape(phrase) + r"\b", low):
            of = ctx.doc.char_span(sent.start_char + found.end() - 2, sent.start_char + found.end())
            objs = [c for c in of.root.children if c.dep_ == "pobj"] if of is not None else []
            if not objs:
                continue
            speaker, speaker_text = _who(ctx, objs[0])
            if speaker is None and speaker_text is None:
                continue
            clause = next((a for a in of.root.ancestors if is_verb(a, by_tag=False)), None)
            subjects = [c for c in clause.children if c.dep_ == "nsubj"] if clause is not None else []
            addressee = ctx.mention_at(subjects[0], (ORGANIZATION,)) if subjects else None
            out.append(StatementRecord(local_id=f"st-{of.start_char}", act_class="Appeal",
                                       evidence=ctx.sent_span(sent_no), speaker=speaker, speaker_text=speaker_text,
                                       addressee=addressee, date=statement_date(ctx, sent_no), confidence=0.6))
    return out


def extract_statements(ctx: Context, events: list[EventRecord], site: str | None = None) -> list[StatementRecord]:
    """Every statement of the article, in text order (repeated sentences give nothing); ``site``: the web site the
    article comes from, whose name is a news outlet (:func:`~kg.extract.claims.known_outlets`)."""
    verbs = _verbs()
    statuses = lexicon.mapping("statuses.tsv")
    ctx.outlets = known_outlets(ctx, site)
    out: list[StatementRecord] = []
    phrases: dict[int, tuple[int, int]] = {}
    for sent_no, sent in enumerate(ctx.sents):
        if sent_no in ctx.repeats:
            continue
        low = sent.text.lower()
        for phrase, status in statuses.items():
            if phrase in low and sent_no > 0:
                prev = ctx.sent_span(sent_no - 1)
                entities, ids = about(ctx, (prev.start, prev.end), events)
                out.append(StatementRecord(local_id=f"st-{prev.start}", act_class="SpeechAct",
                                           evidence=ctx.sent_span(sent_no), quote=prev.text, status=status,
                                           concerns=entities, concerns_events=ids, confidence=0.6))
                break
        out.extend(_requests(ctx, sent_no))
        quoted = [(sent.start_char + a, sent.start_char + b) for a, b in quoted_passages(sent.text)]
        for tok in sent:
            if tok.lower_ not in verbs or not is_verb(tok):
                continue
            demanding = tok.dep_ == "acl" and verbs[tok.lower_][0] == "Appeal"  # "protesters demanding X"
            if (tok.dep_ in ("amod", "acl") and not demanding) or (tok.dep_ == "relcl" and tok.lower_ == "called"):
                continue
            # someone's words that contain a reporting verb are no statement of their own
            if any(a <= tok.idx < b for a, b in quoted) and interrupted_quote(ctx, tok) is None:
                continue
            # "what he called a 'threat'", "what she said": names or points at words, is no statement of its own
            if any(c.tag_ == "WP" and c.dep_ == "dobj" for c in tok.children):
                continue
            act_class, status = verbs[tok.lower_]
            if tok.lower_ in ("alleged",) or any(c.lower_ == "it" and c.dep_ == "nsubjpass" for c in tok.children):
                status = "alleged" if tok.lower_ == "alleged" else status
            subject = tok.head if demanding else _subject(tok)
            speaker, speaker_text = _speaker(ctx, subject) if subject is not None else (None, None)
            published = _published_statement(ctx, tok)
            if published is not None:
                outlet_of, (speaker, speaker_text) = (speaker, speaker_text), published
            else:
                outlet_of = (None, None)
            if speaker is None and speaker_text is None and status != "alleged":
                continue
            addressee, addressee_text = _addressee(ctx, tok)
            outlet, outlet_text = _outlet(ctx, sent_no, tok, speaker)
            if outlet_of[0] is not None or outlet_of[1]:
                outlet, outlet_text = outlet_of
            if is_outlet(addressee, addressee_text, ctx.outlets) or _told_outlet(ctx, tok):  # "told CNN": the outlet
                if outlet is None and not outlet_text:
                    outlet, outlet_text = addressee, addressee_text
                addressee, addressee_text = None, None
            if outlet_text and outlet_text == speaker_text:
                outlet_text = None  # "announced by the secretary, who claims ...": the secretary speaks
            spokesperson = _antecedent(subject) if subject is not None else None
            if outlet is None and not outlet_text and spokesperson is not None and _is_spokesperson(spokesperson):
                outlet = _spoken_for(ctx, spokesperson)
            said = complement(tok) or said_before(ctx, tok, sent_no, _verbs())
            entities, ids = about(ctx, said, events, (speaker, outlet, addressee))
            wanted, wanted_ids = demanded(ctx, tok, events) if act_class == "Appeal" else ([], [])
            out.append(StatementRecord(
                local_id=f"st-{tok.idx}", act_class=act_class, evidence=ctx.sent_span(sent_no),
                speaker=speaker, speaker_text=speaker_text, quote=quote_of(ctx, tok, sent_no, said), status=status,
                addressee=addressee, addressee_text=addressee_text, outlet=outlet, outlet_text=outlet_text,
                date=statement_date(ctx, sent_no, said),
                event=event_near(events, sent_no, tok.idx),
                channel=channel_of(ctx, tok), concerns=entities, concerns_events=ids, demands=wanted,
                demands_events=wanted_ids,
                confidence=0.7 if speaker is not None else 0.5))
            if (phrase := _speaker_phrase(tok)) is not None:
                phrases[id(out[-1])] = phrase
    _spokespersons(ctx, out, phrases)
    return out
