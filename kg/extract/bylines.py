"""Bylines: who wrote an article, for which outlet, as a tenure ("By Jane Doe (Daily Planet)": a reporter of the
Daily Planet).

A byline is "By" and a name near the top of the article (the first :data:`HEAD_CHARS` characters), followed by
the outlet in brackets ("By Jane Doe (Daily Planet)") or by the outlet's name and a journalist's title ("By JANE
DOE Associated Press Writer", "By Jane Doe, Daily Planet Correspondent"); an outlet the article names by its
initials elsewhere ("(AP)") is that organisation. The title is the journalist's word of ``kg/data/posts.tsv``
the byline writes (correspondent, reporter, editor), else "reporter"; two names joined by "and" are two tenures.
A name in capitals is written in title case ("JANE DOE": "Jane Doe").
"""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.records import ORGANIZATION, PERSON, Mention, TenureRecord

#: How far into an article a byline may stand.
HEAD_CHARS = 800
_NAME = r"[A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+){1,3}"
#: A name as short as the rest of the byline allows ("By JANE DOE Associated Press Writer": "JANE DOE").
_SHORT_NAME = r"[A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+){1,3}?"
#: "By" and one or two names, then the outlet: in brackets, or its words before a journalist's title.
BYLINE = re.compile(
    r"\bBy (?P<names>" + _SHORT_NAME + r"(?: and " + _SHORT_NAME + r")?)"
    r"(?:\s*\((?P<bracketed>[^)\n]{2,40})\)"
    r"|,?\s+(?P<outlet>(?:[A-Z][\w&.'-]*\s+){1,4}?)(?P<title>Staff Writer|Writer|Correspondent|Reporter|Editor)s?\b)")
#: A journalist's word of a byline -> its canonical title (posts.tsv's journalists; a writer is a reporter).
TITLES = {"staff writer": "reporter", "writer": "reporter", "correspondent": "correspondent", "reporter": "reporter",
          "editor": "editor"}


def _names(text: str, start: int) -> list[tuple[int, int]]:
    """The character ranges of the one or two names of a byline's name group (``text`` begins at ``start``); a
    name in capitals ends where the capitals do ("RAVI NESSMAN Associated Press")."""
    out = []
    for found in re.finditer(_NAME, text):
        words = found.group(0).split()
        if words[0].isupper():
            words = [w for w in words if w.isupper()] if all(w.isupper() for w in words[:2]) else words
        if len(words) >= 2:
            out.append((start + found.start(), start + found.start() + len(" ".join(words))))
    return out


def _by_initials(ctx: Context, name: str) -> Mention | None:
    """The organisation the article names by the initials of ``name`` ("AP" for "Associated Press"), if any."""
    initials = "".join(w[0] for w in name.split() if w[:1].isupper())
    if len(initials) < 2:
        return None
    return next((m for m in ctx.mentions if m.kind == ORGANIZATION and m.name.replace(".", "") == initials), None)


def byline_tenures(ctx: Context) -> list[TenureRecord]:
    """The tenures of the article's byline (see the module docstring); none when it has none."""
    found = BYLINE.search(ctx.text, 0, HEAD_CHARS)
    if found is None:
        return []
    outlet_text = (found.group("bracketed") or found.group("outlet") or "").strip()
    title = TITLES[found.group("title").lower()] if found.group("title") else "reporter"  # "Correspondents": each
    outlet_start = found.start("bracketed") if found.group("bracketed") else found.start("outlet")
    named = ctx.mentions_in(outlet_start, outlet_start + len(outlet_text), (ORGANIZATION,))
    outlet = named[0] if named and named[0].name == outlet_text else _by_initials(ctx, outlet_text)
    if not outlet_text[:1].isupper() or any(c.isdigit() for c in outlet_text):
        return []  # "By Monday Night (local time)"
    tenures = []
    for start, end in _names(found.group("names"), found.start("names")):
        span = ctx.doc.char_span(start, end, alignment_mode="expand")
        if span is None or any(t.ent_type_ in ("DATE", "TIME") for t in span):
            continue
        mention = next((m for m in ctx.mentions_in(start, end, (PERSON,)) if m.component != "title_rule"), None)
        if mention is None:
            name = ctx.text[start:end]
            name = name.title() if name.isupper() else name
            mention = Mention(ctx.span(start, end, ctx.sent_no(span[0])), PERSON, name, "PERSON", None, "byline", 0.6)
        sent_no = mention.span.sentence
        tenures.append(TenureRecord(holder=mention, holder_text=mention.name, title=title, post_in=outlet,
                                    post_in_text=None if outlet is not None else outlet_text,
                                    evidence=ctx.sent_span(sent_no), post_in_kind=ORGANIZATION,
                                    component="byline", confidence=0.6))
    return tenures
