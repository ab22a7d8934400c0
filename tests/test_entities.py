"""Entity mentions from hand-built Docs (no model needed), and from the real model."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.entities import clean_name, extract_mentions


def make_doc(words, ents, sent_starts=None):
    doc = Doc(Vocab(), words=words, ents=ents, sent_starts=sent_starts or [True] + [False] * (len(words) - 1))
    return doc


def test_ner_labels_map_to_entity_kinds_and_others_are_ignored():
    words = ["President", "Ana", "Costa", "visited", "Lisbon", "on", "Monday", "with", "NATO", "."]
    ents = ["O", "B-PERSON", "I-PERSON", "O", "B-GPE", "O", "B-DATE", "O", "B-ORG", "O"]
    mentions = extract_mentions("a1", make_doc(words, ents))
    assert [(m.name, m.kind, m.label) for m in mentions] == [
        ("Ana Costa", "person", "PERSON"), ("Lisbon", "place", "GPE"), ("NATO", "organization", "ORG")]


def test_offsets_are_code_points_into_the_text_and_sentences_are_counted():
    words = ["Riots", "in", "Ürümqi", ".", "Police", "in", "Kyiv", "."]
    ents = ["O", "O", "B-GPE", "O", "O", "O", "B-GPE", "O"]
    doc = make_doc(words, ents, [True, False, False, False, True, False, False, False])
    first, second = extract_mentions("a1", doc)
    assert doc.text[first.span.start:first.span.end] == "Ürümqi"
    assert (first.span.sentence, second.span.sentence) == (0, 1)


@pytest.mark.parametrize(("raw", "clean"), [("the Kremlin's", "Kremlin"), ("Nur-Sultan,", "Nur-Sultan"),
                                            ('"Sputnik', "Sputnik"), ("The White House", "White House")])
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean


def test_real_model_finds_people_organisations_and_places():
    from kg.nlp import make_nlp

    nlp = make_nlp()
    text = "Prime Minister Ana Costa met NATO officials in Lisbon on Monday."
    kinds = {(m.name, m.kind) for m in extract_mentions("a1", nlp(text))}
    assert ("Ana Costa", "person") in kinds
    assert ("Lisbon", "place") in kinds
    assert ("NATO", "organization") in kinds
