"""The data graph of the native SHACL engine: triples of pyoxigraph terms in, a :class:`TripleIndex` out (the
graph as dictionaries, with the class hierarchy), and the conversions between rdflib and pyoxigraph terms.

The terms are kept as parsed (lexical forms and blank node labels), which is what sh:datatype, sh:hasValue and
sh:maxCount must see: an Oxigraph store would normalise typed literals (``"5"^^xsd:nonNegativeInteger`` comes back
as an ``xsd:integer``, ``"01"`` as ``"1"``) and rename blank nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef

_TYPE, _SUBCLASS = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.subClassOf))


def ox_term(term):
    """The pyoxigraph term of an rdflib term (the terms of the data graph are pyoxigraph's)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def rdflib_term(term):
    """The rdflib term of a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


class TripleIndex:
    """A data graph as ``subject -> predicate -> {objects}`` of pyoxigraph terms (as parsed: lexical forms and
    blank node labels kept), with the class hierarchy, for shape checks."""

    def __init__(self, triples: Iterable[tuple]) -> None:
        self.spo: dict = {}
        self.by_predicate: dict = {}
        self._supers: dict = {}
        self._instances: dict | None = None
        for s, p, o in triples:
            self.add(s, p, o)

    def add(self, s, p, o) -> None:
        predicates = self.spo.get(s)
        if predicates is None:
            predicates = self.spo[s] = {}
        objects = predicates.get(p)
        if objects is None:
            predicates[p] = {o}
            subjects = self.by_predicate.get(p)
            if subjects is None:
                self.by_predicate[p] = {s}
            else:
                subjects.add(s)
        else:
            objects.add(o)

    def objects(self, subject, predicate) -> set:
        return self.spo.get(subject, {}).get(predicate, set())

    @classmethod
    def from_rdflib(cls, graph: Iterable[tuple]) -> TripleIndex:
        return cls((ox_term(s), ox_term(p), ox_term(o)) for s, p, o in graph)

    def subject_objects(self, predicate) -> Iterator[tuple]:
        """``(subject, object)`` of the triples with the (rdflib) ``predicate``, as ``Graph.subject_objects``."""
        predicate = ox_term(predicate)
        for subject in self.by_predicate.get(predicate, ()):
            for obj in self.spo[subject][predicate]:
                yield subject, obj

    def value(self, subject, predicate):
        """One object of ``subject`` and the (rdflib) ``predicate``, or None, as ``Graph.value``."""
        return next(iter(self.objects(subject, ox_term(predicate))), None)

    def superclasses(self, cls) -> set:
        """``cls`` and everything it is an ``rdfs:subClassOf*`` of."""
        found = self._supers.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for parent in self.objects(todo.pop(), _SUBCLASS):
                    if parent not in found:
                        found.add(parent)
                        todo.append(parent)
            self._supers[cls] = found
        return found

    def has_class(self, node, cls) -> bool:
        return any(cls in self.superclasses(t) for t in self.objects(node, _TYPE))

    def instances(self, cls) -> set:
        """The nodes whose ``rdf:type/rdfs:subClassOf*`` reaches ``cls``."""
        if self._instances is None:
            self._instances = {}
            for node in self.by_predicate.get(_TYPE, ()):
                for t in self.spo[node][_TYPE]:
                    for c in self.superclasses(t):
                        self._instances.setdefault(c, set()).add(node)
        return self._instances.get(cls, set())

    def values(self, node, steps) -> set:
        kind, arg = steps
        if kind == "iri":
            return self.objects(node, arg)
        if kind == "seq":
            current = {node}
            for step in arg:
                current = {v for n in current for v in self.values(n, step)}
            return current
        if kind == "alt":
            return {v for step in arg for v in self.values(node, step)}
        if kind == "?":
            return {node} | self.values(node, arg)
        found, todo = set(), [node]
        while todo:
            for value in self.values(todo.pop(), arg):
                if value not in found:
                    found.add(value)
                    todo.append(value)
        if kind == "*":
            found.add(node)
        return found
