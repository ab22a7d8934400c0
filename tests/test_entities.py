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
    from kg.extract.nlp import make_nlp

    nlp = make_nlp()
    text = "Prime Minister Ana Costa met NATO officials in Lisbon on Monday."
    kinds = {(m.name, m.kind) for m in extract_mentions("a1", nlp(text))}
    assert ("Ana Costa", "person") in kinds
    assert ("Lisbon", "place") in kinds
    assert ("NATO", "organization") in kinds


@pytest.mark.parametrize("text", ["The others were Agriculture Secretary Maria Lund and Energy Secretary Tom Reyes.",
                                  "The president named new heads for the departments of Commerce, Energy and Justice."])
def test_a_portfolio_the_model_tags_as_an_organisation_is_no_organisation(text):
    """"Agriculture" of "Agriculture Secretary X", "Commerce" of "the departments of Commerce": a portfolio word, not
    the name of a body (the post and its department come from the title rules)."""
    from kg.extract.nlp import make_nlp

    mentions = extract_mentions("a1", make_nlp()(text))
    assert not [m.name for m in mentions if m.kind == "organization"]


# ---- ruler, titles, groups, typing, repeated sentences (issue 4) ----

from kg.extract.gazetteer import AliasEntry, Gazetteer, load_gazetteer  # noqa: E402
from kg.extract.groups import extract_groups  # noqa: E402
from kg.extract.sentences import repeated, repeated_sentences, sentence_key  # noqa: E402
from kg.extract.titles import extract_titles  # noqa: E402

GAZ = Gazetteer(
    entries=(AliasEntry("Lviv Oblast", "place", "AdministrativeRegion", ("Lviv region",)),),
    titles={"president": "president", "head of state": "president", "mayor": "mayor",
            "former president": "former president", "press secretary": "press secretary"},
    groups={"protesters": "protesters", "demonstrators": "protesters", "riot police": "police",
            "police": "police"},
    typing=load_gazetteer().typing,
)


def spaced_doc(text, ents=()):
    """A Doc of whitespace-separated words; ``ents`` as (first word, last word + 1, label)."""
    words = text.split(" ")
    tags = ["O"] * len(words)
    for start, end, label in ents:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return make_doc(words, tags)


@pytest.mark.parametrize(("text", "ents", "expected"), [
    ("President Ana Costa spoke .", [(1, 3, "PERSON")], [("President", "president")]),
    ("the mayor of Lviv , Ana Costa , spoke .", [(3, 4, "GPE"), (5, 7, "PERSON")],
     [("mayor of Lviv", "mayor of Lviv")]),
    ("Later the head of state left .", [], [("head of state", "president")]),
    ("As president I act .", [], []),
    ("the press secretary of the Russian President Ivan Orlov said", [(7, 9, "PERSON")],
     [("press secretary of the Russian President", "press secretary of Russian President")]),
    ("Former President Ana Costa left", [(2, 4, "PERSON")], [("Former President", "former president")]),
])
def test_titles_used_as_names(text, ents, expected):
    doc = spaced_doc(text, ents)
    found = [(m.span.text, m.name) for m in extract_titles("a1", doc, GAZ)]
    assert found == expected
    for m in extract_titles("a1", doc, GAZ):
        assert doc.text[m.span.start:m.span.end] == m.span.text and m.label == "TITLE" and m.kind == "person"


def test_groups_from_data_terms_but_not_inside_names():
    doc = spaced_doc("Demonstrators fought riot police near the Capitol Police building", [(6, 8, "ORG")])
    found = [(m.span.text, m.name, m.kind) for m in extract_groups("a1", doc, GAZ)]
    assert found == [("Demonstrators", "protesters", "group"), ("riot police", "police", "group")]


@pytest.mark.parametrize(("text", "ents", "kind", "subtype"), [
    ("Troops entered the city of Kherson .", [(5, 6, "GPE")], "place", "Settlement"),
    ("Curfew in the Lviv region .", [(3, 5, "GPE")], "place", "AdministrativeRegion"),
    ("Ukrinform reports clashes .", [(0, 1, "ORG")], "organization", "MediaOutlet"),
    ("The Interior Ministry said .", [(1, 3, "ORG")], "organization", "GovernmentBody"),
    ("The National Police said .", [(1, 3, "ORG")], "organization", "SecurityForce"),
    ("The European Union said .", [(1, 3, "ORG")], "organization", "InternationalOrganization"),
    ("Crowds filled Maidan Square .", [(2, 4, "FAC")], "place", "Site"),
])
def test_types_from_name_and_context(text, ents, kind, subtype):
    (mention,) = extract_mentions("a1", spaced_doc(text, ents), GAZ)
    assert (mention.kind, mention.subtype) == (kind, subtype)


def test_alias_data_types_a_mention_and_not_entities_are_dropped():
    gaz = Gazetteer(entries=GAZ.entries, typing=GAZ.typing, not_entities=frozenset({"kazakh"}))
    doc = spaced_doc("Kazakh troops left the Lviv region .", [(0, 1, "PERSON"), (4, 6, "GPE")])
    (mention,) = extract_mentions("a1", doc, gaz)
    assert (mention.name, mention.subtype) == ("Lviv region", "AdministrativeRegion")


def test_repeated_sentences_map_to_their_first_occurrence():
    texts = ["Police fired tear gas.", "It rained.", "The buildings were on fire.", "Police fired  tear gas!",
             "It rained.", "The buildings were on fire."]
    assert repeated(texts) == {3: 0, 5: 2}
    doc = make_doc(["Police", "fired", ".", "Then", "police", "fired", "."], ["O"] * 7,
                   [True, False, False, True, False, False, False])
    assert repeated_sentences(doc) == {}


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def test_entity_ruler_sits_before_ner_and_corrects_the_model(nlp):
    assert nlp.pipe_names.index("entity_ruler") < nlp.pipe_names.index("ner")
    doc = nlp("The U.N. said the Caspian Sea was calm, NetBlocks reported.")
    found = {(m.name, m.kind, m.subtype, m.component) for m in extract_mentions("a1", doc)}
    assert ("U.N", "organization", "InternationalOrganization", "entity_ruler") in found
    assert ("Caspian Sea", "place", "WaterBody", "entity_ruler") in found
    assert ("NetBlocks", "organization", "NGO", "entity_ruler") in found


def test_a_corpus_profile_rules_only_articles_about_its_country(nlp):
    """The seeds' profile (KG_PROFILE=kazakhstan in these tests) names its places only in a text about Kazakhstan."""
    about = "A state of emergency was declared in Kazakhstan, in Alma-Ata and Oral, the Zakon.kz portal said."
    found = {(m.name, m.kind, m.subtype, m.component) for m in extract_mentions("a1", nlp(about))}
    assert ("Alma-Ata", "place", "Settlement", "entity_ruler") in found
    assert ("Oral", "place", "Settlement", "entity_ruler") in found
    assert ("Zakon.kz", "organization", "MediaOutlet", "entity_ruler") in found
    other = "In France, the Interior Ministry said an oral statement was read in Paris, the Horde said."
    found = {(m.name, m.component) for m in extract_mentions("a2", nlp(other))}
    assert not any(component == "entity_ruler" for _, component in found), found


def test_article_001_repeats_yield_duplicate_sentence_indexes(nlp):
    from kg.extract import extract
    from kg.ingest.readers import read_article
    from tests.conftest import SEEDS

    article = read_article(next(SEEDS.glob("001_*.txt")))
    record = extract(article, nlp(article.text))
    assert len(record.duplicates) > 20
    sents = list(nlp(article.text).sents)
    for repeat, first in record.duplicates.items():
        assert first < repeat and sentence_key(sents[repeat].text) == sentence_key(sents[first].text)


def test_entity_quality_on_unseen_articles_without_alias_data():
    """Precision and recall on tests/data/unseen against tests/data/expected/unseen.tsv (README figures)."""
    from tests.entity_quality import EXPECTED, HERE, evaluate

    result = evaluate(HERE / "data" / "unseen", EXPECTED / "unseen.tsv")
    assert result["precision"] >= 0.8 and result["recall"] >= 0.8, result


def test_an_organisation_cut_before_of_place_is_made_whole():
    doc = spaced_doc("The Confederation of Indigenous Nationalities of Ecuador marched to Quito .",
                     [(1, 5, "ORG"), (6, 7, "GPE"), (9, 10, "GPE")])
    assert [(m.name, m.kind) for m in extract_mentions("a1", doc, GAZ)] == [
        ("Confederation of Indigenous Nationalities of Ecuador", "organization"), ("Quito", "place")]


@pytest.mark.parametrize(("name", "kind", "none"), [
    ("Good Neighbour Agreement", "organization", True), ("Republican Convention", "organization", True),
    ("Operation Sandstorm", "place", True), ("Cyrillic", "place", True), ("Turkic", "organization", True),
    ("Ministry of War", "organization", False), ("Myanmar", "place", False), ("Han", "person", False),
    ("Collective Security Treaty Organization", "organization", False),
])
def test_events_documents_scripts_and_language_families_are_no_entities(name, kind, none):
    from kg.extract.entities import names_no_entity

    assert names_no_entity(name, kind) is none


def test_a_trigger_word_ending_a_proper_name_is_no_event():
    """"the Easter Monday Agreement" (tagged a name by the model) names an agreement; its words are neither an
    event nor its agents."""
    from kg.extract.nlp import make_nlp
    from tests.test_events import record_of

    rec = record_of(make_nlp(), "Mr Doyle's deep animosity towards the union, the Easter Monday Agreement and the "
                                "council have long been feared.")
    assert not [e for e in rec.events if e.event_class == "Agreement"]
    assert not {"Easter", "Monday"} & {t for e in rec.events for t in e.agent_texts}
