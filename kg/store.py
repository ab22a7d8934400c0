"""The graph's home: a pyoxigraph store on disk, behind a small interface.

The build writes a complete store beside the old one and swaps it in only when it is
complete (:func:`write_store`); the server opens it read-only (:func:`open_store`). rdflib
users get the same store through oxrdflib (:func:`rdflib_dataset`).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import XSD, Dataset, Graph, Literal, URIRef

from .errors import StoreError

logger = logging.getLogger(__name__)

MARKER = "newsgraph-store"


def to_ox_quads(graph: Graph) -> Iterable[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in that graph's name."""
    from oxrdflib._converter import to_ox

    name = ox.NamedNode(str(graph.identifier)) if isinstance(graph.identifier, URIRef) else ox.DefaultGraph()
    for s, p, o in graph:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), name)


def nquad_lines(graph: Graph) -> list[str]:
    """One N-Quads line per triple of ``graph`` (canonical, one line each, ready to sort)."""
    data = ox.serialize(to_ox_quads(graph), format=ox.RdfFormat.N_QUADS)
    return data.decode("utf-8").splitlines(keepends=True)


def write_store(store_path: Path, nquads_path: Path) -> None:
    """Load an N-Quads file into a new store, then swap it in for the old one.

    The new store is built in ``<store>.new`` and renamed into place only when loading
    succeeded, so a build that fails or is killed leaves the previous store as it was.
    """
    store_path = Path(store_path)
    staging = store_path.with_name(store_path.name + ".new")
    old = store_path.with_name(store_path.name + ".old")
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    store = ox.Store(str(staging))
    try:
        store.bulk_load(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
        store.flush()
        store.optimize()
    finally:
        del store
    (staging / MARKER).write_text("pyoxigraph store written by `kg build`\n")
    if store_path.exists():
        os.replace(store_path, old)
    os.replace(staging, store_path)
    if old.exists():
        shutil.rmtree(old)


def open_store(store_path: str | Path, read_only: bool = True) -> ox.Store:
    """Open a store written by ``kg build``.

    Raises:
        StoreError: there is no store at ``store_path``.
    """
    path = Path(store_path)
    if not (path / MARKER).exists():
        raise StoreError(f"no newsgraph store at {str(path)!r}: run `kg build` first (it writes build/store)")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {str(path)!r}: {exc}") from exc


def _plain(term):
    """RDF 1.1 plain literals back to rdflib's plain ``Literal`` (oxrdflib returns ``xsd:string``)."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


class _NewsgraphOxigraphStore(OxigraphStore):
    """oxrdflib's store, with plain literals kept plain so that ``Literal("x")`` lookups match."""

    def triples(self, triple_pattern, context=None):
        for (s, p, o), contexts in super().triples(triple_pattern, context):
            yield (s, p, _plain(o)), contexts

    def query(self, query, initNs, initBindings, queryGraph, **kwargs):  # noqa: N803 - rdflib's names
        result = super().query(query, initNs, initBindings, queryGraph, **kwargs)
        if result.type == "SELECT":
            result.bindings = [{k: _plain(v) for k, v in row.items()} for row in result.bindings]
        return result


def rdflib_dataset(store: ox.Store) -> Dataset:
    """The store as an rdflib Dataset (through oxrdflib); the default graph is the union."""
    return Dataset(store=_NewsgraphOxigraphStore(store=store), default_union=True)
