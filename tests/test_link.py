"""Links to Wikidata, GeoNames and DBpedia: the offline table, the graph, and `kg link --online`
against a local stand-in server."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from rdflib import OWL, Literal, URIRef

from kg.cli import main
from kg.config import DATA_DIR
from kg.errors import KGError
from kg.rdf.namespaces import NG, new_graph
from kg.rdf.triples import add_entity
from kg.records import Entity
from kg.resolve.links import LINK_TABLE, links_for, propose_links, read_links

#: The seeds' corpus profile's link table (its rows link only entities of that profile's articles).
SEED_TABLE = DATA_DIR / "profiles" / "kazakhstan" / "links.csv"
TABLE_HEADER = "kind,label,scheme,id,status,evidence\n"


@pytest.mark.parametrize("table", [LINK_TABLE, SEED_TABLE])
def test_offline_table_holds_only_known_statuses_and_schemes(table):
    links = read_links(table)
    assert links and {link.status for link in links} <= {"verified", "verified-1", "derived", "proposed"}
    assert all(link.scheme != "dbpedia" or link.status == "derived" for link in links)
    assert all(link.id.startswith("Q") for link in links if link.scheme == "wikidata")


def test_linked_entity_gets_same_as_and_plain_ids_and_an_unknown_one_stays_unlinked():
    graph = new_graph()
    almaty, elsewhere = URIRef("https://example.org/id/place/almaty"), URIRef("https://example.org/id/place/x")
    add_entity(graph, almaty, Entity("place/almaty", "place", "Almaty", "Settlement", {"Alma-Ata"},
                                     links=links_for("place", "Almaty", SEED_TABLE)))
    add_entity(graph, elsewhere, Entity("place/x", "place", "Nowhere Town", links=links_for("place", "Nowhere Town")))
    assert (almaty, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q35493")) in graph
    assert (almaty, OWL.sameAs, URIRef("https://sws.geonames.org/1526384/")) in graph
    assert (almaty, NG.wikidataId, Literal("Q35493")) in graph
    assert (almaty, NG.geonamesId, Literal("1526384")) in graph
    assert not list(graph.objects(elsewhere, OWL.sameAs))


def test_a_name_shared_across_kinds_links_only_the_right_kind():
    assert links_for("place", "Nur-Sultan", SEED_TABLE) and not links_for("person", "Nur-Sultan", SEED_TABLE)
    assert links_for("place", "Almaty", SEED_TABLE) != links_for("place", "Almaty Region", SEED_TABLE)


def test_the_default_link_table_is_about_no_one_country():
    assert not links_for("place", "Almaty") and not links_for("person", "Kassym-Jomart Tokayev")


def test_proposed_and_unknown_rows_never_link(tmp_path):
    table = tmp_path / "links.csv"
    table.write_text(TABLE_HEADER + "place,Lviv,wikidata,Q36036,proposed,search\n")
    assert links_for("place", "Lviv", table) == ()
    table.write_text(TABLE_HEADER + "place,Lviv,freebase,m.0x,verified,x\n")
    with pytest.raises(KGError, match="unknown scheme"):
        read_links(table)


class _StandIn(BaseHTTPRequestHandler):
    """Answers like wbsearchentities for a tiny fixed index."""

    index = {"Lviv": [{"id": "Q36036", "label": "Lviv", "description": "city in western Ukraine"}],
             "Ana Costa": [{"id": "Q999", "label": "Ana Costa Silva", "description": "someone else"}]}
    seen: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        type(self).seen.append(params)
        body = json.dumps({"search": self.index.get(params.get("search"), [])}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _StandIn.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    server.shutdown()
    server.server_close()
    thread.join()


def test_propose_links_appends_exact_label_matches_for_review(tmp_path, stand_in):
    table = tmp_path / "links.csv"
    table.write_text(TABLE_HEADER + "place,Kyiv,wikidata,Q1899,verified,x\n")
    proposed = propose_links([("place", "Lviv"), ("person", "Ana Costa"), ("place", "Kyiv"), ("group", "police")],
                             table, stand_in)
    assert [(p.label, p.id, p.status) for p in proposed] == [("Lviv", "Q36036", "proposed")]
    assert {q["search"] for q in _StandIn.seen} == {"Lviv", "Ana Costa"}
    assert all(q["action"] == "wbsearchentities" and q["language"] == "en" for q in _StandIn.seen)
    assert table.read_text().splitlines()[-1].startswith("place,Lviv,wikidata,Q36036,proposed,")
    assert links_for("place", "Lviv", table) == ()  # proposals stay out of the graph


def test_kg_link_online_reads_a_build_and_writes_proposals(tmp_path, stand_in):
    build = tmp_path / "build"
    build.mkdir()
    (build / "kg.nq").write_text(
        '<https://e.org/id/place/lviv> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
        f'<{NG.Place}> <https://e.org/g/a> .\n'
        '<https://e.org/id/place/lviv> <http://www.w3.org/2000/01/rdf-schema#label> "Lviv"@en <https://e.org/g/a> .\n')
    table = tmp_path / "links.csv"
    runner = CliRunner()
    refused = runner.invoke(main, ["link", "--build", str(build), "--table", str(table)])
    assert refused.exit_code == 2 and "--online" in refused.output
    done = runner.invoke(main, ["link", "--online", "--build", str(build), "--table", str(table), "--api", stand_in])
    assert done.exit_code == 0, done.output
    assert "Q36036" in done.output and "Q36036,proposed" in table.read_text()


def test_unreachable_api_is_a_clear_error(tmp_path):
    from tests.conftest import free_port

    with pytest.raises(KGError, match="cannot search Wikidata"):
        propose_links([("place", "Lviv")], tmp_path / "links.csv", f"http://127.0.0.1:{free_port()}/w/api.php")
