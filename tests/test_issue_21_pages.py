"""Issue 21: pages people read. Nothing is shown by hash; every page tells its story in words.

Every entity, event, tenure, article and timeline page of a real server over the seed build is fetched over HTTP,
and on a build of the dev articles (read from ``shared/eval`` beside the repository, never copied) every article
and 40 pages of each other kind: no link on them may read as a hash. Chromium opens a page of each kind (entity,
event, statement, article, timeline, query, search, 404, ontology) at desktop and phone width; the screenshots go
to ``tests/artifacts/``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import requests
from playwright.sync_api import expect

from kg.build.pipeline import run_build
from kg.config import Settings
from tests.conftest import start_server, stop_server
from tests.test_browser import BASE, NG, most_mentioned_person, served_nquads, shot, sparql

pytestmark = pytest.mark.live

#: Link text that is (or carries) a hash of ours.
HASH = re.compile(r"\b[0-9a-f]{12,}\b")
PHONE = {"width": 420, "height": 860}


def fits_phone(page, name: str) -> None:
    """The page, reloaded at phone width, scrolls no wider than the phone; its screenshot is kept as ``name``."""
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, name)


class Links(HTMLParser):
    """The text of every ``<a>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append([])

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.texts.append("".join(self._open.pop()).strip())

    def handle_data(self, data):
        for parts in self._open:
            parts.append(data)


def link_texts(url: str) -> list[str]:
    reply = requests.get(url, headers={"Accept": "text/html"}, timeout=60)
    assert reply.status_code == 200, (url, reply.status_code, reply.text[:300])
    parser = Links()
    parser.feed(reply.text)
    return parser.texts


def pages_of(url: str) -> list[str]:
    """The page paths of every person, organisation, group, place, post, event, tenure and article of the graph."""
    rows = sparql(
        url,
        """SELECT DISTINCT ?s WHERE { ?s a ?t . FILTER(CONTAINS(STR(?s), "/id/")
        && !CONTAINS(STR(?s), "/id/span/") && !CONTAINS(STR(?s), "/id/concept/")) }""",
    )
    base = "https://w3id.org/newsgraph/"
    return sorted({"/" + r["s"]["value"][len(base) :] for r in rows if r["s"]["value"].startswith(base)})


def hashes_on_pages(url: str, most_per_kind: int | None = None) -> dict[str, list[str]]:
    """The links whose text carries a hash, by page: every page, or every article and at most ``most_per_kind``
    pages of each other kind (spread evenly over the kind's sorted pages)."""
    paths = pages_of(url)
    if most_per_kind:
        by_kind: dict[str, list[str]] = {}
        for path in paths:
            by_kind.setdefault(path.split("/")[2], []).append(path)
        paths = [p for kind, ps in by_kind.items() for p in (ps if kind == "article" else spread(ps, most_per_kind))]
    bad = {}
    for path in [*paths, "/timeline", "/timeline?speech=1"]:
        found = [t for t in link_texts(url + path) if HASH.search(t)]
        if found:
            bad[path] = found[:5]
    return bad


def spread(items: list[str], most: int) -> list[str]:
    """At most ``most`` of ``items``, evenly spaced.

    >>> spread(list("abcdefgh"), 3)
    ['a', 'd', 'g']
    """
    step = max(1, -(-len(items) // most))
    return items[::step][:most]


@pytest.fixture(scope="module")
def dev_server(shared, tmp_path_factory):
    """A real server over a build of the dev articles (read in place from shared/eval)."""
    out = tmp_path_factory.mktemp("dev-build")
    run_build([shared / "dev" / "articles"], Settings.from_env(out=str(out)))
    proc, url = start_server(out / "store")
    yield url
    stop_server(proc)


def test_no_link_on_any_seed_page_reads_as_a_hash(live_server):
    paths = pages_of(live_server)
    assert any("/id/event/" in p for p in paths) and any("/id/article/" in p for p in paths)
    assert hashes_on_pages(live_server) == {}


def test_no_link_on_the_dev_pages_reads_as_a_hash(dev_server):
    # Every article, and 40 pages of each other kind (people, places, events, tenures ...): the whole dev build has
    # some 800 pages, a few minutes on a busy machine; the seed build is checked page by page above.
    assert hashes_on_pages(dev_server, most_per_kind=40) == {}


def test_a_persons_page_tells_offices_events_statements_and_articles(live_server, page):
    iri, label = most_mentioned_person(live_server)
    held = sparql(
        live_server,
        f"""PREFIX ng: <{NG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?l WHERE {{ ?t ng:holder <{iri}> ; ng:post/rdfs:label ?l }}""",
    )
    said = sparql(live_server, f"PREFIX ng: <{NG}> SELECT DISTINCT ?s WHERE {{ ?s ng:speaker <{iri}> }}")
    articles = sparql(live_server, f"PREFIX ng: <{NG}> SELECT DISTINCT ?a WHERE {{ ?a ng:mentions <{iri}> }}")
    assert held and said and articles
    page.goto(live_server + "/" + iri[len("https://w3id.org/newsgraph/") :])
    expect(page.locator("h1#label")).to_have_text(label)
    for row in held:
        expect(page.locator("#offices")).to_contain_text(row["l"]["value"])
    expect(page.locator("#events li").first).to_be_visible()
    expect(page.locator("#said li")).to_have_count(len(said))
    expect(page.locator("#mentioned li")).to_have_count(len(articles))
    expect(page.locator("#raw")).not_to_have_attribute("open", "")
    expect(page.locator("#facts")).not_to_be_visible()
    shot(page, "entity")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#offices")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "entity-phone")


def test_an_event_page_tells_type_date_place_people_numbers_and_sentences(live_server, page):
    rows = sparql(
        live_server,
        f"""PREFIX ng: <{NG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?note) AS ?code) WHERE {{
          ?e ng:hasCount ?c ; ng:hasEventType/skos:notation ?note ; ng:startDate ?d ; ng:hasPlace ?p }}
        GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""",
    )
    assert rows, "the seeds have an event with figures, a type code, a date and a place"
    event, n_counts = rows[0]["e"]["value"], int(rows[0]["n"]["value"])
    page.goto(live_server + "/" + event[len("https://w3id.org/newsgraph/") :])
    expect(page.locator("#event-type")).to_contain_text(rows[0]["code"]["value"].split(":")[0].upper())
    expect(page.locator("#event-date time").first).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}"))
    expect(page.locator("#event-places a").first).to_be_visible()
    expect(page.locator("#counts tr td:nth-last-child(2)")).to_have_count(n_counts)
    expect(page.locator("#sentences mark").first).to_be_visible()
    shot(page, "event")
    fits_phone(page, "event-phone")


def test_a_statement_page_shows_its_words_speaker_and_status(live_server, page):
    rows = sparql(
        live_server,
        f"""PREFIX ng: <{NG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s ?q ?who ?st WHERE {{ ?s ng:quoteText ?q ; ng:speaker/rdfs:label ?who ; ng:statementStatus ?st }}
        ORDER BY ?s LIMIT 1""",
    )
    row = {k: v["value"] for k, v in rows[0].items()}
    page.goto(live_server + "/" + row["s"][len("https://w3id.org/newsgraph/") :])
    expect(page.locator("h1#label")).to_contain_text(row["who"])
    expect(page.locator("#event-quote q")).to_have_text(row["q"])
    expect(page.locator("#event-quote")).to_contain_text(row["st"])
    expect(page.locator("#participants")).to_contain_text(row["who"])


def test_the_seed_timeline_reads_as_dated_lines_with_statements_on_request(live_server, page):
    page.goto(live_server + "/timeline")
    items = page.locator("#timeline li.event")
    rows = items.count()
    assert rows > 10
    for text in items.all_inner_texts():
        assert re.match(r"^\d{1,2} [A-Z][a-z]{2} \d{4}\s+\S", text), text
    bars = page.locator("#chart rect.bar")
    assert sum(int(n) for n in bars.evaluate_all("bs => bs.map(b => b.dataset.n)")) == rows
    expect(page.locator("#timeline li.speech")).to_have_count(0)
    shot(page, "timeline-seeds")
    page.get_by_label(re.compile("statements")).check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#timeline li.speech").first).to_be_visible()
    assert items.count() > rows
    fits_phone(page, "timeline-phone")


COUNTRY_NQ = f"""
<{NG}Riot> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{NG}Event> <urn:g:onto> .
<{NG}Arrest> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{NG}Event> <urn:g:onto> .
<{NG}Riot> <http://www.w3.org/2000/01/rdf-schema#label> "riot"@en <urn:g:onto> .
<{NG}Arrest> <http://www.w3.org/2000/01/rdf-schema#label> "arrest"@en <urn:g:onto> .
<{BASE}place/northland> <http://www.w3.org/2000/01/rdf-schema#label> "Northland"@en <urn:g:a> .
<{BASE}place/north-town> <http://www.w3.org/2000/01/rdf-schema#label> "North Town"@en <urn:g:a> .
<{BASE}place/north-town> <{NG}locatedIn> <{BASE}place/northland> <urn:g:a> .
<{BASE}place/far-town> <http://www.w3.org/2000/01/rdf-schema#label> "Far Town"@en <urn:g:a> .
<{BASE}group/police> <http://www.w3.org/2000/01/rdf-schema#label> "police"@en <urn:g:a> .
<{BASE}event/e1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Riot> <urn:g:a> .
<{BASE}event/e1> <http://www.w3.org/2000/01/rdf-schema#label> "first: riot in North Town"@en <urn:g:a> .
<{BASE}event/e1> <{NG}startDate> "2021-03-01T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> <urn:g:a> .
<{BASE}event/e1> <{NG}hasPlace> <{BASE}place/north-town> <urn:g:a> .
<{BASE}event/e2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Arrest> <urn:g:a> .
<{BASE}event/e2> <http://www.w3.org/2000/01/rdf-schema#label> "second: arrests in Northland"@en <urn:g:a> .
<{BASE}event/e2> <{NG}startDate> "2021-03-03T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> <urn:g:a> .
<{BASE}event/e2> <{NG}hasPlace> <{BASE}place/northland> <urn:g:a> .
<{BASE}event/e2> <{NG}hasAgent> <{BASE}group/police> <urn:g:a> .
<{BASE}event/e3> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Arrest> <urn:g:a> .
<{BASE}event/e3> <http://www.w3.org/2000/01/rdf-schema#label> "third: arrests in Far Town"@en <urn:g:a> .
<{BASE}event/e3> <{NG}startDate> "2021-03-03T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> <urn:g:a> .
<{BASE}event/e3> <{NG}hasPlace> <{BASE}place/far-town> <urn:g:a> .
<{BASE}event/e3> <{NG}hasAgent> <{BASE}group/police> <urn:g:a> .
"""


@pytest.fixture(scope="module")
def country_server(tmp_path_factory):
    """A server over three invented events: in a town of a country, in the country itself, and elsewhere."""
    yield from served_nquads(tmp_path_factory, "country", COUNTRY_NQ)


def test_timeline_filters_by_a_country_with_its_towns_by_actor_and_by_type(country_server, page):
    page.goto(country_server + "/timeline")
    items = page.locator("#timeline li.event a")
    expect(items).to_have_count(3)
    bars = page.locator("#chart rect.bar").evaluate_all("bs => bs.map(b => +b.dataset.n)")
    assert bars == [1, 0, 2]  # 1, 2 and 3 March
    page.locator("select[name=place]").select_option(label="Northland")
    page.get_by_role("button", name="Filter").click()
    assert [t.split(":")[0] for t in items.all_inner_texts()] == ["first", "second"]
    page.locator("select[name=place]").select_option(label="any")
    page.locator("select[name=actor]").select_option(label="police")
    page.get_by_role("button", name="Filter").click()
    assert [t.split(":")[0] for t in items.all_inner_texts()] == ["second", "third"]
    page.locator("select[name=actor]").select_option(label="anyone")
    page.locator("select[name=type]").select_option(label="riot")
    page.get_by_role("button", name="Filter").click()
    assert [t.split(":")[0] for t in items.all_inner_texts()] == ["first"]


def test_an_article_marks_every_mention_and_groups_what_it_reports(live_server, page):
    rows = sparql(
        live_server,
        f"""PREFIX ng: <{NG}> SELECT ?a (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?a a ng:NewsArticle ; ng:title ?t .
          ?s ng:inArticle ?a ; ng:denotes ?x }} GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1""",
    )
    article = rows[0]["a"]["value"]
    spans = sparql(
        live_server,
        f"""PREFIX ng: <{NG}> SELECT DISTINCT ?b ?e ?x WHERE {{ ?s ng:inArticle <{article}> ; ng:beginIndex ?b ;
          ng:endIndex ?e . OPTIONAL {{ ?s ng:denotes ?x }} }}""",
    )
    mentions = {
        (int(r["b"]["value"]), int(r["e"]["value"])) for r in spans if "x" in r and "/id/event/" not in r["x"]["value"]
    }
    sentences = [(int(r["b"]["value"]), int(r["e"]["value"])) for r in spans if "x" not in r]
    events = sparql(
        live_server,
        f"""PREFIX ng: <{NG}> SELECT DISTINCT ?e WHERE {{ ?e ng:reportedIn <{article}> ; a ng:Event .
          FILTER NOT EXISTS {{ ?e ng:speaker|ng:quoteText ?said }} }}""",
    )
    page.goto(live_server + "/" + article[len("https://w3id.org/newsgraph/") :])
    marks = page.locator("#text mark.ent:not(.ent-event)").evaluate_all(
        "ms => ms.map(m => [+m.dataset.begin, +m.dataset.end])"
    )
    marked = {tuple(m) for m in marks}
    for begin, end in mentions:  # every mention is marked, or lies inside a longer marked mention
        assert any(b <= begin and end <= e for b, e in marked), (begin, end)
    assert any(b <= m[0] and m[1] <= e for b, e in sentences for m in marked), "a mention inside an evidence sentence"
    expect(page.locator("#byline")).to_be_visible()
    expect(page.locator("#article-events > li")).to_have_count(len(events))
    expect(page.locator("table.triples")).to_have_count(0)
    shot(page, "article")
    fits_phone(page, "article-phone")


def test_the_neighbourhood_picture_is_capped_grouped_with_a_legend_and_navigates(live_server, page):
    iri, label = most_mentioned_person(live_server)
    page.goto(live_server + "/" + iri[len("https://w3id.org/newsgraph/") :])
    graph = page.locator("#graph")
    expect(graph.locator("canvas").first).to_be_attached()
    nodes = page.evaluate(
        "window.newsgraphCy.nodes().map(n => ({label: n.data('label'), kind: n.data('kind'), more: n.data('more'),"
        " href: n.data('href'), size: n.renderedStyle('font-size')}))"
    )
    assert 2 < len(nodes) <= 25
    more = [n for n in nodes if n["more"]]
    assert more and all(re.fullmatch(r"\+ \d+ more [a-z ]+", n["label"]) for n in more)
    kinds = [n["kind"] for n in nodes[1:] if not n["more"]]
    assert kinds == sorted(kinds, key=[n["kind"] for n in nodes[1:]].index)  # each kind one run
    assert min(float(n["size"].rstrip("px")) for n in nodes) >= 11  # labels legible at the picture's zoom
    assert all(not HASH.search(n["label"]) for n in nodes)
    legend = page.locator("#graph-legend li")
    assert legend.count() >= 2
    target = next(n for n in nodes[1:] if not n["more"] and "/id/" in (n["href"] or ""))
    graph.scroll_into_view_if_needed()
    pos = page.evaluate(
        f"(() => {{ const n = window.newsgraphCy.nodes().filter(n => n.data('href') === {target['href']!r})[0];"
        " const p = n.renderedPosition(); const b = document.getElementById('graph').getBoundingClientRect();"
        " return [b.left + p.x, b.top + p.y]; })()"
    )
    page.mouse.click(*pos)
    expect(page).to_have_url(re.compile(r"/doc/[a-z]+/[a-z0-9-]+\.html$"))
    expect(page.locator("h1#label")).not_to_have_text(label)


def every_page(url: str) -> dict[str, str]:
    """One page of each kind, by the name its screenshots take."""
    person, _label = most_mentioned_person(url)
    event = sparql(
        url, f"PREFIX ng: <{NG}> SELECT ?e WHERE {{ ?e ng:hasCount ?c ; ng:hasPlace ?p }} ORDER BY ?e LIMIT 1"
    )
    article = sparql(url, f"PREFIX ng: <{NG}> SELECT ?a WHERE {{ ?a ng:title ?t }} ORDER BY ?a LIMIT 1")
    base = "https://w3id.org/newsgraph/"
    return {
        "query": "/",
        "entity": "/" + person[len(base) :],
        "event": "/" + event[0]["e"]["value"][len(base) :],
        "article": "/" + article[0]["a"]["value"][len(base) :],
        "timeline": "/timeline",
        "search": "/search?q=" + _label.split()[-1].lower(),
        "not-found": "/doc/person/nobody-at-all.html",
        "ontology": "/ontology.html",
    }


def test_every_page_has_the_header_search_and_icon_and_fits_a_phone(live_server, page):
    for name, path in every_page(live_server).items():
        page.set_viewport_size({"width": 1366, "height": 900})
        reply = page.goto(live_server + path)
        assert reply.status == (404 if name == "not-found" else 200), (name, reply.status)
        header = page.locator("header.top")
        expect(header.locator("a.brand")).to_have_text("newsgraph")
        expect(header.get_by_role("searchbox")).to_be_visible()
        expect(header.get_by_role("link", name="Timeline")).to_be_visible()
        icon = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
        assert requests.get(live_server + icon, timeout=30).headers["Content-Type"].startswith("image/svg+xml")
        if name == "query":  # the query page as people use it: after a run
            page.locator(".yasqe_queryButton").first.click()
            expect(page.locator(".yasr table.readable tbody tr").first).to_be_visible()
        shot(page, name)
        page.set_viewport_size(PHONE)
        page.reload()
        box = header.get_by_role("searchbox").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        shot(page, f"{name}-phone")


def test_a_missing_page_is_a_page_for_browsers_and_a_line_for_programs(live_server):
    html = requests.get(live_server + "/no/such/page", headers={"Accept": "text/html,*/*;q=0.8"}, timeout=30)
    assert html.status_code == 404 and html.headers["Content-Type"].startswith("text/html")
    assert 'class="top"' in html.text and "/no/such/page" in html.text
    text = requests.get(live_server + "/doc/person/nobody-at-all.html", timeout=30)
    assert text.status_code == 404 and text.headers["Content-Type"].startswith("text/plain")
    assert "Nothing is known about" in text.text
    assert requests.get(live_server + "/favicon.ico", timeout=30).headers["Content-Type"].startswith("image/svg+xml")


def test_a_post_and_its_country_name_the_holders(live_server, page):
    rows = sparql(
        live_server,
        f"""PREFIX ng: <{NG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?post ?where ?who WHERE {{ ?t ng:post ?post ; ng:holder/rdfs:label ?who .
          ?post ng:postJurisdiction ?where }} ORDER BY ?post LIMIT 1""",
    )
    row = {k: v["value"] for k, v in rows[0].items()}
    base = "https://w3id.org/newsgraph/"
    page.goto(live_server + "/" + row["post"][len(base) :])
    expect(page.locator("#holders")).to_contain_text(row["who"])
    page.goto(live_server + "/" + row["where"][len(base) :])
    expect(page.locator("#holders")).to_contain_text(row["who"])
    assert "," in page.locator("#holders li").first.inner_text()  # holder, post
