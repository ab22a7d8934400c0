"""Quotes: what a speaker said, as the text gives it (used by :mod:`kg.extract.statements` for each reporting verb).

* :func:`complement`: the characters of what a reporting verb says (its clause, infinitive or object);
* :func:`quote_of`: the words of the quote: a quote the speaker's "he said" interrupts, whole; the quoted words
  right before the speaker; the quoted words that make up the complement, else the complement;
* :func:`said_before`: what "this" of "This was announced by X" stands for;
* :func:`quoted_passages`: the quoted passages of a text, marks paired in order.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from spacy.tokens import Token

from kg.extract.context import Context
from kg.extract.scenes import DATELINE

#: A quote mark: a straight double quote, or the doubled backquote and apostrophe some wires use (``...'').
QUOTE_MARK = re.compile(r'"|``|\'\'')
#: Least share of a verb's complement that quoted words must cover to be given as the quote.
QUOTE_SHARE = 0.8
#: Address verbs whose object is whom they address ("told reporters that ...", "asked residents to ...").
OBJECT_ADDRESSEE = frozenset({"addressed", "told", "urged", "asked", "asks", "called"})


def quoted_passages(text: str) -> list[tuple[int, int]]:
    """Offsets of the quoted passages of at least 8 characters; quote marks pair in order (1st with 2nd, 3rd
    with 4th), so the text between a closing and the next opening mark is never a quote.

    >>> t = 'He promised a "harsh" response: "We will act as hard as possible," he said.'
    >>> [t[a:b] for a, b in quoted_passages(t)]
    ['We will act as hard as possible,']
    """
    marks = [(m.start(), m.end()) for m in QUOTE_MARK.finditer(text)]
    pairs = [(marks[i][1], marks[i + 1][0]) for i in range(0, len(marks) - 1, 2)]
    return [(a, b) for a, b in pairs if len(text[a:b].strip()) >= 8]


#: Marks that set a speaker's "he said" off inside a quote ('"A - he said - B"', '"A, he said, B"').
_ASIDE_MARKS = ("-", "\u2013", "\u2014", ",")


def interrupted_quote(ctx: Context, verb: Token) -> str | None:
    """'"Do not give in - he said - do not listen to them. It is a crime"': the words of the quote the speaker's
    "he said" interrupts, on both sides of it and across the sentences of the paragraph up to the closing mark,
    joined by a dash; ``None`` when the verb stands inside no quote or is not set off by dashes or commas."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.i > verb.i:
        return None
    start = ctx.paragraph_start(verb.idx)
    end = ctx.text.find("\n", verb.idx)
    end = len(ctx.text) if end < 0 else end
    marks = [m for m in QUOTE_MARK.finditer(ctx.text, start, end)]
    pairs = [(marks[i].end(), marks[i + 1].start()) for i in range(0, len(marks) - 1, 2)]
    inside = [(a, b) for a, b in pairs if a < verb.idx < b]
    if not inside:
        return None
    a, b = inside[0]
    left, right = subject.left_edge.idx, verb.idx + len(verb.text)
    before, after = ctx.text[a:left].rstrip(), ctx.text[right:b].lstrip()
    if not (before.endswith(_ASIDE_MARKS) and after.startswith(_ASIDE_MARKS)):
        return None
    first, second = before.rstrip("".join(_ASIDE_MARKS) + " "), after.lstrip("".join(_ASIDE_MARKS) + " ")
    if not first or not second:
        return None
    return " ".join(f"{first} \u2013 {second}".split()).rstrip(" ,")


def complement(verb: Token) -> tuple[int, int] | None:
    """Characters of what a reporting verb says: its clause ("said that X"), infinitive ("promised to X")
    or noun object ("announced a curfew"); for "called X Y" (naming), X and Y."""
    kids = list(verb.children)
    named = [c for c in kids if c.dep_ == "oprd"]
    objects = [c for c in kids if c.dep_ == "dobj"]
    first, last = (objects[0].left_edge, named[0].right_edge) if named and objects else (None, None)
    for child in kids:
        said = child.dep_ in ("ccomp", "xcomp") or (child.dep_ == "dobj" and child.pos_ == "NOUN"
                                                      and verb.lower_ not in OBJECT_ADDRESSEE)
        if first is None and said:
            first, last = child.left_edge, child.right_edge
    return (first.idx, last.idx + len(last)) if first is not None else None


def said_before(ctx: Context, verb: Token, sent_no: int, reporting: Collection[str]) -> tuple[int, int] | None:
    """"This was announced by the press secretary": what "this" stands for, the sentence before in the same
    paragraph (its characters), or what that sentence reports with a verb of ``reporting`` ("the media report
    that X": X); ``None`` for any other subject."""
    if sent_no == 0 or not any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("this", "that") and c.tag_ == "DT"
                               and not list(c.children) for c in verb.children):
        return None
    before = ctx.sents[sent_no - 1]
    if ctx.line_break_between(before.start_char, verb.idx):
        return None
    # "X reports that Y. This was announced by Z": Z announced Y
    told = [c for c in before.root.children if c.dep_ == "ccomp"] if before.root.lower_ in reporting else []
    if told:
        return told[0].left_edge.idx, told[0].right_edge.idx + len(told[0].right_edge.text)
    return before.start_char, before.end_char

def quote_of(ctx: Context, verb: Token, sent_no: int, span: tuple[int, int] | None) -> str | None:
    """What the speaker said: the words of a quote the speaker's "he said" interrupts; the quoted words right
    before the speaker ('"...," he told X'); the quoted words that make up the verb's complement (``span``, its
    characters: :func:`complement`), else the complement itself (a quoted word inside it, "what he called a 'threat'",
    is not the statement), else the quoted words of the sentence, else the clause before "..., said X"."""
    if (interrupted := interrupted_quote(ctx, verb)) is not None:
        return interrupted
    sent = ctx.sents[sent_no]
    quoted = [(sent.start_char + a, sent.start_char + b) for a, b in quoted_passages(sent.text)]
    # '"...," he told X': the quoted words that close right before the speaker, whatever the parse hangs on the verb
    subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
    if subject is not None:
        closing = [(a, b) for a, b in quoted if b <= subject.left_edge.idx
                   and not ctx.text[b:subject.left_edge.idx].strip(" ,.;:\"'`\u2013\u2014-")]
        # ... when the quote opens its sentence or follows a colon (not "... and other 'restrictions', he said")
        before = ctx.text[sent.start_char:closing[-1][0]].rstrip("\"'` ") if closing else ""
        if closing and (not before or before.endswith(":")):
            return ctx.text[closing[-1][0]:closing[-1][1]].strip(" ,")
    if span is not None:
        begin, end = span
        inside = [(a, b) for a, b in quoted if a < end and b > begin]
        if inside and sum(b - a for a, b in inside) >= QUOTE_SHARE * (end - begin):
            return " ".join(ctx.text[a:b].strip() for a, b in inside)
        text = _own_line(ctx, begin, end, verb).strip(" ,.")
        if len(text) > 6:
            return text
    if quoted:
        return " ".join(ctx.text[a:b].strip() for a, b in quoted)
    # "<clause>, said X": the clause before the verb, from its line's start, without a dateline
    if verb.dep_ == "ROOT" and verb.i > sent.start + 3 and ctx.doc[verb.i - 1].is_punct:
        return _own_line(ctx, sent.start_char, ctx.doc[verb.i - 1].idx, verb).strip(" ,.\"") or None
    return None


def _own_line(ctx: Context, begin: int, end: int, verb: Token) -> str:
    """The text from ``begin`` to ``end`` that stands on the verb's line, without a dateline ("Headline\nCITY - X
    has been tapped, an official said": "X has been tapped")."""
    if begin < verb.idx:
        begin = max(begin, ctx.text.rfind("\n", begin, verb.idx) + 1)
    text = ctx.text[begin:end]
    return text[found.end():] if (found := DATELINE.match(text)) else text
