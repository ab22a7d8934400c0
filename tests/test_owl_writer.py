"""The build's kg.owl writer (from sorted N-Triples, no rdflib terms) gives the bytes of ``write_owl``."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from kg.rdf.namespaces import new_graph
from kg.store.owl import write_owl, write_owl_ntriples
from kg.validate.engines import rdflib_triple

# literals whose rdflib N3 text orders them differently from their N-Triples text (line breaks, quotes,
# backslashes), typed literals rdflib normalises or moves into the OWL 2 datatype map, blank nodes, markup
NTRIPLES = r"""<http://example.org/a> <http://example.org/ns#p> "line\nbreak \"q\" end\"" .
<http://example.org/a> <http://example.org/ns#p> "plain \\ back\r" .
<http://example.org/a> <http://example.org/ns#p> "x"@en .
<http://example.org/a> <http://example.org/ns#p> "\"\"\"\nz" .
<http://example.org/a> <http://example.org/ns#p> "2022-01-05"^^<http://www.w3.org/2001/XMLSchema#date> .
<http://example.org/a> <http://example.org/ns#p> "2022-01-05T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<http://example.org/a> <http://example.org/ns#p> "23:00:00"^^<http://www.w3.org/2001/XMLSchema#time> .
<http://example.org/a> <http://example.org/ns#p> "0.90"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://example.org/a> <http://example.org/ns#p> "007"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://example.org/a> <http://example.org/ns#p> _:b1 .
<http://example.org/a> <http://example.org/ns#p> <http://example.org/z&a> .
<http://example.org/a> <http://example.org/other/q> "a<b>&\u000b" .
<http://example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "b"@en .
_:b1 <http://example.org/ns#p> "x\ny\n\"" .
_:b1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> .
"""


def test_ntriples_writer_gives_the_bytes_of_write_owl(tmp_path):
    source = tmp_path / "in.nt"
    source.write_text(NTRIPLES, encoding="utf-8")
    graph = new_graph()  # blank node labels kept, as the build keeps them
    for triple in ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES):
        graph.add(rdflib_triple(triple))
    predicates = set(graph.predicates())
    fast = write_owl_ntriples(tmp_path / "fast.owl", source, predicates, dict(graph.namespaces()))
    slow = write_owl(tmp_path / "slow.owl", graph)
    assert fast.read_bytes() == slow.read_bytes()
    assert len(Graph().parse(fast, format="xml")) == len(graph) - 1  # the xsd:date became the dateTime beside it
