"""Resolve: the extracted records of the whole corpus in, canonical entities out.

Mentions become one entity per real-world thing across articles (:mod:`kg.resolve.entities`), with
external links from the reviewed table (:mod:`kg.resolve.links`); relative dates are resolved and
events get the keys that make one node of the same event told twice (:mod:`kg.resolve.events`).
After this stage every entity exists; the RDF stage only writes what it is given.
"""
