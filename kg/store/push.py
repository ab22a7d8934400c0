"""Push a build's named graphs into a remote SPARQL 1.1 store (Graph Store HTTP Protocol): ``kg.nq`` in, the
remote store's graphs replaced and a push log out.

Every named graph of ``kg.nq`` (article graphs, the ontology graph, the inferred graph) is sent
as one ``PUT <graph-store>?graph=<iri>`` with an N-Triples body, so pushing again replaces a
graph instead of adding a second copy. Their merge (each distinct triple once) is sent last as the
store's default graph (``PUT <graph-store>?default``), as the embedded store holds it, so that the
remote default graph is a set too (serve it as it is: a "union default graph" option would repeat a
triple once per graph). Failed requests are retried a bounded number of times
with a growing pause. Each graph pushed is recorded in a JSON Lines log with the SHA-256 of its
content and the graph store it went to, so an interrupted push resumes where it stopped and an
unchanged graph is not sent twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

from kg.errors import InputError, KGError

logger = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
#: The key of the default graph among the graphs :func:`push` sends (and in the push log): no IRI is empty.
DEFAULT_GRAPH = ""


class PushError(KGError):
    """The remote store refused a graph, or could not be reached after every retry."""


@dataclass(frozen=True)
class Target:
    """Where and how to push.

    Attributes:
        graph_store: the Graph Store Protocol URL (``PUT ...?graph=<iri>``).
        auth: ``(user, password)`` for HTTP Basic authentication, or ``None``.
        token: a bearer token, or ``""``.
        timeout: seconds to wait for one request.
        retries: attempts after the first one for a request that failed for a passing reason.
        backoff: seconds of the first pause between attempts; each next pause is twice as long.
    """

    graph_store: str
    auth: tuple[str, str] | None = None
    token: str = ""
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 0.5

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/n-triples"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


@dataclass
class PushReport:
    """What a push did: graphs sent, graphs skipped as already pushed, triples sent (in all and per graph)."""

    pushed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    triples: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    default_size: int | None = None


def graph_store_url(endpoint: str, graph_store: str | None = None) -> str:
    """The Graph Store Protocol URL: ``graph_store`` if given, else derived from the query endpoint.

    >>> graph_store_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/store'
    >>> graph_store_url("http://example.org/sparql", "http://example.org/sparql-graph-crud")
    'http://example.org/sparql-graph-crud'
    >>> graph_store_url("http://example.org/sparql")
    'http://example.org/sparql'
    """
    if graph_store:
        return graph_store
    if endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/")[: -len("query")] + "store"
    return endpoint


def read_graphs(nquads: str | Path) -> dict[str, bytes]:
    """The named graphs of an N-Quads file as sorted N-Triples documents, keyed by graph IRI.

    Raises:
        InputError: the file is missing or is not N-Quads, or it has triples in the default graph.
    """
    path = Path(nquads)
    if not path.is_file():
        raise InputError(f"{path} does not exist: run `kg build` first (or give --build FOLDER)")
    lines: dict[str, list[str]] = {}
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise InputError(f"{path} has triples outside a named graph; `kg push` sends named graphs only")
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            lines.setdefault(quad.graph_name.value, []).append(f"{triple} .\n")
    except SyntaxError as exc:
        raise InputError(f"{path} is not valid N-Quads: {exc}") from exc
    return {iri: "".join(sorted(set(rows))).encode("utf-8") for iri, rows in sorted(lines.items())}


def merged_graph(graphs: dict[str, bytes]) -> bytes:
    """The merge of ``graphs`` (N-Triples documents of :func:`read_graphs`): every distinct triple once, sorted."""
    lines = {line for body in graphs.values() for line in body.decode("utf-8").splitlines(keepends=True)}
    return "".join(sorted(lines)).encode("utf-8")


def content_hash(body: bytes) -> str:
    """SHA-256 of a graph's N-Triples document.

    >>> content_hash(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(body).hexdigest()


def read_log(log: str | Path, graph_store: str) -> dict[str, str]:
    """Graphs the log lists as pushed to ``graph_store``: IRI to content hash (the latest entry wins)."""
    path = Path(log)
    done: dict[str, str] = {}
    if not path.is_file():
        return done
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            logger.warning("%s line %d is not JSON (an interrupted write?); ignored", path, number)
            continue
        if entry.get("graph_store") == graph_store:
            done[entry["graph"]] = entry["sha256"]
    return done


def put_graph(target: Target, iri: str, body: bytes, sleep: Callable[[float], None] = time.sleep) -> None:
    """PUT one graph, retrying connection failures and passing HTTP errors (429, 5xx) with backoff.

    Raises:
        PushError: the store refused the graph (another 4xx), or every attempt failed.
    """
    pause = target.backoff
    problem = ""
    for attempt in range(target.retries + 1):
        if attempt:
            logger.info("retrying <%s> in %.1f s (%s)", iri, pause, problem)
            sleep(pause)
            pause *= 2
        where = {"default": ""} if iri == DEFAULT_GRAPH else {"graph": iri}
        try:
            reply = requests.put(target.graph_store, params=where, data=body, headers=target.headers(),
                                auth=target.auth, timeout=target.timeout)
        except requests.RequestException as exc:
            problem = f"{type(exc).__name__}: {exc}"
            continue
        if reply.ok:
            return
        problem = f"HTTP {reply.status_code}: {reply.text[:300].strip()}"
        if reply.status_code not in RETRY_STATUS:
            raise PushError(f"{target.graph_store} refused graph <{iri}> ({problem}); check --graph-store "
                            "(the store's Graph Store Protocol URL) and --auth/--token")
    raise PushError(f"could not push graph <{iri}> to {target.graph_store} after {target.retries + 1} attempts "
                    f"(last: {problem}); run `kg push` again to resume")


def push(nquads: str | Path, target: Target, log: str | Path, batch: int = 4, force: bool = False,
         progress: Callable[[str], None] | None = None) -> PushReport:
    """Push every named graph of ``nquads`` to ``target``, then their merge as its default graph, skipping those
    the log lists with the same content.

    Args:
        nquads: the build's ``kg.nq``.
        target: the graph store and credentials.
        log: the JSON Lines push log; one line is appended per graph pushed.
        batch: graphs sent at the same time (one request each).
        force: push every graph even if the log says it is there already.
        progress: called with each graph IRI once it is pushed or skipped.

    Raises:
        InputError: ``nquads`` is missing or malformed.
        PushError: a graph could not be pushed (those pushed before it stay in the log).
    """
    graphs = read_graphs(nquads)
    default = merged_graph(graphs)
    done = {} if force else read_log(log, target.graph_store)
    report = PushReport(default_size=default.count(b"\n"))
    todo = []
    for iri, body in graphs.items():
        digest = content_hash(body)
        if done.get(iri) == digest:
            report.skipped.append(iri)
            if progress:
                progress(iri)
        else:
            todo.append((iri, body, digest))
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    _end_last_line(Path(log))
    workers = ThreadPoolExecutor(max(1, batch), thread_name_prefix="kg-push")
    with open(log, "a", encoding="utf-8") as log_file, workers as pool:
        for chunk in _chunks(todo, max(1, batch)):
            futures = [(iri, body, digest, pool.submit(put_graph, target, iri, body))
                       for iri, body, digest in chunk]
            failure: PushError | None = None
            for iri, body, digest, future in futures:
                try:
                    future.result()
                except PushError as exc:
                    failure = failure or exc
                    continue
                log_file.write(json.dumps({"graph": iri, "sha256": digest, "triples": body.count(b"\n"),
                                           "graph_store": target.graph_store, "at": time.time()}) + "\n")
                log_file.flush()
                report.pushed.append(iri)
                report.sizes[iri] = body.count(b"\n")
                report.triples += report.sizes[iri]
                if progress:
                    progress(iri)
            if failure:
                raise failure
        if done.get(DEFAULT_GRAPH) != content_hash(default):
            put_graph(target, DEFAULT_GRAPH, default)
            log_file.write(json.dumps({"graph": DEFAULT_GRAPH, "sha256": content_hash(default),
                                       "triples": report.default_size, "graph_store": target.graph_store,
                                       "at": time.time()}) + "\n")
    return report


def verify(endpoint: str, expected: dict[str, int], target: Target, chunk: int = 200,
           default: int | None = None) -> None:
    """Ask the store's query endpoint how many triples each graph holds, and compare with ``expected``.

    Args:
        endpoint: the store's SPARQL query URL.
        expected: triples per graph IRI.
        target: the credentials (and timeout) to use.
        chunk: graphs per query.
        default: triples the default graph should hold (their merge), if it was pushed.

    Raises:
        PushError: the endpoint cannot be queried, or a graph holds another number of triples.
    """
    iris = sorted(expected)
    found: dict[str, int] = {}
    for part in _chunks(iris, chunk):
        values = " ".join(f"<{iri}>" for iri in part)
        query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
        found.update({row["g"]["value"]: int(row["n"]["value"]) for row in _select(endpoint, query, target)})
    wrong = [f"<{iri}> has {found.get(iri, 0)} triples, not {expected[iri]}" for iri in iris
             if found.get(iri, 0) != expected[iri]]
    if default is not None:
        rows = _select(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", target)
        held = int(rows[0]["n"]["value"]) if rows else 0
        if held != default:
            wrong.append(f"the default graph has {held} triples, not {default} (the merge of the graphs; a store "
                         "serving a union default graph repeats a triple once per graph: serve it without that "
                         "option)")
    if wrong:
        raise PushError(f"{len(wrong)} graph(s) differ in the store after the push: " + "; ".join(wrong[:5])
                        + (" ..." if len(wrong) > 5 else "") + "; run `kg push --force` to send every graph again")


def _select(endpoint: str, query: str, target: Target) -> list[dict]:
    headers = {"Accept": "application/sparql-results+json"}
    if target.token:
        headers["Authorization"] = f"Bearer {target.token}"
    try:
        reply = requests.post(endpoint, data={"query": query}, headers=headers, auth=target.auth,
                              timeout=target.timeout)
        reply.raise_for_status()
        return reply.json()["results"]["bindings"]
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise PushError(f"cannot check the pushed graphs at {endpoint}: {exc}; check --endpoint "
                        "(the store's SPARQL query URL), or skip the check with --no-verify") from exc


def _end_last_line(log: Path) -> None:
    """End a last line an interrupted push left unfinished, so that the next entry starts a line of its own."""
    if log.is_file() and log.stat().st_size:
        with open(log, "rb+") as fh:
            fh.seek(-1, 2)
            if fh.read(1) != b"\n":
                fh.write(b"\n")


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """``user:password`` as a pair for HTTP Basic authentication.

    >>> parse_auth("dba:secret")
    ('dba', 'secret')
    """
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep:
        raise InputError(f"--auth {auth!r} is not user:password")
    return user, password
