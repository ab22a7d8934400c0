"""One node per real event (kg.resolve.coref): coreference within and across articles, and readable labels,
with the real model on invented articles (issue 17)."""

from __future__ import annotations

import pytest

from kg.extract import extract
from kg.extract.nlp import make_nlp
from kg.ingest.readers import content_hash, normalise
from kg.records import Article
from kg.resolve.coref import corefer
from kg.resolve.dates import resolve_dates
from kg.resolve.entities import resolve


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def corpus(nlp, *texts: str, date: str = "2023-03-15"):
    records = []
    for text in texts:
        text = normalise(text)
        records.append(extract(Article(id=content_hash(text), source="t.txt", text=text, date=date), nlp(text)))
    dates = resolve_dates(records)
    resolution = resolve(records)
    merged = corefer(records, resolution, dates)
    return records, merged


def of(record, cls):
    return [e for e in record.events if e.event_class == cls]


def test_a_later_mention_in_the_article_is_the_same_event(nlp):
    (rec,), _ = corpus(nlp, "Thousands of people protested in Nairobi on Monday. The protest was peaceful, "
                            "organisers said.")
    protests = of(rec, "Demonstration")
    assert len(protests) == 2 and len({e.key for e in protests}) == 1


def test_events_in_two_places_stay_two_events(nlp):
    (rec,), _ = corpus(nlp, "Protesters rallied in Nairobi on Monday. Farmers also protested in Kampala on Monday.")
    assert len({e.key for e in of(rec, "Demonstration")}) == 2


def test_a_mention_far_away_with_its_own_place_is_another_event(nlp):
    filler = " ".join(f"Officials discussed the budget item {n} at length." for n in range(5))
    (rec,), _ = corpus(nlp, f"The ministers held talks in Addis Ababa on Monday. {filler} Talks in Bamako are planned.")
    assert len({e.key for e in of(rec, "Meeting")}) == 2


def test_the_same_event_told_by_two_articles_is_one_node(nlp):
    (a, b), merged = corpus(
        nlp, "A car bomb exploded in central Mogadishu on Monday, killing four people.",
        "Police in Mogadishu said a bomb exploded near a checkpoint on Monday.")
    assert {e.key for e in of(a, "Attack")} == {e.key for e in of(b, "Attack")}
    assert len(merged) == 1 and len({art for art, _ in merged[0]}) == 2


def test_events_of_other_days_in_two_articles_stay_apart(nlp):
    (a, b), merged = corpus(nlp, "Protesters rallied in Nairobi on Monday.",
                            "Protesters rallied in Nairobi on Tuesday.")
    assert of(a, "Demonstration")[0].key != of(b, "Demonstration")[0].key and merged == []


def test_one_status_and_one_label_per_node(nlp):
    (rec,), _ = corpus(nlp, "Bamako will hold a presidential election on Sunday. The election is the first since "
                            "the war.")
    elections = of(rec, "Election")
    assert {e.status for e in elections} == {"planned"} and len({e.label for e in elections}) == 1


def test_the_label_is_made_from_the_structure(nlp):
    (rec,), _ = corpus(nlp, "A car bombing in Mogadishu on Monday killed four people.")
    assert of(rec, "Attack")[0].label == "Car bombing in Mogadishu, 13 Mar 2023"
    (rec,), _ = corpus(nlp, "Protesters stormed the parliament building in Nairobi on Monday.")
    assert of(rec, "AttackOnProperty")[0].label == "Protesters storm the parliament building, Nairobi, 13 Mar 2023"


@pytest.mark.parametrize(("text", "cls", "label"), [
    ("Eight policemen were injured in Nairobi on Monday.", "Killing", "Casualties in Nairobi, 13 Mar 2023"),
    ("The rebels agreed on Monday to disarm.", "Withdrawal", "Disarmament by rebels, 13 Mar 2023"),
    ("A gunman opened fire on a bus in Mombasa on Monday.", "Attack", "Shooting in Mombasa, 13 Mar 2023"),
])
def test_a_label_names_a_verb_event_by_its_noun(nlp, text, cls, label):
    (rec,), _ = corpus(nlp, text)
    assert [e.label for e in of(rec, cls)] == [label]


def test_a_measure_of_a_declared_emergency_is_in_force(nlp):
    (rec,), _ = corpus(nlp, "The president declared a state of emergency in Bamako on Monday. During this period, "
                            "mass events will be prohibited in the city.")
    bans = [e for e in rec.events if e.event_class == "GovernmentAction"]
    assert bans and {e.status for e in bans} == {"occurred"} and bans[0].label.startswith("Ban")
