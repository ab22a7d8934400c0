"""The graph's home: N-Quads in, a pyoxigraph store on disk out, read behind a small interface.

The build writes a complete store beside the old one and swaps it in only when it is
complete (:func:`load_store`, :func:`swap_dir`, :func:`write_store`); the server opens it
read-only (:func:`open_store`). Every named graph (one per article, the ontology, the inferred triples) is
in the store, and its default graph holds their merge: each distinct triple once, so that the default
graph a query sees is a set, as SPARQL defines it (:func:`with_default_graph`; ``docs/endpoint.md`` says why
this layout). rdflib users get the same store through oxrdflib
(:func:`rdflib_dataset`). Exports and statistics use only the small :class:`GraphStore`
interface, so that a remote SPARQL 1.1 store can stand in for the embedded one.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import XSD, Dataset, Graph, Literal, URIRef

from kg.errors import StoreError

logger = logging.getLogger(__name__)

MARKER = "newsgraph-store"

#: A literal is matched a run of plain characters at a time ("unrolled"), not character by character: the regular
#: expression engine kept a frame per character of the loop, about 100 bytes, so one line with an article's
#: 1.5-million-character text took 160 MB to match (now a frame per escape sequence: 25 MB for 60,000 of them).
_TERM = r'(?:<[^>]*>|_:\S+|"[^"\\]*(?:\\.[^"\\]*)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)'
#: An N-Quads line of a named graph as pyoxigraph writes them (one space between terms); group 1 its triple.
_NAMED_QUAD = re.compile(rf"^({_TERM} {_TERM} {_TERM}) (?:<[^>]*>|_:\S+) \.\n?$")


def with_default_graph(lines: list[str], graph: str | None = None) -> list[str]:
    """N-Quads ``lines`` and, after them, the triple of every line of a named graph as a line of the default graph.

    Loaded together (in one piece, so that a blank node stays one node in both), they give the store its default
    graph: the merge of the named graphs, each triple once (a store holds each quad once). ``graph``, the
    N-Triples form of the one graph every line is in (when the caller knows it), spares matching each line.

    >>> with_default_graph(['<http://e/a> <http://e/p> "x y" <http://e/g> .\\n', '<http://e/a> <http://e/p> "1" .\\n'])
    ['<http://e/a> <http://e/p> "x y" <http://e/g> .\\n', '<http://e/a> <http://e/p> "1" .\\n', \
'<http://e/a> <http://e/p> "x y" .\\n']
    >>> with_default_graph(['<http://e/a> <http://e/p> <http://e/g> <http://e/g> .\\n'], "<http://e/g>")[1]
    '<http://e/a> <http://e/p> <http://e/g> .\\n'
    """
    if graph is not None:
        tail = f" {graph} .\n"
        if all(line.endswith(tail) for line in lines):
            cut = -len(tail)
            return lines + [line[:cut] + " .\n" for line in lines]
    copies = []
    for line in lines:
        match = _NAMED_QUAD.match(line)
        if match:
            copies.append(match.group(1) + " .\n")
    return lines + copies


def to_ox_quads(graph: Graph) -> Iterable[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in that graph's name."""
    from oxrdflib._converter import to_ox

    name = ox.NamedNode(str(graph.identifier)) if isinstance(graph.identifier, URIRef) else ox.DefaultGraph()
    for s, p, o in graph:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), name)


def nquad_lines(graph: Graph) -> list[str]:
    """One N-Quads line per triple of ``graph`` (canonical, one line each, ready to sort)."""
    data = ox.serialize(to_ox_quads(graph), format=ox.RdfFormat.N_QUADS)
    return data.decode("utf-8").splitlines(keepends=True)


def load_store(path: str | Path, nquads_path: str | Path) -> None:
    """Create a new store at ``path`` (which must not exist yet) from an N-Quads file, and mark it.

    The file is loaded in pieces of :data:`kg.store.spool.CHUNK_LINES` lines, so that the bulk loader's buffers stay
    bounded whatever the size of the file. pyoxigraph's loader gives the blank nodes of each piece labels of its
    own: a blank node whose lines fall in two pieces would become two (``kg build`` hands each graph, the
    ontology's with its blank nodes included, to :class:`StoreLoader` in one piece).
    """
    loader = StoreLoader(path)
    loader.add(nquads_path)
    loader.finish()


#: Lines handed to :class:`StoreLoader` are loaded this many at a time (at most :data:`kg.store.spool.CHUNK_LINES`).
#: Each call of pyoxigraph's bulk loader has a cost of its own: on the 105-article throughput corpus (300k quads
#: with the default graph's), pieces of 20,000 lines took 2.3-2.5 s of CPU, pieces of 50,000-60,000 1.9-2.0 s, one
#: piece 1.65 s; the loader's peak memory grew by 3 MiB from 20,000 to 50,000 (a single piece: 310 MiB more).
LINES_PIECE = 50_000
#: :data:`LINES_PIECE` for a long text's build (``StoreLoader(pieces=...)``): a long text's graph parts come
#: 10,000 triples (20,000 lines with the default graph's) at a time, and at 50,000 lines three of them gathered into
#: each piece, two such pieces waiting in memory, while the bulk loader held a third. A build of a 1.5-million-character
#: article (records from the cache, two builds side by side) peaked at 452 MiB with 50,000, 389 with 20,000.
LONG_TEXT_PIECE = 20_000
#: Pieces (about 10-20 MB each) that wait for the loader in memory; more wait in files beside the store (the page
#: cache's memory, not the process's), so that the build never waits for the store (the loader catches up while the
#: build sorts and writes its files) and its memory does not grow with the graph (a long article's quads are loaded
#: far behind the build).
WAITING_PIECES = 2


class _PieceFile:
    """A piece of N-Quads lines, ready to load, waiting in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path


class StoreLoader(threading.Thread):
    """Fills a new store from N-Quads lines and files handed to it one after the other, in a thread of its own,
    while the caller goes on (pyoxigraph's bulk loader does not hold the GIL); :meth:`finish` waits for the store
    and marks it.

    Files are loaded in pieces of :data:`kg.store.spool.CHUNK_LINES` lines, lines in pieces of about
    :data:`LINES_PIECE`, so that the bulk loader's buffers stay bounded whatever the size of the graph. The
    lines of one :meth:`add_lines` call stay in one piece, so that a graph's blank nodes stay one node each (the
    loader relabels blank nodes piece by piece). At most :data:`WAITING_PIECES` pieces wait for the loader in
    memory, the others in files beside the store (removed by :meth:`finish`): :meth:`add_lines` never waits. The
    store is not marked (:func:`open_store` refuses it) before :meth:`finish`, which the build calls only once its
    validation gate has passed (a build that fails calls :meth:`abort` first, and the store stays unmarked), and it
    is only ever loaded somewhere that nothing serves: the build swaps it in later.

    Args:
        path: the new store's folder (removed first if it exists).
        after: called with the complete, still open store (an :class:`EmbeddedStore`) once it is loaded, in a
            thread of its own while the store is optimized (VoID statistics, say).
        pieces: lines per piece (:data:`LINES_PIECE`; a long text's build: :data:`LONG_TEXT_PIECE`).
        beside: run ``after`` while RocksDB compacts the store (faster); else after the compaction (a long text's
            build: the two at once were its memory's peak).
    """

    def __init__(self, path: str | Path, after=None, pieces: int = LINES_PIECE, beside: bool = True) -> None:
        super().__init__(name="store-loader", daemon=True)
        self.path = Path(path)
        self.after = after
        self.pieces = pieces
        self.beside = beside
        self.seconds = 0.0
        self._items: queue.Queue = queue.Queue()
        self._lines: list[str] = []
        self._pieces: Path | None = None  # the folder of the pieces that wait in files
        self._spilled = 0
        self._ended = False
        self._aborted = threading.Event()
        self._error: BaseException | None = None

    def add_lines(self, lines: Iterable[str], graph: str | None = None) -> None:
        """Load N-Quads ``lines`` (a store holds each quad once, whatever the repeats), each also into the default
        graph (:func:`with_default_graph`; ``graph``: the one graph they are all in, if known), in pieces of
        ``pieces`` lines (or :data:`kg.store.spool.CHUNK_LINES`, if fewer), so that loading starts early."""
        from kg.store.spool import CHUNK_LINES

        self._lines.extend(with_default_graph(list(lines), graph))
        if len(self._lines) >= min(self.pieces, CHUNK_LINES):
            self._flush()

    def _flush(self) -> None:
        if not self._lines:
            return
        if self._items.qsize() < WAITING_PIECES:
            self._put("".join(self._lines).encode("utf-8"))
        else:  # written line by line: no copy of the piece in memory
            if self._pieces is None:
                self._pieces = Path(tempfile.mkdtemp(prefix=f".{self.path.name}-pieces-", dir=self.path.parent))
            self._spilled += 1
            piece = self._pieces / f"{self._spilled:06d}.nq"
            with piece.open("w", encoding="utf-8", newline="") as out:
                out.writelines(self._lines)
            self._put(_PieceFile(piece))
        self._lines = []

    def _put(self, item) -> None:
        if self.ident is None or self.is_alive():  # a loader that stopped on an error takes no more
            self._items.put(item)  # not started: finish() loads in the caller's thread

    def add(self, file: str | Path) -> None:
        """Load the N-Quads file ``file``."""
        self._flush()
        self._put(Path(file))

    def run(self) -> None:
        started = time.perf_counter()
        try:
            self._load()
        except BaseException as exc:  # handed to the thread that calls finish()
            self._error = exc
        self.seconds = time.perf_counter() - started

    def _load(self) -> None:
        from kg.store.spool import chunks, read_lines

        if self.path.exists():
            shutil.rmtree(self.path)
        store = ox.Store(str(self.path))
        try:
            while (source := self._items.get()) is not None:
                if self._aborted.is_set():
                    continue  # taken off the queue, not loaded
                if isinstance(source, bytes):
                    store.bulk_load(source, format=ox.RdfFormat.N_QUADS)
                    continue
                if isinstance(source, _PieceFile):
                    store.bulk_load(path=str(source.path), format=ox.RdfFormat.N_QUADS)
                    source.path.unlink()
                    continue
                for piece in chunks(read_lines(source)):
                    store.bulk_load("".join(with_default_graph(piece)).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            if self._aborted.is_set():
                return  # left unmarked, as a half-written store
            store.flush()
            if self.after is not None and self.beside:
                # ``after`` reads the flushed store while RocksDB compacts it (the same answers): at the end of a
                # build the compaction and the queries take a core each, 0.4 s instead of 0.6 s on 300,000 quads
                opened = EmbeddedStore(self.path, store)
                _at_once(lambda: self.after(opened), store.optimize)
            else:
                store.optimize()
                if self.after is not None:
                    self.after(EmbeddedStore(self.path, store))
        finally:
            del store

    def abort(self) -> None:
        """Stop loading (the build failed): what is still queued is dropped, the store is left unmarked and
        ``after`` no longer runs if it has not yet; :meth:`finish` then returns soon."""
        self._aborted.set()

    def end_input(self) -> None:
        """Say that every line and file has been added: the loader may finish the store (and run ``after``)."""
        if not self._ended:
            self._ended = True
            self._flush()
            self._put(None)

    def finish(self) -> float:
        """Say that every file has been added, wait for the store, mark it complete (unless the loading was
        aborted), and return the seconds the loading took (a loader never started loads here, in the caller's
        thread).

        Raises:
            whatever stopped the loading.
        """
        self.end_input()
        if self.ident is None:
            self.run()
        else:
            self.join()
        if self._pieces is not None:
            shutil.rmtree(self._pieces, ignore_errors=True)
        if self._error is not None:
            raise self._error
        if not self._aborted.is_set():
            (self.path / MARKER).write_text("pyoxigraph store written by `kg build`\n")
        return self.seconds


def _at_once(beside: Callable[[], object], here: Callable[[], object]) -> None:
    """Run ``beside`` in a thread of its own while ``here`` runs in this one; re-raise what either raised."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            beside()
        except BaseException as exc:  # handed to the caller below
            failed.append(exc)

    thread = threading.Thread(target=run, name="store-after", daemon=True)
    thread.start()
    try:
        here()
    finally:
        thread.join()
    if failed:
        raise failed[0]


def swap_dir(new: str | Path, final: str | Path) -> None:
    """Put the folder ``new`` in the place of ``final`` (two renames; ``final`` is never half-written).

    A reader that opened the old store keeps its open files until it closes them.
    """
    new, final = Path(new), Path(final)
    old = final.with_name(final.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    if old.exists():
        shutil.rmtree(old)


def write_store(store_path: Path, nquads_path: Path) -> None:
    """Load an N-Quads file into a new store, then swap it in for the old one.

    The new store is built in ``<store>.new`` and renamed into place only when loading
    succeeded, so a build that fails or is killed leaves the previous store as it was.
    """
    store_path = Path(store_path)
    staging = store_path.with_name(store_path.name + ".new")
    load_store(staging, nquads_path)
    swap_dir(staging, store_path)


def open_store(store_path: str | Path, read_only: bool = True) -> ox.Store:
    """Open a store written by ``kg build``.

    Raises:
        StoreError: there is no store at ``store_path``, or one written by an older ``kg build`` (whose default
            graph is not the merge of its named graphs).
    """
    path = Path(store_path)
    if not (path / MARKER).exists():
        raise StoreError(f"no newsgraph store at {str(path)!r}: run `kg build` first (it writes build/store)")
    try:
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {str(path)!r}: {exc}") from exc
    if not store.query("ASK { ?s ?p ?o }") and store.query("ASK { GRAPH ?g { ?s ?p ?o } }"):
        raise StoreError(f"the store at {str(path)!r} was written by an older `kg build` (its default graph is not "
                         "the merge of its named graphs): run `kg build` again")
    return store


def checkpoint(store_path: str | Path, target: str | Path) -> None:
    """Copy the store at ``store_path`` to the new folder ``target``, as it is now: on one file system the copy
    shares the store's immutable files (hard links), so it is made at once and stays as it is whatever happens to
    the original afterwards (a rebuild that swaps it out, an update that writes into it).

    Raises:
        StoreError: there is no store at ``store_path`` (or one written by an older ``kg build``).
        OSError: the copy cannot be made.
    """
    store = open_store(store_path, read_only=True)
    try:
        store.backup(str(target))
    except RuntimeError as exc:  # RocksDB's own errors
        raise OSError(f"cannot copy the store at {str(store_path)!r} to {str(target)!r}: {exc}") from exc
    finally:
        del store
    for ours in Path(store_path).glob("newsgraph*"):  # the marker and the build information (kg.store.build_info)
        shutil.copy2(ours, Path(target) / ours.name)


def _plain(term):
    """RDF 1.1 plain literals back to rdflib's plain ``Literal`` (oxrdflib returns ``xsd:string``)."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


@cache
def _newsgraph_oxigraph_store() -> type:
    """oxrdflib's store, with plain literals kept plain so that ``Literal("x")`` lookups match (oxrdflib, which
    brings rdflib's SPARQL engine along, is imported on first use: ``kg build`` does not need it)."""
    from oxrdflib import OxigraphStore

    class NewsgraphOxigraphStore(OxigraphStore):
        def triples(self, triple_pattern, context=None):
            for (s, p, o), contexts in super().triples(triple_pattern, context):
                yield (s, p, _plain(o)), contexts

        def query(self, query, initNs, initBindings, queryGraph, **kwargs):  # noqa: N803 - rdflib's names
            result = super().query(query, initNs, initBindings, queryGraph, **kwargs)
            if result.type == "SELECT":
                result.bindings = [{k: _plain(v) for k, v in row.items()} for row in result.bindings]
            return result

    return NewsgraphOxigraphStore


def rdflib_dataset(store: ox.Store) -> Dataset:
    """The store as an rdflib Dataset (through oxrdflib); its default graph is the store's, the merge."""
    return Dataset(store=_newsgraph_oxigraph_store()(store=store))


class GraphStore(Protocol):
    """What the rest of newsgraph needs from a store: SPARQL SELECT, a quad dump, a size.

    :class:`EmbeddedStore` implements it over the pyoxigraph store on disk; a remote SPARQL 1.1
    store (query endpoint plus Graph Store Protocol) can implement the same three methods.
    """

    def select(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Rows of a SELECT query whose default graph is the merge of all graphs (unbound variables left out)."""
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every named graph."""
        ...

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        ...


class EmbeddedStore:
    """The pyoxigraph store written by ``kg build``, read-only.

    Args:
        path: the store folder.
        store: the store at ``path`` already open (the build's loader, before the store is marked).

    Raises:
        StoreError: there is no store at ``path``.
    """

    def __init__(self, path: str | Path, store: ox.Store | None = None) -> None:
        self.path = Path(path)
        self.store = store if store is not None else open_store(self.path)

    def select(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        results = self.store.query(sparql)
        names = [v.value for v in results.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in results]

    def quads(self) -> Iterator[ox.Quad]:
        return (quad for quad in self.store if not isinstance(quad.graph_name, ox.DefaultGraph))

    def __len__(self) -> int:
        return named_quads(self.store)


def named_quads(store: ox.Store) -> int:
    """The number of quads in the named graphs of an open store (its default graph, their merge, left out)."""
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(next(iter(rows))["n"].value)


class SparqlStore:
    """A remote SPARQL 1.1 endpoint behind the same interface (SPARQL 1.1 Protocol, JSON results).

    The endpoint's default graph should be the merge of its named graphs, as ``kg serve`` serves it.

    Args:
        endpoint: the query URL (``http://127.0.0.1:5000/sparql``).
        timeout: seconds to wait for one answer.
        page: rows asked for at a time when listing quads.
    """

    def __init__(self, endpoint: str, timeout: float = 60.0, page: int = 5000) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.page = page

    def _solutions(self, sparql: str) -> ox.QuerySolutions:
        from urllib.error import URLError
        from urllib.parse import urlencode
        from urllib.request import Request, urlopen

        request = Request(self.endpoint, data=urlencode({"query": sparql}).encode("utf-8"),
                          headers={"Accept": "application/sparql-results+json",
                                   "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the user's own endpoint
                body = response.read()
        except (URLError, OSError) as exc:
            raise StoreError(f"cannot query the SPARQL endpoint {self.endpoint!r}: {exc}") from exc
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def select(self, sparql: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        results = self._solutions(sparql)
        names = [v.value for v in results.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in results]

    def quads(self) -> Iterator[ox.Quad]:
        offset = 0
        while True:
            rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o "
                               f"LIMIT {self.page} OFFSET {offset}")
            for row in rows:
                yield ox.Quad(row["s"], row["p"], row["o"], row["g"])
            if len(rows) < self.page:
                return
            offset += self.page

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value)
