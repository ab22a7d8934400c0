"""Run SPARQL on a store from Python or the command line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .store import open_store


def _term(term) -> str | None:
    return None if term is None else term.value


def run_query(store_path: str | Path, query: str) -> list[dict[str, str | None]] | bool | str:
    """Rows as dicts of plain strings for SELECT, a bool for ASK, N-Triples for CONSTRUCT.

    Raises:
        QueryError: the query is malformed.
    """
    store = open_store(store_path)
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from exc
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    names = [v.value for v in result.variables]
    return [{n: _term(sol[n]) for n in names} for sol in result]
