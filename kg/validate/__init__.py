"""Validate: asserted quads in, a list of SHACL problems (or a failed gate) out.

:mod:`kg.validate.shacl` is the SHACL Core engine compiled from ``ontology/shapes.ttl``;
:mod:`kg.validate.batches` runs it over a build in batches of subjects, in worker processes.
"""
