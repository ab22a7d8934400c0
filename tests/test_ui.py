"""The human pages without a browser: query page set-up, prefixes, search, timeline, vendored files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from kg.rdf.namespaces import PREFIXES
from server import create_app
from tests.test_resources import tiny_store

STATIC = Path(__file__).resolve().parent.parent / "server" / "static"
TEMPLATES = Path(__file__).resolve().parent.parent / "server" / "templates"


@pytest.fixture(scope="module")
def queries_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("queries")
    (folder / "b_people.rq").write_text("# title: Who is mentioned most?\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n")
    (folder / "a_untitled.rq").write_text("ASK { ?s ?p ?o }\n")
    (folder / "notes.txt").write_text("not a query\n")
    return folder


@pytest.fixture(scope="module")
def client(tmp_path_factory, queries_dir):
    store = tiny_store(tmp_path_factory.mktemp("tiny-ui"))
    app = create_app({"STORE": str(store), "TESTING": True, "QUERY_WORKERS": 1, "QUERIES_DIR": str(queries_dir)})
    yield app.test_client()
    app.extensions["kg"].close()


def test_query_page_has_one_tab_per_query_file_named_by_its_title(client):
    html = client.get("/").get_data(as_text=True)
    tabs = re.search(r'<script type="application/json" id="query-tabs">(.*?)</script>', html, re.S)[1]
    import json

    names = [t["name"] for t in json.loads(tabs)]
    assert names == ["Example", "a_untitled", "Who is mentioned most?"]
    assert "/static/vendor/yasgui-4.6.2/yasgui.min.js" in html
    assert 'data-endpoint="/sparql"' in html and 'data-prefixes="/prefixes.json"' in html


def test_prefixes_are_our_own_list(client):
    assert client.get("/prefixes.json").get_json() == PREFIXES


def test_search_finds_by_label_and_by_alias(client):
    html = client.get("/search?q=quill").get_data(as_text=True)
    assert '<a href="/id/person/ada-quill">Ada Quill</a>' in html
    html = client.get("/search?q=a.+quill").get_data(as_text=True)
    assert '<a href="/id/person/ada-quill">Ada Quill</a>' in html and "(as “A. Quill”)" in html
    html = client.get("/search?q=erin").get_data(as_text=True)
    assert '<a href="/id/place/port-erin">Port Erin</a>' in html and "ada-quill" not in html


def test_search_quotes_what_it_is_given(client):
    reply = client.get('/search?q=" } DROP ALL {')
    assert reply.status_code == 200
    assert "Nothing is labelled" in reply.get_data(as_text=True)


def test_timeline_without_events_says_so(client):
    html = client.get("/timeline").get_data(as_text=True)
    assert "No dated events in the graph yet" in html


def test_timeline_refuses_filters_that_are_not_iris(client):
    assert client.get("/timeline?place=%3E%20}").status_code == 400


def test_vendored_files_match_the_recorded_checksums():
    table = (STATIC / "vendor" / "VENDORED.md").read_text(encoding="utf-8")
    recorded = re.findall(r"\| `([\w.-]+/[\w.-]+)` \| `([0-9a-f]{64})` \|", table)
    assert len(recorded) == 3
    for path, digest in recorded:
        assert hashlib.sha256((STATIC / "vendor" / path).read_bytes()).hexdigest() == digest, path
    for folder in (STATIC / "vendor").iterdir():
        if folder.is_dir():
            assert (folder / "LICENSE").is_file(), folder


def test_our_pages_load_nothing_from_elsewhere():
    """Templates and our own scripts name no outside host in src/href of loaded resources, and no CDN."""
    ours = [*TEMPLATES.glob("*.html"), *STATIC.glob("*.js"), *STATIC.glob("*.css")]
    assert ours
    for path in ours:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", text), path
        assert not re.search(r"url\(\s*['\"]?https?://", text), path
        assert not re.search(r"@import", text), path
