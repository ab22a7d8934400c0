"""The ``kg`` command: a thin shell over importable functions.

Exit codes: 0 success; 1 any other newsgraph error; 2 bad input (or bad usage); 3 the graph
failed validation; 4 store missing or unusable; 5 query malformed or refused.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys

import click

from kg.config import Settings
from kg.errors import KGError


class _KGCommand(click.Command):
    """Turns a :class:`KGError` into a message and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.secho(f"Error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)


class _KGGroup(click.Group):
    command_class = _KGCommand


@click.group(cls=_KGGroup)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="newsgraph")
def main(verbose: int) -> None:
    """newsgraph: build a knowledge graph from news articles and serve it over SPARQL."""
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler()
    handler.setFormatter(_Formatter(verbose))
    logging.basicConfig(level=level, handlers=[handler])


#: Set by ``kg build`` once it is done: the process holds the build's heap (the model, the gazetteer, the records)
#: and :func:`entry` may end it without the interpreter's teardown.
_large_heap_done = False


def entry(args: list[str] | None = None) -> None:
    """The ``kg`` program (its console script, ``python -m kg``): :data:`main` with ``args`` (default: the command
    line).

    After a successful ``kg build`` the process then ends at once (``os._exit``, streams flushed, logging shut
    down) instead of going through the interpreter's teardown, which frees the build's heap object by object:
    0.3-0.4 s of a 9.5-second build of the throughput corpus. Only when no child process and no other non-daemon
    thread is left (the build joins and closes everything it started); otherwise, and after any other command,
    the process exits as usual.
    """
    try:
        main(args)
    except SystemExit as exc:
        if exc.code in (0, None) and _large_heap_done and _nothing_left_running():
            logging.shutdown()
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError):  # a reader that went away (``kg build | head``)
                    stream.flush()
            os._exit(0)
        raise


def _nothing_left_running() -> bool:
    import multiprocessing
    import threading

    return not multiprocessing.active_children() and all(
        thread.daemon or thread is threading.main_thread() for thread in threading.enumerate())


class _Formatter(logging.Formatter):
    """``warning: skipped x.txt: not UTF-8 text ...``: one line per message, the logger's name only with ``-v``."""

    def __init__(self, verbose: int) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        where = f" {record.name}" if self.verbose else ""
        return f"{record.levelname.lower()}{where}: {super().format(record)}"


@main.command("build")
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Output folder [build].")
@click.option("--base-iri", default=None, help="Base IRI of minted resources.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Extraction worker processes [1].")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Articles per nlp.pipe batch [8].")
@click.option("--no-cache", is_flag=True, help="Extract every article again (ignore build/cache).")
@click.option("--scheduler", default=None,
              help="Extract on a Dask cluster: tcp://HOST:PORT of a `dask scheduler`, or local:N worker processes.")
def build_cli(inputs: tuple[str, ...], out: str | None, base_iri: str | None, jobs: int | None,
              batch_size: int | None, no_cache: bool, scheduler: str | None) -> None:
    """Build the graph from INPUTS (.txt files, folders, glob patterns, .jsonl or .parquet files; default seeds/)."""
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    from kg.build.pipeline import run_build
    from kg.ingest.readers import count_articles, find_files

    settings = Settings.from_env(out=out, base_iri=base_iri, jobs=jobs, batch_size=batch_size, scheduler=scheduler)
    inputs = inputs or ("seeds",)
    total = count_articles(find_files(inputs))  # articles (rows of .jsonl/.parquet files), not files
    # messages (a skipped input ...) are written above the progress bar, never into it
    with tqdm(total=total, unit="article", desc="extract", disable=not sys.stderr.isatty()) as bar, \
            logging_redirect_tqdm():
        report = run_build(inputs, settings, progress=bar.update, use_cache=not no_cache)
    click.echo(f"built {report.articles} articles ({report.cached} from the cache), {report.entities} entities, "
               f"{report.quads} quads ({report.inferred} inferred) into {settings.out.rstrip('/')}/ "
               f"(report: {report.outputs['report']}); {report.summary()}")
    global _large_heap_done
    _large_heap_done = True


@main.command("export")
@click.option("-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml", "acled-csv"]),
              default="ttl", show_default=True, help="Output format (acled-csv: the events as an ACLED-style table).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE [stdout].")
@click.option("--store", default=None, help="Store folder [build/store].")
def export_cli(fmt: str, output: str | None, store: str | None) -> None:
    """Write the whole graph (or its events table) in FORMAT to stdout or a file."""
    from kg.store.export import export
    from kg.store.stores import EmbeddedStore

    graph = EmbeddedStore(Settings.from_env(store=store).store)
    if output:
        with click.open_file(output, "wb", atomic=True) as fh:
            export(graph, fmt, fh)
    else:
        export(graph, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()


@main.command("validate")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Build folder holding kg.nq [build].")
@click.option("--limit", type=int, default=20, show_default=True, help="Most problems to list.")
@click.option("--engine", type=click.Choice(["native", "pyshacl"]), default=None,
              help="SHACL engine [KG_SHACL, else native].")
def validate_cli(out: str | None, limit: int, engine: str | None) -> None:
    """Check the built graph (asserted graphs of OUT/kg.nq) against the SHACL shapes; exit code 3 on violations."""
    from kg.errors import ValidationError
    from kg.validate.built_graph import validate_build

    result = validate_build(Settings.from_env(out=out).out, engine)
    if not result.conforms:
        raise ValidationError(result.text(limit))
    click.echo(result.text(limit))


@main.command("stats")
@click.option("--store", default=None, help="Store folder [build/store].")
@click.option("--json", "as_json", is_flag=True, help="Print every count as JSON.")
@click.option("--void", "as_void", is_flag=True, help="Print the VoID description (Turtle).")
def stats_cli(store: str | None, as_json: bool, as_void: bool) -> None:
    """Counts per class, property and named graph of the store."""
    from kg.store.stats import compute_stats, format_stats, void_turtle
    from kg.store.stores import EmbeddedStore

    settings = Settings.from_env(store=store)
    stats = compute_stats(EmbeddedStore(settings.store))
    if as_void:
        click.echo(void_turtle(stats, settings.base_iri).decode("utf-8"), nl=False)
    elif as_json:
        click.echo(json.dumps(stats.as_dict(), indent=2))
    else:
        click.echo(format_stats(stats))


@main.command("serve")
@click.option("--store", default=None, help="Store folder written by `kg build` [build/store].")
@click.option("--host", default=None, help="Address to listen on [127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port to listen on [5000].")
@click.option("--query-timeout", type=float, default=None, help="Wall-clock limit of one query, in seconds [10].")
@click.option("--enable-updates", is_flag=True, default=None, help="Accept SPARQL updates on /update (needs --token).")
@click.option("--token", default=None, help="Bearer token /update requires (or KG_UPDATE_TOKEN).")
@click.option("--upstream", default=None, help="Answer from this remote SPARQL query URL, not --store (read-only).")
def serve_cli(store: str | None, host: str | None, port: int | None, query_timeout: float | None,
              enable_updates: bool | None, token: str | None, upstream: str | None) -> None:
    """Serve the graph: SPARQL at /sparql, updates at /update when enabled, health at /health (waitress).

    The server follows the store: a `kg build` into the same folder is served within seconds.
    """
    from server import create_app
    from server.processes import serve_all

    settings = Settings.from_env(store=store, host=host, port=port, query_timeout=query_timeout,
                                 enable_updates=enable_updates, update_token=token, upstream=upstream)
    if settings.upstream and settings.enable_updates:
        raise KGError("--upstream serves a remote store read-only: drop --enable-updates (update the store itself)")
    if settings.enable_updates and not settings.update_token:
        raise KGError("--enable-updates needs a bearer token: add --token SECRET (or set KG_UPDATE_TOKEN)")

    def make_app(mine: Settings):
        return create_app({"STORE": mine.store, "QUERY_TIMEOUT": mine.query_timeout,
                           "ENABLE_UPDATES": mine.enable_updates, "UPDATE_TOKEN": mine.update_token,
                           "UPSTREAM": mine.upstream, "WARM_WORKERS": True, "QUERY_WORKERS": mine.query_workers,
                           "CACHE_MB": mine.cache_mb})

    def started() -> None:
        click.echo(f"newsgraph: query page at http://{settings.host}:{settings.port}/ (SPARQL endpoint: /sparql)",
                   err=True)

    serve_all(settings, make_app, started)


@main.command("doctor")
@click.option("--store", default=None, help="Store folder kg serve would open [build/store].")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def doctor_cli(store: str | None, as_json: bool) -> None:
    """Say what is installed (packages, the spaCy model), which store kg serve would serve (its build id, date
    and counts), and whether the tests' Java and Chromium are there. Exit code 0 ready, 1 a package or the
    model missing, 4 no usable store."""
    from kg.doctor import diagnose

    diagnosis = diagnose(Settings.from_env(store=store))
    click.echo(json.dumps(diagnosis.as_dict(), indent=2) if as_json else diagnosis.text())
    sys.exit(diagnosis.exit_code)


@main.command("link")
@click.option("--online", is_flag=True, help="Ask Wikidata's search API for candidates (off by default).")
@click.option("--build", "build_dir", default=None, help="Build folder whose kg.nq lists the entities [build].")
@click.option("--table", default=None, help="Link table to append proposals to [kg/data/links.csv].")
@click.option("--api", default=None, help="Search API URL (default: Wikidata's wbsearchentities).")
def link_cli(online: bool, build_dir: str | None, table: str | None, api: str | None) -> None:
    """Propose Wikidata links for unlinked entities into the link table, as `proposed` rows for review.

    Proposals never reach the graph: a person changes a row's status to `verified` to use it.
    """
    from pathlib import Path

    from kg.resolve.links import LINK_TABLE, WIKIDATA_API, entities_in_build, propose_links

    if not online:
        raise click.UsageError("`kg link` needs --online: it asks Wikidata's search API, which is off by default")
    build = Path(build_dir or Settings.from_env().out)
    proposed = propose_links(entities_in_build(build / "kg.nq"), table or LINK_TABLE, api or WIKIDATA_API)
    for link in proposed:
        click.echo(f"proposed {link.kind} {link.label!r} -> {link.scheme}:{link.id} ({link.evidence})")
    click.echo(f"{len(proposed)} proposal(s) added to {table or LINK_TABLE}; review them, then set status to verified")


@main.command("query")
@click.argument("query", required=False)
@click.option("--store", default=None, help="Store folder [build/store].")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--list", "list_files", is_flag=True, help="List the ready-made queries with their titles.")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=None,
              help="Folder of .rq files for --list and query names [queries/].")
def query_cli(query: str | None, store: str | None, fmt: str, list_files: bool, folder: str | None) -> None:
    """Run QUERY on the store: SPARQL text, a .rq file, or a name from --list (cq03 or cq03-acting-pm)."""
    from kg.store.query import execute, format_result, list_queries, query_text

    if list_files:
        files = list_queries(folder)
        width = max((len(f.name) for f in files), default=0)
        for f in files:
            click.echo(f"{f.name.ljust(width)}  {f.title}")
        return
    if not query:
        raise click.UsageError("give a QUERY (SPARQL text, a .rq file or a query name), or --list")
    result = execute(Settings.from_env(store=store).store, query_text(query, folder))
    click.echo(format_result(result, fmt))


@main.command("push")
@click.option("--endpoint", required=True, help="SPARQL query URL of the remote store (Oxigraph: http://HOST:7878/query).")
@click.option("--graph-store", default=None,
              help="Graph Store Protocol URL [the endpoint; an Oxigraph .../query becomes .../store].")
@click.option("--auth", default=None, help="user:password for HTTP Basic authentication.")
@click.option("--token", default=None, help="Bearer token for the store.")
@click.option("--batch", type=click.IntRange(min=1), default=4, show_default=True,
              help="Graphs sent at the same time (one PUT each).")
@click.option("--retries", type=click.IntRange(min=0), default=4, show_default=True,
              help="Further attempts for a request that failed (connection error, 429, 5xx), with backoff.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Build folder holding kg.nq [build].")
@click.option("--force", is_flag=True, help="Push every graph, even those the push log lists as pushed.")
@click.option("--no-verify", is_flag=True, help="Skip counting the pushed graphs' triples through --endpoint.")
def push_cli(endpoint: str, graph_store: str | None, auth: str | None, token: str | None, batch: int,
             retries: int, out: str | None, force: bool, no_verify: bool) -> None:
    """Write each named graph of OUT/kg.nq into a SPARQL 1.1 store (Graph Store Protocol PUT, resumable)."""
    from pathlib import Path

    from kg.store.push import Target, graph_store_url, parse_auth, push, verify

    if auth and token:
        raise click.UsageError("give --auth or --token, not both")
    build = Path(Settings.from_env(out=out).out)
    target = Target(graph_store_url(endpoint, graph_store), auth=parse_auth(auth), token=token or "",
                    retries=retries)
    report = push(build / "kg.nq", target, build / "push-log.jsonl", batch=batch, force=force)
    if report.sizes and not no_verify:
        verify(endpoint, report.sizes, target, default=report.default_size)
        click.echo(f"checked through {endpoint}: every pushed graph holds its triples", err=True)
    click.echo(f"pushed {len(report.pushed)} graph(s), {report.triples} triples, and their merge as the default graph "
               f"to {target.graph_store}; "
               f"{len(report.skipped)} unchanged graph(s) skipped (log: {build / 'push-log.jsonl'})")
