"""A Dask worker preload that makes extraction of chosen articles fail or stall, for the distributed tests.

Give it to the workers of a test cluster (``LocalCluster(preload=["tests.hooks.dask_faults"], env=...)``); the
environment of the workers chooses the articles:

``KG_TEST_FAIL_ARTICLE=<source>``: extracting that article always raises :class:`ArticleFailed`.
``KG_TEST_SLOW_ARTICLE=<source>`` with ``KG_TEST_SLOW_FLAG=<path>``: the first worker to extract that article
writes its process id into the flag file and sleeps, so that the test can kill it; later attempts (the flag
exists) run normally.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


class ArticleFailed(RuntimeError):
    """Extraction of the article named by ``KG_TEST_FAIL_ARTICLE`` fails on purpose."""


def _faults(articles) -> None:
    for article in articles:
        if article.source == os.environ.get("KG_TEST_FAIL_ARTICLE"):
            raise ArticleFailed(f"KG_TEST_FAIL_ARTICLE: extraction of {article.source} fails on purpose")
        flag = os.environ.get("KG_TEST_SLOW_FLAG")
        if flag and article.source == os.environ.get("KG_TEST_SLOW_ARTICLE") and not Path(flag).exists():
            Path(flag).write_text(str(os.getpid()))
            time.sleep(600)


def dask_setup(worker) -> None:
    """Preload hook (run in each worker process as it starts): wrap the extraction task with the faults."""
    from kg.build import distributed

    task = distributed.extract_task
    if getattr(task, "with_faults", False):
        return

    def extract_task(articles, model, batch_size, profile=""):
        _faults(articles)
        return task(articles, model, batch_size, profile)

    extract_task.with_faults = True
    distributed.extract_task = extract_task
