"""Regression: a slot of an event is filled only by an entity of a kind the ontology allows.

A name the model tagged as a place in one sentence may resolve to an organisation the corpus
knows by the same name; the event must then not say ``ng:hasPlace <organisation>``, which the
SHACL gate rejects and which stopped whole builds of unseen (synthetic) articles.
"""

from __future__ import annotations

from rdflib import RDF

from bench.synth import write_corpus
from kg.build.pipeline import run_build
from kg.config import Settings
from kg.rdf.namespaces import NG
from kg.store.stores import open_store, rdflib_dataset


def test_unseen_corpus_passes_the_gate_and_places_are_places(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, articles=60, seed=1, sentences=3)
    report = run_build([corpus], Settings.from_env(out=str(tmp_path / "out")))
    assert report.articles == 60
    ds = rdflib_dataset(open_store(tmp_path / "out" / "store"))
    places = set(ds.subjects(RDF.type, NG.Place))
    event_places = set(ds.objects(None, NG.hasPlace))
    assert event_places, "no event got a place"
    assert event_places <= places
    agents = set(ds.subjects(RDF.type, NG.Agent))
    assert set(ds.objects(None, NG.hasAgent)) <= agents
