"""What the pages read from the store: bounded SELECTs on its default graph (the merge of all graphs).

Every query has a ``LIMIT``; a query that fails or runs past the time limit raises
:class:`kg.errors.QueryError` (the page then answers 503).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app

from kg.errors import QueryError
from kg.rdf.namespaces import NG
from server.backend import get_snapshot
from server.jobs import Job
from server.serving import deadline
from server.urls import doc_url, inferred_graph, local_path, ontology_path, short_name

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"

#: Most triples one document lists in each direction.
MAX_TRIPLES = 2000
MAX_INCOMING = 500

#: Hosts of the knowledge bases our entities link to, with the name shown on the page.
EXTERNAL_SITES = (("wikidata.org/", "Wikidata"), ("dbpedia.org/", "DBpedia"), ("geonames.org/", "GeoNames"))


def _from_json(term: dict) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if term["type"] == "uri":
        return ox.NamedNode(term["value"])
    if term["type"] == "bnode":
        return ox.BlankNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


def select(query: str, max_rows: int = 10000) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
    """Run a bounded SELECT on the store this request sees (:func:`server.backend.get_snapshot`).

    Returns:
        The rows, as dicts of the bound variables.

    Raises:
        QueryError: the query failed or ran past the time limit (the page answers 503).
    """
    by = deadline(current_app.config["SETTINGS"].query_timeout)
    answer = get_snapshot().run(Job(query, "JSON", None, max_rows=max_rows), by)
    if answer.kind != "results":
        raise QueryError(f"a page query failed ({answer.kind}): {answer.body.decode('utf-8', 'replace')}")
    data = json.loads(answer.body)
    return [{name: _from_json(term) for name, term in row.items()} for row in data["results"]["bindings"]]


def sparql_string(text: str) -> str:
    """A SPARQL string literal for ``text``.

    >>> sparql_string('a "b"\\n')
    '"a \\\\"b\\\\"\\\\n"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


@dataclass
class Term:
    """One RDF term as a page shows it."""

    value: str
    kind: str  # "iri", "literal" or "bnode"
    href: str | None = None
    label: str | None = None
    datatype: str | None = None
    language: str | None = None

    @property
    def text(self) -> str:
        return self.label or (short_name(self.value) if self.kind == "iri" else self.value)


def to_term(node, labels: dict[str, str] | None = None) -> Term:
    if isinstance(node, ox.NamedNode):
        iri = node.value
        external = next((name for host, name in EXTERNAL_SITES if host in iri), None)
        href = local_path(iri) or ontology_path(iri) or (iri if external or iri.startswith("http") else None)
        return Term(iri, "iri", href=href, label=(labels or {}).get(iri))
    if isinstance(node, ox.Literal):
        dt = node.datatype.value if node.datatype and not node.language else None
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            dt = None
        return Term(node.value, "literal", datatype=short_name(dt) if dt else None, language=node.language)
    return Term(str(node), "bnode")


def labels_of(iris: Iterable[str]) -> dict[str, str]:
    """English (or any) ``rdfs:label`` of each IRI, in one query."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    out: dict[str, str] = {}
    for chunk in range(0, len(iris), 200):
        values = " ".join(f"<{i}>" for i in iris[chunk:chunk + 200])
        rows = select(f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}>|<{NG.title}> ?l }} LIMIT 2000")
        for row in rows:
            s, label = row["s"].value, row["l"]
            if s not in out or label.language == "en":
                out[s] = label.value
    return out


@dataclass
class Description:
    """What the store says about one resource."""

    iri: str
    outgoing: list[tuple[ox.NamedNode, object]] = field(default_factory=list)
    incoming: list[tuple[object, ox.NamedNode]] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)


def describe(iri: str, asserted_only: bool = False) -> Description:
    """Outgoing and incoming triples of ``iri`` (deduplicated across graphs, bounded).

    Args:
        iri: the resource.
        asserted_only: leave out what only the reasoner's graph says (the HTML pages show what the
            articles assert; the data documents give everything).
    """
    desc = Description(iri)
    out_filter = in_filter = ""
    if asserted_only:
        out_filter = f"FILTER NOT EXISTS {{ GRAPH <{inferred_graph()}> {{ <{iri}> ?p ?o }} }}"
        in_filter = f"FILTER NOT EXISTS {{ GRAPH <{inferred_graph()}> {{ ?s ?p <{iri}> }} }}"
    for row in select(f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o {out_filter} }} "
                      f"ORDER BY ?p ?o LIMIT {MAX_TRIPLES}"):
        desc.outgoing.append((row["p"], row["o"]))
    for row in select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> {in_filter} }} "
                      f"ORDER BY ?p ?s LIMIT {MAX_INCOMING}"):
        desc.incoming.append((row["s"], row["p"]))
    return desc


def description_triples(desc: Description) -> list[ox.Triple]:
    subject = ox.NamedNode(desc.iri)
    triples = [ox.Triple(subject, p, o) for p, o in desc.outgoing]
    triples += [ox.Triple(s, p, subject) for s, p in desc.incoming]
    return triples


# ---------------------------------------------------------------- the HTML views' data


def grouped(pairs: Iterable[tuple[ox.NamedNode, object]], labels: dict[str, str],
            skip: frozenset[str] = frozenset()) -> list[tuple[Term, list[Term]]]:
    """(property, values) groups in property order, leaving out the properties in ``skip``."""
    groups: dict[str, list[Term]] = {}
    for p, o in pairs:
        if p.value in skip:
            continue
        groups.setdefault(p.value, []).append(to_term(o, labels))
    return [(Term(p, "iri", label=labels.get(p), href=local_path(p) or ontology_path(p) or p), values)
            for p, values in groups.items()]


def evidence_of(iri: str, limit: int = 200) -> list[dict]:
    """The text spans that are evidence for ``iri``, with their article, offsets and quote."""
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT DISTINCT ?span ?anchor ?article ?title ?begin ?end WHERE {{
          <{iri}> ng:evidence ?span .
          ?span ng:anchorOf ?anchor ; ng:inArticle ?article ; ng:beginIndex ?begin ; ng:endIndex ?end .
          OPTIONAL {{ ?article ng:title ?title }}
        }} ORDER BY ?article ?begin LIMIT {limit}""")
    out = []
    for row in rows:
        article = row["article"].value
        begin, end = int(row["begin"].value), int(row["end"].value)
        path = local_path(article)
        out.append({
            "anchor": row["anchor"].value,
            "article": article,
            "title": row["title"].value if "title" in row else short_name(article),
            "begin": begin,
            "end": end,
            "href": doc_url(article, "html", span=f"{begin}-{end}") if path else None,
        })
    return out


def context_of(article_text: str | None, begin: int, end: int, width: int = 80) -> tuple[str, str, str]:
    """(before, span, after) of a quote within its article, for showing evidence in context."""
    if not article_text:
        return "", "", ""
    start, stop = max(0, begin - width), min(len(article_text), end + width)
    return article_text[start:begin], article_text[begin:end], article_text[end:stop]


def external_links(desc: Description) -> list[tuple[str, str]]:
    """(site name, URL) of every ``owl:sameAs`` to Wikidata, DBpedia or GeoNames."""
    links = []
    for p, o in desc.outgoing:
        if p.value == OWL_SAMEAS and isinstance(o, ox.NamedNode):
            site = next((name for host, name in EXTERNAL_SITES if host in o.value), None)
            if site:
                links.append((site, o.value))
    return sorted(set(links))

