"""The pages in a real browser: Playwright driving Debian's headless Chromium against a real `kg serve`.

Every page load (the ``page`` fixture of ``tests/conftest.py``) goes through a route handler that lets
requests to the server through and refuses (and records) anything else: the pages must work with no
request leaving 127.0.0.1. Screenshots of each page go to ``tests/artifacts/`` (the README's copies in
``docs/screenshots/`` are made from them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from playwright.sync_api import Page, expect

from kg.store.stores import write_store
from tests.conftest import start_server, stop_server

pytestmark = pytest.mark.live

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NG = "https://w3id.org/newsgraph/ontology#"
BASE = "https://w3id.org/newsgraph/id/"


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def served_nquads(tmp_path_factory, name: str, nquads: str) -> Iterator[str]:
    """For a module fixture: a store of the invented N-Quads served by a real server; yields its URL, then stops it."""
    folder = tmp_path_factory.mktemp(name)
    (folder / "events.nq").write_text(nquads.strip() + "\n", encoding="utf-8")
    write_store(folder / "store", folder / "events.nq")
    proc, url = start_server(folder / "store")
    yield url
    stop_server(proc)


def sparql(url: str, query: str) -> list[dict]:
    reply = requests.post(url + "/sparql", data={"query": query},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    reply.raise_for_status()
    return reply.json()["results"]["bindings"]


def most_mentioned_person(url: str) -> tuple[str, str]:
    rows = sparql(url, f"""
        PREFIX ng: <{NG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?p (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?n) WHERE {{
          ?a ng:mentions ?p . ?p a ng:Person ; rdfs:label ?l }}
        GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1""")
    return rows[0]["p"]["value"], rows[0]["label"]["value"]


def test_query_page_runs_a_query_and_shows_rows(live_server, page):
    page.goto(live_server + "/")
    saved = page.locator("#saved button.saved-query")
    queries = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))
    expect(saved).to_have_count(1 + len(queries))  # a side list, not tabs
    expect(page.locator(".yasgui .tabsList")).to_be_hidden()
    page.locator(".yasqe_queryButton").first.click()
    rows = page.locator(".yasr table.readable tbody tr")
    expect(rows.first).to_be_visible()
    _iri, label = most_mentioned_person(live_server)
    table = page.locator(".yasr table.readable")
    expect(table).to_contain_text(label)
    assert "^^" not in table.inner_text() and "http://" not in table.inner_text()  # plain numbers, names for IRIs
    expect(rows.first.locator("td.number")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator(".yasr figure.result-chart .bar-line")).to_have_count(rows.count())  # counts: a bar chart
    shot(page, "query")
    # Another saved query goes into the editor.
    last = saved.last
    last.click()
    expect(last).to_have_class(re.compile(r"\bcurrent\b"))
    text = page.evaluate("window.newsgraphYasgui.getTab().getQuery()")
    assert text == queries[-1].read_text(encoding="utf-8")
    # A resource in the results opens its page on this server.
    page.goto(live_server + "/")
    page.locator(".yasqe_queryButton").first.click()
    page.locator(".yasr table.readable a", has_text=label).first.click()
    expect(page).to_have_url(re.compile(re.escape(live_server) + r"/doc/person/[a-z0-9-]+\.html$"))
    expect(page.locator("h1#label")).to_have_text(label)


def test_query_editor_completes_prefixes_from_our_list(live_server, page):
    with page.expect_response(lambda r: r.url == live_server + "/prefixes.json") as reply:
        page.goto(live_server + "/")
    assert reply.value.ok
    editor = page.locator(".yasqe .CodeMirror").first
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.type("PREFIX sche")
    hints = page.locator(".CodeMirror-hints")
    expect(hints).to_contain_text("schema: <http://schema.org/>")
    # Only our list is offered: prefixes bundled from elsewhere (e.g. foaf) are not.
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.keyboard.type("PREFIX foa")
    expect(hints).to_have_count(0)


def test_entity_page_shows_facts_evidence_and_graph(live_server, page):
    iri, label = most_mentioned_person(live_server)
    page.goto(live_server + "/" + iri[len("https://w3id.org/newsgraph/"):])
    assert re.search(r"/doc/person/[a-z0-9-]+\.html$", page.url), page.url
    expect(page.locator("h1#label")).to_have_text(label)
    expect(page.locator(".types")).to_contain_text("person", ignore_case=True)
    page.locator("#raw summary").click()  # the raw facts are folded away
    expect(page.locator("#incoming")).to_contain_text("mentions")
    expect(page.locator("#evidence li").first).to_be_visible()
    graph = page.locator("#graph")
    expect(graph.locator("canvas").first).to_be_attached()
    expect(graph).to_have_attribute("data-nodes", re.compile(r"^([2-9]|\d\d+)$"))
    nodes = page.evaluate("window.newsgraphCy.nodes().map(n => n.data('label'))")
    assert label in nodes and len(nodes) >= 2
    link = page.locator("#evidence li a").first
    span = re.search(r"#(span-\d+-\d+)$", link.get_attribute("href"))[1]
    link.click()
    selected = page.locator(f"#text #{span}")
    expect(selected).to_have_class(re.compile(r"\bselected\b"))
    expect(selected).to_be_in_viewport()
    expect(page.locator("#text mark.ent").first).to_be_visible()
    shot(page, "article")


def test_search_box_finds_an_entity_by_label(live_server, page):
    _iri, label = most_mentioned_person(live_server)
    page.goto(live_server + "/timeline")
    box = page.get_by_role("searchbox")
    box.fill(label.split()[-1].lower())
    box.press("Enter")
    hit = page.locator("ul.hits").get_by_role("link", name=label, exact=True)
    expect(hit).to_be_visible()
    shot(page, "search")
    hit.click()
    expect(page.locator("h1#label")).to_have_text(label)


def test_seed_timeline_lists_the_dated_events_in_date_order(live_server, page):
    expected = sparql(live_server, f"""
        PREFIX ng: <{NG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?e WHERE {{ ?e a ?t . ?t rdfs:subClassOf* ng:Event . ?e ng:startDate ?d
          FILTER NOT EXISTS {{ ?e ng:speaker|ng:quoteText ?said }} }}""")  # statements only on request
    page.goto(live_server + "/timeline")
    items = page.locator("#timeline li.event")
    expect(items).to_have_count(len(expected))
    dates = [d for d in items.evaluate_all("els => els.map(e => e.dataset.date)")]
    assert dates == sorted(dates)
    shot(page, "timeline-seeds")


TIMELINE_NQ = f"""
<{NG}Riot> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{NG}Event> <urn:g:onto> .
<{NG}Arrest> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{NG}Event> <urn:g:onto> .
<{NG}Riot> <http://www.w3.org/2000/01/rdf-schema#label> "riot"@en <urn:g:onto> .
<{NG}Arrest> <http://www.w3.org/2000/01/rdf-schema#label> "arrest"@en <urn:g:onto> .
<{BASE}place/north-town> <http://www.w3.org/2000/01/rdf-schema#label> "North Town"@en <urn:g:a> .
<{BASE}place/south-town> <http://www.w3.org/2000/01/rdf-schema#label> "South Town"@en <urn:g:a> .
<{BASE}event/e3> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Arrest> <urn:g:a> .
<{BASE}event/e3> <http://www.w3.org/2000/01/rdf-schema#label> "third: arrests in North Town"@en <urn:g:a> .
<{BASE}event/e3> <{NG}startDate> "2021-03-09"^^<http://www.w3.org/2001/XMLSchema#date> <urn:g:a> .
<{BASE}event/e3> <{NG}hasPlace> <{BASE}place/north-town> <urn:g:a> .
<{BASE}event/e1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Riot> <urn:g:b> .
<{BASE}event/e1> <http://www.w3.org/2000/01/rdf-schema#label> "first: riot in North Town"@en <urn:g:b> .
<{BASE}event/e1> <{NG}startDate> "2021-03-01"^^<http://www.w3.org/2001/XMLSchema#date> <urn:g:b> .
<{BASE}event/e1> <{NG}hasPlace> <{BASE}place/north-town> <urn:g:b> .
<{BASE}event/e2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Riot> <urn:g:b> .
<{BASE}event/e2> <http://www.w3.org/2000/01/rdf-schema#label> "second: riot in South Town"@en <urn:g:b> .
<{BASE}event/e2> <{NG}startDate> "2021-03-04"^^<http://www.w3.org/2001/XMLSchema#date> <urn:g:b> .
<{BASE}event/e2> <{NG}hasPlace> <{BASE}place/south-town> <urn:g:b> .
<{BASE}event/undated> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Riot> <urn:g:b> .
"""


@pytest.fixture(scope="module")
def events_server(tmp_path_factory):
    """A server over a tiny store of three dated events, stored out of date order, and one undated event."""
    yield from served_nquads(tmp_path_factory, "events", TIMELINE_NQ)


def test_timeline_orders_events_by_date_and_filters_by_place_and_type(events_server, page):
    page.goto(events_server + "/timeline")
    items = page.locator("#timeline li.event")
    expect(items).to_have_count(3)
    assert [t.split(":")[0] for t in items.locator("a").all_inner_texts()] == ["first", "second", "third"]
    shot(page, "timeline")

    page.locator("select[name=place]").select_option(label="North Town")
    page.get_by_role("button", name="Filter").click()
    expect(items).to_have_count(2)
    assert [t.split(":")[0] for t in items.locator("a").all_inner_texts()] == ["first", "third"]

    page.goto(events_server + "/timeline?type=" + quote(NG + "Riot", safe=""))
    expect(items).to_have_count(2)
    assert [t.split(":")[0] for t in items.locator("a").all_inner_texts()] == ["first", "second"]
