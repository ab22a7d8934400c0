from __future__ import annotations

import itertools
import random
import string

import pytest
from rdflib import URIRef

from kg.rdf.iri import Minter, digest, slugify


def test_entity_iri_is_stable_and_under_base():
    m = Minter("https://example.org/kg")
    a = m.entity("place", "Nur-Sultan")
    assert a == m.entity("place", "Nur-Sultan") == URIRef("https://example.org/kg/id/place/nur-sultan")


def test_unknown_kind_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="person"):
        Minter("https://example.org/").id("thing", "x")


def test_slugs_are_valid_iri_segments_for_any_text():
    rng = random.Random(7)
    alphabet = string.printable + "ÄäÖöüßçéñАлматыҚазақстан中国\u200b"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        slug = slugify(text)
        assert slug and all(c in string.ascii_lowercase + string.digits + "-" for c in slug), (text, slug)


def test_keyed_iris_are_injective_on_distinct_keys():
    m = Minter("https://example.org/")
    keys = list(itertools.product(["a", "b", "a b", "ab"], [1, 2, 12], ["", "x"]))
    iris = {m.keyed("event", *k) for k in keys}
    assert len(iris) == len(keys)
    assert digest("a", "b") != digest("ab") != digest("a b")


def test_span_iris_distinguish_offsets():
    m = Minter("https://example.org/")
    assert m.span("abc", 1, 23) != m.span("abc", 12, 3)
