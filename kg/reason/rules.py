"""Scoped OWL 2 RL reasoning: the ontology and the asserted triples in, the triples the rules our ontology needs
derive from them out.

owlrl's full OWL 2 RL closure costs about two minutes per 100k triples, and most of what it adds
is noise. Instead the ontology (TBox) is closed once, into plain lookup tables
(:class:`TBox`), and a handful of OWL 2 RL rules run over the asserted individuals (ABox) to a
fixed point, in time linear in the data:

* ``cax-sco``, ``cax-eqc1/2``, ``scm-sco``, ``scm-eqc``, ``scm-int``: class membership up the
  closed class hierarchy (``rdfs:subClassOf``, ``owl:equivalentClass``, ``owl:intersectionOf``);
* ``prp-spo1``, ``prp-eqp1/2``, ``scm-spo``, ``scm-eqp``: property hierarchy;
* ``prp-dom``, ``prp-rng`` (with ``scm-dom2``/``scm-rng2``: domains and ranges are inherited down
  the property hierarchy and up the class hierarchy);
* ``prp-inv1/2``, ``prp-symp``, ``prp-trp``: inverse, symmetric and transitive properties;
* ``prp-fp``, ``prp-ifp``, ``eq-sym``, ``eq-trans``: ``owl:sameAs`` from (inverse) functional
  properties, symmetric and transitive.

Only new, non-trivial triples about individuals are kept (see :func:`is_trivial`); the build stores
them in ``<base>graph/inferred`` (:data:`kg.rdf.iri.INFERRED_GRAPH`). ``tests/test_reason.py`` checks the result
against owlrl's full closure on the seed graph.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.term import Node

logger = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]

#: Classes every individual belongs to: saying so adds nothing.
TRIVIAL_CLASSES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual})
#: The RDF, RDFS, OWL and XSD vocabularies: their own axioms are not our data.
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))

# Terms looked up once (rdflib's namespaces build a new URIRef per attribute access), compared as strings (rdflib's
# ``__eq__`` runs in Python; a predicate is always an IRI).
_TYPE, _SAME_AS, _LITERAL, _XSD = RDF.type, OWL.sameAs, RDFS.Literal, str(XSD)
_same_text, _starts = str.__eq__, str.startswith  # rdflib's startswith takes no tuple


def _closure(edges: dict[Node, set[Node]]) -> dict[Node, frozenset[Node]]:
    """Transitive closure of a relation given as adjacency sets (each node excluded from its own set)."""
    closed: dict[Node, frozenset[Node]] = {}
    for start in edges:
        seen: set[Node] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        seen.discard(start)
        closed[start] = frozenset(seen)
    return closed


class TBox:
    """The ontology, closed once into lookup tables for the ABox rules.

    Args:
        ontology: the ontology graph (classes, properties and their axioms).
    """

    def __init__(self, ontology: Graph) -> None:
        sub: dict[Node, set[Node]] = defaultdict(set)
        subprop: dict[Node, set[Node]] = defaultdict(set)
        for c, d in ontology.subject_objects(RDFS.subClassOf):
            if not isinstance(d, BNode):
                sub[c].add(d)
        for c, d in ontology.subject_objects(OWL.equivalentClass):
            if not isinstance(c, BNode) and not isinstance(d, BNode):
                sub[c].add(d)
                sub[d].add(c)
        for c, members in ontology.subject_objects(OWL.intersectionOf):
            for member in Collection(ontology, members):
                if not isinstance(member, BNode):
                    sub[c].add(member)
        for p, q in ontology.subject_objects(RDFS.subPropertyOf):
            subprop[p].add(q)
        for p, q in ontology.subject_objects(OWL.equivalentProperty):
            subprop[p].add(q)
            subprop[q].add(p)
        self.supers = _closure(sub)
        self.superprops = _closure(subprop)

        inverse: dict[Node, set[Node]] = defaultdict(set)
        for p, q in ontology.subject_objects(OWL.inverseOf):
            inverse[p].add(q)
            inverse[q].add(p)
        self.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
        self.symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty)) | {OWL.sameAs}
        self.functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
        self.inverse_functional = set(ontology.subjects(RDF.type, OWL.InverseFunctionalProperty))

        def upward(table: dict[Node, set[Node]]) -> dict[Node, frozenset[Node]]:
            """Classes of a domain/range table, with their superclasses, inherited by sub-properties."""
            out: dict[Node, set[Node]] = defaultdict(set)
            props = set(table) | set(self.superprops)
            for p in props:
                for q in {p} | self.superprops.get(p, frozenset()):
                    for c in table.get(q, ()):
                        out[p] |= {c} | self.supers.get(c, frozenset())
            return {p: frozenset(cs) for p, cs in out.items()}

        domain: dict[Node, set[Node]] = defaultdict(set)
        range_: dict[Node, set[Node]] = defaultdict(set)
        for p, c in ontology.subject_objects(RDFS.domain):
            if not isinstance(c, BNode):
                domain[p].add(c)
        for p, c in ontology.subject_objects(RDFS.range):
            if not isinstance(c, BNode):
                range_[p].add(c)
        self.domains = upward(domain)
        self.ranges = upward(range_)
        self.inverses = {p: frozenset(qs) for p, qs in inverse.items()}
        self.terms = frozenset(s for s in ontology.subjects() if not isinstance(s, BNode))
        #: Predicates whose rules join two triples (transitive, (inverse) functional, owl:sameAs): the reasoner
        #: keeps their triples; a triple of any other predicate yields its consequences on its own.
        self.joined = frozenset(self.transitive | self.functional | self.inverse_functional | {OWL.sameAs})
        #: Every rule of a predicate, found with one lookup (rdflib hashes terms in Python): its super-properties,
        #: domain classes, range classes, inverses, and whether it is symmetric, transitive (or ``owl:sameAs``),
        #: functional, inverse-functional, joined. A predicate without any is not a key.
        self.rules = {p: (self.superprops.get(p, frozenset()), self.domains.get(p, frozenset()),
                          self.ranges.get(p, frozenset()), self.inverses.get(p, frozenset()), p in self.symmetric,
                          p in self.transitive or p == OWL.sameAs, p in self.functional,
                          p in self.inverse_functional, p in self.joined)
                      for p in (set(self.superprops) | set(self.domains) | set(self.ranges) | set(self.inverses)
                                | self.symmetric | self.joined)}

    def classes_of(self, cls: Node) -> frozenset[Node]:
        return self.supers.get(cls, frozenset())


def is_trivial(triple: Triple, tbox: TBox) -> bool:
    """Whether an entailment says nothing worth storing.

    Dropped: triples with a literal or blank subject; ``x owl:sameAs x``; ``x rdf:type`` ``owl:Thing``,
    ``rdfs:Resource`` or ``owl:NamedIndividual``; membership of a datatype or ``rdfs:Literal``; and
    anything about an ontology term or a term of the RDF, RDFS, OWL and XSD vocabularies (the TBox's own closure).
    """
    s, p, o = triple
    if isinstance(s, Literal | BNode) or s in tbox.terms or _starts(s, BUILTIN_NAMESPACES):
        return True
    if _same_text(p, _SAME_AS) and s == o:
        return True
    return _same_text(p, _TYPE) and (o in TRIVIAL_CLASSES or o == _LITERAL or _starts(o, _XSD))


class Reasoner:
    """Applies the ABox rules to a fixed point, one graph at a time, handing what it derives to ``sink``.

    Only the triples of the joined predicates (:attr:`TBox.joined`, with a node as object) are kept across graphs;
    every other rule reads one triple, so its consequences are derived while that triple's graph is added. What
    comes out may repeat across graphs and may also be asserted somewhere: the caller removes both (the build
    does it on sorted files, :func:`infer` with sets). Trivial entailments (:func:`is_trivial`) are not handed out.

    Args:
        tbox: the closed ontology.
        sink: called with lists of derived, non-trivial triples.
    """

    def __init__(self, tbox: TBox, sink: Callable[[list[Triple]], None]) -> None:
        self.tbox = tbox
        self.sink = sink
        # the joined triples kept, as two indexes, each only for the predicates whose rules read it: by predicate
        # and subject (transitive and functional ones, owl:sameAs) and by predicate and object (transitive and
        # inverse-functional ones, owl:sameAs); a key with one value holds the value itself, not a set of one (a
        # long article has tens of thousands of spans, each in one article by the functional ng:inArticle)
        self._by_ps: dict[Node, dict[Node, Node | set[Node]]] = {}
        self._by_po: dict[Node, dict[Node, Node | set[Node]]] = {}

    def _derive(self, triple: Triple) -> Iterator[Triple]:
        """What one triple yields on its own, or joined with the facts known so far."""
        tbox = self.tbox
        s, p, o = triple
        if _same_text(p, _TYPE):
            for d in tbox.supers.get(o, ()):
                yield s, _TYPE, d
            return
        rule = tbox.rules.get(p)
        if rule is None:
            return
        superprops, domains, ranges, inverses, symmetric, transitive, functional, inverse_functional, _ = rule
        for q in superprops:
            yield s, q, o
        for c in domains:
            yield s, _TYPE, c
        if isinstance(o, Literal):
            return
        for c in ranges:
            yield o, _TYPE, c
        for q in inverses:
            yield o, q, s
        if symmetric:
            yield o, p, s
        if transitive:
            for z in _values(self._by_ps, p, o):
                yield s, p, z
            for z in _values(self._by_po, p, s):
                yield z, p, o
        if functional:
            for other in _values(self._by_ps, p, s):
                if other != o and not isinstance(other, Literal):
                    yield o, _SAME_AS, other
        if inverse_functional:
            for other in _values(self._by_po, p, o):
                if other != s:
                    yield s, _SAME_AS, other

    def _keep(self, triple: Triple) -> bool:
        """Remember a triple of a joined predicate; False when it was known already."""
        s, p, o = triple
        _, _, _, _, _, transitive, functional, inverse_functional, _ = self.tbox.rules[p]
        new = True
        if transitive or functional:
            new = _put(self._by_ps, p, s, o)
        if transitive or inverse_functional:
            new = _put(self._by_po, p, o, s)  # both indexes hold the same triples: the same answer
        return new

    def _joined(self, triple: Triple) -> bool:
        rule = self.tbox.rules.get(triple[1])
        return rule is not None and rule[-1] and not isinstance(triple[2], Literal)

    def add(self, triples: Iterable[Triple]) -> None:
        """Assert the triples of one graph and close them (with the joined triples kept so far) under the rules."""
        seen: set[Triple] = set()
        queue: list[Triple] = []
        for triple in triples:
            size = len(seen)
            seen.add(triple)  # one hash of the triple (rdflib hashes its terms in Python), not two
            if len(seen) > size:
                queue.append(triple)
                if self._joined(triple):
                    self._keep(triple)
        derived: list[Triple] = []
        while queue:
            for new in self._derive(queue.pop()):
                size = len(seen)
                seen.add(new)
                if len(seen) == size:
                    continue
                if self._joined(new) and not self._keep(new):
                    continue  # derived from an earlier graph already, with all its consequences
                queue.append(new)
                if not is_trivial(new, self.tbox):
                    derived.append(new)
        if derived:
            self.sink(derived)


_MISSING = object()


def _values(index: dict[Node, dict[Node, Node | set[Node]]], p: Node, key: Node) -> tuple[Node, ...] | list[Node]:
    """The values of ``key`` under predicate ``p`` in a reasoner's index (a copy: the index may grow meanwhile)."""
    values = index.get(p)
    if values is None:
        return ()
    value = values.get(key, _MISSING)
    if value is _MISSING:
        return ()
    return list(value) if type(value) is set else (value,)


def _put(index: dict[Node, dict[Node, Node | set[Node]]], p: Node, key: Node, value: Node) -> bool:
    """Add ``value`` to those of ``key`` under ``p``; False when it was there already."""
    values = index.get(p)
    if values is None:
        values = index[p] = {}
    known = values.get(key, _MISSING)
    if known is _MISSING:
        values[key] = value
        return True
    if type(known) is set:
        if value in known:
            return False
        known.add(value)
        return True
    if known == value:
        return False
    values[key] = {known, value}
    return True


def infer(ontology: Graph, graphs: Iterable[Iterable[Triple]]) -> list[Triple]:
    """The non-trivial entailments of ``ontology`` plus the asserted ``graphs`` that are not asserted, sorted
    (N-Triples order of their terms)."""
    found: set[Triple] = set()
    asserted: set[Triple] = set(ontology)
    reasoner = Reasoner(TBox(ontology), found.update)
    for graph in graphs:
        graph = list(graph)
        asserted.update(graph)
        reasoner.add(graph)
    return sorted(found - asserted, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
