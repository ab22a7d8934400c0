"""Reason: the ontology and the asserted triples in, the OWL RL triples they entail (and no others) out."""
