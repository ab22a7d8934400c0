"""One node per real event: coreference of the build's event mentions, within and across articles, and the
readable label of each event.

Within an article, a mention joins the nearest earlier event of the same class and status whose places,
date and agents do not contradict its own ("the protest" after "a protest in X on Monday"). Across
articles, two events of the same class and status join when their dates do not contradict and at least two
of these hold: they share a place, they share a day, they share a participant (or, for a nationwide act such
as a government's resignation, when they share the day, no place or participant contradicts, and whom it
befell does not differ).
Every mention of an event gets the same key, so the event's node gathers the evidence of every mention and
every article that reports it, and the counts, sources and statements attached to any mention.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from kg.extract.context import is_country
from kg.extract.lemmas import lemma_triggers
from kg.lexicon import classes_with, event_classes, mapping, rows
from kg.rdf.iri import slugify
from kg.records import ArticleRecord, EventRecord, Mention
from kg.resolve.dates import DateResolution
from kg.resolve.entities import Resolution

OCCURRED, PLANNED = "occurred", "planned"

logger = logging.getLogger(__name__)

#: How many sentences after an event's last mention a mention with a place, day or participant of its own (none
#: shared, none contradicting) still continues it ("Protests broke out on Monday. Demonstrators in X ...").
NEAR_SENTENCES = 3
#: How many earlier events of one bucket a new event is compared with (keeps the merge linear).
BUCKET_WINDOW = 50


@dataclass
class _Mention:
    """One event mention with what coreference compares, resolved to entity keys."""

    article: str
    event: EventRecord
    places: frozenset[str]
    countries: frozenset[str]
    day: str | None
    agents: frozenset[str]
    participants: frozenset[str]
    #: the words of the names of who or what underwent it ("government", "kazakhstan"): two mentions whose
    #: targets share no word are two events ("the resignation of the government" / "of X")
    targets: frozenset[str] = frozenset()
    cluster: int = -1


@dataclass
class _Cluster:
    members: list[_Mention] = field(default_factory=list)
    places: set[str] = field(default_factory=set)
    day: str | None = None
    agents: set[str] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)

    def add(self, m: _Mention) -> None:
        self.members.append(m)
        self.places |= m.places
        self.day = self.day or m.day
        self.agents |= m.agents
        self.participants |= m.participants
        self.targets |= m.targets


def _key_of(resolution: Resolution, mention: Mention) -> str:
    entity = resolution.entity_of(mention)
    return entity.key if entity is not None else f"text/{slugify(mention.name)}"


def _day(dates: DateResolution, ev: EventRecord) -> str | None:
    resolved = dates.of(ev.date)
    return resolved.start if resolved is not None and resolved.start else None


def _mention(article: str, ev: EventRecord, resolution: Resolution, dates: DateResolution) -> _Mention:
    places = {_key_of(resolution, m) for m in ev.places} | {f"place/{slugify(t)}" for t in ev.place_texts}
    countries = {_key_of(resolution, m) for m in ev.places if is_country(m)}
    agents = {_key_of(resolution, m) for m in ev.agents}
    others = {_key_of(resolution, m) for m in ev.targets + ev.participants}
    day = _day(dates, ev)
    targets = {w for name in _names(resolution, ev.targets) + ev.target_texts for w in _words(name)}
    return _Mention(article, ev, frozenset(places), frozenset(countries), day, frozenset(agents),
                    frozenset(agents | others), frozenset(targets))


#: Words that say nothing of whom an event concerns.
_FILLER = frozenset({"the", "of", "a", "an", "and", "'s", "his", "her", "its", "their", "entire", "whole", "new",
                     "former", "republic", "republic's", "country's"})


def _words(name: str) -> set[str]:
    return {w for w in name.lower().replace("'s", " ").split() if w not in _FILLER}


def _places_fit(a: set[str] | frozenset[str], b: frozenset[str], countries: frozenset[str]) -> bool:
    """Places do not contradict: one side has none, they share one, or one side names only a country (the
    country of the other's city, within one article)."""
    return not a or not b or bool(a & b) or b <= countries


def _tensed(ev: EventRecord) -> bool:
    """Whether a mention says by itself whether its event happened: a verb, or a dated or planned mention (a
    bare noun, "the election", fits an event that happened and one to come)."""
    return ev.status == PLANNED or ev.date is not None or not ev.trigger_noun


def _status_fits(c: _Cluster, ev: EventRecord) -> bool:
    statuses = {x.event.status for x in c.members if _tensed(x.event)}
    return not _tensed(ev) or not statuses or ev.status in statuses


def _same_in_article(c: _Cluster, m: _Mention) -> bool:
    ev, first = m.event, c.members[0].event
    if ev.event_class != first.event_class or not _status_fits(c, ev):
        return False
    if c.day and m.day and c.day != m.day:
        return False
    if c.agents and m.agents and not c.agents & m.agents:
        return False
    if c.participants and m.participants and not c.participants & m.participants:
        return False
    if c.targets and m.targets and not c.targets & m.targets:
        return False  # "the resignation of the government" and "the resignation of X": two resignations
    first_countries = frozenset(k for x in c.members for k in x.countries)
    if not (_places_fit(c.places, m.places, m.countries) or (m.places and c.places <= first_countries)):
        return False
    # a mention that brings a place, day or participant of its own refers back when it says so ("the talks",
    # "these protests"), when one of them is the event's already, or when it follows closely; "talks in X"
    # much later in the article, with nothing shared, is another event
    own = m.places or m.day or m.participants
    shared = (m.places & c.places) or (m.day and m.day == c.day) or (m.participants & c.participants)
    near = ev.evidence.sentence - c.members[-1].event.evidence.sentence <= NEAR_SENTENCES
    return not own or bool(shared) or ev.anaphoric or near


def _same_across(c: _Cluster, d: _Cluster) -> bool:
    """Whether two events of two articles are one (see the module's docstring)."""
    a, b = c.members[0].event, d.members[0].event
    if a.event_class != b.event_class or _status(c) != _status(d):
        return False
    if c.day and d.day and c.day != d.day:
        return False
    shared_place = bool(c.places & d.places)
    same_day = bool(c.day and c.day == d.day)
    shared = bool(c.participants & d.participants)
    if c.targets and d.targets and not c.targets & d.targets:
        return False  # whom it befell differs: the resignation of a government, that of a council head
    contradicts = bool(c.participants and d.participants and not shared)
    if sum((shared_place, same_day, shared)) >= 2 and not (contradicts and not shared_place):
        return True
    places_fit = not c.places or not d.places or shared_place
    return a.event_class in classes_with("nationwide") and same_day and places_fit and not contradicts


def _status(c: _Cluster) -> str:
    """An event's status from its mentions: planned when a mention says so and none tells it as happened."""
    tensed = [x.event.status for x in c.members if _tensed(x.event)]
    return PLANNED if PLANNED in tensed and OCCURRED not in tensed else (tensed[0] if tensed else OCCURRED)


def corefer(records: list[ArticleRecord], resolution: Resolution,
            dates: DateResolution) -> list[list[tuple[str, EventRecord]]]:
    """Give every mention of one real event the same ``key``, ``status`` and ``label`` (in place) and return the
    events told by more than one article, as lists of (article id, mention). ``dates``: the corpus's dates, resolved
    (:func:`kg.resolve.dates.resolve_dates`)."""
    clusters: list[_Cluster] = []
    articles: list[str] = []
    for record in sorted(records, key=lambda r: r.article.id):
        own: list[int] = []
        published = record.article.date
        for ev in sorted(record.events, key=lambda e: e.trigger.start):
            day = _day(dates, ev)
            if published and day and day > published:
                ev.status = PLANNED  # dated after the article that tells it: it was still to come
            m = _mention(record.article.id, ev, resolution, dates)
            target = next((i for i in reversed(own) if _same_in_article(clusters[i], m)), None)
            if target is None:
                target = len(clusters)
                clusters.append(_Cluster())
                articles.append(record.article.id)
                own.append(target)
            clusters[target].add(m)
    parent = list(range(len(clusters)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_bucket: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        buckets = _buckets(c, c.members[0].event.event_class)
        seen: set[int] = set()
        for bucket in buckets:
            for j in by_bucket[bucket][-BUCKET_WINDOW:]:
                if j not in seen and articles[j] != articles[i] and root(j) != root(i):
                    seen.add(j)
                    if _same_across(clusters[j], c):
                        parent[root(i)] = root(j)
        for bucket in buckets:
            by_bucket[bucket].append(i)
    groups: dict[int, _Cluster] = {}
    for i, c in enumerate(clusters):
        whole = groups.setdefault(root(i), _Cluster())
        for x in c.members:
            whole.add(x)
    # two events that coreference kept apart keep apart even when their keys agree (the resignation of a
    # government and that of a council head, one day, one country): the second gets its first mention's offsets
    by_key: dict[tuple, _Cluster] = {}
    for whole in groups.values():
        key = _cluster_key(whole)
        if key in by_key:
            first = whole.members[0]
            key = (*key, first.article, first.event.local_id)
        by_key[key] = whole
    merged = []
    for key, whole in by_key.items():
        status = _status(whole)
        for x in whole.members:
            x.event.status = status
        label = event_label(whole.members, resolution)
        for x in whole.members:
            x.event.key, x.event.label = key, label
        if len({x.article for x in whole.members}) > 1:
            merged.append([(x.article, x.event) for x in whole.members])
    return merged


def _buckets(c: _Cluster, cls: str) -> list[tuple]:
    out = [(cls, "day", c.day)] if c.day else []
    out += [(cls, "place", p) for p in sorted(c.places)]
    out += [(cls, "who", p) for p in sorted(c.participants)]
    return out


def _cluster_key(c: _Cluster) -> tuple:
    """The key the event's IRI is minted from: class, places and day when the event has them (so that the IRI
    does not depend on which articles tell it), else the first mention's article and offsets."""
    first = c.members[0]
    dated = [x for x in c.members if x.day and x.places]
    if dated:
        return ("event", first.event.event_class, "|".join(sorted(dated[0].places)), dated[0].day)
    if first.event.event_class in classes_with("nationwide") and first.day:
        return ("event", first.event.event_class, "", first.day)
    if len({x.article for x in c.members}) > 1 and c.participants:
        return ("event", first.event.event_class, "who:" + "|".join(sorted(c.participants)), c.day or "")
    return ("event", first.article, first.event.local_id)


# ---- labels ----


def _names(resolution: Resolution, mentions: list[Mention]) -> list[str]:
    out = []
    for m in mentions:
        entity = resolution.entity_of(m)
        name = entity.label if entity is not None else m.name
        name = name.title() if name.isupper() and len(name) > 4 else name  # a dateline's "COLUMBUS"
        if name not in out:
            out.append(name)
    return out


def _written_day(day: str | None) -> str | None:
    if not day:
        return None
    d = dt.date.fromisoformat(day)
    return f"{d.day} {d:%b %Y}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _present(verb: str, plural: bool) -> str:
    """"stormed" -> "storms" / "storm"; a phrase inflects its first word ("stepped down" -> "steps down")."""
    first, *rest = verb.split()
    third, plural_form = _present_forms().get(first, (first, first))
    return " ".join([plural_form if plural else third, *rest])


@cache
def _present_forms() -> dict[str, tuple[str, str]]:
    """Verb form -> (3rd person singular, plural) present forms, from ``event_lemma_forms.tsv``."""
    return {verb: tuple(forms.split(",")) for kind, verb, _pos, forms in rows("event_lemma_forms.tsv")
            if kind == "present"}


def _noun_of(evs: list[EventRecord]) -> str | None:
    """The noun most mentions name the event by ("state visit", "car bombing"; a verb by its noun of
    ``label_nouns.tsv``: "were injured" is a report of casualties), when some name it by a noun."""
    nouns = [(_verb_noun(e) or e.trigger.text.lower()) if e.trigger_noun else _verb_noun(e) for e in evs]
    nouns = [n for n in nouns if n]
    return max(nouns, key=nouns.count) if nouns else None


def _verb_noun(ev: EventRecord) -> str | None:
    """The noun of ``label_nouns.tsv`` for a trigger (a verb, or a doer: "gunmen" did a shooting), found by its
    written form or its lemma."""
    table = mapping("label_nouns.tsv")
    word = " ".join(ev.trigger.text.lower().split())
    if word in table:
        return table[word]
    rows = lemma_triggers().get(word.replace("-", " - "), ())
    return next((table[r.lemma] for r in rows if r.event_class == ev.event_class and r.lemma in table), None)


def event_label(members: list[_Mention], resolution: Resolution) -> str:
    """A readable label made from the event's structure: "Protesters storm the President's House, Colombo,
    9 Jul 2022" when a mention tells who did what to what, else "Car bombing in Baghdad, 18 Dec 2004" (the
    trigger noun, or the class's noun, with the place and the day); "Planned ..." for a planned event."""
    evs = [x.event for x in members]
    places = _names(resolution, [m for e in evs for m in e.places]) + [t for e in evs for t in e.place_texts]
    places = list(dict.fromkeys(places))[:3]
    day = _written_day(next((x.day for x in members if x.day), None))
    tail = ", ".join(p for p in ([_and(places)] if places else []) + ([day] if day else []))
    # a class of no label noun (a government action): the trigger's words
    kind = event_classes().get(evs[0].event_class)
    noun = (kind.noun if kind is not None else "") or evs[0].trigger.text.lower()
    planned = evs[0].status == "planned"
    for e in evs:
        words = e.trigger.text
        agents = _names(resolution, e.agents) + e.agent_texts
        objects = _names(resolution, e.targets) + e.target_texts
        verbal = not e.trigger_noun and not planned
        if agents and objects and verbal:
            agent = agents[0][0].upper() + agents[0][1:]
            plural = agents[0].islower() and agents[0].endswith("s")  # "protesters", not "Congress"
            what = f"the {objects[0]}" if objects[0][:1].islower() else objects[0]
            head = f"{agent} {_present(words.lower(), plural or len(agents) > 1)} {what}"
            return f"{head}, {tail}" if tail else head
    named = _noun_of(evs) or noun
    targets = _names(resolution, [m for e in evs for m in e.targets]) + [t for e in evs for t in e.target_texts]
    who = targets or _names(resolution, [m for e in evs for m in e.agents]) + [t for e in evs for t in e.agent_texts]
    by = kind.preposition if kind else "of"
    if not targets and by != "with" and not (kind and "tenure" in kind.traits):
        by = "by"  # "disarmament by X", not "from X": the one who did it, where the class names whom it befell
    head = named + (f" {by} {_and(who[:2])}" if who and not places else "")
    head = ("planned " + head) if planned else head
    head = head[0].upper() + head[1:]
    if places:
        return f"{head} in {_and(places)}" + (f", {day}" if day else "")
    return f"{head}, {day}" if day else head
