"""The Protégé view of the graph: the ontology and the asserted ABox in, one merged RDF/XML file out.

Protégé (the OWL API) reads neither named graphs nor Turtle-star, so ``kg build`` writes ``build/kg.owl``:
the TBox of ``ontology/newsgraph.ttl`` plus every triple the articles assert (not the inferred graph, which a
Protégé user recomputes with a reasoner), in RDF/XML.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg.config import ONTOLOGY_DIR

logger = logging.getLogger(__name__)

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



def _xml_prefixes(predicates: Iterable[Node], namespaces: dict[str, Node]) -> dict[str, str]:
    """XML namespace -> prefix for the namespaces of ``predicates`` (named by ``namespaces`` where it can)."""
    known = {str(ns): prefix for prefix, ns in namespaces.items()}
    prefixes: dict[str, str] = {RDF_NS: "rdf"}
    for ns in sorted({_split(p)[0] for p in predicates} - {RDF_NS}):
        prefix = known.get(ns)
        if not prefix or prefix in prefixes.values() or not prefix.isidentifier():
            prefix = f"ns{len(prefixes)}"
        prefixes[ns] = prefix
    return prefixes


def _header(prefixes: dict[str, str]) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF'
            + "".join(f"\n   xmlns:{prefix}={quoteattr(ns)}" for ns, prefix in prefixes.items()) + ">\n")

def rdfxml_lines(triples: Iterable[tuple[Node, Node, Node]], predicates: Iterable[Node],
                 namespaces: dict[str, Node]) -> Iterator[str]:
    """The lines of :func:`to_rdfxml` for ``triples`` already in its order, one at a time.

    Args:
        triples: the triples, sorted as :func:`to_rdfxml` sorts them.
        predicates: every predicate among ``triples`` (their namespaces are declared first).
        namespaces: prefix -> namespace bindings to name the XML namespaces by.
    """
    prefixes = _xml_prefixes(predicates, namespaces)
    yield _header(prefixes)
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


# ---- the build's writer: from an N-Triples file, without rdflib terms ----

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: (object, predicate) pairs whose sort key and element :func:`write_owl_ntriples` keeps to write them again (a build
#: of 105 articles has 22,000; each costs a few hundred bytes, which a long article's graph would fill up to the limit).
_MADE_LIMIT = 30_000


def _n3_quoted(text: str) -> str:
    """``text`` quoted as rdflib's ``Literal.n3()`` quotes it (the sort key of :func:`to_rdfxml` is that text)."""
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + '\\"'
        encoded = encoded.replace("\r", "\\r")
        return f'"""{encoded}"""'
    encoded = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
    return f'"{encoded}"'


@lru_cache(maxsize=1 << 14)  # a build of 105 articles makes 2,400; the cache is memory a long article fills
def _typed_literal(value: str, datatype: str) -> tuple[str, str]:
    """(rdflib N3 text, RDF/XML attributes and content) of a typed literal moved into the OWL 2 datatype map.

    Typed literals go through rdflib (as :func:`write_owl`'s graph holds them), so that their lexical forms are
    the same; there are few distinct ones."""
    literal = owl2_literal(Literal(value, datatype=URIRef(datatype)))
    attrs = f" rdf:datatype={quoteattr(str(literal.datatype))}" if literal.datatype else ""
    return literal.n3(), f"{attrs}>{_xml_text(str(literal))}"


#: An escape of an N-Triples string (ECHAR or UCHAR).
_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_NT_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _nt_unescape(text: str) -> str:
    r"""The characters an N-Triples string's content (between its quotes) stands for.

    >>> _nt_unescape(r'say \"hi\"\n\u00e9\\')
    'say "hi"\né\\'
    """
    if "\\" not in text:
        return text
    return _NT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None
                          else _NT_ECHAR[m.group(3)], text)


def _nt_object(text: str, tag: str) -> tuple[str, str]:
    """(rdflib N3 text, RDF/XML element) of an object written in N-Triples (as pyoxigraph writes it: an IRI has no
    escapes), the element named ``tag``."""
    if text[0] == "<":
        return text, f"    <{tag} rdf:resource={quoteattr(text[1:-1])}/>\n"
    if text[0] == "_":
        return text, f'    <{tag} rdf:nodeID="{_bnode_id(text[2:])}"/>\n'
    end = text.rindex('"')  # a language tag or a datatype IRI has no quote
    value, suffix = _nt_unescape(text[1:end]), text[end + 1:]
    if suffix.startswith("@"):
        key, content = f"{_n3_quoted(value)}{suffix}", f' xml:lang="{suffix[1:]}">{_xml_text(value)}'
    elif suffix.startswith("^^") and suffix[3:-1] != _XSD_STRING:
        key, content = _typed_literal(value, suffix[3:-1])
    else:
        key, content = _n3_quoted(value), f">{_xml_text(value)}"
    return key, f"    <{tag}{content}</{tag}>\n"


def write_owl_ntriples(path: str | Path, ntriples: str | Path, predicates: Iterable[Node],
                       namespaces: dict[str, Node]) -> Path:
    """Write the triples of an N-Triples file sorted by subject (N-Triples order: IRIs before blank nodes, as
    ``kg build`` sorts them) as :func:`write_owl` writes their graph, the same bytes, one subject's triples in
    memory at a time: the lines are taken apart as text (pyoxigraph wrote them: one triple per line, terms
    separated by one space, IRIs without escapes), without making terms of IRIs and strings.

    Args:
        path: the file to write (atomically).
        ntriples: the ontology and the asserted ABox, every triple once, sorted by subject.
        predicates: every predicate among them.
        namespaces: prefix -> namespace bindings (those of the graph :func:`write_owl` would get).
    """
    path = Path(path)
    prefixes = _xml_prefixes(predicates, namespaces)
    tags: dict[str, str] = {}
    made: dict[tuple[str, str], tuple[str, str, str]] = {}
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as out, open(ntriples, encoding="utf-8") as lines:
        out.write(_header(prefixes))
        subject = None
        group: dict[tuple[str, str], str] = {}

        def flush() -> None:
            about = (f'rdf:nodeID="{_bnode_id(subject[2:])}"' if subject[0] == "_"
                     else f"rdf:about={quoteattr(subject[1:-1])}")
            out.write(f"  <rdf:Description {about}>\n")
            out.writelines(group[key] for key in sorted(group))
            out.write("  </rdf:Description>\n")

        for line in lines:
            s, predicate, o = line.split(" ", 2)
            if s != subject:
                if group:
                    flush()
                    group = {}
                subject = s
            o = o[:-3]  # " .\n"
            found = made.get((o, predicate))
            if found is None:  # an object written under a predicate once is written so again (types, dates, labels)
                tag = tags.get(predicate)
                if tag is None:
                    ns, local = _split(URIRef(predicate[1:-1]))
                    tag = tags[predicate] = f"{prefixes[ns]}:{local}"
                if len(made) >= _MADE_LIMIT:
                    made.clear()
                found = made[(o, predicate)] = (predicate, *_nt_object(o, tag))
            group[found[:2]] = found[2]
        if group:
            flush()
        out.write("</rdf:RDF>\n")
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
