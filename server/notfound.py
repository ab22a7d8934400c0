"""Not found: a page with the site's header and search for browsers, one line of text for other clients."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import NotFound

from server.sparql import ENDPOINT_PATHS


def not_found(message: str) -> Response:
    """A 404 answer saying ``message``: HTML when the client prefers it, else plain text."""
    if request.accept_mimetypes.best_match(["text/plain", "text/html"]) == "text/html":
        return Response(render_template("404.html", message=message), status=404, mimetype="text/html")
    return Response(message + "\n", status=404, mimetype="text/plain")


def _page_not_found(exc: NotFound) -> Response | NotFound:
    if request.path in ENDPOINT_PATHS:
        return exc  # the endpoint's routes answer in their own way (server.sparql)
    return not_found(f"There is no page at {request.path}.")


def init_app(app: Flask) -> None:
    """Answer every 404 of ``app`` outside the SPARQL endpoint's routes with :func:`not_found`."""
    app.register_error_handler(404, _page_not_found)
