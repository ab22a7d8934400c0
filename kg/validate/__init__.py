"""Validate: the asserted graphs in, a list of SHACL problems (or a failed gate) out.

The native SHACL Core engine: :mod:`kg.validate.shapes` compiles ``ontology/shapes.ttl``,
:mod:`kg.validate.data_graph` holds the data, :mod:`kg.validate.native` checks it. :mod:`kg.validate.engines`
validates one graph with it or with pySHACL; :mod:`kg.validate.batches` runs that over a build in batches of
subjects, in worker processes (the build's gate); :mod:`kg.validate.built_graph` reads a build's ``kg.nq`` for
``kg validate``; :mod:`kg.validate.results` holds what was found.
"""
