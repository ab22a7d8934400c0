"""Resolve: the extracted records of the whole corpus in, resolved records out.

Mentions become one entity per real-world thing across articles (:mod:`kg.resolve.entities`), with
external links from the reviewed table (:mod:`kg.resolve.links`); written dates are resolved against their
article and the corpus (:mod:`kg.resolve.dates`); events get the keys that make one node of the same event
told twice (:mod:`kg.resolve.events`); every role of every record gets its entity, a participant named only
by a phrase included (:mod:`kg.resolve.articles`, whose :func:`~kg.resolve.articles.resolve_corpus` runs the
stage). After this stage every entity exists; the rdf stage only writes what it is given.
"""
