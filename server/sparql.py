"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` (query), ``/update``, ``/.well-known/void`` and ``/health``.

Every query is checked by :mod:`server.guard` before it runs, runs on the app's backend (:mod:`server.backend`:
a stoppable worker process, or the upstream store), and is answered in the format :mod:`server.conneg` chose.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from kg.errors import QueryError
from server.backend import get_backend, get_snapshot
from server.cache import key
from server.conneg import FORM, GRAPHS, QUERY_BODY, RESULTS, negotiate
from server.describe import serialize, service_description, void_description
from server.guard import Malformed, Refused
from server.jobs import Answer, Dataset, Job, QueryTimeout, UpdateMalformed, WorkerFailed
from server.serving import ANSWERED, deadline
from server.updates import check_update

logger = logging.getLogger(__name__)

bp = Blueprint("sparql", __name__)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, Authorization",
    "Access-Control-Max-Age": "86400",
}
UPDATE_BODY = "application/sparql-update"


class ProtocolError(QueryError):
    """A request that breaks the SPARQL 1.1 Protocol; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _text(status: int, message: str, **headers: str) -> Response:
    reply = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    reply.headers.update(headers)
    return reply


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(f"{len(values)} '{name}' parameters: send exactly one")
    return values[0] if values else None


def _params(name: str) -> list[str]:
    """A protocol parameter from the URL and, for form posts, the body."""
    values = request.args.getlist(name)
    if request.method == "POST" and request.mimetype == FORM:
        values += request.form.getlist(name)
    return values


def _query_text() -> str | None:
    """The query of a GET, form POST or direct POST, or ``None`` when there is none (service description)."""
    if request.method == "GET":
        if request.args.getlist("update"):
            raise ProtocolError("an update was sent to /sparql: send updates by POST to /update")
        return _one(request.args.getlist("query"), "query")
    if request.mimetype == FORM:
        if _params("update"):
            raise ProtocolError("an update was sent to /sparql: send updates by POST to /update")
        query = _one(_params("query"), "query")
        if query is None:
            raise ProtocolError("missing 'query': a form POST needs a query=... field")
        return query
    if request.mimetype == QUERY_BODY:
        if request.args.getlist("query"):
            raise ProtocolError("a 'query' parameter and a query body: send the query once")
        return request.get_data(as_text=True)
    if request.mimetype == UPDATE_BODY:
        raise ProtocolError("an update was sent to /sparql: send updates by POST to /update")
    raise ProtocolError(f"unsupported request body type {request.mimetype or '(none)'!r}: "
                        f"POST {FORM} (query=...) or {QUERY_BODY}", status=415)


def _not_acceptable(table: dict[str, str], what: str) -> Response:
    return _text(406, f"none of the requested types can carry {what}; supported: " + ", ".join(table))


def _graph_answer(triples) -> Response:
    media_type = negotiate(GRAPHS, request.accept_mimetypes, _format_param())
    if media_type is None:
        return _not_acceptable(GRAPHS, "a graph")
    return Response(serialize(triples, media_type), mimetype=media_type)


def _format_param() -> str | None:
    for name in ("format", "output"):
        values = _params(name)
        if values:
            return values[0]
    return None


def _endpoint_url(path: str) -> str:
    return request.host_url.rstrip("/") + path


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer a query (GET, form POST or direct POST), or describe the service when there is none."""
    try:
        text = _query_text()
    except ProtocolError as exc:
        return _text(exc.status, str(exc))
    store = get_snapshot()
    if text is None:
        settings = current_app.config["SETTINGS"]
        update = _endpoint_url("/update") if _updates_on(settings) else None
        return _graph_answer(service_description(_endpoint_url("/sparql"), store.info, update))
    if not text.strip():
        return _text(400, "empty query: send a SPARQL query as ?query=... or in a POST body")
    requested = _format_param()
    results_type = negotiate(RESULTS, request.accept_mimetypes, requested)
    graph_type = negotiate(GRAPHS, request.accept_mimetypes, requested)
    if results_type is None and graph_type is None:
        return _text(406, "none of the requested types is served; supported: "
                     + ", ".join([*RESULTS, *GRAPHS]))
    job = Job(
        query=text,
        results_format=RESULTS[results_type] if results_type else None,
        graph_format=GRAPHS[graph_type] if graph_type else None,
        dataset=_dataset("default-graph-uri", "named-graph-uri"),
        max_rows=current_app.config["SETTINGS"].max_rows,
    )
    try:
        answer = _answered(store, job) or store.run(job, deadline(current_app.config["SETTINGS"].query_timeout))
    except QueryTimeout as exc:
        return _text(503, str(exc))
    except WorkerFailed as exc:
        logger.error("query worker failed: %s", exc)
        return _text(500, f"the query could not be run: {exc}")
    return _answer(answer, results_type, graph_type)


def _answered(store, job: Job) -> Answer | None:
    """What :mod:`server.fastpath` already got for ``job`` on this ``store`` (an error, which Flask sends), or
    ``None``; a worker's failure there is raised here.

    Raises:
        WorkerFailed: the worker died running the job.
    """
    found = request.environ.pop(ANSWERED, None)
    if found is None or found[0] != key(getattr(store, "identity", None), job):
        return None
    if isinstance(found[1], Exception):
        raise found[1]
    return found[1]


def _dataset(default: str, named: str) -> Dataset | None:
    """The dataset the request's ``default``/``named`` parameters give, or ``None`` when it has neither."""
    default_graphs, named_graphs = _params(default), _params(named)
    if not default_graphs and not named_graphs:
        return None
    return Dataset(tuple(default_graphs), tuple(named_graphs))


def _answer(answer: Answer, results_type: str | None, graph_type: str | None) -> Response:
    """The HTTP response for a backend's answer."""
    if answer.kind == "results":
        return Response(answer.body, mimetype=results_type)
    if answer.kind == "graph":
        return Response(answer.body, mimetype=graph_type)
    if answer.kind == "not-acceptable":
        if answer.extra["kind"] == "graph":
            return _not_acceptable(GRAPHS, "a CONSTRUCT or DESCRIBE answer")
        return _not_acceptable(RESULTS, "a SELECT or ASK answer")
    message = answer.body.decode("utf-8", "replace")
    if answer.kind == "refused":
        return _text(403, message)
    if answer.kind == "syntax":
        return _text(400, f"malformed query: {message}")
    if answer.kind in ("malformed", "too-many-rows"):
        return _text(400, message)
    return _text(500, f"the query failed: {message}")


def _updates_on(settings) -> bool:
    return bool(settings.enable_updates and settings.update_token)


@bp.route("/update", methods=["POST"])
def update() -> Response:
    """Run a SPARQL update, only when updates are enabled and the request carries the bearer token."""
    settings = current_app.config["SETTINGS"]
    if not _updates_on(settings):
        return _text(403, "updates are disabled: start the server with --enable-updates and --token "
                     "(or KG_ENABLE_UPDATES=1 and KG_UPDATE_TOKEN)")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), settings.update_token.encode()):
        return _text(401, "an update needs the header 'Authorization: Bearer <token>'",
                     **{"WWW-Authenticate": 'Bearer realm="newsgraph"'})
    if request.mimetype == UPDATE_BODY:
        text = request.get_data(as_text=True)
    elif request.mimetype == FORM:
        try:
            text = _one(_params("update"), "update")
        except ProtocolError as exc:
            return _text(exc.status, str(exc))
    else:
        return _text(415, f"POST {UPDATE_BODY} or {FORM} (update=...)")
    if not text or not text.strip():
        return _text(400, "empty update")
    try:
        text, touched = check_update(text, _dataset("using-graph-uri", "using-named-graph-uri"))
        get_backend().update(text, touched)
    except Refused as exc:
        return _text(403, str(exc))
    except (Malformed, UpdateMalformed) as exc:
        return _text(400, str(exc))
    except QueryTimeout as exc:
        return _text(503, str(exc))
    except QueryError as exc:
        return _text(500, str(exc))
    return Response(status=204)


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset."""
    store = get_snapshot()
    return _graph_answer(void_description(_endpoint_url("/sparql"), store.stats(), store.info.base_iri))


@bp.route("/health")
def health() -> Response:
    """Liveness, size and build of the store being served."""
    info = get_snapshot().info
    return jsonify(status="ok", quads=info.quads, triples=info.triples, graphs=len(info.graphs),
                   base_iri=info.base_iri, build=info.build)


@bp.after_request
def _headers(reply: Response) -> Response:
    reply.headers.update(CORS)
    reply.vary.add("Accept")
    return reply


#: The endpoint's own routes: their errors are short plain text.
ENDPOINT_PATHS = ("/sparql", "/update", "/.well-known/void", "/health")


def _ours() -> bool:
    return request.path in ENDPOINT_PATHS


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    """Protocol errors (405, 413, ...) on the endpoint's routes as short plain text, never an HTML page."""
    if not _ours():
        return exc
    reply = _text(exc.code or 500, f"{exc.code} {exc.name}: {exc.description}")
    for name, value in exc.get_headers():
        if name.lower() == "allow":
            reply.headers["Allow"] = value
    reply.headers.update(CORS)
    reply.vary.add("Accept")
    return reply


@bp.app_errorhandler(Exception)
def _unexpected(exc: Exception):
    """Anything unexpected: logged with its traceback, and a one-line message (never the traceback) to the client."""
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    logger.exception("unexpected error on %s", request.path)
    if not _ours():
        return InternalServerError()
    return _text(500, "internal error: the server log has the details")
