"""What Protégé sees: the ontology and build/kg.owl loaded with the OWL API (Debian's libowlapi-java, through
tests/java/OwlCheck.java) and reasoned over with HermiT (bundled by owlready2).

Both must be clean: no parse problem, no undeclared entity, no triple left unparsed, no guessed declaration,
zero OWL 2 DL profile violations; consistent, with no unsatisfiable class. Small broken ontologies show that the
checks do find such problems.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

from kg.config import ONTOLOGY_DIR
from kg.store.owl import to_rdfxml

JAVA_DIR = Path(__file__).parent / "java"
JARS = Path("/usr/share/java")
#: The OWL API and the libraries it needs, as Debian installs them (libowlapi-java and its dependencies).
CLASSPATH_JARS = ["owlapi-distribution", "guava", "caffeine", "commons-codec", "commons-io", "commons-rdf-api",
                  "hppcrt", "jsr305", "atinject-jsr330-api", "slf4j-api", "slf4j-nop", "xz", "jackson-core",
                  "jackson-databind", "jackson-annotations", "httpclient", "httpcore", "commons-logging"]
SETUP_HINT = "install the Debian packages of .ci/system-deps.sh (a JDK, libowlapi-java): sudo bash .ci/system-deps.sh"

PREFIXES = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <http://example.org/t#> .
"""
#: Protégé would complain about each of these: an undeclared property, rdf:value, object/data property punning.
BAD_FOR_OWLAPI = PREFIXES + """<http://example.org/t> a owl:Ontology .
ex:A a owl:Class .  ex:x a ex:A ; ex:undeclared ex:y .  ex:x rdf:value ex:y .
ex:p a owl:ObjectProperty , owl:DatatypeProperty .
"""
UNSATISFIABLE = PREFIXES + """<http://example.org/t> a owl:Ontology .
ex:A a owl:Class .  ex:B a owl:Class ; owl:disjointWith ex:A .  ex:C a owl:Class ; rdfs:subClassOf ex:A , ex:B .
"""
INCONSISTENT = UNSATISFIABLE + "ex:c a owl:NamedIndividual , ex:C .\n"


def rdfxml_file(path: Path, turtle: str) -> Path:
    path.write_text(to_rdfxml(Graph().parse(data=turtle, format="turtle")), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def owlapi_classpath(tmp_path_factory) -> str:
    """OwlCheck.java compiled with javac against Debian's OWL API jars; returns the classpath to run it."""
    javac = shutil.which("javac")
    assert javac, f"javac not found: {SETUP_HINT}"
    jars = [JARS / f"{name}.jar" for name in CLASSPATH_JARS] + sorted(JARS.glob("rdf4j-*.jar"))
    missing = [str(j) for j in jars if not j.exists()]
    assert not missing, f"missing jars {missing}: {SETUP_HINT}"
    classes = tmp_path_factory.mktemp("owlcheck")
    classpath = ":".join(map(str, jars))
    subprocess.run([javac, "-d", str(classes), "-cp", classpath, str(JAVA_DIR / "OwlCheck.java")],
                   check=True, capture_output=True, text=True)
    return f"{classpath}:{classes}"


@pytest.fixture(scope="session")
def owlapi_report(owlapi_classpath, seed_build, tmp_path_factory) -> dict[str, dict]:
    """One JVM run of the checker over every file; per file: the summary numbers and the detail lines."""
    bad = rdfxml_file(tmp_path_factory.mktemp("bad") / "bad.owl", BAD_FOR_OWLAPI)
    files = {"ontology.owl": ONTOLOGY_DIR / "newsgraph.owl", "ontology.ttl": ONTOLOGY_DIR / "newsgraph.ttl",
             "kg.owl": seed_build / "kg.owl", "bad": bad}
    run = subprocess.run(["java", "-cp", owlapi_classpath, "OwlCheck", *map(str, files.values())],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    report: dict[str, dict] = {}
    details: list[str] = []
    by_path = {str(path): name for name, path in files.items()}
    for line in run.stdout.splitlines():
        if not line.startswith("RESULT "):
            details.append(line)
            continue
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        report[by_path[fields.pop("file")]] = {"fields": fields, "details": details, "line": line}
        details = []
    assert set(report) == set(files), run.stdout + run.stderr
    return report


@pytest.mark.parametrize("name", ["ontology.owl", "ontology.ttl", "kg.owl"])
def test_owlapi_loads_cleanly(owlapi_report, name):
    result = owlapi_report[name]
    fields, details = result["fields"], "\n".join(result["details"][:40])
    assert "error" not in fields, result["line"]
    for key in ("unparsed", "guessed", "undeclared", "dl_violations"):
        assert fields[key] == "0", f"{name}: {key}={fields[key]}\n{details}"
    assert int(fields["axioms"]) > 500


def test_owlapi_reads_the_rdfxml_and_turtle_alike(owlapi_report):
    assert owlapi_report["ontology.owl"]["fields"]["format"].startswith("RDF/XML")
    assert owlapi_report["ontology.owl"]["fields"]["axioms"] == owlapi_report["ontology.ttl"]["fields"]["axioms"]


def test_owlapi_checker_finds_what_protege_would_complain_about(owlapi_report):
    fields = owlapi_report["bad"]["fields"]
    details = "\n".join(owlapi_report["bad"]["details"])
    assert int(fields["dl_violations"]) > 0, details
    assert int(fields["unparsed"]) + int(fields["guessed"]) + int(fields["undeclared"]) > 0, details
    assert "undeclared" in details.lower()


def hermit(path: Path) -> list[str]:
    """Run HermiT (owlready2) on ``path``; the names of the unsatisfiable classes. Raises when inconsistent."""
    import owlready2

    world = owlready2.World()
    world.get_ontology(path.resolve().as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return sorted(c.name for c in world.inconsistent_classes() if c is not owlready2.Nothing)


@pytest.mark.parametrize("which", ["ontology", "kg.owl"])
def test_hermit_finds_it_consistent_with_no_unsatisfiable_class(which, seed_build):
    path = ONTOLOGY_DIR / "newsgraph.owl" if which == "ontology" else seed_build / "kg.owl"
    assert hermit(path) == []


def test_hermit_reports_unsatisfiable_classes_and_inconsistency(tmp_path):
    import owlready2

    assert hermit(rdfxml_file(tmp_path / "unsat.owl", UNSATISFIABLE)) == ["C"]
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(rdfxml_file(tmp_path / "inconsistent.owl", INCONSISTENT))
