"""The plain records the stages pass on (no RDF here).

Ingest makes :class:`Article` records (and :class:`Skipped` for inputs it cannot use); the extractors
turn a parsed article into an :class:`ArticleRecord` (mentions, events, tenures, counts, statements,
dates); :mod:`kg.resolve` maps them to canonical entities; :mod:`kg.rdf` is the only package that turns
records into triples. Records are plain, picklable data so that they can cross process boundaries and
be cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article, cleaned.

    Attributes:
        id: content hash of the cleaned text (16 hex digits): the article's identity.
        source: file name the article came from (for people, not for identity).
        text: the cleaned text; every offset in the graph counts code points into it.
        title: the title, when one could be found.
        date: publication date as ``YYYY-MM-DD``, when known.
        meta: further metadata (outlet, URL, where the date came from ...).
        path: where it was read, as the user gave it (``corpus/2022/a.txt``, ``feed.jsonl:17``): for
            messages only, never in the graph or the cache key (the same text read from elsewhere is the
            same article).
    """

    id: str
    source: str
    text: str
    title: str | None = None
    date: str | None = None
    meta: dict = field(default_factory=dict, compare=False)
    path: str = field(default="", compare=False)

    @property
    def where(self) -> str:
        """The place to name in a message: :attr:`path`, else :attr:`source`."""
        return self.path or self.source


@dataclass(frozen=True)
class Skipped:
    """An input that was not used, and why."""

    path: str
    reason: str


#: Entity kinds, mapped to ontology classes in :mod:`kg.rdf.triples`.
PERSON, ORGANIZATION, PLACE, GROUP = "person", "organization", "place", "group"
#: The kinds of entity that can act (an event's agent, a speaker, a source).
AGENT_KINDS = frozenset({PERSON, ORGANIZATION, GROUP})


@dataclass(frozen=True)
class Span:
    """A stretch of an article's text: code-point offsets, end exclusive (NIF style)."""

    article_id: str
    start: int
    end: int
    text: str
    sentence: int = 0


@dataclass(frozen=True)
class Mention:
    """A mention of a person, organisation, group or place.

    Attributes:
        span: where it is.
        kind: one of PERSON, ORGANIZATION, PLACE, GROUP.
        name: the name as written, cleaned (leading "the", possessive "'s" removed).
        label: the NER label that found it (PERSON, ORG, GPE, LOC, FAC, ...).
        subtype: a finer ontology class name when known ("Country", "MediaOutlet" ...).
        component: the pipeline component that found it ("ner", "entity_ruler", ...).
        confidence: 0..1.
    """

    span: Span
    kind: str
    name: str
    label: str
    subtype: str | None = None
    component: str = "ner"
    confidence: float = 0.8


@dataclass
class ArticleRecord:
    """Everything extracted from one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    sentences: int = 0
    events: list[EventRecord] = field(default_factory=list)
    tenures: list[TenureRecord] = field(default_factory=list)
    counts: list[CountRecord] = field(default_factory=list)
    statements: list[StatementRecord] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)
    honorifics: list[HonorificRecord] = field(default_factory=list)
    #: sentence index -> index of the earlier, identical sentence it repeats (see
    #: :func:`kg.extract.sentences.repeated_sentences`): facts come from first occurrences only,
    #: while mentions in repeats remain evidence.
    duplicates: dict[int, int] = field(default_factory=dict)


# ---- events, offices, counts, statements ----


@dataclass
class DateRef:
    """A date or period as written (:class:`ResolvedDate` is what the resolve stage makes of it).

    Attributes:
        span: where it is written.
        kind: ``absolute`` (month/day given), ``weekday``, ``relative`` (yesterday, today ...),
            ``same_day`` ("on the same day": the previous date of the article), ``clock`` (hours only).
        year, month, day: the parts given in the text (``None`` when not given).
        end_year, end_month, end_day: the end of a range, when given.
        until: only the end of the period is given ("until January 19").
        weekday: 0 = Monday .. 6 = Sunday, for ``weekday`` refs.
        offset: days from the anchor, for ``relative`` refs (yesterday = -1).
        part: part of the day ("night", "morning", "evening"), when given.
        time_start, time_end: clock times ``HH:MM`` ("23:00 to 07:00"), when given.
        precision: ``day``, ``month``, ``year`` or ``time``.
        tense: see the attribute's comment.
    """

    span: Span
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    end_year: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    until: bool = False
    weekday: int | None = None
    offset: int = 0
    part: str | None = None
    time_start: str | None = None
    time_end: str | None = None
    precision: str = "day"
    #: the tense of the clause the date is written in: "past", "future" (a planned event), or None (see
    #: :func:`kg.extract.modality.date_tense`); a weekday or a yearless date resolves to the nearest day
    #: consistent with it
    tense: str | None = None


@dataclass
class EventRecord:
    """An event found in an article.

    Participants are :class:`Mention` objects of the article (so resolution maps them to
    entities); a participant with no mention is kept by its text in ``*_texts``.
    """

    local_id: str
    event_class: str
    trigger: Span
    evidence: Span
    acled: str | None = None
    cameo: str | None = None
    agents: list[Mention] = field(default_factory=list)
    targets: list[Mention] = field(default_factory=list)
    participants: list[Mention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    agent_texts: list[str] = field(default_factory=list)
    target_texts: list[str] = field(default_factory=list)
    place_texts: list[str] = field(default_factory=list)
    date: DateRef | None = None
    caused_by: list[str] = field(default_factory=list)
    responds_to: list[str] = field(default_factory=list)
    sub_event_of: str | None = None
    also_classes: list[str] = field(default_factory=list)
    legal_basis: str | None = None
    #: "occurred", or "planned" for an event that is to happen (see :func:`kg.extract.modality.status_of`)
    status: str = "occurred"
    #: the weapon or means the text names ("a car bomb")
    instrument: str | None = None
    #: set by :func:`kg.resolve.coref.corefer`: the key shared by every mention of the same real event, and
    #: the readable label made from its structure
    key: tuple | None = None
    label: str | None = None
    #: the trigger is a noun ("the bombing"), not a verb ("bombed"): a label may name the event by it
    trigger_noun: bool = False
    #: the trigger is a definite noun ("the talks", "these protests", "its deal"): it may refer back
    anaphoric: bool = False
    component: str = "events.trigger"
    confidence: float = 0.7


@dataclass
class TenureRecord:
    """Someone holding a post ("President X", "X will act as prime minister", "X, a member of the Y Council").

    Attributes:
        holder, holder_text: who holds it (the mention, and its text).
        title: the canonical title ("foreign minister", "secretary of state", "member").
        post_in: the organisation or place the post is in or of, when a mention names it.
        post_in_text: else the words that name it (a country from an adjective, "Palestinian election commission").
        post_in_kind: the kind of what ``post_in_text`` names (PLACE or ORGANIZATION).
        qualifiers: how the text qualifies the tenure: acting, former, first, designate, outgoing.
        jurisdiction: a place the text names beside the organisation ("U.S. Ambassador to the United Nations").
        acting: whether the holder acts in the post (acting, interim, caretaker, "will act as").
        started_by, ended_by: local ids of the events that start and end it.
        start: when it started, when the text dates it.
    """

    holder: Mention | None
    holder_text: str
    title: str
    post_in: Mention | None
    post_in_text: str | None
    evidence: Span
    acting: bool = False
    started_by: str | None = None
    ended_by: str | None = None
    start: DateRef | None = None
    component: str = "offices"
    confidence: float = 0.7
    post_in_kind: str = "place"
    qualifiers: tuple[str, ...] = ()
    jurisdiction: Mention | None = None


@dataclass
class HonorificRecord:
    """A title of honour a person bears ('the "father of the nation" X'): no post, no tenure."""

    holder: Mention
    title: str
    evidence: Span
    component: str = "honorifics"


@dataclass
class CountRecord:
    """A reported count: a claim by a source, not a fact."""

    local_id: str
    category: str
    evidence: Span
    value: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    approximation: str | None = None
    unit: str | None = None
    group_text: str | None = None
    group: Mention | None = None
    event: str | None = None
    source: Mention | None = None
    source_text: str | None = None
    component: str = "counts"
    confidence: float = 0.7


@dataclass
class StatementRecord:
    """A speech act: who said what, to whom, with what status, reported by whom.

    Attributes:
        act_class: SpeechAct (a statement) or Appeal (a request, a call, a demand).
        speaker, speaker_text: who said it (a person or an organisation, never a place).
        quote: what was said, whole.
        status: reported, claimed, alleged, denied, confirmed, unconfirmed or promised.
        addressee, addressee_text: to whom ("told reporters"); an outlet told is the outlet, not the addressee.
        outlet, outlet_text: who reports it (``ng:accordingTo``): "according to X", "X reports", "told X".
        event: the event of its sentence it answers (an appeal's sub-event).
        channel: how it was said ("Twitter", "televised address", "news conference").
        concerns, concerns_events: the entities and the events (local ids) it is about: those named in what was said,
            and the events of the figures its speaker gave.
        demands, demands_events: what an appeal asks for ("the resignation of X": that event; "the release of Y":
            Y).
    """

    local_id: str
    act_class: str
    evidence: Span
    speaker: Mention | None = None
    speaker_text: str | None = None
    quote: str | None = None
    status: str = "reported"
    addressee: Mention | None = None
    addressee_text: str | None = None
    outlet: Mention | None = None
    outlet_text: str | None = None
    date: DateRef | None = None
    event: str | None = None
    component: str = "statements"
    confidence: float = 0.6
    channel: str | None = None
    concerns: list[Mention] = field(default_factory=list)
    concerns_events: list[str] = field(default_factory=list)
    demands: list[Mention] = field(default_factory=list)
    demands_events: list[str] = field(default_factory=list)


# ---- resolved records: what the resolve stage makes of the records above, and all the rdf stage reads ----


@dataclass(frozen=True)
class Link:
    """One external identifier of one entity (a row of ``kg/data/links.csv``, see :mod:`kg.resolve.links`)."""

    kind: str
    label: str
    scheme: str
    id: str
    status: str
    evidence: str = ""


@dataclass
class Entity:
    """A canonical entity: one node per real-world thing across the corpus.

    Attributes:
        key: stable key ``<kind>/<slug>``; the entity's IRI is minted from it.
        kind: person, organization, group or place.
        label: the canonical name.
        subtype: finer ontology class name, when known.
        aliases: every other name it was written as.
        mentions: the mentions that denote it.
        links: its external identifiers (Wikidata, GeoNames, DBpedia).
        within: the place it lies in (a place's region or country: ``ng:locatedIn``), or the country whose
            body it is (an organisation: ``ng:jurisdiction``), when known.
    """

    key: str
    kind: str
    label: str
    subtype: str | None = None
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    links: tuple[Link, ...] = ()
    within: Entity | None = None

    @property
    def slug(self) -> str:
        return self.key.split("/", 1)[1]


@dataclass(frozen=True)
class TextEntity:
    """An entity a participant's phrase names when no mention or known name resolves it ("the protesters",
    "Interior Ministry officials"): its own node, labelled with the phrase, with the sentence it was read from
    as evidence (``None`` for the name of a mention nobody is said to hold, such as a bare title)."""

    kind: str
    label: str
    evidence: Span | None = None


#: Who or what fills a role of a resolved record.
Participant = Entity | TextEntity


@dataclass(frozen=True)
class ResolvedDate:
    """A :class:`DateRef` resolved against its article and the corpus: ISO days (``YYYY-MM-DD``), ``None`` when
    the text does not allow it ("on Tuesday" in an article of unknown date)."""

    written: DateRef
    start: str | None = None
    end: str | None = None
    precision: str = "day"
    inferred_year: bool = False


@dataclass(frozen=True)
class ResolvedEvent:
    """An event with its participants resolved, its date resolved, and the key its IRI is minted from (one
    key for the same event told by several articles)."""

    written: EventRecord
    key: tuple
    agents: tuple[Participant, ...] = ()
    targets: tuple[Participant, ...] = ()
    participants: tuple[Participant, ...] = ()
    places: tuple[Participant, ...] = ()
    date: ResolvedDate | None = None


@dataclass(frozen=True)
class ResolvedPost:
    """The post of a tenure: its title, and what it is a post in (an organisation) or of (a jurisdiction).

    Attributes:
        title: the canonical title ("president").
        of: the label of the organisation or place the title is of, when known ("president of X").
        holder_key: when ``of`` is unknown, the post is its holder's own: the holder's entity key, or the
            holder's text.
        organization: the organisation the post is in.
        jurisdiction: the place the post is of (a post may have both: an ambassador of one country to a body).
        evidence: the sentence that tells it.
        post_type: the kind of office (the local name of a ``ng:PostType`` individual: headOfState, minister ...).
    """

    title: str
    of: str | None
    holder_key: str | None
    organization: Participant | None
    jurisdiction: Participant | None
    evidence: Span
    post_type: str | None = None

    @property
    def label(self) -> str:
        return f"{self.title} of {self.of}" if self.of else self.title


@dataclass(frozen=True)
class ResolvedTenure:
    """A tenure whose holder is known (resolved or named by text), with its post, its start date (written, else
    the date of the event that started it) and its end date (the date of the event that ended it)."""

    written: TenureRecord
    holder: Participant
    post: ResolvedPost
    start: ResolvedDate | None = None
    end: ResolvedDate | None = None


@dataclass(frozen=True)
class ResolvedCount:
    """A count with its counted group and its source resolved."""

    written: CountRecord
    group: Participant | None = None
    source: Participant | None = None


@dataclass(frozen=True)
class ResolvedStatement:
    """A statement with speaker, addressee and outlet resolved, its date, and the entities it concerns and demands."""

    written: StatementRecord
    speaker: Participant | None = None
    addressee: Participant | None = None
    outlet: Participant | None = None
    date: ResolvedDate | None = None
    concerns: tuple[Participant, ...] = ()
    demands: tuple[Participant, ...] = ()


@dataclass(frozen=True)
class ResolvedArticle:
    """One article after the resolve stage: everything the rdf stage writes of it.

    Attributes:
        article: the article.
        mentions: each mention that denotes an entity, with that entity, in text order.
        events, tenures, counts, statements: the article's records, resolved.
        honorifics: each person's titles of honour (the entity, the title).
    """

    article: Article
    mentions: tuple[tuple[Mention, Entity], ...] = ()
    events: tuple[ResolvedEvent, ...] = ()
    tenures: tuple[ResolvedTenure, ...] = ()
    counts: tuple[ResolvedCount, ...] = ()
    statements: tuple[ResolvedStatement, ...] = ()
    honorifics: tuple[tuple[Entity, str], ...] = ()
