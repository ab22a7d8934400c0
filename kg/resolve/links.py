"""External identifiers: an entity's kind and label in, its Wikidata, GeoNames and DBpedia links (from the
reviewed link table) out; and proposals for the table from Wikidata's search.

The offline link table ``kg/data/links.csv`` has one row per identifier::

    kind,label,scheme,id,status,evidence
    place,Kyiv,wikidata,Q1899,verified,<evidence keys>

``scheme`` is ``wikidata``, ``geonames`` or ``dbpedia`` (a DBpedia resource name); ``status`` is
``verified`` (seen in two independent sources), ``verified-1`` (one source), ``derived`` (a DBpedia
name built from an English Wikipedia title by DBpedia's rule) or ``proposed`` (suggested by
``kg link --online``, waiting for review). The build links only ``verified``, ``verified-1`` and
``derived`` rows; a ``proposed`` row never reaches the graph until a person changes its status.

:func:`propose_links` asks Wikidata's search API (``wbsearchentities``) for the entities of a
build that have no Wikidata row, and appends its best candidates as ``proposed`` rows.
"""

from __future__ import annotations

import csv
import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from kg.config import DATA_DIR
from kg.errors import KGError
from kg.records import Link

logger = logging.getLogger(__name__)

LINK_TABLE = DATA_DIR / "links.csv"
COLUMNS = ["kind", "label", "scheme", "id", "status", "evidence"]
SCHEMES = ("wikidata", "geonames", "dbpedia")
#: Statuses the build turns into links.
LINKED_STATUSES = frozenset({"verified", "verified-1", "derived"})
#: Wikidata's search API (``kg link --online --api`` overrides it, e.g. for a local stand-in).
WIKIDATA_API = "https://www.wikidata.org/w/api.php"


def read_links(path: Path | str = LINK_TABLE) -> list[Link]:
    """Every row of a link table.

    Raises:
        KGError: the table lacks a column or has an unknown scheme.
    """
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise KGError(f"{path} lacks the column(s) {', '.join(sorted(missing))}: its header must be "
                          f"{','.join(COLUMNS)}")
        links = []
        for number, row in enumerate(reader, 2):
            if row["scheme"] not in SCHEMES:
                raise KGError(f"{path}:{number}: unknown scheme {row['scheme']!r}; use one of {', '.join(SCHEMES)}")
            links.append(Link(*(row[c].strip() for c in COLUMNS)))
    return links


@lru_cache(maxsize=4)
def _link_index(path: str) -> dict[tuple[str, str], tuple[Link, ...]]:
    index: dict[tuple[str, str], list[Link]] = {}
    for link in read_links(path):
        if link.status in LINKED_STATUSES:
            index.setdefault((link.kind, link.label), []).append(link)
    return {k: tuple(v) for k, v in index.items()}


def links_for(kind: str, label: str, path: Path | str = LINK_TABLE) -> tuple[Link, ...]:
    """The links the build makes for the entity of this kind and canonical label (none when unknown)."""
    return _link_index(str(path)).get((kind, label), ())


def search_wikidata(label: str, api: str = WIKIDATA_API, limit: int = 3, timeout: float = 10.0) -> list[dict]:
    """Candidates for ``label`` from Wikidata's ``wbsearchentities`` (id, label, description).

    Raises:
        KGError: the API cannot be reached or answers with something that is not its JSON.
    """
    query = urllib.parse.urlencode({"action": "wbsearchentities", "search": label, "language": "en",
                                    "type": "item", "limit": limit, "format": "json"})
    request = urllib.request.Request(f"{api}?{query}", headers={"User-Agent": "newsgraph-linker/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - the URL is http(s) by config
            data = json.load(reply)
    except (OSError, ValueError) as exc:
        raise KGError(f"cannot search Wikidata at {api} ({exc}); check the network or pass --api") from exc
    return [{"id": hit.get("id", ""), "label": hit.get("label", ""), "description": hit.get("description", "")}
            for hit in data.get("search", [])]


def propose_links(entities: Iterable[tuple[str, str]], table: Path | str = LINK_TABLE,
                  api: str = WIKIDATA_API) -> list[Link]:
    """Append ``proposed`` Wikidata rows to ``table`` for entities that have no Wikidata row yet.

    Only a candidate whose label equals the entity's label (ignoring case) is proposed; the
    search description goes into the evidence column for the reviewer. Nothing enters the graph.

    Args:
        entities: (kind, canonical label) pairs, e.g. from :func:`entities_in_build`.
        table: the link table to append to.
        api: the search API's URL.

    Returns:
        the rows appended.
    """
    table = Path(table)
    known = {(link.kind, link.label) for link in read_links(table) if link.scheme == "wikidata"}
    proposed = []
    for kind, label in sorted(set(entities)):
        if (kind, label) in known or kind == "group":
            continue
        for hit in search_wikidata(label, api):
            if hit["label"].casefold() == label.casefold() and hit["id"].startswith("Q"):
                proposed.append(Link(kind, label, "wikidata", hit["id"], "proposed",
                                     f"wbsearchentities: {hit['description']}".strip()))
                break
    if proposed:
        new_file = not table.is_file()
        with table.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new_file:
                writer.writerow(COLUMNS)
            for link in proposed:
                writer.writerow([link.kind, link.label, link.scheme, link.id, link.status, link.evidence])
    _link_index.cache_clear()
    logger.info("proposed %d links into %s", len(proposed), table)
    return proposed


def entities_in_build(nquads: Path | str) -> list[tuple[str, str]]:
    """(kind, label) of every person, organisation and place in a build's ``kg.nq``.

    Raises:
        KGError: the file does not exist.
    """
    from rdflib import RDF, RDFS, Dataset

    from kg.rdf.namespaces import NG

    path = Path(nquads)
    if not path.is_file():
        raise KGError(f"{path} does not exist: run `kg build` first, or pass --build")
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    kinds = {NG.Person: "person", NG.Organization: "organization", NG.Place: "place"}
    found = set()
    for cls, kind in kinds.items():
        for subject in dataset.subjects(RDF.type, cls):
            for label in dataset.objects(subject, RDFS.label):
                found.add((kind, str(label)))
    return sorted(found)
