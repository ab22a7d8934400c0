"""The shapes of the native SHACL engine: a SHACL shapes graph (``ontology/shapes.ttl``) in, compiled
:class:`Shape` objects out.

:func:`compile_shapes` reads the shapes at run time and fails (:class:`UnsupportedShape`, naming the component) on
anything the engine does not implement, so that a new kind of constraint in shapes.ttl can never pass silently.

Implemented: targets sh:targetClass (with ``rdfs:subClassOf*``) and sh:targetSubjectsOf; sh:property with
sh:path (an IRI, or sh:oneOrMorePath / sh:zeroOrMorePath / sh:zeroOrOnePath / sequence / sh:alternativePath of
those); sh:datatype, sh:minCount, sh:maxCount, sh:class, sh:nodeKind, sh:pattern (+ sh:flags i and m), sh:in,
sh:minInclusive, sh:maxInclusive, sh:lessThan, sh:lessThanOrEquals, sh:hasValue, sh:qualifiedValueShape with
sh:qualifiedMinCount / sh:qualifiedMaxCount, sh:or; sh:severity and sh:message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Namespace, URIRef

from kg.config import ONTOLOGY_DIR
from kg.errors import KGError
from kg.validate.data_graph import ox_term

SH = Namespace("http://www.w3.org/ns/shacl#")
#: The shapes the graph is validated against.
SHAPES = ONTOLOGY_DIR / "shapes.ttl"

#: sh: predicates that only describe a shape (or are handled with the component they belong to).
_DESCRIPTIVE = {SH.name, SH.description, SH.order, SH.group, SH.message, SH.severity, SH.path,
                SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.targetClass, SH.targetSubjectsOf,
                SH.property}
#: Components whose pySHACL default message (no sh:message on the shape) we reproduce.
_WORDED = {SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"], SH.pattern}
_IRI, _LITERAL, _BLANK = ox.NamedNode, ox.Literal, ox.BlankNode
_KINDS = {SH.IRI: (_IRI,), SH.Literal: (_LITERAL,), SH.BlankNode: (_BLANK,), SH.BlankNodeOrIRI: (_BLANK, _IRI),
          SH.BlankNodeOrLiteral: (_BLANK, _LITERAL), SH.IRIOrLiteral: (_IRI, _LITERAL)}


def shapes_graph(path: Path = SHAPES) -> Graph:
    """The SHACL shapes."""
    return Graph().parse(path, format="turtle")


class UnsupportedShape(KGError):
    """The shapes graph uses something the native validator does not implement."""


@dataclass
class Constraint:
    component: URIRef  # the parameter that names it (sh:minCount, sh:class, ...)
    value: object  # its value, prepared: int, term, compiled regex, list, Shape, list of Shapes
    extra: object = None  # sh:qualifiedMinCount/MaxCount for sh:qualifiedValueShape
    term: object = None  # the parameter's value as written in the shapes graph

    def __post_init__(self) -> None:
        kinds = {SH.minCount: "min", SH.maxCount: "max", SH.hasValue: "has", SH.qualifiedValueShape: "qualified",
                 SH.lessThan: "lt", SH.lessThanOrEquals: "le"}
        self.kind = kinds.get(self.component, "value")


@dataclass(eq=False)
class Shape:
    node: object
    path: object = None  # the sh:path term (for results), or None for a node shape
    steps: object = None  # the compiled path
    severity: str = "Violation"
    message: str | None = None
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    target_classes: list = field(default_factory=list)  # pyoxigraph NamedNodes, as the data's terms
    target_subjects_of: list = field(default_factory=list)


# ---- compiling the shapes graph ----


def compile_shapes(shapes: Graph) -> list[Shape]:
    """The shapes of ``shapes`` that have targets, compiled (with their property and nested shapes).

    Raises:
        UnsupportedShape: a shape uses a component, target or path this module does not implement.
    """
    compiled: dict = {}
    targeted = set()
    for predicate in (SH.targetClass, SH.targetSubjectsOf):
        targeted.update(shapes.subjects(predicate, None))
    for predicate in (SH.targetNode, SH.targetObjectsOf):
        for node in shapes.subjects(predicate, None):
            raise UnsupportedShape(f"{_name(shapes, predicate)} (shape {node}) is not supported by the native "
                                   "SHACL validator; use KG_SHACL=pyshacl")
    for node in shapes.subjects(RDF.type, RDFS.Class):
        if (node, RDF.type, SH.NodeShape) in shapes:
            raise UnsupportedShape(f"implicit class targets (shape {node} is an rdfs:Class) are not supported")
    return [_compile(shapes, node, compiled, nested=False) for node in sorted(targeted, key=str)]


def _name(shapes: Graph, term) -> str:
    try:
        return shapes.namespace_manager.normalizeUri(term)
    except ValueError:
        return str(term)


def _compile(shapes: Graph, node, compiled: dict, nested: bool) -> Shape:
    key = (node, nested)
    if key in compiled:
        return compiled[key]
    shape = Shape(node)
    compiled[key] = shape
    for predicate in set(shapes.predicates(node, None)):
        if str(predicate).startswith(str(SH)) and predicate not in _DESCRIPTIVE and predicate not in _COMPILERS:
            raise UnsupportedShape(f"{_name(shapes, predicate)} (in shape {node}) is not supported by the native "
                                   "SHACL validator; use KG_SHACL=pyshacl")
    path = shapes.value(node, SH.path)
    if path is not None:
        shape.path, shape.steps = path, _compile_path(shapes, path)
    severity = shapes.value(node, SH.severity)
    if severity is not None:
        shape.severity = str(severity).rsplit("#", 1)[-1]
    messages = list(shapes.objects(node, SH.message))
    if len(messages) > 1:
        raise UnsupportedShape(f"shape {node} has {len(messages)} sh:message values; the native validator "
                               "reports one")
    shape.message = str(messages[0]) if messages else None
    shape.target_classes = [ox_term(c) for c in sorted(shapes.objects(node, SH.targetClass), key=str)]
    shape.target_subjects_of = [ox_term(p) for p in sorted(shapes.objects(node, SH.targetSubjectsOf), key=str)]
    for predicate, compile_one in _COMPILERS.items():
        values = list(shapes.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShape(f"shape {node} has {len(values)} values of {_name(shapes, predicate)}; the "
                                   "native validator takes one")
        if values:
            constraint = compile_one(shapes, node, values[0], compiled)
            if not nested and shape.message is None and predicate not in _WORDED:
                raise UnsupportedShape(f"{_name(shapes, predicate)} without sh:message (shape {node}): the native "
                                       "validator does not word pySHACL's default message for it")
            extra = None
            if predicate == SH.qualifiedValueShape:
                extra = tuple(None if shapes.value(node, p) is None else int(shapes.value(node, p))
                              for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount))
            shape.constraints.append(Constraint(predicate, constraint, extra, values[0]))
    shape.properties = [_compile(shapes, p, compiled, nested) for p in sorted(shapes.objects(node, SH.property),
                                                                              key=str)]
    if shape.path is not None and shape.properties:
        raise UnsupportedShape(f"sh:property inside the property shape {node} is not supported")
    if shape.path is None and any(c.component in (SH.minCount, SH.maxCount, SH.lessThan, SH.lessThanOrEquals,
                                                  SH.qualifiedValueShape) for c in shape.constraints):
        raise UnsupportedShape(f"node shape {node} uses a property-shape-only component")
    return shape


def _compile_path(shapes: Graph, path):
    """``("iri", p)``, ``("seq", [...])``, ``("alt", [...])``, ``("+", step)``, ``("*", step)``, ``("?", step)``."""
    if isinstance(path, URIRef):
        return ("iri", ox_term(path))
    for predicate, kind in ((SH.oneOrMorePath, "+"), (SH.zeroOrMorePath, "*"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return (kind, _compile_path(shapes, inner))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return ("alt", [_compile_path(shapes, p) for p in shapes.items(alternatives)])
    if shapes.value(path, RDF.first) is not None:
        return ("seq", [_compile_path(shapes, p) for p in shapes.items(path)])
    kinds = sorted(_name(shapes, p) for p in shapes.predicates(path, None))
    raise UnsupportedShape(f"SHACL path {path} ({', '.join(kinds)}) is not supported by the native validator")


def _int(shapes, node, value, compiled) -> int:
    return int(value)


def _term(shapes, node, value, compiled):
    return value


def _data_term(shapes, node, value, compiled):
    return ox_term(value)


def _kind(shapes, node, value, compiled):
    if value not in _KINDS:
        raise UnsupportedShape(f"sh:nodeKind {value} (shape {node}) is not a SHACL node kind")
    return _KINDS[value]


def _pattern(shapes, node, value, compiled):
    flags = 0
    for letter in str(shapes.value(node, SH.flags) or "").lower():
        if letter not in "im":  # the two flags pySHACL honours (it ignores the others)
            raise UnsupportedShape(f"sh:flags {letter!r} (shape {node}) is not supported")
        flags |= {"i": re.IGNORECASE, "m": re.MULTILINE}[letter]
    return re.compile(str(value), flags)


def _list(shapes, node, value, compiled):
    return list(shapes.items(value))


def _nested(shapes, node, value, compiled):
    return _compile(shapes, value, compiled, nested=True)


def _nested_list(shapes, node, value, compiled):
    return [_compile(shapes, item, compiled, nested=True) for item in shapes.items(value)]


_COMPILERS = {SH.minCount: _int, SH.maxCount: _int, SH.datatype: _term, SH["class"]: _data_term,
              SH.nodeKind: _kind, SH.pattern: _pattern, SH["in"]: _list, SH.minInclusive: _term,
              SH.maxInclusive: _term, SH.lessThan: _data_term, SH.lessThanOrEquals: _data_term, SH.hasValue: _data_term,
              SH.qualifiedValueShape: _nested, SH["or"]: _nested_list}
