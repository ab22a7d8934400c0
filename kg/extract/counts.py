"""Reported counts: a parsed article and its events in, :class:`~kg.records.CountRecord` records out ("at least
200 arrests", "about 20 soldiers were beaten", "from 3 to 6 soles per kilo").

Every number that counts people or things (a category word from ``kg/data/count_categories.tsv``
near it) becomes a :class:`CountRecord`: a claim with its source ("according to X", "X reports",
"per X data"), the event of its sentence, and bounds from qualifiers (``count_qualifiers.tsv``).
Prices are counts too, with a unit (``units.tsv``): "from 60 to 120" gives a price before and after.
Numbers inside dates, clock times, laws and ordinals are not counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from spacy.tokens import Token

from kg import lexicon
from kg.extract.context import Context, event_near, is_pronoun, is_verb, phrase_text
from kg.extract.scenes import event_for_count
from kg.records import GROUP, ORGANIZATION, PERSON, CountRecord, EventRecord, Mention

logger = logging.getLogger(__name__)

_NOT_COUNTS = frozenset({"DATE", "TIME", "ORDINAL", "LAW", "PERCENT"})
_RANGE = re.compile(r"^(\d[\d,]*)\s*(?:-|–)\s*(\d[\d,]*)$")
SOURCE_KINDS = (ORGANIZATION, PERSON, GROUP)


def _number(text: str) -> float | None:
    text = text.replace(",", "").replace(" ", "")
    try:
        return float(text)
    except ValueError:
        return None


def number_value(text: str) -> float | None:
    """The value of one number as written: "20", "1,200", "six", "twenty - three" (None for a range or a vague
    quantity such as "dozens")."""
    words = _words().get(text.lower().strip())
    return words[0] if words else _number(text)


#: A number word's value, or its range, and the approximation it implies: (value, min, max, approximation).
_WordValue = tuple[float | None, float | None, float | None, str | None]
#: (one-token attribution word or its first token, the head of the source it names) of one sentence
_Attribution = tuple[Token, Token]


@cache
def _words() -> Mapping[str, _WordValue]:
    """Number words and phrases of ``count_words.tsv`` ("a dozen", "hundreds"), read once."""
    out: dict[str, _WordValue] = {}
    for row in lexicon.rows("count_words.tsv"):
        phrase, value, approx = (row + ("-",))[:3]
        approx_text = None if approx == "-" else approx
        if "-" in value:
            lo, hi = value.split("-")
            out[phrase] = (None, float(lo), float(hi), approx_text)
        else:
            out[phrase] = (float(value), None, None, approx_text)
    # "twenty-three", "forty five": a tens word and a unit word (the tokenizer splits the hyphen off)
    tens = {p: v[0] for p, v in out.items() if v[0] and 20 <= v[0] <= 90 and v[0] % 10 == 0 and " " not in p}
    units = {p: v[0] for p, v in out.items() if v[0] and 1 <= v[0] <= 9 and " " not in p}
    for ten, tv in tens.items():
        for unit, uv in units.items():
            out[f"{ten} - {unit}"] = out[f"{ten} {unit}"] = (tv + uv, None, None, None)
    return MappingProxyType(out)


@cache
def _phrase_starts() -> frozenset[str]:
    """First words of the number phrases of several words: only a token that is one may begin a phrase."""
    return frozenset(phrase.split(" ")[0] for phrase in _words() if " " in phrase)


def _qualifier(doc, start: int) -> tuple[str | None, str | None]:
    """The qualifier written just before token ``start`` ("at least", "about") and its bound kind."""
    quals = lexicon.mapping("count_qualifiers.tsv")
    for n in (3, 2, 1):
        if start - n < 0:
            continue
        phrase = " ".join(t.lower_ for t in doc[start - n:start])
        if phrase in quals:
            return phrase, quals[phrase]
    return None, None


def _category(ctx: Context, num: Token, noun: Token | None) -> str | None:
    """The count category: from the counted noun, the words governing it, or the nearest category word."""
    cats = lexicon.mapping("count_categories.tsv")
    for tok in (noun, num):
        if tok is not None and tok.lower_ in cats:
            return cats[tok.lower_]
    anchor = noun or num
    for child in anchor.children:
        if child.dep_ in ("amod", "acl", "relcl") and child.lower_ in cats:
            return cats[child.lower_]
    cur = anchor
    for _ in range(4):
        if cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.lower_ in cats:
            return cats[cur.lower_]
        for child in cur.children:
            if child.dep_ in ("acomp", "oprd", "xcomp", "amod") and child.lower_ in cats:
                return cats[child.lower_]
    sent = num.sent
    after = [t for t in sent if t.i > num.i and t.lower_ in cats and t.i - num.i <= 12]
    if after:
        return cats[after[0].lower_]
    # "carried out by 300 commandos": a force counted as the doer of an act
    forces = lexicon.word_set("force_nouns.txt")
    if noun is not None and noun.head.lower_ == "by" and (noun.lower_ in forces or noun.lower_[:-1] in forces):
        return "forces"
    return None


def _attributions(ctx: Context, sent) -> list[_Attribution]:
    """Every "according to X" and "per X data" of a sentence: (its first token, the head of X).

    "per" attributes only with a noun of ``count_source_nouns.tsv`` ("per police figures"), not in
    "soles per litre". :func:`extract_counts` computes this once per sentence and hands it on."""
    data_nouns = lexicon.mapping("count_source_nouns.tsv")
    found = []
    for tok in sent:
        if (to := ctx.according_to(tok, sent)) is not None:
            objs = [c for c in to.children if c.dep_ == "pobj"] or [ctx.doc[min(tok.i + 2, sent.end - 1)]]
            found.append((tok, objs[0]))
        elif tok.lower_ == "per":
            objs = [c for c in tok.children if c.dep_ == "pobj" and c.lower_ in data_nouns]
            if objs:
                found.append((tok, objs[0]))
    return found


def _clause_verb(tok: Token) -> Token:
    """The verb of the clause a token stands in (the token itself when it is one)."""
    cur = tok
    while not (is_verb(cur, by_tag=False) and cur.lower_ != "according") and cur.head.i != cur.i:
        cur = cur.head
    return cur


def _clause_source(ctx: Context, num: Token, found: list[_Attribution]) -> tuple[Mention | None, str | None] | None:
    """"30 were arrested, according to the police, and 5 were killed, according to doctors": of several
    attributions in a sentence (``found``, those of the figure's sentence), the one of the figure's own clause."""
    if len(found) < 2:
        return None
    verb = _clause_verb(num)
    own = [obj for first, obj in found if _clause_verb(first.head) == verb]
    return _named_by(ctx, own[0]) if own else None


def _mention_named(ctx: Context, head: Token, tokens: list[Token]) -> tuple[Mention | None, None] | None:
    """The source a phrase with head ``head`` names as a mention: the person "he" / "him" stands for (None when
    there is none), else the first mention of ``tokens`` (the phrase's tokens in the order to try); None when it
    names no mention (the caller may then take its words)."""
    if is_pronoun(head):
        return ctx.last_person_before(head.idx), None
    for t in tokens:
        m = ctx.mention_at(t, SOURCE_KINDS)
        if m is not None:
            return m, None
    return None


def _named_by(ctx: Context, obj: Token) -> tuple[Mention | None, str | None]:
    """The source an "according to" object names: a person for "him", a mention, or the noun phrase
    ("police" for "police figures")."""
    named = _mention_named(ctx, obj, [obj, *obj.children, *obj.subtree])
    if named is not None:
        return named
    text = phrase_text(obj)
    if obj.lower_ in lexicon.mapping("count_source_nouns.tsv") and " " in text:
        text = text.rsplit(" ", 1)[0]
    return None, text


def _trailing_source(ctx: Context, sent_no: int, found: list[_Attribution]) -> tuple[Mention | None, str | None]:
    """"..., according to X." closing a sentence (``found``: its attributions): an attribution written after
    what it covers.

    Only such a closing attribution may cover the unattributed figures of the sentences just before it.
    """
    sent = ctx.sents[sent_no]
    if not found or found[-1][0].i == sent.start:
        return None, None
    obj = found[-1][1]
    if any(not t.is_punct and not t.is_space for t in ctx.doc[obj.right_edge.i + 1:sent.end]):
        return None, None
    return _named_by(ctx, obj)


def _source(ctx: Context, sent_no: int, found: list[_Attribution]) -> tuple[Mention | None, str | None]:
    """Who a sentence attributes its figures to: "according to X", "per X data" (``found``, its attributions),
    "X reports/said"."""
    sent = ctx.sents[sent_no]
    if found:
        return _named_by(ctx, found[0][1])
    verbs = lexicon.mapping("reporting_verbs.tsv")
    for tok in sent:
        if tok.lower_ in ("reports", "reported", "said", "says", "writes", "notes", "announced") and is_verb(
                tok, by_tag=False) and tok.lower_ in verbs:
            for child in tok.children:
                if child.dep_ in ("nsubj", "agent"):
                    obj = child if child.dep_ == "nsubj" else next(
                        (c for c in child.children if c.dep_ == "pobj"), child)
                    named = _mention_named(ctx, obj, [obj, *obj.subtree])
                    if named is not None:
                        return named
                    if obj.pos_ in ("NOUN", "PROPN"):
                        return None, phrase_text(obj)
    return None, None


def _reporter_of(ctx: Context, num: Token) -> tuple[Mention | None, str | None]:
    """"the Ministry reports the deaths of 18 officials": the subject of a reporting verb governing the number."""
    verbs = lexicon.mapping("reporting_verbs.tsv")
    cur = num
    for _ in range(6):
        if cur.head.i == cur.i or cur.dep_ in ("ccomp", "advcl", "parataxis", "conj"):
            break
        cur = cur.head
        if cur.lower_ in verbs and is_verb(cur, by_tag=False):
            for child in cur.children:
                if child.dep_ == "nsubj":
                    named = _mention_named(ctx, child, [child, *child.subtree])
                    if named is not None:
                        return named
            break
    return None, None


def _counted_noun(num: Token) -> Token | None:
    if num.dep_ in ("nummod", "quantmod", "compound") and num.head.pos_ in ("NOUN", "PROPN"):
        return num.head
    if num.dep_ == "quantmod" and num.head.like_num and num.head.head.pos_ == "NOUN":
        return num.head.head
    for child in num.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    if num.pos_ == "NOUN":
        return num
    return None


def extract_counts(ctx: Context, events: list[EventRecord]) -> list[CountRecord]:
    """Every reported count of the article (repeated sentences give nothing), in text order."""
    words, starts = _words(), _phrase_starts()
    units = lexicon.word_set("units.tsv")
    # the attributions of each sentence, found once: the sentence's source, its figures' own clauses and the
    # figures of the sentences before it read them
    found = [[] if n in ctx.repeats else _attributions(ctx, sent) for n, sent in enumerate(ctx.sents)]
    counts: list[CountRecord] = []
    taken: set[int] = set()
    date_chars = [(d.span.start, d.span.end) for d in ctx.dates]
    carried: tuple[int, Mention | None, str | None] | None = None
    attributed: set[int] = set()
    for sent_no, sent in enumerate(ctx.sents):
        if sent_no in ctx.repeats:
            continue
        source, source_text = _source(ctx, sent_no, found[sent_no])
        if source is None and source_text is None and carried is not None and sent_no == carried[0] + 1:
            # a list of figures running on from a sentence that named its source
            source, source_text = carried[1], carried[2]
        if source is not None or source_text:
            attributed.add(sent_no)
        carried_now = False
        i = sent.start
        while i < sent.end:
            tok = ctx.doc[i]
            value = lo = hi = None
            approx: str | None = None
            first, last = tok, tok
            # only a phrase's first word (or the sentence's last token, whose "phrase" is the token) can
            # begin one of several words: no joins for the other tokens
            phrase3 = phrase2 = ""
            if tok.lower_ in starts or i + 1 == sent.end:
                phrase3 = " ".join(t.lower_ for t in ctx.doc[i:min(i + 3, sent.end)])
                phrase2 = " ".join(t.lower_ for t in ctx.doc[i:min(i + 2, sent.end)])
            if phrase3 in words:
                value, lo, hi, approx = words[phrase3]
                last = ctx.doc[i + 2]
            elif phrase2 in words:
                value, lo, hi, approx = words[phrase2]
                last = ctx.doc[i + 1]
            elif tok.lower_ in words and not (tok.lower_ == "one" and tok.dep_ != "nummod"):
                value, lo, hi, approx = words[tok.lower_]
            elif tok.like_num and any(c.isdigit() for c in tok.text):
                if m := _RANGE.match(tok.text):
                    lo, hi = _number(m[1]), _number(m[2])
                elif (i + 2 < sent.end and ctx.doc[i + 1].text in ("-", "–")
                      and ctx.doc[i + 2].like_num):
                    lo, hi = _number(tok.text), _number(ctx.doc[i + 2].text)
                    last = ctx.doc[i + 2]
                else:
                    value = _number(tok.text)
            if (value is None and lo is None) or tok.ent_type_ in _NOT_COUNTS or tok.i in taken or any(
                    s <= tok.idx < e for s, e in date_chars):
                i += 1
                continue
            if tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].text == ":":
                i += 1
                continue
            taken.update(range(first.i, last.i + 1))
            anchor = last
            noun = _counted_noun(anchor)
            qual, bound = _qualifier(ctx.doc, first.i)
            if qual and bound == "min" and value is not None:
                lo, value = value, None
            elif qual and bound == "max" and value is not None:
                hi, value = value, None
            approximation = qual or approx
            evidence = ctx.sent_span(sent_no)
            local = f"cnt-{tok.idx}"
            nxt = ctx.doc[last.i + 1] if last.i + 1 < sent.end else None
            if nxt is not None and nxt.lower_ in units:
                counts.extend(_prices(ctx, sent_no, tok, last, nxt, value, lo, hi, evidence, events,
                                      source, source_text))
                i = last.i + 1
                continue
            category = _category(ctx, anchor, noun)
            if category is None:
                i = last.i + 1
                continue
            group = ctx.mention_at(noun, (GROUP, ORGANIZATION)) if noun is not None else None
            own, own_text = _reporter_of(ctx, tok)
            if own is None and own_text is None:
                own, own_text = _clause_source(ctx, tok, found[sent_no]) or (None, None)
            if own is None and own_text is None:
                own, own_text = source, source_text
            carried_now = True
            counts.append(CountRecord(
                local_id=local, category=category, evidence=evidence, value=value, min_value=lo, max_value=hi,
                approximation=approximation, group_text=phrase_text(noun) if noun is not None else None,
                group=group, event=event_for_count(events, sent_no, tok.idx, category), source=own,
                source_text=own_text,
                confidence=0.8 if value is not None or lo is not None else 0.6))
            i = last.i + 1
        if carried_now and (source is not None or source_text):
            carried = (sent_no, source, source_text)
    _attribute_from_after(ctx, counts, attributed, found)
    return counts


#: How many sentences a closing "..., according to X" may reach back over.
_REACH_BACK = 2


def _attribute_from_after(ctx: Context, counts: list[CountRecord], attributed: set[int],
                          found: list[list[_Attribution]]) -> None:
    """"Four people were killed. Shops burned, according to the agency.": figures left without a source
    take the closing attribution of one of the next sentences of their paragraph, unless a sentence in
    between names a source of its own."""
    for count in counts:
        if count.source is not None or count.source_text:
            continue
        here = count.evidence.sentence
        for later in range(here + 1, min(here + 1 + _REACH_BACK, len(ctx.sents))):
            if later in ctx.repeats or not ctx.same_paragraph(here, later):
                break
            source, source_text = _trailing_source(ctx, later, found[later])
            if source is not None or source_text:
                count.source, count.source_text = source, source_text
                break
            if later in attributed:
                break


def _prices(ctx: Context, sent_no: int, tok: Token, last: Token, unit_tok: Token, value, lo, hi, evidence,
            events, source, source_text) -> list[CountRecord]:
    """"from 3 to 6 soles per kilo": the price before and after; "up to 2 soles": a demanded price."""
    sent = ctx.sents[sent_no]
    unit_end = unit_tok.i + 1
    if unit_end + 1 < sent.end and ctx.doc[unit_end].lower_ == "per":
        unit_end += 2
    unit = ctx.doc[unit_tok.i:unit_end].text
    event = event_near(events, sent_no, tok.idx)
    before = ctx.doc[max(sent.start, tok.i - 4):tok.i]
    words = [t.lower_ for t in before]
    common = dict(evidence=evidence, unit=unit, event=event, source=source, source_text=source_text,
                  group_text=None, confidence=0.75)
    if "to" in words and "from" in words:
        j = [t for t in before if t.like_num]
        if j:
            return [CountRecord(local_id=f"cnt-{j[-1].idx}", category="price before", value=_number(j[-1].text),
                                **common),
                    CountRecord(local_id=f"cnt-{tok.idx}", category="price after", value=value, **common)]
    if not _demanded(ctx, tok):
        return [CountRecord(local_id=f"cnt-{tok.idx}", category="price", value=value, min_value=lo, max_value=hi,
                            **common)]
    # the price a demand names is the level asked for ("return the prices up to 2 soles" asks for 2),
    # a count of the price change it answers
    common["event"] = _price_change_before(ctx, events, sent_no) or event
    level = value if value is not None else (hi if lo is None else None)
    return [CountRecord(local_id=f"cnt-{tok.idx}", category="price demanded", value=level, min_value=lo,
                        max_value=hi, **common)]


#: The event class whose counts are prices (a demanded price belongs to the change it answers).
PRICE_CHANGE = "PriceChange"


def _demanded(ctx: Context, num: Token) -> bool:
    """Whether a figure is what someone demands: a demand word (``count_demand_words.tsv``) governs it,
    or a demand noun ("their demand was ...") stands in its sentence."""
    words = lexicon.mapping("count_demand_words.tsv")
    cur = num
    # up the tree, but not out of a clause put before its verb ("Bread costs 2 soles, the baker demands ...")
    while cur.head.i != cur.i and not (cur.dep_ in ("ccomp", "parataxis") and cur.head.i > cur.i):
        cur = cur.head
        if cur.lower_ in words:
            return True
    return any(words.get(t.lower_) == "noun" and t.pos_ == "NOUN" for t in num.sent)


def _price_change_before(ctx: Context, events: list[EventRecord], sent_no: int) -> str | None:
    """The latest price change told in this sentence or the two before it, in the same paragraph."""
    changes = [ev for ev in events if PRICE_CHANGE in (ev.event_class, *ev.also_classes)
               and 0 <= sent_no - ev.evidence.sentence <= 2 and ctx.same_paragraph(ev.evidence.sentence, sent_no)]
    return max(changes, key=lambda ev: (ev.evidence.sentence, ev.trigger.start)).local_id if changes else None
