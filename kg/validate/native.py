"""The native SHACL engine's checks: compiled shapes (:mod:`kg.validate.shapes`) and a data graph
(:class:`~kg.validate.data_graph.TripleIndex`) in, validation :class:`Result` objects and their messages out.

:func:`run` evaluates every shape on its targets in plain Python, and turns into rdflib terms only the literals a
value check reads (and the nodes of a result). The checks follow pySHACL's rules for literals (rdflib's ill-typed
flag, its literal ordering), so that the results are the same as pySHACL's; ``tests/test_shacl_native.py``
compares the two.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from kg.validate.data_graph import TripleIndex, rdflib_term
from kg.validate.shapes import SH, Constraint, Shape

_LITERAL = ox.Literal


@dataclass(frozen=True)
class Result:
    """One validation result: focus and value are data (pyoxigraph) terms."""

    shape: Shape
    focus: object
    component: URIRef
    value: object = None


def targets(data: TripleIndex, shape: Shape) -> set:
    """The focus nodes of ``shape`` in ``data``: instances of its target classes, subjects of its predicates."""
    found = set()
    for cls in shape.target_classes:
        found |= data.instances(cls)
    for predicate in shape.target_subjects_of:
        found |= data.by_predicate.get(predicate, set())
    return found


def run(shapes: list[Shape], data: TripleIndex, focus: set | None = None) -> Iterator[Result]:
    """Every result of ``shapes`` on their targets in ``data`` (only the targets in ``focus``, if given)."""
    checker = _Checker(data)
    for shape in shapes:
        found = targets(data, shape)
        if focus is not None:
            found &= focus
        for node in found:
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
            test, verdicts, key = _VALUE_TESTS[c.component], self._verdicts, id(c)
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
