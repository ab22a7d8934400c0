"""Precision of events, tenures, counts and statements against the hand-judged items of
tests/data/precision_items.tsv."""

from __future__ import annotations

import pytest

from kg.extract.nlp import make_nlp
from tests.precision import KINDS, precision, verdicts

#: The floors under the precision reported in the README (``python -m tests.precision``).
FLOORS = {("seeds", "event"): 0.94, ("seeds", "tenure"): 0.95, ("seeds", "count"): 0.94,
          ("unseen", "event"): 0.87, ("unseen", "tenure"): 0.95, ("unseen", "count"): 0.95,
          ("seeds", "statement"): 0.84, ("unseen", "statement"): 0.97}


@pytest.fixture(scope="module")
def measured():
    return precision(make_nlp())


def test_every_extracted_item_has_a_verdict(measured):
    """New output must be judged by hand (``python -m tests.precision --new``) before it counts."""
    _, unjudged, _ = measured
    assert unjudged == [], "\n".join("\t".join(item) for item in unjudged)


def test_precision_does_not_fall_below_the_measured_floor(measured):
    table, _, _ = measured
    for key, floor in FLOORS.items():
        ok, total = table[key]
        assert total > 0 and ok / total >= floor, (key, ok, total)


def test_verdicts_are_well_formed():
    for (file, kind, item), (verdict, reason) in verdicts().items():
        assert kind in KINDS and item, (file, kind, item)
        assert verdict in ("ok", "wrong"), (file, item, verdict)
        assert verdict == "ok" or reason.strip(), f"a wrong item needs its reason: {file} {item}"
