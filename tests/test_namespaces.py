from __future__ import annotations

from pathlib import Path

import pytest

from kg.rdf.namespaces import NG
from kg.tools.gen_namespaces import TARGET, ontology_terms, render


def test_namespaces_module_is_in_sync_with_the_turtle():
    current = Path(TARGET).read_text(encoding="utf-8")
    assert render(ontology_terms(), current) == current, "run: python -m kg.tools.gen_namespaces"


def test_terms_resolve_and_unknown_terms_fail():
    assert str(NG.Person) == "https://w3id.org/newsgraph/ontology#Person"
    with pytest.raises((AttributeError, UserWarning), match="NoSuchTerm"):
        NG.NoSuchTerm  # noqa: B018
