"""The store, opened once per app (read-only) and kept in ``app.extensions["kg"]``."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Flask, current_app

from kg.store import open_store


def init_app(app: Flask) -> None:
    """Open the store named by the app's ``STORE`` setting."""
    app.extensions["kg"] = open_store(app.config["STORE"], read_only=True)


def get_store() -> ox.Store:
    return current_app.extensions["kg"]
