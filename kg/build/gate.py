"""The validation gate: the asserted graphs in, a pass or a :class:`~kg.errors.ValidationError` out.

The build's sorted asserted quads (ontology + every article graph, indexed by subject on disk) are checked
against ``ontology/shapes.ttl`` in batches of a few article graphs (:mod:`kg.validate.batches`), in a child
process forked before the build starts its store thread, while the build writes its files and loads its
store. The build swaps its outputs into place only after the gate passed.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.build.heap import bound_heap, give_back
from kg.build.report import BuildReport
from kg.errors import KGError
from kg.store.spool import SubjectIndex
from kg.system import die_with_parent


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
        fork: the process that validates has no other thread, so its workers may be forked from it.
        trim: hand the heap's free memory back after each batch (:func:`~kg.build.heap.give_back`: a long text's
            build, whose batches each read its text).
    """

    index: SubjectIndex
    ontology: Graph
    batches: Path
    size: int
    jobs: int = 1
    fork: bool = False
    trim: bool = False

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


def validate_asserted(asserted: AssertedGraphs, staging: Path, report: BuildReport) -> dict[str, int]:
    """The validation gate on the asserted graphs, before the new store is complete (the build runs this in a
    process of its own, :class:`Gate`, while it writes the files and the store loads; ``staging`` and ``report``
    are the build's, for a wrapper that wants them).

    Validation runs per batch of article graphs (:func:`kg.validate.batches.validate_in_batches`, in
    ``asserted.jobs`` worker processes, forked from here when ``asserted.fork`` allows it), with the same result as
    validating the whole asserted graph at once. Raises
    ``kg.errors.ValidationError`` to stop the build; the previous outputs then stay in place. Returns the
    warnings (``sh:Warning`` results) by message, which the build reports instead of logging them.
    """
    from kg.validate.batches import validate_in_batches
    from kg.validate.results import gate

    # with several jobs, the workers are forked from here when this process has no other thread (they then import
    # and compile nothing); one job validates here: on two cores, two workers measured no faster (the build's
    # other work and the store thread already share the cores), docs/performance.md; a long text's build (``trim``)
    # validates each batch in a process forked from here for it
    # SHACL (ontology/shapes.ttl): raises ValidationError on any violation
    result = gate(validate_in_batches(asserted.index, asserted.ontology, asserted.subject_batches(), asserted.jobs,
                                      fork=asserted.fork, trim=asserted.trim), log_warnings=False)
    return dict(Counter(problem.message for problem in result.warnings))


class Gate:
    """:func:`validate_asserted` in a child process forked before the build starts its store thread: the child
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
        #: whether the validation process bounds its heap (:func:`~kg.build.heap.bound_heap`): the build met a long text
        self.bound = False
        #: the warnings of the validation, by message (once :meth:`wait` returned)
        self.warnings: dict[str, int] = {}
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
        die_with_parent()  # a killed build leaves no child behind
        # the free memory of the heap this process was forked with, handed back: once the build reuses or returns
        # those pages, this process's copies of them would be its own (with gc.freeze before the fork, this process's
        # own memory when validation starts went from 37-42 to 19-21 MiB at 1.5 million characters)
        give_back()
        self.go.close()
        try:
            size, bound = go.recv()
        except EOFError:  # the build stopped before its files were sorted
            return
        if bound:
            bound_heap()
        started = time.perf_counter()
        warnings: dict[str, int] = {}
        try:
            graphs = self.asserted(size)
            graphs.fork = True  # this process has no thread but its own: its workers may be forked from it
            graphs.trim = bound
            warnings = validate_asserted(graphs, self.staging, self.report) or {}
            error = None
        except BaseException as exc:
            error = exc
        try:
            answer.send((error, time.perf_counter() - started, warnings))
        except Exception:  # an error that does not pickle: its message
            answer.send((KGError(f"{type(error).__name__}: {error}"), time.perf_counter() - started, warnings))

    def start(self, size: int) -> None:
        """The asserted graphs are sorted and indexed: validate them."""
        if self.process is None:
            started = time.perf_counter()
            self.warnings = validate_asserted(self.asserted(size), self.staging, self.report) or {}
            self.seconds = time.perf_counter() - started
            return
        self.go.send((size, self.bound))
        self.go.close()

    def wait(self) -> float:
        """Wait for the gate; returns the seconds it took.

        Raises:
            ValidationError: a violation (or whatever else stopped the gate).
        """
        if self.process is None:
            return self.seconds
        try:
            error, seconds, self.warnings = self.receive.recv()
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
