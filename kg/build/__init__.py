"""Build: the orchestrator. Input paths in, a validated, reasoned, atomically swapped build folder out.

Runs ingest -> extract (worker pools or a Dask cluster, cached per article) -> resolve -> rdf ->
validate (the gate) -> reason -> store and files, then swaps the new outputs into place.
"""
