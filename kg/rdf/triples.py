"""Resolved records to RDF: the only module that writes triples.

In: one :class:`~kg.records.ResolvedArticle` (from :mod:`kg.resolve.articles`) and the build's
:class:`~kg.rdf.iri.Minter`. Out: the article's named graph, holding what that article asserts: the article
node, the entities it mentions with their labels, types and links, the text spans that are the evidence for
them, and its events, tenures, counts and statements. Nothing here looks a name up or decides who an entity
is: every participant arrives resolved (an :class:`~kg.records.Entity`, or a
:class:`~kg.records.TextEntity` named by its phrase).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from rdflib import ORG as _ORG
from rdflib import OWL as _OWL
from rdflib import RDF as _RDF
from rdflib import RDFS as _RDFS
from rdflib import SKOS as _SKOS
from rdflib import XSD as _XSD
from rdflib import Graph, Literal, URIRef

from kg.config import ONTOLOGY_DIR
from kg.rdf.iri import Minter, external_iri, slugify
from kg.rdf.namespaces import NG as _NG
from kg.rdf.namespaces import new_graph
from kg.rdf.nquads import Triples
from kg.records import (
    AGENT_KINDS,
    GROUP,
    ORGANIZATION,
    PERSON,
    PLACE,
    Entity,
    Mention,
    Participant,
    ResolvedArticle,
    ResolvedDate,
    ResolvedEvent,
    ResolvedPost,
)
from kg.records import Span as TextSpanRecord

logger = logging.getLogger(__name__)


class _Terms:
    """A namespace whose terms are looked up once: rdflib's ``DefinedNamespace`` builds a new ``URIRef``
    (after a membership check) on every attribute access, and the build makes hundreds of thousands."""

    def __init__(self, namespace) -> None:
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


NG, OWL, RDF, RDFS, SKOS, XSD, ORG = (_Terms(ns) for ns in (_NG, _OWL, _RDF, _RDFS, _SKOS, _XSD, _ORG))


@lru_cache(maxsize=1 << 14, typed=True)  # a build of 105 articles makes 8,000; a long article's offsets fill more
def _literal(value: object, datatype: URIRef | None = None, lang: str | None = None) -> Literal:
    """A (short) literal, made once: rdflib parses and normalises every literal it constructs."""
    return Literal(value, datatype=datatype, lang=lang)


#: What the builders below write into: the build's plain triple sets, or any rdflib graph.
GraphLike = Graph | Triples

KIND_CLASSES = {PERSON: NG.Person, ORGANIZATION: NG.Organization, PLACE: NG.Place, GROUP: NG.Group}
#: Event classes that are kinds of ``ng:SpeechAct`` in the ontology: whoever acts in one speaks (``ng:speaker``).
SPEECH_ACT_CLASSES = frozenset({"Appeal", "Statement"})


def ontology_graph(identifier: URIRef | None = None) -> Graph:
    """The ontology (TBox) as a graph."""
    graph = new_graph(identifier)
    graph.parse(ONTOLOGY_DIR / "newsgraph.ttl", format="turtle")
    return graph


def entity_iri(minter: Minter, entity: Entity) -> URIRef:
    return minter.id(entity.kind, entity.slug)


def add_entity(graph: GraphLike, iri: URIRef, entity: Entity) -> None:
    """Type and label of an entity."""
    graph.add((iri, RDF.type, KIND_CLASSES[entity.kind]))
    if entity.subtype:
        graph.add((iri, RDF.type, NG[entity.subtype]))
    graph.add((iri, RDFS.label, _literal(entity.label, lang="en")))
    add_aliases(graph, iri, entity)
    add_links(graph, iri, entity)


def add_within(graph: GraphLike, minter: Minter, iri: URIRef, entity: Entity, span: URIRef | None = None,
               mentioned: frozenset[URIRef] = frozenset()) -> None:
    """Where an entity lies (a place: ``ng:locatedIn``, up to its country) or whose body it is (an organisation:
    ``ng:jurisdiction``), with the containing places' types, labels and links. A container the article does not
    mention itself (``mentioned``: the nodes its mentions denote) is in its graph because of the mention at
    ``span``, which is then its evidence ("Berlin" for Germany in an article that names only Berlin)."""
    node, inner = iri, entity
    while inner.within is not None:
        outer = entity_iri(minter, inner.within)
        graph.add((node, NG.jurisdiction if inner.kind == ORGANIZATION else NG.locatedIn, outer))
        add_entity(graph, outer, inner.within)
        if span is not None and outer not in mentioned:
            graph.add((outer, NG.evidence, span))
        node, inner = outer, inner.within


def add_aliases(graph: GraphLike, iri: URIRef, entity: Entity) -> None:
    """Every other way the entity was written, as ``skos:altLabel``."""
    for alias in sorted(entity.aliases):
        graph.add((iri, SKOS.altLabel, _literal(alias, lang="en")))


def add_links(graph: GraphLike, iri: URIRef, entity: Entity) -> None:
    """``owl:sameAs`` to the entity's Wikidata, GeoNames and DBpedia identifiers (its links from the link table),
    plus the plain ``ng:wikidataId`` / ``ng:geonamesId`` values."""
    for link in entity.links:
        graph.add((iri, OWL.sameAs, external_iri(link.scheme, link.id)))
        if link.scheme == "wikidata":
            graph.add((iri, NG.wikidataId, _literal(link.id)))
        elif link.scheme == "geonames" and entity.kind == PLACE:
            graph.add((iri, NG.geonamesId, _literal(link.id)))


def add_span(graph: GraphLike, minter: Minter, article_iri: URIRef, mention: Mention) -> URIRef:
    """A text span node (NIF-style code-point offsets, end exclusive) for one mention."""
    iri = _text_span(graph, minter, article_iri, mention.span)
    graph.add((iri, NG.producedBy, _literal(mention.component)))
    graph.add((iri, NG.confidence, _literal(f"{mention.confidence:.2f}", datatype=XSD.decimal)))
    return iri


def article_graph(article: ResolvedArticle, minter: Minter) -> Graph:
    """The named graph of one article, as an rdflib ``Graph`` (see :func:`article_triples`)."""
    return article_triples(article, minter).graph()


def article_triples(resolved: ResolvedArticle, minter: Minter, spill: Callable[[Triples], None] | None = None,
                    limit: int = 0) -> Triples:
    """The named graph of one article, as a plain set of triples (what the build serializes).

    The same triples as :func:`article_graph`, without the cost of an rdflib store: iterate it, give it
    to :func:`kg.rdf.nquads.nquad_lines`, or add it to a graph. With ``spill``, every ``limit`` triples are handed
    to it as they are made and the set returned holds the rest (:class:`~kg.rdf.nquads.Triples`): a long
    article's graph is never whole in memory.
    """
    article = resolved.article
    graph = Triples(minter.article_graph(article.id), spill, limit)
    art = minter.article(article.id)
    graph.add((art, RDF.type, NG.NewsArticle))
    graph.add((art, NG.sourceFile, _literal(article.source)))
    graph.add((art, NG.contentHash, _literal(article.id)))
    graph.add((art, NG.text, Literal(article.text)))
    if article.title:
        graph.add((art, NG.title, _literal(article.title)))
    if article.date:
        graph.add((art, NG.datePublished, _literal(article.date, datatype=XSD.date)))
    mentioned = frozenset(entity_iri(minter, entity) for _, entity in resolved.mentions)
    for mention, entity in resolved.mentions:
        iri = entity_iri(minter, entity)
        add_entity(graph, iri, entity)
        graph.add((art, NG.mentions, iri))
        span = add_span(graph, minter, art, mention)
        add_within(graph, minter, iri, entity, span, mentioned)
        graph.add((span, NG.denotes, iri))
        graph.add((iri, NG.evidence, span))
    add_narrative(graph, resolved, minter, art)
    for entity, title in resolved.honorifics:
        graph.add((entity_iri(minter, entity), NG.honorificTitle, _literal(title)))
    return graph


# ---- events, offices, counts, statements ----


def _span_iri(minter: Minter, span: TextSpanRecord) -> URIRef:
    return minter.span(span.article_id, span.start, span.end)


def _text_span(graph: GraphLike, minter: Minter, article_iri: URIRef, span: TextSpanRecord) -> URIRef:
    """An evidence span (a sentence or a trigger), without a confidence of its own."""
    iri = _span_iri(minter, span)
    graph.add((iri, RDF.type, NG.TextSpan))
    graph.add((iri, NG.inArticle, article_iri))
    graph.add((iri, NG.beginIndex, _literal(span.start, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, NG.endIndex, _literal(span.end, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, NG.anchorOf, _literal(span.text)))
    graph.add((iri, NG.sentenceIndex, _literal(span.sentence, datatype=XSD.nonNegativeInteger)))
    return iri


def _provenance(graph: GraphLike, node: URIRef, span: URIRef, component: str, confidence: float) -> None:
    graph.add((node, NG.evidence, span))
    graph.add((node, NG.producedBy, _literal(component)))
    graph.add((node, NG.confidence, _literal(f"{confidence:.2f}", datatype=XSD.decimal)))


def _participant(graph: GraphLike, minter: Minter, participant: Participant, span: URIRef | None = None) -> URIRef:
    """The node of a participant: its entity's, or the node of the phrase that names it in its article (typed,
    labelled, with the sentence it was read from as evidence: its own, else ``span``, the evidence of the fact it
    takes part in)."""
    if isinstance(participant, Entity):
        return entity_iri(minter, participant)
    # a phrase names something of its article only ("officials", "a senior diplomat" of two articles are not one)
    article = participant.evidence.article_id[:8] if participant.evidence is not None else None
    iri = minter.entity(participant.kind, f"{participant.label} {article}" if article else participant.label)
    graph.add((iri, RDF.type, KIND_CLASSES[participant.kind]))
    graph.add((iri, RDFS.label, _literal(participant.label, lang="en")))
    if participant.evidence is not None:
        graph.add((iri, NG.evidence, _span_iri(minter, participant.evidence)))
    elif span is not None:
        graph.add((iri, NG.evidence, span))
    return iri


def _dates(graph: GraphLike, node: URIRef, ref: ResolvedDate | None) -> None:
    if ref is None:
        return
    written = ref.written
    graph.add((node, NG.dateText, _literal(written.span.text)))
    if ref.start:
        graph.add((node, NG.startDate, _literal(f"{ref.start}T00:00:00", datatype=XSD.dateTime)))
    if ref.end:
        graph.add((node, NG.endDate, _literal(f"{ref.end}T00:00:00", datatype=XSD.dateTime)))
    if ref.start or ref.end:
        graph.add((node, NG.datePrecision, _literal(ref.precision)))
    if written.time_start:
        graph.add((node, NG.dailyStartTime, _literal(f"{written.time_start}:00", datatype=XSD.time)))
    if written.time_end:
        graph.add((node, NG.dailyEndTime, _literal(f"{written.time_end}:00", datatype=XSD.time)))


def _concept(graph: GraphLike, minter: Minter, cls: URIRef, scheme: str, label: str) -> URIRef:
    iri = minter.id("concept", f"{scheme}-{slugify(label)}")
    graph.add((iri, RDF.type, cls))
    graph.add((iri, SKOS.prefLabel, _literal(label, lang="en")))
    graph.add((iri, SKOS.notation, _literal(f"{scheme}:{label}")))
    return iri


def event_iris(article: ResolvedArticle, minter: Minter) -> dict[str, URIRef]:
    """Local event id -> event IRI (shared by every article that tells the same event)."""
    return {ev.written.local_id: minter.keyed("event", *ev.key) for ev in article.events}


def add_events(graph: GraphLike, article: ResolvedArticle, minter: Minter, art: URIRef) -> dict[str, URIRef]:
    """The events of one article, with type, participants, places, dates and links between them."""
    iris = event_iris(article, minter)
    # records of one event (told twice, found by two rules) share its node, which carries one confidence: the highest
    confidence: dict[URIRef, float] = {}
    for resolved in article.events:
        node = iris[resolved.written.local_id]
        confidence[node] = max(confidence.get(node, 0.0), resolved.written.confidence)
    for resolved in article.events:
        ev = resolved.written
        node = iris[ev.local_id]
        graph.add((node, RDF.type, NG.Event))
        for cls in [ev.event_class, *ev.also_classes]:
            graph.add((node, RDF.type, NG[cls]))
        graph.add((node, RDFS.label, _literal(ev.label or ev.trigger.text.lower(), lang="en")))
        graph.add((node, NG.status, _literal(ev.status)))
        if ev.instrument:
            graph.add((node, NG.instrument, _literal(ev.instrument)))
        graph.add((node, NG.reportedIn, art))
        span = _text_span(graph, minter, art, ev.evidence)
        _provenance(graph, node, span, ev.component, confidence[node])
        trigger = _text_span(graph, minter, art, ev.trigger)
        graph.add((trigger, NG.denotes, node))
        if ev.cameo:
            graph.add((node, NG.cameoCode, _literal(ev.cameo)))
        if ev.acled:
            graph.add((node, NG.hasEventType, _concept(graph, minter, NG.ActivityType, "acled", ev.acled)))
        _event_roles(graph, minter, resolved, node, span)
        _dates(graph, node, resolved.date)
        if ev.legal_basis:
            graph.add((node, NG.legalBasis, _literal(ev.legal_basis)))
        for other in ev.caused_by:
            if other in iris and iris[other] != node:
                graph.add((node, NG.causedBy, iris[other]))
        for other in ev.responds_to:
            if other in iris and iris[other] != node:
                graph.add((node, NG.respondsTo, iris[other]))
        if ev.sub_event_of in iris and iris[ev.sub_event_of] != node:
            graph.add((node, NG.subEventOf, iris[ev.sub_event_of]))
    return iris


def _event_roles(graph: GraphLike, minter: Minter, event: ResolvedEvent, node: URIRef, span: URIRef) -> None:
    """Agents (a speech act's agent is also its speaker), targets (an appeal's agent-like target is also its
    addressee), participants, the objects written as plain text, and places of one event."""
    speech = not SPEECH_ACT_CLASSES.isdisjoint((event.written.event_class, *event.written.also_classes))
    for agent in event.agents:
        iri = _participant(graph, minter, agent, span)
        graph.add((node, NG.hasAgent, iri))
        if speech:
            graph.add((node, NG.speaker, iri))
    for target in event.targets:
        iri = _participant(graph, minter, target, span)
        graph.add((node, NG.hasTarget, iri))
        if event.written.event_class == "Appeal" and target.kind in AGENT_KINDS:
            graph.add((node, NG.addressee, iri))
    for participant in event.participants:
        graph.add((node, NG.hasParticipant, _participant(graph, minter, participant, span)))
    for text in event.written.target_texts:
        graph.add((node, NG.objectText, _literal(text)))
    for place in event.places:
        graph.add((node, NG.hasPlace, _participant(graph, minter, place, span)))


def add_narrative(graph: GraphLike, article: ResolvedArticle, minter: Minter, art: URIRef) -> None:
    """Events, tenures, counts and statements of one article."""
    events = add_events(graph, article, minter, art)
    add_tenures(graph, article, minter, art, events)
    add_counts(graph, article, minter, art, events)
    add_statements(graph, article, minter, art, events)


def post_iri(minter: Minter, post: ResolvedPost) -> URIRef:
    """The IRI of a post: its title and what it is in or of (the entity's slug, so that two bodies of one name stay
    two posts), else its title and its holder (a post nobody says the whereabouts of is the holder's own)."""
    where = post.organization if post.organization is not None else post.jurisdiction
    if isinstance(where, Entity):
        return minter.id("post", f"{slugify(post.title)}-of-{where.slug}")
    if post.of:
        return minter.entity("post", post.label)
    return minter.keyed("post", post.title, post.holder_key)


def _post(graph: GraphLike, minter: Minter, post: ResolvedPost, span: URIRef) -> URIRef:
    """The post of a tenure (an ``org:Post``): title, type, and what it is a post in (``ng:postIn``, an
    organisation) and of (``ng:postJurisdiction``, a place)."""
    iri = post_iri(minter, post)
    graph.add((iri, RDF.type, NG.Post))
    graph.add((iri, RDFS.label, _literal(post.label, lang="en")))
    graph.add((iri, NG.evidence, span))
    if post.post_type:
        graph.add((iri, NG.postType, NG[post.post_type]))
    if post.organization is not None:
        graph.add((iri, NG.postIn, _participant(graph, minter, post.organization, span)))
    if post.jurisdiction is not None:
        graph.add((iri, NG.postJurisdiction, _participant(graph, minter, post.jurisdiction, span)))
    return iri


def _day(date: ResolvedDate | None) -> Literal | None:
    return _literal(f"{date.start}T00:00:00", datatype=XSD.dateTime) if date is not None and date.start else None


def add_tenures(graph: GraphLike, article: ResolvedArticle, minter: Minter, art: URIRef,
                events: dict[str, URIRef]) -> None:
    """Tenures of one article in W3C ORG's shapes: the holder ``org:holds`` the post, the post is ``ng:postIn`` (an
    ``org:postIn``) its organisation, and the tenure is an ``org:Membership`` of its holder (``ng:holder``, an
    ``org:member``) in that organisation (``org:organization``), with acting, qualifiers, the events that start and
    end it and their dates."""
    for resolved in article.tenures:
        tenure = resolved.written
        span = _text_span(graph, minter, art, tenure.evidence)
        holder = _participant(graph, minter, resolved.holder, span)
        post = _post(graph, minter, resolved.post, span)
        graph.add((holder, ORG.holds, post))
        node = minter.keyed("tenure", str(holder), str(post), tenure.acting)
        graph.add((node, RDF.type, NG.Tenure))
        graph.add((node, NG.holder, holder))
        graph.add((node, NG.post, post))
        if resolved.post.organization is not None:
            graph.add((node, ORG.organization, _participant(graph, minter, resolved.post.organization, span)))
        if tenure.acting:  # the text says so; a tenure it does not call acting is not said to be otherwise
            graph.add((node, NG.isActing, _literal(True)))
        for qualifier in tenure.qualifiers:
            graph.add((node, NG.tenureQualifier, _literal(qualifier)))
        graph.add((node, NG.reportedIn, art))
        graph.add((node, NG.evidence, span))
        graph.add((node, NG.producedBy, _literal(tenure.component)))
        if tenure.started_by in events:
            graph.add((node, NG.startedBy, events[tenure.started_by]))
            graph.add((events[tenure.started_by], NG.affectsTenure, node))
        if tenure.ended_by in events:
            graph.add((node, NG.endedBy, events[tenure.ended_by]))
            graph.add((events[tenure.ended_by], NG.affectsTenure, node))
        if (start := _day(resolved.start)) is not None:
            graph.add((node, NG.startDate, start))
        if (end := _day(resolved.end)) is not None:
            graph.add((node, NG.endDate, end))


#: Count categories of the extractor -> the ontology's category individuals (others get a concept of their own).
COUNT_CATEGORIES = {"killed": NG.killed, "injured": NG.injured, "arrested": NG.arrested, "damaged": NG.damaged,
                    "participants": NG.participants}
#: Finer categories (burned, beaten, remaining ...) get a concept of their own. Linking them to the ontology's
#: categories with skos:broader waits for the ontology to declare skos:broader (the OWL export rejects it).


def add_counts(graph: GraphLike, article: ResolvedArticle, minter: Minter, art: URIRef,
               events: dict[str, URIRef]) -> None:
    """Reported counts of one article, each a claim with its source and evidence."""
    for resolved in article.counts:
        count = resolved.written
        node = minter.keyed("count", article.article.id, count.local_id)
        graph.add((node, RDF.type, NG.Count))
        if count.category in COUNT_CATEGORIES:
            category = COUNT_CATEGORIES[count.category]
        else:
            category = minter.id("concept", f"count-{slugify(count.category)}")
            graph.add((category, RDF.type, NG.CountCategory))
            graph.add((category, SKOS.prefLabel, _literal(count.category, lang="en")))
        graph.add((node, NG.countCategory, category))
        what = count.group_text or count.unit or ""
        graph.add((node, RDFS.label, _literal(f"{count.category} {what}".strip(), lang="en")))
        for prop, value in ((NG.value, count.value), (NG.minValue, count.min_value), (NG.maxValue, count.max_value)):
            if value is not None:
                graph.add((node, prop, _literal(int(value), datatype=XSD.nonNegativeInteger)))
        if count.approximation:
            graph.add((node, NG.approximation, _literal(count.approximation)))
        if count.unit:
            graph.add((node, NG.unit, _literal(count.unit)))
        if count.group_text:
            graph.add((node, NG.countedThing, _literal(count.group_text)))
        span = _text_span(graph, minter, art, count.evidence)
        if resolved.group is not None:
            graph.add((node, NG.countedGroup, _participant(graph, minter, resolved.group, span)))
        if resolved.source is not None:
            graph.add((node, NG.accordingTo, _participant(graph, minter, resolved.source, span)))
        if count.event in events:
            graph.add((events[count.event], NG.hasCount, node))
        graph.add((node, NG.reportedIn, art))
        _provenance(graph, node, span, count.component, count.confidence)


def add_statements(graph: GraphLike, article: ResolvedArticle, minter: Minter, art: URIRef,
                   events: dict[str, URIRef]) -> None:
    """Speech acts of one article: speaker, quote (the act's own ``ng:quoteText``), addressee, status, outlet
    (``ng:accordingTo``, a kind of ``prov:wasAttributedTo``), channel, date, and what each concerns and demands
    (entities and events)."""
    for resolved in article.statements:
        st = resolved.written
        node = minter.keyed("event", article.article.id, st.local_id)
        graph.add((node, RDF.type, NG.Event))
        graph.add((node, RDF.type, NG.SpeechAct))
        graph.add((node, RDF.type, NG.Statement if st.act_class == "SpeechAct" else NG[st.act_class]))
        graph.add((node, NG.statementStatus, _literal(st.status)))
        graph.add((node, NG.reportedIn, art))
        span = _text_span(graph, minter, art, st.evidence)
        for prop, participant in ((NG.speaker, resolved.speaker), (NG.addressee, resolved.addressee),
                                  (NG.accordingTo, resolved.outlet)):
            if participant is not None:
                graph.add((node, prop, _participant(graph, minter, participant, span)))
        if st.quote:
            graph.add((node, NG.quoteText, _literal(st.quote)))
        if st.event in events and events[st.event] != node:
            graph.add((node, NG.respondsTo if st.act_class == "SpeechAct" else NG.hasSubEvent, events[st.event]))
        if st.channel:
            graph.add((node, NG.channel, _literal(st.channel)))
        for prop, entities, ids in ((NG.concerns, resolved.concerns, st.concerns_events),
                                    (NG.demands, resolved.demands, st.demands_events)):
            for entity in entities:
                graph.add((node, prop, _participant(graph, minter, entity, span)))
            for local_id in ids:
                if local_id in events and events[local_id] != node:
                    graph.add((node, prop, events[local_id]))
        _dates(graph, node, resolved.date)
        _provenance(graph, node, span, st.component, st.confidence)
