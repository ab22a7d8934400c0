"""Extraction on a real local Dask cluster (2 worker processes on 127.0.0.1): same graph, retries, failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from kg.build.distributed import SchedulerError, parse_scheduler
from kg.build.pipeline import run_build
from kg.cli import main
from kg.config import Settings
from tests.conftest import KG, SEEDS

SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))


def _cluster(**env: str) -> LocalCluster:
    """A real cluster of 2 single-threaded worker processes; ``env`` goes into the workers' environment, where
    ``tests.hooks.dask_faults`` reads which articles fail or stall."""
    return LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                        dashboard_address="127.0.0.1:0", env=env, preload=["tests.hooks.dask_faults"])


def _report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text())


def test_local_scheduler_gives_the_same_nquads_as_the_single_machine_build(seed_build, tmp_path):
    out = tmp_path / "dask"
    report = run_build([SEEDS], Settings.from_env(out=str(out), scheduler="local:2", batch_size=2), use_cache=False)
    assert report.extracted == len(SEED_FILES)
    assert _report(out)["jobs"] == 2
    timings = _report(out)["timings"]
    assert 0 < timings["dask_start"] < timings["extract"]  # the cluster's start is timed, as part of extract
    assert report.skipped == []
    assert (out / "kg.nq").read_bytes() == (seed_build / "kg.nq").read_bytes()


def test_a_killed_worker_is_replaced_and_every_article_still_built(seed_build, tmp_path):
    slow = SEED_FILES[1]
    flag = tmp_path / "slow.pid"
    with _cluster(KG_TEST_SLOW_ARTICLE=slow, KG_TEST_SLOW_FLAG=str(flag)) as cluster:
        out = tmp_path / "out"
        build = subprocess.Popen([*KG, "build", str(SEEDS), "--out", str(out), "--no-cache", "--batch-size", "2",
                                  "--scheduler", cluster.scheduler_address],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
        try:
            deadline = time.monotonic() + 120
            while not flag.exists() or not flag.read_text():
                assert build.poll() is None, build.stdout.read().decode()
                assert time.monotonic() < deadline, "no worker reached the slow article"
                time.sleep(0.2)
            pid = int(flag.read_text())
            assert pid != os.getpid() and pid != build.pid
            os.kill(pid, signal.SIGKILL)
            output, _ = build.communicate(timeout=300)
        finally:
            if build.poll() is None:
                build.kill()
                build.wait()
    assert build.returncode == 0, output.decode()
    report = _report(out)
    assert report["counts"]["articles"] == len(SEED_FILES)
    assert report["skipped"] == []
    assert (out / "kg.nq").read_bytes() == (seed_build / "kg.nq").read_bytes()


def test_an_article_that_always_fails_is_reported_as_skipped(tmp_path):
    failing = SEED_FILES[2]
    out = tmp_path / "out"
    with _cluster(KG_TEST_FAIL_ARTICLE=failing) as cluster:
        report = run_build([SEEDS], Settings.from_env(out=str(out), scheduler=cluster.scheduler_address,
                                                      batch_size=2), use_cache=False)
    assert report.articles == len(SEED_FILES) - 1
    skipped = _report(out)["skipped"]
    assert [entry["path"] for entry in skipped] == [str(SEEDS / failing)]  # the path as given (issue 22)
    assert "ArticleFailed" in skipped[0]["reason"] and "3 attempts" in skipped[0]["reason"]
    nquads = (out / "kg.nq").read_text()
    assert f'"{failing}"' not in nquads
    assert all(f'"{name}"' in nquads for name in SEED_FILES if name != failing)


def test_scheduler_addresses_are_checked():
    assert parse_scheduler("local:3") == ("local", 3)
    for bad in ("local:0", "local:x", "somehost:8786"):
        with pytest.raises(SchedulerError, match="--scheduler"):
            parse_scheduler(bad)


def test_kg_build_explains_a_malformed_scheduler_address(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(tmp_path / "out"), "--no-cache",
                                       "--scheduler", "somehost:8786"])
    assert result.exit_code == 1
    assert "tcp://HOST:8786" in result.output


def test_an_unreachable_scheduler_fails_fast_with_what_to_do(tmp_path):
    import socket

    with socket.socket() as sock:  # a port that nothing listens on: bound, then closed again
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    build = subprocess.run([*KG, "build", str(SEEDS), "--out", str(tmp_path / "out"), "--no-cache",
                            "--scheduler", f"tcp://127.0.0.1:{port}"], capture_output=True, text=True,
                           env={**os.environ, "KG_CONNECT_TIMEOUT": "2"}, timeout=120)
    elapsed = time.monotonic() - started
    assert build.returncode == 1, build.stderr
    assert f"no Dask scheduler answered at tcp://127.0.0.1:{port} within 2 s" in build.stderr
    assert "dask scheduler" in build.stderr and "local:N" in build.stderr and "KG_CONNECT_TIMEOUT" in build.stderr
    assert "Traceback" not in build.stderr
    assert elapsed < 30, f"took {elapsed:.0f} s"  # the 2 s timeout, reading the seeds and starting Python
    assert not (tmp_path / "out" / "kg.nq").exists()
