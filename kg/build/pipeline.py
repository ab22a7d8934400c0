"""The build: files in, graph files and a store out.

ingest -> extract (N worker processes, batched ``nlp.pipe``, cached per article) -> resolve
-> rdf (one graph per article, spooled as N-Quads and fed to the reasoner) -> sort -> then at once: validate
(SHACL per batch of article graphs, in a forked process), store (bulk loading in a thread), and reason -> write
(``kg.nq``, ``kg.ttl``, ``kg.owl``) here -> the gate's answer -> the store finished -> swap.

Articles stream through extraction: only small :class:`~kg.records.ArticleRecord` objects come back
from the workers, never spaCy Docs. After that no stage holds the whole graph: quads and triples are
sorted on disk (:mod:`kg.store.spool`), and every output is written from sorted files. Every output is first
written into ``<out>/.staging/`` and moved into place only when the whole build succeeded
(:func:`commit_outputs`), so a failed or killed build leaves the previous outputs, store included, as
they were.
"""

from __future__ import annotations

import heapq
import json
import logging
import multiprocessing
import os
import shutil
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg import __version__
from kg.rdf.triples import article_triples, new_graph, ontology_graph
from kg.build.cache import RecordCache, pipeline_version
from kg.config import Settings
from kg.errors import InputError, KGError
from kg.resolve.events import merge_log, resolve_dates
from kg.store.export import write_merged_file
from kg.extract import extract
from kg.ingest.readers import Article, Skipped, iter_articles
from kg.rdf.iri import Minter
from kg.extract.nlp import make_nlp
from kg.rdf.nquads import nquad_lines, stable_blank_nodes
from kg.reason.rules import Reasoner, TBox
from kg.records import ArticleRecord
from kg.resolve.entities import resolve
from kg.store.spool import SortedSpool, SubjectIndex, nquad_to_triple, read_lines, unique, write_lines
from kg.store.stats import write_void
from kg.store.stores import StoreLoader, swap_dir

logger = logging.getLogger(__name__)

#: What a build writes into its output folder, by report key.
OUTPUTS = {"nquads": "kg.nq", "turtle": "kg.ttl", "owl": "kg.owl", "void": "void.ttl", "report": "report.json",
           "store": "store"}
#: Files moved into place after the store, in this order (the report last).
OUTPUT_FILES = ("kg.nq", "kg.ttl", "kg.owl", "void.ttl", "report.json")
STAGING = ".staging"
#: Article graphs per SHACL validation batch.
VALIDATION_BATCH = 50

Progress = Callable[[int], None]


@dataclass
class BuildReport:
    """What a build did; written to ``<out>/report.json``."""

    articles: int = 0
    extracted: int = 0
    cached: int = 0
    skipped: list[dict] = field(default_factory=list)
    entities: int = 0
    quads: int = 0
    asserted: int = 0
    inferred: int = 0
    graphs: int = 0
    jobs: int = 1
    pipeline_version: str = ""
    merges: list[dict] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "newsgraph": __version__,
            "pipeline_version": self.pipeline_version,
            "jobs": self.jobs,
            "counts": {"articles": self.articles, "extracted": self.extracted, "cached": self.cached,
                       "skipped": len(self.skipped), "entities": self.entities, "graphs": self.graphs,
                       "quads": self.quads, "asserted": self.asserted, "inferred": self.inferred},
            "skipped": self.skipped,
            "merges": self.merges,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "outputs": self.outputs,
        }


def _test_pause(stage: str) -> None:
    """Test hook: with ``KG_TEST_PAUSE_AT=<stage>``, touch ``KG_TEST_PAUSE_FLAG`` and wait there.

    The atomicity test uses it to kill a build at a known point; it does nothing otherwise.
    """
    if os.environ.get("KG_TEST_PAUSE_AT") != stage:
        return
    flag = os.environ.get("KG_TEST_PAUSE_FLAG")
    if flag:
        Path(flag).write_text(stage)
    logger.warning("KG_TEST_PAUSE_AT=%s: waiting to be killed", stage)
    time.sleep(600)


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        _test_pause(stage)
        yield
    finally:
        report.timings[stage] = report.timings.get(stage, 0.0) + time.perf_counter() - start


# ---- extraction: in process or in worker processes, streaming, cached ----

_WORKER: dict = {}


def _extract_batch(nlp, articles: list[Article], batch_size: int) -> list[ArticleRecord]:
    """Run the pipeline over one batch of articles and extract their records."""
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    return [extract(article, doc) for article, doc in zip(articles, docs, strict=True)]


def _worker_init(settings: Settings) -> None:
    """In each worker process: load the spaCy pipeline once."""
    _WORKER["nlp"] = make_nlp(settings)
    _WORKER["batch_size"] = settings.batch_size


def _worker_extract(articles: list[Article]) -> list[ArticleRecord]:
    return _extract_batch(_WORKER["nlp"], articles, _WORKER["batch_size"])


class _Extractor:
    """Extracts batches of articles in this process (``jobs == 1``) or in a pool of workers.

    The pipeline and the pool start on the first batch, so a build served wholly from the
    cache never loads spaCy.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs = max(1, settings.jobs)
        self._nlp = None
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[Future | list[ArticleRecord]] = deque()

    def submit(self, batch: list[Article]) -> Iterator[ArticleRecord]:
        """Queue a batch; yields the records of earlier batches as the queue fills (bounded memory)."""
        if self.jobs == 1:
            if self._nlp is None:
                self._nlp = make_nlp(self.settings)
            yield from _extract_batch(self._nlp, batch, self.settings.batch_size)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init, initargs=(self.settings,))
        self._pending.append(self._pool.submit(_worker_extract, batch))
        while len(self._pending) > 2 * self.jobs:
            yield from self._pending.popleft().result()

    def drain(self) -> Iterator[ArticleRecord]:
        """The records of every batch still queued."""
        while self._pending:
            yield from self._pending.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _make_extractor(settings: Settings, report: BuildReport):
    """Worker processes on this machine, or tasks on a Dask cluster when ``settings.scheduler`` is set."""
    if settings.scheduler:
        from kg.build.distributed import DaskExtractor

        return DaskExtractor(settings, report)
    return _Extractor(settings)


def extract_records(articles: Iterable[Article], settings: Settings, cache: RecordCache | None = None,
                    progress: Progress | None = None, report: BuildReport | None = None) -> Iterator[ArticleRecord]:
    """The records of ``articles``: from the cache when there, else extracted (and cached).

    Articles are taken one at a time and extracted in batches of ``settings.batch_size``, in
    ``settings.jobs`` worker processes; records come back in no particular order.
    """
    report = report or BuildReport()
    extractor = _make_extractor(settings, report)

    def finish(records: Iterable[ArticleRecord]) -> Iterator[ArticleRecord]:
        for record in records:
            if cache is not None:
                cache.put(record)
            report.extracted += 1
            if progress:
                progress(1)
            yield record

    try:
        batch: list[Article] = []
        for article in articles:
            record = cache.get(article) if cache is not None else None
            if record is not None:
                report.cached += 1
                if progress:
                    progress(1)
                yield record
                continue
            batch.append(article)
            if len(batch) >= settings.batch_size:
                yield from finish(extractor.submit(batch))
                batch = []
        if batch:
            yield from finish(extractor.submit(batch))
        yield from finish(extractor.drain())
    finally:
        extractor.close()


def extract_all(articles: Iterable[Article], settings: Settings,
                progress: Progress | None = None) -> list[ArticleRecord]:
    """Every record of ``articles`` (no cache), sorted by article id."""
    return sorted(extract_records(articles, settings, None, progress), key=lambda r: r.article.id)


def _usable_articles(inputs: Iterable[str | Path], report: BuildReport) -> Iterator[Article]:
    seen: set[str] = set()
    for item in iter_articles(inputs):
        if isinstance(item, Skipped):
            report.skipped.append({"path": item.path, "reason": item.reason})
        elif item.id in seen:
            report.skipped.append({"path": item.source, "reason": f"same text as an earlier article ({item.id})"})
        else:
            seen.add(item.id)
            yield item


# ---- validation gate and extra exports ----


@dataclass
class AssertedGraphs:
    """The asserted graphs (ontology + every article graph) as the build keeps them: on disk, not in memory.

    Attributes:
        index: their quads, sorted, indexed by subject.
        ontology: the ontology graph.
        batches: a SQLite file that gives each subject (IRI) the first validation batch (a few article graphs)
            it appears in: each subject is validated once, with its triples from every graph.
        size: how many distinct triples.
        jobs: worker processes for validation.
    """

    index: SubjectIndex
    ontology: Graph
    batches: Path
    size: int
    jobs: int = 1

    def __len__(self) -> int:
        return self.size

    def subject_batches(self) -> Iterator[list[str]]:
        db = sqlite3.connect(str(self.batches))
        try:
            (count,) = db.execute("SELECT COUNT(DISTINCT batch) FROM owner").fetchone()
            for batch in range(count):
                yield [term for (term,) in db.execute("SELECT term FROM owner WHERE batch = ? ORDER BY term",
                                                       (batch,))]
        finally:
            db.close()


def validate_and_export(asserted: AssertedGraphs, staging: Path, report: BuildReport) -> None:
    """The validation gate on the asserted graphs, before the new store is complete (the build runs this in a
    process of its own, :class:`_Gate`, while it writes the files and the store loads).

    Validation runs per batch of article graphs (``kg.validate.validate_in_batches``, in ``asserted.jobs`` worker
    processes), with the same result as validating the whole asserted graph at once. Raises
    ``kg.errors.ValidationError`` to stop the build; the previous outputs then stay in place.
    """
    from kg.validate.batches import gate, validate_in_batches

    # SHACL (ontology/shapes.ttl): raises ValidationError on any violation
    gate(validate_in_batches(asserted.index, asserted.ontology, asserted.subject_batches(), asserted.jobs))


def export_owl(triples: Path, predicates: set, staging: Path) -> None:
    """Write ``kg.owl`` (the ontology and the asserted ``triples``, a sorted N-Triples file with these
    ``predicates``; RDF/XML for Protégé) into ``staging``."""
    from kg.store.owl import write_owl_ntriples

    write_owl_ntriples(staging / "kg.owl", triples, predicates, dict(new_graph().namespaces()))


# ---- the build ----


def _minus(lines: Iterable[str], other: Iterable[str]) -> Iterator[str]:
    """The N-Triples ``lines`` that are not in ``other``; both sorted (as strings: :mod:`kg.store.spool`)."""
    other = iter(other)
    current = next(other, None)
    for line in lines:
        while current is not None and current < line:
            current = next(other, None)
        if current != line:
            yield line


class _Gate:
    """:func:`validate_and_export` in a child process forked before the build starts its store thread: the child
    waits until :meth:`start` says the sorted files are ready, then validates while this process goes on;
    :meth:`wait` re-raises what it raised. Where processes cannot be forked the gate runs in :meth:`start`, here.

    Args:
        asserted: makes the :class:`AssertedGraphs` from their size (called in the child).
        staging: the build's staging folder.
        report: the build's report.
    """

    def __init__(self, asserted: Callable[[int], AssertedGraphs], staging: Path, report: BuildReport) -> None:
        self.asserted, self.staging, self.report = asserted, staging, report
        self.process = None
        self.seconds = 0.0
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        go, self.go = context.Pipe(duplex=False)
        self.receive, answer = context.Pipe(duplex=False)
        self.process = context.Process(target=self._child, args=(go, answer), name="kg-validate")
        self.process.start()  # not a daemon: it may start validation workers itself
        go.close()
        answer.close()

    def _child(self, go, answer) -> None:
        _die_with_parent()
        self.go.close()
        try:
            size = go.recv()
        except EOFError:  # the build stopped before its files were sorted
            return
        started = time.perf_counter()
        try:
            validate_and_export(self.asserted(size), self.staging, self.report)
            error = None
        except BaseException as exc:
            error = exc
        try:
            answer.send((error, time.perf_counter() - started))
        except Exception:  # an error that does not pickle: its message
            answer.send((KGError(f"{type(error).__name__}: {error}"), time.perf_counter() - started))

    def start(self, size: int) -> None:
        """The asserted graphs are sorted and indexed: validate them."""
        if self.process is None:
            started = time.perf_counter()
            validate_and_export(self.asserted(size), self.staging, self.report)
            self.seconds = time.perf_counter() - started
            return
        self.go.send(size)
        self.go.close()

    def wait(self) -> float:
        """Wait for the gate; returns the seconds it took.

        Raises:
            ValidationError: a violation (or whatever else stopped the gate).
        """
        if self.process is None:
            return self.seconds
        try:
            error, seconds = self.receive.recv()
        except EOFError:
            self.process.join()
            code = self.process.exitcode
            raise KGError(f"the validation process ended without an answer (exit code {code})") from None
        self.process.join()
        if error is not None:
            raise error
        return seconds

    def stop(self) -> None:
        """End the child (if it still runs) after a failure here."""
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()


def _die_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies (a killed build leaves no child behind)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _graphs_and_files(records: list[ArticleRecord], resolution, minter: Minter, ontology: Graph, work: Path,
                      gate: _Gate, loader: StoreLoader, staging: Path, report: BuildReport) -> None:
    """The graphs (spooled, handed to the store loader and the reasoner), sorted; the gate started on them; the
    inferred triples; the files."""
    with _timed(report, "rdf"):
        inferred_name = minter.graph("inferred")
        derived = SortedSpool(work / "derived")

        def keep_derived(triples: list) -> None:
            derived.add(nquad_lines(triples))  # a list has no graph name: N-Triples lines

        reasoner = Reasoner(TBox(ontology), keep_derived)
        quads = SortedSpool(work / "quads")
        lines = nquad_lines(ontology)
        quads.add(lines)
        loader.add_lines(lines)
        batches = sqlite3.connect(str(work / "batches.sqlite"))
        batches.execute("CREATE TABLE owner (term TEXT PRIMARY KEY, batch INTEGER) WITHOUT ROWID")
        batch = 0
        with closing(batches):
            for start in range(0, len(records), VALIDATION_BATCH):
                subjects: set[str] = set()
                for record in records[start:start + VALIDATION_BATCH]:
                    graph = stable_blank_nodes(article_triples(record, resolution, minter))
                    lines = nquad_lines(graph)
                    quads.add(lines)
                    loader.add_lines(lines)
                    subjects.update(line[1:line.index(">")] for line in lines if line.startswith("<"))
                    reasoner.add(graph)
                    del graph, lines
                # a subject belongs to the first batch it appears in; later batches do not validate it again
                before = batches.total_changes
                batches.executemany("INSERT OR IGNORE INTO owner VALUES (?, ?)",
                                    ((subject, batch) for subject in sorted(subjects)))
                batch += batches.total_changes > before
            batches.execute("CREATE INDEX by_batch ON owner (batch)")
            batches.commit()
    report.graphs = len(records) + 1
    del reasoner  # what it derived is in ``derived``; the triples it kept for its joins can go

    with _timed(report, "sort"):
        triples = SortedSpool(work / "triples")
        predicates: set = set()

        def asserted_lines() -> Iterator[str]:
            for line in quads:
                triples.add((nquad_to_triple(line),))
                yield line

        index = SubjectIndex(work / "asserted.nq")
        try:
            report.asserted = index.write(asserted_lines())
        finally:
            index.close()
        quads.close()

        def asserted_triples() -> Iterator[str]:
            for line in triples:
                predicates.add(line.split(" ", 2)[1])
                yield line

        size = write_lines(asserted_triples(), work / "asserted.nt")
        triples.close()
        predicates = {URIRef(p[1:-1]) for p in predicates}
    gate.start(size)
    _reason_write(work / "asserted.nt", predicates, derived, inferred_name, loader, staging, report)


def _reason_write(asserted_triples: Path, predicates: set, derived: SortedSpool, inferred_name: URIRef,
                  loader: StoreLoader, staging: Path, report: BuildReport) -> None:
    """The inferred triples (handed to ``loader`` too); ``kg.nq``, ``kg.ttl``, ``kg.owl``."""
    work = asserted_triples.parent
    inferred_triples = work / "inferred.nt"
    graph_name = f" <{inferred_name}> .\n"

    def inferred_quads() -> Iterator[str]:
        # the sorted inferred triples in the inferred graph: still sorted, as every quad gets the same graph name
        # where its triple has its end (a triple's terms end at spaces: see kg.spool)
        for line in read_lines(inferred_triples):
            yield line[:-3] + graph_name

    with _timed(report, "reason"):
        # what the rules derived, less what some graph asserts (both sorted the same way)
        with inferred_triples.open("w", encoding="utf-8", newline="") as stream:
            for line in _minus(derived, read_lines(asserted_triples)):
                stream.write(line)
                loader.add_lines((line[:-3] + graph_name,))
                report.inferred += 1
        derived.close()
    loader.end_input()  # every quad is in: the store is optimized and counted while the files are written

    with _timed(report, "write"):
        report.quads = write_lines(unique(heapq.merge(read_lines(work / "asserted.nq"), inferred_quads())),
                                   staging / "kg.nq")
        merged = heapq.merge(read_lines(asserted_triples), read_lines(inferred_triples))
        write_lines(unique(merged), work / "merged.nt")
        write_merged_file(work / "merged.nt", staging / "kg.ttl")
        export_owl(asserted_triples, predicates, staging)


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
    with build_lock(out):
        return _build(inputs, settings, progress, use_cache, out)


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
        report.pipeline_version = pipeline_version(settings.model)
        cache = RecordCache(out / "cache", report.pipeline_version)

    with _timed(report, "extract"):
        articles = _usable_articles(inputs, report)
        records = sorted(extract_records(articles, settings, cache, progress, report), key=lambda r: r.article.id)
    if not records:
        raise InputError("no usable article among the inputs: give .txt files of UTF-8 text "
                         f"({len(report.skipped)} skipped; see the messages above)")
    report.articles = len(records)

    with _timed(report, "resolve"):
        resolution = resolve(records)
        resolve_dates(records)
    report.entities = len(resolution.entities)
    report.merges = resolution.merges + merge_log(records, resolution)

    work = staging / "work"
    work.mkdir()
    with _timed(report, "rdf"):
        ontology = stable_blank_nodes(ontology_graph(minter.graph("ontology")))
        # Three things at once from here, all into the staging folder, which nothing serves and which is swapped in
        # only after everything succeeded: the validation gate in a process forked now, before any thread (it waits
        # for the sorted files), the store in a thread fed each graph's quads as they are made (pyoxigraph's bulk
        # loader does not hold the GIL), the rest of the build here. A failure ends the gate and stops the
        # thread, then leaves the staging folder as it is.
        jobs = max(1, settings.jobs)

        def asserted(size: int) -> AssertedGraphs:
            return AssertedGraphs(SubjectIndex(work / "asserted.nq"), ontology, work / "batches.sqlite", size, jobs)

        gate = _Gate(asserted, staging, report)
        loader = StoreLoader(staging / "store", after=lambda store: write_void(store, staging / "void.ttl",
                                                                              settings.base_iri))
        loader.start()
    try:
        _graphs_and_files(records, resolution, minter, ontology, work, gate, loader, staging, report)
        with _timed(report, "validate"):  # what is left of the gate once the files are written
            report.timings["validate_process"] = gate.wait()
    except BaseException:
        gate.stop()
        loader.abort()
        try:  # never leave the thread writing into a folder the next build removes
            loader.finish()
        except Exception:
            logger.warning("loading the new store failed too", exc_info=True)
        raise
    with _timed(report, "store"):  # what is left of loading the store once the files are written
        report.timings["store_thread"] = loader.finish()
        shutil.rmtree(work, ignore_errors=True)
    report.graphs += 1 if report.inferred else 0
    report.outputs = {key: str(out / name) for key, name in OUTPUTS.items()
                      if name in ("report.json", "store") or (staging / name).exists()}
    (staging / "report.json").write_text(json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n")
    with _timed(report, "swap"):
        commit_outputs(staging, out)
    return report
