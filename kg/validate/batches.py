"""SHACL validation of the built graph against ``ontology/shapes.ttl``.

Two engines give the same problems: ``native`` (the default; :mod:`kg.validate.shacl`, compiled from the shapes
graph) and ``pyshacl``; the environment variable ``KG_SHACL`` (or ``kg validate --engine``) picks one.

The data graph is the *asserted* graph: the ontology plus every article graph, never the inferred graph. It holds
the TBox, so ``sh:targetClass ng:Event`` also reaches a ``ng:Riot`` through ``rdfs:subClassOf``.
Violations stop ``kg build`` (:func:`check`); warnings are reported and let it go on.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef

from kg.config import ONTOLOGY_DIR
from kg.errors import KGError, StoreError, ValidationError
from kg.rdf.iri import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.rdf.namespaces import new_graph
from kg.store.spool import SubjectIndex, nquad_to_triple
from kg.validate.shacl import SH, rdflib_term

logger = logging.getLogger(__name__)

SHAPES = ONTOLOGY_DIR / "shapes.ttl"
#: The validation engines (``KG_SHACL``): our own SHACL Core subset, or pySHACL.
ENGINES = ("native", "pyshacl")
#: Stands for the default graph in the sorted quads of ``kg validate`` (``kg build`` writes only named graphs).
DEFAULT_GRAPH = "urn:x-kg:default-graph"
#: Subjects per batch of ``kg validate``.
VALIDATE_BATCH = 2000


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


def engine(name: str | None = None) -> str:
    """The validation engine: ``name`` if given, else ``KG_SHACL``, else ``native``.

    Raises:
        KGError: not one of :data:`ENGINES`.
    """
    name = (name or os.environ.get("KG_SHACL") or "native").strip().lower()
    if name not in ENGINES:
        raise KGError(f"unknown SHACL engine {name!r} (KG_SHACL / --engine): choose {' or '.join(ENGINES)}")
    return name


def shapes_graph(path: Path = SHAPES) -> Graph:
    """The SHACL shapes."""
    return Graph().parse(path, format="turtle")


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
        from kg.validate.shacl import TripleIndex, compile_shapes

        found = set(focus) if focus is not None else None
        problems = native_problems(compile_shapes(shapes), shapes, TripleIndex.from_rdflib(data), data,
                                   lambda node: found is None or node in found)
        problems += anchor_problems(data)
        return _result(problems, len(set(data.subjects())))
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
    return _result(problems, len(set(data.subjects())))


def _result(problems: list[Problem], nodes: int, how: str = "") -> ValidationResult:
    problems.sort(key=lambda p: (p.severity != "Violation", p.message, p.focus, p.path, p.value))
    logger.info("validated %d nodes%s: %d problems", nodes, how, len(problems))
    return ValidationResult(problems=problems, nodes=nodes)


def native_problems(compiled: list, shapes: Graph, data, names: Graph, wanted) -> list[Problem]:
    """The problems :mod:`kg.validate.shacl` finds with the ``compiled`` shapes in ``data``
    (a :class:`kg.validate.shacl.TripleIndex`).

    Args:
        shapes: the shapes graph (for pySHACL's default messages).
        names: a graph whose prefixes shorten the focus nodes, paths and values, as ``validate`` does.
        wanted: which focus nodes count (given an IRI or a blank node label).
    """
    from kg.validate.shacl import message, run

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
        data: an rdflib graph or a :class:`kg.validate.shacl.TripleIndex` (whose terms are pyoxigraph's).
    """
    from kg.rdf.namespaces import NG

    texts = {article: _lexical(text) for article, text in data.subject_objects(NG.text)}
    problems = []
    for span, article in data.subject_objects(NG.inArticle):
        text = texts.get(article)
        anchor, begin, end = (data.value(span, p) for p in (NG.anchorOf, NG.beginIndex, NG.endIndex))
        if text is None or anchor is None or begin is None or end is None:
            continue
        found = text[int(_lexical(begin)):int(_lexical(end))]
        if found != _lexical(anchor):
            problems.append(Problem("Warning", _lexical(span), "ng:anchorOf",
                                    "ng:anchorOf is not the article text between ng:beginIndex and ng:endIndex",
                                    f"{_lexical(anchor)!r} but the text there is {found!r}"))
    return problems


def check(data: Graph, shapes: Graph | None = None) -> ValidationResult:
    """Validate ``data`` and raise when it violates the shapes; log the warnings.

    Raises:
        ValidationError: at least one sh:Violation; the message lists them.
    """
    return gate(validate(data, shapes))


def gate(result: ValidationResult) -> ValidationResult:
    """Raise when ``result`` has a violation (the message lists them); log its warnings.

    Raises:
        ValidationError: at least one sh:Violation.
    """
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
    path = _built(path)
    graph = new_graph()
    with path.open("rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.endswith(INFERRED_GRAPH):
                continue
            graph.add(rdflib_triple(quad))
    return graph


def _built(path: str | Path) -> Path:
    """``path``, a file ``kg build`` writes, as a Path.

    Raises:
        StoreError: it does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path} does not exist: run `kg build` first (or give --out the build folder)")
    return path


def rdflib_triple(triple: ox.Triple | ox.Quad) -> tuple:
    """The rdflib (subject, predicate, object) of a pyoxigraph triple or quad."""
    return rdflib_term(triple.subject), URIRef(triple.predicate.value), rdflib_term(triple.object)


def validate_build(out: str | Path, engine_name: str | None = None, batch: int | None = None) -> ValidationResult:
    """Validate the asserted graphs of ``<out>/kg.nq``, as written by ``kg build``, in batches as the build does.

    The asserted quads are sorted on disk (:class:`kg.store.spool.SortedSpool`) into a subject index in a temporary
    folder inside ``out`` (if it is writable), then validated ``batch`` subjects at a time
    (:func:`validate_in_batches`), so memory stays bounded however large the build. The result is the one of
    validating the whole asserted graph at once, with either engine. Only a file with blank-node subjects
    outside the ontology graph (``kg build`` writes none) is validated whole: a batch names its subjects by IRI.

    Raises:
        StoreError: there is no ``kg.nq`` in ``out``.
    """
    import tempfile

    from kg.store.spool import SortedSpool, chunks

    nquads = _built(Path(out) / "kg.nq")
    batch = batch or VALIDATE_BATCH
    # beside kg.nq, where there is room for a copy of it; in the system temporary folder if out is read-only
    with tempfile.TemporaryDirectory(prefix=".validate-", dir=out if os.access(out, os.W_OK) else None) as work:
        spool = SortedSpool(Path(work) / "spool")
        ontology = new_graph()
        blank_subjects = False

        def asserted() -> Iterator[str]:
            nonlocal blank_subjects
            with nquads.open("rb") as stream:
                for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
                    name = quad.graph_name
                    if isinstance(name, ox.NamedNode):
                        if name.value.endswith(INFERRED_GRAPH):
                            continue
                        if name.value.endswith(ONTOLOGY_GRAPH):
                            ontology.add(rdflib_triple(quad))
                        elif isinstance(quad.subject, ox.BlankNode):
                            blank_subjects = True
                        yield f"{quad} .\n"
                    else:  # the default graph: batch_triples drops a graph name, so give it one
                        blank_subjects = blank_subjects or isinstance(quad.subject, ox.BlankNode)
                        yield f"{quad} <{DEFAULT_GRAPH}> .\n"

        try:
            spool.add(asserted())
            if blank_subjects:
                logger.warning("%s has blank-node subjects outside the ontology graph: validating it whole", nquads)
                return validate(asserted_graph_from_nquads(nquads), engine_name=engine_name)
            index = SubjectIndex(Path(work) / "asserted.nq")
            try:
                index.write(spool)
                spool.close()
                iris = (term[1:-1] for (term,) in index.db.execute("SELECT term FROM subject ORDER BY term")
                        if term.startswith("<"))
                return validate_in_batches(index, ontology, chunks(iris, batch), engine_name=engine_name)
            finally:
                index.close()
        finally:
            spool.close()


# ---- validation in batches, from sorted N-Quads ----
#
# Every shape in shapes.ttl looks at a focus node's own (outgoing) triples, at the rdf:type of the nodes they point
# to, and at the ontology (subclass targets, sh:class); the anchor check also reads the ng:text of a span's article.
# So a focus node gets exactly the whole-graph result when the data graph holds the ontology, all of its own triples
# (from every named graph), those types and that text. A batch is a set of subjects (those of a few article graphs);
# its data graph is read from the sorted asserted N-Quads (:class:`kg.store.spool.SubjectIndex`), and only the results
# about the batch's own subjects count. tests/test_validate_batches.py checks this against validating the whole
# graph at once.


def batch_triples(index: SubjectIndex, subjects: Iterable[str]) -> Iterator[str]:
    """What validating ``subjects`` (IRIs) needs, as N-Triples lines from ``index`` (the asserted quads, sorted).

    Their own triples (from every graph), the ``rdf:type`` of the nodes those point to, and the ``ng:text`` of the
    articles of text spans; each triple once.
    """
    from kg.rdf.namespaces import NG

    rdf_type, in_article, text = (f"<{term}>" for term in (RDF.type, NG.inArticle, NG.text))
    seen: set[str] = set()
    objects: set[str] = set()
    articles: set[str] = set()

    inferred = INFERRED_GRAPH + "> .\n"

    def triples(subject: str, predicate: str | None = None) -> Iterator[tuple[str, str, str, str]]:
        for line in index.lines(subject):
            # the predicate first: most lines of the nodes pointed to are not the one predicate looked for
            if predicate is not None and line.split(" ", 2)[1] != predicate:
                continue
            if line.endswith(inferred):
                continue
            triple = nquad_to_triple(line)
            if triple not in seen:
                seen.add(triple)
                s, p, o = triple[:-3].split(" ", 2)
                yield triple, s, p, o

    for subject in subjects:
        for triple, _, p, o in triples(f"<{subject}>"):
            if o.startswith(("<", "_:")):
                objects.add(o)
                if p == in_article:
                    articles.add(o)
            yield triple
    for node in sorted(objects):
        yield from (t[0] for t in triples(node, rdf_type))
    for node in sorted(articles):
        yield from (t[0] for t in triples(node, text))


_BATCH: dict = {}


def _batch_init(ontology_nt: bytes, engine_name: str | None = None) -> None:
    """In a validation worker: parse the ontology and the shapes once (and compile them, for the native engine)."""
    triples = list(ox.parse(ontology_nt, format=ox.RdfFormat.N_TRIPLES))
    _BATCH["shapes"] = shapes_graph()
    _BATCH["engine"] = engine(engine_name)
    if _BATCH["engine"] != "native":
        _BATCH["ontology"] = [rdflib_triple(t) for t in triples]
    else:
        from kg.validate.shacl import compile_shapes

        _BATCH["compiled"] = compile_shapes(_BATCH["shapes"])
        _BATCH["ontology_ox"] = [(t.subject, t.predicate, t.object) for t in triples]
        _BATCH["names"] = new_graph()


def validate_subjects(data_nt: bytes, subjects: list[str], restrict: bool = True) -> list[Problem]:
    """The problems about ``subjects`` in the ontology plus ``data_nt`` (N-Triples from :func:`batch_triples`).

    With ``restrict``, pySHACL only visits the subjects' IRIs and the classes the data names (the value nodes of
    the nested shape on ``rdf:type``), not the other nodes the data mentions. The native engine checks only the
    subjects as focus nodes and nested shapes wherever they lead.
    """
    if "shapes" not in _BATCH:
        raise RuntimeError("validate_subjects runs after _batch_init")
    mine = set(subjects)
    data = ox.parse(data_nt, format=ox.RdfFormat.N_TRIPLES)
    if _BATCH["engine"] == "native":
        from kg.validate.shacl import TripleIndex

        index = TripleIndex(_BATCH["ontology_ox"])
        for triple in data:
            index.add(triple.subject, triple.predicate, triple.object)
        problems = native_problems(_BATCH["compiled"], _BATCH["shapes"], index, _BATCH["names"],
                                   mine.__contains__)
        return problems + [p for p in anchor_problems(index) if p.focus in mine]
    graph = new_graph()
    for triple in _BATCH["ontology"]:
        graph.add(triple)
    for triple in data:
        graph.add(rdflib_triple(triple))
    focus = None
    if restrict:
        classes = {str(o) for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
        focus = sorted({s for s in subjects if ":" in s} | classes)
    return [p for p in validate(graph, _BATCH["shapes"], focus, inplace=True, engine_name="pyshacl").problems
            if p.focus in mine]


def validate_in_batches(index: SubjectIndex, ontology: Graph, batches: Iterable[list[str]],
                        jobs: int = 1, engine_name: str | None = None) -> ValidationResult:
    """Validate the asserted graphs in ``index`` batch by batch, with the same result as validating them at once.

    Args:
        index: the ontology and every asserted graph as sorted N-Quads (an inferred graph is ignored).
        ontology: the ontology graph (part of every batch's data graph).
        batches: lists of subject IRIs; together they must cover every subject of the asserted graphs
            (the ontology's own subjects are checked first, on their own).
        jobs: worker processes (``1``: in this process).
        engine_name: ``native`` or ``pyshacl`` (default: :func:`engine`).

    Returns:
        The problems, each focus node's once, sorted as :func:`validate` sorts them.
    """
    from concurrent.futures import ProcessPoolExecutor

    from kg.store.stores import to_ox_quads

    engine_name = engine(engine_name)
    ontology_nt = ox.serialize((q.triple for q in to_ox_quads(ontology)), format=ox.RdfFormat.N_TRIPLES)
    own = {str(s) for s in ontology.subjects()}
    found: dict[str, list[Problem]] = {}

    def collect(problems: list[Problem]) -> None:
        by_focus: dict[str, list[Problem]] = {}
        for problem in problems:
            by_focus.setdefault(problem.focus, []).append(problem)
        for focus, items in by_focus.items():
            found.setdefault(focus, items)

    def work() -> Iterator[tuple[bytes, list[str], bool]]:
        # the ontology's own subjects first, unrestricted (its blank nodes cannot be named as pySHACL focus nodes)
        subjects = sorted(own)
        iris = [s for s in subjects if ":" in s]
        yield "".join(batch_triples(index, iris)).encode("utf-8"), subjects, False
        for batch in batches:
            yield "".join(batch_triples(index, batch)).encode("utf-8"), list(batch), True

    if jobs <= 1:
        _batch_init(ontology_nt, engine_name)
        for data, subjects, restrict in work():
            collect(validate_subjects(data, subjects, restrict))
    else:
        import multiprocessing
        from collections import deque

        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_batch_init, initargs=(ontology_nt, engine_name)) as pool:
            pending: deque = deque()
            for data, subjects, restrict in work():
                pending.append(pool.submit(validate_subjects, data, subjects, restrict))
                while len(pending) > 2 * jobs:
                    collect(pending.popleft().result())
            while pending:
                collect(pending.popleft().result())
    return _result([p for items in found.values() for p in items], len(index), " in batches")
