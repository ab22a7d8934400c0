"""Named graphs as plain triple sets: triples in, N-Quads lines out, without a serializer round trip.

The build writes about a hundred thousand triples per hundred articles. Putting each of them into an
rdflib ``Graph`` (indexes, events, context bookkeeping) and then converting every term again for a
serializer took most of the build's ``rdf`` stage. :class:`Triples` is what the build fills instead
(an insertion-ordered set of triples with the graph's name), and :func:`nquad_lines` writes each
distinct term once: the N-Triples form of a term is cached, so that a line is a string join.

The lines are exactly those of ``kg.store.nquad_lines`` (pyoxigraph's N-Quads serializer): each term
is written by pyoxigraph itself, the first time it is seen.

>>> from rdflib import Literal, URIRef
>>> g = Triples(URIRef("https://example.org/graph/a"))
>>> g.add((URIRef("https://example.org/x"), URIRef("https://example.org/label"), Literal('say "hi"', lang="en")))
>>> nquad_lines(g)
['<https://example.org/x> <https://example.org/label> "say \\\\"hi\\\\""@en <https://example.org/graph/a> .\\n']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg.rdf.namespaces import new_graph

Triple = tuple[Node, Node, Node]

#: rdflib term -> its N-Triples form. Only IRIs and short literals are kept (they are what repeats:
#: classes, properties, entities, offsets, labels); a long text is written again each time it is met. At most
#: ``_CACHE_LIMIT`` (a build of 105 articles holds 19,000; a long article's graph fills it, at a few hundred bytes a
#: term, which the cache keeps alive).
_TERMS: dict[Node, str] = {}
_CACHE_LIMIT = 25_000
_LONG_TEXT = 200
_TERM_TYPES = frozenset({URIRef, BNode, Literal})


class Triples:
    """A named graph as an insertion-ordered set of triples: what :func:`kg.rdf.triples.article_triples` fills.

    Iterating gives each triple once, in the order first added. ``identifier`` is the graph's name, as
    for an rdflib ``Graph``; :meth:`graph` gives one.
    """

    __slots__ = ("identifier", "_triples", "has_blank_nodes", "_spill", "_limit")

    def __init__(self, identifier: URIRef | None = None, spill: Callable[[Triples], None] | None = None,
                 limit: int = 0) -> None:
        """With ``spill``, a set that reaches ``limit`` triples is handed to ``spill`` and emptied (never once it
        holds a blank node, which must be relabelled with all its triples): what remains at the end is the rest of
        the graph, and a triple may come again in a later part, which the one who spills must take."""
        self.identifier = identifier
        self._triples: dict[Triple, None] = {}
        self.has_blank_nodes = False
        self._spill = spill
        self._limit = limit

    def add(self, triple: Triple) -> None:
        s, p, o = triple
        # rdflib's terms themselves pass at once; anything else is checked as a Node (an ABC check, slower)
        if not (type(s) in _TERM_TYPES and type(p) in _TERM_TYPES and type(o) in _TERM_TYPES) and not (
                isinstance(s, Node) and isinstance(p, Node) and isinstance(o, Node)):
            raise TypeError(f"not an RDF triple: {triple!r}")
        if type(s) is BNode or type(o) is BNode:
            self.has_blank_nodes = True
        self._triples[triple] = None
        if self._spill is not None and len(self._triples) >= self._limit and not self.has_blank_nodes:
            self._spill(self)
            self._triples = {}

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: object) -> bool:
        return triple in self._triples

    def graph(self) -> Graph:
        """The same triples in an rdflib ``Graph`` of the same name, with the project's prefixes."""
        graph = new_graph(self.identifier)
        graph.addN((s, p, o, graph) for s, p, o in self._triples)
        return graph


def _term(term: Node) -> str:
    """The N-Triples form of an rdflib term, as pyoxigraph writes it."""
    text = _TERMS.get(term)
    if text is not None:
        return text
    if isinstance(term, URIRef):
        text = str(ox.NamedNode(term))
    elif isinstance(term, Literal):
        text = str(ox.Literal(term, language=term.language,
                              datatype=ox.NamedNode(term.datatype) if term.datatype else None))
    elif isinstance(term, BNode):
        text = str(ox.BlankNode(term))
    else:
        raise ValueError(f"not an RDF term: {term!r}")
    if len(text) <= _LONG_TEXT:
        if len(_TERMS) >= _CACHE_LIMIT:
            _TERMS.clear()
        _TERMS[term] = text
    return text


def nquad_lines(graph: Graph | Triples | Iterable[Triple], name: URIRef | None = None) -> list[str]:
    """One N-Quads line per triple of ``graph``, in the graph ``name`` (by default the graph's own name).

    A graph whose name is not an IRI (an rdflib ``Graph()`` without one) gives lines of the default graph.
    The lines are the same bytes as ``kg.store.nquad_lines``: ready to sort and join.
    """
    if name is None:
        name = getattr(graph, "identifier", None)
    return _lines(graph, f" {_term(name)} .\n" if isinstance(name, URIRef) else " .\n")


def ntriple_lines(graph: Graph | Triples | Iterable[Triple]) -> list[str]:
    """One N-Triples line per triple of ``graph`` (whatever its name), as :func:`nquad_lines` writes them."""
    return _lines(graph, " .\n")


def _lines(graph: Iterable[Triple], tail: str) -> list[str]:
    term = _term
    return [f"{term(s)} {term(p)} {term(o)}{tail}" for s, p, o in graph]


def stable_blank_nodes(graph: Graph | Triples) -> Graph | Triples:
    """``graph`` with its blank nodes (if any) relabelled canonically, so that they serialize the same every time.

    A graph without blank nodes comes back as it is; a :class:`Triples` knows that without a scan.
    """
    if isinstance(graph, Triples):
        if not graph.has_blank_nodes:
            return graph
        graph = graph.graph()
    elif not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    stable = new_graph(graph.identifier)
    for triple in to_canonical_graph(graph):
        stable.add(triple)
    return stable
