"""Store and outputs: sorted quads in, the pyoxigraph store and the build's files out.

The store itself (:mod:`kg.store.stores`), on-disk sorting (:mod:`kg.store.spool`), ``kg.owl``
(:mod:`kg.store.owl`), exports, VoID and statistics, ``kg push`` to a remote store, and ``kg query``.
"""
