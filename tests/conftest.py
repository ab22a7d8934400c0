"""Shared fixtures: a real build of the seeds, and a real server on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from kg.build.pipeline import run_build
from kg.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: The seeds are built with their corpus profile, as `make run` builds them (its rows apply only to articles about
#: Kazakhstan; a test that builds other texts gets none of them, and the dev set is built with no profile).
os.environ.setdefault("KG_PROFILE", "kazakhstan")
KG = [sys.executable, "-m", "kg"]


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite the golden graphs under tests/golden/ from the current build instead of comparing.")


@pytest.fixture
def update_golden(request) -> bool:
    """Whether this run rewrites golden files (``pytest --update-golden``)."""
    return request.config.getoption("--update-golden")


def eval_dir() -> Path | None:
    """``shared/eval`` (the dev set and the scorer) beside the repository or beside one of its parent folders (a git
    worktree); never copied into the repository."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / "eval"
        if (candidate / "score_kg.py").exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def shared() -> Path:
    """The dev set folder; in CI (``CI=true``) a missing dev set is an error, not a skip."""
    found = eval_dir()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the dev set (shared/eval beside the repository) is missing in CI")
        pytest.skip("no shared/eval beside the repository")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The seeds built once per test session (through the importable build function)."""
    out = tmp_path_factory.mktemp("seed-build")
    run_build([SEEDS], Settings.from_env(out=str(out)))
    return out


def start_server(store: Path, *extra: str, log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start `kg serve` on a free port and wait until /health answers; its output goes to ``log``."""
    port = free_port()
    log = log or store.parent / f"serve-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([*KG, "serve", "--store", str(store), "--port", str(port), *extra],
                                stdout=out, stderr=subprocess.STDOUT, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kg serve exited: {log.read_text()}")
        try:
            if requests.get(url + "/health", timeout=1).ok:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"kg serve did not answer /health within 30 s: {log.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def live_server(seed_build):
    """A real `kg serve` process over the seed build; yields its base URL."""
    proc, url = start_server(seed_build / "store")
    yield url
    stop_server(proc)


# ---- a real browser (Playwright driving Debian's Chromium), for the page tests

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright's sync API allows one at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Outside:
    """Route handler: requests to 127.0.0.1 go through, any other request is aborted and recorded."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()


@pytest.fixture
def page(browser):
    """A fresh page whose requests may only go to 127.0.0.1; fails the test if any tried to leave."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    outside = Outside()
    context.route("**/*", outside)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert outside.refused == [], f"requests left localhost: {outside.refused}"
    assert errors == [], f"JavaScript errors on the page: {errors}"
