"""SPARQL syntax errors a person can act on: where (line, column, the line itself and a caret) and what is wrong.

The parsers' own messages name the furthest point they reached and every token that might have come next
("expected one of LATERAL, SERVICE, [_]", or a list of Unicode ranges). :func:`explain_syntax_error` reads the
query's tokens (:func:`tokens`) to find the mistake people make most (an unclosed brace, a triple pattern
with a term missing, an undeclared prefix, a misspelt keyword, ``ORDER`` without ``BY`` ...) and says it
in words; otherwise it keeps the parser's position and the readable part of its list.

>>> print(explain_syntax_error("SELECT ?s WHERE { ?s ?p }", 1, 25, "expected one of LATERAL, SERVICE, [_]"))
line 1, column 19: the triple pattern ?s ?p has no object (a triple pattern is subject, predicate, object)
  SELECT ?s WHERE { ?s ?p }
                    ^
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

#: The word a query starts with (after PREFIX and BASE), and the words of an update.
QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_KEYWORDS = (*QUERY_FORMS, "PREFIX", "BASE", "WHERE", "FILTER", "OPTIONAL", "UNION", "GRAPH", "ORDER", "GROUP",
             "BY", "LIMIT", "OFFSET", "DISTINCT", "VALUES", "BIND", "MINUS", "HAVING", "FROM", "NAMED", "AS")

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\u00b7\u00c0-\uffff-]*)?
             :(?:[\w\u00c0-\uffff:%\\-][\w.\u00b7\u00c0-\uffff:%\\-]*)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*|a\b)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*/|^!=<>@+-])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    """One token of a SPARQL text: its kind (``iri``, ``var``, ``word``, ``punct`` ...), text and offset."""

    kind: str
    text: str
    start: int


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``, without blanks and comments.

    >>> [t.text for t in tokens("SELECT * { ?s a <x:y> . } # done")]
    ['SELECT', '*', '{', '?s', 'a', '<x:y>', '.', '}']
    """
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            found.append(Token(kind, match.group(), match.start()))
    return found


def position(text: str, offset: int) -> tuple[int, int]:
    """(line, column), both from 1, of ``offset`` in ``text`` (lines end at a line feed or carriage return)."""
    before = re.split(r"\r\n|[\r\n]", text[:offset])
    return len(before), len(before[-1]) + 1


def _offset(text: str, line: int, column: int) -> int:
    lines = re.split(r"(?<=\n)|(?<=\r)(?!\n)", text)
    return min(len(text), sum(len(x) for x in lines[:max(0, line - 1)]) + max(0, column - 1))


def _with_caret(text: str, offset: int, message: str) -> str:
    line, column = position(text, offset)
    source = re.split(r"\r\n|[\r\n]", text)[line - 1] if text else ""
    pad = "".join(c if c == "\t" else " " for c in source[:column - 1])
    return f"line {line}, column {column}: {message}\n  {source}\n  {pad}^"


def _open_brace(toks: list[Token]) -> tuple[Token | None, Token | None]:
    """The ``{`` left open at the end, and the first ``}`` that closes nothing."""
    stack: list[Token] = []
    for token in toks:
        if token.text == "{":
            stack.append(token)
        elif token.text == "}":
            if not stack:
                return None, token
            stack.pop()
    return (stack[-1] if stack else None), None


def _incomplete_triple(toks: list[Token]) -> tuple[list[Token], str] | None:
    """The first triple pattern that ends (at ``.`` or ``}``) before its object: its terms, and what came before
    them (``.`` or ``{`` for a whole pattern, ``;`` for a predicate-object pair)."""
    terms = ("iri", "var", "pname", "string", "number")
    run: list[Token] = []
    after = "{"
    for token in toks:
        if token.text in ("{", "}", ".", ";", ",") or (token.kind == "word" and token.text != "a"):
            wanted = {"{": 3, ".": 3, ";": 2}.get(after, 0)
            if token.text in ("}", ".") and 0 < len(run) < wanted:
                return run, after
            run, after = [], token.text if token.text in ("{", ".", ";", ",", "}") else ""
        elif token.kind in terms or token.text == "a":
            run.append(token)
        else:
            run, after = [], ""  # brackets, paths, expressions: not a plain triple pattern
    return None


def _declared(toks: list[Token]) -> set[str]:
    return {toks[i + 1].text.split(":")[0] for i, t in enumerate(toks[:-1])
            if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 1].kind == "pname"}


def _explained(text: str, toks: list[Token], message: str) -> tuple[int, str] | None:
    """(offset, words) for the mistakes recognised here, or ``None``."""
    first = next((t for t in toks if not (t.kind == "word" and t.text.upper() in ("PREFIX", "BASE"))
                  and t.kind not in ("pname", "iri")), None)
    if first is not None and first.kind == "word" and first.text.upper() not in (
            *QUERY_FORMS, "INSERT", "DELETE", "WITH", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"):
        close = difflib.get_close_matches(first.text.upper(), QUERY_FORMS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return first.start, (f"a query starts with {', '.join(QUERY_FORMS[:-1])} or {QUERY_FORMS[-1]} "
                             f"(after any PREFIX and BASE lines), not {first.text}{hint}")
    declared = _declared(toks)
    for token in toks:
        prefix = token.text.split(":")[0]
        if token.kind == "pname" and prefix not in declared and "Prefix not found" in message:
            from kg.rdf.namespaces import PREFIXES

            known = PREFIXES.get(prefix)
            declare = f"PREFIX {prefix}: <{known}>" if known else f"PREFIX {prefix}: <...>"
            return token.start, f"the prefix {prefix}: is not declared: add the line {declare} at the top"
    unclosed, stray = _open_brace(toks)
    if stray is not None:
        return stray.start, "this '}' closes no '{'"
    for i, token in enumerate(toks):
        following = toks[i + 1] if i + 1 < len(toks) else None
        word = token.text.upper() if token.kind == "word" else ""
        if word in ("ORDER", "GROUP") and (following is None or following.text.upper() != "BY"):
            return token.start, f"{word} needs BY: {word} BY ?variable"
        if word == "BY" and (following is None or following.text in ("}", ".") or following.kind == "word"
                             and following.text.upper() in ("LIMIT", "OFFSET", "HAVING", "ORDER", "GROUP")):
            return token.start, "BY needs one or more variables (or expressions) after it"
        if word in ("LIMIT", "OFFSET") and (following is None or following.kind != "number"):
            return (following or token).start, f"{word} takes a whole number, e.g. {word} 10"
        if token.text == ")" and following is not None and following.kind == "var" and i >= 1 \
                and toks[i - 1].text != "(" and _in_select_clause(toks, i):
            return following.start, f"write AS before {following.text}: (expression AS {following.text})"
    incomplete = _incomplete_triple(toks)
    if incomplete is not None:
        run, after = incomplete
        pattern = " ".join(t.text for t in run)
        if after == ";":
            return run[0].start, f"the predicate {pattern} after ';' has no object"
        lacks = "object" if len(run) == 2 else "predicate and no object"
        return run[0].start, (f"the triple pattern {pattern} has no {lacks} "
                              "(a triple pattern is subject, predicate, object)")
    return _unbalanced(text, toks, unclosed)


def _unbalanced(text: str, toks: list[Token], unclosed: Token | None) -> tuple[int, str] | None:
    """An unclosed bracket, an operator with nothing after it, a relative IRI: the last checks of :func:`_explained`."""
    depth: list[Token] = []
    for i, token in enumerate(toks):
        following = toks[i + 1] if i + 1 < len(toks) else None
        if token.text == "(":
            depth.append(token)
        elif token.text == ")" and depth:
            depth.pop()
        if token.kind == "punct" and token.text in _OPERATORS and (following is None or following.text in ")}"):
            return token.start, f"an expression is missing after {token.text}"
        if token.text == "@" and (following is None or following.kind != "word"):
            return token.start, "'@' must be followed by a language tag, as in \"text\"@en"
    if unclosed is not None:
        return len(text.rstrip()), "the query ends before its closing '}' (a '}' is missing)"
    if depth:
        return depth[-1].start, "this '(' is never closed"
    if not any(t.kind == "word" and t.text.upper() == "BASE" for t in toks):
        for token in toks:
            if token.kind == "iri" and not re.match(r"<[A-Za-z][A-Za-z0-9+.-]*:", token.text):
                return token.start, f"{token.text} is not an absolute IRI: write it in full, as in <http://...>"
    return None


_OPERATORS = frozenset({">", "<", "=", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/"})


def _in_select_clause(toks: list[Token], index: int) -> bool:
    """Whether the token at ``index`` comes before the first ``{`` (in the projection)."""
    return all(t.text != "{" for t in toks[:index])


def _readable(message: str) -> str:
    """The parser's own message without its Unicode ranges and placeholders."""
    message = re.sub(r"^error at \d+:\d+:\s*", "", message.strip())
    match = re.match(r"expected (one of )?(.*)", message, re.DOTALL)
    if not match:
        return message.splitlines()[0] if message else "the text does not parse here"
    items = re.findall(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[A-Za-z][\w ]*', match.group(2))
    kept = [item.strip() for item in items if not item.startswith("[") and item.strip()]
    if not kept:
        return "the text does not parse here"
    if '"?"' in kept and '"<"' in kept:
        return "expected an RDF term here: a ?variable, an <IRI>, a prefixed name or a literal"
    return "expected " + (kept[0] if len(kept) == 1 else "one of " + ", ".join(kept))


def explain_syntax_error(text: str, line: int | None, column: int | None, message: str) -> str:
    """A syntax error of the SPARQL ``text`` in words, with its line and a caret under the place.

    Args:
        text: the query or update.
        line: the line the parser reported (from 1), if any.
        column: its column (from 1), if any.
        message: the parser's message (pyoxigraph's ``error at L:C: expected ...`` or pyparsing's).
    """
    if line is None:
        found = re.match(r"error at (\d+):(\d+)", message.strip())
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
    toks = tokens(text)
    explained = _explained(text, toks, message)
    if explained is not None:
        offset, words = explained
        return _with_caret(text, offset, words)
    offset = _offset(text, line, column or 1)
    before = [t for t in toks if t.start < offset]
    if before and offset >= len(text.rstrip()):
        offset = before[-1].start
    return _with_caret(text, offset, _readable(message))
