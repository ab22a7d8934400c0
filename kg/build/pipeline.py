"""The build: input paths and settings in; ``kg.nq``, ``kg.ttl``, ``kg.owl``, ``void.ttl``, ``report.json`` and
the store out, swapped into the output folder at once.

ingest -> extract (:mod:`kg.build.extraction`: worker processes, batched ``nlp.pipe``, cached per article)
-> resolve -> rdf (one graph per article, spooled as N-Quads and fed to the reasoner) -> sort -> then at once:
validate (:mod:`kg.build.gate`: SHACL per batch of article graphs, in a forked process), store (bulk loading
in a thread), and reason -> write (``kg.nq``, ``kg.ttl``, ``kg.owl``) here -> the gate's answer -> the store
finished -> swap.

Articles stream through extraction. After that no stage holds the whole graph: quads and triples are
sorted on disk (:mod:`kg.store.spool`), and every output is written from sorted files. Every output is first
written into ``<out>/.staging/`` and moved into place only when the whole build succeeded
(:func:`commit_outputs`), so a failed or killed build leaves the previous outputs, store included, as
they were.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from rdflib import Graph, URIRef

from kg import __version__
from kg.build.cache import RecordCache, pipeline_version
from kg.build.extraction import Progress, extract_records, usable_articles
from kg.build.gate import AssertedGraphs, Gate
from kg.build.heap import LONG_TEXT, bound_heap, give_back
from kg.build.report import BuildReport
from kg.config import Settings
from kg.errors import InputError, KGError
from kg.extract import geo
from kg.rdf.iri import INFERRED_GRAPH, ONTOLOGY_GRAPH, Minter
from kg.rdf.namespaces import new_graph
from kg.rdf.nquads import Triples, nquad_lines, stable_blank_nodes
from kg.rdf.triples import article_triples, ontology_graph
from kg.reason.rules import Reasoner, TBox
from kg.records import ResolvedArticle
from kg.resolve.articles import resolve_corpus
from kg.store.build_info import BuildInfo, write_build_info
from kg.store.export import write_merged_file
from kg.store.spool import MergeJob, SortedSpool, SubjectIndex, nquad_to_triple, read_lines
from kg.store.stats import write_void
from kg.store.stores import LINES_PIECE, LONG_TEXT_PIECE, StoreLoader, swap_dir

logger = logging.getLogger(__name__)

#: What a build writes into its output folder, by report key.
OUTPUTS = {"nquads": "kg.nq", "turtle": "kg.ttl", "owl": "kg.owl", "void": "void.ttl", "report": "report.json",
           "store": "store"}
#: Files moved into place after the store, in this order (the report last).
OUTPUT_FILES = ("kg.nq", "kg.ttl", "kg.owl", "void.ttl", "report.json")
STAGING = ".staging"
#: Article graphs per SHACL validation batch.
VALIDATION_BATCH = 50
#: Most subjects per SHACL validation batch (as ``kg validate``'s batches): a long article's are split.
BATCH_SUBJECTS = 2_000
#: :data:`BATCH_SUBJECTS` in a long text's build: the batch of its entities holds each one's evidence (tens of
#: thousands of spans and their types); at 1.5 million characters 1,000 took the validation process's peak from 127 to
#: 115 MiB, for 0.8 s more of its CPU (of 17); 400 took its own memory in that batch from about 80 to 65 MiB (250: no
#: lower at the build's peak, and validation, twice as long, outlasted the store's end).
LONG_TEXT_BATCH = 400
#: Triples of an article graph made before they are handed on (spooled, loaded, reasoned over) and let go, so that
#: the graph of a long article is never whole in memory.
GRAPH_PART = 10_000
#: Inferred quads handed to the store loader at a time.
INFERRED_PIECE = 4096


def _long_bound(articles: Iterable, gate: Gate) -> Iterator:
    """``articles`` as they come; from the first one of :data:`~kg.build.heap.LONG_TEXT` characters or more on, this
    process's large blocks are mappings of their own (:func:`~kg.build.heap.bound_heap`), and the validation process's
    will be (a build of short articles keeps glibc's own choice, which costs less CPU)."""
    for article in articles:
        if not gate.bound and len(article.text) >= LONG_TEXT:
            bound_heap()
            gate.bound = True
        yield article


def export_owl(triples: Path, predicates: set, staging: Path) -> None:
    """Write ``kg.owl`` (the ontology and the asserted ``triples``, a sorted N-Triples file with these
    ``predicates``; RDF/XML for Protégé) into ``staging``."""
    from kg.store.owl import write_owl_ntriples

    write_owl_ntriples(staging / "kg.owl", triples, predicates, dict(new_graph().namespaces()))


def _minus(lines: Iterable[str], other: Iterable[str]) -> Iterator[str]:
    """The N-Triples ``lines`` that are not in ``other``; both sorted (as strings: :mod:`kg.store.spool`)."""
    other = iter(other)
    current = next(other, None)
    for line in lines:
        while current is not None and current < line:
            current = next(other, None)
        if current != line:
            yield line


#: Subjects of one validation batch held in memory; beyond, they wait in a table of ``batches.sqlite`` (a long
#: article has hundreds of thousands).
SUBJECTS_HELD = 50_000


class _Subjects:
    """The subjects (IRIs) of the article graphs of one validation batch, given their validation batches in the SQLite
    file the gate reads (table ``owner``): a subject belongs to the first batch it appears in, and later batches do not
    validate it again; a batch has at most ``size`` subjects (:data:`BATCH_SUBJECTS`; a long article's are validated
    in several), in sorted order. Beyond :data:`SUBJECTS_HELD` subjects they wait on disk, so that memory stays bounded
    whatever the length of an article."""

    def __init__(self, db: sqlite3.Connection, size: int | None = None) -> None:
        self.db, self.size = db, size or BATCH_SUBJECTS
        self.held: set[str] = set()
        self.waiting = False
        self.batch = 0

    def update(self, subjects: Iterable[str]) -> None:
        self.held.update(subjects)
        if len(self.held) > SUBJECTS_HELD:
            if not self.waiting:
                self.db.execute("CREATE TABLE IF NOT EXISTS waiting (term TEXT PRIMARY KEY) WITHOUT ROWID")
                self.waiting = True
            self.db.executemany("INSERT OR IGNORE INTO waiting VALUES (?)", ((term,) for term in self.held))
            self.held = set()

    def assign(self) -> None:
        """Give the subjects gathered so far their batches (SQLite's order of text is the code point order)."""
        if self.waiting:
            self.db.executemany("INSERT OR IGNORE INTO waiting VALUES (?)", ((term,) for term in self.held))
            cursor = self.db.execute("SELECT term FROM waiting ORDER BY term")
            while rows := cursor.fetchmany(self.size):
                self._insert([term for (term,) in rows])
            self.db.execute("DELETE FROM waiting")
            self.waiting = False
        else:
            ordered = sorted(self.held)
            for first in range(0, len(ordered), self.size):
                self._insert(ordered[first:first + self.size])
        self.held = set()

    def _insert(self, subjects: list[str]) -> None:
        before = self.db.total_changes
        self.db.executemany("INSERT OR IGNORE INTO owner VALUES (?, ?)", ((term, self.batch) for term in subjects))
        self.batch += self.db.total_changes > before


def _graphs_and_files(articles: list[ResolvedArticle], minter: Minter, ontology: Graph, work: Path,
                      gate: Gate, loader: StoreLoader, staging: Path, report: BuildReport) -> None:
    """The graphs (spooled, handed to the store loader and the reasoner), sorted; the gate started on them; the
    inferred triples; the files. ``articles`` is emptied (each item set to ``None``) as their graphs are made."""
    with report.timed("rdf"):
        inferred_name = minter.graph(INFERRED_GRAPH)
        derived = SortedSpool(work / "derived")

        def keep_derived(triples: list) -> None:
            derived.add(nquad_lines(triples))  # a list has no graph name: N-Triples lines

        reasoner = Reasoner(TBox(ontology), keep_derived)
        quads = SortedSpool(work / "quads")
        lines = nquad_lines(ontology)
        quads.add(lines)
        loader.add_lines(lines, f"<{ontology.identifier}>")
        batches = sqlite3.connect(str(work / "batches.sqlite"))
        batches.execute("CREATE TABLE owner (term TEXT PRIMARY KEY, batch INTEGER) WITHOUT ROWID")
        with closing(batches):
            subjects = _Subjects(batches, LONG_TEXT_BATCH if gate.bound else BATCH_SUBJECTS)

            def hand_on(graph: Triples) -> None:
                # a graph, or a part of a long one: a triple of a part may come again in a later part, which the
                # sorted spools drop, the store holds once and the reasoner's caller removes (_minus)
                graph = stable_blank_nodes(graph)
                lines = nquad_lines(graph)
                quads.add(lines)
                loader.add_lines(lines, f"<{graph.identifier}>")
                subjects.update(line[1:line.index(">")] for line in lines if line.startswith("<"))
                reasoner.add(graph)

            report.graphs = len(articles) + 1
            for start in range(0, len(articles), VALIDATION_BATCH):
                for at in range(start, min(start + VALIDATION_BATCH, len(articles))):
                    # each article let go once its graph is made (a long one's records are tens of MiB)
                    article, articles[at] = articles[at], None
                    hand_on(article_triples(article, minter, hand_on, GRAPH_PART))
                    article = None
                subjects.assign()
            batches.execute("CREATE INDEX by_batch ON owner (batch)")
            batches.commit()
    reasoner = None  # what it derived is in ``derived``; the triples it kept for its joins can go
    give_back()

    with report.timed("sort"):
        # the asserted quads, sorted, give the asserted triples sorted too once their graph names are dropped: a
        # triple's terms end at a space, as its graph name does (see kg.store.spool), so the order of two lines is
        # decided inside their triples, and the lines of one triple in several graphs are neighbours
        predicates: set = set()
        size = 0
        with (work / "asserted.nt").open("w", encoding="utf-8", newline="") as out:
            kept: list[str] = []

            def asserted_lines() -> Iterator[str]:
                nonlocal size
                previous = None
                for line in quads:
                    triple = nquad_to_triple(line)
                    if triple != previous:
                        previous = triple
                        predicates.add(triple.split(" ", 2)[1])
                        kept.append(triple)
                        if len(kept) >= 4096:  # a few thousand lines per write
                            size += len(kept)
                            out.write("".join(kept))
                            kept.clear()
                    yield line

            index = SubjectIndex(work / "asserted.nq")
            try:
                report.asserted = index.write(asserted_lines())
            finally:
                index.close()
            quads.close()
            size += len(kept)
            out.write("".join(kept))
        predicates = {URIRef(p[1:-1]) for p in predicates}
    give_back()
    gate.start(size)
    _reason_write(work / "asserted.nt", predicates, derived, inferred_name, loader, staging, report)


def _reason_write(asserted_triples: Path, predicates: set, derived: SortedSpool, inferred_name: URIRef,
                  loader: StoreLoader, staging: Path, report: BuildReport) -> None:
    """The inferred triples (handed to ``loader`` too); ``kg.nq``, ``kg.ttl``, ``kg.owl``."""
    work = asserted_triples.parent
    inferred_triples, inferred_quads = work / "inferred.nt", work / "inferred.nq"
    inferred_term = f"<{inferred_name}>"
    graph_name = f" {inferred_term} .\n"

    with report.timed("reason"):
        # what the rules derived, less what some graph asserts (both sorted the same way), as triples and as quads of
        # the inferred graph: still sorted, as every quad gets the same graph name where its triple has its end (a
        # triple's terms end at spaces: see kg.spool)
        with inferred_triples.open("w", encoding="utf-8", newline="") as stream, \
                inferred_quads.open("w", encoding="utf-8", newline="") as quad_stream:
            piece: list[str] = []  # handed to the store loader a few thousand lines at a time, not one by one
            for line in _minus(derived, read_lines(asserted_triples)):
                stream.write(line)
                piece.append(line[:-3] + graph_name)
                if len(piece) >= INFERRED_PIECE:
                    quad_stream.writelines(piece)
                    loader.add_lines(piece, inferred_term)
                    piece = []
                report.inferred += 1
            quad_stream.writelines(piece)
            loader.add_lines(piece, inferred_term)
        derived.close()
    loader.end_input()  # every quad is in: the store is optimized and counted while the files are written
    give_back()

    with report.timed("write"):
        # the two merges run in processes of their own (MergeJob) while kg.owl is written here
        quads = MergeJob([work / "asserted.nq", inferred_quads], staging / "kg.nq")
        merged = MergeJob([asserted_triples, inferred_triples], work / "merged.nt")
        try:
            export_owl(asserted_triples, predicates, staging)
            merged.wait()
            write_merged_file(work / "merged.nt", staging / "kg.ttl")
            report.quads = quads.wait()
        finally:
            quads.stop()
            merged.stop()
    give_back()


def commit_outputs(staging: Path, out: Path) -> None:
    """Move every staged output into ``out``: files by atomic rename, the store by a directory swap."""
    if (staging / "store").exists():
        swap_dir(staging / "store", out / "store")
    for name in OUTPUT_FILES:
        if (staging / name).exists():
            os.replace(staging / name, out / name)
    shutil.rmtree(staging, ignore_errors=True)


def run_build(inputs: Iterable[str | Path], settings: Settings, progress: Progress | None = None, *,
              use_cache: bool = True) -> BuildReport:
    """Build the graph from ``inputs`` into ``settings.out``.

    Args:
        inputs: files and folders of ``.txt`` articles.
        settings: ``out``, ``base_iri``, ``jobs``, ``batch_size`` and ``model`` are used.
        progress: called with the number of articles done, as they are done.
        use_cache: reuse (and fill) the extraction cache in ``<out>/cache``.

    Raises:
        InputError: an input does not exist, or no input is a usable article.
        ValidationError: the asserted graph violates the shapes (nothing is replaced).
    """
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    with build_lock(out), _few_collections():
        return _build(inputs, settings, progress, use_cache, out)


#: Allocations between two collections of the youngest generation during a build (Python's default: 700).
GC_YOUNG = 200_000


@contextmanager
def _few_collections() -> Iterator[None]:
    """Let the cyclic garbage collector run less often while building (restored after): a build allocates millions
    of small objects that live until the end (records, terms, lines), and at Python's default the collector walked
    them over and over. On the throughput corpus the collector's passes took 1.25 s of CPU at Python's default,
    about 1 s at 10,000 once the records came back from the rules' process (kg.build.beside) as new objects, and
    0.2-0.3 s at 200,000, for 2% more peak memory (371 -> 378 MB): a build makes little cyclic garbage. The
    objects alive after extraction are frozen besides (:func:`gc.freeze`), so that no full pass walks them."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_YOUNG), *before[1:])
    try:
        yield
    finally:
        gc.unfreeze()  # what the build froze (see _build) is the collector's again
        gc.set_threshold(*before)


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold ``<out>/.lock`` while building, so that two builds never write into one folder at once.

    Raises:
        KGError: another build holds the lock.
    """
    import fcntl

    with open(out / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise KGError(f"another `kg build` is writing into {str(out)!r}: wait for it to finish, "
                          "or build into another folder with --out") from exc
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(inputs: Iterable[str | Path], settings: Settings, progress: Progress | None, use_cache: bool,
           out: Path) -> BuildReport:
    staging = out / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    report = BuildReport(jobs=max(1, settings.jobs))
    minter = Minter(settings.base_iri)
    cache = None
    if use_cache:
        report.pipeline_version = pipeline_version(settings.model, settings.profile)
        cache = RecordCache(out / "cache", report.pipeline_version)

    work = staging / "work"
    jobs = max(1, settings.jobs)
    ontology = stable_blank_nodes(ontology_graph(minter.graph(ONTOLOGY_GRAPH)))

    def asserted(size: int) -> AssertedGraphs:
        return AssertedGraphs(SubjectIndex(work / "asserted.nq"), ontology, work / "batches.sqlite", size, jobs)

    # The validation gate is a process forked now, while this one is small (the model is not loaded yet, no record
    # made): it waits for the sorted files. Forked later, it shared the records and the model with this process, and
    # every page this process touched afterwards (a record's reference count) was copied, once per process. What
    # exists here is frozen first, so that this process's collections never write to the pages the two share.
    gc.freeze()
    gate = Gate(asserted, staging, report)
    try:
        with report.timed("extract"):
            articles = _long_bound(usable_articles(inputs, report, settings.max_article_chars), gate)
            records = sorted(extract_records(articles, settings, cache, progress, report),
                             key=lambda r: r.article.id)
        if gate.bound:
            # a long text's build reads no more text: spaCy's pipeline goes now (its entity ruler refers back to it, a
            # cycle only the collector frees, which the freeze below would have kept for good)
            gc.collect()
        gc.freeze()  # the tables and the records live on: the collector need not walk them again
        give_back()  # what spaCy parsed with
        if not records:
            raise InputError("no usable article among the inputs: give .txt files of UTF-8 text "
                             f"({len(report.skipped)} skipped; see the messages above)")
        report.articles = len(records)

        with report.timed("resolve"):
            corpus = resolve_corpus(records)
        report.entities = len(corpus.resolution.entities)
        report.merges = corpus.merges
        # from here on only the resolved articles are read, and the rdf stage lets each go once its graph is made
        resolved, records, corpus = corpus.articles, None, None
        if gate.bound:  # a long text's build: the gazetteer's 55 MiB go too (a short one's end soon; no CPU spent)
            geo.let_go()
    except BaseException:
        gate.stop()
        raise

    work.mkdir()
    with report.timed("rdf"):
        # Three things at once from here, all into the staging folder, which nothing serves and which is swapped in
        # only after everything succeeded: the validation gate (forked above; it waits for the sorted files), the
        # store in a thread fed each graph's quads as they are made (pyoxigraph's bulk loader does not hold the
        # GIL), the rest of the build here. A failure ends the gate and stops the thread, then leaves the staging
        # folder as it is.
        loader = StoreLoader(staging / "store", after=lambda store: write_void(store, staging / "void.ttl",
                                                                              settings.base_iri),
                             pieces=LONG_TEXT_PIECE if gate.bound else LINES_PIECE, beside=not gate.bound)
        loader.start()
    try:
        _graphs_and_files(resolved, minter, ontology, work, gate, loader, staging, report)
        with report.timed("validate"):  # what is left of the gate once the files are written
            report.timings["validate_process"] = gate.wait()
            report.warnings = gate.warnings
    except BaseException:
        gate.stop()
        loader.abort()
        try:  # never leave the thread writing into a folder the next build removes
            loader.finish()
        except Exception:
            logger.warning("loading the new store failed too", exc_info=True)
        raise
    with report.timed("store"):  # what is left of loading the store once the files are written
        report.timings["store_thread"] = loader.finish()
        shutil.rmtree(work, ignore_errors=True)
    report.graphs += 1 if report.inferred else 0
    report.outputs = {key: str(out / name) for key, name in OUTPUTS.items()
                      if name in ("report.json", "store") or (staging / name).exists()}
    (staging / "report.json").write_text(json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n")
    write_build_info(staging / "store", build_info(report, settings.base_iri, staging / "kg.nq"))
    with report.timed("swap"):
        commit_outputs(staging, out)
    return report


def build_info(report: BuildReport, base_iri: str, nquads: Path) -> BuildInfo:
    """What the store keeps of this build: base IRI, version, date, id (of ``nquads``, the graph) and counts."""
    digest = hashlib.sha256()
    with nquads.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return BuildInfo(base_iri, __version__, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                     digest.hexdigest()[:16], report.counts(), report.pipeline_version)
