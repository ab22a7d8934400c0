"""The Protégé view of the graph: the ontology and the asserted ABox merged into one RDF/XML file.

Protégé (the OWL API) reads neither named graphs nor Turtle-star, so ``kg build`` writes ``build/kg.owl``:
the TBox of ``ontology/newsgraph.ttl`` plus every triple the articles assert (not the inferred graph, which a
Protégé user recomputes with a reasoner), in RDF/XML.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from .config import ONTOLOGY_DIR

logger = logging.getLogger(__name__)

ONTOLOGY_IRI = "https://w3id.org/newsgraph/ontology"
ONTOLOGY_TTL = ONTOLOGY_DIR / "newsgraph.ttl"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_OUTSIDE_OWL2_MAP = {XSD.time, XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gMonthDay, XSD.gDay, XSD.duration}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*$")


def ontology_graph(source: Path = ONTOLOGY_TTL) -> Graph:
    """The ontology parsed from its Turtle source, its blank nodes canonically labelled (same labels every run)."""
    parsed = Graph()
    parsed.parse(source, format="turtle")
    graph = Graph()
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace)
    graph += to_canonical_graph(parsed)
    return graph


def _split(predicate: URIRef) -> tuple[str, str]:
    """A predicate IRI as (namespace, local name) for an XML element name."""
    match = _LOCAL_NAME.search(str(predicate))
    if not match:
        raise ValueError(f"cannot write the predicate {predicate} in RDF/XML: its IRI does not end in an XML name")
    return str(predicate)[: match.start()], match.group(0)


def _node_attr(name: str, node: Node) -> str:
    if isinstance(node, BNode):
        return f'rdf:nodeID="{_bnode_id(node)}"'
    return f"rdf:{name}={quoteattr(str(node))}"


def _xml_text(text: str) -> str:
    r"""``text`` as XML character data that parses back to the same code points: markup escaped, carriage returns
    as character references (a parser would fold them into line feeds, shifting offsets), and characters that
    XML 1.0 forbids replaced one for one by U+FFFD (so offsets into the text stay right).

    >>> _xml_text("a<b\r\nc\x0b")
    'a&lt;b&#13;\nc\ufffd'
    """
    return _XML_ILLEGAL.sub("\ufffd", escape(text, {"\r": "&#13;"}))


def _bnode_id(node: BNode) -> str:
    return "b" + "".join(c if c.isalnum() else "_" for c in str(node))


def to_rdfxml(graph: Graph) -> str:
    """``graph`` as flat RDF/XML, one ``rdf:Description`` per subject, subjects and properties sorted, so the same
    graph (with the same blank node labels) always gives the same text.

    >>> g = Graph()
    >>> _ = g.add((URIRef("http://example.org/a"), URIRef("http://example.org/ns#p"), Literal("x", lang="en")))
    >>> print(to_rdfxml(g))  # doctest: +NORMALIZE_WHITESPACE
    <?xml version="1.0" encoding="utf-8"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ns1="http://example.org/ns#">
      <rdf:Description rdf:about="http://example.org/a">
        <ns1:p xml:lang="en">x</ns1:p>
      </rdf:Description>
    </rdf:RDF>
    """
    triples = sorted(graph, key=_order)
    return "".join(rdfxml_lines(triples, {p for _, p, _ in triples}, dict(graph.namespaces())))


def _order(triple) -> tuple:
    s, p, o = triple
    return isinstance(s, BNode), s.n3(), p.n3(), o.n3()


def rdfxml_lines(triples: Iterable[tuple[Node, Node, Node]], predicates: Iterable[Node],
                 namespaces: dict[str, Node]) -> Iterator[str]:
    """The lines of :func:`to_rdfxml` for ``triples`` already in its order, one at a time.

    Args:
        triples: the triples, sorted as :func:`to_rdfxml` sorts them.
        predicates: every predicate among ``triples`` (their namespaces are declared first).
        namespaces: prefix -> namespace bindings to name the XML namespaces by.
    """
    known = {str(ns): prefix for prefix, ns in namespaces.items()}
    prefixes: dict[str, str] = {RDF_NS: "rdf"}
    for ns in sorted({_split(p)[0] for p in predicates} - {RDF_NS}):
        prefix = known.get(ns)
        if not prefix or prefix in prefixes.values() or not prefix.isidentifier():
            prefix = f"ns{len(prefixes)}"
        prefixes[ns] = prefix
    yield '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF'
    yield "".join(f"\n   xmlns:{prefix}={quoteattr(ns)}" for ns, prefix in prefixes.items()) + ">\n"
    subject = None
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                yield "  </rdf:Description>\n"
            yield f"  <rdf:Description {_node_attr('about', s)}>\n"
            subject = s
        ns, local = _split(p)
        tag = f"{prefixes[ns]}:{local}"
        if isinstance(o, Literal):
            attrs = f' xml:lang="{o.language}"' if o.language else ""
            attrs += f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype else ""
            yield f"    <{tag}{attrs}>{_xml_text(str(o))}</{tag}>\n"
        else:
            yield f"    <{tag} {_node_attr('resource', o)}/>\n"
    if subject is not None:
        yield "  </rdf:Description>\n"
    yield "</rdf:RDF>\n"


def owl2_literal(literal: Literal) -> Literal:
    """``literal`` in a datatype of the OWL 2 datatype map, which is all Protégé's reasoners (HermiT) accept.

    ``xsd:date`` values become ``xsd:dateTime`` at midnight; other XML Schema date parts (``xsd:time``, ``xsd:gYear``
    ...) become plain strings; everything else is kept.

    >>> owl2_literal(Literal("2022-01-05", datatype=XSD.date)).n3()
    '"2022-01-05T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    >>> owl2_literal(Literal("23:00:00", datatype=XSD.time)).n3()
    '"23:00:00"'
    """
    if literal.datatype == XSD.date:
        return Literal(f"{literal}T00:00:00", datatype=XSD.dateTime)
    if literal.datatype in _OUTSIDE_OWL2_MAP:
        return Literal(str(literal))
    return literal


def protege_graph(graph: Graph) -> Graph:
    """``graph`` with every literal in the OWL 2 datatype map (see :func:`owl2_literal`)."""
    if not any(isinstance(o, Literal) and o.datatype in _OUTSIDE_OWL2_MAP | {XSD.date} for o in graph.objects()):
        return graph
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=False)
    for s, p, o in graph:
        out.add((s, p, owl2_literal(o) if isinstance(o, Literal) else o))
    return out


def protege_triples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[tuple[Node, Node, Node]]:
    """Triples sorted by subject (as N-Triples sorts them) in :func:`to_rdfxml`'s order, literals moved into the
    OWL 2 datatype map: each subject's triples are converted and sorted on their own, so only one subject's
    triples are in memory at a time."""
    group: set[tuple[Node, Node, Node]] = set()
    subject = None
    for s, p, o in triples:
        if s != subject and group:
            yield from sorted(group, key=_order)
            group = set()
        subject = s
        group.add((s, p, owl2_literal(o) if isinstance(o, Literal) else o))
    yield from sorted(group, key=_order)


def write_owl_stream(path: str | Path, triples: Iterable[tuple[Node, Node, Node]], predicates: Iterable[Node],
                     namespaces: dict[str, Node]) -> Path:
    """Write triples sorted by subject (N-Triples order: IRIs before blank nodes) as :func:`write_owl` does, without
    holding them in a graph: the same triples give the same bytes.

    Args:
        path: the file to write (atomically).
        triples: the ontology and the asserted ABox, every triple once, sorted by subject.
        predicates: every predicate among them.
        namespaces: prefix -> namespace bindings (those of the graph :func:`write_owl` would get).
    """
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.writelines(rdfxml_lines(protege_triples(triples), predicates, namespaces))
    os.replace(tmp, path)
    logger.info("wrote %s", path)
    return path


def write_owl(path: str | Path, graph: Graph) -> Path:
    """Write ``graph`` (ontology + ABox) as RDF/XML to ``path``, atomically, for Protégé.

    Literals are moved into the OWL 2 datatype map on the way (:func:`owl2_literal`).

    Returns:
        The path written.
    """
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(to_rdfxml(protege_graph(graph)), encoding="utf-8")
    os.replace(tmp, path)
    logger.info("wrote %s (%d triples)", path, len(graph))
    return path
