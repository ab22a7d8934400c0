"""Regenerate ``ontology/newsgraph.owl`` (RDF/XML, what Protégé opens) from ``ontology/newsgraph.ttl``.

Run ``python -m kg.tools.gen_owl`` after changing the Turtle; ``tests/test_ontology.py`` checks that the two
files hold the same graph.
"""

from __future__ import annotations

from pathlib import Path

from kg.config import ONTOLOGY_DIR
from kg.store.owl import ontology_graph, to_rdfxml

SOURCE = ONTOLOGY_DIR / "newsgraph.ttl"
TARGET = ONTOLOGY_DIR / "newsgraph.owl"


def render(source: Path = SOURCE) -> str:
    """The RDF/XML text of the ontology in ``source``."""
    return to_rdfxml(ontology_graph(source))


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
