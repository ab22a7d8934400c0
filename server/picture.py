"""The neighbourhood picture of a resource page: the resource, the things it is directly linked to grouped by kind,
at most :data:`MAX_NODES` nodes, and one "+ N more events" node for each kind that did not fit.

The nodes are chosen fairly: kinds take turns (people, organisations, groups and places first), and within a kind
the most linked come first. ``static/graph.js`` draws the picture with Cytoscape.js (vendored): the resource in
the middle, its neighbours in two columns, a run of rows for each kind.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox

from kg.rdf.namespaces import NG
from server.names import clip
from server.reads import RDF_TYPE, Description
from server.urls import kind_and_slug, local_path, short_name

#: Most nodes in a picture, the resource and the summaries included.
MAX_NODES = 25
#: Kinds in the order they take turns, with the words of the legend (singular, plural).
KINDS = {
    "person": ("person", "people"),
    "organization": ("organisation", "organisations"),
    "group": ("group", "groups"),
    "place": ("place", "places"),
    "post": ("post", "posts"),
    "tenure": ("office held", "offices held"),
    "event": ("event", "events"),
    "article": ("article", "articles"),
}
#: Links the picture leaves out: the text spans, types and article bookkeeping are listed on the page, and a
#: holder's org:holds repeats the post of its tenure (which the picture shows as the office held).
SKIP = frozenset({RDF_TYPE, str(NG.evidence), str(NG.denotes), str(NG.inArticle), "http://www.w3.org/ns/org#holds"})
#: Where a summary node leads on the resource's own page.
SECTIONS = {"event": "#events", "article": "#mentioned", "tenure": "#offices"}


def neighbourhood(iri: str, desc: Description, names: dict[str, str], limit: int = MAX_NODES) -> dict:
    """Nodes (``id``, ``label``, ``kind``, ``href``; ``center`` or ``more``), edges and legend of ``iri``'s picture."""
    links: dict[str, list[tuple[str, bool]]] = {}
    pairs = [(p.value, o, True) for p, o in desc.outgoing] + [(p.value, s, False) for s, p in desc.incoming]
    for prop, other, outgoing in pairs:
        if prop in SKIP or not isinstance(other, ox.NamedNode) or other.value == iri:
            continue
        kind = (kind_and_slug(other.value) or ("", ""))[0]
        if kind in KINDS:
            links.setdefault(other.value, []).append((prop, outgoing))
    by_kind: dict[str, list[str]] = {}
    weight = Counter({other: len(props) for other, props in links.items()})
    for other in sorted(links, key=lambda o: (-weight[o], names.get(o, o).lower())):
        by_kind.setdefault(kind_and_slug(other)[0], []).append(other)
    chosen = _take_turns(by_kind, limit - 1)
    center_kind = (kind_and_slug(iri) or ("", ""))[0]
    nodes = [{"id": iri, "label": names.get(iri, short_name(iri)), "kind": center_kind, "center": True}]
    edges = []
    for kind in KINDS:
        for other in chosen.get(kind, []):
            nodes.append(
                {
                    "id": other,
                    "label": _short_label(names.get(other, short_name(other)), nodes[0]["label"]),
                    "kind": kind,
                    "href": local_path(other),
                }
            )
            for prop, outgoing in links[other]:
                source, target = (iri, other) if outgoing else (other, iri)
                edges.append({"source": source, "target": target, "label": names.get(prop, short_name(prop))})
        rest = len(by_kind.get(kind, [])) - len(chosen.get(kind, []))
        if rest:
            word = KINDS[kind][0 if rest == 1 else 1]
            more = f"more:{kind}"
            nodes.append(
                {
                    "id": more,
                    "label": f"+ {rest} more {word}",
                    "kind": kind,
                    "more": True,
                    "href": SECTIONS.get(kind, "#raw"),
                }
            )
            edges.append({"source": iri, "target": more, "label": ""})
    present = [kind for kind in KINDS if kind in by_kind or kind == center_kind]
    legend = [{"kind": kind, "name": KINDS[kind][1]} for kind in present if kind in KINDS]
    return {"nodes": nodes, "edges": edges, "legend": legend}


def _short_label(label: str, center: str) -> str:
    """A neighbour's label without the resource's own name in front ("X: “words”", "X as mayor"), clipped.

    >>> _short_label("Ana Bell: “we stay”", "Ana Bell"), _short_label("Ana Bell as mayor of Erin", "Ana Bell")
    ('“we stay”', 'mayor of Erin')
    """
    for joint in (": ", " as "):
        if label.startswith(center + joint) and len(label) > len(center + joint):
            label = label[len(center + joint) :]
            break
    return clip(label, 48)


def _take_turns(by_kind: dict[str, list[str]], budget: int) -> dict[str, list[str]]:
    """Up to ``budget`` nodes and summaries: kinds in :data:`KINDS` order take one node each in turn; a kind that
    cannot show all its nodes costs one more place for its summary.

    >>> _take_turns({"person": ["a", "b", "c"], "event": ["e1", "e2", "e3", "e4"]}, 5)
    {'person': ['a', 'b', 'c'], 'event': ['e1']}
    """
    kinds = [k for k in KINDS if by_kind.get(k)]
    chosen: dict[str, list[str]] = {k: [] for k in kinds}

    def cost() -> int:
        return sum(len(v) + (len(v) < len(by_kind[k])) for k, v in chosen.items())

    progress = True
    while progress:
        progress = False
        for kind in kinds:
            if len(chosen[kind]) < len(by_kind[kind]):
                chosen[kind].append(by_kind[kind][len(chosen[kind])])
                if cost() > budget:
                    chosen[kind].pop()
                    continue
                progress = True
    return {k: v for k, v in chosen.items() if v}
