"""SHACL validation of the built graph (pySHACL with ``ontology/shapes.ttl``).

The data graph is the *asserted* graph: the ontology plus every article graph, never the inferred graph. It holds
the TBox, so ``sh:targetClass ng:Event`` also reaches a ``ng:Riot`` through ``rdfs:subClassOf``.
Violations stop ``kg build`` (:func:`check`); warnings are reported and let it go on.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from .config import ONTOLOGY_DIR
from .errors import StoreError, ValidationError

logger = logging.getLogger(__name__)

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
#: Named graphs left out of validation and of the Protégé file: what the reasoner added.
INFERRED_SUFFIX = "graph/inferred"


@dataclass(frozen=True)
class Problem:
    """One SHACL result, in words."""

    severity: str
    focus: str
    path: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: <{self.focus}>{where}: {self.message}{value}"


@dataclass
class ValidationResult:
    """What validation found.

    Attributes:
        problems: every violation and warning, sorted.
        nodes: how many subjects the data graph has (for the summary line).
    """

    problems: list[Problem] = field(default_factory=list)
    nodes: int = 0

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings allowed)."""
        return not self.violations

    def text(self, limit: int = 20) -> str:
        """A readable report: a summary line, then the first ``limit`` problems, violations first."""
        lines = [f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s) "
                 f"in {self.nodes} nodes checked against {SHAPES.name}"]
        by_message = Counter((p.severity, p.message) for p in self.problems)
        shown = self.violations[:limit] + self.warnings[: max(0, limit - len(self.violations))]
        lines += [f"  {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more; by kind:")
            lines += [f"    {n} x {sev}: {msg}" for (sev, msg), n in sorted(by_message.items())]
        return "\n".join(lines)


def shapes_graph(path: Path = SHAPES) -> Graph:
    """The SHACL shapes."""
    return Graph().parse(path, format="turtle")


def _short(graph: Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except ValueError:
            return str(term)
    return str(term)


def validate(data: Graph, shapes: Graph | None = None) -> ValidationResult:
    """Validate ``data`` (ontology + asserted ABox) against the shapes.

    Args:
        data: the graph to check; it should hold the ontology too, for subclass targets.
        shapes: the shapes graph (default: ``ontology/shapes.ttl``).

    Returns:
        The problems found, violations and warnings.
    """
    from pyshacl import validate as shacl_validate

    shapes = shapes if shapes is not None else shapes_graph()
    _, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                  advanced=True, meta_shacl=False)
    ns = Graph()
    for prefix, namespace in data.namespaces():
        ns.bind(prefix, namespace, override=False)
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
    problems.sort(key=lambda p: (p.severity != "Violation", p.message, p.focus, p.path, p.value))
    nodes = len(set(data.subjects()))
    logger.info("validated %d nodes: %d problems", nodes, len(problems))
    return ValidationResult(problems=problems, nodes=nodes)


def anchor_problems(data: Graph) -> list[Problem]:
    """Warnings for text spans whose ``ng:anchorOf`` is not the article's ``ng:text`` between their offsets.

    Offsets count code points, end exclusive (NIF), which is Python string indexing. Spans of articles without
    ``ng:text`` are not checked. (Done here rather than as a SHACL-SPARQL constraint, which pySHACL would
    re-parse once per span.)
    """
    from .namespaces import NG

    texts = {article: str(text) for article, text in data.subject_objects(NG.text)}
    problems = []
    for span, article in data.subject_objects(NG.inArticle):
        text = texts.get(article)
        anchor, begin, end = (data.value(span, p) for p in (NG.anchorOf, NG.beginIndex, NG.endIndex))
        if text is None or anchor is None or begin is None or end is None:
            continue
        found = text[int(begin):int(end)]
        if found != str(anchor):
            problems.append(Problem("Warning", str(span), "ng:anchorOf",
                                    "ng:anchorOf is not the article text between ng:beginIndex and ng:endIndex",
                                    f"{str(anchor)!r} but the text there is {found!r}"))
    return problems


def check(data: Graph, shapes: Graph | None = None) -> ValidationResult:
    """Validate ``data`` and raise when it violates the shapes; log the warnings.

    Raises:
        ValidationError: at least one sh:Violation; the message lists them.
    """
    result = validate(data, shapes)
    if not result.conforms:
        raise ValidationError(
            "the graph violates the SHACL shapes in ontology/shapes.ttl, so nothing was replaced:\n"
            f"{result.text()}\n"
            "Fix the extractor or the build step that wrote these nodes (or the shape, if the shape is wrong), "
            "then build again.")
    if result.warnings:
        kinds = Counter(p.message for p in result.warnings)
        logger.warning("%d SHACL warning(s) (`kg validate` lists them): %s", len(result.warnings),
                       "; ".join(f"{n} x {message}" for message, n in sorted(kinds.items())))
    return result


def asserted_graph_from_nquads(path: str | Path) -> Graph:
    """The asserted triples of an N-Quads file written by ``kg build`` (every named graph but the inferred one).

    Raises:
        StoreError: the file does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path} does not exist: run `kg build` first (or give --out the build folder)")
    from .namespaces import PREFIXES

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    with path.open("rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.endswith(INFERRED_SUFFIX):
                continue
            graph.add((_to_rdflib(quad.subject), URIRef(quad.predicate.value), _to_rdflib(quad.object)))
    return graph


def _to_rdflib(term):
    from rdflib import BNode

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


def validate_build(out: str | Path) -> ValidationResult:
    """Validate the asserted graphs of ``<out>/kg.nq``, as written by ``kg build``.

    Raises:
        StoreError: there is no ``kg.nq`` in ``out``.
    """
    return validate(asserted_graph_from_nquads(Path(out) / "kg.nq"))
