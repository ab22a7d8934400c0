"""Records to RDF: the only module that writes triples.

Each article becomes one named graph holding what that article asserts: the article node,
the entities it mentions with their labels and types, and the text spans that are the
evidence for them.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from rdflib import OWL as _OWL
from rdflib import RDF as _RDF
from rdflib import RDFS as _RDFS
from rdflib import SKOS as _SKOS
from rdflib import XSD as _XSD
from rdflib import Graph, Literal, URIRef

from kg.config import ONTOLOGY_DIR
from kg.rdf.iri import Minter, slugify
from kg.rdf.namespaces import NG as _NG
from kg.rdf.namespaces import new_graph
from kg.rdf.nquads import Triples
from kg.records import GROUP, ORGANIZATION, PERSON, PLACE, ArticleRecord, DateRef, Mention, TenureRecord
from kg.records import Span as TextSpanRecord
from kg.resolve.entities import Entity, Resolution
from kg.resolve.events import event_key
from kg.resolve.links import links_for

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


NG, OWL, RDF, RDFS, SKOS, XSD = (_Terms(ns) for ns in (_NG, _OWL, _RDF, _RDFS, _SKOS, _XSD))


@lru_cache(maxsize=1 << 16, typed=True)
def _literal(value: object, datatype: URIRef | None = None, lang: str | None = None) -> Literal:
    """A (short) literal, made once: rdflib parses and normalises every literal it constructs."""
    return Literal(value, datatype=datatype, lang=lang)


#: What the builders below write into: the build's plain triple sets, or any rdflib graph.
GraphLike = Graph | Triples

KIND_CLASSES = {PERSON: NG.Person, ORGANIZATION: NG.Organization, PLACE: NG.Place, GROUP: NG.Group}


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


def add_aliases(graph: GraphLike, iri: URIRef, entity: Entity) -> None:
    """Every other way the entity was written, as ``skos:altLabel``."""
    for alias in sorted(entity.aliases):
        graph.add((iri, SKOS.altLabel, _literal(alias, lang="en")))


def add_links(graph: GraphLike, iri: URIRef, entity: Entity) -> None:
    """``owl:sameAs`` to the entity's Wikidata, GeoNames and DBpedia identifiers from the link table,
    plus the plain ``ng:wikidataId`` / ``ng:geonamesId`` values."""
    for link in links_for(entity.kind, entity.label):
        graph.add((iri, OWL.sameAs, link.iri))
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


def article_graph(record: ArticleRecord, resolution: Resolution, minter: Minter) -> Graph:
    """The named graph of one article, as an rdflib ``Graph`` (see :func:`article_triples`)."""
    return article_triples(record, resolution, minter).graph()


def article_triples(record: ArticleRecord, resolution: Resolution, minter: Minter) -> Triples:
    """The named graph of one article, as a plain set of triples (what the build serializes).

    The same triples as :func:`article_graph`, without the cost of an rdflib store: iterate it, give it
    to :func:`kg.rdf.nquads.nquad_lines`, or add it to a graph.
    """
    article = record.article
    graph = Triples(minter.article_graph(article.id))
    art = minter.article(article.id)
    graph.add((art, RDF.type, NG.NewsArticle))
    graph.add((art, NG.sourceFile, _literal(article.source)))
    graph.add((art, NG.contentHash, _literal(article.id)))
    graph.add((art, NG.text, Literal(article.text)))
    if article.title:
        graph.add((art, NG.title, _literal(article.title)))
    if article.date:
        graph.add((art, NG.datePublished, _literal(article.date, datatype=XSD.date)))
    for mention in record.mentions:
        entity = resolution.entity_of(mention)
        if entity is None:  # a title whose holder the text does not say
            continue
        iri = entity_iri(minter, entity)
        add_entity(graph, iri, entity)
        graph.add((art, NG.mentions, iri))
        span = add_span(graph, minter, art, mention)
        graph.add((span, NG.denotes, iri))
        graph.add((iri, NG.evidence, span))
    add_narrative(graph, record, resolution, minter, art)
    return graph


# ---- events, offices, counts, statements (events module) ----


def _text_span(graph: GraphLike, minter: Minter, article_iri: URIRef, span: TextSpanRecord) -> URIRef:
    """An evidence span (a sentence or a trigger), without a confidence of its own."""
    iri = minter.span(span.article_id, span.start, span.end)
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


#: What kinds of entity may fill a role: an event's place must be a place, its agent must not be one.
ROLE_KINDS = {"agent": {PERSON, ORGANIZATION, GROUP}, PLACE: {PLACE}, GROUP: {GROUP}, PERSON: {PERSON, GROUP},
              "any": {PERSON, ORGANIZATION, GROUP, PLACE}}


def _agent(graph: GraphLike, minter: Minter, resolution: Resolution, mention: Mention | None,
           text: str | None = None, kind: str = GROUP, evidence: URIRef | None = None,
           role: str | None = None, article: str = "") -> URIRef | None:
    """The node of a participant: its resolved entity, or a group/place named by the text (with the
    sentence it was read from as evidence).

    A text goes through entity resolution first (``Resolution.lookup``: a name known to the build, or,
    within ``article``, a title whose holder it names), so that it is the entity's node and not a second
    node of its own; a text naming an entity of a kind the slot does not take gives ``None``, except in
    a place slot (the text's "in X" is kept as a place when the corpus took X for something else).

    ``role`` ("agent", PLACE, GROUP, PERSON or "any"; by default PLACE for a place, else "agent") says
    which kinds of entity may fill the slot. A mention that resolved to an entity of another kind (a
    name the model tagged as a place but the corpus knows as an organisation, say) gives ``None``, so
    an extractor's slip never writes a link the ontology forbids.
    """
    role = role or (PLACE if kind == PLACE else "agent")
    if mention is not None:
        entity = resolution.entity_of(mention)
        if entity is not None:
            if entity.kind not in ROLE_KINDS[role]:
                logger.info("%s %r left out: resolved to a %s", role, mention.name, entity.kind)
                return None
            return entity_iri(minter, entity)
        if mention.kind not in ROLE_KINDS[role]:
            return None
        text = text or mention.name
        kind = mention.kind
    if not text:
        return None
    if mention is None and (entity := resolution.lookup(article, text)) is not None:
        if entity.kind in ROLE_KINDS[role]:
            return entity_iri(minter, entity)
        if role != PLACE:  # "Kenya is experiencing a blackout": a place is no agent
            logger.info("%s %r left out: names a %s", role, text, entity.kind)
            return None
        # "in X" where the corpus took X for an organisation: the place read from the text stays
    iri = minter.entity(kind, text)
    graph.add((iri, RDF.type, KIND_CLASSES[kind]))
    graph.add((iri, RDFS.label, _literal(text, lang="en")))
    if evidence is not None:
        graph.add((iri, NG.evidence, evidence))
    return iri


def _dates(graph: GraphLike, node: URIRef, ref: DateRef | None) -> None:
    if ref is None:
        return
    graph.add((node, NG.dateText, _literal(ref.span.text)))
    if ref.start:
        graph.add((node, NG.startDate, _literal(f"{ref.start}T00:00:00", datatype=XSD.dateTime)))
    if ref.end:
        graph.add((node, NG.endDate, _literal(f"{ref.end}T00:00:00", datatype=XSD.dateTime)))
    if ref.start or ref.end:
        graph.add((node, NG.datePrecision, _literal(ref.precision)))
    if ref.time_start:
        graph.add((node, NG.dailyStartTime, _literal(f"{ref.time_start}:00", datatype=XSD.time)))
    if ref.time_end:
        graph.add((node, NG.dailyEndTime, _literal(f"{ref.time_end}:00", datatype=XSD.time)))


def _concept(graph: GraphLike, minter: Minter, cls: URIRef, scheme: str, label: str) -> URIRef:
    iri = minter.id("concept", f"{scheme}-{slugify(label)}")
    graph.add((iri, RDF.type, cls))
    graph.add((iri, SKOS.prefLabel, _literal(label, lang="en")))
    graph.add((iri, SKOS.notation, _literal(f"{scheme}:{label}")))
    return iri


def event_iris(record: ArticleRecord, resolution: Resolution, minter: Minter) -> dict[str, URIRef]:
    """Local event id -> event IRI (shared by every article that tells the same event)."""
    return {ev.local_id: minter.keyed("event", *event_key(record.article.id, ev, resolution))
            for ev in record.events}


def add_events(graph: GraphLike, record: ArticleRecord, resolution: Resolution, minter: Minter,
               art: URIRef) -> dict[str, URIRef]:
    """The events of one article, with type, participants, places, dates and links between them."""
    iris = event_iris(record, resolution, minter)
    for ev in record.events:
        node = iris[ev.local_id]
        graph.add((node, RDF.type, NG.Event))
        for cls in [ev.event_class, *ev.also_classes]:
            graph.add((node, RDF.type, NG[cls]))
        graph.add((node, RDFS.label, _literal(ev.trigger.text.lower(), lang="en")))
        graph.add((node, NG.reportedIn, art))
        span = _text_span(graph, minter, art, ev.evidence)
        _provenance(graph, node, span, ev.component, ev.confidence)
        trigger = _text_span(graph, minter, art, ev.trigger)
        graph.add((trigger, NG.denotes, node))
        if ev.cameo:
            graph.add((node, NG.cameoCode, _literal(ev.cameo)))
        if ev.acled:
            graph.add((node, NG.hasEventType, _concept(graph, minter, NG.EventTypeConcept, "acled", ev.acled)))
        for m in ev.agents:
            if (iri := _agent(graph, minter, resolution, m)) is not None:
                graph.add((node, NG.hasAgent, iri))
        for text in ev.agent_texts:
            iri = _agent(graph, minter, resolution, None, text, evidence=span, article=record.article.id)
            if iri is not None:
                graph.add((node, NG.hasAgent, iri))
        for m in ev.targets:
            if (iri := _agent(graph, minter, resolution, m, role="any")) is not None:
                graph.add((node, NG.hasTarget, iri))
                entity = resolution.entity_of(m)
                kind = entity.kind if entity is not None else m.kind
                if ev.event_class == "Appeal" and kind in ROLE_KINDS["agent"]:
                    graph.add((node, NG.addressee, iri))
        for m in ev.participants:
            if m not in ev.targets and (iri := _agent(graph, minter, resolution, m)) is not None:
                graph.add((node, NG.hasParticipant, iri))
        for text in ev.target_texts:
            graph.add((node, NG.objectText, _literal(text)))
        for m in ev.places:
            if (iri := _agent(graph, minter, resolution, m, kind=PLACE)) is not None:
                graph.add((node, NG.hasPlace, iri))
        for text in ev.place_texts:
            if (iri := _agent(graph, minter, resolution, None, text, kind=PLACE, evidence=span)) is not None:
                graph.add((node, NG.hasPlace, iri))
        _dates(graph, node, ev.date)
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


def add_narrative(graph: GraphLike, record: ArticleRecord, resolution: Resolution, minter: Minter, art: URIRef) -> None:
    """Events, tenures, counts and statements of one article."""
    events = add_events(graph, record, resolution, minter, art)
    add_tenures(graph, record, resolution, minter, art, events)
    add_counts(graph, record, resolution, minter, art, events)
    add_statements(graph, record, resolution, minter, art, events)


def _post(graph: GraphLike, minter: Minter, resolution: Resolution, tenure: TenureRecord, span: URIRef) -> URIRef:
    """The post of a tenure: title plus what it is a post in (an organisation, or a country's jurisdiction)."""
    where = None
    if tenure.post_in is not None and (entity := resolution.entity_of(tenure.post_in)) is not None:
        where = entity
    label_in = where.label if where is not None else tenure.post_in_text
    if label_in:
        iri = minter.entity("post", f"{tenure.title} of {label_in}")
        label = f"{tenure.title} of {label_in}"
    else:
        holder = resolution.entity_of(tenure.holder) if tenure.holder is not None else None
        iri = minter.keyed("post", tenure.title, holder.key if holder is not None else tenure.holder_text)
        label = tenure.title
    graph.add((iri, RDF.type, NG.Post))
    graph.add((iri, RDFS.label, _literal(label, lang="en")))
    graph.add((iri, NG.evidence, span))
    if where is not None:
        graph.add((iri, NG.postIn if where.kind == ORGANIZATION else NG.postJurisdiction, entity_iri(minter, where)))
    elif tenure.post_in_text and (
            place := _agent(graph, minter, resolution, None, tenure.post_in_text, PLACE, evidence=span)) is not None:
        graph.add((iri, NG.postJurisdiction, place))
    return iri


def add_tenures(graph: GraphLike, record: ArticleRecord, resolution: Resolution, minter: Minter, art: URIRef,
                events: dict[str, URIRef]) -> None:
    """Tenures (holder, post, acting, start/end events) of one article."""
    for tenure in record.tenures:
        span = _text_span(graph, minter, art, tenure.evidence)
        holder = _agent(graph, minter, resolution, tenure.holder, tenure.holder_text, PERSON, evidence=span)
        if holder is None:
            continue
        post = _post(graph, minter, resolution, tenure, span)
        node = minter.keyed("tenure", str(holder), str(post), tenure.acting)
        graph.add((node, RDF.type, NG.Tenure))
        graph.add((node, NG.holder, holder))
        graph.add((node, NG.post, post))
        graph.add((node, NG.isActing, _literal(tenure.acting)))
        graph.add((node, NG.reportedIn, art))
        graph.add((node, NG.evidence, span))
        graph.add((node, NG.producedBy, _literal(tenure.component)))
        if tenure.started_by in events:
            graph.add((node, NG.startedBy, events[tenure.started_by]))
            graph.add((events[tenure.started_by], NG.affectsTenure, node))
        if tenure.ended_by in events:
            graph.add((node, NG.endedBy, events[tenure.ended_by]))
            graph.add((events[tenure.ended_by], NG.affectsTenure, node))
        if tenure.start is not None and tenure.start.start:
            graph.add((node, NG.startDate, _literal(f"{tenure.start.start}T00:00:00", datatype=XSD.dateTime)))


#: Count categories of the extractor -> the ontology's category individuals (others get a concept of their own).
COUNT_CATEGORIES = {"killed": NG.killed, "injured": NG.injured, "arrested": NG.arrested, "damaged": NG.damaged,
                    "participants": NG.participants}
#: Finer categories (burned, beaten, remaining ...) get a concept of their own. Linking them to the ontology's
#: categories with skos:broader waits for the ontology to declare skos:broader (the OWL export rejects it).


def add_counts(graph: GraphLike, record: ArticleRecord, resolution: Resolution, minter: Minter, art: URIRef,
               events: dict[str, URIRef]) -> None:
    """Reported counts of one article, each a claim with its source and evidence."""
    for count in record.counts:
        node = minter.keyed("count", record.article.id, count.local_id)
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
        group = _agent(graph, minter, resolution, count.group, role=GROUP) if count.group is not None else None
        if group is not None:
            graph.add((node, NG.countedGroup, group))
        span = _text_span(graph, minter, art, count.evidence)
        source = _agent(graph, minter, resolution, count.source, count.source_text, evidence=span) if (
            count.source is not None or count.source_text) else None
        if source is not None:
            graph.add((node, NG.accordingTo, source))
        if count.event in events:
            graph.add((events[count.event], NG.hasCount, node))
        graph.add((node, NG.reportedIn, art))
        _provenance(graph, node, span, count.component, count.confidence)


def add_statements(graph: GraphLike, record: ArticleRecord, resolution: Resolution, minter: Minter, art: URIRef,
                   events: dict[str, URIRef]) -> None:
    """Speech acts of one article: speaker, quote, addressee, status, outlet, date."""
    for st in record.statements:
        node = minter.keyed("event", record.article.id, st.local_id)
        graph.add((node, RDF.type, NG.Event))
        graph.add((node, RDF.type, NG.SpeechAct))
        graph.add((node, RDF.type, NG.Statement if st.act_class == "SpeechAct" else NG[st.act_class]))
        graph.add((node, NG.statementStatus, _literal(st.status)))
        graph.add((node, NG.reportedIn, art))
        span = _text_span(graph, minter, art, st.evidence)
        speaker = _agent(graph, minter, resolution, st.speaker, st.speaker_text, evidence=span) if (
            st.speaker is not None or st.speaker_text) else None
        if speaker is not None:
            graph.add((node, NG.speaker, speaker))
        addressee = _agent(graph, minter, resolution, st.addressee, st.addressee_text, evidence=span)
        if addressee is not None:
            graph.add((node, NG.addressee, addressee))
        outlet = _agent(graph, minter, resolution, st.outlet, st.outlet_text, evidence=span)
        if outlet is not None:
            graph.add((node, NG.accordingTo, outlet))
        if st.quote:
            quote = minter.keyed("quote", record.article.id, st.local_id)
            graph.add((quote, RDF.type, NG.Quote))
            graph.add((quote, NG.quoteText, _literal(st.quote)))
            graph.add((quote, NG.evidence, span))
            graph.add((node, NG.hasQuote, quote))
        if st.event in events and events[st.event] != node:
            graph.add((node, NG.respondsTo if st.act_class == "SpeechAct" else NG.hasSubEvent, events[st.event]))
        _dates(graph, node, st.date)
        _provenance(graph, node, span, st.component, st.confidence)
