"""Run SPARQL on a store from Python or the command line: a query (or a file of ``queries/``) in, its results
as a table, CSV or JSON out.

A query file (``queries/*.rq``) starts with header comments the CLI and the query page read::

    # title: Who is acting prime minister?
    # question: Who is acting prime minister and from when?
    # answer: Ana Costa, from 3 March 2024.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.config import ROOT
from kg.errors import QueryError
from kg.store.stores import open_store
from kg.store.syntax import explain_syntax_error

logger = logging.getLogger(__name__)

#: The ready-made queries shipped with newsgraph.
QUERIES_DIR = ROOT / "queries"

FORMATS = ("table", "csv", "json")

_HEADER = re.compile(r"^#\s*([a-z]+):\s*(.*?)\s*$", re.I)

#: Widest cell of a table before it is cut (csv and json keep every character).
MAX_CELL = 80


@dataclass(frozen=True)
class QueryFile:
    """A ``.rq`` file with its header comments."""

    path: Path
    title: str
    question: str = ""
    answer: str = ""
    header: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass
class QueryResult:
    """What a query returned: rows of plain strings (SELECT), a boolean (ASK) or N-Triples (CONSTRUCT)."""

    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, str | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: str | None = None


def parse_header(text: str) -> dict[str, str]:
    """The ``# key: value`` comments at the top of a query (a value may go on over ``#`` lines)."""
    header: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            key = None
            continue
        match = _HEADER.match(stripped)
        if match and match.group(1).lower() not in header:
            key = match.group(1).lower()
            header[key] = match.group(2)
        elif key and stripped.lstrip("#").strip():
            header[key] = f"{header[key]} {stripped.lstrip('#').strip()}".strip()
        else:
            key = None
    return header


def read_query_file(path: str | Path) -> QueryFile:
    """A query file and its header; the title falls back to the file name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query file {path}: {exc}; give a readable UTF-8 .rq file") from exc
    header = parse_header(text)
    return QueryFile(path, header.get("title") or path.stem, header.get("question", ""), header.get("answer", ""),
                     header)


def list_queries(folder: str | Path | None = None) -> list[QueryFile]:
    """Every ``.rq`` file of ``folder`` (default ``queries/``), sorted by name."""
    folder = Path(folder or QUERIES_DIR)
    if not folder.is_dir():
        raise QueryError(f"no query folder at {folder}: pass --dir with a folder of .rq files")
    return [read_query_file(path) for path in sorted(folder.glob("*.rq"))]


def query_text(arg: str, folder: str | Path | None = None) -> str:
    """The SPARQL of ``arg``: a path to a file, the name of a file in ``folder`` (``cq03`` or
    ``cq03-acting-prime-minister``), or SPARQL text itself.

    Raises:
        QueryError: ``arg`` names no file, or several, or looks like a query name that ``folder`` does not have.
    """
    folder = Path(folder or QUERIES_DIR)
    candidate = Path(arg)
    if arg.endswith(".rq") or (len(arg) < 300 and "\n" not in arg and candidate.is_file()):
        if not candidate.is_file() and (folder / arg).is_file():
            candidate = folder / arg
        if not candidate.is_file():
            raise QueryError(f"no query file {arg}: give an existing .rq file, a name from `kg query --list`, "
                             "or SPARQL text")
        return candidate.read_text(encoding="utf-8")
    if re.fullmatch(r"[\w-]+", arg) and folder.is_dir():
        matches = sorted(p for p in folder.glob("*.rq") if p.stem.startswith(arg))
        # the file itself, else the file of that number ("x1" is x1-..., not x10-...), else any that begins so
        exact = [p for p in matches if p.stem == arg] or [p for p in matches if p.stem.startswith(arg + "-")]
        matches = exact or matches
        if len(matches) == 1:
            return matches[0].read_text(encoding="utf-8")
        if len(matches) > 1:
            names = ", ".join(p.stem for p in matches)
            raise QueryError(f"{arg!r} names several query files ({names}): give the full name")
        raise QueryError(_no_such_query(arg, folder))
    return arg


def _no_such_query(name: str, folder: Path) -> str:
    """The message for a name that no query file has: the closest names, then every name."""
    import difflib

    names = sorted(p.stem for p in folder.glob("*.rq"))
    short = {n.split("-")[0]: n for n in names}
    close = difflib.get_close_matches(name, [*names, *short], n=3, cutoff=0.6)
    suggestion = f" (did you mean {', '.join(dict.fromkeys(short.get(c, c) for c in close))}?)" if close else ""
    return (f"no query named {name!r} in {folder}{suggestion}; the queries are: {', '.join(names)} "
            "(`kg query --list` shows their titles); to run SPARQL text, pass the text itself")


def _term(term) -> str | None:
    return None if term is None else term.value


def execute(store_path: str | Path, query: str) -> QueryResult:
    """Run ``query`` on the store (its default graph is the merge of the named graphs: every triple once).

    Raises:
        QueryError: the query is malformed (the message says where and what) or fails while running.
    """
    store = open_store(store_path)
    try:
        result = store.query(query)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            return QueryResult(triples=result.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
        names = [v.value for v in result.variables]
        rows = [{n: _term(sol[n]) for n in names} for sol in result]
    except SyntaxError as exc:
        raise QueryError("malformed query: " + explain_syntax_error(query, None, None, str(exc))) from exc
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"the query failed while running: {exc}") from exc
    return QueryResult(columns=names, rows=rows)


def run_query(store_path: str | Path, query: str) -> list[dict[str, str | None]] | bool | str:
    """Rows as dicts of plain strings for SELECT, a bool for ASK, N-Triples for CONSTRUCT.

    Raises:
        QueryError: the query is malformed.
    """
    result = execute(store_path, query)
    if result.boolean is not None:
        return result.boolean
    if result.triples is not None:
        return result.triples
    return result.rows


def _cell(value: str | None, width: int | None) -> str:
    text = "" if value is None else " ".join(value.split())
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def format_table(result: QueryResult, max_cell: int | None = MAX_CELL) -> str:
    """An aligned plain-text table with a header line and a row count."""
    if result.boolean is not None:
        return "yes" if result.boolean else "no"
    if result.triples is not None:
        return result.triples.rstrip("\n")
    cols = result.columns
    cells = [[_cell(row.get(c), max_cell) for c in cols] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(lines)


def format_csv(result: QueryResult) -> str:
    """CSV with a header row (ASK: one ``boolean`` column)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if result.boolean is not None:
        writer.writerows([["boolean"], [str(result.boolean).lower()]])
    elif result.triples is not None:
        return result.triples
    else:
        writer.writerow(result.columns)
        writer.writerows([["" if r.get(c) is None else r[c] for c in result.columns] for r in result.rows])
    return out.getvalue()


def format_json(result: QueryResult) -> str:
    """A JSON list of row objects (ASK: ``true``/``false``; CONSTRUCT: the N-Triples as a string)."""
    if result.boolean is not None:
        return json.dumps(result.boolean)
    if result.triples is not None:
        return json.dumps(result.triples, ensure_ascii=False)
    return json.dumps(result.rows, indent=2, ensure_ascii=False)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """``result`` as ``table``, ``csv`` or ``json`` text."""
    if fmt == "table":
        return format_table(result)
    if fmt == "csv":
        return format_csv(result)
    if fmt == "json":
        return format_json(result)
    raise QueryError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
