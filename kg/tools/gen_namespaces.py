"""Regenerate ``kg/rdf/namespaces.py``'s term list from ``ontology/newsgraph.ttl``.

Run ``python -m kg.tools.gen_namespaces`` after adding or renaming an ontology term. It uses
rdflib's ``defined_namespace_creator`` to list the terms and rewrites only the term block between
the ``# BEGIN TERMS`` / ``# END TERMS`` markers, so the output is deterministic (no dates).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from kg.config import ONTOLOGY_DIR

NAMESPACE = "https://w3id.org/newsgraph/ontology#"
TARGET = Path(__file__).resolve().parent.parent / "rdf" / "namespaces.py"


def ontology_terms(source: Path = ONTOLOGY_DIR / "newsgraph.ttl") -> list[str]:
    """Local names of every term the ontology declares in our namespace, as rdflib's generator lists them."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "rdflib.tools.defined_namespace_creator", str(source), NAMESPACE, "NG"],
            cwd=tmp, check=True, capture_output=True,
        )
        generated = (Path(tmp) / "_NG.py").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"^    (\w+): URIRef", generated, re.M)))


def render(terms: list[str], current: str) -> str:
    block = "\n".join(f"    {t}: URIRef" for t in terms)
    return re.sub(r"(    # BEGIN TERMS\n).*?(    # END TERMS\n)", lambda m: m.group(1) + block + "\n" + m.group(2),
                  current, flags=re.S)


def main() -> None:
    TARGET.write_text(render(ontology_terms(), TARGET.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
