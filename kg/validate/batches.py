"""Validation in batches: the asserted graphs as sorted N-Quads (:class:`~kg.store.spool.SubjectIndex`) and
batches of their subjects in, one :class:`~kg.validate.results.ValidationResult` out, the same as validating the
whole asserted graph at once (the build's gate runs this, in worker processes).

Every shape in shapes.ttl looks at a focus node's own (outgoing) triples, at the rdf:type of the nodes they point
to, and at the ontology (subclass targets, sh:class); the anchor check also reads the ng:text of a span's article.
So a focus node gets exactly the whole-graph result when the data graph holds the ontology, all of its own triples
(from every named graph), those types and that text. The text of an article is in a batch's data only when the
article is one of the batch's subjects; the spans of other articles are checked where the batches are made, each
text read once for the batches in a row that need it (:class:`_Anchors`). A batch is a set of subjects (those of a
few article graphs); its data graph is read from the sorted asserted N-Quads, and only the results about the batch's
own subjects count.
``tests/test_validate_batches.py`` checks this against validating the whole graph at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from kg.build.heap import give_back
from kg.rdf.iri import INFERRED_GRAPH
from kg.rdf.namespaces import new_graph
from kg.rdf.nquads import ntriple_lines
from kg.store.spool import SubjectIndex, nquad_to_triple
from kg.validate.engines import anchor_problem, anchor_problems, engine, native_problems, rdflib_triple, validate
from kg.validate.results import Problem, ValidationResult, summarize
from kg.validate.shapes import shapes_graph

logger = logging.getLogger(__name__)


def batch_triples(index: SubjectIndex, subjects: Iterable[str], anchors: list[str] | None = None) -> Iterator[str]:
    """What validating ``subjects`` (IRIs) needs, as N-Triples lines from ``index`` (the asserted quads, sorted).

    Their own triples (from every graph), the ``rdf:type`` of the nodes those point to, and the ``ng:text`` of the
    articles of text spans; each triple once. With ``anchors`` (a list), the text of an article that is not one of
    ``subjects`` is left out, and the lines of the spans' ``ng:inArticle``, ``ng:anchorOf``, ``ng:beginIndex`` and
    ``ng:endIndex`` go into ``anchors`` too, for :class:`_Anchors` to check.
    """
    from kg.rdf.namespaces import NG

    rdf_type, in_article, text = (f"<{term}>" for term in (RDF.type, NG.inArticle, NG.text))
    anchored = {f"<{term}>" for term in (NG.inArticle, NG.anchorOf, NG.beginIndex, NG.endIndex)}
    seen: set[str] = set()
    objects: set[str] = set()
    articles: set[str] = set()

    def triples(nodes: Iterable[str], predicate: str | None = None) -> Iterator[tuple[str, str, str, str]]:
        for triple in asserted_triples(index, nodes, predicate):
            if triple not in seen:
                seen.add(triple)
                s, p, o = triple[:-3].split(" ", 2)
                yield triple, s, p, o

    for triple, _, p, o in triples(f"<{subject}>" for subject in subjects):
        if o.startswith(("<", "_:")):
            objects.add(o)
            if p == in_article:
                articles.add(o)
        if anchors is not None and p in anchored:
            anchors.append(triple)
        yield triple
    yield from (t[0] for t in triples(sorted(objects), rdf_type))
    if anchors is None:
        yield from (t[0] for t in triples(sorted(articles), text))


def asserted_triples(index: SubjectIndex, nodes: Iterable[str], predicate: str | None = None) -> Iterator[str]:
    """The asserted triples of ``nodes`` (N-Triples terms) in ``index``, as N-Triples lines (from every graph but the
    inferred one; a triple in several graphs comes once per graph), only those of ``predicate`` if given."""
    inferred = INFERRED_GRAPH + "> .\n"
    for _, lines in index.many(nodes):
        for line in lines:
            # the predicate first: most lines of the nodes pointed to are not the one predicate looked for
            if predicate is not None and line.split(" ", 2)[1] != predicate:
                continue
            if not line.endswith(inferred):
                yield nquad_to_triple(line)


class _Anchors:
    """The anchor check (:func:`~kg.validate.engines.anchor_problems`) of the spans of a batch whose article is not in
    the batch, with each article's text read from the index once for every batch in a row that needs it, rather than
    carried in every batch's data (a long article's text, parsed and copied once per batch of its spans)."""

    def __init__(self, index: SubjectIndex) -> None:
        from kg.rdf.namespaces import NG

        self.index = index
        self.text = f"<{NG.text}>"
        self.predicates = {str(term): name for term, name in ((NG.inArticle, "article"), (NG.anchorOf, "anchor"),
                                                              (NG.beginIndex, "begin"), (NG.endIndex, "end"))}
        self.article: str | None = None
        self.value: str | None = None

    def problems(self, lines: list[str], subjects: list[str]) -> list[Problem]:
        """The warnings about the spans of ``lines`` (from :func:`batch_triples`) in articles not among ``subjects``."""
        spans: dict[str, dict[str, str]] = {}
        for triple in ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            spans.setdefault(triple.subject.value, {}).setdefault(self.predicates[triple.predicate.value],
                                                                  triple.object.value)
        mine = set(subjects)
        problems = []
        for span, values in spans.items():
            if len(values) < 4 or values["article"] in mine:  # an article of the batch: its text is in the data
                continue
            text = self._text(values["article"])
            if text is not None:
                problem = anchor_problem(span, values["anchor"], values["begin"], values["end"], text)
                if problem is not None:
                    problems.append(problem)
        return problems

    def _text(self, article: str) -> str | None:
        if article != self.article:
            self.article, self.value = article, None
            for line in asserted_triples(self.index, [f"<{article}>"], self.text):
                self.value = next(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)).object.value
                break
        return self.value


_BATCH: dict = {}


def _batch_init(ontology_nt: bytes, engine_name: str | None = None) -> None:
    """In a validation worker: parse the ontology and the shapes once (and compile them, for the native engine)."""
    triples = list(ox.parse(ontology_nt, format=ox.RdfFormat.N_TRIPLES))
    _BATCH["shapes"] = shapes_graph()
    _BATCH["engine"] = engine(engine_name)
    if _BATCH["engine"] != "native":
        _BATCH["ontology"] = [rdflib_triple(t) for t in triples]
    else:
        from kg.validate.shapes import compile_shapes

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
        from kg.validate.data_graph import TripleIndex

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


def _forked(send, data_nt: bytes, subjects: list[str], restrict: bool) -> None:
    """In a process forked for one batch: its problems (or what stopped them), sent back."""
    try:
        result = validate_subjects(data_nt, subjects, restrict)
    except Exception as exc:  # noqa: BLE001 - raised again by the process that forked this one
        result = RuntimeError(f"validating a batch failed: {type(exc).__name__}: {exc}")
    send.send(result)
    send.close()


def _in_a_fork(data_nt: bytes, subjects: list[str], restrict: bool) -> list[Problem]:
    """:func:`validate_subjects` in a process forked for this batch alone, which ends with it: the memory the batch's
    graphs took (Python's allocator keeps the arenas where any object still lives) is not left behind in this one.
    For a long text's build, whose validation process otherwise grew from 20 to 48-57 MiB of its own over its batches
    (to 65-80 in the batch of the article's entities)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_forked, args=(send, data_nt, subjects, restrict), daemon=True,
                              name="kg-validate-batch")
    process.start()
    send.close()
    try:
        result = receive.recv()
    except EOFError:
        result = RuntimeError("the process validating a batch ended without an answer")
    finally:
        receive.close()
        process.join()
    if isinstance(result, BaseException):
        raise result
    return result


def validate_in_batches(index: SubjectIndex, ontology: Graph, batches: Iterable[list[str]],
                        jobs: int = 1, engine_name: str | None = None, fork: bool = False,
                        trim: bool = False) -> ValidationResult:
    """Validate the asserted graphs in ``index`` batch by batch, with the same result as validating them at once.

    Args:
        index: the ontology and every asserted graph as sorted N-Quads (an inferred graph is ignored).
        ontology: the ontology graph (part of every batch's data graph).
        batches: lists of subject IRIs; together they must cover every subject of the asserted graphs
            (the ontology's own subjects are checked first, on their own).
        jobs: worker processes (``1``: in this process).
        engine_name: ``native`` or ``pyshacl`` (default: :func:`engine`).
        fork: fork the workers from this process once the shapes are compiled here (for a caller with no other
            thread, such as the build's validation process), rather than start fresh interpreters that import and
            compile everything again; with one job and ``trim``, validate each batch in a process forked for it
            (:func:`_in_a_fork`).
        trim: with one job, hand the memory the C library keeps free back to the system after each batch (a long
            text's build: its batches' data, freed, left the heap 15 MiB larger for good, 87 MiB instead of 71);
            with ``fork`` too, each batch's graphs are made in a process that ends with the batch.

    Returns:
        The problems, each focus node's once, sorted as :func:`validate` sorts them.
    """
    from concurrent.futures import ProcessPoolExecutor

    engine_name = engine(engine_name)
    # written by kg.rdf.nquads, which the build has imported (the build's validation process then imports nothing)
    ontology_nt = "".join(ntriple_lines(ontology)).encode("utf-8")
    own = {str(s) for s in ontology.subjects()}
    found: dict[str, list[Problem]] = {}

    def collect(problems: list[Problem]) -> None:
        by_focus: dict[str, list[Problem]] = {}
        for problem in problems:
            by_focus.setdefault(problem.focus, []).append(problem)
        for focus, items in by_focus.items():
            found.setdefault(focus, items)

    anchors = _Anchors(index)

    def work() -> Iterator[tuple[bytes, list[str], bool, list[Problem]]]:
        # the ontology's own subjects first, unrestricted (its blank nodes cannot be named as pySHACL focus nodes)
        subjects = sorted(own)
        iris = [s for s in subjects if ":" in s]
        yield "".join(batch_triples(index, iris)).encode("utf-8"), subjects, False, []
        for batch in batches:
            batch = list(batch)
            lines: list[str] = []
            data = "".join(batch_triples(index, batch, lines)).encode("utf-8")
            yield data, batch, True, anchors.problems(lines, batch)

    if jobs <= 1:
        _batch_init(ontology_nt, engine_name)
        check = _in_a_fork if trim and fork else validate_subjects
        for data, subjects, restrict, more in work():
            collect(check(data, subjects, restrict) + more)
            if trim:
                data = None
                give_back()
    else:
        import multiprocessing
        from collections import deque

        if fork:
            _batch_init(ontology_nt, engine_name)  # the forked workers have it
            options = {"mp_context": multiprocessing.get_context("fork")}
        else:
            options = {"mp_context": multiprocessing.get_context("spawn"), "initializer": _batch_init,
                       "initargs": (ontology_nt, engine_name)}
        with ProcessPoolExecutor(jobs, **options) as pool:
            pending: deque = deque()
            for data, subjects, restrict, more in work():
                pending.append((pool.submit(validate_subjects, data, subjects, restrict), more))
                while len(pending) > 2 * jobs:
                    future, more = pending.popleft()
                    collect(future.result() + more)
            while pending:
                future, more = pending.popleft()
                collect(future.result() + more)
    return summarize([p for items in found.values() for p in items], len(index), " in batches")
