"""Where things are: our resource IRIs (``<base>id/<kind>/<slug>``) and the server paths that serve them.

A resource IRI ``<base>id/<kind>/<slug>`` is served at ``/id/<kind>/<slug>`` and documented at
``/doc/<kind>/<slug>.<ext>``; ontology terms at ``/ontology.html#Term``.
"""

from __future__ import annotations

import re

from flask import current_app, url_for

from kg.rdf.iri import INFERRED_GRAPH, KINDS
from kg.rdf.namespaces import NG, PREFIXES
from server.backend import get_snapshot

#: What a resource's slug may look like.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,200}$")
#: A slug that is (or carries) a hash: pages never show it to a reader.
HASHY = re.compile(r"[0-9a-f]{12,}")


def base_iri() -> str:
    """The base IRI the graph's resources are minted under: the one the store's build used (the ``BASE_IRI``
    setting for a store that does not say)."""
    base = get_snapshot().info.base_iri or current_app.config["BASE_IRI"]
    return base if base.endswith("/") else base + "/"


def resource_iri(kind: str, slug: str) -> str:
    """Our IRI of the resource ``kind``/``slug``."""
    return f"{base_iri()}id/{kind}/{slug}"


def local_path(iri: str) -> str | None:
    """The server path (``/id/<kind>/<slug>``) of one of our resource IRIs, or ``None`` for others."""
    prefix = base_iri() + "id/"
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix):].partition("/")
    if kind not in KINDS or not SLUG.match(slug):
        return None
    return url_for("resources.resource", kind=kind, slug=slug)


def ontology_path(iri: str) -> str | None:
    """Where this server documents an ontology term (``/ontology.html#Term``), if it serves the ontology."""
    ns = str(NG._NS)
    if not iri.startswith(ns) or "ontology.ontology_as" not in current_app.view_functions:
        return None
    return url_for("ontology.ontology_as", suffix="html") + "#" + iri[len(ns):]


def kind_and_slug(iri: str) -> tuple[str, str] | None:
    """``(kind, slug)`` of one of our resource IRIs, or ``None`` for others."""
    prefix = base_iri() + "id/"
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix):].partition("/")
    return (kind, slug) if kind in KINDS and SLUG.match(slug) else None


def short_name(iri: str) -> str:
    """``prefix:local`` for IRIs in a known namespace, ``kind slug`` for our resources (only ``kind`` when the slug is
    a hash), else the IRI itself."""
    ks = kind_and_slug(iri)
    if ks:
        return ks[0] if HASHY.search(ks[1]) else f"{ks[0]} {ks[1]}"
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, prefix
    if best and re.fullmatch(r"[A-Za-z_][\w.-]*", iri[len(best):] or "-"):
        return f"{name}:{iri[len(best):]}"
    return iri


def inferred_graph() -> str:
    """The named graph that holds only what the reasoner added (``<base>graph/inferred``)."""
    return base_iri() + INFERRED_GRAPH


def doc_url(iri: str, ext: str, **args) -> str | None:
    """The path of the ``ext`` document about one of our resources (``None`` for other IRIs); ``span=B-E``
    selects a span of an article (and adds its anchor)."""
    ks = kind_and_slug(iri)
    if not ks:
        return None
    url = url_for("resources.document", kind=ks[0], slug=ks[1], ext=ext, **args)
    if args.get("span"):
        url += f"#span-{args['span']}"
    return url

