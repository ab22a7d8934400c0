"""Posts and tenures (kg.extract.offices) with the real model, on text about other crises."""

from __future__ import annotations

import pytest

from tests.test_events import event_of, record_of


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def tenures(rec):
    return [(t.holder_text, t.title, t.acting) for t in rec.tenures]


def test_title_before_name_with_country(nlp):
    rec = record_of(nlp, "Prime Minister of Armenia Nikol Pashinyan arrived in Moscow.")
    t = rec.tenures[0]
    assert (t.holder_text, t.title) == ("Nikol Pashinyan", "prime minister")
    assert t.post_in is not None and t.post_in.name == "Armenia"


def test_acting_tenure_starts_with_the_resignation(nlp):
    rec = record_of(nlp, "The government of Peru resigned on Monday. Vice-President Dina Boluarte will temporarily "
                         "act as president.", date="2022-12-08")
    acting = [t for t in rec.tenures if t.acting]
    assert [(t.holder_text, t.title) for t in acting] == [("Dina Boluarte", "president")]
    resignation = event_of(rec, "Resignation")
    assert acting[0].started_by == resignation.local_id


def test_resignation_from_a_post_ends_the_tenure_and_the_successor_starts(nlp):
    rec = record_of(nlp, "The president announced the resignation of Viktor Yanukovych from the post of head of the "
                         "National Security Council. This position was taken by Mykola Azarov himself.")
    ended = [t for t in rec.tenures if t.ended_by]
    started = [t for t in rec.tenures if t.started_by]
    assert [(t.holder_text, t.title) for t in ended] == [("Viktor Yanukovych", "chair")]
    assert [(t.holder_text, t.title) for t in started] == [("Mykola Azarov", "chair")]
    assert ended[0].ended_by == started[0].started_by


def test_title_of_another_title_is_not_the_holders(nlp):
    rec = record_of(nlp, "The crowd will disperse, said the press secretary of the Russian President Dmitry Peskov.")
    assert ("Dmitry Peskov", "president", False) not in tenures(rec)
    assert ("Dmitry Peskov", "press secretary", False) in tenures(rec)


def test_former_titles_give_no_tenure(nlp):
    rec = record_of(nlp, "Former President Lenin Moreno left the country.")
    assert rec.tenures == []


def test_cabinet_of_a_person_is_headed_by_that_person(nlp):
    rec = record_of(nlp, "Crowds cheered the resignation of the Cabinet of Ministers of Ranil Wickremesinghe on "
                         "Monday night.")
    resignation = event_of(rec, "Resignation")
    assert [(t.holder_text, t.title, t.ended_by) for t in rec.tenures] == [
        ("Ranil Wickremesinghe", "prime minister", resignation.local_id)]


def test_a_persons_new_government_starts_with_its_appointment(nlp):
    rec = record_of(nlp, "Gotabaya Rajapaksa dismissed the cabinet. Ranil Wickremesinghe's new government was "
                         "sworn in on Friday.")
    sworn = event_of(rec, "Appointment")
    assert [(t.holder_text, t.title, t.started_by, t.ended_by) for t in rec.tenures] == [
        ("Ranil Wickremesinghe", "prime minister", sworn.local_id, None)]


def test_a_presidents_government_gives_him_no_cabinet_post(nlp):
    rec = record_of(nlp, "President Pedro Castillo spoke on television. Pedro Castillo's cabinet resigned on Monday.")
    assert tenures(rec) == [("Pedro Castillo", "president", False)]


def test_government_of_a_country_has_no_named_head(nlp):
    rec = record_of(nlp, "The government of Sri Lanka resigned on Monday.")
    assert rec.tenures == []
