"""Ontology terms as Python attributes: ``ng:`` and the external vocabularies as rdflib terms, and the prefixes
every serialisation binds.

The term list is generated from ``ontology/newsgraph.ttl`` by ``python -m kg.tools.gen_namespaces``
(rdflib's ``defined_namespace_creator`` underneath); ``tests/test_namespaces.py`` keeps the two in sync.
Do not edit the term list by hand: change the Turtle and regenerate.
"""

from rdflib import Graph, Namespace
from rdflib.namespace import DefinedNamespace, URIRef


class NG(DefinedNamespace):
    """The newsgraph ontology, ``https://w3id.org/newsgraph/ontology#``."""

    _NS = Namespace("https://w3id.org/newsgraph/ontology#")

    # BEGIN TERMS
    ActivityType: URIRef
    AdministrativeRegion: URIRef
    Agent: URIRef
    Agreement: URIRef
    Appeal: URIRef
    Appointment: URIRef
    Arrest: URIRef
    Attack: URIRef
    AttackOnProperty: URIRef
    Cabinet: URIRef
    Clash: URIRef
    Count: URIRef
    CountCategory: URIRef
    Country: URIRef
    Coup: URIRef
    Curfew: URIRef
    Death: URIRef
    Decree: URIRef
    Defection: URIRef
    Demonstration: URIRef
    Deployment: URIRef
    Election: URIRef
    Event: URIRef
    FlightIntoExile: URIRef
    Founding: URIRef
    GovernmentAction: URIRef
    GovernmentBody: URIRef
    Group: URIRef
    InternationalOrganization: URIRef
    InternetShutdown: URIRef
    Investigation: URIRef
    Killing: URIRef
    MediaOutlet: URIRef
    Meeting: URIRef
    NGO: URIRef
    NewsArticle: URIRef
    Organization: URIRef
    PeacekeepingDeployment: URIRef
    Person: URIRef
    Place: URIRef
    Post: URIRef
    PostType: URIRef
    PriceChange: URIRef
    Removal: URIRef
    Resignation: URIRef
    Riot: URIRef
    Sanction: URIRef
    SecurityForce: URIRef
    Settlement: URIRef
    Site: URIRef
    SpeechAct: URIRef
    StateOfEmergency: URIRef
    Statement: URIRef
    Tenure: URIRef
    TenureChange: URIRef
    TextSpan: URIRef
    Trial: URIRef
    WaterBody: URIRef
    Withdrawal: URIRef
    accordingTo: URIRef
    acledMapping: URIRef
    addressee: URIRef
    affectsTenure: URIRef
    anchorOf: URIRef
    approximation: URIRef
    arrested: URIRef
    beginIndex: URIRef
    bodyMember: URIRef
    cameoCode: URIRef
    cameoMapping: URIRef
    causedBy: URIRef
    causes: URIRef
    channel: URIRef
    commander: URIRef
    concerns: URIRef
    confidence: URIRef
    contentHash: URIRef
    countCategory: URIRef
    countedGroup: URIRef
    countedThing: URIRef
    dailyEndTime: URIRef
    dailyStartTime: URIRef
    damaged: URIRef
    datePrecision: URIRef
    datePublished: URIRef
    dateText: URIRef
    demands: URIRef
    denotes: URIRef
    deputyHead: URIRef
    diplomat: URIRef
    during: URIRef
    endDate: URIRef
    endDateText: URIRef
    endIndex: URIRef
    endedBy: URIRef
    evidence: URIRef
    geonamesId: URIRef
    governor: URIRef
    hasAgent: URIRef
    hasCount: URIRef
    hasEventType: URIRef
    hasParticipant: URIRef
    hasPlace: URIRef
    hasSubEvent: URIRef
    hasTarget: URIRef
    headOfBody: URIRef
    headOfGovernment: URIRef
    headOfState: URIRef
    holder: URIRef
    honorificTitle: URIRef
    inArticle: URIRef
    injured: URIRef
    instrument: URIRef
    isActing: URIRef
    journalist: URIRef
    judge: URIRef
    jurisdiction: URIRef
    killed: URIRef
    legalBasis: URIRef
    locatedIn: URIRef
    maxValue: URIRef
    mayor: URIRef
    mentions: URIRef
    minValue: URIRef
    minister: URIRef
    objectText: URIRef
    official: URIRef
    participants: URIRef
    partyLeader: URIRef
    post: URIRef
    postIn: URIRef
    postJurisdiction: URIRef
    postType: URIRef
    producedBy: URIRef
    publishedBy: URIRef
    quoteText: URIRef
    reportedIn: URIRef
    respondsTo: URIRef
    sentenceIndex: URIRef
    sourceFile: URIRef
    speaker: URIRef
    spokesperson: URIRef
    startDate: URIRef
    startedBy: URIRef
    statementStatus: URIRef
    status: URIRef
    subEventOf: URIRef
    tenureQualifier: URIRef
    text: URIRef
    title: URIRef
    unit: URIRef
    value: URIRef
    wikidataId: URIRef
    # END TERMS


ONTOLOGY_IRI = URIRef("https://w3id.org/newsgraph/ontology")
SCHEMA = Namespace("http://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = Namespace("http://www.w3.org/ns/org#")
WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")
GN = Namespace("https://sws.geonames.org/")

#: Prefixes bound in every serialisation and offered to query writers.
PREFIXES = {
    "ng": str(NG._NS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "nif": str(NIF),
    "sem": str(SEM),
    "org": str(ORG),
    "wd": str(WD),
    "dbr": str(DBR),
    "gn": str(GN),
}


def new_graph(identifier: URIRef | None = None) -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph(identifier=identifier)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph
