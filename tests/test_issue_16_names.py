"""Issue 16, the leftovers: GeoNames ids of first-level divisions, continents, and the kinds of duplicate names
(word-order variants of institutions, acronyms, renamings, nicknames, alternate labels, untagged people).
Invented sentences only; the dev-set floors are in ``tests/test_dev_eval.py``."""

from __future__ import annotations

from kg.extract.gazetteer import load_gazetteer
from kg.extract.geo import world
from kg.resolve.entities import resolve
from tests.test_issue_16 import record


def geonames_of(entity) -> set[str]:
    return {link.id for link in entity.links if link.scheme == "geonames"}


# ---- GeoNames ids of regions ----


def test_a_region_outside_the_us_gets_its_geonames_id():
    rec = record("a", "Talks on Northern Ireland resumed in Britain; British officials said so.",
                 ("Northern Ireland", "place", "GPE"))
    region = resolve([rec], load_gazetteer(profile="")).entity_of(rec.mentions[0])
    assert region.subtype == "AdministrativeRegion" and region.within.label == "United Kingdom"
    assert geonames_of(region) == {"2641364"}


def test_a_division_iso_does_not_list_is_a_region_too():
    place, sure = world().choose("Gaza Strip", ["PS"])
    assert place.cls == "AdministrativeRegion" and place.country == "PS" and place.geonames == 281132 and sure


def test_a_region_word_after_the_name_is_no_part_of_it():
    place, sure = world().choose("Heilongjiang Province", ["CN"])
    assert place.name == "Heilongjiang" and place.geonames == 2036965 and sure


def test_a_region_named_like_a_town_in_it_stays_unlinked():
    # the governorate and its town share the name: which one the text means is not sure
    place, sure = world().choose("Ramallah", ["PS"])
    assert not sure
    # a state is linked although small towns elsewhere in its country have its name
    place, sure = world().choose("Nevada", ["US"])
    assert place.cls == "AdministrativeRegion" and place.geonames == 5509151 and sure


def test_a_continent_is_linked_whatever_the_models_label():
    rec = record("a", "Trade with Asia grew, Brazilian officials said.", ("Asia", "place", "LOC"))
    continent = resolve([rec], load_gazetteer(profile="")).entity_of(rec.mentions[0])
    assert geonames_of(continent) == {"6255147"}
