"""Synthetic news articles for the benchmarks: recombined sentence templates, invented cast.

Every article is a function of ``(seed, index)`` only, so a corpus of 100 articles is the first
100 articles of the corpus of 10,000, and the same seed always gives the same bytes. Nothing
here comes from the seed articles: people, places, organisations and outlets are invented
from syllables, and the crisis vocabulary is generic (protests, curfews, arrests, resignations).

Resolution and merging get real work: the cast is shared across the corpus (every article
draws from the same pools, so the same person appears in many articles), and a person or
place is written in several ways, as real news writes them: full name first, then surname
alone or with a title, and some names with and without diacritics or hyphens.

Run ``python -m bench.synth OUT --articles 100`` to write ``OUT/000000.txt`` ... .
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

#: Syllables that recombine into names which read as names but belong to nobody.
_ONSETS = ["Ba", "Da", "Ve", "Ko", "Mi", "Ta", "Lu", "Ra", "So", "Ne", "Za", "Pe", "Gor", "Al", "Ir", "Ul",
           "Fe", "Ha", "Jo", "Ka", "Vi", "Dro", "Mar", "Sel", "Tor", "Bel", "Es", "Ori", "Yar", "Quin"]
_MIDDLES = ["ra", "li", "mo", "ve", "ta", "ni", "do", "ru", "sa", "ke", "lo", "mi", "za", "ne", "vo", "ri"]
_GIVEN_ENDS = ["n", "na", "ko", "ra", "mir", "lan", "bek", "nia", "dor", "ssa", "ria", "vin", "tan", "lia"]
_FAMILY_ENDS = ["nov", "ević", "ulov", "escu", "enko", "aris", "mann", "ová", "sson", "elli", "bayev", "ović"]
_PLACE_ENDS = ["grad", "mora", "vale", "stan", "ria", "polis", "ava", "dor", "hold", "kent", "mir", "ov"]
_COUNTRY_ENDS = ["ia", "land", "istan", "ovia", "ara", "ania"]

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TITLES = ["President", "Prime Minister", "Interior Minister", "Mayor", "opposition leader",
           "General", "Defence Minister", "Governor"]
_ORG_PATTERNS = ["Ministry of the Interior of {country}", "{country} National Guard", "{family} Party",
                 "{place} Workers' Union", "Council of {country}", "{place} City Council",
                 "{country} Human Rights Watchers", "{family} Foundation"]
_GROUPS = ["protesters", "demonstrators", "striking workers", "students"]
_FORCES = ["riot police", "security forces", "soldiers", "the National Guard"]
_GRIEVANCES = ["fuel prices", "bread prices", "a disputed election", "the new pension law", "power cuts",
               "the arrest of a journalist", "rising rents"]

#: Sentence templates; ``{...}`` fields are filled from the article's cast and numbers.
_OPENERS = [
    "{Protesters} gathered in {place} on {weekday}, {date}, to protest against {grievance}.",
    "Thousands of {protesters} took to the streets of {place} on {date} over {grievance}.",
    "{Title} {person} declared a state of emergency in {place} on {date} after {n} days of unrest.",
]
_BODY = [
    "At least {n} people were killed and {m} injured in clashes between {protesters} and {forces} in {place}.",
    "Police detained about {big} people in {place}, the {org} said on {weekday}.",
    "{Title} {person} said the government would not give in to \"pressure from the street\".",
    "{surname} met {person2} in {capital} on {date} to discuss the crisis.",
    "The {org} announced a curfew from {hour}:00 to {hour2}:00 in {place} and {place2}.",
    "Internet access was cut across {country} on {date}, according to {outlet}.",
    "{surname} accused the {org} of planning the riots, {outlet} reported.",
    "{person2} resigned as {post} on {date}; {person} was appointed in {pronoun} place.",
    "Demonstrators set fire to the town hall in {place} and looted {n} shops, witnesses told {outlet}.",
    "The {org} said {big} troops had been sent to {place} and {place2}.",
    "In {place2}, {m} {protesters} were injured when {forces} fired tear gas, {outlet} said.",
    "{Title} {surname} promised to lower {price} by {pct} percent before {month}.",
    "\"We will restore order in {place},\" {surname} told reporters in {capital} on {weekday}.",
    "{outlet} said {n} officers had died and {big} people had been arrested since {date}.",
    "The {org} denied reports that {forces} had opened fire in {place}.",
]
_CLOSERS = [
    "The situation in {place} remained tense on {weekday}, {outlet} reported.",
    "{surname} is expected to address the nation on {date}.",
    "Talks between the {org} and the {org2} are due to resume in {capital} next week.",
]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(rng: random.Random, ends: list[str], middle: bool = True) -> str:
    parts = [rng.choice(_ONSETS)]
    if middle and rng.random() < 0.6:
        parts.append(rng.choice(_MIDDLES))
    parts.append(rng.choice(ends))
    return "".join(parts)


@dataclass(frozen=True)
class Person:
    """An invented person: given and family name, and whether the name has written variants."""

    given: str
    family: str

    @property
    def full(self) -> str:
        return f"{self.given} {self.family}"

    def variant(self, rng: random.Random) -> str:
        """The full name, or a variant spelling (diacritics dropped, family name in capitals)."""
        roll = rng.random()
        if roll < 0.15:
            plain = self.family.translate(str.maketrans("ćčšžáéíóúý", "ccszaeiouy"))
            return f"{self.given} {plain}"
        if roll < 0.25:
            return f"{self.given} {self.family.upper()}"
        return self.full


@dataclass(frozen=True)
class World:
    """The cast every article of one corpus draws from."""

    people: list[Person]
    places: list[str]
    countries: list[str]
    outlets: list[str]

    @classmethod
    def make(cls, seed: int, people: int = 400, places: int = 150, countries: int = 12) -> World:
        """The corpus-wide cast: deterministic in ``seed``, names unique within each pool."""
        rng = random.Random(f"world-{seed}")

        def unique(make, n: int) -> list[str]:
            seen: dict[str, None] = {}
            while len(seen) < n:
                seen.setdefault(make(), None)
            return list(seen)

        given = unique(lambda: _name(rng, _GIVEN_ENDS), people)
        family = unique(lambda: _name(rng, _FAMILY_ENDS), people)
        cast = [Person(g, f) for g, f in zip(given, family, strict=True)]
        place_names = unique(lambda: _name(rng, _PLACE_ENDS), places)
        country_names = unique(lambda: _name(rng, _COUNTRY_ENDS, middle=False), countries)
        outlets = unique(lambda: f"{_name(rng, _PLACE_ENDS, middle=False)} {rng.choice(['Wire', 'Times', 'News'])}", 10)
        return cls(cast, place_names, country_names, outlets)


def article(seed: int, index: int, sentences: int = 12, world: World | None = None) -> str:
    """The text of article ``index`` of the corpus ``seed``: a title line, then paragraphs.

    The dateline's date is derived from ``index``, so no two articles of a corpus are equal
    (the build would drop duplicates).
    """
    world = world or World.make(seed)
    rng = random.Random(f"article-{seed}-{index}")
    country = rng.choice(world.countries)
    cast = rng.sample(world.people, 4)
    places = rng.sample(world.places, 3)
    day, year = index % 365, 2001 + index // 365
    month, mday = _MONTHS[min(day // 31, 11)], day % 28 + 1
    outlet = rng.choice(world.outlets)

    def fields() -> dict[str, str]:
        person, person2 = rng.sample(cast, 2)
        family, family2 = rng.sample([p.family for p in cast], 2)
        place, place2 = rng.sample(places, 2)
        group = rng.choice(_GROUPS)
        values = {
            "person": person.variant(rng), "person2": person2.variant(rng), "surname": person.family,
            "Title": _upper_first(rng.choice(_TITLES)),
            "place": place, "place2": place2, "capital": places[0], "country": country,
            "protesters": group, "Protesters": group.capitalize(), "forces": rng.choice(_FORCES),
            "grievance": rng.choice(_GRIEVANCES), "price": rng.choice(["fuel prices", "bread prices", "rents"]),
            "outlet": rng.choice([outlet, *world.outlets[:3]]),
            "weekday": rng.choice(_WEEKDAYS), "date": f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}",
            "month": rng.choice(_MONTHS), "n": str(rng.randint(2, 90)), "m": str(rng.randint(10, 400)),
            "big": f"{rng.randint(1, 12)},{rng.randint(0, 999):03d}", "pct": str(rng.randint(5, 50)),
            "hour": str(rng.randint(19, 23)), "hour2": f"{rng.randint(5, 8):02d}",
            "post": rng.choice(_TITLES).lower(), "pronoun": rng.choice(["his", "her"]),
        }
        org_fields = {"country": country, "place": place, "family": family}
        values["org"] = rng.choice(_ORG_PATTERNS).format(**org_fields)
        values["org2"] = rng.choice(_ORG_PATTERNS).format(**{**org_fields, "family": family2})
        return values

    body = [rng.choice(_OPENERS).format(**fields())]
    body += [rng.choice(_BODY).format(**fields()) for _ in range(max(0, sentences - 2))]
    if sentences > 1:
        body.append(rng.choice(_CLOSERS).format(**fields()))
    title = f"Unrest in {places[0]}: {cast[0].family} under pressure"
    dateline = f"{places[0].upper()}, {month} {mday}, {year} ({outlet}) -"
    paragraphs = [" ".join(body[i:i + 3]) for i in range(0, len(body), 3)]
    paragraphs[0] = f"{dateline} {paragraphs[0]}"
    return "\n\n".join([title, *paragraphs]) + "\n"


def long_report(chars: int, seed: int = 1, sentences: int = 12) -> str:
    """One long text of at least ``chars`` characters: a title line, then articles ``0, 1, ...`` of the corpus
    ``seed`` one after the other (each its title, dateline and paragraphs), as a report that collects dispatches.

    A shorter report is a prefix of a longer one (whole dispatches), so the lengths of one run share their text.
    """
    world = World.make(seed)
    parts = ["Dispatches from the crisis, collected"]
    size, index = len(parts[0]), 0
    while size < chars:
        parts.append(article(seed, index, sentences, world).rstrip("\n"))
        size += len(parts[-1]) + 2
        index += 1
    return "\n\n".join(parts) + "\n"


def write_corpus(out: Path, articles: int, seed: int = 1, sentences: int = 12) -> list[Path]:
    """Write ``articles`` files ``000000.txt`` ... into ``out`` (created); returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = World.make(seed)
    paths = []
    for index in range(articles):
        path = out / f"{index:06d}.txt"
        path.write_text(article(seed, index, sentences, world), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m bench.synth OUT --articles N [--sentences S] [--seed K]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--sentences", type=int, default=12, help="sentences per article (about 14 words each)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, args.articles, args.seed, args.sentences)
    print(f"wrote {len(paths)} articles into {args.out}/")


if __name__ == "__main__":
    main()
