"""Issue 16: entities right on any article (corpus profiles, context-scoped institutions, gazetteer places,
countries, people). Invented sentences only; the dev-set floors are in ``tests/test_dev_eval.py``."""

from __future__ import annotations

from kg.extract.gazetteer import load_gazetteer
from kg.records import Article, ArticleRecord, Mention, Span
from kg.resolve.entities import resolve


def record(article_id: str, text: str, *names: tuple[str, str, str]) -> ArticleRecord:
    """An article of ``text`` whose mentions are (name, kind, NER label), found where the text has them."""
    mentions = []
    for name, kind, label in names:
        start = text.index(name)
        mentions.append(Mention(Span(article_id, start, start + len(name), name, 0), kind, name, label))
    return ArticleRecord(Article(article_id, f"{article_id}.txt", text), mentions)


def test_a_profile_alias_applies_only_to_articles_about_its_country():
    gazetteer = load_gazetteer(profile="kazakhstan")
    about = record(
        "kz",
        "In Kazakhstan, the Security Council met; Kazakh officials said the Security Council would act.",
        ("Security Council", "organization", "ORG"),
    )
    other = record(
        "fr",
        "In France, the Security Council met; French officials said little.",
        ("Security Council", "organization", "ORG"),
    )
    resolution = resolve([about, other], gazetteer)
    assert resolution.entity_of(about.mentions[0]).label == "Security Council of Kazakhstan"
    assert resolution.entity_of(other.mentions[0]).label != "Security Council of Kazakhstan"


def test_no_profile_no_profile_rows():
    gazetteer = load_gazetteer(profile="")
    about = record("kz", "In Kazakhstan, Oral was calm; Kazakh police said so.", ("Oral", "place", "GPE"))
    assert resolve([about], gazetteer).entity_of(about.mentions[0]).label == "Oral"


# ---- context-scoped institutions ----


def body(text: str, name: str = "Foreign Ministry", article_id: str = "a", *others: tuple[str, str, str]):
    """The entity a generic body's name denotes in an article of ``text`` (resolved with no profile)."""
    rec = record(article_id, text, (name, "organization", "ORG"), *others)
    return resolve([rec], load_gazetteer(profile="")).entity_of(rec.mentions[0])


def test_a_possessive_gives_the_body_its_country():
    entity = body("Japan protested. China's Foreign Ministry said the talks would go on. Japan said no.")
    assert entity.label == "Foreign Ministry (China)" and entity.within.label == "China"
    assert entity.within.subtype == "Country" and entity.subtype == "GovernmentBody"


def test_an_adjective_gives_the_body_its_country():
    assert body("In Tokyo, the Chinese Foreign Ministry said Japan was wrong.").label == "Foreign Ministry (China)"
    assert body("Chinese Foreign Ministry said so.", "Chinese Foreign Ministry").label == "Foreign Ministry (China)"


def test_of_a_country_gives_the_body_its_country():
    text = "The Ministry of Foreign Affairs of France said Germany agreed."
    assert body(text, "Ministry of Foreign Affairs of France").label == "Foreign Ministry (France)"
    assert body("The Supreme Court of Chile ruled on Monday.", "Supreme Court").label == "Supreme Court (Chile)"


def test_else_the_articles_country():
    text = "Georgian officials met. Georgia's president spoke. The Interior Ministry said 20 were held."
    assert body(text, "Interior Ministry").label == "Interior Ministry (Georgia)"


def test_the_dateline_gives_the_articles_country():
    text = "WASHINGTON (AP) - The Senate voted. Iraqi officials and Iraq's leaders watched Iraq closely."
    assert body(text, "Senate").label == "Senate (United States)"


def test_an_international_body_is_its_own_node():
    assert (
        body("Iraq asked the U.N. Security Council to meet.", "Security Council").label
        == "United Nations Security Council"
    )
    text = "The United Nations said Iraq must comply. The Security Council met in France."
    assert body(text, "Security Council").label == "United Nations Security Council"


def test_a_body_of_no_known_country_stays_in_its_article():
    one = record("a", "The Supreme Court ruled.", ("Supreme Court", "organization", "ORG"))
    two = record("b", "The Supreme Court met again.", ("Supreme Court", "organization", "ORG"))
    resolution = resolve([one, two], load_gazetteer(profile=""))
    first, second = (resolution.entity_of(r.mentions[0]) for r in (one, two))
    assert first.key != second.key and first.label == second.label == "Supreme Court"
    assert resolution.lookup("a", "Supreme Court") is first and resolution.lookup("b", "Supreme Court") is second


def test_bodies_of_two_countries_never_pool():
    one = record("a", "Chile's Supreme Court ruled.", ("Supreme Court", "organization", "ORG"))
    two = record("b", "Vanuatu's Supreme Court met.", ("Supreme Court", "organization", "ORG"))
    resolution = resolve([one, two], load_gazetteer(profile=""))
    assert {resolution.entity_of(r.mentions[0]).label for r in (one, two)} == {
        "Supreme Court (Chile)",
        "Supreme Court (Vanuatu)",
    }


# ---- countries and places from the gazetteer ----


def test_a_country_is_one_node_whatever_the_spelling():
    one = record(
        "a", "U.S. troops left. The United States said so.", ("U.S", "place", "GPE"), ("United States", "place", "GPE")
    )
    two = record("b", "America will act, officials said.", ("America", "place", "GPE"))
    resolution = resolve([one, two], load_gazetteer(profile=""))
    found = {resolution.entity_of(m).key for r in (one, two) for m in r.mentions}
    assert len(found) == 1
    country = resolution.entity_of(one.mentions[0])
    assert country.label == "United States" and country.subtype == "Country"
    assert ("geonames", "6252001") in {(link.scheme, link.id) for link in country.links}


def test_a_city_gets_its_class_country_and_geonames_link():
    rec = record(
        "a", "Protesters marched in Santiago, Chile's capital. Chile's police watched.", ("Santiago", "place", "GPE")
    )
    city = resolve([rec], load_gazetteer(profile="")).entity_of(rec.mentions[0])
    assert city.subtype == "Settlement" and city.within.label == "Chile"
    assert ("geonames", "3871336") in {(link.scheme, link.id) for link in city.links}


def test_an_ambiguous_city_is_linked_only_in_its_articles_country():
    name = ("Columbus", "place", "GPE")
    nowhere = record("a", "Protesters gathered in Columbus on Sunday.", name)
    here = record("b", "In Ohio and across the United States, Americans rallied in Columbus.", name)
    for rec, linked in ((nowhere, False), (here, True)):
        city = resolve([rec], load_gazetteer(profile="")).entity_of(rec.mentions[0])
        assert city.subtype == "Settlement"
        assert any(link.scheme == "geonames" for link in city.links) is linked, rec.article.text


def test_a_place_the_model_took_for_a_person_is_a_place_where_the_text_uses_it_so():
    rec = record("a", "Fighting near Goma went on. Rebels held the town.", ("Goma", "person", "PERSON"))
    place = resolve([rec], load_gazetteer(profile="")).entity_of(rec.mentions[0])
    assert place.kind == "place" and place.subtype == "Settlement" and place.within.label.startswith("Democratic")


def test_a_surname_stays_a_person_even_when_a_town_has_it():
    rec = record(
        "a",
        "Police chief Bernard Kerik resigned. Johanns and Kerik spoke.",
        ("Bernard Kerik", "person", "PERSON"),
        ("Kerik", "place", "GPE"),
    )
    resolution = resolve([rec], load_gazetteer(profile=""))
    assert resolution.entity_of(rec.mentions[1]).key == resolution.entity_of(rec.mentions[0]).key


# ---- people and organisations ----


def test_middle_initials_merge_across_articles_and_a_first_name_within_one():
    one = record("a", "George W. Bush spoke.", ("George W. Bush", "person", "PERSON"))
    two = record(
        "b",
        "George Bush spoke. Then Hu Jintao arrived, and Hu said little.",
        ("George Bush", "person", "PERSON"),
        ("Hu Jintao", "person", "PERSON"),
        ("Hu", "person", "PERSON"),
    )
    resolution = resolve([one, two], load_gazetteer(profile=""))
    assert resolution.entity_of(one.mentions[0]).key == resolution.entity_of(two.mentions[0]).key
    assert resolution.entity_of(two.mentions[1]).key == resolution.entity_of(two.mentions[2]).key


def test_a_shared_surname_alone_never_merges_across_articles():
    one = record("a", "Ana Costa spoke.", ("Ana Costa", "person", "PERSON"))
    two = record("b", "Costa was not there.", ("Costa", "person", "PERSON"))
    resolution = resolve([one, two], load_gazetteer(profile=""))
    assert resolution.entity_of(one.mentions[0]).key != resolution.entity_of(two.mentions[0]).key


def test_an_acronym_is_the_only_organisation_with_those_initials():
    rec = record(
        "a",
        "The World Trade Organization met. The WTO said no.",
        ("World Trade Organization", "organization", "ORG"),
        ("WTO", "organization", "ORG"),
    )
    resolution = resolve([rec], load_gazetteer(profile=""))
    assert resolution.entity_of(rec.mentions[0]).key == resolution.entity_of(rec.mentions[1]).key


def test_headline_words_months_and_title_abbreviations_are_not_people():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from kg.extract.entities import not_a_name

    words = ["Defeated", "January", "Gen", "Hu", "spoke"]
    doc = Doc(Vocab(), words=words, pos=["VERB", "PROPN", "PROPN", "PROPN", "VERB"],
              ents=["B-PERSON", "B-PERSON", "B-PERSON", "B-PERSON", "O"])
    assert [not_a_name(ent, ent.text) for ent in doc.ents] == [True, True, True, False]


def test_a_building_or_base_the_model_took_for_a_person_is_a_site():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from kg.extract.entities import extract_mentions

    words = ["Troops", "raided", "the", "Abu", "Hanifa", "mosque", "near", "Fort", "Benning", "."]
    doc = Doc(Vocab(), words=words, sent_starts=[True] + [False] * 9,
              ents=["O", "O", "O", "B-PERSON", "I-PERSON", "O", "O", "B-ORG", "I-ORG", "O"])
    found = [(m.name, m.kind, m.subtype) for m in extract_mentions("a", doc, load_gazetteer(profile=""))]
    assert found == [("Abu Hanifa", "place", "Site"), ("Fort Benning", "place", "Site")]


def test_a_us_state_s_news_agency_abbreviation_is_the_state():
    """"Calif." and "N.Y." (the news agencies' short forms, from the ``us`` package) are the states: class, country,
    GeoNames link, and the state's name as the label with the short form kept as another label."""
    rec = record("a", "Senator Dana Ortiz, D-Calif., said the vote in Albany, N.Y., was close.",
                 ("Calif", "place", "GPE"))
    state = resolve([rec], load_gazetteer(profile="")).entity_of(rec.mentions[0])
    assert (state.label, state.subtype, state.within.label) == ("California", "AdministrativeRegion", "United States")
    assert "Calif" in state.aliases
    assert ("geonames", "5332921") in {(link.scheme, link.id) for link in state.links}
    from kg.extract.geo import world

    assert [p.name for p in world().places("N.Y.")] == ["New York"]
    assert not world().places("Miss Ortiz")


def test_an_unnamed_group_is_per_country_and_a_phrase_per_article():
    """"police" of an article about Peru and of one about Chile are two groups; an adjective before the word
    gives its country; with no country the group is its article's alone."""
    peru = record("a", "Police in Lima fired tear gas. Peru's government said police would stay.",
                  ("police", "group", "GROUP"))
    chile = record("b", "Chilean police arrested 20 people in Santiago, Chile.", ("police", "group", "GROUP"))
    nowhere = record("c", "The police said the road was closed.", ("police", "group", "GROUP"))
    nowhere2 = record("d", "The police said the bridge was closed.", ("police", "group", "GROUP"))
    res = resolve([peru, chile, nowhere, nowhere2], load_gazetteer(profile=""))
    labels = [res.entity_of(r.mentions[0]).label for r in (peru, chile, nowhere, nowhere2)]
    assert labels[:3] == ["police (Peru)", "police (Chile)", "police"]
    assert res.entity_of(nowhere.mentions[0]) is not res.entity_of(nowhere2.mentions[0])
    assert res.lookup("b", "police") is res.entity_of(chile.mentions[0])


def test_a_speaker_written_as_a_phrase_is_a_node_of_its_article(tmp_path):
    """"officials said" in two articles: two nodes, each with its article's sentence (a real build)."""
    import subprocess
    import sys

    from rdflib import Dataset, URIRef
    from rdflib.namespace import RDFS

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Storm hits coast\n\nThe storm closed the port on Monday, officials said.\n")
    (corpus / "b.txt").write_text("Strike ends\n\nThe strike ended on Friday after talks, officials said.\n")
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    graph = Dataset()
    graph.parse(tmp_path / "out" / "kg.nq", format="nquads")
    nodes = {s for s, _, o, _ in graph.quads((None, RDFS.label, None, None)) if str(o) == "officials"}
    assert len(nodes) == 2 and all(isinstance(n, URIRef) and "/group/officials-" in n for n in nodes), nodes
