"""The only place newsgraph mints IRIs: a base IRI and stable keys in, IRIs out.

Every IRI is a pure function of stable keys (names, article content hashes, character
offsets), never of run order, so the same input always gives the same IRIs.

>>> m = Minter("https://w3id.org/newsgraph/")
>>> m.entity("person", "Ana María Costa-Silva")
rdflib.term.URIRef('https://w3id.org/newsgraph/id/person/ana-maria-costa-silva')
>>> m.span("2f25d4864e244251", 17, 39)
rdflib.term.URIRef('https://w3id.org/newsgraph/id/span/2f25d4864e244251-17-39')
>>> m.article_graph("2f25d4864e244251")
rdflib.term.URIRef('https://w3id.org/newsgraph/graph/article/2f25d4864e244251')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import urllib.parse
from functools import lru_cache

from rdflib import URIRef

from kg.rdf.namespaces import DBR, GN, WD

#: Kinds of resource that live under ``<base>id/<kind>/``.
KINDS = frozenset(
    {
        "person",
        "organization",
        "group",
        "place",
        "event",
        "article",
        "span",
        "post",
        "tenure",
        "count",
        "participation",
        "concept",
        "run",
    }
)

#: The named graphs that are not an article's, as paths under the base IRI (``<base>graph/ontology``): the
#: ontology (TBox), and only what the reasoner added. :meth:`Minter.graph` makes their IRIs; a reader that knows
#: the base IRI (the server, from the store's build information) joins them to it.
ONTOLOGY_GRAPH = "graph/ontology"
INFERRED_GRAPH = "graph/inferred"
#: The path of an article's named graph under the base IRI, before the article's id.
ARTICLE_GRAPHS = "graph/article/"

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 16)
def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII slug of ``text``; non-Latin text falls back to a short hash.

    >>> slugify("Port-au-Prince")
    'port-au-prince'
    >>> slugify("  Älihan  Smaiylov ")
    'alihan-smaiylov'
    >>> slugify("Алматы")
    'x-061e110e7f'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_ALNUM.sub("-", folded).strip("-")[:max_length].rstrip("-")
    return slug or "x-" + digest(text, length=10)


def digest(*parts: object, length: int = 16) -> str:
    """A short, stable hex digest of ``parts`` (joined with a separator that cannot occur in them).

    >>> digest("a", 1) == digest("a", 1) != digest("a1")
    True
    """
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


class Minter:
    """Mints every IRI of a build from one base IRI.

    Args:
        base: the base IRI, ending in ``/`` (e.g. ``https://w3id.org/newsgraph/``).
    """

    def __init__(self, base: str) -> None:
        if not base.endswith("/"):
            base += "/"
        self.base = base

    def id(self, kind: str, key: str) -> URIRef:
        """``<base>id/<kind>/<key>``; ``key`` must already be a slug or digest."""
        return _mint(self.base, kind, key)

    def entity(self, kind: str, name: str) -> URIRef:
        """An entity (person, organisation, group, place, post) named by its canonical name."""
        return self.id(kind, slugify(name))

    def keyed(self, kind: str, *key: object) -> URIRef:
        """A node (event, count, tenure ...) identified by a tuple of stable keys."""
        return self.id(kind, digest(*key))

    def article(self, article_id: str) -> URIRef:
        return self.id("article", article_id)

    def span(self, article_id: str, begin: int, end: int) -> URIRef:
        """A text span: article content hash plus code-point offsets (end exclusive)."""
        return self.id("span", f"{article_id}-{begin}-{end}")

    def graph(self, path: str) -> URIRef:
        """A named graph that is not an article's: :data:`ONTOLOGY_GRAPH` or :data:`INFERRED_GRAPH`.

        >>> Minter("https://example.org/kg/").graph(INFERRED_GRAPH)
        rdflib.term.URIRef('https://example.org/kg/graph/inferred')
        """
        return URIRef(self.base + path)

    def article_graph(self, article_id: str) -> URIRef:
        return URIRef(f"{self.base}{ARTICLE_GRAPHS}{article_id}")


def external_iri(scheme: str, identifier: str) -> URIRef:
    """The linked-data IRI of an external identifier.

    >>> external_iri("wikidata", "Q35493"), external_iri("geonames", "1526384")
    (rdflib.term.URIRef('http://www.wikidata.org/entity/Q35493'), rdflib.term.URIRef('https://sws.geonames.org/1526384/'))
    >>> external_iri("dbpedia", "Reuters_(agency)")
    rdflib.term.URIRef('http://dbpedia.org/resource/Reuters_(agency)')
    """
    if scheme == "wikidata":
        return WD[identifier]
    if scheme == "geonames":
        return GN[f"{identifier}/"]
    if scheme == "dbpedia":
        return DBR[urllib.parse.quote(identifier, safe="_(),.'-")]
    raise ValueError(f"unknown link scheme {scheme!r}; use one of wikidata, geonames, dbpedia")


@lru_cache(maxsize=1 << 14)  # a build of 105 articles mints 10,000 IRIs; a long article's spans would fill more
def _mint(base: str, kind: str, key: str) -> URIRef:
    """``<base>id/<kind>/<key>``, made once for keys that recur (entities, classes of concept, posts)."""
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {sorted(KINDS)}")
    return URIRef(f"{base}id/{kind}/{key}")
