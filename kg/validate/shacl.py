"""A SHACL Core validator for the subset of components ``ontology/shapes.ttl`` uses, without pySHACL.

The shapes are read at run time: :func:`compile_shapes` turns the shapes graph into :class:`Shape` objects and fails
(:class:`UnsupportedShape`, naming the component) on anything it does not implement, so that a new kind of
constraint in shapes.ttl can never pass silently. :class:`TripleIndex` holds the data graph (ontology plus asserted
triples) as dictionaries of pyoxigraph terms; :func:`run` evaluates every shape on its targets in plain Python, and
turns into rdflib terms only the literals a value check reads (and the nodes of a result).

Why not SPARQL over an Oxigraph store: the store normalises typed literals (``"5"^^xsd:nonNegativeInteger`` comes
back as an ``xsd:integer``, ``"01"`` as ``"1"``) and renames blank nodes, which would change what sh:datatype,
sh:hasValue and sh:maxCount see. The checks below work on the terms as written (parsed by pyoxigraph's parser,
which keeps them), with pySHACL's rules for literals (rdflib's ill-typed flag, its literal ordering), so that the
results are the same as pySHACL's; ``tests/test_shacl_native.py`` compares the two.

Implemented: targets sh:targetClass (with ``rdfs:subClassOf*``) and sh:targetSubjectsOf; sh:property with
sh:path (an IRI, or sh:oneOrMorePath / sh:zeroOrMorePath / sh:zeroOrOnePath / sequence / sh:alternativePath of
those); sh:datatype, sh:minCount, sh:maxCount, sh:class, sh:nodeKind, sh:pattern (+ sh:flags i and m), sh:in,
sh:minInclusive, sh:maxInclusive, sh:lessThan, sh:lessThanOrEquals, sh:hasValue, sh:qualifiedValueShape with
sh:qualifiedMinCount / sh:qualifiedMaxCount, sh:or; sh:severity and sh:message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

from kg.errors import KGError

SH = Namespace("http://www.w3.org/ns/shacl#")

_TYPE, _SUBCLASS = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.subClassOf))
#: sh: predicates that only describe a shape (or are handled with the component they belong to).
_DESCRIPTIVE = {SH.name, SH.description, SH.order, SH.group, SH.message, SH.severity, SH.path,
                SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.targetClass, SH.targetSubjectsOf,
                SH.property}
#: Components whose pySHACL default message (no sh:message on the shape) we reproduce.
_WORDED = {SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"], SH.pattern}
_IRI, _LITERAL, _BLANK = ox.NamedNode, ox.Literal, ox.BlankNode
_KINDS = {SH.IRI: (_IRI,), SH.Literal: (_LITERAL,), SH.BlankNode: (_BLANK,), SH.BlankNodeOrIRI: (_BLANK, _IRI),
          SH.BlankNodeOrLiteral: (_BLANK, _LITERAL), SH.IRIOrLiteral: (_IRI, _LITERAL)}


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
        self.test = _VALUE_TESTS.get(self.component)


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


@dataclass(frozen=True)
class Result:
    """One validation result: focus and value are data (pyoxigraph) terms."""

    shape: Shape
    focus: object
    component: URIRef
    value: object = None


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


# ---- the data graph ----


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

    def targets(self, shape: Shape) -> set:
        found = set()
        for cls in shape.target_classes:
            found |= self.instances(cls)
        for predicate in shape.target_subjects_of:
            found |= self.by_predicate.get(predicate, set())
        return found

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


# ---- checking ----


def run(shapes: list[Shape], data: TripleIndex, focus: set | None = None) -> Iterator[Result]:
    """Every result of ``shapes`` on their targets in ``data`` (only the targets in ``focus``, if given)."""
    checker = _Checker(data)
    for shape in shapes:
        targets = data.targets(shape)
        if focus is not None:
            targets &= focus
        for node in targets:
            yield from checker.check(shape, node)


class _Checker:
    def __init__(self, data: TripleIndex) -> None:
        self.data = data
        self._conforms: dict = {}
        self._verdicts: dict = {}
        self._rdflib: dict = {}

    def rdf(self, term):
        """The rdflib term of a data term (converted once)."""
        found = self._rdflib.get(term)
        if found is None:
            found = self._rdflib[term] = rdflib_term(term)
        return found

    def conforms(self, node, shape: Shape) -> bool:
        key = (id(shape), node)
        if key not in self._conforms:
            self._conforms[key] = next(self.check(shape, node), None) is None
        return self._conforms[key]

    def check(self, shape: Shape, focus) -> Iterator[Result]:
        values = self.data.values(focus, shape.steps) if shape.steps is not None else {focus}
        for c in shape.constraints:
            for value in self._failing(c, shape, focus, values):
                yield Result(shape, focus, c.component, value)
        for prop in shape.properties:
            yield from self.check(prop, focus)

    def _failing(self, c: Constraint, shape: Shape, focus, values: set) -> Iterator:
        """The value nodes that fail ``c`` (``None`` for a result about the focus node without a value)."""
        kind, arg = c.kind, c.value
        if kind == "value":  # the verdict on a value node depends on the node only: each is tested once
            test, verdicts, key = c.test, self._verdicts, id(c)
            for v in values:
                ok = verdicts.get((key, v))
                if ok is None:
                    ok = verdicts[key, v] = test(self, v, arg)
                if not ok:
                    yield v
        elif kind == "min":
            if len(values) < arg:
                yield None
        elif kind == "max":
            if len(values) > arg:
                yield None
        elif kind == "has":
            if arg not in values:
                yield None
        elif kind == "qualified":
            count = sum(1 for v in values if self.conforms(v, arg))
            low, high = c.extra
            if (low is not None and count < low) or (high is not None and count > high):
                yield None
        else:  # "lt", "le"
            others = self.data.objects(focus, arg)
            for v in values:
                for other in others:
                    if not _pair_ok(self.rdf(v), self.rdf(other), strict=kind == "lt"):
                        yield v


def _datatype_ok(checker, v, datatype) -> bool:
    return isinstance(v, _LITERAL) and _literal_has_datatype(checker.rdf(v), datatype)


def _literal_has_datatype(v: Literal, datatype) -> bool:
    """pySHACL's sh:datatype rule: the datatype matches and rdflib could read the lexical form as that type."""
    if v.datatype == datatype:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _value_fits(v.value, datatype)
    if datatype == RDFS.Literal:
        return True
    if v.datatype is None and v.language is None and datatype == XSD.string:
        return True
    return bool(datatype == RDF.langString and v.language)


_PYTHON_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: (int,),
                 XSD.float: (float,), XSD.decimal: (Decimal,), XSD.boolean: (bool,), XSD.date: (date,),
                 XSD.time: (time,), XSD.dateTime: (datetime,)}


def _value_fits(value, datatype) -> bool:
    expected = _PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(value, expected)


def _kind_ok(checker, v, kinds) -> bool:
    return isinstance(v, kinds)


def _class_ok(checker, v, cls) -> bool:
    return not isinstance(v, _LITERAL) and checker.data.has_class(v, cls)


def _pattern_ok(checker, v, regex) -> bool:
    v = checker.rdf(v)
    if isinstance(v, BNode):
        return False
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        text = str(v.value)
    else:
        text = str(v)
    return regex.search(text) is not None


def _in_ok(checker, v, allowed) -> bool:
    return checker.rdf(v) in allowed


def _or_ok(checker, v, shapes) -> bool:
    return any(checker.conforms(v, s) for s in shapes)


def _bound_ok(v, bound, ok) -> bool:
    """pySHACL's range rule: strings compare only with strings, other literals by rdflib's order."""
    if not isinstance(v, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        return ok(_compare(v, bound))
    except (TypeError, NotImplementedError):
        return False


def _compare(a: Literal, b: Literal) -> int:
    if a.eq(b):
        return 0
    if isinstance(a.value, (datetime, date, time)):
        if a.value == b.value:
            return 0
        return 1 if a.value > b.value else -1
    return 1 if a > b else -1


def _min_ok(checker, v, bound) -> bool:
    return _bound_ok(checker.rdf(v), bound, lambda cmp: cmp >= 0)


def _max_ok(checker, v, bound) -> bool:
    return _bound_ok(checker.rdf(v), bound, lambda cmp: cmp <= 0)


def _pair_ok(v, other, strict: bool) -> bool:
    """pySHACL's sh:lessThan / sh:lessThanOrEquals rule for one value and one value of the other property."""
    if isinstance(v, BNode) or isinstance(other, BNode):
        return False
    left, left_str = _comparable(v)
    right, right_str = _comparable(other)
    if left_str != right_str:
        return False
    try:
        return bool(left < right) if strict else bool(left <= right)
    except TypeError:
        return False


def _comparable(term):
    if isinstance(term, URIRef):
        return str(term), True
    if isinstance(term, Literal) and isinstance(term.value, str):
        return term.value, True
    return term, False


def message(result: Result, shapes: Graph, data_names: Graph) -> str:
    """The result's sh:message, or the words pySHACL uses when the shape has none.

    Args:
        shapes: the shapes graph (its prefixes name paths, datatypes, classes).
        data_names: a graph whose prefixes name the focus node, as pySHACL's data graph would.
    """
    shape, c = result.shape, _constraint(result)
    if shape.message is not None:
        return shape.message
    shapes.namespace_manager.bind("sh", SH, override=False, replace=False)

    def name(term, graph: Graph) -> str:
        return term.n3(namespace_manager=graph.namespace_manager) if isinstance(term, URIRef) else str(term)

    where = name(rdflib_term(result.focus), data_names)
    if shape.path is not None:
        where += f"->{name(shape.path, shapes)}"
    words = {SH.minCount: lambda: f"Less than {c.value} values on {where}",
             SH.maxCount: lambda: f"More than {c.value} values on {where}",
             SH.datatype: lambda: f"Value is not Literal with datatype {name(c.term, shapes)}",
             SH.nodeKind: lambda: f"Value is not of Node Kind {name(c.term, shapes)}",
             SH["class"]: lambda: f"Value does not have class {name(c.term, shapes)}",
             SH.pattern: lambda: f"Value does not match pattern '{c.term}'"}
    return words[result.component]()


def _constraint(result: Result) -> Constraint:
    return next(c for c in result.shape.constraints if c.component == result.component)


_VALUE_TESTS = {SH.datatype: _datatype_ok, SH.nodeKind: _kind_ok, SH["class"]: _class_ok, SH.pattern: _pattern_ok,
                SH["in"]: _in_ok, SH["or"]: _or_ok, SH.minInclusive: _min_ok, SH.maxInclusive: _max_ok}
