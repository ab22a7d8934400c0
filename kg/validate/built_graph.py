"""Validating what ``kg build`` wrote: a build folder's ``kg.nq`` in; its asserted graph
(:func:`asserted_graph_from_nquads`), or its :class:`~kg.validate.results.ValidationResult` (:func:`validate_build`,
what ``kg validate`` runs) out.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreError
from kg.rdf.iri import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.rdf.namespaces import new_graph
from kg.store.spool import SubjectIndex
from kg.validate.batches import validate_in_batches
from kg.validate.engines import rdflib_triple, validate
from kg.validate.results import ValidationResult

logger = logging.getLogger(__name__)

#: Stands for the default graph in the sorted quads of ``kg validate`` (``kg build`` writes only named graphs).
DEFAULT_GRAPH = "urn:x-kg:default-graph"
#: Subjects per batch of ``kg validate``.
VALIDATE_BATCH = 2000


def asserted_graph_from_nquads(path: str | Path) -> Graph:
    """The asserted triples of an N-Quads file written by ``kg build`` (every named graph but the inferred one).

    Raises:
        StoreError: the file does not exist.
    """
    path = _built(path)
    graph = new_graph()
    with path.open("rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.endswith(INFERRED_GRAPH):
                continue
            graph.add(rdflib_triple(quad))
    return graph


def _built(path: str | Path) -> Path:
    """``path``, a file ``kg build`` writes, as a Path.

    Raises:
        StoreError: it does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path} does not exist: run `kg build` first (or give --out the build folder)")
    return path


def validate_build(out: str | Path, engine_name: str | None = None, batch: int | None = None) -> ValidationResult:
    """Validate the asserted graphs of ``<out>/kg.nq``, as written by ``kg build``, in batches as the build does.

    The asserted quads are sorted on disk (:class:`kg.store.spool.SortedSpool`) into a subject index in a temporary
    folder inside ``out`` (if it is writable), then validated ``batch`` subjects at a time
    (:func:`validate_in_batches`), so memory stays bounded however large the build. The result is the one of
    validating the whole asserted graph at once, with either engine. Only a file with blank-node subjects
    outside the ontology graph (``kg build`` writes none) is validated whole: a batch names its subjects by IRI.

    Raises:
        StoreError: there is no ``kg.nq`` in ``out``.
    """
    import tempfile

    from kg.store.spool import SortedSpool, chunks

    nquads = _built(Path(out) / "kg.nq")
    batch = batch or VALIDATE_BATCH
    # beside kg.nq, where there is room for a copy of it; in the system temporary folder if out is read-only
    with tempfile.TemporaryDirectory(prefix=".validate-", dir=out if os.access(out, os.W_OK) else None) as work:
        spool = SortedSpool(Path(work) / "spool")
        ontology = new_graph()
        blank_subjects = False

        def asserted() -> Iterator[str]:
            nonlocal blank_subjects
            with nquads.open("rb") as stream:
                for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
                    name = quad.graph_name
                    if isinstance(name, ox.NamedNode):
                        if name.value.endswith(INFERRED_GRAPH):
                            continue
                        if name.value.endswith(ONTOLOGY_GRAPH):
                            ontology.add(rdflib_triple(quad))
                        elif isinstance(quad.subject, ox.BlankNode):
                            blank_subjects = True
                        yield f"{quad} .\n"
                    else:  # the default graph: batch_triples drops a graph name, so give it one
                        blank_subjects = blank_subjects or isinstance(quad.subject, ox.BlankNode)
                        yield f"{quad} <{DEFAULT_GRAPH}> .\n"

        try:
            spool.add(asserted())
            if blank_subjects:
                logger.warning("%s has blank-node subjects outside the ontology graph: validating it whole", nquads)
                return validate(asserted_graph_from_nquads(nquads), engine_name=engine_name)
            index = SubjectIndex(Path(work) / "asserted.nq")
            try:
                index.write(spool)
                spool.close()
                iris = (term[1:-1] for (term,) in index.db.execute("SELECT term FROM subject ORDER BY term")
                        if term.startswith("<"))
                return validate_in_batches(index, ontology, chunks(iris, batch), engine_name=engine_name)
            finally:
                index.close()
        finally:
            spool.close()
