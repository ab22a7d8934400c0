"""Which queries are cheap enough to answer in the web process, and which go to a killable worker.

pyoxigraph evaluates a query lazily: a ``SELECT`` or ``CONSTRUCT`` made of triple patterns joined on shared
variables yields its rows one by one, each found by index look-ups, so a deadline checked between rows bounds
it (:mod:`server.results`), and nothing needs to be killed. A *blocking* operator must see every row before it
gives the first one (``ORDER BY``, ``GROUP BY``, aggregates, ``DISTINCT``, ``MINUS``), and a property path, a
sub-select, a ``FILTER`` (which may reject every row of a long scan), a cartesian product (which Oxigraph joins by
hashing one whole side) or a large ``OFFSET`` may spend unbounded time or memory inside one step of the
iteration, where no deadline is looked at: those queries run in a worker process that is killed at the limit.

:func:`is_cheap` decides from the query text alone, conservatively: it reads a small part of SPARQL (prefixes, a
projection of variables, groups of triple patterns, ``OPTIONAL``, ``GRAPH``, ``UNION``, ``LIMIT``) and calls
everything else heavy. A query it cannot read is heavy, never refused: the worker answers it (or explains
the syntax error) as before.

>>> is_cheap("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { <urn:e> rdfs:label ?l }")
True
>>> is_cheap("SELECT ?o WHERE { ?a <urn:m> <urn:e> . ?a <urn:m> ?o } LIMIT 10")
True
>>> is_cheap("SELECT ?p (COUNT(?a) AS ?n) WHERE { ?a <urn:m> ?p } GROUP BY ?p")
False
>>> is_cheap("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")  # a cartesian product
False
>>> is_cheap("SELECT ?x WHERE { <urn:e> <urn:p>+ ?x }")  # a property path
False
"""

from __future__ import annotations

import functools
import re

#: One token of a query: comments and blanks are skipped, anything not listed is an ``other`` character.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<datatype>\^\^)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<pname>(?:[A-Za-z_][\w.-]*)?:(?:[\w:%-](?:[\w.:%-]*[\w:%-])?)?)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<punct>[{}.;,*])
  | (?P<other>.)
""",
    re.VERBOSE | re.DOTALL,
)

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
#: The only words a cheap query may hold (outside strings and IRIs).
_WORDS = _FORMS | {"PREFIX", "BASE", "WHERE", "OPTIONAL", "GRAPH", "UNION", "LIMIT", "A", "TRUE", "FALSE"}


class _Heavy(Exception):
    """The query is not of the cheap kind (or not readable here)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "space":
            continue
        value = match.group()
        if kind == "other" or (kind == "word" and value.upper() not in _WORDS):
            raise _Heavy(value)
        if kind == "word":
            value = value.upper()
        out.append((kind, value))
    return out


class _Reader:
    """Reads the cheap subset of SPARQL and collects the variables of each triple pattern."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at = tokens, 0
        self.patterns: list[set[str]] = []
        #: Where the constants of subjects and objects are (:func:`cheap_shape` leaves them out).
        self.constants: set[int] = set()

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, *values: str) -> tuple[str, str]:
        token = self.peek()
        if values and token[1] not in values:
            raise _Heavy(token[1])
        self.at += 1
        return token

    def query(self) -> None:
        while self.peek()[1] in ("PREFIX", "BASE"):
            if self.take()[1] == "PREFIX" and self.take()[0] != "pname":
                raise _Heavy("prefix")
            if self.take()[0] != "iri":
                raise _Heavy("prefix")
        form = self.take(*_FORMS)[1]
        if form == "CONSTRUCT" and self.peek()[1] == "{":
            self.template()
        elif form in ("SELECT", "DESCRIBE"):
            while self.peek()[0] in ("var", "iri", "pname") or self.peek()[1] == "*":
                self.take()
        if self.peek()[1] == "WHERE":
            self.take()
        if form == "DESCRIBE" and self.peek()[0] == "end":
            return
        self.group(None)
        if self.peek()[1] == "LIMIT":
            self.take()
            if self.take()[0] != "number":
                raise _Heavy("limit")
        if self.peek()[0] != "end":
            raise _Heavy(self.peek()[1])

    def template(self) -> None:
        """Skip a CONSTRUCT template (its triples add no work)."""
        depth = 0
        while True:
            kind, value = self.take()
            depth += (value == "{") - (value == "}")
            if kind == "end":
                raise _Heavy("template")
            if depth == 0:
                return

    def group(self, graph: str | None) -> None:
        self.take("{")
        while self.peek()[1] != "}":
            value = self.peek()[1]
            if value == "{":
                self.group(graph)
            elif value == "OPTIONAL":
                self.take()
                self.group(graph)
            elif value == "GRAPH":
                self.take()
                kind, name = self.term(("var", "iri", "pname"))
                self.group(name if kind == "var" else graph)
            elif value in ("UNION", "."):
                self.take()
            else:
                self.triples(graph)
        self.take("}")

    def term(self, kinds: tuple[str, ...] = ("var", "iri", "pname", "string", "number")) -> tuple[str, str]:
        kind, value = self.take()
        if value in ("TRUE", "FALSE"):
            return "literal", value
        if kind not in kinds:
            raise _Heavy(value)
        if kind == "string":
            if self.peek()[0] == "lang":
                self.take()
            elif self.peek()[0] == "datatype":
                self.take()
                if self.take()[0] not in ("iri", "pname"):
                    raise _Heavy("datatype")
        if kind == "pname" and value.startswith("_:"):
            return "var", value
        return kind, value

    def triples(self, graph: str | None) -> None:
        """``subject verb object (, object)* (; verb object ...)*``, each object one pattern."""
        start = self.at
        subject = self.term(("var", "iri", "pname"))
        if subject[0] != "var":
            self.constants.add(start)
        while True:
            verb = ("iri", "a") if self.peek()[1] == "A" and self.take() else self.term(("var", "iri", "pname"))
            while True:
                start = self.at
                obj = self.term()
                if obj[0] != "var":
                    self.constants.update(range(start, self.at))
                self.patterns.append(
                    {v for kind, v in (subject, verb, obj) if kind == "var"} | ({graph} if graph else set())
                )
                if self.peek()[1] != ",":
                    break
                self.take()
            if self.peek()[1] != ";":
                return
            while self.peek()[1] == ";":
                self.take()
            if self.peek()[1] in (".", "}"):
                return


def _connected(patterns: list[set[str]]) -> bool:
    """Whether the patterns that have variables are all joined through shared ones (no cartesian product)."""
    groups = [p for p in patterns if p]
    if not groups:
        return True
    reached, rest = set(groups[0]), groups[1:]
    grew = True
    while rest and grew:
        grew = False
        for pattern in list(rest):
            if pattern & reached:
                reached |= pattern
                rest.remove(pattern)
                grew = True
    return not rest


@functools.lru_cache(maxsize=2048)
def cheap_shape(text: str) -> str | None:
    """The *shape* of a cheap query (its words with the constant subjects and objects left out, so that the label
    look-ups of two entities have one shape), or ``None`` for a query that is not cheap (see :func:`is_cheap`).

    >>> cheap_shape("SELECT ?l { <urn:a> <urn:label> ?l }") == cheap_shape("SELECT ?l { <urn:b> <urn:label> ?l } # b")
    True
    >>> cheap_shape("SELECT ?l { <urn:a> <urn:label> ?l }") == cheap_shape("SELECT ?l { <urn:a> <urn:name> ?l }")
    False
    """
    try:
        tokens = _tokens(text)
        reader = _Reader(tokens)
        reader.query()
    except (_Heavy, IndexError):
        return None
    if not _connected(reader.patterns):
        return None
    return " ".join("_" if i in reader.constants else value for i, (_kind, value) in enumerate(tokens))


def is_cheap(text: str) -> bool:
    """Whether ``text`` is a query the web process may answer itself under a deadline checked between rows (see
    the module doc); ``False`` for anything else, malformed queries included."""
    return cheap_shape(text) is not None
