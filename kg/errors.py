"""The one exception hierarchy of newsgraph: what went wrong in, a message and an exit code out.

Every error a user can cause or fix is a :class:`KGError`; the CLI turns it into a
message (never a traceback) and an exit code. Messages say what was wrong and what to do.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every newsgraph error.

    Attributes:
        exit_code: the process exit code the CLI uses for this kind of error.
    """

    exit_code = 1


class InputError(KGError):
    """An input file or folder cannot be used (missing, unreadable, not text)."""

    exit_code = 2


class ValidationError(KGError):
    """The graph violates the SHACL shapes or the ontology's rules."""

    exit_code = 3


class StoreError(KGError):
    """The store is missing, locked, or not a newsgraph store."""

    exit_code = 4


class QueryError(KGError):
    """A SPARQL query is malformed, refused, or took too long."""

    exit_code = 5
