"""Issue 22: the SHACL warnings of a default build are fixed where the nodes are written, not counted away.

Invented articles built with ``kg build`` (real spaCy model, real Oxigraph store) and checked with ``kg validate``
and SPARQL on the store: an event found by two rules carries one confidence, a speech act's agent is its speaker, a
place the article names only through a place in it has evidence, and so has a place named only inside a title.
"""

from __future__ import annotations

import json
import re
import subprocess

import pyoxigraph as ox
import pytest

from tests.conftest import KG, ROOT

PREFIX = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
ID = "https://w3id.org/newsgraph/id/"

RESIGNATION = """Portuguese minister resigns

LISBON, March 3, 2023 - Portugal's Foreign Minister Ana Duarte resigned on Monday, two days after the protests.

The resignation of Ana Duarte on Monday surprised her party. President Joao Ramos announced Duarte's resignation \
on Monday.

Opposition leader Maria Costa called on the government to release the detainees.
"""

TRACTORS = """Farmers rally in Berlin

March 4, 2023 - Thousands of farmers drove tractors into Berlin on Tuesday to protest against fuel taxes, police said.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("warnings")
    (root / "in").mkdir()
    (root / "in" / "resignation.txt").write_text(RESIGNATION)
    (root / "in" / "tractors.txt").write_text(TRACTORS)
    done = subprocess.run([*KG, "build", str(root / "in"), "--out", str(root / "out")], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return root / "out"


def _rows(out, query: str) -> list[tuple]:
    store = ox.Store.read_only(str(out / "store"))
    return [tuple(term.value if term is not None else None for term in row) for row in store.query(PREFIX + query)]


def test_the_build_says_0_warnings_and_kg_validate_agrees(built):
    report = json.loads((built / "report.json").read_text())
    assert report["validation"]["violations"] == 0
    assert report["validation"]["warnings"] == 0, report["validation"]["warnings_by_kind"]
    done = subprocess.run([*KG, "validate", "--out", str(built)], cwd=ROOT, capture_output=True, text=True)
    assert re.match(r"0 violation\(s\), 0 warning\(s\)", done.stdout), done.stdout


def test_an_event_told_twice_carries_one_confidence_the_highest(built):
    rows = _rows(built, "SELECT ?e (COUNT(DISTINCT ?c) AS ?n) (MAX(?c) AS ?top) (COUNT(DISTINCT ?rule) AS ?rules) "
                        "WHERE { GRAPH ?g { ?e a ng:Resignation ; ng:confidence ?c ; ng:producedBy ?rule } } "
                        "GROUP BY ?e")
    assert rows and all(n == "1" for _, n, _, _ in rows), rows
    # the resignation both rules found keeps the higher of their confidences
    assert any(rules == "2" and float(top) == 0.8 for _, _, top, rules in rows), rows


def test_an_appeals_agent_is_its_speaker(built):
    rows = _rows(built, "SELECT ?who WHERE { GRAPH ?g { ?e a ng:Appeal ; ng:producedBy 'events.trigger' ; "
                        "ng:hasAgent ?who ; ng:speaker ?who } }")
    assert (ID + "person/maria-costa",) in rows


def test_a_place_named_only_through_a_place_in_it_has_the_mention_as_evidence(built):
    rows = _rows(built, "SELECT ?text WHERE { GRAPH ?g { <" + ID + "place/berlin> ng:locatedIn ?country . "
                        "?country ng:evidence ?span . ?span ng:anchorOf ?text } }")
    assert rows and {text for (text,) in rows} == {"Berlin"}


def test_a_place_named_only_inside_a_title_has_the_tenures_sentence_as_evidence(built):
    """"Portugal's Foreign Minister": Portugal is read from the title only; the sentences of the tenures whose posts
    are of Portugal are its evidence ("President X", of the article's country, too)."""
    rows = _rows(built, "SELECT ?text WHERE { GRAPH ?g { ?post ng:postJurisdiction <" + ID + "place/portugal> . "
                        "<" + ID + "place/portugal> ng:evidence ?span . ?span ng:anchorOf ?text } }")
    assert any("Portugal's Foreign Minister" in text for (text,) in rows), rows
