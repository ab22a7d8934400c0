"""SHACL validation in batches of article graphs finds exactly what validating the whole asserted graph finds.

The build validates a few article graphs at a time (validate_in_batches), each batch's data graph read
from the sorted asserted N-Quads; these tests compare it with pySHACL over the whole asserted graph at once, on the
seed build, on a broken graph whose nodes are spread over several article graphs, and inside a real build of a
synthetic corpus.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph

from kg.build import gate, pipeline
from kg.build.pipeline import run_build
from kg.config import Settings
from kg.errors import ValidationError
from kg.rdf.iri import INFERRED_GRAPH
from kg.store.owl import ontology_graph
from kg.store.spool import SubjectIndex
from kg.validate.batches import validate_in_batches
from kg.validate.built_graph import asserted_graph_from_nquads
from kg.validate.engines import validate

EX = "https://w3id.org/newsgraph/id/"
NG = "https://w3id.org/newsgraph/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
ROOT = Path(__file__).resolve().parent.parent


def _asserted(nquads: Path) -> list[str]:
    lines = nquads.read_text(encoding="utf-8").splitlines(keepends=True)
    return sorted({line for line in lines if not line[:-3].endswith(INFERRED_GRAPH + ">")})


def _batches(lines: list[str], size: int) -> list[list[str]]:
    """Subjects of the article graphs, ``size`` graphs per batch (graphs in name order)."""
    by_graph: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        graph = line[:-3].rsplit(" ", 1)[1]
        if "/graph/article/" in graph and line.startswith("<"):
            by_graph[graph].add(line[1:line.index(">")])
    graphs = sorted(by_graph)
    return [sorted(set().union(*(by_graph[g] for g in graphs[i:i + size]))) for i in range(0, len(graphs), size)]


def _both(tmp_path: Path, lines: list[str], size: int, jobs: int = 1, fork: bool = False, trim: bool = False):
    """(whole-graph result, batched result) for the asserted N-Quads ``lines``."""
    nquads = tmp_path / "asserted.nq"
    index = SubjectIndex(nquads)
    index.write(sorted(set(lines)))
    try:
        batched = validate_in_batches(index, ontology_graph(), _batches(lines, size), jobs=jobs, fork=fork,
                                      trim=trim)
    finally:
        index.close()
    return validate(asserted_graph_from_nquads(nquads)), batched


@pytest.mark.parametrize("size", [1, 2])
def test_seed_graph_batched_equals_whole(seed_build, tmp_path, size):
    whole, batched = _both(tmp_path, _asserted(seed_build / "kg.nq"), size)
    assert batched.problems == whole.problems
    assert batched.nodes == whole.nodes > 100
    assert batched.text() == whole.text()


def _quad(s: str, p: str, o: str, graph: str) -> str:
    return f"{s} {p} {o} <https://w3id.org/newsgraph/graph/article/{graph}> .\n"


def _broken(seed_lines: list[str]) -> list[str]:
    """Seed quads plus nodes whose triples are spread over article graphs (only the union shows what is wrong)."""
    spans = sorted({line.split(" ", 1)[0] for line in seed_lines if f"{RDF_TYPE} <{NG}TextSpan>" in line})
    places = sorted({line.split(" ", 1)[0] for line in seed_lines if f"{RDF_TYPE} <{NG}Place>" in line})
    graphs = sorted({line[:-3].rsplit(" ", 1)[1] for line in seed_lines if "/graph/article/" in line})
    first, second = (g.rsplit("/", 1)[1][:-1] for g in graphs[:2])
    riot, tenure, person = f"<{EX}event/spread>", f"<{EX}tenure/spread>", f"<{EX}person/spread>"
    extra = [
        # an event typed in one graph, its evidence in another: conforms
        _quad(riot, RDF_TYPE, f"<{NG}Riot>", first),
        _quad(riot, f"<{NG}evidence>", spans[0], second),
        # its agent is a ng:Person only in the second graph (conforms), its place is not a ng:Place (violation)
        _quad(riot, f"<{NG}hasAgent>", person, first),
        _quad(person, RDF_TYPE, f"<{NG}Person>", second),
        _quad(person, "<http://www.w3.org/2000/01/rdf-schema#label>", '"Spread"@en', second),
        _quad(person, f"<{NG}evidence>", spans[1], first),
        _quad(riot, f"<{NG}hasPlace>", person, second),
        _quad(riot, f"<{NG}hasPlace>", places[0], first),
        # a tenure with one holder in each of two graphs: two holders, one too many
        _quad(tenure, RDF_TYPE, f"<{NG}Tenure>", first),
        _quad(tenure, f"<{NG}holder>", person, first),
        _quad(tenure, f"<{NG}holder>", places[0], second),
        _quad(tenure, f"<{NG}post>", f"<{EX}post/spread>", second),
        _quad(tenure, f"<{NG}evidence>", spans[2], second),
        # an event with no evidence anywhere
        _quad(f"<{EX}event/bare>", RDF_TYPE, f"<{NG}Riot>", second),
    ]
    # spans whose anchor is not their article's text, one in the article's graph, one in another (the batches of the
    # second do not hold the article: its text is read where the batches are made)
    article = f"<{EX}article/spread>"
    extra += [_quad(article, RDF_TYPE, f"<{NG}NewsArticle>", first),
              _quad(article, f"<{NG}text>", '"Riots in Sp\\u00E9rad\\u00E9 on Monday."', first)]
    nni = "<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>"
    for name, graph, begin, end, anchor in (("near", first, 0, 5, "Riots"), ("near2", first, 9, 16, "Spread"),
                                            ("far", second, 9, 16, "Spéradé"), ("far2", second, 0, 5, "riots")):
        span = f"<{EX}span/{name}>"
        extra += [_quad(span, RDF_TYPE, f"<{NG}TextSpan>", graph), _quad(span, f"<{NG}inArticle>", article, graph),
                  _quad(span, f"<{NG}beginIndex>", f'"{begin}"^^{nni}', graph),
                  _quad(span, f"<{NG}endIndex>", f'"{end}"^^{nni}', graph),
                  _quad(span, f"<{NG}anchorOf>", f'"{anchor}"', graph)]
    return seed_lines + extra


@pytest.mark.parametrize(("size", "jobs", "fork", "trim"), [(1, 1, False, False), (3, 1, False, False),
                                                          (1, 2, False, False), (1, 2, True, False),
                                                          (1, 1, True, True), (3, 1, True, True)])
def test_broken_graph_spread_over_articles_batched_equals_whole(seed_build, tmp_path, monkeypatch, size, jobs, fork,
                                                               trim):
    # fork: the workers forked from this process (what the build's validation process does on two cores); with one
    # job and trim (a long text's build), each batch is validated in a process forked for it, none here
    from kg.validate import batches

    here = []
    if jobs == 1:  # (the pool's workers are handed the function by name)
        validate_subjects = batches.validate_subjects
        monkeypatch.setattr(batches, "validate_subjects", lambda *args: here.append(1) or validate_subjects(*args))
    whole, batched = _both(tmp_path, _broken(_asserted(seed_build / "kg.nq")), size, jobs, fork, trim)
    assert bool(here) == (jobs == 1 and not trim)
    messages = {(p.focus.rsplit("/", 1)[-1], p.message) for p in whole.violations}
    assert {("spread", "ng:hasPlace points to a ng:Place"),
            ("spread", "a tenure needs exactly one ng:holder, a ng:Agent"),
            ("bare", "an event needs at least one ng:evidence text span")} <= messages
    assert not any("evidence" in m for f, m in messages if f == "spread"), "evidence from another graph counts"
    anchors = sorted(p.focus.rsplit("/", 1)[-1] for p in whole.warnings if p.path == "ng:anchorOf")
    assert [a for a in anchors if a in ("near", "near2", "far", "far2")] == ["far2", "near2"]
    assert batched.problems == whole.problems
    assert batched.text() == whole.text()


def test_a_synthetic_build_validates_its_batches_like_the_whole_graph(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, "-m", "bench.synth", str(corpus), "--articles", "12"], cwd=ROOT, check=True,
                   capture_output=True)
    monkeypatch.setattr(pipeline, "VALIDATION_BATCH", 5)
    real = gate.validate_asserted

    def compare(asserted, staging, report):  # runs in the build's validation process: it tells in a file
        seen = {}
        whole = validate(asserted_graph_from_nquads(asserted.index.nquads))
        batches = list(asserted.subject_batches())
        seen["batches"] = len(batches)
        seen["whole"] = whole
        seen["batched"] = validate_in_batches(asserted.index, asserted.ontology, batches)
        try:
            real(asserted, staging, report)
        except ValidationError as exc:
            seen["error"] = str(exc)
        (tmp_path / "seen.pickle").write_bytes(pickle.dumps(seen))

    monkeypatch.setattr(gate, "validate_asserted", compare)
    run_build([corpus], Settings.from_env(out=str(tmp_path / "out")), use_cache=False)
    seen = pickle.loads((tmp_path / "seen.pickle").read_bytes())
    assert seen["batches"] == 3
    assert seen["batched"].problems == seen["whole"].problems
    assert seen["batched"].nodes == seen["whole"].nodes
    if not seen["whole"].conforms:  # the gate's message is the whole graph's
        assert seen["whole"].text() in seen["error"]
    kg_owl = Graph().parse(tmp_path / "out" / "kg.owl", format="xml")
    assert len(kg_owl) == len(asserted_graph_from_nquads(tmp_path / "out" / "kg.nq"))
