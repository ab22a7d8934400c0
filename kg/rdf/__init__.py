"""RDF: resolved records in, triples out.

:mod:`kg.rdf.triples` is the only writer of triples (one named graph per article),
:mod:`kg.rdf.iri` the only minter of IRIs, :mod:`kg.rdf.namespaces` the ontology's terms as Python
attributes, and :mod:`kg.rdf.nquads` the build's own N-Quads writer.
"""
