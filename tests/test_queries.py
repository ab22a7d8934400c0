"""The ready-made queries (queries/*.rq) on the graph built from the seeds, and `kg query`.

Each competency question's test asserts the rows its expected answer (the file's ``# answer:``)
needs. A question the extraction cannot answer yet is a strict xfail naming what the graph lacks:
it turns into a failure the day the data appears, so the mark has to be removed then.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import QueryError
from kg.store.query import QUERIES_DIR, execute, format_result, list_queries, parse_header, query_text

CQ_NUMBERS = [f"cq{n:02d}" for n in range(1, 16)]


@pytest.fixture(scope="module")
def store(seed_build):
    return seed_build / "store"


def rows(store, name: str) -> list[dict[str, str | None]]:
    """The rows of queries/<name>*.rq on the seed build."""
    return execute(store, query_text(name)).rows


def has_row(result: list[dict], **expected: str) -> bool:
    """Whether one row holds every expected text (case-insensitive substring of that column)."""
    return any(all(text.lower() in (row.get(col) or "").lower() for col, text in expected.items())
               for row in result)


# ---- the files ----


def test_every_competency_question_has_one_file_with_a_header():
    files = list_queries()
    for cq in CQ_NUMBERS:
        matches = [f for f in files if f.name.startswith(cq + "-")]
        assert len(matches) == 1, f"{cq}: {[f.name for f in matches]}"
    for f in files:
        assert f.header.get("title") and f.question and f.answer, f.path
        assert f.path.name == f.path.name.lower() and " " not in f.path.name


def test_header_values_may_go_on_over_comment_lines():
    header = parse_header("# title: T\n# needs: a server\n#   with network\n\nPREFIX x: <y:>\n# title: not me\n")
    assert header == {"title": "T", "needs": "a server with network"}


def test_queries_run_on_the_seed_build_and_name_their_columns(store):
    for f in list_queries():
        if "SERVICE" in f.path.read_text(encoding="utf-8"):
            continue
        result = execute(store, f.path.read_text(encoding="utf-8"))
        assert result.columns, f.name
        assert not [c for c in result.columns if c in ("s", "e", "c", "t", "p", "o")], (f.name, result.columns)


def test_federated_example_is_marked_and_refused_by_our_endpoint():
    from rdflib.plugins.sparql import prepareQuery

    from server.guard import Refused, check_query

    path = next(QUERIES_DIR.glob("*federated*.rq"))
    text = path.read_text(encoding="utf-8")
    header = parse_header(text)
    assert "SERVICE" in header["needs"] and "network" in header["needs"]
    prepareQuery(text)  # parses as SPARQL 1.1
    with pytest.raises(Refused, match="SERVICE"):
        check_query(text)


# ---- kg query ----


def test_query_list_shows_names_and_titles():
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for f in list_queries():
        line = next(line for line in result.output.splitlines() if line.startswith(f.name + " "))
        assert line.endswith(f.title)


def test_query_by_name_prints_an_aligned_table(store):
    result = CliRunner().invoke(main, ["query", "x6", "--store", str(store)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["label", "kind", "wikidataId", "geonamesId", "sameAs"]
    assert set(lines[1]) == {"-", " "}
    assert lines[-1].endswith("rows)")
    start = lines[0].index("wikidataId")
    assert all(line[start - 2:start] == "  " for line in lines[2:-1])


def test_query_formats_csv_and_json_agree(store):
    q = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> SELECT ?f WHERE { ?a ng:sourceFile ?f } ORDER BY ?f"
    out_csv = CliRunner().invoke(main, ["query", q, "--store", str(store), "--format", "csv"])
    out_json = CliRunner().invoke(main, ["query", q, "--store", str(store), "-f", "json"])
    assert out_csv.exit_code == 0 and out_json.exit_code == 0
    from_csv = list(csv.DictReader(io.StringIO(out_csv.output)))
    assert from_csv == json.loads(out_json.output)
    assert len(from_csv) == 5


def test_query_file_path_and_ask(store, tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("# title: any article?\nASK { ?a a <https://w3id.org/newsgraph/ontology#NewsArticle> }\n")
    result = CliRunner().invoke(main, ["query", str(path), "--store", str(store)])
    assert result.exit_code == 0 and result.output.strip() == "yes"
    assert format_result(execute(store, path.read_text()), "json") == "true"


def test_query_errors_are_messages_with_exit_code_5(store):
    bad = CliRunner().invoke(main, ["query", "SELECT WHERE {", "--store", str(store)])
    assert bad.exit_code == 5 and "malformed query" in bad.output and "Traceback" not in bad.output
    missing = CliRunner().invoke(main, ["query", "nothing-here.rq", "--store", str(store)])
    assert missing.exit_code == 5 and "kg query --list" in missing.output
    none = CliRunner().invoke(main, ["query", "--store", str(store)])
    assert none.exit_code == 2 and "--list" in none.output
    with pytest.raises(QueryError, match="several"):
        query_text("cq1")


def test_issue_19_a_mistyped_query_name_lists_the_shipped_queries(store):
    mistyped = CliRunner().invoke(main, ["query", "cq3", "--store", str(store)])
    assert mistyped.exit_code == 5 and "no query named 'cq3'" in mistyped.output
    assert "did you mean" in mistyped.output and "cq03-acting-prime-minister" in mistyped.output
    assert all(f.name in mistyped.output for f in list_queries())


def test_issue_19_a_syntax_error_names_its_line_and_column_with_a_caret(store):
    query = "PREFIX ng: <https://w3id.org/newsgraph/ontology#>\nSELECT ?p WHERE {\n  ?p a ng:Person ;\n     ng:title }"
    bad = CliRunner().invoke(main, ["query", query, "--store", str(store)])
    assert bad.exit_code == 5
    lines = bad.output.splitlines()
    assert "line 4, column 6: the predicate ng:title after ';' has no object" in lines[0]
    assert lines[1:3] == ["       ng:title }", "       ^"]


# ---- the competency questions on the seed build ----


def missing(what: str):
    """A strict xfail: the query asks for it, the extraction does not produce it yet."""
    return pytest.mark.xfail(strict=True, reason=f"graph lacks {what}")


def test_cq01_tokayev_signed_the_decree_on_5_january(store):
    result = rows(store, "cq01")
    assert has_row(result, signer="Kassym-Jomart Tokayev", date="2022-01-05", dateText="Wednesday", source="000_")
    assert has_row(result, signer="Kassym-Jomart Tokayev", resigning="Government of Kazakhstan")
    assert has_row(result, signer="Kassym-Jomart Tokayev", legalBasis="Article 70 of the Constitution", source="000_")


def test_cq02_mamins_government_resigned(store):
    result = rows(store, "cq02")
    assert has_row(result, headOfGovernment="Askar Mamin", post="prime minister", source="002_")
    assert has_row(result, government="Government of Kazakhstan", event="resignation", source="003_")


def test_cq02_mamin_in_003(store):
    assert has_row(rows(store, "cq02"), headOfGovernment="Askar Mamin", source="003_")


def test_cq03_smailov_is_acting_prime_minister(store):
    assert has_row(rows(store, "cq03"), holder="Alikhan Smailov", post="prime minister", acting="acting",
                   start="2022-01-05", startedBy="resignation", source="000_")


def test_cq04_nazarbayev_before_tokayev_after(store):
    result = rows(store, "cq04")
    assert has_row(result, holder="Nursultan Nazarbayev", post="Security Council", endedBy="resignation")
    assert has_row(result, holder="Kassym-Jomart Tokayev", post="Security Council", start="2022-01-05")
    assert not has_row(result, holder="Nursultan Nazarbayev", start="2022")


def test_cq05_state_of_emergency_places_and_period(store):
    result = rows(store, "cq05")
    for place in ("Almaty", "Mangystau Region"):
        assert has_row(result, place=place, start="2022-01-05", end="2022-01-19", source="000_")
    assert has_row(result, place="Nur-Sultan", start="2022-01-05", end="2022-01-19", source="003_")
    assert has_row(result, end="2022-01-19", dateText="until January 19", source="004_")


def test_cq05_period_and_extension_in_002(store):
    assert has_row(rows(store, "cq05"), place="Kazakhstan", start="2022-01-05", end="2022-01-19", source="002_")


def test_cq06_bans_confiscation_and_curfew(store):
    result = rows(store, "cq06")
    assert has_row(result, type="Curfew", **{"from": "23:00", "to": "07:00"}, source="000_")
    assert has_row(result, type="Curfew", **{"from": "23:00", "to": "07:00"}, source="002_")
    for what in ("mass events", "strikes", "sale of weapons"):
        assert has_row(result, measure="prohibited", what=what, source="000_")
    assert has_row(result, measure="confiscated", source="000_")


def test_cq07_doubling_of_gas_prices(store):
    result = rows(store, "cq07")
    assert has_row(result, eventType="Demonstration", cause="doubling", causeType="PriceChange", source="003_")
    assert has_row(result, figures="60 tenge per liter → 120 tenge per liter")
    assert has_row(result, causeType="PriceChange", source="004_")


def test_cq07_protesters_asked_for_50_tenge(store):
    assert has_row(rows(store, "cq07"), figures="50 tenge")


def test_cq08_protests_began_2_january_and_spread_4_january(store):
    result = rows(store, "cq08")
    assert result[0]["date"] == "2022-01-02" and result[0]["source"].startswith("003_")
    assert "Zhanaozen" in result[0]["evidence"] and "Zhanaozen" in result[0]["places"]
    assert has_row(result, date="2022-01-04", places="Almaty", source="001_")


def test_cq09_protest_cities_on_4_january_listed_by_001(store):
    result = rows(store, "cq09")
    for place in ("Nur-Sultan", "Almaty", "Karaganda", "Uralsk", "Taldykorgan", "Kyzylorda", "Shymkent"):
        assert has_row(result, place=place, date="2022-01-04", sources="001_"), place


def test_cq09_aktau_on_4_january(store):
    assert has_row(rows(store, "cq09"), place="Aktau", date="2022-01-04", sources="000_")


def test_cq09_aktobe_is_listed_without_a_day(store):
    """003 tells water cannons used against protesters in Aktobe with no day, 002 its council building seized on
    5 January: no text dates a protest there on 4 January, so the row says so instead of a date."""
    result = rows(store, "cq09")
    assert has_row(result, place="Aktobe", when="no day given; reported 2022-01-05", sources="003_")
    assert not any(r["place"] == "Aktobe" and r["date"] for r in result)
    assert all(r["when"] == r["date"] == "2022-01-04" or r["when"].startswith("no day given") and not r["date"]
               for r in result)


def test_cq10_casualty_figures_with_their_sources(store):
    result = rows(store, "cq10")
    assert has_row(result, category="killed", figure="8", source="002_")
    assert has_row(result, category="injured", figure="317", source="002_")
    assert has_row(result, category="injured", figure="95", counted="officers", source="002_")
    assert has_row(result, category="arrested", figure="at least 200", source="002_")
    assert has_row(result, category="injured", figure="about 1000", accordingTo="United Nations", source="004_")
    assert has_row(result, category="killed", figure="18", counted="security officials", source="004_")


def test_cq10_ministry_and_russian_media_as_sources(store):
    result = rows(store, "cq10")
    assert has_row(result, category="killed", figure="18", accordingTo="Ministry of Internal Affairs")
    assert has_row(result, category="killed", figure="8", accordingTo="Russian media")


def test_cq11_commandant_damage_report(store):
    result = rows(store, "cq11")
    common = {"reportedBy": "Kanat Taimerdenov", "post": "commandant", "source": "001_"}
    assert has_row(result, category="burned", figure="120", counted="cars", **common)
    assert has_row(result, figure="120", counted="shops", **common)
    assert has_row(result, figure="180", counted="catering", **common)
    assert has_row(result, figure="about 100", counted="offices", **common)
    assert has_row(result, category="beaten", figure="more than 500", counted="civilians", **common)
    assert has_row(result, category="beaten", figure="130", counted="women", **common)


def test_cq12_buildings_attacked(store):
    result = rows(store, "cq12")
    # one node for the storming of the administration that 001 and 003 both tell: its label is made from one of them
    assert has_row(result, what="city administration", action="administration", source="001_")
    assert has_row(result, what="old residence", source="001_")
    assert has_row(result, what="weapons warehouse of the Korgan store", action="loot", source="001_")
    assert has_row(result, what="administration building of the city of Alma-Ata", place="Almaty", source="003_")


def test_cq12_airport_and_aktobe_council(store):
    result = rows(store, "cq12")
    assert has_row(result, what="airport", source="002_")
    assert has_row(result, what="City Council", source="002_")


def test_cq13_csto_decided_on_6_january(store):
    assert has_row(rows(store, "cq13"), step="decision", date="2022-01-06", to="Kazakhstan", source="004_")


def test_cq13_tokayev_appealed_to_the_csto(store):
    result = rows(store, "cq13")
    assert has_row(result, step="appeal", who="Kassym-Jomart Tokayev", to="Collective Security Treaty Organization")
    assert has_row(result, step="decision", who="Collective Security Council")


def test_cq13_each_step_once_with_its_sources_combined(store):
    result = rows(store, "cq13")
    decisions = [r for r in result if r["step"] == "decision"]
    appeals = [r for r in result if r["step"] == "appeal" and "Collective Security Treaty" in (r["to"] or "")]
    assert len(decisions) == 1 and len(appeals) == 1, result
    assert "peacekeeping forces" in decisions[0]["what"].lower() and "004_" in decisions[0]["source"]


def test_cq14_pashinyan_announced_it_on_the_kremlins_website(store):
    assert has_row(rows(store, "cq14"), speaker="Nikol Pashinyan", posts="prime minister of Armenia",
                   publishedOn="Kremlin", quote="Pashinyan's statement", source="004_")
    assert has_row(rows(store, "cq14"), speaker="Nikol Pashinyan", posts="chair of CSTO Collective Security Council")


def test_cq15_peskov_said_the_authorities_will_cope(store):
    result = rows(store, "cq15")
    assert has_row(result, speaker="Dmitry Peskov", posts="press secretary", quote="will cope", source="001_")
    assert has_row(result, speaker="Dmitry Peskov", quote="outside interference", source="001_")


def test_cq15_on_5_january_no_request_for_help(store):
    result = rows(store, "cq15")
    assert has_row(result, speaker="Dmitry Peskov", date="2022-01-05", quote="ask")


# ---- the exploration queries ----


def test_x1_neighbourhood_of_almaty(store):
    result = rows(store, "x1")
    assert has_row(result, name="Almaty", direction="in", property="mentions", value="000_", kind="NewsArticle")
    assert has_row(result, name="Almaty", direction="in", property="hasPlace")
    assert has_row(result, name="Almaty", direction="out", property="wikidataId", value="Q35493")


def test_x2_timeline_is_in_date_order(store):
    result = rows(store, "x2")
    dates = [r["date"] for r in result]
    assert dates == sorted(dates) and dates[0] <= "2022-01-02" and "2022-01-06" in dates
    assert has_row(result, types="StateOfEmergency", date="2022-01-05", places="Almaty", source="000_")


def test_x3_who_said_what(store):
    result = rows(store, "x3")
    assert has_row(result, speaker="Dmitry Peskov", status="reported", quote="will cope", source="001_")
    assert {r["status"] for r in result} <= {"reported", "claimed", "alleged", "denied", "confirmed", "unconfirmed",
                                             "promised", None}


def test_x4_conflicting_death_tolls_side_by_side(store):
    result = rows(store, "x4")
    assert has_row(result, category="killed", figure="8", source="002_")
    assert has_row(result, category="killed", figure="18", source="004_")
    assert has_row(result, category="injured", figure="317") and has_row(result, category="injured", figure="1000")


def test_x5_inferred_triples_by_property(store):
    result = rows(store, "x5")
    assert has_row(result, property="type", **{"class": "Event"})
    assert has_row(result, property="hasActor")
    assert all(int(r["triples"]) > 0 for r in result)


def test_x6_wikidata_identifiers(store):
    result = rows(store, "x6")
    assert has_row(result, label="Kassym-Jomart Tokayev", kind="Person", wikidataId="Q200881",
                   sameAs="http://www.wikidata.org/entity/Q200881")
    assert has_row(result, label="Almaty", kind="Place", geonamesId="1526384")


def test_x8_every_post_a_person_held_through_org_terms(store):
    result = rows(store, "x8")
    assert has_row(result, person="Kassym-Jomart Tokayev", post="president of Kazakhstan", type="head of state",
                   place="Kazakhstan")
    assert has_row(result, person="Kassym-Jomart Tokayev", post="Security Council", organisation="Security Council",
                   start="2022-01-05")
    assert has_row(result, person="Alikhan Smailov", post="prime minister", place="Kazakhstan", qualifiers="",
                   start="2022-01-05")
    assert has_row(result, person="Nikol Pashinyan", post="prime minister of Armenia", type="head of government")
    # a tenure an event ended carries the event and its day; a press secretary of the president is a spokesperson
    assert has_row(result, person="Askar Mamin", post="prime minister", end="2022-01-05", endedBy="2022")
    assert has_row(result, person="Dmitry Peskov", post="press secretary", type="spokesperson", place="Russia")


def test_x9_everything_an_outlet_reported(store):
    result = rows(store, "x9")
    assert has_row(result, outlet="NetBlocks", kind="Statement", what="internet blackout", source="002_")
    assert has_row(result, outlet="KazTAG", kind="Statement", what="victims of clashes", source="003_")
    assert has_row(result, outlet="Kanat Taimerdenov", kind="Count", what="120 cars", source="001_")


def test_x10_every_claim_about_an_entity(store):
    result = rows(store, "x10")
    assert has_row(result, about="Nursultan Nazarbayev", relation="concerns", status="alleged", quote="flew to China")
    assert has_row(result, about="Nursultan Nazarbayev", status="claimed", quote="Nur-Sultan",
                   speaker="press secretary")
    assert has_row(result, about="Kazakhstan", speaker="NetBlocks", status="reported")


def test_a_query_number_names_its_own_file_not_a_longer_number(tmp_path):
    for name in ("x1-one", "x10-ten", "x11-eleven"):
        (tmp_path / f"{name}.rq").write_text(f"# title: {name}\nSELECT * WHERE {{}}\n")
    assert query_text("x1", tmp_path).startswith("# title: x1-one")
    assert query_text("x10", tmp_path).startswith("# title: x10-ten")
    with pytest.raises(QueryError, match="several"):
        query_text("x", tmp_path)
