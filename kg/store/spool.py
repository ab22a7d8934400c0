"""External sorting of text lines: unsorted lines in, sorted unique lines (and a subject index) on disk out, so
that the build's N-Quads are never all in memory at once.

Lines are collected in memory up to ``chunk_lines``, then sorted, deduplicated and written to a run file;
reading merges the runs (``heapq.merge``) and drops repeated lines. Memory is bounded by one chunk plus one line
per run, whatever the number of lines.

N-Triples and N-Quads lines are sorted as plain strings. For N-Triples that is also the order of their
(subject, predicate, object) terms, which ``kg.ttl`` lists: a term ends where the line has a space, and a
space sorts before every character that can follow the end of a shorter term in a longer one (``>``-ended
IRIs are never prefixes of others; ``"a"`` is one of ``"a"@en``, ``_:b1`` one of ``_:b12``).
"""

from __future__ import annotations

import heapq
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path

#: Lines per in-memory chunk (about 200 bytes each in N-Quads); ``KG_SPOOL_LINES`` overrides it.
CHUNK_LINES = int(os.environ.get("KG_SPOOL_LINES", "50000"))


def unique(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` (sorted) without consecutive repeats.

    >>> list(unique(["a", "a", "b", "a"]))
    ['a', 'b', 'a']
    """
    return map(itemgetter(0), groupby(lines))


def nquad_to_triple(line: str) -> str:
    """The N-Triples line of an N-Quads line of a named graph (the graph IRI, which holds no space, dropped).

    >>> nquad_to_triple('<http://e/a> <http://e/p> "x y" <http://e/g> .\\n')
    '<http://e/a> <http://e/p> "x y" .\\n'
    """
    return line[:-3].rsplit(" ", 1)[0] + " .\n"


def write_lines(lines: Iterable[str], path: Path) -> int:
    """Write ``lines`` to ``path`` (UTF-8); returns how many."""
    count = 0
    lines = iter(lines)
    with path.open("w", encoding="utf-8", newline="") as out:
        while batch := list(islice(lines, 4096)):  # a few thousand lines per write, not one call per line
            out.write("".join(batch))
            count += len(batch)
    return count


class MergeJob:
    """Sorted line files merged into one file without repeats (what ``heapq.merge`` and :func:`unique` give, the same
    bytes), in a ``sort -m -u`` process of the system when it has one (C locale: byte order, which for UTF-8 is the
    code point order the spools sort in), so that the merge runs beside the caller; else in :meth:`wait`.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a").write_text("a\\nc\\n"), (folder / "b").write_text("b\\nc\\né\\n")
    >>> MergeJob([folder / "a", folder / "b"], folder / "out").wait(), (folder / "out").read_text()
    (4, 'a\\nb\\nc\\né\\n')
    """

    def __init__(self, sources: list[Path], target: Path) -> None:
        self.sources, self.target = sources, target
        sort = shutil.which("sort")
        self._process = None if sort is None else subprocess.Popen(
            [sort, "-m", "-u", "-o", str(target), "--", *map(str, sources)],
            env={**os.environ, "LC_ALL": "C"}, stderr=subprocess.PIPE)

    def wait(self) -> int:
        """The number of lines written, once the merge is done.

        Raises:
            OSError: the ``sort`` process failed (its message).
        """
        if self._process is None:
            return write_lines(unique(heapq.merge(*map(read_lines, self.sources))), self.target)
        _, error = self._process.communicate()
        if self._process.returncode != 0:
            raise OSError(f"merging {', '.join(map(str, self.sources))} into {self.target} failed: "
                          f"{error.decode(errors='replace').strip()}")
        count = 0
        with self.target.open("rb") as stream:  # counted in blocks: a line per call would cost what sort saved
            while block := stream.read(1 << 20):
                count += block.count(b"\n")
        return count

    def stop(self) -> None:
        """End the ``sort`` process if it still runs (the build failed before it waited)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def chunks(lines: Iterable[str], size: int | None = None) -> Iterator[list[str]]:
    """``lines`` in lists of at most ``size`` (default :data:`CHUNK_LINES`)."""
    size = size or CHUNK_LINES
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def read_lines(path: Path) -> Iterator[str]:
    """The lines of a file written by :func:`write_lines`, one at a time."""
    with path.open(encoding="utf-8", newline="") as stream:
        yield from stream


class SortedSpool:
    """Collects lines and gives them back sorted and deduplicated, spilling sorted runs to ``folder``.

    Args:
        folder: where the run files go (created; removed by :meth:`close`).
        key: the sort order (default: the lines themselves, i.e. code point order).
        chunk_lines: lines held in memory before a run is written.
    """

    def __init__(self, folder: str | Path, key: Callable[[str], object] | None = None,
                 chunk_lines: int | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = key
        self.chunk_lines = chunk_lines or CHUNK_LINES
        self._chunk: set[str] = set()
        self._runs: list[Path] = []

    def add(self, lines: Iterable[str]) -> None:
        for line in lines:
            self._chunk.add(line)
            if len(self._chunk) >= self.chunk_lines:
                self._spill()

    def _spill(self) -> None:
        run = self.folder / f"run-{len(self._runs):05d}"
        write_lines(sorted(self._chunk, key=self.key), run)
        self._runs.append(run)
        self._chunk = set()

    def __iter__(self) -> Iterator[str]:
        """Every distinct line added, in order (the runs stay on disk; lines may still be added afterwards)."""
        memory = sorted(self._chunk, key=self.key)
        with ExitStack() as stack:
            streams = [stack.enter_context(run.open(encoding="utf-8", newline="")) for run in self._runs]
            yield from unique(heapq.merge(memory, *streams, key=self.key))

    def close(self) -> None:
        self._chunk = set()
        self._runs = []
        shutil.rmtree(self.folder, ignore_errors=True)


#: Subjects looked up per query by :meth:`SubjectIndex.many` (SQLite allows 999 parameters at least).
_MANY = 500


class SubjectIndex:
    """Where each subject's lines are in a sorted N-Quads file: one SQLite row per subject, nothing in memory.

    In a sorted file the lines of one subject follow each other, so a subject's triples are one byte range.
    Fill it with :meth:`write`, read with :meth:`many`.
    """

    def __init__(self, nquads: str | Path, index: str | Path | None = None) -> None:
        import sqlite3

        self.nquads = Path(nquads)
        self.db = sqlite3.connect(str(index or self.nquads.with_suffix(".index")))
        self.db.execute("CREATE TABLE IF NOT EXISTS subject (term TEXT PRIMARY KEY, start INTEGER, size INTEGER)"
                        " WITHOUT ROWID")
        self._file = None

    def write(self, lines: Iterable[str]) -> int:
        """Write sorted, distinct N-Quads ``lines`` to the file and index them; returns how many."""
        self.db.execute("DELETE FROM subject")
        count = offset = start = 0
        current = None
        rows: list[tuple[str, int, int]] = []
        with self.nquads.open("wb") as out:
            for line in lines:
                data = line.encode("utf-8")
                subject = line[:line.index(" ")]
                if subject != current:
                    if current is not None:
                        rows.append((current, start, offset - start))
                    current, start = subject, offset
                    if len(rows) >= 10_000:
                        self.db.executemany("INSERT INTO subject VALUES (?, ?, ?)", rows)
                        rows = []
                out.write(data)
                offset += len(data)
                count += 1
        if current is not None:
            rows.append((current, start, offset - start))
        self.db.executemany("INSERT INTO subject VALUES (?, ?, ?)", rows)
        self.db.commit()
        return count

    def many(self, subjects: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
        """``(subject, its lines)`` of each of ``subjects`` (in N-Triples form: ``<iri>`` or ``_:label``) the file
        has, in their order, with one query per few hundred subjects."""
        subjects = list(subjects)
        for first in range(0, len(subjects), _MANY):
            chunk = subjects[first:first + _MANY]
            rows = {term: (start, size) for term, start, size in self.db.execute(
                f"SELECT term, start, size FROM subject WHERE term IN ({','.join('?' * len(chunk))})", chunk)}
            for subject in chunk:
                row = rows.get(subject)
                if row is not None:
                    yield subject, self._read(*row)

    def _read(self, start: int, size: int) -> list[str]:
        if self._file is None:
            self._file = self.nquads.open("rb")
        self._file.seek(start)
        return self._file.read(size).decode("utf-8").splitlines(keepends=True)

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM subject").fetchone()[0]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.db.close()
