"""newsgraph: news articles in, an RDF knowledge graph out, served over SPARQL."""

__version__ = "0.1.0"
