"""Dates across the corpus: the :class:`~kg.records.DateRef` records of every article in, a
:class:`DateResolution` (each written date's :class:`~kg.records.ResolvedDate`) out.

A date is resolved against its article: relative dates ("yesterday", "on Tuesday") count from the article's
publication date, else its dateline, else the latest day it names, on the side the tense of its clause says (the
next Tuesday for a planned event); a date without a year takes the year of the article (else of most articles of
the corpus) or the year either side that puts it nearest the article's date, on that side. The extracted records
are left as they were written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from kg.records import ArticleRecord, DateRef, ResolvedDate

#: Header lines within which a dated line is the article's dateline.
DATELINE_CHARS = 300


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _nearest_year(ref: DateRef, anchor: dt.date, year: int) -> int:
    """The year of a date written without one ("Monday, January 3"): of the article's year and the years either
    side, the one whose date falls nearest the anchor, on its side when the tense says ("will meet on January 3"
    is after the anchor, "met on December 30" before it), on the written weekday when one is given.

    >>> from kg.records import Span
    >>> r = DateRef(span=Span("", 0, 0, ""), kind="absolute", month=1, day=3, weekday=0, tense="future")
    >>> _nearest_year(r, dt.date(2004, 12, 28), 2004)
    2005
    >>> r = DateRef(span=Span("", 0, 0, ""), kind="absolute", month=12, day=30)
    >>> _nearest_year(r, dt.date(2005, 1, 5), 2005)
    2004
    """
    candidates = [(y, d) for y in (year - 1, year, year + 1) if (d := _safe_date(y, ref.month, ref.day)) is not None]
    if ref.weekday is not None and any(d.weekday() == ref.weekday for _, d in candidates):
        candidates = [(y, d) for y, d in candidates if d.weekday() == ref.weekday]
    slack = dt.timedelta(days=1)
    if ref.tense == "future":
        # a period still to run ("will remain in force from April 1 to 14") may have begun already: its end counts
        last = {y: _safe_date(y + (ref.end_month < ref.month), ref.end_month, ref.end_day) if ref.end_day and
                ref.end_month else d for y, d in candidates}
        candidates = [(y, d) for y, d in candidates if (last[y] or d) >= anchor - slack] or candidates
    elif ref.tense == "past" and not ref.end_day:
        # (not a period: "declared a state of emergency from December 12 to 14" may run after the article)
        candidates = [(y, d) for y, d in candidates if d <= anchor + slack] or candidates
    return min(candidates, key=lambda yd: (abs((yd[1] - anchor).days), yd[0] != year))[0] if candidates else year


def resolve_date(ref: DateRef, anchor: dt.date | None, year: int | None,
                 previous: dt.date | None = None) -> ResolvedDate:
    """The ISO dates a written date stands for.

    Args:
        ref: the date as written.
        anchor: the article's reference date (publication date, or the latest explicit date).
        year: the year to assume when the text gives none.
        previous: the last date resolved before this one in the article ("the same day").

    >>> from kg.extract.dates import find_dates
    >>> resolve_date(find_dates("on Tuesday")[0], dt.date(2022, 1, 5), 2022).start
    '2022-01-04'
    >>> future = find_dates("on Tuesday")[0]
    >>> future.tense = "future"
    >>> resolve_date(future, dt.date(2022, 1, 5), 2022).start
    '2022-01-11'
    >>> r = resolve_date(find_dates("from 5 to 19 January")[0], None, 2022)
    >>> r.start, r.end, r.inferred_year
    ('2022-01-05', '2022-01-19', True)
    """
    if ref.kind == "absolute":
        y = ref.year or ref.end_year or year
        if y is None:
            return ResolvedDate(ref, precision=ref.precision)
        inferred = ref.year is None and ref.end_year is None
        if inferred and anchor is not None and ref.month and ref.day:
            y = _nearest_year(ref, anchor, y)
        start = end = None
        if ref.month and ref.day:
            day = _safe_date(y, ref.month, ref.day)
            start = day.isoformat() if day else None
        if ref.end_month and ref.end_day:
            # "from December 28 to January 3", the year not written: the end is in the next year
            end_year = ref.end_year or (y + 1 if inferred and ref.month and ref.end_month < ref.month else y)
            day = _safe_date(end_year, ref.end_month, ref.end_day)
            end = day.isoformat() if day else None
        return ResolvedDate(ref, start, end, "day", inferred)
    start = None
    if ref.kind == "weekday" and anchor is not None and ref.weekday is not None:
        if ref.tense == "future":  # "will meet on Thursday": the next Thursday after the article
            start = (anchor + dt.timedelta(days=(ref.weekday - anchor.weekday()) % 7 or 7)).isoformat()
        else:
            start = (anchor - dt.timedelta(days=(anchor.weekday() - ref.weekday) % 7)).isoformat()
    elif ref.kind == "relative" and anchor is not None:
        start = (anchor + dt.timedelta(days=ref.offset)).isoformat()
    elif ref.kind == "same_day" and previous is not None:
        start = previous.isoformat()
    return ResolvedDate(ref, start, precision=ref.precision)


class DateResolution:
    """Each written date of the corpus with what it resolved to.

    A :class:`~kg.records.DateRef` may be held by several records of its article (an event's date is one of the
    article's dates, or a copy of one with the hours of another); :meth:`of` gives the resolution of the very
    object a record holds.
    """

    def __init__(self) -> None:
        self._resolved: dict[int, ResolvedDate] = {}

    def add(self, resolved: ResolvedDate) -> None:
        self._resolved[id(resolved.written)] = resolved  # the ResolvedDate keeps its DateRef, so the id stays valid

    def of(self, ref: DateRef | None) -> ResolvedDate | None:
        """What ``ref`` resolved to (``None`` for no date)."""
        if ref is None:
            return None
        resolved = self._resolved.get(id(ref))
        if resolved is None or resolved.written is not ref:
            raise KeyError(f"the date {ref.span.text!r} of article {ref.span.article_id} was not resolved")
        return resolved

    def __len__(self) -> int:
        return len(self._resolved)


def _explicit_years(record: ArticleRecord) -> list[int]:
    return [y for d in record.dates for y in (d.year, d.end_year) if y]


def corpus_year(records: Iterable[ArticleRecord]) -> int | None:
    """The year most articles of the build are about (publication years first, then written years)."""
    years: Counter[int] = Counter()
    for record in records:
        if record.article.date:
            years[int(record.article.date[:4])] += 3
        years.update(set(_explicit_years(record)))
    if not years:
        return None
    return sorted(years.items(), key=lambda kv: (-kv[1], -kv[0]))[0][0]


def _all_refs(record: ArticleRecord) -> list[DateRef]:
    """Every DateRef of the record (written ones first, then copies held by events and others)."""
    refs: dict[int, DateRef] = {id(d): d for d in record.dates}
    holders = list(record.events) + list(record.tenures) + list(record.statements)
    for holder in holders:
        for name in ("date", "start"):
            ref = getattr(holder, name, None)
            if isinstance(ref, DateRef):
                refs.setdefault(id(ref), ref)
    return list(refs.values())


def article_anchor(record: ArticleRecord, year: int | None) -> dt.date | None:
    """The day an article's relative dates count from: its publication date, its dateline, or the
    latest day it names."""
    if record.article.date:
        return dt.date.fromisoformat(record.article.date)
    absolute = [d for d in record.dates if d.kind == "absolute" and d.month and d.day]
    for d in absolute:
        if d.year and d.span.start < DATELINE_CHARS:
            return dt.date(d.year, d.month, d.day)
    days = []
    for d in absolute:
        y = d.year or year
        if y:
            try:
                days.append(dt.date(y, d.month, d.day))
            except ValueError:
                continue
    return max(days) if days else None


def resolve_dates(records: list[ArticleRecord]) -> DateResolution:
    """Resolve every date of every record (year: the article's, else the corpus's), in text order within each
    article ("the same day" is the day resolved last before it)."""
    default_year = corpus_year(records)
    resolution = DateResolution()
    for record in records:
        written = _explicit_years(record)
        if record.article.date:
            year = int(record.article.date[:4])
        elif written:
            year = Counter(written).most_common(1)[0][0]
        else:
            year = default_year
        anchor = article_anchor(record, year)
        previous: dt.date | None = None
        for ref in sorted(_all_refs(record), key=lambda d: d.span.start):
            resolved = resolve_date(ref, anchor, year, previous)
            resolution.add(resolved)
            if resolved.start:
                previous = dt.date.fromisoformat(resolved.start)
    return resolution
