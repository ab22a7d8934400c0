"""/update: off by default, then only with the bearer token; queries see the update afterwards."""

from __future__ import annotations

import shutil

import pytest

from server import create_app

TOKEN = "test-token-3f9a"
INSERT = "INSERT DATA { GRAPH <urn:newsgraph:test> { <urn:newsgraph:a> <urn:newsgraph:b> 42 } }"
ASK = "ASK { <urn:newsgraph:a> <urn:newsgraph:b> 42 }"


@pytest.fixture(scope="module")
def client(seed_build, tmp_path_factory):
    store = tmp_path_factory.mktemp("update") / "store"
    shutil.copytree(seed_build / "store", store)
    app = create_app({"STORE": str(store), "QUERY_WORKERS": 2, "ENABLE_UPDATES": True, "UPDATE_TOKEN": TOKEN})
    return app.test_client()


def _ask(client) -> bool:
    return client.get("/sparql", query_string={"query": ASK}).json["boolean"]


def _update(client, text: str, token: str | None = TOKEN, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/update", data=text, content_type="application/sparql-update", headers=headers, **kwargs)


def test_update_needs_the_bearer_token(client):
    assert _ask(client) is False
    missing = _update(client, INSERT, token=None)
    wrong = _update(client, INSERT, token="not-the-token")
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert _ask(client) is False


def test_update_with_the_token_is_seen_by_later_queries(client):
    assert _ask(client) is False
    before = client.get("/health").json["quads"]
    reply = _update(client, INSERT)
    assert reply.status_code == 204, reply.data
    assert _ask(client) is True
    assert client.get("/health").json["quads"] == before + 1
    assert "urn:newsgraph:test" in client.get("/sparql").get_data(as_text=True)
    form = client.post("/update", data={"update": "CLEAR GRAPH <urn:newsgraph:test>"},
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert form.status_code == 204 and _ask(client) is False


def test_service_description_names_the_update_endpoint(client):
    assert "SPARQL11Update" in client.get("/sparql").get_data(as_text=True)


def test_load_and_service_are_refused_on_update(client):
    assert _update(client, "LOAD <http://127.0.0.1:9/data.ttl>").status_code == 403
    service = "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert _update(client, service).status_code == 403


def test_malformed_update_is_400(client):
    reply = _update(client, "INSERT DATA { <urn:a> <urn:b> }")
    assert reply.status_code == 400 and "malformed update" in reply.get_data(as_text=True)


def test_updates_still_not_accepted_on_sparql(client):
    reply = client.post("/sparql", data={"query": INSERT})
    assert reply.status_code == 400 and _ask(client) is False


def test_serve_refuses_updates_without_a_token(seed_build, monkeypatch):
    from click.testing import CliRunner

    from kg.cli import main

    monkeypatch.delenv("KG_UPDATE_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--store", str(seed_build / "store"), "--enable-updates"])
    assert result.exit_code == 1
    assert "--enable-updates needs a bearer token" in result.output
