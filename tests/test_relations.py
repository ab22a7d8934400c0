"""Links between the events of one article (kg.extract.relations): part of a scene, caused by a vacancy, and the
phrase links for events of every class; with the real model on invented sentences (issue 17)."""

from __future__ import annotations

import pytest

from kg.extract.nlp import make_nlp
from tests.test_clauses import events_of


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def by_class(events):
    return {e.event_class: e for e in events}


def test_an_event_while_a_protest_is_part_of_it(nlp):
    evs = by_class(events_of(nlp, "At least 20 people were arrested in Nairobi on Sunday while protesting the tax."))
    assert evs["Arrest"].sub_event_of == evs["Demonstration"].local_id


def test_an_agreement_signed_at_a_summit_is_part_of_it(nlp):
    evs = by_class(events_of(nlp, "The ministers signed a trade agreement at the summit in Lima on Friday."))
    assert evs["Agreement"].sub_event_of == evs["Meeting"].local_id


def test_a_noun_deep_in_its_clause_is_no_part_of_a_scene(nlp):
    evs = events_of(nlp, "There were reminders of the election while Democrats met in the Capitol.")
    assert all(e.sub_event_of is None for e in evs)


def test_a_post_filled_after_a_death_is_caused_by_it(nlp):
    evs = by_class(events_of(nlp, "After the president's death on Monday, the speaker Omar Said was sworn in as "
                                  "interim leader."))
    assert evs["Appointment"].caused_by == [evs["Death"].local_id]


def test_a_successor_is_caused_by_the_resignation_of_whom_he_replaces(nlp):
    evs = by_class(events_of(nlp, "Mark Ode will replace Tom Ridd, who announced on Tuesday that he is stepping "
                                  "down as interior minister."))
    assert evs["Appointment"].caused_by == [evs["Resignation"].local_id]


def test_no_vacancy_no_cause(nlp):
    evs = by_class(events_of(nlp, "The council appointed Omar Said as mayor on Monday. The former mayor died in 1990."))
    assert evs["Appointment"].caused_by == []


def test_the_phrase_links_hold_for_every_class(nlp):
    evs = by_class(events_of(nlp, "Soldiers clashed with rebels in Gao amid the withdrawal of the French troops."))
    assert evs["Clash"].responds_to == [evs["Withdrawal"].local_id]
