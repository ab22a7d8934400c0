"""Headers every response carries, so that a page of ours cannot be turned against its reader.

The pages load scripts and styles from this server only (``server/static/``) and have no inline script: data for
a script travels in a ``<script type="application/json">`` block written by Jinja's ``tojson`` filter, which
escapes ``<``, ``>``, ``&`` and ``'``, so a label such as ``</script><img src=x onerror=...>`` stays text. The
Content-Security-Policy says so to the browser (no inline script, no ``eval``, no framing by other sites), and
``nosniff`` stops a browser from reading a text answer as a script.
"""

from __future__ import annotations

from flask import Flask, Response

#: The Content-Security-Policy of every response.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # YASGUI and Cytoscape set style attributes; styles run no code
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _secure(reply: Response) -> Response:
    for name, value in HEADERS.items():
        reply.headers.setdefault(name, value)
    return reply


def init_app(app: Flask) -> None:
    """Add :data:`HEADERS` to every response of ``app``."""
    app.after_request(_secure)
