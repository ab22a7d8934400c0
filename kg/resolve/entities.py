"""Mentions to canonical entities: the mentions of every article in, one :class:`~kg.records.Entity` per
real-world entity across the corpus (and a :class:`Resolution` to look names up) out.

Steps, each merge recorded in :attr:`Resolution.merges` with its reason (it ends up in
``build/report.json``):

1. **Aliases.** A name listed in ``kg/data/aliases.jsonl`` denotes that entry's entity; in an article the corpus
   profile holds for (``KG_PROFILE``), a name of the profile's ``aliases.jsonl`` denotes the profile's entry.
2. **Same name.** Names equal after folding case, hyphens and spacing are one entity, of the kind
   the model gave that name most often (it may call a city a person in one sentence).
3. **Spelling variants.** Within one kind, names with the same number of words whose words are
   each near-identical (string similarity) are one entity ("Volodymyr Zelenskyy" /
   "Volodymyr Zelensky"; "Zelenskiy"). Names of different kinds never merge (a city is not a person),
   nor names of different lengths ("Kyiv" / "Kyiv Oblast"; "Security Council" /
   "Collective Security Council").
4. **Surnames.** A one-word person name, or a surname after honorifics or title words ("Mr X",
   "General X", "President X"; ``kg/data/honorifics.txt`` and the words of ``titles.jsonl``), that is
   the last word of exactly one full person name of the same article is that person (never a person of
   another article: a shared surname is no evidence). A surname two people share stays unresolved (its own
   node), never given to either.
   Other variants (:mod:`kg.resolve.variants`): within an article, a shorter form of the only longer name that
   has its words, and a first or middle name of the only full name that has it ("Hu", "Lula"); across articles,
   the same full name but for middle initials and accents; an organisation's acronym ("WTO").
5. **Titles.** A title right next to a person's name ("President Jane Doe", "the mayor of X,
   Jane Doe") denotes that person and makes them the article's holder of the title; a bare title
   ("the president", "the head of state") denotes the article's holder of it (or, for a title
   with a place, the corpus's only holder). A title nobody holds is left unresolved.

Each entity gets its external links from ``kg/data/links.csv`` (:mod:`kg.resolve.links`).

Use by the rest of the resolve stage (:mod:`kg.resolve.articles`): :meth:`Resolution.entity_of` gives a
mention's entity (``None`` for an unresolved title); :meth:`Resolution.lookup` resolves a name or title
string as written in an article (``resolution.lookup(article_id, "the head of state")``) to an entity, or
``None``; it resolves short forms the model did not tag as names ("Iturriaga told reporters", "Interior Minister
Doe said") by the same surname rule.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from kg import lexicon
from kg.extract.gazetteer import AliasEntry, Gazetteer, fold, load_gazetteer
from kg.extract.titles import TITLE_LABEL, split_title
from kg.rdf.iri import slugify
from kg.records import GROUP, ORGANIZATION, PERSON, PLACE, ArticleRecord, Entity, Mention
from kg.resolve.holders import _adjacent_person, _holder, _home_countries, _qualifiers_agree
from kg.resolve.links import links_for
from kg.resolve.places import (
    Countries,
    add_geo,
    article_countries,
    continents,
    country_of_name,
    not_surnames,
    place_geo,
    place_mentions,
)
from kg.resolve.renames import stated_names
from kg.resolve.scoped import drop_shared_spellings, scope, scope_group
from kg.resolve.variants import (
    acronyms,
    first_word_names,
    person_variants,
    short_form,
    spelling_variants,
    titled_alike,
    word_order_variants,
)

logger = logging.getLogger(__name__)



@dataclass
class Resolution:
    """The result of resolution: entities by key, the log of merges, and how to look names up."""

    entities: dict[str, Entity]
    merges: list[dict]
    of_mention: dict[Mention, str] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    holders: dict[tuple[str, str], str] = field(default_factory=dict)
    unresolved: list[Mention] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    #: surname -> article -> keys of the people of that surname named in the article (full names only)
    surnames: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: (article, folded name) -> key, for names that mean a body of the article's context there ("Foreign Ministry")
    local: dict[tuple[str, str], str] = field(default_factory=dict)
    #: first word -> article -> keys of the people whose full name begins with it ("Mr Hu" of "Hu Jintao")
    first_words: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    @cached_property
    def prefix_words(self) -> frozenset[str]:
        """The words that may stand before a surname (:func:`_prefix_words` of :attr:`titles`), built once:
        :meth:`lookup` reads them for every name it is asked."""
        return _prefix_words(self.titles)

    def entity_of(self, mention: Mention) -> Entity | None:
        """The entity a mention denotes, or ``None`` (a title whose holder the text does not say)."""
        key = self.of_mention.get(mention)
        return self.entities[key] if key else None

    def lookup(self, article_id: str, text: str) -> Entity | None:
        """The entity a name or title, as written in an article, denotes.

        Args:
            article_id: the article (titles are resolved within it first).
            text: a name ("Zelensky", "Kiev"), or a title ("the president", "mayor of Kharkiv").
        """
        from kg.extract.entities import clean_name

        folded = fold(clean_name(text))
        if (article_id, folded) in self.local:
            return self.entities[self.local[(article_id, folded)]]
        for kind in ("person", "organization", "place", "group"):
            key = self.names.get((kind, folded))
            if key:
                return self.entities[key]
        key = self.holders.get((article_id, folded))
        if key:
            return self.entities[key]
        surname = short_form(clean_name(text), self.prefix_words, loose=True)
        if surname is not None and surname in self.surnames:
            key = _only_bearer(self.surnames[surname], article_id)
            return self.entities[key] if key else None
        if surname is not None and len(text.split()) > 1:
            # a title before a name's first word ("Mr Hu", "Sheikh Hashem"): the article's one person so named
            local = self.first_words.get(surname, {}).get(article_id, set())
            if len(local) == 1:
                return self.entities[next(iter(local))]
        head, qualifier = split_title(folded)
        if head in ("head", "leader") and qualifier and country_of_name(qualifier) is not None:
            head = "head of state"  # "the head of Kazakhstan": the country's head of state
        title_key = self.titles.get(folded) or self.titles.get(head)
        if title_key is None:
            return None
        if title_key == self.titles.get(folded):
            qualifier = None
        for (art, held), entity_key in sorted(self.holders.items()):
            held_key, held_qualifier = split_title(held)
            if art == article_id and held_key == title_key and _qualifiers_agree(qualifier, held_qualifier):
                return self.entities[entity_key]
        return None


def _choose_label(names: Iterable[str]) -> str:
    """The most frequent spelling among the longest names; ties alphabetical (deterministic).

    >>> _choose_label(["Costa", "Ana Costa", "Ana Costa", "Ana  Kosta"])
    'Ana Costa'
    """
    counts = Counter(names)
    longest = max(len(n.split()) for n in counts)
    return sorted((n for n in counts if len(n.split()) == longest), key=lambda n: (-counts[n], -len(n), n))[0]


def _prefix_words(titles: dict[str, str]) -> frozenset[str]:
    """Words that may stand before a surname without being part of the name: honorifics and title words."""
    words = {row[0].strip().lower().rstrip(".") for row in lexicon.rows("honorifics.txt") if row and row[0].strip()}
    for term in titles:
        words.update(w for w in term.split() if w not in ("of", "the"))
    return frozenset(words)


def _only_bearer(articles: dict[str, set[str]], article_id: str) -> str | None:
    """The one person of a surname named in the article, else in the corpus; ``None`` when two share it."""
    local = articles.get(article_id, set())
    if local:
        return next(iter(local)) if len(local) == 1 else None
    anywhere = set().union(*articles.values())
    return next(iter(anywhere)) if len(anywhere) == 1 else None


class _Clusters:
    """Union-find over (kind, folded name) keys, remembering why each pair was joined."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}
        self.reasons: dict[tuple[str, str], str] = {}

    def add(self, key: tuple[str, str]) -> None:
        self.parent.setdefault(key, key)

    def find(self, key: tuple[str, str]) -> tuple[str, str]:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: tuple[str, str], b: tuple[str, str], reason: str) -> None:
        """Join ``b``'s cluster into ``a``'s; the reason is kept on ``b``'s former root."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.reasons[rb] = reason


def resolve(records: Iterable[ArticleRecord], gazetteer: Gazetteer | None = None) -> Resolution:
    """Group the mentions of all articles into entities (see the module docstring).

    Args:
        records: every article's records.
        gazetteer: the alias data (default: ``kg/data``).
    """
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    records = list(records)
    alias_index = gazetteer.by_name()
    named: list[Mention] = []
    titles: list[Mention] = []
    for record in records:
        for mention in record.mentions:
            (titles if mention.label == TITLE_LABEL else named).append(mention)
    texts = {r.article.id: r.article.text for r in records}
    countries_of = {article: article_countries(text) for article, text in texts.items()}

    # the model may tag one name differently in different sentences: the name's majority kind wins
    # (a one-word name that ends a full person name counts as a person twice over); ties go to organisation,
    # then place, then person
    votes: dict[str, Counter] = defaultdict(Counter)
    for mention in named:
        votes[fold(mention.name)][mention.kind] += 1
    surnames = {name.split()[-1] for name, c in votes.items() if PERSON in c and len(name.split()) > 1}
    for name, c in votes.items():
        if name in surnames:
            c[PERSON] += 2
    preference = {"organization": 0, "place": 1, "person": 2}
    majority = {name: sorted(c, key=lambda k: (-c[k], preference.get(k, 3), k))[0] for name, c in votes.items()}
    retyped = place_mentions(named, texts, surnames)
    majority.update(dict.fromkeys(retyped, PLACE))  # "fighting near Goma"
    majority.update(dict.fromkeys(surnames - not_surnames(named, texts, surnames), PERSON))  # "Kerik said"

    clusters = _Clusters()
    entry_of: dict[tuple[str, str], AliasEntry] = {}
    keys_of: dict[Mention, tuple[str, str]] = {}
    any_kind: dict[str, AliasEntry] = {}  # a folded name -> its first entry of any kind
    for (_, n), e in alias_index.items():
        any_kind.setdefault(n, e)
    profile = gazetteer.profile
    profile_index = profile.by_name() if profile else {}
    profile_any: dict[str, AliasEntry] = {}
    for (_, n), e in profile_index.items():
        profile_any.setdefault(n, e)
    held = {r.article.id for r in records if profile and profile.applies(r.article.text)}
    profile_ids = {e.ent_id for e in profile.entries} if profile else set()
    profile_merges: set[tuple[str, str, str, str]] = set()
    within_of: dict[tuple[str, str], str] = {}  # a scoped body's key -> its country's ISO code
    article_only: dict[tuple[str, str], str] = {}  # a scoped body's key -> the one article it belongs to
    local: set[tuple[str, str, str]] = set()  # (article, kind, folded name) of names that mean a scoped body there
    for mention in named:
        entry, article = None, mention.span.article_id
        if article in held:
            entry = profile_index.get((mention.kind, fold(mention.name))) or profile_any.get(fold(mention.name))
        scoped = None
        if entry is None and mention.kind == ORGANIZATION:
            scoped = scope(mention.name, texts[article], mention.span.start, mention.span.end, countries_of[article])
        elif entry is None and mention.kind == GROUP:
            scoped = scope_group(mention.name, texts[article], mention.span.start, countries_of[article])
        if scoped is not None:
            entry = AliasEntry(scoped.label, mention.kind, scoped.subtype or None)
        elif entry is None and majority[fold(mention.name)] == PLACE and (country := country_of_name(mention.name)):
            entry = AliasEntry(country.name, PLACE, "Country")
        if entry is None:
            entry = alias_index.get((mention.kind, fold(mention.name)))
        if entry is None:
            entry = any_kind.get(fold(mention.name))
        key = (entry.kind, fold(entry.label)) if entry else (majority[fold(mention.name)], fold(mention.name))
        if scoped is not None:
            key = (key[0], f"{key[1]} @{article}") if scoped.article_only else key
            if scoped.article_only:
                article_only[key] = article
            elif scoped.country is not None and mention.kind == ORGANIZATION:  # a group's country is in its label
                within_of[key] = scoped.country.country
            local.add((article, mention.kind, fold(mention.name)))
        if entry:
            entry_of[key] = entry
        keys_of[mention] = key
        clusters.add(key)
        own = (mention.kind, fold(mention.name))
        if entry and own != key:
            if scoped is not None:  # "Foreign Ministry" means this one body in this article only
                continue
            if entry.ent_id in profile_ids:  # the name means the profile's entity in this article only
                profile_merges.add((entry.kind, entry.label, own[1], mention.span.article_id))
                continue
            clusters.add(own)
            clusters.union(key, own, "alias in kg/data/aliases.jsonl")

    # spelling variants within a kind
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(clusters.parent):
        by_kind[key[0]].append(key)
    for kind, keys in by_kind.items():
        for a, b, score in spelling_variants(keys, entry_of):
            clusters.union(a, b, f"spelling variant of the same {kind} name (similarity {score:.2f})")

    articles_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mention in named:
        articles_of[keys_of[mention]].add(mention.span.article_id)
    person_variants([k for k in by_kind.get(PERSON, []) if k not in entry_of], articles_of, clusters.find,
                    clusters.union)
    gpe = {fold(m.name) for m in named if m.label == "GPE"} | retyped  # not an ocean ("Pacific") nor a building
    gpe |= continents({fold(m.name) for m in named if m.kind == PLACE})
    geo_of = place_geo(by_kind.get(PLACE, []), articles_of, countries_of, surnames | (set(votes) - gpe),
                       {fold(m.name) for m in named if m.component == "gazetteer" and m.subtype == "Settlement"})
    same_place: dict[int, tuple[str, str]] = {}
    for key, (place, sure) in sorted(geo_of.items()):
        if sure and place.geonames and key not in entry_of:  # "New York" and "New York City"
            clusters.union(same_place.setdefault(place.geonames, key), key, "the same GeoNames place")
    written = {keys_of[m]: m.name for m in named}
    acronyms(by_kind.get(ORGANIZATION, []), written, clusters.find, clusters.union)
    orgs = [k for k in by_kind.get(ORGANIZATION, []) if k not in entry_of]
    word_order_variants(orgs, {k: {countries_of[a][0] for a in articles_of[k] if countries_of[a]} for k in orgs},
                        clusters.find, clusters.union)
    first_word_names(orgs, written, articles_of, clusters.find, clusters.union)
    other_names: set[tuple[str, str]] = set()  # former names and nicknames: no label
    other_names |= stated_names(named, texts, keys_of, clusters.find, clusters.union)  # "X, formerly known as Y"
    # surnames: short forms of person names to the unique full name ending in that surname
    prefixes = _prefix_words(gazetteer.titles)
    strict = lexicon.word_set("honorifics.txt")  # for a name not tagged as a person: honorifics only, no title words
    short = {k: short_form(k[1].title(), prefixes if k[0] == PERSON else strict)
             for k in sorted(clusters.parent)}
    full_names = [k for k in by_kind.get(PERSON, []) if len(k[1].split()) > 1 and short[k] is None]
    for key in sorted(clusters.parent):
        # a one-word person name; or honorifics before a surname ("Ms Doe"; "General Doe", which the model
        # may call an organisation); the last word must be a person's surname, else it is no short form
        surname = short[key] if key[0] == PERSON or len(key[1].split()) > 1 else None
        if surname is None or key in entry_of:
            continue
        same = [k for k in full_names if k[1].split()[-1] == surname]
        if not same and len(key[1].split()) > 1:
            # "Mr Hu" of "Hu Jintao", "Sheikh Hashem" of "Hashem al-Said": a name whose first word is the one a
            # title goes with (family name first, or a given name); only after a title, never a bare word
            same = [k for k in full_names if k[1].split()[0] == surname]
        if not same:
            continue
        local = {clusters.find(k) for k in same if articles_of[k] & articles_of[key]}
        # in the article only: a surname alone never joins another article's person
        if len(local) == 1:
            clusters.union(next(iter(local)), key, "surname of the only person with that full name in the article")
    titled_alike(short, full_names, articles_of, clusters.union)

    # entities from clusters
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in named:
        groups[clusters.find(keys_of[mention])].append(mention)
    entities: dict[str, Entity] = {}
    merges: list[dict] = [{"entity": f"{kind}/{slugify(label)}", "label": label, "merged": name, "article": article,
                           "reason": f"alias of the corpus profile {profile.name}"}
                          for kind, label, name, article in sorted(profile_merges)]
    of_mention: dict[Mention, str] = {}
    names: dict[tuple[str, str], str] = {}
    local_names: dict[tuple[str, str], str] = {}
    geo_entity: dict[str, tuple] = {}  # an entity's gazetteer place, and whether it is sure
    root_entity: dict[tuple[str, str], str] = {}
    members_of: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for k in list(clusters.parent):
        members_of[clusters.find(k)].add(k)
    for root in sorted(groups):
        mentions = groups[root]
        members = sorted(members_of[root])
        entry = next((entry_of[k] for k in members if k in entry_of), None)
        full = [m.name for m in mentions if short.get((m.kind, fold(m.name))) is None and keys_of[m] not in other_names]
        if not full and root[0] == PERSON:  # named only with a title ("Gen Doe", "Mr Doe"): "Doe"
            full = [m.name.split()[-1] for m in mentions if keys_of[m] not in other_names]
        label = entry.label if entry else _choose_label(full or [m.name for m in mentions])  # "Tomas Rivas", not
        # "General Rivas"
        kind = entry.kind if entry else root[0]
        subtypes = Counter(m.subtype for m in mentions if m.subtype)
        subtype = entry.subtype if entry and entry.subtype else (
            sorted(subtypes, key=lambda s: (-subtypes[s], s))[0] if subtypes else None)
        key = f"{kind}/{slugify(label)}"
        if root in article_only:  # a body of one article: its IRI says which
            key += f"-{article_only[root][:8]}"
        while key in entities:  # two different entities whose labels slugify alike
            key += "-2"
        written = {m.name for m in mentions}
        spellings: dict[str, str] = {}
        for name in sorted(written, key=lambda n: (n.islower(), n)):  # one per case-folded spelling
            spellings.setdefault(name.casefold(), name)
        spellings.pop(label.casefold(), None)
        entity = Entity(key, kind, label, subtype, set(spellings.values()), list(mentions))
        found = [geo_of[k] for k in members if k in geo_of]
        if found:
            geo_entity[key] = max(found, key=lambda f: f[1])
        entities[key] = entity
        root_entity[root] = key
        of_mention.update(dict.fromkeys(mentions, key))
        for member in members:
            names[(member[0], member[1])] = key
        for mention in mentions:
            if (mention.span.article_id, kind, fold(mention.name)) in local:
                local_names[(mention.span.article_id, fold(mention.name))] = key
        for name in sorted(written):
            if not any((m.span.article_id, kind, fold(name)) in local for m in mentions):
                names.setdefault((kind, fold(name)), key)
        for member in members:
            if member in clusters.reasons and member[1] != fold(label):
                merges.append({"entity": key, "label": label, "merged": member[1],
                               "reason": clusters.reasons[member]})

    # titles
    holders: dict[tuple[str, str], str] = {}
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in named:
        if mention.kind == PERSON:
            by_article[mention.span.article_id].append(mention)
    for title in titles:
        person = _adjacent_person(title, by_article[title.span.article_id])
        if person is not None:
            key = of_mention[person]
            of_mention[title] = key
            holders.setdefault((title.span.article_id, fold(title.name)), key)
            entities[key].mentions.append(title)
    home = _home_countries(named, of_mention, entities)
    unresolved = []
    title_merges: dict[tuple[str, str, str], str] = {}
    for title in titles:
        if title in of_mention:
            continue
        key, reason = _holder(title, holders, home)
        if key is None:
            unresolved.append(title)
            continue
        of_mention[title] = key
        entities[key].mentions.append(title)
        title_merges.setdefault((key, title.name, title.span.article_id), reason)
    for (key, name, article), reason in sorted(title_merges.items()):
        merges.append({"entity": key, "label": entities[key].label, "merged": name, "article": article,
                       "reason": reason})
    countries = Countries(entities)
    for key, code in within_of.items():
        entities[root_entity[clusters.find(key)]].within = countries.of(code)
    drop_shared_spellings({entities[root_entity[clusters.find(k)]].key: entities[root_entity[clusters.find(k)]]
                           for k in within_of}.values())
    for entity in entities.values():
        entity.mentions.sort(key=lambda m: (m.span.article_id, m.span.start, m.span.end))
        entity.links = links_for(entity.kind, entity.label)
        if entity.subtype == "Country" and (country := country_of_name(entity.label)):
            add_geo(entity, country, True, countries)
        elif entity.key in geo_entity:
            add_geo(entity, *geo_entity[entity.key], countries)
        if f"{entity.kind}|{entity.label}" in profile_ids:
            entity.links += links_for(entity.kind, entity.label, profile.folder / "links.csv")
    logger.info("resolved %d mentions into %d entities (%d merges, %d unresolved titles)",
                len(of_mention), len(entities), len(merges), len(unresolved))
    surname_index: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    first_index: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entity in entities.values():
        if entity.kind != PERSON:
            continue
        full = [n.split() for n in {fold(n) for n in (entity.label, *entity.aliases)} if len(n.split()) > 1]
        for index, at in ((surname_index, -1), (first_index, 0)):
            for word in {words[at] for words in full if words[at] not in prefixes}:
                for mention in entity.mentions:
                    index[word][mention.span.article_id].add(entity.key)
    return Resolution(entities, merges, of_mention, names, holders, unresolved, dict(gazetteer.titles),
                      {s: dict(a) for s, a in surname_index.items()}, local_names,
                      {s: dict(a) for s, a in first_index.items()})
