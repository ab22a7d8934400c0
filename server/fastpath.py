"""``GET /sparql?query=...`` (and its ``POST``) answered before Flask runs.

Most of the time a cheap query costs the server is Flask's, not the store's: its request context, routing and
response headers take longer than a label look-up; on a heavy query Flask still adds 0.4 to 1 ms (measured in
docs/sparql-endpoint.md). This WSGI middleware answers the plainest request itself: a ``GET /sparql`` whose query
string is one ``query`` parameter and nothing else (or a ``POST /sparql`` whose body is the query, or a form of
that one parameter: :func:`_posted`), from the store generation's cache, in the web process (a cheap query:
:meth:`server.embedded.Generation.inline_allowed`) or in a query worker, as the endpoint would. It negotiates the
format with the same function as the endpoint (:func:`server.conneg.negotiate`), runs the job through the same
:meth:`~server.embedded.Generation.run` and sends the same headers (the endpoint's CORS and ``Vary``,
:data:`server.security.HEADERS`). Everything else goes to Flask, which answers as it always does; so does any
answer that is not rows or triples (an error, a refusal, a ``406``, a worker that died), which this path leaves in
the environ (:data:`server.serving.ANSWERED`) for Flask to send, so that the query never runs twice. A query
past its deadline is answered ``503`` here, with the endpoint's message.
"""

from __future__ import annotations

import codecs
import functools
import io
import re
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs, unquote

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.utils import get_content_type

from server.cache import key
from server.conneg import FORM, GRAPHS, QUERY_BODY, RESULTS, negotiate
from server.jobs import Job, QueryTimeout, WorkerFailed
from server.security import HEADERS
from server.serving import ANSWERED, RECEIVED

#: The headers of every answer of the endpoint besides its type and length (server/sparql.py, server/security.py).
_COMMON: list[tuple[str, str]] = []


def _common() -> list[tuple[str, str]]:
    if not _COMMON:
        from server.sparql import CORS

        _COMMON.extend([*CORS.items(), ("Vary", "Accept"), *HEADERS.items()])
    return _COMMON


@functools.lru_cache(maxsize=256)
def _negotiate(accept: str | None) -> tuple[str | None, str | None]:
    """The media types of a SELECT/ASK and of a CONSTRUCT/DESCRIBE answer for an ``Accept`` header (kept per
    header: clients send the same one every time)."""
    parsed = parse_accept_header(accept, MIMEAccept)
    return negotiate(RESULTS, parsed), negotiate(GRAPHS, parsed)


class DirectQueries:
    """WSGI middleware over the Flask app ``app`` (see the module doc).

    Args:
        app: the Flask app, whose backend (``app.extensions["kg"]``) gives the store's generations.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.inner = app.wsgi_app
        self.settings = app.config["SETTINGS"]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/sparql" and environ.get("REQUEST_METHOD") in ("GET", "POST"):
            found = self._job(environ)
            if found is not None:
                reply = self._answer(environ, *found)
                if reply is not None:
                    status, content_type, body = reply
                    start_response(
                        status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *_common()]
                    )
                    return [body]
        return self.inner(environ, start_response)

    def _job(self, environ: dict) -> tuple[Job, tuple[str | None, str | None]] | None:
        """The job of a plain ``?query=...`` request (or POST, :func:`_posted`) and its negotiated media types, or
        ``None`` for anything else."""
        text = _query(environ.get("QUERY_STRING", "")) if environ["REQUEST_METHOD"] == "GET" else \
            _posted(environ, self.settings.max_body)
        if text is None or not text.strip():
            return None
        results_type, graph_type = _negotiate(environ.get("HTTP_ACCEPT"))
        if results_type is None and graph_type is None:
            return None
        job = Job(
            query=text,
            results_format=RESULTS[results_type] if results_type else None,
            graph_format=GRAPHS[graph_type] if graph_type else None,
            max_rows=self.settings.max_rows,
        )
        return job, (results_type, graph_type)

    def _answer(self, environ: dict, job: Job, types: tuple[str | None, str | None]) -> tuple[str, str, bytes] | None:
        """(status, content type, body), or ``None`` when Flask must answer."""
        acquire = getattr(self.app.extensions.get("kg"), "acquire", None)
        generation = acquire() if acquire is not None else None
        if generation is None:
            return None
        try:
            if getattr(generation, "cache", None) is None:
                return None
            deadline = environ.get(RECEIVED, time.monotonic()) + self.settings.query_timeout
            try:
                answer = generation.run(job, deadline)
            except QueryTimeout as exc:
                return "503 SERVICE UNAVAILABLE", "text/plain; charset=utf-8", (str(exc).rstrip("\n") + "\n").encode()
            except WorkerFailed as exc:
                environ[ANSWERED] = (key(generation.identity, job), exc)
                return None
        finally:
            generation.release()
        results_type, graph_type = types
        if answer.kind == "results":
            return "200 OK", get_content_type(results_type, "utf-8"), answer.body
        if answer.kind == "graph":
            return "200 OK", get_content_type(graph_type, "utf-8"), answer.body
        environ[ANSWERED] = (key(generation.identity, job), answer)
        return None


def _query(string: str) -> str | None:
    """The query of a query string that is one ``query`` parameter and nothing else (``None`` for any other, and
    for one with bytes beyond ASCII, which Flask reads as UTF-8)."""
    if not string.isascii():
        return None
    if string.startswith("query=") and "&" not in string and ";" not in string:
        return _unquote_plus(string[6:])  # what parse_qs gives for one parameter, without its general work
    params = parse_qs(string, keep_blank_values=True)
    if len(params) != 1 or len(params.get("query", ())) != 1:
        return None
    return params["query"][0]


#: A ``%`` that does not start an escape of two hex digits (:func:`urllib.parse.unquote` leaves it as it is).
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _unquote_plus(string: str) -> str:
    r""":func:`urllib.parse.unquote_plus` of an ASCII ``string``, the same text four to six times faster (its escapes
    are decoded in C: a query of 40 escapes took 11 µs of each request's 100, now 2).

    >>> _unquote_plus("SELECT+%3Fs+%7B%3Fs+%3Fp+%22%C3%A9t%C3%A9%22%7D+%23+100%+%5C")
    'SELECT ?s {?s ?p "été"} # 100% \\'
    """
    string = string.replace("+", " ")
    if "%" not in string:
        return string
    if _LONE_PERCENT.search(string):
        return unquote(string)
    escaped = string.replace("\\", "\\\\").replace("%", "\\x")
    return codecs.escape_decode(escaped)[0].decode("utf-8", "replace")


def _posted(environ: dict, most: int) -> str | None:
    """The query of a ``POST /sparql`` with no query string whose body is the query (``application/sparql-query``)
    or a form of one ``query`` field, of a stated length up to ``most`` bytes; ``None`` for any other. The body is
    read here, so it is put back for Flask (which answers every request this path leaves, an error included)."""
    if environ.get("QUERY_STRING"):
        return None
    kind = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if kind not in (QUERY_BODY, FORM):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= most:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    if len(body) != length:
        return None
    # Flask reads the body as UTF-8, a form's fields too (what cannot be read becomes U+FFFD)
    return body.decode("utf-8", "replace") if kind == QUERY_BODY else _query(body.decode("latin-1"))
