"""Honorific titles: a parsed article in, :class:`~kg.records.HonorificRecord` records out.

A title of honour is not a post (nobody is appointed "father of the nation"), so it gives no tenure; the person
bears it (``ng:honorificTitle``). Read from:

* a quoted name-like phrase between a determiner and a person's name: 'the "father of the nation" Jane Doe';
* a person "known as", "dubbed", "nicknamed", "styled" or "hailed as" a quoted phrase: 'Doe, known as "the Iron
  Lady"'.

The phrase must be a short noun phrase (two to six words, no verb, no sentence punctuation), so that a quote that
ends right before a name ('"We will win," Jane Doe said') is not taken for a title.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Token

from kg.extract.context import Context
from kg.records import PERSON, HonorificRecord, Mention

#: Verbs (and participles) after which a quoted phrase is the name someone goes by.
_CALLED = frozenset({"known", "dubbed", "nicknamed", "styled", "hailed", "called", "titled"})
_QUOTE = re.compile(r'["“]([^"”\n]{3,60})["”]')
_MAX_WORDS = 6


def _title_like(ctx: Context, start: int, end: int) -> bool:
    """Whether the text from ``start`` to ``end`` (characters) is a short noun phrase: 2 to 6 words, no verb, no
    sentence punctuation."""
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not 2 <= len([t for t in span if not t.is_punct]) <= _MAX_WORDS:
        return False
    return not any(t.pos_ in ("VERB", "AUX", "PRON") or t.text in (",", ".", "!", "?", ";", ":") for t in span)


def _person_at(ctx: Context, token: Token) -> Mention | None:
    mention = ctx.mention_at(token, (PERSON,))
    return mention if mention is not None and mention.component != "title_rule" else None


def extract_honorifics(ctx: Context) -> list[HonorificRecord]:
    """Every honorific title the article gives a named person, in text order."""
    out: list[HonorificRecord] = []
    doc = ctx.doc
    starts = [t.idx for t in doc]
    for found in _QUOTE.finditer(ctx.text):
        start, end = found.span(1)
        if not _title_like(ctx, start, end):
            continue
        after = bisect.bisect_left(starts, found.end())
        before = bisect.bisect_left(starts, found.start()) - 1
        holder = None
        # 'the "father of the nation" Jane Doe': a determiner (or a possessive) before the quote, the name after it
        opened = before - 1 if before >= 0 and doc[before].text in ('"', "“") else before
        named_after = opened >= 0 and doc[opened].lower_ in ("the", "a", "an", "'s", "’s")
        if named_after and after < len(doc) and doc[after].idx - found.end() <= 1:
            holder = _person_at(ctx, doc[after])
        # 'Doe, known as "the Iron Lady"': whom the participle names
        j = before
        while j >= 0 and doc[j].lower_ in ("as", "the", "a"):
            j -= 1
        if holder is None and j >= 0 and doc[j].lower_ in _CALLED:
            holder = _named_by(ctx, doc[j])
        if holder is None:
            continue
        sent_no = ctx.sent_no(doc[bisect.bisect_left(starts, holder.span.start)])
        if sent_no in ctx.repeats:
            continue
        title = re.sub(r"^(?:the|a|an)\s+", "", " ".join(found.group(1).split()), flags=re.I)
        out.append(HonorificRecord(holder=holder, title=title, evidence=ctx.sent_span(sent_no)))
    return out


def _named_by(ctx: Context, verb: Token) -> Mention | None:
    """Whom "known as", "dubbed" names: the noun the participle hangs on, else the verb's (passive) subject."""
    if verb.dep_ in ("acl", "amod", "appos") and (found := _person_at(ctx, verb.head)) is not None:
        return found
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and (found := _person_at(ctx, child)) is not None:
            return found
    return None
