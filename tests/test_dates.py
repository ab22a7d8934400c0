"""Dates as written (kg.extract.dates) and as resolved against the article (kg.resolve.dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.dates import find_clock_range, find_dates, sentence_dates
from kg.resolve.dates import resolve_date

ANCHOR = dt.date(2022, 1, 5)  # a Wednesday


@pytest.mark.parametrize(("text", "start", "end"), [
    ("It will operate in these regions from January 5-19.", "2022-01-05", "2022-01-19"),
    ("in force from 5 to 19 January", "2022-01-05", "2022-01-19"),
    ("declared from January 5 to 19.", "2022-01-05", "2022-01-19"),
    ("a state of emergency until January 19", None, "2022-01-19"),
    ("On January 2, protests began", "2022-01-02", None),
    ("on the night of January 5, cars were burned", "2022-01-05", None),
    ("on Tuesday evening", "2022-01-04", None),
    ("on Wednesday", "2022-01-05", None),
    ("yesterday", "2022-01-04", None),
    ("today the president decided", "2022-01-05", None),
    ("Posted 5 января 2022, 10:42", "2022-01-05", None),
    ("March 3, 2021", "2021-03-03", None),
])
def test_resolved(text, start, end):
    refs = find_dates(text)
    assert len(refs) == 1, refs
    resolved = resolve_date(refs[0], ANCHOR, 2022)
    assert (resolved.start, resolved.end) == (start, end)
    assert resolved.written.span.text in text


def test_weekday_next_to_a_date_only_names_it():
    refs = find_dates("Tokayev on Wednesday morning, January 5, signed a decree")
    assert [(r.kind, r.day, r.weekday, r.part) for r in refs] == [("absolute", 5, 2, "morning")]


def test_same_day_takes_the_previous_date():
    ref = find_dates("On the same day, a curfew was declared")[0]
    assert resolve_date(ref, ANCHOR, 2022, previous=dt.date(2022, 1, 3)).start == "2022-01-03"


def test_no_anchor_leaves_relative_dates_unresolved():
    assert resolve_date(find_dates("on Friday")[0], None, 2022).start is None


def test_no_year_leaves_the_date_unresolved():
    ref = find_dates("on January 2")[0]
    assert resolve_date(ref, None, None).start is None and (ref.month, ref.day) == (1, 2)


@pytest.mark.parametrize(("text", "times"), [
    ("a curfew from 23:00 to 07:00", ("23:00", "07:00")),
    ("the curfew from 11 pm to 7 am", ("23:00", "07:00")),
    ("from 9 a.m. to 5 p.m.", ("09:00", "17:00")),
])
def test_clock_ranges(text, times):
    assert find_clock_range(text)[:2] == times


def test_day_ranges_are_not_clock_times():
    assert find_clock_range("from 5 to 19 January") is None
    assert find_dates("curfew from 23:00 to 07:00")[0].time_start == "23:00"


def test_offsets_count_from_base():
    text = "Protests began on January 2."
    ref = find_dates(text, "a1", base=100, sentence=3)[0]
    assert (ref.span.start, ref.span.end, ref.span.sentence) == (100 + text.index("January"), 100 + len(text) - 1, 3)


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


@pytest.mark.parametrize(("text", "written"), [
    # an invented outlet: the model tags its "Today" as a date, the title-case name says otherwise
    ("Lanka Today reported that protesters stormed the ministry in Colombo.", []),
    ("Lanka Today reported on Monday that protesters stormed the ministry in Colombo.", ["Monday"]),
    ("According to Lanka Today, the police fired tear gas at the protesters today.", ["today"]),
    ("Today the president decided to lift the curfew.", ["Today"]),
])
def test_a_date_word_inside_a_name_is_not_a_date(nlp, text, written):
    doc = nlp(text)
    found = [d.span.text for i, sent in enumerate(doc.sents) for d in sentence_dates(sent, "a", i)]
    assert found == written


def test_an_outlets_today_does_not_date_the_article_s_events(nlp):
    from kg.extract import extract
    from kg.ingest.readers import content_hash, normalise
    from kg.records import Article

    text = normalise("Lanka Today reports that protesters stormed the ministry in Colombo.")
    record = extract(Article(id=content_hash(text), source="t.txt", text=text, date="2022-07-09"), nlp(text))
    assert record.dates == []
    assert [e.date for e in record.events if e.event_class == "AttackOnProperty"] == [None]
