"""What a store knows of the build that wrote it: the build's facts in, ``newsgraph-build.json`` in the store
folder out, and back.

The build writes the file into its new store before it swaps the store folder into place, so the store and its
build information are replaced together; ``kg serve`` reads it to learn the base IRI and what to show about the
build (version, date, counts) from the store it serves. The graph files (``kg.nq``, ``void.ttl`` ...) do not
change.

"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.errors import StoreError
from kg.store.stores import MARKER

#: The file in the store folder.
BUILD_INFO = "newsgraph-build.json"


@dataclass(frozen=True)
class BuildInfo:
    """The build that wrote a store.

    Attributes:
        base_iri: the base IRI every resource of the graph was minted under (``https://w3id.org/newsgraph/``).
        newsgraph: the version of newsgraph that built it.
        built: when the build finished, ISO 8601 in UTC (``2024-05-01T10:00:00+00:00``).
        build_id: the first 16 hex digits of the SHA-256 of the build's ``kg.nq``: the same graph has the same
            id whenever it is built.
        counts: the build's counts, as in ``report.json`` (articles, entities, graphs, quads, asserted,
            inferred, ...).
        pipeline_version: the extraction pipeline's version (its cache key; empty when built without a cache).
    """

    base_iri: str
    newsgraph: str
    built: str
    build_id: str
    counts: dict[str, int] = field(default_factory=dict)
    pipeline_version: str = ""


def write_build_info(store_path: str | Path, info: BuildInfo) -> None:
    """Write ``info`` into the store folder (to a temporary name first, then renamed)."""
    path = Path(store_path) / BUILD_INFO
    tmp = path.with_name(f".{BUILD_INFO}.tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_build_info(store_path: str | Path) -> BuildInfo | None:
    """The build information of the store at ``store_path``; ``None`` for a store written without it (by an
    earlier newsgraph, or loaded from a file by :func:`kg.store.stores.write_store`).

    Raises:
        StoreError: there is no store at ``store_path``, or its build information is not readable.
    """
    folder = Path(store_path)
    if not (folder / MARKER).exists():
        raise StoreError(f"no newsgraph store at {str(folder)!r}: run `kg build` first (it writes build/store)")
    path = folder / BUILD_INFO
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return BuildInfo(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise StoreError(f"the build information {path} cannot be read ({exc}): build the store again with "
                         "`kg build`") from exc
