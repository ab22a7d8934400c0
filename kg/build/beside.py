"""The extractors beside spaCy: on a machine of two cores or more, a one-process build (``jobs == 1``) runs spaCy's
pipeline here and the rules over each parsed text (:func:`kg.extract.extract`) in a second process, so that both
cores work while the articles are parsed.

The second process is forked once the pipeline is loaded (it shares the model, the gazetteer and every table read
so far, and loads nothing). Each parsed text goes to it as ``Doc.to_bytes`` (a few tens of KB; the tensors are
left out: no rule reads them) and its record comes back pickled, through ``multiprocessing`` queues (their feeder
threads write, so neither side blocks on a full pipe while the other does). The records are those the build makes
in one process, byte for byte; they come back in the order sent.

Long articles (those cut in pieces, :mod:`kg.extract.pieces`) are extracted here, piece by piece, as before.
``KG_RULES_BESIDE=0`` (``Settings.rules_beside``) turns the second process off; where ``fork`` is not available or
one core is all the process may use, it is never started (:func:`usable`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import extract
from kg.extract.pieces import extract_long, parsed_whole
from kg.ingest.pieces import PIECE_CHARS
from kg.records import Article, ArticleRecord

logger = logging.getLogger(__name__)

#: Batches of parsed texts sent and not yet given back, at most: the rules are faster than the parse, so two keep
#: them busy, and what waits (a few tens of KB per text) stays small.
OUTSTANDING_BATCHES = 2
#: Seconds to wait for a record before asking whether the process is still alive.
POLL = 5.0


def usable() -> bool:
    """Whether a second process for the rules can help here: ``fork`` exists and two cores are ours."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores >= 2


class _Failed:
    """What the second process sends back when the rules failed on an article (as text: any exception pickles)."""

    def __init__(self, article_id: str, error: str) -> None:
        self.article_id, self.error = article_id, error


def _rules_main(nlp: Language, tasks, results) -> None:
    """The second process: a record for every (article, Doc bytes) taken, until ``None``."""
    while (task := tasks.get()) is not None:
        article, data = task
        try:
            results.put(extract(article, Doc(nlp.vocab).from_bytes(data)))
        except Exception:  # noqa: BLE001 - the build says which article, in the main process
            results.put(_Failed(article.id, traceback.format_exc()))
    results.close()
    results.join_thread()


class RulesBeside:
    """spaCy here, the rules in a forked process: :meth:`submit` batches, :meth:`drain` at the end, then :meth:`close`.

    Args:
        nlp: the loaded pipeline (the second process is forked from this process with it).
        batch_size: texts per ``nlp.pipe`` batch.
    """

    def __init__(self, nlp: Language, batch_size: int) -> None:
        self.nlp, self.batch_size = nlp, batch_size
        context = multiprocessing.get_context("fork")
        self._tasks, self._results = context.Queue(), context.Queue()
        self._process = context.Process(target=_rules_main, args=(nlp, self._tasks, self._results), daemon=True,
                                        name="kg-rules")
        self._process.start()
        self._sent = 0
        self._window = OUTSTANDING_BATCHES * max(1, batch_size)

    def submit(self, articles: list[Article]) -> Iterator[ArticleRecord]:
        """Parse a batch, send it to the rules; yields the records that are back, keeping the process busy."""
        for article, doc in parsed_whole(self.nlp, articles, self.batch_size):
            self._tasks.put((article, doc.to_bytes(exclude=["tensor"])))
            self._sent += 1
            while self._sent > self._window:
                yield self._take()
        while self._sent and not self._results.empty():  # what is back already: records stream on
            yield self._take()
        for article in articles:
            if len(article.text) > PIECE_CHARS:  # not parsed whole: in pieces, here
                yield extract_long(self.nlp, article, PIECE_CHARS)

    def drain(self) -> Iterator[ArticleRecord]:
        """The records of every text still with the rules."""
        while self._sent:
            yield self._take()

    def _take(self) -> ArticleRecord:
        while True:
            try:
                got = self._results.get(timeout=POLL)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError(f"the process of the extraction rules ended (exit code "
                                       f"{self._process.exitcode}) with {self._sent} article(s) not given back: "
                                       "run the build again with KG_RULES_BESIDE=0 to extract in one process") from None
        self._sent -= 1
        if isinstance(got, _Failed):
            raise RuntimeError(f"extracting article {got.article_id} failed in the process of the extraction rules:\n"
                               f"{got.error}")
        return got

    def close(self) -> None:
        """End the second process and the queues' threads (before the build forks its validation gate)."""
        if self._process.is_alive():
            self._tasks.put(None)
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        for q in (self._tasks, self._results):
            if self._sent or self._process.exitcode != 0:
                q.cancel_join_thread()  # what is still queued has no reader: never wait to write it
            q.close()
            q.join_thread()
