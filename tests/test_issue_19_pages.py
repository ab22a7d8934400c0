"""Issue 19: the pages escape everything and say so to the browser.

A stored XSS: an article whose title closes the script block that carries the neighbourhood picture's data and
adds an image with an ``onerror`` handler. A real Chromium opens the entity page of a person the article
mentions: the title must show as text, and no dialog may open. Every response carries a Content-Security-Policy
without inline-script allowances, ``nosniff``, ``frame-ancestors 'none'`` and a Referrer-Policy.
"""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from kg.store.stores import write_store
from tests.conftest import start_server, stop_server

pytestmark = pytest.mark.live

NG = "https://w3id.org/newsgraph/ontology#"
ID = "https://w3id.org/newsgraph/id/"
TITLE = "Unrest</script><img src=x onerror=\"alert('stored xss')\"><script>alert('inline')</script>"
LABEL = "Ana <b onmouseover=alert(1)>Costa</b>"


def _nquads() -> str:
    graph = "<https://w3id.org/newsgraph/graph/article/xss>"
    escaped = TITLE.replace('"', '\\"')
    return "\n".join([
        f'<{ID}article/xss> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}NewsArticle> {graph} .',
        f'<{ID}article/xss> <{NG}title> "{escaped}" {graph} .',
        f'<{ID}article/xss> <{NG}mentions> <{ID}person/ana-costa> {graph} .',
        f'<{ID}person/ana-costa> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Person> {graph} .',
        f'<{ID}person/ana-costa> <http://www.w3.org/2000/01/rdf-schema#label> "{LABEL}"@en {graph} .',
    ]) + "\n"


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xss")
    (folder / "xss.nq").write_text(_nquads(), encoding="utf-8")
    write_store(folder / "store", folder / "xss.nq")
    proc, url = start_server(folder / "store")
    yield url
    stop_server(proc)


def test_every_response_sends_the_security_headers(xss_server):
    for path in ("/", "/doc/person/ana-costa.html", "/timeline", "/search?q=ana", "/sparql?query=ASK%7B%7D",
                 "/health", "/static/graph.js", "/no-such-page"):
        headers = requests.get(xss_server + path, timeout=60).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0], path
        assert "unsafe-eval" not in policy, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"], path


def test_the_entity_page_escapes_the_data_of_its_script_block(xss_server):
    html = requests.get(xss_server + "/doc/person/ana-costa.html", timeout=60).text
    data = html.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data  # written as \\u003c and \\u003e: the block cannot be closed
    assert "<b onmouseover" not in html


def test_the_pages_need_no_exception_to_their_policy(live_server, page):
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(live_server + "/")
    page.locator(".yasqe_queryButton").first.click()
    expect(page.locator(".yasr table.readable tbody tr").first).to_be_visible()
    person = page.locator(".yasr table.readable a[href*='/id/person/']").first.get_attribute("href")
    page.goto(live_server + person[person.index("/id/"):])
    expect(page.locator("#graph canvas").first).to_be_attached()
    page.goto(live_server + "/timeline")
    expect(page.locator("#timeline li.event").first).to_be_visible()
    assert refused == []


def test_a_title_with_script_runs_nothing_in_a_real_browser(xss_server, page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(xss_server + "/id/person/ana-costa")
    expect(page.locator("h1#label")).to_have_text(LABEL)
    expect(page.locator("#graph canvas").first).to_be_attached()
    nodes = page.evaluate("window.newsgraphCy.nodes().map(n => n.data('label'))")
    assert any(n.endswith("…") and TITLE.startswith(n[:-1]) for n in nodes)  # the title is data, shown as text
    page.goto(xss_server + "/doc/article/xss.html")
    expect(page.locator("h1#label")).to_have_text(TITLE)
    page.goto(xss_server + "/search?q=ana")
    expect(page.locator("ul.hits")).to_contain_text(LABEL)
    assert page.locator("img[src=x]").count() == 0
    page.goto(xss_server + "/")  # the query page shows the label in its results table, as text
    page.locator(".yasqe_queryButton").first.click()
    expect(page.locator(".yasr table.readable")).to_contain_text(LABEL)
    page.locator(".yasr .select_table").click()  # and in YASGUI's own table
    expect(page.locator(".yasr .dataTable")).to_contain_text(LABEL)
    assert dialogs == []
