"""The ``kg`` command: a thin shell over importable functions.

Exit codes: 0 success; 1 any other newsgraph error; 2 bad input (or bad usage); 3 the graph
failed validation; 4 store missing or unusable; 5 query malformed or refused.
"""

from __future__ import annotations

import json
import logging
import sys

import click

from .config import Settings
from .errors import KGError


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
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command("build")
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Output folder [build].")
@click.option("--base-iri", default=None, help="Base IRI of minted resources.")
def build_cli(inputs: tuple[str, ...], out: str | None, base_iri: str | None) -> None:
    """Build the graph from INPUTS (files or folders of .txt articles; default seeds/)."""
    from tqdm import tqdm

    from .pipeline import run_build

    settings = Settings.from_env(out=out, base_iri=base_iri)
    with tqdm(unit="article", desc="extract", disable=not sys.stderr.isatty()) as bar:
        report = run_build(inputs or ("seeds",), settings, progress=bar.update)
    for skipped in report.skipped:
        click.echo(f"skipped {skipped['path']}: {skipped['reason']}", err=True)
    click.echo(f"built {report.articles} articles, {report.entities} entities, {report.quads} quads "
               f"into {settings.out}/ (report: {report.outputs['report']})")


@main.command("serve")
@click.option("--store", default=None, help="Store folder written by `kg build` [build/store].")
@click.option("--host", default=None, help="Address to listen on [127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port to listen on [5000].")
@click.option("--query-timeout", type=float, default=None, help="Wall-clock limit of one query, in seconds [10].")
@click.option("--enable-updates", is_flag=True, default=None, help="Accept SPARQL updates on /update (needs --token).")
@click.option("--token", default=None, help="Bearer token /update requires (or KG_UPDATE_TOKEN).")
def serve_cli(store: str | None, host: str | None, port: int | None, query_timeout: float | None,
              enable_updates: bool | None, token: str | None) -> None:
    """Serve the graph: SPARQL at /sparql, updates at /update when enabled, health at /health (waitress)."""
    import waitress

    from server import create_app

    settings = Settings.from_env(store=store, host=host, port=port, query_timeout=query_timeout,
                                 enable_updates=enable_updates, update_token=token)
    if settings.enable_updates and not settings.update_token:
        raise KGError("--enable-updates needs a bearer token: add --token SECRET (or set KG_UPDATE_TOKEN)")
    app = create_app({"STORE": settings.store, "QUERY_TIMEOUT": settings.query_timeout,
                      "ENABLE_UPDATES": settings.enable_updates, "UPDATE_TOKEN": settings.update_token})
    click.echo(f"newsgraph: query page at http://{settings.host}:{settings.port}/ (SPARQL endpoint: /sparql)", err=True)
    waitress.serve(app, host=settings.host, port=settings.port, threads=settings.threads, ident="newsgraph")


@main.command("query")
@click.argument("query")
@click.option("--store", default=None, help="Store folder [build/store].")
def query_cli(query: str, store: str | None) -> None:
    """Run QUERY (SPARQL text or a .rq file) on the store and print the result as JSON."""
    from pathlib import Path

    from .query import run_query

    text = Path(query).read_text(encoding="utf-8") if query.endswith(".rq") else query
    rows = run_query(Settings.from_env(store=store).store, text)
    click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
