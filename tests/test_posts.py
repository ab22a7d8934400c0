"""Posts and tenures in W3C ORG's shapes (issue 18): what a post is in or of, its type, and the graph a tenure
makes (kg.resolve.posts, kg.rdf.triples.add_tenures), with the real model on invented sentences."""

from __future__ import annotations

import pytest
from rdflib import ORG, RDFS, Graph, Literal

from kg.extract.title_phrases import kind_of
from kg.rdf.iri import Minter
from kg.rdf.namespaces import NG
from kg.rdf.triples import article_triples
from kg.resolve.articles import resolve_corpus
from kg.resolve.posts import dateline_country
from tests.test_events import record_of

BASE = "https://w3id.org/newsgraph/"


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def corpus(nlp, *texts: str, date: str = "2022-12-08"):
    """The resolved articles of ``texts`` (one corpus) and their union graph."""
    resolved = resolve_corpus([record_of(nlp, text, date=date) for text in texts])
    graph = Graph()
    minter = Minter(BASE)
    for article in resolved.articles:
        for triple in article_triples(article, minter):
            graph.add(triple)
    return resolved, graph


def label(graph: Graph, node) -> str:
    return str(graph.value(node, RDFS.label))


def posts_of(graph: Graph, person: str) -> dict[str, tuple[set[str], set[str]]]:
    """Post label -> (labels of its organisations, labels of its places), for the posts ``person`` org:holds."""
    out = {}
    for holder in graph.subjects(RDFS.label, Literal(person, lang="en")):
        for post in graph.objects(holder, ORG.holds):
            out[label(graph, post)] = ({label(graph, o) for o in graph.objects(post, NG.postIn)},
                                       {label(graph, p) for p in graph.objects(post, NG.postJurisdiction)})
    return out


def test_post_kinds_come_from_the_table_and_from_the_title_head():
    assert kind_of("prime minister").post_type == "headOfGovernment"
    assert kind_of("mayor").scope == "place"
    assert kind_of("industry and trade minister").post_type == "minister"
    assert kind_of("poet").post_type is None


def test_the_holder_holds_the_post_and_the_post_is_of_the_country(nlp):
    _, graph = corpus(nlp, "Prime Minister of Portugal Antonio Costa arrived in Madrid on Monday.")
    assert posts_of(graph, "Antonio Costa") == {"prime minister of Portugal": (set(), {"Portugal"})}
    post = next(graph.subjects(RDFS.label, Literal("prime minister of Portugal", lang="en")))
    assert graph.value(post, NG.postType) == NG.headOfGovernment


def test_a_post_in_an_organisation_makes_a_membership_of_it(nlp):
    _, graph = corpus(nlp, "The president announced the resignation of Viktor Yanukovych from the post of head of "
                           "the Supreme Defence Council.")
    tenure = next(graph.subjects(NG.holder, None))
    organisation = graph.value(tenure, ORG.organization)
    assert organisation is not None and label(graph, organisation) == "Supreme Defence Council"
    post = graph.value(tenure, NG.post)
    assert graph.value(post, NG.postIn) == organisation and graph.value(post, NG.postType) == NG.headOfBody


def test_a_bare_title_of_a_country_office_is_of_the_articles_country(nlp):
    _, graph = corpus(nlp, "Protests spread across Peru on Monday. Peru's police blocked the roads to Lima. "
                           "Prime Minister Pedro Angulo said the army would help. Chile closed its border with Peru.")
    assert posts_of(graph, "Pedro Angulo") == {"prime minister of Peru": (set(), {"Peru"})}


def test_a_bare_title_of_a_body_gets_no_country(nlp):
    _, graph = corpus(nlp, "Protests spread across Peru on Monday. Peru's police blocked the roads. "
                           "Spokesman Luis Aranda said the roads would open.")
    assert all(not orgs and not places for orgs, places in posts_of(graph, "Luis Aranda").values())


def test_the_same_holder_and_title_elsewhere_tell_what_the_post_is_of(nlp):
    _, graph = corpus(nlp, "Protests spread across Chile on Monday. The Prime Minister of Portugal Antonio Costa "
                           "said he was worried.",
                      "Chile's roads were blocked. Prime Minister Antonio Costa called for calm.")
    assert set(posts_of(graph, "Antonio Costa")) == {"prime minister of Portugal"}


def test_a_tenure_ended_by_an_event_ends_on_its_date(nlp):
    _, graph = corpus(nlp, "On Monday, the president announced the resignation of Viktor Yanukovych from the post "
                           "of head of the Supreme Defence Council.", date="2022-12-08")
    tenure = next(graph.subjects(NG.holder, None))
    assert graph.value(tenure, NG.endedBy) is not None
    assert str(graph.value(tenure, NG.endDate)).startswith("2022-12-05")
    assert graph.value(tenure, NG.isActing) is None


def test_an_acting_tenure_says_so_and_starts_with_the_event(nlp):
    _, graph = corpus(nlp, "The government of Peru resigned on Monday. Vice-President Dina Boluarte will "
                           "temporarily act as president.")
    acting = [t for t in graph.subjects(NG.isActing, Literal(True))]
    assert len(acting) == 1
    assert str(graph.value(acting[0], NG.startDate)).startswith("2022-12-05")


def test_a_bare_title_in_a_datelined_article_is_of_the_datelines_country(nlp):
    _, graph = corpus(nlp, "Cabinet news\nWASHINGTON (AP) -- Agriculture Secretary Jane Doe will step down, officials "
                           "said. The war in Iraq and Iraq's oil were discussed. Iraq's leaders were not told. Iraq "
                           "did not comment.")
    assert posts_of(graph, "Jane Doe") == {"agriculture secretary of United States": (set(), {"United States"})}


def test_a_former_holders_bare_title_takes_no_country_from_the_article(nlp):
    _, graph = corpus(nlp, "Talks\nLIMA, Peru (Reuters) - Former Secretary of State Jane Doe arrived on Monday.")
    assert posts_of(graph, "Jane Doe") == {"secretary of state": (set(), set())}


@pytest.mark.parametrize("text, country", [
    ("Talks\nCUZCO, Peru (Reuters) - Leaders met.", "Peru"),
    ("Talks\nWASHINGTON (AP) -- The Senate met. Iraq, Iraq and Iraq.", "United States"),
    ("Leaders met in Lima. Iraq, Iraq and Iraq were named.", None),
])
def test_the_dateline_tells_the_articles_country(text, country):
    assert dateline_country(text) == country
