"""The scene an article tells: where an event happened when its own clause does not say, and which event a
figure counts.

News tells one scene over several sentences ("Protesters stormed the governor's office in X. Cars were set on
fire. Police detained 40 people."): an event of street violence or protest whose clause names no place takes
the place of the event told just before it, and a figure written in a sentence that tells no event counts for
the event told just before it, when its category fits that event (the killed and injured of an attack, the
arrested of a crackdown, the crowd of a protest).
"""

from __future__ import annotations

import re
from collections import Counter

from kg.extract.clauses import over_a_period
from kg.extract.context import Context, is_country
from kg.extract.doc_views import entities_of
from kg.lexicon import mapping
from kg.records import PERSON, PLACE, EventRecord, Mention

#: Classes of the events of one street scene: they share the scene's place.
SCENE = frozenset({"Demonstration", "Riot", "Clash", "AttackOnProperty", "Attack", "Killing", "Arrest"})
#: Classes that happen where a story is datelined when their clause names no place: street scenes, meetings.
DATELINED = SCENE | {"Meeting", "Agreement"}
#: A dateline at the start of a line: "COLUMBUS, Georgia --", "CUZCO, Peru (Reuters) -", "KABUL, Jan 5 (AP) —".
DATELINE = re.compile(r"(?m)^[ \t]*(?P<city>[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*)"
                      r"(?:,[^\n]{0,40}?)?\s*(?:\([^)\n]{1,30}\))?\s*(?:--|—|–|-)\s")
#: How many sentences after its dateline a lead event may take the dateline's place.
DATELINE_SENTENCES = 1
#: Classes of acts of a state or a nation: one told with no place at all happened in the country the article is
#: about (a resignation, a price rise, a state of emergency, the casualty and arrest totals of a crisis; not
#: sanctions, which one state imposes on another).
NATIONAL = frozenset({"Resignation", "Removal", "Appointment", "Decree", "PriceChange", "StateOfEmergency", "Curfew",
                      "InternetShutdown", "Coup", "Election", "Killing", "Arrest", "Demonstration", "Riot",
                      "Clash", "Attack", "AttackOnProperty", "Trial"})
#: "the country": with one country named in the whole article, the country the article is about.
COUNTRY_WORDS = frozenset({"country"})
#: First words of a country's long name ("Republic of X").
STATE_WORDS = frozenset({"republic", "kingdom", "state", "federation", "commonwealth", "the", "islamic", "democratic",
                         "people's", "federal", "united", "sultanate", "principality", "emirate"})
#: How often the country an article is about is named, at least, when its lead does not name it alone.
DOMINANT = 3
#: How many sentences of an article are its headline and lead.
LEAD = 2
#: How many sentences back the scene's place or an event for a figure may be.
WINDOW = 2
#: Count categories (kg/data/count_categories.tsv) -> the classes whose events such a figure may count.
COUNTED = {
    "killed": SCENE | {"Coup"}, "injured": SCENE | {"Coup"}, "casualties": SCENE | {"Coup"},
    "beaten": SCENE, "burned": SCENE, "damaged": SCENE, "looted": SCENE,
    "arrested": frozenset({"Arrest", "Demonstration", "Riot", "Clash", "Attack"}),
    "participants": frozenset({"Demonstration", "Riot", "Deployment", "PeacekeepingDeployment", "Meeting"}),
    # "The raids, carried out by 300 commandos": the force that did what the story just told
    "forces": SCENE | {"Deployment", "Coup"},
}


def datelines(ctx: Context) -> list[tuple[int, Mention | None, str | None]]:
    """The datelines of an article as (sentence, place mention, or the place's name when no mention covers it):
    the all-capital place name that opens a line followed by a dash ("COLUMBUS, Georgia -- At least 20 people
    were arrested ...")."""
    out = []
    for found in DATELINE.finditer(ctx.text):
        token = ctx.doc.char_span(found.start("city"), found.end("city"), alignment_mode="expand")
        if token is None:
            continue
        places = ctx.mentions_in(found.start("city"), found.end("city"), (PLACE,))
        if places:
            out.append((ctx.sent_no(token[0]), places[0], None))
        elif ctx.mention_at(token[0]) is None and token.text.isupper():
            out.append((ctx.sent_no(token[0]), None, token.text.title()))  # a place the model did not tag
    return out


def article_country(ctx: Context) -> Mention | None:
    """The country the article is about: the one country named in its headline and lead (its first LEAD
    sentences), when no other country is named more often in the whole article; or the country named most,
    when it is named in the first 2 * LEAD sentences, at least DOMINANT times and twice as often as any other;
    or the one country the whole article names, when it speaks of "the country"; None otherwise, and None when
    a people other than the country's is named as often ("Palestinian")."""
    countries = [m for m in ctx.mentions if is_country(m)]
    if not ctx.sents or not countries:
        return None
    counts = Counter(_country_key(m.name) for m in countries)

    def named_before(sentences: int) -> set[str]:
        end = ctx.sents[min(sentences, len(ctx.sents)) - 1].end_char
        return {_country_key(m.name) for m in countries if m.span.start < end}

    lead = named_before(LEAD)
    (top, n), *rest = counts.most_common(2)
    if len(lead) == 1 and not any(k > counts[next(iter(lead))] for k in counts.values()):
        name = next(iter(lead))
    elif n >= DOMINANT and (not rest or n >= 2 * rest[0][1]) and top in named_before(2 * LEAD):
        name = top
    elif not rest and ctx.tokens_of(COUNTRY_WORDS) and any(
            t.i > 0 and t.nbor(-1).lower_ == "the" for t in ctx.tokens_of(COUNTRY_WORDS)):
        name = top  # the one country the article names, and "the country" it speaks of
    else:
        return None
    # "Palestinian" named more often than Israel: the story is about a people, not about that country
    own = {adj for adj, country in mapping("demonyms.tsv").items() if _country_key(country) == name}
    peoples = Counter(e.text.lower().removesuffix("s") for e in entities_of(ctx.doc)
                      if e.label_ == "NORP" and e.text.lower().removesuffix("s") not in own)
    if peoples and peoples.most_common(1)[0][1] >= counts[name]:
        return None
    return next(m for m in countries if _country_key(m.name) == name)


def _country_key(name: str) -> str:
    """"the Republic of X", "X": one country."""
    words = name.lower().split()
    return " ".join(words[words.index("of") + 1:]) if "of" in words[:-1] and words[0] in STATE_WORDS else " ".join(
        w for w in words if w != "the")


def _same_day(a: EventRecord, b: EventRecord) -> bool:
    """Whether two events may be of one day: both undated, or dated by the same written date."""
    if a.date is None or b.date is None:
        return a.date is None and b.date is None
    return a.date.span == b.date.span or (a.date.kind, a.date.month, a.date.day, a.date.weekday, a.date.offset) == (
        b.date.kind, b.date.month, b.date.day, b.date.weekday, b.date.offset)


#: Count categories -> the classes a figure of the category counts first, when its sentence tells several events.
FIRST = {"killed": frozenset({"Killing"}), "injured": frozenset({"Killing"}), "casualties": frozenset({"Killing"}),
         "arrested": frozenset({"Arrest"}), "participants": frozenset({"Demonstration"})}


def inherit_places(ctx: Context, events: list[EventRecord]) -> None:
    """Give an event with no place of its own the place of its scene (``events`` in text order; changed in
    place): a dated event of a street scene takes the places (a city or a country, not a building) of the scene
    event of the same written day told at most WINDOW sentences before it; a lead event of a street scene or a
    meeting takes the place of the dateline it follows ("COLUMBUS, Georgia -- At least 20 people were
    arrested"); an act of a state or a nation with still no place took place in the country the article is
    about (:func:`article_country`)."""
    _where_they_are(ctx, events)
    lines = datelines(ctx)
    last: EventRecord | None = None
    datelined: list[EventRecord] = []
    for ev in events:
        placed = bool(ev.places or ev.place_texts)
        if not placed and ev.event_class in DATELINED:
            near = [(m, text) for sent, m, text in lines if 0 <= ev.evidence.sentence - sent <= DATELINE_SENTENCES]
            if near:
                mention, text = near[-1]
                ev.places, ev.place_texts, placed = ([mention] if mention else []), ([text] if text else []), True
                datelined.append(ev)
        if ev.event_class not in SCENE:
            continue
        if not placed and last is not None and 0 <= ev.evidence.sentence - last.evidence.sentence <= WINDOW and (
                _same_day(ev, last)) and ev.date is not None and not any(m.subtype == "Site" for m in last.places):
            ev.places, ev.place_texts = list(last.places), list(last.place_texts)
            placed = True
        if placed:
            last = ev
    _where_in_the_dateline(events, datelined)
    _places_of_the_whole(events, datelined)
    country = article_country(ctx)
    for ev in events:
        if country is not None and ev.event_class in NATIONAL and not ev.places and not ev.place_texts and not (
                _over_a_period(ctx, ev)):
            ev.places = [country]


#: Verbs that say where someone is ("X is in P", "X arrived in P"): forms, as the build does not lemmatise.
PRESENCE_VERBS = frozenset({"is", "was", "are", "were", "been", "arrived", "arrives", "arrive", "landed", "lands",
                            "stays", "stayed", "remains", "remained"})
#: Classes of what a visitor does where he is: talks, visits, agreements signed.
VISITED = frozenset({"Meeting", "Agreement"})


def _where_they_are(ctx: Context, events: list[EventRecord]) -> None:
    """"Mr X is in Brazil for five days ... X emerged from talks with Y": a meeting or agreement whose clause
    names no place, with a person among its agents or participants whom the article said earlier "is in" or
    "arrived in" a place, took place there (the last such place said of that person; ``events`` changed in
    place)."""
    where: list[tuple[int, str, Mention]] = []  # (char, surname, place)
    for verb in ctx.tokens_of(PRESENCE_VERBS):
        places = [m for prep in verb.children if prep.dep_ == "prep" and prep.lower_ == "in"
                  for pobj in prep.children if pobj.dep_ == "pobj"
                  for m in [ctx.mention_at(pobj, (PLACE,))] if m is not None]
        people = [ctx.mention_at(s, (PERSON,)) for s in verb.children if s.dep_ == "nsubj"]
        for person in people:
            if person is not None and len(places) == 1:
                where.append((verb.idx, _surname(person), places[0]))
    if not where:
        return
    for ev in events:
        if ev.event_class not in VISITED or ev.places or ev.place_texts:
            continue
        who = {_surname(m) for m in (*ev.agents, *ev.participants) if m.kind == PERSON}
        known = [(char, place) for char, name, place in where if name in who and char < ev.trigger.start]
        if known:
            ev.places = [max(known, key=lambda k: k[0])[1]]


def _surname(person: Mention) -> str:
    return person.name.split()[-1].lower() if person.name.split() else ""


def _where_in_the_dateline(events: list[EventRecord], datelined: list[EventRecord]) -> None:
    """"COLUMBUS, Georgia -- 20 people were arrested Sunday while protesting ... Those arrested were among 16,000
    people who demonstrated outside X at Fort Benning": the dateline names the city, the story where in it. An
    event placed by its dateline also takes the places of the event of its class and day told at most WINDOW
    sentences after it with a place of its own."""
    for ev in datelined:
        for other in events:
            if other in datelined or other.event_class != ev.event_class or other.date is None or not (
                    0 < other.evidence.sentence - ev.evidence.sentence <= WINDOW and _same_day(ev, other)):
                continue
            ev.places += [m for m in other.places if m not in ev.places]
            ev.place_texts += [t for t in other.place_texts if t not in ev.place_texts]


def _places_of_the_whole(events: list[EventRecord], datelined: list[EventRecord]) -> None:
    """"were arrested while protesting": an event that is part of another (``sub_event_of``) and names no place
    of its own happened where the whole did."""
    by_id = {e.local_id: e for e in events}
    for ev in events:
        whole = by_id.get(ev.sub_event_of or "")
        if whole is None or whole is ev or ((ev.places or ev.place_texts) and ev not in datelined):
            continue
        ev.places += [m for m in whole.places if m not in ev.places]
        ev.place_texts += [t for t in whole.place_texts if t not in ev.place_texts]


def _over_a_period(ctx: Context, ev: EventRecord) -> bool:
    span = ctx.doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
    return span is not None and over_a_period(span.root)


def event_for_count(events: list[EventRecord], sent_no: int, char: int, category: str | None) -> str | None:
    """The id of the event a figure counts: the event of its sentence whose trigger is nearest, else the nearest
    event at most WINDOW sentences before whose class the figure's category fits (None when there is none)."""
    fits = COUNTED.get(category or "", frozenset())
    same = [e for e in events if e.evidence.sentence == sent_no]
    if same:
        # "200 arrests and 95 officers injured in the clashes": the injured count for the clashes
        best = [e for e in same if category in FIRST and FIRST[category] & {e.event_class, *e.also_classes}]
        best = best or [e for e in same if e.event_class in fits] or same
        return min(best, key=lambda e: abs(e.trigger.start - char)).local_id
    before = [e for e in events if 0 < sent_no - e.evidence.sentence <= WINDOW and e.event_class in fits]
    return max(before, key=lambda e: e.trigger.start).local_id if before else None


#: How many sentences after an event a definite noun may name whom its plain-words participant was.
NAMED_WITHIN = 3


def name_described_people(ctx: Context, events: list[EventRecord]) -> None:
    """"A senior lieutenant of X was arrested ... a complaint against the lieutenant, Sheik Y": a participant
    written as plain words headed by a singular noun ("lieutenant") is the person the article names in apposition
    to "the" same noun a few sentences on ("the lieutenant, Y"); the text gives way to Y (``events`` changed in
    place)."""
    for ev in events:
        for role, texts in ((ev.targets, ev.target_texts), (ev.agents, ev.agent_texts)):
            for text in list(texts):
                head = text.split(" of ")[0].split()[-1].lower() if text.split() else ""
                if not head.isalpha() or head.endswith("s"):
                    continue
                person = _named_after(ctx, head, ev)
                if person is not None and person not in role:
                    role.append(person)
                    texts.remove(text)


def _named_after(ctx: Context, head: str, ev: EventRecord) -> Mention | None:
    """The person named in apposition to "the <head>" in the NAMED_WITHIN sentences after ``ev``'s."""
    for token in ctx.tokens_of(frozenset({head})):
        sent = ctx.sent_no(token)
        if not 0 < sent - ev.evidence.sentence <= NAMED_WITHIN:  # a later sentence: not the participant's own noun
            continue
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
            continue
        after = [c for c in token.children if c.dep_ == "appos"]
        if token.i + 2 < len(ctx.doc) and ctx.doc[token.i + 1].text == ",":
            after.append(ctx.doc[token.i + 2])  # the parser may not hang the name on the noun
        for name in after:
            person = ctx.mention_at(name, (PERSON,))
            if person is not None:
                return person
    return None
