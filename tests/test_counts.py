"""Reported counts (kg.extract.counts) with the real model: category, bounds, source, repeats."""

from __future__ import annotations

import pytest

from tests.test_events import event_of, record_of


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def counts(rec):
    return [(c.category, c.value, c.min_value, c.max_value, c.approximation) for c in rec.counts]


def test_qualifiers_give_bounds(nlp):
    rec = record_of(nlp, "At least 84 people were injured in the clashes. More than 200 protesters were arrested. "
                         "About 2,000 people took part in a rally.")
    assert counts(rec) == [("injured", None, 84, None, "at least"), ("arrested", None, 200, None, "more than"),
                           ("participants", 2000, None, None, "about")]


def test_source_according_to_and_reporting_subject(nlp):
    rec = record_of(nlp, "According to the police, 12 protesters were arrested. The Interior Ministry said "
                         "7 people were killed.")
    sources = [(c.category, c.source.name if c.source else c.source_text) for c in rec.counts]
    assert sources == [("arrested", "police"), ("killed", "Interior Ministry")]


def test_prices_before_and_after(nlp):
    rec = record_of(nlp, "The protests began after the price of petrol rose from 338 to 470 rupees per litre.")
    assert [(c.category, c.value, c.unit) for c in rec.counts] == [
        ("price before", 338, "rupees per litre"), ("price after", 470, "rupees per litre")]


def test_dates_and_times_are_not_counts(nlp):
    rec = record_of(nlp, "On January 5, a curfew from 23:00 to 07:00 was declared under Article 70.")
    assert rec.counts == []


def test_repeated_sentence_is_counted_once(nlp):
    sentence = "During the riots, more than 500 civilians were beaten. "
    rec = record_of(nlp, sentence + "Calm returned. " + sentence)
    assert counts(rec) == [("beaten", None, 500, None, "more than")]


def sources(rec):
    return [(c.category, c.value, c.source.name if c.source else c.source_text) for c in rec.counts]


SOURCE_CASES = {
    "a closing attribution covers the figures just before it": (
        "Six people were killed and 40 were injured in Dhaka on Sunday. Protesters set fire to buses and shops, "
        "according to local media. Police said 30 people were arrested.",
        [("killed", 6, "local media"), ("injured", 40, "local media"), ("arrested", 30, "police")]),
    "a closing attribution stays in its paragraph": (
        "Six people were killed in Dhaka.\n\nProtesters set fire to buses, according to local media.",
        [("killed", 6, None)]),
    "each clause keeps its own source": (
        "According to the Red Cross, 300 people were injured in the riots, the Interior Ministry reports the "
        "deaths of 12 police officers.",
        [("injured", 300, "Red Cross"), ("killed", 12, "Interior Ministry")]),
    "two attributions in a sentence each cover their clause": (
        "Police arrested 30 people, according to the Interior Ministry, and five protesters were killed, "
        "according to hospital officials.",
        [("arrested", 30, "Interior Ministry"), ("killed", 5, "hospital officials")]),
    "per X figures names X, per litre names nobody": (
        "Fuel costs 3 soles per litre, and 20 people were arrested. Per government figures, 12 people died.",
        [("price", 3, None), ("arrested", 20, None), ("killed", 12, "government")]),
}


@pytest.mark.parametrize("case", SOURCE_CASES)
def test_sources_of_figures(nlp, case):
    text, expected = SOURCE_CASES[case]
    assert sources(record_of(nlp, text)) == expected


def test_demanded_price_is_a_count_of_the_price_change(nlp):
    rec = record_of(nlp, "Protests broke out over a price hike of bread from 10 to 20 pesos per loaf. "
                         "The demonstrators demanded to bring the price back to 12 pesos.")
    change = event_of(rec, "PriceChange")
    assert [(c.category, c.value, c.unit, c.event) for c in rec.counts] == [
        ("price before", 10, "pesos per loaf", change.local_id), ("price after", 20, "pesos per loaf", change.local_id),
        ("price demanded", 12, "pesos", change.local_id)]


def test_a_price_nobody_asks_for_is_not_demanded(nlp):
    rec = record_of(nlp, "Bread now costs 20 pesos per loaf, the baker demands nothing.")
    assert [(c.category, c.value) for c in rec.counts] == [("price", 20)]


def durations(rec):
    by_id = {e.local_id: e for e in rec.events}
    return [(c.value, c.unit, by_id[c.event].event_class) for c in rec.counts if c.category == "duration"]


def test_how_long_an_event_lasted_is_a_number_on_it(nlp):
    rec = record_of(nlp, "The president arrived in Lima for a three-day state visit. The talks, which went on for "
                         "14 hours, ended on Friday. Dock workers began a 48-hour general strike.")
    assert sorted(durations(rec)) == [(3, "days", "Meeting"), (14, "hours", "Meeting"), (48, "hours",
                                                                                        "Demonstration")]


def test_a_length_of_no_event_is_no_duration(nlp):
    rec = record_of(nlp, "Mr Tanaka is in Chile for four days. A 1962 law bans masks.")
    assert durations(rec) == []


def test_the_force_that_carried_out_raids_counts_for_them(nlp):
    rec = record_of(nlp, "Twelve suspected smugglers were detained in raids on Friday in the port of Tema. The raids, "
                         "carried out by 200 soldiers, lasted all day.")
    forces = [c for c in rec.counts if c.category == "forces"]
    assert [c.value for c in forces] == [200]
    assert event_of(rec, "Arrest").local_id == forces[0].event
