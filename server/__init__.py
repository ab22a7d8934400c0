"""The newsgraph web app: ``create_app()`` builds a Flask app over a store written by ``kg build``."""

from __future__ import annotations

from flask import Flask

from kg.config import Settings


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app.

    Args:
        test_config: settings that override the defaults and ``KG_*`` variables; keys are the
            field names of :class:`kg.config.Settings` in upper case (``STORE``, ``QUERY_TIMEOUT`` ...).
    """
    app = Flask(__name__)
    overrides = {k.lower(): v for k, v in (test_config or {}).items()}
    settings = Settings.from_env(**{k: v for k, v in overrides.items() if k in Settings.__dataclass_fields__})
    app.config.from_mapping({k.upper(): getattr(settings, k) for k in Settings.__dataclass_fields__})
    app.config["SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body
    app.config.update(test_config or {})

    from server import backend, notfound, ontology, resources, security, sparql, ui
    from server.fastpath import DirectQueries

    backend.init_app(app)
    app.wsgi_app = DirectQueries(app)
    security.init_app(app)
    notfound.init_app(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(ui.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(ontology.bp)
    return app
