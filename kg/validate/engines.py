"""Validating one graph: an rdflib graph (ontology + asserted ABox) and the shapes in, a
:class:`~kg.validate.results.ValidationResult` out, from either engine.

Two engines give the same problems: ``native`` (the default; :mod:`kg.validate.native`, compiled from the shapes
graph by :mod:`kg.validate.shapes`) and ``pyshacl``; the environment variable ``KG_SHACL`` (or ``kg validate
--engine``) picks one. The data graph is the *asserted* graph: the ontology plus every article graph, never the
inferred graph. It holds the TBox, so ``sh:targetClass ng:Event`` also reaches a ``ng:Riot`` through
``rdfs:subClassOf``. Violations stop ``kg build`` (:func:`check`); warnings are reported and let it go on.
"""

from __future__ import annotations

import logging
import os

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef

from kg.errors import KGError
from kg.validate.data_graph import rdflib_term
from kg.validate.results import Problem, ValidationResult, gate, summarize
from kg.validate.shapes import SH, shapes_graph

logger = logging.getLogger(__name__)

#: The validation engines (``KG_SHACL``): our own SHACL Core subset, or pySHACL.
ENGINES = ("native", "pyshacl")


def engine(name: str | None = None) -> str:
    """The validation engine: ``name`` if given, else ``KG_SHACL``, else ``native``.

    Raises:
        KGError: not one of :data:`ENGINES`.
    """
    name = (name or os.environ.get("KG_SHACL") or "native").strip().lower()
    if name not in ENGINES:
        raise KGError(f"unknown SHACL engine {name!r} (KG_SHACL / --engine): choose {' or '.join(ENGINES)}")
    return name


def _prefixes_of(graph: Graph) -> Graph:
    """An empty graph with the prefixes of ``graph`` (where :func:`_short` names terms, leaving ``graph`` alone)."""
    ns = Graph()
    for prefix, namespace in graph.namespaces():
        ns.bind(prefix, namespace, override=False)
    return ns


def _short(graph: Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except ValueError:
            return str(term)
    return str(term)


def validate(data: Graph, shapes: Graph | None = None, focus: list[str] | None = None,
             inplace: bool = False, engine_name: str | None = None) -> ValidationResult:
    """Validate ``data`` (ontology + asserted ABox) against the shapes.

    Args:
        data: the graph to check; it should hold the ontology too, for subclass targets.
        shapes: the shapes graph (default: ``ontology/shapes.ttl``).
        focus: if given, only these IRIs are validated, as targets and as the value nodes of nested shapes
            (pySHACL's ``focus_nodes``).
        inplace: let pySHACL work on ``data`` itself rather than a copy (it adds nothing without inference).
        engine_name: ``native`` or ``pyshacl`` (default: :func:`engine`).

    Returns:
        The problems found, violations and warnings.
    """
    shapes = shapes if shapes is not None else shapes_graph()
    if engine(engine_name) == "native":
        from kg.validate.data_graph import TripleIndex
        from kg.validate.shapes import compile_shapes

        found = set(focus) if focus is not None else None
        problems = native_problems(compile_shapes(shapes), shapes, TripleIndex.from_rdflib(data), data,
                                   lambda node: found is None or node in found)
        problems += anchor_problems(data)
        return summarize(problems, len(set(data.subjects())))
    if focus is None:
        from pyshacl import validate as shacl_validate

        _, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                      advanced=True, meta_shacl=False, inplace=inplace)
    else:
        report = _focused_report(data, shapes, focus, inplace)
    ns = _prefixes_of(data)
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        problems.append(Problem(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=str(report.value(result, SH.focusNode)),
            path=_short(ns, report.value(result, SH.resultPath)),
            message=str(message) if isinstance(message, Literal) else "does not conform",
            value=_short(ns, report.value(result, SH.value)),
        ))
    problems += anchor_problems(data)
    return summarize(problems, len(set(data.subjects())))


def native_problems(compiled: list, shapes: Graph, data, names: Graph, wanted) -> list[Problem]:
    """The problems :mod:`kg.validate.native` finds with the ``compiled`` shapes in ``data``
    (a :class:`kg.validate.data_graph.TripleIndex`).

    Args:
        shapes: the shapes graph (for pySHACL's default messages).
        names: a graph whose prefixes shorten the focus nodes, paths and values, as ``validate`` does.
        wanted: which focus nodes count (given an IRI or a blank node label).
    """
    from kg.validate.native import message, run

    ns = _prefixes_of(names)
    focus = {node for node in data.spo if wanted(node.value)}
    return [Problem(severity=r.shape.severity, focus=str(rdflib_term(r.focus)), path=_short(ns, r.shape.path),
                    message=message(r, shapes, names),
                    value=_short(ns, None if r.value is None else rdflib_term(r.value)))
            for r in run(compiled, data, focus)]


def _focused_report(data: Graph, shapes: Graph, focus: list[str], inplace: bool) -> Graph:
    """pySHACL's report graph on ``focus`` only (as ``validate(..., focus_nodes=focus)``), with the focus nodes in a
    set: pySHACL keeps them in a list and looks each target up in it, which is quadratic on a batch of articles."""
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.monkey import apply_patches, rdflib_bool_patch, rdflib_bool_unpatch
    from pyshacl.rdfutil import load_from_source
    from pyshacl.validator import Validator

    class FocusValidator(Validator):
        def make_executor(self):
            executor = super().make_executor()
            if executor.focus_nodes:
                executor.focus_nodes = frozenset(executor.focus_nodes)
            return executor

    options = {"inference": "none", "inplace": inplace, "allow_warnings": True, "advanced": True,
               "focus_nodes": focus, "abort_on_first": False}
    apply_patches()
    graph = DataGraph.from_rdflib(load_from_source(data, multigraph=True, do_owl_imports=False))
    rdflib_bool_patch()
    try:
        shacl = load_from_source(shapes, multigraph=True, do_owl_imports=False)
    finally:
        rdflib_bool_unpatch()
    _, report, _ = FocusValidator(graph, shacl_graph=shacl, options=options).run()
    return report


def _lexical(term) -> str:
    """The IRI, blank node label or lexical form of an rdflib or pyoxigraph term."""
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)


def anchor_problems(data) -> list[Problem]:
    """Warnings for text spans whose ``ng:anchorOf`` is not the article's ``ng:text`` between their offsets.

    Offsets count code points, end exclusive (NIF), which is Python string indexing. Spans of articles without
    ``ng:text`` are not checked. (Done here rather than as a SHACL-SPARQL constraint, which pySHACL would
    re-parse once per span.)

    Args:
        data: an rdflib graph or a :class:`kg.validate.data_graph.TripleIndex` (whose terms are pyoxigraph's).
    """
    from kg.rdf.namespaces import NG

    texts = {article: _lexical(text) for article, text in data.subject_objects(NG.text)}
    problems = []
    for span, article in data.subject_objects(NG.inArticle):
        text = texts.get(article)
        anchor, begin, end = (data.value(span, p) for p in (NG.anchorOf, NG.beginIndex, NG.endIndex))
        if text is None or anchor is None or begin is None or end is None:
            continue
        problem = anchor_problem(_lexical(span), _lexical(anchor), _lexical(begin), _lexical(end), text)
        if problem is not None:
            problems.append(problem)
    return problems


def anchor_problem(span: str, anchor: str, begin: str, end: str, text: str) -> Problem | None:
    """The warning of :func:`anchor_problems` for one span (its IRI, the lexical forms of its ``ng:anchorOf``,
    ``ng:beginIndex`` and ``ng:endIndex``, its article's text), or ``None`` when the anchor is the text there."""
    found = text[int(begin):int(end)]
    if found == anchor:
        return None
    return Problem("Warning", span, "ng:anchorOf",
                   "ng:anchorOf is not the article text between ng:beginIndex and ng:endIndex",
                   f"{anchor!r} but the text there is {found!r}")


def check(data: Graph, shapes: Graph | None = None) -> ValidationResult:
    """Validate ``data`` and raise when it violates the shapes; log the warnings.

    Raises:
        ValidationError: at least one sh:Violation; the message lists them.
    """
    return gate(validate(data, shapes))


def rdflib_triple(triple: ox.Triple | ox.Quad) -> tuple:
    """The rdflib (subject, predicate, object) of a pyoxigraph triple or quad."""
    return rdflib_term(triple.subject), URIRef(triple.predicate.value), rdflib_term(triple.object)
