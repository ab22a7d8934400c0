from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.errors import StoreError
from kg.store.stores import EmbeddedStore, open_store, rdflib_dataset, write_store

NQ = '<http://e/a> <http://e/p> "x" <http://e/g1> .\n<http://e/b> <http://e/p> "y" <http://e/g2> .\n'


def test_write_then_open_read_only_with_the_merge_as_default_graph(tmp_path):
    (tmp_path / "in.nq").write_text(NQ + '<http://e/a> <http://e/p> "x" <http://e/g2> .\n')
    write_store(tmp_path / "store", tmp_path / "in.nq")
    store = open_store(tmp_path / "store")
    rows = list(store.query("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"))
    assert [r["s"].value for r in rows] == ["http://e/a", "http://e/b"]  # a set: the triple in two graphs once
    rows = list(store.query("SELECT ?g WHERE { GRAPH ?g { <http://e/a> ?p ?o } } ORDER BY ?g"))
    assert [r["g"].value for r in rows] == ["http://e/g1", "http://e/g2"]  # provenance stays in the named graphs


def test_blank_nodes_are_the_same_nodes_in_their_graph_and_in_the_default_graph(tmp_path):
    (tmp_path / "in.nq").write_text('_:b1 <http://e/p> "x" <http://e/g1> .\n'
                                    '<http://e/a> <http://e/q> _:b1 <http://e/g1> .\n')
    write_store(tmp_path / "store", tmp_path / "in.nq")
    store = open_store(tmp_path / "store")
    assert bool(store.query('ASK { ?a <http://e/q> ?b . GRAPH <http://e/g1> { ?b <http://e/p> "x" } }'))


def test_a_store_without_its_merged_default_graph_is_refused_with_what_to_do(tmp_path):
    from kg.store.stores import MARKER

    older = ox.Store(str(tmp_path / "store"))  # as kg build wrote stores before: named graphs only
    older.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"), ox.NamedNode("http://e/g")))
    del older
    (tmp_path / "store" / MARKER).write_text("")
    with pytest.raises(StoreError, match="older `kg build`.*run `kg build` again"):
        open_store(tmp_path / "store")


def test_rewrite_replaces_the_old_store(tmp_path):
    (tmp_path / "in.nq").write_text(NQ)
    write_store(tmp_path / "store", tmp_path / "in.nq")
    (tmp_path / "in.nq").write_text(NQ.splitlines(keepends=True)[0])
    write_store(tmp_path / "store", tmp_path / "in.nq")
    assert len(EmbeddedStore(tmp_path / "store")) == 1
    assert not (tmp_path / "store.new").exists() and not (tmp_path / "store.old").exists()


def test_missing_store_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="kg build"):
        open_store(tmp_path / "nothing")


def test_rdflib_view_through_oxrdflib_keeps_plain_literals(tmp_path):
    (tmp_path / "in.nq").write_text(NQ)
    write_store(tmp_path / "store", tmp_path / "in.nq")
    ds = rdflib_dataset(open_store(tmp_path / "store"))
    found = list(ds.triples((URIRef("http://e/a"), URIRef("http://e/p"), None)))
    assert [o for _, _, o in found] == [Literal("x")]
    assert found[0][2].datatype is None
    rows = list(ds.query('SELECT ?s WHERE { ?s <http://e/p> "x" }'))
    assert [str(r[0]) for r in rows] == ["http://e/a"]
    assert isinstance(open_store(tmp_path / "store"), ox.Store)


def test_embedded_store_behind_the_small_interface(tmp_path):
    from kg.store.stores import EmbeddedStore, GraphStore

    (tmp_path / "in.nq").write_text(NQ)
    write_store(tmp_path / "store", tmp_path / "in.nq")
    store: GraphStore = EmbeddedStore(tmp_path / "store")
    assert len(store) == 2
    rows = store.select("SELECT ?s ?missing WHERE { ?s <http://e/p> ?o OPTIONAL { ?s <http://e/q> ?missing } } "
                        "ORDER BY ?s")
    assert [sorted(r) for r in rows] == [["s"], ["s"]]
    assert [r["s"].value for r in rows] == ["http://e/a", "http://e/b"]
    assert {q.graph_name.value for q in store.quads()} == {"http://e/g1", "http://e/g2"}


def test_swap_dir_replaces_and_leaves_nothing_behind(tmp_path):
    from kg.store.stores import load_store, swap_dir

    (tmp_path / "in.nq").write_text(NQ)
    write_store(tmp_path / "store", tmp_path / "in.nq")
    (tmp_path / "one.nq").write_text(NQ.splitlines(keepends=True)[0])
    load_store(tmp_path / "new", tmp_path / "one.nq")
    swap_dir(tmp_path / "new", tmp_path / "store")
    assert len(EmbeddedStore(tmp_path / "store")) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nq", "one.nq", "store"]


def test_the_build_leaves_its_information_in_the_store(seed_build):
    import hashlib
    import json

    from kg.config import Settings
    from kg.store.build_info import read_build_info

    info = read_build_info(seed_build / "store")
    report = json.loads((seed_build / "report.json").read_text())
    assert info.base_iri == Settings().base_iri
    assert info.newsgraph == report["newsgraph"] and info.pipeline_version == report["pipeline_version"]
    assert info.counts == report["counts"]
    assert info.build_id == hashlib.sha256((seed_build / "kg.nq").read_bytes()).hexdigest()[:16]
    assert info.built.endswith("+00:00")
    assert len(EmbeddedStore(seed_build / "store")) == report["counts"]["quads"]  # its named graphs hold the quads


def test_build_information_of_a_store_written_without_it_or_of_no_store(tmp_path):
    from kg.store.build_info import BUILD_INFO, read_build_info

    nq = tmp_path / "a.nq"
    nq.write_text("<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n")
    write_store(tmp_path / "store", nq)
    assert read_build_info(tmp_path / "store") is None
    (tmp_path / "store" / BUILD_INFO).write_text("{not json")
    with pytest.raises(StoreError, match="build the store again"):
        read_build_info(tmp_path / "store")
    with pytest.raises(StoreError, match="run `kg build` first"):
        read_build_info(tmp_path / "nothing")


def test_pieces_that_wait_for_the_loader_in_files_load_the_same_store(tmp_path, monkeypatch):
    """Beyond WAITING_PIECES, the pieces handed to the store loader wait in files (the build never waits for the
    loader, and its memory does not grow with the graph): the store is the same, blank nodes included, and the
    files are gone once it is finished."""
    from kg.store import stores

    graphs = [[f"<http://e/s{g}-{i}> <http://e/p> \"v {i}\" <http://e/g{g}> .\n" for i in range(30)]
              + [f"_:b <http://e/q> <http://e/s{g}-0> <http://e/g{g}> .\n",
                 f"_:b <http://e/r> \"blank of graph {g}\" <http://e/g{g}> .\n"] for g in range(12)]

    def load(path, waiting: int) -> set[str]:
        monkeypatch.setattr(stores, "WAITING_PIECES", waiting)
        monkeypatch.setattr(stores, "LINES_PIECE", 40)
        loader = stores.StoreLoader(path)
        for g, lines in enumerate(graphs):
            loader.add_lines(lines, f"<http://e/g{g}>")
        loader.finish()
        store = ox.Store.read_only(str(path))
        blank = {str(q.graph_name) for q in store.quads_for_pattern(None, ox.NamedNode("http://e/q"), None, None)}
        assert len(blank) == 13  # each graph's blank node, and once more in the default graph
        return {str(ox.Quad(q.subject if not isinstance(q.subject, ox.BlankNode) else ox.NamedNode("http://e/b"),
                            q.predicate, q.object, q.graph_name)) for q in store}

    assert load(tmp_path / "in-files", 0) == load(tmp_path / "in-memory", 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in-files", "in-memory"]


def test_default_graph_copies_of_lines_with_long_and_escaped_literals():
    from kg.store.stores import with_default_graph

    text = 'a \\"quoted\\" word, a back\\\\slash\\\\, a line\\n' * 20_000
    lines = [f'<http://e/a> <http://e/p> "{text}"@en <http://e/g> .\n',
             '_:b <http://e/p> "x\\\\" _:g .\n', '<http://e/a> <http://e/p> "in the default graph" .\n']
    assert with_default_graph(lines)[3:] == [f'<http://e/a> <http://e/p> "{text}"@en .\n',
                                             '_:b <http://e/p> "x\\\\" .\n']


@pytest.mark.parametrize("beside", [True, False])
def test_after_reads_the_whole_store_beside_the_compaction_or_after_it(tmp_path, beside):
    """``after`` (the build's VoID counts) runs while RocksDB compacts the store, or, in a long text's build, after
    the compaction (the two at once were that build's memory peak): it sees the same complete store either way."""
    from kg.store import stores

    seen = []

    def after(store: EmbeddedStore) -> None:
        seen.append(sum(1 for _ in store.store.quads_for_pattern(None, None, None, None)))

    loader = stores.StoreLoader(tmp_path / "store", after=after, beside=beside)
    loader.start()
    loader.add_lines([f"<http://e/s{i}> <http://e/p> \"v {i}\" <http://e/g> .\n" for i in range(500)], "<http://e/g>")
    loader.finish()
    assert seen == [1000]  # each quad of the graph, and its triple in the default graph
