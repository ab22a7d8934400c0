"""Regenerate the ontology's HTML documentation, ``ontology/docs/index.html``, from ``ontology/newsgraph.ttl``.

The page is made by pyLODE (``pip install -e '.[test]'`` installs it); run ``python -m kg.tools.gen_docs`` after
changing the Turtle. ``tests/test_ontology_docs.py`` checks that the committed page is current, and the server
serves it at ``/ontology`` to browsers.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from kg.config import ONTOLOGY_DIR

SOURCE = ONTOLOGY_DIR / "newsgraph.ttl"
TARGET = ONTOLOGY_DIR / "docs" / "index.html"


def documented_graph(source: Path = SOURCE) -> Graph:
    """The ontology without the bare declarations of external terms (they are there for OWL 2 DL, not for
    readers): external classes and properties then show as links in the page, not as terms of ours."""
    graph = Graph().parse(source, format="turtle")
    namespace = "https://w3id.org/newsgraph/ontology"
    for term in set(graph.subjects(RDF.type, None)):
        external = isinstance(term, URIRef) and not str(term).startswith(namespace)
        if external and all(p == RDF.type for p in graph.predicates(term, None)):
            graph.remove((term, None, None))
    return graph


def render(source: Path = SOURCE) -> str:
    """The HTML documentation of the ontology in ``source`` (pyLODE's OWL profile)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub  # pyLODE configures the root logger on import; restored below

        html = OntPub(ontology=documented_graph(source)).make_html()
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    return html if html.endswith("\n") else html + "\n"


def main(argv: list[str] | None = None) -> None:
    """Write the page; with ``--stdout``, print it instead (the sync test compares that with the file)."""
    argv = sys.argv[1:] if argv is None else argv
    if "--stdout" in argv:
        sys.stdout.write(render())
        return
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
