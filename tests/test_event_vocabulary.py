"""The event vocabulary: the classes of kg/data/event_classes.tsv are the ontology's event classes, with the
same ACLED and CAMEO mapping in both, each declared, labelled and commented (issue 17)."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal

from kg.config import ONTOLOGY_DIR
from kg.lexicon import event_classes
from kg.rdf.namespaces import NG


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "newsgraph.ttl", format="turtle")


def _is_event_class(graph: Graph, cls) -> bool:
    return NG.Event in set(graph.transitive_objects(cls, RDFS.subClassOf))


@pytest.mark.parametrize("name", list(event_classes()))
def test_every_class_of_the_data_is_a_declared_labelled_event_class(ontology, name):
    cls = NG[name]
    assert (cls, RDF.type, OWL.Class) in ontology
    assert _is_event_class(ontology, cls), f"{name} is no subclass of ng:Event"
    assert ontology.value(cls, RDFS.label) is not None and ontology.value(cls, RDFS.comment) is not None


@pytest.mark.parametrize("name", list(event_classes()))
def test_the_acled_and_cameo_mapping_is_the_same_in_the_data_and_the_ontology(ontology, name):
    row = event_classes()[name]
    assert ontology.value(NG[name], NG.acledMapping) == (Literal(row.acled) if row.acled else None)
    assert ontology.value(NG[name], NG.cameoMapping) == (Literal(row.cameo) if row.cameo else None)


def test_every_concrete_event_class_of_the_ontology_is_in_the_data(ontology):
    abstract = {"Event", "TenureChange", "SpeechAct"}
    declared = {str(c).rsplit("#", 1)[1] for c in ontology.subjects(RDF.type, OWL.Class)
                if str(c).startswith(str(NG)) and _is_event_class(ontology, c)} - abstract
    # (GovernmentAction is both: the class of a measure no finer class fits)
    assert declared == set(event_classes())


def test_the_vocabulary_covers_the_kinds_of_political_news_events():
    kinds = {"Demonstration", "Riot", "Clash", "Attack", "Arrest", "Killing", "Coup", "Election", "Appointment",
             "Resignation", "Removal", "StateOfEmergency", "Curfew", "InternetShutdown", "Sanction", "Deployment",
             "Withdrawal", "Agreement", "Meeting", "Appeal", "Trial", "FlightIntoExile", "Defection", "Death",
             "Statement"}
    assert kinds <= set(event_classes())


def test_the_generated_table_of_trigger_forms_is_up_to_date():
    from kg.tools.gen_lemma_forms import TARGET, render

    assert TARGET.read_text(encoding="utf-8") == render(), "run python -m kg.tools.gen_lemma_forms"
