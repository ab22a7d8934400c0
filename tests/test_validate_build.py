"""`kg validate` checks kg.nq in batches (validate_build, like the build's gate) and finds exactly what
validating the whole asserted graph at once finds: same problems, same report, same exit code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kg.validate.built_graph import asserted_graph_from_nquads, validate_build
from kg.validate.engines import validate
from tests.conftest import KG
from tests.test_validate_batches import _asserted, _broken


def _whole(out: Path, engine_name: str):
    return validate(asserted_graph_from_nquads(out / "kg.nq"), engine_name=engine_name)


def _kg_validate(out: Path, engine_name: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, "validate", "--out", str(out), "--engine", engine_name], capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("engine_name", ["native", "pyshacl"])
def test_seed_build_batched_equals_whole(seed_build, engine_name):
    whole = _whole(seed_build, engine_name)
    batched = validate_build(seed_build, engine_name, batch=40)  # about 30 batches of subjects
    assert batched.problems == whole.problems
    assert batched.problems, "the seeds have warnings, so the comparison says something"
    assert batched.nodes == whole.nodes > 100
    run = _kg_validate(seed_build, engine_name)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == whole.text().strip()
    assert not list(seed_build.glob(".validate-*")), "the temporary index is removed"


@pytest.mark.parametrize("engine_name", ["native", "pyshacl"])
def test_broken_build_exit_3_with_the_whole_graph_problems(seed_build, tmp_path, engine_name):
    # nodes spread over article graphs, appended after the sorted seed quads (so kg.nq is not sorted any more)
    seed = (seed_build / "kg.nq").read_text(encoding="utf-8")
    asserted = _asserted(seed_build / "kg.nq")
    extra = _broken(asserted)[len(asserted):]
    (tmp_path / "kg.nq").write_text(seed + "".join(extra), encoding="utf-8")
    whole = _whole(tmp_path, engine_name)
    assert not whole.conforms
    batched = validate_build(tmp_path, engine_name, batch=25)
    assert batched.problems == whole.problems
    assert batched.nodes == whole.nodes
    run = _kg_validate(tmp_path, engine_name)
    assert run.returncode == 3, run.stderr
    assert run.stdout == ""
    assert f"Error: {whole.text()}" in run.stderr
    assert not list(tmp_path.glob(".validate-*"))


def test_blank_node_subjects_in_an_article_graph_fall_back_to_the_whole_graph(seed_build, tmp_path):
    article = "<https://w3id.org/newsgraph/graph/article/blank>"
    bad = (f"_:loose <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
           f"<https://w3id.org/newsgraph/ontology#Riot> {article} .\n")
    (tmp_path / "kg.nq").write_text((seed_build / "kg.nq").read_text(encoding="utf-8") + bad, encoding="utf-8")
    whole = _whole(tmp_path, "native")
    assert "loose" in {p.focus for p in whole.violations}
    assert validate_build(tmp_path, "native").problems == whole.problems
