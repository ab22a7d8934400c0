"""Dates and periods as written ("on Wednesday", "January 5-19", "from 23:00 to 07:00"): text in,
:class:`~kg.records.DateRef` records out.

:func:`find_dates` reads the surface forms of an article's text into :class:`~kg.records.DateRef` records.
Turning them into ISO dates is the resolve stage's (:mod:`kg.resolve.dates`), because the year of an article
may only be known from the corpus.
"""

from __future__ import annotations

import logging
import re

from kg.extract.doc_views import span_text
from kg.records import ORGANIZATION, DateRef, Mention, Span

logger = logging.getLogger(__name__)

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # Russian genitive month names, as left untranslated in machine-translated articles.
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
    "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
RELATIVE = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "the day before": -1}
PARTS = ("night", "morning", "evening", "afternoon")
#: spaCy labels of names: a date word inside such a span ("Russia Today", "The Sunday Times") is part of the name.
NAME_LABELS = frozenset({"ORG", "WORK_OF_ART", "PRODUCT"})

_MONTH = "(?P<{n}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?P<{n}>(?:19|20)\d\d))?"
_DASH = r"\s*(?:-|–|—|to|until|till|through)\s*"


def _p(template: str, **names: str) -> str:
    return template.format(**names)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # from 5 to 19 January / 5-19 January 2022
    ("range_dm", re.compile(
        r"(?:from\s+)?" + _p(_DAY, n="d1") + _DASH + _p(_DAY, n="d2") + r"\s+" + _p(_MONTH, n="m1")
        + _p(_YEAR, n="y1"), re.I)),
    # from January 5 to 19 / January 5-19 / from January 5 to January 19
    ("range_md", re.compile(
        r"(?:from\s+)?" + _p(_MONTH, n="m1") + r"\s+" + _p(_DAY, n="d1") + _DASH
        + r"(?:" + _p(_MONTH, n="m2") + r"\s+)?" + _p(_DAY, n="d2") + r"\b" + _p(_YEAR, n="y1"), re.I)),
    # January 5, 2022 / January 5
    ("md", re.compile(_p(_MONTH, n="m1") + r"\s+" + _p(_DAY, n="d1") + r"\b(?!:)" + _p(_YEAR, n="y1"), re.I)),
    # 5 January 2022 / 5 января 2022
    ("dm", re.compile(r"\b" + _p(_DAY, n="d1") + r"\s+(?:of\s+)?" + _p(_MONTH, n="m1") + _p(_YEAR, n="y1"), re.I)),
    ("weekday", re.compile(r"\b(?P<w>" + "|".join(WEEKDAYS) + r")(?:\s+(?P<part>" + "|".join(PARTS) + r"))?\b",
                           re.I)),
    ("relative", re.compile(r"\b(?P<r>yesterday|today|tonight|tomorrow)\b", re.I)),
    ("same_day", re.compile(r"\b(?:on\s+)?the\s+same\s+day\b", re.I)),
]
_UNTIL = re.compile(r"(?:until|till|through|up\s+to)\s*$", re.I)
_NIGHT = re.compile(r"(?:on\s+)?the\s+(?P<part>night|morning|evening|afternoon)\s+of\s*$", re.I)
_CLOCK = re.compile(
    r"(?:from\s+)?(?P<h1>[0-2]?\d)(?::(?P<m1>[0-5]\d))?\s*(?P<ap1>a\.?m\.?|p\.?m\.?)?" + _DASH
    + r"(?P<h2>[0-2]?\d)(?::(?P<m2>[0-5]\d))?\s*(?P<ap2>a\.?m\.?|p\.?m\.?)?", re.I)


def _clock(hour: str, minute: str | None, ampm: str | None) -> str | None:
    h = int(hour)
    if ampm:
        ampm = ampm.lower().replace(".", "")
        if h > 12:
            return None
        h = h % 12 + (12 if ampm == "pm" else 0)
    if h > 24:
        return None
    return f"{h % 24:02d}:{int(minute or 0):02d}"


def find_clock_range(text: str) -> tuple[str, str, int, int] | None:
    """A clock-time range in ``text``: ``(start, end, begin offset, end offset)``.

    Only ranges written with a colon or am/pm count, so "5-19" is never read as a time.

    >>> find_clock_range("a curfew from 23:00 to 07:00.")[:2]
    ('23:00', '07:00')
    >>> find_clock_range("the curfew from 11 pm to 7 am")[:2]
    ('23:00', '07:00')
    >>> find_clock_range("from 5 to 19 January") is None
    True
    """
    for m in _CLOCK.finditer(text):
        if not ((m["m1"] and m["m2"]) or (m["ap1"] or m["ap2"])):
            continue
        ap1 = m["ap1"] or (m["ap2"] if not m["m1"] else None)
        start, end = _clock(m["h1"], m["m1"], ap1), _clock(m["h2"], m["m2"], m["ap2"])
        if start and end:
            return start, end, m.start(), m.end()
    return None


_DIGIT = re.compile(r"\d")
RELATIVE_WORDS = ("yesterday", "today", "tonight", "tomorrow")
#: What every month name begins with (a word that holds none of these holds no month name).
_MONTH_STEMS = tuple(sorted({m[:3] for m in MONTHS}))
#: The patterns that need a month name and a digit.
_WITH_MONTH = frozenset({"range_dm", "range_md", "md", "dm"})


def _may_hold(name: str, low: str, digit: bool) -> bool:
    """Whether the lower-case text ``low`` may hold a date of pattern ``name`` (a cheap test on the whole text
    before the pattern scans it: most sentences name no date, and a regular expression of thirty month names
    tried at every character costs more than a few substring searches)."""
    if name in _WITH_MONTH:
        return digit and any(stem in low for stem in _MONTH_STEMS)
    if name == "weekday":
        return "day" in low
    if name == "relative":
        return any(word in low for word in RELATIVE_WORDS)
    return "same" in low


def _overlaps(a: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in taken)


def find_dates(text: str, article_id: str = "", base: int = 0, sentence: int = 0) -> list[DateRef]:
    """Every date or period written in ``text``, in text order, unresolved.

    ``base`` is added to offsets (for text that is a slice of the article).

    >>> [(d.kind, d.month, d.day, d.end_day) for d in find_dates("It will operate from January 5-19.")]
    [('absolute', 1, 5, 19)]
    >>> [(d.kind, d.weekday, d.part) for d in find_dates("on Tuesday evening")]
    [('weekday', 1, 'evening')]
    >>> [(d.part, d.day) for d in find_dates("on the night of January 5, cars burned")]
    [('night', 5)]
    """
    found: list[tuple[int, int, DateRef]] = []
    taken: list[tuple[int, int]] = []
    low = text.lower()
    digit = _DIGIT.search(text) is not None
    for name, pattern in _PATTERNS:
        if not _may_hold(name, low, digit):
            continue
        for m in pattern.finditer(text):
            begin, end = m.start(), m.end()
            if _overlaps((begin, end), taken):
                continue
            groups = m.groupdict()
            ref = DateRef(span=Span(article_id, 0, 0, ""), kind="absolute")
            if name in ("range_dm", "range_md", "md", "dm"):
                ref.month = MONTHS[groups["m1"].lower().rstrip(".")]
                ref.day = int(groups["d1"])
                if not 1 <= ref.day <= 31:
                    continue
                ref.year = int(groups["y1"]) if groups.get("y1") else None
                if groups.get("d2"):
                    ref.end_day = int(groups["d2"])
                    m2 = groups.get("m2")
                    ref.end_month = MONTHS[m2.lower().rstrip(".")] if m2 else ref.month
                    ref.end_year = ref.year
                    if not 1 <= ref.end_day <= 31:
                        continue
                before = text[:begin]
                if not groups.get("d2") and (u := _UNTIL.search(before)):
                    ref.until = True
                    ref.end_month, ref.end_day, ref.end_year = ref.month, ref.day, ref.year
                    ref.month = ref.day = ref.year = None
                    begin = u.start()
                elif n := _NIGHT.search(before):
                    ref.part = n["part"].lower()
                    begin = n.start()
            elif name == "weekday":
                ref.kind = "weekday"
                ref.weekday = WEEKDAYS[groups["w"].lower()]
                ref.part = groups["part"].lower() if groups.get("part") else None
            elif name == "relative":
                ref.kind = "relative"
                ref.offset = RELATIVE[groups["r"].lower()]
                ref.part = "night" if groups["r"].lower() == "tonight" else None
            else:
                ref.kind = "same_day"
            taken.append((m.start(), m.end()))
            ref.span = Span(article_id, base + begin, base + end, text[begin:end], sentence)
            found.append((begin, end, ref))
    found.sort(key=lambda t: t[0])
    # "Wednesday morning, January 5": the weekday only names the explicit date next to it.
    result: list[DateRef] = []
    for i, (_begin, _end, ref) in enumerate(found):
        if ref.kind == "weekday" and i + 1 < len(found):
            nxt_begin, _, nxt = found[i + 1]
            if nxt.kind == "absolute" and nxt_begin - _end <= 3:
                nxt.weekday, nxt.part = ref.weekday, nxt.part or ref.part
                continue
        result.append(ref)
    clock = find_clock_range(text) if digit else None
    if clock and result:
        nearest = min(result, key=lambda r: abs(r.span.start - base - clock[2]))
        nearest.time_start, nearest.time_end = clock[0], clock[1]
    elif clock:
        ref = DateRef(span=Span(article_id, base + clock[2], base + clock[3], text[clock[2]:clock[3]], sentence),
                      kind="clock", time_start=clock[0], time_end=clock[1], precision="time")
        result.append(ref)
    return result


def name_spans(sent, mentions: list[Mention] | tuple = (), ents=None) -> list[tuple[int, int]]:
    """Character ranges (document offsets) of the names in ``sent``, a spaCy sentence: its ORG, WORK_OF_ART and
    PRODUCT entities (``ents``: its entities when the caller has them, else ``sent.ents``), the organisation
    mentions of ``mentions`` that overlap it, and a capitalised relative day word written right after a
    capitalised proper noun in mid-sentence ("Lanka Today reported", which the model may tag as a date)."""
    out = [(e.start_char, e.end_char) for e in (sent.ents if ents is None else ents) if e.label_ in NAME_LABELS]
    out += [(m.span.start, m.span.end) for m in mentions if m.kind == ORGANIZATION
            and m.span.start < sent.end_char and sent.start_char < m.span.end]
    for tok in sent[1:]:
        prev = tok.doc[tok.i - 1]
        if (tok.lower_ in RELATIVE and tok.text[0].isupper() and prev.pos_ == "PROPN" and prev.is_title
                and prev.lower_ not in WEEKDAYS and prev.lower_ not in MONTHS):
            out.append((prev.idx, tok.idx + len(tok.text)))
    return out


def sentence_dates(sent, article_id: str, sentence: int, mentions: list[Mention] | tuple = (),
                   ents=None) -> list[DateRef]:
    """The dates written in ``sent`` (a spaCy sentence) that are not part of a name (see :func:`name_spans`;
    ``ents``: the sentence's entities when the caller has them): "Russia Today reports" does not date anything
    'today'."""
    names = name_spans(sent, mentions, ents)
    return [d for d in find_dates(span_text(sent), article_id, base=sent.start_char, sentence=sentence)
            if not _overlaps((d.span.start, d.span.end), names)]
