"""Resolution: one node per real-world entity, merges with reasons, titles, lookups, and the golden entity graph."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Dataset, Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from kg.extract.gazetteer import AliasEntry, Gazetteer
from kg.rdf.namespaces import NG
from kg.records import Article, ArticleRecord, Mention, Span
from kg.resolve.entities import resolve
from kg.resolve.variants import similar_names

GOLDEN = Path(__file__).resolve().parent / "golden" / "seed-entities.trig"
NO_DATA = Gazetteer()


def record(article_id, *mentions):
    """An article record whose mentions are (start, text, kind, label, name?) tuples in one sentence."""
    made = []
    for start, text, kind, label, *name in mentions:
        made.append(Mention(Span(article_id, start, start + len(text), text, 0), kind, name[0] if name else text,
                            label, component="title_rule" if label == "TITLE" else "ner"))
    return ArticleRecord(Article(article_id, f"{article_id}.txt", "x"), made)


def test_spelling_variants_and_typos_merge_with_a_reason():
    res = resolve([record("a", (0, "Kassym Zhomart Tokayev", "person", "PERSON")),
                   record("b", (0, "Kassym-Jomart Tokayev", "person", "PERSON"),
                          (40, "Nursultae Nazarbayev", "person", "PERSON")),
                   record("c", (0, "Kassym-Zhomart Tokayev", "person", "PERSON"),
                          (30, "Nursultan Nazarbayev", "person", "PERSON"))], NO_DATA)
    people = {e.label: e for e in res.entities.values()}
    assert len(people) == 2
    assert {m.span.article_id for m in res.entities["person/kassym-zhomart-tokayev"].mentions} == {"a", "b", "c"} \
        or any(len({m.span.article_id for m in e.mentions}) == 3 for e in people.values())
    assert any("spelling variant" in m["reason"] for m in res.merges)


@pytest.mark.parametrize(("a", "b"), [
    (("Nur-Sultan", "place", "GPE"), ("Nursultan Nazarbayev", "person", "PERSON")),
    (("Almaty", "place", "GPE"), ("Almaty Region", "place", "GPE")),
    (("Security Council", "organization", "ORG"), ("Collective Security Council", "organization", "ORG")),
    (("Nursultan", "place", "GPE"), ("Nursultan Nazarbayev", "person", "PERSON")),
])
def test_distinct_entities_sharing_words_never_merge(a, b):
    res = resolve([record("a", (0, *a)), record("b", (0, *b))], NO_DATA)
    assert len(res.entities) == 2


def test_similarity_needs_equal_word_counts_and_near_identical_words():
    assert similar_names("kassym jomart tokayev", "kassym zhomart tokayev") > 0.85
    assert similar_names("almaty", "almaty region") == 0.0
    assert similar_names("ana costa", "ivan costa") == 0.0


def test_surname_goes_to_the_only_full_name_of_the_article():
    res = resolve([record("a", (0, "Lenin Moreno", "person", "PERSON"), (20, "Moreno", "person", "PERSON")),
                   record("b", (0, "Moreno", "person", "PERSON"))], NO_DATA)
    assert list(res.entities) == ["person/lenin-moreno"]
    assert any(m["reason"].startswith("surname") for m in res.merges)


def test_surname_shared_by_two_full_names_stays_apart():
    res = resolve([record("a", (0, "Ana Costa", "person", "PERSON"), (20, "Rui Costa", "person", "PERSON"),
                          (40, "Costa", "person", "PERSON"))], NO_DATA)
    assert len(res.entities) == 3


def test_honorific_and_surname_mentions_go_to_the_full_name():
    """"Ms Lagos" (tagged a person) and "General Rivas" (tagged an organisation) are short forms."""
    res = resolve([record("a", (0, "Beatriz Lagos", "person", "PERSON"), (30, "Ms Lagos", "person", "PERSON"),
                          (60, "Tomas Rivas", "person", "PERSON"), (90, "General Rivas", "organization", "ORG")),
                   record("b", (0, "General Motors", "organization", "ORG"))], NO_DATA)
    assert sorted(res.entities) == ["organization/general-motors", "person/beatriz-lagos", "person/tomas-rivas"]
    assert res.entities["person/tomas-rivas"].aliases == {"General Rivas"}


def test_lookup_resolves_short_forms_the_model_did_not_tag():
    """A statement's speaker written as text: "Rivas told reporters", "Interior Minister Rivas said"."""
    gaz = Gazetteer(titles={"president": "president", "prime minister": "prime minister"})
    res = resolve([record("a", (0, "Tomas Rivas", "person", "PERSON"), (30, "Elena Soto", "person", "PERSON")),
                   record("b", (0, "Elena Soto", "person", "PERSON"), (40, "Pablo Soto", "person", "PERSON")),
                   record("c", (0, "Quito", "place", "GPE"))], gaz)
    rivas, elena = res.entities["person/tomas-rivas"], res.entities["person/elena-soto"]
    for text in ("Rivas", "Mr. Rivas", "General Rivas", "President Rivas", "Interior Minister Rivas"):
        assert res.lookup("a", text) is rivas, text
    assert res.lookup("c", "Rivas") is rivas  # the corpus knows one Rivas
    assert res.lookup("a", "Soto") is elena  # article a names one Soto
    assert res.lookup("b", "Soto") is None and res.lookup("b", "Mr Soto") is None  # b names two
    assert res.lookup("c", "Soto") is None  # the corpus knows two
    assert res.lookup("a", "Rivas's office") is None and res.lookup("a", "the minister Rivas said") is None


def test_speaker_written_as_a_surname_is_the_full_name_in_the_graph():
    """The real model and the graph: an invented article where the model does not tag the short form."""
    from kg.extract.nlp import make_nlp
    from kg.rdf.iri import Minter
    from kg.rdf.triples import article_graph
    from kg.resolve.articles import resolve_corpus
    from tests.events_recall import records

    folder = Path(__file__).resolve().parent / "data" / "short_forms"
    recs = records(make_nlp(), [folder])
    graph = Graph()
    for article in resolve_corpus(rec for rec, _ in recs.values()).articles:
        graph += article_graph(article, Minter("https://w3id.org/newsgraph/"))
    people = {str(o): s for s, o in graph.subject_objects(RDFS.label) if (s, RDF.type, NG.Person) in graph}
    assert {"Marta Quispe", "Luis Quispe", "Hector Zegarra"} <= set(people)
    assert not {"Zegarra", "General Zegarra", "Quispe"} & set(people), sorted(people)
    speakers = [str(graph.value(s, RDFS.label)) for s in graph.objects(None, NG.speaker)]
    assert speakers.count("Hector Zegarra") == 2, speakers
    # "Ms Quispe": two Quispes are named, the surname alone cannot say which one promised the talks
    assert "Ms Quispe" in speakers and speakers.count("Marta Quispe") == 1, speakers


def test_titles_resolve_to_the_holder_named_next_to_them():
    rec = record("a", (0, "President", "person", "TITLE", "president"), (10, "Ana Costa", "person", "PERSON"),
                 (60, "head of state", "person", "TITLE", "president"),
                 (90, "mayor of Lviv", "person", "TITLE", "mayor of Lviv"))
    gaz = Gazetteer(titles={"president": "president", "head of state": "president", "mayor": "mayor"})
    res = resolve([rec, record("b", (0, "the president", "person", "TITLE", "president"))], gaz)
    costa = res.entities["person/ana-costa"]
    assert res.entity_of(rec.mentions[2]) is costa
    assert res.entity_of(rec.mentions[3]) is None  # nobody is said to be the mayor
    assert res.lookup("a", "the head of state") is costa and res.lookup("a", "Costa") is costa
    assert res.lookup("a", "Ana Costa") is costa
    assert res.lookup("b", "the president") is None  # another article names no president
    assert any("title" in m["reason"] for m in res.merges)
    # "the head of <country>" is that country's head of state; "the head of the delegation" is no title
    assert res.lookup("a", "the head of Portugal") is costa and res.lookup("a", "the leader of Portugal") is costa
    assert res.lookup("a", "the head of the delegation") is None


def test_aliases_from_the_data_file():
    gaz = Gazetteer(entries=(AliasEntry("Almaty", "place", "Settlement", ("Alma-Ata",)),))
    res = resolve([record("a", (0, "Alma-Ata", "place", "GPE")), record("b", (0, "Almaty", "place", "GPE"))], gaz)
    (entity,) = res.entities.values()
    assert (entity.label, entity.subtype, entity.aliases) == ("Almaty", "Settlement", {"Alma-Ata"})
    assert res.merges[0]["reason"].startswith("alias")


# ---- the golden graph of the seed entities ----

def entity_graph(dataset: Dataset) -> Graph:
    """Types, labels, alternative labels and links of every person, organisation, place and group."""
    out = Graph()
    kinds = {NG.Person, NG.Organization, NG.Place, NG.Group}
    subjects = {s for k in kinds for s in dataset.subjects(RDF.type, k)}
    for s in subjects:
        for p in (RDF.type, RDFS.label, SKOS.altLabel, OWL.sameAs, NG.wikidataId, NG.geonamesId):
            for o in dataset.objects(s, p):
                if p != RDF.type or str(o).startswith(str(NG)):
                    out.add((s, p, o))
    return out


@pytest.fixture(scope="module")
def seed_entity_graph() -> Graph:
    """The seeds through ingest, the real model, extraction, resolution and :func:`kg.rdf.triples.article_graph`
    (no validation or reasoning, so other parts of the build cannot change it)."""
    from kg.rdf.iri import Minter
    from kg.rdf.triples import article_graph
    from kg.resolve.articles import resolve_article
    from kg.resolve.dates import resolve_dates
    from tests.conftest import SEEDS
    from tests.entity_quality import run

    articles, resolution, records = run(SEEDS, with_records=True, entities_only=True)
    minter = Minter("https://w3id.org/newsgraph/")
    dates = resolve_dates(records)
    union = Dataset(default_union=True)
    for rec in records:
        graph = article_graph(resolve_article(rec, resolution, dates), minter)
        for triple in graph:
            union.add((*triple, graph.identifier))
    return entity_graph(union)


def test_seed_entities_match_the_golden_graph(seed_entity_graph, update_golden):
    graph = seed_entity_graph
    if update_golden or not GOLDEN.exists():
        assert update_golden, f"{GOLDEN} is missing: run pytest --update-golden once and commit it"
        GOLDEN.parent.mkdir(exist_ok=True)
        named = Graph(identifier=URIRef("urn:x-newsgraph:golden-entities"))
        for prefix, ns in (("ng", NG), ("skos", SKOS), ("owl", OWL)):
            named.bind(prefix, ns)
        for triple in sorted(graph):
            named.add(triple)
        GOLDEN.write_text(named.serialize(format="trig"), encoding="utf-8")
    golden = Dataset()
    with warnings.catch_warnings():  # rdflib's TriG parser itself builds a deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        golden.parse(GOLDEN, format="trig")
    expected = Graph()
    for triple in golden.graph(URIRef("urn:x-newsgraph:golden-entities")):
        expected.add(triple)
    if to_isomorphic(graph) != to_isomorphic(expected):
        _, only_build, only_golden = graph_diff(to_isomorphic(graph), to_isomorphic(expected))
        lines = [f"+ {t}" for t in sorted(only_build)[:40]] + [f"- {t}" for t in sorted(only_golden)[:40]]
        pytest.fail("seed entities differ from tests/golden (+ only in the build, - only in golden; "
                    "pytest --update-golden rewrites it):\n" + "\n".join(lines))


def test_each_seed_entity_is_one_node(seed_entity_graph):
    labels: dict[str, set] = {}
    for s in seed_entity_graph.subjects(RDF.type, NG.Person):
        for label in seed_entity_graph.objects(s, RDFS.label):
            labels.setdefault(str(label), set()).add(s)
    assert len(labels["Kassym-Jomart Tokayev"]) == 1
    assert not [lbl for lbl in labels if "Tokayev" in lbl and lbl != "Kassym-Jomart Tokayev"]
    assert not [lbl for lbl in labels if "Nazarbayev" in lbl and lbl != "Nursultan Nazarbayev"]
    places = {str(o) for s in seed_entity_graph.subjects(RDF.type, NG.Place)
              for o in seed_entity_graph.objects(s, RDFS.label)}
    assert {"Nur-Sultan", "Almaty", "Almaty Region", "Kazakhstan"} <= places and "Alma-Ata" not in places


def test_a_title_before_a_first_word_names_the_article_s_one_person_so_named():
    """Names written family name first ("Mr Wen" of "Wen Lipo") or a given name after a title ("Sheikh Omar" of
    "Omar al-Rashid"): only after a title, only within the article, only when one person so begins."""
    res = resolve([record("a", (0, "Wen Lipo", "person", "PERSON"), (20, "Mr Wen", "person", "PERSON"),
                          (40, "Omar al-Rashid", "person", "PERSON")),
                   record("b", (0, "Wen", "person", "PERSON"), (20, "Omar Diaz", "person", "PERSON"),
                          (40, "Omar Haddad", "person", "PERSON"))], NO_DATA)
    wen = res.entities["person/wen-lipo"]
    assert "Mr Wen" in wen.aliases
    assert res.lookup("a", "Mr Wen") is wen
    assert res.lookup("a", "Sheikh Omar") is res.entities["person/omar-al-rashid"]
    assert res.lookup("b", "Sheikh Omar") is None  # two Omars in b
    assert res.lookup("a", "Omar") is None  # a bare first word is no short form of a name
    assert "person/wen" in res.entities  # a bare word in another article stays its own


def test_a_person_named_only_with_a_title_is_labelled_with_the_name():
    res = resolve([record("a", (0, "Gen Doyle", "person", "PERSON"), (20, "Mr Doyle", "person", "PERSON"))],
                  NO_DATA)
    assert [e.label for e in res.entities.values()] == ["Doyle"]


def test_spelling_variants_are_those_of_every_pair():
    """The pairs spelling_variants finds (with its bounds and word-count buckets) are those a scan of every pair
    with similar_names finds, in the same order, with the same similarity."""
    import random

    from kg.resolve.variants import NAME_SIMILARITY, spelling_variants

    rng = random.Random(3)
    words = ["ana", "anna", "costa", "kosta", "ivan", "iwan", "petrov", "petrow", "lee", "li", "maria", "mariya",
             "josé", "jose", "o'neill", "oneil", "zelenskyy", "zelensky", "x"]
    keys = sorted({("Person", " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))) for _ in range(150)})
    known = set(keys[::7])
    expected = [(a, b, similar_names(a[1], b[1])) for i, a in enumerate(keys) for b in keys[i + 1:]
                if not (a in known and b in known) and similar_names(a[1], b[1]) >= NAME_SIMILARITY]
    assert expected
    assert list(spelling_variants(keys, known)) == expected
