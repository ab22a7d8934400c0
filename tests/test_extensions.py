"""Measures extended to the whole country (kg.extract.extensions) and the agent of a decision to send forces,
with the real model on invented articles."""

from __future__ import annotations

import pytest

from tests.test_events import event_of, record_of, start_end


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def _emergencies(rec):
    return [(e.trigger.text, [m.name for m in e.places], *start_end(rec, e))
            for e in rec.events if e.event_class == "StateOfEmergency"]


def test_a_state_of_emergency_extended_to_the_whole_country_is_in_force_in_the_country(nlp):
    rec = record_of(nlp, "Protests spread across Ecuador. A state of emergency was declared in Quito from 3 to 17 "
                         "March. Later it was extended to the whole country.", date="2022-03-03")
    emergencies = _emergencies(rec)
    assert ("state of emergency", ["Quito"], "2022-03-03", "2022-03-17") in emergencies
    assert ("extended to the whole country", ["Ecuador"], "2022-03-03", "2022-03-17") in emergencies


def test_a_placeless_state_of_emergency_extended_nationwide_takes_the_country(nlp):
    rec = record_of(nlp, "Floods hit Bolivia. On Monday the state of emergency was extended nationwide.",
                    date="2022-03-09")
    assert [places for _, places, _, _ in _emergencies(rec)] == [["Bolivia"]]


def test_protests_spreading_nationwide_extend_no_measure(nlp):
    rec = record_of(nlp, "A curfew was declared in Quito until March 17. Protests in Ecuador then expanded across "
                         "the country.", date="2022-03-03")
    curfews = [e for e in rec.events if e.event_class == "Curfew"]
    assert [[m.name for m in e.places] for e in curfews] == [["Quito"]]


def test_the_council_that_decided_to_send_forces_is_the_agent_of_the_deployment(nlp):
    rec = record_of(nlp, "The Arab League Council decided on March 3 to send to Lebanon peacekeeping forces.")
    deployment = event_of(rec, "PeacekeepingDeployment")
    assert [m.name for m in deployment.agents] == ["Arab League Council"]
