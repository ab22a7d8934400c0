"""Issue 22: `make run` installs only Python packages; `make test` (and CI) the Debian packages of the tests too;
`make query Q=...` hands the query to `kg query` unchanged."""

from __future__ import annotations

import subprocess

from tests.conftest import ROOT


def _plan(tmp_path, *args: str) -> str:
    """What make would run for ``args`` on a clone without a .venv (``make -n``: nothing runs)."""
    done = subprocess.run(
        ["make", "-n", f"VENV={tmp_path / 'venv'}", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_make_run_installs_no_debian_package(tmp_path):
    plan = _plan(tmp_path, "run")
    assert "pip install --quiet -e ." in plan and "kg build seeds/" in plan and "kg serve" in plan
    assert "system-deps" not in plan and "[test]" not in plan


def test_make_test_and_ci_install_the_test_packages(tmp_path):
    plan = _plan(tmp_path, "test")
    assert "system-deps" in plan and "-e '.[test]'" in plan and "pytest" in plan
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")
    assert "chromium" in (ROOT / ".ci" / "system-deps.sh").read_text()


def test_make_query_passes_the_query_unchanged(seed_build):
    query = (
        "PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
        'SELECT ("it\'s $HOME" AS ?x) (COUNT(*) AS $n) WHERE { ?a a ng:NewsArticle }'
    )
    done = subprocess.run(
        ["make", "--no-print-directory", "query", f"Q={query}", f"STORE={seed_build / 'store'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "it's $HOME" in done.stdout and " 5" in done.stdout, done.stdout
